"""The 10,000ft client's calls: routes, parameters, payloads, records (MockTransport)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import httpx
import pytest

from tenktui.api.base import Backend
from tenktui.api.errors import NotFound
from tenktui.api.governor import RateGovernor
from tenktui.api.records import Approval, Status, Subtask, TimeEntry
from tenktui.api.tenkft import DEFAULT_BASE_URL, TenKftClient

TOKEN = "client-token-77aa"
BASE = "http://127.0.0.1/api/v1"


def envelope(items: list[dict]) -> dict:
    return {"data": items, "paging": {"page": 1, "per_page": 1000, "next": None}}


class FakeApi:
    def __init__(self, answer: Callable[[httpx.Request], object]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.answer(request)
        if body is None:
            return httpx.Response(204)
        return httpx.Response(200, json=body)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def client(api: FakeApi) -> TenKftClient:
    return TenKftClient(BASE, TOKEN, transport=httpx.MockTransport(api), governor=RateGovernor())


def test_defaults_and_protocol() -> None:
    c = TenKftClient(token=TOKEN, governor=RateGovernor())
    assert str(c.http.base_url) == DEFAULT_BASE_URL
    assert isinstance(c, Backend)
    assert c.capabilities.approvals and c.capabilities.suggestions and c.capabilities.phases
    with pytest.raises(ValueError, match="token"):
        TenKftClient()


async def test_time_entries_ask_for_everything_in_one_pass() -> None:
    approvals = {"data": [{"id": 9, "status": "pending"}], "paging": {"next": None}}
    entry = {"id": 5, "user_id": 71, "assignable_id": 3, "date": "2026-11-23", "hours": 2.0,
             "approvals": approvals}  # fmt: skip
    suggestion = {"id": 6, "user_id": 71, "assignable_id": 3, "date": "2026-11-24",
                  "hours": None, "is_suggestion": True,
                  "scheduled_hours": 8.0, "approvals": {"data": [], "paging": {}}}  # fmt: skip
    api = FakeApi(lambda r: envelope([entry, suggestion]))
    c = client(api)
    entries = [
        e
        async for e in c.iter_time_entries(
            71, dt.date(2026, 11, 1), dt.date(2026, 11, 30), sort_field="updated"
        )
    ]
    await c.aclose()
    assert api.last.url.path == "/api/v1/users/71/time_entries"
    assert dict(api.last.url.params) == {
        "from": "2026-11-01",
        "to": "2026-11-30",
        "with_suggestions": "true",
        "fields": "approvals",
        "sort_field": "updated",
        "per_page": "1000",
    }
    assert all(isinstance(e, TimeEntry) for e in entries)
    assert entries[0].approval_status == "pending"
    assert entries[1].is_suggestion and entries[1].hours is None


async def test_confirmed_only_without_approvals() -> None:
    api = FakeApi(lambda r: envelope([]))
    c = client(api)
    _ = [e async for e in c.iter_time_entries(3, with_suggestions=False, with_approvals=False)]
    await c.aclose()
    assert dict(api.last.url.params) == {"per_page": "1000"}


async def test_assignments_of_a_person_take_no_fields() -> None:
    assignment = {"id": 1, "allocation_mode": "percent", "percent": 0.5, "user_id": 8,
                  "assignable_id": 3, "starts_at": "2026-01-05",
                  "ends_at": "2026-02-27"}  # fmt: skip
    api = FakeApi(lambda r: envelope([assignment]))
    c = client(api)
    (a,) = [a async for a in c.iter_assignments(8, dt.date(2026, 1, 1), dt.date(2026, 12, 31))]
    await c.aclose()
    assert api.last.url.path == "/api/v1/users/8/assignments"
    assert "fields" not in api.last.url.params
    assert api.last.url.params["with_phases"] == "true"
    assert a.percent == 0.5


async def test_create_update_delete_time_entry() -> None:
    def answer(request: httpx.Request) -> object:
        if request.method == "DELETE":
            return None
        body = json.loads(request.content)
        return {"id": 40, "user_id": 71, "updated_at": "2026-11-23T10:00:00Z", **body}

    api = FakeApi(answer)
    c = client(api)
    created = await c.create_time_entry(71, 64, dt.date(2026, 11, 23), 1.5, notes="pairing")
    assert api.last.method == "POST" and api.last.url.path == "/api/v1/users/71/time_entries"
    assert json.loads(api.last.content) == {
        "user_id": 71,
        "assignable_id": 64,
        "date": "2026-11-23",
        "hours": 1.5,
        "notes": "pairing",
    }
    assert created.id == 40 and created.date == dt.date(2026, 11, 23)

    updated = await c.update_time_entry(71, 40, hours=3.0, date=dt.date(2026, 11, 24))
    assert api.last.method == "PUT" and api.last.url.path == "/api/v1/users/71/time_entries/40"
    assert json.loads(api.last.content) == {"hours": 3.0, "date": "2026-11-24"}
    assert updated.hours == 3.0

    assert await c.delete_time_entry(71, 40) is None
    assert api.last.method == "DELETE"
    with pytest.raises(TypeError, match="cannot update is_suggestion"):
        await c.update_time_entry(71, 40, is_suggestion=True)
    await c.aclose()


async def test_get_time_entry_asks_for_approvals() -> None:
    api = FakeApi(lambda r: {"id": 3, "approvals": {"data": [], "paging": {"next": None}}})
    c = client(api)
    entry = await c.get_time_entry(71, 3)
    await c.aclose()
    assert api.last.url.path == "/api/v1/users/71/time_entries/3"
    assert api.last.url.params["fields"] == "approvals"
    assert entry.approvals == ()


async def test_submit_for_approval_carries_updated_at_and_reads_the_envelope() -> None:
    def answer(request: httpx.Request) -> object:
        body = json.loads(request.content)
        return envelope(
            [
                {"id": 100 + a["id"], "status": "pending", "approvable_id": a["id"]}
                for a in body["approvables"]
            ]
        )

    api = FakeApi(answer)
    c = client(api)
    approvals = await c.submit_for_approval(
        [(5, "2026-11-23T10:00:00Z"), (6, "2026-11-23T11:00:00Z")]
    )
    await c.aclose()
    assert json.loads(api.last.content) == {
        "approvables": [
            {"id": 5, "type": "TimeEntry", "updated_at": "2026-11-23T10:00:00Z"},
            {"id": 6, "type": "TimeEntry", "updated_at": "2026-11-23T11:00:00Z"},
        ],
        "status": "pending",
    }
    assert [a.approvable_id for a in approvals] == [5, 6]
    assert all(isinstance(a, Approval) for a in approvals)


async def test_statuses_current_and_set() -> None:
    def answer(request: httpx.Request) -> object:
        if request.method == "POST":
            return {"id": 77, "user_id": 71, **json.loads(request.content)}
        # Oldest first: the reference does not say in which order they come.
        return envelope(
            [
                {"id": 11, "status": "ITO", "user_id": 71, "created_at": "2026-11-20T09:00:00Z"},
                {"id": 12, "status": "WFH", "user_id": 71, "created_at": "2026-11-23T09:00:00Z"},
            ]
        )

    api = FakeApi(answer)
    c = client(api)
    current = await c.current_status(71)
    assert isinstance(current, Status) and current.status == "WFH"
    status = await c.set_status(71, "OOO", "At a client")
    assert json.loads(api.last.content) == {"status": "OOO", "message": "At a client"}
    assert status.id == 77
    with pytest.raises(ValueError, match="status must be one of"):
        await c.set_status(71, "BEACH")
    await c.aclose()


async def test_no_status_yet() -> None:
    api = FakeApi(lambda r: envelope([]))
    c = client(api)
    assert await c.current_status(1) is None
    await c.aclose()


async def test_subtasks_go_through_the_project_route() -> None:
    def answer(request: httpx.Request) -> object:
        if request.method == "GET":
            return envelope([{"id": 1, "description": "wireframes", "completed": False}])
        if request.method == "DELETE":
            return None
        return {"id": 2, "assignment_id": 30, **json.loads(request.content)}

    api = FakeApi(answer)
    c = client(api)
    listed = [s async for s in c.iter_subtasks(64, 30)]
    assert api.last.url.path == "/api/v1/projects/64/assignments/30/subtasks"
    made = await c.create_subtask(64, 30, "review")
    assert json.loads(api.last.content) == {"description": "review", "completed": False}
    done = await c.update_subtask(64, 30, 2, completed=True)
    assert api.last.url.path == "/api/v1/projects/64/assignments/30/subtasks/2"
    await c.delete_subtask(64, 30, 2)
    await c.aclose()
    assert isinstance(listed[0], Subtask) and made.description == "review" and done.completed


async def test_resolve_user_by_email_is_cached() -> None:
    users = [
        {"id": 1, "email": "someone@example.com"},
        {"id": 71, "email": "Me@Example.com", "first_name": "Robin"},
    ]
    api = FakeApi(lambda r: envelope(users))
    c = client(api)
    me = await c.resolve_user("me@example.com")
    again = await c.resolve_user("ME@example.com ")
    assert me.id == 71 and again is me
    assert len(api.requests) == 1
    with pytest.raises(NotFound, match=r"nobody@example\.com"):
        await c.resolve_user("nobody@example.com")
    await c.aclose()
    # The unknown address was looked for among archived people too.
    assert api.requests[-1].url.params["with_archived"] == "true"


async def test_reference_collections_use_their_routes() -> None:
    # Valid as every kind: what a listed time entry or assignment must hold is there.
    doc = {"id": 1, "user_id": 2, "assignable_id": 3, "date": "2026-11-23",
           "starts_at": "2026-11-23", "ends_at": "2026-11-27"}  # fmt: skip
    api = FakeApi(lambda r: envelope([doc]))
    c = client(api)
    calls = {
        "iter_users": "/users",
        "iter_projects": "/projects",
        "iter_leave_types": "/leave_types",
        "iter_assignables": "/assignables",
        "iter_status_options": "/status_options",
        "iter_holidays": "/holidays",
        "iter_time_entry_categories": "/time_entry_categories",
        "iter_roles": "/roles",
        "iter_disciplines": "/disciplines",
        "iter_approvals": "/approvals",
        "iter_account_time_entries": "/time_entries",
    }
    for method, path in calls.items():
        items = [x async for x in getattr(c, method)()]
        assert len(items) == 1, method
        assert api.last.url.path == "/api/v1" + path
        assert api.last.url.params["per_page"] == "1000"
    _ = [p async for p in c.iter_projects(with_phases=True)]
    assert api.last.url.params["with_phases"] == "true"
    assert "with_archived" not in api.last.url.params
    await c.aclose()


async def test_a_single_object_wrapped_in_an_envelope_is_accepted() -> None:
    api = FakeApi(lambda r: envelope([{"id": 12, "status": "ITO"}]))
    c = client(api)
    status = await c.set_status(71, "ITO")
    await c.aclose()
    assert status.id == 12
