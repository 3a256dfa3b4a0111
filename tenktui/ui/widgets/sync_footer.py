"""The footer: key hints on the left, the sync state on the right.

``online · 3 pending``, ``offline · 1 failed``, ``throttled until 14:05``… It reads
``app.sync_line`` (a reactive string the app keeps up to date from the engine's
messages), so every screen shows the same state without asking the engine.

The key hints come first: the state takes the room they leave before the palette's
key, cut with an ellipsis when it does not fit (the whole line is its tooltip).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tenktui.store.states import STUCK_STATES
from tenktui.text import clean_line

# Words of the sync line that need the person: rows stuck on a refusal or a conflict too.
PROBLEMS = ("offline", *STUCK_STATES, "throttled", "log in")


class SyncFooter(Footer):
    DEFAULT_CSS = """
    SyncFooter #footer-sync {
        width: 1fr;
        min-width: 0;
        height: 1;
        padding: 0 1;
        text-align: right;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $footer-background;
        color: $footer-foreground;
    }
    SyncFooter #footer-sync.-problem {
        color: $warning;
        text-style: bold;
    }
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.has_class("-command-palette"):
                widget.description = ""  # "^p" says it (and its tooltip): room for the rest
            yield widget
        line = self._line()
        problem = any(word in line for word in PROBLEMS)
        sync = Static(line, id="footer-sync", markup=False, classes="-problem" if problem else "")
        sync.tooltip = line
        yield sync

    def on_mount(self) -> None:
        self.watch(self.app, "sync_line", self._show, init=False)

    def _line(self) -> str:
        return clean_line(str(getattr(self.app, "sync_line", "")))

    def _show(self, line: str) -> None:
        for sync in self.query("#footer-sync").results(Static):
            line = clean_line(line)
            sync.update(line)
            sync.tooltip = line
            sync.set_class(any(word in line for word in PROBLEMS), "-problem")
