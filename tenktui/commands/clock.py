"""The present and times of day as the timer commands take them.

The store reads no clock: commands decide "now" here and pass it down with the
profile's time zone. ``TENKTUI_NOW=2026-11-30T09:15`` (wall time in the
profile's zone, or with an offset) freezes now for every command: a testing aid
like ``TENKTUI_TODAY``, which follows from it when only it is set.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from tenktui.commands import CommandError
from tenktui.text import clean_line

NOW_ENV = "TENKTUI_NOW"


def now(zone: str) -> dt.datetime:
    """The present, aware, in ``zone``: ``TENKTUI_NOW`` if set, else the clock."""
    frozen = os.environ.get(NOW_ENV, "").strip()
    if not frozen:
        return dt.datetime.now(ZoneInfo(zone))
    try:
        value = dt.datetime.fromisoformat(frozen)
    except ValueError:
        raise CommandError(
            f"{NOW_ENV} must be a date and time like 2026-11-30T09:15, got {frozen!r}."
        ) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(ZoneInfo(zone))


def parse_at(text: str, present: dt.datetime, zone: str) -> dt.datetime:
    """``--at``: a time today (``9:15``, ``17:40``) or a day and a time (``2026-11-30 9:15``,
    ``yesterday 17:40``, ``last fri 9:15``), as wall time in ``zone``; ``CommandError``
    (exit 2) if not."""
    from tenktui.store.dates import BadDate, parse_moment

    try:
        return parse_moment(text, present.astimezone(ZoneInfo(zone)).date(), zone)
    except BadDate as err:
        raise CommandError(f"--at: {clean_line(str(err))}") from None


def duration(delta: dt.timedelta) -> str:
    """``1 h 25 min``, ``25 min``, ``0 min``: how long a timer ran, to the minute."""
    minutes = int(delta.total_seconds() // 60)
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest} min" if rest else f"{whole} h"
