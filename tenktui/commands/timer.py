"""The timer: ``start``, ``stop``, ``timer`` and ``cancel``.

The timer itself is the store's (``store.timer``): one per profile, shared with
the app and every other command. These commands decide now and the time zone
(:mod:`tenktui.commands.clock`), the profile's rounding rule, and say what
happened; a stop queues its time and syncs as ``tenktui log`` does.
"""

from __future__ import annotations

import sys
from typing import Any

from tenktui.commands import EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.clock import duration, now, parse_at
from tenktui.commands.context import Context
from tenktui.commands.output import hours
from tenktui.commands.time import assignable

FORGOTTEN_HELP = (
    "stop it at the time you stopped working with tenktui stop --at HH:MM, throw it away "
    "with tenktui cancel, or keep it (its time runs until this start) with tenktui start --keep"
)


def _label(ctx: Context, assignable_id: int) -> str:
    from tenktui.store.validation import display_name

    found = ctx.store.queries.assignable(assignable_id)
    return display_name(found) if found is not None else f"#{assignable_id}"


def _timer_json(ctx: Context, timer: Any, present: Any, zone: str) -> dict[str, Any]:
    return {
        "project": _label(ctx, timer.assignable_id),
        "assignable_id": timer.assignable_id,
        "task": timer.task,
        "notes": timer.notes,
        "started_at": timer.started_at,
        "started_local": timer.started_local(zone),
        "elapsed_seconds": int(timer.elapsed(present).total_seconds()),
    }


def _parts_text(stopped: Any) -> str:
    """``1.25 h on Mon 30 Nov`` for each day, and the days that rounded to nothing."""
    said = []
    for p in stopped.parts:
        when = f"{p.day:%a} {p.day.day} {p.day:%b}"
        said.append(f"0 h on {when}: rounds to 0, not logged" if p.skipped else
                    f"{hours(p.hours)} h on {when}")  # fmt: skip
    return ", ".join(said)


def _stopped_json(ctx: Context, stopped: Any) -> dict[str, Any]:
    return {
        "project": _label(ctx, stopped.timer.assignable_id),
        "assignable_id": stopped.timer.assignable_id,
        "started_at": stopped.timer.started_at,
        "stopped_at": stopped.stopped_at,
        "hours": stopped.hours,
        "parts": [
            {"date": p.day, "seconds": p.seconds, "hours": p.hours, "entry_id": p.entry_id}
            for p in stopped.parts
        ],
    }


def _stopped_line(ctx: Context, stopped: Any) -> str:
    return f"Stopped {_label(ctx, stopped.timer.assignable_id)} ({_parts_text(stopped)})."


def _setup(ctx: Context) -> tuple[str, Any, Any, Any]:
    """The profile's zone, now, ``--at`` (or ``None``) and rounding rule."""
    zone = ctx.session.timezone
    present = now(zone)
    raw = getattr(ctx.args, "at", None)
    at = parse_at(raw, present, zone) if raw else None
    return zone, present, at, ctx.session.rounding


async def run_start(ctx: Context) -> int:
    from tenktui.store import InvalidEdit

    zone, present, at, rule = _setup(ctx)
    await ctx.ready()
    me = ctx.me()
    target = await assignable(ctx, ctx.args.project)
    before = ctx.store.unsent.open_versions()
    reason = ctx.store.timer.forgotten(present, zone)
    if reason and not ctx.args.keep:
        _ask_about_forgotten(ctx, reason, zone, present, rule)
    try:
        started = ctx.store.timer.start(
            me,
            target["id"],
            now=present,
            zone=zone,
            rounding=rule,
            at=at,
            task=ctx.args.task,
            notes=ctx.args.notes,
        )
    except InvalidEdit as err:
        raise CommandError(str(err), EXIT_USAGE) from None
    # What a stop queued (this start's, or one asked for about a forgotten timer) is
    # sent as tenktui log sends; a start alone queues nothing and needs no sync.
    after = ctx.store.unsent.open_versions()
    queued = [seq for seq, value in after.items() if before.get(seq) != value]
    outcome = await ctx.push(queued) if queued else None
    timer = started.timer
    local = timer.started_local(zone)
    lines = []
    if started.stopped is not None:
        lines.append(_stopped_line(ctx, started.stopped))
    lines.append(f"Started {_label(ctx, timer.assignable_id)} at {local:%H:%M} ({local:%a %d %b}).")
    data = {
        "started": _timer_json(ctx, timer, present, zone),
        "stopped": _stopped_json(ctx, started.stopped) if started.stopped else None,
    }
    if outcome is None:
        ctx.out.result({**data, "sync": "saved", "message": "", "outbox": []}, "\n".join(lines))
        return EXIT_OK
    return ctx.report(outcome, data, "\n".join(lines))


