"""Assignments and their subtasks: ``assignments`` and ``subtasks …``.

Subtask ids are this machine's (a subtask added offline has one at once);
assignment ids are the server's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenktui.commands import EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.context import Context
from tenktui.commands.dates import parse_day
from tenktui.commands.output import hours, table


def _allocation(a: dict[str, Any]) -> str:
    mode = a.get("allocation_mode")
    if mode == "percent" and a.get("percent") is not None:
        return f"{a['percent'] * 100:g}%"
    if mode == "hours_per_day" and a.get("hours_per_day") is not None:
        return f"{hours(a['hours_per_day'])} h/day"
    if mode == "fixed" and a.get("fixed_hours") is not None:
        return f"{hours(a['fixed_hours'])} h total"
    return mode or ""


def _assignment_json(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": a["id"],
        "assignable_id": a["assignable_id"],
        "label": a["label"],
        "kind": a["kind"],
        "starts_at": a["starts_at"],
        "ends_at": a["ends_at"],
        "allocation_mode": a["allocation_mode"],
        "percent": a["percent"],
        "hours_per_day": a["hours_per_day"],
        "fixed_hours": a["fixed_hours"],
        "status": a["status_label"],
        "description": a["description"],
        "subtasks_done": a["subtasks_done"],
        "subtasks_total": a["subtasks_total"],
    }


async def run_assignments(ctx: Context) -> int:
    from tenktui.store import week_start_for
    from tenktui.store.load import day_loads

    args = ctx.args
    start = parse_day(args.start, ctx.today) if args.start else None
    end = parse_day(args.end, ctx.today) if args.end else None
    if start is None:
        start = week_start_for(end or ctx.today, ctx.week_start)
    if end is None:
        end = start + dt.timedelta(days=6)
    if end < start:
        raise CommandError(f"--to ({end}) is before --from ({start}).", EXIT_USAGE)
    await ctx.ready_projects()  # the checklists' counts
    items = [_assignment_json(a) for a in ctx.store.queries.assignments(ctx.me(), start, end)]
    rows = [
        [
            a["id"],
            a["label"],
            a["starts_at"],
            a["ends_at"],
            _allocation(a),
            a["status"] or "",
            f"{a['subtasks_done']}/{a['subtasks_total']}" if a["subtasks_total"] else "",
        ]
        for a in items
    ]
    text = f"Assignments from {start} to {end}\n\n" + (
        table(["ID", "Project", "From", "To", "Allocation", "Status", "Subtasks"], rows)
        if rows
        else "None."
    )
    loads = [_load_json(d) for d in day_loads(ctx.store.queries, ctx.me(), start, end)]
    text += "\n\nLoad per day (booked of capacity, as the app's strip)\n" + table(
        ["Day", "Booked", "Capacity", "Free", ""],
        [
            [
                f"{d['date']:%a %Y-%m-%d}",
                hours(d["booked"]),
                hours(d["capacity"]),
                hours(d["free"]),
                _LOAD_WORDS[d["state"]],
            ]
            for d in loads
        ],
        right=(1, 2, 3),
    )
    ctx.out.result({"from": start, "to": end, "assignments": items, "days": loads}, text)
    return EXIT_OK


# Words, not colour, tell over- from under-booked days.
_LOAD_WORDS = {
    "off": "",
    "empty": "free",
    "under": "under",
    "full": "full",
    "over": "OVER-BOOKED",
}


def _load_json(load: Any) -> dict[str, Any]:
    return {
        "date": load.date,
        "booked": load.booked,
        "capacity": load.capacity,
        "free": load.free,
        "state": load.state,
    }


# -- subtasks ---------------------------------------------------------------------------


def _subtask_json(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": s["id"],
        "server_id": s["server_id"],
        "assignment_id": s["assignment_id"],
        "description": s["description"],
        "completed": bool(s["completed"]),
        "state": s.get("state"),
        "error": s.get("error"),
    }


def _assignment(ctx: Context, assignment_id: int) -> dict[str, Any]:
    from tenktui.store.validation import display_name

    row = ctx.store.lookups.assignment(assignment_id)
    if row is None:
        raise CommandError(
            f"Assignment {assignment_id} is not one of yours here: tenktui assignments lists "
            "them (with their ids).",
            EXIT_USAGE,
        )
    row["label"] = display_name({**row, "id": row["assignable_id"]})
    return row


def _subtask(ctx: Context, local_id: int) -> dict[str, Any]:
    row = ctx.store.lookups.subtask(local_id, live=True)
    if row is None:
        raise CommandError(
            f"No subtask {local_id}: tenktui subtasks ASSIGNMENT_ID lists them with their ids.",
            EXIT_USAGE,
        )
    return row


def _listing(ctx: Context, assignment: dict[str, Any]) -> tuple[dict[str, Any], str]:
    items = [_subtask_json(s) for s in ctx.store.queries.subtasks(assignment["id"])]
    marks = {"pending": " *", "failed": " !", "conflict": " x"}
    rows = [
        ["[x]" if s["completed"] else "[ ]", s["id"], s["description"] + marks.get(s["state"], "")]
        for s in items
    ]
    head = f"{assignment['label']} (assignment {assignment['id']})"
    body = table(["", "ID", "Subtask"], rows) if rows else "No subtasks."
    data = {"assignment": {"id": assignment["id"], "label": assignment["label"]}}
    return {**data, "subtasks": items}, f"{head}\n{body}"


async def _fetch_checklists(ctx: Context, assignment_ids: list[int]) -> None:
    """Checklists are fetched when first listed (every one of them with ``--sync``),
    as opening one in the app does: a first sync brings none."""
    if not ctx.store.edits.capable("subtasks") or getattr(ctx.args, "no_sync", False):
        return
    held = ctx.store.cache.subtasks_fetched()
    force = bool(getattr(ctx.args, "sync", False))
    todo = [i for i in assignment_ids if force or i not in held]
    for assignment_id in todo:
        ctx.engine.want_subtasks(assignment_id)
    if todo:
        await ctx.sync(reference=False)


async def run_subtasks_list(ctx: Context) -> int:
    await ctx.ready()
    assignment_id = getattr(ctx.args, "assignment_id", None)
    if assignment_id is not None:
        assignment = _assignment(ctx, assignment_id)
        await _fetch_checklists(ctx, [assignment["id"]])
        data, text = _listing(ctx, assignment)
        ctx.out.result(data, text)
        return EXIT_OK
    current = [
        a
        for a in ctx.store.queries.assignments(ctx.me(), ctx.today, ctx.today)
        if a["kind"] != "leave"
    ]
    await _fetch_checklists(ctx, [a["id"] for a in current])
    listings = [_listing(ctx, _assignment(ctx, a["id"])) for a in current]
    ctx.out.result(
        {"assignments": [data for data, _ in listings]},
        "\n\n".join(text for _, text in listings) or "No current assignments.",
    )
    return EXIT_OK


async def run_subtasks_change(ctx: Context) -> int:
    args = ctx.args
    await ctx.ready()
    action = args.subtasks_action
    edits = ctx.store.edits
    if action == "add":
        assignment = _assignment(ctx, args.assignment_id)
        local_id, outcome = await ctx.edit(lambda: edits.add_subtask(assignment["id"], args.text))
        sub = _subtask(ctx, local_id)
        text = f"Added subtask {local_id} to {assignment['label']}: {sub['description']}."
    else:
        sub = _subtask(ctx, args.subtask_id)
        if action == "done":
            _, outcome = await ctx.edit(lambda: edits.update_subtask(sub["id"], completed=True))
            text = f"Done: {sub['description']}."
        elif action == "undo":
            _, outcome = await ctx.edit(lambda: edits.update_subtask(sub["id"], completed=False))
            text = f"Not done: {sub['description']}."
        elif action == "rename":
            _, outcome = await ctx.edit(
                lambda: edits.update_subtask(sub["id"], description=args.text)
            )
            text = f"Renamed subtask {sub['id']} to {args.text.strip()}."
        else:
            _, outcome = await ctx.edit(lambda: edits.delete_subtask(sub["id"]))
            text = f"Removed subtask {sub['id']}: {sub['description']}."
        local_id = sub["id"]
    row = ctx.store.lookups.subtask(local_id)
    data = {"subtask": _subtask_json(row) if row and not row["deleted"] else None}
    return ctx.report(outcome, data, text)
