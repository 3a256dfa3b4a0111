"""Approvals: submitting a person's week of time for approval.

Calls on the backend: ``submit_for_approval`` (each entry with the ``updated_at``
it was read at, so the server checks the base), ``iter_time_entries`` with
approvals (what the server shows as submitted, and why it left some out).
"""

from __future__ import annotations

import datetime as dt

from tenktui.api.errors import Ambiguous
from tenktui.kinds.base import Landing, Outcome, Payload, RecordKind, Sending
from tenktui.records import Approval, Record, TimeEntry
from tenktui.store import Store
from tenktui.store.describe import day_label, hours_label
from tenktui.store.outbox import OutboxRow, OutboxState
from tenktui.store.records import Records


class ApprovalKind(RecordKind[Approval]):
    name = "approval"

    async def change(self, ctx: Sending, row: OutboxRow) -> Outcome:
        entries = ctx.records.submittable(row.target["entries"])
        if not entries:
            return Outcome.landed(pushed=False)
        if row.state == OutboxState.SENDING:
            entries = await self._unsubmitted(ctx, row, entries)
        ctx.sending(row)
        try:
            approvals = await self._submit(ctx, entries)
        except Ambiguous:
            # The server refuses a second submission rather than doubling it, so send
            # again only what it does not show as submitted.
            entries = await self._unsubmitted(ctx, row, entries)
            approvals = await self._submit(ctx, entries) if entries else []
        by_entry = {a.approvable_id: a for a in approvals}
        landed = [
            (e["id"], by_entry[e["server_id"]]) for e in entries if e["server_id"] in by_entry
        ]
        left_out = [e for e in entries if e["server_id"] not in by_entry]
        if not left_out:
            return Outcome.landed(landed)
        # A server may take part of a submission and leave the rest out unsaid: only
        # what it answered for is pending; the person is told about the rest.
        reason = await self._why_left_out(ctx, row, left_out)
        return Outcome.partly(landed, reason)

    @staticmethod
    async def _submit(ctx: Sending, entries: list[Payload]) -> list[Approval]:
        return await ctx.backend.submit_for_approval(
            [(e["server_id"], e["updated_at"]) for e in entries]
        )

    async def _why_left_out(self, ctx: Sending, row: OutboxRow, left_out: list[Payload]) -> str:
        """Which entries the server did not submit, and why, as far as it shows."""
        served = {e.id: e for e in await self._served_week(ctx, row)}
        parts = []
        for e in left_out:
            local = ctx.records.entry(e["id"]) or {}
            server = served.get(e["server_id"])
            if server is None:
                why = "it is no longer on the server"
            elif any(a.status == "approved" for a in server.approvals or ()):
                why = "it is already approved"
            elif server.updated_at != e["updated_at"]:
                why = "it changed on the server since it was read; sync and submit again"
            else:
                why = "the server did not say why"
            parts.append(
                f"{ctx.records.label(local.get('assignable_id'))}, {day_label(local.get('date'))}, "
                f"{hours_label(local.get('hours'))}: {why}"
            )
        return "Not submitted: " + "; ".join(parts) + "."

    async def _unsubmitted(
        self, ctx: Sending, row: OutboxRow, entries: list[Payload]
    ) -> list[Payload]:
        """The entries the server does not yet show with a pending or approved approval."""
        submitted = set()
        for e in await self._served_week(ctx, row):
            if any(a.status in ("pending", "approved") for a in e.approvals or ()):
                submitted.add(e.id)
        return [e for e in entries if e["server_id"] not in submitted]

    async def _served_week(self, ctx: Sending, row: OutboxRow) -> list[TimeEntry]:
        """The submitted week's entries as the server shows them, with their approvals."""
        start = dt.date.fromisoformat(row.target["week_start"])
        return [
            entry
            async for entry in ctx.backend.iter_time_entries(
                row.target["user_id"],
                start,
                start + dt.timedelta(days=6),
                with_suggestions=False,
                with_approvals=True,
            )
        ]

    def land(self, store: Store, row: OutboxRow, server: Landing, *, shown: bool) -> None:
        assert not isinstance(server, Record), "a submission lands each entry's approval"
        for local_id, approval in server or []:
            store.records.land_approval(local_id, approval.id, approval.status or "pending")

    def describe(self, records: Records, row: OutboxRow) -> str:
        start = row.target.get("week_start")
        count = len(row.target.get("entries") or [])
        day = dt.date.fromisoformat(start) if start else None
        week = f"{day.day} {day:%b}" if day else "?"
        return f"Submit week of {week} ({count} entr{'y' if count == 1 else 'ies'})"

    def summary(self, records: Records, row: OutboxRow) -> str:
        t = row.target
        return f"submit week of {t.get('week_start')} · {len(t.get('entries', []))} entries"

    def restore(self, store: Store, row: OutboxRow) -> None:
        store.records.unmark_submitting(row.target.get("entries", []))
