"""People: ``status`` (show or set mine) and ``who`` (everyone's status)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenktui.commands import EXIT_OK
from tenktui.commands.context import Context
from tenktui.commands.output import table


def _label(code: str | None) -> str:
    from tenktui.store.validation import STATUS_CODES

    return STATUS_CODES.get(code or "", "") if code else ""


def _status_json(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None or not row.get("status"):
        return None
    return {
        "status": row["status"],
        "label": _label(row["status"]),
        "message": row.get("message"),
        "updated_at": row.get("updated_at"),
    }


STALE_AFTER = dt.timedelta(minutes=15)


async def _refresh(ctx: Context, user_ids: list[int], force: bool) -> None:
    """Fetch the statuses never fetched or fetched over 15 minutes ago (all of them with
    ``--sync``), ten per sync pass: statuses change during the day."""
    from tenktui.sync.engine import STATUSES_PER_PASS

    def unfetched() -> list[int]:
        cutoff = (dt.datetime.now(dt.UTC) - STALE_AFTER).strftime("%Y-%m-%dT%H:%M:%SZ")
        fresh = ctx.store.people.statuses_fetched_since(cutoff)
        return [u for u in user_ids if u not in fresh]

    todo = user_ids if force else unfetched()
    passes = -(-len(todo) // STATUSES_PER_PASS)
    for _ in range(passes):
        ctx.engine.want_statuses(todo)
        await ctx.sync()
        if ctx.engine.state.kind != "idle":
            break
        if not force:
            todo = unfetched()
            if not todo:
                break


async def run_status(ctx: Context) -> int:
    await ctx.ready()
    ctx.require("statuses", "presence statuses (ITO, WFH, …)")
    me = ctx.me()
    if ctx.args.code is None:
        await _refresh(ctx, [me], bool(getattr(ctx.args, "sync", False)))
        row = ctx.store.queries.status_of(me)
        data = _status_json(row)
        if data is None:
            text = "No status set. Set one with: tenktui status WFH --message 'Remote today'"
        else:
            text = f"{data['status']} · {data['label']}"
            if data["message"]:
                text += f" · {data['message']}"
        ctx.out.result({"status": data}, text)
        return EXIT_OK
    _, outcome = await ctx.edit(
        lambda: ctx.store.edits.set_status(me, ctx.args.code, ctx.args.message)
    )
    row = ctx.store.queries.status_of(me)
    data = _status_json(row)
    assert data is not None
    text = f"Status set to {data['status']} · {data['label']}"
    if data["message"]:
        text += f" · {data['message']}"
    return ctx.report(outcome, {"status": data}, text + ".")


def _is_status_word(word: str, codes: dict[str, str]) -> bool:
    return word.upper() in codes or word.lower().startswith("status:")


async def run_who(ctx: Context) -> int:
    from tenktui.store import board as boards
    from tenktui.store.validation import STATUS_CODES

    # The board's people: those on the person's projects.
    await ctx.ready_projects(("statuses", "presence statuses (ITO, WFH, …) to show"))
    words = getattr(ctx.args, "filter", None) or []

    def shown(query: str) -> list[dict[str, Any]]:
        if getattr(ctx.args, "everyone", False):
            people = boards.everyone(ctx.store.database)
        else:
            people = ctx.store.queries.status_board()
        return [p for p in people if boards.matches(p, query)]

    # Statuses are fetched only for the people the other words leave: a status filter
    # applies to fresh statuses.
    by_person = [w for w in words if not _is_status_word(w, STATUS_CODES)]
    candidates = shown(" ".join(by_person))
    await _refresh(ctx, [p["id"] for p in candidates], bool(getattr(ctx.args, "sync", False)))
    board = shown(" ".join(words))
    people = [
        {
            "id": p["id"],
            "name": p["display_name"],
            "role": p["role"],
            "discipline": p["discipline"],
            "location": p["location"],
            "pinned": bool(p["pinned"]),
            "status": _status_json(p),
        }
        for p in board
    ]
    rows = [
        [
            p["name"],
            p["status"]["status"] if p["status"] else "—",
            p["status"]["label"] if p["status"] else "",
            (p["status"] or {}).get("message") or "",
            ((p["status"] or {}).get("updated_at") or "")[:10],
        ]
        for p in people
    ]
    if rows:
        text = table(["Person", "Status", "", "Message", "Since"], rows)
    elif getattr(ctx.args, "filter", None):
        text = "Nobody matches the filter."
    else:
        text = "Nobody to show yet: the people on your projects appear after a sync."
    if ctx.engine.state.kind not in ("idle",) and ctx.synced:
        text += f"\n({ctx.engine.state.describe()}: statuses may be out of date)"
    ctx.out.result({"people": people}, text)
    return EXIT_OK
