"""A Leantime profile through the real executable, against the Leantime sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tenktui.api.leantime.ids import Ids
from tenktui.store import Store
from tests import test_cli_helpers as helpers
from tests.test_cli_helpers import ME_EMAIL, Cli
from tests.test_leantime_sandbox import KEY, PAT, ZONE, LeantimeServer, start_leantime

# The shared fixture, bound under its own name for pytest.
cli = helpers.cli

TICKET = "Design the new home page"


def ticket_and_kind(cli: Cli, assignable_id: int) -> tuple[int, str] | None:
    """What an assignable id of the profile's cache stands for, by its key map."""
    store = Store(cli.db)
    try:
        return Ids(store.keys).ticket_and_kind(assignable_id, {})
    finally:
        store.close()


@pytest.fixture
def leantime(tmp_path: Path) -> Iterator[LeantimeServer]:
    server = start_leantime(tmp_path / "lt.db", "3.9", "--rate-limit", "100000")
    yield server
    server.stop()


@pytest.mark.slow
def test_a_leantime_profile_logs_time_within_what_leantime_can_do(
    cli: Cli, leantime: LeantimeServer
) -> None:
    login = ["login", "--backend", "leantime", "--base-url", leantime.root, "--email", ME_EMAIL]
    # Issue 10 item 7: the machine's zone by default, said in the output.
    zoned = cli.ok(*login, env={"TENKTUI_TOKEN": KEY, "TZ": ZONE})
    assert f"Time zone {ZONE} (this machine's)" in zoned.out
    assert f'timezone = "{ZONE}"' in (cli.config_dir / "config.toml").read_text()

    # A ticket has an assignable per hour kind: the bare name is the profile's default kind.
    plain = cli.json("log", "2", "home page", "--date", "2026-11-25")
    assert ticket_and_kind(cli, plain["entry"]["assignable_id"]) == (100, "GENERAL_BILLABLE")
    logged = cli.json("log", "2", "home page · dev", "--notes", "from the shell")
    assert logged["sync"] == "saved" and logged["entry"]["server_id"] is not None
    second = cli.run("log", "1", "home page · dev")
    assert second.code == 2 and "one entry per day" in second.err
    refused = cli.run("status", "WFH")
    assert refused.code == 2 and "Leantime has no presence statuses" in refused.err

    # What the server holds, read back into a new cache.
    for suffix in ("", "-wal", "-shm"):
        cli.db.with_name(cli.db.name + suffix).unlink(missing_ok=True)
    exported = cli.json("export", "--from", "2026-11-23", "--to", "2026-11-23")["entries"]
    mine = [e for e in exported if e["notes"] == "from the shell"]
    assert [(e["hours"], TICKET in e["project"]) for e in mine] == [(2.0, True)]
    assert KEY not in "".join(r.out + r.err for r in cli.runs)
    token_files = set((cli.config_dir / "tokens").glob("*"))
    for path in cli.home.rglob("*"):
        if path.is_file() and path not in token_files:
            assert KEY.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("version", ["3.8", "3.9"])
@pytest.mark.slow
def test_the_profile_s_hour_kind_is_the_bare_ticket_name(
    cli: Cli, tmp_path: Path, version: str
) -> None:
    server = start_leantime(tmp_path / "lt.db", version, "--rate-limit", "100000")
    try:
        cli.ok("login", "--backend", "leantime", "--base-url", server.root, "--email", ME_EMAIL,
               "--timezone", ZONE, env={"TENKTUI_TOKEN": KEY})  # fmt: skip
        config = cli.config_dir / "config.toml"
        config.write_text(config.read_text() + 'leantime_kind = "DEVELOPMENT"\n')
        cli.ok("sync")
        logged = cli.json("log", "1.5", f"#{100}", "--date", "2026-11-25")
        assert ticket_and_kind(cli, logged["entry"]["assignable_id"]) == (100, "DEVELOPMENT")
    finally:
        server.stop()


@pytest.mark.slow
def test_login_with_a_personal_token_needs_no_email(cli: Cli, tmp_path: Path) -> None:
    """Issue 10 item 1: the token is the person; 3.9 enforcing permissions, an editor."""
    server = start_leantime(tmp_path / "lt.db", "3.9", "--token-kind", "pat", "--role",
                            "editor", "--permissions", "enforce", token=PAT)  # fmt: skip
    try:
        out = cli.ok("login", "--backend", "leantime", "--base-url", server.root,
                     "--timezone", ZONE, env={"TENKTUI_TOKEN": PAT})  # fmt: skip
        assert f"({ME_EMAIL})" in out.out
        cli.ok("log", "2", "home page", "--notes", "with my own token")
        assert cli.outbox() == []
    finally:
        server.stop()
    assert PAT not in "".join(r.out + r.err for r in cli.runs)


def test_login_refuses_a_key_that_would_log_on_its_own_account(cli: Cli, tmp_path: Path) -> None:
    """Issue 10 item 2: on 3.9 an editor's API key logs hours on the key's pseudo-user."""
    server = start_leantime(tmp_path / "lt.db", "3.9", "--role", "editor")
    try:
        refused = cli.run("login", "--backend", "leantime", "--base-url", server.root,
                          "--email", ME_EMAIL, "--timezone", ZONE,
                          env={"TENKTUI_TOKEN": KEY})  # fmt: skip
        assert refused.code == 1
        assert "editor role" in refused.err and "personal access token" in refused.err
        assert not (cli.config_dir / "config.toml").exists()
    finally:
        server.stop()
