"""The footer: key hints on the left, the sync state on the right.

``online · 3 pending``, ``offline · 1 failed``, ``throttled until 14:05``… It reads
``app.sync_line`` (a reactive string the app keeps up to date from the engine's
messages), so every screen shows the same state without asking the engine.

The key hints come first: the state takes the room they leave before the palette's
key, cut with an ellipsis when it does not fit (the whole line is its tooltip).
Below 80 columns the hints that do not fit are left out, from the right, keeping
``? Help`` (which lists every key) and a few columns of the state.

A running timer (``app.timer_shown``) shares that room with the state: the state
takes what its text needs, at most half, and the timer the rest: its time, and its
name when there is room (:class:`~tenktui.ui.widgets.timer_badge.TimerBadge`).
With no timer the badge is not displayed and the footer is as it always was.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tenktui.store.states import STUCK_STATES
from tenktui.text import clean_line
from tenktui.ui.timer import TimerShown
from tenktui.ui.widgets.timer_badge import TimerBadge

# Words of the sync line that need the person: rows stuck on a refusal or a conflict too.
PROBLEMS = ("offline", *STUCK_STATES, "throttled", "log in")
# Below this width the key hints that do not fit are left out (``?`` lists them all),
# so that help and the sync state stay on screen.
NARROW = 80
SYNC_ROOM = 10  # columns kept for the sync state ("online", "3 pending", with padding)


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
        self._composed_keys = _hints_of(self.screen) if self._bindings_ready else None
        widgets = list(super().compose())
        for widget in widgets:
            if isinstance(widget, FooterKey) and widget.has_class("-command-palette"):
                widget.description = ""  # "^p" says it (and its tooltip): room for the rest
        self._composed_width = self.app.size.width
        if self._composed_width < NARROW:
            widgets = _fitted(widgets, self._composed_width)
        yield from widgets
        timer = getattr(self.app, "timer_shown", None)
        yield TimerBadge(timer)
        line = self._line()
        problem = any(word in line for word in PROBLEMS)
        sync = Static(line, id="footer-sync", markup=False, classes="-problem" if problem else "")
        _share(sync, line, timer is not None)
        sync.tooltip = line
        yield sync

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Textual's footer composes its hints again each time its screen is shown or its
        focus moves; here only when the hints differ (issue 15: rebuilding the same ones
        was most of a screen switch once screens are kept). Compared after the refresh,
        when Textual's footer would compose: the screen may still be mounting now."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._compose_if_changed)

    async def _compose_if_changed(self) -> None:
        # A hidden screen's footer waits to be shown (its resume signals again): composed
        # off screen, its hints were laid out only then, a second frame for the switch.
        if not self.is_attached or not self.screen.is_current:
            return  # (or its screen was removed meanwhile: a checklist replaced)
        if getattr(self, "_composed_keys", None) != _hints_of(self.screen):
            await self.recompose()

    def compose_ahead(self) -> None:
        """Compose its screen's hints while the screen is not shown (the app builds and
        refreshes screens ahead), if they changed: its showing then finds them the
        same, and only draws them (composing them then was a fifth of a first
        showing). Soon, from the footer's own queue: composing binds the keys' data to
        this footer."""
        self._bindings_ready = True
        if getattr(self, "_composed_keys", None) != _hints_of(self.screen):
            self.call_later(self.recompose)

    def on_resize(self) -> None:
        width = self.app.size.width
        before = getattr(self, "_composed_width", width)
        if width != before and min(width, before) < NARROW:
            self.refresh(recompose=True)  # the hints that fit are chosen in compose

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


def _hints_of(screen: Screen[object]) -> tuple[tuple[object, ...], ...]:
    """What the footer's hints are made of: each active binding as the footer shows it."""
    hints = screen.active_bindings.items()
    return tuple((key, b.binding, b.enabled, b.tooltip) for key, b in hints)


def _hint_width(key: FooterKey) -> int:
    """The columns a key hint takes: a space, the key, a space, what it does, a space."""
    return cell_len(key.key_display) + cell_len(key.description) + 3


def _fitted(widgets: list[Widget], width: int) -> list[Widget]:
    """The key hints that fit ``width`` beside the palette's key and a few columns of the
    sync state, in their order; help (``?``, which lists the others) is always kept."""
    hints = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
    palette = sum(_hint_width(w) for w in widgets if w not in hints and isinstance(w, FooterKey))
    room = width - palette - SYNC_ROOM
    kept: set[int] = set()
    helps = [w for w in hints if w.action == "app.help"]
    for hint in [*helps, *(w for w in hints if w not in helps)]:
        if _hint_width(hint) <= room:
            kept.add(id(hint))
            room -= _hint_width(hint)
        elif hint not in helps:
            break  # the next ones stay in order: none after one that did not fit
    return [w for w in widgets if w not in hints or id(w) in kept]


def _share(sync: Static, line: str, timer: bool) -> None:
    """Beside a running timer the sync state takes no more than its text needs, and half
    of a short room at most (both are ``1fr``): the timer's time keeps its share."""
    sync.styles.max_width = cell_len(line) + 2 if timer else None
