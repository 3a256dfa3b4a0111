"""Assignment statuses: moving one of the person's assignments to a status option.

Calls on the backend: ``set_assignment_status``. It sets an absolute value on an
existing record, so it is safe to send again after a crash; an assignment gone
from the server is a conflict.
"""

from __future__ import annotations

from tenktui.api.errors import NotFound
from tenktui.kinds.base import Landing, Outcome, RecordKind, Sending
from tenktui.records import Assignment
from tenktui.store import Store
from tenktui.store.outbox import OutboxRow
from tenktui.store.records import Records


class AssignmentKind(RecordKind[Assignment]):
    name = "assignment"

    async def change(self, ctx: Sending, row: OutboxRow) -> Outcome:
        ctx.sending(row)
        try:
            updated = await ctx.backend.set_assignment_status(
                row.target["user_id"], row.local_id, row.target["status_option_id"]
            )
        except NotFound:
            return Outcome.conflicted(None)
        return Outcome.landed(updated)

    def land(self, store: Store, row: OutboxRow, server: Landing, *, shown: bool) -> None:
        if shown:
            assert isinstance(server, Assignment), "a status change answers with the assignment"
            store.records.land_assignment(row.local_id, server)

    def describe(self, records: Records, row: OutboxRow) -> str:
        name = records.assignment_name(row.local_id) or f"#{row.local_id}"
        option = records.status_option_label(row.target.get("status_option_id"))
        return f"Set '{name}' to {option or 'no status'}"
