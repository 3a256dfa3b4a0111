"""Every headless command on a Leantime profile: 3.8 (default reading, a manager's key)
and 3.9 (strict reading, an editor's personal access token).

The sandbox is the real ``tenktui sandbox serve --flavor leantime`` over HTTP.
What Leantime has (time on tickets, assignments, subtasks, the outbox, export)
works; what it lacks (presence statuses, approvals, suggestions) is refused
with exit 2 and a message that says so, and changes nothing.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import TODAY
from tests.test_cli_helpers import ME_EMAIL, Cli
from tests.test_leantime_sandbox import ACCOUNTS, KEY, PAT, TICKET, ZONE

cli = helpers.cli  # the shared fixture, bound under its own name for pytest


class Served:
    def __init__(self, db: Path, account: str) -> None:
        version, reading, kind, role = ACCOUNTS[account]
        self.token = PAT if kind == "pat" else KEY
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tenktui", "sandbox", "serve", "--flavor", "leantime",
             "--leantime-version", version, "--port", "0", "--token", self.token,
             "--db", str(db), "--today", TODAY.isoformat(), "--timezone", ZONE,
             "--rate-limit", "100000", "--reading", reading, "--token-kind", kind,
             "--role", role],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("sandbox listening on http://127.0.0.1:"), line
        assert not line.strip().endswith("/api/v1")  # the site root, as Leantime is addressed
        self.root = line.removeprefix("sandbox listening on ").strip()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(params=["3.8-default-manager-key", "3.9-strict-editor-pat"])
def leantime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path / "lt.db", request.param)
    yield server
    server.stop()


@pytest.mark.slow
def test_every_command_on_a_leantime_profile(cli: Cli, leantime: Served) -> None:
    env = {"TENKTUI_TOKEN": leantime.token, "TENKTUI_TODAY": TODAY.isoformat()}
    cli.env.update(env)
    cli.ok("login", "--backend", "leantime", "--base-url", leantime.root,
           "--email", ME_EMAIL, "--timezone", ZONE)  # fmt: skip
    cli.ok("sync")

    logged = cli.json("log", "1.5", "home page · dev", "--notes", "from the shell")
    assert logged["entry"]["server_id"] is not None
    cli.ok("set", "2.5", "home page · dev")  # the cell's one entry changes
    week = cli.json("week")
    cells = [c for r in week["rows"] for c in r["cells"] if c["hours"]]
    assert any(c["hours"] == 2.5 for c in cells)
    assert not any(c.get("suggestion") for r in week["rows"] for c in r["cells"])

    for refused, says in (
        (["confirm", "--week"], "Leantime has no suggested time"),
        (["submit"], "Leantime has no approvals"),
        (["status", "WFH"], "Leantime has no presence statuses"),
        (["who"], "Leantime has no presence statuses"),
        (["status"], "Leantime has no presence statuses"),
        (["log", "1", "home page · dev"], "one entry per day"),
    ):
        result = cli.run(*refused)
        assert result.code == 2, (refused, result.err)
        assert says in result.err, (refused, result.err)

    assignments = cli.json("assignments")["assignments"]
    assert any(a["id"] == TICKET for a in assignments)
    cli.ok("subtasks", "add", str(TICKET), "Check the footer links")
    listed = cli.json("subtasks", str(TICKET))["subtasks"]
    ours = next(s for s in listed if s["description"] == "Check the footer links")
    cli.ok("subtasks", "done", str(ours["id"]))
    done = cli.json("subtasks", str(TICKET))["subtasks"]
    assert next(s for s in done if s["id"] == ours["id"])["completed"] is True

    assert cli.outbox() == []
    exported = cli.json("export", "--from", TODAY.isoformat(), "--to", TODAY.isoformat())
    mine = [e for e in exported["entries"] if e["notes"] == "from the shell"]
    assert [e["hours"] for e in mine] == [2.5]
    for result in cli.runs:
        assert leantime.token not in result.out and leantime.token not in result.err
