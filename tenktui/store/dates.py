"""Dates as people type them, relative to their today: one reading for app and shell.

``today``, ``yesterday``, ``tomorrow``, a weekday (``mon``: the latest such day, today
included), ``next mon`` / ``last fri`` (the first such day after / before today),
``next week`` / ``last week`` (the same weekday a week on / back), or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATE_WORDS = (
    "today, yesterday, tomorrow, a weekday (mon…sun), next mon, last fri, "
    "next week, last week or YYYY-MM-DD"
)


TIME_FORMS = "17:40, 9:15, or a date and a time: yesterday 17:40, 2026-11-30 17:40"
_CLOCK = re.compile(r"(\d{1,2})[:.h]([0-5]\d)")


class BadDate(ValueError):
    """Text that is not a date; the message says what is accepted."""


def weekday_index(text: str) -> int | None:
    """0 = Monday … 6 = Sunday for ``mon``, ``Monday``, ``tues``…; ``None`` otherwise."""
    word = text.strip().lower()
    if len(word) < 3:
        return None
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(word):
            return index
    return None


def parse_date(text: str, today: dt.date) -> dt.date:
    """The date ``text`` names, counted from ``today``; :class:`BadDate` if none."""
    words = text.strip().lower().split()
    if len(words) == 1:
        word = words[0]
        relative = {"today": 0, "yesterday": -1, "tomorrow": 1}
        if word in relative:
            return today + dt.timedelta(days=relative[word])
        index = weekday_index(word)
        if index is not None:
            return today - dt.timedelta(days=(today.weekday() - index) % 7)
        try:
            return dt.date.fromisoformat(word)
        except ValueError:
            pass
    elif len(words) == 2 and words[0] in ("next", "last"):
        step = 1 if words[0] == "next" else -1
        if words[1] == "week":
            return today + dt.timedelta(days=7 * step)
        index = weekday_index(words[1])
        if index is not None:
            if step > 0:
                return today + dt.timedelta(days=(index - today.weekday() - 1) % 7 + 1)
            return today - dt.timedelta(days=(today.weekday() - index - 1) % 7 + 1)
    raise BadDate(f"{text.strip()!r} is not a date: use {DATE_WORDS}.")


def parse_moment(
    text: str, today: dt.date, zone: str, *, day: dt.date | None = None
) -> dt.datetime:
    """The wall time ``text`` names, aware in ``zone``: a time (``17:40``, ``9.15``) on
    ``day`` (default ``today``), or a date as :func:`parse_date` reads it and a time
    (``yesterday 17:40``, ``last fri 9:15``, ``2026-11-30 17:40``, ``2026-11-30T17:40``).
    One reading for a timer's ``--at`` and the app's stop time; :class:`BadDate` if not."""
    words = re.sub(r"^(\d{4}-\d{2}-\d{2})T", r"\1 ", text.strip()).split()
    if not words:
        raise BadDate(f"Type a time: {TIME_FORMS}.")
    match = _CLOCK.fullmatch(words[-1])
    if match is None or int(match[1]) > 23:
        raise BadDate(f"{words[-1]!r} is not a time of day: {TIME_FORMS}.")
    if len(words) > 1:
        day = parse_date(" ".join(words[:-1]), today)
    wall = dt.datetime.combine(day or today, dt.time(int(match[1]), int(match[2])))
    return wall.replace(tzinfo=zone_info(zone))


def zone_info(name: str) -> ZoneInfo:
    """The IANA zone ``name``. zoneinfo is imported here, on first use: importing it reads
    the system's paths (sysconfig), some 3 ms the first frame does not need."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
