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
from tenktui.ui.widgets.detail_line import DetailLine
from tenktui.ui.widgets.entries import EntryForm, EntryListDialog
from tenktui.ui.widgets.picker import FuzzyPicker
from tenktui.ui.widgets.week_grid import CELL, HEADER_LINES, WeekGridView
from tenktui.ui.widgets.week_head import WeekHead
from tests.app_harness import running
from tests.conftest import TODAY

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
    return app.screen.query_one(DetailLine).text


def title(app) -> str:
    return app.screen.query_one(WeekHead).title


def state(app) -> str:
    return app.screen.query_one(WeekHead).state


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


async def test_saying_what_a_key_did_restyles_nothing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save's "Saved:" (green), a refusal (bold red) and the move after them change the
    line under the grid without applying the stylesheet to it again: it was a third of
    what Enter cost before its frame (tenktui.ui.widgets.detail_line)."""
    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 0)
        detail = app.screen.query_one("#cell-detail")
        styled: list[object] = []
        apply = app.stylesheet.apply

        def counted(node: object, *args: object, **kwargs: object) -> None:
            styled.append(node)
            apply(node, *args, **kwargs)

        monkeypatch.setattr(app.stylesheet, "apply", counted)
        await pilot.press("3", "enter")
        assert detail_kind(app) == ("Saved: Internal Tools", "done")
        await pilot.press("down", "9", "9", "enter")  # 99 h: refused
        assert detail_kind(app)[1] == "error"
        await pilot.press("escape", "up")
        assert detail_kind(app)[1] == ""
        assert detail not in styled


def detail_kind(app) -> tuple[str, str]:
    line = app.screen.query_one(DetailLine)
    return line.text[: len("Saved: Internal Tools")], line.kind


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


@pytest.mark.slow
async def test_c_confirms_the_day_and_shift_c_the_week(session: Session) -> None:
    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 1)
        await pilot.press("c", "y")  # Tuesday is after today: asked first
        assert sorted(t["hours"] for _, t in queued(session)) == [0.63, 2.0, 4.0]
        assert {t["date"] for _, t in queued(session)} == {"2026-11-24"}
        await pilot.press("C", "y")
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


@pytest.mark.slow
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
        x = grid.geometry().label + 3 * CELL + 2
        await pilot.click(WeekGridView, offset=(x, HEADER_LINES + 2))
        assert (grid.row_index, grid.day_index) == (2, 3)
        assert grid.has_focus


# -- rows ------------------------------------------------------------------------------
@pytest.mark.slow
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


@pytest.mark.slow
async def test_copy_last_weeks_rows_and_remove_a_hand_added_row(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("a", *"brand", "enter")
        await pilot.press("right_square_bracket")
        grid = sheet(app).grid
        assert "Brand Refresh" not in [r.label for r in grid.rows]
        await pilot.press("L")
        assert "Brand Refresh" in [r.label for r in grid.rows]
        assert "Added 1 row from last week" in detail(app)
        await pilot.press("L")
        assert "every row of last week; Y copies its hours" in detail(app)
        at(app, "Brand Refresh", 0)
        await pilot.press("R")
        assert "Brand Refresh" not in [r.label for r in grid.rows]


# -- undo --------------------------------------------------------------------------------
@pytest.mark.slow
async def test_undo_a_new_entry_forgets_it(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("3", "enter")
        assert grid.current_cell.hours == 3
        await pilot.press("u")
        assert grid.current_cell.hours == 0
        assert queued(session) == []  # never sent, so nothing to send
        assert "Undone" in detail(app)


@pytest.mark.slow
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


@pytest.mark.slow
async def test_undo_confirming_the_week(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("C", "y")
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
async def test_notes_over_255_characters_are_refused_in_the_form(session: Session) -> None:
    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("o", "a")
        form = app.screen
        assert isinstance(form, EntryForm)
        form.query_one("#form-hours", Input).value = "1"
        form.query_one("#form-notes", Input).value = "x" * 300
        await pilot.press("ctrl+s")
        assert app.screen is form  # still open, everything typed kept
        assert "300 characters long; the limit is 255" in str(
            form.query_one("#form-error", Static).render()
        )
        assert queued(session) == []


@pytest.mark.slow
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
@pytest.mark.slow
async def test_submit_the_week_for_approval(session: Session) -> None:
    async with running(session) as (app, pilot):
        at(app, "Website Redesign", 0)
        await pilot.press("enter", "s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        assert isinstance(app.screen, TimesheetScreen)
        ops = [op for op, _ in queued(session)]
        assert ops == ["create", "submit"]
        assert "submitting for approval" in state(app)
        assert "Submitted 1 entries" in detail(app)


async def test_submitting_an_empty_week_says_there_is_nothing(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("s")
        assert isinstance(app.screen, TimesheetScreen)
        assert "Nothing to submit" in detail(app)


# -- issue 12: everyday use ------------------------------------------------------------------
def grid_line(app, y: int) -> str:
    grid = sheet(app).grid
    return grid.render_line(y).text


def totals_line(app) -> str:
    grid = sheet(app).grid
    return grid_line(app, HEADER_LINES + len(grid.rows) + 1)


@pytest.mark.slow
async def test_pasted_notes_over_255_are_kept_whole_and_refused(session: Session) -> None:
    """Item 5: a paste over the limit is not cut: the count shows it, saving refuses it."""
    from textual import events

    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("o", "a")
        form = app.screen
        assert isinstance(form, EntryForm)
        form.query_one("#form-hours", Input).value = "1"
        notes = form.query_one("#form-notes", Input)
        notes.focus()
        notes.post_message(events.Paste("y" * 300))
        await pilot.pause()
        assert notes.value == "y" * 300
        assert "300/255" in str(form.query_one("#form-count", Static).render())
        await pilot.press("ctrl+s")
        assert app.screen is form and notes.value == "y" * 300
        assert "300 characters long" in str(form.query_one("#form-error", Static).render())
        assert queued(session) == []


@pytest.mark.slow
async def test_the_entry_list_of_a_locked_cell_offers_no_changes(session: Session) -> None:
    """Item 7: a locked cell's list shows its entries and the lock, no add/edit/delete."""
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket", "left_square_bracket")
        at(app, "Data Platform", 1)
        await pilot.press("o")
        dialog = app.screen
        assert isinstance(dialog, EntryListDialog)
        offered = {b.binding.action for b in app.active_bindings.values()}
        assert "close" in offered
        assert not offered & {"add", "edit", "delete"}
        await pilot.press("a", "enter", "d")
        assert app.screen is dialog
        assert queued(session) == []


