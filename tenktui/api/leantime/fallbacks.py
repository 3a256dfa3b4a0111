"""The calls that differ between Leantime versions, each behind one method.

Chosen by the version the probe found (``getTimesheet`` and ``patchTicket`` exist
from 3.9) and, where a server still lacks a method, by falling back once it
answers -32601 (``deleteTime`` exists from 3.6; before, an ``upsertTime`` of 0
hours, which Leantime purges).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from tenktui.api.errors import ApiError, NotFound, Unsupported
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.lookups import EARLIEST, LATEST, Lookups
from tenktui.api.leantime.probe import Identity
from tenktui.api.leantime.rpc import Call, JsonRpc


class Fallbacks:
    """Reading a row, patching a ticket and deleting time on any supported version."""

    def __init__(self, rpc: JsonRpc, identity: Identity, lookups: Lookups, zone: ZoneInfo) -> None:
        self.rpc = rpc
        self.identity = identity
        self.lookups = lookups
        self.zone = zone
        self._delete_time = True  # Timesheets.deleteTime exists (3.6 and later)
        self._patch: str | None = None  # Tickets.patchTicket (3.9) or Tickets.patch

    async def timesheet_row(self, user_id: int, entry_id: int) -> m.Row | None:
        """One timesheet row as the server has it, ``None`` when it is gone.
        ``getTimesheet`` exists from 3.9.0 only; before, the person's rows of the day
        the row was last seen on (or of every day) are read and the id picked out."""
        await self.identity.probe()
        if self.identity.modern:
            row = await self.rpc.call("Timesheets.getTimesheet", {"id": entry_id})
            return row if isinstance(row, dict) else None
        day = self.lookups.row_days.get(entry_id)
        start, end = (day, day) if day is not None else (EARLIEST, LATEST)
        rows = await self.rpc.call(
            "Timesheets.getAll", self.lookups.time_query(user_id, start, end).params
        )
        found = next(
            (r for r in rows or [] if isinstance(r, dict) and m.as_int(r.get("id")) == entry_id),
            None,
        )
        if found is None and day is not None:  # moved or gone: look everywhere once
            self.lookups.row_days.pop(entry_id, None)
            return await self.timesheet_row(user_id, entry_id)
        return found

    async def patch_and_read(self, ticket_id: int, values: dict[str, Any]) -> m.Row:
        """A partial ticket update (``patchTicket`` on 3.9, ``patch`` before), read back."""
        if self._patch is None:
            await self.identity.probe()
            self._patch = "Tickets.patchTicket" if self.identity.modern else "Tickets.patch"
        for _ in range(2):
            key = "values" if self._patch == "Tickets.patchTicket" else "params"
            done, row = await self.rpc.batch(
                [
                    Call(self._patch, {"id": ticket_id, key: values}),
                    Call("Tickets.getTicket", {"id": ticket_id}),
                ]
            )
            if isinstance(done, Unsupported):
                self._patch = (
                    "Tickets.patch"
                    if self._patch == "Tickets.patchTicket"
                    else "Tickets.patchTicket"
                )
                continue
            if isinstance(done, ApiError):
                raise done
            if done is False or not isinstance(row, dict):
                raise NotFound(f"Ticket #{ticket_id} is no longer on the Leantime server.")
            self.lookups.remember([row])
            return row
        raise Unsupported("This Leantime server offers neither Tickets.patchTicket nor patch.")

    async def delete_row(self, user_id: int, entry_id: int) -> None:
        """``deleteTime`` (3.6 and later); before, ``upsertTime`` with 0 hours, which
        Leantime purges. ``NotFound`` when the row is already gone."""
        if self._delete_time:
            try:
                deleted = await self.rpc.call("Timesheets.deleteTime", {"id": entry_id})
            except Unsupported:
                self._delete_time = False
            else:
                if deleted is False:
                    raise NotFound("The time entry is already gone.", route="RPC deleteTime")
                return
        row = await self.timesheet_row(user_id, entry_id)
        if row is None:
            raise NotFound("The time entry is already gone.", route="RPC Timesheets.getAll")
        work = m.parse_moment(row["workDate"])
        assert work is not None
        params = {
            "hours": 0,
            "kind": row["kind"],
            "userId": int(row["userId"]),
            "timestamp": int(work.timestamp()),
            "date": work.astimezone(self.zone).date().isoformat(),
        }
        await self.rpc.call(
            "Timesheets.upsertTime", {"ticketId": int(row["ticketId"]), "params": params}
        )
