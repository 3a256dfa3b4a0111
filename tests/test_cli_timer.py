"""The timer through the real executable (issue 14): start, stop, timer and cancel in
separate processes against the sandboxes of both backends, offline, refused and forgotten.

The sandbox's today is Monday 2026-11-23; ``TENKTUI_NOW`` freezes the commands' now
(wall time in the profile's zone, Europe/Berlin here).
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tenktui.config import parse_config
from tenktui.store import Rounding
from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox, start_sandbox
from tests.test_cli_helpers import ME_EMAIL, TENKTUI, Cli, Result, project_id, server_entries
from tests.test_cli_leantime import leantime  # noqa: F401  (the Leantime server fixture)
from tests.test_cli_login import _read_until
from tests.test_leantime_sandbox import KEY, LeantimeServer

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in

ZONE = "Europe/Berlin"
DESIGN = "Website Redesign — Design"


def at(cli: Cli, now: str, *args: str) -> Result:
    """``tenktui ARGS`` at ``now`` (``HH:MM`` today, or an ISO date and time)."""
    stamp = now if "T" in now else f"{TODAY.isoformat()}T{now}"
    return cli.run(*args, env={"TZ": ZONE, "TENKTUI_NOW": stamp, "TENKTUI_TODAY": ""})


def ok_at(cli: Cli, now: str, *args: str) -> Result:
    result = at(cli, now, *args)
    assert result.code == 0, f"tenktui {' '.join(args)} → {result.code}\n{result.err}"
    return result


# -- the profile's keys -------------------------------------------------------------


def test_rounding_keys_are_validated_with_file_and_key(tmp_path: Path) -> None:
    base = {"base_url": "https://api.example.com/api/v1", "email": "me@example.com"}
    path = tmp_path / "config.toml"
    profile = parse_config({"profiles": {"w": base}}, path).pick("w")
    assert profile.rounding_rule() == Rounding("minute", "nearest")
    table = {**base, "rounding": "0.25h", "rounding_direction": "up"}
    assert parse_config({"profiles": {"w": table}}, path).pick("w").rounding_rule() == Rounding(
        "0.25h", "up"
    )
    for key, value, expected in (
        ("rounding", "15m", 'profiles.w.rounding: expected one of "minute", "0.1h", "0.25h", '
         '"0.5h", got \'15m\''),
        ("rounding_direction", "ceil", 'profiles.w.rounding_direction: expected one of "up", '
         '"down", "nearest", got \'ceil\''),
    ):  # fmt: skip
        with pytest.raises(ValueError) as err:
            parse_config({"profiles": {"w": {**base, key: value}}}, path)
        assert str(err.value) == f"{path}: {expected}"


def test_at_takes_a_time_today_or_a_day_and_a_time() -> None:
    from tenktui.commands import CommandError
    from tenktui.commands.clock import parse_at

    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    for text, wall in (
        ("9:15", dt.datetime(2026, 11, 30, 9, 15)),
        ("09:15", dt.datetime(2026, 11, 30, 9, 15)),
        ("2026-11-27 17:40", dt.datetime(2026, 11, 27, 17, 40)),
        ("2026-11-27T17:40", dt.datetime(2026, 11, 27, 17, 40)),
        ("yesterday 17:40", dt.datetime(2026, 11, 29, 17, 40)),
        ("Fri 8:05", dt.datetime(2026, 11, 27, 8, 5)),
        # Date words of two words, as every other command takes them.
        ("last fri 17:40", dt.datetime(2026, 11, 27, 17, 40)),
        ("next mon 9:00", dt.datetime(2026, 12, 7, 9, 0)),
    ):
        parsed = parse_at(text, now, ZONE)
        assert (parsed.replace(tzinfo=None), parsed.utcoffset()) == (wall, dt.timedelta(hours=1))
    for bad in ("25:00", "9", "9:75", "soon 9:15", "a b 9:15", ""):
        with pytest.raises(CommandError):
            parse_at(bad, now, ZONE)


# -- 10,000ft: three processes, itemized entries ----------------------------------------


@pytest.mark.slow
def test_start_timer_and_stop_in_separate_processes_log_new_entries(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    internal = project_id(fresh_server, "INT-004")
    cli.ok("log", "2", "web/des")
    # One process starts it (python -m tenktui) ...
    started = subprocess.run(
        [sys.executable, "-m", "tenktui", "start", "INT-004", "--notes", "pairing", "--at", "8:45"],
        capture_output=True,
        text=True,
        env={**cli.env, "TZ": ZONE, "TENKTUI_NOW": "2026-11-23T09:00", "TENKTUI_TODAY": ""},
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    assert "Started Internal Tools at 08:45 (Mon 23 Nov)." in started.stdout
    # ... another sees it ...
    shown = ok_at(cli, "10:00", "timer", "--json")
    assert shown.json()["running"] is True
    seen = shown.json()["timer"]
    assert (seen["project"], seen["notes"], seen["elapsed_seconds"]) == (
        "Internal Tools", "pairing", 4500,
    )  # fmt: skip
    assert (
        "Internal Tools: running since 08:45 (Mon 23 Nov), 1 h 15 min."
        in ok_at(cli, "10:00", "timer").out
    )
    # ... starting another stops it first and says so ...
    switched = ok_at(cli, "10:00", "start", "web/des", "--task", "Design")
    assert switched.out.splitlines()[:2] == [
        "Stopped Internal Tools (1.25 h on Mon 23 Nov).",
        f"Started {DESIGN} at 10:00 (Mon 23 Nov).",
    ]
    # ... and a third stops it, at a time it names.
    future = at(cli, "12:00", "stop", "--at", "12:30")
    assert future.code == 2 and "in the future" in future.err
    stopped = ok_at(cli, "12:00", "stop", "--at", "11:30")
    assert f"Stopped {DESIGN} (1.5 h on Mon 23 Nov), after 1 h 30 min." in stopped.out
    assert "Saved on the server." in stopped.out
    assert ok_at(cli, "12:00", "timer").out.strip() == "No timer is running."
    again = at(cli, "12:00", "stop")
    assert again.code == 2 and "No timer is running." in again.err

    mine = server_entries(fresh_server, TODAY)
    design = [e for e in mine if e["assignable_id"] != internal and e["hours"] in (2.0, 1.5)]
    assert sorted((e["hours"], e["task"]) for e in design) == [(1.5, "Design"), (2.0, None)]
    timed = [e for e in mine if e["assignable_id"] == internal and e["notes"] == "pairing"]
    assert [e["hours"] for e in timed] == [1.25]
    assert cli.outbox() == []


@pytest.mark.slow
def test_refused_forgotten_cancelled_and_across_midnight(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    # A locked project takes no timer.
    locked = at(cli, "09:00", "start", "annual")
    assert locked.code == 2 and "Annual Report is locked for time entry." in locked.err
    # A stop that would take the day over 24 h is refused and the timer keeps running.
    cli.ok("log", "23", "INT-004")
    ok_at(cli, "08:00", "start", "web/des")
    refused = at(cli, "10:00", "stop")
    assert refused.code == 2 and "would hold 25 h" in refused.err
    assert at(cli, "10:00", "timer", "--json").json()["running"] is True
    assert cli.outbox() == []
    # Forgotten (over 12 h): a script is told what to do, --keep carries on.
    forgotten = at(cli, "20:30", "start", "INT-004")
    assert forgotten.code == 2
    for hint in ("looks forgotten", "tenktui stop --at HH:MM", "tenktui cancel", "--keep"):
        assert hint in forgotten.err, forgotten.err
    cancelled = ok_at(cli, "20:30", "cancel")
    assert f"Cancelled the timer on {DESIGN}" in cancelled.out
    assert "nothing was logged" in cancelled.out
    assert at(cli, "20:30", "cancel").code == 2
    # Kept: the forgotten timer runs until the next start, then across midnight.
    ok_at(cli, "2026-11-24T09:00", "start", "web/des")
    kept = ok_at(cli, "2026-11-24T21:30", "start", "INT-004", "--keep", "--notes", "release")
    assert kept.out.startswith(f"Stopped {DESIGN} (12.5 h on Tue 24 Nov).")
    assert at(cli, "2026-11-25T00:10", "timer", "--json").json()["timer"]["forgotten"]
    stopped = ok_at(cli, "2026-11-25T01:00", "stop", "--at", "0:30", "--json").json()
    assert [(p["date"], p["hours"]) for p in stopped["stopped"]["parts"]] == [
        ("2026-11-24", 2.5),
        ("2026-11-25", 0.5),
    ]
    night = [
        (e["date"], e["hours"])
        for e in server_entries(fresh_server, TODAY, TODAY + dt.timedelta(days=2))
        if e["notes"] == "release"
    ]
    assert sorted(night) == [("2026-11-24", 2.5), ("2026-11-25", 0.5)]


@pytest.mark.slow
def test_an_offline_stop_queues_and_a_later_sync_sends_it_once(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    internal = project_id(fresh_server, "INT-004")
    cli.ok("sync")
    port = int(fresh_server.root.rsplit(":", 1)[1])
    fresh_server.stop()
    ok_at(cli, "09:00", "start", "INT-004", "--notes", "on a train")
    queued = ok_at(cli, "10:30", "stop")
    assert "Stopped Internal Tools (1.5 h on Mon 23 Nov)" in queued.out
    assert "Queued offline" in queued.out
    assert [r["state"] for r in cli.outbox()] == ["pending"]

    server = start_sandbox(fresh_server.db_path, "--rate-limit", "100000", port=port)
    try:
        assert cli.json("sync")["pushed"] == 1
        assert cli.json("sync")["pushed"] == 0
        landed = [e for e in server_entries(server, TODAY) if e["notes"] == "on a train"]
        assert [(e["assignable_id"], e["hours"]) for e in landed] == [(internal, 1.5)]
    finally:
        server.stop()


# -- Leantime: the stop adds to the day's row ---------------------------------------------


@pytest.mark.slow
def test_on_leantime_a_stop_adds_to_the_day_s_row(
    cli: Cli,
    leantime: LeantimeServer,  # noqa: F811
) -> None:
    cli.ok("login", "--backend", "leantime", "--base-url", leantime.root, "--email", ME_EMAIL,
           "--timezone", ZONE, env={"TENKTUI_TOKEN": KEY})  # fmt: skip
    cli.ok("log", "2", "home page · dev", "--notes", "morning")
    ok_at(cli, "13:00", "start", "home page · dev", "--notes", "afternoon")
    added = ok_at(cli, "14:30", "stop")
    assert "(1.5 h on Mon 23 Nov)" in added.out and "Saved on the server." in added.out
    ok_at(cli, "15:00", "start", "home page")
    ok_at(cli, "15:45", "stop")
    assert cli.outbox() == []

    # What the server holds, read back into a new cache.
    for suffix in ("", "-wal", "-shm"):
        cli.db.with_name(cli.db.name + suffix).unlink(missing_ok=True)
    exported = cli.json("export", "--from", "2026-11-23", "--to", "2026-11-23")["entries"]
    home = sorted((e["project"], e["hours"]) for e in exported if "home page" in e["project"])
    assert [h for _, h in home] == [0.75, 3.5], home
    assert "Dev" in home[1][0] or "dev" in home[1][0].lower()


@pytest.mark.slow
def test_a_forgotten_timer_is_asked_about_on_a_terminal(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    ok_at(cli, "08:00", "start", "web/des")
    env = {**cli.env, "TZ": ZONE, "TENKTUI_NOW": "2026-11-23T21:00", "TENKTUI_TODAY": ""}
    args = [str(TENKTUI), "start", "INT-004"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: tenktui on a terminal of its own
        os.execve(args[0], args, env)
    seen = bytearray()
    try:
        _read_until(fd, b"[d]iscard it? ", seen)
        os.write(fd, b"s\n")
        _read_until(fd, b"Stopped working at", seen)
        os.write(fd, b"17:00\n")
        _read_until(fd, None, seen)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    screen = seen.decode(errors="replace")
    cli.runs.append(Result(os.waitstatus_to_exitcode(status), screen, ""))
    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert f"The timer on {DESIGN} looks forgotten: it has run for over 12 h" in screen
    assert f"Stopped {DESIGN} (9 h on Mon 23 Nov)." in screen
    assert "Started Internal Tools at 21:00 (Mon 23 Nov)." in screen
    design = [e for e in server_entries(fresh_server, TODAY) if e["hours"] == 9.0]
    assert len(design) == 1