@pytest.mark.slow
async def test_a_digit_on_several_entries_is_kept_for_the_one_picked(session: Session) -> None:
    """Item 7: "3" on a cell of two entries opens the list and the 3 is not lost."""
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket")
        at(app, "Website Redesign", 0)
        await pilot.press("3")
        dialog = app.screen
        assert isinstance(dialog, EntryListDialog)
        assert "3 h" in str(dialog.query_one("#entries-message", Static).render())
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, EntryForm)
        assert form.query_one("#form-hours", Input).value == "3"
        await pilot.press("ctrl+s")
        assert app.screen is dialog
        assert dialog.entries[0]["hours"] == 3


@pytest.mark.slow
async def test_the_entry_list_drops_waiting_to_sync_once_synced(session: Session) -> None:
    """Item 7: the list follows the store: a sync pass that sent the edit clears the word."""
    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("2", "enter", "o")
        dialog = app.screen
        assert isinstance(dialog, EntryListDialog)
        options = dialog.query_one("OptionList")
        assert "waiting to sync" in str(options.get_option_at_index(0).prompt)
        session.store.database.conn.execute("UPDATE outbox SET state = 'done'")
        app.post_message(StoreChanged())
        await pilot.pause()
        await pilot.pause()
        assert "waiting to sync" not in str(options.get_option_at_index(0).prompt)


@pytest.mark.slow
async def test_help_lists_the_one_set_of_marks(session: Session) -> None:
    """Item 8: every mark the grid draws (cell states, booked days, days off) is in ?."""
    from tenktui.store import marks

    async with running(session) as (app, pilot):
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-text", Static).render())
        for mark in (*marks.STATE_MARKS.values(), marks.LOCKED, marks.OVER, marks.UNDER):
            assert any(mark in line and "  " in line for line in text.splitlines()), mark
        assert marks.DAY_OFF in text


async def test_over_and_under_booked_days_are_marked_not_only_coloured(session: Session) -> None:
    """Item 9: under NO_COLOR a mark still tells an over-booked day from an under-booked one."""
    from tenktui.store.marks import OVER, UNDER

    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket")  # last week: every day under 8 h
        assert totals_line(app).count(UNDER) == 5
        assert OVER not in totals_line(app)
        at(app, "Internal Tools", 3)
        await pilot.press("9", "enter")  # Thursday: 9 h on a day of 8
        line = totals_line(app)
        assert line.count(UNDER) == 4 and line.count(OVER) == 1
        assert "9" + OVER in line


