"""``export``: the person's confirmed time between two dates, as CSV or JSON.

Dates inside the synced window come from the cache, so they include edits not
sent yet (``state`` says so) and work offline; dates outside it are read from
the server (read-only, nothing is cached).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from tenktui.commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.context import Context
from tenktui.commands.dates import parse_day
from tenktui.text import clean

COLUMNS = (
    "date",
    "project",
    "project_code",
    "kind",
    "assignable_id",
    "hours",
    "task",
    "notes",
    "approval",
    "entry_id",
    "state",
)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell: text without control characters, and never read as a formula."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return clean(value)


def _label(assignables: dict[int, dict[str, Any]], assignable_id: int) -> tuple[str, Any, Any]:
    from tenktui.store.validation import display_name

    a = assignables.get(assignable_id)
    if a is None:
        return f"#{assignable_id}", None, None
    code = a["project_code"]
    if not code and a["parent_id"] and a["parent_id"] in assignables:
        code = assignables[a["parent_id"]]["project_code"]
    return display_name(a), code or None, a["kind"]


def _cached(ctx: Context, me: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    rows = ctx.store.lookups.entries_between(me, start, end)
    states = ctx.store.unsent.latest_states("time_entry")
    return [
        {
            "date": r["date"],
            "assignable_id": r["assignable_id"],
            "hours": r["hours"],
            "task": r["task"],
            "notes": r["notes"],
            "approval": r["approval_status"],
            "entry_id": r["server_id"],
            "state": {"sending": "pending"}.get(states.get(r["id"], ""), states.get(r["id"]))
            or "synced",
        }
        for r in rows
    ]


async def _fetched(ctx: Context, me: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    from tenktui.api.errors import ApiError

    found = []
    try:
        async for entry in ctx.session.backend.iter_time_entries(
            me, start, end, with_suggestions=False, with_approvals=True
        ):
            e = entry.raw
            if e.get("is_suggestion"):
                continue
            approvals = (e.get("approvals") or {}).get("data") or []
            latest = max(
                approvals, key=lambda a: (a.get("updated_at") or "", a["id"]), default=None
            )
            found.append(
                {
                    "date": e["date"],
                    "assignable_id": e["assignable_id"],
                    "hours": float(e.get("hours") or 0),
                    "task": e.get("task"),
                    "notes": e.get("notes"),
                    "approval": latest and latest.get("status"),
                    "entry_id": e["id"],
                    "state": "synced",
                }
            )
    except ApiError as err:
        raise CommandError(
            f"Time from {start} to {end} is outside the synced window and the server could not "
            f"be read: {err.message}",
            EXIT_FAILURE,
        ) from None
    return found


async def _fetch_unknown(
    ctx: Context, assignables: dict[int, dict[str, Any]], wanted: set[int]
) -> None:
    """Names of projects the cache does not hold (archived ones): asked once each, best
    effort; offline, the export names them ``#id``."""
    from tenktui.api.errors import ApiError

    for assignable_id in sorted(wanted - set(assignables)):
        try:
            a = (await ctx.session.backend.get_assignable(assignable_id)).raw
        except ApiError:
            return
        kind = "leave" if a.get("type") == "LeaveType" else "phase" if a.get("parent_id") else ""
        assignables[assignable_id] = {
            "id": assignable_id,
            "kind": kind or "project",
            "name": a.get("name") or "",
            "phase_name": a.get("phase_name"),
            "parent_id": a.get("parent_id"),
            "project_code": a.get("project_code"),
        }


async def run_export(ctx: Context) -> int:
    from tenktui.sync.window import Window

    args = ctx.args
    start, end = parse_day(args.start, ctx.today), parse_day(args.end, ctx.today)
    if end < start:
        raise CommandError(f"--to ({end}) is before --from ({start}).", EXIT_USAGE)
    fmt = "json" if args.json else args.format
    await ctx.ready()
    me = ctx.me()
    lo, hi = Window(ctx.profile.window_weeks_back, ctx.profile.window_weeks_ahead).around(ctx.today)
    entries: list[dict[str, Any]] = []
    if start <= hi and end >= lo:
        entries += _cached(ctx, me, max(start, lo), min(end, hi))
    one_day = dt.timedelta(days=1)
    if start < lo:
        entries += await _fetched(ctx, me, start, min(end, lo - one_day))
    if end > hi:
        entries += await _fetched(ctx, me, max(start, hi + one_day), end)
    assignables = {a["id"]: a for a in ctx.store.lookups.assignables()}
    await _fetch_unknown(ctx, assignables, {e["assignable_id"] for e in entries})
    for e in entries:
        e["project"], e["project_code"], e["kind"] = _label(assignables, e["assignable_id"])
    entries.sort(key=lambda e: (e["date"], e["project"], e["entry_id"] or 0))
    records = [{k: e[k] for k in COLUMNS} for e in entries]
    if fmt == "json":
        total = round(sum(e["hours"] for e in records), 2)
        doc = {"from": start.isoformat(), "to": end.isoformat(), "total_hours": total}
        print(json.dumps({**doc, "entries": records}, indent=2, ensure_ascii=False))
        return EXIT_OK
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in r.items()} for r in records)
    print(buffer.getvalue(), end="", flush=True)
    return EXIT_OK
