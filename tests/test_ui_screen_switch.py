"""Switching screens (issue 15): a screen is built once and shown again, and nothing it
shows is stale when it comes back: an edit made on another screen, a sync that landed,
a write by another process, the Timesheet's week it was opened for, the terminal's size."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from textual.color import Color
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets._footer import FooterKey

from tenktui.session import Session
from tenktui.store import Store
from tenktui.ui.screens.assignments import AssignmentsScreen
from tenktui.ui.screens.outbox import OutboxScreen
from tenktui.ui.screens.reports import ReportsScreen
from tenktui.ui.screens.status import StatusScreen
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.widgets.picker import FuzzyPicker
from tests.app_harness import NOW, cells, go, running, running_app, sandbox_client, sync, wait_for
from tests.conftest import TODAY


def title(screen: Any) -> str:
    return str(screen.query_one("#screen-title", Static).render())


def outbox_rows(screen: OutboxScreen) -> list[str]:
    return [row[1] for row in cells(screen.query_one("#outbox", DataTable))]


def row_of(app: Any, label: str) -> int:
    grid = app.screen_stack[0].grid
    return next(i for i, row in enumerate(grid.rows) if row.label.startswith(label))


async def test_each_screen_is_built_once_and_shown_again(session: Session) -> None:
    async with running(session) as (app, pilot):
        first = {}
        for key, cls in (
            ("f3", AssignmentsScreen),
            ("f4", StatusScreen),
            ("f6", OutboxScreen),
            ("f7", ReportsScreen),
        ):
            first[key] = await go(pilot, key, cls)
            await go(pilot, "f2", TimesheetScreen)
        for key, cls in (
            ("f7", ReportsScreen),
            ("f3", AssignmentsScreen),
            ("f6", OutboxScreen),
            ("f4", StatusScreen),
        ):
            assert await go(pilot, key, cls) is first[key]
        assert len(app.screen_stack) == 2


async def test_an_edit_on_the_timesheet_shows_in_the_outbox_shown_before(
    session: Session,
) -> None:
    async with running(session) as (app, pilot):
        outbox = await go(pilot, "f6", OutboxScreen)
        assert outbox_rows(outbox) == []
        await go(pilot, "f2", TimesheetScreen)
        app.screen.grid.move_to(row_of(app, "Internal Tools"), 1)
        await pilot.press("2", "enter")
        outbox = await go(pilot, "f6", OutboxScreen)
        assert [r.split(" on ")[0] for r in outbox_rows(outbox)] == ["Log 2 h"]


async def test_a_discard_in_the_outbox_shows_on_the_timesheet(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = app.screen.grid
        grid.move_to(row_of(app, "Internal Tools"), 1)
        await pilot.press("2", "enter")
        assert grid.current_cell.hours == 2
        await go(pilot, "f6", OutboxScreen)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert outbox_rows(app.screen) == []
        await go(pilot, "f2", TimesheetScreen)
        assert grid.current_cell.hours == 0


async def test_a_write_by_another_process_shows_on_coming_back(session: Session) -> None:
    """Shown at once, before the app's once-a-second look at the file."""
    async with running(session) as (app, pilot):
        await go(pilot, "f6", OutboxScreen)
        await go(pilot, "f2", TimesheetScreen)
        grid = app.screen.grid
        grid.move_to(row_of(app, "Internal Tools"), 2)
        await go(pilot, "f6", OutboxScreen)
        other = Store(session.store.path, today=lambda: TODAY)  # a second connection
        try:
            me = other.database.get_meta("me")
            other.edits.set_cell(me, grid.current_row.assignable_id, grid.current_day, 6)
        finally:
            other.close()
        await go(pilot, "f2", TimesheetScreen)
        assert grid.current_cell.hours == 6
        outbox = await go(pilot, "f6", OutboxScreen)
        assert [r.split(" on ")[0] for r in outbox_rows(outbox)] == ["Log 6 h"]


