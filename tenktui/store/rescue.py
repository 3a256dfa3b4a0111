"""When the cache file is damaged: check it, rescue its unsent edits, put them back.

A truncated or corrupted SQLite file makes every read fail ("database disk image is
malformed"). What cannot be pulled again from the server is the outbox, so
:func:`rescue` reads what it can of it (row by row: one bad page loses one edit, not
all of them) with the local records the edits point at; the caller saves that to a
file the person can read, rebuilds the cache from the server, and
:func:`put_back` queues the edits again on the new cache, each on its record there.
A create that was being sent keeps its snapshot, so the engine reconciles it
instead of sending it twice.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tenktui.store.database import Database, NewerCache
from tenktui.store.keys import LEGACY
from tenktui.store.migrations import LATEST, stored_version
from tenktui.store.records import RECORD_TABLES
from tenktui.store.states import OPEN_STATES


def check(path: Path) -> str | None:
    """``None`` when the file is sound; else what is wrong with it. A cache written by a
    newer tenktui raises :class:`NewerCache` (it must not be touched)."""
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as err:
        return str(err)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            return "; ".join(str(r) for r in result[:3])
        version = stored_version(conn)
        if version > LATEST:
            raise NewerCache(path, version)
        conn.execute("SELECT COUNT(*) FROM outbox").fetchone()
    except sqlite3.Error as err:
        return str(err)
    finally:
        conn.close()
    return None


def _open_read_only(path: Path, *, tolerant: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    if tolerant:
        # A truncated file is shorter than its header says: SQLite refuses to read any
        # of it unless the schema may be "writable", which lets it read what is there.
        conn.execute("PRAGMA writable_schema = ON")
    return conn


def rescue(path: Path) -> list[dict[str, Any]]:
    """The unsent edits that can still be read from a damaged cache, oldest first."""
    try:
        conn = _open_read_only(path, tolerant=True)
    except sqlite3.Error:
        return []
    try:
        seqs = _readable(conn, "SELECT seq FROM outbox ORDER BY seq") or []
        edits = []
        for (seq,) in seqs:
            found = _readable(conn, "SELECT * FROM outbox WHERE seq = ?", (seq,))
            if not found or found[0]["state"] not in OPEN_STATES:
                continue
            row = dict(found[0])
            for key in ("target", "base", "snapshot", "theirs"):
                row[key] = json.loads(row[key]) if row[key] else None
            row["records"] = _records(conn, row)
            edits.append(row)
        return edits
    finally:
        conn.close()


def rescue_keys(path: Path) -> dict[str, Any]:
    """The damaged cache's key map (see :mod:`.keys`), as ``Keys.restore`` takes it: the
    rescued edits hold its ids. When it cannot be read whole, the rebuilt cache is
    legacy, so ids the backend once made up itself keep their meaning."""
    legacy = True
    try:
        conn = _open_read_only(path, tolerant=True)
    except sqlite3.Error:
        return {"legacy": legacy, "keys": []}
    try:
        rows = _readable(conn, "SELECT space, key, id FROM key_ids ORDER BY space, id")
        flag = _readable(conn, "SELECT value FROM meta WHERE key = ?", (LEGACY,))
        if rows is not None and flag is not None:
            legacy = bool(flag and json.loads(flag[0][0]))
        return {"legacy": legacy, "keys": [dict(r) for r in rows or []]}
    finally:
        conn.close()


def rescue_timer(path: Path) -> dict[str, Any] | None:
    """The running timer of a damaged cache, if it can be read: it lives nowhere else
    (no server knows it), so a rebuild would otherwise lose it."""
    try:
        conn = _open_read_only(path, tolerant=True)
    except sqlite3.Error:
        return None
    try:
        rows = _readable(conn, "SELECT * FROM timer")
        return dict(rows[0]) if rows else None
    finally:
        conn.close()


def put_back_timer(database: Database, timer: dict[str, Any] | None) -> bool:
    """Start the rescued timer again on a rebuilt cache, from its own start; whether
    there was one to put back (a timer already running there is left alone)."""
    if not timer:
        return False
    names = ("user_id", "assignable_id", "task", "notes", "started_at")
    with database.write() as c:
        cur = c.execute(
            f"INSERT OR IGNORE INTO timer (slot, {', '.join(names)}) VALUES (1, ?, ?, ?, ?, ?)",
            [timer.get(n) for n in names],
        )
    return cur.rowcount == 1


def _readable(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[Any] | None:
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.Error:
        return None


def _records(conn: sqlite3.Connection, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The local rows an edit points at: its record, or the entries a submit lists."""
    if row["kind"] in RECORD_TABLES:
        ids = [row["local_id"]]
        table = RECORD_TABLES[row["kind"]]
    elif row["kind"] == "approval":
        ids = list((row["target"] or {}).get("entries", []))
        table = "time_entries"
    else:
        return []
    found = []
    for local_id in ids:
        rows = _readable(conn, f"SELECT * FROM {table} WHERE id = ?", (local_id,))
        if rows:
            found.append(dict(rows[0]))
    return found


