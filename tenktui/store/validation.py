"""Checks made before anything is queued, with messages a person understands.

The same rules guard the app and the headless commands, so an edit the server
would refuse for a reason we can know in advance never reaches the outbox.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import NamedTuple

from tenktui.text import hours_text

MAX_HOURS = Decimal(24)
MAX_TEXT = 255  # the API takes task and notes "fewer than 256 characters"
STATUS_CODES = {
    "ITO": "In the office",
    "WFH": "Working from home",
    "SIC": "Sick",
    "OOO": "On the road",
    "VAC": "Vacation",
    "OOF": "Out of office",
}


class InvalidEdit(ValueError):
    """An edit refused before it was queued; ``str()`` is the message to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


_MINUTES = re.compile(r"^(\d+)\s*m(in)?$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d+):([0-5]\d)$")
_HOURS_SUFFIX = re.compile(r"^(.+?)\s*h$", re.IGNORECASE)
# What Decimal() would also take (``1_5``, ``1e3``, ``NaN``) is not a way to type hours.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
# More digits than any day holds: refused before any arithmetic, which would overflow.
MAX_DIGITS = 6


def parse_hours(text: str) -> float:
    """Hours typed by a person: ``1.5``, ``1,5``, ``1:30``, ``90m`` or ``2h``."""
    raw = text.strip()
    if not raw:
        raise InvalidEdit("Type a number of hours, like 1.5, 1:30 or 90m.", "hours")
    if raw.startswith("-"):
        raise InvalidEdit(f"Hours are not negative: {raw!r} is refused.", "hours")
    if m := _MINUTES.match(raw):
        # Minutes and h:mm convert to hours rounded to the API's 0.01 h steps.
        minutes = _bounded(m.group(1), text)
        return check_hours(float(round(Decimal(minutes) / 60, 2)))
    if m := _CLOCK.match(raw):
        whole = _bounded(m.group(1), text)
        return check_hours(float(round(whole + Decimal(m.group(2)) / 60, 2)))
    if m := _HOURS_SUFFIX.match(raw):
        raw = m.group(1)
    if not _NUMBER.fullmatch(raw):
        raise InvalidEdit(
            f"{text.strip()!r} is not a number of hours: type 1.5, 1,5, 1:30 or 90m.", "hours"
        )
    whole, _, fraction = raw.lstrip("+-").replace(",", ".").partition(".")
    _bounded(whole or "0", text)
    if len(fraction.rstrip("0")) > 2:
        raise InvalidEdit(f"{raw} h has too many decimals: use steps of 0.01 h.", "hours")
    return check_hours(float(Decimal(raw.replace(",", "."))))


def _bounded(digits: str, text: str) -> int:
    if len(digits.lstrip("0")) > MAX_DIGITS:
        shown = text.strip()
        shown = shown if len(shown) <= 20 else shown[:19] + "…"
        raise InvalidEdit(f"{shown} is out of range: a day takes 0 to 24 hours.", "hours")
    return int(digits)


def check_hours(hours: float, *, allow_zero: bool = True) -> float:
    """Hours from 0 to 24 in steps of 0.01 (0 clears a cell)."""
    if not math.isfinite(hours):
        raise InvalidEdit(f"{hours} h is out of range: a day takes 0 to 24 hours.", "hours")
    value = Decimal(str(hours))
    if value < 0:
        raise InvalidEdit(f"Hours are not negative: {hours:g} h is refused.", "hours")
    if value > MAX_HOURS:
        raise InvalidEdit(f"{hours:g} h is out of range: a day takes 0 to 24 hours.", "hours")
    if value == 0 and not allow_zero:
        raise InvalidEdit("A time entry needs more than 0 hours; clear the cell instead.", "hours")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidEdit(f"{hours} h has too many decimals: use steps of 0.01 h.", "hours")
    return float(value)


def check_text(value: str | None, field: str) -> str | None:
    """Task and notes: fewer than 256 characters, as the API requires."""
    if value is None:
        return None
    if len(value) > MAX_TEXT:
        raise InvalidEdit(
            f"{_TEXT_SUBJECTS.get(field, f'The {field} is')} {len(value)} characters long; "
            f"the limit is {MAX_TEXT}.",
            field,
        )
    return value


# "The notes is 300 characters long" read wrong: notes are plural.
_TEXT_SUBJECTS = {"notes": "The notes are"}


def check_day_total(day: dt.date, others: float, hours: float) -> None:
    """A person's day over every project takes at most 24 hours; ``others`` is what the
    day already holds besides the entry being written."""
    total = Decimal(str(others)) + Decimal(str(hours))
    if total > MAX_HOURS:
        raise InvalidEdit(
            f"{day:%a %Y-%m-%d} would hold {_h(total)} h ({_h(Decimal(str(others)))} h already "
            f"logged + {_h(Decimal(str(hours)))} h): a day takes at most {_h(MAX_HOURS)} hours.",
            "hours",
        )


_h = hours_text


def check_status(code: str, message: str | None = None) -> tuple[str, str | None]:
    normal = code.strip().upper()
    if normal not in STATUS_CODES:
        valid = ", ".join(STATUS_CODES)
        raise InvalidEdit(f"{code!r} is not a status: use one of {valid}.", "status")
    return normal, check_text(message, "message")


# Dates the app and the commands take: wide enough for any timesheet, narrow enough
# that a week or a window around them never leaves Python's date range.
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)


def check_date(day: dt.date) -> dt.date:
    """A date within :data:`MIN_DATE` … :data:`MAX_DATE`."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise InvalidEdit(
            f"{day.isoformat()} is out of range: use a date from {MIN_DATE} to {MAX_DATE}.",
            "date",
        )
    return day


# Reminders warn this many days before unconfirmed time locks, unless the profile's
# ``lock_warning_days`` says otherwise.
DEFAULT_LOCK_DAYS = 3


# A named tuple: a dataclass costs about a millisecond to define at every start.
class Lock(NamedTuple):
    """Why time cannot be entered on an assignable for a date (``None`` when it can)."""

    reason: str


def lock_for(assignable: dict, day: dt.date, today: dt.date) -> Lock | None:
    """The project's ``timeentry_lockout`` rule as the server enforces it.

    ``assignable`` is a row of the ``assignables`` table (kind, name, archived,
    timeentry_lockout).
    """
    # The name only when there is a lock: a week's grid asks for every cell.
    if assignable.get("archived"):
        return Lock(f"{display_name(assignable)} is archived: it takes no more time.")
    lockout = assignable.get("timeentry_lockout", -1)
    if lockout is None or lockout < 0:
        return None
    if lockout == 0:
        return Lock(f"{display_name(assignable)} is locked for time entry.")
    earliest = today - dt.timedelta(days=lockout)
    if day < earliest:
        return Lock(
            f"{display_name(assignable)} takes time only from {earliest.isoformat()} on "
            f"(entries older than {lockout} days are locked)."
        )
    return None


def display_name(assignable: dict) -> str:
    """``Project — Phase`` for phases, the plain name otherwise."""
    if assignable.get("kind") == "phase" and assignable.get("phase_name"):
        return f"{assignable['name']} — {assignable['phase_name']}"
    return str(assignable.get("name") or f"#{assignable.get('id')}")
