"""Projects, phases, project tags, assignables, leave types and status options."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tenktui.sandbox import models
from tests.conftest import RunningSandbox

ROOT = "http://sandbox"


def put(sandbox: Any, kind: str, builder: Any, **fields: Any) -> dict[str, Any]:
    """Store a document built by ``models.<builder>`` straight into the sandbox."""
    return sandbox.db.put(kind, builder(sandbox.db.next_id(), sandbox.now(), **fields))


async def create(asgi: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    r = await asgi.post("/projects", json=body)
    assert r.status_code == 200, r.text
    return r.json()


async def phase(asgi: httpx.AsyncClient, project_id: int, **body: Any) -> dict[str, Any]:
    r = await asgi.post(f"/projects/{project_id}/phases", json=body)
    assert r.status_code == 200, r.text
    return r.json()


async def ids(asgi: httpx.AsyncClient, path: str, **params: Any) -> list[int]:
    r = await asgi.get(path, params={"per_page": 1000, **params})
    assert r.status_code == 200, r.text
    return [doc["id"] for doc in r.json()["data"]]


async def walk(asgi: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a collection, following ``next`` links to the end."""
    r = await asgi.get(path, params=params)
    out = []
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        out += body["data"]
        if body["paging"]["next"] is None:
            return out
        r = await asgi.get(ROOT + body["paging"]["next"])


# -- create, show, update ----------------------------------------------------------


async def test_create_project_answers_the_full_document(asgi: httpx.AsyncClient) -> None:
    doc = await create(
        asgi,
        name="Apollo",
        starts_at="2026-01-01",
        ends_at="2026-06-30",
        project_state="Tentative",
        project_code="AP-1",
        client="NASA",
        description="moon",
        timeentry_lockout=7,
    )
    assert doc["name"] == "Apollo" and doc["parent_id"] is None
    assert (doc["starts_at"], doc["ends_at"]) == ("2026-01-01", "2026-06-30")
    assert doc["project_state"] == "Tentative" and doc["timeentry_lockout"] == 7
    assert doc["type"] == "Project" and doc["archived"] is False and doc["guid"]
    assert doc["created_at"].endswith("Z")
    shown = (await asgi.get(f"/projects/{doc['id']}")).json()
    assert shown == doc


async def test_create_project_from_a_form(asgi: httpx.AsyncClient) -> None:
    r = await asgi.post(
        "/projects",
        data={"name": "Form", "starts_at": "2026-02-01", "timeentry_lockout": "0"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["timeentry_lockout"] == 0 and r.json()["starts_at"] == "2026-02-01"


@pytest.mark.parametrize("lockout", [-1, 0, 1, 30, "14"])
async def test_lockout_values_accepted(asgi: httpx.AsyncClient, lockout: Any) -> None:
    doc = await create(asgi, name="Locked", timeentry_lockout=lockout)
    assert doc["timeentry_lockout"] == int(lockout)


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({}, 400, "name"),
        ({"name": "   "}, 400, "name"),
        ({"name": "x", "starts_at": "2026-13-01"}, 400, "starts_at"),
        ({"name": "x", "starts_at": "01/02/2026"}, 400, "starts_at"),
        ({"name": "x", "starts_at": "2026-03-02", "ends_at": "2026-03-01"}, 422, "ends_at"),
        ({"name": "x", "project_state": "Maybe"}, 422, "project_state"),
        ({"name": "x", "timeentry_lockout": -2}, 422, "timeentry_lockout"),
        ({"name": "x", "timeentry_lockout": 1.5}, 400, "timeentry_lockout"),
        ({"name": "x", "timeentry_lockout": "soon"}, 400, "timeentry_lockout"),
        ({"name": "x" * 256}, 422, "name"),
        ({"name": "x", "tags": 5}, 400, "tags"),
    ],
)
async def test_create_project_validation(
    asgi: httpx.AsyncClient, body: dict[str, Any], status: int, needle: str
) -> None:
    r = await asgi.post("/projects", json=body)
    assert r.status_code == status, r.text
    assert needle in r.json()["message"]


async def test_create_project_with_tags_attaches_them(asgi: httpx.AsyncClient) -> None:
    doc = await create(asgi, name="Tagged", tags=["alpha", "beta", "alpha"])
    tags = (await asgi.get(f"/projects/{doc['id']}/tags")).json()["data"]
    assert [t["value"] for t in tags] == ["alpha", "beta"]


