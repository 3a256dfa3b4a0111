"""The engine's state as the footer and the commands' summary show it (what a pass
did is in :mod:`tenktui.sync.reports`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tenktui.store.outbox_counts import OutboxCounts


# A named tuple: a dataclass costs about a millisecond to define at every start.
class SyncState(NamedTuple):
    """``kind`` is one of idle, syncing, offline, throttled, unauthorized, tls, follower."""

    kind: str = "idle"
    pending: int = 0
    failed: int = 0
    conflicts: int = 0
    until: dt.datetime | None = None  # throttled until
    last_sync: dt.datetime | None = None
    message: str | None = None

    def counted(self, counts: OutboxCounts) -> SyncState:
        """This state with the outbox's counts of now."""
        return self._replace(
            pending=counts.pending, failed=counts.failed, conflicts=counts.conflicts
        )

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
