"""Replaying the outbox: in order, exactly once, conflicts kept, refusals surfaced.

Creates have no idempotency key on either backend, so each one is sent only
after its row is committed as ``sending`` with a *snapshot*: the server ids
already matching its natural key (user, assignable, date). If the outcome is
ambiguous — the connection broke after sending, or the process died — the key
is listed again: a new record not in the snapshot that matches the payload is
ours and is adopted; none means it never landed and it is sent again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from tenktui.api.errors import (
    Ambiguous,
    ApiError,
    NotFound,
    Rejected,
    ServerError,
)
from tenktui.api.governor import Priority, priority
from tenktui.store import Store
from tenktui.store.cache import raw_json
from tenktui.store.database import utc_now
from tenktui.store.describe import Describer, day_label, hours_label
from tenktui.store.outbox import OutboxRow
from tenktui.sync.state import SyncReport

log = logging.getLogger("tenktui.sync")

ENTRY_FIELDS = ("hours", "task", "notes", "date", "assignable_id")
# Ops whose answer, once lost, leaves the row "may have landed": a crash or an unreadable
# answer is reconciled against the server before anything is sent again.
RECONCILED_OPS = frozenset({"create", "set_status", "submit"})


class StopPush(Exception):
    """Pushing cannot go on now (offline, throttled, logged out); rows stay queued."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(str(error))
        self.error = error


def payload(record: Any) -> dict[str, Any]:
    """The server's JSON object behind a typed record (or the dict itself)."""
    if isinstance(record, dict):
        return record
    raw = getattr(record, "raw", None)
    if isinstance(raw, dict):
        return raw
    raise TypeError(f"cannot read a payload from {type(record).__name__}")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 0.005
    return (a or None) == (b or None)


