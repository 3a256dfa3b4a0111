"""The cache rows behind outbox records, read and written by name.

The record kinds (``tenktui.kinds``) and the pusher know *what* happens to a
time entry, subtask, status, assignment or approval; this module is the only
place that knows the SQL for it. Nothing here knows a backend: the server's
answers come as the typed records of :mod:`tenktui.records`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tenktui.store.database import Database
from tenktui.store.raw import record_json
from tenktui.store.validation import display_name
from tenktui.writable import SUBTASK_WRITABLE, TIME_ENTRY_WRITABLE

if TYPE_CHECKING:
    from tenktui.records import Assignment, Subtask

# A time entry's fields, most telling first (what a write may set, then whose it is).
# Every view of an entry is a prefix: what a person edits, what a conflict shows,
# what a conflict compares, and all.
TIME_ENTRY_FIELDS = (*TIME_ENTRY_WRITABLE, "user_id")
ENTRY_EDITABLE = TIME_ENTRY_FIELDS[:3]
ENTRY_SHOWN = TIME_ENTRY_FIELDS[:4]
ENTRY_COMPARED = TIME_ENTRY_FIELDS[:5]
SUBTASK_FIELDS = SUBTASK_WRITABLE

# The kinds whose local_id is a row of a cache table (the others name server ids).
RECORD_TABLES = {"time_entry": "time_entries", "subtask": "subtasks"}

Row = dict[str, Any]


def stored_raw(row: Row | None) -> dict[str, Any] | None:
    """The server copy a cache row was last pulled or landed as (its ``raw``)."""
    import json  # on first use: the Timesheet's first frame needs only the field names

    return json.loads(row["raw"]) if row and row.get("raw") else None


class Records:
    """Named reads and writes of the cache rows outbox records change."""

    def __init__(self, database: Database) -> None:
        self.d = database

    # -- reading ------------------------------------------------------------
    def entry(self, local_id: int | None) -> Row | None:
        return self.d.row("SELECT * FROM time_entries WHERE id = ?", (local_id,))

    def subtask(self, local_id: int | None) -> Row | None:
        return self.d.row("SELECT * FROM subtasks WHERE id = ?", (local_id,))

    def status(self, user_id: int | None) -> Row | None:
        return self.d.row("SELECT * FROM statuses WHERE user_id = ?", (user_id,))

    def label(self, assignable_id: Any) -> str:
        """The project, phase or leave type as the person knows it."""
        row = self.d.row(
            "SELECT id, kind, name, phase_name FROM assignables WHERE id = ?", (assignable_id,)
        )
        return display_name(row) if row else f"#{assignable_id}"

    def assignment_name(self, assignment_id: int | None) -> str | None:
        what = self.d.row(
            "SELECT s.name, s.phase_name, s.kind, a.description FROM assignments a "
            "LEFT JOIN assignables s ON s.id = a.assignable_id WHERE a.id = ?",
            (assignment_id,),
        )
        return (what and (what["description"] or what["name"])) or None

    def status_option_label(self, option_id: Any) -> str | None:
        return self.d.scalar("SELECT label FROM status_options WHERE id = ?", (option_id,))

    def entry_ids_on(self, user_id: int, assignable_id: int, date: str) -> list[int]:
        """Server ids of the cached entries on a natural key (a create's snapshot)."""
        return [
            r["server_id"]
            for r in self.d.rows(
                "SELECT server_id FROM time_entries WHERE user_id = ? AND assignable_id = ? "
                "AND date = ? AND server_id IS NOT NULL",
                (user_id, assignable_id, date),
            )
        ]

    def subtask_ids_on(self, assignment_id: int) -> list[int]:
        return [
            r["server_id"]
            for r in self.d.rows(
                "SELECT server_id FROM subtasks WHERE assignment_id = ? AND server_id IS NOT NULL",
                (assignment_id,),
            )
        ]

    def submittable(self, local_ids: list[int]) -> list[Row]:
        """Of a submission's entries, those still there and known to the server."""
        marks = ", ".join("?" * len(local_ids))
        return self.d.rows(
            f"SELECT id, server_id, updated_at FROM time_entries WHERE id IN ({marks}) "
            "AND deleted = 0 AND server_id IS NOT NULL",
            local_ids,
        )

    # -- landing the server's answer (inside the caller's transaction) -------
    def merge_orphan(self, kind: str, local_id: int | None, server_id: int) -> None:
        """A pull may already have cached our landed create as a row of its own (the
        process died before it heard the answer): fold that row into ours."""
        table = RECORD_TABLES.get(kind)
        if table is None:
            return  # a kind without a cache table of its own has no orphans
        orphan = self.d.scalar(
            f"SELECT id FROM {table} WHERE server_id = ? AND id != ?", (server_id, local_id)
        )
        if orphan is None:
            return
        self.d.conn.execute(
            "UPDATE outbox SET local_id = ? WHERE kind = ? AND local_id = ?",
            (local_id, kind, orphan),
        )
        self.d.conn.execute(f"DELETE FROM {table} WHERE id = ?", (orphan,))

    def forget_entry(self, local_id: int | None) -> None:
        self.d.conn.execute("DELETE FROM time_entries WHERE id = ?", (local_id,))

    def forget_subtask(self, local_id: int | None) -> None:
        self.d.conn.execute("DELETE FROM subtasks WHERE id = ?", (local_id,))

    def land_subtask(self, local_id: int | None, server: Subtask, *, created: bool) -> None:
        if created:
            self.d.conn.execute(
                "UPDATE subtasks SET server_id = ?, updated_at = ?, raw = ? WHERE id = ?",
                (server.id, server.updated_at, record_json(server), local_id),
            )
            return
        self.d.conn.execute(
            "UPDATE subtasks SET updated_at = ?, raw = ? WHERE id = ?",
            (server.updated_at, record_json(server), local_id),
        )

    def land_assignment(self, assignment_id: int | None, server: Assignment) -> None:
        self.d.conn.execute(
            "UPDATE assignments SET status_option_id = ?, updated_at = ?, raw = ? WHERE id = ?",
            (server.status_option_id, server.updated_at, record_json(server), assignment_id),
        )

    def land_approval(self, local_id: int, approval_id: Any, status: str) -> None:
        self.d.conn.execute(
            "UPDATE time_entries SET approval_id = ?, approval_status = ? WHERE id = ?",
            (approval_id, status, local_id),
        )

    # -- putting the server's copy back (a discarded edit) ------------------
    def restore_subtask(self, local_id: int | None) -> None:
        """The subtask as last pulled; one never created is forgotten."""
        local = self.subtask(local_id)
        if local is None:
            return
        if local["server_id"] is None:
            self.forget_subtask(local_id)
            return
        raw = stored_raw(local) or {}
        self.d.conn.execute(
            "UPDATE subtasks SET description = ?, completed = ?, deleted = 0 WHERE id = ?",
            (
                raw.get("description", local["description"]),
                1 if raw.get("completed") else 0,
                local_id,
            ),
        )

    def restore_status(self, user_id: int | None) -> None:
        raw = stored_raw(self.d.row("SELECT raw FROM statuses WHERE user_id = ?", (user_id,)))
        self.d.conn.execute(
            "UPDATE statuses SET status = ?, message = ? WHERE user_id = ?",
            (raw and raw.get("status"), raw and raw.get("message"), user_id),
        )

    def unmark_submitting(self, local_ids: list[int]) -> None:
        if local_ids:
            self.d.conn.execute(
                "UPDATE time_entries SET approval_status = NULL WHERE approval_status = "
                f"'submitting' AND id IN ({', '.join('?' * len(local_ids))})",
                local_ids,
            )

    def unlink_entry(self, local_id: int | None) -> None:
        """Deleted on the server, kept by me: the entry is no server record any more."""
        self.d.conn.execute(
            "UPDATE time_entries SET server_id = NULL, raw = NULL WHERE id = ?", (local_id,)
        )
