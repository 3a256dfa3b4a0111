"""log, set, week, confirm, submit and export through the real executable.

The sandbox's today (and the CLI's, through TENKTUI_TODAY) is Monday 2026-11-23.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox, both_readings
from tests.test_cli_helpers import Cli, project_id, server_entries

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in
# Every test here runs against the sandbox's default and strict readings.
reading = both_readings

DESIGN = "Website Redesign — Design"


@pytest.mark.slow
def test_log_twice_makes_two_itemized_entries_and_the_week_shows_them(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    first = cli.json("log", "2", "web/des", "--notes", "Wireframes", "--task", "Design")
    assert first["sync"] == "saved" and first["project"] == DESIGN
    assert first["entry"]["server_id"] is not None
    second = cli.ok("log", "1:30", "Website Redesign — Design")
    assert "Logged 1.5 h on Website Redesign — Design for Mon 2026-11-23." in second.out
    assert "Saved on the server." in second.out
    design = first["entry"]["assignable_id"]
    mine = [e for e in server_entries(fresh_server, TODAY) if e["assignable_id"] == design]
    assert sorted(e["hours"] for e in mine) == [1.5, 2.0]
    assert {e["notes"] for e in mine} == {"Wireframes", None}

    week = cli.json("week")
    row = next(r for r in week["rows"] if r["label"] == DESIGN)
    monday = row["cells"][0]
    assert (monday["hours"], monday["entries"], monday["suggestion"]) == (3.5, 2, None)
    assert row["cells"][1]["suggestion"] == 4.0 and row["cells"][1]["entries"] == 0
    text = cli.ok("week").out
    assert "~4" in text and "suggested from your schedule" in text
    assert cli.outbox() == []


@pytest.mark.slow
def test_dates_are_today_yesterday_weekdays_or_iso(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    internal = project_id(fresh_server, "INT-004")
    for word, day in (
        ("mon", dt.date(2026, 11, 23)),  # today included
        ("friday", dt.date(2026, 11, 20)),
        ("yesterday", dt.date(2026, 11, 22)),
        ("2026-11-18", dt.date(2026, 11, 18)),
    ):
        entry = cli.json("log", "0.25", "INT-004", "--date", word, "--notes", word)["entry"]
        assert entry["date"] == day.isoformat()
        on_server = [e for e in server_entries(fresh_server, day) if e["notes"] == word]
        assert [(e["assignable_id"], e["hours"]) for e in on_server] == [(internal, 0.25)]


@pytest.mark.slow
def test_set_makes_a_cell_total_and_zero_clears_it(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    migration = project_id(fresh_server, "UMB-005")
    day = dt.date(2026, 11, 24)
    cli.ok("set", "3", "umb-005", "--date", day.isoformat())
    cli.ok("set", "2.5", "data platform", "--date", day.isoformat())
    cell = [e for e in server_entries(fresh_server, day) if e["assignable_id"] == migration]
    assert [e["hours"] for e in cell] == [2.5]
    cli.ok("set", "0", "UMB-005", "--date", day.isoformat())
    assert not [e for e in server_entries(fresh_server, day) if e["assignable_id"] == migration]
    cli.ok("log", "1", "UMB-005", "--date", day.isoformat())
    cli.ok("log", "1", "UMB-005", "--date", day.isoformat())
    refused = cli.run("set", "4", "UMB-005", "--date", day.isoformat())
    assert refused.code == 2 and "This cell holds 2 entries" in refused.err


@pytest.mark.slow
def test_set_0_on_a_suggested_cell_dismisses_it_and_confirm_leaves_it(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    migration = project_id(fresh_server, "UMB-005")
    cli.ok("set", "0", "UMB-005")
    cell = [e for e in server_entries(fresh_server, TODAY) if e["assignable_id"] == migration]
    assert [e["hours"] for e in cell] == [0]  # as the web timesheet's "clear suggestions"
    done = cli.json("confirm")
    assert done["confirmed"] == 2
    cell = [e for e in server_entries(fresh_server, TODAY) if e["assignable_id"] == migration]
    assert [e["hours"] for e in cell] == [0]


@pytest.mark.slow
def test_confirm_a_day_then_a_week(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    cli = logged_in
    done = cli.json("confirm")
    assert done["confirmed"] == 3 and done["sync"] == "saved"
    today = {e["assignable_id"]: e["hours"] for e in server_entries(fresh_server, TODAY)}
    assert sorted(today.values()) == [0.63, 2.0, 4.0]
    assert today[project_id(fresh_server, "UMB-005")] == 2.0
    again = cli.ok("confirm")
    assert "Nothing to confirm" in again.out
    week = cli.json("confirm", "--week")
    assert week["confirmed"] == 12  # Tuesday to Friday, three suggestions a day
    grid = cli.json("week")
    assert all(c["suggestion"] is None for r in grid["rows"] for c in r["cells"])
    assert grid["total"] == pytest.approx(5 * 6.63)


@pytest.mark.slow
def test_submit_a_week_for_approval(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    cli = logged_in
    last_week = dt.date(2026, 11, 16)
    before = server_entries(fresh_server, last_week, last_week + dt.timedelta(days=6))
    unsubmitted = [e for e in before if not (e.get("approvals") or {}).get("data")]
    assert unsubmitted, "the demo leaves last week unsubmitted"
    result = cli.json("submit", "--date", "2026-11-18")
    assert result["submitted"] == len(unsubmitted) and result["week_start"] == "2026-11-16"
    with fresh_server.api() as api:
        for e in unsubmitted:
            got = api.get(
                f"/users/{e['user_id']}/time_entries/{e['id']}", params={"fields": "approvals"}
            ).json()
            assert got["approvals"]["data"][-1]["status"] == "pending"
    assert cli.json("week", "--date", "2026-11-16")["approval"] == "pending"
    again = cli.run("submit", "--date", "2026-11-18")
    assert again.code == 2 and "Nothing to submit" in again.err


@pytest.mark.slow
def test_export_matches_the_server_inside_and_outside_the_window(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    config = cli.config_dir / "config.toml"
    config.write_text(config.read_text().replace("window_weeks_back = 8", "window_weeks_back = 2"))
    start, end = dt.date(2026, 9, 14), TODAY  # the window now starts on 2026-11-09
    on_server = server_entries(fresh_server, start, end)
    doc = cli.json("export", "--from", start.isoformat(), "--to", end.isoformat())
    assert doc["total_hours"] == pytest.approx(sum(e["hours"] for e in on_server))
    assert sorted(e["entry_id"] for e in doc["entries"]) == sorted(e["id"] for e in on_server)
    assert all(e["state"] == "synced" for e in doc["entries"])
    assert doc["entries"][0]["date"] < "2026-11-09"  # read from the server
    assert all(not e["project"].startswith("#") for e in doc["entries"])

    text = cli.ok("export", "--from", "2026-11-16", "--to", "2026-11-22", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(text)))
    week = server_entries(fresh_server, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert len(rows) == len(week)
    assert sum(float(r["hours"]) for r in rows) == pytest.approx(sum(e["hours"] for e in week))
    assert {"date", "project", "project_code", "hours", "notes", "approval"} <= set(rows[0])
    backwards = cli.run("export", "--from", "2026-11-22", "--to", "2026-11-16")
    assert backwards.code == 2 and "before --from" in backwards.err


BAD_INPUT = [
    (["log", "2", "zzz-nothing"], "No project, phase or leave type matches 'zzz-nothing'"),
    (["log", "2", "website"], "'website' matches 4 projects, phases or leave types"),
    (["log", "25", "INT-004"], "25 h is out of range: a day takes 0 to 24 hours."),
    (["log", "2", "INT-004", "--date", "2026-13-45"], "'2026-13-45' is not a date"),
    (["log", "2", "INT-004", "--date", "funday"], "'funday' is not a date"),
    (["log", "2", "INT-004", "--notes", "x" * 300], "300 characters long; the limit is 255"),
    (["log", "2", "annual"], "Annual Report is locked for time entry."),
    (["log", "2", "UMB-005", "--date", "2026-11-05"], "takes time only from 2026-11-16 on"),
    (["log", "two", "INT-004"], "'two' is not a number of hours"),
    (["set", "-1", "INT-004"], "Hours are not negative"),
    (["status", "BUSY"], "'BUSY' is not a status"),
]


# Refused before anything is sent: the server's reading plays no part.
@pytest.mark.parametrize("reading", ["default"])
@pytest.mark.slow
def test_bad_input_is_refused_clearly_and_changes_nothing(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    window = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    before = server_entries(fresh_server, *window)
    for args, message in BAD_INPUT:
        result = cli.run(*args)
        assert result.code == 2, (args, result.err)
        assert message in result.err, (args, result.err)
        assert result.out == ""
        assert cli.outbox() == [], args
    assert server_entries(fresh_server, *window) == before


def test_ambiguity_lists_the_candidates(logged_in: Cli) -> None:
    result = logged_in.run("log", "1", "website")
    for line in (
        "Website Redesign (project, ACM-001, id ",
        "Website Redesign — Build (phase, id ",
        "Website Redesign — Design (phase, id ",
        "Website Redesign — Discovery (phase, id ",
    ):
        assert line in result.err
    assert logged_in.json("log", "1", "website redesign", "--no-sync")["project"] == (
        "Website Redesign"
    )  # an exact name wins over longer names it prefixes
