"""``doctor``: check the profile's cache; if it is damaged, rescue the unsent edits,
rebuild it from the server and put them back.

Every step keeps something the person can fall back on: the rescued edits are
written to a JSON file before anything moves, and the damaged file is renamed, not
deleted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from tenktui import paths
from tenktui.commands import EXIT_FAILURE, EXIT_OK
from tenktui.commands.context import load_profile, open_context
from tenktui.commands.output import Output


def run_doctor(args: argparse.Namespace) -> int:
    from tenktui.store import rescue

    out = Output(args.json)
    _, profile = load_profile(args)
    path = paths.profile_db(profile.name)
    if not path.exists():
        out.result(
            {"cache": "missing", "path": str(path)},
            f"No cache yet for profile {profile.name}: tenktui sync makes one.",
        )
        return EXIT_OK
    problem = rescue.check(path)
    if problem is None:
        out.result({"cache": "ok", "path": str(path)}, f"The cache {path} is sound.")
        return EXIT_OK

    edits = rescue.rescue(path)
    keys = rescue.rescue_keys(path)
    timer = rescue.rescue_timer(path)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    saved = _save(path.with_name(f"{profile.name}-rescued-{stamp}.json"), edits, timer)
    damaged = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, f"{damaged}{suffix}")
    outcome = asyncio.run(_rebuild(args, edits, keys, timer))
    data = {
        "cache": "rebuilt",
        "problem": problem,
        "path": str(path),
        "damaged_file": str(damaged),
        "rescued": len(edits),
        "rescued_file": str(saved),
        **outcome,
    }
    lines = [
        f"The cache {path} was damaged: {problem}.",
        f"Saved {len(edits)} unsent edit{'s' if len(edits) != 1 else ''} to {saved}.",
        f"Moved the damaged file to {damaged}.",
        f"Rebuilt the cache from the server and put back {outcome['put_back']} edit"
        f"{'s' if outcome['put_back'] != 1 else ''}.",
    ]
    if outcome["timer"] == "kept":
        lines.append("The running timer runs on, from its own start.")
    if outcome["sync"] == "idle":
        lines.append(f"Synced: outbox {outcome['summary']}.")
    else:
        lines.append(
            f"The server could not be synced ({outcome['message'] or outcome['sync']}): the "
            "edits stay queued; tenktui sync sends them."
        )
    out.result(data, "\n".join(lines))
    return EXIT_OK if outcome["sync"] == "idle" else EXIT_FAILURE


def _save(path: Path, edits: list[dict[str, Any]], timer: dict[str, Any] | None) -> Path:
    """The rescued edits (and the running timer) as JSON only the person can read,
    before anything else moves."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(
            {"unsent_edits": edits, "running_timer": timer},
            f,
            indent=2,
            ensure_ascii=False,
            default=str,
        )
        f.write("\n")
    return path


async def _rebuild(
    args: argparse.Namespace,
    edits: list[dict[str, Any]],
    keys: dict[str, Any],
    timer: dict[str, Any] | None,
) -> dict[str, Any]:
    from tenktui.store import rescue

    async with open_context(args) as ctx:
        # The edits hold ids of the old key map: the pull must give out the same ones.
        ctx.store.keys.restore(keys)
        await ctx.sync(reference=True)
        put = rescue.put_back(ctx.store.database, edits)
        kept = rescue.put_back_timer(ctx.store.database, timer)
        if ctx.engine.state.kind == "idle":
            await ctx.sync()
        state = ctx.engine.state
        return {
            "put_back": put,
            "timer": "kept" if kept else ("lost" if timer else None),
            "sync": state.kind,
            "message": state.message,
            "summary": state.describe(),
        }