@pytest.mark.slow
async def test_a_sync_that_landed_shows_on_coming_back(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, pilot, session):
        reports = await go(pilot, "f7", ReportsScreen)
        me = session.store.me_id()
        before = session.store.reports.report(me, reports.start, reports.end, "project").total
        await go(pilot, "f2", TimesheetScreen)
        project = next(
            a for a in session.store.queries.assignments(me, TODAY, TODAY) if a["kind"] == "project"
        )
        async with sandbox_client(session) as api:
            made = await api.post(
                f"/users/{me}/time_entries",
                json={
                    "assignable_id": project["assignable_id"],
                    "date": TODAY.isoformat(),
                    "hours": 4,
                },
            )
            assert made.status_code == 200, made.text
        await sync(app, pilot)
        reports = await go(pilot, "f7", ReportsScreen)
        total = cells(reports.query_one("#report-table", DataTable))[-1]
        assert total[0] == "Total"
        assert float(total[1]) == pytest.approx(before.confirmed + 4)


async def test_assignments_follow_the_week_the_timesheet_shows(session: Session) -> None:
    async with running(session) as (_app, pilot):
        screen = await go(pilot, "f3", AssignmentsScreen)
        this_week = title(screen)
        await go(pilot, "f2", TimesheetScreen)
        await pilot.press("right_square_bracket")
        screen = await go(pilot, "f3", AssignmentsScreen)
        assert screen.anchor == TODAY - dt.timedelta(days=TODAY.weekday()) + dt.timedelta(weeks=1)
        assert title(screen) != this_week
        # A week moved on the Assignments screen itself goes back to the Timesheet's.
        await pilot.press("right_square_bracket")
        await go(pilot, "f2", TimesheetScreen)
        screen = await go(pilot, "f3", AssignmentsScreen)
        assert screen.anchor == TODAY - dt.timedelta(days=TODAY.weekday()) + dt.timedelta(weeks=1)


async def test_a_screen_shown_again_fits_a_terminal_resized_meanwhile(session: Session) -> None:
    async with running(session) as (_app, pilot):
        await go(pilot, "f6", OutboxScreen)
        await go(pilot, "f2", TimesheetScreen)
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        outbox = await go(pilot, "f6", OutboxScreen)
        await wait_for(pilot, lambda: outbox.size.width == 120)
        await pilot.pause()
        what = outbox.query_one("#outbox", DataTable).ordered_columns[1]
        assert what.width == 120 - 10 - 12 - 6 - 2


@pytest.mark.slow
async def test_the_status_board_asks_for_statuses_again_when_shown_again(tmp_path: Path) -> None:
    """Leaving the board stops its status reads (issue 12.16); coming back starts them."""
    async with running_app(tmp_path) as (app, pilot, session):
        rate = session.demo.sandbox.sandbox.rate  # the clock is frozen: one rate window

        async def pass_cost() -> int:
            used = rate._used
            await sync(app, pilot)
            return rate._used - used

        quiet = await pass_cost()
        await go(pilot, "f4", StatusScreen)
        assert await pass_cost() > quiet
        await go(pilot, "f2", TimesheetScreen)
        assert await pass_cost() == quiet
        await go(pilot, "f4", StatusScreen)
        assert await pass_cost() > quiet


async def test_the_footer_keeps_its_hints_when_they_are_the_same(session: Session) -> None:
    """Textual's footer composed its key hints again on every showing of its screen."""
    async with running(session) as (app, pilot):
        outbox = await go(pilot, "f6", OutboxScreen)
        hints = list(outbox.query(FooterKey))
        await go(pilot, "f2", TimesheetScreen)
        await go(pilot, "f6", OutboxScreen)
        await pilot.pause()
        assert list(outbox.query(FooterKey)) == hints
        # Hints that differ are composed as before: the Timesheet's own.
        await go(pilot, "f2", TimesheetScreen)
        await pilot.pause()
        shown = {h.key for h in app.screen.query(FooterKey)}
        assert "a" in shown and shown > {h.key for h in hints}


