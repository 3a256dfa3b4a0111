"""The timer in the app (issue 14): T on the Timesheet, the footer's ticking time, the
row's mark, and the question about a forgotten timer.

The store is a copy of the demo store filled by a real sync; the app's clock is a
:class:`~tests.app_harness.Clock` the test moves. It is Mon 23 Nov 2026, 09:30 UTC,
and the profile's zone is UTC.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

from tenktui.session import Session
from tenktui.store import Rounding, Store
from tenktui.ui.messages import EditQueued
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.timer import TIMER_MARK
from tenktui.ui.widgets.detail_line import DetailLine
from tenktui.ui.widgets.forgotten_timer import ForgottenTimerDialog
from tenktui.ui.widgets.timer_badge import TimerBadge
from tests.app_harness import NOW, Clock, running, wait_for
from tests.conftest import TODAY
from tests.test_ui_timesheet import at, detail, entries, queued, sheet

UTC = "UTC"


def badge(app) -> TimerBadge:
    return app.screen.query_one(TimerBadge)


def footer_timer(app) -> str:
    """What the footer shows of the timer ("" when its badge is not displayed)."""
    widget = badge(app)
    return str(widget.render()).strip() if widget.display else ""


def row_labels(app) -> list[str]:
    grid = sheet(app).grid
    return [grid._row_label(r) for r in grid.rows]


def me(session: Session) -> int:
    user = session.store.me_id()
    assert user is not None
    return user


def assignable(session: Session, label: str) -> int:
    """The assignable of this week's row whose label starts with ``label``."""
    rows = session.store.queries.week(me(session), TODAY).rows
    return next(r.assignable_id for r in rows if r.label.startswith(label))


# -- start, stop, switch ------------------------------------------------------------
async def test_t_starts_a_timer_on_the_row_and_marks_it(session: Session) -> None:
    clock = Clock()
    async with running(session, clock=clock, size=(120, 40)) as (app, pilot):
        at(app, "Internal Tools", 0)
        assert footer_timer(app) == ""
        await pilot.press("T")
        await pilot.pause()
        timer = session.store.timer.running()
        assert timer is not None
        assert timer.assignable_id == assignable(session, "Internal Tools")
        assert timer.started_at == NOW
        assert "Timer started on Internal Tools at 09:30" in detail(app)
        assert footer_timer(app) == f"{TIMER_MARK} Internal Tools 0:00"
        assert f"{TIMER_MARK} Internal Tools" in row_labels(app)
        assert queued(session) == []  # nothing is logged until it stops


async def test_t_on_the_timer_row_stops_it_into_a_queued_entry(session: Session) -> None:
    clock = Clock()
    messages: list[object] = []
    async with running(session, clock=clock, hook=messages.append) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("T")
        clock.advance(minutes=85)
        await pilot.press("T")
        await pilot.pause()
        assert session.store.timer.running() is None
        [(op, target)] = queued(session)
        assert op == "create"
        assert (target["hours"], target["date"]) == (1.42, "2026-11-23")  # 85 min, whole minutes
        # Queued like any edit: the app hears of it and pokes sync (a start queues nothing).
        assert {m.description for m in messages if isinstance(m, EditQueued)} == {"timer stopped"}
        assert grid.current_cell.hours == 1.42
        assert "Stopped Internal Tools at 10:55: 1.42 h on Mon 23 Nov" in detail(app)
        assert footer_timer(app) == ""
        assert not any(label.startswith(TIMER_MARK) for label in row_labels(app))
        await pilot.press("u")  # the stop is an edit like any other: undo takes it back
        assert queued(session) == []  # the unsent create is taken back
        assert grid.current_cell.hours == 0


async def test_t_on_another_row_stops_the_running_timer_and_starts_there(
    session: Session,
) -> None:
    clock = Clock()
    async with running(session, clock=clock) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("T")
        clock.advance(minutes=30)
        at(app, "Website Redesign", 0)
        await pilot.press("T")
        await pilot.pause()
        timer = session.store.timer.running()
        assert timer is not None
        assert timer.assignable_id == assignable(session, "Website Redesign")
        assert timer.started_at == NOW + dt.timedelta(minutes=30)
        assert [e["hours"] for e in entries(session, "Internal Tools", TODAY)] == [0.5]
        said = detail(app)
        assert "Stopped Internal Tools at 10:00: 0.5 h on Mon 23 Nov" in said
        assert "Timer started on Website Redesign" in said
        assert footer_timer(app) == f"{TIMER_MARK} 0:00"
        assert any(label.startswith(f"{TIMER_MARK} Website") for label in row_labels(app))


