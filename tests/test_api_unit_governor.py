"""The rate governor, on a fake clock: budget, priorities, 429s, clock skew.

The budget test against the sandbox's own throttle runs here too, on the same
virtual clock as the sandbox app served in-process: twenty 5 s windows in well
under a second (``test_api_integration`` keeps a short check over real HTTP).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import sqlite3
from collections.abc import AsyncIterator
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest

from tenktui.api.errors import Throttled
from tenktui.api.governor import GovernorState, Priority, RateGovernor, governor_for, priority
from tenktui.api.http import ApiHttp, RequestRecord
from tenktui.api.records import User
from tenktui.api.tenkft import TenKftClient
from tenktui.sandbox.app import create_app
from tenktui.sandbox.state import RateWindow, Sandbox
from tests.budget import assert_budget_kept
from tests.conftest import TOKEN as SANDBOX_TOKEN

BASE = "http://127.0.0.1/api/v1"
TOKEN = "unit-token-governor-5eb1"


class FakeClock:
    """Virtual epoch seconds: time jumps to the next sleeper's wake-up when all else is idle.

    Use inside ``async with clock.running():``.
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.t = start
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self.t

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + max(0.0, delay), next(self._seq), future))
        await future

    async def _drive(self) -> None:
        while True:
            for _ in range(200):  # let every runnable task run until all are blocked
                await asyncio.sleep(0)
            if self._sleepers:
                target, _, future = heapq.heappop(self._sleepers)
                self.t = max(self.t, target)
                if not future.done():
                    future.set_result(None)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        driver = asyncio.create_task(self._drive())
        try:
            yield
        finally:
            driver.cancel()


class FixedWindowServer:
    """10,000ft's throttle: ``limit`` requests per epoch-aligned window of ``window`` s.

    ``skew`` is how far the server's clock runs ahead of ours. Each request
    spends a few loop turns in flight, so concurrent requests overlap.
    """

    def __init__(
        self, clock: FakeClock, limit: int, window: float, *, skew: float = 0.0, used: int = 0
    ) -> None:
        self.clock, self.limit, self.window, self.skew = clock, limit, window, skew
        self.start = math.floor((clock.time() + skew) / window) * window
        self.used = used
        self.accepted: dict[float, int] = {}
        self.rejected: dict[float, int] = {}
        self.turns = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.turns += 1
        for _ in range(self.turns % 4):
            await asyncio.sleep(0)
        now = self.clock.time() + self.skew
        start = math.floor(now / self.window) * self.window
        if start != self.start:
            self.start, self.used = start, 0
        reset = start + self.window
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Reset": str(math.ceil(reset)),
            "Date": formatdate(now, usegmt=True),
        }
        if self.used >= self.limit:
            self.rejected[start] = self.rejected.get(start, 0) + 1
            headers["X-RateLimit-Remaining"] = "0"
            headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
            return httpx.Response(429, json={"message": "Rate limit exceeded"}, headers=headers)
        self.used += 1
        self.accepted[start] = self.accepted.get(start, 0) + 1
        headers["X-RateLimit-Remaining"] = str(self.limit - self.used)
        return httpx.Response(200, json={"id": 1}, headers=headers)


@pytest.fixture
async def clock() -> AsyncIterator[FakeClock]:
    fake = FakeClock()
    async with fake.running():
        yield fake


def make(clock: FakeClock, server: FixedWindowServer, **kw: object) -> tuple[ApiHttp, RateGovernor]:
    governor = RateGovernor(clock=clock, rand=lambda: 0.5, **kw)  # type: ignore[arg-type]
    http = ApiHttp(
        BASE,
        TOKEN,
        transport=httpx.MockTransport(server),
        governor=governor,
        sleep=clock.sleep,
        rand=lambda: 0.5,
    )
    return http, governor


async def run_calls(http: ApiHttp, calls: int, tasks: int) -> None:
    queue = list(range(calls))

    async def worker() -> None:
        while queue:
            queue.pop()
            await http.get_json("/users/1")

    await asyncio.gather(*(worker() for _ in range(tasks)))


async def test_never_sends_into_an_exhausted_window_once_the_budget_is_known(
    clock: FakeClock,
) -> None:
    server = FixedWindowServer(clock, limit=10, window=5)
    http, governor = make(clock, server)
    await run_calls(http, 200, 8)
    await http.aclose()
    assert sum(server.accepted.values()) == 200
    assert server.rejected == {}
    assert all(n <= 10 for n in server.accepted.values())
    assert len(server.accepted) == 20  # 200 calls need exactly 20 windows of 10
    assert governor.holds >= 19
    assert governor.in_flight == 0


async def test_a_window_already_spent_by_someone_else_costs_at_most_one_429(
    clock: FakeClock,
) -> None:
    clock.t = 1_800_000_001.0
    server = FixedWindowServer(clock, limit=10, window=5, used=10)  # spent before we start
    http, governor = make(clock, server)
    await run_calls(http, 60, 8)
    await http.aclose()
    assert sum(server.accepted.values()) == 60
    assert sum(server.rejected.values()) == 1  # the probe that learnt the budget
    assert all(n <= 1 for n in server.rejected.values())
    assert governor.throttled_responses == 1


