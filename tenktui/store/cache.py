"""Writing what a pull brought into the cache, without trampling local edits.

Payloads arrive as the server's JSON objects (dicts); each is reduced to typed
columns here and kept whole in ``raw``. A record with an unfinished outbox row
is never overwritten: the pulled copy is recorded on that row as ``theirs``,
where the push compares it with the edit's base to detect a conflict.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from tenktui.store.database import Database
from tenktui.store.states import FOLDABLE_STATES, OPEN_SQL, sql_states

Payload = dict[str, Any]


def raw_json(payload: Payload) -> str:
    """A payload as the cache keeps it in ``raw``: compact, keys sorted."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def _lockout(assignable: Payload, is_leave: bool) -> int:
    value = assignable.get("timeentry_lockout")
    return -1 if is_leave or value is None else int(value)


def _flag(value: Any) -> int:
    return 1 if value else 0


def _cell_suggestions(user_id: int, suggested: Iterable[Payload]) -> list[tuple[Any, ...]]:
    """One row per cell: the server makes a suggestion per assignment, so two
    assignments on one assignable and day give two, and the cell suggests their sum
    (kept under the lowest suggestion id)."""
    cells: dict[tuple[int, int, str], list[Any]] = {}
    for s in suggested:
        key = (s.get("user_id", user_id), s["assignable_id"], s["date"])
        hours = float(s.get("scheduled_hours") or 0)
        found = cells.get(key)
        if found is None:
            cells[key] = [hours, s.get("id")]
        else:
            found[0] += hours
            ids = [i for i in (found[1], s.get("id")) if i is not None]
            found[1] = min(ids, default=None)
    return [
        (user, assignable, date, round(hours, 2), server_id)
        for (user, assignable, date), (hours, server_id) in cells.items()
    ]


