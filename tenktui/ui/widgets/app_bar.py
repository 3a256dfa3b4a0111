"""The line at the top of every screen: the screens, clickable (the sync state is in the
footer, beside the key hints)."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

TITLES = {
    "timesheet": "Timesheet",
    "assignments": "Assignments",
    "status": "Status",
    "subtasks": "Subtasks",
    "outbox": "Outbox",
    "reports": "Reports",
}


class AppBar(Widget):
    """`` Timesheet  Assignments  Status  Subtasks  Outbox  Reports ``.

    Reads ``app.screen_names`` (the screens this backend offers); ``current`` is the
    screen it sits on. A tab's click runs ``app.tab``, which only schedules the move:
    the click's handler runs on this bar, whose screen the move may close.

    One widget that draws its line (not a container of a label): every widget on the
    first screen costs start-up its styling, layout and rendering.
    """

    DEFAULT_CSS = """
    AppBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current
        self._tabs: Content | None = None

    def render(self) -> Content:
        if self._tabs is None:
            self._tabs = self._line()
        return self._tabs

    def _line(self) -> Content:
        names = getattr(self.app, "screen_names", list(TITLES))
        parts: list[Content] = [Content(" ")]
        for name in names:
            title = TITLES.get(name, name.title())
            if name == self.current:
                parts.append(Content.styled(f" {title} ", "reverse bold"))
            else:
                parts.append(Content.from_markup(f" [@click=app.tab('{name}')]{title}[/] "))
        return Content("").join(parts)
