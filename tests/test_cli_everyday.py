"""Issue 12 at the shell: a day's total, entries/edit/rm, one set of marks, copy-week,
date words, JSON errors, exit codes in every --help, load per day, who's filter.

The sandbox's today (and the CLI's, through TENKTUI_TODAY) is Monday 2026-11-23.
"""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from tenktui.commands import CommandError
from tenktui.commands.dates import parse_day
from tenktui.commands.parser import build_parser
from tenktui.store.marks import LEGEND
from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox
from tests.test_cli_helpers import Cli, project_id, server_entries

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in

DESIGN = "Website Redesign — Design"
LAST_MONDAY = TODAY - dt.timedelta(days=7)


# -- date words (item 18) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "day"),
    [
        ("tomorrow", dt.date(2026, 11, 24)),
        ("Tomorrow", dt.date(2026, 11, 24)),
        ("next mon", dt.date(2026, 11, 30)),  # today is a Monday: the one after it
        ("next fri", dt.date(2026, 11, 27)),
        ("next sunday", dt.date(2026, 11, 29)),
        ("last mon", dt.date(2026, 11, 16)),
        ("last fri", dt.date(2026, 11, 20)),
        ("mon", TODAY),
    ],
)
def test_date_words(word: str, day: dt.date) -> None:
    assert parse_day(word, TODAY) == day


@pytest.mark.parametrize("word", ["next", "next funday", "last", "after mon"])
def test_unknown_date_words_are_refused(word: str) -> None:
    with pytest.raises(CommandError, match="is not a date"):
        parse_day(word, TODAY)


