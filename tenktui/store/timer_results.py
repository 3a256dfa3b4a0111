"""What starting and stopping the timer did (:class:`Started`, :class:`Stopped`, one
:class:`Part` per local day): made only by a start or a stop, so the first frame,
which only reads the running timer, does not define them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenktui.store.timer import RunningTimer


@dataclass(frozen=True)
class Part:
    """One local day's share of a stopped timer: the exact seconds, the hours the rule
    made of them, and the entry written (``entry_id`` is ``None`` when the part rounded
    to 0 h and was skipped)."""

    day: dt.date
    seconds: float
    hours: float
    entry_id: int | None

    @property
    def skipped(self) -> bool:
        return self.entry_id is None


@dataclass(frozen=True)
class Stopped:
    """What a stop did: the timer it ended, when, and its parts, one per local day."""

    timer: RunningTimer
    stopped_at: dt.datetime
    parts: list[Part] = field(default_factory=list)

    @property
    def hours(self) -> float:
        """The hours queued over every part."""
        return round(sum(p.hours for p in self.parts if not p.skipped), 2)

    @property
    def entry_ids(self) -> list[int]:
        return [p.entry_id for p in self.parts if p.entry_id is not None]

    @property
    def skipped(self) -> list[Part]:
        """The parts that rounded to 0 h: nothing was queued for them."""
        return [p for p in self.parts if p.skipped]


@dataclass(frozen=True)
class Started:
    """A started timer, and the one it stopped first (``None`` when none ran)."""

    timer: RunningTimer
    stopped: Stopped | None = None
