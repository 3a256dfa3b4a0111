"""The local cache: the only data the UI and the commands ever read or write.

``Store(path)`` opens one profile's SQLite file and gives views of it:
``cache`` (what pulls write), ``queries`` (what screens read), ``edits`` (what
people change: validated, applied and queued at once), ``outbox`` (what the
sync engine replays), ``records`` (the rows outbox records change, by name, for
the record kinds of ``tenktui.kinds``), ``lookups`` (one record by id, short
lists), ``unsent`` (open outbox rows seen from the records), ``people`` (who
the person is, whose status is fresh), ``keys`` (local ids for a backend's
composite keys) and ``reports`` (hours against schedule and capacity over a
period; which periods the cache holds). Only the store runs SQL
(``tests/test_shape.py`` keeps it so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from tenktui.store.cache import Cache
from tenktui.store.database import Database
from tenktui.store.edits import Edits
from tenktui.store.keys import Keys
from tenktui.store.lookups import Lookups
from tenktui.store.outbox import Outbox, OutboxCounts, OutboxRow
from tenktui.store.people import People
from tenktui.store.queries import Cell, Day, Queries, Row, WeekGrid, week_start_for
from tenktui.store.records import Records
from tenktui.store.reports import Reports
from tenktui.store.unsent import Unsent
from tenktui.store.validation import InvalidEdit, parse_hours


class Store:
    """One profile's cache."""

    def __init__(self, path: str | Path, *, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.database = Database(path, today=today)
        self.outbox = Outbox(self.database)
        self.cache = Cache(self.database)
        self.edits = Edits(self.database, self.outbox)
        self.queries = Queries(self.database)
        self.records = Records(self.database)
        self.lookups = Lookups(self.database)
        self.unsent = Unsent(self.database)
        self.people = People(self.database)
        self.keys = Keys(self.database)
        self.reports = Reports(self.database, self.queries)

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
    "OutboxCounts",
    "OutboxRow",
    "Row",
    "Store",
    "WeekGrid",
    "parse_hours",
    "week_start_for",
]
