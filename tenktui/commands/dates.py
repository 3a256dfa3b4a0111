"""Dates as people type them: today, yesterday, a weekday name, or YYYY-MM-DD.

``TENKTUI_TODAY=YYYY-MM-DD`` freezes "today" for every command: a testing aid
(the sandbox lives on a fixed day), not a setting.
"""

from __future__ import annotations

import datetime as dt
import os

from tenktui.commands import CommandError

TODAY_ENV = "TENKTUI_TODAY"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATE_HELP = "today, yesterday, a weekday (mon…sun: the latest such day) or YYYY-MM-DD"


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
    index = weekday_index(word)
    if index is not None:
        return now - dt.timedelta(days=(now.weekday() - index) % 7)
    from tenktui.store.validation import InvalidEdit, check_date

    try:
        return check_date(dt.date.fromisoformat(word))
    except InvalidEdit as err:
        raise CommandError(str(err)) from None
    except ValueError:
        raise CommandError(f"{text!r} is not a date: use {DATE_HELP}.") from None
