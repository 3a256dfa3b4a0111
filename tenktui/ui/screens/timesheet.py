"""The home screen: the person's week, read from the store and edited through it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, NamedTuple

from textual import messages
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widget import Widget

from tenktui.store import (
    InvalidEdit,
    Row,
    WeekGrid,
    parse_hours,
    week_start_for,
)
from tenktui.store.dates import zone_info
from tenktui.store.records import ENTRY_EDITABLE
from tenktui.store.rows import WeekRows
from tenktui.store.states import STUCK_STATES
from tenktui.store.timer import split_by_day
from tenktui.ui import keys
from tenktui.ui.messages import EditQueued, StoreChanged
from tenktui.ui.timer import BadTime, describe_stopped, label_of, parse_stop_time
from tenktui.ui.week_reads import WeekReads
from tenktui.ui.widgets.app_bar import AppBar
from tenktui.ui.widgets.detail_line import DetailLine
from tenktui.ui.widgets.reminder_banner import ReminderBanner
from tenktui.ui.widgets.screens_base import StoreScreen
from tenktui.ui.widgets.sync_footer import SyncFooter
from tenktui.ui.widgets.week_grid import WeekGridView, format_hours
from tenktui.ui.widgets.week_head import WeekHead

if TYPE_CHECKING:
    from tenktui.session import Session
    from tenktui.store.reminders import Reminders
    from tenktui.store.timer_results import Stopped

READ_AHEAD_SECONDS = 0.05  # still this long, the screen reads a week ahead
CHROME_LINES = 5  # app bar, week head, two lines of detail, footer (+ the reminder banner)
_APPROVAL = {
    "submitting": "submitting for approval…",
    "pending": "awaiting approval",
    "approved": "approved ✓",
}


# Named tuples, not dataclasses: each dataclass costs about a millisecond to define,
# before the first frame, and these are only read.
class CellSnapshot(NamedTuple):
    """A cell's entries before an edit: what undo puts back."""

    assignable_id: int
    day: dt.date
    entries: list[dict[str, Any]]


class UndoStep(NamedTuple):
    description: str
    week_start: dt.date
    cells: list[CellSnapshot]


