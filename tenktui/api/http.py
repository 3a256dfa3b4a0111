"""The HTTP layer under every backend call: safety, budget, retries, errors, counting.

:class:`HttpTransport` holds what every backend's layer shares: one
:class:`httpx.AsyncClient`, the token's :class:`~tenktui.api.governor.RateGovernor`
every attempt goes through, backoff, counting and redaction. :class:`ApiHttp`,
10,000ft's REST layer on top of it,

- refuses plain ``http://`` except to a loopback host, verifies TLS, and sends the
  token only in the ``auth`` header (never in a URL, a log line, an error or a repr);
- retries connection errors, timeouts and 502/503/504 with exponential backoff and
  full jitter for GET, PUT and DELETE, and waits out 429s (through the governor);
- never resends a POST that may have reached the server: that is :class:`Ambiguous`;
- turns every failure into an :mod:`~tenktui.api.errors` error a person can read;
- counts requests and bytes per route template (:class:`RequestStats`, plus an
  optional callback per request) and logs method, route template, status and
  duration only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from tenktui import __version__
from tenktui.api.attempts import Retry, attempt_until_settled
from tenktui.api.errors import (
    Ambiguous,
    ApiError,
    Conflict,
    NotFound,
    Offline,
    Rejected,
    ServerError,
    Throttled,
    TlsError,
    Unauthorized,
)
from tenktui.api.governor import (
    MAX_THROTTLE_RETRIES,
    Priority,
    RateGovernor,
    current_priority,
    governor_for,
)
from tenktui.api.stats import RequestRecord, RequestStats
from tenktui.logs import redact
from tenktui.urls import is_loopback

log = logging.getLogger("tenktui.api")

API_PREFIX = "/api/v1"
USER_AGENT = f"tenktui/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RESPONSE_DEADLINE = 60.0
# Idle connections are dropped before a server's keep-alive timeout (commonly 5 s or
# more) can close them under us: a POST sent on a connection the server had just
# closed would fail after sending, and be reported ambiguous for nothing.
KEEPALIVE_EXPIRY = 4.0
RETRY_STATUSES = frozenset({502, 503, 504})
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})

Params = Mapping[str, Any] | Sequence[tuple[str, Any]] | None
_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def route_template(path: str) -> str:
    """``/users/5/time_entries/9`` → ``/users/{id}/time_entries/{id}`` (query dropped)."""
    path = path.split("?", 1)[0]
    return _ID_SEGMENT.sub("/{id}", path)


def check_base_url(base_url: str) -> httpx.URL:
    """The base URL, or a ``ValueError`` saying why it is unsafe or unusable."""
    url = httpx.URL(base_url)
    if url.scheme not in {"https", "http"} or not url.host:
        raise ValueError(f"The API base URL must be an https:// URL, got {base_url!r}.")
    if url.scheme == "http" and not is_loopback(url.host):
        raise ValueError(
            f"Refusing plain http:// to {url.host}: the API token would travel unencrypted. "
            "Use an https:// URL (plain http is allowed only to localhost / 127.0.0.1 / ::1)."
        )
    if url.query or url.fragment:
        raise ValueError(
            "The API base URL must not carry a query or fragment (the token goes in a header)."
        )
    return url


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, ValueError):
        return None


def redirect_target(response: httpx.Response, redact_text: Callable[[str], str]) -> str:
    """Where a redirect points, as printable text of bounded length (server text is data)."""
    location = response.headers.get("Location")
    if not location:
        return "nowhere (no Location header)"
    text = "".join(c for c in redact_text(location) if c.isprintable())[:200]
    return text or "an unreadable address"


def tls_problem(failure: BaseException) -> ssl.SSLError | None:
    """The TLS error behind a transport failure, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = failure
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def check_token(token: str, message: str) -> None:
    """A ``ValueError`` with ``message`` when the token is empty or carries white space."""
    if not token or token != token.strip() or any(c in token for c in "\r\n"):
        raise ValueError(message)


# -- the layers ------------------------------------------------------------------