async def test_the_ansi_theme_tells_over_from_under_booked(session: Session) -> None:
    async with running(session) as (app, pilot):
        app.theme = "tenktui-ansi"
        await pilot.pause()
        grid = sheet(app).grid
        over = grid.get_component_rich_style("week-grid--over")
        under = grid.get_component_rich_style("week-grid--under")
        assert over.color != under.color
        # NO_COLOR drops the colours, not the weight: bold over, italic under
        assert (over.bold, over.italic) != (under.bold, under.italic)


async def test_a_theme_chosen_later_recolours_the_grid(session: Session) -> None:
    """The grid keeps its component styles between frames: a new theme must still reach it."""
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        before = grid.render_line(HEADER_LINES + grid.row_index)
        app.theme = "tenktui-ansi"
        await pilot.pause()
        after = grid.render_line(HEADER_LINES + grid.row_index)
        assert before.text == after.text
        assert [s.style for s in before] != [s.style for s in after]


async def test_a_theme_chosen_later_recolours_the_week_head(session: Session) -> None:
    """The head line keeps its styles between frames too (tenktui.ui.widgets.kept_styles):
    a new theme reaches its title, its state and its background."""
    async with running(session) as (app, pilot):
        head = app.screen.query_one(WeekHead)
        before = head.render_line(0)
        app.theme = "tenktui-ansi"
        await pilot.pause()
        after = head.render_line(0)
        assert before.text == after.text and head.state in after.text
        assert [s.style for s in after] == [s.style for s in head.render_line(0)]
        fresh = {head.get_component_rich_style(n) for n in ("week-head--title", "week-head--state")}
        assert {s.style for s in after if s.text.strip()} <= fresh | {head.rich_style}
        assert [s.style for s in before] != [s.style for s in after]


async def test_the_grid_works_out_its_component_styles_once_per_stylesheet(
    session: Session,
) -> None:
    """Focus and a return to the Timesheet restyle the grid: its 24 component styles
    stand, even when another screen's first showing adds rules of its own; a theme
    works them out again."""
    async with running(session) as (app, pilot):
        grid = sheet(app).grid
        styles = dict(grid._component_styles)
        assert len(styles) == len(WeekGridView.COMPONENT_CLASSES)
        grid.blur()
        await pilot.pause()
        grid.focus()
        await pilot.press("f3")  # Assignments, then back
        await pilot.press("f2")
        await pilot.pause()
        assert sheet(app).grid is grid and grid.has_focus
        assert all(grid._component_styles[name] is style for name, style in styles.items())
        app.theme = "tenktui-ansi"
        await pilot.pause()
        assert all(grid._component_styles[name] is not style for name, style in styles.items())
        assert set(grid._component_styles) == set(styles)


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (200, 50)])
async def test_no_line_of_the_grid_or_head_wraps(session: Session, size: tuple[int, int]) -> None:
    """Item 10: every day, the total and the week's state fit on their lines."""
    async with running(session, size=size) as (app, pilot):
        await pilot.press("left_square_bracket")
        grid = sheet(app).grid
        geometry = grid.geometry()
        assert geometry.label + 7 * geometry.cell + geometry.total + geometry.notes <= size[0]
        header = grid_line(app, 0)
        assert all(f"{d:>2}" in header for d in range(16, 23)) and "Total" in header
        assert len(header.rstrip()) <= grid.scrollable_content_region.width
        head = app.screen.query_one(WeekHead)
        line = "".join(segment.text for segment in head.line(head.content_region.width))
        assert len(line) <= head.content_region.width
        assert line.endswith(f"  {head.state}")  # the state whole, after a gap
        assert head.title.startswith(line[: len(line) - len(head.state) - 2].rstrip(" …"))


@pytest.mark.parametrize("size", [(80, 24), (200, 30)])
async def test_lines_kept_between_frames_match_lines_drawn_afresh(
    session: Session, size: tuple[int, int]
) -> None:
    """The grid keeps each row's line while nothing it shows changes: after moves, a
    typed edit, a save and a refusal, every line is what drawing it afresh gives."""
    async with running(session, size=size) as (app, pilot):
        grid = sheet(app).grid
        for keys in (("down", "down", "right"), ("1",), ("enter",), ("up", "x"), ("left",)):
            await pilot.press(*keys)
            await pilot.pause()
            shown = [grid.render_line(y) for y in range(grid.size.height)]
            grid._lines.clear()
            fresh = [grid.render_line(y) for y in range(grid.size.height)]
            assert [list(line) for line in shown] == [list(line) for line in fresh], keys


