"""The Timesheet's head line: the week on the left, its state on the right.

One widget of a fixed size drawing both parts: a new week changes the lengths of
both texts, and two widgets (one sized to its text) would lay out the screen again
for it, a frame of its own after the grid's.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from tenktui.text import clean_line

STATE_GAP = 2  # columns between the title and the state


class WeekHead(Widget):
    """``title`` (bold, cut with an ellipsis) and ``state`` (muted, or coloured by the
    week's approval) on one line."""

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

    def render(self) -> Text:
        width = self.content_region.width
        state = self.state
        room = width - (len(state) + STATE_GAP if state else 0)
        title = self.title
        if len(title) > room:
            title = title[: max(0, room - 1)] + "…" if room > 0 else ""
        line = Text(no_wrap=True, overflow="crop", end="")
        line.append(title, self.get_component_rich_style("week-head--title"))
        line.append(" " * (max(room, 0) - len(title) + (STATE_GAP if state else 0)))
        if state:
            kind = {"approved": "approved", "pending": "pending", "submitting": "pending"}
            name = f"week-head--{kind.get(self.approval or '', 'state')}"
            line.append(state, self.get_component_rich_style(name))
        return line