async def test_update_project_changes_fields_and_moves_updated_at(
    asgi: httpx.AsyncClient,
) -> None:
    doc = await create(asgi, name="Old", starts_at="2026-01-01", ends_at="2026-01-31")
    r = await asgi.put(
        f"/projects/{doc['id']}",
        json={"id": doc["id"], "name": "New", "ends_at": "2026-02-28", "guid": "ignored"},
    )
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["name"] == "New" and new["ends_at"] == "2026-02-28"
    assert new["guid"] == doc["guid"]
    assert new["updated_at"] > doc["updated_at"]
    bad = await asgi.put(f"/projects/{doc['id']}", json={"ends_at": "2025-12-31"})
    assert bad.status_code == 422
    assert (await asgi.put("/projects/999999", json={"name": "x"})).status_code == 404


async def test_renaming_a_project_renames_its_phases(asgi: httpx.AsyncClient) -> None:
    doc = await create(asgi, name="Before")
    ph = await phase(asgi, doc["id"], phase_name="Design")
    assert ph["name"] == "Before"
    await asgi.put(f"/projects/{doc['id']}", json={"name": "After"})
    shown = (await asgi.get(f"/projects/{ph['id']}")).json()
    assert shown["name"] == "After" and shown["phase_name"] == "Design"


async def test_archived_project_refuses_updates_until_unarchived(
    asgi: httpx.AsyncClient,
) -> None:
    doc = await create(asgi, name="Dusty")
    r = await asgi.put(f"/projects/{doc['id']}", json={"archived": True})
    assert r.status_code == 200
    assert r.json()["archived"] is True and r.json()["archived_at"]

    refused = await asgi.put(f"/projects/{doc['id']}", json={"name": "Shiny"})
    assert refused.status_code == 422
    assert "unarchive" in refused.json()["message"]
    mixed = await asgi.put(f"/projects/{doc['id']}", json={"archived": False, "name": "Shiny"})
    assert mixed.status_code == 422
    assert (await asgi.get(f"/projects/{doc['id']}")).json()["name"] == "Dusty"

    r = await asgi.put(f"/projects/{doc['id']}", data={"archived": "false"})
    assert r.status_code == 200
    assert r.json()["archived"] is False and r.json()["archived_at"] is None
    r = await asgi.put(f"/projects/{doc['id']}", json={"name": "Shiny"})
    assert r.status_code == 200 and r.json()["name"] == "Shiny"


async def test_delete_project_archives_it(asgi: httpx.AsyncClient) -> None:
    doc = await create(asgi, name="Gone")
    r = await asgi.delete(f"/projects/{doc['id']}")
    assert r.status_code == 204
    shown = (await asgi.get(f"/projects/{doc['id']}")).json()
    assert shown["archived"] is True
    assert doc["id"] not in await ids(asgi, "/projects")
    assert doc["id"] in await ids(asgi, "/projects", with_archived="true")
    assert (await asgi.delete(f"/projects/{doc['id']}")).status_code == 204
    assert (await asgi.delete("/projects/999999")).status_code == 404


async def test_show_unknown_project_is_404(asgi: httpx.AsyncClient) -> None:
    r = await asgi.get("/projects/999999")
    assert r.status_code == 404
    assert r.json()["message"] == "Project not found"


# -- listing filters ---------------------------------------------------------------


async def test_filter_by_project_state(asgi: httpx.AsyncClient) -> None:
    made = {
        state: (await create(asgi, name=state, project_state=state))["id"]
        for state in ("Internal", "Tentative", "Confirmed")
    }
    found = await ids(
        asgi, "/projects", filter_field="project_state", filter_list="Internal,Tentative"
    )
    assert made["Internal"] in found and made["Tentative"] in found
    assert made["Confirmed"] not in found
    only = await ids(asgi, "/projects", filter_field="project_state", filter_list="Confirmed")
    assert made["Confirmed"] in only and made["Internal"] not in only


