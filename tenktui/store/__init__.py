"""The local cache: the only data the UI and the commands ever read or write.

``Store(path)`` opens one profile's SQLite file and gives views of it:
``cache`` (what pulls write), ``queries`` (what screens read), ``edits`` (what
people change: validated, applied and queued at once), ``outbox`` (what the
sync engine replays), ``records`` (the rows outbox records change, by name, for
the record kinds of ``tenktui.kinds``), ``lookups`` (one record by id, short
lists), ``unsent`` (open outbox rows seen from the records), ``people`` (who
the person is, whose status is fresh), ``keys`` (local ids for a backend's
composite keys), ``timer`` (the profile's running timer), ``reminders``
(short days, unconfirmed time, locks ahead) and ``reports`` (hours against
schedule and capacity over a period; which periods the cache holds). Only the
store runs SQL (``tests/test_shape.py`` keeps it so).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenktui.store.database import Database

if TYPE_CHECKING:
    from tenktui.store.cache import Cache
    from tenktui.store.edits import Edits
    from tenktui.store.keys import Keys
    from tenktui.store.lookups import Lookups
    from tenktui.store.outbox import Outbox, OutboxRow
    from tenktui.store.outbox_counts import OutboxCounts
    from tenktui.store.people import People
    from tenktui.store.queries import Cell, Day, Queries, Row, WeekGrid, week_start_for
    from tenktui.store.records import Records
    from tenktui.store.reminders import Reminder, ReminderQueries, Reminders
    from tenktui.store.reports import Reports
    from tenktui.store.rounding import Rounding
    from tenktui.store.timer import NoTimer, RunningTimer, Timer
    from tenktui.store.timer_results import Started, Stopped
    from tenktui.store.unsent import Unsent
    from tenktui.store.validation import InvalidEdit, parse_hours

# The names this package gives, imported from their module on first use (PEP 562):
# a command that reads one date or prints its version does not load every view of the
# store, and the app loads what its first screen reads.
_HOMES = {
    "Cell": "queries",
    "Day": "queries",
    "InvalidEdit": "validation",
    "NoTimer": "timer",
    "OutboxCounts": "outbox_counts",
    "OutboxRow": "outbox",
    "Reminder": "reminders",
    "Reminders": "reminders",
    "Rounding": "rounding",
    "Row": "queries",
    "RunningTimer": "timer",
    "Started": "timer_results",
    "Stopped": "timer_results",
    "WeekGrid": "queries",
    "parse_hours": "validation",
    "week_start_for": "queries",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


class Store:
    """One profile's cache. Each view is made (and its module imported) when first used."""

    def __init__(self, path: str | Path, *, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.database = Database(path, today=today)

    @cached_property
    def outbox(self) -> Outbox:
        from tenktui.store.outbox import Outbox

        return Outbox(self.database)

    @cached_property
    def cache(self) -> Cache:
        from tenktui.store.cache import Cache

        return Cache(self.database)

    @cached_property
    def edits(self) -> Edits:
        from tenktui.store.edits import Edits

        return Edits(self.database, self.outbox)

    @cached_property
    def queries(self) -> Queries:
        from tenktui.store.queries import Queries

        return Queries(self.database)

    @cached_property
    def records(self) -> Records:
        from tenktui.store.records import Records

        return Records(self.database)

    @cached_property
    def lookups(self) -> Lookups:
        from tenktui.store.lookups import Lookups

        return Lookups(self.database)

    @cached_property
    def unsent(self) -> Unsent:
        from tenktui.store.unsent import Unsent

        return Unsent(self.database)

    @cached_property
    def people(self) -> People:
        from tenktui.store.people import People

        return People(self.database)

    @cached_property
    def keys(self) -> Keys:
        from tenktui.store.keys import Keys

        return Keys(self.database)

    @cached_property
    def timer(self) -> Timer:
        from tenktui.store.timer import Timer

        return Timer(self.database, lambda: self.edits)

    @cached_property
    def reminders(self) -> ReminderQueries:
        from tenktui.store.reminders import ReminderQueries

        return ReminderQueries(self.database)

    @cached_property
    def reports(self) -> Reports:
        from tenktui.store.reports import Reports

        return Reports(self.database, self.queries)

    @property
    def path(self) -> Path:
        return self.database.path

    def me_id(self) -> int | None:
        """The profile's person's user id (``None`` until a sync has resolved it)."""
        return self.people.me_id()

    def close(self) -> None:
        self.database.close()


__all__ = [
    "Cell",
    "Day",
    "InvalidEdit",
    "NoTimer",
    "OutboxCounts",
    "OutboxRow",
    "Reminder",
    "Reminders",
    "Rounding",
    "Row",
    "RunningTimer",
    "Started",
    "Stopped",
    "Store",
    "WeekGrid",
    "parse_hours",
    "week_start_for",
]
