"""The week grid: one row per project, phase or leave type, a column per day.

A Line API widget: the header and the totals stay put while the rows scroll, and
a keystroke redraws one line. It holds the cursor and the text being typed into
a cell; what that text means is for the screen, which hears about it through the
messages below and answers with :meth:`WeekGridView.reopen` or a new week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tenktui.store.marks import DAY_OFF, OVER, UNDER, cell_mark, day_mark
from tenktui.store.queries import Cell, Row, WeekGrid
from tenktui.store.states import OPEN_STATES
from tenktui.text import clean_line, hours_text
from tenktui.ui import keys
from tenktui.ui.timer import TIMER_MARK
from tenktui.ui.widgets.kept_styles import KeptStyles

CELL = 7  # " 10.25↑" — a space, five characters of hours, one mark
NARROW_CELL = 6  # "10.25↑": below 67 columns the days lose their leading space
TOTAL = 8
NARROW_TOTAL = 7
MIN_LABEL = 10
WIDE_LABEL = 20  # room for "Project / leave" and short names
MAX_LABEL = 48  # wider than this, the room goes to the notes preview instead
MIN_NOTES = 16  # a notes column narrower than this shows too little to be worth it
HEADER_LINES = 2
FOOTER_LINES = 3
EDIT_CHARS = frozenset("0123456789.,:mMhH ")


format_hours = hours_text  # ``8``, ``1.5``, ``0.75``: the name the screens import


MOVES = {
    "up": (0, -1), "k": (0, -1), "down": (0, 1), "j": (0, 1),
    "left": (-1, 0), "h": (-1, 0), "right": (1, 0), "l": (1, 0),
}  # fmt: skip


# A named tuple: a dataclass costs about a millisecond to define at every start.
class Geometry(NamedTuple):
    """Column widths for one width of the grid; ``notes`` is 0 when there is no room."""

    label: int
    cell: int
    total: int
    notes: int


@dataclass
class Edit:
    """The text being typed into a cell."""

    row: int
    day: int
    text: str
    error: str | None = None


class WeekGridView(KeptStyles, ScrollView, can_focus=True):
    """The grid of one week. Rows scroll; header and totals stay."""

    BINDINGS = keys.GRID

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "week-grid--header",
        "week-grid--today",
        "week-grid--holiday",
        "week-grid--rule",
        "week-grid--label",
        "week-grid--label-cursor",
        "week-grid--empty",
        "week-grid--hours",
        "week-grid--suggestion",
        "week-grid--pending",
        "week-grid--failed",
        "week-grid--conflict",
        "week-grid--locked",
        "week-grid--cursor",
        "week-grid--cursor-blurred",
        "week-grid--editing",
        "week-grid--edit-error",
        "week-grid--total",
        "week-grid--over",
        "week-grid--under",
        "week-grid--full",
        "week-grid--capacity",
        "week-grid--hint",
    }

    DEFAULT_CSS = """
    WeekGridView {
        height: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
        overflow-x: hidden;
        background: $surface;
        & > .week-grid--header { text-style: bold; color: $text-muted; }
        & > .week-grid--today { text-style: bold underline; color: $accent; }
        & > .week-grid--holiday { color: $warning; }
        & > .week-grid--rule { color: $panel-lighten-2; }
        & > .week-grid--label { color: $foreground; }
        & > .week-grid--label-cursor { text-style: bold; color: $primary; }
        & > .week-grid--empty { color: $text-disabled; }
        & > .week-grid--hours { color: $foreground; }
        & > .week-grid--suggestion { color: $text-muted; text-style: italic dim; }
        & > .week-grid--pending { color: $primary; }
        & > .week-grid--failed { color: $error; text-style: bold; }
        & > .week-grid--conflict { color: $warning; text-style: bold; }
        & > .week-grid--locked { color: $text-disabled; }
        & > .week-grid--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
        & > .week-grid--cursor-blurred { background: $panel; text-style: bold; }
        & > .week-grid--editing { background: $boost; color: $foreground; text-style: bold underline; }
        & > .week-grid--edit-error { background: $error 40%; color: $foreground; text-style: bold; }
        & > .week-grid--total { text-style: bold; }
        & > .week-grid--over { color: $warning; text-style: bold; }
        & > .week-grid--under { color: $secondary; text-style: italic; }
        & > .week-grid--full { color: $success; text-style: bold; }
        & > .week-grid--capacity { color: $text-muted; }
        & > .week-grid--hint { color: $text-muted; text-style: italic; }
    }
    """  # noqa: E501

    # -- messages -------------------------------------------------------------
    class CellMessage(Message):
        def __init__(self, grid: WeekGridView, row: int, day: int) -> None:
            super().__init__()
            self.grid = grid
            self.row = row
            self.day = day

        @property
        def control(self) -> WeekGridView:
            return self.grid

    class Highlighted(CellMessage):
        """The cursor moved to a cell."""

    class Activated(CellMessage):
        """Enter (or a double click) on a cell that is not being edited; or hours
        ``typed`` on a cell of several entries, for the one the person picks."""

        def __init__(self, grid: WeekGridView, row: int, day: int, typed: str = "") -> None:
            super().__init__(grid, row, day)
            self.typed = typed

    class Refused(CellMessage):
        """Typing on a cell that takes no time; ``reason`` says why."""

        def __init__(self, grid: WeekGridView, row: int, day: int, reason: str) -> None:
            super().__init__(grid, row, day)
            self.reason = reason

    class EditSubmitted(CellMessage):
        """The person typed ``text`` into a cell and asked to save it.

        ``then`` is where the cursor goes once it is saved (``None``: stay).
        """

        def __init__(
            self, grid: WeekGridView, row: int, day: int, text: str, then: tuple[int, int] | None
        ) -> None:
            super().__init__(grid, row, day)
            self.text = text
            self.then = then

    class EditCancelled(CellMessage):
        """Escape while editing."""

    # -- state ----------------------------------------------------------------
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.week: WeekGrid | None = None
        self.row_index = 0
        self.day_index = 0
        self.edit: Edit | None = None
        self.today: dt.date | None = None
        self.empty_hint = "No rows this week: press a to add a project or leave type."
        self.timer_assignable: int | None = None  # the row a running timer is on, marked
        self._geometry: tuple[int, Geometry] | None = None  # (width, its columns)
        self._styled_by: tuple[object, ...] = ()  # the rules they were worked out from
        # Row index -> (the row, what its line depended on, the line): see _row.
        self._lines: dict[int, tuple[Row, tuple[object, ...], list[Segment]]] = {}

    @property
    def rows(self) -> list[Row]:
        return self.week.rows if self.week else []

    @property
    def editing(self) -> bool:
        return self.edit is not None

    @property
    def current_row(self) -> Row | None:
        rows = self.rows
        return rows[self.row_index] if 0 <= self.row_index < len(rows) else None

    @property
    def current_cell(self) -> Cell | None:
        row = self.current_row
        return row.cells[self.day_index] if row else None

    @property
    def current_day(self) -> dt.date | None:
        if self.week is None:
            return None
        return self.week.days[self.day_index].date

    def set_week(
        self, week: WeekGrid, *, today: dt.date | None = None, timer: int | None = None
    ) -> None:
        """Show ``week``, keeping the cursor on the same assignable when it is still there;
        ``timer``: the assignable whose row a running timer marks (``None``: no mark)."""
        previous = self.current_row
        before = self.week
        same_week = before is not None and before.week_start == week.week_start
        changed = self._changed_lines(before, week, today, timer)
        self.week = week
        if changed is None:
            self._geometry = None  # the longest name may have changed
            self._lines.clear()  # rows of another week (the kept lines check the row too)
        self.today = today
        self.timer_assignable = timer
        if previous is not None:
            for i, row in enumerate(week.rows):
                if row.assignable_id == previous.assignable_id:
                    self.row_index = i
                    break
        if not same_week:
            self.edit = None
        self.row_index = max(0, min(self.row_index, len(week.rows) - 1))
        lines = len(week.rows) + HEADER_LINES + FOOTER_LINES
        resized = self.virtual_size.height != lines
        self.virtual_size = Size(0, lines)
        top = self.scroll_y
        self._scroll_to_cursor()
        if changed is not None and not resized and self.scroll_y == top:
            # The same rows of the same week: redraw only the lines that differ (an
            # edit changes a cell, its row's total and the totals; the rest is sent
            # to the terminal again for nothing).
            for line, scrolls in changed:
                self._refresh_line(line, scrolls=scrolls)
            return
        # Only a change in the number of rows moves anything else on the screen.
        self.refresh(layout=resized)

    def _changed_lines(
        self, before: WeekGrid | None, after: WeekGrid, today: dt.date | None, timer: int | None
    ) -> list[tuple[int, bool]] | None:
        """The lines that differ between two versions of one week with the same rows, as
        (line, whether it scrolls: a row's); ``None`` when all may differ."""
        if (
            before is None
            or before.week_start != after.week_start
            or (today, timer) != (self.today, self.timer_assignable)
            or [r.assignable_id for r in before.rows] != [r.assignable_id for r in after.rows]
            or [r.label for r in before.rows] != [r.label for r in after.rows]
        ):
            return None
        pairs = list(zip(before.rows, after.rows, strict=True))
        # Rows not read again are the same objects (Queries.week_rows): no need to compare.
        lines = [
            (HEADER_LINES + i, True) for i, (a, b) in enumerate(pairs) if a is not b and a != b
        ]
        holidays = [(d.date, d.holiday) for d in before.days]
        if holidays != [(d.date, d.holiday) for d in after.days] or any(
            a.kind == "leave" and a is not b and a != b for a, b in pairs
        ):
            lines.append((0, False))  # the header marks days off
        totals = (before.days, before.total, before.capacity)
        if totals != (after.days, after.total, after.capacity):
            footer = HEADER_LINES + max(min(len(after.rows), self._body_height()), 1)
            lines += [(footer + 1, False), (footer + 2, False)]
        return lines

    def move_to(self, row: int, day: int) -> None:
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        day = max(0, min(day, 6))
        if (row, day) == (self.row_index, self.day_index):
            return
        if day != self.day_index and self.geometry().notes:
            self.refresh()  # the notes preview follows the cursor's day, on every row
        before = self.row_index
        self.row_index, self.day_index = row, day
        self._scroll_to_cursor()
        # The two rows and, through the screen, the line under the grid that follows the
        # cursor: the grid's redraw reaches the screen as this key's handling ends, along
        # with the Highlighted message, so both go out in one frame.
        self._refresh_row(before)
        self._refresh_row(row)
        self._announce()

    def select_assignable(self, assignable_id: int, day: int | None = None) -> bool:
        for i, row in enumerate(self.rows):
            if row.assignable_id == assignable_id:
                self.move_to(i, self.day_index if day is None else day)
                return True
        return False

    # -- editing --------------------------------------------------------------
    def start_edit(self, text: str = "") -> None:
        self.edit = Edit(self.row_index, self.day_index, text)
        self._refresh_row(self.row_index)

    def stop_edit(self) -> None:
        if self.edit is not None:
            row = self.edit.row
            self.edit = None
            self._refresh_row(row)

    def _type(self, char: str) -> None:
        assert self.edit is not None
        self.edit.text += char
        self.edit.error = None
        self._refresh_row(self.edit.row)

    def _submit(self, then: tuple[int, int] | None = None) -> None:
        """End the edit and move on at once, so keys typed meanwhile land where the
        person expects; the screen saves it and calls :meth:`reopen` if refused."""
        assert self.edit is not None
        edit = self.edit
        self.edit = None
        self._refresh_row(edit.row)
        if then is not None:
            self.move_to(*then)
        self.post_message(self.EditSubmitted(self, edit.row, edit.day, edit.text, then))

    def reopen(self, row: int, day: int, text: str, error: str) -> None:
        """A save was refused: back to that cell with the typed text, marked."""
        if not 0 <= row < len(self.rows):
            return
        if self.edit is not None:
            self.stop_edit()
        self.move_to(row, day)
        self.edit = Edit(row, day, text, error)
        self._refresh_row(row)

    async def _on_key(self, event: events.Key) -> None:
        if self.edit is not None:
            if self._editing_key(event):
                event.stop()
                event.prevent_default()
                return
        elif event.character and event.character in "0123456789.,-":
            event.stop()
            event.prevent_default()
            self._begin_typing(event.character)
            return
        elif event.key in MOVES:
            # Moves are handled here rather than by the bindings (which run a moment
            # later) so "l25" types 25 into the next cell even when keys arrive together.
            event.stop()
            event.prevent_default()
            self.action_cursor(*MOVES[event.key])
            return
        await super()._on_key(event)

    def _editing_key(self, event: events.Key) -> bool:
        """Handle a key while a cell is edited; ``False`` lets it through (arrows, F-keys)."""
        assert self.edit is not None
        key = event.key
        if key == "enter":
            self._submit()
        elif key == "tab":
            self._submit((self.edit.row, min(self.edit.day + 1, 6)))
        elif key == "escape":
            edit = self.edit
            self.stop_edit()
            self.post_message(self.EditCancelled(self, edit.row, edit.day))
        elif key == "backspace":
            self.edit.text = self.edit.text[:-1]
            self.edit.error = None
            self._refresh_row(self.edit.row)
        elif key == "ctrl+u":
            self.edit.text = ""
            self.edit.error = None
            self._refresh_row(self.edit.row)
        elif event.is_printable and event.character:
            self._type(event.character)
        else:
            return False
        return True

    def _begin_typing(self, char: str) -> None:
        cell, row = self.current_cell, self.current_row
        if cell is None or row is None:
            return
        if cell.lock:
            self.post_message(self.Refused(self, self.row_index, self.day_index, cell.lock))
        elif cell.entries and cell.approval == "approved":
            reason = "This time has been approved and can no longer be changed."
            self.post_message(self.Refused(self, self.row_index, self.day_index, reason))
        elif cell.entries > 1:
            # Which of several entries would the number be for? Let the person pick.
            self.post_message(self.Activated(self, self.row_index, self.day_index, char))
        else:
            self.start_edit(char)

    # -- actions --------------------------------------------------------------
    def action_cursor(self, dx: int, dy: int) -> None:
        target = (self.row_index + dy, max(0, min(self.day_index + dx, 6)))
        if self.edit is not None:
            row = max(0, min(target[0], len(self.rows) - 1))
            self._submit((row, target[1]))
            return
        self.move_to(*target)

    def action_cursor_day(self, day: int) -> None:
        if self.edit is None:
            self.move_to(self.row_index, day)

    def action_cursor_page(self, direction: int) -> None:
        if self.edit is None:
            self.move_to(self.row_index + direction * max(1, self._body_height()), self.day_index)

    def on_click(self, event: events.Click) -> None:
        target = self._cell_at(event.x, event.y)
        if target is None:
            return
        if self.edit is not None:
            if target != (self.edit.row, self.edit.day):
                self._submit(target)
            return
        self.move_to(*target)
        if event.chain == 2:
            self.post_message(self.Activated(self, *target))

    def _cell_at(self, x: int, y: int) -> tuple[int, int] | None:
        body = y - HEADER_LINES
        if not 0 <= body < min(len(self.rows), self._body_height()):
            return None
        row = body + round(self.scroll_y)
        geometry = self.geometry()
        day = (x - geometry.label) // geometry.cell
        if not 0 <= day <= 6:
            return None
        return row, day

    def on_focus(self) -> None:
        self._refresh_row(self.row_index)

    def on_blur(self) -> None:
        self._refresh_row(self.row_index)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self.rows), 1) + HEADER_LINES + FOOTER_LINES

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self.rows) + HEADER_LINES + FOOTER_LINES)
        self._scroll_to_cursor()

    # -- geometry -------------------------------------------------------------
    def _width(self) -> int:
        return self.scrollable_content_region.width

    def geometry(self) -> Geometry:
        """The columns for the present width: nothing may wrap, from 60 columns up.

        Narrow screens get narrower days; wide ones a name column as wide as the
        longest name (up to MAX_LABEL) and, with room to spare, a notes preview.
        """
        return self._geometry_for(self._width())

    def _geometry_for(self, width: int) -> Geometry:
        if self._geometry is not None and self._geometry[0] == width:
            return self._geometry[1]  # asked for by every line drawn: keep it cheap
        cell, total = CELL, TOTAL
        if width - 7 * CELL - TOTAL < MIN_LABEL:
            cell, total = NARROW_CELL, NARROW_TOTAL
        room = width - 7 * cell - total
        longest = max((len(self._row_label(r)) for r in self.rows), default=0) + 3
        label = max(MIN_LABEL, min(room, MAX_LABEL, max(longest, WIDE_LABEL)))
        notes = room - label
        geometry = Geometry(label, cell, total, notes if notes >= MIN_NOTES else 0)
        self._geometry = (width, geometry)
        return geometry

    def _body_height(self) -> int:
        return max(0, self.scrollable_content_region.height - HEADER_LINES - FOOTER_LINES)

    def _scroll_to_cursor(self) -> None:
        height = self._body_height()
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.row_index < top:
            self.scroll_to(y=self.row_index, animate=False, immediate=True)
        elif self.row_index >= top + height:
            self.scroll_to(y=self.row_index - height + 1, animate=False, immediate=True)

    def _refresh_row(self, row: int) -> None:
        self._refresh_line(HEADER_LINES + row, scrolls=True)

    def _refresh_line(self, line: int, *, scrolls: bool) -> None:
        """Redraw one line: a row's (``scrolls``) moves with the scroll, the header and
        the totals stay put."""
        if scrolls:
            line -= round(self.scroll_y)
            if line < HEADER_LINES:
                return
        if 0 <= line < self.size.height:
            self.refresh(Region(0, line, self.size.width, 1))

    def _announce(self) -> None:
        """Tell the screen the cursor moved. Posted to it directly, now, so that it
        redraws what follows the cursor in the same frame as the cells (bubbling
        would reach it a turn later, after a frame of its own)."""
        if self.rows:
            message = self.Highlighted(self, self.row_index, self.day_index)
            message.bubble = False
            if self.is_attached:
                self.screen.post_message(message)

    # -- drawing --------------------------------------------------------------
    def _get_component_classes(self) -> frozenset[str]:  # type: ignore[override]
        """The component classes Textual should work out styles for now: all of them
        when the rules that style them have changed since they were last worked out,
        else none (Textual keeps the styles it is not asked for).

        Textual styles each of the grid's 24 component classes (a node of its own each)
        every time it styles the grid: at mount, when it takes focus, each time its
        screen is shown: up to three times before the first frame, about 3 ms each,
        and again on every return to the Timesheet. Their rules (``& > .week-grid--…``)
        name no pseudo-class of the grid, so nothing but the rules themselves changes
        them: those filed under the component classes (and ``*``) in the stylesheet's
        rules map. A theme parses them again (new rule objects); a screen's first
        showing adds rules for its own widgets and leaves these as they were."""
        rules = self.app.stylesheet.rules_map
        now = tuple(rule for key in _COMPONENT_KEYS for rule in rules.get(key, ()))
        before = self._styled_by
        if (
            self._component_styles
            and len(now) == len(before)
            and all(a is b for a, b in zip(now, before, strict=True))
        ):
            return frozenset()
        self._styled_by = now
        return super()._get_component_classes()

    def notify_style_update(self) -> None:
        self._lines.clear()  # drawn in styles that have changed
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        # The region and the columns once a line: Textual computes the region afresh
        # on every call, and a line has up to ten cells asking for the columns.
        region = self.scrollable_content_region
        width = region.width
        base = self._base_style()
        if self.week is None:
            if y != 0:
                return Strip.blank(width, base)
            hint = Segment(f" {self.empty_hint}", self._style("week-grid--hint"))
            return Strip([hint]).adjust_cell_length(width, base)
        geometry = self._geometry_for(width)
        body = max(0, region.height - HEADER_LINES - FOOTER_LINES)
        shown = min(len(self.rows), body)
        footer = HEADER_LINES + max(shown, 1 if not self.rows else 0)
        if y == 0:
            segments = self._header(geometry)
        elif y == 1 or y == footer:
            segments = [Segment("─" * width, self._style("week-grid--rule"))]
        elif y < footer:
            if not self.rows:
                segments = [Segment(f" {self.empty_hint}", self._style("week-grid--hint"))]
            else:
                segments = self._row(y - HEADER_LINES + round(self.scroll_y), geometry)
        elif y == footer + 1:
            segments = self._totals(geometry)
        elif y == footer + 2:
            segments = self._capacity(geometry)
        else:
            segments = []
        return Strip(segments).adjust_cell_length(width, base)

    def _label(self, text: str, style: Style, geometry: Geometry) -> Segment:
        width = geometry.label
        return Segment(f" {clip(clean_line(text), width - 2)}".ljust(width), style)

    def _row_label(self, row: Row) -> str:
        """A row's name, after the timer's mark when the running timer is on it."""
        if row.assignable_id == self.timer_assignable:
            return f"{TIMER_MARK} {row.label}"
        return row.label

    def _notes(
        self, segments: list[Segment], text: str, style: Style, geometry: Geometry
    ) -> list[Segment]:
        width = geometry.notes
        if width:
            one_line = clean_line(text)
            segments.append(Segment(f" {clip(one_line, width - 2)}".ljust(width), style))
        return segments

    def days_off(self) -> list[bool]:
        """Each day: a holiday, or leave booked (or scheduled) on it."""
        assert self.week is not None
        leave = [r for r in self.rows if r.kind == "leave"]  # a few rows of the 200
        return [
            bool(day.holiday) or any(r.cells[i].hours or r.cells[i].suggestion for r in leave)
            for i, day in enumerate(self.week.days)
        ]

    def _header(self, geometry: Geometry) -> list[Segment]:
        assert self.week is not None
        header = self._style("week-grid--header")
        segments = [self._label("Project / leave", header, geometry)]
        for day, off in zip(self.week.days, self.days_off(), strict=True):
            name = f"{day.date:%a}"[: 3 if geometry.cell == CELL else 2]
            mark = DAY_OFF if off else " "
            text = f"{name} {day.date.day:>2}".rjust(geometry.cell - 1) + mark
            style = header
            if mark != " ":
                style = self._style("week-grid--holiday")
            if day.date == self.today:
                style = self._style("week-grid--today")
            segments.append(Segment(text, style))
        segments.append(Segment("Total".rjust(geometry.total - 1) + " ", header))
        when = f"{self.current_day:%a}" if self.current_day else ""
        return self._notes(segments, f"Notes ({when})", header, geometry)

    def _row(self, index: int, geometry: Geometry) -> list[Segment]:
        """A row's line, from the last frame's when nothing it shows has changed: a move
        that scrolls the grid redraws every row on screen, all but two as they were."""
        if not 0 <= index < len(self.rows):
            return []
        row = self.rows[index]
        on_row = index == self.row_index
        edit = self.edit
        key = (
            geometry,
            on_row,
            self.day_index if on_row or geometry.notes else None,
            (edit.day, edit.text, edit.error) if edit is not None and edit.row == index else None,
            on_row and self.has_focus,
            row.assignable_id == self.timer_assignable,
        )
        kept = self._lines.get(index)
        if kept is not None and kept[0] is row and kept[1] == key:
            return kept[2]
        segments = self._draw_row(index, row, on_row, geometry)
        self._lines[index] = (row, key, segments)
        return segments

    def _draw_row(self, index: int, row: Row, on_row: bool, geometry: Geometry) -> list[Segment]:
        label_style = self._style("week-grid--label-cursor" if on_row else "week-grid--label")
        segments = [self._label(self._row_label(row), label_style, geometry)]
        for day, cell in enumerate(row.cells):
            segments.append(self._cell(index, day, cell, geometry.cell))
        total = format_hours(row.total) if row.total else ""
        width = geometry.total
        segments.append(Segment(total.rjust(width - 1) + " ", self._style("week-grid--total")))
        notes = row.cells[self.day_index].notes or ""
        return self._notes(segments, notes, self._style("week-grid--hint"), geometry)

    def _cell(self, row: int, day: int, cell: Cell, width: int) -> Segment:
        edit = self.edit
        if edit is not None and (edit.row, edit.day) == (row, day):
            shown = edit.text[-(width - 2) :]
            text = (" " if width == CELL else "") + f"{shown}▏"
            text = text.ljust(width)
            return Segment(
                text, self._style("week-grid--edit-error" if edit.error else "week-grid--editing")
            )
        mark = cell_mark(cell)
        if cell.entries:
            value, name = format_hours(cell.hours), "week-grid--hours"
        elif cell.suggestion:
            value, name = f"~{format_hours(cell.suggestion)}", "week-grid--suggestion"
            # A wide cell keeps a space before its value; a narrow one has none to spare.
            if len(value) > width - (2 if width == CELL else 1):
                value = value[1:]
        else:
            value, name = "·", "week-grid--empty"
        if cell.state in OPEN_STATES:  # a cell shows "sending" as "pending"
            name = f"week-grid--{cell.state}"
        elif cell.lock:
            name = "week-grid--locked"
        text = fit(value, mark, width)
        style = self._style(name)
        if (row, day) == (self.row_index, self.day_index):
            cursor = "week-grid--cursor" if self.has_focus else "week-grid--cursor-blurred"
            style = style + self._style(cursor)
        return Segment(text, style)

    def _booked_style(self, mark: str, total: float, capacity: float) -> Style:
        if mark == OVER:
            return self._style("week-grid--over")
        if mark == UNDER:
            return self._style("week-grid--under")
        if total and total == capacity:
            return self._style("week-grid--full")
        return self._style("week-grid--total")

    def _totals(self, geometry: Geometry) -> list[Segment]:
        assert self.week is not None
        segments = [self._label("Total", self._style("week-grid--total"), geometry)]
        for day in self.week.days:
            past = self.today is not None and day.date < self.today
            mark = day_mark(day.total, day.capacity, past=past)
            value = format_hours(day.total) if day.total else "·"
            style = self._booked_style(mark, day.total, day.capacity)
            segments.append(Segment(fit(value, mark, geometry.cell), style))
        total, capacity = self.week.total, self.week.capacity
        mark = day_mark(total, capacity, past=False)
        style = self._booked_style(mark, total, capacity)
        segments.append(Segment(fit(format_hours(total), mark, geometry.total), style))
        return segments

    def _capacity(self, geometry: Geometry) -> list[Segment]:
        assert self.week is not None
        style = self._style("week-grid--capacity")
        segments = [self._label("Capacity", style, geometry)]
        for day in self.week.days:
            value = format_hours(day.capacity) if day.capacity else "·"
            segments.append(Segment(fit(value, " ", geometry.cell), style))
        week = format_hours(self.week.capacity)
        segments.append(Segment(fit(week, " ", geometry.total), style))
        return segments


def clip(text: str, room: int) -> str:
    """``text`` in at most ``room`` characters, ending in ``…`` when it was cut."""
    if len(text) <= room:
        return text
    return text[: max(0, room - 1)] + "…"


def fit(value: str, mark: str, width: int) -> str:
    """A value right-aligned in a column of ``width``, its one-character mark last."""
    return value.rjust(width - 1)[-(width - 1) :] + mark


# Where the stylesheet's rules map files the rules that can style a component class's
# node (see WeekGridView._get_component_classes).
_COMPONENT_KEYS = ("*", "DOMNode", *sorted(f".{name}" for name in WeekGridView.COMPONENT_CLASSES))
