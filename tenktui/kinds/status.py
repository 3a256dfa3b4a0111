"""Presence statuses (ITO, WFH, …): a person's current status and message.

Calls on the backend: ``set_status``, ``current_status``. Setting one adds a
record on the server, so an answer that was lost is checked against the current
status before it is sent again.
"""

from __future__ import annotations

from tenktui.api.errors import Ambiguous
from tenktui.kinds.base import Landing, Outcome, RecordKind, Sending, same
from tenktui.records import Status
from tenktui.store import Store
from tenktui.store.database import utc_now
from tenktui.store.outbox import OutboxRow, OutboxState
from tenktui.store.records import Records


class StatusKind(RecordKind[Status]):
    name = "status"

    async def change(self, ctx: Sending, row: OutboxRow) -> Outcome:
        user_id = row.local_id or 0
        if row.state == OutboxState.SENDING:
            current = await ctx.backend.current_status(user_id)
            if current is not None and self._matches(current, row):
                return self._landed(current, pushed=False)
        ctx.sending(row)
        try:
            status = await self._send(ctx, row)
        except Ambiguous:
            current = await ctx.backend.current_status(user_id)
            if current is None or not self._matches(current, row):
                status = await self._send(ctx, row)
            else:
                status = current
        return self._landed(status)

    async def _send(self, ctx: Sending, row: OutboxRow) -> Status:
        return await ctx.backend.set_status(
            row.local_id or 0, row.target["status"], row.target.get("message")
        )

    @staticmethod
    def _landed(status: Status, *, pushed: bool = True) -> Outcome:
        return Outcome.landed(status, pushed=pushed, server_id=status.id)

    @staticmethod
    def _matches(current: Status, row: OutboxRow) -> bool:
        return current.status == row.target["status"] and same(
            current.message, row.target.get("message")
        )

    def land(self, store: Store, row: OutboxRow, server: Landing, *, shown: bool) -> None:
        if shown:
            assert isinstance(server, Status), "setting a status answers with the status"
            store.cache.upsert_statuses([(row.local_id or 0, server)], utc_now())

    def describe(self, records: Records, row: OutboxRow) -> str:
        message = row.target.get("message")
        return f"Set status {row.target.get('status')}" + (f': "{message}"' if message else "")

    def summary(self, records: Records, row: OutboxRow) -> str:
        message = row.target.get("message")
        return f"set status · {row.target.get('status')}" + (f" ({message})" if message else "")

    def restore(self, store: Store, row: OutboxRow) -> None:
        store.records.restore_status(row.local_id)
