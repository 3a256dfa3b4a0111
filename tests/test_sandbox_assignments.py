"""Assignments through their three paths, and the subtasks under them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tenktui.sandbox import models
from tests.conftest import RunningSandbox

ROOT = "http://sandbox"
WEEK = {"starts_at": "2026-11-23", "ends_at": "2026-11-27"}


def put(sandbox: Any, kind: str, builder: Any, **fields: Any) -> dict[str, Any]:
    """Store a document built by ``models.<builder>`` straight into the sandbox."""
    return sandbox.db.put(kind, builder(sandbox.db.next_id(), sandbox.now(), **fields))


@dataclass
class World:
    """Records a test works with, made fresh in its own sandbox."""

    user: dict[str, Any]
    other_user: dict[str, Any]
    placeholder: dict[str, Any]
    project: dict[str, Any]
    phase: dict[str, Any]
    other_project: dict[str, Any]
    leave: dict[str, Any]
    option: dict[str, Any]
    dead_option: dict[str, Any]


@pytest.fixture
def world(sandbox: Any) -> World:
    project = put(sandbox, "projects", models.project, name="Apollo")
    return World(
        user=put(sandbox, "users", models.user, first_name="Ada", last_name="L"),
        other_user=put(sandbox, "users", models.user, first_name="Bob", last_name="M"),
        placeholder=put(sandbox, "placeholders", models.placeholder, title="Designer"),
        project=project,
        phase=put(
            sandbox,
            "projects",
            models.project,
            name="Apollo",
            parent_id=project["id"],
            phase_name="Design",
        ),
        other_project=put(sandbox, "projects", models.project, name="Gemini"),
        leave=put(sandbox, "leave_types", models.leave_type, name="Vacation"),
        option=put(sandbox, "status_options", models.status_option, label="On Track"),
        dead_option=put(sandbox, "status_options", models.status_option, label="Old", deleted=True),
    )


async def create(asgi: httpx.AsyncClient, path: str = "/assignments", **body: Any) -> dict:
    r = await asgi.post(path, json={**WEEK, **body})
    assert r.status_code == 200, r.text
    return r.json()


async def ids(asgi: httpx.AsyncClient, path: str, **params: Any) -> list[int]:
    r = await asgi.get(path, params={"per_page": 1000, **params})
    assert r.status_code == 200, r.text
    return [doc["id"] for doc in r.json()["data"]]


# -- create in every mode, through every path -----------------------------------------


async def test_create_percent_by_default(asgi: httpx.AsyncClient, world: World) -> None:
    doc = await create(
        asgi,
        user_id=world.user["id"],
        assignable_id=world.project["id"],
        status_option_id=world.option["id"],
        description="Build wireframes",
        note="first pass",
    )
    assert doc["allocation_mode"] == "percent" and doc["percent"] == 1.0
    assert "hours_per_day" not in doc and "fixed_hours" not in doc
    assert doc["user_id"] == world.user["id"]
    assert doc["assignable_id"] == world.project["id"]
    assert (doc["starts_at"], doc["ends_at"]) == ("2026-11-23", "2026-11-27")
    assert doc["status_option_id"] == world.option["id"]
    assert doc["description"] == "Build wireframes" and doc["note"] == "first pass"
    assert "subtasks" not in doc
    assert (await asgi.get(f"/assignments/{doc['id']}")).json() == doc


async def test_create_hours_per_day_for_a_user_from_a_form(
    asgi: httpx.AsyncClient, world: World
) -> None:
    r = await asgi.post(
        f"/users/{world.user['id']}/assignments",
        data={
            "leave_id": str(world.leave["id"]),
            "allocation_mode": "hours_per_day",
            "hours_per_day": "4.5",
            **WEEK,
        },
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["allocation_mode"] == "hours_per_day" and doc["hours_per_day"] == 4.5
    assert "percent" not in doc
    assert doc["user_id"] == world.user["id"] and doc["assignable_id"] == world.leave["id"]


async def test_create_fixed_on_a_project(asgi: httpx.AsyncClient, world: World) -> None:
    path = f"/projects/{world.project['id']}/assignments"
    doc = await create(
        asgi, path, user_id=world.placeholder["id"], allocation_mode="fixed", fixed_hours=30
    )
    assert doc["allocation_mode"] == "fixed" and doc["fixed_hours"] == 30.0
    assert doc["assignable_id"] == world.project["id"]
    assert doc["user_id"] == world.placeholder["id"]
    on_phase = await create(asgi, path, assignable_id=world.phase["id"], percent=0.25)
    assert on_phase["assignable_id"] == world.phase["id"] and on_phase["percent"] == 0.25
    assert on_phase["user_id"] is None


async def test_create_with_subtasks(asgi: httpx.AsyncClient, world: World, sandbox: Any) -> None:
    for u in sandbox.db.query("users"):
        sandbox.db.put("users", {**u, "account_owner": False})
    owner = put(sandbox, "users", models.user, first_name="Owner", account_owner=True)
    doc = await create(
        asgi,
        user_id=None,
        assignable_id=world.project["id"],
        status_option_id=world.option["id"],
        description="Build wireframes",
        note=None,
        subtasks=[{"description": "New Task", "completed": False}, {"description": "Two"}],
    )
    nested = doc["subtasks"]
    assert nested["paging"]["self"].startswith(
        f"/api/v1/projects/{world.project['id']}/assignments/{doc['id']}/subtasks?"
    )
    assert nested["paging"]["next"] is None
    first, second = nested["data"]
    assert first["description"] == "New Task" and first["completed"] is False
    assert second["completed"] is False
    assert first["assignment_id"] == doc["id"]
    assert first["assignable_id"] == world.project["id"]
    assert first["updated_by"] == owner["id"]
    listed = await asgi.get(f"/projects/{world.project['id']}/assignments/{doc['id']}/subtasks")
    assert listed.json()["data"] == nested["data"]
    shown = await asgi.get(f"/assignments/{doc['id']}", params={"fields": "subtasks"})
    assert shown.json()["subtasks"]["data"] == nested["data"]


@pytest.mark.parametrize(
    "subtasks",
    [
        "not a list",
        [{"completed": True}],
        [{"description": "   "}],
        ["just text"],
        [{"description": "ok", "completed": "perhaps"}],
    ],
)
async def test_create_with_bad_subtasks_writes_nothing(
    asgi: httpx.AsyncClient, world: World, subtasks: Any
) -> None:
    before = await ids(asgi, "/assignments")
    r = await asgi.post(
        "/assignments",
        json={**WEEK, "assignable_id": world.project["id"], "subtasks": subtasks},
    )
    assert r.status_code == 400, r.text
    assert await ids(asgi, "/assignments") == before


async def test_subtasks_need_a_project(asgi: httpx.AsyncClient, world: World) -> None:
    r = await asgi.post(
        "/assignments",
        json={**WEEK, "leave_id": world.leave["id"], "subtasks": [{"description": "x"}]},
    )
    assert r.status_code == 422


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"starts_at": None}, 400, "starts_at"),
        ({"ends_at": "2026-11-31"}, 400, "ends_at"),
        ({"ends_at": "2026-11-20"}, 422, "ends_at"),
        ({"allocation_mode": "weekly"}, 422, "allocation_mode"),
        ({"percent": 1.5}, 422, "percent"),
        ({"percent": 0}, 422, "percent"),
        ({"percent": "half"}, 400, "percent"),
        ({"allocation_mode": "hours_per_day"}, 400, "hours_per_day"),
        ({"allocation_mode": "hours_per_day", "hours_per_day": 25}, 422, "hours_per_day"),
        ({"allocation_mode": "fixed"}, 400, "fixed_hours"),
        ({"allocation_mode": "fixed", "fixed_hours": 121}, 422, "fixed_hours"),
        ({"allocation_mode": "fixed", "fixed_hours": -1}, 422, "fixed_hours"),
        ({"hours_per_day": 4}, 422, "hours_per_day"),
        ({"status_option_id": 999999}, 422, "status_option_id"),
        ({"assignable_id": None}, 400, "assignable_id"),
        ({"assignable_id": 999999}, 422, "assignable_id"),
        ({"assignable_id": "abc"}, 400, "assignable_id"),
        ({"user_id": 999999}, 422, "user_id"),
    ],
)
async def test_create_validation(
    asgi: httpx.AsyncClient, world: World, body: dict[str, Any], status: int, needle: str
) -> None:
    payload = {**WEEK, "assignable_id": world.project["id"], "user_id": world.user["id"], **body}
    payload = {k: v for k, v in payload.items() if v is not None}
    r = await asgi.post("/assignments", json=payload)
    assert r.status_code == status, r.text
    assert needle in r.json()["message"]


async def test_create_refuses_what_cannot_take_work(
    asgi: httpx.AsyncClient, world: World, sandbox: Any
) -> None:
    async def post(path: str = "/assignments", **body: Any) -> httpx.Response:
        return await asgi.post(path, json={**WEEK, **body})

    r = await post(assignable_id=world.project["id"], status_option_id=world.dead_option["id"])
    assert r.status_code == 422 and "deleted" in r.json()["message"]
    assert (await post(leave_id=world.project["id"])).status_code == 422
    assert (await post(project_id=world.leave["id"])).status_code == 422
    r = await post(assignable_id=world.project["id"], project_id=world.other_project["id"])
    assert r.status_code == 422

    archived = put(sandbox, "projects", models.project, name="Old", archived=True)
    r = await post(assignable_id=archived["id"])
    assert r.status_code == 422 and "archived" in r.json()["message"]
    old_phase = put(sandbox, "projects", models.project, name="Old", parent_id=archived["id"])
    assert (await post(assignable_id=old_phase["id"])).status_code == 422
    r = await post(f"/projects/{archived['id']}/assignments")
    assert r.status_code == 422

    gone = put(sandbox, "users", models.user, first_name="Gone", deleted=True)
    assert (await post(assignable_id=world.project["id"], user_id=gone["id"])).status_code == 422
    r = await post(f"/users/{gone['id']}/assignments", assignable_id=world.project["id"])
    assert r.status_code == 422


async def test_nested_create_paths_check_their_parent(
    asgi: httpx.AsyncClient, world: World
) -> None:
    user_path = f"/users/{world.user['id']}/assignments"
    r = await asgi.post(
        user_path,
        json={**WEEK, "assignable_id": world.project["id"], "user_id": world.other_user["id"]},
    )
    assert r.status_code == 422 and "user_id" in r.json()["message"]
    same = await create(
        asgi, user_path, assignable_id=world.project["id"], user_id=world.user["id"]
    )
    assert same["user_id"] == world.user["id"]

    project_path = f"/projects/{world.project['id']}/assignments"
    r = await asgi.post(project_path, json={**WEEK, "assignable_id": world.other_project["id"]})
    assert r.status_code == 422 and "project" in r.json()["message"]
    assert (await asgi.post("/users/999999/assignments", json=WEEK)).status_code == 404
    assert (await asgi.post("/projects/999999/assignments", json=WEEK)).status_code == 404


# -- listing -------------------------------------------------------------------------


async def test_lists_by_path_dates_and_phases(asgi: httpx.AsyncClient, world: World) -> None:
    u, p = world.user["id"], world.project["id"]
    on_project = await create(asgi, user_id=u, assignable_id=p)
    on_phase = await create(asgi, user_id=u, assignable_id=world.phase["id"])
    leave = await create(asgi, user_id=u, leave_id=world.leave["id"])
    later = await create(
        asgi, user_id=u, assignable_id=p, starts_at="2027-01-04", ends_at="2027-01-08"
    )
    other = await create(asgi, user_id=world.other_user["id"], assignable_id=p)
    for_placeholder = await create(
        asgi, user_id=world.placeholder["id"], assignable_id=world.phase["id"]
    )

    everything = await ids(asgi, "/assignments")
    assert on_project["id"] in everything and on_phase["id"] not in everything
    assert on_phase["id"] in await ids(asgi, "/assignments", with_phases="true")

    mine = await ids(asgi, f"/users/{u}/assignments")
    assert mine == [on_project["id"], leave["id"], later["id"]]
    assert await ids(asgi, f"/users/{u}/assignments", with_phases="true") == [
        on_project["id"],
        on_phase["id"],
        leave["id"],
        later["id"],
    ]
    assert await ids(asgi, f"/users/{u}/assignments", **{"from": "2026-12-01"}) == [later["id"]]
    assert await ids(asgi, f"/users/{u}/assignments", to="2026-11-23") == [
        on_project["id"],
        leave["id"],
    ]
    assert await ids(
        asgi, f"/users/{u}/assignments", **{"from": "2026-11-27"}, to="2026-11-27"
    ) == [on_project["id"], leave["id"]]
    assert not await ids(asgi, f"/users/{u}/assignments", **{"from": "2026-11-28"}, to="2027-01-03")

    assert await ids(asgi, f"/projects/{p}/assignments") == [
        on_project["id"],
        later["id"],
        other["id"],
    ]
    with_phases = await ids(asgi, f"/projects/{p}/assignments", with_phases="true")
    assert on_phase["id"] in with_phases and for_placeholder["id"] in with_phases
    assert await ids(asgi, f"/projects/{world.phase['id']}/assignments") == [
        on_phase["id"],
        for_placeholder["id"],
    ]
    assert await ids(asgi, f"/placeholder_resources/{world.placeholder['id']}/assignments") == [
        for_placeholder["id"]
    ]

    assert (await asgi.get("/assignments", params={"from": "soon"})).status_code == 400
    assert (await asgi.get("/users/999999/assignments")).status_code == 404
    assert (await asgi.get("/projects/999999/assignments")).status_code == 404
    assert (await asgi.get("/placeholder_resources/999999/assignments")).status_code == 404


async def test_paging_a_users_assignments_to_the_end(asgi: httpx.AsyncClient, world: World) -> None:
    made = [
        (await create(asgi, user_id=world.user["id"], assignable_id=world.project["id"]))["id"]
        for _ in range(7)
    ]
    r = await asgi.get(f"/users/{world.user['id']}/assignments", params={"per_page": 3})
    seen = []
    while True:
        body = r.json()
        seen += [d["id"] for d in body["data"]]
        assert len(body["data"]) <= 3
        if body["paging"]["next"] is None:
            break
        assert f"user_id={world.user['id']}" in body["paging"]["next"]
        r = await asgi.get(ROOT + body["paging"]["next"])
    assert seen == made


async def test_subtask_counts(asgi: httpx.AsyncClient, world: World) -> None:
    p = world.project["id"]
    doc = await create(
        asgi,
        assignable_id=p,
        subtasks=[
            {"description": "a", "completed": True},
            {"description": "b", "completed": "true"},
            {"description": "c"},
        ],
    )
    bare = await create(asgi, assignable_id=p)
    r = await asgi.get(f"/projects/{p}/assignments", params={"fields": "subtasks_counts"})
    by_id = {d["id"]: d for d in r.json()["data"]}
    assert by_id[doc["id"]]["subtask_counts"] == {"completed": 2, "total": 3}
    assert by_id[bare["id"]]["subtask_counts"] == {"completed": 0, "total": 0}
    plain = (await asgi.get(f"/projects/{p}/assignments")).json()["data"]
    assert all("subtask_counts" not in d for d in plain)


# -- show, update, delete through each path ------------------------------------------------


async def test_show_through_each_path_and_404_on_the_wrong_parent(
    asgi: httpx.AsyncClient, world: World
) -> None:
    doc = await create(asgi, user_id=world.user["id"], assignable_id=world.phase["id"])
    a = doc["id"]
    assert (await asgi.get(f"/users/{world.user['id']}/assignments/{a}")).json() == doc
    assert (await asgi.get(f"/projects/{world.project['id']}/assignments/{a}")).json() == doc
    assert (await asgi.get(f"/projects/{world.phase['id']}/assignments/{a}")).json() == doc
    for path in (
        f"/users/{world.other_user['id']}/assignments/{a}",
        f"/projects/{world.other_project['id']}/assignments/{a}",
        "/assignments/999999",
        f"/users/{world.user['id']}/assignments/999999",
    ):
        r = await asgi.get(path)
        assert r.status_code == 404, path
        assert r.json()["message"].endswith("not found")
    for method in ("PUT", "DELETE"):
        r = await asgi.request(
            method, f"/users/{world.other_user['id']}/assignments/{a}", json={"percent": 0.5}
        )
        assert r.status_code == 404
        r = await asgi.request(
            method, f"/projects/{world.other_project['id']}/assignments/{a}", json={}
        )
        assert r.status_code == 404
    assert (await asgi.get(f"/assignments/{a}")).json() == doc


async def test_update_switches_mode_and_drops_the_other_field(
    asgi: httpx.AsyncClient, world: World
) -> None:
    doc = await create(asgi, user_id=world.user["id"], assignable_id=world.project["id"])
    url = f"/assignments/{doc['id']}"
    r = await asgi.put(url, json={"allocation_mode": "hours_per_day", "hours_per_day": 6})
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["allocation_mode"] == "hours_per_day" and new["hours_per_day"] == 6.0
    assert "percent" not in new
    assert new["updated_at"] > doc["updated_at"] and new["created_at"] == doc["created_at"]

    r = await asgi.put(url, data={"hours_per_day": "7"})
    assert r.json()["hours_per_day"] == 7.0
    assert (await asgi.put(url, json={"percent": 0.5})).status_code == 422
    r = await asgi.put(url, json={"allocation_mode": "fixed"})
    assert r.status_code == 400
    r = await asgi.put(url, json={"allocation_mode": "percent"})
    assert r.json()["percent"] == 1.0 and "hours_per_day" not in r.json()

    r = await asgi.put(url, json={"ends_at": "2026-11-30", "status_option_id": world.option["id"]})
    assert r.json()["ends_at"] == "2026-11-30"
    assert r.json()["starts_at"] == "2026-11-23"
    assert r.json()["status_option_id"] == world.option["id"]
    assert (await asgi.put(url, json={"ends_at": "2026-11-01"})).status_code == 422
    r = await asgi.put(url, json={"status_option_id": None, "description": "rename"})
    assert r.json()["status_option_id"] is None and r.json()["description"] == "rename"
    stored = (await asgi.get(url)).json()
    assert stored["description"] == "rename" and stored["ends_at"] == "2026-11-30"


async def test_update_through_nested_paths(asgi: httpx.AsyncClient, world: World) -> None:
    doc = await create(
        asgi,
        user_id=world.user["id"],
        assignable_id=world.project["id"],
        subtasks=[{"description": "follow me"}],
    )
    a = doc["id"]
    by_user = f"/users/{world.user['id']}/assignments/{a}"
    r = await asgi.put(by_user, json={"percent": 0.5})
    assert r.status_code == 200 and r.json()["percent"] == 0.5
    r = await asgi.put(by_user, json={"user_id": world.other_user["id"]})
    assert r.status_code == 422

    by_project = f"/projects/{world.project['id']}/assignments/{a}"
    r = await asgi.put(by_project, json={"assignable_id": world.other_project["id"]})
    assert r.status_code == 422
    r = await asgi.put(by_project, json={"assignable_id": world.phase["id"]})
    assert r.status_code == 200 and r.json()["assignable_id"] == world.phase["id"]
    subtasks = await asgi.get(f"/projects/{world.phase['id']}/assignments/{a}/subtasks")
    assert [s["assignable_id"] for s in subtasks.json()["data"]] == [world.phase["id"]]

    r = await asgi.put(f"/assignments/{a}", json={"leave_id": world.leave["id"]})
    assert r.status_code == 422 and "subtasks" in r.json()["message"]

    r = await asgi.put(f"/assignments/{a}", json={"user_id": world.other_user["id"]})
    assert r.json()["user_id"] == world.other_user["id"]
    assert (await asgi.get(by_user)).status_code == 404


@pytest.mark.parametrize("how", ["plain", "user", "project"])
async def test_delete_through_each_path_takes_the_subtasks(
    asgi: httpx.AsyncClient, world: World, sandbox: Any, how: str
) -> None:
    doc = await create(
        asgi,
        user_id=world.user["id"],
        assignable_id=world.project["id"],
        subtasks=[{"description": "one"}, {"description": "two"}],
    )
    a = doc["id"]
    path = {
        "plain": f"/assignments/{a}",
        "user": f"/users/{world.user['id']}/assignments/{a}",
        "project": f"/projects/{world.project['id']}/assignments/{a}",
    }[how]
    assert (await asgi.delete(path)).status_code == 204
    assert (await asgi.get(f"/assignments/{a}")).status_code == 404
    assert sandbox.db.count("subtasks", "assignment_id = ?", (a,)) == 0
    assert (await asgi.delete(path)).status_code == 404


# -- subtasks --------------------------------------------------------------------------


async def test_subtask_crud_records_who_and_when(
    asgi: httpx.AsyncClient, world: World, sandbox: Any
) -> None:
    for u in sandbox.db.query("users"):
        sandbox.db.put("users", {**u, "account_owner": False})
    owner = put(sandbox, "users", models.user, first_name="Boss", account_owner=True)
    doc = await create(asgi, user_id=world.user["id"], assignable_id=world.project["id"])
    base = f"/projects/{world.project['id']}/assignments/{doc['id']}/subtasks"

    r = await asgi.post(base, json={"description": "Create wireframe", "completed": True})
    assert r.status_code == 200, r.text
    sub = r.json()
    assert sub["description"] == "Create wireframe" and sub["completed"] is True
    assert sub["updated_by"] == owner["id"] and sub["assignment_id"] == doc["id"]
    assert sub["created_at"] == sub["updated_at"]
    r = await asgi.post(base, data={"description": "From a form"})
    assert r.status_code == 200 and r.json()["completed"] is False
    second = r.json()

    assert (await asgi.get(f"{base}/{sub['id']}")).json() == sub
    listing = (await asgi.get(base, params={"per_page": 1})).json()
    assert [s["id"] for s in listing["data"]] == [sub["id"]]
    assert listing["paging"]["next"] is not None

    r = await asgi.put(f"{base}/{sub['id']}", json={"completed": False})
    assert r.status_code == 200
    updated = r.json()
    assert updated["completed"] is False and updated["description"] == "Create wireframe"
    assert updated["updated_at"] > sub["updated_at"]
    assert updated["updated_by"] == owner["id"]
    r = await asgi.put(f"{base}/{sub['id']}", data={"description": "Renamed", "completed": "1"})
    assert (r.json()["description"], r.json()["completed"]) == ("Renamed", True)

    assert (await asgi.delete(f"{base}/{sub['id']}")).status_code == 204
    assert (await asgi.get(f"{base}/{sub['id']}")).status_code == 404
    assert [s["id"] for s in (await asgi.get(base)).json()["data"]] == [second["id"]]


async def test_subtask_updated_by_falls_back_to_an_administrator(
    asgi: httpx.AsyncClient, world: World, sandbox: Any
) -> None:
    for u in sandbox.db.query("users"):
        sandbox.db.put("users", {**u, "account_owner": False, "user_type_id": 3})
    admin = put(sandbox, "users", models.user, first_name="Admin", user_type_id=1)
    doc = await create(asgi, assignable_id=world.project["id"], subtasks=[{"description": "x"}])
    assert doc["subtasks"]["data"][0]["updated_by"] == admin["id"]

    sandbox.db.put("users", {**admin, "user_type_id": 3})
    doc = await create(asgi, assignable_id=world.project["id"], subtasks=[{"description": "y"}])
    assert doc["subtasks"]["data"][0]["updated_by"] is None


async def test_subtask_validation_and_wrong_parents(asgi: httpx.AsyncClient, world: World) -> None:
    doc = await create(asgi, assignable_id=world.project["id"])
    elsewhere = await create(asgi, assignable_id=world.other_project["id"])
    base = f"/projects/{world.project['id']}/assignments/{doc['id']}/subtasks"
    sub = (await asgi.post(base, json={"description": "ok"})).json()

    assert (await asgi.post(base, json={})).status_code == 400
    assert (await asgi.post(base, json={"description": ""})).status_code == 400
    r = await asgi.post(base, json={"description": "x" * 256})
    assert r.status_code == 422 and "description" in r.json()["message"]
    assert (
        await asgi.post(base, json={"description": "x", "completed": "maybe"})
    ).status_code == 400
    assert (await asgi.put(f"{base}/{sub['id']}", json={"description": " "})).status_code == 400

    wrong_project = f"/projects/{world.other_project['id']}/assignments/{doc['id']}/subtasks"
    assert (await asgi.get(wrong_project)).status_code == 404
    assert (await asgi.post(wrong_project, json={"description": "x"})).status_code == 404
    assert (await asgi.get(f"{wrong_project}/{sub['id']}")).status_code == 404
    other_base = f"/projects/{world.other_project['id']}/assignments/{elsewhere['id']}/subtasks"
    for method in ("GET", "PUT", "DELETE"):
        r = await asgi.request(method, f"{other_base}/{sub['id']}", json={"completed": True})
        assert r.status_code == 404, method
        assert r.json()["message"] == "Subtask not found"
    assert (await asgi.get("/projects/999999/assignments/1/subtasks")).status_code == 404
    assert (await asgi.get(f"/projects/{world.project['id']}/assignments/999999/subtasks")).json()[
        "message"
    ] == "Assignment not found"
    assert (await asgi.get(f"{base}/{sub['id']}")).json() == sub


# -- over real HTTP ----------------------------------------------------------------------


def test_assignment_and_subtask_round_trip_over_http(fresh_server: RunningSandbox) -> None:
    with fresh_server.api() as api:
        project = api.post("/projects", json={"name": "Wire"}).json()
        r = api.post(
            "/assignments",
            json={**WEEK, "assignable_id": project["id"], "subtasks": [{"description": "one"}]},
        )
        assert r.status_code == 200, r.text
        a = r.json()
        base = f"/projects/{project['id']}/assignments/{a['id']}/subtasks"
        sub = a["subtasks"]["data"][0]
        r = api.put(f"{base}/{sub['id']}", data={"completed": "true"})
        assert r.status_code == 200 and r.json()["completed"] is True
        counts = api.get(
            f"/projects/{project['id']}/assignments", params={"fields": "subtasks_counts"}
        ).json()["data"]
        assert counts[0]["subtask_counts"] == {"completed": 1, "total": 1}
        assert api.delete(f"/assignments/{a['id']}").status_code == 204
        assert api.get(base).status_code == 404
