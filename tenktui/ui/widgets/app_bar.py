"""The line at the top of every screen: the screens (clickable) and the sync state."""

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
}


class AppBar(Horizontal):
    """``Timesheet Assignments Status Subtasks Outbox ······ online · 2 pending``.

    Reads ``app.sync_line`` (a reactive string) and ``app.screen_names`` (the screens
    this backend offers); ``current`` is the screen it sits on.
    """

    DEFAULT_CSS = """
    AppBar {
        height: 1;
        background: $panel;
        color: $foreground;
        #app-bar-tabs { width: 1fr; height: 1; }
        #app-bar-sync { width: auto; height: 1; padding: 0 1; text-align: right; }
        #app-bar-sync.-problem { color: $warning; text-style: bold; }
    }
    """

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current

    def compose(self) -> ComposeResult:
        yield Static(self._tabs(), id="app-bar-tabs", markup=False)
        yield Static("", id="app-bar-sync", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "sync_line", self._show_sync)

    def _tabs(self) -> Content:
        names = getattr(self.app, "screen_names", list(TITLES))
        parts: list[Content] = [Content(" ")]
        for name in names:
            title = TITLES.get(name, name.title())
            if name == self.current:
                parts.append(Content.styled(f" {title} ", "reverse bold"))
            else:
                parts.append(Content.from_markup(f" [@click=app.go('{name}')]{title}[/] "))
        return Content("").join(parts)

    def _show_sync(self, line: str) -> None:
        sync = self.query_one("#app-bar-sync", Static)
        sync.update(line)
        problem = any(word in line for word in ("offline", "failed", "conflict", "throttled"))
        sync.set_class(problem, "-problem")
