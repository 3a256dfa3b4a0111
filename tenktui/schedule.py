"""Scheduled hours: how an assignment books a person's days.

One piece of arithmetic, used by the sandbox (suggested time, as the server
computes it) and by the store (the load strip), so the two always agree. Leave
takes its hours out of the day's capacity first; a project assignment then
books, per allocation mode, a share of what is left (``percent``, a fraction:
0.5 is half a day), the same hours on every day with room left
(``hours_per_day``), or a total spread evenly, to the cent, over the days with
room left in its whole range (``fixed``, the first days taking the odd cents).

Pure functions over plain dicts and dates: no layer is imported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

Capacity = Callable[[dt.date], float]


def as_date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def span(assignment: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The first and last day of an assignment (``None`` when it has no valid range)."""
    first, last = as_date(assignment.get("starts_at")), as_date(assignment.get("ends_at"))
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
        working = [d for d in days(first, last) if basis(d) > 0]
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
            out.update({day: per_day for day in days(lo, hi) if basis(day) > 0})
        return out
    share_of_day = float(assignment.get("percent") or 0)
    for day in days(lo, hi):
        value = round(share_of_day * basis(day), 2)
        if value > 0:
            out[day] = value
    return out


class Schedule:
    """One person's assignments booked against their capacity; ``leave`` tells which
    assignments are leave."""

    def __init__(
        self,
        assignments: Sequence[Mapping[str, Any]],
        capacity: Capacity,
        *,
        leave: Callable[[Mapping[str, Any]], bool],
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
