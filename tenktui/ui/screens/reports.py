"""Reports: a week's or a month's confirmed hours against schedule and capacity.

The numbers come from the store (:mod:`tenktui.store.reports`), read from the cache
with no network. A period the cache does not hold (outside the sync window) is
fetched through ``SyncControl.fetch_range`` in a worker: its progress shows on the
screen, the report is drawn again when it lands, and keys keep working meanwhile.
Offline, the screen says so and shows what the cache holds, marked incomplete.

Every chart has its numbers beside it in text: the bars' table of days or weeks, and
each project's weekly hours beside its trend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.renderables.sparkline import Sparkline
from textual.widgets import DataTable, Static

from tenktui.store.held import Span
from tenktui.store.reports import Point, Report, ReportLine, month_period, week_period
from tenktui.text import clean_line
from tenktui.ui import keys
from tenktui.ui.widgets.app_bar import AppBar
from tenktui.ui.widgets.hours_chart import Bars, ChartLegend, HoursChart
from tenktui.ui.widgets.screens_base import ScreenTitle, StoreScreen
from tenktui.ui.widgets.sync_footer import SyncFooter
from tenktui.ui.widgets.week_grid import format_hours

if TYPE_CHECKING:
    from tenktui.session import Session

# What ``b`` cycles through, in order.
GROUPINGS = ("project", "phase", "task", "day")
HEADINGS = {"project": "Project", "phase": "Phase", "task": "Task", "day": "Day"}
# From this width the chart sits beside the table, not below it.
WIDE = 110
# Under this width the table leaves out the billing columns.
BILLING_WIDTH = 70
# Weeks of a project's trend when the period is a week (a month shows its own weeks).
TREND_WEEKS = 6
TREND_LABEL = 32


def period_label(start: dt.date, end: dt.date, span: str) -> str:
    """``23–29 Nov 2026``, ``30 Nov – 6 Dec 2026``, ``November 2026``."""
    if span == "month":
        return f"{start:%B %Y}"
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def percent(value: float | None) -> str:
    """``85 %``; ``n/a`` where there is nothing to divide by, or no such data."""
    return "n/a" if value is None else f"{round(value * 100)} %"


def hours(value: float | None) -> str:
    return "–" if value is None else format_hours(value)


def money(value: float | None) -> str:
    """A bill rate as the server keeps it (no currency: the account's own)."""
    return "n/a" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


# The table's number columns: heading, and the cell of a row.
COLUMNS: dict[str, tuple[str, Callable[[ReportLine], str]]] = {
    "confirmed": ("Confirmed", lambda line: hours(line.confirmed)),
    "scheduled": ("Scheduled", lambda line: hours(line.scheduled)),
    "capacity": ("Capacity", lambda line: hours(line.capacity)),
    "util": ("Util", lambda line: percent(line.utilisation)),
    "billable": ("Billable", lambda line: percent(line.billable_share)),
    "rate": ("Rate", lambda line: money(line.bill_rate)),
}


class FetchProgress(Message):
    """A step of fetching a period the cache does not hold (from the fetch worker)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class FetchEnded(Message):
    """The fetch of ``[start, end]`` ended: ``error`` says why it failed, if it did."""

    def __init__(self, start: dt.date, end: dt.date, error: str | None) -> None:
        super().__init__()
        self.start = start
        self.end = end
        self.error = error


class ReportsScreen(StoreScreen):
    """This week by default; ``[``/``]`` step a period, ``t`` back to this one, ``w`` and
    ``m`` switch week and month, ``b`` groups by project, phase, task or day, ``r``
    fetches a period again after a failed fetch."""

    AUTO_FOCUS = "#report-body"

    DEFAULT_CSS = """
    ReportsScreen #report-note {
        height: auto;
        padding: 0 1;
        background: $boost;
        display: none;
    }
    ReportsScreen.-note #report-note { display: block; }
    ReportsScreen #report-note.-problem { color: $warning; text-style: bold; }
    ReportsScreen #report-body { height: 1fr; }
    ReportsScreen #report-grid {
        grid-size: 1;
        grid-rows: auto;
        grid-gutter: 1 2;
        height: auto;
    }
    ReportsScreen.-wide #report-grid { grid-size: 2; grid-columns: 3fr 2fr; }
    ReportsScreen DataTable { height: auto; max-height: 100%; }
    ReportsScreen #chart-box { height: auto; layout: horizontal; }
    ReportsScreen.-wide #chart-box { layout: vertical; }
    ReportsScreen #chart-plot { width: 1fr; height: auto; }
    ReportsScreen #report-chart { height: 10; }
    ReportsScreen #chart-table { width: auto; margin-left: 1; }
    ReportsScreen.-wide #chart-table { margin-left: 0; margin-top: 1; }
    ReportsScreen.-wide #report-chart { height: 14; }
    ReportsScreen.-wide #trend-table { column-span: 2; }
    ReportsScreen ChartLegend { padding: 0 1; }
    """

    BINDINGS = keys.REPORTS

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.first_weekday: int = getattr(session, "week_start", 0)
        self.span = "week"
        self.by = "project"
        self.start, self.end = self._period_of(self.today)
        self.report: Report | None = None
        self.trend_report: Report | None = None
        # The range being fetched and how far it got; the ranges fetched already on this
        # screen, with why it failed (None: it did not), which are not fetched again
        # by themselves (``r`` does).
        self.fetching: Span | None = None
        self.progress = ""
        self.tried: dict[Span, str | None] = {}

    def compose(self) -> ComposeResult:
        yield AppBar("reports")
        yield ScreenTitle()
        yield Static("", id="report-note", markup=False)
        with VerticalScroll(id="report-body"), Grid(id="report-grid"):
            yield DataTable(id="report-table", cursor_type="none", zebra_stripes=True)
            with Vertical(id="chart-box"):
                with Vertical(id="chart-plot"):
                    yield HoursChart(id="report-chart")
                    yield ChartLegend()
                yield DataTable(id="chart-table", cursor_type="none")
            yield DataTable(id="trend-table", cursor_type="none", zebra_stripes=True)
        yield SyncFooter()

    # -- the period -------------------------------------------------------
    def _period_of(self, day: dt.date) -> tuple[dt.date, dt.date]:
        if self.span == "month":
            return month_period(day)
        return week_period(day, self.first_weekday)

    def action_step(self, steps: int) -> None:
        if self.span == "month":
            day = self.start if steps < 0 else self.end
            day += dt.timedelta(days=steps)
        else:
            day = self.start + dt.timedelta(weeks=steps)
        self.start, self.end = self._period_of(day)
        self.refresh_from_store()

    def action_this_period(self) -> None:
        self.start, self.end = self._period_of(self.today)
        self.refresh_from_store()

    def action_span(self, span: str) -> None:
        """Week or month, around the period's first day (this month from this week)."""
        if span == self.span:
            return
        within = self.today if self.start <= self.today <= self.end else self.start
        self.span = span
        self.start, self.end = self._period_of(within)
        self.refresh_from_store()

    def action_regroup(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.refresh_from_store()

    def action_fetch(self) -> None:
        """Fetch again what the screen shows outside the sync window, held or not (after
        a failed fetch, or for changes made on the server since)."""
        self.tried.pop(self.shown, None)
        if self.me is not None:
            self._start_fetch(refresh=True)

    @property
    def shown(self) -> Span:
        """The days the screen reads: the period, and a week's trend weeks before it."""
        if self.span == "week":
            return self.start - dt.timedelta(weeks=TREND_WEEKS - 1), self.end
        return self.start, self.end

    # -- fetching a period the cache does not hold ---------------------------
    def _start_fetch(self, *, refresh: bool = False) -> None:
        if self.fetching == self.shown:
            return
        self.fetching = self.shown
        self.progress = f"Fetching {period_label(self.start, self.end, self.span)}…"
        self._show_note()
        self._fetch(*self.shown, refresh=refresh)

    @work(exclusive=True, group="reports-fetch", exit_on_error=False)
    async def _fetch(self, start: dt.date, end: dt.date, *, refresh: bool) -> None:
        """Ask sync for the period; progress and the end arrive as messages."""
        try:
            result = await self.session.sync.fetch_range(
                start, end, lambda step: self.post_message(FetchProgress(step)), refresh=refresh
            )
        except Exception as failed:  # a bug, not the server: said, never a hang
            error: str | None = str(failed) or type(failed).__name__
        else:
            error = None if result.ok else result.message
        self.post_message(FetchEnded(start, end, error))

    def on_fetch_progress(self, message: FetchProgress) -> None:
        if self.fetching is None:
            return
        label = period_label(self.start, self.end, self.span)
        self.progress = f"Fetching {label}… {clean_line(message.text)}"
        self._show_note()

    def on_fetch_ended(self, message: FetchEnded) -> None:
        if self.fetching == (message.start, message.end):
            self.fetching = None
        self.tried[(message.start, message.end)] = message.error
        self.refresh_from_store()

    # -- reading the store ---------------------------------------------------
    def refresh_from_store(self) -> None:
        me = self.me
        label = period_label(self.start, self.end, self.span)
        if me is None:
            self.report = None
            self.set_title(f"Reports · {label}")
            self._show_note("Wait for the first sync to finish.")
            return
        self.report = self.store.reports.report(
            me, self.start, self.end, self.by, first_weekday=self.first_weekday
        )
        self.trend_report = self._trend_report(me)
        held = self.report.complete and (self.trend_report or self.report).complete
        if not held and self.shown not in self.tried:
            self._start_fetch()
        self._draw()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")
        if self.report is not None:
            self._draw()  # the tables' widths follow the screen's

    def _draw(self) -> None:
        report = self.report
        if report is None:
            return
        total = report.total
        confirmed = format_hours(total.confirmed)
        done = (
            f"{confirmed} of {format_hours(total.capacity)} h"
            if total.capacity
            else f"{confirmed} h"
        )
        title = f"Reports · {period_label(self.start, self.end, self.span)} · by {self.by} · {done}"
        if not report.complete:
            title += " · incomplete"
        self.set_title(title)
        self._show_note()
        self._fill_table(report)
        self._fill_chart(report)
        self._fill_trends(self.trend_report or report)

    def _trend_report(self, me: int) -> Report | None:
        """A week's trends run over the weeks up to it (a month has its own weeks)."""
        if self.span != "week":
            return None
        start, end = self.shown
        return self.store.reports.report(
            me, start, end, "project", first_weekday=self.first_weekday
        )

    def _show_note(self, text: str | None = None) -> None:
        note = self.query_one("#report-note", Static)
        problem = False
        if text is None:
            text = ""
            error = self.tried.get(self.shown)
            if self.fetching == self.shown:
                text = self.progress
            elif error is not None:
                problem = True
                text = (
                    f"{period_label(self.start, self.end, self.span)}: "
                    f"{clean_line(error).rstrip('.')}. Showing what the cache holds "
                    "(incomplete); r tries again."
                )
            elif self.report is not None and not self.report.complete:
                text = "The cache does not hold all of this period."
        note.update(text)
        note.set_class(problem, "-problem")
        self.set_class(bool(text), "-note")

    def _column_width(self) -> int:
        """The width of the tables' column: the screen's, or the grid's first column."""
        width = self.size.width or 80
        return width * 3 // 5 - 1 if width >= WIDE else width

    def _fill_table(self, report: Report) -> None:
        table = self.query_one("#report-table", DataTable)
        width = self._column_width()
        names = ["confirmed", "scheduled", "util"]
        if self.by == "day":  # a project has no capacity: the title has the period's
            names.insert(2, "capacity")
        if width >= BILLING_WIDTH:
            names += ["billable", "rate"]
        fixed = sum(max(len(COLUMNS[n][0]), 5) + 2 for n in names) + 4
        table.clear(columns=True)
        table.add_column(HEADINGS[self.by], width=max(10, width - fixed), key="label")
        for name in names:
            heading = COLUMNS[name][0]
            table.add_column(heading, width=max(len(heading), 5), key=name)
        for line in report.lines:
            table.add_row(*self._cells(line, names, total=False), key=f"line:{line.key}")
        table.add_row(*self._cells(report.total, names, total=True), key="total")

    def _cells(self, line: ReportLine, names: list[str], *, total: bool) -> list[Text]:
        style = "bold" if total else ""
        label = Text(clean_line(line.label), style=style, overflow="ellipsis", no_wrap=True)
        values = (COLUMNS[name][1](line) for name in names)
        return [label, *(Text(v, style=style, justify="right") for v in values)]

    def _points(self, report: Report) -> tuple[Point, ...]:
        return report.days if self.span == "week" else report.weeks

    def _fill_chart(self, report: Report) -> None:
        points = self._points(report)
        self.query_one(HoursChart).show(
            Bars(
                # Under the bars a day is its weekday (the table beside has its date).
                labels=tuple(
                    f"{p.start:%a}" if self.span == "week" else clean_line(p.label) for p in points
                ),
                confirmed=tuple(p.confirmed for p in points),
                capacity=tuple(p.capacity for p in points),
                scheduled=tuple(p.scheduled for p in points),
            )
        )
        table = self.query_one("#chart-table", DataTable)
        table.clear(columns=True)
        labels = [clean_line(p.label) for p in points]
        when = "Day" if self.span == "week" else "Week"
        table.add_column(when, width=max([len(when), *map(len, labels)]), key="when")
        for name in ("Conf", "Sched", "Cap"):
            table.add_column(name, width=5, key=name.lower())
        for p, label in zip(points, labels, strict=True):
            table.add_row(
                Text(label),
                *(Text(hours(v), justify="right") for v in (p.confirmed, p.scheduled, p.capacity)),
                key=p.start.isoformat(),
            )

    def _fill_trends(self, report: Report) -> None:
        table = self.query_one("#trend-table", DataTable)
        table.clear(columns=True)
        weeks = report.weeks
        titles = [f"{week.start.day}/{week.start.month}" for week in weeks]
        fixed = len(weeks) + 2 + sum(max(len(t), 5) + 2 for t in titles) + 4
        label = min(TREND_LABEL, max(12, (self.size.width or 80) - fixed))
        table.add_column("Trend by project", width=label, key="label")
        table.add_column("", width=max(1, len(weeks)), key="spark")
        for week, title in zip(weeks, titles, strict=True):
            table.add_column(title, width=max(len(title), 5), key=week.start.isoformat())
        spark_colour = Color.parse(self.app.theme_variables.get("primary", "blue")).rich_color
        for trend in report.trends:
            table.add_row(
                Text(clean_line(trend.label), overflow="ellipsis", no_wrap=True),
                Sparkline(
                    list(trend.hours),
                    width=max(1, len(weeks)),
                    min_color=spark_colour,
                    max_color=spark_colour,
                ),
                *(Text(format_hours(h), justify="right") for h in trend.hours),
                key=trend.key,
            )
