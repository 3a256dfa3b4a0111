"""The HTTP layer: safety, retries, ambiguous writes, error mapping, redaction, counting."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from tenktui import __version__
from tenktui.api.errors import (
    Ambiguous,
    ApiError,
    Conflict,
    NotFound,
    Offline,
    Rejected,
    ServerError,
    Unauthorized,
)
from tenktui.api.governor import RateGovernor
from tenktui.api.http import ApiHttp, RequestRecord, check_base_url, route_template
from tenktui.api.tenkft import TenKftClient

BASE = "http://127.0.0.1:9/api/v1"
TOKEN = "s3cret-unit-token-8f2e"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that plays scripted answers and remembers requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def make(handler: Handler, **kw: object) -> tuple[ApiHttp, Sleeps]:
    sleeps = Sleeps()
    http = ApiHttp(
        BASE,
        TOKEN,
        transport=httpx.MockTransport(handler),
        governor=RateGovernor(),
        sleep=sleeps,
        rand=lambda: 1.0,
        **kw,  # type: ignore[arg-type]
    )
    return http, sleeps


def ok(body: object = None, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body if body is not None else {"id": 1})


def error(status: int, message: str = "nope") -> httpx.Response:
    return httpx.Response(status, json={"message": message})


# -- safety ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://api.rm.smartsheet.com/api/v1",
        "http://10.0.0.5:8080/api/v1",
        "http://localhost.evil.example/api/v1",
        "ftp://127.0.0.1/api/v1",
        "https://api.rm.smartsheet.com/api/v1?auth=x",
    ],
)
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_base_url(url)
    assert "http" in str(caught.value) or "query" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.rm.smartsheet.com/api/v1",
        "http://127.0.0.1:8765/api/v1",
        "http://127.8.9.10/api/v1",
        "http://localhost:8765/api/v1",
        "http://[::1]:8765/api/v1",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert str(check_base_url(url)) == url


def test_plain_http_refusal_names_the_host_and_the_fix() -> None:
    with pytest.raises(ValueError, match=r"10\.1\.2\.3.*https://"):
        TenKftClient("http://10.1.2.3/api/v1", TOKEN)


async def test_token_only_in_the_auth_header_with_user_agent_and_accept() -> None:
    recorder = Recorder(ok())
    http, _ = make(recorder)
    await http.get_json("/users/5", [("from", "2026-01-01")])
    await http.aclose()
    (request,) = recorder.requests
    assert request.headers["auth"] == TOKEN
    assert request.headers["User-Agent"] == f"tenktui/{__version__}"
    assert request.headers["Accept"] == "application/json"
    assert TOKEN not in str(request.url)
    assert str(request.url) == "http://127.0.0.1:9/api/v1/users/5?from=2026-01-01"


def test_repr_hides_the_token() -> None:
    http = ApiHttp(BASE, TOKEN, governor=RateGovernor())
    client = TenKftClient(BASE, TOKEN, governor=RateGovernor())
    for text in (repr(http), str(http), repr(client), str(client)):
        assert TOKEN not in text
        assert "redacted" in text


def test_route_templates() -> None:
    assert route_template("/users/5/time_entries/77") == "/users/{id}/time_entries/{id}"
    assert route_template("/users/5/time_entries?from=2026-01-01") == "/users/{id}/time_entries"
    assert route_template("/roles") == "/roles"


# -- retries -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_idempotent_calls_retry_503_with_backoff(method: str) -> None:
    recorder = Recorder(error(503), error(502), error(504), ok())
    http, sleeps = make(recorder)
    response = await http.request(method, "/users/1/time_entries/2", json=None)
    await http.aclose()
    assert response.status_code == 200
    assert len(recorder.requests) == 4
    # Full jitter with rand() = 1: the exponential ceiling itself, 0.5 s doubling.
    assert sleeps.delays == [0.5, 1.0, 2.0]


async def test_backoff_is_capped() -> None:
    recorder = Recorder(error(503))
    http, sleeps = make(recorder, max_attempts=8, backoff_cap=3.0)
    with pytest.raises(ServerError):
        await http.get_json("/roles")
    await http.aclose()
    assert sleeps.delays == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
    ],
)
async def test_get_retries_connection_errors_and_timeouts(failure: Exception) -> None:
    recorder = Recorder(failure, ok({"data": [], "paging": {}}))
    http, sleeps = make(recorder)
    assert await http.get_json("/roles") == {"data": [], "paging": {}}
    await http.aclose()
    assert len(recorder.requests) == 2 and len(sleeps.delays) == 1


async def test_put_is_resent_after_the_connection_broke() -> None:
    recorder = Recorder(httpx.RemoteProtocolError("dropped"), ok({"id": 3, "hours": 2}))
    http, _ = make(recorder)
    body = await http.send_json("PUT", "/users/1/time_entries/3", {"hours": 2})
    await http.aclose()
    assert body == {"id": 3, "hours": 2}
    assert [r.method for r in recorder.requests] == ["PUT", "PUT"]


async def test_get_gives_up_as_offline_after_the_attempts() -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    http, sleeps = make(recorder, max_attempts=5)
    with pytest.raises(Offline) as caught:
        await http.get_json("/users")
    await http.aclose()
    assert len(recorder.requests) == 5 and len(sleeps.delays) == 4
    assert caught.value.route == "GET /users"
    assert "offline" in caught.value.message


async def test_get_gives_up_as_server_error_after_the_attempts() -> None:
    recorder = Recorder(error(503, "Service temporarily unavailable"))
    http, _ = make(recorder, max_attempts=3)
    with pytest.raises(ServerError) as caught:
        await http.get_json("/users")
    await http.aclose()
    assert len(recorder.requests) == 3
    assert caught.value.status == 503


async def test_500_is_not_retried() -> None:
    recorder = Recorder(error(500, "boom"), ok())
    http, _ = make(recorder)
    with pytest.raises(ServerError, match="boom"):
        await http.get_json("/users")
    await http.aclose()
    assert len(recorder.requests) == 1


# -- POST is never blindly resent -------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("timed out"),
        httpx.ReadError("reset by peer"),
        httpx.WriteTimeout("timed out"),
    ],
)
async def test_post_that_may_have_arrived_is_ambiguous_and_not_resent(failure: Exception) -> None:
    recorder = Recorder(failure, ok())
    http, _ = make(recorder)
    payload = {"assignable_id": 4, "date": "2026-11-23", "hours": 1.5}
    with pytest.raises(Ambiguous) as caught:
        await http.send_json("POST", "/users/7/time_entries", payload)
    await http.aclose()
    assert len(recorder.requests) == 1
    err = caught.value
    assert err.method == "POST"
    assert err.route == "POST /users/{id}/time_entries"
    assert err.path == "/users/7/time_entries"
    assert err.payload == payload
    assert err.sent_at.tzinfo is not None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_post_answered_5xx_is_ambiguous(status: int) -> None:
    recorder = Recorder(error(status), ok())
    http, _ = make(recorder)
    with pytest.raises(Ambiguous) as caught:
        await http.send_json("POST", "/approvals", {"approvables": []})
    await http.aclose()
    assert len(recorder.requests) == 1
    assert caught.value.status == status


async def test_post_connect_error_is_retried_then_offline() -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    http, _ = make(recorder, max_attempts=3)
    with pytest.raises(Offline):
        await http.send_json("POST", "/users/7/statuses", {"status": "WFH"})
    await http.aclose()
    assert len(recorder.requests) == 3


async def test_post_connect_error_then_success() -> None:
    recorder = Recorder(httpx.ConnectError("refused"), ok({"id": 9, "status": "WFH"}))
    http, _ = make(recorder)
    assert await http.send_json("POST", "/users/7/statuses", {"status": "WFH"}) == {
        "id": 9,
        "status": "WFH",
    }
    await http.aclose()
    assert len(recorder.requests) == 2


async def test_post_answered_429_may_have_landed_and_is_not_sent_again() -> None:
    """Issue 11: a server may throttle after saving; the sync engine reconciles first."""
    throttled = httpx.Response(429, headers={"Retry-After": "1"}, json={"message": "slow down"})
    recorder = Recorder(throttled, ok({"id": 5}))
    http, _ = make(recorder)
    with pytest.raises(Ambiguous):
        await http.send_json("POST", "/users/7/time_entries", {"hours": 1})
    await http.aclose()
    assert [r.method for r in recorder.requests] == ["POST"]
    assert http.stats.throttled == 1


# -- error mapping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, Unauthorized),
        (403, Unauthorized),
        (404, NotFound),
        (400, Rejected),
        (422, Rejected),
        (409, Conflict),
        (418, Rejected),
        (500, ServerError),
    ],
)
async def test_error_statuses_map_to_the_hierarchy(status: int, kind: type[ApiError]) -> None:
    message = f"hours must be at most 24, got 25 ({status})"
    recorder = Recorder(error(status, message))
    http, _ = make(recorder)
    with pytest.raises(kind) as caught:
        await http.request("PUT", "/users/1/time_entries/2", json={"hours": 25})
    await http.aclose()
    err = caught.value
    assert isinstance(err, ApiError)
    assert err.status == status
    assert err.route == "PUT /users/{id}/time_entries/{id}"
    assert err.server_message == message
    if status != 401:  # 401's text says what to do about the token instead
        assert message in str(err)
    assert "?" not in str(err)


async def test_the_token_in_a_server_message_is_redacted() -> None:
    recorder = Recorder(
        httpx.Response(422, json={"message": f"token {TOKEN} may not do this"}),
        httpx.Response(403, text=f"forbidden for auth={TOKEN}"),
    )
    http, _ = make(recorder)
    caught: list[ApiError] = []
    for _ in range(2):
        with pytest.raises(ApiError) as info:
            await http.request("PUT", "/users/1", json={})
        caught.append(info.value)
    await http.aclose()
    for err in caught:
        assert TOKEN not in str(err)
        assert TOKEN not in repr(err)
        assert TOKEN not in (err.server_message or "")
        assert "[redacted]" in str(err)


async def test_logs_never_hold_the_token_or_query(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = Recorder(
        error(503),
        ok({"data": [], "paging": {}}),
        httpx.ConnectError("refused"),
        error(422, f"bad {TOKEN}"),
    )
    http, _ = make(recorder)
    await http.get_json("/users/5/time_entries", [("from", "2026-01-01"), ("fields", "approvals")])
    with pytest.raises(Rejected) as caught:
        await http.request("PUT", "/users/5/time_entries/9", json={"notes": TOKEN})
    await http.aclose()
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("tenktui")]
    assert any("GET /users/{id}/time_entries -> 200" in m for m in messages)
    assert any("retrying" in m for m in messages)
    assert TOKEN not in caplog.text
    for message in messages:  # ours name the route template only
        assert "from=" not in message and "2026-01-01" not in message and "/5/" not in message
    assert TOKEN not in str(caught.value)


# -- counting ----------------------------------------------------------------------


async def test_requests_and_bytes_are_counted_per_route() -> None:
    records: list[RequestRecord] = []
    recorder = Recorder(error(503), ok({"data": [1, 2, 3], "paging": {}}))
    http, _ = make(recorder, on_request=records.append)
    await http.get_json("/users/5/time_entries")
    await http.send_json("PUT", "/users/5/time_entries/6", {"hours": 1})
    await http.aclose()
    stats = http.stats
    route = stats.routes["GET /users/{id}/time_entries"]
    assert route.requests == 2 and route.failed == 1
    assert route.bytes_in > 0
    put = stats.routes["PUT /users/{id}/time_entries/{id}"]
    assert put.requests == 1 and put.bytes_out == len(b'{"hours":1}')
    assert stats.requests == 3
    assert [r.status for r in records] == [503, 200, 200]
    assert [r.attempt for r in records] == [1, 2, 1]
    stats.reset()
    assert stats.requests == 0 and stats.routes == {}


async def test_paging_links_to_another_host_are_refused() -> None:
    http, _ = make(Recorder(ok()))
    with pytest.raises(ApiError, match="another host"):
        http.resolve_link("https://evil.example/api/v1/users?page=2")
    await http.aclose()
