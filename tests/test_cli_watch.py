"""``sync --watch`` survives any error in one pass (issue #11, item 6).

A time entry on the server is mangled (``hours: "abc"``) straight in the sandbox's
database while a watch runs: the watch says so (one line, or one JSON object), keeps
going, and syncs cleanly once the server's answer is sound again.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from contextlib import closing

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox
from tests.test_cli_helpers import TENKTUI, Cli, me_id

cli = helpers.cli
logged_in = helpers.logged_in


def _mangle(server: RunningSandbox, hours: object) -> None:
    """Set one of my time entries' ``hours`` to ``hours`` in the sandbox's own storage."""
    me = me_id(server)
    with closing(sqlite3.connect(server.db_path)) as db, db:
        entry = db.execute(
            "SELECT id FROM time_entries WHERE user_id = ? AND date <= ? "
            "AND json_extract(data, '$.is_suggestion') IS NOT 1 ORDER BY date DESC, id LIMIT 1",
            (me, TODAY.isoformat()),
        ).fetchone()[0]
        db.execute(
            "UPDATE time_entries SET data = json_set(data, '$.hours', json(?)) WHERE id = ?",
            (json.dumps(hours), entry),
        )


def _watch(cli: Cli, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(TENKTUI), "sync", "--watch", "--interval", "5", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli.env,
    )


def _stop(cli: Cli, proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    cli.runs.append(helpers.Result(proc.returncode, out, err))
    return out, err


@pytest.mark.slow
def test_watch_goes_on_after_a_pass_fails(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    logged_in.ok("sync")
    hours = _mangle_first(fresh_server)
    proc = _watch(logged_in, "--json")
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert proc.poll() is None, "the watch ended after one pass"
        _mangle(fresh_server, hours)
        later = [json.loads(proc.stdout.readline()) for _ in range(2)]
        assert proc.poll() is None
        assert later[-1]["state"] == "idle", later
    finally:
        _out, err = _stop(logged_in, proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    if first["state"] == "error":  # today's code fails the pass; a stricter pull may skip it
        assert first["message"] and first["retry_in"] >= 5


def test_watch_text_says_the_pass_failed_in_one_line(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    logged_in.ok("sync")
    hours = _mangle_first(fresh_server)
    proc = _watch(logged_in)
    try:
        assert proc.stdout is not None
        assert "Syncing every 5 s" in proc.stdout.readline()
        first = proc.stdout.readline()
        assert proc.poll() is None, "the watch ended after one pass"
        _mangle(fresh_server, hours)
    finally:
        out, err = _stop(logged_in, proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in out + err
    if "failed" in first:
        assert first.count("\n") == 1 and "trying again in" in first


def _mangle_first(server: RunningSandbox) -> object:
    """Mangle an entry's hours; what they were, to put them back."""
    me = me_id(server)
    with closing(sqlite3.connect(server.db_path)) as db:
        (hours,) = db.execute(
            "SELECT json_extract(data, '$.hours') FROM time_entries WHERE user_id = ? "
            "AND date <= ? AND json_extract(data, '$.is_suggestion') IS NOT 1 "
            "ORDER BY date DESC, id LIMIT 1",
            (me, TODAY.isoformat()),
        ).fetchone()
    _mangle(server, "abc")
    return hours
