"""Garbage collection between keystrokes, not during them.

Drawing a frame allocates thousands of objects, so Python's collector ran in the
middle of keystrokes: a young pass of 1-5 ms now and then, an older one of 10-20 ms,
enough to push a key past its frame. When the app has the process to itself it
freezes what start-up left (``gc.freeze``: never walked again), turns automatic
collection off, and collects on a timer instead, once no key has come for a moment.
A person typing without a pause for minutes still gets a collection once the young
objects pile up past :data:`BACKLOG`, so memory stays bounded.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_SECONDS = 0.5  # no key for this long: the person is not typing
CHECK_SECONDS = 1.0  # how often the app asks (its timer)
FULL_EVERY = 60  # every 60th collection walks every generation (start-up's stay frozen)
BACKLOG = 200_000  # young objects: collected past this, typing or not


class IdleCollector:
    """Collects when the person is not typing; started only in a process of the app's own."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_key = clock()
        self.collections = 0
        self.active = False

    def start(self) -> None:
        """Freeze what is alive and take collection over from the interpreter."""
        gc.freeze()
        gc.disable()
        self.active = True

    def key(self) -> None:
        """A key came: no collection for a moment."""
        self.last_key = self.clock()

    @property
    def typing(self) -> bool:
        """A key came less than :data:`IDLE_SECONDS` ago."""
        return self.clock() - self.last_key < IDLE_SECONDS

    def tick(self) -> bool:
        """Collect if the person is not typing (or too much waits); whether it did."""
        if not self.active:
            return False
        if self.typing and gc.get_count()[0] < BACKLOG:
            return False
        self.collections += 1
        gc.collect(2 if self.collections % FULL_EVERY == 0 else 1)
        return True
