"""What has not reached the server yet, seen from the records and the commands.

A command compares the open outbox rows before and after an edit to know which
rows that edit wrote; a listing marks each record with its latest open state.
"""

from __future__ import annotations

from collections.abc import Iterable

from tenktui.store.database import Database
from tenktui.store.states import OPEN_SQL

_IN_OPEN = f"state IN {OPEN_SQL}"


class Unsent:
    """Reads over the outbox rows that are still open (pending, sending, failed, conflict)."""

    def __init__(self, database: Database) -> None:
        self.d = database

    def open_versions(self) -> dict[int, tuple[str, str]]:
        """Each open row's state and stored target, by sequence number: two snapshots
        differ exactly in the rows written (or folded into) between them."""
        return {
            r["seq"]: (r["state"], r["target"])
            for r in self.d.rows(f"SELECT seq, state, target FROM outbox WHERE {_IN_OPEN}")
        }

    def latest_states(self, kind: str, local_ids: Iterable[int] | None = None) -> dict[int, str]:
        """The state of the newest open row of each record of ``kind`` (all records, or
        those in ``local_ids``), as stored: ``sending`` is not renamed here."""
        sql = f"SELECT local_id, state FROM outbox WHERE kind = ? AND {_IN_OPEN}"
        params: list[object] = [kind]
        if local_ids is not None:
            ids = list(local_ids)
            sql += f" AND local_id IN ({', '.join('?' * len(ids))})"
            params += ids
        return {r["local_id"]: r["state"] for r in self.d.rows(sql + " ORDER BY seq", params)}
