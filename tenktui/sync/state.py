"""What the sync engine reports: the footer's line and the commands' summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SyncState:
    """``kind`` is one of idle, syncing, offline, throttled, unauthorized, tls, follower."""

    kind: str = "idle"
    pending: int = 0
    failed: int = 0
    conflicts: int = 0
    until: dt.datetime | None = None  # throttled until
    last_sync: dt.datetime | None = None
    message: str | None = None

    def describe(self) -> str:
        """A short line for a status bar: ``online · 3 pending · 1 failed``."""
        if self.kind == "throttled" and self.until is not None:
            head = f"throttled until {self.until.astimezone().strftime('%H:%M')}"
        elif self.kind == "idle":
            head = "online"
        elif self.kind == "unauthorized":
            head = "log in again"
        elif self.kind == "tls":
            head = "certificate problem"
        elif self.kind == "follower":
            head = "another tenktui is syncing"
        else:
            head = self.kind
        parts = [head]
        if self.pending:
            parts.append(f"{self.pending} pending")
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        return " · ".join(parts)


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
