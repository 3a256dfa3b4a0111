"""The emulator's people: users, tags, availabilities, statuses, placeholders, custom fields."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tenktui.sandbox import models
from tests.conftest import RunningSandbox

# -- helpers -------------------------------------------------------------------------


async def make_user(asgi: httpx.AsyncClient, first: str, last: str, **extra: Any) -> dict:
    body = {"first_name": first, "last_name": last, "email": f"{first}.{last}@example.com".lower()}
    r = await asgi.post("/users", json={**body, **extra})
    assert r.status_code == 200, r.text
    return r.json()


async def make_placeholder(asgi: httpx.AsyncClient, title: str, **extra: Any) -> dict:
    r = await asgi.post("/placeholder_resources", json={"title": title, **extra})
    assert r.status_code == 200, r.text
    return r.json()


async def all_users(asgi: httpx.AsyncClient, **params: Any) -> list[dict]:
    r = await asgi.get("/users", params={"per_page": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def put_project(sandbox, name: str, parent_id: int | None = None) -> dict:
    db = sandbox.db
    return db.put(
        "projects", models.project(db.next_id(), sandbox.now(), name=name, parent_id=parent_id)
    )


def put_assignment(sandbox, user_id: int, assignable_id: int) -> dict:
    db = sandbox.db
    doc = models.assignment(
        db.next_id(), sandbox.now(), user_id=user_id, assignable_id=assignable_id
    )
    return db.put("assignments", doc)


# -- users: list, sort, archive, placeholders ----------------------------------------


async def test_create_user_fills_documented_defaults(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Ada", "Lovelace")
    assert user["display_name"] == "Ada Lovelace"
    assert user["email"] == "ada.lovelace@example.com"
    assert user["user_type_id"] == 3
    assert user["license_type"] == "licensed"
    assert user["archived"] is False and user["archived_at"] is None
    assert user["type"] == "User"
    assert user["created_at"] and user["created_at"] == user["updated_at"]
    shown = await asgi.get(f"/users/{user['id']}")
    assert shown.json() == user


NEW = {"first_name": "X", "last_name": "Y", "email": "x@e.com"}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"last_name": "X", "email": "x@example.com"}, 400, "first_name"),
        ({"first_name": "X", "email": "x@example.com"}, 400, "last_name"),
        ({"first_name": "X", "last_name": "Y"}, 400, "email"),
        ({**NEW, "email": "not-an-email"}, 422, "email"),
        ({**NEW, "email": "ME@example.com"}, 422, "already"),
        ({**NEW, "user_type_id": 1}, 403, "admin"),
        ({**NEW, "hire_date": "1/2/26"}, 400, "hire_date"),
    ],
)
async def test_create_user_rejects_bad_input(
    asgi: httpx.AsyncClient, body: dict, status: int, words: str
) -> None:
    before = len(await all_users(asgi, with_archived="true"))
    r = await asgi.post("/users", json=body)
    assert r.status_code == status
    assert words in r.json()["message"]
    assert len(await all_users(asgi, with_archived="true")) == before


async def test_unknown_user_is_404_everywhere(asgi: httpx.AsyncClient) -> None:
    for path in (
        "/users/999999",
        "/users/999999/tags",
        "/users/999999/statuses",
        "/users/999999/availabilities",
        "/users/999999/custom_field_values",
    ):
        r = await asgi.get(path)
        assert r.status_code == 404, path
        assert r.json()["message"] == "User not found"
    assert (await asgi.put("/users/999999", json={"last_name": "X"})).status_code == 404
    assert (await asgi.delete("/users/999999")).status_code == 404


async def test_update_user_changes_editable_fields_and_ignores_others(
    asgi: httpx.AsyncClient,
) -> None:
    user = await make_user(asgi, "Grace", "Murray")
    r = await asgi.put(
        f"/users/{user['id']}",
        json={
            "last_name": "Hopper",
            "hire_date": "2020-01-06",
            "user_type_id": 2,
            "role": "Senior",
            "account_owner": True,
            "guid": "forged",
            "no_such_key": 1,
        },
    )
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["last_name"] == "Hopper" and updated["display_name"] == "Grace Hopper"
    assert updated["hire_date"] == "2020-01-06"
    assert updated["user_type_id"] == 2 and updated["role"] == "Senior"
    assert updated["account_owner"] is False and updated["guid"] == user["guid"]
    assert "no_such_key" not in updated
    assert updated["updated_at"] > user["updated_at"]
    assert (await asgi.get(f"/users/{user['id']}")).json() == updated


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"user_type_id": 1}, 403, "API users cannot make administrators"),
        ({"user_type_id": 6}, 422, "user_type_id"),
        ({"user_type_id": "two"}, 400, "user_type_id"),
        ({"email": "nope"}, 422, "email"),
        ({"first_name": ""}, 400, "first_name"),
        ({"termination_date": "2026-13-01"}, 400, "termination_date"),
        ({"license_type": "free"}, 422, "license_type"),
    ],
)
async def test_update_user_rejects_bad_input(
    asgi: httpx.AsyncClient, body: dict, status: int, words: str
) -> None:
    user = await make_user(asgi, "Bad", "Input")
    r = await asgi.put(f"/users/{user['id']}", json=body)
    assert r.status_code == status
    assert words in r.json()["message"]
    assert (await asgi.get(f"/users/{user['id']}")).json() == user


async def test_archiving_hides_a_user_unless_with_archived(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Old", "Timer")
    r = await asgi.put(f"/users/{user['id']}", json={"archived": True})
    assert r.status_code == 200
    assert r.json()["archived"] is True and r.json()["archived_at"]
    assert user["id"] not in {u["id"] for u in await all_users(asgi)}
    assert user["id"] in {u["id"] for u in await all_users(asgi, with_archived="true")}
    # Still reachable directly, and unarchiving brings it back.
    assert (await asgi.get(f"/users/{user['id']}")).json()["archived"] is True
    r = await asgi.put(f"/users/{user['id']}", json={"archived": False})
    assert r.json()["archived"] is False and r.json()["archived_at"] is None
    assert user["id"] in {u["id"] for u in await all_users(asgi)}


async def test_account_owner_cannot_be_archived(sandbox, asgi: httpx.AsyncClient) -> None:
    owner = models.user(
        sandbox.db.next_id(), sandbox.now(), first_name="O", last_name="Wner", account_owner=True
    )
    sandbox.db.put("users", owner)
    r = await asgi.put(f"/users/{owner['id']}", json={"archived": "true"})
    assert r.status_code == 422
    assert "account owner" in r.json()["message"]
    assert (await asgi.get(f"/users/{owner['id']}")).json()["archived"] is False


async def test_users_cannot_be_deleted_only_archived(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Stay", "Put")
    r = await asgi.delete(f"/users/{user['id']}")
    assert r.status_code == 422
    assert "archive" in r.json()["message"]
    assert (await asgi.get(f"/users/{user['id']}")).status_code == 200


async def test_sort_by_name_and_date_both_ways(asgi: httpx.AsyncClient) -> None:
    for first, hired in (("Carol", "2021-03-01"), ("alice", None), ("Bob", "2019-05-01")):
        await make_user(asgi, first, "Sorted", **({"hire_date": hired} if hired else {}))

    def sorted_names(users: list[dict]) -> list[str]:
        return [u["first_name"] for u in users if u["last_name"] == "Sorted"]

    asc = await all_users(asgi, sort_field="first_name")
    assert sorted_names(asc) == ["alice", "Bob", "Carol"]
    desc = await all_users(asgi, sort_field="first_name", sort_order="descending")
    assert sorted_names(desc) == ["Carol", "Bob", "alice"]
    by_hire = await all_users(asgi, sort_field="hire_date", sort_order="ascending")
    assert sorted_names(by_hire) == ["Bob", "Carol", "alice"]  # no hire date: last
    by_created = await all_users(asgi, sort_field="created", sort_order="descending")
    ids = [u["id"] for u in by_created if u["last_name"] == "Sorted"]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize(
    ("params", "words"),
    [({"sort_field": "email"}, "sort_field"), ({"sort_order": "up"}, "sort_order")],
)
async def test_invalid_sort_is_400(asgi: httpx.AsyncClient, params: dict, words: str) -> None:
    r = await asgi.get("/users", params=params)
    assert r.status_code == 400
    assert words in r.json()["message"]


async def test_include_placeholders_lists_them_after_users(asgi: httpx.AsyncClient) -> None:
    placeholder = await make_placeholder(asgi, "Designer")
    await make_user(asgi, "Zed", "Later")
    plain = await all_users(asgi)
    assert all(u["type"] == "User" for u in plain)
    mixed = await all_users(asgi, include_placeholders="true", sort_field="first_name")
    types = [u["type"] for u in mixed]
    assert types[-1] == "PlaceholderResource"
    assert types.index("PlaceholderResource") == len(plain)
    assert mixed[-1]["id"] == placeholder["id"] and mixed[-1]["title"] == "Designer"


async def test_users_fields_nest_paged_sub_collections(sandbox, asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Tag", "Heavy")
    for value in ("python", "rust", "go"):
        assert (
            await asgi.post(f"/users/{user['id']}/tags", json={"value": value})
        ).status_code == 200
    project = put_project(sandbox, "Nested")
    assignment = put_assignment(sandbox, user["id"], project["id"])
    await asgi.post(f"/users/{user['id']}/availabilities", json={"day5": 4})

    r = await asgi.get(
        f"/users/{user['id']}",
        params={"fields": "tags,assignments,availabilities,custom_field_values", "per_page": 2},
    )
    assert r.status_code == 200
    shown = r.json()
    tags = shown["tags"]
    assert [t["value"] for t in tags["data"]] == ["python", "rust"]
    assert tags["paging"]["per_page"] == 2
    assert tags["paging"]["next"].startswith(f"/api/v1/users/{user['id']}/tags?")
    assert "page=2" in tags["paging"]["next"]
    assert [a["id"] for a in shown["assignments"]["data"]] == [assignment["id"]]
    assert shown["assignments"]["paging"]["next"] is None
    assert shown["availabilities"]["data"][0]["day5"] == 4
    assert shown["custom_field_values"]["data"] == []

    # The same sub-collections on the list, with the list's page size.
    listed = await asgi.get("/users", params={"fields": "tags", "per_page": 2, "with_archived": 1})
    for person in listed.json()["data"]:
        assert "tags" in person and person["tags"]["paging"]["per_page"] == 2
    # Following the nested next link gives the overflow.
    more = await asgi.get(tags["paging"]["next"].removeprefix("/api/v1"))
    assert [t["value"] for t in more.json()["data"]] == ["go"]


async def test_without_fields_no_sub_collections(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Plain", "User")
    shown = (await asgi.get(f"/users/{user['id']}")).json()
    assert not {"tags", "assignments", "availabilities", "custom_field_values"} & shown.keys()


# -- tags ------------------------------------------------------------------------------


async def test_tag_attach_is_find_or_create_and_links_once(asgi: httpx.AsyncClient) -> None:
    a = await make_user(asgi, "Tagged", "One")
    b = await make_user(asgi, "Tagged", "Two")
    first = (await asgi.post(f"/users/{a['id']}/tags", json={"value": "Awesome"})).json()
    again = (await asgi.post(f"/users/{a['id']}/tags", data={"value": "Awesome"})).json()
    other = (await asgi.post(f"/users/{b['id']}/tags", json={"value": "Awesome"})).json()
    assert set(first) == {"id", "value"} and first["value"] == "Awesome"
    assert first == again == other
    listed = (await asgi.get(f"/users/{a['id']}/tags")).json()
    assert listed["data"] == [first]
    assert f"/api/v1/users/{a['id']}/tags?" in listed["paging"]["self"]


async def test_detaching_a_tag_keeps_it_in_the_account(asgi: httpx.AsyncClient) -> None:
    a = await make_user(asgi, "Detach", "One")
    b = await make_user(asgi, "Detach", "Two")
    tag = (await asgi.post(f"/users/{a['id']}/tags", json={"value": "temp"})).json()
    r = await asgi.delete(f"/users/{a['id']}/tags/{tag['id']}")
    assert r.status_code == 204
    assert (await asgi.get(f"/users/{a['id']}/tags")).json()["data"] == []
    assert (await asgi.delete(f"/users/{a['id']}/tags/{tag['id']}")).status_code == 404
    # Attaching the same value elsewhere finds the same tag.
    again = (await asgi.post(f"/users/{b['id']}/tags", json={"value": "temp"})).json()
    assert again["id"] == tag["id"]


async def test_tag_needs_a_value(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "No", "Value")
    r = await asgi.post(f"/users/{user['id']}/tags", json={"value": "  "})
    assert r.status_code == 400
    assert "value" in r.json()["message"]


# -- availabilities --------------------------------------------------------------------


async def test_availability_crud(sandbox, asgi: httpx.AsyncClient) -> None:
    sandbox.db.set_setting("work_week", [0, 7, 7, 7, 7, 7, 0])
    user = await make_user(asgi, "Part", "Timer")
    base = f"/users/{user['id']}/availabilities"
    r = await asgi.post(base, json={"starts_at": "2026-12-01", "day5": 0, "day3": 4.5})
    assert r.status_code == 200, r.text
    block = r.json()
    assert block["user_id"] == user["id"] and block["starts_at"] == "2026-12-01"
    assert block["ends_at"] is None
    assert [block[f"day{d}"] for d in range(7)] == [0, 7, 7, 4.5, 7, 0, 0]
    assert (await asgi.get(f"{base}/{block['id']}")).json() == block

    r = await asgi.put(f"{base}/{block['id']}", json={"ends_at": "2027-01-31", "day1": 6})
    assert r.status_code == 200
    assert r.json()["ends_at"] == "2027-01-31" and r.json()["day1"] == 6
    assert r.json()["updated_at"] > block["updated_at"]
    assert [b["id"] for b in (await asgi.get(base)).json()["data"]] == [block["id"]]

    assert (await asgi.delete(f"{base}/{block['id']}")).status_code == 204
    assert (await asgi.get(f"{base}/{block['id']}")).status_code == 404
    assert (await asgi.get(base)).json()["data"] == []


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"day1": 25}, 422, "day1"),
        ({"day0": -1}, 422, "day0"),
        ({"day2": "lots"}, 400, "day2"),
        ({"starts_at": "2026-02-30"}, 400, "starts_at"),
        ({"ends_at": "soon"}, 400, "ends_at"),
        ({"starts_at": "2026-06-02", "ends_at": "2026-06-01"}, 422, "ends_at"),
    ],
)
async def test_availability_validation(
    asgi: httpx.AsyncClient, body: dict, status: int, words: str
) -> None:
    user = await make_user(asgi, "Avail", "Checker")
    r = await asgi.post(f"/users/{user['id']}/availabilities", json=body)
    assert r.status_code == status
    assert words in r.json()["message"]
    assert (await asgi.get(f"/users/{user['id']}/availabilities")).json()["data"] == []


async def test_availability_of_another_user_is_404(asgi: httpx.AsyncClient) -> None:
    a = await make_user(asgi, "Avail", "Owner")
    b = await make_user(asgi, "Avail", "Stranger")
    block = (await asgi.post(f"/users/{a['id']}/availabilities", json={})).json()
    path = f"/users/{b['id']}/availabilities/{block['id']}"
    assert (await asgi.get(path)).status_code == 404
    assert (await asgi.put(path, json={"day1": 1})).status_code == 404
    assert (await asgi.delete(path)).status_code == 404


async def test_put_availability_cannot_end_before_it_starts(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Avail", "Range")
    base = f"/users/{user['id']}/availabilities"
    block = (await asgi.post(base, json={"starts_at": "2026-06-01"})).json()
    r = await asgi.put(f"{base}/{block['id']}", json={"ends_at": "2026-05-31"})
    assert r.status_code == 422
    assert (await asgi.get(f"{base}/{block['id']}")).json()["ends_at"] is None


# -- statuses ------------------------------------------------------------------------


async def test_statuses_are_listed_newest_first(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Status", "Setter")
    base = f"/users/{user['id']}/statuses"
    made = []
    for code in ("ITO", "WFH", "VAC"):
        r = await asgi.post(base, data={"status": code})
        assert r.status_code == 200, r.text
        made.append(r.json())
    listed = (await asgi.get(base)).json()["data"]
    assert [s["status"] for s in listed] == ["VAC", "WFH", "ITO"]
    current = (await asgi.get(base, params={"per_page": 1})).json()
    assert [s["id"] for s in current["data"]] == [made[-1]["id"]]
    assert current["paging"]["next"] is not None


async def test_status_carries_its_optional_fields(sandbox, asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Status", "Detail")
    project = put_project(sandbox, "Status project")
    r = await asgi.post(
        f"/users/{user['id']}/statuses",
        json={
            "status": "OOO",
            "assignable_id": project["id"],
            "current_task": "Site visit",
            "message": "m" * 255,
            "end": "2026-11-27",
        },
    )
    assert r.status_code == 200, r.text
    status = r.json()
    assert status["user_id"] == user["id"] and status["status"] == "OOO"
    assert status["assignable_id"] == project["id"]
    assert status["current_task"] == "Site visit" and len(status["message"]) == 255
    assert status["end"] == "2026-11-27"
    assert status["created_at"] and status["updated_at"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"status": "BUSY"}, 422, "ITO, WFH, SIC, OOO, VAC, OOF"),
        ({"status": "ito"}, 422, "ITO"),
        ({}, 400, "status"),
        ({"status": "ITO", "message": "m" * 256}, 422, "256"),
        ({"status": "ITO", "assignable_id": 987654}, 422, "987654"),
        ({"status": "ITO", "assignable_id": "x"}, 400, "assignable_id"),
        ({"status": "ITO", "end": "tomorrow"}, 400, "end"),
    ],
)
async def test_status_validation(
    asgi: httpx.AsyncClient, body: dict, status: int, words: str
) -> None:
    user = await make_user(asgi, "Status", "Invalid")
    r = await asgi.post(f"/users/{user['id']}/statuses", json=body)
    assert r.status_code == status
    assert words in r.json()["message"]
    assert (await asgi.get(f"/users/{user['id']}/statuses")).json()["data"] == []


async def test_placeholders_have_no_statuses_tags_or_availabilities(
    asgi: httpx.AsyncClient,
) -> None:
    placeholder = await make_placeholder(asgi, "Ghost")
    pid = placeholder["id"]
    assert (await asgi.get(f"/users/{pid}")).status_code == 404
    assert (await asgi.get(f"/users/{pid}/statuses")).status_code == 404
    assert (await asgi.post(f"/users/{pid}/statuses", json={"status": "ITO"})).status_code == 404
    assert (await asgi.post(f"/users/{pid}/tags", json={"value": "x"})).status_code == 404
    assert (await asgi.get(f"/users/{pid}/availabilities")).status_code == 404


# -- placeholders ----------------------------------------------------------------------


async def test_placeholder_crud_and_soft_delete(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Real", "Person")
    placeholder = await make_placeholder(asgi, "Designer", role="Senior", location="Remote")
    assert placeholder["type"] == "PlaceholderResource"
    assert placeholder["role"] == "Senior" and placeholder["location"] == "Remote"
    assert placeholder["discipline"] is None and placeholder["deleted_at"] is None
    assert placeholder["id"] > user["id"]  # one id sequence for every kind
    path = f"/placeholder_resources/{placeholder['id']}"

    r = await asgi.put(path, data={"title": "Senior Designer", "discipline": "UX"})
    assert r.status_code == 200
    assert r.json()["title"] == "Senior Designer" and r.json()["discipline"] == "UX"
    assert r.json()["role"] == "Senior"
    assert (await asgi.get(path)).json() == r.json()

    assert (await asgi.delete(path)).status_code == 204
    assert (await asgi.get(path)).status_code == 404
    deleted = (await asgi.get(path, params={"with_deleted": "true"})).json()
    assert deleted["deleted_at"] is not None
    listed = (await asgi.get("/placeholder_resources")).json()["data"]
    assert placeholder["id"] not in {p["id"] for p in listed}
    with_deleted = (await asgi.get("/placeholder_resources", params={"with_deleted": 1})).json()
    assert placeholder["id"] in {p["id"] for p in with_deleted["data"]}
    # Deleted placeholders are not people any more.
    people = await all_users(asgi, include_placeholders="true")
    assert placeholder["id"] not in {p["id"] for p in people}
    assert (await asgi.put(path, json={"title": "Back"})).status_code == 404
    assert (await asgi.delete(path)).status_code == 404


async def test_placeholder_needs_a_title(asgi: httpx.AsyncClient) -> None:
    r = await asgi.post("/placeholder_resources", json={"role": "Senior"})
    assert r.status_code == 400
    assert "title" in r.json()["message"]
    placeholder = await make_placeholder(asgi, "Titled")
    r = await asgi.put(f"/placeholder_resources/{placeholder['id']}", json={"title": ""})
    assert r.status_code == 400
    assert (await asgi.get("/placeholder_resources/999999")).status_code == 404


async def test_placeholder_fields_nest_assignments(sandbox, asgi: httpx.AsyncClient) -> None:
    placeholder = await make_placeholder(asgi, "Planner")
    project = put_project(sandbox, "Planned")
    assignment = put_assignment(sandbox, placeholder["id"], project["id"])
    r = await asgi.get(
        f"/placeholder_resources/{placeholder['id']}",
        params={"fields": "assignments,custom_field_values"},
    )
    shown = r.json()
    assert [a["id"] for a in shown["assignments"]["data"]] == [assignment["id"]]
    assert shown["assignments"]["paging"]["self"].startswith(
        f"/api/v1/placeholder_resources/{placeholder['id']}/assignments?"
    )
    assert shown["custom_field_values"]["data"] == []
    listed = await asgi.get("/placeholder_resources", params={"fields": "assignments"})
    mine = next(p for p in listed.json()["data"] if p["id"] == placeholder["id"])
    assert mine["assignments"]["data"][0]["id"] == assignment["id"]


# -- users on a project ----------------------------------------------------------------


async def test_project_users_come_from_assignments(sandbox, asgi: httpx.AsyncClient) -> None:
    on_project = await make_user(asgi, "On", "Project")
    on_phase = await make_user(asgi, "On", "Phase")
    archived = await make_user(asgi, "Was", "There")
    await make_user(asgi, "Not", "Assigned")
    placeholder = await make_placeholder(asgi, "Future hire")
    project = put_project(sandbox, "Apollo")
    phase = put_project(sandbox, "Apollo design", parent_id=project["id"])
    put_assignment(sandbox, on_project["id"], project["id"])
    put_assignment(sandbox, on_project["id"], phase["id"])  # listed once
    put_assignment(sandbox, on_phase["id"], phase["id"])
    put_assignment(sandbox, archived["id"], project["id"])
    put_assignment(sandbox, placeholder["id"], project["id"])
    await asgi.put(f"/users/{archived['id']}", json={"archived": True})
    path = f"/projects/{project['id']}/users"

    async def ids(**params: Any) -> list[int]:
        r = await asgi.get(path, params=params)
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()["data"]]

    assert await ids() == [on_project["id"]]
    assert await ids(with_phases="true") == [on_project["id"], on_phase["id"]]
    assert await ids(with_phases="true", sort_field="last_name", sort_order="descending") == [
        on_project["id"],
        on_phase["id"],
    ]
    assert await ids(with_archived="true") == [on_project["id"], archived["id"]]
    assert await ids(include_placeholders="true") == [on_project["id"], placeholder["id"]]
    r = await asgi.get(path, params={"fields": "assignments"})
    assert len(r.json()["data"][0]["assignments"]["data"]) == 2
    assert (await asgi.get("/projects/999999/users")).status_code == 404
    assert (await asgi.get(path, params={"sort_field": "nope"})).status_code == 400


# -- custom fields -----------------------------------------------------------------------


async def make_field(asgi: httpx.AsyncClient, **body: Any) -> dict:
    r = await asgi.post("/custom_fields", json=body)
    assert r.status_code == 200, r.text
    return r.json()


async def test_custom_field_crud(asgi: httpx.AsyncClient) -> None:
    field = await make_field(
        asgi,
        name="Skills",
        namespace="users",
        data_type="multiple_choice_selection_list",
        options=["Python", "Ruby", "UX"],
        is_visible_as_filter=True,
    )
    assert field["options"] == ["Python", "Ruby", "UX"]
    assert field["is_visible_on_info_page"] is True and field["is_visible_as_filter"] is True
    project_field = await make_field(asgi, name="Code", namespace="assignables", data_type="string")
    users_fields = (await asgi.get("/custom_fields", params={"namespace": "users"})).json()["data"]
    assignables = (await asgi.get("/custom_fields", params={"namespace": "assignables"})).json()
    # The demo seed has fields of its own: each new field is listed in its namespace only.
    user_ids = {f["id"] for f in users_fields}
    assignable_ids = {f["id"] for f in assignables["data"]}
    assert field["id"] in user_ids and field["id"] not in assignable_ids
    assert project_field["id"] in assignable_ids and project_field["id"] not in user_ids
    assert all(f["namespace"] == "users" for f in users_fields)

    path = f"/custom_fields/{field['id']}"
    r = await asgi.put(
        path, json={"name": "Skill set", "options": ["Python", "Go"], "namespace": "assignables"}
    )
    assert r.status_code == 200
    assert r.json()["name"] == "Skill set" and r.json()["options"] == ["Python", "Go"]
    assert r.json()["namespace"] == "users"  # read-only
    assert (await asgi.get(path)).json() == r.json()
    assert (await asgi.delete(path)).status_code == 204
    assert (await asgi.get(path)).status_code == 404


LIST = {"name": "X", "namespace": "users", "data_type": "selection_list"}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"namespace": "users", "data_type": "string"}, 400, "name"),
        ({"name": "X", "namespace": "teams", "data_type": "string"}, 422, "namespace"),
        ({"name": "X", "namespace": "users", "data_type": "number"}, 422, "data_type"),
        (LIST, 400, "options"),
        ({**LIST, "options": []}, 422, "options"),
        ({**LIST, "options": "a,b"}, 400, "options"),
        ({**LIST, "options": ["a"], "default_value": "b"}, 422, "default_value"),
    ],
)
async def test_custom_field_validation(
    asgi: httpx.AsyncClient, body: dict, status: int, words: str
) -> None:
    r = await asgi.post("/custom_fields", json=body)
    assert r.status_code == status
    assert words in r.json()["message"]


async def test_custom_field_list_needs_a_namespace(asgi: httpx.AsyncClient) -> None:
    r = await asgi.get("/custom_fields")
    assert r.status_code == 400 and "namespace" in r.json()["message"]
    assert (await asgi.get("/custom_fields", params={"namespace": "x"})).status_code == 400


async def test_removing_the_default_option_needs_a_new_default(asgi: httpx.AsyncClient) -> None:
    field = await make_field(
        asgi,
        name="Tier",
        namespace="users",
        data_type="selection_list",
        options=["Gold", "Silver"],
        default_value="Gold",
    )
    path = f"/custom_fields/{field['id']}"
    r = await asgi.put(path, json={"options": ["Silver", "Bronze"]})
    assert r.status_code == 422 and "default_value" in r.json()["message"]
    r = await asgi.put(path, json={"options": ["Silver", "Bronze"], "default_value": "Bronze"})
    assert r.status_code == 200 and r.json()["default_value"] == "Bronze"


async def test_string_and_selection_values_for_a_user(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Custom", "Valued")
    text = await make_field(asgi, name="Nickname", namespace="users", data_type="string")
    choice = await make_field(
        asgi, name="Team", namespace="users", data_type="selection_list", options=["Red", "Blue"]
    )
    base = f"/users/{user['id']}/custom_field_values"
    r = await asgi.post(base, json={"custom_field_id": text["id"], "value": "Cap"})
    assert r.status_code == 200, r.text
    value = r.json()
    assert value["user_id"] == user["id"] and value["custom_field_id"] == text["id"]
    assert value["value"] == "Cap"
    # A second POST for the same field updates the one value.
    again = (await asgi.post(base, json={"custom_field_id": text["id"], "value": "Chief"})).json()
    assert again["id"] == value["id"] and again["value"] == "Chief"

    r = await asgi.post(base, json={"custom_field_id": choice["id"], "value": "Green"})
    assert r.status_code == 422 and "Red, Blue" in r.json()["message"]
    r = await asgi.post(base, json={"custom_field_id": choice["id"], "value": ["Red", "Blue"]})
    assert r.status_code == 422 and "array" in r.json()["message"]
    team = (await asgi.post(base, json={"custom_field_id": choice["id"], "value": "Red"})).json()

    r = await asgi.put(f"{base}/{team['id']}", json={"value": "Blue"})
    assert r.status_code == 200 and r.json()["value"] == "Blue"
    assert r.json()["updated_at"] > team["updated_at"]
    assert (await asgi.put(f"{base}/{team['id']}", json={"value": "Pink"})).status_code == 422
    assert (await asgi.get(f"{base}/{team['id']}")).json()["value"] == "Blue"
    listed = (await asgi.get(base)).json()["data"]
    assert {(v["custom_field_id"], v["value"]) for v in listed} == {
        (text["id"], "Chief"),
        (choice["id"], "Blue"),
    }
    nested = await asgi.get(f"/users/{user['id']}", params={"fields": "custom_field_values"})
    assert len(nested.json()["custom_field_values"]["data"]) == 2


async def test_multiple_choice_post_replaces_the_set(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Multi", "Skilled")
    field = await make_field(
        asgi,
        name="Skills",
        namespace="users",
        data_type="multiple_choice_selection_list",
        options=["Python", "Ruby", "UX", "Go"],
    )
    base = f"/users/{user['id']}/custom_field_values"
    r = await asgi.post(base, json={"custom_field_id": field["id"], "value": ["Python", "Ruby"]})
    assert r.status_code == 200, r.text
    first = {v["value"]: v["id"] for v in r.json()["data"]}
    assert set(first) == {"Python", "Ruby"}
    r = await asgi.post(base, json={"custom_field_id": field["id"], "value": ["Ruby", "Go"]})
    second = {v["value"]: v["id"] for v in r.json()["data"]}
    assert set(second) == {"Ruby", "Go"}
    assert second["Ruby"] == first["Ruby"]  # kept, not recreated
    stored = {v["value"] for v in (await asgi.get(base)).json()["data"]}
    assert stored == {"Ruby", "Go"}
    r = await asgi.post(base, json={"custom_field_id": field["id"], "value": ["Ruby", "Cobol"]})
    assert r.status_code == 422
    assert {v["value"] for v in (await asgi.get(base)).json()["data"]} == {"Ruby", "Go"}
    # Changing one selected value to another that is already selected is refused.
    r = await asgi.put(f"{base}/{second['Go']}", json={"value": "Ruby"})
    assert r.status_code == 422


async def test_custom_field_value_errors(sandbox, asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Value", "Errors")
    other = await make_user(asgi, "Value", "Other")
    field = await make_field(asgi, name="Note", namespace="users", data_type="string")
    project_field = await make_field(asgi, name="Code", namespace="assignables", data_type="string")
    base = f"/users/{user['id']}/custom_field_values"
    r = await asgi.post(base, json={"custom_field_id": project_field["id"], "value": "x"})
    assert r.status_code == 422 and "assignables" in r.json()["message"]
    assert (
        await asgi.post(base, json={"custom_field_id": 987654, "value": "x"})
    ).status_code == 422
    assert (await asgi.post(base, json={"value": "x"})).status_code == 400
    assert (await asgi.post(base, json={"custom_field_id": field["id"]})).status_code == 400
    value = (await asgi.post(base, json={"custom_field_id": field["id"], "value": "x"})).json()
    stranger = f"/users/{other['id']}/custom_field_values/{value['id']}"
    assert (await asgi.get(stranger)).status_code == 404
    assert (await asgi.put(stranger, json={"value": "y"})).status_code == 404


async def test_project_custom_field_values(sandbox, asgi: httpx.AsyncClient) -> None:
    project = put_project(sandbox, "Valued project")
    field = await make_field(
        asgi,
        name="Region",
        namespace="assignables",
        data_type="selection_list",
        options=["EU", "US"],
    )
    base = f"/projects/{project['id']}/custom_field_values"
    r = await asgi.post(base, json={"custom_field_id": field["id"], "value": "EU"})
    assert r.status_code == 200, r.text
    value = r.json()
    assert value["assignable_id"] == project["id"] and value["project_id"] == project["id"]
    assert "user_id" not in value
    assert (await asgi.get(base)).json()["data"] == [value]
    assert (await asgi.get(f"{base}/{value['id']}")).json() == value
    r = await asgi.put(f"{base}/{value['id']}", json={"value": "US"})
    assert r.status_code == 200 and r.json()["value"] == "US"
    assert (await asgi.get("/projects/999999/custom_field_values")).status_code == 404
    # Deleting the field deletes its values.
    assert (await asgi.delete(f"/custom_fields/{field['id']}")).status_code == 204
    assert (await asgi.get(base)).json()["data"] == []


async def test_default_applied_to_existing_users(asgi: httpx.AsyncClient) -> None:
    user = await make_user(asgi, "Default", "Receiver")
    field = await make_field(
        asgi,
        name="Office",
        namespace="users",
        data_type="string",
        default_value="Seattle",
        apply_default_to_existing_objects=True,
    )
    values = (await asgi.get(f"/users/{user['id']}/custom_field_values")).json()["data"]
    assert [(v["custom_field_id"], v["value"]) for v in values] == [(field["id"], "Seattle")]
    assert "apply_default_to_existing_objects" not in field


async def test_placeholder_custom_field_values_use_its_id_as_user_id(
    asgi: httpx.AsyncClient,
) -> None:
    placeholder = await make_placeholder(asgi, "Valued ghost")
    field = await make_field(asgi, name="Seniority", namespace="users", data_type="string")
    base = f"/users/{placeholder['id']}/custom_field_values"
    r = await asgi.post(base, json={"custom_field_id": field["id"], "value": "Mid"})
    assert r.status_code == 200
    shown = await asgi.get(
        f"/placeholder_resources/{placeholder['id']}", params={"fields": "custom_field_values"}
    )
    assert [v["value"] for v in shown.json()["custom_field_values"]["data"]] == ["Mid"]


# -- over real HTTP --------------------------------------------------------------------------


def test_people_round_trip_over_http(fresh_server: RunningSandbox) -> None:
    with fresh_server.api() as api:
        me_user = next(
            u
            for u in api.get("/users", params={"per_page": 1000}).json()["data"]
            if u["email"] == "me@example.com"
        )
        tag = api.post(f"/users/{me_user['id']}/tags", data={"value": "on-call"})
        assert tag.status_code == 200
        status = api.post(f"/users/{me_user['id']}/statuses", data={"status": "WFH"})
        assert status.status_code == 200
        current = api.get(f"/users/{me_user['id']}/statuses", params={"per_page": 1}).json()
        assert current["data"][0]["id"] == status.json()["id"]
        shown = api.get(f"/users/{me_user['id']}", params={"fields": "tags"}).json()
        assert tag.json() in shown["tags"]["data"]
        renamed = api.put(f"/users/{me_user['id']}", data={"office_phone": "555-0100"})
        assert renamed.status_code == 200 and renamed.json()["office_phone"] == "555-0100"
        assert api.delete(f"/users/{me_user['id']}").status_code == 422


async def test_placeholders_of_a_project_are_those_assigned_to_it(
    asgi: httpx.AsyncClient, sandbox: Any
) -> None:
    projects = (await asgi.get("/projects", params={"per_page": 1000})).json()["data"]
    placeholders = (await asgi.get("/placeholder_resources")).json()["data"]
    assigned = {
        a["assignable_id"]
        for p in placeholders
        for a in sandbox.db.query("assignments", "user_id = ?", (p["id"],))
    }
    staffed = [
        p
        for p in projects
        if p["id"] in assigned
        or any(
            ph["id"] in assigned for ph in sandbox.db.query("projects", "parent_id = ?", (p["id"],))
        )
    ]
    assert staffed, "the demo assigns a placeholder to a project"
    listed = (await asgi.get(f"/projects/{staffed[0]['id']}/placeholder_resources")).json()["data"]
    assert listed and all(p["type"] == "PlaceholderResource" for p in listed)
    empty = next(p for p in projects if p not in staffed)
    assert (await asgi.get(f"/projects/{empty['id']}/placeholder_resources")).json()["data"] == []
    assert (await asgi.get("/projects/999999/placeholder_resources")).status_code == 404
