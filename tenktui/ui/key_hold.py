"""Keys typed while a picker closes wait until what was picked has been acted on.

The app hands each key to the focused widget's queue as soon as the terminal
delivers it, without waiting for the key before to be handled. Typed quickly after
Enter in a picker, "2" reached the picker's input (still focused while it closes),
or the grid before the picked row was on it. So Enter or Escape sent to a screen
that ``holds_keys_on_close`` holds the keys that follow; the screen releases them
once its result has been handled (or at once when it stays open), and the app
handles them then, in the order typed. A hold lasts at most :data:`HOLD_LIMIT`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import events
from textual.timer import Timer

HOLD_LIMIT = 0.5  # seconds: should a release never come, the keys go on anyway
CLOSING_KEYS = frozenset({"enter", "escape"})


def closes(screen: object, event: events.Key) -> bool:
    """Whether ``event`` may close ``screen``, a screen whose closing holds keys."""
    return event.key in CLOSING_KEYS and getattr(screen, "holds_keys_on_close", False)


class KeyHold:
    """The keys held, in order (``None``: none are held)."""

    def __init__(self) -> None:
        self.held: list[events.Key] | None = None
        self._limit: Timer | None = None

    def start(
        self,
        set_timer: Callable[[float, Callable[[], Awaitable[None]]], Timer],
        release: Callable[[], Awaitable[None]],
    ) -> None:
        """Hold the keys that come next (a hold already on goes on)."""
        if self.held is None:
            self.held = []
            self._limit = set_timer(HOLD_LIMIT, release)

    def keep(self, event: events.Key) -> bool:
        """Hold ``event`` if keys are held; whether it was."""
        if self.held is None:
            return False
        self.held.append(events.Key(event.key, event.character))
        return True

    def take(self) -> list[events.Key]:
        """End the hold: the keys held, to be handled now."""
        held, self.held = self.held or [], None
        if self._limit is not None:
            self._limit.stop()
            self._limit = None
        return held
