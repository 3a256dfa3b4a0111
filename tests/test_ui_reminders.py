"""The Timesheet's reminder banner and its jump key (``!``), on a store filled by a real
sync of the demo sandbox (today: Monday 23 November 2026).

The demo leaves Tuesday's migration time (a 7-day lockout: 2 days left) and last
Thursday unconfirmed, and most past days a little short.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from textual.widgets import Static

from tenktui.session import Session
from tenktui.ui.screens.timesheet import CHROME_LINES, TimesheetScreen
from tenktui.ui.widgets.detail_line import DetailLine
from tenktui.ui.widgets.reminder_banner import ReminderBanner
from tenktui.ui.widgets.week_grid import WeekGridView
from tests.app_harness import running

TUESDAY = dt.date(2026, 11, 17)
THURSDAY = dt.date(2026, 11, 19)
BANNER = (
    "! Tue 17 Nov locks in 2 days · 2 h unconfirmed; 6.63 h unconfirmed on Thu 19 Nov; "
    "25 short days (Mon 28, Wed 30 Sep, Mon 5 Oct, …)"
)


def banner(app) -> ReminderBanner:
    return app.screen.query_one(ReminderBanner)


def detail(app) -> str:
    return app.screen.query_one(DetailLine).text


async def test_the_banner_says_what_check_says_most_urgent_first(session: Session) -> None:
    async with running(session) as (app, _pilot):
        assert isinstance(app.screen, TimesheetScreen)
        shown = banner(app)
        assert shown.display and str(shown.content) == BANNER
        assert shown.region.y == 1 and shown.region.height == 1  # right under the app bar


async def test_the_banner_leaves_the_grid_its_room_at_80x24(session: Session) -> None:
    async with running(session, size=(80, 24)) as (app, _pilot):
        grid = app.screen.query_one(WeekGridView)
        # One line more of chrome: the grid, the line under it and the footer still fit.
        assert grid.styles.max_height.value == 24 - CHROME_LINES - 1
        assert grid.region.bottom + 2 <= app.screen.query_one("#cell-detail").region.bottom
        assert app.screen.query_one("#cell-detail").region.bottom <= 23


async def test_no_banner_when_nothing_is_to_act_on(session: Session) -> None:
    # Every suggestion confirmed and every short day filled with leave: nothing to say.
    store, me = session.store, session.store.me_id()
    assert me is not None
    today = store.database.today()
    for day in {r.day for r in store.reminders.find(me, today).of("unconfirmed")}:
        store.edits.confirm_suggestions(me, [day])
    leave = next(r["id"] for r in store.queries.loggable() if r["kind"] == "leave")
    for r in store.reminders.find(me, today).of("short"):
        store.edits.create_entry(me, leave, r.day, r.hours)
    assert not store.reminders.find(me, today)
    async with running(session) as (app, pilot):
        assert not banner(app).display
        grid = app.screen.query_one(WeekGridView)
        assert grid.styles.max_height.value == 24 - CHROME_LINES
        await pilot.press("exclamation_mark")
        assert detail(app).startswith("Nothing to act on")


async def test_the_jump_key_goes_to_the_most_urgent_day_then_the_next(session: Session) -> None:
    async with running(session) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, TimesheetScreen)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        grid = screen.grid
        assert screen.week_start == dt.date(2026, 11, 16)
        assert grid.current_day == TUESDAY
        # On the row holding the time about to lock.
        assert grid.current_row.label == "Data Platform Migration"
        assert grid.current_cell.suggestion == 2 and not grid.current_cell.entries
        assert detail(app) == (
            "Tue 17 Nov: 2 h locks in 2 days · 2 h unconfirmed · 3.5 h short "
            "(1 of 25 days: ! for the next)"
        )
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert grid.current_day == THURSDAY
        assert grid.current_cell.suggestion and not grid.current_cell.entries
        assert detail(app).startswith("Thu 19 Nov: 6.63 h unconfirmed")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert grid.current_day == dt.date(2026, 9, 28)  # the oldest short day
        assert screen.week_start == dt.date(2026, 9, 28)


async def test_confirming_the_day_clears_its_reminder_from_the_banner(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("exclamation_mark", "c")
        await pilot.pause()
        text = str(banner(app).content)
        assert "locks" not in text
        assert text.startswith("! 6.63 h unconfirmed on Thu 19 Nov; ")


async def test_typing_the_hours_clears_the_reminder_after_the_cell_is_shown(
    session: Session,
) -> None:
    """Enter reads only the edited row again, and the banner a frame later: it still
    follows the edit."""
    async with running(session) as (app, pilot):
        await pilot.press("exclamation_mark", "2", "enter")
        await pilot.pause()
        text = str(banner(app).content)
        assert "locks" not in text
        assert text.startswith("! 6.63 h unconfirmed on Thu 19 Nov; ")


async def test_lock_warning_days_comes_from_the_session(session: Session) -> None:
    session.lock_warning_days = 1
    async with running(session) as (app, _pilot):
        text = str(banner(app).content)
        assert text.startswith("! 8.63 h unconfirmed on 2 days (Tue 17, Thu 19 Nov); ")


def test_a_profile_s_session_takes_its_lock_warning_days(tmp_path, monkeypatch) -> None:
    from tenktui.config import Profile
    from tenktui.session import open_profile_session

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    profile = Profile("work", "https://api.example.com/api/v1", "me@example.com")
    made = open_profile_session(
        dataclasses.replace(profile, lock_warning_days=7), "t", today=dt.date.today
    )
    try:
        assert made.lock_warning_days == 7
    finally:
        made.store.close()


async def test_the_help_screen_lists_the_jump_key(session: Session) -> None:
    from tenktui.ui.screens.help import HelpScreen

    async with running(session) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        line = next(ln for ln in text.splitlines() if "reminder" in ln)
        assert line.split() == [
            "!",
            "Go",
            "to",
            "a",
            "reminder's",
            "day",
            "(again:",
            "the",
            "next)",
        ]
