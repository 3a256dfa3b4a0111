"""Time: the person's timesheet rows as 10,000ft-shaped time entries.

Hours are written with ``upsertTime`` (it overwrites, so a resend is harmless); it
never writes a description, so new time with notes goes out with ``logTime`` on an
empty cell, and notes of time already logged cannot change. Work dates go out as
the epoch of the day's local midnight in the profile's timezone. Every write first
checks that the hours would land on the person (:meth:`.probe.Identity.check_can_log_for`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from tenktui.api.errors import ApiError, Rejected
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.lookups import EARLIEST, LATEST
from tenktui.api.leantime.rpc import Call
from tenktui.api.leantime.site import Site, check_fields
from tenktui.api.records import TimeEntry, parse_record

log = logging.getLogger("tenktui.api")

TIME_ENTRY_FIELDS = frozenset(TimeEntry.WRITABLE)
NOTES_FIXED = (
    "Leantime's API cannot change the notes of time already logged (upsertTime keeps "
    "them as they are); change them in Leantime's timesheet, or delete the entry and log "
    "it again with the new notes."
)


class Timesheets:
    """Reading and writing one person's time on one site."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.rpc = site.rpc
        self.lookups = site.lookups

    async def _check_can_log_for(self, user_id: int) -> None:
        site = self.site
        await site.identity.check_can_log_for(await site.people.user(user_id))

    async def iter_time_entries(
        self,
        user_id: int,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        sort_field: str | None = None,
        sort_order: str | None = None,
    ) -> AsyncIterator[TimeEntry]:
        """The person's timesheet rows on local days ``start``..``end``."""
        lookups = self.lookups
        query = lookups.time_query(user_id, start or EARLIEST, end or LATEST)
        (rows,) = lookups.take_kinds(await self.rpc.values(lookups.with_kinds([query])))
        kinds = lookups.kinds
        assert kinds is not None
        entries = []
        for row in rows or []:
            payload = (
                m.time_entry(row, kinds, lookups.ids, self.site.zone)
                if isinstance(row, dict)
                else None
            )
            if payload is None:
                log.warning("skipping a Leantime timesheet row of unknown kind or date")
                continue
            entries.append(payload)
            lookups.row_days[payload["id"]] = dt.date.fromisoformat(payload["date"])
        if sort_field == "updated":
            entries.sort(
                key=lambda e: (e["updated_at"] or "", e["id"]), reverse=sort_order == "desc"
            )
        for payload in entries:
            entry = parse_record(TimeEntry, payload, "RPC Timesheets")
            if entry is not None:
                yield entry

    async def get_time_entry(self, user_id: int, entry_id: int) -> TimeEntry:
        kinds = await self.lookups.kinds_known()
        return self.lookups.entry(await self.site.fallbacks.timesheet_row(user_id, entry_id), kinds)

    async def create_time_entry(
        self,
        user_id: int,
        assignable_id: int,
        date: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> TimeEntry:
        """Set the day's hours on the (ticket, kind) with ``upsertTime``.

        Leantime keeps one row per person, ticket, day and kind. A row already there
        with the same hours and notes is returned as it is (an earlier attempt of
        ours landed); one with other values is refused rather than overwritten.
        """
        if task:
            raise Rejected("Leantime time has no task field; put it in the notes instead.")
        await self._check_can_log_for(user_id)
        lookups, zone = self.lookups, self.site.zone
        kinds = await lookups.kinds_known()
        found = lookups.ids.ticket_and_kind(assignable_id, kinds.by_slot)
        if found is None or kinds.slot(found[1]) is None:
            raise Rejected(f"{assignable_id} is not a Leantime ticket and hour kind.")
        ticket_id, kind = found
        work = m.local_midnight(date, zone)
        query = lookups.time_query(user_id, date, date, kind=kind, ticketFilter=str(ticket_id))

        def same_cell(rows: Any) -> list[m.Row]:
            return [
                r
                for r in rows or []
                if isinstance(r, dict)
                and m.as_id(r.get("ticketId")) == ticket_id
                and r.get("kind") == kind
                and m.parse_moment(r.get("workDate")) == work.astimezone(dt.UTC)
                and m.as_int(r.get("userId")) == user_id
            ]

        existing = same_cell(await self.rpc.call("Timesheets.getAll", query.params))
        if existing:
            row = existing[0]
            if abs((m.as_float(row.get("hours")) or 0.0) - float(hours)) < 0.005 and (
                (row.get("description") or None) == (notes or None)
            ):
                return lookups.entry(row, kinds)
            raise Rejected(
                f"Leantime keeps one entry per ticket, kind and day, and this one already "
                f"holds {float(row['hours']):g} h on the server. Refresh and change that entry "
                "instead."
            )
        params = {
            "hours": hours,
            "kind": kind,
            "userId": user_id,
            "timestamp": m.midnight_epoch(date, zone),
            "date": date.isoformat(),  # required by some servers; the timestamp decides
        }
        # upsertTime never writes a description (its repository upserts hours only); logTime
        # does, and on an empty cell (checked just above) it adds to nothing.
        write = "Timesheets.upsertTime"
        if notes:
            write, params["description"] = "Timesheets.logTime", notes
        done, rows = await self.rpc.batch(
            [Call(write, {"ticketId": ticket_id, "params": params}), query]
        )
        if isinstance(done, ApiError):
            raise done
        if isinstance(rows, ApiError):
            raise rows
        landed = same_cell(rows)
        if not landed:
            raise Rejected(
                "Leantime accepted the time but does not show it for this person: the key "
                "may log time only for its own user. Use a key with the manager role, or "
                "your personal access token."
            )
        return lookups.entry(landed[0], kinds)

    async def update_time_entry(self, user_id: int, entry_id: int, **fields: Any) -> TimeEntry:
        """Overwrite hours and/or notes of the row with ``upsertTime`` on its own key."""
        check_fields(fields, TIME_ENTRY_FIELDS, "time entry")
        if fields.get("task"):
            raise Rejected("Leantime time has no task field; put it in the notes instead.")
        lookups, fallbacks = self.lookups, self.site.fallbacks
        kinds = await lookups.kinds_known()
        row = await fallbacks.timesheet_row(user_id, entry_id)
        current = lookups.entry(row, kinds)
        assert row is not None
        await self._check_can_log_for(int(row["userId"]))
        if ("date" in fields and _as_date(fields["date"]) != current.date) or (
            "assignable_id" in fields and int(fields["assignable_id"]) != current.assignable_id
        ):
            raise Rejected(
                "Leantime cannot move time to another day or ticket; delete the entry and "
                "log it again there."
            )
        if "notes" in fields and (fields["notes"] or None) != (current.notes or None):
            raise Rejected(NOTES_FIXED)
        hours = float(fields.get("hours", row["hours"]))
        if hours <= 0:
            raise Rejected("Leantime time needs more than 0 hours; delete the entry instead.")
        work = m.parse_moment(row["workDate"])
        assert work is not None and current.date is not None
        params: dict[str, Any] = {
            "hours": hours,
            "kind": row["kind"],
            "userId": int(row["userId"]),
            "timestamp": int(work.timestamp()),  # the row's own key, whatever its time of day
            "date": current.date.isoformat(),
        }
        await self.rpc.call(
            "Timesheets.upsertTime", {"ticketId": int(row["ticketId"]), "params": params}
        )
        return lookups.entry(await fallbacks.timesheet_row(user_id, entry_id), kinds)

    async def delete_time_entry(self, user_id: int, entry_id: int) -> None:
        """Delete the row (see :meth:`.fallbacks.Fallbacks.delete_row`); ``NotFound``
        when it is already gone."""
        # 3.9 answers a refused deleteTime like a missing row: refuse before asking.
        await self._check_can_log_for(user_id)
        await self.site.fallbacks.delete_row(user_id, entry_id)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