class HttpTransport:
    """What the REST and the JSON-RPC layer share: one client for one token at one
    site, its governor, one attempt sent and counted, backoff, and the errors of a
    transport that failed. The attempts themselves run in
    :func:`~tenktui.api.attempts.attempt_until_settled`; what may be sent again
    depends on the protocol, and each says so in its :class:`~tenktui.api.attempts.Exchange`."""

    url_label = "base_url"  # how the repr names the URL
    response_deadline = RESPONSE_DEADLINE  # seconds for one whole answer, body included
    message_keys: tuple[str, ...] = ("message", "error", "errors")  # a JSON error's text
    counts_rate_headers = True  # the server sends X-RateLimit-*

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        headers: Mapping[str, str],
        rooted: bool,
        transport: httpx.AsyncBaseTransport | None,
        governor: RateGovernor | None,
        timeout: httpx.Timeout | float,
        max_attempts: int,
        backoff_base: float,
        backoff_cap: float,
        sleep: Callable[[float], Awaitable[object]],
        rand: Callable[[], float],
        on_request: Callable[[RequestRecord], None] | None,
    ) -> None:
        """``rooted``: requests name paths relative to ``base_url`` (else whole URLs)."""
        self.base_url = check_base_url(base_url)
        self._secrets = tuple({token, quote(token, safe="")})
        self.governor = governor or governor_for(
            token, f"{self.base_url.scheme}://{self.base_url.netloc.decode()}"
        )
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._rand = rand
        self.on_request = on_request
        self.stats = RequestStats()
        self._client = httpx.AsyncClient(
            base_url=self.base_url if rooted else "",
            headers={**headers, "User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=timeout,
            verify=True,
            follow_redirects=False,
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY),
            transport=transport,
            # An environment proxy would carry a loopback request, token and all, off
            # this machine (and in the clear: plain http is allowed only to loopback).
            trust_env=not is_loopback(self.base_url.host),
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url_label}={str(self.base_url)!r}, token=[redacted])"

    async def aclose(self) -> None:
        await self._client.aclose()

    def redact(self, text: str) -> str:
        return redact(text, *self._secrets)

    async def send_once(
        self, request: httpx.Request, route: str, level: Priority, attempt: int, throttled: int
    ) -> tuple[httpx.Response | None, httpx.TransportError | None, dt.datetime]:
        """Send once in a slot of the governor and count it: the response or the
        transport failure, and when it was sent."""
        response: httpx.Response | None = None
        failure: httpx.TransportError | None = None
        async with self.governor.slot(level) as slot:
            sent_at = dt.datetime.now(dt.UTC)
            started, t0 = self.governor.clock.time(), time.perf_counter()
            try:
                # httpx's read timeout is per read: a body trickled a byte at a time
                # never trips it. The whole answer gets a deadline of its own.
                async with asyncio.timeout(self.response_deadline):
                    response = await self._client.send(request)
            except httpx.TransportError as exc:
                failure = exc
            except TimeoutError:
                failure = httpx.ReadTimeout(
                    f"no whole answer within {self.response_deadline:g} s", request=request
                )
            else:
                slot.observe(response.status_code, self._rate_headers(response, throttled))
            self._count(route, request, started, time.perf_counter() - t0, attempt,
                        response, failure)  # fmt: skip
        if failure is not None:
            tls = tls_problem(failure)
            if tls is not None:  # at the handshake, before the request left
                raise self._tls(route, tls) from None
        return response, failure, sent_at

    def _tls(self, route: str, problem: ssl.SSLError) -> TlsError:
        if isinstance(problem, ssl.SSLCertVerificationError):
            why = f"its certificate could not be verified ({problem.verify_message or 'untrusted'})"
        else:
            why = f"the TLS handshake failed ({problem.reason or type(problem).__name__})"
        return TlsError(
            f"The secure connection to {self.base_url.host} failed: {why}. This is a "
            "certificate problem, not a network outage: check the base URL (does the server "
            "speak https on that port?) and, for your own server, its certificate.",
            route=route,
        )

    def _rate_headers(self, response: httpx.Response, throttled: int) -> Mapping[str, str]:
        """What the governor learns the budget from (``throttled``: 429s in a row so far)."""
        return response.headers

    def check_throttled(self, throttled: int, route: str) -> None:
        """Give up once the server has said 429 too often in a row."""
        if throttled > MAX_THROTTLE_RETRIES:
            raise Throttled(until=self.governor.state.until, status=429, route=route)

    def _offline(self, route: str, failure: Exception, attempt: int) -> Offline:
        return Offline(
            f"Cannot reach {self.base_url.host} ({type(failure).__name__}) after "
            f"{attempt} attempts; working offline. Changes are kept and sent later.",
            route=route,
        )

    async def backoff(self, route: str, reason: str, attempt: int) -> None:
        delay = self._rand() * min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        log.warning(
            "%s failed (%s); retrying in %.2f s (attempt %d of %d)",
            route, reason, delay, attempt + 1, self.max_attempts,
        )  # fmt: skip
        await self._sleep(delay)

    def _count(
        self,
        route: str,
        request: httpx.Request,
        started: float,
        duration: float,
        attempt: int,
        response: httpx.Response | None,
        failure: Exception | None,
    ) -> None:
        headers = response.headers if response is not None and self.counts_rate_headers else {}
        record = RequestRecord(
            method=request.method,
            route=route,
            status=response.status_code if response is not None else None,
            bytes_out=len(request.content),
            # Bytes on the wire; a mocked answer never travelled, count its body.
            bytes_in=(response.num_bytes_downloaded or len(response.content))
            if response is not None
            else 0,
            started_at=started,
            duration=duration,
            attempt=attempt,
            error=type(failure).__name__ if failure is not None else None,
            rate_limit=_header_int(headers, "X-RateLimit-Limit"),
            rate_remaining=_header_int(headers, "X-RateLimit-Remaining"),
            rate_reset=_header_int(headers, "X-RateLimit-Reset"),
        )
        self.stats.add(record)
        if record.status is None:
            log.debug("%s -> no answer (%s) after %.0f ms", route, record.error, duration * 1000)
        else:
            log.debug("%s -> %d in %.0f ms", route, record.status, duration * 1000)
        if self.on_request is not None:
            self.on_request(record)

    def _server_message(self, response: httpx.Response) -> str | None:
        try:
            body = response.json()
        except ValueError:
            text = response.text.strip()
            return self.redact(text[:300]) if text else None
        if isinstance(body, dict):
            for key in self.message_keys:
                if body.get(key):
                    return self.redact(str(body[key])[:500])
        return None


