"""The emulator's moving parts besides the data: clock, throttle, faults, counters."""

from __future__ import annotations

import datetime as dt
import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenktui.sandbox.db import SandboxDB, SqliteFile
from tenktui.sandbox.http import timestamp

DEFAULT_RATE_LIMIT = 120
DEFAULT_RATE_WINDOW = 60.0


@dataclass
class RateWindow:
    """A fixed window per token, as 10,000ft's ``X-RateLimit-*`` headers describe."""

    limit: int = DEFAULT_RATE_LIMIT
    window: float = DEFAULT_RATE_WINDOW
    clock: Any = time.time
    _start: float = 0.0
    _used: int = 0

    def take(self) -> tuple[bool, dict[str, str]]:
        """Count one request; ``(allowed, headers)``."""
        now = self.clock()
        if now >= self._start + self.window:
            # Windows are aligned to the epoch so the reset time is the same for everyone.
            self._start = math.floor(now / self.window) * self.window
            self._used = 0
        allowed = self._used < self.limit
        if allowed:
            self._used += 1
        reset = self._start + self.window
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self._used)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
        return allowed, headers


@dataclass
class Faults:
    """Injected misbehaviour, set through ``PUT /_sandbox/faults``."""

    latency_ms: int = 0
    error_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    seed: int | None = None
    rng: random.Random = field(default_factory=random.Random)

    def update(self, values: dict[str, Any]) -> None:
        if "latency_ms" in values:
            self.latency_ms = _bounded_int(values["latency_ms"], "latency_ms", 0, 60_000)
        if "error_rate" in values:
            self.error_rate = _rate(values["error_rate"], "error_rate")
        if "drop_after_commit_rate" in values:
            self.drop_after_commit_rate = _rate(
                values["drop_after_commit_rate"], "drop_after_commit_rate"
            )
        if "seed" in values:
            self.seed = _bounded_int(values["seed"], "seed", -(2**63), 2**63 - 1)
            self.rng = random.Random(self.seed)

    def to_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "drop_after_commit_rate": self.drop_after_commit_rate,
            "seed": self.seed,
        }


def _rate(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1")
    return float(value)


def _bounded_int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value


DEFAULT_READING = "default"
READINGS = ("default", "strict")


def check_reading(reading: str) -> str:
    """``default`` (one plausible reading where a reference is silent) or ``strict`` (the
    least generous one); anything else is a ``ValueError``."""
    if reading not in READINGS:
        raise ValueError(f"not a reading: {reading!r} (use {' or '.join(READINGS)})")
    return reading


class StoredToday:
    """An emulator's today, kept in its database so a restarted server keeps it."""

    db: SqliteFile

    @property
    def today(self) -> dt.date:
        stored = self.db.get_setting("today")
        return dt.date.fromisoformat(stored) if stored else dt.date.today()

    @today.setter
    def today(self, value: dt.date) -> None:
        self.db.set_setting("today", value.isoformat())


class Sandbox(StoredToday):
    """One emulated account: its data, its token, and the controls around it."""

    db: SandboxDB

    def __init__(
        self,
        db: SandboxDB | str | Path,
        token: str,
        *,
        today: dt.date | None = None,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        rate_window: float = DEFAULT_RATE_WINDOW,
        reading: str = DEFAULT_READING,
    ) -> None:
        self.db = db if isinstance(db, SandboxDB) else SandboxDB(db)
        self.token = token
        self.reading = check_reading(reading)
        self.rate = RateWindow(limit=rate_limit, window=rate_window)
        self.faults = Faults()
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()
        if today is not None:
            self.today = today

    @property
    def strict(self) -> bool:
        """Serving the least generous reading of the reference."""
        return self.reading == "strict"

    def now(self) -> str:
        """The current timestamp for ``created_at``/``updated_at``."""
        return timestamp()

    def touch(self, doc: dict[str, Any], *, created: bool = False) -> dict[str, Any]:
        """Stamp a document as changed now.

        ``updated_at`` has one-second resolution on the wire; a record changed twice
        within a second still gets a later stamp, so optimistic checks (approvals,
        conflict detection) always see that it moved.
        """
        now = self.now()
        previous = doc.get("updated_at")
        if previous and now <= previous:
            moved = dt.datetime.strptime(previous, "%Y-%m-%dT%H:%M:%SZ") + dt.timedelta(seconds=1)
            now = moved.strftime("%Y-%m-%dT%H:%M:%SZ")
        if created or not doc.get("created_at"):
            doc["created_at"] = now
        doc["updated_at"] = now
        return doc
