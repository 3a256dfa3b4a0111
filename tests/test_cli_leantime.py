"""A Leantime profile through the real executable, against the Leantime sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import test_cli_helpers as helpers
from tests.test_cli_helpers import ME_EMAIL, Cli
from tests.test_leantime_sandbox import KEY, ZONE, LeantimeServer, start_leantime

# The shared fixture, bound under its own name for pytest.
cli = helpers.cli

TICKET = "Design the new home page"


@pytest.fixture
def leantime(tmp_path: Path) -> Iterator[LeantimeServer]:
    server = start_leantime(tmp_path / "lt.db", "3.9", "--rate-limit", "100000")
    yield server
    server.stop()


def test_a_leantime_profile_logs_time_within_what_leantime_can_do(
    cli: Cli, leantime: LeantimeServer
) -> None:
    login = ["login", "--backend", "leantime", "--base-url", leantime.root, "--email", ME_EMAIL]
    no_zone = cli.run(*login, env={"TENKTUI_TOKEN": KEY})
    assert no_zone.code == 2 and "--timezone" in no_zone.err
    cli.ok(*login, "--timezone", ZONE, env={"TENKTUI_TOKEN": KEY})

    ambiguous = cli.run("log", "2", "home page")
    assert ambiguous.code == 2 and "matches 6" in ambiguous.err
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
