"""Time: ``log``, ``set``, ``week``, ``confirm`` and ``submit``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenktui.commands import EXIT_OK, CommandError
from tenktui.commands.context import Context
from tenktui.commands.dates import parse_day
from tenktui.commands.matching import find, not_found
from tenktui.commands.output import hours, table


def hours_arg(text: str) -> float:
    """HOURS as typed on the command line; refused (exit 2) with the store's message."""
    from tenktui.store import InvalidEdit, parse_hours

    try:
        return parse_hours(text)
    except InvalidEdit as err:
        raise CommandError(str(err)) from None


def _day(ctx: Context) -> dt.date:
    raw = getattr(ctx.args, "date", None)
    return parse_day(raw, ctx.today) if raw else ctx.today


async def assignable(ctx: Context, text: str) -> dict[str, Any]:
    """The assignable PROJECT names; a new project on the server is found after a sync."""
    found = find(ctx.store, text)
    if found is None and not ctx.synced and not getattr(ctx.args, "no_sync", False):
        await ctx.sync(reference=True)
        found = find(ctx.store, text)
    if found is None:
        raise not_found(ctx.store, text)
    return found


def day_remark(ctx: Context, day: dt.date) -> str:
    """A line saying so when the person's day now holds more than its capacity (allowed,
    but worth seeing), else nothing."""
    total = ctx.store.edits.day_hours(ctx.me(), day)
    found = ctx.store.queries.capacities(ctx.me(), day, day).get(day)
    capacity = found.capacity if found is not None else 0.0
    if total <= capacity + 0.005:
        return ""
    return f"\n{day:%a %Y-%m-%d} now holds {hours(total)} h, over its {hours(capacity)} h capacity."


