"""The emulator's envelope, auth, routing, throttling and controls."""

from __future__ import annotations

import time

import httpx

from tests.conftest import TOKEN, RunningSandbox


async def test_unauthenticated_requests_get_401(asgi: httpx.AsyncClient) -> None:
    r = await asgi.get("/roles", headers={"auth": "wrong"})
    assert r.status_code == 401
    assert "message" in r.json()


async def test_token_in_query_is_accepted(asgi: httpx.AsyncClient) -> None:
    asgi.headers.pop("auth")
    r = await asgi.get("/roles", params={"auth": TOKEN})
    assert r.status_code == 200


async def test_unknown_route_is_404_with_message(asgi: httpx.AsyncClient) -> None:
    for path in ("/no_such_thing", "/users/statuses/extra", "/time_entries/1/approvals"):
        r = await asgi.get(path)
        assert r.status_code == 404, path
        assert r.json()["message"]
    # A route the live list has for GET only: PUT on it does not exist either.
    r = await asgi.put("/roles/1", json={"value": "x"})
    assert r.status_code == 404


async def test_paging_links_are_relative_carry_query_and_never_the_token(
    asgi: httpx.AsyncClient,
) -> None:
    asgi.headers.pop("auth")
    r = await asgi.get("/roles", params={"auth": TOKEN, "per_page": 1, "page": 1})
    paging = r.json()["paging"]
    assert paging["page"] == 1 and paging["per_page"] == 1
    assert paging["previous"] is None
    assert paging["self"].startswith("/api/v1/roles?")
    assert "per_page=1" in paging["self"] and "page=1" in paging["self"]
    assert paging["next"] is not None and "page=2" in paging["next"]
    assert TOKEN not in paging["self"] and TOKEN not in paging["next"]


async def test_per_page_is_capped_at_1000_and_defaults_to_20(asgi: httpx.AsyncClient) -> None:
    assert (await asgi.get("/roles")).json()["paging"]["per_page"] == 20
    assert (await asgi.get("/roles", params={"per_page": 5000})).json()["paging"][
        "per_page"
    ] == 1000
    assert (await asgi.get("/roles", params={"per_page": "x"})).status_code == 400


async def test_every_response_carries_rate_limit_headers(asgi: httpx.AsyncClient) -> None:
    r = await asgi.get("/roles")
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert name in r.headers
    assert int(r.headers["X-RateLimit-Reset"]) >= int(time.time())


def test_throttle_answers_429_with_retry_after(fresh_server: RunningSandbox) -> None:
    with fresh_server.control() as control:
        assert control.put("/_sandbox/rate", json={"limit": 3, "window": 30}).status_code == 200
    with fresh_server.api() as api:
        statuses = [api.get("/roles") for _ in range(4)]
    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
    last = statuses[3]
    assert last.status_code == 429
    assert last.headers["X-RateLimit-Remaining"] == "0"
    assert int(last.headers["Retry-After"]) >= 1
    assert statuses[2].headers["X-RateLimit-Remaining"] == "0"


def test_request_counts_by_route(fresh_server: RunningSandbox) -> None:
    with fresh_server.control() as control, fresh_server.api() as api:
        control.delete("/_sandbox/requests")
        api.get("/roles")
        api.get("/roles/1")
        api.get("/roles/2")
        counts = control.get("/_sandbox/requests").json()
    assert counts["total"] == 3
    assert counts["by_route"] == {"GET /roles": 1, "GET /roles/{id}": 2}


def test_drop_after_commit_closes_the_connection_without_an_answer(
    fresh_server: RunningSandbox,
) -> None:
    with fresh_server.control() as control:
        r = control.put("/_sandbox/faults", json={"drop_after_commit_rate": 1.0, "seed": 1})
        assert r.status_code == 200
    with fresh_server.api() as api:
        me = api.get("/users").json()["data"][0]
        try:
            api.put(f"/users/{me['id']}", json={"last_name": "Dropped"})
        except httpx.RemoteProtocolError:
            pass
        else:  # pragma: no cover - the assertion below explains
            raise AssertionError("the write was answered")
    with fresh_server.control() as control:
        control.delete("/_sandbox/faults")
    with fresh_server.api() as api:
        assert api.get(f"/users/{me['id']}").json()["last_name"] == "Dropped"


def test_error_rate_gives_503s(fresh_server: RunningSandbox) -> None:
    with fresh_server.control() as control:
        control.put("/_sandbox/faults", json={"error_rate": 1.0})
    with fresh_server.api() as api:
        r = api.get("/roles")
    assert r.status_code == 503
    assert r.json()["message"]


def test_clock_moves_today(fresh_server: RunningSandbox) -> None:
    with fresh_server.control() as control:
        assert control.put("/_sandbox/clock", json={"today": "2027-01-04"}).json() == {
            "today": "2027-01-04"
        }
        assert control.put("/_sandbox/clock", json={"today": "04/01/2027"}).status_code == 400
        assert control.get("/_sandbox/clock").json()["today"] == "2027-01-04"


def test_restarted_server_keeps_its_data(fresh_server: RunningSandbox) -> None:
    from tests.conftest import start_sandbox

    with fresh_server.api() as api:
        me = api.get("/users").json()["data"][0]
        assert api.put(f"/users/{me['id']}", json={"last_name": "Kept"}).status_code == 200
    fresh_server.stop()
    again = start_sandbox(fresh_server.db_path)
    try:
        with again.api() as api:
            assert api.get(f"/users/{me['id']}").json()["last_name"] == "Kept"
    finally:
        again.stop()
