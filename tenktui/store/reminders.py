"""What the person should act on before time is lost: short days, unconfirmed time, locks.

Read from the cache alone (``tenktui check`` runs at every shell prompt, and the
Timesheet's banner on every redraw), for the person, their today and *the window*:

- the window runs from the first day of the time window the last sync pulled (the
  profile's ``window_weeks_back`` before the day of that sync) to yesterday. Older
  days are not in the cache, so nothing can be said about them; today is not over,
  so it is never "past". A cache synced before the window was recorded falls back
  to the oldest day it holds time or suggestions for, at most
  :data:`FALLBACK_WEEKS` back.

The three kinds of :class:`Reminder`, one per day (``locks``: per day and lock date):

- ``short``: a past workday whose confirmed hours (every project and leave type)
  are under its capacity (:meth:`Queries.capacities`: the work week, the person's
  availability, holidays). A day with no capacity (a weekend, a holiday) is never
  short.
- ``unconfirmed``: a past day still holding suggested time (``scheduled_hours > 0``)
  in a cell with no confirmed entry (a dismissed suggestion is a 0 h entry), on a
  project that still takes time for that day.
- ``locks``: a past day with such unconfirmed time on a project whose
  ``timeentry_lockout`` closes that day within ``lock_days`` days (the rule of
  :func:`lock_for`): ``days_left`` is 1 when today is the last day it can be confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from tenktui.store.database import Database
from tenktui.store.queries import Queries
from tenktui.store.validation import DEFAULT_LOCK_DAYS, lock_for
from tenktui.text import hours_text

FALLBACK_WEEKS = 8  # a cache with no recorded window: how far back its held days count
WINDOW_META = "time_window"  # {"user_id", "from", "to"}: the last window a sync pulled

Kind = Literal["short", "unconfirmed", "locks"]
# Most urgent first: time about to be lost, then time waiting, then time missing.
_URGENCY: dict[str, int] = {"locks": 0, "unconfirmed": 1, "short": 2}


@dataclass(frozen=True)
class Reminder:
    """One thing to act on: ``hours`` short of capacity, or unconfirmed."""

    kind: Kind
    day: dt.date
    hours: float
    days_left: int | None = None  # ``locks`` only: days until the day's time locks

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "date": self.day.isoformat(),
            "hours": self.hours,
            "days_left": self.days_left,
        }


@dataclass(frozen=True)
class Reminders:
    """Everything to act on in the window, most urgent first."""

    start: dt.date | None  # the window; ``None`` when the cache holds no time yet
    end: dt.date | None
    items: tuple[Reminder, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)

    def of(self, kind: Kind) -> list[Reminder]:
        return [r for r in self.items if r.kind == kind]

    @property
    def first_day(self) -> dt.date | None:
        """The day of the most urgent reminder: where the Timesheet's jump key goes."""
        return self.items[0].day if self.items else None


class ReminderQueries:
    """Reminders read from the cache (``store.reminders``)."""

    def __init__(self, database: Database) -> None:
        self.d = database

    def note_window(self, user_id: int, start: dt.date, end: dt.date) -> None:
        """Remember the window a sync just pulled: where reminders may look."""
        self.d.set_meta(
            WINDOW_META, {"user_id": user_id, "from": start.isoformat(), "to": end.isoformat()}
        )

    def window(self, user_id: int, today: dt.date) -> tuple[dt.date, dt.date] | None:
        """The past days reminders look at (module docstring); ``None`` if none are held."""
        end = today - dt.timedelta(days=1)
        noted = self.d.get_meta(WINDOW_META)
        if isinstance(noted, dict) and noted.get("user_id") == user_id:
            start = dt.date.fromisoformat(noted["from"])
        else:
            oldest = self.d.scalar(
                "SELECT MIN(date) FROM (SELECT date FROM time_entries WHERE user_id = ? "
                "UNION ALL SELECT date FROM suggestions WHERE user_id = ?)",
                (user_id, user_id),
            )
            if oldest is None:
                return None
            start = max(dt.date.fromisoformat(oldest), today - dt.timedelta(weeks=FALLBACK_WEEKS))
        return (start, end) if start <= end else None

    def find(
        self, user_id: int, today: dt.date, *, lock_days: int = DEFAULT_LOCK_DAYS
    ) -> Reminders:
        """The person's reminders on ``today``, most urgent first."""
        span = self.window(user_id, today)
        if span is None:
            return Reminders(None, None)
        start, end = span
        lo, hi = start.isoformat(), end.isoformat()
        confirmed: dict[dt.date, float] = defaultdict(float)
        cells: set[tuple[int, str]] = set()
        for e in self.d.rows(
            "SELECT assignable_id, date, hours FROM time_entries "
            "WHERE user_id = ? AND deleted = 0 AND date BETWEEN ? AND ?",
            (user_id, lo, hi),
        ):
            confirmed[dt.date.fromisoformat(e["date"])] += float(e["hours"] or 0)
            cells.add((e["assignable_id"], e["date"]))
        waiting: dict[dt.date, float] = defaultdict(float)
        locking: dict[tuple[dt.date, int], float] = defaultdict(float)
        # Each suggestion with its project's lock rule, joined here: reading every
        # project of a large account on each redraw cost milliseconds a key.
        for s in self.d.rows(
            "SELECT s.assignable_id, s.date, s.scheduled_hours, a.kind, a.name, "
            "a.phase_name, a.timeentry_lockout, a.archived FROM suggestions s "
            "LEFT JOIN assignables a ON a.id = s.assignable_id "
            "WHERE s.user_id = ? AND s.scheduled_hours > 0 AND s.date BETWEEN ? AND ?",
            (user_id, lo, hi),
        ):
            if (s["assignable_id"], s["date"]) in cells:
                continue
            day = dt.date.fromisoformat(s["date"])
            project = {"id": s["assignable_id"], **s}
            if lock_for(project, day, today) is not None:
                continue  # nothing can be done about it any more
            waiting[day] += float(s["scheduled_hours"])
            left = days_left(project, day, today)
            if left is not None and left <= lock_days:
                locking[(day, left)] += float(s["scheduled_hours"])
        items = [Reminder("locks", day, _h(hours), left) for (day, left), hours in locking.items()]
        items += [Reminder("unconfirmed", day, _h(hours)) for day, hours in waiting.items()]
        for day, capacity in Queries(self.d).capacities(user_id, start, end).items():
            short = _h(capacity.capacity - confirmed.get(day, 0.0))
            if short > 0:  # a day with no capacity never is
                items.append(Reminder("short", day, short))
        items.sort(key=lambda r: (_URGENCY[r.kind], r.days_left or 0, r.day))
        return Reminders(start, end, tuple(items))


