"""Scheduled hours and suggested time entries, computed from assignments.

10,000ft never stores suggestions: they follow from the schedule. A person's
capacity on a day is the account work week, replaced by the availability block
covering that day, and nothing on a holiday. Leave assignments take their hours
out of that capacity first; project assignments then schedule, per allocation
mode, a share of what is left (``percent``), a fixed number of hours on every
working day (``hours_per_day``), or a total spread evenly over the working days
of their range (``fixed``). A day with a confirmed entry for the same person and
assignable has no suggestion.

Suggestion ids encode where they come from, so they are stable, never collide
with stored ids (which come from a sequence far below :data:`SUGGESTION_ID_BASE`),
and can be resolved back to a suggestion: see :func:`suggestion_id`.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from tenktui.sandbox.db import SandboxDB
from tenktui.schedule import Schedule, span

Doc = dict[str, Any]

DEFAULT_WORK_WEEK = (0.0, 8.0, 8.0, 8.0, 8.0, 8.0, 0.0)
DEFAULT_BILL_RATE = 150.0

SUGGESTION_ID_BASE = 1 << 52
_DAY_BITS = 18  # 718 years of days from the epoch below
_ID_EPOCH = dt.date(1900, 1, 1)
_MAX_SQL_PARAMS = 500


# -- suggestion ids ----------------------------------------------------------


def suggestion_id(assignment_id: int, day: dt.date) -> int:
    """``2**52 + (assignment_id << 18) + days since 1900-01-01``.

    ``assignment_id`` is the assignment the suggestion comes from. Ids stay below
    2**53, so they are exact in JavaScript too.
    """
    return SUGGESTION_ID_BASE + (assignment_id << _DAY_BITS) + (day - _ID_EPOCH).days


def is_suggestion_id(id_: int) -> bool:
    return id_ >= SUGGESTION_ID_BASE


def decode_suggestion_id(id_: int) -> tuple[int, dt.date] | None:
    """``(assignment_id, date)`` a suggestion id was made from, or None."""
    if not is_suggestion_id(id_):
        return None
    offset = id_ - SUGGESTION_ID_BASE
    return offset >> _DAY_BITS, _ID_EPOCH + dt.timedelta(days=offset & ((1 << _DAY_BITS) - 1))


# -- raw reads ---------------------------------------------------------------


def _rows(db: SandboxDB, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    # Indexed columns only: cheaper than parsing every document's JSON.
    with db.transaction() as conn:
        return conn.execute(sql, list(params)).fetchall()


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(values), _MAX_SQL_PARAMS):
        yield values[i : i + _MAX_SQL_PARAMS]


def _date(raw: Any) -> dt.date | None:
    if not raw:
        return None
    return dt.date.fromisoformat(str(raw)[:10])


def work_week(db: SandboxDB) -> tuple[float, ...]:
    """The account's hours per weekday, index 0 = Sunday."""
    stored = db.get_setting("work_week")
    if not stored or len(stored) != 7:
        return DEFAULT_WORK_WEEK
    return tuple(float(h or 0) for h in stored)


def holidays(db: SandboxDB) -> frozenset[dt.date]:
    return frozenset(
        d for (raw,) in _rows(db, "SELECT date FROM holidays") if (d := _date(raw)) is not None
    )


def leave_type_ids(db: SandboxDB) -> frozenset[int]:
    return frozenset(row[0] for row in _rows(db, "SELECT id FROM leave_types"))


# -- capacity ----------------------------------------------------------------


class Calendar:
    """One person's working hours per day."""

    def __init__(
        self,
        week: Sequence[float],
        holiday_dates: frozenset[dt.date],
        blocks: Sequence[Doc] = (),
    ) -> None:
        self.week = tuple(week)
        self.holidays = holiday_dates
        # Overlapping blocks: the one starting last wins (ties: the newer id).
        ordered = sorted(blocks, key=lambda b: (str(b.get("starts_at") or ""), b["id"]))
        self.blocks = [
            (_date(b.get("starts_at")), _date(b.get("ends_at")), b) for b in reversed(ordered)
        ]
        self._cache: dict[dt.date, float] = {}

    def capacity(self, day: dt.date) -> float:
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        weekday = (day.weekday() + 1) % 7
        hours = self.week[weekday]
        for starts, ends, block in self.blocks:
            if (starts is None or starts <= day) and (ends is None or day <= ends):
                hours = float(block.get(f"day{weekday}") or 0)
                break
        if day in self.holidays:
            hours = 0.0
        self._cache[day] = hours
        return hours


