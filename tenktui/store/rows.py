"""Rows a person adds to a week by hand (``week_rows``): local only, never synced.

A week shows a row for every assignable with time, a suggestion or an assignment;
these are the extra rows someone picked to log time on something else.
"""

from __future__ import annotations

import datetime as dt

from tenktui.store.database import Database


class WeekRows:
    """Hand-added rows of a person's weeks."""

    def __init__(self, database: Database) -> None:
        self.d = database

    def added(self, user_id: int, week_start: dt.date) -> set[int]:
        return {
            r["assignable_id"]
            for r in self.d.rows(
                "SELECT assignable_id FROM week_rows WHERE user_id = ? AND week_start = ?",
                (user_id, week_start.isoformat()),
            )
        }

    def add(self, user_id: int, week_start: dt.date, assignable_ids: list[int]) -> int:
        """Add rows (ignoring ones already added); how many are new."""
        with self.d.write() as c:
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO week_rows (user_id, week_start, assignable_id) "
                "VALUES (?, ?, ?)",
                [(user_id, week_start.isoformat(), a) for a in assignable_ids],
            )
            return c.total_changes - before

    def remove(self, user_id: int, week_start: dt.date, assignable_id: int) -> bool:
        """Forget a hand-added row; ``False`` when it was not one."""
        with self.d.write() as c:
            cursor = c.execute(
                "DELETE FROM week_rows WHERE user_id = ? AND week_start = ? AND assignable_id = ?",
                (user_id, week_start.isoformat(), assignable_id),
            )
            return cursor.rowcount > 0
