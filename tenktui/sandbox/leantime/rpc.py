"""JSON-RPC as Leantime's ``/api/jsonrpc`` controller does it: names, params, errors, results.

- Method names are ``leantime.rpc.{Module}.{method}`` or
  ``leantime.rpc.{Module}.{Service}.{method}``; module and service are StudlyCased
  and the method camelCased, so ``tickets.getTicket`` is ``Tickets.getTicket``.
- 3.9 and later call only methods marked for the API; older versions any method.
- Params bind by name only: a positional list counts as no params at all. A missing
  param takes its default or fails with -32602 ``Required Parameter Missing: <name>``;
  scalars are coerced (``"12"`` is 12); unknown keys are ignored; an explicit ``null``
  for a param that is not nullable cannot be cast.
- Errors raised by a service (:class:`Fault`) become -32000 with the message in
  ``data`` up to 3.8, and -32001 / -32002 / -32005 / -32000 (``data`` null) from 3.9.
- Up to 3.8 a scalar result is wrapped in a one-element list.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenktui.sandbox.leantime.db import Row
    from tenktui.sandbox.leantime.state import LeantimeSandbox

log = logging.getLogger("tenktui.sandbox.leantime")

PREFIX = "leantime.rpc."
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_ERROR = -32000
NOT_ALLOWED = -32001
NOT_FOUND = -32002
ALREADY_EXISTS = -32005
INTERNAL_ERROR = -32603

_FAULT_CODES = {"not_allowed": NOT_ALLOWED, "not_found": NOT_FOUND, "exists": ALREADY_EXISTS}


class RpcError(Exception):
    """An error answer of the JSON-RPC layer itself (the code and message are final)."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data}


class Fault(Exception):
    """An exception thrown by a Leantime service; ``kind``: not_allowed, not_found, exists,
    error. How it reaches the client depends on the version (see the module docstring)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def fault_error(fault: Fault, modern: bool) -> RpcError:
    if not modern:
        return RpcError(SERVER_ERROR, "Server error", fault.message)
    code = _FAULT_CODES.get(fault.kind, SERVER_ERROR)
    messages = {
        NOT_ALLOWED: "Not allowed to perform this action",
        NOT_FOUND: fault.message,
        ALREADY_EXISTS: fault.message,
        SERVER_ERROR: "Server error",
    }
    return RpcError(code, messages[code], None)


def internal_error(exc: Exception, modern: bool) -> RpcError:
    if modern:
        return RpcError(INTERNAL_ERROR, "Internal error", None)
    return RpcError(SERVER_ERROR, "Server error", f"{type(exc).__name__}: {exc}")


# -- params ------------------------------------------------------------------

REQUIRED: Any = object()


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # int, float, str, bool, array, datetime, int_or_array, any
    default: Any = REQUIRED
    nullable: bool = False


def _cast_error(name: str) -> RpcError:
    return RpcError(INVALID_PARAMS, f"Could not cast parameter: {name}")


_NUMBER = re.compile(r"^\s*[-+]?\d+(\.\d+)?\s*$")


def parse_datetime(value: str) -> dt.datetime:
    """``Y-m-d H:i:s``, ``Y-m-d`` or ISO 8601, as naive UTC; ``ValueError`` otherwise."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.datetime.fromisoformat(text)
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def coerce(param: Param, value: Any) -> Any:
    kind, name = param.kind, param.name
    if kind == "any":
        return value
    if kind == "int":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _NUMBER.match(value) and float(value).is_integer():
            return int(float(value))
        raise _cast_error(name)
    if kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and _NUMBER.match(value):
            return float(value)
        raise _cast_error(name)
    if kind == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise _cast_error(name)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if value in (0, 1, "0", "1", "true", "false"):
            return value in (1, "1", "true")
        raise _cast_error(name)
    if kind == "array":
        if isinstance(value, dict):
            return value
        if isinstance(value, list):  # a PHP array either way
            return dict(enumerate(value))
        raise _cast_error(name)
    if kind == "datetime":
        if not isinstance(value, str):
            raise _cast_error(name)
        try:
            return parse_datetime(value)
        except ValueError:
            raise _cast_error(name) from None
    if kind == "int_or_array":
        if isinstance(value, list):
            return [coerce(Param(name, "int"), v) for v in value]
        return coerce(Param(name, "int"), value)
    raise AssertionError(f"unknown param kind {kind}")


# -- methods -------------------------------------------------------------------


@dataclass
class Call:
    """What a method handler sees: the site and the user the key or token acts as."""

    sandbox: LeantimeSandbox
    caller: Row

    @property
    def db(self) -> Any:
        """The flavour's database (``LeantimeDB``)."""
        return self.sandbox.db

    @property
    def modern(self) -> bool:
        return self.sandbox.modern

    @property
    def is_manager(self) -> bool:
        """Holds ``timesheets.manage`` (manager and above)."""
        return int(self.caller["role"]) >= 30

    @property
    def is_admin(self) -> bool:
        """Holds the global ``users.view`` (admin and owner)."""
        return int(self.caller["role"]) >= 40


