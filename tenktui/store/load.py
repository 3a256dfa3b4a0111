"""Booked hours per day from a person's assignments, against their capacity.

The arithmetic is :mod:`tenktui.schedule`'s, shared with the sandbox's suggested
time, so every screen agrees with what the server schedules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tenktui import schedule
from tenktui.schedule import Capacity, assignment_hours, days, span

__all__ = [
    "DayLoad",
    "Schedule",
    "assignment_hours",
    "day_loads",
    "describe_allocation",
    "is_leave",
    "schedule_for",
    "span",
]

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


def is_leave(assignment: Mapping[str, Any]) -> bool:
    """Leave assignments as the store lists them (their assignable's kind)."""
    return assignment.get("kind") == "leave"


class Schedule(schedule.Schedule):
    """One person's assignments booked against their capacity, day by day."""

    def __init__(
        self,
        assignments: Sequence[Mapping[str, Any]],
        capacity: Capacity,
        *,
        leave: Callable[[Mapping[str, Any]], bool] = is_leave,
    ) -> None:
        super().__init__(assignments, capacity, leave=leave)

    def booked(self, start: dt.date, end: dt.date) -> dict[dt.date, float]:
        """Hours booked per day by every assignment, for each day of ``[start, end]``."""
        total = dict.fromkeys(days(start, end), 0.0)
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
