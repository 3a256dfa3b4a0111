"""What the sync engine needs from any backend, and the plumbing both backends share.

The protocol itself lives in :mod:`tenktui.api.protocol` (re-exported here) so
that the record kinds, which may not import the HTTP layer, can name it.
"""

from __future__ import annotations

from typing import Self

from tenktui.api.capabilities import Capabilities
from tenktui.api.governor import Priority, RateGovernor, priority
from tenktui.api.http import HttpTransport
from tenktui.api.protocol import Backend
from tenktui.api.stats import RequestStats

__all__ = ["Backend", "Capabilities", "HttpBackend", "Priority", "priority"]


class HttpBackend:
    """The plumbing both backends share: the HTTP layer under them (``_transport``),
    its governor and counts, a repr without the token, closed on leaving ``async with``."""

    @property
    def _transport(self) -> HttpTransport:
        raise NotImplementedError

    def __repr__(self) -> str:
        transport = self._transport
        url = str(transport.base_url)
        return f"{type(self).__name__}({transport.url_label}={url!r}, token=[redacted])"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def governor(self) -> RateGovernor:
        return self._transport.governor

    @property
    def stats(self) -> RequestStats:
        return self._transport.stats

    async def aclose(self) -> None:
        await self._transport.aclose()

    def limit_attempts(self, attempts: int) -> None:
        self._transport.max_attempts = attempts
