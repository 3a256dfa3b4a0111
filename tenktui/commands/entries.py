"""Single time entries from the shell: ``entries``, ``edit``, ``rm`` and ``copy-week``.

Entry ids are this machine's (an entry logged offline has one at once), as
``log --json`` and ``entries`` print them.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from tenktui.commands import EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.context import Context
from tenktui.commands.dates import parse_day
from tenktui.commands.output import hours, table
from tenktui.commands.time import day_remark, hours_arg
from tenktui.store.states import OPEN_SQL


def _day(ctx: Context) -> dt.date:
    raw = getattr(ctx.args, "date", None)
    return parse_day(raw, ctx.today) if raw else ctx.today


def _state(ctx: Context, local_id: int) -> str | None:
    """The entry's unfinished outbox state, as ``outbox`` shows it (``None``: in step)."""
    state = ctx.store.database.scalar(
        "SELECT state FROM outbox WHERE kind = 'time_entry' AND local_id = ? "
        f"AND state IN {OPEN_SQL} ORDER BY seq DESC LIMIT 1",
        (local_id,),
    )
    return "pending" if state == "sending" else state


def entry_json(ctx: Context, entry: dict[str, Any]) -> dict[str, Any]:
    from tenktui.store.validation import display_name

    assignable = ctx.store.queries.assignable(entry["assignable_id"])
    return {
        "id": entry["id"],
        "server_id": entry["server_id"],
        "assignable_id": entry["assignable_id"],
        "project": display_name(assignable) if assignable else f"#{entry['assignable_id']}",
        "date": entry["date"],
        "hours": entry["hours"],
        "task": entry["task"],
        "notes": entry["notes"],
        "state": _state(ctx, entry["id"]),
        "approval": entry["approval_status"],
    }


def _entry(ctx: Context, local_id: int, me: int) -> dict[str, Any]:
    row = ctx.store.database.row(
        "SELECT * FROM time_entries WHERE id = ? AND user_id = ? AND deleted = 0", (local_id, me)
    )
    if row is None:
        raise CommandError(
            f"No time entry {local_id} of yours here: tenktui entries --date D lists a day's "
            "entries with their ids.",
            EXIT_USAGE,
        )
    return row


async def run_entries(ctx: Context) -> int:
    from tenktui.store.marks import STATE_MARKS

    day = _day(ctx)
    await ctx.ready()
    me = ctx.me()
    rows = ctx.store.database.rows(
        "SELECT * FROM time_entries WHERE user_id = ? AND date = ? AND deleted = 0 ORDER BY id",
        (me, day.isoformat()),
    )
    items = [entry_json(ctx, r) for r in rows]
    total = round(sum(e["hours"] for e in items), 2)
    lines = [
        [
            e["id"],
            e["project"],
            hours(e["hours"]) + STATE_MARKS.get(e["state"] or "", ""),
            e["task"] or "",
            e["notes"] or "",
        ]
        for e in items
    ]
    head = f"{day:%a %Y-%m-%d}: {hours(total)} h"
    body = (
        table(["ID", "Project", "Hours", "Task", "Notes"], lines, right=(0, 2))
        if lines
        else "No time entries."
    )
    ctx.out.result({"date": day, "total": total, "entries": items}, f"{head}\n\n{body}")
    return EXIT_OK


async def run_edit(ctx: Context) -> int:
    args = ctx.args
    changes: dict[str, Any] = {}
    if args.hours is not None:
        changes["hours"] = hours_arg(args.hours)
    for name in ("task", "notes"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value or None
    if not changes:
        raise CommandError("Nothing to change: give --hours, --task and/or --notes.", EXIT_USAGE)
    await ctx.ready()
    entry = _entry(ctx, args.entry_id, ctx.me())
    _, outcome = await ctx.edit(lambda: ctx.store.edits.update_entry(entry["id"], **changes))
    after = ctx.store.database.row(
        "SELECT * FROM time_entries WHERE id = ? AND deleted = 0", (entry["id"],)
    )
    day = dt.date.fromisoformat(entry["date"])
    if after is None:
        text = f"Removed entry {entry['id']} ({hours(entry['hours'])} h on {day:%a %Y-%m-%d})."
        data: dict[str, Any] = {"entry": None, "removed": entry["id"]}
    else:
        data = {"entry": entry_json(ctx, after)}
        text = f"Entry {entry['id']} on {day:%a %Y-%m-%d} now holds {hours(after['hours'])} h."
    text += day_remark(ctx, day)
    return ctx.report(outcome, data, text)


async def run_rm(ctx: Context) -> int:
    await ctx.ready()
    entry = _entry(ctx, ctx.args.entry_id, ctx.me())
    shown = entry_json(ctx, entry)
    _, outcome = await ctx.edit(lambda: ctx.store.edits.delete_entry(entry["id"]))
    return ctx.report(
        outcome,
        {"removed": shown},
        f"Removed entry {entry['id']}: {hours(entry['hours'])} h on {shown['project']} "
        f"for {dt.date.fromisoformat(entry['date']):%a %Y-%m-%d}.",
    )


# -- copy last week's hours -------------------------------------------------------------


def _ask(question: str) -> bool | None:
    """``True`` for yes, ``False`` for no, ``None`` when nobody answers (no input)."""
    print(question, end=" ", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print("", file=sys.stderr)
        return None
    return answer.strip().lower() in ("y", "yes")


async def run_copy_week(ctx: Context) -> int:
    from tenktui.store import week_start_for

    start = week_start_for(_day(ctx), ctx.week_start)
    source = start - dt.timedelta(days=7)
    await ctx.ready()
    me = ctx.me()
    kept, skipped = ctx.store.edits.week_to_copy(me, source, start)
    total = round(sum(c["hours"] for c in kept), 2)
    data: dict[str, Any] = {
        "from": source,
        "to": start,
        "total": total,
        "copies": [
            {
                "assignable_id": c["assignable_id"],
                "project": c["label"],
                "date": c["date"],
                "hours": c["hours"],
            }
            for c in kept
        ],
        "skipped": skipped,
    }
    span = f"the week of {source:%a %Y-%m-%d} into the week of {start:%a %Y-%m-%d}"
    left_out = "".join(f"\n  left out: {s}" for s in skipped)
    if not kept:
        ctx.out.result(
            {**data, "sync": "saved", "message": "Nothing to copy.", "outbox": []},
            f"Nothing to copy from {span}.{left_out}",
        )
        return EXIT_OK
    if not ctx.args.yes:
        cells = f"{len(kept)} entr{'ies' if len(kept) != 1 else 'y'}"
        answer = _ask(f"Copy {hours(total)} h ({cells}) from {span}?{left_out}\n[y/N]")
        if answer is None:
            raise CommandError("No answer: nothing copied (--yes copies without asking).")
        if not answer:
            ctx.out.result(
                {**data, "copies": [], "total": 0, "sync": "saved", "message": "Not copied."},
                "Nothing copied.",
            )
            return EXIT_OK

    def queue() -> None:
        ctx.store.edits.copy_week(me, kept)

    _, outcome = await ctx.edit(queue)
    return ctx.report(
        outcome, data, f"Copied {hours(total)} h ({len(kept)} entries) from {span}.{left_out}"
    )