@pytest.mark.parametrize(
    "params",
    [
        {"filter_field": "client", "filter_list": "x"},
        {"filter_field": "project_state", "filter_list": "Done"},
        {"filter_list": "Confirmed"},
        {"sort_field": "name"},
        {"sort_order": "sideways"},
        {"from": "2026-1-1"},
        {"to": "tomorrow"},
    ],
)
async def test_bad_list_parameters_are_400(asgi: httpx.AsyncClient, params: dict[str, str]) -> None:
    r = await asgi.get("/projects", params=params)
    assert r.status_code == 400, r.text
    assert r.json()["message"]


async def test_from_to_and_strict(asgi: httpx.AsyncClient) -> None:
    inside = (await create(asgi, name="in", starts_at="2030-03-05", ends_at="2030-03-20"))["id"]
    straddles = (await create(asgi, name="st", starts_at="2030-02-20", ends_at="2030-03-10"))["id"]
    before = (await create(asgi, name="be", starts_at="2030-01-01", ends_at="2030-02-28"))["id"]
    after = (await create(asgi, name="af", starts_at="2030-04-01", ends_at="2030-04-30"))["id"]
    window = {"from": "2030-03-01", "to": "2030-03-31"}

    overlapping = await ids(asgi, "/projects", **window)
    assert inside in overlapping and straddles in overlapping
    assert before not in overlapping and after not in overlapping

    strict = await ids(asgi, "/projects", strict="true", **window)
    assert inside in strict and straddles not in strict

    ending_later = await ids(asgi, "/projects", **{"from": "2030-03-01"})
    assert after in ending_later and before not in ending_later
    starting_earlier = await ids(asgi, "/projects", to="2030-02-28")
    assert before in starting_earlier and after not in starting_earlier


async def test_archived_projects_are_hidden_by_default(asgi: httpx.AsyncClient) -> None:
    live = (await create(asgi, name="live"))["id"]
    old = (await create(asgi, name="old"))["id"]
    await asgi.put(f"/projects/{old}", json={"archived": True})
    assert live in await ids(asgi, "/projects")
    assert old not in await ids(asgi, "/projects")
    assert old in await ids(asgi, "/projects", with_archived="true")
    only_archived = await ids(asgi, "/projects", archived="true")
    assert old in only_archived and live not in only_archived


async def test_phases_listed_only_with_phases_or_by_phase_name(
    asgi: httpx.AsyncClient,
) -> None:
    parent = await create(asgi, name="Parent", project_code="PX-77")
    ph = await phase(asgi, parent["id"], phase_name="Qx-Build-77")
    top = await ids(asgi, "/projects")
    assert parent["id"] in top and ph["id"] not in top
    assert ph["id"] in await ids(asgi, "/projects", with_phases="true")
    assert await ids(asgi, "/projects", phase_name="Qx-Build-77") == [ph["id"]]
    assert await ids(asgi, "/projects", phase_name="Qx-Build") == []
    assert await ids(asgi, "/projects", project_code="PX-77") == [parent["id"]]
    assert await ids(asgi, "/projects", project_code="PX-7") == []


async def test_phases_of_an_archived_project_are_hidden(asgi: httpx.AsyncClient) -> None:
    parent = await create(asgi, name="Shelved")
    ph = await phase(asgi, parent["id"], phase_name="One")
    await asgi.delete(f"/projects/{parent['id']}")
    assert ph["id"] not in await ids(asgi, "/projects", with_phases="true")
    assert ph["id"] in await ids(asgi, "/projects", with_phases="true", with_archived="true")


async def test_sorting_by_created_and_updated(asgi: httpx.AsyncClient, sandbox: Any) -> None:
    a = put(
        sandbox,
        "projects",
        models.project,
        name="A",
        created_at="2020-01-03T00:00:00Z",
        updated_at="2020-01-03T00:00:00Z",
        project_code="SORT",
    )
    b = put(
        sandbox,
        "projects",
        models.project,
        name="B",
        created_at="2020-01-01T00:00:00Z",
        updated_at="2020-01-05T00:00:00Z",
        project_code="SORT",
    )
    c = put(
        sandbox,
        "projects",
        models.project,
        name="C",
        created_at="2020-01-02T00:00:00Z",
        updated_at="2020-01-04T00:00:00Z",
        project_code="SORT",
    )
    created = await ids(asgi, "/projects", project_code="SORT", sort_field="created")
    assert created == [b["id"], c["id"], a["id"]]
    desc = await ids(
        asgi, "/projects", project_code="SORT", sort_field="created", sort_order="descending"
    )
    assert desc == [a["id"], c["id"], b["id"]]
    updated = await ids(asgi, "/projects", project_code="SORT", sort_field="updated")
    assert updated == [a["id"], c["id"], b["id"]]


