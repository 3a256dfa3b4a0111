"""Reports: a person's confirmed hours over a period against what was scheduled and
what they could work, grouped by project, phase, task, day, week or month.

The numbers, and what each means:

- ``confirmed``: the person's live time entries (pulled, and their own local edits
  not sent yet), leave included; ``leave`` is the part of it on leave types.
- ``scheduled``: what the person's assignments book, by :mod:`tenktui.schedule`
  (the same arithmetic the server's suggested time uses). Suggestions are not used:
  a backend may have none, and a suggestion disappears once its cell is confirmed,
  so they cannot say what was planned for days already logged.
- ``capacity``: the hours the person could work (work week, their availability,
  holidays: ``Queries.capacities``) less the day's leave (confirmed leave, else
  scheduled leave). Only for rows that are periods and for the total; a project
  has no capacity of its own.
- ``utilisation``: hours worked (confirmed less leave) over capacity. For a
  project, phase or task row it is that row's share of the period's capacity (the
  rows add up to the total); ``None`` on leave rows and where capacity is 0.
- billing, only where the entries carry a bill rate: ``billable_share`` is the
  share of rated hours with a rate above 0, ``bill_rate`` the average rate of the
  billable hours, ``amount`` what they bill. An entry with no rate (a backend that
  has none, an edit not sent yet) is left out of these; a row with no rated entry
  says ``None`` ("n/a"), never 0 %.

Weeks begin on the profile's first weekday (:func:`week_start_for`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tenktui.store.database import Database
from tenktui.store.held import HeldRanges, Span
from tenktui.store.load import schedule_for
from tenktui.store.queries import Queries, week_start_for
from tenktui.store.validation import display_name

GROUPINGS: tuple[str, ...] = ("project", "phase", "task", "day", "week", "month")
PERIOD_GROUPINGS = frozenset({"day", "week", "month"})
MAX_DAYS = 731  # about two years: a longer report is refused, not computed
NO_TASK = "(no task)"


class BadPeriod(ValueError):
    """A report period or grouping that cannot be reported (nothing is read)."""


@dataclass(frozen=True)
class Figures:
    """The numbers of one row, one chart point, or the total."""

    confirmed: float = 0.0
    leave: float = 0.0
    scheduled: float | None = 0.0  # None: not known for this row (a task)
    capacity: float | None = None  # None: not a period (project, phase, task)
    utilisation: float | None = None  # a fraction: 0.85 is 85 %
    billable_share: float | None = None  # a fraction of rated hours; None: n/a
    bill_rate: float | None = None  # average rate of billable hours; None: n/a
    amount: float | None = None  # billable hours × their rates; None: n/a

    @property
    def worked(self) -> float:
        """Confirmed hours that are not leave."""
        return round(self.confirmed - self.leave, 2)


@dataclass(frozen=True)
class ReportLine(Figures):
    """One row: ``key`` is stable (an assignable id, a task's text, a period's first
    day in ISO form); ``label`` is what to show; ``start``/``end`` bound a period row
    (``None`` for others); ``kind`` is ``project``, ``phase``, ``leave``, ``task`` or
    the period's grouping."""

    key: str = ""
    label: str = ""
    kind: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Point(Figures):
    """One bar of a chart: a day or a week of the period (clipped to it)."""

    start: dt.date = dt.date.min
    end: dt.date = dt.date.min
    label: str = ""


@dataclass(frozen=True)
class Trend:
    """A project's confirmed hours per week of the period (``weeks`` are the week
    starts of :attr:`Report.weeks`, in order)."""

    key: str
    label: str
    hours: tuple[float, ...]


