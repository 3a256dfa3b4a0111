"""The Reports screen: keys for the period and the grouping, numbers equal to the
store's report, a period outside the cache fetched with its progress on screen, and
offline said plainly with what the cache holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from textual.widgets import DataTable, Static

from tenktui.session import Session
from tenktui.store.reports import Report, ReportLine
from tenktui.text import clean_line
from tenktui.ui.app import TenkApp
from tenktui.ui.screens.help import HelpScreen
from tenktui.ui.screens.reports import FetchProgress, ReportsScreen
from tests.app_harness import (
    NOW,
    cells,
    demo_session,
    go,
    running,
    running_app,
    sandbox_client,
    sync,
    wait_for,
)
from tests.test_leantime_sandbox import LeantimeServer, start_account
from tests.test_ui_app import run_palette
from tests.test_ui_leantime import app_on as leantime_app

LAST_WEEK = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def title(app: TenkApp) -> str:
    return str(app.screen.query_one("#screen-title", Static).render())


def note(app: TenkApp) -> str:
    return str(app.screen.query_one("#report-note", Static).render())


def table(app: TenkApp, name: str) -> list[list[str]]:
    return cells(app.screen.query_one(f"#{name}", DataTable))


def number(text: str) -> float | None:
    """A cell back to its number: ``None`` for ``–`` / ``n/a`` / empty."""
    text = text.replace("%", "").replace(",", "").strip()
    return None if text in ("", "–", "n/a") else float(text)


def same(shown: str, value: float | None, *, scale: float = 1.0) -> bool:
    got = number(shown)
    if value is None:
        return got is None
    return got is not None and abs(got - value * scale) < 0.51 * (1 if scale > 1 else 0.01)


def assert_line(row: dict[str, str], line: ReportLine) -> None:
    assert row["label"].rstrip("…") in clean_line(line.label)
    assert same(row["confirmed"], line.confirmed), (row, line)
    assert same(row["scheduled"], line.scheduled), (row, line)
    if "capacity" in row:
        assert same(row["capacity"], line.capacity), (row, line)
    assert same(row["util"], line.utilisation, scale=100), (row, line)
    if "billable" in row:
        assert same(row["billable"], line.billable_share, scale=100), (row, line)
        assert same(row["rate"], line.bill_rate), (row, line)


def keyed(app: TenkApp, name: str) -> list[dict[str, str]]:
    """A table's rows, each by its column keys."""
    grid = app.screen.query_one(f"#{name}", DataTable)
    keys = [str(c.key.value) for c in grid.ordered_columns]
    return [dict(zip(keys, row, strict=True)) for row in cells(grid)]


def the_report(app: TenkApp) -> Report:
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    store = app.session.store
    me = store.me_id()
    assert me is not None
    return store.reports.report(me, screen.start, screen.end, screen.by)


# -- keys ----------------------------------------------------------------------


