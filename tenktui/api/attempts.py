"""The one attempt loop under every request, REST or JSON-RPC.

A request is sent until an answer settles it: each attempt takes a governor slot
(:meth:`~tenktui.api.http.HttpTransport.send_once`), a 429 waits out the throttle
without counting as a failure, and a transport failure or an answer worth another
try is sent again after backoff, up to ``max_attempts``.

What differs between the protocols is asked of the request's :class:`Exchange`:
above all :attr:`Exchange.resendable`, whether the request may go again once it
may have reached the server (a read, an absolute write: yes; a create: never, its
lost answer is :class:`~tenktui.api.errors.Ambiguous`), and what an answer means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

import httpx

from tenktui.api.errors import Ambiguous, ApiError
from tenktui.api.governor import Priority

if TYPE_CHECKING:
    from tenktui.api.http import HttpTransport

T_co = TypeVar("T_co", covariant=True)

# Raised before a single byte of the request left: always safe to send again.
UNSENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.LocalProtocolError,
)
# Answers to a write that may come after the server acted on it (a duplicate check
# that ran after saving, a throttle applied late): never proof that nothing landed.
AMBIGUOUS_STATUSES = frozenset({409, 429})


@dataclass(frozen=True, slots=True)
class Retry:
    """An answer worth another attempt; ``error`` is raised when none are left."""

    reason: str  # for the log line: "503", "empty answer"
    error: ApiError


class Exchange(Protocol[T_co]):
    """What a protocol decides about one request (see the module docstring)."""

    @property
    def route(self) -> str:
        """The route template, for counting, logs and errors."""
        ...

    @property
    def resendable(self) -> bool:
        """May be sent again after it may have reached the server."""
        ...

    def build(self) -> httpx.Request:
        """The request of one attempt."""
        ...

    def ambiguous(
        self, sent_at: dt.datetime, *, failure: Exception | None = None, status: int | None = None
    ) -> Ambiguous:
        """A request that is not resendable may have landed: ``failure`` or ``status`` says why."""
        ...

    def unreachable(
        self, failure: Exception, *, sent: bool, sent_at: dt.datetime, attempt: int
    ) -> ApiError:
        """No attempt got an answer; ``sent``: the last one may have reached the server."""
        ...

    def redirected(self, response: httpx.Response, sent_at: dt.datetime) -> ApiError:
        """A 3xx: never success."""
        ...

    def judge(self, response: httpx.Response, sent_at: dt.datetime) -> T_co | Retry:
        """Any other answer: the result, a :class:`Retry`, or an :class:`ApiError` raised."""
        ...


async def attempt_until_settled(
    transport: HttpTransport, exchange: Exchange[T_co], level: Priority
) -> T_co:
    """Send ``exchange``'s request through ``transport`` until an answer settles it."""
    route = exchange.route
    attempt = 0
    throttled = 0
    while True:
        attempt += 1
        response, failure, sent_at = await transport.send_once(
            exchange.build(), route, level, attempt, throttled
        )

        if failure is not None:
            sent = not isinstance(failure, UNSENT_ERRORS)
            if sent and not exchange.resendable:
                raise exchange.ambiguous(sent_at, failure=failure) from None
            if attempt < transport.max_attempts:
                await transport.backoff(route, type(failure).__name__, attempt)
                continue
            raise exchange.unreachable(
                failure, sent=sent, sent_at=sent_at, attempt=attempt
            ) from None

        assert response is not None
        status = response.status_code
        if 300 <= status < 400:
            raise exchange.redirected(response, sent_at)
        if status in AMBIGUOUS_STATUSES and not exchange.resendable:
            # Said after the request went out: a server may have saved it first.
            raise exchange.ambiguous(sent_at, status=status)
        if status == 429:
            throttled += 1
            attempt -= 1  # being throttled is not a failure
            transport.check_throttled(throttled, route)
            continue  # the governor holds the next slot until the reset
        verdict = exchange.judge(response, sent_at)
        if not isinstance(verdict, Retry):
            return verdict
        if attempt < transport.max_attempts:
            await transport.backoff(route, verdict.reason, attempt)
            continue
        raise verdict.error