def days_left(assignable: dict[str, Any], day: dt.date, today: dt.date) -> int | None:
    """Days until ``day`` locks on ``assignable`` (1: today is the last day it takes time);
    ``None`` when its time never locks. The inverse of :func:`lock_for`'s date rule: a
    lockout of L days takes time for ``day`` up to ``day + L`` and refuses it after."""
    lockout = assignable.get("timeentry_lockout")
    if lockout is None or lockout <= 0:
        return None
    return (day + dt.timedelta(days=lockout + 1) - today).days


def _h(hours: float) -> float:
    return round(hours, 2)


# -- in words: one line for a shell prompt and the Timesheet's banner ----------------

LISTED_DAYS = 3  # days named in a list before "…"


def summary(reminders: Reminders) -> str:
    """The reminders in one line, most urgent first, e.g. "Tue 17 Nov locks in 2 days ·
    2 h unconfirmed; 4 h unconfirmed on Thu 19 Nov; 2 short days (Thu 19, Fri 20 Nov)";
    "" when there is nothing to act on."""
    parts: list[str] = []
    locking: dict[dt.date, Reminder] = {}
    for r in reminders.of("locks"):
        locking.setdefault(r.day, r)  # the soonest lock of a day comes first
    for r in locking.values():
        parts.append(
            f"{_day(r.day)} {_locks_in(r.days_left or 0)} · {hours_text(r.hours)} h unconfirmed"
        )
    waiting = [r for r in reminders.of("unconfirmed") if r.day not in locking]
    if waiting:
        hours = hours_text(sum(r.hours for r in waiting))
        days = sorted(r.day for r in waiting)
        where = _day(days[0]) if len(days) == 1 else f"{len(days)} days ({day_list(days)})"
        parts.append(f"{hours} h unconfirmed on {where}")
    short = sorted(r.day for r in reminders.of("short"))
    if short:
        plural = "s" if len(short) != 1 else ""
        parts.append(f"{len(short)} short day{plural} ({day_list(short)})")
    return "; ".join(parts)


def day_list(days: list[dt.date]) -> str:
    """``Thu 26, Fri 27 Nov, Tue 1 Dec``: the month once per run of days in it; after
    :data:`LISTED_DAYS` days, ``…``."""
    shown = days[:LISTED_DAYS]
    words = []
    for i, day in enumerate(shown):
        last_of_month = i + 1 == len(shown) or shown[i + 1].month != day.month
        words.append(f"{day:%a} {day.day}" + (f" {day:%b}" if last_of_month else ""))
    return ", ".join(words) + (", …" if len(days) > LISTED_DAYS else "")


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _locks_in(days: int) -> str:
    return "locks tomorrow" if days == 1 else f"locks in {days} days"


def day_summary(reminders: Reminders, day: dt.date) -> str:
    """One day's reminders, e.g. "Tue 17 Nov: 2 h locks in 2 days · 2 h unconfirmed ·
    0.5 h short" ("" when it has none)."""
    words = {
        "locks": lambda r: f"{hours_text(r.hours)} h {_locks_in(r.days_left or 0)}",
        "unconfirmed": lambda r: f"{hours_text(r.hours)} h unconfirmed",
        "short": lambda r: f"{hours_text(r.hours)} h short",
    }
    parts = [words[r.kind](r) for r in reminders.items if r.day == day]
    return f"{_day(day)}: {' · '.join(parts)}" if parts else ""
