"""Contract tests: every sample object of the reference, against what the sandbox serves.

For each sample, the sandbox's object of the same kind (fetched through the
route that serves it, with the same ``fields=``) must carry every key of the
sample with a value of the same JSON type (``null`` in a sample matches
anything; integers and floats are both numbers). Nested sub-collections are
compared the same way, item by item.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

SAMPLES = json.loads((Path(__file__).parent / "data" / "reference_samples.json").read_text())[
    "samples"
]
ALLOCATION = {"percent": "percent", "hours_per_day": "hours_per_day", "fixed": "fixed_hours"}


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def mismatches(sample: dict, served: dict, where: str = "") -> list[str]:
    """How ``served`` fails to match ``sample``'s keys and types (empty: it matches)."""
    problems = []
    for key, expected in sample.items():
        mode = served.get("allocation_mode")
        if key in ALLOCATION.values() and mode in ALLOCATION and key != ALLOCATION[mode]:
            continue  # the reference's sample shows all three, marked "only present when …"
        if key not in served:
            problems.append(f"{where}{key}: missing")
            continue
        got = served[key]
        if expected is None or (got is None and key not in ("id",)):
            continue
        if json_type(expected) != json_type(got):
            problems.append(
                f"{where}{key}: {json_type(got)} where the sample has {json_type(expected)}"
            )
        elif isinstance(expected, dict) and isinstance(got, dict):
            if set(expected) >= {"data", "paging"}:
                problems += mismatches({"data": [], "paging": {}}, got, f"{where}{key}.")
                if expected["data"] and got["data"]:
                    problems += mismatches(expected["data"][0], got["data"][0], f"{where}{key}[0].")
            else:
                problems += mismatches(expected, got, f"{where}{key}.")
    return problems


async def first(asgi: httpx.AsyncClient, path: str, **params: Any) -> dict:
    r = await asgi.get(path, params={"per_page": 1000, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    return body.get("data", body)


async def me(asgi: httpx.AsyncClient) -> dict:
    users = await first(asgi, "/users")
    return next(u for u in users if u["email"] == "me@example.com")


async def served_for(asgi: httpx.AsyncClient, sample: dict) -> dict:
    """The sandbox object to compare with one sample."""
    kind, source = sample["kind"], sample["source"]
    data = sample["data"]
    person = await me(asgi)
    if kind == "User":
        fields = "tags" if "tags" in data else None
        users = await first(asgi, "/users", **({"fields": fields} if fields else {}))
        if fields:
            return next(u for u in users if u["tags"]["data"])
        return person
    if kind == "TimeEntry":
        entries = await first(
            asgi,
            f"/users/{person['id']}/time_entries",
            with_suggestions="true",
            fields="approvals",
        )
        if data.get("is_suggestion"):
            return next(e for e in entries if e["is_suggestion"])
        if "approvals" in data:
            return next(e for e in entries if e["approvals"]["data"])
        return next(e for e in entries if not e["is_suggestion"])
    if kind == "Approval":
        if "POST" in source:
            entries = await first(asgi, f"/users/{person['id']}/time_entries", fields="approvals")
            fresh = next(e for e in entries if not e["approvals"]["data"])
            r = await asgi.post(
                "/approvals",
                json={
                    "approvables": [
                        {"id": fresh["id"], "type": "TimeEntry", "updated_at": fresh["updated_at"]}
                    ],
                    "status": "pending",
                },
            )
            assert r.status_code == 200, r.text
            return r.json()["data"][0]
        return (await first(asgi, "/approvals"))[0]
    if kind == "Assignable":
        items = await first(asgi, "/assignables")
        return next(a for a in items if a["type"] == data["type"])
    if kind in ("Assignment", "Subtask"):
        assignments = await first(asgi, f"/users/{person['id']}/assignments", with_phases="true")
        for with_subtasks in assignments:
            path = f"/projects/{with_subtasks['assignable_id']}/assignments/{with_subtasks['id']}"
            if await first(asgi, f"{path}/subtasks"):
                break
        project = with_subtasks["assignable_id"]
        if kind == "Subtask":
            return (
                await first(asgi, f"/projects/{project}/assignments/{with_subtasks['id']}/subtasks")
            )[0]
        fields = "subtasks_counts" if "subtask_counts" in data else "subtasks"
        listed = await first(
            asgi, f"/projects/{project}/assignments", fields=fields, with_phases="true"
        )
        return next(a for a in listed if a["id"] == with_subtasks["id"])
    if kind == "TimeEntryCategory":
        if "project specific" in source:
            project = (await first(asgi, "/projects"))[0]
            return (await first(asgi, f"/projects/{project['id']}/time_entry_categories"))[0]
        return (await first(asgi, "/time_entry_categories"))[0]
    if kind == "Discipline":
        listed = await first(asgi, "/disciplines")
        return await first(asgi, f"/disciplines/{listed[0]['id']}") if "/1" in source else listed[0]
    if kind == "Role":
        listed = await first(asgi, "/roles")
        return await first(asgi, f"/roles/{listed[0]['id']}") if "/1" in source else listed[0]
    if kind == "Holiday":
        return (await first(asgi, "/holidays"))[0]
    if kind == "LeaveType":
        return (await first(asgi, "/leave_types"))[0]
    if kind == "Project":
        projects = await first(asgi, "/projects", fields="tags")
        tagged = next(p for p in projects if p["tags"]["data"])
        return await first(asgi, f"/projects/{tagged['id']}", fields="tags,summary,children")
    if kind == "Tag":
        if "User" in source:
            users = await first(asgi, "/users", fields="tags")
            return next(u for u in users if u["tags"]["data"])["tags"]["data"][0]
        projects = await first(asgi, "/projects", fields="tags")
        return next(p for p in projects if p["tags"]["data"])["tags"]["data"][0]
    if kind == "Availability":
        users = await first(asgi, "/users", fields="availabilities")
        return next(u for u in users if u["availabilities"]["data"])["availabilities"]["data"][0]
    if kind == "Status":
        return (await first(asgi, f"/users/{person['id']}/statuses"))[0]
    raise AssertionError(f"no route serves a {kind}")


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s['kind']}: {s['source']}" for s in SAMPLES])
async def test_sandbox_serves_the_reference_shape(asgi: httpx.AsyncClient, sample: dict) -> None:
    served = await served_for(asgi, sample)
    assert mismatches(sample["data"], served) == []


def test_the_comparison_can_fail() -> None:
    sample = {"id": 1, "hours": 8.0, "task": None, "tags": {"data": [{"id": 1}], "paging": {}}}
    assert (
        mismatches(sample, {"id": 2, "hours": 1, "task": "x", "tags": {"data": [], "paging": {}}})
        == []
    )
    assert mismatches(sample, {"id": 2, "hours": "8", "task": None, "tags": {"data": []}}) == [
        "hours: string where the sample has number",
        "tags.paging: missing",
    ]