@pytest.mark.slow
def test_date_words_reach_the_commands(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    cli = logged_in
    entry = cli.json("log", "0.5", "INT-004", "--date", "tomorrow", "--notes", "t")["entry"]
    assert entry["date"] == "2026-11-24"
    entry = cli.json("log", "0.25", "INT-004", "--date", "next wed", "--notes", "n")["entry"]
    assert entry["date"] == "2026-11-25"
    assert [e["notes"] for e in server_entries(fresh_server, dt.date(2026, 11, 25))] == ["n"]
    assert cli.json("entries", "--date", "tomorrow")["total"] == 0.5
    assert "next mon" in cli.ok("log", "--help").out


# -- a day's total (item 2) and long notes (item 5) ------------------------------------


@pytest.mark.slow
def test_a_day_over_24_hours_is_refused_and_over_capacity_is_shown(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    cli.ok("confirm")  # Monday now holds its 6.63 suggested hours
    before = server_entries(fresh_server, TODAY)
    refused = cli.run("log", "20", "INT-004")
    assert refused.code == 2
    assert "Mon 2026-11-23 would hold 26.63 h (6.63 h already logged + 20 h)" in refused.err
    for _ in range(2):  # two of the four logs of the report
        cli.ok("log", "8", "INT-004")
    refused = cli.run("log", "8", "INT-004")
    assert refused.code == 2 and "would hold 30.63 h" in refused.err
    assert len(server_entries(fresh_server, TODAY)) == len(before) + 2
    assert cli.outbox() == []

    capacity = cli.json("week")["days"][0]["capacity"]
    assert capacity == 8
    over = cli.ok("log", "1", "INT-004").out
    assert "Mon 2026-11-23 now holds 23.63 h, over its 8 h capacity." in over

    week = cli.json("week")
    done = cli.ok("submit")
    short = round(week["capacity"] - week["total"], 2)
    assert short > 0
    assert f"The week holds 23.63 h of its {week['capacity']:g} h capacity: {short:g} h short." in (
        done.out
    )
    last = cli.json("submit", "--date", "last mon")
    assert last["balance"] in ("short", "over", "full")
    assert last["total"] == pytest.approx(cli.json("week", "--date", "last mon")["total"])


@pytest.mark.slow
def test_long_notes_are_counted_in_plain_words(logged_in: Cli) -> None:
    refused = logged_in.run("log", "1", "INT-004", "--notes", "x" * 300)
    assert refused.code == 2
    assert "The notes are 300 characters long; the limit is 255." in refused.err


# -- entries, edit, rm (item 6) ----------------------------------------------------------


@pytest.mark.slow
def test_entries_edit_and_rm_undo_a_mistaken_log(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    migration = project_id(fresh_server, "UMB-005")
    day = dt.date(2026, 11, 24)
    first = cli.json("log", "1", "UMB-005", "--date", "tomorrow", "--notes", "first")["entry"]
    second = cli.json("log", "2", "UMB-005", "--date", "tomorrow", "--task", "Ops")["entry"]
    refused = cli.run("set", "0", "UMB-005", "--date", "tomorrow")
    assert refused.code == 2
    assert f"ids {first['id']}, {second['id']}" in refused.err and "tenktui edit" in refused.err

    listed = cli.json("entries", "--date", "2026-11-24")
    assert listed["date"] == "2026-11-24" and listed["total"] == 3
    assert [
        (e["id"], e["hours"], e["task"], e["notes"], e["project"]) for e in listed["entries"]
    ] == [
        (first["id"], 1.0, None, "first", "Data Platform Migration"),
        (second["id"], 2.0, "Ops", None, "Data Platform Migration"),
    ]
    text = cli.ok("entries", "--date", "2026-11-24").out
    assert "Tue 2026-11-24: 3 h" in text and "first" in text and "Ops" in text

    edited = cli.json("edit", str(first["id"]), "--hours", "1:30", "--notes", "fixed")
    assert edited["sync"] == "saved"
    assert (edited["entry"]["hours"], edited["entry"]["notes"]) == (1.5, "fixed")
    removed = cli.json("rm", str(second["id"]))
    assert removed["sync"] == "saved" and removed["removed"]["id"] == second["id"]
    on_server = [e for e in server_entries(fresh_server, day) if e["assignable_id"] == migration]
    assert [(e["hours"], e["notes"]) for e in on_server] == [(1.5, "fixed")]

    cleared = cli.json("edit", str(first["id"]), "--notes", "")
    assert cleared["entry"]["notes"] is None
    gone = cli.json("edit", str(first["id"]), "--hours", "0")
    assert gone["entry"] is None and gone["removed"] == first["id"]
    assert not [e for e in server_entries(fresh_server, day) if e["assignable_id"] == migration]
    assert cli.json("entries", "--date", "2026-11-24")["entries"] == []
    assert cli.outbox() == []


@pytest.mark.slow
def test_edit_and_rm_refuse_clearly(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    cli = logged_in
    entry = cli.json("log", "1", "INT-004")["entry"]
    before = server_entries(fresh_server, TODAY)
    for args, message in (
        (["edit", "999999", "--hours", "1"], "No time entry 999999 of yours here"),
        (["rm", "999999"], "No time entry 999999 of yours here"),
        (["edit", str(entry["id"])], "Nothing to change: give --hours, --task and/or --notes."),
        (["edit", str(entry["id"]), "--hours", "-1"], "Hours are not negative"),
        (["edit", str(entry["id"]), "--hours", "30"], "out of range"),
        (["edit", str(entry["id"]), "--notes", "y" * 256], "The notes are 256 characters"),
        (["edit", "abc", "--hours", "1"], "expected a whole number"),
    ):
        result = cli.run(*args)
        assert result.code == 2, (args, result.err)
        assert message in result.err, (args, result.err)
        assert result.out == ""
    assert server_entries(fresh_server, TODAY) == before
    assert cli.outbox() == []


# -- one set of marks (item 8) -----------------------------------------------------------


@pytest.mark.slow
def test_week_uses_the_apps_marks_and_its_help_lists_them(logged_in: Cli) -> None:
    cli = logged_in
    cli.ok("log", "2", "INT-004", "--no-sync")
    text = cli.ok("week").out
    rows = {line.split("  ")[0]: line for line in text.splitlines()}
    internal = next(line for label, line in rows.items() if label.startswith("Internal Tools"))
    assert " 2↑" in internal
    # Data Platform Migration takes no time older than 7 days: locked before 2026-11-16.
    grid = cli.json("week", "--date", "2026-11-13")
    locked = next(r for r in grid["rows"] if r["label"] == "Data Platform Migration")
    assert [bool(c["lock"]) for c in locked["cells"]] == [True] * 7
    old = cli.ok("week", "--date", "2026-11-13").out
    line = next(x for x in old.splitlines() if x.startswith("Data Platform Migration"))
    assert line.count("×") == 7 and "#" not in line
    assert "↑ saved here, waiting to be sent" in text and "× locked" in text
    assert "* not synced" not in text and "# locked" not in text

    helped = cli.ok("week", "--help").out
    for mark, meaning in LEGEND:
        short = meaning.split(" (")[0].split(":")[0]
        assert any(line.split()[:1] == [mark] and short in line for line in helped.splitlines()), (
            mark,
            helped,
        )


# -- copy last week's hours (item 17) ----------------------------------------------------


def _cells(grid: dict, skip_leave: bool = True) -> dict[tuple[int, str], float]:
    return {
        (r["assignable_id"], c["date"]): c["hours"]
        for r in grid["rows"]
        if not (skip_leave and r["kind"] == "leave")
        for c in r["cells"]
        if c["entries"]
    }


@pytest.mark.slow
def test_copy_week_queues_last_weeks_hours_after_a_confirmation(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    last = _cells(cli.json("week", "--date", "last mon"))
    assert last, "the demo's last week holds confirmed time"
    locked = {r["assignable_id"] for r in cli.json("week")["rows"] if r["cells"][0]["lock"]}
    expected = {
        (a, (dt.date.fromisoformat(d) + dt.timedelta(days=7)).isoformat()): h
        for (a, d), h in last.items()
        if a not in locked
    }
    total = round(sum(expected.values()), 2)
    last_rows = cli.json("week", "--date", "last mon")["rows"]
    count = sum(
        c["entries"]
        for r in last_rows
        if r["kind"] != "leave" and r["assignable_id"] not in locked
        for c in r["cells"]
    )

    declined = cli.run("copy-week", stdin="n\n")
    assert declined.code == 0 and "Nothing copied." in declined.out
    assert f"Copy {total:g} h ({count} entries)" in declined.err
    unanswered = cli.run("copy-week")
    assert unanswered.code == 2 and "--yes" in unanswered.err
    assert cli.outbox() == [] and _cells(cli.json("week")) == {}

    copied = cli.run("copy-week", stdin="y\n")
    assert copied.code == 0, copied.err
    assert f"Copied {total:g} h ({count} entries)" in copied.out
    assert _cells(cli.json("week")) == expected
    on_server: dict[tuple[int, str], float] = {}
    for e in server_entries(fresh_server, TODAY, TODAY + dt.timedelta(days=6)):
        key = (e["assignable_id"], e["date"])
        on_server[key] = round(on_server.get(key, 0) + e["hours"], 2)
    assert on_server == expected

    again = cli.json("copy-week", "--yes")
    assert again["total"] == 0 and again["copies"] == [] and again["skipped"]
    assert cli.outbox() == []


# -- JSON errors, exit codes in --help (item 19) ---------------------------------------


@pytest.mark.slow
def test_json_errors_are_json_with_the_same_exit_code(logged_in: Cli) -> None:
    cli = logged_in
    for args, code, message in (
        (["log", "2", "zzz-nothing"], 2, "No project, phase or leave type matches 'zzz-nothing'"),
        (["log", "2"], 2, "the following arguments are required: PROJECT"),
        (["rm", "999999"], 2, "No time entry 999999"),
        (["--profile", "nobody", "week"], 2, "nobody"),
    ):
        plain = cli.run(*args)
        result = cli.run(*args, "--json")
        assert (plain.code, result.code) == (code, code), (args, plain.err, result.out)
        error = result.json()["error"]
        assert error["code"] == code and message in error["message"], (args, error)
        assert message in plain.err and plain.out == ""

    config = cli.config_dir / "config.toml"
    text = config.read_text()
    config.write_text(
        text.replace(text.split('base_url = "')[1].split('"')[0], "http://127.0.0.1:9")
    )
    cli.db.unlink()
    down = cli.run("week", "--json")
    assert down.code == 1
    assert down.json()["error"]["code"] == 1
    assert "first sync did not complete" in down.json()["error"]["message"]


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[(*path, name)] = sub
                found.update(_commands(sub, (*path, name)))
    return found


def test_every_commands_help_lists_its_exit_codes(cli: Cli) -> None:
    commands = _commands(build_parser())
    assert {("entries",), ("edit",), ("rm",), ("copy-week",), ("outbox", "retry")} <= set(commands)
    for path, sub in commands.items():
        text = sub.format_help()
        assert "exit status: 0 success; 1 a failure" in text, path
        assert '{"error": {"code": STATUS, "message": …}}' in " ".join(text.split()), path
    assert "exit status:" in cli.ok("copy-week", "--help").out


# -- assignments' load, who's filter (item 19) -----------------------------------------


@pytest.mark.slow
def test_assignments_show_load_against_capacity_per_day(logged_in: Cli) -> None:
    cli = logged_in
    week = cli.json("week")
    suggested = [
        round(sum(r["cells"][i]["suggestion"] or 0 for r in week["rows"]), 2) for i in range(7)
    ]
    doc = cli.json("assignments")
    days = doc["days"]
    assert [d["date"] for d in days] == [d["date"] for d in week["days"]]
    assert [d["capacity"] for d in days] == [d["capacity"] for d in week["days"]]
    assert [d["booked"] for d in days] == pytest.approx(suggested)
    assert all(d["free"] == pytest.approx(d["capacity"] - d["booked"]) for d in days)
    text = cli.ok("assignments").out
    assert "Load per day" in text
    monday = next(line for line in text.splitlines() if line.startswith("Mon 2026-11-23"))
    assert monday.split()[2:5] == [f"{suggested[0]:g}", "8", f"{8 - suggested[0]:g}"]
    longer = cli.json("assignments", "--from", "2026-11-23", "--to", "2026-12-06")["days"]
    assert len(longer) == 14


@pytest.mark.slow
def test_who_filters_like_the_board(logged_in: Cli) -> None:
    cli = logged_in
    cli.ok("status", "WFH", "--message", "Remote")
    everyone = cli.json("who")["people"]
    me = next(p for p in everyone if p["status"] and p["status"]["message"] == "Remote")
    first_name = me["name"].split()[0].lower()
    assert [p["id"] for p in cli.json("who", first_name)["people"]] == [me["id"]]
    wfh = cli.json("who", "wfh")["people"]
    assert me["id"] in [p["id"] for p in wfh]
    assert all(p["status"]["status"] == "WFH" for p in wfh)
    role = next(p["role"] for p in everyone if p["role"])
    by_role = cli.json("who", f"role:{role.split()[0]}")["people"]
    assert by_role and all(role.split()[0].lower() in p["role"].lower() for p in by_role)
    location = next(p["location"] for p in everyone if p["location"])
    word = location.split()[0].lower()
    by_place = cli.json("who", f"location:{word}")["people"]
    assert by_place and all(word in p["location"].lower() for p in by_place)
    assert "Nobody matches the filter." in cli.ok("who", "zzz-nobody").out
    assert len(cli.json("who", "--everyone")["people"]) >= len(everyone)