async def test_a_refused_stop_keeps_the_timer_running_and_says_why(session: Session) -> None:
    """The day would go over 24 h: nothing is queued, the timer runs on."""
    clock = Clock()
    session.store.edits.set_cell(me(session), assignable(session, "Website Redesign"), TODAY, 23.5)
    before = queued(session)
    async with running(session, clock=clock) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("T")
        clock.advance(hours=1)
        await pilot.press("T")
        await pilot.pause()
        timer = session.store.timer.running()
        assert timer is not None and timer.started_at == NOW
        assert queued(session) == before
        said = app.screen.query_one(DetailLine)
        assert "The timer on Internal Tools keeps running" in detail(app)
        assert "24" in detail(app)
        assert said.kind == "error"
        await wait_for(pilot, lambda: footer_timer(app) == f"{TIMER_MARK} 1:00")


# -- the footer ---------------------------------------------------------------------
async def test_the_footer_keeps_the_time_and_the_sync_state_when_room_is_short(
    session: Session,
) -> None:
    """At 80 columns the Timesheet's key hints leave 16: the time and "online" fit, the
    name (marked on its row) does not."""
    async with running(session, clock=Clock()) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("T")
        await pilot.pause()
        assert footer_timer(app) == f"{TIMER_MARK} 0:00"
        assert str(app.screen.query_one("#footer-sync", Static).render()) == "online"
        assert f"{TIMER_MARK} Internal Tools" in row_labels(app)


async def test_the_footer_ticks_with_the_clock(session: Session) -> None:
    clock = Clock()
    async with running(session, clock=clock) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("T")
        assert footer_timer(app).endswith(" 0:00")
        clock.advance(minutes=85, seconds=30)
        await wait_for(pilot, lambda: footer_timer(app).endswith(" 1:25"))
        clock.advance(hours=2)
        await wait_for(pilot, lambda: footer_timer(app).endswith(" 3:25"))
        assert session.store.timer.running() is not None  # ticking writes nothing


async def test_the_footer_shows_the_timer_on_every_screen(session: Session) -> None:
    clock = Clock()
    async with running(session, clock=clock, size=(120, 40)) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("T", "f6")
        await pilot.pause()
        assert not isinstance(app.screen, TimesheetScreen)
        assert footer_timer(app) == f"{TIMER_MARK} Internal Tools 0:00"
        clock.advance(minutes=7)
        await wait_for(pilot, lambda: footer_timer(app).endswith(" 0:07"))


async def test_a_timer_started_by_another_process_shows_at_once(session: Session) -> None:
    """Another connection to the same file (a `tenktui start` in a shell) starts and stops
    the timer: the app sees it through the database's data_version."""
    clock = Clock()
    async with running(session, clock=clock, size=(120, 40)) as (app, pilot):
        assert footer_timer(app) == ""
        other = Store(session.store.path, today=lambda: TODAY)
        try:
            other.timer.start(
                me(session),
                assignable(session, "Website Redesign"),
                now=NOW,
                at=NOW - dt.timedelta(minutes=20),
                zone=UTC,
                rounding=Rounding(),
            )
            await wait_for(pilot, lambda: footer_timer(app).endswith(" 0:20"))
            assert footer_timer(app).startswith(f"{TIMER_MARK} Website")
            assert any(label.startswith(f"{TIMER_MARK} Website") for label in row_labels(app))
            other.timer.cancel()
            await wait_for(pilot, lambda: footer_timer(app) == "")
            assert not any(label.startswith(TIMER_MARK) for label in row_labels(app))
        finally:
            other.close()


# -- a forgotten timer --------------------------------------------------------------
YESTERDAY_9 = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def forget(session: Session, label: str = "Internal Tools") -> None:
    """A timer started yesterday at 09:00 and never stopped."""
    session.store.timer.start(
        me(session),
        assignable(session, label),
        now=NOW,
        at=YESTERDAY_9,
        zone=UTC,
        rounding=Rounding(),
    )


async def test_a_forgotten_timer_is_asked_about_when_the_app_opens_keep(
    session: Session,
) -> None:
    forget(session)
    async with running(session, clock=Clock()) as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, ForgottenTimerDialog))
        question = str(app.screen.query_one("#forgotten-question", Static).render())
        assert "The timer on Internal Tools looks forgotten" in question
        assert "Sun 22 Nov 09:00" in question
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, TimesheetScreen)
        assert session.store.timer.running() is not None
        assert queued(session) == []
        assert "runs on" in detail(app)
        assert footer_timer(app).endswith(" 24:30")