async def test_a_theme_switched_meanwhile_colours_a_screen_shown_again(session: Session) -> None:
    async with running(session) as (app, pilot):
        outbox = await go(pilot, "f6", OutboxScreen)
        await go(pilot, "f2", TimesheetScreen)
        app.theme = "tenktui-high-contrast"
        await pilot.pause()
        await go(pilot, "f6", OutboxScreen)
        panel = Color.parse(app.get_css_variables()["panel"])
        assert outbox.query_one("#screen-title", Static).styles.background == panel


async def test_the_assignment_picker_is_kept_and_opens_empty_again(session: Session) -> None:
    async with running(session) as (app, pilot):
        await go(pilot, "f6", OutboxScreen)
        picker = await go(pilot, "f5", FuzzyPicker)
        options = picker.query_one(OptionList)
        everything = options.option_count
        assert everything > 1
        await pilot.press("z", "z", "q")
        await pilot.pause()
        assert options.option_count < everything
        await pilot.press("escape")
        await pilot.pause()
        assert await go(pilot, "f5", FuzzyPicker) is picker
        assert picker.query_one(Input).value == ""
        assert options.option_count == everything and options.highlighted == 0
        await pilot.press("enter")  # the first assignment's checklist, as before
        await wait_for(pilot, lambda: app.screen_name == "subtasks")


@pytest.mark.slow
async def test_the_board_says_how_long_ago_again_when_shown_again(tmp_path: Path) -> None:
    async with running_app(tmp_path) as (app, pilot, _session):
        board = await go(pilot, "f4", StatusScreen)
        await sync(app, pilot)
        table = board.query_one("#board", DataTable)
        assert cells(table)[0][4] == "just now"
        await go(pilot, "f2", TimesheetScreen)
        with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
            await go(pilot, "f4", StatusScreen)
            assert cells(table)[0][4] == "5 min ago"
            assert "checked 5 min ago" in str(board.query_one("#person", Static).render())


async def test_a_screen_shown_before_the_engine_is_made_leaves_its_asks_for_it(
    synced_store: Path, tmp_path: Path
) -> None:
    """Assignments and the status board ask the engine for people and statuses. Before
    it is made (sync off, or the network stack not loaded yet) showing them must not
    make it on the key that showed them (a quarter of a second of imports): the asks
    wait, and the engine gets them when it is made."""
    from tests.app_harness import ALL_CAPABILITIES, offline_session

    ready = offline_session(synced_store, tmp_path / "profile")
    made: list[bool] = []

    def connect() -> tuple[Any, Any]:
        made.append(True)
        return ready.backend, ready.engine

    session = Session(
        ready.store,
        email="me@example.com",
        connect=connect,
        capabilities=ALL_CAPABILITIES,
        timezone="UTC",
    )
    try:
        async with running(session) as (app, pilot):
            await pilot.press("f3")
            await wait_for(pilot, lambda: isinstance(app.screen, AssignmentsScreen))
            await pilot.press("f4")
            await wait_for(pilot, lambda: isinstance(app.screen, StatusScreen))
            await pilot.pause()
            assert made == [] and not session.connected
        engine = session.engine
        assert made == [True]
        assert engine._wanted_projects
    finally:
        await session.aclose()


def unmade_session(synced_store: Path, tmp_path: Path) -> Session:
    """A session whose engine is never made: what screens ask of it stays in ``_asks``."""
    from tests.app_harness import ALL_CAPABILITIES, offline_session

    ready = offline_session(synced_store, tmp_path / "profile")

    def connect() -> tuple[Any, Any]:
        raise AssertionError("the engine was made")

    return Session(
        ready.store,
        email="me@example.com",
        connect=connect,
        capabilities=ALL_CAPABILITIES,
        timezone="UTC",
    )


