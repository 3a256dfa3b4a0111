"""The line at the top of every screen: the screens, clickable (the sync state is in the
footer, beside the key hints)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

TITLES = {
    "timesheet": "Timesheet",
    "assignments": "Assignments",
    "status": "Status",
    "subtasks": "Subtasks",
    "outbox": "Outbox",
    "reports": "Reports",
}


class AppBar(Horizontal):
    """`` Timesheet  Assignments  Status  Subtasks  Outbox  Reports ``.

    Reads ``app.screen_names`` (the screens this backend offers); ``current`` is the
    screen it sits on. A tab's click runs ``app.tab``, which only schedules the move:
    the click's handler runs on this bar, whose screen the move may close.
    """

    DEFAULT_CSS = """
    AppBar {
        height: 1;
        background: $panel;
        color: $foreground;
        #app-bar-tabs { width: 1fr; height: 1; }
    }
    """

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current

    def compose(self) -> ComposeResult:
        yield Static(self._tabs(), id="app-bar-tabs", markup=False)

    def _tabs(self) -> Content:
        names = getattr(self.app, "screen_names", list(TITLES))
        parts: list[Content] = [Content(" ")]
        for name in names:
            title = TITLES.get(name, name.title())
            if name == self.current:
                parts.append(Content.styled(f" {title} ", "reverse bold"))
            else:
                parts.append(Content.from_markup(f" [@click=app.tab('{name}')]{title}[/] "))
        return Content("").join(parts)
