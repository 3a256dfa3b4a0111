"""``tenktui report`` through the real executable, its totals checked against the
sandboxes' own databases (never against our cache).

The sandboxes' today (and the CLI's, through TENKTUI_TODAY) is Monday 2026-11-23.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import RunningSandbox, shared_demo_server
from tests.test_cli_helpers import ME_EMAIL, Cli
from tests.test_leantime_sandbox import KEY, ZONE, LeantimeServer, start_leantime

cli = helpers.cli

LAST_WEEK = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
GROUPINGS = ("project", "phase", "task", "day", "week", "month")


# -- what the sandboxes hold --------------------------------------------------------


def _docs(db_path: Path, kind: str) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        return [json.loads(r[0]) for r in conn.execute(f"SELECT data FROM {kind}")]


def tenkft_time(server: RunningSandbox, start: dt.date, end: dt.date) -> list[dict]:
    """My confirmed time entries in ``[start, end]``, read from the sandbox's file."""
    me = next(u["id"] for u in _docs(server.db_path, "users") if u.get("email") == ME_EMAIL)
    return [
        e
        for e in _docs(server.db_path, "time_entries")
        if e["user_id"] == me
        and start.isoformat() <= e["date"] <= end.isoformat()
        and e.get("hours") is not None
        and not e.get("is_suggestion")
    ]


def tenkft_projects(server: RunningSandbox) -> dict[int, dict]:
    docs = _docs(server.db_path, "projects") + _docs(server.db_path, "leave_types")
    return {d["id"]: d for d in docs}


def _round(value: float) -> float:
    return round(value, 2)


@pytest.fixture(scope="module")
def reporter(
    _demo_servers: dict[str, RunningSandbox],
    demo_db_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cli]:
    """One home logged in to the shared demo sandbox for the module's reports, which
    only read: one login (and its first sync) for all of them, not one a test. Its
    tests share an xdist group, so one worker makes it."""
    server = shared_demo_server(_demo_servers, demo_db_template, tmp_path_factory)
    runner = helpers.make_cli(tmp_path_factory.mktemp("reporter"))
    runner.login(server)
    yield runner
    runner.assert_token_never_leaked()


SHARED = pytest.mark.xdist_group("cli-report-reporter")


# -- 10,000ft -----------------------------------------------------------------------


@pytest.mark.slow
@SHARED
def test_totals_by_project_match_the_sandbox(reporter: Cli, demo_server: RunningSandbox) -> None:
    start, end = LAST_WEEK
    doc = reporter.json("report", "--from", str(start), "--to", str(end))
    entries = tenkft_time(demo_server, start, end)
    assert entries, "the seed has time last week"
    projects = tenkft_projects(demo_server)
    expected: dict[int, float] = defaultdict(float)
    for e in entries:
        parent = projects.get(e["assignable_id"], {}).get("parent_id")
        expected[parent or e["assignable_id"]] += e["hours"]
    got = {int(line["key"]): line["confirmed"] for line in doc["lines"] if line["confirmed"]}
    assert got == {k: _round(v) for k, v in expected.items()}
    total = doc["total"]
    assert total["confirmed"] == _round(sum(e["hours"] for e in entries))
    # Bill rates: every 10,000ft entry has one (leave at 0).
    billable = sum(e["hours"] for e in entries if e["bill_rate"] > 0)
    amount = sum(e["hours"] * e["bill_rate"] for e in entries)
    assert doc["billing_known"] is True
    assert total["billable_share"] == round(billable / total["confirmed"], 4)
    assert total["amount"] == _round(amount)
    assert total["capacity"] > 0 and total["utilisation"] is not None
    text = reporter.ok("report", "--from", str(start), "--to", str(end)).out
    total_line = next(ln for ln in text.splitlines() if ln.startswith("Total"))
    assert f" {total['confirmed']:g} " in total_line


@pytest.mark.slow
@SHARED
def test_every_grouping_adds_up_to_the_same_total(
    reporter: Cli, demo_server: RunningSandbox
) -> None:
    start, end = LAST_WEEK[0] - dt.timedelta(days=14), LAST_WEEK[1]
    entries = tenkft_time(demo_server, start, end)
    per_day: dict[str, float] = defaultdict(float)
    for e in entries:
        per_day[e["date"]] += e["hours"]
    totals = set()
    for by in GROUPINGS:
        doc = reporter.json("report", "--from", str(start), "--to", str(end), "--by", by)
        assert doc["by"] == by
        assert _round(sum(line["confirmed"] for line in doc["lines"])) == doc["total"]["confirmed"]
        totals.add(doc["total"]["confirmed"])
        if by == "day":
            got = {line["key"]: line["confirmed"] for line in doc["lines"]}
            assert len(got) == 21
            assert {k: v for k, v in got.items() if v} == {
                k: _round(v) for k, v in per_day.items() if v
            }
        if by == "week":
            assert [line["start"] for line in doc["lines"]] == [
                str(start + dt.timedelta(weeks=i)) for i in range(3)
            ]
            assert all(line["capacity"] is not None for line in doc["lines"])
    assert totals == {_round(sum(e["hours"] for e in entries))}


