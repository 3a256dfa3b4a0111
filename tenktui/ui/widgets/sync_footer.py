"""The footer: key hints on the left, the sync state on the right.

``online · 3 pending``, ``offline · 1 failed``, ``throttled until 14:05``… It reads
``app.sync_line`` (a reactive string the app keeps up to date from the engine's
messages), so every screen shows the same state without asking the engine.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Static

from tenktui.text import clean_line

PROBLEMS = ("offline", "failed", "conflict", "throttled", "log in")


class SyncFooter(Footer):
    DEFAULT_CSS = """
    SyncFooter #footer-sync {
        dock: right;
        width: auto;
        height: 1;
        padding: 0 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    SyncFooter #footer-sync.-problem {
        color: $warning;
        text-style: bold;
    }
    """

    def compose(self) -> ComposeResult:
        yield from super().compose()
        line = self._line()
        problem = any(word in line for word in PROBLEMS)
        yield Static(line, id="footer-sync", markup=False, classes="-problem" if problem else "")

    def on_mount(self) -> None:
        self.watch(self.app, "sync_line", self._show, init=False)

    def _line(self) -> str:
        return clean_line(str(getattr(self.app, "sync_line", "")))

    def _show(self, line: str) -> None:
        for sync in self.query("#footer-sync").results(Static):
            sync.update(clean_line(line))
            sync.set_class(any(word in line for word in PROBLEMS), "-problem")
