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
# Pages any one collection may take at 1000 a page, whatever a server says: a
# person's window is a page or two, the whole account's people a few; a server that
# keeps sending links is stopped here instead of being followed for ever.
MAX_PAGES = 500
MAX_RECORDS = MAX_PAGES * MAX_PER_PAGE  # the same ceiling for smaller pages
Doc = dict[str, Any]


def _ceiling(per_page: int) -> int:
    """Pages a collection may take at ``per_page`` records a page, whatever it says."""
    return max(MAX_PAGES, -(-MAX_RECORDS // max(1, per_page)))


class EndlessPaging(ServerError):
    """A collection whose ``next`` links do not end."""


def _page_limit(paging: Any, per_page: int) -> int:
    """Pages a collection may take: what its first page says (a total), plus one, or
    the ceiling for its page size, whichever is fewer."""
    ceiling = _ceiling(per_page)
    if isinstance(paging, dict):
        for key in ("total_pages", "pages"):
            value = paging.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return min(ceiling, value + 1)
        total = paging.get("total", paging.get("total_count"))
        if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
            return min(ceiling, -(-total // max(1, per_page)) + 1)
    return ceiling


class PageGuard:
    """Follows one collection's links and stops one that does not end: a link seen
    before, a page that repeats the previous one, an empty page that still points
    further, or more pages than the first page allowed."""

    def __init__(self, route: str, per_page: int) -> None:
        self.route = route
        self.per_page = per_page
        self.pages = 0
        self.limit = _ceiling(per_page)
        self.seen: set[str] = set()
        self.last: tuple[Any, ...] | None = None

    def next_link(self, body: Doc) -> str | None:
        """The link to follow after this page, ``None`` at the end; raises
        :class:`EndlessPaging` when the links would not end."""
        self.pages += 1
        paging = body.get("paging") or {}
        if self.pages == 1:
            self.limit = _page_limit(paging, self.per_page)
        link = paging.get("next") if isinstance(paging, dict) else None
        if not link:
            return None
        if not isinstance(link, str):
            self._stop("a paging link that is not a link")
        ids = tuple(item.get("id") if isinstance(item, dict) else None for item in body["data"])
        if not ids:
            self._stop("an empty page that still links to a next one")
        if ids == self.last and any(i is not None for i in ids):
            self._stop("the same page again")
        if link in self.seen:
            self._stop("a link back to a page already read")
        if self.pages >= self.limit:
            self._stop(f"more than {self.limit} pages")
        self.last = ids
        self.seen.add(link)
        return link

    def _stop(self, why: str) -> None:
        raise EndlessPaging(
            f"The server's list did not end ({why}); stopped after {self.pages} pages. "
            "What was read is not used; try again later.",
            route=self.route,
        )


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
    guard = PageGuard(f"GET {route_template(path)}", per_page)
    while True:
        body = _envelope(await http.get_json(next_path, next_params, priority=priority), path)
        if nested:
            await complete_nested(http, body["data"], nested, priority=priority)
        link = guard.next_link(body)
        yield body
        if link is None:
            return
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
            guard = PageGuard(f"nested {name}", len(data) or MAX_PER_PAGE)
            link = guard.next_link({"data": data, "paging": paging})
            while link is not None:
                sub_path, sub_params = http.resolve_link(link)
                body = _envelope(
                    await http.get_json(sub_path, sub_params, priority=priority), sub_path
                )
                data.extend(body["data"])
                link = guard.next_link(body)
            item[name] = {**collection, "data": data, "paging": {**paging, "next": None}}
