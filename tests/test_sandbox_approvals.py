"""Approvals in the emulator: submitting time, the updated_at check, what API users may not do."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tenktui.sandbox import models
from tenktui.sandbox.state import Sandbox
from tests.conftest import TODAY


@pytest.fixture
def entries(sandbox: Sandbox) -> list[dict[str, Any]]:
    """Three confirmed entries of a user of the test's own."""
    db, now = sandbox.db, sandbox.now()
    user = models.user(db.next_id(), now, first_name="Sub", last_name="Mitter")
    project = models.project(db.next_id(), now, name="Approvable")
    db.put("users", user)
    db.put("projects", project)
    made = []
    for hours in (1.0, 2.0, 3.0):
        entry = models.time_entry(
            db.next_id(), now, user_id=user["id"], assignable_id=project["id"],
            date=TODAY.isoformat(), hours=hours,
        )  # fmt: skip
        db.put("time_entries", entry)
        made.append(entry)
    return made


def _submit(*entries: dict[str, Any], status: str = "pending") -> dict[str, Any]:
    return {
        "status": status,
        "approvables": [
            {"id": e["id"], "type": "TimeEntry", "updated_at": e["updated_at"]} for e in entries
        ],
    }


async def test_submitting_creates_pending_approvals(
    sandbox: Sandbox, asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    r = await asgi.post("/approvals", json=_submit(*entries[:2]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"data", "paging"}
    assert body["paging"]["next"] is None
    assert [a["approvable_id"] for a in body["data"]] == [entries[0]["id"], entries[1]["id"]]
    for approval in body["data"]:
        assert approval["status"] == "pending"
        assert approval["approvable_type"] == "TimeEntry"
        assert approval["submitted_by"] == entries[0]["user_id"]
        assert approval["submitted_at"] and approval["approved_by"] is None
        assert approval["approved_at"] is None
        assert approval["created_at"] and approval["updated_at"]
        assert sandbox.db.get("approvals", approval["id"]) == approval

    listed = await asgi.get("/approvals", params={"per_page": 1000})
    assert {a["id"] for a in body["data"]} <= {a["id"] for a in listed.json()["data"]}
    # The entry itself is unchanged by being submitted.
    assert sandbox.db.get("time_entries", entries[0]["id"]) == entries[0]


async def test_submitting_again_keeps_the_pending_approval(
    asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    first = (await asgi.post("/approvals", json=_submit(entries[0]))).json()["data"]
    again = (await asgi.post("/approvals", json=_submit(entries[0], entries[0]))).json()["data"]
    assert again == first


async def test_a_stale_updated_at_rejects_the_whole_submission(
    sandbox: Sandbox, asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    user = entries[0]["user_id"]
    r = await asgi.put(f"/users/{user}/time_entries/{entries[1]['id']}", json={"hours": 5})
    assert r.status_code == 200
    fresh_stamp = r.json()["updated_at"]
    before = sandbox.db.count("approvals")
    r = await asgi.post("/approvals", json=_submit(entries[0], entries[1]))
    assert r.status_code == 422
    message = r.json()["message"]
    assert str(entries[1]["id"]) in message
    assert entries[1]["updated_at"] in message and fresh_stamp in message
    assert sandbox.db.count("approvals") == before  # not even the first one went in


async def test_missing_and_suggested_entries_are_refused(
    asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    body = _submit(entries[0])
    body["approvables"].append({"id": 99999999, "type": "TimeEntry", "updated_at": "x"})
    r = await asgi.post("/approvals", json=body)
    assert r.status_code == 422 and "99999999" in r.json()["message"]
    r = await asgi.post(
        "/approvals",
        json={
            "status": "pending",
            "approvables": [{"id": 2**52 + 5, "type": "TimeEntry", "updated_at": "x"}],
        },
    )
    assert r.status_code == 422 and "suggestion" in r.json()["message"]


async def test_api_users_cannot_approve(
    sandbox: Sandbox, asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    r = await asgi.post("/approvals", json=_submit(entries[0], status="approved"))
    assert r.status_code == 403
    assert r.json()["message"] == "API users can submit time but not approve it"
    assert sandbox.db.query("approvals", "approvable_id = ?", [entries[0]["id"]]) == []


def _one(kind: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"id": 1, "type": kind, **extra}]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"status": "rejected", "approvables": []}, 400),
        ({"approvables": _one("TimeEntry", updated_at="x")}, 400),
        ({"status": "pending"}, 400),
        ({"status": "pending", "approvables": _one("Invoice", updated_at="x")}, 400),
        ({"status": "pending", "approvables": _one("TimeEntry")}, 400),
        ({"status": "pending", "approvables": _one("ExpenseItem", updated_at="x")}, 422),
    ],
)
async def test_malformed_submissions(
    asgi: httpx.AsyncClient, body: dict[str, Any], status: int
) -> None:
    r = await asgi.post("/approvals", json=body)
    assert r.status_code == status
    assert r.json()["message"]


async def test_approved_entries_cannot_be_submitted_again(
    sandbox: Sandbox, asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    approval = models.approval(
        sandbox.db.next_id(), sandbox.now(), approvable_id=entries[2]["id"], status="approved"
    )
    sandbox.db.put("approvals", approval)
    r = await asgi.post("/approvals", json=_submit(entries[2]))
    assert r.status_code == 422 and "already approved" in r.json()["message"]


async def test_only_pending_approvals_can_be_deleted(
    sandbox: Sandbox, asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    pending = (await asgi.post("/approvals", json=_submit(entries[0]))).json()["data"][0]
    approved = models.approval(
        sandbox.db.next_id(), sandbox.now(), approvable_id=entries[1]["id"], status="approved"
    )
    sandbox.db.put("approvals", approved)

    assert (await asgi.delete(f"/approvals/{pending['id']}")).status_code == 204
    assert sandbox.db.get("approvals", pending["id"]) is None
    r = await asgi.delete(f"/approvals/{approved['id']}")
    assert r.status_code == 422 and "pending" in r.json()["message"]
    assert sandbox.db.get("approvals", approved["id"]) == approved
    assert (await asgi.delete(f"/approvals/{pending['id']}")).status_code == 404
    # Withdrawn, the entry can be submitted afresh.
    again = await asgi.post("/approvals", json=_submit(entries[0]))
    assert again.status_code == 200 and again.json()["data"][0]["id"] != pending["id"]


async def test_fields_approvables_nests_the_time_entry(
    asgi: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    approval = (await asgi.post("/approvals", json=_submit(entries[0]))).json()["data"][0]
    r = await asgi.get("/approvals", params={"fields": "approvables", "per_page": 1000})
    [found] = [a for a in r.json()["data"] if a["id"] == approval["id"]]
    assert found["approvables"]["data"] == [entries[0]]
    plain = await asgi.get("/approvals", params={"per_page": 1000})
    assert all("approvables" not in a for a in plain.json()["data"])
