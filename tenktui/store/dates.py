"""Dates as people type them, relative to their today: one reading for app and shell.

``today``, ``yesterday``, ``tomorrow``, a weekday (``mon``: the latest such day, today
included), ``next mon`` / ``last fri`` (the first such day after / before today),
``next week`` / ``last week`` (the same weekday a week on / back), or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATE_WORDS = (
    "today, yesterday, tomorrow, a weekday (mon…sun), next mon, last fri, "
    "next week, last week or YYYY-MM-DD"
)


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
