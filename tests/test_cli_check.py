"""``tenktui check`` through the real executable, against the sandboxes of both backends.

Today (TENKTUI_TODAY and the sandboxes') is Monday 2026-11-23; the profile's window
reaches 8 weeks back, so check looks at Mon 28 Sep – Sun 22 Nov. What it calls short
is worked out here again from the sandbox's own data, read through its API.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tenktui.config import ConfigError, parse_config
from tenktui.store.reminders import DEFAULT_LOCK_DAYS
from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox
from tests.test_cli_helpers import ME_EMAIL, Cli, server_entries
from tests.test_leantime_sandbox import KEY, ME_ID, ZONE, start_leantime

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in

FIRST = TODAY - dt.timedelta(weeks=8)  # Mon 28 Sep
YESTERDAY = TODAY - dt.timedelta(days=1)


def short_days(hours: dict[dt.date, float], holidays: set[str]) -> list[tuple[str, float]]:
    """Past weekdays of the window under 8 h (the demo's work week), holidays aside."""
    found = []
    day = FIRST
    while day < TODAY:
        if day.weekday() < 5 and day.isoformat() not in holidays:
            short = round(8 - hours.get(day, 0.0), 2)
            if short > 0:
                found.append((day.isoformat(), short))
        day += dt.timedelta(days=1)
    return found


def of_kind(report: dict, kind: str) -> list[tuple]:
    return [
        (r["date"], r["hours"], r["days_left"]) if kind == "locks" else (r["date"], r["hours"])
        for r in report["reminders"]
        if r["kind"] == kind
    ]


def change_setting(cli: Cli, before: str, after: str) -> None:
    config = cli.config_dir / "config.toml"
    text = config.read_text()
    assert before in text
    config.write_text(text.replace(before, after))


@pytest.mark.slow
def test_check_on_10000ft_says_what_to_act_on_and_exits_1(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    empty = cli.run("check")
    assert (empty.code, empty.out) == (1, "")
    assert "Nothing is cached for profile 'default' yet: run tenktui sync" in empty.err
    assert cli.run("check", "--json").json()["error"]["code"] == 1
    cli.ok("sync")

    hours: dict[dt.date, float] = defaultdict(float)
    for e in server_entries(fresh_server, FIRST, YESTERDAY):
        hours[dt.date.fromisoformat(e["date"])] += e["hours"]
    with fresh_server.api() as api:
        listed = api.get("/holidays", params={"per_page": 1000}).json()["data"]
    expected = short_days(hours, {h["date"] for h in listed})
    assert len(expected) == 25  # the demo leaves most days a little short

    report = cli.run("check", "--json")
    assert report.code == 1
    data = report.json()
    assert data["ok"] is False and data["lock_warning_days"] == 3
    assert data["window"] == {"from": FIRST.isoformat(), "to": YESTERDAY.isoformat()}
    assert of_kind(data, "short") == expected
    # Tuesday's migration suggestion (a 7-day lockout) locks on Wed 25: 2 days left.
    assert of_kind(data, "locks") == [("2026-11-17", 2.0, 2)]
    # Last Thursday was left whole for suggestions; older gaps are on locked projects.
    assert of_kind(data, "unconfirmed") == [("2026-11-17", 2.0), ("2026-11-19", 6.63)]

    line = cli.run("check")
    assert line.code == 1 and line.err == ""
    assert line.out == (
        "Tue 17 Nov locks in 2 days · 2 h unconfirmed; 6.63 h unconfirmed on Thu 19 Nov; "
        "25 short days (Mon 28, Wed 30 Sep, Mon 5 Oct, …)\n"
    )
    assert data["summary"] == line.out.strip()

    # Offline: the cache is all it reads.
    fresh_server.stop()
    assert cli.run("check").out == line.out
    # Warned a day ahead only, Tuesday's time is not yet worth a word about its lock.
    change_setting(cli, "lock_warning_days = 3", "lock_warning_days = 1")
    assert cli.run("check").out.startswith("8.63 h unconfirmed on 2 days (Tue 17, Thu 19 Nov); ")


@pytest.mark.slow
def test_confirming_clears_a_lock_and_nothing_to_act_on_exits_0_in_silence(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    cli.ok("sync")
    cli.ok("confirm", "--date", "2026-11-17")
    data = cli.run("check", "--json").json()
    assert of_kind(data, "locks") == []
    assert of_kind(data, "unconfirmed") == [("2026-11-19", 6.63)]
    # A window that starts today holds no past day: nothing to act on.
    change_setting(cli, "window_weeks_back = 8", "window_weeks_back = 0")
    cli.ok("sync")
    quiet = cli.run("check")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    data = cli.json("check")
    assert data["ok"] is True and data["reminders"] == [] and data["summary"] == ""


@pytest.mark.slow
def test_check_on_leantime_counts_short_days_from_its_timesheets(cli: Cli, tmp_path: Path) -> None:
    server = start_leantime(tmp_path / "lt.db", "3.9", "--rate-limit", "100000")
    try:
        cli.ok("login", "--backend", "leantime", "--base-url", server.root, "--email", ME_EMAIL,
               "--timezone", ZONE, env={"TENKTUI_TOKEN": KEY})  # fmt: skip
        assert cli.run("check").code == 1  # nothing cached yet
        synced = cli.run("check", "--sync")  # syncs first, then says what it found
        assert synced.code == 1 and " short days (" in synced.out
        # Leantime keeps a work date as the person's local midnight, in UTC.
        zone = ZoneInfo(ZONE)
        start = dt.datetime.combine(FIRST, dt.time(), zone).astimezone(dt.UTC)
        end = dt.datetime.combine(TODAY, dt.time(), zone).astimezone(dt.UTC)
        rows = server.rpc(
            "Timesheets.getAll",
            {"dateFrom": f"{start:%Y-%m-%d %H:%M:%S}", "dateTo": f"{end:%Y-%m-%d %H:%M:%S}"},
        )
        hours: dict[dt.date, float] = defaultdict(float)
        for r in rows:
            if r["userId"] == ME_ID:
                utc = dt.datetime.fromisoformat(r["workDate"]).replace(tzinfo=dt.UTC)
                hours[utc.astimezone(zone).date()] += r["hours"]
        expected = short_days(hours, set())
        assert hours and expected

        data = cli.run("check", "--json").json()
        assert of_kind(data, "short") == expected
        assert of_kind(data, "locks") == of_kind(data, "unconfirmed") == []  # no suggestions
        line = cli.run("check")
        assert line.code == 1 and line.out.startswith(f"{len(expected)} short days (")

        # Time logged on an empty day: that day is short no more.
        empty = next(day for day, short in expected if short == 8)
        cli.ok("set", "8", "home page", "--date", empty)
        after = of_kind(cli.run("check", "--json").json(), "short")
        assert after == [s for s in expected if s[0] != empty]
    finally:
        server.stop()


def test_check_without_a_profile_exits_2(cli: Cli) -> None:
    result = cli.run("check")
    assert result.code == 2 and "tenktui login" in result.err and result.out == ""


def test_lock_warning_days_is_validated_like_the_other_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    base = {"base_url": "https://api.example.com/api/v1", "email": "me@example.com"}
    for good in (0, 3, 90):
        config = parse_config({"profiles": {"w": {**base, "lock_warning_days": good}}}, path)
        assert config.profiles["w"].lock_warning_days == good
    default = parse_config({"profiles": {"w": base}}, path).profiles["w"].lock_warning_days
    assert default == DEFAULT_LOCK_DAYS == 3
    for bad in (-1, 91, "3", True, 2.5):
        with pytest.raises(ConfigError) as err:
            parse_config({"profiles": {"w": {**base, "lock_warning_days": bad}}}, path)
        assert f"{path}: profiles.w.lock_warning_days: expected whole days from 0 to 90" in str(
            err.value
        )
