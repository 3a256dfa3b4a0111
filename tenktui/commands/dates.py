"""Dates as people type them: today, yesterday, tomorrow, a weekday name (``next`` or
``last`` before it), or YYYY-MM-DD.

``TENKTUI_TODAY=YYYY-MM-DD`` freezes "today" for every command: a testing aid
(the sandbox lives on a fixed day), not a setting.
"""

from __future__ import annotations

import datetime as dt
import os

from tenktui.commands import CommandError

TODAY_ENV = "TENKTUI_TODAY"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATE_HELP = (
    "today, yesterday, tomorrow, a weekday (mon…sun: the latest such day, today included), "
    "next mon (the first one after today), last fri (the latest before today) or YYYY-MM-DD"
)


def today(timezone: str | None = None) -> dt.date:
    """The person's date: ``TENKTUI_TODAY`` if set, else now in ``timezone`` (or local)."""
    frozen = os.environ.get(TODAY_ENV, "").strip()
    if frozen:
        try:
            return dt.date.fromisoformat(frozen)
        except ValueError:
            raise CommandError(f"{TODAY_ENV} must be YYYY-MM-DD, got {frozen!r}.") from None
    if timezone:
        import zoneinfo

        return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()
    return dt.date.today()


def weekday_index(text: str) -> int | None:
    """0 = Monday … 6 = Sunday for ``mon``, ``Monday``, ``tues``…; ``None`` otherwise."""
    word = text.strip().lower()
    if len(word) < 3:
        return None
    for index, name in enumerate(_WEEKDAYS):
        if name.startswith(word):
            return index
    return None


def parse_day(text: str, now: dt.date) -> dt.date:
    """A date typed by a person, relative to ``now``; ``CommandError`` (exit 2) if not."""
    word = text.strip().lower()
    if word == "today":
        return now
    if word == "yesterday":
        return now - dt.timedelta(days=1)
    if word == "tomorrow":
        return now + dt.timedelta(days=1)
    direction, _, rest = word.partition(" ")
    if direction in ("next", "last") and (index := weekday_index(rest)) is not None:
        if direction == "next":
            return now + dt.timedelta(days=(index - now.weekday() - 1) % 7 + 1)
        return now - dt.timedelta(days=(now.weekday() - index - 1) % 7 + 1)
    index = weekday_index(word)
    if index is not None:
        return now - dt.timedelta(days=(now.weekday() - index) % 7)
    try:
        return dt.date.fromisoformat(word)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: use {DATE_HELP}.") from None