def put_back(database: Database, edits: list[dict[str, Any]]) -> int:
    """Queue rescued edits on a rebuilt cache, in their order; how many."""
    with database.write() as c:
        local: dict[tuple[str, int], int] = {}
        for edit in edits:
            table = RECORD_TABLES.get(edit["kind"])
            target = dict(edit["target"] or {})
            local_id = edit["local_id"]
            if table is not None:
                local_id = _place(c, table, _record(edit, target))
                local[(table, edit["local_id"])] = local_id
            elif edit["kind"] == "approval":
                for record in edit["records"]:
                    key = ("time_entries", record["id"])
                    local.setdefault(key, _place(c, "time_entries", record))
                target["entries"] = [
                    local.get(("time_entries", i), i) for i in target.get("entries", [])
                ]
            c.execute(
                "INSERT INTO outbox (op, kind, local_id, server_id, target, base, snapshot, "
                "theirs, state, attempts, last_error, created_at, updated_at, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    edit["op"], edit["kind"], local_id, edit["server_id"], json.dumps(target),
                    _dump(edit["base"]), _dump(edit["snapshot"]), _dump(edit["theirs"]),
                    edit["state"], edit["attempts"], edit["last_error"], edit["created_at"],
                    edit["updated_at"], edit["sent_at"],
                ),
            )  # fmt: skip
    return len(edits)


def _record(edit: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """The local record as the edit left it: the rescued row if it could be read, else
    rebuilt from the edit's own target values."""
    record = dict(edit["records"][0]) if edit["records"] else {}
    record.update(target)
    if record.get("server_id") is None and edit["server_id"] is not None:
        record["server_id"] = edit["server_id"]
    if edit["op"] == "delete":
        record["deleted"] = 1
    return record


def _dump(value: Any) -> str | None:
    return json.dumps(value) if value is not None else None


def _place(c: sqlite3.Connection, table: str, record: dict[str, Any]) -> int | None:
    """The rebuilt cache's row for a rescued record: the pulled copy of the same server
    record, overwritten with the local values, or a new row (``None`` when the record
    is too incomplete to be one: the edit is still queued)."""
    columns = {r[1] for r in c.execute(f"PRAGMA table_info({table})")}
    values = {k: v for k, v in record.items() if k in columns and k != "id"}
    existing = None
    if record.get("server_id") is not None:
        existing = c.execute(
            f"SELECT id FROM {table} WHERE server_id = ?", (record["server_id"],)
        ).fetchone()
    if existing is not None:
        sets = ", ".join(f"{k} = ?" for k in values)
        c.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), existing[0]])
        return int(existing[0])
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    try:
        cur = c.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))
    except sqlite3.IntegrityError:
        return None
    return int(cur.lastrowid or 0)