async def test_paging_projects_to_the_end(asgi: httpx.AsyncClient) -> None:
    made = [(await create(asgi, name=f"P{i}", project_code="PAGE"))["id"] for i in range(5)]
    seen = await walk(asgi, "/projects", project_code="PAGE", per_page=2)
    assert [d["id"] for d in seen] == made


# -- optional fields -----------------------------------------------------------------


async def test_fields_children_tags_and_phase_count(asgi: httpx.AsyncClient) -> None:
    parent = await create(asgi, name="Fields", tags="red, green")
    phases = [(await phase(asgi, parent["id"], phase_name=f"Ph{i}"))["id"] for i in range(3)]
    r = await asgi.get(
        f"/projects/{parent['id']}",
        params={"fields": "children,tags,phase_count", "per_page": 2},
    )
    doc = r.json()
    assert doc["phase_count"] == 3
    assert [c["id"] for c in doc["children"]["data"]] == phases[:2]
    paging = doc["children"]["paging"]
    assert paging["self"].startswith(f"/api/v1/projects/{parent['id']}/phases?")
    assert paging["next"] is not None and paging["per_page"] == 2
    assert [t["value"] for t in doc["tags"]["data"]] == ["red", "green"]
    assert doc["tags"]["paging"]["self"].startswith(f"/api/v1/projects/{parent['id']}/tags?")
    assert doc["tags"]["paging"]["next"] is None

    listed = await asgi.get("/projects", params={"fields": "phase_count", "per_page": 1000})
    mine = next(p for p in listed.json()["data"] if p["id"] == parent["id"])
    assert mine["phase_count"] == 3
    assert "children" not in mine and "tags" not in mine


async def test_summary_totals(asgi: httpx.AsyncClient, sandbox: Any) -> None:
    db = sandbox.db
    db.set_setting("work_week", [0, 8, 8, 8, 8, 8, 0])
    for h in db.query("holidays", "date BETWEEN '2026-11-01' AND '2026-11-30'"):
        db.delete("holidays", h["id"])
    sandbox.today = dt.date(2026, 11, 23)  # a Monday
    project = await create(asgi, name="Sum", starts_at="2026-11-17", ends_at="2026-11-20")
    ph = await phase(asgi, project["id"], phase_name="Sub")
    user = put(sandbox, "users", models.user, first_name="Sum", last_name="Mer")
    # Two work weeks at 4 h a day at 120 an hour; half of the Monday on the phase.
    put(
        sandbox,
        "assignments",
        models.assignment,
        user_id=user["id"],
        assignable_id=project["id"],
        starts_at="2026-11-16",
        ends_at="2026-11-27",
        allocation_mode="hours_per_day",
        hours_per_day=4.0,
        bill_rate=120.0,
    )
    put(
        sandbox,
        "assignments",
        models.assignment,
        user_id=user["id"],
        assignable_id=ph["id"],
        starts_at="2026-11-23",
        ends_at="2026-11-23",
        percent=0.5,
        bill_rate=120.0,
    )
    e1 = put(
        sandbox,
        "time_entries",
        models.time_entry,
        user_id=user["id"],
        assignable_id=project["id"],
        date="2026-11-16",
        hours=3.0,
        bill_rate=100.0,
    )
    e2 = put(
        sandbox,
        "time_entries",
        models.time_entry,
        user_id=user["id"],
        assignable_id=ph["id"],
        date="2026-11-23",
        hours=2.0,
        bill_rate=100.0,
    )
    put(sandbox, "approvals", models.approval, approvable_id=e1["id"], status="approved")
    put(sandbox, "approvals", models.approval, approvable_id=e2["id"], status="pending")

    doc = (await asgi.get(f"/projects/{project['id']}", params={"fields": "summary"})).json()
    assert doc["bounding_startdate"] == "2026-11-16"
    assert doc["bounding_enddate"] == "2026-11-27"
    assert (doc["confirmed_hours"], doc["confirmed_dollars"]) == (5.0, 500.0)
    assert (doc["approved_hours"], doc["approved_dollars"]) == (3.0, 300.0)
    # 10 days x 4 h + 4 h on the phase; after Monday the 23rd: 4 days x 4 h.
    assert (doc["scheduled_hours"], doc["scheduled_dollars"]) == (44.0, 5280.0)
    assert (doc["future_hours"], doc["future_dollars"]) == (16.0, 1920.0)
    # Up to today, unconfirmed: the 17th-20th and the 23rd on the project (the 16th has time).
    assert (doc["unconfirmed_hours"], doc["unconfirmed_dollars"]) == (20.0, 2400.0)

    phase_only = (await asgi.get(f"/projects/{ph['id']}", params={"fields": "summary"})).json()
    assert phase_only["confirmed_hours"] == 2.0 and phase_only["scheduled_hours"] == 4.0