@dataclass(frozen=True)
class Report:
    """A person's report over ``[start, end]`` grouped ``by``; ``missing`` lists the
    parts of the period the cache does not hold (empty when it is complete)."""

    user_id: int
    start: dt.date
    end: dt.date
    by: str
    lines: tuple[ReportLine, ...]
    total: ReportLine
    days: tuple[Point, ...]
    weeks: tuple[Point, ...]
    trends: tuple[Trend, ...]
    missing: tuple[Span, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def billing_known(self) -> bool:
        """Whether any entry of the period carries a bill rate."""
        return self.total.billable_share is not None


# -- periods ----------------------------------------------------------------------


def week_period(day: dt.date, first_weekday: int = 0) -> Span:
    """The week holding ``day`` (``first_weekday``: 0 = Monday … 6 = Sunday)."""
    start = week_start_for(day, first_weekday)
    return start, start + dt.timedelta(days=6)


def month_period(day: dt.date) -> Span:
    """The calendar month holding ``day``."""
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def check_period(start: dt.date, end: dt.date, by: str) -> None:
    """:class:`BadPeriod` with a message a person can act on, if not reportable."""
    if by not in GROUPINGS:
        raise BadPeriod(f"Group by one of {', '.join(GROUPINGS)}, not {by!r}.")
    if end < start:
        raise BadPeriod(f"The period ends ({end}) before it starts ({start}).")
    if (end - start).days + 1 > MAX_DAYS:
        raise BadPeriod(
            f"A report covers at most {MAX_DAYS} days (about two years); "
            f"{start} to {end} is {(end - start).days + 1}."
        )


def _period_key(day: dt.date, by: str, first_weekday: int) -> Span:
    if by == "day":
        return day, day
    if by == "week":
        return week_period(day, first_weekday)
    return month_period(day)


def _period_label(span: Span, by: str) -> str:
    lo, hi = span
    if by == "day":
        return f"{lo:%a %d %b %Y}"
    if by == "week":
        return f"{lo:%d %b} – {hi:%d %b %Y}"
    return f"{lo:%B %Y}"


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# -- the arithmetic -----------------------------------------------------------------


class _Sums:
    """Running sums of one group."""

    __slots__ = ("amount", "billable", "confirmed", "leave", "rated", "scheduled")

    def __init__(self) -> None:
        self.confirmed = self.leave = self.scheduled = 0.0
        self.rated = self.billable = self.amount = 0.0

    def add_entry(self, hours: float, rate: float | None, leave: bool) -> None:
        self.confirmed += hours
        if leave:
            self.leave += hours
        if rate is not None:
            self.rated += hours
            if rate > 0:
                self.billable += hours
                self.amount += hours * rate

    def merge(self, other: _Sums) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self, capacity: float) -> dict[str, float | None]:
        """A period's numbers (a row or a bar): its sums against its ``capacity``."""
        return {
            "confirmed": round(self.confirmed, 2),
            "leave": round(self.leave, 2),
            "scheduled": round(self.scheduled, 2),
            "capacity": round(capacity, 2),
            "utilisation": _ratio(self.confirmed - self.leave, capacity),
            **self.billing(),
        }

    def billing(self) -> dict[str, float | None]:
        if self.rated <= 0:
            return {"billable_share": None, "bill_rate": None, "amount": None}
        return {
            "billable_share": round(self.billable / self.rated, 4),
            "bill_rate": round(self.amount / self.billable, 2) if self.billable > 0 else None,
            "amount": round(self.amount, 2),
        }


def _ratio(worked: float, capacity: float | None) -> float | None:
    if capacity is None or capacity <= 0:
        return None
    return round(worked / capacity, 4)


