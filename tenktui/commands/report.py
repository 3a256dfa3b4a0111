"""``report``: confirmed hours over a period against scheduled hours and capacity,
grouped by project, phase, task, day, week or month, as a table, JSON or CSV.

The numbers are the store's (:mod:`tenktui.store.reports`, where each is defined).
A period the cache does not hold (outside the sync window, never asked for) is
fetched first and kept, so the same report runs offline afterwards; when it
cannot be fetched the command says why and prints nothing else (exit 1).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import sys
from typing import Any

from tenktui.commands import EXIT_FAILURE, EXIT_OK, CommandError
from tenktui.commands.context import Context
from tenktui.commands.dates import parse_day
from tenktui.commands.export import FORMULA_START
from tenktui.commands.output import hours, table
from tenktui.text import clean

NA = "n/a"
# The numbers take about 55 columns: a longer label would push the table past 80.
LABEL_WIDTH = 24
HEADINGS = {
    "project": "Project",
    "phase": "Phase",
    "task": "Task",
    "day": "Day",
    "week": "Week",
    "month": "Month",
}
CSV_COLUMNS = (
    "key",
    "label",
    "kind",
    "start",
    "end",
    "confirmed",
    "leave",
    "scheduled",
    "capacity",
    "utilisation",
    "billable_share",
    "bill_rate",
    "amount",
)


def period(ctx: Context) -> tuple[dt.date, dt.date]:
    """The period the arguments name (default: this week); exit 2 when they do not
    name one or name one that cannot be reported."""
    from tenktui.store.reports import BadPeriod, check_period, month_period, week_period

    args = ctx.args
    start_text, end_text = args.start, args.end
    if (start_text or end_text) and (args.week or args.month):
        raise CommandError("Give --week, --month, or --from D --to D: not both.")
    if bool(start_text) != bool(end_text):
        raise CommandError("--from and --to go together: give both days of the period.")
    if start_text and end_text:
        start, end = parse_day(start_text, ctx.today), parse_day(end_text, ctx.today)
    elif args.month:
        start, end = month_period(ctx.today)
    else:
        start, end = week_period(ctx.today, ctx.week_start)
    if args.csv and getattr(args, "json", False):
        raise CommandError("Give --json or --csv, not both.")
    try:
        check_period(start, end, args.by)
    except BadPeriod as err:
        raise CommandError(str(err)) from None
    return start, end


def _say(text: str) -> None:
    """A note on stderr: stdout holds only the report."""
    print(text, file=sys.stderr, flush=True)


async def _fetch_missing(ctx: Context, me: int, start: dt.date, end: dt.date) -> bool:
    """Fetch what the cache lacks of the period (with ``--sync``, every part of it
    outside the synced weeks, again); ``True`` when something was fetched."""
    refresh = bool(getattr(ctx.args, "sync", False))
    missing = ctx.store.reports.missing(me, start, end)
    if not missing and not refresh:
        return False
    spans = ", ".join(f"{lo} to {hi}" for lo, hi in missing)
    if missing:
        _say(f"Fetching {spans} from the server (outside the cached weeks)…")
    result = await ctx.session.sync.fetch_range(
        start, end, lambda step: _say(f"  {step}"), refresh=refresh
    )
    if not result.ok and not missing:
        _say(f"Could not refresh the period: {result.message} Showing what the cache holds.")
        return False
    if not result.ok:
        needs = f"The report needs {spans}, which is not in the cache, and it" if missing else "It"
        raise CommandError(f"{needs} could not be fetched: {result.message}", EXIT_FAILURE)
    return bool(result.fetched)


def _percent(value: float | None) -> str:
    return NA if value is None else f"{value * 100:.0f} %"


def _money(value: float | None) -> str:
    return NA if value is None else f"{value:,.2f}"


def _short(label: str, width: int = LABEL_WIDTH) -> str:
    """A label cut to ``width`` characters, marked with an ellipsis when cut."""
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _row(line: Any) -> list[str]:
    return [
        _short(line.label),
        hours(line.confirmed) or "0",
        NA if line.scheduled is None else hours(line.scheduled),
        "" if line.capacity is None else hours(line.capacity),
        _percent(line.utilisation),
        _percent(line.billable_share),
        _money(line.bill_rate),
        _money(line.amount),
    ]


def report_text(report: Any, who: str | None) -> str:
    """The report as an aligned table with a totals row."""
    head = f"Report {report.start:%a %d %b %Y} – {report.end:%a %d %b %Y} · by {report.by}"
    if who:
        head += f" · {who}"
    headers = [
        HEADINGS[report.by],
        "Hours",
        "Sched.",
        "Capacity",
        "Util.",
        "Billable",
        "Rate",
        "Amount",
    ]
    rows = [_row(line) for line in report.lines]
    rows.append(_row(report.total))
    parts = [head, "", table(headers, rows, right=tuple(range(1, 8)))]
    if not report.lines:
        parts.append("No time and no assignments in this period.")
    if report.total.leave:
        parts.append(f"Leave: {hours(report.total.leave)} h (taken out of capacity).")
    parts.append("Util.: hours worked (leave aside) of capacity.")
    if not report.billing_known:
        parts.append("Billable, Rate, Amount n/a: no bill rates on this time.")
    return "\n".join(parts)


def line_json(line: Any) -> dict[str, Any]:
    return {**dataclasses.asdict(line), "worked": line.worked}


def report_json(report: Any, me: dict[str, Any] | None, fetched: bool) -> dict[str, Any]:
    return {
        "user": {"id": report.user_id, "name": me and me["display_name"]},
        "start": report.start,
        "end": report.end,
        "by": report.by,
        "lines": [line_json(line) for line in report.lines],
        "total": line_json(report.total),
        "billing_known": report.billing_known,
        "fetched": fetched,
    }


def _cell(value: Any) -> Any:
    """A CSV cell: text without control characters, and never read as a formula."""
    if not isinstance(value, str):
        return value
    return clean("'" + value if value.startswith(FORMULA_START) else value)


def report_csv(report: Any) -> str:
    """A header row, a row per line and the total; empty cells where not known."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in (*report.lines, report.total):
        values = dataclasses.asdict(line)
        writer.writerow(["" if values[c] is None else _cell(values[c]) for c in CSV_COLUMNS])
    return out.getvalue()


async def run_report(ctx: Context) -> int:
    start, end = period(ctx)
    await ctx.ready()
    me = ctx.me()
    fetched = await _fetch_missing(ctx, me, start, end)
    report = ctx.store.reports.report(me, start, end, ctx.args.by, first_weekday=ctx.week_start)
    if ctx.args.csv:
        sys.stdout.write(report_csv(report))
        sys.stdout.flush()
        return EXIT_OK
    person = ctx.store.queries.me()
    ctx.out.result(
        report_json(report, person, fetched),
        report_text(report, person and person["display_name"]),
    )
    return EXIT_OK