@pytest.mark.slow
@SHARED
def test_csv_has_a_header_and_the_json_numbers(reporter: Cli) -> None:
    start, end = (str(d) for d in LAST_WEEK)
    doc = reporter.json("report", "--from", start, "--to", end, "--by", "day")
    rows = list(csv.DictReader(io.StringIO(reporter.ok("report", "--from", start, "--to", end,
                                                        "--by", "day", "--csv").out)))  # fmt: skip
    assert list(rows[0]) == [
        "key", "label", "kind", "start", "end", "confirmed", "leave", "scheduled", "capacity",
        "utilisation", "billable_share", "bill_rate", "amount",
    ]  # fmt: skip
    assert len(rows) == 8 and rows[-1]["kind"] == "total"
    for row, line in zip(rows, [*doc["lines"], doc["total"]], strict=True):
        assert float(row["confirmed"]) == line["confirmed"]
        assert (row["utilisation"] == "") == (line["utilisation"] is None)
    # The weekend has no capacity: utilisation is not known, not 0 or infinite.
    sunday = doc["lines"][-1]
    assert sunday["capacity"] == 0 and sunday["utilisation"] is None


@pytest.mark.slow
@SHARED
def test_default_is_this_week_by_project_and_month_is_the_month(reporter: Cli) -> None:
    week = reporter.json("report")
    assert (week["start"], week["end"], week["by"]) == ("2026-11-23", "2026-11-29", "project")
    month = reporter.json("report", "--month", "--by", "week")
    assert (month["start"], month["end"]) == ("2026-11-01", "2026-11-30")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--from", "2026-11-22", "--to", "2026-11-16"), "before it starts"),
        (("--from", "2026-11-16"), "--from and --to go together"),
        (("--from", "2023-01-01", "--to", "2026-11-16"), "at most 731 days"),
        (("--week", "--from", "2026-11-16", "--to", "2026-11-22"), "not both"),
        (("--from", "someday", "--to", "2026-11-22"), "someday"),
        (("--json", "--csv"), "--json or --csv"),
        (("--by", "client"), "invalid choice"),
        (("--week", "--month"), "not allowed with"),
    ],
)
@pytest.mark.slow
@SHARED
def test_bad_arguments_exit_2_and_say_why(reporter: Cli, args: tuple[str, ...], words: str) -> None:
    result = reporter.run("report", *args)
    assert result.code == 2, result.err
    if "--json" in args:  # the error is the JSON document on stdout
        assert words in result.json()["error"]["message"]
    else:
        assert words in result.err and result.out == ""


# -- a period outside the window ------------------------------------------------------


@pytest.mark.slow
def test_a_period_outside_the_window_is_fetched_once_then_kept_offline(
    cli: Cli, fresh_server: RunningSandbox
) -> None:
    cli.login(fresh_server)
    config = cli.config_dir / "config.toml"
    text = config.read_text()
    assert "window_weeks_back = 8" in text
    config.write_text(text.replace("window_weeks_back = 8", "window_weeks_back = 2"))
    old = (dt.date(2026, 10, 5), dt.date(2026, 10, 18))  # five and six weeks back
    args = ("report", "--from", str(old[0]), "--to", str(old[1]), "--by", "week", "--json")
    first = cli.ok(*args)
    assert "Fetching 2026-10-05 to 2026-10-18 from the server" in first.err
    doc = first.json()
    assert doc["fetched"] is True
    expected = _round(sum(e["hours"] for e in tenkft_time(fresh_server, *old)))
    assert expected > 0 and doc["total"]["confirmed"] == expected
    # The next window pull keeps it.
    cli.ok("sync")
    # Time logged on the server since: kept out until --sync asks for the period again.
    with fresh_server.api() as api:
        added = api.post(
            f"/users/{helpers.me_id(fresh_server)}/time_entries",
            json={
                "assignable_id": helpers.project_id(fresh_server, "INT-004"),
                "date": "2026-10-07",
                "hours": 1.5,
            },
        )
    assert added.status_code == 200, added.text
    assert cli.json(*args[:-1])["total"]["confirmed"] == expected
    refreshed = cli.ok(*args, "--sync")
    assert refreshed.json()["total"]["confirmed"] == expected + 1.5
    doc = refreshed.json()
    fresh_server.stop()
    again = cli.ok(*args)
    assert "Fetching" not in again.err
    assert again.json()["lines"] == doc["lines"] and again.json()["fetched"] is False
    stale = cli.ok(*args, "--sync")  # asked to refresh offline: says so, shows the cache
    assert "Could not refresh the period" in stale.err and stale.json()["lines"] == doc["lines"]
    # Another old period cannot be fetched offline: exit 1, and no half report.
    other = cli.run("report", "--from", "2026-09-07", "--to", "2026-09-13")
    assert other.code == 1 and other.out == ""
    assert "could not be fetched" in other.err