class _Account:
    """What every person's schedule shares, read once per computation."""

    def __init__(self, db: SandboxDB) -> None:
        self.db = db
        self.week = work_week(db)
        self.holidays = holidays(db)
        self.leave_ids = leave_type_ids(db)

    def calendar(self, person_id: int) -> Calendar:
        if self.db.get("placeholders", person_id) is not None:
            return Calendar(self.week, self.holidays)
        blocks = self.db.query("availabilities", "user_id = ?", [person_id])
        return Calendar(self.week, self.holidays, blocks)


def person_rate(person: Doc | None) -> float | None:
    """A user's own default bill rate (``billrate``; -1 means none)."""
    rate = (person or {}).get("billrate")
    if isinstance(rate, int | float) and not isinstance(rate, bool) and rate >= 0:
        return float(rate)
    return None


def day_capacity(db: SandboxDB, user_id: int, day: dt.date) -> float:
    """Hours ``user_id`` (a user or a placeholder) can work on ``day``."""
    return _Account(db).calendar(user_id).capacity(day)


# -- scheduled hours ---------------------------------------------------------


class PersonSchedule(Schedule):
    """Scheduled hours of one person's assignments (the arithmetic of
    :mod:`tenktui.schedule`, on the person's calendar)."""

    def __init__(self, account: _Account, person_id: int, assignments: Sequence[Doc]) -> None:
        self.account = account
        self.calendar = account.calendar(person_id)
        super().__init__(assignments, self.calendar.capacity, leave=self.is_leave)

    def is_leave(self, assignment: Doc) -> bool:
        return assignment.get("assignable_id") in self.account.leave_ids


def _assignments_of(db: SandboxDB, person_ids: Sequence[int]) -> dict[int, list[Doc]]:
    grouped: dict[int, list[Doc]] = {pid: [] for pid in person_ids}
    for chunk in _chunks(list(person_ids)):
        marks = ",".join("?" * len(chunk))
        for doc in db.query("assignments", f"user_id IN ({marks})", chunk):
            grouped[doc["user_id"]].append(doc)
    return grouped


def scheduled_hours(
    db: SandboxDB, assignment: Doc, start: dt.date | None = None, end: dt.date | None = None
) -> dict[dt.date, float]:
    """Hours ``assignment`` schedules on each day of its range within ``[start, end]``.

    Confirmed time does not change these numbers; days with nothing scheduled
    are left out.
    """
    person = assignment.get("user_id")
    if person is None:
        return {}
    account = _Account(db)
    others = _assignments_of(db, [person])[person]
    return PersonSchedule(account, person, others).hours(assignment, start, end)


# -- suggestions -------------------------------------------------------------


def _overlaps(assignment: Doc, start: dt.date | None, end: dt.date | None) -> bool:
    found = span(assignment)
    if found is None:
        return False
    return (start is None or found[1] >= start) and (end is None or found[0] <= end)


def _people_to_schedule(
    db: SandboxDB, user_id: int | None, assignable_ids: set[int] | None
) -> dict[int, list[Doc]]:
    """Every assignment of each person that may need suggestions (leave included)."""
    if user_id is not None:
        return _assignments_of(db, [user_id])
    if assignable_ids is None:
        grouped: dict[int, list[Doc]] = {}
        for doc in db.query("assignments", "user_id IS NOT NULL"):
            grouped.setdefault(doc["user_id"], []).append(doc)
        return grouped
    people: set[int] = set()
    for chunk in _chunks(sorted(assignable_ids)):
        marks = ",".join("?" * len(chunk))
        rows = _rows(
            db,
            f"SELECT DISTINCT user_id FROM assignments "
            f"WHERE assignable_id IN ({marks}) AND user_id IS NOT NULL",
            chunk,
        )
        people.update(row[0] for row in rows)
    return _assignments_of(db, sorted(people))


def _confirmed_days(
    db: SandboxDB, person_id: int, first: dt.date, last: dt.date
) -> set[tuple[int, str]]:
    rows = _rows(
        db,
        "SELECT assignable_id, date FROM time_entries "
        "WHERE user_id = ? AND date >= ? AND date <= ?",
        [person_id, first.isoformat(), last.isoformat()],
    )
    return {(row[0], row[1]) for row in rows}


