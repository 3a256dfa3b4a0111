"""The Leantime client: JSON-RPC details against mocked answers, the backend calls against
the in-process sandbox (3.5, 3.8, 3.9), and the same over real HTTP against a sandbox
subprocess. An autouse fixture checks that the key shows up in no log line (DEBUG) and in
no error a test collected."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenktui.api.errors import (
    Ambiguous,
    ApiError,
    Conflict,
    NotFound,
    Rejected,
    ServerError,
    Unauthorized,
    Unsupported,
)
from tenktui.api.governor import RateGovernor
from tenktui.api.leantime import LeantimeClient, is_api_key
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.ids import Ids, MemoryKeys
from tenktui.api.leantime.rpc import Call, JsonRpc
from tenktui.sandbox.leantime.app import create_app
from tenktui.sandbox.leantime.server import open_leantime_sandbox
from tenktui.sandbox.leantime.state import LeantimeSandbox
from tests.conftest import TODAY
from tests.test_leantime_sandbox import KEY, ME_ID, TICKET, ZONE, LeantimeServer, start_leantime

PERSONAL = "pat-0123456789abcdefghijklmnopqrstuvwxyz"
ERRORS: list[BaseException] = []


def home_id(client: LeantimeClient, kind: str = "GENERAL_BILLABLE", ticket: int = TICKET) -> int:
    """The assignable id ``client``'s key map gives (ticket 100, ``kind``)."""
    return client.site.lookups.ids.assignable(ticket, kind, m.Kinds([]).slot(kind) or 0)


def option_id(client: LeantimeClient, project: int, status: int) -> int:
    """The status option id ``client``'s key map gives (``project``, ``status``)."""
    return client.site.lookups.ids.status_option(project, status)


@pytest.fixture(autouse=True)
def key_never_leaks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    ERRORS.clear()
    yield
    formatter = logging.Formatter()
    for record in caplog.get_records("setup") + caplog.get_records("call"):
        text = formatter.format(record)
        assert KEY not in text and PERSONAL not in text
    for err in ERRORS:
        for text in (str(err), repr(err), str(getattr(err, "message", "")),
                     str(getattr(err, "server_message", ""))):  # fmt: skip
            assert KEY not in text and PERSONAL not in text


async def raises(kind: type[ApiError], awaitable: Any) -> ApiError:
    with pytest.raises(kind) as info:
        await awaitable
    ERRORS.append(info.value)
    return info.value


# -- JSON-RPC against mocked answers -------------------------------------------------------


