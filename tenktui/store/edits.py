"""Edits a person makes: validated, applied to the cache, queued, in one transaction.

The UI and the headless commands call these and nothing else to change data;
the sync engine later replays the queued rows. Every method raises
:class:`InvalidEdit` with a readable message before anything is written when
the edit cannot be accepted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tenktui.store.database import Database
from tenktui.store.outbox import FOLDABLE_STATES, Outbox, OutboxState
from tenktui.store.queries import cell_entries
from tenktui.store.records import ENTRY_EDITABLE, TIME_ENTRY_FIELDS, stored_raw
from tenktui.store.validation import (
    InvalidEdit,
    check_day_total,
    check_hours,
    check_status,
    check_text,
    display_name,
    lock_for,
)


class Edits:
    """Write side of the store for the UI and the commands."""

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self.d = database
        self.outbox = outbox

    # -- what the profile's backend can do ----------------------------------
    def capable(self, name: str) -> bool:
        """Whether the backend supports ``name`` (statuses, approvals, suggestions,
        itemized_entries, subtasks); the sync engine records this in the store.
        Until it has, everything is allowed: the server is the final judge."""
        return bool(self.d.get_meta("capabilities", {}).get(name, True))

    def _require(self, name: str, what: str) -> None:
        if not self.capable(name):
            backend = self.d.get_meta("backend_name", "This server")
            raise InvalidEdit(f"{backend} has no {what}.", name)

    # -- checks -----------------------------------------------------------
    def _assignable(self, assignable_id: int) -> dict[str, Any]:
        row = self.d.row("SELECT * FROM assignables WHERE id = ?", (assignable_id,))
        if row is None:
            raise InvalidEdit(
                f"Project or leave type #{assignable_id} is not known here; sync and try again.",
                "assignable",
            )
        return row

    def check_loggable(self, user_id: int, assignable_id: int, day: dt.date) -> dict[str, Any]:
        """Refuse time the server would refuse: placeholders, locked or archived projects."""
        user = self.d.row("SELECT * FROM users WHERE id = ?", (user_id,))
        if user is not None and user["is_placeholder"]:
            raise InvalidEdit("Placeholders cannot have time entries.", "user")
        if user is not None and user["license_type"] == "managed_resource":
            raise InvalidEdit(f"{user['display_name']} is a managed resource: no time entries.")
        assignable = self._assignable(assignable_id)
        lock = lock_for(assignable, day, self.d.today())
        if lock is not None:
            raise InvalidEdit(lock.reason, "date")
        return assignable

    def _entry(self, local_id: int) -> dict[str, Any]:
        row = self.d.row("SELECT * FROM time_entries WHERE id = ? AND deleted = 0", (local_id,))
        if row is None:
            raise InvalidEdit(f"Time entry {local_id} no longer exists.")
        if row["approval_status"] == "approved":
            raise InvalidEdit("This time has been approved and can no longer be changed.")
        return row

    # -- time entries -----------------------------------------------------
    def create_entry(
        self,
        user_id: int,
        assignable_id: int,
        day: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> int:
        """A new, separate (itemized) entry; its local id."""
        hours = check_hours(hours, allow_zero=False)
        task, notes = check_text(task, "task"), check_text(notes, "notes")
        return self._queue_create(user_id, assignable_id, day, hours, task, notes)

    def add_time(
        self,
        user_id: int,
        assignable_id: int,
        day: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> int:
        """Add ``hours`` to a person's day on an assignable, as a stopped timer does; the
        local id of the entry written.

        Where the backend keeps itemized entries each call is a new entry with ``task``
        and ``notes``. Where it keeps one entry per assignable and day, the hours are
        added to that entry (an absolute update to old + ``hours``; its task and notes
        stay as they are), or a new entry is made when the cell has none. The checks of
        typed hours hold (24 h a day, locks, placeholders, approved time): ``InvalidEdit``.
        """
        hours = check_hours(hours, allow_zero=False)
        if self.capable("itemized_entries"):
            return self.create_entry(user_id, assignable_id, day, hours, task=task, notes=notes)
        with self.d.write():
            entries = self.entries_in_cell(user_id, assignable_id, day)
            if not entries:
                return self.create_entry(user_id, assignable_id, day, hours, task=task, notes=notes)
            # One entry a cell is the rule here; should a cache hold more, the newest
            # takes the time, the way the server's own timesheet adds to its row. The
            # day's 24 h is checked for what is added (the entry's new total alone
            # would be refused as out of range, saying less).
            entry = entries[-1]
            check_day_total(day, self.day_hours(user_id, day), hours)
            total = Decimal(str(entry["hours"] or 0)) + Decimal(str(hours))
            self.update_entry(entry["id"], hours=float(total))
            return int(entry["id"])

    def _queue_create(
        self,
        user_id: int,
        assignable_id: int,
        day: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> int:
        with self.d.write() as c:
            self.check_loggable(user_id, assignable_id, day)
            check_day_total(day, self.day_hours(user_id, day), hours)
            if not self.capable("itemized_entries") and self.entries_in_cell(
                user_id, assignable_id, day
            ):
                raise InvalidEdit(
                    "This server keeps one entry per day here: change that entry instead.",
                    "hours",
                )
            local_id = int(
                c.execute(
                    "INSERT INTO time_entries (user_id, assignable_id, date, hours, task, notes) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (user_id, assignable_id, day.isoformat(), hours, task, notes),
                ).lastrowid
                or 0
            )
            self.outbox.enqueue(
                "create",
                "time_entry",
                {
                    "user_id": user_id,
                    "assignable_id": assignable_id,
                    "date": day.isoformat(),
                    "hours": hours,
                    "task": task,
                    "notes": notes,
                },
                local_id=local_id,
            )
        return local_id

    def update_entry(self, local_id: int, **changes: Any) -> None:
        """Set hours, task and/or notes of one entry (absolute values)."""
        unknown = set(changes) - set(ENTRY_EDITABLE)
        if unknown:
            raise TypeError(f"cannot change {', '.join(sorted(unknown))} of a time entry")
        if "hours" in changes:
            if changes["hours"] == 0:
                self.delete_entry(local_id)
                return
            changes["hours"] = check_hours(changes["hours"], allow_zero=False)
        for field in ("task", "notes"):
            if field in changes:
                changes[field] = check_text(changes[field], field)
        with self.d.write() as c:
            row = self._entry(local_id)
            day = _day(row["date"])
            self.check_loggable(row["user_id"], row["assignable_id"], day)
            if "hours" in changes:
                others = self.day_hours(row["user_id"], day, excluding=local_id)
                check_day_total(day, others, changes["hours"])
            if (
                "notes" in changes
                and (changes["notes"] or None) != (row["notes"] or None)
                and row["server_id"] is not None
                and not self.capable("notes_editable")
            ):
                backend = self.d.get_meta("backend_name", "This server")
                raise InvalidEdit(
                    f"{backend} cannot change the notes of time already logged; change them "
                    "on its website, or delete the entry and log it again with the new notes.",
                    "notes",
                )
            sets = ", ".join(f"{k} = ?" for k in changes)
            c.execute(f"UPDATE time_entries SET {sets} WHERE id = ?", (*changes.values(), local_id))
            self._queue_update(row, changes)

    def _queue_update(self, row: dict[str, Any], changes: dict[str, Any]) -> None:
        # Not sent yet, or refused by the server: the corrected absolute values fold
        # into it and it goes back in the queue.
        self.outbox.fold_or_enqueue(
            "update",
            "time_entry",
            changes,
            local_id=row["id"],
            into=("create", "update"),
            states=FOLDABLE_STATES,
            server_id=row["server_id"],
            base=_server_copy(row),
        )

    def delete_entry(self, local_id: int) -> None:
        with self.d.write() as c:
            row = self._entry(local_id)
            self.check_loggable(row["user_id"], row["assignable_id"], _day(row["date"]))
            rows = self.outbox.for_record("time_entry", local_id)
            unsent = [r for r in rows if r.state == OutboxState.PENDING]
            if any(r.op == "create" for r in unsent) and not any(
                r.state != OutboxState.PENDING for r in rows
            ):
                # Never left this machine: forget it entirely.
                for r in unsent:
                    self.outbox.drop(r.seq)
                c.execute("DELETE FROM time_entries WHERE id = ?", (local_id,))
                return
            base = _server_copy(row)
            for r in unsent:
                if r.op == "update":
                    base = r.base or base
                    self.outbox.drop(r.seq)
            c.execute("UPDATE time_entries SET deleted = 1 WHERE id = ?", (local_id,))
            self.outbox.enqueue(
                "delete", "time_entry", {}, local_id=local_id, server_id=row["server_id"], base=base
            )

    def day_hours(self, user_id: int, day: dt.date, excluding: int | None = None) -> float:
        """The hours a person's day holds over every project (``excluding`` one entry)."""
        return float(
            self.d.scalar(
                "SELECT COALESCE(SUM(hours), 0) FROM time_entries WHERE user_id = ? AND date = ? "
                "AND deleted = 0 AND id IS NOT ?",
                (user_id, day.isoformat(), excluding),
            )
        )

    def entries_in_cell(self, user_id: int, assignable_id: int, day: dt.date) -> list[dict]:
        return cell_entries(self.d, user_id, assignable_id, day)

    def set_cell(self, user_id: int, assignable_id: int, day: dt.date, hours: float) -> None:
        """Make a cell total ``hours``: create, update or clear its single entry."""
        hours = check_hours(hours)
        entries = self.entries_in_cell(user_id, assignable_id, day)
        if len(entries) > 1:
            raise InvalidEdit(
                f"This cell holds {len(entries)} entries: open it to change each one.", "hours"
            )
        if not entries:
            if hours > 0:
                self.create_entry(user_id, assignable_id, day, hours)
            elif self._suggested(user_id, assignable_id, day):
                self.dismiss_suggestion(user_id, assignable_id, day)
            return
        if hours == 0 and not entries[0]["hours"]:
            return  # already a zero-hour entry: the suggestion stays dismissed
        if hours == 0:
            self.delete_entry(entries[0]["id"])
        else:
            self.update_entry(entries[0]["id"], hours=hours)

    def _suggested(self, user_id: int, assignable_id: int, day: dt.date) -> bool:
        return (
            self.d.scalar(
                "SELECT 1 FROM suggestions WHERE user_id = ? AND assignable_id = ? AND date = ? "
                "AND scheduled_hours > 0",
                (user_id, assignable_id, day.isoformat()),
            )
            is not None
        )

    def dismiss_suggestion(self, user_id: int, assignable_id: int, day: dt.date) -> int:
        """Confirm zero hours on a suggested cell, as the web timesheet's "clear
        suggestions" does, so that confirming the week does not bring it back."""
        self._require("suggestions", "suggested time to dismiss")
        if self.entries_in_cell(user_id, assignable_id, day):
            raise InvalidEdit("This cell already holds time: there is no suggestion to dismiss.")
        if not self._suggested(user_id, assignable_id, day):
            raise InvalidEdit("Nothing is suggested in this cell.")
        return self._queue_create(user_id, assignable_id, day, 0.0)

    def clear_cell(self, user_id: int, assignable_id: int, day: dt.date) -> int:
        """Delete every entry of a cell; how many were deleted."""
        entries = self.entries_in_cell(user_id, assignable_id, day)
        with self.d.write():
            for entry in entries:
                self.delete_entry(entry["id"])
        return len(entries)

    def confirm_suggestions(
        self,
        user_id: int,
        days: list[dt.date],
        assignable_id: int | None = None,
    ) -> int:
        """Turn the suggestions of empty cells into confirmed entries; how many."""
        self._require("suggestions", "suggested time to confirm")
        created = 0
        with self.d.write():
            for day in days:
                sql = (
                    "SELECT s.assignable_id, s.scheduled_hours FROM suggestions s "
                    "WHERE s.user_id = ? AND s.date = ? AND s.scheduled_hours > 0 "
                    "AND NOT EXISTS (SELECT 1 FROM time_entries t WHERE t.user_id = s.user_id "
                    "AND t.assignable_id = s.assignable_id AND t.date = s.date AND t.deleted = 0)"
                )
                params: list[Any] = [user_id, day.isoformat()]
                if assignable_id is not None:
                    sql += " AND s.assignable_id = ?"
                    params.append(assignable_id)
                for s in self.d.rows(sql, params):
                    assignable = self._assignable(s["assignable_id"])
                    if lock_for(assignable, day, self.d.today()) is not None:
                        continue  # a locked cell keeps its suggestion; the grid says why
                    hours = round(float(s["scheduled_hours"]), 2)
                    self.create_entry(user_id, s["assignable_id"], day, hours)
                    created += 1
        return created

    def week_to_copy(
        self, user_id: int, source_start: dt.date, target_start: dt.date
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The entries of the source week that would land on the same weekday of the target
        week (only into empty cells that take time; leave is not copied), and why each
        other entry is left out."""
        offset = target_start - source_start
        source = self.d.rows(
            "SELECT assignable_id, date, hours, task, notes FROM time_entries "
            "WHERE user_id = ? AND date BETWEEN ? AND ? AND deleted = 0 AND hours > 0 "
            "ORDER BY date, assignable_id, id",
            (user_id, source_start.isoformat(), (source_start + dt.timedelta(days=6)).isoformat()),
        )
        plan: list[dict[str, Any]] = []
        skipped: list[str] = []
        for entry in source:
            day = _day(entry["date"]) + offset
            assignable = self.d.row(
                "SELECT * FROM assignables WHERE id = ?", (entry["assignable_id"],)
            )
            name = display_name(assignable) if assignable else f"#{entry['assignable_id']}"
            where = f"{name} on {day:%a %d}"
            lock = lock_for(assignable, day, self.d.today()) if assignable else None
            if assignable is None or assignable["kind"] == "leave":
                skipped.append(f"{where}: leave is not copied")
            elif self.entries_in_cell(user_id, entry["assignable_id"], day):
                skipped.append(f"{where}: already holds time")
            elif lock is not None:
                skipped.append(f"{where}: {lock.reason}")
            else:
                plan.append({**entry, "date": day, "label": name})
        return plan, skipped

    def copy_week(self, user_id: int, plan: list[dict[str, Any]]) -> int:
        """Queue a :meth:`week_to_copy` plan, all or nothing; how many entries were made."""
        with self.d.write():
            for entry in plan:
                self.create_entry(
                    user_id,
                    entry["assignable_id"],
                    entry["date"],
                    entry["hours"],
                    task=entry["task"],
                    notes=entry["notes"],
                )
        return len(plan)

    # -- statuses ---------------------------------------------------------
    def set_status(self, user_id: int, code: str, message: str | None = None) -> None:
        self._require("statuses", "presence statuses (ITO, WFH, …)")
        code, message = check_status(code, message)
        with self.d.write() as c:
            previous = self.d.row("SELECT * FROM statuses WHERE user_id = ?", (user_id,))
            c.execute(
                "INSERT INTO statuses (user_id, status, message, updated_at, fetched_at, raw) "
                "VALUES (?, ?, ?, NULL, NULL, ?) ON CONFLICT(user_id) DO UPDATE SET "
                "status = excluded.status, message = excluded.message",
                (user_id, code, message, previous["raw"] if previous else None),
            )
            self.outbox.fold_or_enqueue(
                "set_status",
                "status",
                {"status": code, "message": message},
                local_id=user_id,
                into=("set_status",),
            )

    # -- assignments ------------------------------------------------------
    def set_assignment_status(self, assignment_id: int, status_option_id: int | None) -> None:
        """Move one of the person's assignments to a status option."""
        with self.d.write() as c:
            row = self.d.row("SELECT * FROM assignments WHERE id = ?", (assignment_id,))
            if row is None:
                raise InvalidEdit(
                    f"Assignment {assignment_id} is not known here; sync and try again."
                )
            if status_option_id is not None:
                option = self.d.row(
                    "SELECT label, deleted FROM status_options WHERE id = ?", (status_option_id,)
                )
                if option is None or option["deleted"]:
                    raise InvalidEdit(f"Status option {status_option_id} is not available.")
            c.execute(
                "UPDATE assignments SET status_option_id = ? WHERE id = ?",
                (status_option_id, assignment_id),
            )
            self.outbox.fold_or_enqueue(
                "set_status",
                "assignment",
                {"user_id": row["user_id"], "status_option_id": status_option_id},
                local_id=assignment_id,
                into=("set_status",),
                server_id=assignment_id,
                base={"status_option_id": row["status_option_id"]},
            )

    # -- subtasks ---------------------------------------------------------
    def add_subtask(self, assignment_id: int, description: str) -> int:
        description = _subtask_text(description)
        with self.d.write() as c:
            project_id = self._subtask_project(assignment_id)
            local_id = int(
                c.execute(
                    "INSERT INTO subtasks (assignment_id, project_id, description, completed) "
                    "VALUES (?, ?, ?, 0)",
                    (assignment_id, project_id, description),
                ).lastrowid
                or 0
            )
            self.outbox.enqueue(
                "create",
                "subtask",
                {
                    "assignment_id": assignment_id,
                    "project_id": project_id,
                    "description": description,
                    "completed": False,
                },
                local_id=local_id,
            )
        return local_id

    def _subtask_project(self, assignment_id: int) -> int:
        row = self.d.row(
            "SELECT a.assignable_id, s.parent_id, s.kind FROM assignments a "
            "LEFT JOIN assignables s ON s.id = a.assignable_id WHERE a.id = ?",
            (assignment_id,),
        )
        if row is None:
            raise InvalidEdit(f"Assignment {assignment_id} is not known here; sync and try again.")
        if row["kind"] == "leave":
            raise InvalidEdit("Leave has no subtasks.")
        # Subtasks live under /projects/{project}/assignments/{id}: a phase's project.
        return int(row["assignable_id"])

    def _subtask(self, local_id: int) -> dict[str, Any]:
        row = self.d.row("SELECT * FROM subtasks WHERE id = ? AND deleted = 0", (local_id,))
        if row is None:
            raise InvalidEdit(f"Subtask {local_id} no longer exists.")
        return row

    def update_subtask(
        self, local_id: int, *, description: str | None = None, completed: bool | None = None
    ) -> None:
        changes: dict[str, Any] = {}
        if description is not None:
            changes["description"] = _subtask_text(description)
        if completed is not None:
            changes["completed"] = bool(completed)
        if not changes:
            return
        with self.d.write() as c:
            row = self._subtask(local_id)
            sets = ", ".join(f"{k} = ?" for k in changes)
            c.execute(
                f"UPDATE subtasks SET {sets} WHERE id = ?",
                (*(int(v) if isinstance(v, bool) else v for v in changes.values()), local_id),
            )
            self.outbox.fold_or_enqueue(
                "update",
                "subtask",
                {**changes, "assignment_id": row["assignment_id"], "project_id": row["project_id"]},
                local_id=local_id,
                into=("create", "update"),
                server_id=row["server_id"],
                base={
                    "description": row["description"],
                    "completed": bool(row["completed"]),
                    "updated_at": row["updated_at"],
                },
            )

    def toggle_subtask(self, local_id: int) -> bool:
        row = self._subtask(local_id)
        done = not row["completed"]
        self.update_subtask(local_id, completed=done)
        return done

    def delete_subtask(self, local_id: int) -> None:
        with self.d.write() as c:
            row = self._subtask(local_id)
            rows = self.outbox.for_record("subtask", local_id)
            if (
                rows
                and all(r.state == OutboxState.PENDING for r in rows)
                and rows[0].op == "create"
            ):
                for r in rows:
                    self.outbox.drop(r.seq)
                c.execute("DELETE FROM subtasks WHERE id = ?", (local_id,))
                return
            for r in rows:
                if r.state == OutboxState.PENDING and r.op == "update":
                    self.outbox.drop(r.seq)
            c.execute("UPDATE subtasks SET deleted = 1 WHERE id = ?", (local_id,))
            self.outbox.enqueue(
                "delete",
                "subtask",
                {"assignment_id": row["assignment_id"], "project_id": row["project_id"]},
                local_id=local_id,
                server_id=row["server_id"],
                base={"updated_at": row["updated_at"]},
            )

    # -- approvals --------------------------------------------------------
    def submit_week(self, user_id: int, week_start: dt.date) -> int:
        """Queue the week's confirmed entries for approval; how many."""
        self._require("approvals", "approvals to submit time for")
        week_end = week_start + dt.timedelta(days=6)
        with self.d.write() as c:
            rows = self.d.rows(
                "SELECT id FROM time_entries WHERE user_id = ? AND date BETWEEN ? AND ? "
                "AND deleted = 0 AND COALESCE(approval_status, '') NOT IN ('pending', 'approved')",
                (user_id, week_start.isoformat(), week_end.isoformat()),
            )
            if not rows:
                raise InvalidEdit("Nothing to submit: this week has no unsubmitted time.")
            ids = [r["id"] for r in rows]
            c.execute(
                f"UPDATE time_entries SET approval_status = 'submitting' "
                f"WHERE id IN ({', '.join('?' * len(ids))})",
                ids,
            )
            self.outbox.enqueue(
                "submit",
                "approval",
                {"user_id": user_id, "week_start": week_start.isoformat(), "entries": ids},
                local_id=user_id,
            )
        return len(ids)


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _server_copy(row: dict[str, Any]) -> dict[str, Any]:
    """The server's values of an entry as last pulled (its ``raw``), for conflict checks."""
    raw = stored_raw(row) or {}
    return {k: raw.get(k) for k in (*TIME_ENTRY_FIELDS, "updated_at")}


def _subtask_text(description: str) -> str:
    text = description.strip()
    if not text:
        raise InvalidEdit("A subtask needs a description.", "description")
    return check_text(text, "description") or text


__all__ = ["Edits", "InvalidEdit", "display_name"]
