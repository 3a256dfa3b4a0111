"""Collections as async iterators: follow ``paging.next`` to the end, 1000 at a time.

Every list answer of 10,000ft is ``{"data": [...], "paging": {..., "next": link}}``;
``next`` is a relative link (``/api/v1/...``) that carries the query. Nested
``fields=`` collections use the same envelope and the parent's page size; when one
overflows (its own ``next`` is set) it is completed here by following its links,
so a record always holds every item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from tenktui.api.errors import ServerError
from tenktui.api.governor import Priority
from tenktui.api.http import ApiHttp, route_template

MAX_PER_PAGE = 1000
Doc = dict[str, Any]


def encode_params(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query parameters as the API wants them; ``None`` values are left out.

    Booleans become ``true``/``false``, dates ``YYYY-MM-DD``, lists of fields are
    comma-joined.
    """
    encoded: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dt.date):
            text = value.isoformat()
        elif isinstance(value, list | tuple | set | frozenset):
            if not value:
                continue
            text = ",".join(str(v) for v in value)
        else:
            text = str(value)
        encoded.append((key, text))
    return encoded


def _envelope(body: Any, path: str) -> Doc:
    if isinstance(body, list):  # tolerate a bare list: one page, no more
        return {"data": body, "paging": {}}
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return body
    raise ServerError(
        "The server answered a list request with something that is not a list; try again later.",
        route=f"GET {route_template(path)}",
    )


async def iter_pages(
    http: ApiHttp,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    per_page: int = MAX_PER_PAGE,
    nested: Iterable[str] = (),
    priority: Priority | None = None,
) -> AsyncIterator[Doc]:
    """Every page of the collection at ``path``, each as its ``{"data", "paging"}`` body."""
    query = [(k, v) for k, v in encode_params(params) if k not in {"per_page", "page"}]
    query.append(("per_page", str(per_page)))
    nested = tuple(nested)
    next_path, next_params = path, query
    seen: set[str] = set()
    while True:
        body = _envelope(await http.get_json(next_path, next_params, priority=priority), path)
        if nested:
            await complete_nested(http, body["data"], nested, priority=priority)
        yield body
        link = (body.get("paging") or {}).get("next")
        if not link or link in seen:  # a server looping on itself must not loop us
            return
        seen.add(link)
        next_path, next_params = http.resolve_link(link)


async def iter_collection(
    http: ApiHttp,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    per_page: int = MAX_PER_PAGE,
    nested: Iterable[str] = (),
    priority: Priority | None = None,
) -> AsyncIterator[Doc]:
    """Every item of the collection at ``path``, page after page."""
    async for page in iter_pages(
        http, path, params, per_page=per_page, nested=nested, priority=priority
    ):
        for item in page["data"]:
            yield item


async def complete_nested(
    http: ApiHttp, items: list[Doc], fields: Iterable[str], *, priority: Priority | None = None
) -> None:
    """Fill every overflowing nested collection of ``items`` in place.

    The completed collection keeps its envelope, holds every item, and its
    ``paging.next`` is cleared.
    """
    fields = tuple(fields)
    for item in items:
        if not isinstance(item, dict):
            continue  # left for the record's validation to skip
        for name in fields:
            collection = item.get(name)
            if not isinstance(collection, dict):
                continue
            paging = collection.get("paging")
            if not isinstance(paging, dict) or not paging.get("next"):
                continue
            data = list(collection.get("data") or [])
            link: str | None = paging["next"]
            seen: set[str] = set()
            while link and link not in seen:
                seen.add(link)
                sub_path, sub_params = http.resolve_link(link)
                body = _envelope(
                    await http.get_json(sub_path, sub_params, priority=priority), sub_path
                )
                data.extend(body["data"])
                link = (body.get("paging") or {}).get("next")
            item[name] = {**collection, "data": data, "paging": {**paging, "next": None}}
