"""What the client remembers between calls, so that rarely changing answers cost one
request: the hour kinds, each project's status labels, which project a ticket is in,
and the local day each timesheet row was last seen on; and the ids of (ticket, kind)
pairs and status labels (:mod:`.ids`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from tenktui.api.errors import ApiError, NotFound
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.ids import Ids
from tenktui.api.leantime.rpc import Call, JsonRpc
from tenktui.api.records import TimeEntry

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
# Sent with Timesheets.getAll: older servers default these filters to "only invoiced/paid".
NO_INVOICE_FILTERS = {"invEmpl": "-1", "invComp": "-1", "paid": "-1"}


class Lookups:
    """Caches filled by the first call that needs them (see the module docstring)."""

    def __init__(self, rpc: JsonRpc, zone: ZoneInfo, ids: Ids) -> None:
        self.rpc = rpc
        self.zone = zone
        self.ids = ids
        self.kinds: m.Kinds | None = None
        self.labels: dict[int, dict[int, m.Row]] = {}
        self.ticket_project: dict[int, int] = {}
        self.row_days: dict[int, dt.date] = {}  # timesheet row id -> its local day, as seen

    # -- hour kinds: asked for in the first batch that needs them -----------------------
    def with_kinds(self, calls: list[Call]) -> list[Call]:
        if self.kinds is None:
            return [Call("Timesheets.getLoggableHourTypes"), *calls]
        return calls

    def take_kinds(self, results: list[Any]) -> list[Any]:
        if self.kinds is None:
            kinds, *results = results
            if isinstance(kinds, ApiError):
                raise kinds
            names = kinds.keys() if isinstance(kinds, dict) else kinds
            self.kinds = m.Kinds(str(k) for k in names or ())
        return results

    async def kinds_known(self) -> m.Kinds:
        if self.kinds is None:
            self.take_kinds(await self.rpc.values(self.with_kinds([])))
        assert self.kinds is not None
        return self.kinds

    # -- tickets and their projects' labels ------------------------------------------
    async def labels_of(self, project_id: int) -> dict[int, m.Row]:
        labels = self.labels.get(project_id)
        if labels is None:
            result = await self.rpc.call("Tickets.getStatusLabels", {"projectId": project_id})
            labels = self.labels[project_id] = m.labels_from(result)
        return labels

    def remember(self, tickets: Sequence[m.Row]) -> None:
        for t in tickets:
            ticket = m.as_id(t.get("id")) if isinstance(t, dict) else None
            project = m.as_id(t.get("projectId")) if ticket is not None else None
            if ticket is not None and project is not None:
                self.ticket_project[ticket] = project

    async def ticket(self, ticket_id: int) -> m.Row:
        found = await self.rpc.call("Tickets.getTicket", {"id": ticket_id})
        if not isinstance(found, dict):
            raise NotFound(
                f"Ticket #{ticket_id} does not exist on the Leantime server, or this key may "
                "not see it.",
                route="RPC Tickets.getTicket",
            )
        self.remember([found])
        return found

    # -- timesheet rows ----------------------------------------------------------------
    def entry(self, row: Any, kinds: m.Kinds) -> TimeEntry:
        payload = m.time_entry(row, kinds, self.ids, self.zone) if isinstance(row, dict) else None
        if payload is None:
            raise NotFound("The time entry is not on the Leantime server (or of an unknown kind).")
        return TimeEntry.from_api(payload)

    def time_query(self, user_id: int, start: dt.date, end: dt.date, **extra: Any) -> Call:
        date_from, date_to = m.utc_range(start, end, self.zone)
        params = {
            "dateFrom": date_from,
            "dateTo": date_to,
            "projectId": -1,
            "kind": "all",
            "userId": user_id,
            **NO_INVOICE_FILTERS,
            **extra,
        }
        return Call("Timesheets.getAll", params)
