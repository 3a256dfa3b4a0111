"""Writing what a pull brought into the cache, without trampling local edits.

Pulls arrive as typed records (:mod:`tenktui.records`); each is written into
columns from its fields. Time entries, subtasks and statuses keep ``raw``, the
document the record was made from: it is the server copy that resolving a
conflict or discarding an edit goes back to (as an outbox row's ``theirs`` is the
copy a push compares with the edit's base). Assignments keep it because the push
writes a status change's answer there whole; status options for the status
menu's test, which reads a backend's own status id from it. No query reads
``raw``. A record with an unfinished outbox row is never overwritten: the pulled
copy is recorded on that row as ``theirs``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from tenktui.records import (
    Assignable,
    Assignment,
    Availability,
    Holiday,
    LeaveType,
    Project,
    Status,
    StatusOption,
    Subtask,
    TimeEntry,
    TimeEntryCategory,
    User,
)
from tenktui.store.database import Database, utc_now
from tenktui.store.raw import Payload, record_json
from tenktui.store.raw import raw_json as raw_json  # where it was before store.raw
from tenktui.store.states import FOLDABLE_STATES, OPEN_SQL, sql_states

AnyAssignable = Project | LeaveType | Assignable
Reference = StatusOption | Holiday | Availability | TimeEntryCategory


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _lockout(assignable: AnyAssignable, is_leave: bool) -> int:
    value = getattr(assignable, "timeentry_lockout", None)
    return -1 if is_leave or value is None else int(value)


def _flag(value: Any) -> int:
    return 1 if value else 0


def _cell_suggestions(user_id: int, suggested: Iterable[TimeEntry]) -> list[tuple[Any, ...]]:
    """One row per cell: the server makes a suggestion per assignment, so two
    assignments on one assignable and day give two, and the cell suggests their sum
    (kept under the lowest suggestion id)."""
    cells: dict[tuple[int, int, str], list[Any]] = {}
    for s in suggested:
        key = (s.user_id or user_id, s.assignable_id, _iso(s.date))
        hours = float(s.scheduled_hours or 0)
        found = cells.get(key)
        if found is None:
            cells[key] = [hours, s.id]
        else:
            found[0] += hours
            ids = [i for i in (found[1], s.id) if i is not None]
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
    def upsert_users(self, users: Iterable[User]) -> int:
        rows = [
            {
                "id": u.id,
                "email": u.email,
                "first_name": u.first_name or "",
                "last_name": u.last_name or "",
                "display_name": u.display_name
                or f"{u.first_name or ''} {u.last_name or ''}".strip()
                or u.title
                or "",
                "role": u.role,
                "discipline": u.discipline,
                "location": u.location,
                "archived": _flag(u.archived or u.deleted_at),
                "is_placeholder": _flag(u.type == "PlaceholderResource"),
                "license_type": u.license_type,
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
        self, statuses: Iterable[tuple[int, Status | None]], fetched_at: str
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
                        status and status.status,
                        status and status.message,
                        status and status.updated_at,
                        fetched_at,
                        record_json(status) if status else None,
                    ),
                )

    # -- assignables ------------------------------------------------------
    def upsert_assignables(self, items: Iterable[AnyAssignable], *, leave: bool = False) -> int:
        """Projects, phases and leave types. ``leave``: these came from the list of
        leave types, whose records may carry no ``type``."""
        rows = []
        for a in items:
            is_leave = leave or isinstance(a, LeaveType) or a.type == "LeaveType"
            # A leave type has no parent, code, client, state or lockout of its own.
            parent_id = getattr(a, "parent_id", None)
            rows.append(
                {
                    "id": a.id,
                    "kind": "leave" if is_leave else ("phase" if parent_id else "project"),
                    "name": a.name or "",
                    "phase_name": getattr(a, "phase_name", None),
                    "parent_id": parent_id,
                    "project_code": getattr(a, "project_code", None),
                    "client": getattr(a, "client", None),
                    "project_state": getattr(a, "project_state", None),
                    "timeentry_lockout": _lockout(a, is_leave),
                    "archived": _flag(getattr(a, "archived", None) or a.deleted_at),
                    "starts_at": _iso(getattr(a, "starts_at", None)),
                    "ends_at": _iso(getattr(a, "ends_at", None)),
                    "updated_at": a.updated_at,
                }
            )
        return self._upsert("assignables", rows)

    # -- assignments ------------------------------------------------------
    def replace_assignments(
        self, user_id: int, start: dt.date, end: dt.date, items: Iterable[Assignment]
    ) -> int:
        """The user's assignments overlapping [start, end], replacing what was cached there."""
        rows = [
            (
                a.id,
                a.user_id or user_id,
                a.assignable_id,
                _iso(a.starts_at),
                _iso(a.ends_at),
                a.allocation_mode or "percent",
                a.percent,
                a.hours_per_day,
                a.fixed_hours,
                a.status_option_id,
                a.description,
                a.note,
                a.updated_at,
                a.scope,
                a.subtask_counts and a.subtask_counts.total,
                a.subtask_counts and a.subtask_counts.completed,
                record_json(a),
            )
            for a in items
        ]
        # A list that carries no checklist counts (a person's own, on some servers) keeps
        # those the project lists brought last: they are refreshed on their own clock.
        counted = {
            r["id"]: (r["counted_subtasks"], r["counted_done"])
            for r in self.d.rows(
                "SELECT id, counted_subtasks, counted_done FROM assignments "
                "WHERE user_id = ? AND counted_subtasks IS NOT NULL",
                (user_id,),
            )
        }
        rows = [
            (*r[:14], *counted[r[0]], r[16]) if r[14] is None and r[0] in counted else r
            for r in rows
        ]
        with self.d.write() as c:
            c.execute(
                "DELETE FROM assignments WHERE user_id = ? AND ends_at >= ? AND starts_at <= ?",
                (user_id, start.isoformat(), end.isoformat()),
            )
            c.executemany(
                "INSERT OR REPLACE INTO assignments (id, user_id, assignable_id, starts_at, "
                "ends_at, allocation_mode, percent, hours_per_day, fixed_hours, "
                "status_option_id, description, note, updated_at, scope, counted_subtasks, "
                "counted_done, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        self, user_id: int, start: dt.date, end: dt.date, entries: Iterable[TimeEntry]
    ) -> dict[str, int]:
        """A full refresh of the user's time in [start, end]: confirmed and suggested.

        Notices deletions made on the server. Records with unfinished edits keep
        the local values; the pulled copy becomes the outbox row's ``theirs``.
        """
        confirmed: dict[int, TimeEntry] = {}
        suggested: list[TimeEntry] = []
        for e in entries:
            if e.is_suggestion:
                suggested.append(e)
            else:
                confirmed[e.id] = e
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
                    self._note_theirs("time_entry", row["id"], e.raw)
                else:
                    # Rewritten even when unchanged: nested approvals move without updated_at.
                    self._update_entry(row["id"], e)
                    counts["updated"] += row["updated_at"] != e.updated_at
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

    def _entry_values(self, e: TimeEntry) -> tuple[Any, ...]:
        latest = e.approval
        return (
            e.user_id,
            e.assignable_id,
            _iso(e.date),
            float(e.hours or 0),
            e.task,
            e.notes,
            e.updated_at,
            e.created_at,
            latest and latest.id,
            latest and latest.status,
            e.bill_rate,
            record_json(e),
        )

    def _insert_entry(self, e: TimeEntry) -> None:
        self.d.conn.execute(
            "INSERT INTO time_entries (server_id, user_id, assignable_id, date, hours, task, "
            "notes, updated_at, created_at, approval_id, approval_status, bill_rate, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.id, *self._entry_values(e)),
        )

    def _update_entry(self, local_id: int, e: TimeEntry) -> None:
        self.d.conn.execute(
            "UPDATE time_entries SET user_id = ?, assignable_id = ?, date = ?, hours = ?, "
            "task = ?, notes = ?, updated_at = ?, created_at = ?, approval_id = ?, "
            "approval_status = ?, bill_rate = ?, raw = ?, deleted = 0 WHERE id = ?",
            (*self._entry_values(e), local_id),
        )

    def store_server_entry(self, local_id: int, entry: TimeEntry) -> None:
        """The server's answer to our own write: the local row becomes that copy."""
        with self.d.write():
            self.d.conn.execute(
                "UPDATE time_entries SET server_id = ? WHERE id = ?", (entry.id, local_id)
            )
            self._update_entry(local_id, entry)

    # -- subtasks ---------------------------------------------------------
    def replace_subtasks(
        self, assignment_id: int, project_id: int, items: Iterable[Subtask]
    ) -> None:
        """An assignment's checklist as the server holds it, remembered as fetched."""
        pulled = {s.id: s for s in items}
        fetched = self.d.get_meta("subtasks_fetched", {})
        fetched[str(assignment_id)] = utc_now()
        self.d.set_meta("subtasks_fetched", fetched)
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
                    s.description or "",
                    _flag(s.completed),
                    s.updated_at,
                    record_json(s),
                )
                if row is None:
                    c.execute(
                        "INSERT INTO subtasks (server_id, assignment_id, project_id, "
                        "description, completed, updated_at, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (server_id, *values),
                    )
                elif self._unfinished("subtask", row["id"]):
                    self._note_theirs("subtask", row["id"], s.raw)
                else:
                    c.execute(
                        "UPDATE subtasks SET assignment_id = ?, project_id = ?, description = ?, "
                        "completed = ?, updated_at = ?, raw = ?, deleted = 0 WHERE id = ?",
                        (*values, row["id"]),
                    )

    # -- reference data ---------------------------------------------------
    def replace_reference(self, table: str, items: Iterable[Reference]) -> int:
        """Status options, holidays, availabilities, categories: replaced whole."""
        rows = [_reference_row(item) for item in items]
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

    # -- what a pull asks before it pulls ----------------------------------
    def assignable_ids(self) -> set[int]:
        """Every cached project, phase and leave type."""
        return {r["id"] for r in self.d.rows("SELECT id FROM assignables")}

    def assignables_in_use(self, user_id: int) -> set[int]:
        """What the person's time, suggestions and assignments point at."""
        return {
            r["assignable_id"]
            for r in self.d.rows(
                "SELECT assignable_id FROM time_entries WHERE user_id = ? UNION "
                "SELECT assignable_id FROM suggestions WHERE user_id = ? UNION "
                "SELECT assignable_id FROM assignments WHERE user_id = ?",
                (user_id, user_id, user_id),
            )
        }

    def projects_of(self, user_id: int) -> set[int]:
        """The projects (a phase counts as its project) the person is assigned to,
        leave aside."""
        return {
            r["project_id"]
            for r in self.d.rows(
                "SELECT COALESCE(s.parent_id, s.id) AS project_id FROM assignments a "
                "JOIN assignables s ON s.id = a.assignable_id "
                "WHERE a.user_id = ? AND s.kind != 'leave'",
                (user_id,),
            )
        }

    def project_of_assignment(self, assignment_id: int) -> int | None:
        """The assignable a (non-leave) assignment's subtasks are kept and pushed under."""
        return self.d.scalar(
            "SELECT a.assignable_id FROM assignments a "
            "JOIN assignables s ON s.id = a.assignable_id "
            "WHERE a.id = ? AND s.kind != 'leave'",
            (assignment_id,),
        )

    def subtasks_fetched(self) -> set[int]:
        """The assignments whose checklist has been fetched (or is known to be empty)."""
        return {int(k) for k in self.d.get_meta("subtasks_fetched", {})}

    def note_subtask_counts(self, assignment_id: int, total: int, done: int) -> None:
        """The server's counts of a checklist, shown until (and unless) it is fetched."""
        with self.d.write() as c:
            c.execute(
                "UPDATE assignments SET counted_subtasks = ?, counted_done = ? WHERE id = ?",
                (total, done, assignment_id),
            )

    def subtask_counts(self, assignment_id: int) -> tuple[int, int]:
        """The cached checklist's (total, done), to compare with the server's counts."""
        row = self.d.row(
            "SELECT COUNT(*) AS total, COALESCE(SUM(completed), 0) AS done FROM subtasks "
            "WHERE assignment_id = ? AND deleted = 0",
            (assignment_id,),
        )
        return (row["total"], row["done"]) if row else (0, 0)

    def people_ids(self) -> set[int]:
        """Every cached user who is a person, not a placeholder."""
        return {r["id"] for r in self.d.rows("SELECT id FROM users WHERE is_placeholder = 0")}

    def statuses_fetched_at(self, user_ids: Iterable[int]) -> dict[int, str]:
        """When each of these people's status was last fetched (``""``: never)."""
        ids = list(user_ids)
        marks = ", ".join("?" * len(ids))
        return {
            r["user_id"]: r["fetched_at"] or ""
            for r in self.d.rows(
                f"SELECT user_id, fetched_at FROM statuses WHERE user_id IN ({marks})", ids
            )
        }

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


def _reference_row(item: Reference) -> dict[str, Any]:
    """The columns of a reference table for one record."""
    if isinstance(item, StatusOption):
        return {
            "id": item.id,
            "label": item.label or "",
            "color": item.color,
            "stage": item.stage,
            "sort_order": item.order,
            "deleted": _flag(item.deleted or item.deleted_at),
            "scope": item.scope,
            "raw": record_json(item),
        }
    if isinstance(item, Holiday):
        return {"id": item.id, "date": _iso(item.date), "name": item.name}
    if isinstance(item, Availability):
        return {
            "id": item.id,
            "user_id": item.user_id,
            "starts_at": _iso(item.starts_at),
            "ends_at": _iso(item.ends_at),
            **{f"day{i}": getattr(item, f"day{i}") for i in range(7)},
        }
    return {"id": item.id, "category": item.category or ""}
