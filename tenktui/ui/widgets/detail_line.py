"""The two lines under the grid: what the cursor is on, or what a key just did.

Every move rewrites them, and every save says so in green (an error in bold red).
As a Static whose CSS classes told the three apart, each such change restyled the
widget (Textual applies the stylesheet to it again) and wrapped its text afresh:
about a third of what Enter cost before its frame. Here the kind picks one of three
component styles, kept until the styles change (:mod:`~tenktui.ui.widgets.
kept_styles`), and the text is wrapped once per text and width, as Textual wraps a
Static's (``Content.wrap``).
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from tenktui.text import clean
from tenktui.ui.widgets.kept_styles import KeptStyles

KINDS = ("", "error", "done")  # as TimesheetScreen.say takes them


class DetailLine(KeptStyles, Widget):
    """``text`` wrapped to the widget's two lines, in the style of its ``kind``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail-line--text",
        "detail-line--error",
        "detail-line--done",
    }

    DEFAULT_CSS = """
    DetailLine {
        height: 2;
        padding: 0 1;
        & > .detail-line--text { color: $text-muted; }
        & > .detail-line--error { color: $error; text-style: bold; }
        & > .detail-line--done { color: $success; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.kind = ""
        self._wrapped: tuple[str, int, list[str]] | None = None  # (text, width, lines)

    def show(self, text: str, kind: str = "") -> bool:
        """Show ``text`` (control codes dropped) as ``kind`` (one of :data:`KINDS`);
        whether anything shown changed (an unchanged line is not drawn again)."""
        if kind not in KINDS:
            raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")
        text = clean(text)
        if (text, kind) == (self.text, self.kind):
            return False
        self.text, self.kind = text, kind
        self.refresh()
        return True

    def lines(self, width: int) -> list[str]:
        """The text wrapped to ``width`` columns, every line of it (two are shown)."""
        wrapped = self._wrapped
        if wrapped is None or wrapped[:2] != (self.text, width):
            lines = [line.plain for line in Content(self.text).wrap(width)] if self.text else []
            wrapped = self._wrapped = (self.text, width, lines)
        return wrapped[2]

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        lines = self.lines(width)
        base = self._base_style()
        if y >= len(lines):
            return Strip.blank(width, base)
        style = self._style(f"detail-line--{self.kind or 'text'}")
        return Strip([Segment(lines[y], style)]).adjust_cell_length(width, base)
