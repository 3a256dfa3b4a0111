"""The Leantime sandbox's state: a small SQLite schema shaped like Leantime's own tables.

Leantime's API answers rows of its tables (``zp_tickets``, ``zp_timesheets``, ...)
nearly as they are, so the emulator keeps the same columns and answers them
directly; a JSON document store (as the 10,000ft sandbox has) would only add a
translation. Dates are stored as Leantime stores them: ``YYYY-MM-DD HH:MM:SS`` in
UTC. The unique key of ``timesheets`` is Leantime's: one row per user, ticket,
work date (the exact UTC instant) and kind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tenktui.sandbox.db import SqliteFile

Row = dict[str, Any]

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    firstname TEXT NOT NULL DEFAULT '',
    lastname TEXT NOT NULL DEFAULT '',
    role INTEGER NOT NULL DEFAULT 20,
    status TEXT NOT NULL DEFAULT 'a',
    source TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL,
    hours REAL NOT NULL DEFAULT 40,
    wage REAL NOT NULL DEFAULT 0,
    jobTitle TEXT NOT NULL DEFAULT '',
    modified TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    clientId INTEGER,
    clientName TEXT,
    details TEXT NOT NULL DEFAULT '',
    state INTEGER NOT NULL DEFAULT 0,
    start TEXT,
    "end" TEXT,
    modified TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS project_users (
    projectId INTEGER NOT NULL,
    userId INTEGER NOT NULL,
    PRIMARY KEY (projectId, userId)
);
CREATE TABLE IF NOT EXISTS status_labels (
    projectId INTEGER NOT NULL,
    statusId INTEGER NOT NULL,
    name TEXT NOT NULL,
    statusType TEXT NOT NULL,
    class TEXT NOT NULL DEFAULT '',
    sortKey INTEGER NOT NULL,
    PRIMARY KEY (projectId, statusId)
);
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY,
    projectId INTEGER NOT NULL,
    headline TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT 'task',
    status INTEGER NOT NULL DEFAULT 3,
    userId INTEGER,
    editorId INTEGER,
    date TEXT NOT NULL,
    dateToFinish TEXT,
    editFrom TEXT,
    editTo TEXT,
    planHours REAL NOT NULL DEFAULT 0,
    hourRemaining REAL NOT NULL DEFAULT 0,
    dependingTicketId INTEGER,
    milestoneid INTEGER,
    priority INTEGER,
    storypoints INTEGER,
    tags TEXT NOT NULL DEFAULT '',
    sortindex INTEGER,
    modified TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_tickets_editor ON tickets (editorId);
CREATE INDEX IF NOT EXISTS ix_tickets_parent ON tickets (dependingTicketId);
CREATE TABLE IF NOT EXISTS timesheets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    userId INTEGER NOT NULL,
    ticketId INTEGER NOT NULL,
    workDate TEXT NOT NULL,
    hours REAL NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    invoicedEmpl INTEGER NOT NULL DEFAULT 0,
    invoicedComp INTEGER NOT NULL DEFAULT 0,
    invoicedEmplDate TEXT,
    invoicedCompDate TEXT,
    paid INTEGER NOT NULL DEFAULT 0,
    paidDate TEXT,
    rate REAL NOT NULL DEFAULT 0,
    modified TEXT NOT NULL,
    UNIQUE (userId, ticketId, workDate, kind)
);
CREATE INDEX IF NOT EXISTS ix_timesheets_user_date ON timesheets (userId, workDate);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class LeantimeDB(SqliteFile):
    """Leantime's tables in one SQLite file (the emulator serves one call at a time)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self.conn.execute(sql, list(params)).fetchall()]

    def row(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            got = self.conn.execute(sql, list(params)).fetchone()
        return got[0] if got else None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self.transaction():
            return self.conn.execute(sql, list(params))

    def insert(self, table: str, values: Row) -> int:
        cols = ", ".join(f'"{k}"' for k in values)
        marks = ", ".join("?" * len(values))
        cur = self.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(values.values()))
        return int(cur.lastrowid or 0)

    def update(self, table: str, id_: int, values: Row) -> None:
        if values:
            sets = ", ".join(f'"{k}" = ?' for k in values)
            self.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), id_])

    def is_empty(self) -> bool:
        return not self.scalar("SELECT COUNT(*) FROM users")
