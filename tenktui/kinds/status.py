"""Presence statuses (ITO, WFH, …): a person's current status and message.

Calls on the backend: ``set_status``, ``current_status``. Setting one adds a
record on the server, so an answer that was lost is checked against the current
status before it is sent again.
"""

from __future__ import annotations

from typing import Any

from tenktui.api.errors import Ambiguous
from tenktui.kinds.base import Outcome, Payload, RecordKind, Sending, payload, same
from tenktui.store import Store
from tenktui.store.database import utc_now
from tenktui.store.outbox import OutboxRow, OutboxState
from tenktui.store.records import Records


class StatusKind(RecordKind):
    name = "status"

    async def change(self, ctx: Sending, row: OutboxRow) -> Outcome:
        user_id = row.local_id or 0
        if row.state == OutboxState.SENDING:
            current = await ctx.backend.current_status(user_id)
            if current is not None and self._matches(payload(current), row):
                return self._landed(payload(current), pushed=False)
        ctx.sending(row)
        try:
            status = await self._send(ctx, row)
        except Ambiguous:
            current = await ctx.backend.current_status(user_id)
            if current is None or not self._matches(payload(current), row):
                status = await self._send(ctx, row)
            else:
                status = current
        return self._landed(payload(status))

    async def _send(self, ctx: Sending, row: OutboxRow) -> Any:
        return await ctx.backend.set_status(
            row.local_id or 0, row.target["status"], row.target.get("message")
        )

    @staticmethod
    def _landed(status: Payload, *, pushed: bool = True) -> Outcome:
        return Outcome.landed(status, pushed=pushed, server_id=status.get("id"))

    @staticmethod
    def _matches(current: Payload, row: OutboxRow) -> bool:
        return current.get("status") == row.target["status"] and same(
            current.get("message"), row.target.get("message")
        )

    def land(self, store: Store, row: OutboxRow, server: Any, *, shown: bool) -> None:
        if shown:
            store.cache.upsert_statuses([(row.local_id or 0, server)], utc_now())

    def describe(self, records: Records, row: OutboxRow) -> str:
        message = row.target.get("message")
        return f"Set status {row.target.get('status')}" + (f': "{message}"' if message else "")

    def summary(self, records: Records, row: OutboxRow) -> str:
        message = row.target.get("message")
        return f"set status · {row.target.get('status')}" + (f" ({message})" if message else "")

    def restore(self, store: Store, row: OutboxRow) -> None:
        store.records.restore_status(row.local_id)
