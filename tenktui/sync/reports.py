"""What a sync pass and a fetch of a period came to: the engine's reports, kept apart
from :mod:`tenktui.sync.state` (what the footer shows, which the first frame reads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class SyncReport:
    """What one sync pass did."""

    pulled: dict[str, int] = field(default_factory=dict)
    pushed: int = 0
    adopted: int = 0  # ambiguous creates found on the server and adopted
    resent: int = 0  # ambiguous creates that never landed and were sent again
    failed: int = 0
    conflicts: int = 0
    requests: int = 0


@dataclass(frozen=True)
class RangeFetch:
    """What fetching a period outside the cache came to: ``ok`` when the whole
    period is now held; ``message`` says what happened in words for people (why not,
    and what to do, when not ``ok``); ``fetched`` lists the ranges brought now
    (none when the cache already held the period)."""

    ok: bool
    message: str
    fetched: tuple[tuple[dt.date, dt.date], ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
