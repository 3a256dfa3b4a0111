"""Glances at a profile's cache file without opening it as a :class:`~tenktui.store.Store`.

Opening a Store creates the file, migrates it and waits on a writer; a shell
completion must answer at once and must not change anything, and ``login``
asks about a profile it may be about to delete. These read the file as it is,
and answer "nothing" when it cannot be read.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from tenktui.store.states import OPEN_SQL

COMPLETION_WAIT = 0.2  # seconds a completion waits on a writer before giving up


def unsent_count(path: Path) -> int:
    """How many edits in the cache at ``path`` are not yet sent (0 if it is unreadable)."""
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(f"SELECT COUNT(*) FROM outbox WHERE state IN {OPEN_SQL}").fetchone()
    except sqlite3.DatabaseError:
        return 0
    finally:
        conn.close()
    return int(found[0])


def assignable_names(path: Path) -> list[tuple[str, str | None, str | None, str | None]]:
    """``(kind, name, phase_name, project_code)`` of every live assignable, read-only and
    without waiting on a writer; nothing when the cache cannot be read."""
    try:
        uri = f"{path.as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=COMPLETION_WAIT)) as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    "SELECT kind, name, phase_name, project_code FROM assignables "
                    "WHERE COALESCE(archived, 0) = 0"
                ).fetchall()
            ]
    except (sqlite3.Error, OSError, ValueError):
        return []
