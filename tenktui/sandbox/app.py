"""The emulator as an ASGI application.

``create_app(sandbox)`` serves the 10,000ft API under ``/api/v1`` and the test
controls under ``/_sandbox``. Use it with uvicorn (``tenktui sandbox serve``) or
in-process with ``httpx.ASGITransport``.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, Protocol
from urllib.parse import parse_qsl

from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from tenktui.sandbox import resources
from tenktui.sandbox.http import API_PREFIX, ApiError, Page, Request, router
from tenktui.sandbox.state import Faults, Sandbox

CONTROL_PREFIX = "/_sandbox"
WRITE_METHODS = {"POST", "PUT", "DELETE"}
_PARAM = re.compile(r"{\w+}")


def route_key(method: str, template: str) -> str:
    """How a route is counted: ``GET /users/{id}/time_entries``."""
    return f"{method} {_PARAM.sub('{id}', template)}"


class DroppedConnection(ConnectionAbortedError):
    """Raised in-process when a fault drops the connection after the write committed."""


class EmulatorApp:
    """The ASGI callable both emulators share: lifespan, then each HTTP request to
    :meth:`handle`, whose ``None`` drops the connection unanswered."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = StarletteRequest(scope, receive)
        response = await self.handle(request)
        if response is None:
            _drop_connection(receive)
            return
        await response(scope, receive, send)

    async def handle(self, request: StarletteRequest) -> Response | None:
        raise NotImplementedError


class HasFaults(Protocol):
    faults: Faults


def faults_control(sandbox: HasFaults, method: str, body: dict[str, Any]) -> Response | None:
    """``/_sandbox/faults``: read (GET), change (PUT) or clear (DELETE) the injected
    faults; ``None`` for another method."""
    if method == "GET":
        return JSONResponse(sandbox.faults.to_json())
    if method == "PUT":
        sandbox.faults.update(body)
        return JSONResponse(sandbox.faults.to_json())
    if method == "DELETE":
        sandbox.faults = Faults()
        return Response(status_code=204)
    return None


class SandboxApp(EmulatorApp):
    """ASGI callable for one :class:`Sandbox`."""

    def __init__(self, sandbox: Sandbox) -> None:
        resources.load()
        self.sandbox = sandbox

    async def handle(self, request: StarletteRequest) -> Response | None:
        path = request.url.path
        if path.startswith(CONTROL_PREFIX + "/") or path == CONTROL_PREFIX:
            if not self._authorised(request):
                return _message(401, "Unauthorized: a valid API token is required")
            return await self._control(request, path[len(CONTROL_PREFIX) :])
        if not path.startswith(API_PREFIX + "/"):
            return _message(404, f"No route matches {path}")
        if not self._authorised(request):
            return _message(401, "Unauthorized: a valid API token is required")
        return await self._api(request, path[len(API_PREFIX) :])

    def _authorised(self, request: StarletteRequest) -> bool:
        token = request.headers.get("auth") or request.query_params.get("auth")
        return token == self.sandbox.token

    async def _api(self, request: StarletteRequest, path: str) -> Response | None:
        sandbox = self.sandbox
        method = request.method.upper()
        allowed, limit_headers = sandbox.rate.take()
        if not allowed:
            return _message(429, "Rate limit exceeded; retry after the reset", limit_headers)
        if sandbox.strict:
            # The reference promises the rate headers on a 429 only.
            limit_headers = {}

        template, path_params, _ = router.match(method, path)
        sandbox.requests[route_key(method, template) if template else f"{method} {path}"] += 1
        faults = sandbox.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.error_rate and faults.rng.random() < faults.error_rate:
            return _message(503, "Service temporarily unavailable", limit_headers)

        if template is None:
            return _message(404, f"No route matches {method} {API_PREFIX}{path}", limit_headers)
        handler = router.handlers.get((method, template))
        if handler is None:
            return _message(
                501, f"{method} {template} is not emulated by the sandbox", limit_headers
            )
        try:
            body = await _read_body(request) if method in WRITE_METHODS else {}
            query = dict(parse_qsl(request.url.query, keep_blank_values=True))
            req = Request(sandbox, method, path, template, path_params, query, body)
            req.origin = str(request.base_url).rstrip("/")
            with sandbox.db.transaction():
                result = handler(req)
        except ApiError as err:
            return _message(err.status, err.message, limit_headers)

        if (
            method in WRITE_METHODS
            and faults.drop_after_commit_rate
            and faults.rng.random() < faults.drop_after_commit_rate
        ):
            return None
        if result is None:
            return Response(status_code=204, headers=limit_headers)
        payload = result.to_json() if isinstance(result, Page) else result
        return JSONResponse(payload, headers=limit_headers)

    async def _control(self, request: StarletteRequest, path: str) -> Response:
        sandbox = self.sandbox
        method = request.method.upper()
        try:
            body = await _read_body(request) if method in {"PUT", "POST"} else {}
            if path == "/requests" and method == "GET":
                return JSONResponse(
                    {"total": sum(sandbox.requests.values()), "by_route": dict(sandbox.requests)}
                )
            if path == "/requests" and method == "DELETE":
                sandbox.requests.clear()
                return Response(status_code=204)
            if path == "/faults" and (answer := faults_control(sandbox, method, body)):
                return answer
            if path == "/clock" and method == "GET":
                return JSONResponse({"today": sandbox.today.isoformat()})
            if path == "/clock" and method == "PUT":
                from tenktui.sandbox.http import parse_date

                sandbox.today = parse_date(str(body.get("today", "")), "today")
                return JSONResponse({"today": sandbox.today.isoformat()})
            if path == "/rate" and method == "PUT":
                limit, window = body.get("limit"), body.get("window")
                if not isinstance(limit, int) or limit < 1:
                    raise ValueError("limit must be a positive whole number")
                if not isinstance(window, int | float) or window <= 0:
                    raise ValueError("window must be a positive number of seconds")
                sandbox.rate = type(sandbox.rate)(limit=limit, window=float(window))
                return JSONResponse({"limit": limit, "window": window})
        except (ValueError, ApiError) as err:
            return _message(400, getattr(err, "message", str(err)))
        return _message(404, f"No sandbox control {method} {CONTROL_PREFIX}{path}")


async def _read_body(request: StarletteRequest) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    ctype = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" in ctype:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body had invalid json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object")
    return body


def _message(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers)


def _drop_connection(receive: Receive) -> None:
    """Close the socket without answering: the write has committed, the client never hears.

    Under uvicorn ``receive`` is bound to the request cycle, which owns the
    transport; marking the cycle disconnected stops uvicorn from answering 500.
    In-process (ASGITransport) there is no socket, so the drop is an exception.
    """
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise DroppedConnection("the sandbox dropped the connection after committing")
    transport.close()
    cycle.disconnected = True


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(sandbox: Sandbox) -> SandboxApp:
    """The ASGI app for ``sandbox``."""
    return SandboxApp(sandbox)
