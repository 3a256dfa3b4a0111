"""The 10,000ft client against ``tenktui sandbox serve`` over real HTTP on 127.0.0.1.

Every test here also checks, through an autouse fixture, that the API token shows
up in none of the log lines captured during the test (at DEBUG) and in none of
the errors the test collected.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tenktui.api.errors import Ambiguous, ApiError, NotFound, Offline, Rejected, Unauthorized
from tenktui.api.http import RequestRecord
from tenktui.api.records import Record, TimeEntry, User
from tenktui.api.tenkft import TenKftClient
from tests.budget import assert_budget_kept
from tests.conftest import TODAY, TOKEN, RunningSandbox, start_sandbox

ME = "me@example.com"
R = TypeVar("R")
ERRORS: list[BaseException] = []  # every error a test saw, checked for the token afterwards


@pytest.fixture(autouse=True)
def token_never_leaks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    ERRORS.clear()
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert records, "nothing was logged: the check below would prove nothing"
    formatter = logging.Formatter()
    for record in records:
        assert TOKEN not in formatter.format(record)
    for err in ERRORS:
        for text in (str(err), repr(err), str(getattr(err, "message", ""))):
            assert TOKEN not in text


def db_count(db: Path, kind: str, where: str = "1=1", params: tuple[Any, ...] = ()) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {kind} WHERE {where}", params).fetchone()[0]


def db_user_id(db: Path, email: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT id FROM users WHERE json_extract(data, '$.email') = ?", (email,)
        ).fetchone()
    return int(row[0])


async def collect(iterator: AsyncIterator[Record]) -> list[Record]:
    return [item async for item in iterator]


async def first(iterator: AsyncIterator[R], predicate: Callable[[R], bool]) -> R:
    async for item in iterator:
        if predicate(item):
            return item
    raise AssertionError("no such record in the sandbox")


def ids(records: list[Record]) -> list[int]:
    return [r.id for r in records]


def client_for(server: RunningSandbox, **kw: Any) -> TenKftClient:
    return TenKftClient(server.base_url, TOKEN, **kw)


# -- walking every collection ------------------------------------------------------


async def walk_everything(client: TenKftClient, me: User) -> dict[str, list[Record]]:
    """Every collection the client exposes, for the account and for ``me``."""
    walked: dict[str, list[Record]] = {
        "users": await collect(client.iter_users()),
        "users+archived": await collect(client.iter_users(with_archived=True)),
        "projects": await collect(client.iter_projects()),
        "projects+archived": await collect(client.iter_projects(with_archived=True)),
        "leave_types": await collect(client.iter_leave_types()),
        "assignables": await collect(client.iter_assignables()),
        "status_options": await collect(client.iter_status_options()),
        "holidays": await collect(client.iter_holidays()),
        "time_entry_categories": await collect(client.iter_time_entry_categories()),
        "roles": await collect(client.iter_roles()),
        "disciplines": await collect(client.iter_disciplines()),
        "approvals": await collect(client.iter_approvals()),
        "account_time_entries": await collect(client.iter_account_time_entries()),
        "me/assignments": await collect(client.iter_assignments(me.id)),
        "me/time_entries": await collect(
            client.iter_time_entries(me.id, TODAY - dt.timedelta(days=56), TODAY + dt.timedelta(56))
        ),
        "me/statuses": await collect(client.iter_statuses(me.id)),
        "me/availabilities": await collect(client.iter_availabilities(me.id)),
    }
    top_level = [p for p in walked["projects"] if not p.is_phase][:6]
    for project in top_level:
        walked[f"project {project.id}/phases"] = await collect(client.iter_phases(project.id))
        walked[f"project {project.id}/assignments"] = await collect(
            client.iter_project_assignments(project.id, with_subtasks=True)
        )
    for assignment in walked["me/assignments"]:
        assignable = await client.get_assignable(assignment.assignable_id)
        if assignable.is_leave_type:
            continue
        project_id = assignable.parent_id or assignable.id
        walked[f"assignment {assignment.id}/subtasks"] = await collect(
            client.iter_subtasks(project_id, assignment.id)
        )
    return walked


@pytest.mark.slow
async def test_walks_every_collection_of_the_demo(demo_server: RunningSandbox) -> None:
    db = demo_server.db_path
    async with client_for(demo_server) as big, client_for(demo_server, per_page=3) as small:
        me = await big.resolve_user(ME)
        assert me.email == ME and me.id == db_user_id(db, ME)
        walked = await walk_everything(big, me)
        big_requests = big.stats.requests
        # The same walk three at a time: many pages each, the same records in the same order.
        paged = await walk_everything(small, await small.resolve_user(ME))

    assert walked.keys() == paged.keys()
    for name, records in walked.items():
        assert ids(paged[name]) == ids(records), name
        assert paged[name] == records, name  # every typed field, nested records included
    assert small.stats.requests > 3 * big_requests

    # Against the sandbox's own store.
    assert len(walked["users+archived"]) == db_count(db, "users")
    assert len(walked["projects+archived"]) == db_count(db, "projects")  # phases included
    assert len(walked["account_time_entries"]) == db_count(db, "time_entries")
    assert len(walked["approvals"]) == db_count(db, "approvals")
    for kind in ("roles", "disciplines", "holidays", "time_entry_categories"):
        assert len(walked[kind]) == db_count(db, kind), kind
    assert len(walked["me/assignments"]) == db_count(db, "assignments", "user_id = ?", (me.id,))
    assert len(walked["me/statuses"]) == db_count(db, "statuses", "user_id = ?", (me.id,))

    # The demo is rich enough for the walk to mean something.
    entries = walked["me/time_entries"]
    assert any(e.is_suggestion for e in entries) and any(not e.is_suggestion for e in entries)
    assert all(e.approvals is not None for e in entries)
    assert any(e.approval_status for e in entries)
    assert any(k.endswith("/subtasks") and v for k, v in walked.items())
    # Statuses come newest first, so per_page=1 is the current one.
    newest = walked["me/statuses"][0]
    assert newest.created_at == max(s.created_at or "" for s in walked["me/statuses"])
    async with client_for(demo_server) as client:
        assert await client.current_status(me.id) == newest


async def test_nested_subtasks_overflowing_a_small_page_are_completed(
    demo_server: RunningSandbox,
) -> None:
    """With two items a page, an assignment's subtasks overflow and are followed."""
    async with client_for(demo_server, per_page=2) as client:
        me = await client.resolve_user(ME)
        checked = 0
        async for assignment in client.iter_assignments(me.id):
            assignable = await client.get_assignable(assignment.assignable_id)
            if assignable.is_leave_type:
                continue
            project_id = assignable.parent_id or assignable.id
            listed = await collect(client.iter_subtasks(project_id, assignment.id))
            if len(listed) <= 2:
                continue
            nested = [
                a
                async for a in client.iter_project_assignments(project_id, with_subtasks=True)
                if a.id == assignment.id
            ]
            assert len(nested) == 1 and nested[0].subtasks is not None
            assert ids(list(nested[0].subtasks)) == ids(listed)
            checked += 1
    assert checked, "the demo has no assignment of mine with more than two subtasks"