class Reports:
    """The report side of the store (read only, but for :attr:`held`)."""

    def __init__(self, database: Database, queries: Queries) -> None:
        self.d = database
        self.queries = queries
        self.held = HeldRanges(database)

    def missing(self, user_id: int, start: dt.date, end: dt.date) -> list[Span]:
        """The parts of ``[start, end]`` the cache does not hold: fetch them first
        (``SyncControl.fetch_range``) for a complete report; empty: all offline."""
        return self.held.missing(user_id, start, end)

    def report(
        self,
        user_id: int,
        start: dt.date,
        end: dt.date,
        by: str = "project",
        *,
        first_weekday: int = 0,
    ) -> Report:
        """The person's report over ``[start, end]`` from the cache (no network;
        :attr:`Report.missing` says what it lacks). :class:`BadPeriod` if ``by`` is
        unknown, the period runs backwards or exceeds :data:`MAX_DAYS`."""
        check_period(start, end, by)
        dates = _days(start, end)
        entries = self._entries(user_id, start, end)
        schedule = schedule_for(self.queries, user_id, start, end)
        kinds = self._assignables(
            {e["assignable_id"] for e in entries}
            | {a["assignable_id"] for a in schedule.assignments}
        )
        base = self.queries.capacities(user_id, start, end)
        scheduled_by_assignable: dict[int, dict[dt.date, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        scheduled_leave: dict[dt.date, float] = defaultdict(float)
        for a in schedule.assignments:
            for day, hours in schedule.hours(a, start, end).items():
                scheduled_by_assignable[a["assignable_id"]][day] += hours
                if a.get("kind") == "leave":
                    scheduled_leave[day] += hours
        leave_taken: dict[dt.date, float] = defaultdict(float)
        for e in entries:
            if kinds.get(e["assignable_id"], {}).get("kind") == "leave":
                leave_taken[e["day"]] += e["hours"]
        capacity = {
            day: max(0.0, base[day].capacity - (leave_taken.get(day) or scheduled_leave[day]))
            for day in dates
        }
        scheduled_day: dict[dt.date, float] = defaultdict(float)
        for per_day in scheduled_by_assignable.values():
            for day, hours in per_day.items():
                scheduled_day[day] += hours
        period_capacity = sum(capacity.values())
        daily: dict[dt.date, _Sums] = defaultdict(_Sums)
        for e in entries:
            leave = kinds.get(e["assignable_id"], {}).get("kind") == "leave"
            daily[e["day"]].add_entry(e["hours"], e["bill_rate"], leave)

        total = self._period_line((start, end), "total", "Total", daily, scheduled_day, capacity)
        if by in PERIOD_GROUPINGS:
            spans = _spans(dates, by, first_weekday)
            lines = [
                self._period_line(s, by, _period_label(s, by), daily, scheduled_day, capacity)
                for s in spans
            ]
        else:
            lines = self._group_lines(by, entries, kinds, scheduled_by_assignable, period_capacity)
        day_points = tuple(
            self._point((d, d), f"{d:%a %d}", daily, scheduled_day, capacity) for d in dates
        )
        week_spans = _spans(dates, "week", first_weekday)
        week_points = tuple(
            self._point(s, f"{s[0]:%d %b}", daily, scheduled_day, capacity) for s in week_spans
        )
        return Report(
            user_id=user_id,
            start=start,
            end=end,
            by=by,
            lines=tuple(lines),
            total=total,
            days=day_points,
            weeks=week_points,
            trends=self._trends(entries, kinds, week_spans),
            missing=tuple(self.missing(user_id, start, end)),
        )

    # -- reads --------------------------------------------------------------
    def _entries(self, user_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        rows = self.d.rows(
            "SELECT assignable_id, date, hours, task, bill_rate FROM time_entries "
            "WHERE user_id = ? AND date BETWEEN ? AND ? AND deleted = 0 ORDER BY date, id",
            (user_id, start.isoformat(), end.isoformat()),
        )
        for r in rows:
            r["day"] = dt.date.fromisoformat(r["date"])
            r["hours"] = float(r["hours"] or 0)
        return rows

    def _assignables(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        wanted = set(ids)
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        found = {
            r["id"]: r
            for r in self.d.rows(
                f"SELECT id, kind, name, phase_name, parent_id FROM assignables "
                f"WHERE id IN ({marks})",
                sorted(wanted),
            )
        }
        parents = {r["parent_id"] for r in found.values() if r["parent_id"]} - found.keys()
        if parents:
            marks = ", ".join("?" * len(parents))
            found.update(
                (r["id"], r)
                for r in self.d.rows(
                    f"SELECT id, kind, name, phase_name, parent_id FROM assignables "
                    f"WHERE id IN ({marks})",
                    sorted(parents),
                )
            )
        return found

    # -- groups -------------------------------------------------------------
    def _group_of(self, assignable_id: int, by: str, kinds: dict[int, dict[str, Any]]) -> str:
        """The group key of an assignable for ``project`` or ``phase``."""
        row = kinds.get(assignable_id) or {}
        if by == "project" and row.get("kind") == "phase" and row.get("parent_id"):
            return str(row["parent_id"])
        return str(assignable_id)

    def _group_lines(
        self,
        by: str,
        entries: list[dict[str, Any]],
        kinds: dict[int, dict[str, Any]],
        scheduled: dict[int, dict[dt.date, float]],
        period_capacity: float,
    ) -> list[ReportLine]:
        sums: dict[str, _Sums] = defaultdict(_Sums)
        for e in entries:
            leave = kinds.get(e["assignable_id"], {}).get("kind") == "leave"
            key = (
                (e["task"] or NO_TASK)
                if by == "task"
                else self._group_of(e["assignable_id"], by, kinds)
            )
            sums[key].add_entry(e["hours"], e["bill_rate"], leave)
        if by != "task":
            for assignable_id, per_day in scheduled.items():
                sums[self._group_of(assignable_id, by, kinds)].scheduled += sum(per_day.values())
        lines = []
        for key, s in sums.items():
            if by == "task":
                label, kind, is_leave = key, "task", False
            else:
                row = kinds.get(int(key)) or {"id": int(key), "kind": "project"}
                label, kind = display_name(row), row.get("kind") or "project"
                is_leave = kind == "leave"
            worked = s.confirmed - s.leave
            lines.append(
                ReportLine(
                    key=key,
                    label=label,
                    kind=kind,
                    confirmed=round(s.confirmed, 2),
                    leave=round(s.leave, 2),
                    scheduled=None if by == "task" else round(s.scheduled, 2),
                    capacity=None,
                    utilisation=None if is_leave else _ratio(worked, period_capacity),
                    **s.billing(),
                )
            )
        lines.sort(key=lambda ln: (ln.kind == "leave", -ln.confirmed, ln.label.lower(), ln.key))
        return lines

    def _sums(
        self,
        span: Span,
        daily: dict[dt.date, _Sums],
        scheduled_day: dict[dt.date, float],
        capacity: dict[dt.date, float],
    ) -> tuple[_Sums, float]:
        """The sums over ``span``, from the days' sums; and the span's capacity."""
        s = _Sums()
        room = 0.0
        day = span[0]
        while day <= span[1]:
            if day in daily:
                s.merge(daily[day])
            s.scheduled += scheduled_day.get(day, 0.0)
            room += capacity.get(day, 0.0)
            day += dt.timedelta(days=1)
        return s, room

    def _period_line(
        self,
        span: Span,
        by: str,
        label: str,
        daily: dict[dt.date, _Sums],
        scheduled_day: dict[dt.date, float],
        capacity: dict[dt.date, float],
    ) -> ReportLine:
        s, room = self._sums(span, daily, scheduled_day, capacity)
        return ReportLine(
            key=span[0].isoformat(), label=label, kind=by, start=span[0], end=span[1],
            **s.figures(room),
        )  # fmt: skip

    def _point(
        self,
        span: Span,
        label: str,
        daily: dict[dt.date, _Sums],
        scheduled_day: dict[dt.date, float],
        capacity: dict[dt.date, float],
    ) -> Point:
        s, room = self._sums(span, daily, scheduled_day, capacity)
        return Point(start=span[0], end=span[1], label=label, **s.figures(room))

    def _trends(
        self,
        entries: list[dict[str, Any]],
        kinds: dict[int, dict[str, Any]],
        weeks: list[Span],
    ) -> tuple[Trend, ...]:
        per: dict[str, list[float]] = {}
        for e in entries:
            if kinds.get(e["assignable_id"], {}).get("kind") == "leave":
                continue
            key = self._group_of(e["assignable_id"], "project", kinds)
            hours = per.setdefault(key, [0.0] * len(weeks))
            for i, (lo, hi) in enumerate(weeks):
                if lo <= e["day"] <= hi:
                    hours[i] += e["hours"]
                    break
        trends = [
            Trend(
                key=key,
                label=display_name(kinds.get(int(key)) or {"id": int(key)}),
                hours=tuple(round(h, 2) for h in hours),
            )
            for key, hours in per.items()
        ]
        trends.sort(key=lambda t: (-sum(t.hours), t.label.lower(), t.key))
        return tuple(trends)


def _spans(dates: list[dt.date], by: str, first_weekday: int) -> list[Span]:
    """The periods of ``by`` covering ``dates``, each clipped to the dates."""
    spans: dict[Span, Span] = {}
    for day in dates:
        whole = _period_key(day, by, first_weekday)
        lo, hi = spans.get(whole, (day, day))
        spans[whole] = (min(lo, day), max(hi, day))
    return list(spans.values())
