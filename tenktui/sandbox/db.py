"""The sandbox's persistent state: one SQLite file of JSON documents.

Every resource kind lives in its own table of identical shape: the whole object
the API returns is kept as JSON in ``data``, and the few fields the emulator
filters or sorts on are copied into indexed columns when a document is written.
That keeps the emulator honest (what is stored is exactly what is served) while
a year of time entries for 500 people stays quick to query.

Ids come from one account-wide sequence, so an ``assignable_id`` never needs a
type to be resolved: projects, phases and leave types can never collide.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

# Every table has the same columns; a document's field of the same name fills each.
INDEXED_COLUMNS = (
    "user_id",
    "assignable_id",
    "parent_id",
    "assignment_id",
    "approvable_id",
    "date",
    "starts_at",
    "ends_at",
    "created_at",
    "updated_at",
)

KINDS = (
    "users",
    "placeholders",
    "projects",  # projects and their phases (phases have a parent_id)
    "leave_types",
    "assignments",
    "subtasks",
    "time_entries",
    "approvals",
    "statuses",
    "availabilities",
    "holidays",
    "roles",
    "disciplines",
    "locations",
    "time_entry_categories",
    "status_options",
    "tags",
    "user_tags",  # links: user_id, parent_id = tag id
    "project_tags",  # links: assignable_id = project id, parent_id = tag id
    "custom_fields",
    "custom_field_values",
    "bill_rates",
)

_INDEXES = {
    "time_entries": [("user_id", "date"), ("assignable_id", "date"), ("date",), ("updated_at",)],
    "assignments": [("user_id",), ("assignable_id",)],
    "subtasks": [("assignment_id",)],
    "statuses": [("user_id",)],
    "availabilities": [("user_id",)],
    "approvals": [("approvable_id",)],
    "projects": [("parent_id",)],
    "user_tags": [("user_id",)],
    "project_tags": [("assignable_id",)],
    "custom_field_values": [("user_id",), ("assignable_id",)],
}


def _index_name(kind: str, index: tuple[str, ...]) -> str:
    return f"ix_{kind}_{'_'.join(index)}"


class SqliteFile:
    """A thread-safe handle on an emulator's SQLite file.

    One connection guarded by a lock: an emulator serves one request at a time,
    which is all a faithful single-account emulator needs. Every schema has a
    ``settings`` table of JSON values.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block atomically; nested use joins the outer transaction."""
        with self._lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def close(self) -> None:
        with self._lock:
            self.conn.close()


class SandboxDB(SqliteFile):
    """The 10,000ft sandbox's documents, one table per resource kind."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self._create_schema()
        # Where the next page of a listing starts, and counts, while nothing is written.
        self._memo_version: tuple[int, int] | None = None
        self._resume: dict[tuple[Any, ...], int] = {}
        self._counts: dict[tuple[Any, ...], int] = {}

    # -- schema ---------------------------------------------------------
    def _create_schema(self) -> None:
        cols = ", ".join(
            f"{c} {'TEXT' if self._is_text(c) else 'INTEGER'}" for c in INDEXED_COLUMNS
        )
        with self.transaction():
            for kind in KINDS:
                self.conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {kind} "
                    f"(id INTEGER PRIMARY KEY, {cols}, data TEXT NOT NULL)"
                )
                for index in _INDEXES.get(kind, []):
                    self.conn.execute(
                        f"CREATE INDEX IF NOT EXISTS {_index_name(kind, index)} "
                        f"ON {kind} ({', '.join(index)})"
                    )
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Fill the tables in one transaction, the indexes built once at the end: the
        large data set's 480,000 rows inserted into four indexes each, in the order
        they are generated, spent half the seed's time on index pages (44 s to 19 s)."""
        with self.transaction():
            for kind, found in _INDEXES.items():
                for index in found:
                    self.conn.execute(f"DROP INDEX IF EXISTS {_index_name(kind, index)}")
            yield
            self._create_schema()  # the indexes again (tables and settings are there)

    @staticmethod
    def _is_text(column: str) -> bool:
        return column in {"date", "starts_at", "ends_at", "created_at", "updated_at"}

    # -- ids ----------------------------------------------------------
    def next_id(self) -> int:
        """Take the next id from the account-wide sequence."""
        with self.transaction():
            value = int(self.get_setting("next_id", 1))
            self.set_setting("next_id", value + 1)
        return value

    def reserve_ids(self, count: int) -> int:
        """Reserve ``count`` consecutive ids and return the first (bulk seeding)."""
        with self.transaction():
            first = int(self.get_setting("next_id", 1))
            self.set_setting("next_id", first + count)
        return first

    # -- documents ------------------------------------------------------
    def put(self, kind: str, doc: Doc) -> Doc:
        """Insert or replace a document; it must carry its ``id``."""
        self.put_many(kind, [doc])
        return doc

    def put_many(self, kind: str, docs: Iterable[Doc]) -> None:
        _check_kind(kind)
        placeholders = ", ".join("?" * (len(INDEXED_COLUMNS) + 2))
        sql = (
            f"INSERT OR REPLACE INTO {kind} (id, {', '.join(INDEXED_COLUMNS)}, data) "
            f"VALUES ({placeholders})"
        )
        rows = (
            (
                doc["id"],
                *(doc.get(c) for c in INDEXED_COLUMNS),
                json.dumps(doc, separators=(",", ":")),
            )
            for doc in docs
        )
        with self.transaction():
            self.conn.executemany(sql, rows)

    def get(self, kind: str, id_: int) -> Doc | None:
        _check_kind(kind)
        with self._lock:
            row = self.conn.execute(f"SELECT data FROM {kind} WHERE id = ?", (id_,)).fetchone()
        return json.loads(row[0]) if row else None

    def delete(self, kind: str, id_: int) -> bool:
        _check_kind(kind)
        with self.transaction():
            cur = self.conn.execute(f"DELETE FROM {kind} WHERE id = ?", (id_,))
        return cur.rowcount > 0

    def query(
        self,
        kind: str,
        where: str = "1=1",
        params: Sequence[Any] = (),
        order: str = "id",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Doc]:
        """Documents of ``kind`` matching a SQL condition over the indexed columns.

        A page in id order that follows one just read (nothing written between) starts
        after that page's last id instead of counting ``offset`` rows again: walking
        400,000 entries a thousand at a time no longer costs the square of the walk."""
        _check_kind(kind)
        args = list(params)
        with self._lock:
            key = (kind, where, tuple(args), order)
            memo = self._memo() if limit is not None and order in _ID_ORDERS else None
            after = memo.get((*key, offset)) if memo is not None and offset else None
            if after is not None:
                sql = (
                    f"SELECT id, data FROM {kind} WHERE ({where}) AND id {_ID_ORDERS[order]} ? "
                    f"ORDER BY {order} LIMIT ?"
                )
                args += [after, limit]
            else:
                sql = f"SELECT id, data FROM {kind} WHERE {where} ORDER BY {order}"
                if limit is not None:
                    sql += " LIMIT ? OFFSET ?"
                    args += [limit, offset]
            rows = self.conn.execute(sql, args).fetchall()
            if memo is not None:
                # The next page starts after the last row, or (read with one row of
                # lookahead) after the one before it.
                for back in (1, 2):
                    if len(rows) >= back:
                        memo[(*key, offset + len(rows) - back + 1)] = rows[-back][0]
        return [json.loads(r[1]) for r in rows]

    def count(self, kind: str, where: str = "1=1", params: Sequence[Any] = ()) -> int:
        _check_kind(kind)
        with self._lock:
            key = (kind, where, tuple(params))
            memo = self._memo(counts=True)
            if memo is not None and key in memo:
                return memo[key]
            found = int(
                self.conn.execute(
                    f"SELECT COUNT(*) FROM {kind} WHERE {where}", list(params)
                ).fetchone()[0]
            )
            if memo is not None:
                memo[key] = found
            return found

    def _memo(self, counts: bool = False) -> dict[tuple[Any, ...], int] | None:
        """What reads remember while the file is unchanged: through this connection
        (``total_changes``) or another (``data_version``). None inside a transaction:
        a write there may yet be rolled back, leaving the first unmoved."""
        if self.conn.in_transaction:
            return None
        version = (
            self.conn.total_changes,
            self.conn.execute("PRAGMA data_version").fetchone()[0],
        )
        if version != self._memo_version or len(self._resume) > _MEMO_SIZE:
            self._memo_version = version
            self._resume.clear()
            self._counts.clear()
        return self._counts if counts else self._resume

    def is_empty(self) -> bool:
        return self.count("users") == 0


# Listing orders a page can resume in: the comparison that finds the rows after one.
_ID_ORDERS = {"id": ">", "id ASC": ">", "id DESC": "<"}
_MEMO_SIZE = 256


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown sandbox kind {kind!r}")
