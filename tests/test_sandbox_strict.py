"""The 10,000ft emulator's strict reading: the least generous choice wherever the
reference is silent (each choice is listed in tenktui/sandbox/README.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tenktui.sandbox import models
from tenktui.sandbox.state import Sandbox
from tests.conftest import TODAY


@pytest.fixture
def strict(sandbox: Sandbox) -> Sandbox:
    sandbox.reading = "strict"
    return sandbox


def _person(sandbox: Sandbox) -> dict[str, Any]:
    db, now = sandbox.db, sandbox.now()
    user = models.user(db.next_id(), now, first_name="Strict", last_name="Reader")
    return db.put("users", user)


async def test_statuses_come_oldest_first(strict: Sandbox, asgi: httpx.AsyncClient) -> None:
    user = _person(strict)
    base = f"/users/{user['id']}/statuses"
    for code in ("ITO", "WFH", "VAC"):
        assert (await asgi.post(base, json={"status": code})).status_code == 200
    listed = (await asgi.get(base)).json()["data"]
    assert [s["status"] for s in listed] == ["ITO", "WFH", "VAC"]


async def test_rate_headers_come_only_on_a_429(strict: Sandbox, asgi: httpx.AsyncClient) -> None:
    r = await asgi.get("/roles")
    assert r.status_code == 200 and "X-RateLimit-Limit" not in r.headers
    strict.rate = type(strict.rate)(limit=1, window=60.0)
    await asgi.get("/roles")
    r = await asgi.get("/roles")
    assert r.status_code == 429
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert name in r.headers


async def test_nested_subtasks_on_a_list_are_ignored_but_counts_are_served(
    strict: Sandbox, asgi: httpx.AsyncClient
) -> None:
    db, now = strict.db, strict.now()
    project = db.put("projects", models.project(db.next_id(), now, name="Checklists"))
    user = _person(strict)
    made = await asgi.post(
        f"/projects/{project['id']}/assignments",
        json={
            "user_id": user["id"],
            "starts_at": TODAY.isoformat(),
            "ends_at": TODAY.isoformat(),
            "subtasks": [{"description": "one"}, {"description": "two", "completed": True}],
        },
    )
    assert made.status_code == 200, made.text
    path = f"/projects/{project['id']}/assignments"
    (doc,) = (await asgi.get(path, params={"fields": "subtasks,subtasks_counts"})).json()["data"]
    assert "subtasks" not in doc
    assert doc["subtask_counts"] == {"completed": 1, "total": 2}
    listed = await asgi.get(f"{path}/{doc['id']}/subtasks")
    assert [s["description"] for s in listed.json()["data"]] == ["one", "two"]


async def test_leave_types_carry_no_type(strict: Sandbox, asgi: httpx.AsyncClient) -> None:
    listed = (await asgi.get("/leave_types")).json()["data"]
    assert listed and all("type" not in lt for lt in listed)
    shown = (await asgi.get(f"/leave_types/{listed[0]['id']}")).json()
    assert "type" not in shown


async def test_pages_are_capped_lower_and_next_links_are_absolute_on_the_same_host(
    strict: Sandbox, asgi: httpx.AsyncClient
) -> None:
    r = await asgi.get("/users", params={"per_page": 1000})
    paging = r.json()["paging"]
    assert paging["per_page"] == 100
    small = (await asgi.get("/users", params={"per_page": 2})).json()["paging"]
    assert small["next"].startswith("http://sandbox/api/v1/users?")
    assert small["self"].startswith("http://sandbox/api/v1/users?")


async def test_a_submission_leaves_refused_entries_out_unsaid(
    strict: Sandbox, asgi: httpx.AsyncClient
) -> None:
    db, now = strict.db, strict.now()
    user = _person(strict)
    project = db.put("projects", models.project(db.next_id(), now, name="Half approvable"))
    entries = []
    for hours in (1.0, 2.0):
        entry = models.time_entry(
            db.next_id(), now, user_id=user["id"], assignable_id=project["id"],
            date=TODAY.isoformat(), hours=hours,
        )  # fmt: skip
        entries.append(db.put("time_entries", entry))
    body = {
        "status": "pending",
        "approvables": [
            {"id": entries[0]["id"], "type": "TimeEntry", "updated_at": entries[0]["updated_at"]},
            {"id": entries[1]["id"], "type": "TimeEntry", "updated_at": "2001-01-01T00:00:00Z"},
        ],
    }
    r = await asgi.post("/approvals", json=body)
    assert r.status_code == 200, r.text
    assert [a["approvable_id"] for a in r.json()["data"]] == [entries[0]["id"]]