async def test_summary_of_an_empty_project(asgi: httpx.AsyncClient) -> None:
    doc = await create(asgi, name="Empty")
    r = await asgi.get("/projects", params={"fields": "summary"})
    assert r.status_code == 200
    shown = (await asgi.get(f"/projects/{doc['id']}", params={"fields": "summary"})).json()
    assert shown["bounding_startdate"] is None and shown["scheduled_hours"] == 0


# -- phases --------------------------------------------------------------------------


async def test_phase_crud(asgi: httpx.AsyncClient) -> None:
    parent = await create(
        asgi,
        name="Mother",
        starts_at="2026-01-01",
        ends_at="2026-12-31",
        project_state="Internal",
        client="ACME",
    )
    r = await asgi.post(f"/projects/{parent['id']}/phases", data={"phase_name": "Winding up"})
    assert r.status_code == 200, r.text
    ph = r.json()
    assert ph["parent_id"] == parent["id"] and ph["name"] == "Mother"
    assert ph["phase_name"] == "Winding up" and ph["type"] == "Project"
    assert (ph["starts_at"], ph["ends_at"]) == ("2026-01-01", "2026-12-31")
    assert ph["project_state"] == "Internal"

    dated = await phase(
        asgi, parent["id"], phase_name="Q1", starts_at="2026-01-01", ends_at="2026-03-31"
    )
    assert dated["ends_at"] == "2026-03-31"
    assert await ids(asgi, f"/projects/{parent['id']}/phases") == [ph["id"], dated["id"]]
    assert await ids(asgi, f"/projects/{parent['id']}/phases", to="2026-02-01") == [
        ph["id"],
        dated["id"],
    ]
    assert await ids(asgi, f"/projects/{parent['id']}/phases", **{"from": "2026-06-01"}) == [
        ph["id"]
    ]

    r = await asgi.put(
        f"/projects/{parent['id']}/phases/{dated['id']}",
        json={"phase_name": "Q1 (late)", "use_parent_bill_rates": True, "timeentry_lockout": 0},
    )
    assert r.status_code == 200, r.text
    assert r.json()["phase_name"] == "Q1 (late)" and r.json()["use_parent_bill_rates"] is True
    assert r.json()["timeentry_lockout"] == 0

    assert (await asgi.delete(f"/projects/{parent['id']}/phases/{dated['id']}")).status_code == 204
    assert (await asgi.get(f"/projects/{dated['id']}")).status_code == 404
    assert await ids(asgi, f"/projects/{parent['id']}/phases") == [ph["id"]]


async def test_phase_errors(asgi: httpx.AsyncClient) -> None:
    a = await create(asgi, name="A")
    b = await create(asgi, name="B")
    ph = await phase(asgi, a["id"], phase_name="Only A's")
    assert (await asgi.post(f"/projects/{a['id']}/phases", json={})).status_code == 400
    # Phases have no phases; a phase is only reachable under its own project.
    assert (
        await asgi.post(f"/projects/{ph['id']}/phases", json={"phase_name": "x"})
    ).status_code == 404
    assert (
        await asgi.put(f"/projects/{b['id']}/phases/{ph['id']}", json={"phase_name": "x"})
    ).status_code == 404
    assert (await asgi.delete(f"/projects/{b['id']}/phases/{ph['id']}")).status_code == 404
    assert (await asgi.get("/projects/999999/phases")).status_code == 404
    r = await asgi.put(f"/projects/{a['id']}/phases/{ph['id']}", json={"phase_name": ""})
    assert r.status_code == 400

    await asgi.delete(f"/projects/{b['id']}")
    r = await asgi.post(f"/projects/{b['id']}/phases", json={"phase_name": "late"})
    assert r.status_code == 422 and "archived" in r.json()["message"]


