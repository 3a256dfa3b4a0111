"""The footer: key hints on the left, the sync state on the right.

``online · 3 pending``, ``offline · 1 failed``, ``throttled until 14:05``… It reads
``app.sync_line`` (a reactive string the app keeps up to date from the engine's
messages), so every screen shows the same state without asking the engine.

The key hints come first: the state takes the room they leave before the palette's
key, cut with an ellipsis when it does not fit (the whole line is its tooltip).

A running timer (``app.timer_shown``) shares that room with the state: the state
takes what its text needs, at most half, and the timer the rest: its time, and its
name when there is room (:class:`~tenktui.ui.widgets.timer_badge.TimerBadge`).
With no timer the badge is not displayed and the footer is as it always was.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tenktui.store.states import STUCK_STATES
from tenktui.text import clean_line
from tenktui.ui.timer import TimerShown
from tenktui.ui.widgets.timer_badge import TimerBadge

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
        timer = getattr(self.app, "timer_shown", None)
        yield TimerBadge(timer)
        line = self._line()
        problem = any(word in line for word in PROBLEMS)
        sync = Static(line, id="footer-sync", markup=False, classes="-problem" if problem else "")
        _share(sync, line, timer is not None)
        sync.tooltip = line
        yield sync

    def on_mount(self) -> None:
        self.watch(self.app, "sync_line", self._show, init=False)
        if hasattr(self.app, "timer_shown"):
            self.watch(self.app, "timer_shown", self._show_timer, init=False)

    def _line(self) -> str:
        return clean_line(str(getattr(self.app, "sync_line", "")))

    def _show(self, line: str) -> None:
        for sync in self.query("#footer-sync").results(Static):
            line = clean_line(line)
            sync.update(line)
            sync.tooltip = line
            sync.set_class(any(word in line for word in PROBLEMS), "-problem")
            _share(sync, line, getattr(self.app, "timer_shown", None) is not None)

    def _show_timer(self, timer: TimerShown | None) -> None:
        for badge in self.query(TimerBadge).results(TimerBadge):
            badge.show(timer)
        for sync in self.query("#footer-sync").results(Static):
            _share(sync, self._line(), timer is not None)


def _share(sync: Static, line: str, timer: bool) -> None:
    """Beside a running timer the sync state takes no more than its text needs, and half
    of a short room at most (both are ``1fr``): the timer's time keeps its share."""
    sync.styles.max_width = cell_len(line) + 2 if timer else None
