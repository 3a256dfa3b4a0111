"""``sync --watch`` survives any error in one pass (issue #11, item 6).

A time entry on the server is mangled (``hours: "abc"``) straight in the sandbox's
database while a watch runs: the watch says so (one line, or one JSON object), keeps
going, and syncs cleanly once the server's answer is sound again.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from contextlib import closing
from urllib.parse import urlsplit

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox
from tests.test_cli_helpers import Cli, me_id
from tests.watching import LINE_WAIT, Watch

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


@pytest.mark.slow
def test_watch_goes_on_after_a_pass_fails(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    logged_in.ok("sync")
    hours = _mangle_first(fresh_server)
    watch = Watch(logged_in, "--json")
    try:
        first = json.loads(watch.line())
        assert watch.running(), "the watch ended after one pass"
        _mangle(fresh_server, hours)
        later = [json.loads(watch.line()) for _ in range(2)]
        assert watch.running()
        assert later[-1]["state"] == "idle", later
    finally:
        result = watch.stop()
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    if first["state"] == "error":  # today's code fails the pass; a stricter pull may skip it
        assert first["message"] and first["retry_in"] >= 5


def test_watch_text_says_the_pass_failed_in_one_line(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    logged_in.ok("sync")
    hours = _mangle_first(fresh_server)
    watch = Watch(logged_in)
    try:
        assert "Syncing every 5 s" in watch.line()
        first = watch.line()
        assert watch.running(), "the watch ended after one pass"
        _mangle(fresh_server, hours)
    finally:
        result = watch.stop()
    assert result.code == 0, result.err
    assert "Traceback" not in result.out + result.err
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


@pytest.mark.slow
def test_ctrl_c_stops_a_watch_that_started_with_sigint_ignored(logged_in: Cli) -> None:
    """A background job of a non-interactive shell (``tenktui sync --watch &`` in a
    script, or a CI run started with ``&``) inherits SIGINT ignored. Python then installs
    no handler for it, nor does asyncio.run: the watch went on after Ctrl+C until it was
    killed (the CI run whose three watch tests timed out)."""
    watch = Watch(logged_in, "--json", sigint_ignored=True)
    try:
        assert json.loads(watch.line())["state"] == "idle"
    finally:
        result = watch.stop()
    assert result.code == 0, result.err
    assert "Traceback" not in result.err


@pytest.mark.slow
def test_ctrl_c_stops_a_watch_whose_server_never_answers(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    """Ctrl+C while a pass waits on a server that took the connection and says nothing
    (30 s to a read timeout, 60 s to the whole answer's deadline, then retries): the
    pass is cancelled, the session closed, the watch ends."""
    logged_in.ok("sync")
    port = urlsplit(fresh_server.root).port
    assert port is not None
    fresh_server.stop()
    with socket.create_server(("127.0.0.1", port)) as silent:
        silent.settimeout(LINE_WAIT)
        watch = Watch(logged_in, "--json")
        try:
            conn, _ = silent.accept()  # the pass's first request is on its way
        except TimeoutError:
            watch.stop()
            pytest.fail("the watch never connected")
        with conn:
            result = watch.stop()
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