async def test_phase_with_assignments_cannot_be_deleted(
    asgi: httpx.AsyncClient, sandbox: Any
) -> None:
    parent = await create(asgi, name="Busy")
    ph = await phase(asgi, parent["id"], phase_name="Staffed")
    user = put(sandbox, "users", models.user, first_name="Ann")
    put(
        sandbox,
        "assignments",
        models.assignment,
        user_id=user["id"],
        assignable_id=ph["id"],
        starts_at="2026-11-23",
        ends_at="2026-11-27",
    )
    r = await asgi.delete(f"/projects/{parent['id']}/phases/{ph['id']}")
    assert r.status_code == 422
    assert "assignment" in r.json()["message"]
    assert (await asgi.get(f"/projects/{ph['id']}")).status_code == 200

    logged = await phase(asgi, parent["id"], phase_name="Logged")
    put(
        sandbox,
        "time_entries",
        models.time_entry,
        user_id=user["id"],
        assignable_id=logged["id"],
        date="2026-11-23",
        hours=1.0,
    )
    r = await asgi.delete(f"/projects/{parent['id']}/phases/{logged['id']}")
    assert r.status_code == 422 and "time entr" in r.json()["message"]


async def test_archived_phase_refuses_updates(asgi: httpx.AsyncClient) -> None:
    parent = await create(asgi, name="P")
    ph = await phase(asgi, parent["id"], phase_name="Old")
    url = f"/projects/{parent['id']}/phases/{ph['id']}"
    assert (await asgi.put(url, json={"archived": True})).json()["archived"] is True
    assert (await asgi.put(url, json={"phase_name": "New"})).status_code == 422
    assert (await asgi.put(url, json={"archived": False})).status_code == 200
    assert (await asgi.put(url, json={"phase_name": "New"})).json()["phase_name"] == "New"


# -- project tags --------------------------------------------------------------------


async def test_project_tags_find_or_create_attach_once_and_detach(
    asgi: httpx.AsyncClient,
) -> None:
    a = await create(asgi, name="Tag A")
    b = await create(asgi, name="Tag B")
    first = await asgi.post(f"/projects/{a['id']}/tags", data={"value": "Awesome"})
    assert first.status_code == 200
    tag = first.json()
    assert set(tag) == {"id", "value"} and tag["value"] == "Awesome"
    again = (await asgi.post(f"/projects/{a['id']}/tags", json={"value": "Awesome"})).json()
    assert again == tag
    on_b = (await asgi.post(f"/projects/{b['id']}/tags", json={"value": "Awesome"})).json()
    assert on_b["id"] == tag["id"]

    listing = (await asgi.get(f"/projects/{a['id']}/tags")).json()
    assert listing["data"] == [tag]
    assert listing["paging"]["self"].startswith(f"/api/v1/projects/{a['id']}/tags?")

    assert (await asgi.delete(f"/projects/{a['id']}/tags/{tag['id']}")).status_code == 204
    assert (await asgi.get(f"/projects/{a['id']}/tags")).json()["data"] == []
    assert (await asgi.get(f"/projects/{b['id']}/tags")).json()["data"] == [tag]
    assert (await asgi.delete(f"/projects/{a['id']}/tags/{tag['id']}")).status_code == 404
    assert (await asgi.post(f"/projects/{a['id']}/tags", json={})).status_code == 400
    assert (await asgi.get("/projects/999999/tags")).status_code == 404


async def test_project_time_entry_categories_are_budget_lines_of_the_accounts(
    asgi: httpx.AsyncClient, sandbox: Any
) -> None:
    sandbox.db.put("time_entry_categories", models.time_entry_category(sandbox.db.next_id(), "Dev"))
    project = await create(asgi, name="Budget")
    account = (await asgi.get("/time_entry_categories", params={"per_page": 1000})).json()
    mine = await asgi.get(
        f"/projects/{project['id']}/time_entry_categories", params={"per_page": 1000}
    )
    assert mine.status_code == 200
    lines = mine.json()["data"]
    assert [(c["id"], c["category"]) for c in lines] == [
        (c["id"], c["category"]) for c in account["data"]
    ]
    assert all(c["assignable_id"] == project["id"] and c["item_type"] == "TimeFees" for c in lines)
    assert "Dev" in [c["category"] for c in lines]
    assert (await asgi.get("/projects/999999/time_entry_categories")).status_code == 404


