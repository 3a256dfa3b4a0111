"""The running timer as the app shows and asks about it (issue 14).

The timer itself lives in the store (``store.timer``): this module only turns it
into words that fit where they go — the footer's few free columns, the line under
the grid — and reads the stop time a person types for a forgotten timer. Nothing
here reads a clock: callers pass ``now`` (the app's :attr:`~TenkApp.clock`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len, set_cell_size

from tenktui.store import Store
from tenktui.store.dates import BadDate, parse_moment, zone_info
from tenktui.store.timer import RunningTimer
from tenktui.store.validation import display_name
from tenktui.text import clean_line, hours_text

if TYPE_CHECKING:
    from tenktui.store.timer_results import Stopped

TIMER_MARK = "⏱"
# Below this many columns for a name, the footer shows the time alone: "⏱ 1:25".
MIN_FOOTER_LABEL = 6


class BadTime(ValueError):
    """Text that is not a stop time; the message says what is accepted."""


# A named tuple: a dataclass costs about a millisecond to define at every start.
class TimerShown(NamedTuple):
    """What the footer and the grid show of the running timer: its row, its name, and
    the whole minutes it has run (the footer redraws only when these change)."""

    assignable_id: int
    label: str
    minutes: int

    @property
    def elapsed(self) -> str:
        """``1:25``: hours and minutes, as a stopwatch shows them."""
        return f"{self.minutes // 60}:{self.minutes % 60:02d}"


def label_of(store: Store, assignable_id: int) -> str:
    """The name of a project, phase or leave type as the grid shows it, one line."""
    assignable = store.queries.assignable(assignable_id)
    if assignable is None:
        return f"#{assignable_id}"
    return clean_line(display_name(assignable))


def shown(timer: RunningTimer | None, label: str, now: dt.datetime) -> TimerShown | None:
    """``timer`` (named ``label``) at ``now``, as the footer shows it; ``None`` when none runs."""
    if timer is None:
        return None
    minutes = int(timer.elapsed(now).total_seconds() // 60)
    return TimerShown(timer.assignable_id, label, minutes)


def fit(timer: TimerShown, width: int) -> str:
    """``⏱ Internal Tools 1:25`` in at most ``width`` cells: the name is cut first, then
    left out; the time goes last, and "" when not even ``⏱ 1:25`` fits."""
    time = f"{TIMER_MARK} {timer.elapsed}"
    if cell_len(time) > width:
        return ""
    room = width - cell_len(time) - 1
    if room < min(MIN_FOOTER_LABEL, cell_len(timer.label)):
        return time
    return f"{TIMER_MARK} {clip(timer.label, room)} {timer.elapsed}"


def clip(text: str, room: int) -> str:
    """``text`` in at most ``room`` cells, ending in ``…`` when cut."""
    if cell_len(text) <= room:
        return text
    return set_cell_size(text, max(0, room - 1)).rstrip() + "…"


def describe_stopped(stopped: Stopped, label: str, zone: str) -> str:
    """``Stopped Internal Tools at 17:40: 1.25 h on Mon 23 Nov`` — one part per day."""
    at = stopped.stopped_at.astimezone(zone_info(zone))
    queued = [
        f"{hours_text(p.hours)} h on {p.day:%a %d %b}" for p in stopped.parts if not p.skipped
    ]
    what = ", ".join(queued) if queued else "under the rounding step: nothing logged"
    text = f"Stopped {label} at {at:%H:%M}: {what}"
    if queued and stopped.skipped:
        days = ", ".join(f"{p.day:%a %d %b}" for p in stopped.skipped)
        text += f" ({days} rounded to 0 h: nothing logged)"
    return text


def parse_stop_time(text: str, started: dt.datetime, today: dt.date, zone: str) -> dt.datetime:
    """The instant ``text`` names as a stop time, in ``zone``.

    A bare time (``17:40``) is on the timer's own start day — a forgotten timer is
    stopped when the work ended, usually that evening; a date word or ``YYYY-MM-DD``
    before it names another day (``yesterday 17:40``). :class:`BadTime` otherwise.
    """
    try:
        day = started.astimezone(zone_info(zone)).date()
        return parse_moment(text, today, zone, day=day)
    except BadDate as err:
        raise BadTime(clean_line(str(err))) from None
