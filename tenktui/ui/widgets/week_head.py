"""The Timesheet's head line: the week on the left, its state on the right.

One widget of a fixed size drawing both parts: a new week changes the lengths of
both texts, and two widgets (one sized to its text) would lay out the screen again
for it, a frame of its own after the grid's.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from tenktui.text import clean_line
from tenktui.ui.widgets.kept_styles import KeptStyles

STATE_GAP = 2  # columns between the title and the state


class WeekHead(KeptStyles, Widget):
    """``title`` (bold, cut with an ellipsis) and ``state`` (muted, or coloured by the
    week's approval) on one line, drawn as segments in kept styles: it changes with
    every week, and a Rich text took it a millisecond of each week change."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "week-head--title",
        "week-head--state",
        "week-head--approved",
        "week-head--pending",
    }

    DEFAULT_CSS = """
    WeekHead {
        height: 1;
        padding: 0 1;
        background: $boost;
        & > .week-head--title { text-style: bold; }
        & > .week-head--state { color: $text-muted; }
        & > .week-head--approved { color: $success; }
        & > .week-head--pending { color: $accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = ""
        self.state = ""
        self.approval: str | None = None

    def show(self, title: str, state: str, approval: str | None) -> bool:
        """Redraw only when something shown changed (typing must stay instant); whether
        it did."""
        shown = (clean_line(title), clean_line(state), approval)
        if shown == (self.title, self.state, self.approval):
            return False
        self.title, self.state, self.approval = shown
        self.refresh()
        return True

    def line(self, width: int) -> list[Segment]:
        """The line in ``width`` columns: the title, cut to leave the state whole."""
        state = self.state
        room = width - (cell_len(state) + STATE_GAP if state else 0)
        title = self.title
        if cell_len(title) > room:
            title = set_cell_size(title, room - 1) + "…" if room > 0 else ""
        segments = [Segment(title, self._style("week-head--title"))]
        if state:
            gap = max(room, 0) - cell_len(title) + STATE_GAP
            kind = {"approved": "approved", "pending": "pending", "submitting": "pending"}
            name = f"week-head--{kind.get(self.approval or '', 'state')}"
            segments += [Segment(" " * gap, self._base_style()), Segment(state, self._style(name))]
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        segments = self.line(width) if y == 0 else []
        return Strip(segments).adjust_cell_length(width, self._base_style())
