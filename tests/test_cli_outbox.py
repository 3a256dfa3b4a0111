"""The outbox and sync through the real executable: conflicts, refusals, offline and back."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox, start_sandbox
from tests.test_cli_helpers import Cli, me_id, project_id, server_entries
from tests.watching import Watch

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in

TUESDAY = dt.date(2026, 11, 17)


def put(server: RunningSandbox, path: str, body: dict) -> None:
    with server.api() as api:
        api.put(path, json=body).raise_for_status()


@pytest.mark.slow
def test_conflicts_are_kept_and_resolved_mine_or_theirs(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    me = me_id(fresh_server)
    research = project_id(fresh_server, "INT-011")
    entry = cli.json("set", "2", "INT-011", "--date", TUESDAY.isoformat())["entries"][0]
    put(fresh_server, f"/users/{me}/time_entries/{entry['server_id']}", {"hours": 5})

    clash = cli.run("set", "3", "INT-011", "--date", TUESDAY.isoformat())
    assert clash.code == 1 and "keep yours or theirs" in clash.out
    [row] = cli.outbox()
    assert row["state"] == "conflict" and "Theirs: 5 h" in row["error"]
    sync = cli.run("sync", "--json")
    assert sync.code == 1 and sync.json()["outbox"]["conflicts"] == 1
    resolved = cli.json("outbox", "resolve", str(row["id"]), "--keep", "mine")
    assert resolved["sync"] == "saved"
    hours = [e["hours"] for e in server_entries(fresh_server, TUESDAY)
             if e["assignable_id"] == research]  # fmt: skip
    assert hours == [3.0] and cli.outbox() == []

    put(fresh_server, f"/users/{me}/time_entries/{entry['server_id']}", {"hours": 6})
    assert cli.run("set", "4", "INT-011", "--date", TUESDAY.isoformat()).code == 1
    [row] = cli.outbox()
    cli.ok("outbox", "resolve", str(row["id"]), "--keep", "theirs")
    assert cli.outbox() == []
    cli.ok("sync")
    cell = next(
        r for r in cli.json("week", "--date", "tue")["rows"] if r["label"] == "Research Lab"
    )
    assert cell["cells"][1]["hours"] == 6.0
    hours = [e["hours"] for e in server_entries(fresh_server, TUESDAY)
             if e["assignable_id"] == research]  # fmt: skip
    assert hours == [6.0]
    assert cli.run("outbox", "resolve", str(row["id"]), "--keep", "mine").code == 2


@pytest.mark.slow
def test_refused_edits_fail_then_retry_or_discard(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    research = project_id(fresh_server, "INT-011")
    cli.ok("sync")  # the cache learns the project while it is still open
    put(fresh_server, f"/projects/{research}", {"timeentry_lockout": 0})

    refused = cli.run("log", "1", "research lab")
    assert refused.code == 1
    assert "The server refused it" in refused.out and "locked" in refused.out
    [row] = cli.outbox()
    assert row["state"] == "failed" and "locked" in row["error"]
    again = cli.run("outbox", "retry", str(row["id"]))
    assert again.code == 1 and cli.outbox()[0]["state"] == "failed"

    put(fresh_server, f"/projects/{research}", {"timeentry_lockout": -1})
    assert cli.json("outbox", "retry", "--all")["sync"] == "saved"
    assert cli.outbox() == []
    landed = [e for e in server_entries(fresh_server, TODAY) if e["assignable_id"] == research]
    assert [e["hours"] for e in landed] == [1.0]

    put(fresh_server, f"/projects/{research}", {"timeentry_lockout": 0})
    assert cli.run("log", "2", "research lab").code == 1
    [row] = cli.outbox()
    discarded = cli.json("outbox", "discard", str(row["id"]))
    assert discarded["discarded"] == row["id"] and cli.outbox() == []
    cells = next(r for r in cli.json("week")["rows"] if r["label"] == "Research Lab")["cells"]
    assert cells[0]["hours"] == 1.0  # the discarded 2 h are gone, the sent 1 h stays
    assert cli.run("outbox", "discard", "424242").code == 2
    assert "Nothing to retry" in cli.ok("outbox", "retry", "--all").out


@pytest.mark.slow
def test_offline_edits_queue_then_replay_once(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    cli = logged_in
    internal = project_id(fresh_server, "INT-004")
    cli.ok("sync")
    port = int(fresh_server.root.rsplit(":", 1)[1])
    fresh_server.stop()

    queued = cli.run("log", "1.25", "INT-004", "--notes", "written offline")
    assert queued.code == 0 and "Queued offline" in queued.out
    status = cli.json("status", "OOO", "--message", "On a train")
    assert status["sync"] == "queued"
    week = cli.json("week")  # reading works offline, from the cache
    row = next(r for r in week["rows"] if r["assignable_id"] == internal)
    assert row["cells"][0]["state"] == "pending" and row["cells"][0]["hours"] == 1.25
    assert [r["state"] for r in cli.outbox()] == ["pending", "pending"]
    offline = cli.run("sync")
    assert offline.code == 1 and "Sync did not complete" in offline.out

    server = start_sandbox(fresh_server.db_path, "--rate-limit", "100000", port=port)
    try:
        report = cli.json("sync")
        assert report["pushed"] == 2 and report["outbox"] == {
            "pending": 0, "failed": 0, "conflicts": 0,
        }  # fmt: skip
        assert cli.json("sync")["pushed"] == 0
        landed = [e for e in server_entries(server, TODAY) if e["notes"] == "written offline"]
        assert [(e["assignable_id"], e["hours"]) for e in landed] == [(internal, 1.25)]
        with server.api() as api:
            latest = api.get(f"/users/{me_id(server)}/statuses", params={"per_page": 1}).json()[
                "data"
            ][0]
        assert (latest["status"], latest["message"]) == ("OOO", "On a train")
    finally:
        server.stop()


def test_no_sync_only_queues(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    cli = logged_in
    result = cli.json("log", "0.5", "INT-004", "--no-sync")
    assert result["sync"] == "queued" and result["entry"]["server_id"] is None
    assert not [e for e in server_entries(fresh_server, TODAY) if e["hours"] == 0.5]
    listing = cli.ok("outbox").out
    assert "pending" in listing and "Internal Tools on 2026-11-23: 0.5 h" in listing
    report = cli.json("sync")
    assert report["pushed"] == 1 and report["state"] == "idle"
    assert [e["hours"] for e in server_entries(fresh_server, TODAY) if e["hours"] == 0.5] == [0.5]
    assert "The outbox is empty" in cli.ok("outbox").out


@pytest.mark.slow
def test_another_process_leading_the_sync_gets_the_edit(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    cli.ok("sync")
    fd = os.open(f"{cli.db}.sync.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the running app would
        result = cli.json("log", "0.75", "INT-004")
        assert result["sync"] == "queued" and "another tenktui process" in result["message"]
        follower = cli.json("sync")
        assert follower["state"] == "follower" and follower["pushed"] == 0
    finally:
        os.close(fd)
    assert cli.json("sync")["pushed"] == 1
    assert [e["hours"] for e in server_entries(fresh_server, TODAY) if e["hours"] == 0.75] == [0.75]


@pytest.mark.slow
def test_sync_watch_reports_each_pass_until_interrupted(logged_in: Cli) -> None:
    watch = Watch(logged_in, "--json")
    try:
        passes = [json.loads(watch.line()) for _ in range(2)]
        assert [p["state"] for p in passes] == ["idle", "idle"]
        assert passes[0]["pulled"]["time_entries"] > 0
    finally:
        result = watch.stop()
    assert result.code == 0, result.err
