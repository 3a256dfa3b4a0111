"""One record, or one small list, as the commands and screens show it.

The commands and screens used to write these queries themselves; here each has
a name, so a table's columns are known in the store alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenktui.store.database import Database

Record = dict[str, Any]


class Lookups:
    """Reads by id (an entry, a subtask, an assignment) and the short lists commands scan."""

    def __init__(self, database: Database) -> None:
        self.d = database

    # -- time entries -----------------------------------------------------
    def entry(
        self, local_id: int, *, user_id: int | None = None, live: bool = False
    ) -> Record | None:
        """A time entry by its local id; ``user_id`` only if it is that person's, ``live``
        only if it is not waiting for its delete to be sent."""
        sql = "SELECT * FROM time_entries WHERE id = ?"
        params: list[Any] = [local_id]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        if live:
            sql += " AND deleted = 0"
        return self.d.row(sql, params)

    def entries_between(self, user_id: int, start: dt.date, end: dt.date) -> list[Record]:
        """A person's live entries from ``start`` to ``end`` (both included), by day, then
        in the order they were made."""
        return self.d.rows(
            "SELECT * FROM time_entries WHERE user_id = ? AND date BETWEEN ? AND ? "
            "AND deleted = 0 ORDER BY date, id",
            (user_id, start.isoformat(), end.isoformat()),
        )

    def categories(self) -> list[str]:
        """The time-entry categories (tasks) the account offers, sorted."""
        return [
            r["category"]
            for r in self.d.rows("SELECT category FROM time_entry_categories ORDER BY category")
        ]

    # -- assignables ------------------------------------------------------
    def assignables(self) -> list[Record]:
        """Every project, phase and leave type, archived ones too: projects and phases by
        name, then leave types (the order in which a name is matched)."""
        return self.d.rows(
            "SELECT id, kind, name, phase_name, parent_id, project_code, archived, "
            "timeentry_lockout FROM assignables ORDER BY kind = 'leave', name, phase_name, id"
        )

    # -- assignments and subtasks -----------------------------------------
    def assignment(self, assignment_id: int) -> Record | None:
        """An assignment with the kind and names of what it is on (for its label)."""
        return self.d.row(
            "SELECT a.*, s.kind, s.name, s.phase_name FROM assignments a "
            "LEFT JOIN assignables s ON s.id = a.assignable_id WHERE a.id = ?",
            (assignment_id,),
        )

    def subtask(self, local_id: int, *, live: bool = False) -> Record | None:
        """A subtask by its local id; ``live`` only if it is not waiting for its delete."""
        sql = "SELECT * FROM subtasks WHERE id = ?"
        return self.d.row(sql + " AND deleted = 0" if live else sql, (local_id,))
