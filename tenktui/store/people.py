"""Who the profile's person is, and whose presence status is fresh."""

from __future__ import annotations

from tenktui.store.database import Database


def me_id(database: Database) -> int | None:
    """The profile's person's user id, once a sync has resolved it from their email."""
    value = database.get_meta("me")
    return int(value) if value is not None else None


class People:
    """Reads about people that are not the status board's."""

    def __init__(self, database: Database) -> None:
        self.d = database

    def me_id(self) -> int | None:
        """The profile's person's user id (``None`` before the first sync)."""
        return me_id(self.d)

    def statuses_fetched_since(self, cutoff: str) -> set[int]:
        """The people whose status was fetched at or after ``cutoff`` (a UTC timestamp)."""
        return {
            r["user_id"]
            for r in self.d.rows("SELECT user_id FROM statuses WHERE fetched_at >= ?", (cutoff,))
        }
