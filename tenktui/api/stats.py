"""What the HTTP layer counts: one record per request sent, totals per route.

Apart from :mod:`tenktui.api.http` so that the ``Backend`` protocol
(:mod:`tenktui.api.protocol`) can name ``RequestStats`` without importing httpx
and the transport: the record kinds type their backend with that protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as sent (one attempt): what the counting callback receives."""

    method: str
    route: str  # "GET /users/{id}/time_entries"
    status: int | None  # None: no answer (connection error, timeout)
    bytes_out: int
    bytes_in: int
    started_at: float  # epoch seconds
    duration: float  # seconds
    attempt: int
    error: str | None = None  # the exception class when there was no answer
    rate_limit: int | None = None
    rate_remaining: int | None = None
    rate_reset: int | None = None


@dataclass(slots=True)
class RouteStats:
    requests: int = 0
    bytes_out: int = 0
    bytes_in: int = 0
    throttled: int = 0  # 429 answers
    failed: int = 0  # no answer, or an error status other than 429


@dataclass
class RequestStats:
    """Requests and bytes per route template, for benchmarks and the status line."""

    routes: dict[str, RouteStats] = field(default_factory=dict)

    def add(self, record: RequestRecord) -> None:
        stats = self.routes.setdefault(record.route, RouteStats())
        stats.requests += 1
        stats.bytes_out += record.bytes_out
        stats.bytes_in += record.bytes_in
        if record.status == 429:
            stats.throttled += 1
        elif record.status is None or record.status >= 400:
            stats.failed += 1

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.routes.values())

    @property
    def bytes_in(self) -> int:
        return sum(s.bytes_in for s in self.routes.values())

    @property
    def bytes_out(self) -> int:
        return sum(s.bytes_out for s in self.routes.values())

    @property
    def throttled(self) -> int:
        return sum(s.throttled for s in self.routes.values())

    def reset(self) -> None:
        self.routes.clear()
