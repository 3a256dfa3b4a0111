"""The Leantime emulator as an ASGI application.

``create_app(sandbox)`` serves ``/api/jsonrpc`` (POST, and the GET form with
base64 params) and the same test controls as the 10,000ft sandbox under
``/_sandbox``. Use it with uvicorn (:mod:`tenktui.sandbox.leantime.server`) or
in-process with ``httpx.ASGITransport``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tenktui.sandbox.app import EmulatorApp, faults_control
from tenktui.sandbox.leantime import methods as _methods  # registers the handlers
from tenktui.sandbox.leantime.db import Row
from tenktui.sandbox.leantime.rpc import INVALID_REQUEST, PARSE_ERROR, Call, RpcError, run
from tenktui.sandbox.leantime.state import LeantimeSandbox
from tenktui.sandbox.state import RateWindow

CONTROL_PREFIX = "/_sandbox"
ENDPOINTS = ("/api/jsonrpc", "/api/jsonrpc/")
assert _methods.KINDS  # the import above is for its side effect


class LeantimeApp(EmulatorApp):
    """ASGI callable for one :class:`LeantimeSandbox`."""

    def __init__(self, sandbox: LeantimeSandbox) -> None:
        self.sandbox = sandbox

    # -- auth --------------------------------------------------------------
    def caller(self, request: Request) -> Row | None:
        """The user the request acts as: the API key's pseudo-user, or (3.9.6 and later)
        the person behind a personal access token; ``None`` when neither is valid."""
        sandbox = self.sandbox
        key = request.headers.get("x-api-key")
        if key is not None:
            if key != sandbox.token or sandbox.token_kind == "pat":
                return None
            return sandbox.api_user
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if (
            scheme.lower() == "bearer"
            and credentials.strip() == sandbox.token
            and sandbox.at_least("3.9.6")
            # An API key is no personal token; the default reading lets one pass as the person.
            and (sandbox.token_kind == "pat" or not sandbox.strict)
        ):
            return sandbox.personal_user
        return None

    # -- requests ----------------------------------------------------------
    async def handle(self, request: Request) -> Response | None:
        path = request.url.path
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            if self.caller(request) is None:
                return _error(401, "Unauthorized")
            return await self._control(request, path[len(CONTROL_PREFIX) :])
        if path not in ENDPOINTS:
            return _error(404, "Not found")
        sandbox = self.sandbox
        caller = self.caller(request)
        if caller is None:
            allowed, _ = sandbox.failed_logins.take()
            if not allowed:
                return _error(429, "Too many requests per minute.")
            return _error(401, "Unauthorized")
        allowed, _ = sandbox.rate.take()  # Leantime sends no rate-limit headers
        if not allowed:
            return _error(429, "Too many requests per minute.")
        sandbox.http_requests += 1
        faults = sandbox.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.error_rate and faults.rng.random() < faults.error_rate:
            return _error(503, "Service Unavailable")

        try:
            body = await self._body(request)
        except RpcError as err:
            return _reply({"jsonrpc": "2.0", "error": err.to_json(), "id": None})
        call = Call(sandbox, caller)
        if isinstance(body, list):
            if not body:
                return _reply(_invalid())
            outcomes = [run(item, call) for item in body]
            answer: Any = [o.response for o in outcomes if o.response is not None] or None
        else:
            outcomes = [run(body, call)]
            answer = outcomes[0].response
        if (
            any(o.wrote for o in outcomes)
            and faults.drop_after_commit_rate
            and faults.rng.random() < faults.drop_after_commit_rate
        ):
            return None
        if answer is None:  # notifications only: an empty 200, even when they failed
            return Response(status_code=200)
        return _reply(answer)

    async def _body(self, request: Request) -> Any:
        method = request.method.upper()
        if method == "GET":
            return _from_query(request)
        if method != "POST":
            raise RpcError(INVALID_REQUEST, "Invalid Request")
        raw = await request.body()
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise RpcError(PARSE_ERROR, "Parse error") from None

    # -- controls ------------------------------------------------------------
    async def _control(self, request: Request, path: str) -> Response:
        sandbox = self.sandbox
        method = request.method.upper()
        try:
            body = await _json_body(request) if method in {"PUT", "POST"} else {}
            if path == "/requests" and method == "GET":
                return JSONResponse(
                    {
                        "total": sandbox.http_requests,
                        "calls": sum(sandbox.calls.values()),
                        "by_method": dict(sandbox.calls),
                    }
                )
            if path == "/requests" and method == "DELETE":
                sandbox.calls.clear()
                sandbox.http_requests = 0
                return Response(status_code=204)
            if path == "/faults" and (answer := faults_control(sandbox, method, body)):
                return answer
            if path == "/clock" and method == "GET":
                return JSONResponse({"today": sandbox.today.isoformat()})
            if path == "/clock" and method == "PUT":
                import datetime as dt

                sandbox.today = dt.date.fromisoformat(str(body.get("today", "")))
                return JSONResponse({"today": sandbox.today.isoformat()})
            if path == "/rate" and method == "PUT":
                limit, window = body.get("limit"), body.get("window")
                if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
                    raise ValueError("limit must be a positive whole number")
                if not isinstance(window, int | float) or window <= 0:
                    raise ValueError("window must be a positive number of seconds")
                sandbox.rate = RateWindow(limit=limit, window=float(window))
                return JSONResponse({"limit": limit, "window": window})
            if path == "/version" and method == "GET":
                return JSONResponse({"version": sandbox.version})
            if path == "/users" and method == "GET":
                return JSONResponse(
                    sandbox.db.rows(
                        "SELECT id, username, role, source, timezone FROM users ORDER BY id"
                    )
                )
            if path.startswith("/users/") and method == "PUT":
                return JSONResponse(self._set_user(path.removeprefix("/users/"), body))
        except (ValueError, KeyError) as err:
            return JSONResponse({"message": str(err)}, status_code=400)
        return JSONResponse(
            {"message": f"No sandbox control {method} {CONTROL_PREFIX}{path}"}, status_code=404
        )

    def _set_user(self, raw_id: str, body: dict[str, Any]) -> Row:
        """Change a user's ``role`` (e.g. the API key's) or ``timezone`` (IANA name)."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        user = self.sandbox.user(int(raw_id)) if raw_id.isdigit() else None
        if user is None:
            raise ValueError(f"no user {raw_id}")
        changes: Row = {}
        if "role" in body:
            if body["role"] not in (5, 10, 20, 30, 40, 50):
                raise ValueError("role must be one of 5, 10, 20, 30, 40, 50")
            changes["role"] = body["role"]
        if "timezone" in body:
            try:
                ZoneInfo(str(body["timezone"]))
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown timezone {body['timezone']!r}") from None
            changes["timezone"] = str(body["timezone"])
        self.sandbox.db.update("users", user["id"], changes)
        fresh = self.sandbox.user(user["id"])
        assert fresh is not None
        return {k: fresh[k] for k in ("id", "username", "role", "source", "timezone")}


def _from_query(request: Request) -> dict[str, Any]:
    """The GET form: method, jsonrpc and id in the query, params as base64 then
    URL-encoded. A ``+`` not escaped as ``%2B`` arrives as a space and spoils the
    base64, which then decodes to nothing usable: the params count as missing."""
    query = request.query_params
    item: dict[str, Any] = {"jsonrpc": query.get("jsonrpc"), "method": query.get("method")}
    if query.get("id") is not None:
        item["id"] = query.get("id")
    encoded = query.get("params")
    if encoded:
        try:
            item["params"] = json.loads(base64.b64decode(encoded))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            item["params"] = None
    return item


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _invalid() -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "error": RpcError(INVALID_REQUEST, "Invalid Request").to_json(),
        "id": None,
    }


def _reply(payload: Any) -> JSONResponse:
    return JSONResponse(payload)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(sandbox: LeantimeSandbox) -> LeantimeApp:
    """The ASGI app for ``sandbox``."""
    return LeantimeApp(sandbox)
