"""Paging: follow ``paging.next`` to the end at 1000 a page; complete nested collections."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from tenktui.api.governor import RateGovernor
from tenktui.api.http import ApiHttp
from tenktui.api.paging import EndlessPaging, encode_params, iter_collection, iter_pages

TOKEN = "paging-token-41f0"


class PagedServer:
    """Serves ``count`` items at ``/api/v1/items`` the way 10,000ft pages them."""

    def __init__(
        self, count: int, *, prefix: str = "/api/v1", nested: dict[int, int] | None = None
    ):
        self.items = [{"id": i + 1} for i in range(count)]
        self.prefix = prefix
        self.nested = nested or {}  # item id -> number of approvals it has
        self.requests: list[httpx.Request] = []

    def page(self, path: str, items: list[dict], params: dict[str, str]) -> dict:
        per_page = min(int(params.get("per_page", 20)), 1000)
        number = int(params.get("page", 1))
        chunk = items[(number - 1) * per_page : number * per_page]
        carried = {k: v for k, v in params.items() if k not in {"page", "per_page"}}

        def link(n: int) -> str:
            return f"/api/v1{path}?" + urlencode({**carried, "per_page": per_page, "page": n})

        return {
            "data": chunk,
            "paging": {
                "page": number,
                "per_page": per_page,
                "previous": link(number - 1) if number > 1 else None,
                "self": link(number),
                "next": link(number + 1) if number * per_page < len(items) else None,
            },
        }

    def approvals(self, item_id: int) -> list[dict]:
        return [{"id": 10_000 * item_id + k, "approvable_id": item_id}
                for k in range(self.nested.get(item_id, 0))]  # fmt: skip

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.path.startswith(self.prefix + "/"), request.url.path
        path = request.url.path[len(self.prefix) :]
        params = dict(request.url.params)
        if path == "/items":
            body = self.page("/items", self.items, params)
            if params.get("fields") == "approvals":
                per_page = body["paging"]["per_page"]
                body["data"] = [
                    {**item, "approvals": self.page(
                        f"/items/{item['id']}/approvals", self.approvals(item["id"]),
                        {"per_page": str(per_page)})}
                    for item in body["data"]
                ]  # fmt: skip
            return httpx.Response(200, json=body)
        if path.startswith("/items/") and path.endswith("/approvals"):
            item_id = int(path.split("/")[2])
            return httpx.Response(200, json=self.page(path, self.approvals(item_id), params))
        return httpx.Response(404, json={"message": "No route"})


def make(server: PagedServer, base: str = "http://127.0.0.1/api/v1") -> ApiHttp:
    return ApiHttp(base, TOKEN, transport=httpx.MockTransport(server), governor=RateGovernor())


async def test_follows_next_to_the_end_asking_for_1000_a_page() -> None:
    server = PagedServer(2500)
    http = make(server)
    items = [item async for item in iter_collection(http, "/items", {"from": "2026-01-01"})]
    await http.aclose()
    assert [i["id"] for i in items] == list(range(1, 2501))
    assert len(server.requests) == 3  # ⌈2500 / 1000⌉
    for request in server.requests:
        assert request.url.params["per_page"] == "1000"
        assert request.url.params["from"] == "2026-01-01"
    assert [r.url.params.get("page") for r in server.requests] == [None, "2", "3"]


async def test_an_exact_multiple_stops_without_an_empty_page() -> None:
    server = PagedServer(2000)
    http = make(server)
    pages = [page async for page in iter_pages(http, "/items")]
    await http.aclose()
    assert len(pages) == 2 and len(server.requests) == 2


async def test_an_empty_collection_is_one_request() -> None:
    server = PagedServer(0)
    http = make(server)
    assert [i async for i in iter_collection(http, "/items")] == []
    await http.aclose()
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("base", "prefix"),
    [
        ("http://127.0.0.1/api/v1", "/api/v1"),  # the base already ends in /api/v1
        ("http://127.0.0.1/api/v1/", "/api/v1"),
        ("http://127.0.0.1", "/api/v1"),  # links are taken from the host's root
        ("https://proxy.example/rm/api/v1", "/rm/api/v1"),  # behind a path prefix
    ],
)
async def test_next_links_are_resolved_against_the_base_path(base: str, prefix: str) -> None:
    server = PagedServer(1500, prefix=prefix)
    http = make(server, base)
    start = "/api/v1/items" if base == "http://127.0.0.1" else "/items"
    items = [i async for i in iter_collection(http, start)]
    await http.aclose()
    assert len(items) == 1500
    assert [r.url.path for r in server.requests] == [f"{prefix}/items"] * 2


async def test_nested_fields_that_overflow_are_completed() -> None:
    server = PagedServer(3, nested={2: 2345, 3: 5})
    http = make(server)
    items = [
        i async for i in iter_collection(http, "/items", {"fields": ["approvals"]},
                                         nested=["approvals"])
    ]  # fmt: skip
    await http.aclose()
    by_id = {i["id"]: i for i in items}
    assert len(by_id[2]["approvals"]["data"]) == 2345
    assert [a["id"] for a in by_id[2]["approvals"]["data"]] == [20_000 + k for k in range(2345)]
    assert by_id[2]["approvals"]["paging"]["next"] is None
    assert len(by_id[3]["approvals"]["data"]) == 5
    assert by_id[1]["approvals"]["data"] == []
    nested_requests = [r for r in server.requests if r.url.path.endswith("/approvals")]
    assert [r.url.params["page"] for r in nested_requests] == ["2", "3"]
    assert all(r.url.params["per_page"] == "1000" for r in nested_requests)


async def test_a_next_link_looping_on_itself_is_stopped_with_an_error() -> None:
    """Issue 11: a list that does not end is an error, not a quiet (doubled) result."""
    requests = 0

    def loop(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        return httpx.Response(
            200, json={"data": [{"id": 1}], "paging": {"next": "/api/v1/items?page=2"}}
        )

    http = ApiHttp(
        "http://127.0.0.1/api/v1", TOKEN, transport=httpx.MockTransport(loop),
        governor=RateGovernor(),
    )  # fmt: skip
    with pytest.raises(EndlessPaging, match="did not end"):
        _ = [i async for i in iter_collection(http, "/items")]
    await http.aclose()
    assert requests == 2


async def test_an_auth_parameter_in_a_link_is_never_sent_back() -> None:
    http = make(PagedServer(0))
    path, params = http.resolve_link("/api/v1/users?auth=leaked&per_page=1000&page=2")
    await http.aclose()
    assert path == "/users"
    assert params == [("per_page", "1000"), ("page", "2")]


def test_parameters_are_encoded_as_the_api_wants() -> None:
    import datetime as dt

    assert encode_params(
        {
            "from": dt.date(2026, 1, 5),
            "with_suggestions": True,
            "with_archived": False,
            "fields": ["approvals", "tags"],
            "sort_field": None,
            "empty": [],
            "per_page": 1000,
        }
    ) == [
        ("from", "2026-01-05"),
        ("with_suggestions", "true"),
        ("with_archived", "false"),
        ("fields", "approvals,tags"),
        ("per_page", "1000"),
    ]