# -- the large data set ------------------------------------------------------------


@pytest.fixture(scope="module")
def large_server(
    large_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningSandbox]:
    db = tmp_path_factory.mktemp("large") / "large.db"
    shutil.copyfile(large_db_template, db)
    server = start_sandbox(db, "--rate-limit", "100000", scale="large")
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.xdist_group("large-data-set")  # one worker builds the large template
async def test_walks_every_collection_of_the_large_data_set(large_server: RunningSandbox) -> None:
    db = large_server.db_path
    started = time.perf_counter()
    async with client_for(large_server) as client:
        me = await client.resolve_user(ME)
        walked = await walk_everything(client, me)
        # A sample of other people's own collections.
        others = [u for u in walked["users"] if u.id != me.id][:: len(walked["users"]) // 20]
        for user in others:
            walked[f"{user.id}/assignments"] = await collect(client.iter_assignments(user.id))
            walked[f"{user.id}/time_entries"] = await collect(
                client.iter_time_entries(user.id, TODAY - dt.timedelta(days=365), TODAY)
            )
        stats = client.stats
    elapsed = time.perf_counter() - started
    logging.getLogger(__name__).info("large walk: %d requests, %.1f s", stats.requests, elapsed)

    total = db_count(db, "time_entries")
    assert total > 400_000
    assert len(walked["account_time_entries"]) == total
    assert len({e.id for e in walked["account_time_entries"]}) == total
    assert len(walked["users+archived"]) == db_count(db, "users")
    assert len(walked["projects+archived"]) == db_count(db, "projects")  # phases included
    assert len(walked["approvals"]) == db_count(db, "approvals")
    for user in others:
        assert len(walked[f"{user.id}/assignments"]) == db_count(
            db, "assignments", "user_id = ?", (user.id,)
        )
    # 1000 a page: the account's time entries took ⌈total / 1000⌉ requests, no more.
    assert stats.routes["GET /time_entries"].requests == -(-total // 1000)


# -- the throttle --------------------------------------------------------------------


@pytest.fixture
def throttled_server(demo_db_template: Path, tmp_path: Path) -> Iterator[RunningSandbox]:
    db = tmp_path / "throttled.db"
    shutil.copyfile(demo_db_template, db)
    server = start_sandbox(db, "--rate-limit", "10", "--rate-window", "1")
    yield server
    server.stop()


@pytest.mark.slow
async def test_calls_from_8_tasks_stay_under_10_requests_per_1_s_over_real_http(
    throttled_server: RunningSandbox,
) -> None:
    """All complete; no request into an exhausted window once known; ≤ 1 429 per window.

    The same check as the governor's unit test of 200 calls in twenty 5 s windows
    (on a virtual clock), here in real time over real HTTP: 20 calls at 10 a second
    take at least 2 windows, about 2 s.
    """
    me_id = db_user_id(throttled_server.db_path, ME)
    records: list[RequestRecord] = []
    calls = list(range(20))
    results: list[User] = []

    async with client_for(throttled_server, on_request=records.append) as client:

        async def worker() -> None:
            while calls:
                calls.pop()
                results.append(await client.get_user(me_id))

        await asyncio.gather(*(worker() for _ in range(8)))
        governor = client.governor

    with throttled_server.control() as control:
        served = control.get("/_sandbox/requests").json()

    assert len(results) == 20 and all(u.id == me_id for u in results)
    assert served["total"] == 20  # the server admitted exactly the 20 calls
    assert served["by_route"] == {"GET /users/{id}": 20}

    assert_budget_kept(records, governor, windows=2)


# -- faults --------------------------------------------------------------------------


@pytest.mark.slow
async def test_injected_503s_are_retried_for_reads_and_idempotent_writes(
    fresh_server: RunningSandbox,
) -> None:
    async with client_for(fresh_server) as client:
        me = await client.resolve_user(ME)
        start, end = TODAY - dt.timedelta(days=28), TODAY
        expected = {
            "entries": ids(await collect(client.iter_time_entries(me.id, start, end))),
            "projects": ids(await collect(client.iter_projects())),
            "users": ids(await collect(client.iter_users())),
        }
        entry = await first(
            client.iter_time_entries(me.id, start, end, with_suggestions=False),
            lambda e: e.approval_status is None,
        )
        with fresh_server.control() as control:
            assert control.put("/_sandbox/faults", json={"error_rate": 0.3, "seed": 1}).is_success
        client.stats.reset()
        got = {
            "entries": ids(await collect(client.iter_time_entries(me.id, start, end))),
            "projects": ids(await collect(client.iter_projects())),
            "users": ids(await collect(client.iter_users())),
        }
        updated = await client.update_time_entry(me.id, entry.id, hours=1.25, notes="retried")
        for _ in range(10):
            await client.get_user(me.id)
        await client.delete_time_entry(me.id, entry.id)
        failed = sum(r.failed for r in client.stats.routes.values())
        sent = client.stats.requests
        with fresh_server.control() as control:
            control.delete("/_sandbox/faults")
        with pytest.raises(NotFound) as gone:
            await client.get_time_entry(me.id, entry.id)
        ERRORS.append(gone.value)

    assert got == expected
    assert updated.hours == 1.25 and updated.notes == "retried"
    assert failed > 0, "no 503 was injected: the test proved nothing"
    # Successes: three one-page walks, the PUT, ten GETs, the DELETE; the rest were 503s.
    assert sent == failed + 3 + 1 + 10 + 1


async def test_post_answered_503_is_ambiguous_and_not_resent(fresh_server: RunningSandbox) -> None:
    async with client_for(fresh_server) as client:
        me = await client.resolve_user(ME)
        project = await first(client.iter_projects(), lambda p: p.timeentry_lockout == -1)
        day = TODAY - dt.timedelta(days=TODAY.weekday())
        with fresh_server.control() as control:
            control.put("/_sandbox/faults", json={"error_rate": 1.0})
            control.delete("/_sandbox/requests")
        with pytest.raises(Ambiguous) as caught:
            await client.create_time_entry(me.id, project.id, day, 0.75, notes="maybe")
        ERRORS.append(caught.value)
        with fresh_server.control() as control:
            counted = control.get("/_sandbox/requests").json()["by_route"]
            control.delete("/_sandbox/faults")
        err = caught.value
        assert counted == {"POST /users/{id}/time_entries": 1}
        assert err.status == 503 and err.path == f"/users/{me.id}/time_entries"
        assert err.payload["notes"] == "maybe" and err.payload["hours"] == 0.75
        # Reconciling by the natural key finds nothing: this one never landed.
        assert not await matching(client, me.id, err.payload)


async def matching(client: TenKftClient, user_id: int, payload: dict[str, Any]) -> list[TimeEntry]:
    day = dt.date.fromisoformat(payload["date"])
    return [
        e
        async for e in client.iter_time_entries(user_id, day, day, with_suggestions=False)
        if e.assignable_id == payload["assignable_id"]
        and e.hours == payload["hours"]
        and e.notes == payload.get("notes")
    ]


async def test_connection_dropped_after_commit_makes_a_post_ambiguous(
    fresh_server: RunningSandbox,
) -> None:
    async with client_for(fresh_server) as client:
        me = await client.resolve_user(ME)
        project = await first(client.iter_projects(), lambda p: p.timeentry_lockout == -1)
        day = TODAY - dt.timedelta(days=TODAY.weekday())
        with fresh_server.control() as control:
            control.put("/_sandbox/faults", json={"drop_after_commit_rate": 1.0, "seed": 3})
            control.delete("/_sandbox/requests")
        with pytest.raises(Ambiguous) as caught:
            await client.create_time_entry(me.id, project.id, day, 2.5, notes="dropped")
        ERRORS.append(caught.value)
        with fresh_server.control() as control:
            counted = control.get("/_sandbox/requests").json()["by_route"]
            control.delete("/_sandbox/faults")
        err = caught.value
        assert counted == {"POST /users/{id}/time_entries": 1}  # sent once, never again
        assert err.method == "POST" and err.route == "POST /users/{id}/time_entries"
        assert err.sent_at <= dt.datetime.now(dt.UTC)
        # It did land: the payload it carries is enough to find it.
        found = await matching(client, me.id, err.payload)
        assert len(found) == 1


@pytest.mark.slow
async def test_injected_latency(fresh_server: RunningSandbox) -> None:
    async with client_for(fresh_server) as client:
        me = await client.resolve_user(ME)
        project = await first(client.iter_projects(), lambda p: p.timeentry_lockout == -1)
        expected = ids(await collect(client.iter_users()))
    with fresh_server.control() as control:
        control.put("/_sandbox/faults", json={"latency_ms": 300})
    # Slow but within the timeouts: everything completes, nothing is retried.
    async with client_for(fresh_server) as client:
        assert ids(await collect(client.iter_users())) == expected
        assert all(r.failed == 0 for r in client.stats.routes.values())

    with fresh_server.control() as control:
        control.put("/_sandbox/faults", json={"latency_ms": 1500})
    # Slower than the read timeout: a read is retried, then reported offline...
    async with client_for(fresh_server, timeout=httpx.Timeout(0.4)) as client:
        with pytest.raises(Offline) as offline:
            await client.get_user(me.id)
        ERRORS.append(offline.value)
        assert client.stats.routes["GET /users/{id}"].requests == client.http.max_attempts
        # ... and a create whose answer never came is ambiguous, sent once and only once.
        day = TODAY - dt.timedelta(days=TODAY.weekday() + 7)
        with fresh_server.control() as control:
            control.delete("/_sandbox/requests")
        with pytest.raises(Ambiguous) as caught:
            await client.create_time_entry(me.id, project.id, day, 3.0, notes="slow")
        ERRORS.append(caught.value)
        assert "ReadTimeout" in caught.value.message
    await asyncio.sleep(1.6)  # let the server finish with it
    with fresh_server.control() as control:
        control.delete("/_sandbox/faults")
        counted = control.get("/_sandbox/requests").json()["by_route"]
    assert counted == {"POST /users/{id}/time_entries": 1}
    # Whether it landed is for the sync engine to find out, with what the error carries.
    async with client_for(fresh_server) as client:
        assert len(await matching(client, me.id, caught.value.payload)) <= 1


# -- errors and the token ------------------------------------------------------------


async def test_server_messages_and_refusals_never_carry_the_token(
    fresh_server: RunningSandbox,
) -> None:
    async with client_for(fresh_server) as client:
        me = await client.resolve_user(ME)
        # The sandbox echoes a bad status code back in its message: here, the token.
        with pytest.raises(Rejected) as rejected:
            await client.http.send_json("POST", f"/users/{me.id}/statuses", {"status": TOKEN})
        ERRORS.append(rejected.value)
        assert rejected.value.status == 422
        assert "[redacted]" in str(rejected.value)
        with pytest.raises(NotFound) as missing:
            await client.get_user(987654321)
        ERRORS.append(missing.value)
    async with TenKftClient(fresh_server.base_url, "not-the-token") as wrong:
        with pytest.raises(Unauthorized) as refused:
            await wrong.get_user(me.id)
        ERRORS.append(refused.value)
        assert refused.value.status == 401
    assert all(isinstance(e, ApiError) for e in ERRORS)