class TimesheetScreen(StoreScreen):
    """One week: rows of projects, phases and leave; a column per day."""

    BINDINGS = keys.TIMESHEET

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.week_rows = WeekRows(self.store.database)
        self.week_start = week_start_for(self.today, session.week_start)
        self.week: WeekGrid | None = None
        self.undo_steps: list[UndoStep] = []
        self.redo_steps: list[UndoStep] = []
        # (text, kind, cell it was said on): shown until the cursor leaves that cell
        self._message: tuple[str, str, tuple[int, int]] | None = None
        self._reminders: Reminders | None = None  # read after the first frame
        self.weeks = WeekReads(self.store)
        self._step = 1  # the way the person last went: the week read ahead first
        self._reading_ahead: Timer | None = None
        self._reminded: tuple[Any, ...] | None = None  # what the reminders were read for

    # -- layout ---------------------------------------------------------------

    @property
    def reminders(self) -> Reminders:
        """What the banner shows: none until the first read, after the first frame
        (so the reminders' module is not loaded before it either)."""
        if self._reminders is None:
            from tenktui.store.reminders import Reminders

            self._reminders = Reminders(None, None)
        return self._reminders

    @reminders.setter
    def reminders(self, reminders: Reminders) -> None:
        self._reminders = reminders

    def compose(self) -> ComposeResult:
        yield AppBar("timesheet")
        yield ReminderBanner()
        yield WeekHead(id="week-head")
        yield WeekGridView(id="grid")
        yield DetailLine(id="cell-detail")
        yield SyncFooter()

    def on_resize(self) -> None:
        # The grid grows with its rows up to what the screen has left; the line under it
        # (messages at the point of entry) follows right below.
        chrome = CHROME_LINES + self.query_one(ReminderBanner).lines
        self.grid.styles.max_height = max(6, self.size.height - chrome)

    @property
    def grid(self) -> WeekGridView:
        return self.query_one(WeekGridView)

    def on_mount(self) -> None:
        # The base's on_mount draws the week from the store right after this one.
        self.grid.focus()
        if getattr(self.app, "exit_after_paint", False):
            self.call_after_refresh(self.app.exit)
        else:
            self.call_after_refresh(self.check_forgotten_timer)

    # -- data -----------------------------------------------------------------
    def refresh_from_store(self, rows: Collection[int] = ()) -> None:
        """Redraw from the store (instant: it is local); ``rows``: only those assignables'
        rows changed (an edit of a cell), so only they are read again."""
        user = self.me
        grid = self.grid
        if user is None:
            grid.empty_hint = "Fetching your week from the server…"
            grid.refresh()
            self._head("Waiting for the first sync…", "")
            return
        grid.empty_hint = "No rows this week: press a to add a project or leave type."
        week = self.week
        if rows and week is not None and (week.user_id, week.week_start) == (user, self.week_start):
            self.week = self.store.queries.week_rows(week, rows)
            # The banner after the frame that shows the cell: an edit seldom changes it.
            self.call_after_refresh(self._remind, user)
        else:
            self.week = self.weeks.week(user, self.week_start)
            if self._reminded is None:
                # At start-up the banner waits for the first frame: the week is what is
                # awaited. Later its read is cheap when nothing moved, and waiting for a
                # frame would split the week change's redraw in two.
                self.call_after_refresh(self._remind, user)
            else:
                self._remind(user)
        grid.set_week(self.week, today=self.today, timer=self._timer_row())
        self._read_ahead_soon()
        self._head(self._title(), self._state())
        cell = grid.current_cell
        if cell is not None and cell.state in STUCK_STATES:
            self._message = None  # the server's word on this cell beats our last message
        if self._message is not None:
            self._show(*self._message[:2])
        else:
            self._detail()

    def _read_ahead_soon(self, steps: tuple[int, ...] | None = None) -> None:
        """Once the screen has been still a moment, read the next week the person is
        likely to want (the way they last went first, then the other), one per pause:
        a key pressed meanwhile waits for one week's read at most."""
        if self._reading_ahead is not None:
            self._reading_ahead.stop()
        steps = (self._step, -self._step) if steps is None else steps
        if steps:
            self._reading_ahead = self.set_timer(READ_AHEAD_SECONDS, lambda: self._read(steps))

    def _read(self, steps: tuple[int, ...]) -> None:
        self._reading_ahead = None
        user = self.me
        if user is None or self.grid.editing:
            return
        self.weeks.read_ahead(user, self.week_start, steps[0])
        self._read_ahead_soon(steps[1:])

    def _remind(self, user: int) -> None:
        """The banner: what ``tenktui check`` would say now (read again only when the
        store changed: a week shown is not a reason)."""
        lock_days = self.session.lock_warning_days
        read = (user, self.today, lock_days, self.store.database.changes())
        if read == self._reminded:
            return
        self._reminded = read
        self.reminders = self.store.reminders.find(user, self.today, lock_days=lock_days)
        if self.query_one(ReminderBanner).show(self.reminders):
            self.on_resize()

    def action_jump_reminder(self) -> None:
        """To the most urgent reminder's day, on the row holding its unconfirmed time;
        pressed again on that day, to the next one."""
        days = list(dict.fromkeys(r.day for r in self.reminders.items))
        if not days:
            self.say("Nothing to act on: no short days, unconfirmed time or locks ahead.")
            return
        current = self.grid.current_day
        day = days[(days.index(current) + 1) % len(days) if current in days else 0]
        self.go_to(day)
        column = (day - self.week_start).days
        waiting = [
            r.assignable_id
            for r in (self.week.rows if self.week else [])
            if r.cells[column].suggestion and not (r.cells[column].entries or r.cells[column].lock)
        ]
        if waiting:
            self.grid.select_assignable(waiting[0], column)
        more = f" ({days.index(day) + 1} of {len(days)} days: ! for the next)"
        from tenktui.store.reminders import day_summary  # read after the first frame

        self.say(day_summary(self.reminders, day) + (more if len(days) > 1 else ""))

    def _timer_row(self) -> int | None:
        """The assignable a running timer is on, marked in the week it runs in (today's)."""
        timer = self.store.timer.running()
        if timer is None or not 0 <= (self.today - self.week_start).days < 7:
            return None
        return timer.assignable_id

    def _title(self) -> str:
        start = self.week_start
        end = start + dt.timedelta(days=6)
        span = (
            f"{start.day}–{end.day} {end:%b %Y}"
            if start.month == end.month
            else f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
        )
        weeks = (start - week_start_for(self.today, self.session.week_start)).days // 7
        when = {0: "this week", 1: "next week", -1: "last week"}.get(
            weeks, f"in {weeks} weeks" if weeks > 0 else f"{-weeks} weeks ago"
        )
        return f"Week {start.isocalendar().week} · {span} · {when}"

    def _state(self) -> str:
        week = self.week
        if week is None or not week.days:
            return ""
        hours = f"{format_hours(week.total)} of {format_hours(week.capacity)} h"
        cells = [c for r in week.rows for c in r.cells if c.entries]
        if not cells:
            return hours
        unsubmitted = sum(c.hours for c in cells if c.approval not in _APPROVAL)
        if unsubmitted and len(cells) > sum(1 for c in cells if c.approval not in _APPROVAL):
            # Part of the week went for approval, and time was added after it.
            return f"{hours} · {format_hours(unsubmitted)} h not submitted (s submits)"
        return f"{hours} · {_APPROVAL.get(week.approval or '', 'not submitted')}"

    def _head(self, title: str, state: str) -> None:
        approval = self.week.approval if self.week else None
        head = self.query_one(WeekHead)
        if head.show(title, state, approval):
            self._with_the_grid(head)

    def _with_the_grid(self, widget: Widget) -> None:
        """Have ``widget``'s redraw go out in the same frame as the grid's.

        A widget's own refresh reaches the screen a turn of the event loop after the
        handler that changed it, and the frame the grid asked for was often drawn in
        between: the line under the grid then lagged the cell it speaks of by a frame
        (about 8 ms at 240 fps, more on a busy machine). Told here, the screen takes it
        before it next goes idle, and no frame can be drawn before that."""
        self.post_message(messages.Update(widget))

    # -- the line under the grid -----------------------------------------------
    def say(self, text: str, kind: str = "") -> None:
        """A message at the point of entry: ``kind`` is "", "error" or "done"."""
        grid = self.grid
        self._message = (text, kind, (grid.row_index, grid.day_index))
        self._show(text, kind)

    def _show(self, text: str, kind: str) -> None:
        detail = self.query_one(DetailLine)
        if detail.show(text, kind):
            self._with_the_grid(detail)

    def _detail(self) -> None:
        grid = self.grid
        row, cell = grid.current_row, grid.current_cell
        if row is None or cell is None or self.week is None:
            self._show(grid.empty_hint if self.week and not self.week.rows else "", "")
            return
        day = self.week.days[grid.day_index]
        parts = [f"{row.label} · {cell.day:%a %d %b}"]
        if day.holiday:
            parts.append(day.holiday)
        parts += [
            r.label
            for r in self.week.rows
            if r.kind == "leave" and r is not row
            and (r.cells[grid.day_index].hours or r.cells[grid.day_index].suggestion)
        ]  # fmt: skip
        if cell.entries > 1:
            parts.append(f"{format_hours(cell.hours)} h in {cell.entries} entries (Enter lists)")
        elif cell.entries:
            parts.append(
                f"{format_hours(cell.hours)} h" + (f" — {cell.notes}" if cell.notes else "")
            )
        elif cell.suggestion:
            parts.append(f"suggested {format_hours(cell.suggestion)} h — Enter confirms")
        kind = ""
        if cell.state == "pending":
            parts.append("waiting to sync")
        elif cell.state == "failed":
            parts.append(f"refused: {cell.error or 'see the Outbox'}")
            kind = "error"
        elif cell.state == "conflict":
            parts.append("changed on the server too: settle it in the Outbox (F6)")
            kind = "error"
        if cell.lock:
            parts.append(cell.lock)
        elif cell.entries and cell.approval in _APPROVAL:
            parts.append(_APPROVAL[cell.approval])
        self._show(" · ".join(parts), kind)

    # -- grid messages -----------------------------------------------------------
    def on_week_grid_view_highlighted(self, message: WeekGridView.Highlighted) -> None:
        if self._message is not None and self._message[2] == (message.row, message.day):
            return
        self._message = None
        self._detail()

    def on_week_grid_view_activated(self, message: WeekGridView.Activated) -> None:
        self.action_open_entries(message.typed)

    def on_week_grid_view_refused(self, message: WeekGridView.Refused) -> None:
        self.say(message.reason, "error")

    def on_week_grid_view_edit_cancelled(self, message: WeekGridView.EditCancelled) -> None:
        self._detail()

    def on_week_grid_view_edit_submitted(self, message: WeekGridView.EditSubmitted) -> None:
        grid = self.grid
        user = self.me
        if user is None or not 0 <= message.row < len(grid.rows):
            return
        row = grid.rows[message.row]
        day = row.cells[message.day].day
        try:
            hours = parse_hours(message.text)
            before = self._snapshot([(row.assignable_id, day)])
            self.store.edits.set_cell(user, row.assignable_id, day, hours)
        except InvalidEdit as err:
            # What the person typed stays on screen, on its cell, to be corrected.
            grid.reopen(message.row, message.day, message.text, str(err))
            self.say(str(err), "error")
            return
        what = f"{format_hours(hours)} h" if hours else "cleared"
        self._edited(
            f"{row.label}, {day:%a %d %b}: {what}",
            before,
            self._submission_note(row.cells[message.day].approval, bool(hours)),
            rows=[row.assignable_id],
        )

    def _submission_note(self, approval: str | None, hours: bool) -> str:
        """What an edit does to a week already sent for approval ("" if it was not)."""
        week = self.week
        if week is None:
            return ""
        if approval in ("pending", "submitting"):
            return (
                " — still awaiting approval, with the new hours"
                if hours
                else " — taken out of the submitted week"
            )
        submitted = any(c.entries and c.approval in _APPROVAL for r in week.rows for c in r.cells)
        if submitted and hours:
            return " — not part of the submitted week: s submits it"
        return ""

    # -- editing helpers ----------------------------------------------------------
    def _snapshot(self, cells: list[tuple[int, dt.date]]) -> list[CellSnapshot]:
        user = self.me
        return [
            CellSnapshot(
                aid,
                day,
                [
                    {"id": e["id"], **{k: e[k] for k in ENTRY_EDITABLE}}
                    for e in self.store.edits.entries_in_cell(user, aid, day)
                ],
            )
            for aid, day in cells
        ]

    def _edited(
        self,
        description: str,
        before: list[CellSnapshot],
        note: str = "",
        rows: Collection[int] = (),
    ) -> None:
        """After a successful edit: remember how to undo it, redraw (``rows``: only those
        changed), tell the app."""
        self._remember(UndoStep(description, self.week_start, before))
        self.refresh_from_store(rows)
        self.say(f"Saved: {description}{note}", "done")
        self.post_message(EditQueued(description))

    def _remember(self, step: UndoStep) -> None:
        """A new edit: undo can take it back, and what was undone can no longer be redone."""
        self.undo_steps.append(step)
        self.redo_steps.clear()

    def _cell_or_say(self) -> tuple[Any, Any] | None:
        grid = self.grid
        if grid.current_row is None or self.me is None:
            self.say("No row here: press a to add one.")
            return None
        return grid.current_row, grid.current_cell

    # -- actions --------------------------------------------------------------------
    def action_activate(self) -> None:
        found = self._cell_or_say()
        if found is None:
            return
        row, cell = found
        if cell.entries:
            self.action_open_entries()
        elif cell.lock:
            self.say(cell.lock, "error")
        elif cell.suggestion:
            self._confirm([cell.day], row.assignable_id, f"{row.label}, {cell.day:%a %d %b}")
        else:
            self.grid.start_edit()

    def action_edit_cell(self) -> None:
        found = self._cell_or_say()
        if found is None:
            return
        _, cell = found
        if cell.lock:
            self.say(cell.lock, "error")
        elif cell.entries > 1:
            self.action_open_entries()
        else:
            self.grid.start_edit(format_hours(cell.hours) if cell.entries else "")

    def action_open_entries(self, typed: str = "") -> None:
        found = self._cell_or_say()
        if found is None:
            return
        row, cell = found
        from tenktui.ui.widgets.entries import EntryListDialog

        before = self._snapshot([(row.assignable_id, cell.day)])
        dialog = EntryListDialog(
            self.store,
            self.me,
            row.assignable_id,
            row.label,
            cell.day,
            lock=cell.lock,
            typed=typed,
        )

        def closed(changed: bool | None) -> None:
            if changed:
                self._remember(
                    UndoStep(f"{row.label}, {cell.day:%a %d %b}", self.week_start, before)
                )
            self.refresh_from_store()
            self.grid.focus()

        self.app.push_screen(dialog, closed)

    def action_clear_cell(self) -> None:
        found = self._cell_or_say()
        if found is None:
            return
        row, cell = found
        if not cell.entries:
            self.say("Nothing to clear here.")
            return
        if cell.lock:
            self.say(cell.lock, "error")
            return

        def clear(yes: bool | None = True) -> None:
            if not yes:
                return
            before = self._snapshot([(row.assignable_id, cell.day)])
            try:
                self.store.edits.clear_cell(self.me, row.assignable_id, cell.day)
            except InvalidEdit as err:
                self.say(str(err), "error")
                return
            self._edited(f"{row.label}, {cell.day:%a %d %b}: cleared", before)

        if cell.entries > 1:
            from tenktui.ui.widgets.confirm import ConfirmDialog

            question = f"Delete all {cell.entries} entries ({format_hours(cell.hours)} h) here?"
            self.app.push_screen(ConfirmDialog(question, yes="Delete", no="Keep"), clear)
        else:
            clear()

    def action_dismiss_suggestion(self) -> None:
        """Confirm zero hours on a suggested cell, so confirming does not bring it back."""
        found = self._cell_or_say()
        if found is None or self.me is None:
            return
        row, cell = found
        before = self._snapshot([(row.assignable_id, cell.day)])
        try:
            self.store.edits.dismiss_suggestion(self.me, row.assignable_id, cell.day)
        except InvalidEdit as err:
            self.say(str(err), "error")
            return
        self._edited(f"{row.label}, {cell.day:%a %d %b}: suggestion dismissed", before)

    def _confirm(self, days: list[dt.date], assignable_id: int | None, what: str) -> None:
        user = self.me
        if user is None or self.week is None:
            return
        cells = [
            (row.assignable_id, cell.day)
            for row in self.week.rows
            if assignable_id in (None, row.assignable_id)
            for cell in row.cells
            if cell.day in days and cell.suggestion and not cell.entries and not cell.lock
        ]
        if not cells:
            self.say(f"No suggestions to confirm for {what}.")
            return

        def confirm(yes: bool | None = True) -> None:
            if not yes:
                self.say("Nothing confirmed.")
                return
            before = self._snapshot(cells)
            try:
                count = self.store.edits.confirm_suggestions(user, days, assignable_id)
            except InvalidEdit as err:
                self.say(str(err), "error")
                return
            if not count:
                self.say(f"No suggestions to confirm for {what}.")
                return
            plural = "s" if count != 1 else ""
            self._edited(f"confirmed {count} suggestion{plural} for {what}", before)

        today = self.today
        ahead = sorted({day for _, day in cells if day > today})
        if not ahead:
            confirm()
            return
        from tenktui.ui.widgets.confirm import ConfirmDialog

        span = f"{ahead[0]:%a %d %b}" + (f" – {ahead[-1]:%a %d %b}" if len(ahead) > 1 else "")
        count = len(cells)
        question = (
            f"Confirm {count} suggestion{'s' if count != 1 else ''} for {what}? "
            f"{'They include' if len(ahead) > 1 else 'That includes'} time after today "
            f"({span}) that has not happened yet."
        )
        self.app.push_screen(ConfirmDialog(question, yes="Confirm", no="Not yet"), confirm)

    def action_confirm_day(self) -> None:
        day = self.grid.current_day
        if day is not None:
            self._confirm([day], None, f"{day:%a %d %b}")

    def action_confirm_week(self) -> None:
        days = [self.week_start + dt.timedelta(days=i) for i in range(7)]
        self._confirm(days, None, "this week")

    def action_add_row(self) -> None:
        if self.me is None:
            self.say("Wait for the first sync to finish.")
            return
        from tenktui.ui.widgets.picker import FuzzyPicker, PickItem

        shown = {r.assignable_id for r in self.grid.rows}
        items = [
            PickItem(
                r["label"],
                r["id"],
                "in this week" if r["id"] in shown else (r.get("client") or r["kind"]),
            )
            for r in self.store.queries.loggable()
        ]
        self.app.push_screen(
            FuzzyPicker("Add a row: project, phase or leave type", items), self._row_picked
        )

    def _row_picked(self, assignable_id: int | None) -> None:
        if assignable_id is not None:
            self.show_row(assignable_id, None)

    def show_row(self, assignable_id: int, day: dt.date | None) -> None:
        """Go to ``day``'s week (or stay) and put the cursor on a row, adding it if needed."""
        user = self.me
        if user is None:
            return
        if day is not None:
            self.week_start = week_start_for(day, self.session.week_start)
            self.refresh_from_store()
        column = (day - self.week_start).days if day is not None else None
        if not self.grid.select_assignable(assignable_id, column):
            self.week_rows.add(user, self.week_start, [assignable_id])
            self.refresh_from_store()
            self.grid.select_assignable(assignable_id, column)
            row = self.grid.current_row
            self.say(f"Added {row.label if row else 'the row'}: type hours on a day.", "done")
        self.grid.focus()

    def action_copy_last_week(self) -> None:
        user = self.me
        if user is None:
            return
        last = self.store.queries.week(user, self.week_start - dt.timedelta(days=7))
        shown = {r.assignable_id for r in self.grid.rows}
        missing = [r.assignable_id for r in last.rows if r.assignable_id not in shown]
        if not missing:
            self.say("This week already has every row of last week; Y copies its hours.")
            return
        self.week_rows.add(user, self.week_start, missing)
        self.refresh_from_store()
        self.say(f"Added {len(missing)} row{'s' if len(missing) != 1 else ''} from last week.")

    def action_copy_last_week_hours(self) -> None:
        user = self.me
        if user is None:
            return
        source = self.week_start - dt.timedelta(days=7)
        plan, _ = self.store.edits.week_to_copy(user, source, self.week_start)
        if not plan:
            self.say("Nothing to copy: last week has no hours for this week's empty cells.")
            return
        from tenktui.ui.widgets.confirm import ConfirmDialog

        hours = format_hours(sum(e["hours"] for e in plan))
        count = len(plan)
        question = (
            f"Copy last week's hours into this week: {hours} h in {count} "
            f"entr{'ies' if count != 1 else 'y'}, on the same weekdays? "
            "Cells that already have time, or take none, are left as they are."
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            before = self._snapshot(sorted({(e["assignable_id"], e["date"]) for e in plan}))
            week_rows = sorted({e["assignable_id"] for e in plan})
            try:
                copied = self.store.edits.copy_week(user, plan)
            except InvalidEdit as err:
                self.say(str(err), "error")
                return
            self.week_rows.add(user, self.week_start, week_rows)
            self._edited(f"copied {copied} entries ({hours} h) from last week", before)

        self.app.push_screen(ConfirmDialog(question, yes="Copy", no="Cancel"), answered)

    def action_remove_row(self) -> None:
        user, row = self.me, self.grid.current_row
        if user is None or row is None:
            return
        if row.total:
            self.say("This row has time this week: clear its cells first.", "error")
            return
        if not self.week_rows.remove(user, self.week_start, row.assignable_id):
            self.say("Only rows added by hand can be removed; this one comes from the schedule.")
            return
        self.refresh_from_store()
        if any(r.assignable_id == row.assignable_id for r in self.grid.rows):
            self.say(f"{row.label} stays: it is on your schedule this week.")
        else:
            self.say(f"Removed {row.label}.")

    def action_undo(self) -> None:
        self._travel(self.undo_steps, self.redo_steps, "undo")

    def action_redo(self) -> None:
        self._travel(self.redo_steps, self.undo_steps, "redo")

    def _travel(self, source: list[UndoStep], target: list[UndoStep], verb: str) -> None:
        """Put back the cells of the last step of ``source``; their state as it was a
        moment ago becomes a step of ``target`` (undo feeds redo and back)."""
        if not source:
            self.say(f"Nothing to {verb}.")
            return
        step = source[-1]
        now = self._snapshot([(c.assignable_id, c.day) for c in step.cells])
        try:
            self._restore(step.cells)
        except InvalidEdit as err:
            self.say(f"Cannot {verb} {step.description}: {err}", "error")
            return
        source.pop()
        target.append(UndoStep(step.description, step.week_start, now))
        self.week_start = step.week_start
        self.refresh_from_store()
        if step.cells:
            first = step.cells[0]
            self.grid.select_assignable(first.assignable_id, (first.day - self.week_start).days)
        self.say(f"{'Undone' if verb == 'undo' else 'Redone'}: {step.description}", "done")
        self.post_message(EditQueued(f"{verb} {step.description}"))

    def _restore(self, cells: list[CellSnapshot]) -> None:
        user = self.me
        edits = self.store.edits
        with self.store.database.write():
            for snap in cells:
                now = {
                    e["id"]: e for e in edits.entries_in_cell(user, snap.assignable_id, snap.day)
                }
                then = {e["id"]: e for e in snap.entries}
                for local_id in now.keys() - then.keys():
                    edits.delete_entry(local_id)
                for local_id, entry in then.items():
                    if local_id in now:
                        changes = {
                            k: entry[k] for k in ENTRY_EDITABLE if now[local_id][k] != entry[k]
                        }
                        if changes:
                            edits.update_entry(local_id, **changes)
                    else:
                        edits.create_entry(
                            user,
                            snap.assignable_id,
                            snap.day,
                            entry["hours"],
                            task=entry["task"],
                            notes=entry["notes"],
                        )

    def action_submit_week(self) -> None:
        user, week = self.me, self.week
        if user is None or week is None:
            return
        if not self.session.capabilities.approvals:
            self.say("This server does not take timesheets for approval.")
            return
        entries = [
            c for r in week.rows for c in r.cells if c.entries and c.approval not in _APPROVAL
        ]
        if not entries:
            self.say("Nothing to submit: this week has no unsubmitted time.")
            return
        from tenktui.ui.widgets.confirm import ConfirmDialog

        hours = format_hours(sum(c.hours for c in entries))
        question = f"Submit {hours} h of week {self.week_start.isocalendar().week} for approval?"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                count = self.store.edits.submit_week(user, self.week_start)
            except InvalidEdit as err:
                self.say(str(err), "error")
                return
            self.refresh_from_store()
            self.say(f"Submitted {count} entries ({hours} h) for approval.", "done")
            self.post_message(EditQueued("submit week"))

        self.app.push_screen(ConfirmDialog(question, yes="Submit", no="Not yet"), answered)

    def action_week(self, step: int) -> None:
        self._message = None
        self._step = 1 if step > 0 else -1
        self.week_start += dt.timedelta(days=7 * step)
        self.refresh_from_store()

    def action_this_week(self) -> None:
        self._message = None
        self.week_start = week_start_for(self.today, self.session.week_start)
        self.refresh_from_store()

    def action_go_to_date(self) -> None:
        from tenktui.ui.widgets.date_prompt import DatePrompt

        self.app.push_screen(DatePrompt(self.today), self.go_to)

    def go_to(self, day: dt.date | None) -> None:
        """Show ``day``'s week with the cursor on that day (``None``: stay)."""
        if day is None:
            return
        self._message = None
        self.week_start = week_start_for(day, self.session.week_start)
        self.refresh_from_store()
        self.grid.move_to(self.grid.row_index, (day - self.week_start).days)
        self.grid.focus()

    # -- the timer (issue 14) -------------------------------------------------------
    def action_timer(self) -> None:
        """T: start a timer on this row; stop it when it runs here; or move it here (the
        running one is stopped first). A forgotten timer is asked about first."""
        found = self._cell_or_say()
        if found is None:
            return
        row, _ = found
        timer = self.store.timer
        reason = timer.forgotten(self.now(), self.session.timezone)
        running = timer.running()
        if reason is None or running is None:
            self._toggle_timer(row)
            return
        stopping = running.assignable_id == row.assignable_id

        def answered(choice: str | None, said: str) -> None:
            if choice == "keep" or (choice is not None and not stopping):
                # Kept: T goes on as pressed, with all of the time counted.
                self._toggle_timer(row, said if choice != "keep" else "")
            else:
                self.say(said, "done" if choice else "")

        self.ask_about_forgotten(reason, answered)

    def _toggle_timer(self, row: Row, before: str = "") -> None:
        """Stop the timer when it runs on ``row``, else start it there (stopping the one
        running); ``before``: what was already done, said first."""
        user = self.me
        if user is None:
            return
        store, zone, rounding = self.store, self.session.timezone, self.session.rounding
        now = self.now()
        prefix = f"{before} · " if before else ""
        running = store.timer.running()
        undo = self._timer_cells(now)
        try:
            if running is not None and running.assignable_id == row.assignable_id:
                stopped = store.timer.stop(now=now, zone=zone, rounding=rounding)
                text = describe_stopped(stopped, row.label, zone)
            else:
                started = store.timer.start(
                    user, row.assignable_id, now=now, zone=zone, rounding=rounding
                )
                stopped = started.stopped
                text = f"Timer started on {row.label} at {_local(now, zone):%H:%M}: T stops it"
                if stopped is not None:
                    was = label_of(store, stopped.timer.assignable_id)
                    text = f"{describe_stopped(stopped, was, zone)} · {text}"
        except InvalidEdit as err:
            reason = str(err)
            if running is not None:
                was = label_of(store, running.assignable_id)
                reason = f"The timer on {was} keeps running: {reason}"
            self.say(f"{prefix}{reason}", "error")
            return
        self._timer_changed(f"{prefix}{text}", stopped, undo)

    def _timer_cells(self, now: dt.datetime) -> list[CellSnapshot]:
        """The cells a stop at ``now`` would add time to, as they are: what undo puts back."""
        timer = self.store.timer.running()
        if timer is None:
            return []
        days = split_by_day(timer.started_at, max(now, timer.started_at), self.session.timezone)
        return self._snapshot([(timer.assignable_id, day) for day, _ in days])

    def _timer_changed(self, text: str, stopped: Stopped | None, undo: list[CellSnapshot]) -> None:
        """After a start, stop or discard: redraw, say it, and tell the app (which reads
        the timer again for the footer, and syncs when time was queued)."""
        if stopped is not None and stopped.entry_ids:
            self._remember(UndoStep(f"the timer's {stopped.hours:g} h", self.week_start, undo))
            self.post_message(EditQueued("timer stopped"))
        else:
            self.app.post_message(StoreChanged())
        self.refresh_from_store()
        self.say(text, "done")

    def check_forgotten_timer(self) -> None:
        """When the app opens: a timer left running past its day, or over 12 h, is asked
        about at once."""
        reason = self.store.timer.forgotten(self.now(), self.session.timezone)
        if reason is not None:
            self.ask_about_forgotten(
                reason, lambda choice, said: self.say(said, "done" if choice else "")
            )

    def ask_about_forgotten(self, reason: str, then: Callable[[str | None, str], None]) -> None:
        """Keep, stop at a time, or discard the running timer; ``then(choice, said)``
        follows with what was done in words (``choice`` None: nothing decided)."""
        from tenktui.ui.widgets.forgotten_timer import ForgottenTimerDialog

        timer = self.store.timer.running()
        if timer is None:
            return
        store, zone = self.store, self.session.timezone
        label = label_of(store, timer.assignable_id)
        said: list[str] = []

        def stop_at(text: str) -> str | None:
            try:
                at = parse_stop_time(text, timer.started_at, self.today, zone)
                undo = self._timer_cells(at)
                stopped = store.timer.stop(
                    now=self.now(), zone=zone, rounding=self.session.rounding, at=at
                )
            except (BadTime, InvalidEdit) as err:
                return str(err)
            said.append(describe_stopped(stopped, label, zone))
            self._timer_changed(said[-1], stopped, undo)
            return None

        def answered(choice: str | None) -> None:
            if choice == "discard":
                store.timer.cancel()
                said.append(f"Discarded the timer on {label}: nothing logged")
                self._timer_changed(said[-1], None, [])
            elif choice == "keep":
                said.append(f"The timer on {label} runs on")
            elif choice is None:
                said.append(f"Nothing changed: the timer on {label} runs on")
            self.grid.focus()
            then(choice, " · ".join(said))

        question = (
            f"The timer on {label} looks forgotten: {reason}. Keep it running, stop it "
            "when the work ended, or discard it (nothing is logged)."
        )
        self.app.push_screen(ForgottenTimerDialog(question, stop_at), answered)


def _local(instant: dt.datetime, zone: str) -> dt.datetime:
    return instant.astimezone(zone_info(zone))