def suggestions_for(
    db: SandboxDB,
    user_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
    assignable_ids: set[int] | None = None,
    *,
    cached: bool = False,
) -> list[Doc]:
    """Suggested time entries, ordered by date, person, then assignable.

    One per assignment and day it schedules hours on, where the person has no
    confirmed entry on that assignable and day; several assignments on the same
    assignable and day give several suggestions. ``user_id=None`` covers every
    person (placeholders too).

    ``cached=True`` reuses the answer of an identical earlier call while nothing
    was written, through this connection (``total_changes``) or another one
    (``data_version``). Only read-only requests may ask for it: a write that is
    later rolled back leaves ``total_changes`` moved on but not back.
    """
    if not cached:
        return _compute(db, user_id, start, end, assignable_ids)
    # Walking an account-wide listing page by page asks for the same list again and again.
    key = (user_id, start, end, frozenset(assignable_ids) if assignable_ids is not None else None)
    version = (db.conn.total_changes, _rows(db, "PRAGMA data_version")[0][0])
    cached = _cache.get(db)
    if cached is None or cached[0] != version:
        cached = (version, {})
        _cache[db] = cached
    found = cached[1].get(key)
    if found is None:
        found = _compute(db, user_id, start, end, assignable_ids)
        if len(cached[1]) >= _CACHE_SIZE:
            cached[1].pop(next(iter(cached[1])))
        cached[1][key] = found
    return [dict(doc) for doc in found]


_CACHE_SIZE = 8
_cache: weakref.WeakKeyDictionary[SandboxDB, tuple[Any, dict[Any, list[Doc]]]] = (
    weakref.WeakKeyDictionary()
)


def _compute(
    db: SandboxDB,
    user_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
    assignable_ids: set[int] | None,
) -> list[Doc]:
    account = _Account(db)
    out: list[Doc] = []
    for person, assignments in sorted(_people_to_schedule(db, user_id, assignable_ids).items()):
        targets = [
            a
            for a in assignments
            if (assignable_ids is None or a.get("assignable_id") in assignable_ids)
            and _overlaps(a, start, end)
        ]
        if not targets:
            continue
        schedule = PersonSchedule(account, person, assignments)
        spans = [s for a in targets if (s := span(a)) is not None]
        first = max(start, min(s[0] for s in spans)) if start else min(s[0] for s in spans)
        last = min(end, max(s[1] for s in spans)) if end else max(s[1] for s in spans)
        confirmed = _confirmed_days(db, person, first, last)
        own_rate = person_rate(db.get("users", person))
        # One suggestion per assignment and day, as the real service makes them: two
        # assignments on one assignable give two suggestions for the same cell.
        for assignment in sorted(targets, key=lambda a: a["id"]):
            assignable = assignment["assignable_id"]
            for day, hours in schedule.hours(assignment, start, end).items():
                if (assignable, day.isoformat()) in confirmed:
                    continue
                out.append(
                    _suggestion(
                        person,
                        assignable,
                        day,
                        hours,
                        assignment,
                        assignment.get("updated_at"),
                        account,
                        own_rate,
                    )
                )
    out.sort(key=lambda s: (s["date"], s["user_id"], s["assignable_id"], s["id"]))
    return out


def _suggestion(
    person: int,
    assignable: int,
    day: dt.date,
    hours: float,
    assignment: Doc,
    updated: str | None,
    account: _Account,
    own_rate: float | None,
) -> Doc:
    leave = assignable in account.leave_ids
    rate = assignment.get("bill_rate")
    if rate is None:
        rate = 0.0 if leave else own_rate if own_rate is not None else DEFAULT_BILL_RATE
    return {
        "id": suggestion_id(assignment["id"], day),
        "user_id": person,
        "assignable_id": assignable,
        "assignable_type": "LeaveType" if leave else "Project",
        "date": day.isoformat(),
        "hours": None,
        "is_suggestion": True,
        "scheduled_hours": round(hours, 2),
        "task": None,
        "notes": None,
        "bill_rate": float(rate),
        "bill_rate_id": assignment.get("bill_rate_id"),
        "created_at": assignment.get("created_at"),
        "updated_at": updated,
    }


def find_suggestion(db: SandboxDB, id_: int) -> Doc | None:
    """The suggestion with this id as the schedule stands now, or None."""
    decoded = decode_suggestion_id(id_)
    if decoded is None:
        return None
    assignment_id, day = decoded
    assignment = db.get("assignments", assignment_id)
    if assignment is None or assignment.get("user_id") is None:
        return None
    found = suggestions_for(db, assignment["user_id"], day, day, {assignment["assignable_id"]})
    return next((s for s in found if s["id"] == id_), None)
