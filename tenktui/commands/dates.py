"""Dates as people type them: today, yesterday, tomorrow, a weekday name (``next`` or
``last`` before it), or YYYY-MM-DD.

``TENKTUI_TODAY=YYYY-MM-DD`` freezes "today" for every command: a testing aid
(the sandbox lives on a fixed day), not a setting. Without it, ``TENKTUI_NOW``
(:mod:`tenktui.commands.clock`) freezes today too.
"""

from __future__ import annotations

import datetime as dt
import os

from tenktui.commands import CommandError
from tenktui.store.dates import DATE_WORDS, BadDate, parse_date

TODAY_ENV = "TENKTUI_TODAY"
DATE_HELP = DATE_WORDS


def today(timezone: str | None = None) -> dt.date:
    """The person's date: ``TENKTUI_TODAY`` if set, else now in ``timezone`` (or local)."""
    frozen = os.environ.get(TODAY_ENV, "").strip()
    if frozen:
        try:
            return dt.date.fromisoformat(frozen)
        except ValueError:
            raise CommandError(f"{TODAY_ENV} must be YYYY-MM-DD, got {frozen!r}.") from None
    if os.environ.get("TENKTUI_NOW", "").strip():
        # A frozen now (the timer's testing aid) freezes today with it.
        from tenktui.commands.clock import now
        from tenktui.config import local_timezone

        return now(timezone or local_timezone()).date()
    if timezone:
        import zoneinfo

        return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()
    return dt.date.today()


def parse_day(text: str, now: dt.date) -> dt.date:
    """A date typed by a person, relative to ``now``; ``CommandError`` (exit 2) if not."""
    from tenktui.store.validation import InvalidEdit, check_date

    try:
        return check_date(parse_date(text, now))
    except (BadDate, InvalidEdit) as err:
        raise CommandError(str(err)) from None