class Fake:
    """A mocked Leantime: ``answer(call) -> result or {"error": ...}`` per call, or a whole
    ``httpx.Response`` / an exception for the request."""

    def __init__(self, answer: Callable[[dict[str, Any]], Any]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []
        self.bodies: list[Any] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        self.bodies.append(body)
        items = body if isinstance(body, list) else [body]
        out = []
        for item in items:
            got = self.answer(item)
            if isinstance(got, BaseException):
                raise got
            if isinstance(got, httpx.Response):
                return got
            if isinstance(got, dict) and set(got) == {"error"}:
                out.append({"jsonrpc": "2.0", "error": got["error"], "id": item["id"]})
            else:
                out.append({"jsonrpc": "2.0", "result": got, "id": item["id"]})
        return httpx.Response(200, json=out if isinstance(body, list) else out[0])

    def methods(self) -> list[str]:
        found = []
        for body in self.bodies:
            for item in body if isinstance(body, list) else [body]:
                found.append(item["method"].removeprefix("leantime.rpc."))
        return found


def fake_rpc(fake: Fake, token: str = KEY, **kw: Any) -> JsonRpc:
    options: dict[str, Any] = {"backoff_base": 0.001, "backoff_cap": 0.002, **kw}
    options.setdefault("governor", RateGovernor())
    return JsonRpc("https://leantime.example.org", token, transport=httpx.MockTransport(fake),
                   **options)  # fmt: skip


async def test_keys_go_in_x_api_key_and_personal_tokens_as_bearer() -> None:
    assert is_api_key(KEY) and not is_api_key(PERSONAL) and not is_api_key("lt_only")
    for token, header, value in ((KEY, "x-api-key", KEY),
                                 (PERSONAL, "authorization", f"Bearer {PERSONAL}")):  # fmt: skip
        fake = Fake(lambda item: {"id": 5})
        rpc = fake_rpc(fake, token)
        await rpc.call("Users.getUser", {})
        (request,) = fake.requests
        assert request.headers[header] == value
        assert str(request.url) == "https://leantime.example.org/api/jsonrpc"
        assert token not in repr(rpc)
        await rpc.aclose()


def test_plain_http_only_to_loopback_and_the_endpoint_under_the_site() -> None:
    with pytest.raises(ValueError, match="Refusing plain http"):
        JsonRpc("http://leantime.example.org", KEY)
    rpc = JsonRpc("http://127.0.0.1:8080/pm/", KEY, governor=RateGovernor())
    assert str(rpc.endpoint) == "http://127.0.0.1:8080/pm/api/jsonrpc"


async def test_every_call_has_an_id_and_a_batch_is_one_request() -> None:
    fake = Fake(lambda item: item["params"]["n"] * 2)
    rpc = fake_rpc(fake)
    results = await rpc.batch([Call("Tickets.getTicket", {"n": n}) for n in range(4)])
    assert results == [0, 2, 4, 6]
    (body,) = fake.bodies
    assert isinstance(body, list) and len({item["id"] for item in body}) == 4
    assert all(item["jsonrpc"] == "2.0" and item["method"].startswith("leantime.rpc.")
               for item in body)  # fmt: skip
    single = await rpc.call("Users.getUser", {"n": 1})
    assert single == 2 and isinstance(fake.bodies[-1], dict) and "id" in fake.bodies[-1]
    assert rpc.stats.requests == 2
    await rpc.aclose()


@pytest.mark.parametrize(
    ("sent", "got"),
    [([123], 123), (123, 123), ([True], True), ([False], False), ({"id": 1}, {"id": 1}),
     ([{"id": 1}], [{"id": 1}]), ([], []), ([1, 2], [1, 2])],
)  # fmt: skip
async def test_results_are_unwrapped_from_the_38_form(sent: Any, got: Any) -> None:
    rpc = fake_rpc(Fake(lambda item: sent))
    assert await rpc.call("Tickets.addTicket", {}) == got
    await rpc.aclose()


@pytest.mark.parametrize(
    ("code", "kind"),
    [(-32700, Rejected), (-32600, Rejected), (-32601, Unsupported), (-32602, Rejected),
     (-32000, ServerError), (-32001, Unauthorized), (-32002, NotFound), (-32005, Rejected),
     (-32603, ServerError)],
)  # fmt: skip
async def test_error_codes_map_to_the_error_kinds(code: int, kind: type[ApiError]) -> None:
    error = {"code": code, "message": "Said the server", "data": f"detail with {KEY}"}
    rpc = fake_rpc(Fake(lambda item: {"error": error}))
    err = await raises(kind, rpc.call("Tickets.getTicket", {"id": 1}))
    assert type(err) is kind or (kind is Rejected and type(err) is Rejected)
    assert "Said the server" in err.message and "detail with [redacted]" in err.message
    assert err.route == "RPC Tickets.getTicket"
    assert not isinstance(err, Conflict)
    await rpc.aclose()


async def test_http_statuses_outside_json_rpc() -> None:
    for status, kind in ((401, Unauthorized), (403, Unauthorized), (404, NotFound),
                         (400, Rejected)):  # fmt: skip
        response = httpx.Response(status, json={"error": "Unauthorized"})
        rpc = fake_rpc(Fake(lambda item, r=response: r))
        err = await raises(kind, rpc.call("Users.getUser", {}))
        assert err.status == status
        await rpc.aclose()


async def test_429_backs_off_longer_each_time_then_goes_through() -> None:
    waits: list[float] = []

    class Clock:
        now = 1000.0

        def time(self) -> float:
            return self.now

        async def sleep(self, seconds: float) -> None:
            waits.append(seconds)
            self.now += seconds

    governor = RateGovernor(clock=Clock(), rand=lambda: 0.0)
    answers = iter([429, 429, 429, 200])

    def answer(item: dict[str, Any]) -> Any:
        status = next(answers)
        if status == 429:
            return httpx.Response(429, json={"error": "Too many requests per minute."})
        return {"ok": True}

    fake = Fake(answer)
    rpc = fake_rpc(fake, governor=governor, rand=lambda: 1.0, throttle_base=1.0)
    assert await rpc.call("Tickets.getTicket", {"id": 1}) == {"ok": True}
    assert len(fake.requests) == 4 and governor.throttled_responses == 3
    assert waits == sorted(waits) and waits[0] >= 1 and waits[-1] >= 4  # 1 s, 2 s, 4 s
    assert rpc.stats.throttled == 3
    await rpc.aclose()


async def test_lost_answers_resend_what_is_safe_and_are_ambiguous_for_add_ticket() -> None:
    drops = {"n": 0}

    def flaky(item: dict[str, Any]) -> Any:
        drops["n"] += 1
        if drops["n"] == 1:
            return httpx.ReadError("connection reset")
        return True

    fake = Fake(flaky)
    rpc = fake_rpc(fake)
    assert await rpc.call("Timesheets.upsertTime", {"ticketId": 1, "params": {}}) is True
    assert len(fake.requests) == 2  # resent: upsertTime overwrites
    drops["n"] = 0
    err = await raises(Ambiguous, rpc.call("Tickets.addTicket", {"values": {"headline": "x"}}))
    assert err.method == "POST" and err.path == "/api/jsonrpc"
    assert err.payload["method"] == "leantime.rpc.Tickets.addTicket"
    assert len(fake.requests) == 3  # not resent
    await rpc.aclose()


async def test_503_is_retried_for_reads_and_ambiguous_for_add_ticket() -> None:
    statuses = iter([503, 503, 200])
    fake = Fake(lambda item: httpx.Response(s) if (s := next(statuses)) != 200 else [7])
    rpc = fake_rpc(fake)
    assert await rpc.call("Tickets.getAllSubtasks", {"ticketId": 1}) == 7
    assert len(fake.requests) == 3
    rpc2 = fake_rpc(Fake(lambda item: httpx.Response(503)))
    await raises(Ambiguous, rpc2.call("Tickets.addTicket", {"values": {}}))
    await rpc.aclose()
    await rpc2.aclose()


def test_assignable_and_status_ids_are_reversible() -> None:
    ids, kinds = Ids(MemoryKeys()), m.Kinds([])
    for ticket in (1, 100, 987654):
        for slot, kind in kinds.by_slot.items():
            assigned = ids.assignable(ticket, kind, slot)
            assert ids.ticket_and_kind(assigned, kinds.by_slot) == (ticket, kind)
            assert ids.ticket_of(assigned) == ticket
            assert assigned != ticket * 16 + slot, "ids are not packed"
    for project in (1, 42):
        for status in (-1, 0, 3, 17):
            option = ids.status_option(project, status)
            assert ids.project_and_status(option) == (project, status)
    assert ids.ticket_and_kind(10_000, kinds.by_slot) is None  # never given out
    assert ids.project_and_status(10_000) is None
    kinds = m.Kinds(["TESTING", "GENERAL_BILLABLE", "ZZZ_CUSTOM", "AAA_CUSTOM"])
    assert kinds.slot("GENERAL_BILLABLE") == 0 and kinds.slot("TESTING") == 5
    assert kinds.slot("AAA_CUSTOM") == 6 and kinds.slot("ZZZ_CUSTOM") == 7


# -- the backend against the in-process sandbox ---------------------------------------------


async def _client(
    tmp_path: Path, version: str, *, token: str = KEY, timezone: str = ZONE
) -> tuple[LeantimeClient, LeantimeSandbox]:
    sandbox = open_leantime_sandbox(
        KEY, tmp_path / f"c-{version}-{timezone.replace('/', '_')}.db", version=version,
        today=TODAY, timezone=ZONE,
    )  # fmt: skip
    if token == PERSONAL:
        sandbox.token = PERSONAL
    client = LeantimeClient(
        "http://127.0.0.1", token, timezone=timezone, governor=RateGovernor(),
        transport=httpx.ASGITransport(app=create_app(sandbox)), today=lambda: TODAY,
    )  # fmt: skip
    return client, sandbox


@pytest.fixture(params=["3.5", "3.8", "3.9"])
async def lt(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LeantimeClient]:
    client, sandbox = await _client(tmp_path, request.param)
    client.sandbox = sandbox  # type: ignore[attr-defined]
    yield client
    await client.aclose()
    sandbox.db.close()


def calls_of(client: LeantimeClient) -> dict[str, int]:
    return dict(client.sandbox.calls)  # type: ignore[attr-defined]


async def test_version_detection_and_whoami(lt: LeantimeClient) -> None:
    sandbox: LeantimeSandbox = lt.sandbox  # type: ignore[attr-defined]
    version = await lt.server_version()
    assert version == ("3.9.6" if sandbox.modern else None)
    key_user = await lt.whoami()
    assert key_user.extra["leantime"]["source"] == "api"
    old = not sandbox.at_least("3.8.0")
    assert ("Auth.getUserId" in calls_of(lt)) is old  # Users.getUser({}) fails before 3.8
    me = await lt.resolve_user("Me@Example.com")
    assert me.id == ME_ID and me.name == "Robin Hale"


async def test_a_personal_token_is_the_person(tmp_path: Path) -> None:
    client, sandbox = await _client(tmp_path, "3.9", token=PERSONAL)
    me = await client.resolve_user("me@example.com")
    assert me.id == ME_ID and "Users.getAll" not in sandbox.calls
    await client.aclose()


async def test_assignables_are_ticket_kinds_in_one_request(lt: LeantimeClient) -> None:
    await lt.resolve_user("me@example.com")
    before = lt.stats.requests
    projects = [p async for p in lt.iter_projects()]
    # One batch (kinds, open tickets, projects, half a year of time), one for the tickets
    # of older time that are no longer open.
    assert lt.stats.requests == before + 2
    ids = {p.id for p in projects}
    assert (
        home_id(lt) in ids and home_id(lt, "DEVELOPMENT") in ids
    )  # ticket 100 as General and Development
    home = next(p for p in projects if p.id == home_id(lt))
    assert home.name == "Website relaunch — Design the new home page"
    assert home.project_code == "#100" and home.parent_id is None and home.archived is False
    assert next(p for p in projects if p.id == home_id(lt, "DEVELOPMENT")).name.endswith(
        "· Development"
    )
    assert not any(p.extra["leantime"]["type"] == "milestone" for p in projects)
    archived = {p.extra["leantime"]["ticket_id"] for p in projects if p.archived}
    assert archived == {116}  # "Archive old pages": time was logged, its project is closed
    assert 107 in {p.extra["leantime"]["ticket_id"] for p in projects}  # done, with time


async def test_time_entries_are_rows_on_local_days(lt: LeantimeClient) -> None:
    sandbox: LeantimeSandbox = lt.sandbox  # type: ignore[attr-defined]
    week = TODAY - dt.timedelta(days=7)
    entries = [e async for e in lt.iter_time_entries(ME_ID, week, week + dt.timedelta(days=6))]
    rows = sandbox.db.rows(
        "SELECT * FROM timesheets WHERE userId = ? AND workDate BETWEEN ? AND ?",
        (ME_ID, "2026-11-15 23:00:00", "2026-11-22 22:59:59"),
    )
    assert sorted(e.id for e in entries) == sorted(r["id"] for r in rows) and rows
    first = next(e for e in entries if e.id == rows[0]["id"])
    assert first.date is not None and week <= first.date <= week + dt.timedelta(days=6)
    assert first.assignable_id == home_id(lt, rows[0]["kind"], rows[0]["ticketId"])
    assert first.hours == rows[0]["hours"] and first.is_suggestion is False
    assert first.updated_at and first.updated_at.endswith("Z")


async def test_create_update_delete_through_upsert(lt: LeantimeClient) -> None:
    sandbox: LeantimeSandbox = lt.sandbox  # type: ignore[attr-defined]
    created = await lt.create_time_entry(ME_ID, home_id(lt), TODAY, 2.5, notes="first")
    assert (created.date, created.hours, created.notes) == (TODAY, 2.5, "first")
    row = sandbox.db.row("SELECT * FROM timesheets WHERE id = ?", (created.id,))
    assert row is not None and row["workDate"] == "2026-11-22 23:00:00"
    again = await lt.create_time_entry(ME_ID, home_id(lt), TODAY, 2.5, notes="first")
    assert again.id == created.id  # our earlier attempt: adopted, not doubled
    err = await raises(Rejected, lt.create_time_entry(ME_ID, home_id(lt), TODAY, 1, notes="other"))
    assert "one entry per ticket, kind and day" in err.message
    updated = await lt.update_time_entry(ME_ID, created.id, hours=4)
    assert (updated.id, updated.hours, updated.notes) == (created.id, 4.0, "first")
    assert updated.updated_at is not None and updated.updated_at >= (created.updated_at or "")
    await lt.delete_time_entry(ME_ID, created.id)
    await raises(NotFound, lt.get_time_entry(ME_ID, created.id))
    await raises(NotFound, lt.delete_time_entry(ME_ID, created.id))
    assert calls_of(lt)["Timesheets.logTime"] == 1  # the notes: upsertTime never writes them
    zero_upserts = not sandbox.at_least("3.6.0")
    assert ("Timesheets.deleteTime" in calls_of(lt)) is not zero_upserts
    assert calls_of(lt)["Timesheets.upsertTime"] == 1 + zero_upserts


async def test_dates_go_out_as_local_midnight_in_the_profile_zone(tmp_path: Path) -> None:
    client, sandbox = await _client(tmp_path, "3.9", timezone="America/New_York")
    created = await client.create_time_entry(ME_ID, home_id(client), TODAY, 1)
    row = sandbox.db.row("SELECT workDate FROM timesheets WHERE id = ?", (created.id,))
    assert row == {"workDate": "2026-11-23 05:00:00"} and created.date == TODAY
    utc_midnight = dt.datetime(2026, 11, 23, 5, tzinfo=dt.UTC).timestamp()
    assert m.midnight_epoch(TODAY, m.ZoneInfo("America/New_York")) == utc_midnight
    await client.aclose()


async def test_assignments_and_subtasks(lt: LeantimeClient) -> None:
    window = (TODAY - dt.timedelta(weeks=8), TODAY + dt.timedelta(weeks=8))
    assignments = {a.id: a async for a in lt.iter_assignments(ME_ID, *window)}
    home = assignments[TICKET]
    assert home.assignable_id == home_id(lt) and home.allocation_mode == "fixed"
    assert (home.starts_at, home.ends_at, home.fixed_hours) == (
        TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=4), 24.0,
    )  # fmt: skip
    assert home.status_option_id == option_id(lt, 1, 4)
    assert 101 not in assignments  # a subtask of a listed ticket shows under it
    undated = assignments[111]  # "Offline mode spike": no dates, still open
    assert undated.ends_at == window[1]
    (with_subtasks,) = [a async for a in lt.iter_project_assignments(home_id(lt), *window,
                                                                   with_subtasks=True)]  # fmt: skip
    assert [(s.description, s.completed) for s in with_subtasks.subtasks or ()] == [
        ("Hero section", True), ("Footer links", False), ("Accessibility check", False),
    ]  # fmt: skip
    new = await lt.create_subtask(home_id(lt), TICKET, "Check the copy")
    assert new.assignment_id == TICKET and new.completed is False
    done = await lt.update_subtask(home_id(lt), TICKET, new.id, completed=True, description="Copy")
    assert (done.description, done.completed) == ("Copy", True)
    sandbox: LeantimeSandbox = lt.sandbox  # type: ignore[attr-defined]
    expected = "Tickets.patchTicket" if sandbox.modern else "Tickets.patch"
    assert calls_of(lt)[expected] == 1
    await lt.delete_subtask(home_id(lt), TICKET, new.id)
    await raises(NotFound, lt.delete_subtask(home_id(lt), TICKET, new.id))
    assert [s.id async for s in lt.iter_subtasks(home_id(lt), TICKET)] == [101, 102, 103]