# -- assignables, leave types, status options -------------------------------------------


async def test_assignables_are_projects_and_leave_types(
    asgi: httpx.AsyncClient, sandbox: Any
) -> None:
    project = await create(asgi, name="Assignable")
    ph = await phase(asgi, project["id"], phase_name="Not listed")
    archived = await create(asgi, name="Archived")
    await asgi.delete(f"/projects/{archived['id']}")
    leave = put(sandbox, "leave_types", models.leave_type, name="Vacation")
    gone = put(
        sandbox,
        "leave_types",
        models.leave_type,
        name="Old leave",
        deleted_at="2026-01-01T00:00:00Z",
    )

    items = await walk(asgi, "/assignables", per_page=7)
    by_id = {d["id"]: d for d in items}
    assert by_id[project["id"]]["type"] == "Project"
    assert by_id[leave["id"]]["type"] == "LeaveType"
    assert ph["id"] not in by_id and archived["id"] not in by_id and gone["id"] not in by_id
    assert [d["id"] for d in items] == sorted(by_id)

    shown = (await asgi.get(f"/assignables/{ph['id']}")).json()
    assert shown["type"] == "Project" and shown["parent_id"] == project["id"]
    assert (await asgi.get(f"/assignables/{leave['id']}")).json()["name"] == "Vacation"
    r = await asgi.get("/assignables/999999")
    assert r.status_code == 404 and r.json()["message"] == "Assignable not found"


async def test_leave_types(asgi: httpx.AsyncClient, sandbox: Any) -> None:
    sick = put(sandbox, "leave_types", models.leave_type, name="Sick")
    gone = put(
        sandbox, "leave_types", models.leave_type, name="Gone", deleted_at="2026-01-01T00:00:00Z"
    )
    listed = await ids(asgi, "/leave_types")
    assert sick["id"] in listed and gone["id"] not in listed
    assert (await asgi.get(f"/leave_types/{sick['id']}")).json()["name"] == "Sick"
    assert (await asgi.get(f"/leave_types/{gone['id']}")).status_code == 200
    assert (await asgi.get("/leave_types/999999")).status_code == 404


async def test_status_options(asgi: httpx.AsyncClient, sandbox: Any) -> None:
    late = put(sandbox, "status_options", models.status_option, label="Late", order=200.0)
    early = put(sandbox, "status_options", models.status_option, label="Early", order=-5.0)
    dead = put(
        sandbox,
        "status_options",
        models.status_option,
        label="Dead",
        order=1.0,
        deleted=True,
        deleted_at="2026-01-01T00:00:00Z",
    )
    listed = await ids(asgi, "/status_options")
    assert early["id"] in listed and late["id"] in listed and dead["id"] not in listed
    assert listed.index(early["id"]) < listed.index(late["id"])
    assert dead["id"] in await ids(asgi, "/status_options", with_deleted="true")
    shown = (await asgi.get(f"/status_options/{late['id']}")).json()
    assert shown["label"] == "Late" and shown["color"] == "blue_bright"
    assert (await asgi.get("/status_options/999999")).status_code == 404
    # The live API has no writes for status options.
    assert (await asgi.post("/status_options", json={"label": "x"})).status_code == 404
    assert (await asgi.delete(f"/status_options/{late['id']}")).status_code == 404


# -- over real HTTP ----------------------------------------------------------------------


def test_projects_over_http(fresh_server: RunningSandbox) -> None:
    with fresh_server.api() as api:
        r = api.post("/projects", data={"name": "Wire", "project_state": "Tentative"})
        assert r.status_code == 200, r.text
        pid = r.json()["id"]
        r = api.post(f"/projects/{pid}/phases", json={"phase_name": "Over HTTP"})
        assert r.status_code == 200
        listed = api.get(
            "/projects",
            params={
                "filter_field": "project_state",
                "filter_list": "Tentative",
                "fields": "children",
                "per_page": 1000,
            },
        )
        mine = next(p for p in listed.json()["data"] if p["id"] == pid)
        assert [c["phase_name"] for c in mine["children"]["data"]] == ["Over HTTP"]
