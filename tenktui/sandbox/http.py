"""Request context, errors, routing and the paging envelope of the emulated API.

Resource modules register handlers with :data:`router`::

    @router.route("GET", "/roles/{role_id}")
    def show_role(req: Request) -> Doc:
        return req.require("roles", req.path_int("role_id"))

A handler returns a plain object (a JSON document), a :class:`Page` (the
``{"data": [...], "paging": {...}}`` envelope) or ``None`` (an empty 200), and
raises :class:`ApiError` for any 4xx. Only routes of the live route list can be
registered, so the emulator cannot drift from the real service's surface.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from tenktui.sandbox.db import SandboxDB
    from tenktui.sandbox.state import Sandbox

Doc = dict[str, Any]
API_PREFIX = "/api/v1"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 1000
STRICT_MAX_PER_PAGE = 100  # the strict reading caps pages lower than the reference's 1000
ROUTES_FILE = Path(__file__).with_name("rm-openapi-paths.json")


class ApiError(Exception):
    """A 4xx answer with the ``{"message": ...}`` body the real service sends."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(what: str = "Record") -> ApiError:
    return ApiError(404, f"{what} not found")


def unprocessable(message: str) -> ApiError:
    return ApiError(422, message)


# -- request ---------------------------------------------------------------


@dataclass
class Request:
    """What a handler sees of one API call."""

    sandbox: Sandbox
    method: str
    path: str  # without the /api/v1 prefix, e.g. "/users/5/time_entries"
    template: str  # the matched route, e.g. "/users/{user_id}/time_entries"
    path_params: dict[str, str]
    query: dict[str, str]
    body: Doc = field(default_factory=dict)
    origin: str = ""  # scheme://host:port the request came to; absolute links use it

    @property
    def db(self) -> SandboxDB:
        return self.sandbox.db

    @property
    def page_cap(self) -> int:
        return STRICT_MAX_PER_PAGE if self.sandbox.strict else MAX_PER_PAGE

    @property
    def link_origin(self) -> str:
        """Where paging links start: absolute on the same host under the strict reading."""
        return self.origin if self.sandbox.strict else ""

    # -- path and query -------------------------------------------------
    def path_int(self, name: str) -> int:
        raw = self.path_params[name]
        try:
            return int(raw)
        except ValueError:
            raise not_found() from None

    def flag(self, name: str) -> bool:
        """A boolean query parameter (``true``/``1``/``yes``)."""
        return self.query.get(name, "").lower() in {"true", "1", "yes"}

    def fields(self) -> set[str]:
        return {f.strip() for f in self.query.get("fields", "").split(",") if f.strip()}

    def query_date(self, name: str) -> dt.date | None:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return None
        return parse_date(raw, name)

    # -- body -----------------------------------------------------------
    def body_date(self, name: str, *, required: bool = False) -> dt.date | None:
        raw = self.body.get(name)
        if raw is None or raw == "":
            if required:
                raise bad_request(f"{name} is required")
            return None
        return parse_date(str(raw), name)

    def body_number(self, name: str, *, required: bool = False) -> float | None:
        raw = self.body.get(name)
        if raw is None or raw == "":
            if required:
                raise bad_request(f"{name} is required")
            return None
        if isinstance(raw, bool):
            raise bad_request(f"{name} must be a number")
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise bad_request(f"{name} must be a number") from None

    def body_int(self, name: str, *, required: bool = False) -> int | None:
        value = self.body_number(name, required=required)
        if value is None:
            return None
        if value != int(value):
            raise bad_request(f"{name} must be a whole number")
        return int(value)

    def body_bool(self, name: str) -> bool | None:
        raw = self.body.get(name)
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            return raw
        return str(raw).lower() in {"true", "1", "yes"}

    # -- documents ------------------------------------------------------
    def require(self, kind: str, id_: int, what: str | None = None) -> Doc:
        doc = self.db.get(kind, id_)
        if doc is None:
            raise not_found(what or _singular(kind))
        return doc

    def page(self, items: Sequence[Doc] | None = None, **kw: Any) -> Page:
        return Page.of(self, items, **kw)


def _singular(kind: str) -> str:
    name = kind[:-1] if kind.endswith("s") else kind
    return name.replace("_", " ").capitalize()


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(raw: str, name: str = "date") -> dt.date:
    """A ``YYYY-MM-DD`` date, or a 400 that names the parameter."""
    if not _DATE.match(raw):
        raise bad_request(f"{name} must be a valid date formatted as yyyy-mm-dd, got {raw!r}")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise bad_request(f"{name} is not a valid date: {raw!r}") from None