async def test_status_options_and_a_ticket_status_change(lt: LeantimeClient) -> None:
    await lt.resolve_user("me@example.com")
    options = {o.id: o async for o in lt.iter_status_options()}
    assert options[option_id(lt, 3, 5)].label == "In review"  # Internal tools' own label
    assert options[option_id(lt, 1, 0)].stage == "done"
    moved = await lt.update_ticket_status(TICKET, option_id(lt, 1, 2))
    assert moved.status_option_id == option_id(lt, 1, 2)
    await raises(Rejected, lt.update_ticket_status(TICKET, option_id(lt, 1, 42)))


async def test_what_leantime_lacks_is_said_plainly(lt: LeantimeClient) -> None:
    caps = lt.capabilities
    assert (caps.statuses, caps.approvals, caps.suggestions, caps.itemized_entries) == (
        False, False, False, False,
    )  # fmt: skip
    assert caps.subtasks is True
    assert [s async for s in lt.iter_statuses(ME_ID)] == []
    assert await lt.current_status(ME_ID) is None
    assert [x async for x in lt.iter_leave_types()] == []
    assert [x async for x in lt.iter_approvals()] == []
    assert [x async for x in lt.iter_holidays()] == []
    err = await raises(Unsupported, lt.set_status(ME_ID, "WFH"))
    assert "Leantime has no" in err.message
    await raises(Unsupported, lt.submit_for_approval([(1, "2026-11-23T00:00:00Z")]))
    await raises(Rejected, lt.create_time_entry(ME_ID, home_id(lt), TODAY, 1, task="Design"))


