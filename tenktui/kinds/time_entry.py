"""Time entries: hours on a project or leave type, on a day, for a person.

Calls on the backend: ``create_time_entry``, ``iter_time_entries`` (a create's
natural key: user, assignable, date), ``get_time_entry``, ``update_time_entry``,
``delete_time_entry``. Updates and deletes check the base first: a field this
edit sets that moved on the server since is a conflict for the person.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from tenktui.api.errors import NotFound
from tenktui.api.protocol import Backend
from tenktui.kinds.base import Landing, Outcome, Payload, RecordKind, Sending, same, values_of
from tenktui.records import TimeEntry
from tenktui.store import Store
from tenktui.store.describe import day_label, hours_label
from tenktui.store.outbox import OutboxRow
from tenktui.store.records import (
    ENTRY_COMPARED,
    ENTRY_EDITABLE,
    ENTRY_SHOWN,
    TIME_ENTRY_FIELDS,
    Records,
    stored_raw,
)

NATURAL_KEY = ("user_id", "assignable_id", "date")


class TimeEntryKind(RecordKind[TimeEntry]):
    name = "time_entry"
    fields = ENTRY_SHOWN
    counts_reconciled = True

    # -- creating ---------------------------------------------------------------
    def reconciles(self, row: OutboxRow) -> bool:
        return row.op == "create"

    def snapshot(self, records: Records, row: OutboxRow) -> list[int]:
        t = row.target
        return records.entry_ids_on(t["user_id"], t["assignable_id"], t["date"])

    async def create(self, backend: Backend, row: OutboxRow) -> TimeEntry:
        t = row.target
        return await backend.create_time_entry(
            t["user_id"],
            t["assignable_id"],
            dt.date.fromisoformat(t["date"]),
            t["hours"],
            task=t.get("task"),
            notes=t.get("notes"),
        )

    def answers(self, created: TimeEntry, row: OutboxRow) -> bool:
        sent = values_of(created, NATURAL_KEY)
        return all(same(sent[k], row.target.get(k)) for k in NATURAL_KEY) and self.matches(
            created, row
        )

    async def listed(self, backend: Backend, row: OutboxRow) -> list[TimeEntry]:
        t = row.target
        day = dt.date.fromisoformat(t["date"])
        return [
            entry
            async for entry in backend.iter_time_entries(
                t["user_id"], day, day, with_suggestions=False, with_approvals=False
            )
            if entry.assignable_id == t["assignable_id"]
        ]

    def matches(self, server: TimeEntry, row: OutboxRow) -> bool:
        values = values_of(server, ENTRY_EDITABLE)
        return all(same(values[k], row.target.get(k)) for k in ENTRY_EDITABLE)

    # -- changing ---------------------------------------------------------------
    async def change(self, ctx: Sending, row: OutboxRow) -> Outcome:
        if row.op == "update":
            return await self._update(ctx, row)
        return await self._delete(ctx, row)

    async def _update(self, ctx: Sending, row: OutboxRow) -> Outcome:
        entry_row = ctx.records.entry(row.local_id)
        if entry_row is None or entry_row["server_id"] is None:
            return Outcome.unsendable("The entry was never created on the server.")
        server = await self._server_copy(ctx, row)
        if server is None or self._conflicts(ctx, row, server):
            return Outcome.conflicted(server)
        there = values_of(server, row.target)
        if all(same(there[k], v) for k, v in row.target.items()):
            # Already there (our own earlier attempt landed, or the same edit elsewhere).
            return Outcome.landed(server, pushed=False)
        ctx.sending(row)
        updated = await ctx.backend.update_time_entry(
            entry_row["user_id"], entry_row["server_id"], **row.target
        )
        return Outcome.landed(updated)

    async def _delete(self, ctx: Sending, row: OutboxRow) -> Outcome:
        entry_row = ctx.records.entry(row.local_id)
        server_id = row.server_id or (entry_row and entry_row["server_id"])
        if server_id is None:
            # Its create never landed (reconciled as absent): nothing to delete.
            return Outcome.landed(pushed=False)
        server = await self._server_copy(ctx, row)
        if server is not None and self._conflicts(ctx, row, server):
            return Outcome.conflicted(server)
        if server is None:
            return Outcome.landed(pushed=False)
        ctx.sending(row)
        with contextlib.suppress(NotFound):  # already gone: the end state we wanted
            await ctx.backend.delete_time_entry(entry_row["user_id"], server_id)
        return Outcome.landed()

    async def _server_copy(self, ctx: Sending, row: OutboxRow) -> TimeEntry | None:
        """The server's current copy: from the pull that just ran, else fetched."""
        if row.theirs is not None:
            return None if row.theirs.get("deleted") else TimeEntry.from_api(row.theirs)
        entry_row = ctx.records.entry(row.local_id)
        server_id = row.server_id or (entry_row and entry_row["server_id"])
        user_id = entry_row["user_id"] if entry_row else row.target.get("user_id")
        try:
            return await ctx.backend.get_time_entry(user_id, server_id)
        except NotFound:
            return None

    def _conflicts(self, ctx: Sending, row: OutboxRow, server: TimeEntry) -> bool:
        """The server copy moved past the base on a field this edit sets to something else."""
        base = row.base or {}
        if server.updated_at == base.get("updated_at") and ctx.backend.capabilities.entry_stamps:
            return False
        fields = row.target.keys() if row.op == "update" else ENTRY_COMPARED
        theirs = values_of(server, fields)
        return any(
            not same(theirs[k], base.get(k)) and not same(theirs[k], row.target.get(k))
            for k in fields
            if k in base
        )

    # -- landing ------------------------------------------------------------------
    def land(self, store: Store, row: OutboxRow, server: Landing, *, shown: bool) -> None:
        if row.op == "delete":
            store.records.forget_entry(row.local_id)
            return
        assert isinstance(server, TimeEntry), "a create or update answers with the entry"
        if row.op == "create":
            if store.records.entry(row.local_id) is not None:
                store.cache.store_server_entry(row.local_id or 0, server)
        elif shown:
            store.cache.store_server_entry(row.local_id or 0, server)

    def rebase_base(self, server: Landing) -> Payload | None:
        if not isinstance(server, TimeEntry):
            return None
        return values_of(server, (*TIME_ENTRY_FIELDS, "updated_at"))

    # -- people -------------------------------------------------------------------
    def _entry(self, records: Records, row: OutboxRow) -> Payload:
        """The entry's fields as the edit sees them: the local copy, then the base."""
        local = records.entry(row.local_id) or {}
        return {**(row.base or {}), **{k: v for k, v in local.items() if v is not None}}

    def describe(self, records: Records, row: OutboxRow) -> str:
        t = row.target
        entry = (
            {**self._entry(records, row), **t} if row.op == "create" else self._entry(records, row)
        )
        where = f"on {records.label(entry.get('assignable_id'))}, {day_label(entry.get('date'))}"
        if row.op == "create":
            return f"Log {hours_label(t.get('hours'))} {where}"
        if row.op == "delete":
            hours = (row.base or {}).get("hours", entry.get("hours"))
            return f"Delete {hours_label(hours)} {where}"
        what = []
        if "hours" in t:
            what.append(f"hours to {hours_label(t['hours'])}")
        what += [k for k in ("task", "notes") if k in t]
        return f"Change {' and '.join(what) or 'entry'} {where}"

    def summary(self, records: Records, row: OutboxRow) -> str:
        source = {**(records.entry(row.local_id) or {}), **row.target}
        detail = f"{records.label(source.get('assignable_id'))} on {source.get('date')}"
        hours = source.get("hours")
        if row.op != "delete" and hours is not None:
            detail += f": {hours:g} h"
        return f"{row.op} time entry · {detail}"

    def mine(self, records: Records, row: OutboxRow) -> Payload:
        if row.op == "delete":
            return {}
        return {**(row.base or {}), **self._entry(records, row), **row.target}

    def theirs_note(self, row: OutboxRow) -> str | None:
        theirs = row.theirs or {"deleted": True}
        if theirs.get("deleted"):
            return "Theirs: deleted on the server."
        return f"Theirs: {theirs.get('hours', 0):g} h, notes {theirs.get('notes')!r}."

    # -- a person's decision ------------------------------------------------------
    def restore(self, store: Store, row: OutboxRow) -> None:
        local = store.records.entry(row.local_id)
        if local is None:
            return
        server = row.theirs if row.theirs and not row.theirs.get("deleted") else None
        server = server or stored_raw(local)
        if local["server_id"] is None or server is None:
            store.records.forget_entry(row.local_id)
        else:
            store.cache.store_server_entry(local["id"], TimeEntry.from_api(server))

    def keep_mine_gone(self, store: Store, row: OutboxRow) -> None:
        if row.op == "delete":
            store.records.forget_entry(row.local_id)
            store.outbox.mark_done(row.seq)
            return
        # Deleted on the server, kept by me: it is created again from my copy.
        local = store.records.entry(row.local_id)
        assert local is not None
        store.records.unlink_entry(row.local_id)
        store.outbox.recreate(row.seq, {k: local[k] for k in TIME_ENTRY_FIELDS})