async def test_429_waits_until_the_reset_then_retries(clock: FakeClock) -> None:
    clock.t = 1_800_000_002.0  # 3 s before the 5 s window resets
    server = FixedWindowServer(clock, limit=3, window=5, used=3)
    http, governor = make(clock, server)
    assert await http.get_json("/users/1") == {"id": 1}
    await http.aclose()
    # One 429, then a wait of the 3 s left in the window plus jitter (0.5 * 0.25).
    assert server.rejected == {1_800_000_000.0: 1}
    assert clock.sleeps == [pytest.approx(3.125)]
    assert clock.t >= 1_800_000_005.0
    assert governor.state.kind == "ok"


async def test_retry_after_is_used_when_there_is_no_reset_header(clock: FakeClock) -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, json={"id": 1}),
    ]
    governor = RateGovernor(clock=clock, rand=lambda: 0.0)
    http = ApiHttp(
        BASE, TOKEN, transport=httpx.MockTransport(lambda r: answers.pop(0)), governor=governor
    )
    await http.get_json("/roles")
    await http.aclose()
    assert clock.sleeps == [pytest.approx(7.0)]


async def test_gives_up_after_25_throttled_retries_with_the_time_it_comes_back(
    clock: FakeClock,
) -> None:
    requests = 0

    def always_429(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        return httpx.Response(429, headers={"Retry-After": "2"})

    governor = RateGovernor(clock=clock, rand=lambda: 0.0)
    http = ApiHttp(BASE, TOKEN, transport=httpx.MockTransport(always_429), governor=governor)
    with pytest.raises(Throttled) as caught:
        await http.get_json("/roles")
    await http.aclose()
    assert requests == 26  # the first try and 25 retries
    assert caught.value.until is not None
    assert caught.value.status == 429


async def test_server_clock_ahead_is_corrected_by_its_date_header(clock: FakeClock) -> None:
    clock.t = 1_800_000_000.0
    # The server runs 120 s ahead: its reset is 2 s away for it, 122 s away by our clock.
    server = FixedWindowServer(clock, limit=2, window=5, skew=123.0)
    http, governor = make(clock, server)
    await run_calls(http, 6, 2)
    await http.aclose()
    assert server.rejected == {}
    assert 122 <= governor.clock_offset <= 123
    # Waits are the time to the server's reset, not two minutes.
    assert max(clock.sleeps) < 6


async def test_server_clock_behind_never_makes_the_governor_send_early(clock: FakeClock) -> None:
    clock.t = 1_800_000_000.0
    server = FixedWindowServer(clock, limit=2, window=5, skew=-300.0)
    http, governor = make(clock, server)
    await run_calls(http, 6, 2)
    await http.aclose()
    assert server.rejected == {}
    assert -301 <= governor.clock_offset <= -300


async def test_an_absurd_reset_is_capped_at_window_plus_5_s(clock: FakeClock) -> None:
    governor = RateGovernor(clock=clock, rand=lambda: 0.0, default_window=60)
    headers = {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(clock.time() + 86_400)),  # a day away, and no Date header
    }
    async with governor.slot() as slot:
        slot.observe(200, headers)
    assert governor.hold_seconds() == pytest.approx(65.0)
    # ... and a reset already past still waits a little: never straight back in.
    governor2 = RateGovernor(clock=clock, rand=lambda: 0.0)
    async with governor2.slot() as slot:
        slot.observe(200, {**headers, "X-RateLimit-Reset": str(int(clock.time() - 30))})
    assert governor2.hold_seconds() == pytest.approx(0.5)


async def test_waiting_requests_go_in_priority_order(clock: FakeClock) -> None:
    governor = RateGovernor(clock=clock, rand=lambda: 0.0)
    reset = str(int(clock.time() + 3))
    spent = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    async with governor.slot() as slot:
        slot.observe(200, spent)
    assert governor.state.kind == "throttled"
    order: list[str] = []

    async def request(name: str, level: Priority) -> None:
        async with governor.slot(level) as s:
            order.append(name)
            s.observe(200, {**spent, "X-RateLimit-Remaining": "5",
                            "X-RateLimit-Reset": str(int(clock.time() + 60))})  # fmt: skip

    levels = [
        ("status", Priority.STATUSES),
        ("background", Priority.BACKGROUND),
        ("edit", Priority.EDIT),
        ("visible", Priority.VISIBLE),
        ("edit2", Priority.EDIT),
    ]
    tasks = [asyncio.create_task(request(n, p)) for n, p in levels]
    await asyncio.gather(*tasks)
    assert order == ["edit", "edit2", "visible", "background", "status"]