@pytest.mark.slow
async def test_a_forgotten_timer_stopped_at_a_time_typed_a_bad_time_stays(
    session: Session,
) -> None:
    forget(session)
    async with running(session, clock=Clock()) as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, ForgottenTimerDialog))
        await pilot.press("s", *"25:10", "enter")
        dialog = app.screen
        assert isinstance(dialog, ForgottenTimerDialog)
        assert dialog.query_one(Input).value == "25:10"
        assert "not a time of day" in str(dialog.query_one("#forgotten-error", Static).render())
        assert session.store.timer.running() is not None
        await pilot.press("ctrl+u", *"8:30", "enter")  # before the start: the store refuses
        assert isinstance(app.screen, ForgottenTimerDialog)
        assert dialog.query_one(Input).value == "8:30"
        assert "before the timer started" in str(
            dialog.query_one("#forgotten-error", Static).render()
        )
        await pilot.press("ctrl+u", *"17:40", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TimesheetScreen)
        assert session.store.timer.running() is None
        yesterday = TODAY - dt.timedelta(days=1)
        assert [e["hours"] for e in entries(session, "Internal Tools", yesterday)] == [8.67]
        [(op, target)] = queued(session)
        assert (op, target["date"]) == ("create", "2026-11-22")
        assert "Stopped Internal Tools at 17:40: 8.67 h on Sun 22 Nov" in detail(app)
        assert footer_timer(app) == ""


@pytest.mark.slow
async def test_a_forgotten_timer_discarded_logs_nothing(session: Session) -> None:
    forget(session)
    async with running(session, clock=Clock()) as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, ForgottenTimerDialog))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TimesheetScreen)
        assert session.store.timer.running() is None
        assert queued(session) == []
        assert "Discarded the timer on Internal Tools: nothing logged" in detail(app)
        assert footer_timer(app) == ""


@pytest.mark.slow
async def test_a_forgotten_timer_is_asked_about_again_on_the_next_start(
    session: Session,
) -> None:
    """Escape when the app opens decides nothing; T then asks again, and once the old
    timer is discarded the new one starts on the row."""
    forget(session)
    async with running(session, clock=Clock()) as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, ForgottenTimerDialog))
        await pilot.press("escape")
        await pilot.pause()
        assert session.store.timer.running() is not None
        at(app, "Website Redesign", 0)
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, ForgottenTimerDialog)
        await pilot.press("d")
        await pilot.pause()
        timer = session.store.timer.running()
        assert timer is not None
        assert timer.assignable_id == assignable(session, "Website Redesign")
        assert timer.started_at == NOW
        assert queued(session) == []
        said = detail(app)
        assert "Discarded the timer on Internal Tools" in said
        assert "Timer started on Website Redesign" in said


# -- help ---------------------------------------------------------------------------
async def test_help_lists_the_timer_keys(session: Session) -> None:
    from tenktui.ui import keys
    from tenktui.ui.screens.help import HelpScreen

    async with running(session) as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        assert "T             Start/stop a timer" in text
        assert "A forgotten timer" in text
        for binding in keys.FORGOTTEN_TIMER:
            assert binding.description in text


# -- the profile's rule and zone -----------------------------------------------------
async def test_a_stop_rounds_by_the_profiles_rule(session: Session) -> None:
    session.rounding = Rounding("0.25h", "up")
    clock = Clock()
    async with running(session, clock=clock) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("T")
        clock.advance(minutes=80)
        await pilot.press("T")
        await pilot.pause()
        assert [e["hours"] for e in entries(session, "Internal Tools", TODAY)] == [1.5]


def test_a_profiles_session_carries_its_zone_and_rounding(tmp_path, monkeypatch) -> None:
    from tenktui.config import Profile
    from tenktui.session import open_profile_session

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    profile = Profile(
        "work",
        "http://127.0.0.1:9/api/v1",
        "me@example.com",
        timezone="Europe/Paris",
        rounding="0.1h",
        rounding_direction="down",
    )
    session = open_profile_session(profile, "token", today=lambda: TODAY)
    try:
        assert session.timezone == "Europe/Paris"
        assert session.rounding == Rounding("0.1h", "down")
    finally:
        session.store.close()


@pytest.mark.slow
async def test_the_palette_starts_a_timer_on_the_row(session: Session) -> None:
    from tests.test_ui_app import run_palette

    async with running(session, clock=Clock()) as (app, pilot):
        at(app, "Internal Tools", 0)
        await run_palette(app, pilot, "Start or stop a timer")
        await wait_for(pilot, lambda: session.store.timer.running() is not None)
        timer = session.store.timer.running()
        assert timer is not None
        assert timer.assignable_id == assignable(session, "Internal Tools")
