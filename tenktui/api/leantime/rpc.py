"""JSON-RPC 2.0 to Leantime's ``/api/jsonrpc``: envelopes, batches, retries, errors.

Every call is a POST, so what may be retried depends on the *methods* in it, not
the verb: reads, ``upsertTime`` (it overwrites), ``deleteTime``, ``patch``/``patchTicket``
(absolute values) and ``Tickets.delete`` are safe to send again; ``addTicket`` and
``logTime`` (it adds) are not, and a lost answer to them is :class:`Ambiguous`.

- The key goes in ``x-api-key`` (``lt_<user>_<secret>``) or, for a personal access
  token, ``Authorization: Bearer``; never in a URL, a log line, an error or a repr.
- Every request carries an ``id``; a batch is one HTTP request (one unit of
  Leantime's 100-per-minute budget) and each of its calls answers on its own.
- A 429 comes without rate-limit headers: the wait doubles with every 429 in a
  row (with jitter) and is shared through the token's rate governor, so
  concurrent tasks back off together.
- Results are unwrapped from the one-element list 3.8 and older use for scalars.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import math
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from tenktui.api.attempts import Retry, attempt_until_settled
from tenktui.api.errors import (
    Ambiguous,
    ApiError,
    NotFound,
    Rejected,
    ServerError,
    Unauthorized,
    Unsupported,
)
from tenktui.api.governor import Priority, RateGovernor, current_priority
from tenktui.api.http import (
    DEFAULT_TIMEOUT,
    HttpTransport,
    RequestRecord,
    check_token,
    redirect_target,
)

ENDPOINT = "/api/jsonrpc"
PREFIX = "leantime.rpc."
WRITES = frozenset(
    {
        "Timesheets.logTime",
        "Timesheets.upsertTime",
        "Timesheets.deleteTime",
        "Tickets.addTicket",
        "Tickets.patchTicket",
        "Tickets.patch",
        "Tickets.delete",
    }
)
NOT_IDEMPOTENT = frozenset({"Timesheets.logTime", "Tickets.addTicket"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Call:
    """One JSON-RPC call: ``method`` without the ``leantime.rpc.`` prefix."""

    method: str
    params: dict[str, Any] | None = None

    def body(self, request_id: int) -> dict[str, Any]:
        body: dict[str, Any] = {"jsonrpc": "2.0", "method": PREFIX + self.method, "id": request_id}
        if self.params is not None:
            body["params"] = self.params
        return body


def is_api_key(token: str) -> bool:
    """Leantime API keys read ``lt_<user>_<secret>``; anything else is a personal token."""
    parts = token.split("_")
    return len(parts) == 3 and parts[0] == "lt" and all(p.isalnum() for p in parts[1:])


def unwrap(value: Any) -> Any:
    """A scalar result as 3.9 sends it: 3.8 and older wrap scalars in a one-element list."""
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], dict | list):
        return value[0]
    return value


class JsonRpc(HttpTransport):
    """Sends JSON-RPC calls for one key to one Leantime site (see the module docstring)."""

    url_label = "site"
    message_keys = ("error", "message")
    counts_rate_headers = False  # Leantime sends no X-RateLimit-* headers

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        auth: str = "auto",
        transport: httpx.AsyncBaseTransport | None = None,
        governor: RateGovernor | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        throttle_base: float = 1.0,
        throttle_cap: float = 60.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        on_request: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        check_token(token, "The Leantime API key is empty or malformed; paste it again.")
        if auth not in ("auto", "api-key", "bearer"):
            raise ValueError(f"auth must be auto, api-key or bearer, got {auth!r}")
        if auth == "api-key" or (auth == "auto" and is_api_key(token)):
            credentials = {"x-api-key": token}
        else:
            credentials = {"Authorization": f"Bearer {token}"}
        super().__init__(
            base_url,
            token,
            headers=credentials,
            rooted=False,
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
        self.site = self.base_url
        self.endpoint = self.site.copy_with(path=self.site.path.rstrip("/") + ENDPOINT)
        self.throttle_base = throttle_base
        self.throttle_cap = throttle_cap
        self._ids = itertools.count(1)

    # -- calls -----------------------------------------------------------------
    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, priority: Priority | None = None
    ) -> Any:
        """One call's unwrapped result, or its error raised."""
        (result,) = await self.batch([Call(method, params)], priority=priority)
        if isinstance(result, ApiError):
            raise result
        return result

    async def values(self, calls: Sequence[Call], *, priority: Priority | None = None) -> list[Any]:
        """A batch's results in order; the first call that failed raises its error."""
        results = await self.batch(calls, priority=priority)
        for result in results:
            if isinstance(result, ApiError):
                raise result
        return results

    async def batch(self, calls: Sequence[Call], *, priority: Priority | None = None) -> list[Any]:
        """Send the calls as one request; each result, or the :class:`ApiError` of a call
        that failed (the request as a whole failing raises instead)."""
        if not calls:
            return []
        methods = [c.method for c in calls]
        writes = any(m in WRITES for m in methods)
        safe = not any(m in NOT_IDEMPOTENT for m in methods)
        ids = [next(self._ids) for _ in calls]
        bodies = [c.body(i) for c, i in zip(calls, ids, strict=True)]
        payload: Any = bodies[0] if len(bodies) == 1 else bodies
        route = "RPC " + "+".join(dict.fromkeys(methods))
        if priority is None:
            priority = Priority.EDIT if writes else Priority.VISIBLE
        decoded = await self._send(
            payload, route, writes=writes, safe=safe, level=current_priority(priority)
        )
        answers = decoded if isinstance(decoded, list) else [decoded]
        by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
        results = []
        for call, request_id in zip(calls, ids, strict=True):
            answer = by_id.get(request_id)
            if answer is None and len(calls) == 1 and len(answers) == 1:
                answer = answers[0] if isinstance(answers[0], dict) else None
            results.append(self._result(call.method, route, answer))
        return results

    def _result(self, method: str, route: str, answer: dict[str, Any] | None) -> Any:
        if answer is None:
            return ServerError(
                f"Leantime did not answer the call {method}; try again later.", route=route
            )
        error = answer.get("error")
        if isinstance(error, dict):
            return self._rpc_error(method, route, error)
        if "result" not in answer:
            return ServerError(
                f"Leantime's answer to {method} held neither a result nor an error.", route=route
            )
        return unwrap(answer["result"])

    def _rpc_error(self, method: str, route: str, error: dict[str, Any]) -> ApiError:
        code = error.get("code")
        said = " — ".join(
            self.redact(str(part))[:500]
            for part in (error.get("message"), error.get("data"))
            if part not in (None, "")
        )
        kw: dict[str, Any] = {"route": route, "server_message": said or None}
        detail = f": {said}" if said else ""
        if code == -32601:
            return Unsupported(
                f"This Leantime server does not offer {method} through its API{detail}.", **kw
            )
        if code in (-32700, -32600, -32602):
            return Rejected(f"Leantime refused the call {method}{detail}.", **kw)
        if code == -32001:
            return Unauthorized(
                f"Leantime does not allow this key to call {method}{detail}. Ask an "
                "administrator for a key with a higher role, or use a personal access token.",
                **kw,
            )
        if code == -32002:
            return NotFound(f"Not found on the Leantime server{detail}. Refresh.", **kw)
        if code == -32005:
            return Rejected(f"It already exists on the Leantime server{detail}.", **kw)
        return ServerError(
            f"The Leantime server failed on {method} (error {code}){detail}. "
            "Your changes are kept and will be retried.",
            **kw,
        )

    # -- HTTP --------------------------------------------------------------------
    async def _send(
        self, payload: Any, route: str, *, writes: bool, safe: bool, level: Priority
    ) -> Any:
        content = json.dumps(payload, separators=(",", ":")).encode()
        exchange = _RpcExchange(self, route, payload, content, writes=writes, safe=safe)
        return await attempt_until_settled(self, exchange, level)

    def _rate_headers(self, response: httpx.Response, throttled: int) -> Mapping[str, str]:
        if response.status_code == 429:
            # No headers say when the budget comes back: back off.
            return {"Retry-After": str(self._throttle_wait(throttled + 1))}
        return response.headers

    def _throttle_wait(self, n: int) -> int:
        """Whole seconds to hold everything after the ``n``-th 429 in a row."""
        ceiling = min(self.throttle_cap, self.throttle_base * 2 ** (n - 1))
        return max(1, math.ceil(ceiling * (0.5 + self._rand() / 2)))