def timestamp(moment: dt.datetime | None = None) -> str:
    """UTC in the API's ``YYYY-MM-DDTHH:MM:SSZ`` form."""
    moment = moment or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- paging ----------------------------------------------------------------


def page_params(query: dict[str, str], cap: int = MAX_PER_PAGE) -> tuple[int, int]:
    """``(page, per_page)`` from a query, validated as the real service does; ``per_page``
    is capped at ``cap``."""
    try:
        per_page = int(query.get("per_page") or DEFAULT_PER_PAGE)
        page = int(query.get("page") or 1)
    except ValueError:
        raise bad_request("page and per_page must be whole numbers") from None
    if per_page < 1 or page < 1:
        raise bad_request("page and per_page must be positive")
    return page, min(per_page, cap)


def paging_block(
    path: str, query: dict[str, str], page: int, per_page: int, has_next: bool, origin: str = ""
) -> Doc:
    """The ``paging`` object: links that carry the query (never the token), relative, or
    absolute on ``origin`` when one is given."""
    carried = {k: v for k, v in query.items() if k not in {"auth", "page", "per_page"}}

    def link(n: int) -> str:
        qs = urlencode({**carried, "per_page": per_page, "page": n})
        return f"{origin}{API_PREFIX}{path}?{qs}"

    return {
        "page": page,
        "per_page": per_page,
        "previous": link(page - 1) if page > 1 else None,
        "self": link(page),
        "next": link(page + 1) if has_next else None,
    }


@dataclass
class Page:
    """A page of a collection: the envelope every list answer uses."""

    data: list[Doc]
    paging: Doc

    @classmethod
    def of(
        cls,
        req: Request,
        items: Sequence[Doc] | None = None,
        *,
        kind: str | None = None,
        where: str = "1=1",
        params: Sequence[Any] = (),
        order: str = "id",
        transform: Callable[[Doc], Doc] | None = None,
    ) -> Page:
        """Page a list already in memory, or a query over ``kind`` done in SQL."""
        page, per_page = page_params(req.query, req.page_cap)
        offset = (page - 1) * per_page
        if items is not None:
            chunk = list(items[offset : offset + per_page + 1])
        else:
            assert kind is not None
            chunk = req.db.query(kind, where, params, order, limit=per_page + 1, offset=offset)
        has_next = len(chunk) > per_page
        chunk = chunk[:per_page]
        if transform is not None:
            chunk = [transform(doc) for doc in chunk]
        # Rails-style: the path's ids are echoed into the query of the links.
        query = {**req.path_params, **req.query}
        return cls(chunk, paging_block(req.path, query, page, per_page, has_next, req.link_origin))

    def to_json(self) -> Doc:
        return {"data": self.data, "paging": self.paging}


def nested(items: Sequence[Doc], path: str, per_page: int) -> Doc:
    """A ``fields=`` sub-collection: first page, same page size as the parent request."""
    return {
        "data": list(items[:per_page]),
        "paging": paging_block(path, {}, 1, per_page, len(items) > per_page),
    }


# -- routing ---------------------------------------------------------------

Handler = Callable[[Request], Any]


def load_route_list(path: Path = ROUTES_FILE) -> set[tuple[str, str]]:
    """Every (METHOD, template) pair of the live Resource Management API."""
    spec = json.loads(path.read_text())
    routes = set()
    for template, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict):
                routes.add((method.upper(), template))
    return routes


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{pattern}$")


class Router:
    """Matches a method and path against the live route list and our handlers."""

    def __init__(self, known: set[tuple[str, str]]) -> None:
        self.known = known
        # Literal segments win over parameters: /api_tokens/renew/{id} before /api_tokens/{id}.
        self._ordered = sorted(
            ((m, t, _compile(t)) for m, t in known), key=lambda r: (r[1].count("{"), r[1])
        )
        self.handlers: dict[tuple[str, str], Handler] = {}

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        key = (method.upper(), template)
        if key not in self.known:
            raise ValueError(f"{method} {template} is not a route of the live API")

        def register(fn: Handler) -> Handler:
            self.handlers[key] = fn
            return fn

        return register

    def match(self, method: str, path: str) -> tuple[str | None, dict[str, str], bool]:
        """``(template, path params, path exists)`` for a request.

        The template is ``None`` when the method is not served at that path.
        """
        found_path = False
        for m, template, pattern in self._ordered:
            hit = pattern.match(path)
            if hit is None:
                continue
            found_path = True
            if m == method:
                return template, hit.groupdict(), True
        return None, {}, found_path


router = Router(load_route_list())