async def test_it_opens_on_this_week_by_project(session: Session) -> None:
    async with running(session) as (app, pilot):
        screen = await go(pilot, "f7", ReportsScreen)
        assert (screen.start, screen.end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
        assert "Reports · 23–29 Nov 2026 · by project" in title(app)
        assert app.screen.query_one("#report-table", DataTable).columns  # drawn


@pytest.mark.slow
async def test_keys_step_the_period_and_come_back(session: Session) -> None:
    async with running(session) as (app, pilot):
        screen = await go(pilot, "f7", ReportsScreen)
        await pilot.press("right_square_bracket")
        assert (screen.start, screen.end) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
        assert "30 Nov – 6 Dec 2026" in title(app)
        await pilot.press("p", "left_square_bracket")
        assert (screen.start, screen.end) == LAST_WEEK
        await pilot.press("t")
        assert screen.start == dt.date(2026, 11, 23)


@pytest.mark.slow
async def test_week_and_month_switch_around_the_period(session: Session) -> None:
    async with running(session) as (app, pilot):
        screen = await go(pilot, "f7", ReportsScreen)
        await pilot.press("m")
        assert (screen.start, screen.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        assert "November 2026" in title(app)
        await pilot.press("n")
        assert (screen.start, screen.end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert (screen.start, screen.end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        # Back to a week: the one holding the month's first day.
        await pilot.press("w")
        assert (screen.start, screen.end) == (dt.date(2026, 9, 28), dt.date(2026, 10, 4))
        await pilot.press("m", "t")
        assert screen.start == dt.date(2026, 11, 1)


@pytest.mark.slow
async def test_b_groups_by_phase_task_day_and_project_again(session: Session) -> None:
    async with running(session) as (app, pilot):
        await go(pilot, "f7", ReportsScreen)
        grid = app.screen.query_one("#report-table", DataTable)
        for heading in ("Phase", "Task", "Day", "Project"):
            await pilot.press("b")
            assert str(grid.ordered_columns[0].label) == heading
            assert f"by {heading.lower()}" in title(app)


@pytest.mark.slow
async def test_the_help_screen_lists_the_reports_keys(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "Reports" in text and "F7" in text
        for words in ("Earlier", "Later", "Week", "Month", "Group by", "Fetch again"):
            assert words in text, words


# -- numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "by",
    ["project", *(pytest.param(by, marks=pytest.mark.slow) for by in ("phase", "task", "day"))],
)
async def test_the_table_shows_the_stores_report(session: Session, by: str) -> None:
    async with running(session, size=(120, 40)) as (app, pilot):
        screen = await go(pilot, "f7", ReportsScreen)
        await pilot.press("left_square_bracket")  # last week: confirmed time
        while screen.by != by:
            await pilot.press("b")
        report = the_report(app)
        assert report.total.confirmed > 0
        rows = keyed(app, "report-table")
        assert len(rows) == len(report.lines) + 1
        for row, line in zip(rows, [*report.lines, report.total], strict=True):
            assert_line(row, line)
        assert ("capacity" in rows[0]) == (by == "day")
        assert "billable" in rows[0]  # 10,000ft's entries carry bill rates
        assert report.total.capacity and f"of {report.total.capacity:g} h" in title(app)


@pytest.mark.slow
async def test_the_chart_has_its_numbers_beside_it(session: Session) -> None:
    async with running(session, size=(120, 40)) as (app, pilot):
        await go(pilot, "f7", ReportsScreen)
        await pilot.press("left_square_bracket")
        report = the_report(app)
        rows = table(app, "chart-table")
        assert [r[0] for r in rows] == [p.label for p in report.days]
        for row, point in zip(rows, report.days, strict=True):
            assert same(row[1], point.confirmed)
            assert same(row[2], point.scheduled)
            assert same(row[3], point.capacity)
        await pilot.press("m")  # a month: bars per week
        report = the_report(app)
        rows = table(app, "chart-table")
        assert [r[0] for r in rows] == [p.label for p in report.weeks]
        assert sum(number(r[1]) or 0 for r in rows) == pytest.approx(report.total.confirmed)


@pytest.mark.slow
async def test_each_projects_trend_has_its_weekly_hours_beside_it(session: Session) -> None:
    async with running(session, size=(120, 40)) as (app, pilot):
        screen = await go(pilot, "f7", ReportsScreen)
        await pilot.press("left_square_bracket")
        store = app.session.store
        six_weeks = store.reports.report(
            store.me_id() or 0, screen.start - dt.timedelta(weeks=5), screen.end, "project"
        )
        rows = table(app, "trend-table")
        assert len(rows) == len(six_weeks.trends) > 0
        for row, trend in zip(rows, six_weeks.trends, strict=True):
            assert row[0].rstrip("…") in clean_line(trend.label)
            assert [number(c) for c in row[2:]] == pytest.approx(list(trend.hours))


# -- periods the cache does not hold -----------------------------------------------


@pytest.mark.slow
async def test_offline_it_says_so_and_shows_what_the_cache_holds(session: Session) -> None:
    """The offline session's network is cut: a period far back cannot be fetched."""
    async with running(session) as (app, pilot):
        screen = await go(pilot, "f7", ReportsScreen)
        await pilot.press("m", *["left_square_bracket"] * 3)  # August 2026
        assert note(app).startswith("Fetching August 2026…")
        # Keys never wait for a fetch: the month before is there while August's runs.
        await pilot.press("left_square_bracket")
        assert screen.start == dt.date(2026, 7, 1)
        assert note(app).startswith("Fetching July 2026…")
        await wait_for(pilot, lambda: "r tries again" in note(app))
        assert note(app).startswith("July 2026: ") and "(incomplete)" in note(app)
        assert "Cannot reach" in note(app)  # sync's own words: offline
        assert "incomplete" in title(app)
        assert table(app, "report-table")[-1][0] == "Total"  # what the cache holds
        await pilot.press("right_square_bracket", "left_square_bracket", "r")
        assert note(app).startswith("Fetching July 2026…")
        await wait_for(pilot, lambda: "r tries again" in note(app))


@asynccontextmanager
async def live_app(workdir: Path, hook: Any) -> AsyncIterator[tuple[TenkApp, Any, Session]]:
    with time_machine.travel(NOW, tick=False):
        workdir.mkdir(parents=True, exist_ok=True)
        session = demo_session(workdir)
        try:
            await session.engine.sync_once()
            async with running(session, hook=hook) as (app, pilot):
                yield app, pilot, session
        finally:
            await session.aclose()


@pytest.mark.slow
async def test_a_period_outside_the_window_is_fetched_with_progress_then_kept(
    tmp_path: Path,
) -> None:
    steps: list[str] = []
    notes: list[str] = []  # what the note line said, as the app went
    apps: list[TenkApp] = []

    def hook(message: Any) -> None:
        if isinstance(message, FetchProgress):
            steps.append(message.text)
        stack = apps[0].screen_stack if apps else []
        found = stack[-1].query("#report-note") if stack else []
        for widget in found:
            said = str(widget.render())
            if not notes or notes[-1] != said:
                notes.append(said)

    async with live_app(tmp_path / "live", hook) as (app, pilot, session):
        apps.append(app)
        me = session.store.me_id()
        assert me is not None
        worked = session.store.reports.report(me, *LAST_WEEK, "project")
        project = next(line for line in worked.lines if line.kind == "project")
        async with sandbox_client(session) as api:
            made = await api.post(
                f"/users/{me}/time_entries",
                json={"assignable_id": int(project.key), "date": "2026-08-05", "hours": 3.5},
            )
            assert made.status_code == 200, made.text
        screen = await go(pilot, "f7", ReportsScreen)
        await pilot.press("m", *["left_square_bracket"] * 3)  # August 2026
        assert screen.start == dt.date(2026, 8, 1)
        await wait_for(pilot, lambda: screen.fetching is None)
        assert steps and any("time entries" in s for s in steps), steps
        assert "Fetching August 2026…" in notes, notes
        assert any(n.startswith("Fetching August 2026… time entries") for n in notes), notes
        assert "incomplete" not in title(app) and note(app) == ""
        total = table(app, "report-table")[-1]
        assert total[0] == "Total" and number(total[1]) == 3.5
        # r fetches the held period again: time logged there since is seen.
        async with sandbox_client(session) as api:
            more = {"assignable_id": int(project.key), "date": "2026-08-06", "hours": 1.5}
            assert (await api.post(f"/users/{me}/time_entries", json=more)).status_code == 200
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.fetching is None)
        assert number(table(app, "report-table")[-1][1]) == 5.0
        # Kept: away and back with the network cut, it is there with no fetch.
        session.sync.toggle_network()
        steps.clear()
        await pilot.press("right_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert screen.fetching is None and steps == []
        assert number(table(app, "report-table")[-1][1]) == 5.0
        assert "incomplete" not in title(app)


@pytest.mark.slow
async def test_the_palette_goes_to_reports(session: Session) -> None:
    async with running(session) as (app, pilot):
        await run_palette(app, pilot, "Go to Reports")
        assert isinstance(app.screen, ReportsScreen)


@pytest.fixture
def leantime(tmp_path: Path) -> Iterator[LeantimeServer]:
    """Leantime 3.9 on the strict reading, as the Leantime app tests serve it."""
    server = start_account(tmp_path / "lt.db", "3.9-strict-editor-pat", "--rate-limit", "100000")
    yield server
    server.stop()


@pytest.mark.slow
async def test_on_leantime_the_table_shows_the_stores_report_and_no_billing(
    leantime: LeantimeServer, tmp_path: Path
) -> None:
    """Leantime's hours carry no bill rate: billing says n/a, never 0 %."""
    async with leantime_app(leantime, tmp_path) as (app, pilot, _):
        screen = await go(pilot, "f7", ReportsScreen)
        await pilot.press("left_square_bracket")  # last week: the sandbox's logged time
        for by in ("project", "day"):
            while screen.by != by:
                await pilot.press("b")
            report = the_report(app)
            assert report.total.confirmed > 0 and not report.billing_known
            rows = keyed(app, "report-table")
            assert len(rows) == len(report.lines) + 1
            for row, line in zip(rows, [*report.lines, report.total], strict=True):
                assert_line(row, line)
                assert row["billable"] == row["rate"] == "n/a"


@pytest.mark.slow
async def test_before_the_first_sync_it_says_to_wait_then_draws(tmp_path: Path) -> None:
    async with running_app(tmp_path / "fresh", synced=False) as (app, pilot, _):
        await go(pilot, "f7", ReportsScreen)
        assert note(app) == "Wait for the first sync to finish."
        await sync(app, pilot)
        assert note(app) == ""
        assert "by project" in title(app)
        assert table(app, "report-table")[-1][0] == "Total"


@pytest.mark.slow
async def test_a_project_name_with_escapes_and_markup_is_shown_clean_and_literal(
    tmp_path: Path,
) -> None:
    hostile = "Internal\x1b[2J Tools\x1b]0;pwned\x07 [b]x[/b]"

    async def prepare(session: Session) -> None:
        async with sandbox_client(session) as api:
            projects = (await api.get("/projects", params={"per_page": 1000})).json()["data"]
            internal = next(p for p in projects if p.get("project_code") == "INT-004")
            (
                await api.put(f"/projects/{internal['id']}", json={"name": hostile})
            ).raise_for_status()
        await session.engine.sync_once(reference=True)

    async with running_app(tmp_path / "hostile", size=(120, 40), prepare=prepare) as (
        app,
        pilot,
        _,
    ):
        await go(pilot, "f7", ReportsScreen)
        await pilot.press("left_square_bracket")
        shown = [
            c for name in ("report-table", "trend-table") for row in table(app, name) for c in row
        ]
        assert "Internal Tools [b]x[/b]" in shown
        assert not [c for c in shown if any(raw in c for raw in ("\x1b", "\x07", "]0;", "[2J"))]
