"""How many outbox rows wait, fail or conflict: what the footer shows before the first
sync, read without the outbox's own module (its row classes and writer), which the
first frame does not need."""

from __future__ import annotations

from typing import NamedTuple

from tenktui.store.database import Database
from tenktui.store.states import OPEN_SQL


# A named tuple: a dataclass costs about a millisecond to define at every start.
class OutboxCounts(NamedTuple):
    pending: int = 0
    failed: int = 0
    conflicts: int = 0


def open_counts(database: Database) -> OutboxCounts:
    """The outbox's rows not done yet, by what they wait for (``sending`` is pending)."""
    found = {
        r["state"]: r["n"]
        for r in database.rows(
            f"SELECT state, COUNT(*) AS n FROM outbox WHERE state IN {OPEN_SQL} GROUP BY state"
        )
    }
    return OutboxCounts(
        pending=found.get("pending", 0) + found.get("sending", 0),
        failed=found.get("failed", 0),
        conflicts=found.get("conflict", 0),
    )