class Cache:
    """The pull side of the store."""

    def __init__(self, database: Database) -> None:
        self.d = database

    # -- people -----------------------------------------------------------
    def upsert_users(self, users: Iterable[Payload]) -> int:
        rows = [
            {
                "id": u["id"],
                "email": u.get("email"),
                "first_name": u.get("first_name") or "",
                "last_name": u.get("last_name") or "",
                "display_name": u.get("display_name")
                or f"{u.get('first_name') or ''} {u.get('last_name') or ''}".strip()
                or u.get("title")
                or "",
                "role": u.get("role"),
                "discipline": u.get("discipline"),
                "location": u.get("location"),
                "archived": _flag(u.get("archived") or u.get("deleted_at")),
                "is_placeholder": _flag(u.get("type") == "PlaceholderResource"),
                "license_type": u.get("license_type"),
                "raw": raw_json(u),
            }
            for u in users
        ]
        return self._upsert("users", rows)

    def _upsert(self, table: str, rows: list[dict[str, Any]]) -> int:
        """Insert or update rows by id through sqlite-utils, inside one write."""
        with self.d.write():
            if rows:
                self.d.db[table].upsert_all(rows, pk="id", alter=False)
        return len(rows)

    def upsert_statuses(
        self, statuses: Iterable[tuple[int, Payload | None]], fetched_at: str
    ) -> None:
        """The current status of each user (``None``: the person has never set one)."""
        with self.d.write() as c:
            for user_id, status in statuses:
                if self._unfinished("status", user_id):
                    continue
                c.execute(
                    "INSERT OR REPLACE INTO statuses "
                    "(user_id, status, message, updated_at, fetched_at, raw) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        user_id,
                        status and status.get("status"),
                        status and status.get("message"),
                        status and status.get("updated_at"),
                        fetched_at,
                        raw_json(status) if status else None,
                    ),
                )

    # -- assignables ------------------------------------------------------
    def upsert_assignables(self, items: Iterable[Payload], *, leave: bool = False) -> int:
        """Projects, phases and leave types. ``leave``: these came from ``/leave_types``,
        whose records may carry no ``type`` (the reference's sample has none)."""
        rows = []
        for a in items:
            is_leave = leave or a.get("type") == "LeaveType"
            rows.append(
                {
                    "id": a["id"],
                    "kind": "leave" if is_leave else ("phase" if a.get("parent_id") else "project"),
                    "name": a.get("name") or "",
                    "phase_name": a.get("phase_name"),
                    "parent_id": a.get("parent_id"),
                    "project_code": a.get("project_code"),
                    "client": a.get("client"),
                    "project_state": a.get("project_state"),
                    "timeentry_lockout": _lockout(a, is_leave),
                    "archived": _flag(a.get("archived") or a.get("deleted_at")),
                    "starts_at": a.get("starts_at"),
                    "ends_at": a.get("ends_at"),
                    "updated_at": a.get("updated_at"),
                    "raw": raw_json(a),
                }
            )
        return self._upsert("assignables", rows)

    # -- assignments ------------------------------------------------------
    def replace_assignments(
        self, user_id: int, start: dt.date, end: dt.date, items: Iterable[Payload]
    ) -> int:
        """The user's assignments overlapping [start, end], replacing what was cached there."""
        rows = [
            (
                a["id"],
                a.get("user_id", user_id),
                a["assignable_id"],
                a["starts_at"],
                a["ends_at"],
                a.get("allocation_mode") or "percent",
                a.get("percent"),
                a.get("hours_per_day"),
                a.get("fixed_hours"),
                a.get("status_option_id"),
                a.get("description"),
                a.get("note"),
                a.get("updated_at"),
                raw_json(a),
            )
            for a in items
        ]
        with self.d.write() as c:
            c.execute(
                "DELETE FROM assignments WHERE user_id = ? AND ends_at >= ? AND starts_at <= ?",
                (user_id, start.isoformat(), end.isoformat()),
            )
            c.executemany(
                "INSERT OR REPLACE INTO assignments (id, user_id, assignable_id, starts_at, "
                "ends_at, allocation_mode, percent, hours_per_day, fixed_hours, "
                "status_option_id, description, note, updated_at, raw) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            # A status change not yet sent stays on screen over the pulled copy.
            for r in self.d.rows(
                "SELECT local_id, target FROM outbox WHERE kind = 'assignment' "
                f"AND state IN {OPEN_SQL} ORDER BY seq"
            ):
                c.execute(
                    "UPDATE assignments SET status_option_id = ? WHERE id = ?",
                    (json.loads(r["target"])["status_option_id"], r["local_id"]),
                )
        return len(rows)

    # -- time -------------------------------------------------------------
    def replace_time_window(
        self, user_id: int, start: dt.date, end: dt.date, entries: Iterable[Payload]
    ) -> dict[str, int]:
        """A full refresh of the user's time in [start, end]: confirmed and suggested.

        Notices deletions made on the server. Records with unfinished edits keep
        the local values; the pulled copy becomes the outbox row's ``theirs``.
        """
        confirmed: dict[int, Payload] = {}
        suggested: list[Payload] = []
        for e in entries:
            if e.get("is_suggestion"):
                suggested.append(e)
            else:
                confirmed[e["id"]] = e
        counts = {"added": 0, "updated": 0, "removed": 0}
        lo, hi = start.isoformat(), end.isoformat()
        with self.d.write() as c:
            local = {
                r["server_id"]: r
                for r in self.d.rows(
                    "SELECT id, server_id, updated_at FROM time_entries "
                    "WHERE user_id = ? AND date BETWEEN ? AND ? AND server_id IS NOT NULL",
                    (user_id, lo, hi),
                )
            }
            for server_id, row in local.items():
                if server_id in confirmed:
                    continue
                if self._unfinished("time_entry", row["id"]):
                    self._note_theirs("time_entry", row["id"], None)
                else:
                    c.execute("DELETE FROM time_entries WHERE id = ?", (row["id"],))
                    counts["removed"] += 1
            for server_id, e in confirmed.items():
                row = local.get(server_id) or self.d.row(
                    "SELECT id, server_id, updated_at FROM time_entries WHERE server_id = ?",
                    (server_id,),
                )
                if row is None:
                    self._insert_entry(e)
                    counts["added"] += 1
                elif self._unfinished("time_entry", row["id"]):
                    self._note_theirs("time_entry", row["id"], e)
                else:
                    # Rewritten even when unchanged: nested approvals move without updated_at.
                    self._update_entry(row["id"], e)
                    counts["updated"] += row["updated_at"] != e.get("updated_at")
            c.execute(
                "DELETE FROM suggestions WHERE user_id = ? AND date BETWEEN ? AND ?",
                (user_id, lo, hi),
            )
            c.executemany(
                "INSERT INTO suggestions "
                "(user_id, assignable_id, date, scheduled_hours, server_id) "
                "VALUES (?, ?, ?, ?, ?)",
                _cell_suggestions(user_id, suggested),
            )
        return counts

    def _entry_values(self, e: Payload) -> tuple[Any, ...]:
        approvals = (e.get("approvals") or {}).get("data") or []
        latest = max(approvals, key=lambda a: (a.get("updated_at") or "", a["id"]), default=None)
        return (
            e["user_id"],
            e["assignable_id"],
            e["date"],
            float(e.get("hours") or 0),
            e.get("task"),
            e.get("notes"),
            e.get("updated_at"),
            e.get("created_at"),
            latest and latest["id"],
            latest and latest.get("status"),
            raw_json(e),
        )

    def _insert_entry(self, e: Payload) -> None:
        self.d.conn.execute(
            "INSERT INTO time_entries (server_id, user_id, assignable_id, date, hours, task, "
            "notes, updated_at, created_at, approval_id, approval_status, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e["id"], *self._entry_values(e)),
        )

    def _update_entry(self, local_id: int, e: Payload) -> None:
        self.d.conn.execute(
            "UPDATE time_entries SET user_id = ?, assignable_id = ?, date = ?, hours = ?, "
            "task = ?, notes = ?, updated_at = ?, created_at = ?, approval_id = ?, "
            "approval_status = ?, raw = ?, deleted = 0 WHERE id = ?",
            (*self._entry_values(e), local_id),
        )

    def store_server_entry(self, local_id: int, e: Payload) -> None:
        """The server's answer to our own write: the local row becomes that copy."""
        with self.d.write():
            self.d.conn.execute(
                "UPDATE time_entries SET server_id = ? WHERE id = ?", (e["id"], local_id)
            )
            self._update_entry(local_id, e)

    # -- subtasks ---------------------------------------------------------
    def replace_subtasks(
        self, assignment_id: int, project_id: int, items: Iterable[Payload]
    ) -> None:
        pulled = {s["id"]: s for s in items}
        with self.d.write() as c:
            for row in self.d.rows(
                "SELECT id, server_id FROM subtasks WHERE assignment_id = ? "
                "AND server_id IS NOT NULL",
                (assignment_id,),
            ):
                if row["server_id"] not in pulled and not self._unfinished("subtask", row["id"]):
                    c.execute("DELETE FROM subtasks WHERE id = ?", (row["id"],))
            for server_id, s in pulled.items():
                row = self.d.row("SELECT id FROM subtasks WHERE server_id = ?", (server_id,))
                values = (
                    assignment_id,
                    project_id,
                    s.get("description") or "",
                    _flag(s.get("completed")),
                    s.get("updated_at"),
                    raw_json(s),
                )
                if row is None:
                    c.execute(
                        "INSERT INTO subtasks (server_id, assignment_id, project_id, "
                        "description, completed, updated_at, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (server_id, *values),
                    )
                elif self._unfinished("subtask", row["id"]):
                    self._note_theirs("subtask", row["id"], s)
                else:
                    c.execute(
                        "UPDATE subtasks SET assignment_id = ?, project_id = ?, description = ?, "
                        "completed = ?, updated_at = ?, raw = ?, deleted = 0 WHERE id = ?",
                        (*values, row["id"]),
                    )

    # -- reference data ---------------------------------------------------
    def replace_reference(self, table: str, items: Iterable[Payload]) -> int:
        """Status options, holidays, availabilities, categories: replaced whole."""
        converters = {
            "status_options": lambda o: {
                "id": o["id"],
                "label": o.get("label") or "",
                "color": o.get("color"),
                "stage": o.get("stage"),
                "sort_order": o.get("order"),
                "deleted": _flag(o.get("deleted") or o.get("deleted_at")),
                "raw": raw_json(o),
            },
            "holidays": lambda h: {
                "id": h["id"],
                "date": h["date"],
                "name": h.get("name"),
                "raw": raw_json(h),
            },
            "availabilities": lambda a: {
                "id": a["id"],
                "user_id": a["user_id"],
                "starts_at": a.get("starts_at"),
                "ends_at": a.get("ends_at"),
                **{f"day{i}": a.get(f"day{i}") for i in range(7)},
                "raw": raw_json(a),
            },
            "time_entry_categories": lambda t: {"id": t["id"], "category": t.get("category") or ""},
        }
        rows = [converters[table](item) for item in items]
        with self.d.write() as c:
            c.execute(f"DELETE FROM {table}")
            if rows:
                cols = list(rows[0])
                marks = ", ".join("?" * len(cols))
                c.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",
                    [tuple(r[k] for k in cols) for r in rows],
                )
        return len(rows)

    # -- outbox bookkeeping -----------------------------------------------
    def _unfinished(self, kind: str, local_id: int) -> bool:
        return (
            self.d.scalar(
                f"SELECT 1 FROM outbox WHERE kind = ? AND local_id = ? "
                f"AND state IN {OPEN_SQL} LIMIT 1",
                (kind, local_id),
            )
            is not None
        )

    def _note_theirs(self, kind: str, local_id: int, payload: Payload | None) -> None:
        """Keep the latest server copy on the record's unfinished rows (``null``: deleted)."""
        self.d.conn.execute(
            "UPDATE outbox SET theirs = ? WHERE kind = ? AND local_id = ? "
            f"AND state IN {sql_states(FOLDABLE_STATES)}",
            (json.dumps(payload if payload is not None else {"deleted": True}), kind, local_id),
        )
