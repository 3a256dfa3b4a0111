"""``check``: one line for a shell prompt or a cron job, and an exit status to act on.

It reads the cache only (no token, no network, no sync engine): a prompt runs it
every time it is drawn, so it must be instant and work offline. ``--sync`` syncs
first, as other reads do. What it looks at is :mod:`tenktui.store.reminders`.

Output: nothing when all is well (a prompt stays clean, cron sends no mail), except
on a terminal, where it says so; otherwise the reminders in one line, most urgent
first. ``--json``: ``{"ok", "summary", "window", "lock_warning_days", "reminders"}``.
Exit 0 when there is nothing to act on, 1 when there is; with nothing cached yet it
says so on stderr and exits 1 (the person must act: sync).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from tenktui.commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.output import Output

NOTHING_CACHED = (
    "Nothing is cached for profile {name!r} yet: run tenktui sync (check reads the cache only)."
)


def run_check(args: argparse.Namespace) -> int:
    """The reminders of the profile's cache; exit 1 when there is anything to act on."""
    from tenktui import paths
    from tenktui.commands.context import load_profile
    from tenktui.commands.dates import today
    from tenktui.config import ConfigError
    from tenktui.store import Store

    try:
        _, profile = load_profile(args)
    except ConfigError as err:
        raise CommandError(str(err), EXIT_USAGE) from None
    if getattr(args, "sync", False):
        import asyncio

        return asyncio.run(_synced_first(args))
    now = today(profile.timezone)
    path = paths.profile_db(profile.name)
    if not path.exists():
        raise CommandError(NOTHING_CACHED.format(name=profile.name), EXIT_FAILURE)
    store = Store(path, today=lambda: now)
    try:
        return report(Output(args.json), store, now, profile.name, profile.lock_warning_days)
    finally:
        store.close()


async def _synced_first(args: argparse.Namespace) -> int:
    from tenktui.commands.context import open_context

    async with open_context(args) as ctx:
        await ctx.sync()  # offline: the cache as it stands
        return report(
            ctx.out, ctx.store, ctx.today, ctx.profile.name, ctx.profile.lock_warning_days
        )


def report(out: Output, store: Any, now: dt.date, profile: str, lock_days: int) -> int:
    """Print the reminders of ``store`` on ``now``; the exit status."""
    from tenktui.store.reminders import summary

    user = store.me_id()
    if user is None or store.database.get_meta("reference_pulled_at") is None:
        raise CommandError(NOTHING_CACHED.format(name=profile), EXIT_FAILURE)
    found = store.reminders.find(user, now, lock_days=lock_days)
    line = summary(found)
    window = (
        {"from": found.start.isoformat(), "to": found.end.isoformat()}
        if found.start and found.end
        else None
    )
    data = {
        "ok": not found,
        "summary": line,
        "window": window,
        "lock_warning_days": lock_days,
        "reminders": [r.to_json() for r in found.items],
    }
    if out.json:
        out.result(data)
    elif line:
        out.result(data, line)
    elif sys.stdout.isatty():
        out.result(data, "ok: nothing to act on.")
    return EXIT_FAILURE if found else EXIT_OK