async def test_a_non_manager_key_cannot_log_for_the_person_on_39(tmp_path: Path) -> None:
    client, sandbox = await _client(tmp_path, "3.9")
    api_user = sandbox.api_user
    assert api_user is not None
    sandbox.db.execute("UPDATE users SET role = 20 WHERE id = ?", (api_user["id"],))
    before = sandbox.db.scalar("SELECT COUNT(*) FROM timesheets")
    err = await raises(Unauthorized, client.create_time_entry(ME_ID, home_id(client), TODAY, 1))
    assert "higher role" in err.message and "personal access token" in err.message
    assert sandbox.db.scalar("SELECT COUNT(*) FROM timesheets") == before  # nothing written
    await client.aclose()


# -- over real HTTP ---------------------------------------------------------------------


@pytest.fixture(params=["3.8", "3.9"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LeantimeServer]:
    running = start_leantime(tmp_path / "lt.db", request.param, "--rate-limit", "100000")
    yield running
    running.stop()


def http_client(server: LeantimeServer, **kw: Any) -> LeantimeClient:
    options: dict[str, Any] = {"backoff_base": 0.01, "backoff_cap": 0.05, **kw}
    return LeantimeClient(server.root, KEY, timezone=ZONE, governor=RateGovernor(),
                          today=lambda: TODAY, **options)  # fmt: skip


async def test_over_http_version_whoami_and_one_request_per_batch(
    server: LeantimeServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with http_client(server) as client:
        assert await client.server_version() == ("3.9.6" if server.version == "3.9" else None)
        me = await client.resolve_user("me@example.com")
        assert me.id == ME_ID
        with server.control() as control:
            control.delete("/_sandbox/requests")
            entries = [e async for e in client.iter_time_entries(ME_ID, TODAY - dt.timedelta(
                days=28), TODAY)]  # fmt: skip
            projects = [p async for p in client.iter_projects()]
            counted = control.get("/_sandbox/requests").json()
        assert entries and projects
        # whoami is cached; kinds come with the first batch; closed tickets in a second
        assert counted["total"] == 3 and counted["by_method"]["Tickets.getTicket"] == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "tenktui.api"]
    assert any(line.startswith("RPC ") and "Timesheets.getAll" in line for line in lines)


@pytest.mark.slow
async def test_over_http_429_backs_off_and_finishes(tmp_path: Path) -> None:
    running = start_leantime(tmp_path / "lt.db", "3.9", "--rate-limit", "3", "--rate-window", "2")
    try:
        async with http_client(running, throttle_base=1.0) as client:
            await client.resolve_user("me@example.com")
            for _ in range(4):
                got = [e async for e in client.iter_time_entries(ME_ID, TODAY, TODAY)]
                assert got == []  # nothing logged today yet
            assert client.governor.throttled_responses >= 1
            assert client.stats.throttled >= 1
    finally:
        running.stop()


async def test_over_http_dropped_writes_end_as_sent(server: LeantimeServer) -> None:
    async with http_client(server, max_attempts=12) as client:
        entry = await client.create_time_entry(ME_ID, home_id(client), TODAY, 1, notes="start")
        with server.control() as control:
            faults = {"drop_after_commit_rate": 0.5, "error_rate": 0.2, "seed": 4}
            assert control.put("/_sandbox/faults", json=faults).is_success
        for hours in (2, 3, 4.5):
            updated = await client.update_time_entry(ME_ID, entry.id, hours=hours)
            assert updated.hours == hours
        with server.control() as control:
            control.delete("/_sandbox/faults")
        rows = server.rpc("Timesheets.getAll", {"dateFrom": "2026-11-22 23:00:00",
                                                 "dateTo": "2026-11-23 22:59:59",
                                                 "userId": ME_ID})  # fmt: skip
        assert [(r["id"], r["hours"], r["description"]) for r in rows] == [(entry.id, 4.5, "start")]


async def test_over_http_a_wrong_key_is_unauthorized_and_not_shown(server: LeantimeServer) -> None:
    wrong = "lt_" + "w" * 32 + "_" + "x" * 32
    async with LeantimeClient(server.root, wrong, governor=RateGovernor()) as client:
        err = await raises(Unauthorized, client.whoami())
        assert err.status == 401 and "Unauthorized" in (err.server_message or "")
        assert wrong not in str(err) and wrong not in repr(client)


# -- real accounts (issue 10), read from Leantime's source at v3.8.0 and v3.9.6 ---------------


async def _as(
    tmp_path: Path, version: str, *, email: str | None = None, **options: Any
) -> tuple[LeantimeClient, LeantimeSandbox]:
    """A client on an in-process sandbox serving its token as ``token_kind`` with ``role``."""
    token = PERSONAL if options.get("token_kind") == "pat" else KEY
    sandbox = open_leantime_sandbox(
        token, tmp_path / f"as-{version}.db", version=version, today=TODAY, timezone=ZONE,
        **options,
    )  # fmt: skip
    client = LeantimeClient(
        "http://127.0.0.1", token, timezone=ZONE, governor=RateGovernor(), email=email,
        transport=httpx.ASGITransport(app=create_app(sandbox)), today=lambda: TODAY,
    )  # fmt: skip
    return client, sandbox


@pytest.mark.parametrize(
    "options",
    [{"token_kind": "pat", "role": "editor"}, {"token_kind": "key", "role": "manager"}],
    ids=["editor-pat", "manager-key"],
)
async def test_item1_the_person_and_teammates_without_the_user_roster(
    tmp_path: Path, options: dict[str, Any]
) -> None:
    client, sandbox = await _as(tmp_path, "3.9", email="me@example.com", enforce=True, **options)
    me = await client.resolve_user("me@example.com")
    assert me.id == ME_ID
    people = {u.email async for u in client.iter_users()}
    assert {"me@example.com", "priya@example.com", "sam@example.com"} <= people
    assert sandbox.calls["Users.getAll"] >= 1  # asked, refused, and not the end of it
    await client.aclose()


async def test_item2_a_non_manager_key_is_refused_before_it_writes_for_the_person(
    tmp_path: Path,
) -> None:
    client, sandbox = await _as(tmp_path, "3.9", email="me@example.com", role="editor")
    me = await client.resolve_user("me@example.com")  # audit-only: the roster answers
    row = sandbox.db.row("SELECT * FROM timesheets WHERE userId = ? LIMIT 1", (ME_ID,))
    assert row is not None
    err = await raises(Unauthorized, client.check_can_log_for(me))
    assert "editor role" in err.message and "personal access token" in err.message
    # deleteTime answers a refusal like a missing row: it must not pass for "already gone"
    await raises(Unauthorized, client.delete_time_entry(ME_ID, row["id"]))
    assert sandbox.db.row("SELECT id FROM timesheets WHERE id = ?", (row["id"],)) is not None
    assert "Timesheets.deleteTime" not in sandbox.calls
    await client.aclose()
    (tmp_path / "pat").mkdir()
    pat, _ = await _as(tmp_path / "pat", "3.9", token_kind="pat")
    await pat.check_can_log_for(await pat.whoami())  # the person's own token: fine
    await pat.aclose()


async def test_item3_notes_reach_the_row_or_are_refused_plainly(lt: LeantimeClient) -> None:
    sandbox: LeantimeSandbox = lt.sandbox  # type: ignore[attr-defined]
    day = TODAY + dt.timedelta(days=9)
    created = await lt.create_time_entry(ME_ID, home_id(lt), day, 1.5, notes="wireframes")
    row = sandbox.db.row("SELECT * FROM timesheets WHERE id = ?", (created.id,))
    assert row is not None and (row["hours"], row["description"]) == (1.5, "wireframes")
    assert created.notes == "wireframes"
    err = await raises(Rejected, lt.update_time_entry(ME_ID, created.id, notes="other"))
    assert "cannot change the notes" in err.message
    kept = await lt.update_time_entry(ME_ID, created.id, hours=2, notes="wireframes")
    assert (kept.hours, kept.notes) == (2.0, "wireframes")


async def test_item4_rows_are_read_back_without_get_timesheet_before_39(
    lt: LeantimeClient,
) -> None:
    sandbox: LeantimeSandbox = lt.sandbox  # type: ignore[attr-defined]
    await lt.resolve_user("me@example.com")
    entries = [e async for e in lt.iter_time_entries(ME_ID, TODAY - dt.timedelta(days=7), TODAY)]
    entry = entries[0]
    assert (await lt.get_time_entry(ME_ID, entry.id)).hours == entry.hours
    updated = await lt.update_time_entry(ME_ID, entry.id, hours=entry.hours + 1)
    assert updated.hours == entry.hours + 1
    await lt.delete_time_entry(ME_ID, entry.id)
    assert sandbox.db.row("SELECT id FROM timesheets WHERE id = ?", (entry.id,)) is None
    await raises(NotFound, lt.get_time_entry(ME_ID, entry.id))
    assert ("Timesheets.getTimesheet" in sandbox.calls) is sandbox.modern


async def test_item5_closed_projects_and_labels_from_what_the_caller_sees(
    tmp_path: Path,
) -> None:
    # An admin's key sees every ticket; the person logged time on a project they have
    # since been taken off, so it is not among the projects "assigned" to them.
    client, sandbox = await _as(tmp_path, "3.9", email="me@example.com", role="admin")
    closed = sandbox.db.scalar("SELECT id FROM projects WHERE state = -1")
    ticket = sandbox.db.scalar("SELECT id FROM tickets WHERE projectId = ? LIMIT 1", (closed,))
    sandbox.db.execute(
        "INSERT INTO timesheets (userId, ticketId, workDate, hours, kind, description, modified) "
        "VALUES (?, ?, '2026-11-16 23:00:00', 1, 'GENERAL_BILLABLE', '', '2026-11-17 10:00:00')",
        (ME_ID, ticket),
    )
    sandbox.db.execute("DELETE FROM project_users WHERE userId = ? AND projectId = ?",
                       (ME_ID, closed))  # fmt: skip
    await client.resolve_user("me@example.com")
    projects = [p async for p in client.iter_projects()]
    ids = client.site.lookups.ids
    of_ticket = [p for p in projects if ids.ticket_of(p.id) == ticket]
    assert of_ticket and all(p.archived for p in of_ticket)
    options = [o async for o in client.iter_status_options()]
    assert {(ids.project_and_status(o.id) or (None,))[0] for o in options} >= {closed}
    await client.aclose()