@dataclass(frozen=True, slots=True)
class _RpcExchange:
    """One JSON-RPC request's rules: every call is a POST, so the methods in it decide
    what may be resent (a batch with a ``NOT_IDEMPOTENT`` call never is)."""

    rpc: JsonRpc
    route: str
    payload: Any
    content: bytes
    writes: bool
    safe: bool

    @property
    def resendable(self) -> bool:
        return not (self.writes and not self.safe)

    def build(self) -> httpx.Request:
        return self.rpc._client.build_request(
            "POST",
            self.rpc.endpoint,
            content=self.content,
            headers={"Content-Type": "application/json"},
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
            what = type(failure).__name__ if failure is not None else f"HTTP {status}"
        return Ambiguous(
            f"The connection broke after a change was sent to Leantime ({what}); it may or "
            "may not have been saved. The app will check before sending it again.",
            method="POST",
            path=ENDPOINT,
            payload=self.payload,
            sent_at=sent_at,
            status=status,
            route=self.route,
        )

    def unreachable(
        self, failure: Exception, *, sent: bool, sent_at: dt.datetime, attempt: int
    ) -> ApiError:
        if sent and self.writes:
            return self.ambiguous(sent_at, failure=failure)
        return self.rpc._offline(self.route, failure, attempt)

    def redirected(self, response: httpx.Response, sent_at: dt.datetime) -> ApiError:
        rpc = self.rpc
        where = redirect_target(response, rpc.redact)
        message = (
            f"The Leantime server redirected the request to {where}: the site address "
            f"({rpc.base_url}) may be wrong. Check it in your configuration."
        )
        status = response.status_code
        if not self.resendable:
            return self.ambiguous(sent_at, status=status, what=message)
        return ServerError(message, status=status, route=self.route)

    def judge(self, response: httpx.Response, sent_at: dt.datetime) -> Any:
        rpc, route, status = self.rpc, self.route, response.status_code
        if status in (401, 403):
            raise Unauthorized(
                "Leantime refused the API key. Check the key in your configuration "
                "(Leantime: Company Settings > API, or your profile's access tokens).",
                status=status,
                route=route,
                server_message=rpc._server_message(response),
            )
        if status in RETRY_STATUSES:
            if not self.resendable:
                raise self.ambiguous(sent_at, status=status)
            return Retry(
                str(status),
                ServerError(
                    f"The Leantime server failed ({status}). Your changes are kept and "
                    "will be retried.",
                    status=status,
                    route=route,
                    server_message=rpc._server_message(response),
                ),
            )
        if status == 404:
            raise NotFound(
                f"No Leantime API at {rpc.endpoint}: check the site address "
                "(the site root, without /api/jsonrpc).",
                status=status,
                route=route,
            )
        if status >= 400:
            said = rpc._server_message(response)
            raise Rejected(
                f"Leantime refused the request ({status}){': ' + said if said else ''}.",
                status=status,
                route=route,
                server_message=said,
            )
        if not response.content.strip():
            if not self.resendable:
                raise self.ambiguous(sent_at, status=status, what="an empty answer")
            return Retry(
                "empty answer",
                ServerError("Leantime answered with nothing; try again later.", route=route),
            )
        try:
            return response.json()
        except ValueError:
            if not self.resendable:
                raise self.ambiguous(
                    sent_at, status=status, what="an answer that is not JSON"
                ) from None
            raise ServerError(
                "Leantime answered with something that is not JSON; check the site "
                "address and try again later.",
                status=status,
                route=route,
            ) from None