class Pusher:
    """Sends each open outbox row; one at a time, in sequence order."""

    def __init__(self, store: Store, backend: Any) -> None:
        self.store = store
        self.backend = backend
        self.d = store.database

    async def push(self, report: SyncReport) -> None:
        with priority(Priority.EDIT):
            await self._push(report)

    async def _push(self, report: SyncReport) -> None:
        blocked: set[tuple[str, int | None]] = set()
        for queued in self.store.outbox.replayable():
            # Read again: sending an earlier row may have rebased or settled this one.
            row = self.store.outbox.get(queued.seq)
            if row is None or row.state not in ("pending", "sending"):
                continue
            key = (row.kind, row.local_id)
            if key in blocked or self._waits_on_earlier(row):
                blocked.add(key)
                continue
            try:
                await self._send(row, report)
            except StopPush:
                raise
            except Rejected as err:
                self.store.outbox.mark_failed(row.seq, _reason(err))
                report.failed += 1
                blocked.add(key)
            except ApiError as err:
                # Offline, logged out, throttled past every retry, a server error, or an
                # answer that could not be read: keep it queued, stop here.
                self._keep_queued(row, err.message)
                raise StopPush(err) from err

    def _keep_queued(self, row: OutboxRow, error: str) -> None:
        """Back to the queue; a create that may have landed stays ``sending``, so the
        next pass looks for it on the server before sending it again."""
        fresh = self.store.outbox.get(row.seq)
        if fresh is not None and fresh.state == "sending" and row.op in RECONCILED_OPS:
            with self.d.write():
                self.d.conn.execute(
                    "UPDATE outbox SET last_error = ?, updated_at = ? WHERE seq = ?",
                    (error, utc_now(), row.seq),
                )
            return
        self.store.outbox.mark_pending(row.seq, error)

    def _waits_on_earlier(self, row: OutboxRow) -> bool:
        """A row waits while an earlier row of the same record is failed or in conflict."""
        if row.local_id is None:
            return False
        return (
            self.d.scalar(
                "SELECT 1 FROM outbox WHERE kind = ? AND local_id = ? AND seq < ? "
                "AND state IN ('failed', 'conflict') LIMIT 1",
                (row.kind, row.local_id, row.seq),
            )
            is not None
        )

    async def _send(self, row: OutboxRow, report: SyncReport) -> None:
        handler = {
            ("time_entry", "create"): self._create_entry,
            ("time_entry", "update"): self._update_entry,
            ("time_entry", "delete"): self._delete_entry,
            ("status", "set_status"): self._set_status,
            ("subtask", "create"): self._create_subtask,
            ("subtask", "update"): self._update_subtask,
            ("subtask", "delete"): self._delete_subtask,
            ("approval", "submit"): self._submit,
            ("assignment", "set_status"): self._set_assignment_status,
        }[(row.kind, row.op)]
        await handler(row, report)

    # -- time entries -------------------------------------------------------
    def _entry_row(self, local_id: int | None) -> dict[str, Any] | None:
        return self.d.row("SELECT * FROM time_entries WHERE id = ?", (local_id,))

    def _known_ids(self, user_id: int, assignable_id: int, date: str) -> list[int]:
        return [
            r["server_id"]
            for r in self.d.rows(
                "SELECT server_id FROM time_entries WHERE user_id = ? AND assignable_id = ? "
                "AND date = ? AND server_id IS NOT NULL",
                (user_id, assignable_id, date),
            )
        ]

    async def _create_entry(
        self, row: OutboxRow, report: SyncReport, *, resend: bool = True
    ) -> None:
        """Send a create; after an unreadable answer, adopt what landed or send once more
        (``resend``), and a second unreadable answer waits for the next pass."""
        t = row.target
        if row.state == "sending":
            # Left by a crash mid-request: it may have landed.
            if await self._adopt_entry(row, report):
                return
            report.resent += 1
        snapshot = self._known_ids(t["user_id"], t["assignable_id"], t["date"])
        self.store.outbox.mark_sending(row.seq, snapshot)
        created = await _created(
            lambda: self.backend.create_time_entry(
                t["user_id"],
                t["assignable_id"],
                dt.date.fromisoformat(t["date"]),
                t["hours"],
                task=t.get("task"),
                notes=t.get("notes"),
            ),
            lambda e: (
                all(_same(e.get(k), t.get(k)) for k in ("user_id", "assignable_id", "date"))
                and all(_same(e.get(k), t.get(k)) for k in ("hours", "task", "notes"))
            ),
        )
        if isinstance(created, ApiError):
            fresh = self.store.outbox.get(row.seq)
            assert fresh is not None
            if await self._adopt_entry(fresh, report):
                return
            if not resend:
                raise created
            report.resent += 1
            await self._create_entry(fresh, report, resend=False)
            return
        self._store_created(row, created)
        report.pushed += 1

    def _store_created(self, row: OutboxRow, server: dict[str, Any]) -> None:
        with self.d.write():
            self._merge_orphan("time_entries", "time_entry", row.local_id, server["id"])
            if self._entry_row(row.local_id) is not None:
                self.store.cache.store_server_entry(row.local_id or 0, server)
            self.store.outbox.mark_done(row.seq, server["id"])
            # Later rows of the same record now know which server record they change.
            self.d.conn.execute(
                "UPDATE outbox SET server_id = ? WHERE kind = ? AND local_id = ? AND seq > ?",
                (server["id"], row.kind, row.local_id, row.seq),
            )
            self._rebase_later(row, server)

    def _rebase_later(self, row: OutboxRow, server: dict[str, Any]) -> None:
        """Edits queued on top of this one were based on it, not on what the server had
        before: the server's copy after it is their base (and nobody else's change)."""
        base = {k: server.get(k) for k in (*ENTRY_FIELDS, "user_id", "updated_at")}
        self.d.conn.execute(
            "UPDATE outbox SET base = ?, theirs = NULL WHERE kind = ? AND local_id = ? "
            "AND seq > ? AND state IN ('pending', 'failed')",
            (raw_json(base), row.kind, row.local_id, row.seq),
        )

    def _merge_orphan(self, table: str, kind: str, local_id: int | None, server_id: int) -> None:
        """A pull may already have cached our landed create as a row of its own (the
        process died before it heard the answer): fold that row into ours."""
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

    def _adopted_ids(self, kind: str, seq: int) -> set[int]:
        """Server ids other creates of this kind already claimed as theirs."""
        return {
            r["server_id"]
            for r in self.d.rows(
                "SELECT server_id FROM outbox WHERE kind = ? AND op = 'create' "
                "AND server_id IS NOT NULL AND seq != ?",
                (kind, seq),
            )
        }

    async def _adopt_entry(self, row: OutboxRow, report: SyncReport) -> bool:
        """After an ambiguous create: adopt our record if it landed. ``False``: resend.

        A candidate is a record on the natural key that was not there when we sent
        (not in the snapshot), matches what we sent, and no other create claimed.
        """
        t = row.target
        day = dt.date.fromisoformat(t["date"])
        excluded = set(row.snapshot or []) | self._adopted_ids("time_entry", row.seq)
        candidates = []
        async for entry in self.backend.iter_time_entries(
            t["user_id"], day, day, with_suggestions=False, with_approvals=False
        ):
            e = payload(entry)
            if (
                e["assignable_id"] == t["assignable_id"]
                and e["id"] not in excluded
                and all(_same(e.get(k), t.get(k)) for k in ("hours", "task", "notes"))
            ):
                candidates.append(e)
        if not candidates:
            return False
        # Identical twins made since the snapshot: ours is the earliest.
        mine = min(candidates, key=lambda e: e["id"])
        self._store_created(row, mine)
        report.adopted += 1
        log.info("adopted time entry %s after an ambiguous create", mine["id"])
        return True

    async def _server_entry(self, row: OutboxRow) -> dict[str, Any] | None:
        """The server's current copy: from the pull that just ran, else fetched."""
        if row.theirs is not None:
            return None if row.theirs.get("deleted") else row.theirs
        entry_row = self._entry_row(row.local_id)
        server_id = row.server_id or (entry_row and entry_row["server_id"])
        user_id = entry_row["user_id"] if entry_row else row.target.get("user_id")
        try:
            return payload(await self.backend.get_time_entry(user_id, server_id))
        except NotFound:
            return None

    def _conflicts(self, row: OutboxRow, server: dict[str, Any] | None) -> bool:
        """The server copy moved past the base on a field this edit sets to something else."""
        base = row.base or {}
        if server is None:
            return True
        if server.get("updated_at") == base.get("updated_at") and getattr(
            self.backend.capabilities, "entry_stamps", True
        ):
            return False
        fields = row.target.keys() if row.op == "update" else ENTRY_FIELDS
        return any(
            not _same(server.get(k), base.get(k)) and not _same(server.get(k), row.target.get(k))
            for k in fields
            if k in base
        )

    async def _update_entry(self, row: OutboxRow, report: SyncReport) -> None:
        entry_row = self._entry_row(row.local_id)
        if entry_row is None or entry_row["server_id"] is None:
            self.store.outbox.mark_failed(row.seq, "The entry was never created on the server.")
            return
        server = await self._server_entry(row)
        if server is None or self._conflicts(row, server):
            self.store.outbox.mark_conflict(row.seq, server)
            report.conflicts += 1
            return
        if all(_same(server.get(k), v) for k, v in row.target.items()):
            # Already there (our own earlier attempt landed, or the same edit elsewhere).
            self._store_updated(row, server)
            return
        self.store.outbox.mark_sending(row.seq)
        updated = await self.backend.update_time_entry(
            entry_row["user_id"], entry_row["server_id"], **row.target
        )
        self._store_updated(row, payload(updated))
        report.pushed += 1

    def _store_updated(self, row: OutboxRow, server: dict[str, Any]) -> None:
        with self.d.write():
            newer = self.store.outbox.for_record("time_entry", row.local_id or 0)
            if not any(r.seq > row.seq for r in newer):
                self.store.cache.store_server_entry(row.local_id or 0, server)
            self.store.outbox.mark_done(row.seq)
            self._rebase_later(row, server)

    async def _delete_entry(self, row: OutboxRow, report: SyncReport) -> None:
        entry_row = self._entry_row(row.local_id)
        server_id = row.server_id or (entry_row and entry_row["server_id"])
        if server_id is None:
            # Its create never landed (reconciled as absent): nothing to delete.
            self._forget_entry(row)
            return
        server = await self._server_entry(row)
        if server is not None and self._conflicts(row, server):
            self.store.outbox.mark_conflict(row.seq, server)
            report.conflicts += 1
            return
        if server is not None:
            self.store.outbox.mark_sending(row.seq)
            with contextlib.suppress(NotFound):  # already gone: the end state we wanted
                await self.backend.delete_time_entry(entry_row["user_id"], server_id)
            report.pushed += 1
        self._forget_entry(row)

    def _forget_entry(self, row: OutboxRow) -> None:
        with self.d.write():
            self.d.conn.execute("DELETE FROM time_entries WHERE id = ?", (row.local_id,))
            self.store.outbox.mark_done(row.seq)

    # -- statuses -----------------------------------------------------------
    async def _set_status(self, row: OutboxRow, report: SyncReport) -> None:
        user_id = row.local_id or 0
        if row.state == "sending":
            current = await self.backend.current_status(user_id)
            if current is not None and self._status_matches(payload(current), row):
                self._store_status(row, payload(current))
                return
        self.store.outbox.mark_sending(row.seq)
        try:
            status = await self.backend.set_status(
                user_id, row.target["status"], row.target.get("message")
            )
        except Ambiguous:
            current = await self.backend.current_status(user_id)
            if current is None or not self._status_matches(payload(current), row):
                status = await self.backend.set_status(
                    user_id, row.target["status"], row.target.get("message")
                )
            else:
                status = current
        self._store_status(row, payload(status))
        report.pushed += 1

    @staticmethod
    def _status_matches(current: dict[str, Any], row: OutboxRow) -> bool:
        return current.get("status") == row.target["status"] and _same(
            current.get("message"), row.target.get("message")
        )

    def _store_status(self, row: OutboxRow, status: dict[str, Any]) -> None:
        with self.d.write():
            self.store.outbox.mark_done(row.seq, status.get("id"))
            newer = self.store.outbox.for_record("status", row.local_id or 0)
            if not any(r.seq > row.seq for r in newer):
                self.store.cache.upsert_statuses([(row.local_id or 0, status)], utc_now())

    # -- assignments ----------------------------------------------------------
    async def _set_assignment_status(self, row: OutboxRow, report: SyncReport) -> None:
        """An absolute value on an existing record: safe to send again after a crash."""
        self.store.outbox.mark_sending(row.seq)
        try:
            updated = await self.backend.set_assignment_status(
                row.target["user_id"], row.local_id, row.target["status_option_id"]
            )
        except NotFound:
            self.store.outbox.mark_conflict(row.seq, None)
            report.conflicts += 1
            return
        server = payload(updated)
        with self.d.write():
            newer = self.store.outbox.for_record("assignment", row.local_id or 0)
            if not any(r.seq > row.seq for r in newer):
                self.d.conn.execute(
                    "UPDATE assignments SET status_option_id = ?, updated_at = ?, raw = ? "
                    "WHERE id = ?",
                    (
                        server.get("status_option_id"),
                        server.get("updated_at"),
                        raw_json(server),
                        row.local_id,
                    ),
                )
            self.store.outbox.mark_done(row.seq)
        report.pushed += 1

    # -- subtasks -----------------------------------------------------------
    def _subtask_row(self, local_id: int | None) -> dict[str, Any] | None:
        return self.d.row("SELECT * FROM subtasks WHERE id = ?", (local_id,))

    async def _create_subtask(
        self, row: OutboxRow, report: SyncReport, *, resend: bool = True
    ) -> None:
        t = row.target
        if row.state == "sending" and await self._adopt_subtask(row):
            return
        known = [
            r["server_id"]
            for r in self.d.rows(
                "SELECT server_id FROM subtasks WHERE assignment_id = ? AND server_id IS NOT NULL",
                (t["assignment_id"],),
            )
        ]
        self.store.outbox.mark_sending(row.seq, known)
        created = await _created(
            lambda: self.backend.create_subtask(
                t["project_id"], t["assignment_id"], t["description"], completed=t["completed"]
            )
        )
        if isinstance(created, ApiError):
            fresh = self.store.outbox.get(row.seq)
            assert fresh is not None
            if await self._adopt_subtask(fresh):
                return
            if not resend:
                raise created
            await self._create_subtask(fresh, report, resend=False)
            return
        self._store_subtask(row, created)
        report.pushed += 1

    async def _adopt_subtask(self, row: OutboxRow) -> bool:
        t = row.target
        excluded = set(row.snapshot or []) | self._adopted_ids("subtask", row.seq)
        candidates = [
            payload(s)
            async for s in self.backend.iter_subtasks(t["project_id"], t["assignment_id"])
            if payload(s)["id"] not in excluded
            and payload(s).get("description") == t["description"]
        ]
        if not candidates:
            return False
        self._store_subtask(row, min(candidates, key=lambda s: s["id"]))
        return True

    def _store_subtask(self, row: OutboxRow, server: dict[str, Any]) -> None:
        with self.d.write():
            self._merge_orphan("subtasks", "subtask", row.local_id, server["id"])
            self.d.conn.execute(
                "UPDATE subtasks SET server_id = ?, updated_at = ?, raw = ? WHERE id = ?",
                (server["id"], server.get("updated_at"), raw_json(server), row.local_id),
            )
            self.store.outbox.mark_done(row.seq, server["id"])
            self.d.conn.execute(
                "UPDATE outbox SET server_id = ? WHERE kind = 'subtask' AND local_id = ? "
                "AND seq > ?",
                (server["id"], row.local_id, row.seq),
            )

    async def _update_subtask(self, row: OutboxRow, report: SyncReport) -> None:
        sub = self._subtask_row(row.local_id)
        if sub is None or sub["server_id"] is None:
            self.store.outbox.mark_failed(row.seq, "The subtask was never created on the server.")
            return
        changes = {k: row.target[k] for k in ("description", "completed") if k in row.target}
        self.store.outbox.mark_sending(row.seq)
        try:
            updated = await self.backend.update_subtask(
                row.target["project_id"], row.target["assignment_id"], sub["server_id"], **changes
            )
        except NotFound:
            self.store.outbox.mark_conflict(row.seq, None)
            report.conflicts += 1
            return
        server = payload(updated)
        with self.d.write():
            self.d.conn.execute(
                "UPDATE subtasks SET updated_at = ?, raw = ? WHERE id = ?",
                (server.get("updated_at"), raw_json(server), row.local_id),
            )
            self.store.outbox.mark_done(row.seq)
        report.pushed += 1

    async def _delete_subtask(self, row: OutboxRow, report: SyncReport) -> None:
        sub = self._subtask_row(row.local_id)
        if sub is not None and sub["server_id"] is not None:
            self.store.outbox.mark_sending(row.seq)
            with contextlib.suppress(NotFound):
                await self.backend.delete_subtask(
                    row.target["project_id"], row.target["assignment_id"], sub["server_id"]
                )
            report.pushed += 1
        with self.d.write():
            self.d.conn.execute("DELETE FROM subtasks WHERE id = ?", (row.local_id,))
            self.store.outbox.mark_done(row.seq)

    # -- approvals ----------------------------------------------------------
    async def _submit(self, row: OutboxRow, report: SyncReport) -> None:
        ids = row.target["entries"]
        marks = ", ".join("?" * len(ids))
        entries = self.d.rows(
            f"SELECT id, server_id, updated_at FROM time_entries WHERE id IN ({marks}) "
            "AND deleted = 0 AND server_id IS NOT NULL",
            ids,
        )
        if not entries:
            self.store.outbox.mark_done(row.seq)
            return
        if row.state == "sending":
            entries = await self._unsubmitted(row, entries)
        self.store.outbox.mark_sending(row.seq)
        try:
            approvals = await self.backend.submit_for_approval(
                [(e["server_id"], e["updated_at"]) for e in entries]
            )
        except Ambiguous:
            # The server refuses a second submission rather than doubling it, so send
            # again only what it does not show as submitted.
            entries = await self._unsubmitted(row, entries)
            approvals = (
                await self.backend.submit_for_approval(
                    [(e["server_id"], e["updated_at"]) for e in entries]
                )
                if entries
                else []
            )
        by_entry = {payload(a)["approvable_id"]: payload(a) for a in approvals}
        left_out = [e for e in entries if e["server_id"] not in by_entry]
        # A server may take part of a submission and leave the rest out unsaid: only
        # what it answered for is pending; the person is told about the rest.
        reason = await self._why_left_out(row, left_out) if left_out else None
        with self.d.write():
            for e in entries:
                a = by_entry.get(e["server_id"])
                if a is None:
                    continue
                self.d.conn.execute(
                    "UPDATE time_entries SET approval_id = ?, approval_status = ? WHERE id = ?",
                    (a["id"], a.get("status") or "pending", e["id"]),
                )
            if reason is None:
                self.store.outbox.mark_done(row.seq)
            else:
                self.store.outbox.mark_failed(row.seq, reason)
        if reason is None:
            report.pushed += 1
        else:
            report.failed += 1

    async def _why_left_out(self, row: OutboxRow, left_out: list[dict[str, Any]]) -> str:
        """Which entries the server did not submit, and why, as far as it shows."""
        served = {e["id"]: e for e in await self._served_week(row)}
        describer = Describer(self.d)
        parts = []
        for e in left_out:
            local = self._entry_row(e["id"]) or {}
            server = served.get(e["server_id"])
            approvals = ((server or {}).get("approvals") or {}).get("data") or []
            if server is None:
                why = "it is no longer on the server"
            elif any(a.get("status") == "approved" for a in approvals):
                why = "it is already approved"
            elif server.get("updated_at") != e["updated_at"]:
                why = "it changed on the server since it was read; sync and submit again"
            else:
                why = "the server did not say why"
            parts.append(
                f"{describer.label(local.get('assignable_id'))}, {day_label(local.get('date'))}, "
                f"{hours_label(local.get('hours'))}: {why}"
            )
        return "Not submitted: " + "; ".join(parts) + "."

    async def _unsubmitted(
        self, row: OutboxRow, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The entries the server does not yet show with a pending or approved approval."""
        submitted = set()
        for e in await self._served_week(row):
            approvals = (e.get("approvals") or {}).get("data") or []
            if any(a.get("status") in ("pending", "approved") for a in approvals):
                submitted.add(e["id"])
        return [e for e in entries if e["server_id"] not in submitted]

    async def _served_week(self, row: OutboxRow) -> list[dict[str, Any]]:
        """The submitted week's entries as the server shows them, with their approvals."""
        start = dt.date.fromisoformat(row.target["week_start"])
        return [
            payload(entry)
            async for entry in self.backend.iter_time_entries(
                row.target["user_id"],
                start,
                start + dt.timedelta(days=6),
                with_suggestions=False,
                with_approvals=True,
            )
        ]


async def _created(
    send: Callable[[], Awaitable[Any]],
    matches: Callable[[dict[str, Any]], bool] | None = None,
) -> dict[str, Any] | ApiError:
    """The record a create answered with, or the error saying it may have landed.

    Only a refusal the server states before acting is a failure (raised as is); any
    answer that is not a readable created record — empty, not JSON, other JSON, a
    record without an integer id or that ``matches`` does not recognise as the one
    sent, a redirect, a 409 or 429 after sending — is ambiguous, like a lost answer.
    """
    try:
        created = payload(await send())
    except Ambiguous as err:
        return err
    except ServerError as err:
        return err
    except (TypeError, ValueError) as err:
        return ServerError(f"The server's answer to a create could not be read ({err}).")
    record_id = created.get("id")
    if isinstance(record_id, bool) or not isinstance(record_id, int):
        return ServerError("The server's answer to a create held no valid id.")
    if matches is not None and not matches(created):
        return ServerError("The server answered a create with a record that is not the one sent.")
    return created


def _reason(err: ApiError) -> str:
    return err.server_message or err.message
