"""Booked hours per day from a person's assignments, against their capacity.

The same arithmetic the server uses for scheduled hours (and the sandbox in
``tenktui/sandbox/suggestions.py``): leave takes its hours out of the day's
capacity first; a project assignment then books, per allocation mode, a share
of what is left (``percent``, a fraction: 0.5 is half a day), the same hours on
every day with room left (``hours_per_day``), or a total spread evenly, to the
cent, over the days with room left in its whole range (``fixed``, the first
days taking the odd cents). Written once here so every screen agrees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Capacity = Callable[[dt.date], float]
ROUNDING = 0.005  # hours closer than this are the same (the API counts in 0.01 h)


@dataclass(frozen=True)
class DayLoad:
    """One day's booked hours against the hours the person can work."""

    date: dt.date
    capacity: float
    booked: float

    @property
    def free(self) -> float:
        """Hours left (negative when over-booked)."""
        return round(self.capacity - self.booked, 2)

    @property
    def state(self) -> str:
        """``off`` (no work day, nothing booked), ``empty``, ``under``, ``full`` or ``over``."""
        if self.booked > self.capacity + ROUNDING:
            return "over"
        if self.capacity <= 0:
            return "off"
        if self.booked <= ROUNDING:
            return "empty"
        if self.booked >= self.capacity - ROUNDING:
            return "full"
        return "under"


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def span(assignment: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The first and last day of an assignment (``None`` when it has no valid range)."""
    first, last = _day(assignment.get("starts_at")), _day(assignment.get("ends_at"))
    if first is None or last is None or last < first:
        return None
    return first, last


def assignment_hours(
    assignment: Mapping[str, Any],
    basis: Capacity,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[dt.date, float]:
    """Hours one assignment books per day within ``[start, end]`` (days with hours only).

    ``basis`` is the room the assignment shares: the day's capacity for leave, the
    capacity left once leave is taken out for project work.
    """
    found = span(assignment)
    if found is None:
        return {}
    first, last = found
    lo = max(first, start) if start else first
    hi = min(last, end) if end else last
    mode = assignment.get("allocation_mode") or "percent"
    out: dict[dt.date, float] = {}
    if mode == "fixed":
        # Spread over the working days of the whole range, not only the ones asked for.
        working = [d for d in _days(first, last) if basis(d) > 0]
        if not working:
            return out
        cents = round(float(assignment.get("fixed_hours") or 0) * 100)
        share, extra = divmod(cents, len(working))
        for i, day in enumerate(working):
            value = share + (1 if i < extra else 0)
            if lo <= day <= hi and value > 0:
                out[day] = value / 100
        return out
    if lo > hi:
        return out
    if mode == "hours_per_day":
        per_day = round(float(assignment.get("hours_per_day") or 0), 2)
        if per_day > 0:
            out.update({day: per_day for day in _days(lo, hi) if basis(day) > 0})
        return out
    share_of_day = float(assignment.get("percent") or 0)
    for day in _days(lo, hi):
        value = round(share_of_day * basis(day), 2)
        if value > 0:
            out[day] = value
    return out


def is_leave(assignment: Mapping[str, Any]) -> bool:
    """Leave assignments as the store lists them (their assignable's kind)."""
    return assignment.get("kind") == "leave"


class Schedule:
    """One person's assignments booked against their capacity."""

    def __init__(
        self,
        assignments: Sequence[Mapping[str, Any]],
        capacity: Capacity,
        *,
        leave: Callable[[Mapping[str, Any]], bool] = is_leave,
    ) -> None:
        self.assignments = list(assignments)
        self.capacity = capacity
        self.leave = leave
        self._leave_hours: dict[dt.date, float] | None = None

    @property
    def leave_hours(self) -> dict[dt.date, float]:
        """Hours of leave per day, over the whole range of every leave assignment."""
        if self._leave_hours is None:
            total: dict[dt.date, float] = {}
            for a in self.assignments:
                if self.leave(a):
                    for day, hours in assignment_hours(a, self.capacity).items():
                        total[day] = total.get(day, 0.0) + hours
            self._leave_hours = total
        return self._leave_hours

    def available(self, day: dt.date) -> float:
        """Capacity left for project work once leave is taken out."""
        capacity = self.capacity(day)
        if capacity <= 0:
            return 0.0
        return max(0.0, capacity - self.leave_hours.get(day, 0.0))

    def hours(
        self,
        assignment: Mapping[str, Any],
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> dict[dt.date, float]:
        """Hours ``assignment`` books per day within ``[start, end]``."""
        basis = self.capacity if self.leave(assignment) else self.available
        return assignment_hours(assignment, basis, start, end)

    def booked(self, start: dt.date, end: dt.date) -> dict[dt.date, float]:
        """Hours booked per day by every assignment, for each day of ``[start, end]``."""
        total = dict.fromkeys(_days(start, end), 0.0)
        for a in self.assignments:
            for day, hours in self.hours(a, start, end).items():
                total[day] += hours
        return {day: round(hours, 2) for day, hours in total.items()}

    def loads(self, start: dt.date, end: dt.date) -> list[DayLoad]:
        return [
            DayLoad(day, float(self.capacity(day)), hours)
            for day, hours in self.booked(start, end).items()
        ]


def schedule_for(queries: Any, user_id: int, start: dt.date, end: dt.date) -> Schedule:
    """The person's schedule from the store, complete enough to book ``[start, end]``.

    A fixed assignment spreads its hours over its whole range, and leave anywhere
    in that range changes the spread: assignments and capacity are read over the
    range covering every assignment that touches it.
    """
    lo, hi = start, end
    while True:
        assignments = queries.assignments(user_id, lo, hi)
        spans = [s for a in assignments if (s := span(a)) is not None]
        wider = min([lo, *(s[0] for s in spans)]), max([hi, *(s[1] for s in spans)])
        if wider == (lo, hi):
            break
        lo, hi = wider
    days = queries.capacities(user_id, lo, hi)

    def capacity(day: dt.date) -> float:
        found = days.get(day)
        return found.capacity if found is not None else 0.0

    return Schedule(assignments, capacity)


def day_loads(queries: Any, user_id: int, start: dt.date, end: dt.date) -> list[DayLoad]:
    """Each day of ``[start, end]``: the person's capacity and the hours booked on it."""
    return schedule_for(queries, user_id, start, end).loads(start, end)


def describe_allocation(assignment: Mapping[str, Any]) -> str:
    """``50 %``, ``6 h/day`` or ``24 h total``."""
    mode = assignment.get("allocation_mode") or "percent"
    if mode == "hours_per_day":
        return f"{_hours(assignment.get('hours_per_day'))} h/day"
    if mode == "fixed":
        return f"{_hours(assignment.get('fixed_hours'))} h total"
    return f"{_hours(float(assignment.get('percent') or 0) * 100)} %"


def _hours(value: Any) -> str:
    return f"{round(float(value or 0), 2):g}"