async def test_in_flight_requests_count_against_the_budget(clock: FakeClock) -> None:
    governor = RateGovernor(clock=clock, rand=lambda: 0.0)
    reset = clock.time() + 30
    known = {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "3",
        "X-RateLimit-Reset": str(int(reset)),
    }
    async with governor.slot() as slot:
        slot.observe(200, known)
    held = [governor.slot() for _ in range(3)]
    for ctx in held:
        await ctx.__aenter__()
    assert governor.in_flight == 3
    fourth = asyncio.create_task(governor.slot().__aenter__())
    await asyncio.sleep(0)
    assert not fourth.done()  # 3 remaining, 3 in flight: the fourth waits
    for ctx in held:
        await ctx.__aexit__(None, None, None)  # no answer: assumed counted
    await asyncio.sleep(0)
    assert not fourth.done()  # the budget is gone until the reset...
    assert governor.waiting == 1
    await asyncio.wait_for(fourth, 5)
    assert clock.time() >= reset  # ...and comes back with the new window


async def test_state_for_the_ui_and_listeners(clock: FakeClock) -> None:
    governor = RateGovernor(clock=clock, rand=lambda: 0.0)
    seen: list[GovernorState] = []
    unsubscribe = governor.subscribe(seen.append)
    assert governor.state == GovernorState("ok")
    async with governor.slot() as slot:
        slot.observe(
            200,
            {
                "X-RateLimit-Limit": "120",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(int(clock.time() + 20)),
            },
        )
    state = governor.state
    assert state.kind == "throttled" and state.until is not None
    assert state.until.timestamp() == pytest.approx(clock.time() + 20)
    assert str(state).startswith("throttled until ")
    assert seen[-1] == state
    unsubscribe()
    clock.t += 25
    assert governor.state.kind == "ok"


async def test_a_server_without_rate_headers_is_not_metered(clock: FakeClock) -> None:
    governor = RateGovernor(clock=clock)
    async with governor.slot() as slot:
        slot.observe(200, {})
    contexts = [governor.slot() for _ in range(20)]
    for ctx in contexts:
        await asyncio.wait_for(ctx.__aenter__(), 1)
    assert governor.in_flight == 20


def test_one_governor_per_token_and_server() -> None:
    a = governor_for("token-a", "https://api.example")
    assert governor_for("token-a", "https://api.example") is a
    assert governor_for("token-b", "https://api.example") is not a
    assert governor_for("token-a", "http://127.0.0.1:9") is not a
    from tenktui.api import governor as module

    assert all("token-a" not in key for key in module._REGISTRY)


async def test_priority_context_overrides_the_default(clock: FakeClock) -> None:
    seen: list[int] = []
    governor = RateGovernor(clock=clock)
    original = governor._acquire

    async def spy(level: Priority) -> None:
        seen.append(level)
        await original(level)

    governor._acquire = spy  # type: ignore[method-assign]
    http = ApiHttp(
        BASE,
        TOKEN,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})),
        governor=governor,
    )
    await http.get_json("/roles")
    await http.request("PUT", "/users/1", json={})
    with priority(Priority.STATUSES):
        await http.get_json("/roles")
    await http.aclose()
    assert seen == [Priority.VISIBLE, Priority.EDIT, Priority.STATUSES]


async def test_rate_headers_only_on_a_429_do_not_pin_it_to_one_request_for_ever(
    clock: FakeClock,
) -> None:
    # The reference promises X-RateLimit-* on a 429 only: later answers carry none.
    governor = RateGovernor(clock=clock, rand=lambda: 0.0)
    reset = int(clock.time()) + 3
    async with governor.slot() as slot:
        slot.observe(
            429,
            {
                "X-RateLimit-Limit": "10",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
            },
        )
    async with governor.slot() as slot:  # waits for the reset, then probes
        slot.observe(200, {})
    contexts = [governor.slot() for _ in range(5)]
    for ctx in contexts:
        await asyncio.wait_for(ctx.__aenter__(), 1)
    assert governor.in_flight == 5


# -- the sandbox's throttle, on the virtual clock ------------------------------------------


def user_id(db: Path, email: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT id FROM users WHERE json_extract(data, '$.email') = ?", (email,)
        ).fetchone()
    return int(row[0])


async def test_200_calls_from_8_tasks_under_10_requests_per_5_s(
    clock: FakeClock, sandbox: Sandbox, tmp_path: Path
) -> None:
    """All complete; no request into an exhausted window once known; ≤ 1 429 per window.

    200 calls at 10 per 5 s take at least 20 windows: about 100 s of virtual time.
    """
    sandbox.rate = RateWindow(limit=10, window=5, clock=clock.time)
    me_id = user_id(tmp_path / "demo.db", "me@example.com")
    records: list[RequestRecord] = []
    calls = list(range(200))
    results: list[User] = []
    client = TenKftClient(
        BASE,
        SANDBOX_TOKEN,
        transport=httpx.ASGITransport(app=create_app(sandbox)),
        governor=RateGovernor(clock=clock),
        sleep=clock.sleep,
        on_request=records.append,
    )

    async with client:

        async def worker() -> None:
            while calls:
                calls.pop()
                results.append(await client.get_user(me_id))

        await asyncio.gather(*(worker() for _ in range(8)))
        governor = client.governor

    assert len(results) == 200 and all(u.id == me_id for u in results)
    assert sum(sandbox.requests.values()) == 200  # the server admitted exactly the 200 calls
    assert dict(sandbox.requests) == {"GET /users/{id}": 200}

    assert_budget_kept(records, governor, windows=20)