Handler = Callable[..., Any]


@dataclass(frozen=True)
class Method:
    module: str
    service: str
    name: str
    params: tuple[Param, ...]
    handler: Handler
    api: bool = True  # marked @api: callable through the API from 3.9 on
    since: str = "0.0.0"
    before: str | None = None  # the first version without it
    write: bool = False

    @property
    def label(self) -> str:
        if self.service == self.module:
            return f"{self.module}.{self.name}"
        return f"{self.module}.{self.service}.{self.name}"


REGISTRY: dict[tuple[str, str, str], Method] = {}


def method(
    path: str,
    *params: Param,
    api: bool = True,
    since: str = "0.0.0",
    before: str | None = None,
    write: bool = False,
) -> Callable[[Handler], Handler]:
    """Register a handler for ``Module.method`` or ``Module.Service.method``."""
    parts = path.split(".")
    module, service, name = (parts[0], parts[0], parts[1]) if len(parts) == 2 else parts

    def register(handler: Handler) -> Handler:
        REGISTRY[(module, service, name)] = Method(
            module, service, name, params, handler, api, since, before, write
        )
        return handler

    return register


def studly(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_\s]+", text) if part)


def camel(text: str) -> str:
    word = studly(text)
    return word[:1].lower() + word[1:]


def resolve(name: Any, sandbox: LeantimeSandbox) -> Method:
    from tenktui.sandbox.leantime.state import version_tuple

    if not isinstance(name, str):
        raise RpcError(INVALID_REQUEST, "Invalid Request")
    if not name.startswith(PREFIX):
        raise RpcError(INVALID_PARAMS, f"Method format is invalid: {name}")
    parts = name[len(PREFIX) :].split(".")
    if len(parts) == 2 and all(parts):
        key = (studly(parts[0]), studly(parts[0]), camel(parts[1]))
    elif len(parts) == 3 and all(parts):
        key = (studly(parts[0]), studly(parts[1]), camel(parts[2]))
    else:
        raise RpcError(INVALID_PARAMS, f"Method format is invalid: {name}")
    found = REGISTRY.get(key)
    version = sandbox.version_info
    if (
        found is None
        or version < version_tuple(found.since)
        or (found.before is not None and version >= version_tuple(found.before))
        or (sandbox.modern and not found.api)
    ):
        raise RpcError(METHOD_NOT_FOUND, "Method not found")
    return found


def bind(found: Method, params: Any) -> dict[str, Any]:
    given = params if isinstance(params, dict) else {}
    args: dict[str, Any] = {}
    for p in found.params:
        if p.name in given and given[p.name] is not None:
            args[p.name] = coerce(p, given[p.name])
        elif p.name in given and p.nullable:
            args[p.name] = None
        elif p.name in given:
            raise _cast_error(p.name)
        elif p.default is REQUIRED:
            raise RpcError(INVALID_PARAMS, f"Required Parameter Missing: {p.name}")
        else:
            args[p.name] = p.default
    return args


def wrap(result: Any, modern: bool) -> Any:
    """Up to 3.8 a scalar result travels as a one-element list."""
    if not modern and isinstance(result, bool | int | float | str):
        return [result]
    return result


@dataclass
class Outcome:
    """One call's answer (``None`` for a notification) and whether it wrote."""

    response: dict[str, Any] | None
    wrote: bool = False
    method: str | None = None


def run(item: Any, call: Call) -> Outcome:
    """Run one request object of a (possibly batched) body."""
    sandbox = call.sandbox
    has_id = isinstance(item, dict) and item.get("id") is not None
    req_id = item.get("id") if isinstance(item, dict) else None

    def answer(payload: dict[str, Any], wrote: bool = False, label: str | None = None) -> Outcome:
        if not has_id:
            return Outcome(None, wrote, label)
        return Outcome({"jsonrpc": "2.0", **payload, "id": req_id}, wrote, label)

    if not isinstance(item, dict) or item.get("jsonrpc") != "2.0":
        return answer({"error": RpcError(INVALID_REQUEST, "Invalid Request").to_json()})
    try:
        found = resolve(item.get("method"), sandbox)
    except RpcError as err:
        return answer({"error": err.to_json()})
    sandbox.calls[found.label] += 1
    try:
        args = bind(found, item.get("params"))
        with sandbox.db.transaction():
            result = found.handler(call, **args)
    except RpcError as err:
        return answer({"error": err.to_json()}, label=found.label)
    except Fault as fault:
        return answer({"error": fault_error(fault, sandbox.modern).to_json()}, label=found.label)
    except Exception as exc:  # a bug in a handler: what Leantime answers for one
        log.exception("%s failed", found.label)
        return answer({"error": internal_error(exc, sandbox.modern).to_json()}, label=found.label)
    return answer({"result": wrap(result, sandbox.modern)}, found.write, found.label)
