"""How far around today the person's data is kept (a light module: the app reads it
before the network stack is imported)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


# A named tuple: a dataclass costs about a millisecond to define at every start.
class Window(NamedTuple):
    """How far around today the person's data is kept."""

    weeks_back: int = 8
    weeks_ahead: int = 8

    def around(self, today: dt.date) -> tuple[dt.date, dt.date]:
        return (
            today - dt.timedelta(weeks=self.weeks_back),
            today + dt.timedelta(weeks=self.weeks_ahead),
        )