async def test_names_cut_with_an_ellipsis_and_shown_whole_under_the_cursor(
    session: Session,
) -> None:
    async with running(session, size=(60, 20)) as (app, pilot):
        at(app, "Website Redesign", 0)
        await pilot.pause()
        grid = sheet(app).grid
        row = grid_line(app, HEADER_LINES + grid.row_index)
        assert "…" in row and "Website Redesign — Design" not in row
        assert detail(app).startswith("Website Redesign — Design")


@pytest.mark.slow
async def test_a_wide_screen_has_a_wide_name_column_and_notes(session: Session) -> None:
    async with running(session, size=(200, 50)) as (app, pilot):
        await pilot.press("left_square_bracket")
        grid = at(app, "Internal Tools", 0)
        assert grid.geometry().notes > 0
        assert "Notes (Mon)" in grid_line(app, 0)
        assert "Website Redesign — Design" in grid_line(app, HEADER_LINES + 2)
        assert "Deploy to staging" in grid_line(app, HEADER_LINES + grid.row_index)
        await pilot.press("right", "right", "right", "right")  # Friday
        assert "Notes (Fri)" in grid_line(app, 0)
        assert "Bug fixes" in grid_line(app, HEADER_LINES + grid.row_index)


@pytest.mark.slow
async def test_confirming_days_after_today_asks_first(session: Session) -> None:
    """Item 11: today's suggestions are confirmed at once; later days only when asked."""
    async with running(session) as (app, pilot):
        at(app, "Internal Tools", 0)
        await pilot.press("c")  # Monday is today
        assert isinstance(app.screen, TimesheetScreen)
        assert len(queued(session)) == 3
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Tue 24 Nov – Fri 27 Nov" in app.screen.question
        await pilot.press("n")
        assert len(queued(session)) == 3
        await pilot.press("C", "y")
        assert len(queued(session)) == 15


@pytest.mark.slow
async def test_an_edit_to_a_submitted_week_says_what_it_does(session: Session) -> None:
    """Item 12: a change to submitted time stays pending; new time is not in the submission."""
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert "awaiting approval" in state(app)
        at(app, "Internal Tools", 0)
        await pilot.press("1", "enter")
        assert "still awaiting approval" in detail(app)
        at(app, "Internal Tools", 5)  # Saturday: no time yet
        await pilot.press("2", "enter")
        assert "not part of the submitted week: s submits it" in detail(app)
        assert "2 h not submitted" in state(app)


async def test_holidays_and_leave_are_marked_in_the_day_header(session: Session) -> None:
    """Item 15: Studio Day (Fri 4 Dec) and the vacation (9–11 Dec) show above their days."""
    from tenktui.store.marks import DAY_OFF

    async with running(session) as (app, pilot):
        await pilot.press("right_square_bracket")
        assert f"Fri  4{DAY_OFF}" in grid_line(app, 0)
        assert grid_line(app, 0).count(DAY_OFF) == 1
        await pilot.press("right_square_bracket")
        header = grid_line(app, 0)
        assert [f"{d}{DAY_OFF}" in header for d in range(7, 14)] == [0, 0, 1, 1, 1, 0, 0]
        grid = at(app, "Website Redesign", 2)
        await pilot.pause()
        assert "Vacation" in detail(app) and grid.current_cell.day.day == 9


@pytest.mark.slow
async def test_copy_last_weeks_hours_after_a_confirmation(session: Session) -> None:
    """Item 17: Y queues last week's hours on the same weekdays, into empty cells only."""
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("2", "enter")  # Monday already has time: left alone
        await pilot.press("Y")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        # last week: 26.5 h in 13 entries; Internal Tools on Monday (0.75) is skipped
        assert "25.75 h in 12 entries" in dialog.question
        await pilot.press("y")
        assert isinstance(app.screen, TimesheetScreen)
        week = sheet(app).week
        assert week.total == pytest.approx(2 + 25.75)
        assert grid.current_cell.hours == 2
        notes = [e["notes"] for e in entries(session, "Internal Tools", TODAY + dt.timedelta(4))]
        assert notes == ["Bug fixes"]
        assert len(queued(session)) == 13
        await pilot.press("u")
        assert len(queued(session)) == 1


@pytest.mark.slow
async def test_redo_puts_back_what_undo_took(session: Session) -> None:
    """Item 18: U (or ctrl+y) redoes; a new edit ends what can be redone."""
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 0)
        await pilot.press("3", "enter", "u")
        assert grid.current_cell.hours == 0
        await pilot.press("U")
        assert grid.current_cell.hours == 3
        assert "Redone" in detail(app)
        assert [t["hours"] for _, t in queued(session)] == [3.0]
        await pilot.press("u", "ctrl+y")
        assert grid.current_cell.hours == 3
        await pilot.press("u", "5", "enter", "U")
        assert grid.current_cell.hours == 5
        assert "Nothing to redo" in detail(app)


