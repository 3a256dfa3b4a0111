"""The Timesheet screen, driven by keys (and the mouse) on a store filled by a real sync.

The demo week of TODAY (Mon 23 Nov 2026) holds suggestions only; the week before
holds confirmed time, two cells of which have two entries each. "Annual Report" is
locked for time entry; "Data Platform Migration" takes no time older than 7 days.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

from tenktui.session import Session
from tenktui.store.marks import cell_mark
from tenktui.ui.messages import StoreChanged
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.widgets.confirm import ConfirmDialog
from tenktui.ui.widgets.entries import EntryForm, EntryListDialog
from tenktui.ui.widgets.picker import FuzzyPicker
from tenktui.ui.widgets.week_grid import CELL, HEADER_LINES, WeekGridView
from tests.conftest import TODAY
from tests.ui_app_support import (  # noqa: F401 (fixtures)
    no_blink,
    private_dirs,
    running,
    session_fixture,
    synced_store_fixture,
)

LAST_MONDAY = TODAY - dt.timedelta(days=7)


def sheet(app) -> TimesheetScreen:
    assert isinstance(app.screen, TimesheetScreen), app.screen
    return app.screen


def at(app, label: str, day: int) -> WeekGridView:
    """Put the cursor on the row whose label starts with ``label``, on day ``day`` (0 = Mon)."""
    grid = sheet(app).grid
    for index, row in enumerate(grid.rows):
        if row.label.startswith(label):
            grid.move_to(index, day)
            return grid
    raise AssertionError(f"no row {label!r} in {[r.label for r in grid.rows]}")


def detail(app) -> str:
    return str(app.screen.query_one("#cell-detail", Static).render())


def title(app) -> str:
    return str(app.screen.query_one("#week-title", Static).render())


def queued(session: Session) -> list[tuple[str, dict]]:
    return [(r.op, r.target) for r in session.store.outbox.open_rows()]


def entries(session: Session, label: str, day: dt.date) -> list[dict]:
    me = session.store.database.get_meta("me")
    rows = session.store.database.rows(
        "SELECT t.* FROM time_entries t JOIN assignables a ON a.id = t.assignable_id "
        "WHERE t.user_id = ? AND t.date = ? AND t.deleted = 0 AND a.name || "
        "COALESCE(' — ' || a.phase_name, '') LIKE ? ORDER BY t.id",
        (me, day.isoformat(), f"{label}%"),
    )
    return rows


# -- typing hours -------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["1.5", "1,5", "1:30", "90m"])
async def test_typed_hours_land_in_the_store_and_its_outbox(session: Session, typed: str) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 1)
        await pilot.press(*typed, "enter")
        assert not grid.editing
        cell = grid.current_cell
        assert (cell.hours, cell.entries, cell.state) == (1.5, 1, "pending")
        assert cell_mark(cell) == "↑"
        [(op, target)] = queued(session)
        assert op == "create"
        assert (target["hours"], target["date"]) == (1.5, "2026-11-24")
        assert "Saved" in detail(app)


async def test_out_of_range_hours_are_refused_and_the_text_stays(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 2)
        await pilot.press("2", "5", "enter")
        assert grid.editing and grid.edit.text == "25"
        assert "out of range" in grid.edit.error
        assert "out of range" in detail(app)
        assert queued(session) == []
        await pilot.press("backspace", "enter")  # corrected to 2
        assert not grid.editing
        assert grid.current_cell.hours == 2
        assert [t["hours"] for _, t in queued(session)] == [2.0]


async def test_letters_are_refused_and_the_text_stays(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 2)
        await pilot.press("e", "a", "b", "c", "enter")
        assert grid.editing and grid.edit.text == "abc"
        assert "'abc' is not a number of hours" in detail(app)
        assert queued(session) == []


async def test_escape_cancels_an_edit(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("7", "escape")
        assert not grid.editing
        assert grid.current_cell.hours == 0
        assert queued(session) == []


async def test_arrow_saves_and_moves_on(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("3", "right", "4", "tab")
        assert grid.day_index == 2 and grid.current_row.label == "Internal Tools"
        assert [t["hours"] for _, t in queued(session)] == [3.0, 4.0]


async def test_keys_arriving_together_land_in_order(session: Session) -> None:
    """Over SSH keys come in bursts: "l3<tab>4<enter>" must not wait for redraws."""
    from textual import events

    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        for key, char in [("l", "l"), ("3", "3"), ("tab", "\t"), ("4", "4"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))  # no pause between them
        await pilot.pause()
        await pilot.pause()
        assert not grid.editing
        days = {t["date"]: t["hours"] for _, t in queued(session)}
        assert days == {"2026-11-24": 3.0, "2026-11-25": 4.0}


# -- suggestions -------------------------------------------------------------------
async def test_enter_confirms_a_suggested_cell(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Website Redesign", 0)
        assert grid.current_cell.suggestion == 4
        await pilot.press("enter")
        assert grid.current_cell.hours == 4
        assert [(op, t["hours"], t["date"]) for op, t in queued(session)] == [
            ("create", 4.0, "2026-11-23")
        ]


async def test_c_confirms_the_day_and_shift_c_the_week(session: Session) -> None:
    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 1)
        await pilot.press("c")
        assert sorted(t["hours"] for _, t in queued(session)) == [0.63, 2.0, 4.0]
        assert {t["date"] for _, t in queued(session)} == {"2026-11-24"}
        await pilot.press("C")
        assert len(queued(session)) == 15  # five working days, three rows
        week = sheet(app).week
        assert week.total == pytest.approx(5 * 6.63)
        assert not any(c.suggestion for r in week.rows for c in r.cells)
        assert "confirmed 12 suggestions" in detail(app)


# -- weeks ---------------------------------------------------------------------------
async def test_weeks_forward_back_and_to_today(session: Session) -> None:
    async with running(session) as (app, pilot):
        screen = sheet(app)
        await pilot.press("right_square_bracket")
        assert screen.week_start == TODAY + dt.timedelta(days=7)
        assert "next week" in title(app)
        await pilot.press("left_square_bracket", "p")
        assert screen.week_start == LAST_MONDAY
        assert "last week" in title(app)
        assert screen.week.total > 0  # last week has confirmed time
        await pilot.press("t")
        assert screen.week_start == TODAY
        assert "this week" in title(app)
        await pilot.press("n")
        assert screen.week_start == TODAY + dt.timedelta(days=7)


async def test_arrows_and_hjkl_move_the_cursor(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = sheet(app).grid
        assert (grid.row_index, grid.day_index) == (0, 0)
        await pilot.press("l", "l", "j", "right", "down", "h", "k", "up", "left")
        assert (grid.row_index, grid.day_index) == (0, 1)
        await pilot.press("end")
        assert grid.day_index == 6


async def test_clicking_a_cell_puts_the_cursor_there(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = sheet(app).grid
        x = grid._label_width() + 3 * CELL + 2
        await pilot.click(WeekGridView, offset=(x, HEADER_LINES + 2))
        assert (grid.row_index, grid.day_index) == (2, 3)
        assert grid.has_focus


# -- rows ------------------------------------------------------------------------------
async def test_add_a_row_by_picking_a_project(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("a")
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"brand", "enter")
        grid = sheet(app).grid
        assert grid.current_row.label == "Brand Refresh"
        me = session.store.database.get_meta("me")
        assert session.store.database.rows(
            "SELECT week_start FROM week_rows WHERE user_id = ?", (me,)
        ) == [{"week_start": TODAY.isoformat()}]
        await pilot.press("2", "enter")
        assert grid.current_cell.hours == 2


async def test_copy_last_weeks_rows_and_remove_a_hand_added_row(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("a", *"brand", "enter")
        await pilot.press("right_square_bracket")
        grid = sheet(app).grid
        assert "Brand Refresh" not in [r.label for r in grid.rows]
        await pilot.press("L")
        assert "Brand Refresh" in [r.label for r in grid.rows]
        assert "Added 1 row from last week" in detail(app)
        at(app, "Brand Refresh", 0)
        await pilot.press("R")
        assert "Brand Refresh" not in [r.label for r in grid.rows]


# -- undo --------------------------------------------------------------------------------
async def test_undo_a_new_entry_forgets_it(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("3", "enter")
        assert grid.current_cell.hours == 3
        await pilot.press("u")
        assert grid.current_cell.hours == 0
        assert queued(session) == []  # never sent, so nothing to send
        assert "Undone" in detail(app)


async def test_undo_a_change_puts_the_old_hours_back(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket")
        grid = at(app, "Data Platform", 0)
        assert grid.current_cell.hours == 2
        await pilot.press("5", "enter")
        assert entries(session, "Data Platform", LAST_MONDAY)[0]["hours"] == 5
        await pilot.press("right_square_bracket", "ctrl+z")  # undo follows the edit's week
        assert sheet(app).week_start == LAST_MONDAY
        assert grid.current_cell.hours == 2
        assert [e["hours"] for e in entries(session, "Data Platform", LAST_MONDAY)] == [2]


async def test_undo_confirming_the_week(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("C")
        assert len(queued(session)) == 15
        await pilot.press("u")
        assert queued(session) == []
        assert sheet(app).week.total == 0


# -- clearing, locks, several entries ------------------------------------------------------
async def test_clear_a_cell(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket")
        grid = at(app, "Internal Tools", 0)
        assert grid.current_cell.hours == 0.75
        await pilot.press("x")
        assert grid.current_cell.hours == 0
        assert [op for op, _ in queued(session)] == ["delete"]


async def test_dismiss_a_suggestion_so_confirming_leaves_it(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = sheet(app).grid
        index = next(
            i for i, r in enumerate(grid.rows) if r.cells[0].suggestion and not r.cells[0].lock
        )
        grid.move_to(index, 0)
        await pilot.press("X")
        assert queued(session) == [("create", {**queued(session)[0][1], "hours": 0.0})]
        assert grid.current_cell.suggestion is None and grid.current_cell.entries == 1
        await pilot.press("X")
        assert "no suggestion to dismiss" in detail(app)
        assert len(queued(session)) == 1


async def test_a_locked_project_refuses_time_with_the_reason(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("a", *"annual", "enter")
        grid = sheet(app).grid
        assert grid.current_row.label == "Annual Report"
        assert cell_mark(grid.current_cell) == "×"
        await pilot.press("3")
        assert not grid.editing
        assert "Annual Report is locked for time entry" in detail(app)
        await pilot.press("enter")
        assert "locked" in detail(app)
        assert queued(session) == []


async def test_time_older_than_the_lockout_is_refused(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket", "left_square_bracket")
        grid = at(app, "Data Platform", 1)
        await pilot.press("2")
        assert not grid.editing
        assert "takes time only from 2026-11-16" in detail(app)
        assert queued(session) == []


async def test_typing_on_a_cell_with_several_entries_opens_the_list(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket")
        grid = at(app, "Website Redesign", 0)
        cell = grid.current_cell
        assert (cell.entries, cell.hours, cell_mark(cell)) == (2, 4, "+")
        await pilot.press("3")
        dialog = app.screen
        assert isinstance(dialog, EntryListDialog)
        assert len(dialog.entries) == 2
        assert queued(session) == []  # nothing guessed

        # edit the first entry: hours, category and notes
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, EntryForm)
        form.query_one("#form-hours", Input).value = "1:15"
        form.query_one("#form-notes", Input).value = "Review with the client"
        await pilot.press("ctrl+s")
        assert app.screen is dialog
        assert dialog.entries[0]["hours"] == 1.25
        assert dialog.entries[0]["notes"] == "Review with the client"

        # add a third, then delete it
        await pilot.press("a")
        await pilot.press(*"0.5", "enter")
        assert [e["hours"] for e in dialog.entries][-1] == 0.5
        await pilot.press("end", "d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        assert len(dialog.entries) == 2

        await pilot.press("escape")
        assert isinstance(app.screen, TimesheetScreen)
        assert grid.current_cell.hours == 1.25 + 2  # the other entry is 2 h

        await pilot.press("u")  # the whole visit to the list undoes at once
        assert sorted(e["hours"] for e in entries(session, "Website Redesign", LAST_MONDAY)) == [
            2,
            2,
        ]


async def test_notes_over_255_characters_are_refused_in_the_form(session: Session) -> None:
    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("o", "a")
        form = app.screen
        assert isinstance(form, EntryForm)
        assert form.query_one("#form-notes", Input).max_length == 255
        form.query_one("#form-hours", Input).value = "1"
        form.query_one("#form-notes", Input).value = "x" * 300
        await pilot.press("ctrl+s")
        assert app.screen is form  # still open, everything typed kept
        assert "300 characters long; the limit is 255" in str(
            form.query_one("#form-error", Static).render()
        )
        assert queued(session) == []


async def test_a_refused_edit_shows_its_reason_on_the_cell(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("3", "enter")
        session.store.database.conn.execute(
            "UPDATE outbox SET state = 'failed', last_error = 'Project is archived'"
        )
        app.post_message(StoreChanged())
        await pilot.pause()
        assert cell_mark(grid.current_cell) == "!"
        assert "refused: Project is archived" in detail(app)


# -- approval ------------------------------------------------------------------------------
async def test_submit_the_week_for_approval(session: Session) -> None:
    async with running(session) as (app, pilot):
        at(app, "Website Redesign", 0)
        await pilot.press("enter", "s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        assert isinstance(app.screen, TimesheetScreen)
        ops = [op for op, _ in queued(session)]
        assert ops == ["create", "submit"]
        assert "submitting for approval" in str(app.screen.query_one("#week-state").render())
        assert "Submitted 1 entries" in detail(app)


async def test_submitting_an_empty_week_says_there_is_nothing(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("s")
        assert isinstance(app.screen, TimesheetScreen)
        assert "Nothing to submit" in detail(app)
