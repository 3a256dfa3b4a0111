"""Opening a profile's cache: one SQLite file, private, in WAL mode, migrated."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tenktui.store.migrations import LATEST, migrate, stored_version

BUSY_TIMEOUT_MS = 5000
log = logging.getLogger("tenktui.store")


class CacheError(Exception):
    """The cache cannot be used as it is; ``str()`` says why and what to do."""


class NewerCache(CacheError):
    """The file was written by a newer tenktui: opening (and migrating) it could break it."""

    def __init__(self, path: Path, version: int) -> None:
        super().__init__(
            f"The cache {path} was written by a newer tenktui (schema {version}; this one "
            f"knows up to {LATEST}): upgrade tenktui. The file was not changed."
        )


def describe_sqlite_error(err: sqlite3.Error, path: Path | None = None) -> str | None:
    """A person's words for what SQLite says about the cache file, or ``None``."""
    text = str(err).lower()
    where = f" ({path})" if path else ""
    if "full" in text:
        return (
            f"disk full: the cache{where} could not be written, so this change was not "
            "saved; what was saved before is intact. Free some space and try again."
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (
            f"The cache{where} is damaged ({err}). Run tenktui doctor: it saves the unsent "
            "edits, rebuilds the cache from the server and puts them back."
        )
    if "readonly" in text or "read-only" in text:
        return f"The cache{where} is read-only: nothing can be saved to it ({err})."
    return None


def _create_private(path: Path) -> None:
    """Create the file with mode 0600 before SQLite opens it (its -wal/-shm copy the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _read_only(path: Path) -> bool:
    """An existing cache whose directory or file we may not write."""
    if not path.exists():
        return False
    return not (os.access(path.parent, os.W_OK) and os.access(path, os.W_OK))


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Database:
    """A connection to one profile's cache.

    Writes go through :meth:`write`, a ``BEGIN IMMEDIATE`` transaction, so two
    processes on one profile queue for the write lock instead of failing
    half-way; ``busy_timeout`` makes them wait rather than error.
    """

    def __init__(self, path: str | Path, *, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.path = Path(path)
        self.today = today
        self._db: Any = None
        # A cache in a directory we cannot write to (a read-only mount, a backup being
        # looked at) is still read, read-only: writes fail with a message instead.
        self.read_only = str(path) != ":memory:" and _read_only(self.path)
        if self.read_only:
            # WAL needs its -shm file beside the cache, which cannot be made here; nothing
            # else can write the file either, so SQLite may read it as it stands.
            self.conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                uri=True,
                isolation_level=None,
            )
            self.conn.row_factory = sqlite3.Row
            version = stored_version(self.conn)
            if version > LATEST:
                self.conn.close()
                raise NewerCache(self.path, version)
            log.warning("the cache %s is read-only: reading only", self.path)
            return
        if str(path) != ":memory:":
            _create_private(self.path)
        self.conn = sqlite3.connect(
            str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = stored_version(self.conn)
        if version > LATEST:
            self.conn.close()
            raise NewerCache(self.path, version)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        migrate(self.conn)

    @property
    def db(self) -> Any:
        """The connection as a ``sqlite_utils.Database`` (imported on first use: it is
        not needed to draw the cached week)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # -- transactions -----------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; nested calls join the outer transaction."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk): a second
            # ROLLBACK would fail and hide the reason.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            # In WAL mode a full disk shows at COMMIT, which leaves the transaction open.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # -- reading ----------------------------------------------------------
    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def row(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        found = self.conn.execute(sql, params).fetchone()
        return dict(found) if found else None

    def scalar(self, sql: str, params: Any = ()) -> Any:
        found = self.conn.execute(sql, params).fetchone()
        return found[0] if found else None

    def shrink_memory(self) -> None:
        """Free what this connection's page cache holds (SQLite reads the pages
        again, from the OS's file cache, when next needed)."""
        self.conn.execute("PRAGMA shrink_memory")

    def data_version(self) -> int:
        """Changes when another connection commits: how a UI notices other processes."""
        return int(self.scalar("PRAGMA data_version"))

    def changes(self) -> tuple[int, int]:
        """Moves whenever anything is written, here or by another connection: what a
        reader compares to know it need not read again."""
        return self.data_version(), self.conn.total_changes

    # -- meta -------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        if value is None:
            return default
        if value.isascii() and value.isdigit():
            return int(value)  # an id, as JSON writes it: all the first frame reads
        import json  # on first use: some 3 ms of imports the first frame need not wait for

        return json.loads(value)

    def set_meta(self, key: str, value: Any) -> None:
        if self.read_only and self.get_meta(key) == value:
            return  # nothing to write, and a read-only cache cannot take the write
        import json

        with self.write():
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def close(self) -> None:
        self.conn.close()
