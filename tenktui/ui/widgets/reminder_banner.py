"""The Timesheet's top line: what ``tenktui check`` says, shown only when there is
something to act on (time about to lock, unconfirmed time, short days)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from tenktui.text import clean_line

if TYPE_CHECKING:  # the reminders are read after the first frame, and their module then
    from tenktui.store.reminders import Reminders

# The key that jumps to a reminder's day leads the line: it reads as a warning sign
# too, and survives the ellipsis that cuts the rest on a narrow screen.
MARK = "!"


class ReminderBanner(Static):
    """One line, most urgent first, cut with an ellipsis; hidden when all is well."""

    DEFAULT_CSS = """
    ReminderBanner {
        height: 1;
        padding: 0 1;
        color: $warning;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        display: none;
    }
    ReminderBanner.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__("", markup=False, id="reminder-banner")

    @property
    def lines(self) -> int:
        """The lines it takes from the screen (0 while hidden)."""
        return 1 if self.has_class("-shown") else 0

    def show(self, reminders: Reminders) -> bool:
        """Show ``reminders`` (or hide); whether the lines it takes changed."""
        from tenktui.store.reminders import summary

        line = summary(reminders)
        before = self.lines
        text = clean_line(f"{MARK} {line}") if line else ""
        if str(self.content) != text:
            self.update(text)
        self.set_class(bool(line), "-shown")
        return self.lines != before