async def test_screens_built_ahead_are_the_ones_shown_and_ask_nothing_before(
    synced_store: Path, tmp_path: Path
) -> None:
    """The app builds the other screens while the person is not typing (issue 15: a
    first showing cost 40-400 ms); built, they must not cost the network anything
    (the board's statuses, the projects' lists) until a person looks at them."""
    session = unmade_session(synced_store, tmp_path)
    try:
        async with running(session) as (app, pilot):
            built = {name: await app.ahead.build(name) for name in ("assignments", "status")}
            await pilot.pause()
            assert all(s.is_running and not s.on_stack for s in built.values())
            assert session._asks == {}
            board = built["status"].query_one("#board", DataTable)
            assert board.row_count > 0  # read from the store while built
            assert await go(pilot, "f4", StatusScreen) is built["status"]
            assert set(session._asks) == {"projects", "statuses"}
            assert await go(pilot, "f3", AssignmentsScreen) is built["assignments"]
    finally:
        await session.aclose()


async def test_a_screen_built_ahead_shows_an_edit_made_before_its_first_showing(
    session: Session,
) -> None:
    async with running(session) as (app, pilot):
        outbox = await app.ahead.build("outbox")
        assert outbox is not None and outbox_rows(outbox) == []
        app.screen.grid.move_to(row_of(app, "Internal Tools"), 1)
        await pilot.press("2", "enter")
        assert await go(pilot, "f6", OutboxScreen) is outbox
        assert [r.split(" on ")[0] for r in outbox_rows(outbox)] == ["Log 2 h"]


async def test_a_theme_switched_after_a_screen_was_built_ahead_colours_it(
    session: Session,
) -> None:
    async with running(session) as (app, pilot):
        outbox = await app.ahead.build("outbox")
        assert outbox is not None
        app.theme = "tenktui-high-contrast"
        await pilot.pause()
        await go(pilot, "f6", OutboxScreen)
        panel = Color.parse(app.get_css_variables()["panel"])
        assert outbox.query_one("#screen-title", Static).styles.background == panel


async def test_screens_are_built_ahead_one_at_a_time_and_never_while_typing(
    session: Session,
) -> None:
    async with running(session) as (app, pilot):
        app.collector.key()
        assert await app.ahead.step() is None  # a key just came
        app.collector.last_key -= 1.0
        steps = [name async for name in steps_ahead(app, pilot)]
        # Each is built, then painted on the steps after (again while its widgets ask
        # for a new layout, at most three times); F5's picker, and the checklist F5
        # would show from the row under the cursor, last.
        built = ("assignments", "status", "outbox", "reports", "picker", "subtasks")
        assert list(dict.fromkeys(steps)) == list(built)
        assert all(2 <= steps.count(name) <= 4 for name in built)
        assert set(app.kept_screens) == set(built) - {"picker"}
        assert not any(s._layout_required for s in app.kept_screens.values())
        assert app.screen is app.timesheet  # nothing was shown
        assert not any(s.stale for s in app.kept_screens.values())


async def test_screens_built_ahead_are_kept_fresh_between_keystrokes(session: Session) -> None:
    """A screen not shown reads an edit, and the Assignments the Timesheet's week,
    before the key that shows them: that key only draws them."""
    async with running(session) as (app, pilot):
        app.collector.last_key -= 1.0
        [name async for name in steps_ahead(app)]
        outbox = app.kept_screens["outbox"]
        assignments = app.kept_screens["assignments"]
        app.screen.grid.move_to(row_of(app, "Internal Tools"), 1)
        await pilot.press("2", "enter", "right_square_bracket")
        await pilot.pause()
        assert outbox.stale and outbox_rows(outbox) == []
        app.collector.last_key -= 1.0
        steps = [name async for name in steps_ahead(app)]
        assert set(steps) >= {"outbox", "assignments"}
        assert not outbox.stale and [r.split(" on ")[0] for r in outbox_rows(outbox)] == ["Log 2 h"]
        assert assignments.anchor == app.timesheet.week_start and not assignments.stale
        assert await go(pilot, "f6", OutboxScreen) is outbox


