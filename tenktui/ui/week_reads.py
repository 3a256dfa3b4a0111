"""The weeks beside the one on screen, read ahead while the person looks at it.

A week change ([ or ]) read the whole week from the store on the keystroke: at 200
rows, half of what the key cost. The Timesheet asks :class:`WeekReads` for a week
instead; once the screen has been still a moment it reads the weeks before and
after, so the next step either way is already in memory. Whatever is kept is
dropped the moment anything is written (here or by another process) or the day
changes: a kept week is never older than the store.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenktui.store import Store
    from tenktui.store.queries import WeekGrid

KEPT = 5  # the week shown, the two around it, and the two it came from


class WeekReads:
    """Weeks of the store, kept while nothing has been written since they were read."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._kept: dict[tuple[int, dt.date], WeekGrid] = {}
        self._stamp: tuple[object, ...] | None = None

    def _fresh(self) -> None:
        """Forget every kept week if the store or the day moved since they were read."""
        database = self.store.database
        stamp = (database.changes(), database.today())
        if stamp != self._stamp:
            self._kept.clear()
            self._stamp = stamp

    def week(self, user_id: int, week_start: dt.date) -> WeekGrid:
        """The week, from memory when it was read ahead and nothing changed since."""
        self._fresh()
        key = (user_id, week_start)
        week = self._kept.pop(key, None)
        if week is None:
            week = self.store.queries.week(user_id, week_start)
        self._keep(key, week)
        return week

    def read_ahead(self, user_id: int, week_start: dt.date, step: int) -> bool:
        """Read the week ``step`` weeks from ``week_start`` unless it is kept; whether
        it had to be read."""
        self._fresh()
        key = (user_id, week_start + dt.timedelta(days=7 * step))
        if key in self._kept:
            return False
        self._keep(key, self.store.queries.week(*key))
        return True

    def _keep(self, key: tuple[int, dt.date], week: WeekGrid) -> None:
        self._kept[key] = week  # the newest last
        while len(self._kept) > KEPT:
            del self._kept[next(iter(self._kept))]
