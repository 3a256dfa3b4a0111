"""The status board: who is on it, the people a person pins, and the board's filter.

Pins are the person's own choice on this machine: they live in the cache's
``pins`` table and are never sent to the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tenktui.store.database import Database
from tenktui.store.validation import STATUS_CODES

FILTER_FIELDS = ("name", "role", "discipline", "location", "status")
_COLUMNS = {
    "name": "display_name",
    "role": "role",
    "discipline": "discipline",
    "location": "location",
    "status": "status",
}


def everyone(database: Database) -> list[dict[str, Any]]:
    """Every active person of the account, with the status board's columns."""
    return database.rows(
        "SELECT u.id, u.display_name, u.role, u.discipline, u.location, s.status, s.message, "
        "s.updated_at, s.fetched_at, (u.id IN (SELECT user_id FROM pins)) AS pinned "
        "FROM users u LEFT JOIN statuses s ON s.user_id = u.id "
        "WHERE u.archived = 0 AND u.is_placeholder = 0 ORDER BY u.display_name"
    )


def toggle_pin(database: Database, user_id: int) -> bool:
    """Pin or unpin a person; ``True`` when they are now pinned."""
    with database.write() as c:
        if c.execute("DELETE FROM pins WHERE user_id = ?", (user_id,)).rowcount:
            return False
        c.execute("INSERT INTO pins (user_id) VALUES (?)", (user_id,))
        return True


def matches(person: Mapping[str, Any], query: str) -> bool:
    """Whether a board row fits a filter typed by a person.

    Every word must match. ``field:value`` looks in one field (name, role,
    discipline, location, status); a status code such as ``wfh`` matches the
    status; any other word matches part of the name, role, discipline or location.
    """
    for word in query.lower().split():
        field, sep, value = word.partition(":")
        if sep and field in _COLUMNS:
            if value and value not in str(person.get(_COLUMNS[field]) or "").lower():
                return False
            continue
        if word.upper() in STATUS_CODES:
            if str(person.get("status") or "").upper() != word.upper():
                return False
            continue
        text = " ".join(
            str(person.get(k) or "") for k in ("display_name", "role", "discipline", "location")
        ).lower()
        if word not in text:
            return False
    return True
