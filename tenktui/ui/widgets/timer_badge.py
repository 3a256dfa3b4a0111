"""The running timer in the footer: ``⏱ Internal Tools 1:25``, in the room left.

It sits between the key hints and the sync state and takes what room they leave
(``width: 1fr``); it draws itself for the width it gets, cutting the name first
(:func:`tenktui.ui.timer.fit`), so the time shows wherever a few columns are free.
Not displayed at all while no timer runs.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from tenktui.ui.timer import TimerShown, fit


class TimerBadge(Widget):
    DEFAULT_CSS = """
    TimerBadge {
        display: none;
        width: 1fr;
        min-width: 0;
        height: 1;
        padding-left: 1;
        text-align: right;
        text-wrap: nowrap;
        background: $footer-background;
        color: $footer-foreground;
        text-style: bold;
    }
    TimerBadge.-running {
        display: block;
    }
    """

    def __init__(self, timer: TimerShown | None = None) -> None:
        super().__init__(id="footer-timer")
        self.show(timer)

    def show(self, timer: TimerShown | None) -> None:
        """Draw ``timer`` (``None``: no timer runs, hide)."""
        self.timer = timer
        self.set_class(timer is not None, "-running")
        self.tooltip = f"{timer.label} {timer.elapsed}" if timer else None
        if self.is_attached:
            self.refresh()

    def render(self) -> Content:
        if self.timer is None:
            return Content("")
        return Content(fit(self.timer, self.content_region.width))