def _entry_json(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    keys = ("id", "server_id", "assignable_id", "date", "hours", "task", "notes")
    return {k: entry.get(k) for k in keys}


async def run_log(ctx: Context) -> int:
    from tenktui.store.validation import display_name

    amount = hours_arg(ctx.args.hours)
    day = _day(ctx)
    await ctx.ready()
    me = ctx.me()
    target = await assignable(ctx, ctx.args.project)
    local_id, outcome = await ctx.edit(
        lambda: ctx.store.edits.create_entry(
            me, target["id"], day, amount, task=ctx.args.task, notes=ctx.args.notes
        )
    )
    entry = ctx.store.lookups.entry(local_id)
    label = display_name(target)
    return ctx.report(
        outcome,
        {"entry": _entry_json(entry), "project": label},
        f"Logged {hours(amount)} h on {label} for {day:%a %Y-%m-%d}." + day_remark(ctx, day),
    )


async def run_set(ctx: Context) -> int:
    from tenktui.store.validation import display_name

    amount = hours_arg(ctx.args.hours)
    day = _day(ctx)
    await ctx.ready()
    me = ctx.me()
    target = await assignable(ctx, ctx.args.project)
    several = ctx.store.edits.entries_in_cell(me, target["id"], day)
    if len(several) > 1:
        ids = ", ".join(str(e["id"]) for e in several)
        raise CommandError(
            f"This cell holds {len(several)} entries (ids {ids}): change each with tenktui edit "
            f"ID --hours H or tenktui rm ID (tenktui entries --date {day} lists them)."
        )
    _, outcome = await ctx.edit(lambda: ctx.store.edits.set_cell(me, target["id"], day, amount))
    entries = ctx.store.edits.entries_in_cell(me, target["id"], day)
    label = display_name(target)
    return ctx.report(
        outcome,
        {
            "project": label,
            "date": day,
            "hours": amount,
            "entries": [_entry_json(e) for e in entries],
        },
        f"Set {label} on {day:%a %Y-%m-%d} to {hours(amount)} h." + day_remark(ctx, day),
    )


# -- the week -------------------------------------------------------------------------


def _cell_text(cell: Any) -> str:
    from tenktui.store.marks import SUGGESTED, cell_mark

    if cell.entries:
        text = hours(cell.hours)
    elif cell.suggestion:
        text = f"{SUGGESTED}{hours(cell.suggestion)}"
    else:
        text = ""
    return (text + cell_mark(cell)).rstrip()


def _marks() -> list[tuple[str, str]]:
    """The app's marks and what they mean, without the app's key hints."""
    from tenktui.store.marks import LEGEND

    return [(mark, meaning.split(" (")[0].split(":")[0]) for mark, meaning in LEGEND]


def legend() -> str:
    """The line under ``week``'s grid."""
    return " · ".join(f"{mark} {meaning}" for mark, meaning in _marks())


def legend_help() -> str:
    """The marks as ``week --help`` lists them, with the commands that act on each."""
    width = max(len(mark) for mark, _ in _marks())
    lines = [f"  {mark.ljust(width)}  {meaning}" for mark, meaning in _marks()]
    return (
        "marks (the same as the app's):\n" + "\n".join(lines) + "\n\n"
        "tenktui confirm confirms suggestions; tenktui outbox lists what is waiting,\n"
        "refused or in conflict; tenktui entries --date D lists a day's entries."
    )


def grid_json(grid: Any, me: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "user": {"id": grid.user_id, "name": me and me["display_name"]},
        "week_start": grid.week_start,
        "week_end": grid.week_start + dt.timedelta(days=6),
        "total": grid.total,
        "capacity": grid.capacity,
        "approval": grid.approval,
        "days": [
            {"date": d.date, "capacity": d.capacity, "total": d.total, "holiday": d.holiday}
            for d in grid.days
        ],
        "rows": [
            {
                "assignable_id": r.assignable_id,
                "label": r.label,
                "kind": r.kind,
                "total": r.total,
                "suggested_total": r.suggested_total,
                "cells": [
                    {
                        "date": c.day,
                        "hours": c.hours,
                        "entries": c.entries,
                        "suggestion": c.suggestion,
                        "state": c.state,
                        "error": c.error,
                        "lock": c.lock,
                        "approval": c.approval,
                        "notes": c.notes,
                    }
                    for c in r.cells
                ],
            }
            for r in grid.rows
        ],
    }


def grid_text(grid: Any, me: dict[str, Any] | None) -> str:
    end = grid.week_start + dt.timedelta(days=6)
    who = f" · {me['display_name']}" if me else ""
    head = f"Week of {grid.week_start:%a %d %b %Y} – {end:%a %d %b}{who}"
    if grid.approval:
        head += f" · approval: {grid.approval}"
    headers = ["Project", *[f"{d.date:%a %d}" for d in grid.days], "Total"]
    rows: list[list[str]] = []
    for r in grid.rows:
        total = hours(r.total) if r.total else ""
        if r.suggested_total and not r.total:
            total = f"~{hours(r.suggested_total)}"
        rows.append([r.label, *[_cell_text(c) for c in r.cells], total])
    rows.append(["Total", *[hours(d.total) for d in grid.days], hours(grid.total)])
    rows.append(["Capacity", *[hours(d.capacity) for d in grid.days], hours(grid.capacity)])
    right = tuple(range(1, 9))
    holidays = [f"{d.date:%a %d}: {d.holiday}" for d in grid.days if d.holiday]
    parts = [head, "", table(headers, rows, right)]
    if holidays:
        parts.append("Holidays: " + "; ".join(holidays))
    if not grid.rows:
        parts.append("No time, suggestions or assignments this week.")
    parts.append(legend())
    return "\n".join(parts)


async def run_week(ctx: Context) -> int:
    from tenktui.store import week_start_for

    day = _day(ctx)
    await ctx.ready()
    grid = ctx.store.queries.week(ctx.me(), week_start_for(day, ctx.week_start))
    me = ctx.store.queries.me()
    data = grid_json(grid, me)
    data["sync"] = ctx.engine.state.describe() if ctx.synced else None
    ctx.out.result(data, grid_text(grid, me))
    return EXIT_OK


async def run_confirm(ctx: Context) -> int:
    from tenktui.store import week_start_for

    day = _day(ctx)
    if ctx.args.week:
        start = week_start_for(day, ctx.week_start)
        days = [start + dt.timedelta(days=i) for i in range(7)]
        span = f"the week of {start:%a %Y-%m-%d}"
    else:
        days = [day]
        span = f"{day:%a %Y-%m-%d}"
    await ctx.ready()
    me = ctx.me()
    count, outcome = await ctx.edit(lambda: ctx.store.edits.confirm_suggestions(me, days))
    if not count:
        ctx.out.result(
            {"confirmed": 0, "sync": "saved", "message": "Nothing to confirm.", "outbox": []},
            f"Nothing to confirm on {span}: no suggestions in empty, unlocked cells.",
        )
        return EXIT_OK
    return ctx.report(
        outcome,
        {"confirmed": count, "days": days},
        f"Confirmed {count} suggestion{'s' if count != 1 else ''} on {span}.",
    )


async def run_submit(ctx: Context) -> int:
    from tenktui.store import week_start_for

    start = week_start_for(_day(ctx), ctx.week_start)
    await ctx.ready()
    me = ctx.me()
    count, outcome = await ctx.edit(lambda: ctx.store.edits.submit_week(me, start))
    grid = ctx.store.queries.week(me, start)
    gap = round(grid.total - grid.capacity, 2)
    text = (
        f"Submitted {count} time entr{'ies' if count != 1 else 'y'} of the week of "
        f"{start:%a %Y-%m-%d} for approval."
    )
    if abs(gap) >= 0.01:
        text += (
            f"\nThe week holds {hours(grid.total)} h of its {hours(grid.capacity)} h capacity: "
            f"{hours(abs(gap))} h {'short' if gap < 0 else 'over'}."
        )
    return ctx.report(
        outcome,
        {
            "submitted": count,
            "week_start": start,
            "total": grid.total,
            "capacity": grid.capacity,
            "balance": "short" if gap <= -0.01 else "over" if gap >= 0.01 else "full",
        },
        text,
    )
