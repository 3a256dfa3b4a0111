"""The profile's running timer: started, stopped into time entries, or cancelled.

The timer lives only in the store's ``timer`` table (one row at most, enforced by
SQL), so it survives restarts and crashes, needs no network, and is the same timer
for the app and every command on the profile: another process sees it start and
stop as soon as the write commits (the app notices through ``data_version``).

Nothing here reads a clock. Every call that needs the present takes ``now`` (an
aware datetime) and the profile's time zone (an IANA name), which decides the
local day a stretch of time belongs to; stopping also takes the profile's
:class:`~tenktui.store.rounding.Rounding`. Stopping turns the elapsed time into
ordinary time-entry edits (``Edits.add_time``) in the same transaction that
removes the timer: a refused stop (``InvalidEdit``) leaves the timer running and
nothing queued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from tenktui.store.database import Database
from tenktui.store.dates import zone_info
from tenktui.store.rounding import Rounding
from tenktui.store.validation import InvalidEdit, check_text

if TYPE_CHECKING:  # the writer of edits (and its outbox) loads on the first start or stop
    from zoneinfo import ZoneInfo

    from tenktui.store.edits import Edits
    from tenktui.store.timer_results import Started, Stopped

# A timer running longer than this is asked about: nobody works 12 hours unbroken.
FORGOTTEN_AFTER = dt.timedelta(hours=12)


class NoTimer(InvalidEdit):
    """Stop (or a question about the timer) when none is running."""

    def __init__(self) -> None:
        super().__init__("No timer is running.", "timer")


# A named tuple: a dataclass costs about a millisecond to define at every start.
class RunningTimer(NamedTuple):
    """The running timer: whose, on which assignable, with what task and notes, since when
    (``started_at`` is aware, in UTC)."""

    user_id: int
    assignable_id: int
    task: str | None
    notes: str | None
    started_at: dt.datetime

    def elapsed(self, now: dt.datetime) -> dt.timedelta:
        """How long it has run at ``now`` (never negative)."""
        return max(now - self.started_at, dt.timedelta(0))

    def started_local(self, zone: str) -> dt.datetime:
        """The start as wall time in ``zone``."""
        return self.started_at.astimezone(_zone(zone))


class Timer:
    """The profile's one timer, kept in the store (``store.timer``)."""

    def __init__(self, database: Database, edits: Callable[[], Edits]) -> None:
        self.d = database
        self._edits = edits  # the store's, made on first use: reading needs none

    @property
    def edits(self) -> Edits:
        return self._edits()

    def running(self) -> RunningTimer | None:
        """The running timer, or ``None``."""
        row = self.d.row("SELECT * FROM timer WHERE slot = 1")
        if row is None:
            return None
        return RunningTimer(
            user_id=int(row["user_id"]),
            assignable_id=int(row["assignable_id"]),
            task=row["task"],
            notes=row["notes"],
            started_at=_instant(row["started_at"]),
        )

    def start(
        self,
        user_id: int,
        assignable_id: int,
        *,
        now: dt.datetime,
        zone: str,
        rounding: Rounding,
        at: dt.datetime | None = None,
        task: str | None = None,
        notes: str | None = None,
    ) -> Started:
        """Start a timer at ``at`` (default ``now``; earlier for the start one forgot, never
        in the future). A timer already running is stopped at that instant first, in the
        same transaction, by ``rounding`` (so ``at`` may not be before its start).

        ``InvalidEdit`` when the start is refused (a locked or unknown assignable, text too
        long, a time in the future), or when stopping the running one is; then nothing
        changes.
        """
        now = _aware(now, "now")
        start = _aware(at, "at") if at is not None else now
        if start > now:
            raise InvalidEdit(
                f"{_when(start, zone)} is in the future: a timer starts now or earlier.", "at"
            )
        task, notes = check_text(task, "task"), check_text(notes, "notes")
        with self.d.write() as c:
            self.edits.check_loggable(user_id, assignable_id, start.astimezone(_zone(zone)).date())
            stopped = None
            if self.running() is not None:
                stopped = self.stop(now=now, zone=zone, rounding=rounding, at=start)
            c.execute(
                "INSERT INTO timer (slot, user_id, assignable_id, task, notes, started_at) "
                "VALUES (1, ?, ?, ?, ?, ?)",
                (user_id, assignable_id, task, notes, _stamp(start)),
            )
        timer = self.running()
        assert timer is not None
        from tenktui.store.timer_results import Started

        return Started(timer, stopped)

    def stop(
        self,
        *,
        now: dt.datetime,
        zone: str,
        rounding: Rounding,
        at: dt.datetime | None = None,
    ) -> Stopped:
        """Stop the timer at ``at`` (default ``now``) and queue its time.

        The time from start to stop is split at each local midnight in ``zone``; each
        day's part is rounded by ``rounding`` and added through ``Edits.add_time``
        (task and notes from the timer); a part that rounds to 0 h is skipped. All of
        it, and removing the timer, is one transaction.

        ``NoTimer`` when none runs; ``InvalidEdit`` when ``at`` is before the start or
        after ``now``, or when a part is refused (a day over 24 h, a lock): then the
        timer keeps running and nothing is queued.
        """
        from tenktui.store.timer_results import Part, Stopped

        now = _aware(now, "now")
        stop = _aware(at, "at") if at is not None else now
        with self.d.write() as c:
            timer = self.running()
            if timer is None:
                raise NoTimer()
            if stop > now:
                raise InvalidEdit(
                    f"{_when(stop, zone)} is in the future: stop the timer now or at an "
                    "earlier time.",
                    "at",
                )
            if stop < timer.started_at:
                raise InvalidEdit(
                    f"{_when(stop, zone)} is before the timer started "
                    f"({_when(timer.started_at, zone)}).",
                    "at",
                )
            parts: list[Part] = []
            for day, seconds in split_by_day(timer.started_at, stop, zone):
                hours = rounding.hours(seconds)
                entry_id = None
                if hours > 0:
                    entry_id = self.edits.add_time(
                        timer.user_id,
                        timer.assignable_id,
                        day,
                        hours,
                        task=timer.task,
                        notes=timer.notes,
                    )
                parts.append(Part(day, seconds, hours, entry_id))
            c.execute("DELETE FROM timer WHERE slot = 1")
        return Stopped(timer, stop, parts)

    def cancel(self) -> RunningTimer | None:
        """Throw the running timer away, queueing nothing; what was cancelled (or ``None``)."""
        with self.d.write() as c:
            timer = self.running()
            c.execute("DELETE FROM timer WHERE slot = 1")
        return timer

    def forgotten(self, now: dt.datetime, zone: str) -> str | None:
        """Why the running timer looks forgotten, or ``None`` (also when none runs): it
        started on a local day that has ended, or it has run over 12 hours."""
        timer = self.running()
        if timer is None:
            return None
        now = _aware(now, "now")
        started = timer.started_local(zone)
        if now.astimezone(_zone(zone)).date() > started.date():
            return f"it has run since {started:%a %d %b %H:%M}, past the end of that day"
        if timer.elapsed(now) > FORGOTTEN_AFTER:
            return f"it has run for over 12 h, since {started:%H:%M}"
        return None


def split_by_day(start: dt.datetime, stop: dt.datetime, zone: str) -> list[tuple[dt.date, float]]:
    """The seconds from ``start`` to ``stop`` on each local calendar day in ``zone``
    (one pair per day, in order; a zero-length span gives one pair of 0 s)."""
    tz = _zone(zone)
    parts: list[tuple[dt.date, float]] = []
    cursor = start
    day = start.astimezone(tz).date()
    while True:
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        end = min(stop, midnight)
        parts.append((day, (end - cursor).total_seconds()))
        if stop <= midnight:
            return parts
        cursor, day = midnight, day + dt.timedelta(days=1)


def _zone(name: str) -> ZoneInfo:
    from zoneinfo import ZoneInfoNotFoundError  # the module itself: see zone_info

    try:
        return zone_info(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"{name!r} is not an IANA time zone: {err}") from None


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {value!r}")
    return value.astimezone(dt.UTC)


def _stamp(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _when(instant: dt.datetime, zone: str) -> str:
    return f"{instant.astimezone(_zone(zone)):%a %d %b %H:%M}"


__all__ = [
    "FORGOTTEN_AFTER",
    "NoTimer",
    "RunningTimer",
    "Timer",
    "split_by_day",
]
