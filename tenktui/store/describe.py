"""Values in words: days, hours, timestamps, and the fields of a conflict.

The record kinds (``tenktui.kinds``) put outbox rows in words with these; the
screens use the same labels, so a day or an amount reads alike everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


def day_label(value: str | dt.date | None) -> str:
    """``Tue 24 Nov``."""
    if not value:
        return "?"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day:%a} {day.day} {day:%b}"


def hours_label(value: Any) -> str:
    """``2 h``, ``1.5 h``."""
    if value is None:
        return "?"
    return f"{round(float(value), 2):g} h"


@dataclass(frozen=True)
class Field:
    name: str
    base: str
    mine: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs


@dataclass(frozen=True)
class Versions:
    fields: list[Field]
    mine_deleted: bool = False
    theirs_deleted: bool = False


def value_label(name: str, value: Any) -> str:
    """A field's value as the conflict view shows it."""
    if value is None or value == "":
        return "—"
    if name == "hours":
        return hours_label(value)
    if name == "date":
        return day_label(value)
    if name == "completed":
        return "done" if value else "not done"
    return str(value)


def parse_stamp(value: str | None) -> dt.datetime | None:
    """A UTC timestamp as the API and the outbox write them (``2026-11-23T09:12:00Z``)."""
    if not value:
        return None
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def ago(value: str | None, now: dt.datetime | None = None) -> str:
    """How long ago a timestamp was: ``just now``, ``5 min ago``, ``3 h ago``, ``2 d ago``."""
    stamp = parse_stamp(value)
    if stamp is None:
        return "—"
    seconds = ((now or dt.datetime.now(dt.UTC)) - stamp).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def when_label(value: str | None, today: dt.date | None = None) -> str:
    """A timestamp in local time: ``today 09:12`` or ``24 Nov 09:12``."""
    stamp = parse_stamp(value)
    if stamp is None:
        return "—"
    local = stamp.astimezone()
    if local.date() == (today or dt.date.today()):
        return f"today {local:%H:%M}"
    return f"{local.day} {local:%b %H:%M}"