class ApiHttp(HttpTransport):
    """Sends API requests for one token at one base URL (see the module docstring)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        governor: RateGovernor | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        on_request: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        check_token(token, "The API token is empty or malformed; paste it again.")
        super().__init__(
            base_url,
            token,
            headers={"auth": token},
            rooted=True,
            transport=transport,
            governor=governor,
            timeout=timeout,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleep=sleep,
            rand=rand,
            on_request=on_request,
        )

    # -- links ---------------------------------------------------------------------
    def resolve_link(self, link: str) -> tuple[str, list[tuple[str, str]]]:
        """A ``paging.next`` link as (path relative to the base URL, query params).

        Links are relative and start with ``/api/v1/...`` while the base URL may
        itself end in ``/api/v1`` (or sit behind a prefix): the base path is
        stripped so the link is not doubled. A link to another host is refused,
        so the token never travels anywhere but the configured server.
        """
        url = httpx.URL(link)
        if url.is_absolute_url and (url.scheme, url.netloc) != (
            self.base_url.scheme,
            self.base_url.netloc,
        ):
            raise ApiError(
                "The server sent a paging link to another host; not following it.",
                route=f"GET {route_template(url.path)}",
            )
        path = url.path
        base_path = self.base_url.path.rstrip("/")
        if base_path and path.startswith(base_path + "/"):
            path = path[len(base_path) :]
        elif base_path.endswith(API_PREFIX) and path.startswith(API_PREFIX + "/"):
            path = path[len(API_PREFIX) :]
        params = [(k, v) for k, v in url.params.multi_items() if k != "auth"]
        return path, params

    # -- requests --------------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        priority: Priority | None = None,
    ) -> httpx.Response:
        """Send one API call (with retries); the 2xx response, or an :class:`ApiError`.

        ``priority`` is this call's default (reads ``VISIBLE``, writes ``EDIT``
        when not given); a surrounding :func:`~tenktui.api.governor.priority`
        block overrides it.
        """
        method = method.upper()
        if priority is None:
            priority = Priority.VISIBLE if method == "GET" else Priority.EDIT
        exchange = _RestExchange(self, method, path, params, json)
        return await attempt_until_settled(self, exchange, current_priority(priority))

    async def get_json(
        self, path: str, params: Params = None, *, priority: Priority | None = None
    ) -> Any:
        response = await self.request("GET", path, params=params, priority=priority)
        return self._json(response, f"GET {route_template(path)}")

    async def send_json(
        self, method: str, path: str, payload: Any, *, priority: Priority | None = None
    ) -> Any:
        """A write; the decoded answer (``None`` for an empty one, e.g. a 204)."""
        response = await self.request(method, path, json=payload, priority=priority)
        route = f"{method.upper()} {route_template(path)}"
        if method.upper() not in IDEMPOTENT:
            # A create must answer with the record; anything else may still have saved it.
            try:
                return response.json()
            except ValueError:
                raise _RestExchange(self, method.upper(), path, None, payload).ambiguous(
                    dt.datetime.now(dt.UTC),
                    status=response.status_code,
                    what="an answer that is not JSON",
                ) from None
        if response.status_code == 204 or not response.content.strip():
            return None
        return self._json(response, route)

    # -- helpers -----------------------------------------------------------------------
    def _json(self, response: httpx.Response, route: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ServerError(
                "The server answered with something that is not JSON; try again later.",
                status=response.status_code,
                route=route,
            ) from None

    def _error(self, status: int, route: str, response: httpx.Response) -> ApiError:
        said = self._server_message(response)
        detail = f": {said}" if said else ""
        kw: dict[str, Any] = {"status": status, "route": route, "server_message": said}
        if status == 401:
            return Unauthorized(
                "The server refused the API token. Check the token in your configuration "
                "(10,000ft: Settings > Developer API).",
                **kw,
            )
        if status == 403:
            return Unauthorized(
                f"The API token may not do this{detail}. Ask an account administrator.", **kw
            )
        if status == 404:
            return NotFound(
                f"Not found on the server{detail}. It may have been deleted; refresh.", **kw
            )
        if status == 409:
            return Conflict(
                f"The record changed on the server{detail}. Review both versions.", **kw
            )
        if status in {400, 422} or 400 <= status < 500:
            return Rejected(f"The server rejected the request{detail}. Correct it and retry.", **kw)
        return ServerError(
            f"The server failed ({status}){detail}. Your changes are kept and will be retried.",
            **kw,
        )


@dataclass(frozen=True, slots=True)
class _RestExchange:
    """One REST call's rules: GET, PUT and DELETE may be resent; a POST that may
    have reached the server never is."""

    http: ApiHttp
    method: str
    path: str
    params: Params
    payload: Any

    @property
    def route(self) -> str:
        return f"{self.method} {route_template(self.path)}"

    @property
    def resendable(self) -> bool:
        return self.method in IDEMPOTENT

    def build(self) -> httpx.Request:
        return self.http._client.build_request(
            self.method, self.path, params=self.params, json=self.payload
        )

    def ambiguous(
        self,
        sent_at: dt.datetime,
        *,
        failure: Exception | None = None,
        status: int | None = None,
        what: str | None = None,
    ) -> Ambiguous:
        if what is None:
            what = f"the server answered {status}" if status else f"{type(failure).__name__}"
        else:
            what = f"the server answered {status} with {what}"
        return Ambiguous(
            f"The connection broke after a change was sent ({what}); it may or may not have "
            "been saved. The app will check the server before sending it again.",
            method=self.method,
            path=self.path,
            payload=self.payload,
            sent_at=sent_at,
            status=status,
            route=self.route,
        )

    def unreachable(
        self, failure: Exception, *, sent: bool, sent_at: dt.datetime, attempt: int
    ) -> ApiError:
        return self.http._offline(self.route, failure, attempt)

    def redirected(self, response: httpx.Response, sent_at: dt.datetime) -> ApiError:
        """A redirect is never success: say where to, and that the base URL may be wrong.
        A write redirected may still have been acted on first: reconcile it."""
        where = redirect_target(response, self.http.redact)
        message = (
            f"The server redirected {self.route} to {where}: the base URL "
            f"({self.http.base_url}) may be wrong. Check it in your configuration."
        )
        status = response.status_code
        if not self.resendable:
            return Ambiguous(
                message + " The change may or may not have been saved; the app will check "
                "before sending it again.",
                method=self.method, path=self.path, payload=self.payload, sent_at=sent_at,
                status=status, route=self.route,
            )  # fmt: skip
        return ServerError(message, status=status, route=self.route)

    def judge(self, response: httpx.Response, sent_at: dt.datetime) -> httpx.Response | Retry:
        status = response.status_code
        if status < 400:
            return response
        if status >= 500 and status != 501 and not self.resendable:
            raise self.ambiguous(sent_at, status=status)
        error = self.http._error(status, self.route, response)
        if status in RETRY_STATUSES:
            return Retry(str(status), error)
        raise error