# -- Leantime -------------------------------------------------------------------------


@pytest.fixture
def leantime(tmp_path: Path) -> Iterator[LeantimeServer]:
    server = start_leantime(tmp_path / "lt.db", "3.9", "--rate-limit", "100000")
    yield server
    server.stop()


def leantime_time(server: LeantimeServer, start: dt.date, end: dt.date) -> dict[str, float]:
    """My hours per local day in ``[start, end]``, from the Leantime sandbox's file."""
    zone = zoneinfo.ZoneInfo(ZONE)
    with sqlite3.connect(server.db_path) as conn:
        me = conn.execute("SELECT id FROM users WHERE username = ?", (ME_EMAIL,)).fetchone()[0]
        rows = conn.execute("SELECT workDate, hours FROM timesheets WHERE userId = ?", (me,))
        days: dict[str, float] = defaultdict(float)
        for work_date, hours in rows:
            moment = dt.datetime.fromisoformat(work_date).replace(tzinfo=dt.UTC)
            day = moment.astimezone(zone).date()
            if start <= day <= end:
                days[day.isoformat()] += hours
    return dict(days)


@pytest.mark.slow
def test_leantime_totals_match_the_sandbox_and_billing_is_not_known(
    cli: Cli, leantime: LeantimeServer
) -> None:
    cli.ok("login", "--backend", "leantime", "--base-url", leantime.root, "--email", ME_EMAIL,
           "--timezone", ZONE, env={"TENKTUI_TOKEN": KEY})  # fmt: skip
    start, end = LAST_WEEK
    expected = leantime_time(leantime, start, end)
    assert expected, "the seed has time last week"
    doc = cli.json("report", "--from", str(start), "--to", str(end), "--by", "day")
    got = {line["key"]: line["confirmed"] for line in doc["lines"] if line["confirmed"]}
    assert got == {k: _round(v) for k, v in expected.items() if v}
    assert doc["total"]["confirmed"] == _round(sum(expected.values()))
    assert doc["billing_known"] is False
    assert doc["total"]["billable_share"] is None and doc["total"]["amount"] is None
    by_project = cli.json("report", "--from", str(start), "--to", str(end))
    assert by_project["total"]["confirmed"] == doc["total"]["confirmed"]
    text = cli.ok("report", "--from", str(start), "--to", str(end)).out
    assert "n/a" in text and "no bill rates on this time" in text
    # Three weeks back, outside a one-week window: fetched, and the same as the sandbox.
    config = cli.config_dir / "config.toml"
    config.write_text(config.read_text().replace("window_weeks_back = 8", "window_weeks_back = 1"))
    for suffix in ("", "-wal", "-shm"):
        cli.db.with_name(cli.db.name + suffix).unlink(missing_ok=True)
    old = (start - dt.timedelta(weeks=2), end - dt.timedelta(weeks=2))
    fetched = cli.run("report", "--from", str(old[0]), "--to", str(old[1]), "--by", "day", "--json")
    assert fetched.code == 0 and "Fetching" in fetched.err
    expected = leantime_time(leantime, *old)
    assert expected
    got = {line["key"]: line["confirmed"] for line in fetched.json()["lines"] if line["confirmed"]}
    assert got == {k: _round(v) for k, v in expected.items() if v}


def test_the_table_fits_80_columns_and_says_n_a(tmp_path: Path) -> None:
    from tenktui.commands.report import report_csv, report_text
    from tenktui.records import Project, TimeEntry
    from tenktui.store import Store

    store = Store(tmp_path / "p.db")
    name = "=cmd|' /C calc'!A0 and a project name that goes on"
    store.cache.upsert_assignables([Project.from_api({"id": 1, "name": name})])
    monday = dt.date(2026, 11, 16)
    store.cache.replace_time_window(
        7,
        monday,
        monday,
        [
            TimeEntry.from_api(
                {"id": 9, "user_id": 7, "assignable_id": 1, "date": str(monday), "hours": 7.75}
            )
        ],
    )
    text = report_text(store.reports.report(7, monday, monday + dt.timedelta(days=6)), "Me")
    assert max(len(line) for line in text.splitlines()) <= 80, text
    total = next(line for line in text.splitlines() if line.startswith("Total"))
    assert total.split()[1:] == ["7.75", "0", "40", "19", "%", "n/a", "n/a", "n/a"]
    assert "=cmd|' /C calc'!A0 and…" in text
    cells = list(csv.reader(io.StringIO(report_csv(store.reports.report(7, monday, monday)))))
    assert cells[1][1].startswith("'=cmd")  # never a formula in a spreadsheet
    store.close()
