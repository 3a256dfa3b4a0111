"""The outbox and syncing: ``outbox``, ``outbox retry|discard|resolve`` and ``sync``."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from tenktui.commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.context import Context, describe_row
from tenktui.commands.output import table
from tenktui.kinds import Resolutions
from tenktui.store.states import STUCK_STATES
from tenktui.text import clean

log = logging.getLogger(__name__)


def open_rows(ctx: Context) -> list[dict[str, Any]]:
    return [describe_row(ctx.store, r) for r in ctx.store.outbox.open_rows()]


def _rows_text(rows: list[dict[str, Any]]) -> str:
    return table(
        ["ID", "State", "What", "Reason"],
        [[r["id"], r["state"], r["what"], r["error"] or ""] for r in rows],
    )


async def run_outbox(ctx: Context) -> int:
    if getattr(ctx.args, "sync", False):
        await ctx.sync()
    rows = open_rows(ctx)
    counts = ctx.store.outbox.counts()
    summary = {"pending": counts.pending, "failed": counts.failed, "conflicts": counts.conflicts}
    if not rows:
        text = "The outbox is empty: every edit has reached the server."
    else:
        text = _rows_text(rows)
        if counts.failed or counts.conflicts:
            text += (
                "\n\nfailed: tenktui outbox retry ID (after fixing the cause) or discard ID; "
                "conflict: tenktui outbox resolve ID --keep mine|theirs"
            )
    ctx.out.result({"counts": summary, "outbox": rows}, text)
    return EXIT_OK


def _seq(ctx: Context) -> int:
    seq = ctx.args.id
    if ctx.store.outbox.get(seq) is None:
        raise CommandError(f"No outbox entry {seq}: tenktui outbox lists them.", EXIT_USAGE)
    return seq


async def run_retry(ctx: Context) -> int:
    resolutions = Resolutions(ctx.store)
    if ctx.args.all:
        if not ctx.store.outbox.counts().failed:
            ctx.out.result({"retried": 0}, "Nothing to retry: no edit has failed.")
            return EXIT_OK
        count, outcome = await ctx.edit(resolutions.retry_all)
        text = f"Retried {count} failed edit{'s' if count != 1 else ''}."
        return ctx.report(outcome, {"retried": count}, text)
    seq = _seq(ctx)
    _, outcome = await ctx.edit(lambda: resolutions.retry(seq))
    return ctx.report(outcome, {"retried": 1}, f"Retried outbox entry {seq}.")


async def run_discard(ctx: Context) -> int:
    from tenktui.store import InvalidEdit

    seq = _seq(ctx)
    row = ctx.store.outbox.get(seq)
    assert row is not None
    what = describe_row(ctx.store, row)["what"]
    try:
        Resolutions(ctx.store).discard(seq)
    except InvalidEdit as err:
        raise CommandError(str(err), EXIT_USAGE) from None
    ctx.out.result(
        {"discarded": seq, "what": what},
        f"Discarded outbox entry {seq} ({what}); the server's copy is back in place.",
    )
    return EXIT_OK


async def run_resolve(ctx: Context) -> int:
    seq = _seq(ctx)
    keep = ctx.args.keep
    _, outcome = await ctx.edit(lambda: Resolutions(ctx.store).resolve(seq, keep))
    if keep == "theirs":
        outcome.message = "The server's version is back in place."
    text = f"Resolved outbox entry {seq}, keeping {keep}."
    return ctx.report(outcome, {"resolved": seq, "keep": keep}, text)


# -- sync -------------------------------------------------------------------------------


def _report_json(ctx: Context, report: Any) -> dict[str, Any]:
    state = ctx.engine.state
    return {
        "state": state.kind,
        "message": state.message,
        "summary": state.describe(),
        "at": dt.datetime.now(dt.UTC).replace(microsecond=0),
        "pulled": report.pulled,
        "pushed": report.pushed,
        "adopted": report.adopted,
        "resent": report.resent,
        "failed": report.failed,
        "conflicts": report.conflicts,
        "outbox": {"pending": state.pending, "failed": state.failed, "conflicts": state.conflicts},
    }


def _report_text(ctx: Context, data: dict[str, Any]) -> str:
    state = ctx.engine.state
    lines = []
    if state.kind == "idle":
        pulled = data["pulled"]
        parts = [f"{pulled.get('time_entries', 0)} time entries"]
        if pulled.get("changed"):
            parts[0] += f" ({pulled['changed']} changed)"
        parts.append(f"{pulled.get('assignments', 0)} assignments")
        if "assignables" in pulled:
            parts.append(f"{pulled['assignables']} projects and leave types")
        lines.append(
            f"Synced: pulled {', '.join(parts)}; pushed {data['pushed']} "
            f"edit{'s' if data['pushed'] != 1 else ''}."
        )
        if data["adopted"] or data["resent"]:
            lines.append(
                f"Reconciled {data['adopted'] + data['resent']} interrupted create(s) "
                f"({data['adopted']} had landed, {data['resent']} sent again)."
            )
    elif state.kind == "follower":
        lines.append("Another tenktui process is syncing this profile; nothing sent from here.")
    else:
        lines.append(f"Sync did not complete: {state.message or state.describe()}")
    lines.append(f"Outbox: {state.describe()}.")
    stuck = [r for r in open_rows(ctx) if r["state"] in STUCK_STATES]
    if stuck:
        lines += ["", _rows_text(stuck)]
    return "\n".join(lines)


def _sync_code(ctx: Context) -> int:
    state = ctx.engine.state
    if state.kind not in ("idle", "follower") or state.failed or state.conflicts:
        return EXIT_FAILURE
    return EXIT_OK


async def run_sync(ctx: Context) -> int:
    if not ctx.args.watch:
        report = await ctx.sync()
        data = _report_json(ctx, report)
        data["stuck"] = [r for r in open_rows(ctx) if r["state"] in STUCK_STATES]
        ctx.out.result(data, _report_text(ctx, data))
        return _sync_code(ctx)
    interval = ctx.args.interval or ctx.profile.sync_interval
    ctx.out.say(f"Syncing every {interval:g} s; Ctrl+C stops.")
    failures = 0
    while True:
        try:
            report = await ctx.sync()
        except Exception as err:
            # One bad pass (a malformed answer, a cache error) must not end the watch:
            # log it, say it, back off, go on, as the app's sync loop does.
            failures += 1
            delay = min(interval * 2**failures, max(interval, MAX_BACKOFF))
            log.exception("sync --watch: the pass failed")
            _watch_failed(ctx, err, delay)
            await asyncio.sleep(delay)
            continue
        failures = 0
        data = _report_json(ctx, report)
        if ctx.out.json:
            ctx.out.line(data)
        else:
            stamp = dt.datetime.now().strftime("%H:%M:%S")
            print(f"[{stamp}] {clean(_report_text(ctx, data))}", flush=True)
        delay = interval
        state = ctx.engine.state
        if state.kind == "throttled" and state.until is not None:
            delay = max(1.0, (state.until - dt.datetime.now(dt.UTC)).total_seconds())
        await asyncio.sleep(delay)


MAX_BACKOFF = 300.0  # seconds between failing passes, at most (unless the interval is longer)


def _watch_failed(ctx: Context, err: Exception, delay: float) -> None:
    from tenktui.logs import log_path, redact

    reason = redact(f"{type(err).__name__}: {err}")
    if ctx.out.json:
        ctx.out.line(
            {
                "state": "error",
                "message": reason,
                "at": dt.datetime.now(dt.UTC).replace(microsecond=0),
                "retry_in": delay,
            }
        )
    else:
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        print(
            f"[{stamp}] Sync pass failed: {clean(reason)} (details in {log_path()}); "
            f"trying again in {delay:g} s.",
            flush=True,
        )