def _ask_about_forgotten(ctx: Context, reason: str, zone: str, present: Any, rule: Any) -> None:
    """A timer that looks forgotten: ask on a terminal, refuse (exit 2) otherwise."""
    running = ctx.store.timer.running()
    label = _label(ctx, running.assignable_id) if running else "?"
    what = f"The timer on {label} looks forgotten: {reason}"
    if ctx.out.json or not sys.stdin.isatty():
        raise CommandError(f"{what}. Before starting another, {FORGOTTEN_HELP}.", EXIT_USAGE)
    ctx.out.say(f"{what}.")
    try:
        _ask(ctx, zone, present, rule)
    except EOFError:
        raise CommandError(f"No answer: nothing changed. To go on, {FORGOTTEN_HELP}.") from None


def _ask(ctx: Context, zone: str, present: Any, rule: Any) -> None:
    from tenktui.store import InvalidEdit

    while True:
        answer = input("[k]eep it running until now, [s]top it at a time, [d]iscard it? ").strip()
        choice = answer[:1].lower()
        if choice == "k":
            return
        if choice == "d":
            ctx.store.timer.cancel()
            ctx.out.say("Discarded it; nothing was logged.")
            return
        if choice == "s":
            text = input("Stopped working at (HH:MM, or a day and HH:MM)? ").strip()
            try:
                stop_at = parse_at(text, present, zone)
                stopped = ctx.store.timer.stop(now=present, zone=zone, rounding=rule, at=stop_at)
            except (CommandError, InvalidEdit) as err:
                ctx.out.say(str(err))
                continue
            ctx.out.say(_stopped_line(ctx, stopped))
            return


async def run_stop(ctx: Context) -> int:
    zone, present, at, rule = _setup(ctx)
    await ctx.ready()
    stopped, outcome = await ctx.edit(
        lambda: ctx.store.timer.stop(now=present, zone=zone, rounding=rule, at=at)
    )
    ran = duration(stopped.stopped_at - stopped.timer.started_at)
    text = f"{_stopped_line(ctx, stopped)[:-1]}, after {ran}."
    if not stopped.entry_ids:
        text += "\nNothing to log: the time rounds to 0 h."
    data = {"stopped": _stopped_json(ctx, stopped)}
    return ctx.report(outcome, data, text)


async def run_timer(ctx: Context) -> int:
    zone = ctx.session.timezone
    present = now(zone)
    timer = ctx.store.timer.running()
    if timer is None:
        ctx.out.result({"running": False, "timer": None}, "No timer is running.")
        return EXIT_OK
    local = timer.started_local(zone)
    reason = ctx.store.timer.forgotten(present, zone)
    data = {
        "running": True,
        "timer": {
            **_timer_json(ctx, timer, present, zone),
            "elapsed": duration(timer.elapsed(present)),
            "forgotten": reason,
        },
    }
    text = (
        f"{_label(ctx, timer.assignable_id)}: running since {local:%H:%M} ({local:%a %d %b}), "
        f"{duration(timer.elapsed(present))}."
    )
    extras = [f"{k}: {v}" for k, v in (("Task", timer.task), ("Notes", timer.notes)) if v]
    if extras:
        text += "\n" + "\n".join(extras)
    if reason:
        text += f"\nIt looks forgotten: {reason}. {FORGOTTEN_HELP[:1].upper()}{FORGOTTEN_HELP[1:]}."
    ctx.out.result(data, text)
    return EXIT_OK


async def run_cancel(ctx: Context) -> int:
    zone = ctx.session.timezone
    present = now(zone)
    timer = ctx.store.timer.cancel()
    if timer is None:
        raise CommandError("No timer is running.", EXIT_USAGE)
    local = timer.started_local(zone)
    ctx.out.result(
        {"cancelled": _timer_json(ctx, timer, present, zone)},
        f"Cancelled the timer on {_label(ctx, timer.assignable_id)} (running since "
        f"{local:%H:%M}, {duration(timer.elapsed(present))}); nothing was logged.",
    )
    return EXIT_OK
