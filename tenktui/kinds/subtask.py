"""Subtasks: a checklist item under an assignment (``/projects/{p}/assignments/{a}``).

Calls on the backend: ``create_subtask``, ``iter_subtasks`` (a create's natural
key: the assignment), ``update_subtask``, ``delete_subtask``. A change sends
absolute values without a base check; a subtask gone from the server is a
conflict, and deleting one already gone is success.
"""

from __future__ import annotations

import contextlib

from tenktui.api.errors import NotFound
from tenktui.api.protocol import Backend
from tenktui.kinds.base import Landing, Outcome, Payload, RecordKind, Sending
from tenktui.records import Subtask
from tenktui.store import Store
from tenktui.store.outbox import OutboxRow
from tenktui.store.records import SUBTASK_FIELDS, Records


class SubtaskKind(RecordKind[Subtask]):
    name = "subtask"
    fields = SUBTASK_FIELDS

    def reconciles(self, row: OutboxRow) -> bool:
        return row.op == "create"

    def snapshot(self, records: Records, row: OutboxRow) -> list[int]:
        return records.subtask_ids_on(row.target["assignment_id"])

    async def create(self, backend: Backend, row: OutboxRow) -> Subtask:
        t = row.target
        return await backend.create_subtask(
            t["project_id"], t["assignment_id"], t["description"], completed=t["completed"]
        )

    async def listed(self, backend: Backend, row: OutboxRow) -> list[Subtask]:
        t = row.target
        return [s async for s in backend.iter_subtasks(t["project_id"], t["assignment_id"])]

    def matches(self, server: Subtask, row: OutboxRow) -> bool:
        return server.description == row.target["description"]

    async def change(self, ctx: Sending, row: OutboxRow) -> Outcome:
        sub = ctx.records.subtask(row.local_id)
        t = row.target
        if row.op == "delete":
            if sub is None or sub["server_id"] is None:
                return Outcome.landed(pushed=False)
            ctx.sending(row)
            with contextlib.suppress(NotFound):
                await ctx.backend.delete_subtask(
                    t["project_id"], t["assignment_id"], sub["server_id"]
                )
            return Outcome.landed()
        if sub is None or sub["server_id"] is None:
            return Outcome.unsendable("The subtask was never created on the server.")
        changes = {k: t[k] for k in SUBTASK_FIELDS if k in t}
        ctx.sending(row)
        try:
            updated = await ctx.backend.update_subtask(
                t["project_id"], t["assignment_id"], sub["server_id"], **changes
            )
        except NotFound:
            return Outcome.conflicted(None)
        return Outcome.landed(updated)

    def land(self, store: Store, row: OutboxRow, server: Landing, *, shown: bool) -> None:
        # Only the server's bookkeeping (id, stamp, raw) is written, never what people
        # see: it lands even under a newer edit.
        if row.op == "delete":
            store.records.forget_subtask(row.local_id)
            return
        assert isinstance(server, Subtask), "a create or update answers with the subtask"
        store.records.land_subtask(row.local_id, server, created=row.op == "create")

    def describe(self, records: Records, row: OutboxRow) -> str:
        t = row.target
        sub = records.subtask(row.local_id) or {}
        name = t.get("description") or sub.get("description") or "?"
        if row.op == "create":
            return f"Add subtask '{name}'"
        if row.op == "delete":
            return f"Delete subtask '{sub.get('description') or '?'}'"
        parts = []
        old = (row.base or {}).get("description")
        if "description" in t and old and old != t["description"]:
            parts.append(f"Rename '{old}' to '{t['description']}'")
            name = t["description"]
        if "completed" in t:
            parts.append(f"{'Tick' if t['completed'] else 'Untick'} '{name}'")
        return "; ".join(parts) or f"Change subtask '{name}'"

    def summary(self, records: Records, row: OutboxRow) -> str:
        t = row.target
        sub = records.subtask(row.local_id)
        text = t.get("description") or (sub and sub["description"]) or ""
        extra = ""
        if "completed" in t and row.op == "update":
            extra = " → done" if t["completed"] else " → not done"
        return f"{row.op} subtask · {text}{extra}"

    def mine(self, records: Records, row: OutboxRow) -> Payload:
        if row.op == "delete":
            return {}
        return {**(records.subtask(row.local_id) or {}), **row.target}

    def restore(self, store: Store, row: OutboxRow) -> None:
        store.records.restore_subtask(row.local_id)