@pytest.mark.parametrize(
    ("typed", "week", "day"),
    [("tomorrow", 0, 1), ("next mon", 1, 0), ("2026-12-10", 2, 3), ("last fri", -1, 4)],
)
@pytest.mark.slow
async def test_g_goes_to_a_date(session: Session, typed: str, week: int, day: int) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("g", *typed, "enter")
        screen = sheet(app)
        assert screen.week_start == TODAY + dt.timedelta(days=7 * week)
        assert screen.grid.day_index == day


@pytest.mark.slow
async def test_g_keeps_a_bad_date_to_correct(session: Session) -> None:
    from tenktui.ui.widgets.date_prompt import DatePrompt

    async with running(session) as (app, pilot):
        await pilot.press("g", *"next blursday", "enter")
        prompt = app.screen
        assert isinstance(prompt, DatePrompt)
        assert "is not a date" in str(prompt.query_one("#date-error", Static).render())
        assert prompt.query_one(Input).value == "next blursday"
        await pilot.press("escape")
        assert sheet(app).week_start == TODAY


@pytest.mark.slow
async def test_the_entry_list_says_what_an_edit_does_to_submitted_time(session: Session) -> None:
    """Items 7 and 12 in the list: approved entries offer no edit; pending ones say so."""
    async with running(session) as (app, pilot):
        await pilot.press("left_square_bracket", "left_square_bracket")
        day = LAST_MONDAY - dt.timedelta(days=7)
        [approved] = entries(session, "Internal Tools", day + dt.timedelta(days=1))
        session.store.database.conn.execute(
            "UPDATE time_entries SET approval_status = 'approved' WHERE id = ?",
            (approved["id"],),
        )
        app.post_message(StoreChanged())
        await pilot.pause()
        at(app, "Internal Tools", 1)
        await pilot.press("o")
        offered = {b.binding.action for b in app.active_bindings.values()}
        assert "edit" not in offered and "delete" not in offered
        await pilot.press("escape")
        at(app, "Internal Tools", 0)  # pending approval
        await pilot.press("o", "enter")
        app.screen.query_one("#form-hours", Input).value = "1"
        await pilot.press("ctrl+s")
        message = str(app.screen.query_one("#entries-message", Static).render())
        assert "Saved 1 h. It stays submitted" in message


def type_fast(app, *keys: str) -> None:
    """Keys as a terminal delivers them when typed quickly: all in the app's queue at
    once, none waiting for the one before to be handled."""
    from textual import events

    characters = {"enter": "\r", "escape": "\x1b"}
    for key in keys:
        app.post_message(events.Key(key, characters.get(key, key)))


@pytest.mark.slow
async def test_keys_typed_right_after_picking_a_row_go_to_that_row(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("a", *"brand")
        type_fast(app, "enter", "2", "enter")
        await pilot.pause()
        grid = sheet(app).grid
        for _ in range(20):
            if grid.current_cell is not None and grid.current_cell.hours == 2:
                break
            await pilot.pause(0.02)
        assert grid.current_row.label == "Brand Refresh"
        assert (grid.current_cell.hours, grid.editing) == (2, False)


@pytest.mark.slow
async def test_keys_typed_right_after_leaving_the_picker_go_to_the_grid(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 1)
        await pilot.press("a", *"brand")
        type_fast(app, "escape", "3", "enter")
        await pilot.pause()
        for _ in range(20):
            if grid.current_cell.hours == 3:
                break
            await pilot.pause(0.02)
        assert grid.current_row.label.startswith("Internal Tools")
        assert (grid.current_cell.hours, grid.editing) == (3, False)


async def test_an_edit_redraws_only_the_lines_it_changed(session: Session) -> None:
    """Issue 15: an Enter sent the whole grid to the terminal again; now its row and
    the totals (the header too, when a day off changes)."""
    import copy

    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 1)
        index = grid.row_index
        before = copy.deepcopy(grid.week)
        await pilot.press("2", "enter")
        changed = grid._changed_lines(before, grid.week, grid.today, grid.timer_assignable)
        footer = HEADER_LINES + min(len(grid.rows), grid._body_height())
        assert changed == [(HEADER_LINES + index, True), (footer + 1, False), (footer + 2, False)]
        await pilot.press("right_square_bracket")
        assert grid._changed_lines(before, grid.week, grid.today, None) is None