async def steps_ahead(app: Any, pilot: Any = None) -> Any:
    """Every step the app's screens-ahead take until there is nothing left to do (with
    ``pilot``, the app's messages handled between two steps, as between two ticks)."""
    while (name := await app.ahead.step()) is not None:
        yield name
        if pilot is not None:
            await pilot.pause()


async def test_screens_built_ahead_have_their_frame_clock_running_before_they_are_shown(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual draws a screen on its update timer's ticks, and a new timer's first tick
    comes a whole frame period after it starts: a screen built ahead whose timer
    started on its showing drew a period later than on any later showing."""
    from textual.screen import Screen

    ticked: set[int] = set()
    on_tick = Screen._on_timer_update

    def counted(screen: Screen[Any]) -> None:
        ticked.add(id(screen))
        on_tick(screen)

    monkeypatch.setattr(Screen, "_on_timer_update", counted)
    async with running(session) as (app, _pilot):
        app.collector.last_key -= 1.0
        [name async for name in steps_ahead(app)]
        await asyncio.sleep(0.05)  # a few frame periods: every started clock has ticked
        built = [*app.kept_screens.values(), app._kept_picker]
        assert len(built) == 6 and not any(screen.is_current for screen in built)
        assert [type(s).__name__ for s in built if id(s) not in ticked] == []


async def test_f5s_picker_built_ahead_is_the_one_shown(session: Session) -> None:
    async with running(session) as (app, pilot):
        app.collector.last_key -= 1.0
        [name async for name in steps_ahead(app)]
        picker = app._kept_picker
        assert picker is not None and picker.is_running and not picker.is_current
        await go(pilot, "f6", OutboxScreen)
        assert await go(pilot, "f5", FuzzyPicker) is picker
        assert picker.query_one(OptionList).option_count > 1


async def test_the_checklist_f5_would_show_is_built_ahead_for_the_row_under_the_cursor(
    session: Session,
) -> None:
    from tenktui.ui.screens.subtasks import SubtasksScreen

    async with running(session) as (app, pilot):
        grid = app.timesheet.grid
        seen: dict[int, Any] = {}
        for label in ("Data Platform", "Internal Tools"):
            grid.move_to(row_of(app, label), 1)
            app.collector.last_key -= 1.0
            [name async for name in steps_ahead(app)]
            wanted = app.subtasks_f5_would_show()
            assert wanted is not None
            seen[wanted] = checklist = app.kept_screens["subtasks"]
            assert checklist.assignment_id == wanted and not checklist.on_stack
        # Another row: the same screen reads the other checklist, ahead of the key.
        first, second = seen.values()
        assert len(seen) == 2 and first is second and not second.stale
        assert await go(pilot, "f5", SubtasksScreen) is second
        assert "Internal Tools" in str(second.title)


async def test_a_checklist_with_text_typed_into_it_is_not_reused_for_another_row(
    session: Session,
) -> None:
    from tenktui.ui.screens.subtasks import SubtasksScreen

    async with running(session) as (app, pilot):
        app.timesheet.grid.move_to(row_of(app, "Data Platform"), 1)
        typed_in = await go(pilot, "f5", SubtasksScreen)
        await pilot.press("a", *"half a subtask")
        await go(pilot, "f2", TimesheetScreen)
        app.timesheet.grid.move_to(row_of(app, "Internal Tools"), 1)
        shown = await go(pilot, "f5", SubtasksScreen)
        assert shown is not typed_in and "Internal Tools" in str(shown.title)
        assert "Data Platform" in str(typed_in.title)  # the typed text stayed with its list
