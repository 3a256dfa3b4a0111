"""Time entries in the emulator: confirmed ones, suggested ones, and the rules around them."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tenktui.sandbox import models
from tenktui.sandbox.db import SandboxDB
from tenktui.sandbox.state import Sandbox
from tenktui.sandbox.suggestions import SUGGESTION_ID_BASE
from tests.conftest import TODAY, RunningSandbox

MONDAY = TODAY  # 2026-11-23
WEEK = [(MONDAY + dt.timedelta(days=i)).isoformat() for i in range(5)]


@dataclass
class World:
    user: int
    other: int
    placeholder: int
    managed: int
    archived_user: int
    project: int
    phase: int
    locked_phase: int
    other_project: int
    locked: int
    week_lock: int
    archived_project: int
    leave: int


def _put(db: SandboxDB, now: str, kind: str, builder: Any, **fields: Any) -> int:
    id_ = db.next_id()
    db.put(kind, builder(id_, now, **fields))
    return id_


@pytest.fixture
def world(sandbox: Sandbox) -> World:
    """People and assignables of the test's own, on a plain calendar."""
    db, now = sandbox.db, sandbox.now()
    with db.transaction() as conn:
        conn.execute("DELETE FROM holidays")  # the demo seed's holidays would move the numbers
    db.set_setting("work_week", [0, 8, 8, 8, 8, 8, 0])
    user, project = models.user, models.project
    w = World(
        user=_put(db, now, "users", user, first_name="Ada", last_name="Lovelace"),
        other=_put(db, now, "users", user, first_name="Bob", last_name="Other"),
        placeholder=_put(db, now, "placeholders", models.placeholder, title="Designer"),
        managed=_put(db, now, "users", user, first_name="Mo", license_type="managed_resource"),
        archived_user=_put(db, now, "users", user, first_name="Arch", archived=True),
        project=_put(db, now, "projects", project, name="Apollo"),
        phase=0,
        locked_phase=0,
        other_project=_put(db, now, "projects", project, name="Borealis"),
        locked=_put(db, now, "projects", project, name="Closed", timeentry_lockout=0),
        week_lock=_put(db, now, "projects", project, name="Weekly", timeentry_lockout=7),
        archived_project=_put(db, now, "projects", project, name="Old", archived=True),
        leave=_put(db, now, "leave_types", models.leave_type, name="Vacation"),
    )
    w.phase = _put(
        db, now, "projects", project, name="Apollo", parent_id=w.project, phase_name="Design"
    )
    w.locked_phase = _put(
        db, now, "projects", project, name="Apollo", parent_id=w.project,
        phase_name="Done", timeentry_lockout=0,
    )  # fmt: skip
    return w


def _assign(sandbox: Sandbox, person: int, assignable: int, first: str, last: str, **f: Any) -> Any:
    doc = models.assignment(
        sandbox.db.next_id(), sandbox.now(), user_id=person, assignable_id=assignable,
        starts_at=first, ends_at=last, **f,
    )  # fmt: skip
    sandbox.db.put("assignments", doc)
    return doc


async def _create(asgi: httpx.AsyncClient, user: int, **body: Any) -> httpx.Response:
    body.setdefault("date", MONDAY.isoformat())
    body.setdefault("hours", 2)
    return await asgi.post(f"/users/{user}/time_entries", json=body)


async def _ok(asgi: httpx.AsyncClient, user: int, **body: Any) -> dict[str, Any]:
    r = await _create(asgi, user, **body)
    assert r.status_code == 200, r.text
    return r.json()


def _message(r: httpx.Response) -> str:
    return r.json()["message"]


# -- create and read --------------------------------------------------------------


async def test_create_answers_the_entry_and_every_route_shows_it(
    asgi: httpx.AsyncClient, world: World
) -> None:
    entry = await _ok(
        asgi, world.user, assignable_id=world.project, hours=1.5, task="Design", notes="Sketches"
    )
    assert entry["id"] < SUGGESTION_ID_BASE
    assert entry["user_id"] == world.user
    assert entry["assignable_id"] == world.project
    assert entry["assignable_type"] == "Project"
    assert entry["date"] == MONDAY.isoformat()
    assert entry["hours"] == 1.5
    assert entry["is_suggestion"] is False and entry["scheduled_hours"] is None
    assert entry["task"] == "Design" and entry["notes"] == "Sketches"
    assert entry["bill_rate"] == 150.0
    assert entry["created_at"] and entry["updated_at"]

    for path in (
        f"/time_entries/{entry['id']}",
        f"/users/{world.user}/time_entries/{entry['id']}",
        f"/projects/{world.project}/time_entries/{entry['id']}",
    ):
        r = await asgi.get(path)
        assert r.status_code == 200, path
        assert r.json() == entry
    assert (await asgi.get(f"/users/{world.other}/time_entries/{entry['id']}")).status_code == 404
    r = await asgi.get(f"/projects/{world.other_project}/time_entries/{entry['id']}")
    assert r.status_code == 404
    assert (await asgi.get("/time_entries/99999999")).status_code == 404
    assert (await asgi.get(f"/users/99999999/time_entries/{entry['id']}")).status_code == 404
    assert (await asgi.get(f"/projects/99999999/time_entries/{entry['id']}")).status_code == 404


async def test_assignable_id_project_id_and_leave_type_id_are_interchangeable(
    asgi: httpx.AsyncClient, world: World
) -> None:
    by_project = await _ok(asgi, world.user, project_id=world.project)
    assert by_project["assignable_id"] == world.project
    assert by_project["assignable_type"] == "Project"
    leave = await _ok(asgi, world.user, leave_type_id=world.leave)
    assert leave["assignable_id"] == world.leave
    assert leave["assignable_type"] == "LeaveType"
    phase = await _ok(asgi, world.user, assignable_id=world.phase)
    assert phase["assignable_type"] == "Project"
    same = await _ok(asgi, world.user, assignable_id=world.project, project_id=world.project)
    assert same["assignable_id"] == world.project

    r = await _create(asgi, world.user, assignable_id=world.project, leave_type_id=world.leave)
    assert r.status_code == 422
    r = await _create(asgi, world.user)
    assert r.status_code == 400
    r = await _create(asgi, world.user, assignable_id=987654321)
    assert r.status_code == 422 and "987654321" in _message(r)
    r = await _create(asgi, world.user, assignable_id=world.user)  # a user is no assignable
    assert r.status_code == 422


async def test_user_in_the_url_must_match_the_body(asgi: httpx.AsyncClient, world: World) -> None:
    ok = await _ok(asgi, world.user, user_id=world.user, assignable_id=world.project)
    assert ok["user_id"] == world.user
    r = await _create(asgi, world.user, user_id=world.other, assignable_id=world.project)
    assert r.status_code == 422
    assert str(world.other) in _message(r)
    r = await _create(asgi, 99999999, assignable_id=world.project)
    assert r.status_code == 404


async def test_project_route_needs_a_user_and_defaults_the_assignable(
    asgi: httpx.AsyncClient, world: World
) -> None:
    url = f"/projects/{world.project}/time_entries"
    r = await asgi.post(url, json={"user_id": world.user, "date": WEEK[0], "hours": 3})
    assert r.status_code == 200, r.text
    assert r.json()["assignable_id"] == world.project
    body = {"user_id": world.user, "date": WEEK[0], "hours": 3, "assignable_id": world.phase}
    r = await asgi.post(url, json=body)
    assert r.status_code == 200 and r.json()["assignable_id"] == world.phase
    r = await asgi.post(url, json={"date": WEEK[0], "hours": 3})
    assert r.status_code == 400 and "user_id" in _message(r)
    r = await asgi.post(url, json={**body, "assignable_id": world.other_project})
    assert r.status_code == 422
    r = await asgi.post("/projects/99999999/time_entries", json=body)
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("hours", "status"),
    [(0, 200), (-1, 422), (0.25, 200), (24, 200), (24.01, 422), ("abc", 400), (None, 400)],
)
async def test_hours_must_be_a_number_from_0_to_24(
    asgi: httpx.AsyncClient, world: World, hours: Any, status: int
) -> None:
    r = await _create(asgi, world.user, assignable_id=world.project, hours=hours)
    assert r.status_code == status, r.text
    if status == 422:
        assert _message(r).startswith("hours must be from 0 to 24")


async def test_task_and_notes_must_be_fewer_than_256_characters(
    asgi: httpx.AsyncClient, world: World
) -> None:
    ok = await _ok(asgi, world.user, assignable_id=world.project, notes="n" * 255, task="t" * 255)
    assert len(ok["notes"]) == 255
    for name in ("notes", "task"):
        r = await _create(asgi, world.user, assignable_id=world.project, **{name: "x" * 256})
        assert r.status_code == 422
        assert name in _message(r) and "256" in _message(r)


async def test_date_is_required_and_must_be_a_date(asgi: httpx.AsyncClient, world: World) -> None:
    for bad in ("2026-13-01", "23/11/2026", "tomorrow"):
        r = await _create(asgi, world.user, assignable_id=world.project, date=bad)
        assert r.status_code == 400, bad
        assert "date" in _message(r)
    r = await asgi.post(
        f"/users/{world.user}/time_entries", json={"assignable_id": world.project, "hours": 1}
    )
    assert r.status_code == 400


async def test_locked_projects_refuse_time(asgi: httpx.AsyncClient, world: World) -> None:
    r = await _create(asgi, world.user, assignable_id=world.locked)
    assert r.status_code == 422
    assert "locked for time entry" in _message(r) and "Closed" in _message(r)

    seven_ago = (TODAY - dt.timedelta(days=7)).isoformat()
    eight_ago = (TODAY - dt.timedelta(days=8)).isoformat()
    await _ok(asgi, world.user, assignable_id=world.week_lock, date=seven_ago)
    await _ok(asgi, world.user, assignable_id=world.week_lock, date="2027-01-04")
    r = await _create(asgi, world.user, assignable_id=world.week_lock, date=eight_ago)
    assert r.status_code == 422
    assert seven_ago in _message(r)  # names the earliest date still open


async def test_phases_are_locked_by_their_own_setting(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    r = await _create(asgi, world.user, assignable_id=world.locked_phase)
    assert r.status_code == 422 and "locked" in _message(r)
    # Locking the project alone does not lock its phases (the reference: set it on each).
    project = sandbox.db.get("projects", world.project)
    sandbox.db.put("projects", {**project, "timeentry_lockout": 0})
    await _ok(asgi, world.user, assignable_id=world.phase)
    r = await _create(asgi, world.user, assignable_id=world.project)
    assert r.status_code == 422


async def test_archived_projects_and_their_phases_refuse_time(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    r = await _create(asgi, world.user, assignable_id=world.archived_project)
    assert r.status_code == 422 and "archived" in _message(r)
    project = sandbox.db.get("projects", world.project)
    sandbox.db.put("projects", {**project, "archived": True})
    r = await _create(asgi, world.user, assignable_id=world.phase)
    assert r.status_code == 422 and "archived" in _message(r)


async def test_placeholders_managed_resources_and_archived_users_cannot_enter_time(
    asgi: httpx.AsyncClient, world: World
) -> None:
    r = await _create(asgi, world.placeholder, assignable_id=world.project)
    assert r.status_code == 422
    assert _message(r).startswith("time cannot be entered for placeholders")
    r = await _create(asgi, world.managed, assignable_id=world.project)
    assert r.status_code == 422 and "managed resource" in _message(r)
    r = await _create(asgi, world.archived_user, assignable_id=world.project)
    assert r.status_code == 422 and "archived" in _message(r)
    body = {"user_id": world.placeholder, "date": WEEK[0], "hours": 1}
    r = await asgi.post(f"/projects/{world.project}/time_entries", json=body)
    assert r.status_code == 422


async def test_bill_rate_is_the_servers_and_a_fitting_bill_rate_id_is_honoured(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    ignored = await _ok(asgi, world.user, assignable_id=world.project, bill_rate=1.0)
    assert ignored["bill_rate"] == 150.0 and ignored["bill_rate_id"] is None
    rate = _put(
        sandbox.db, sandbox.now(), "bill_rates", models.bill_rate,
        rate=120.0, assignable_id=world.project, user_id=world.user,
    )  # fmt: skip
    detected = await _ok(asgi, world.user, assignable_id=world.project)
    assert (detected["bill_rate"], detected["bill_rate_id"]) == (120.0, rate)
    on_phase = await _ok(asgi, world.user, assignable_id=world.phase)
    assert on_phase["bill_rate"] == 120.0  # the parent project's rate
    foreign = _put(
        sandbox.db, sandbox.now(), "bill_rates", models.bill_rate,
        rate=999.0, assignable_id=world.other_project,
    )  # fmt: skip
    chosen = await _ok(asgi, world.user, assignable_id=world.project, bill_rate_id=foreign)
    assert chosen["bill_rate"] == 120.0
    leave = await _ok(asgi, world.user, leave_type_id=world.leave)
    assert leave["bill_rate"] == 0.0


# -- update and delete --------------------------------------------------------------


async def test_update_changes_only_what_is_given_and_moves_updated_at(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    entry = await _ok(asgi, world.user, assignable_id=world.project, notes="first")
    url = f"/users/{world.user}/time_entries/{entry['id']}"
    r = await asgi.put(url, json={"hours": 6.5})
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["hours"] == 6.5
    assert updated["notes"] == "first" and updated["date"] == entry["date"]
    assert updated["updated_at"] > entry["updated_at"]
    assert updated["created_at"] == entry["created_at"]
    assert (await asgi.get(f"/time_entries/{entry['id']}")).json() == updated

    r = await asgi.put(url, json={"leave_type_id": world.leave, "date": WEEK[1], "notes": None})
    moved = r.json()
    assert moved["assignable_id"] == world.leave and moved["assignable_type"] == "LeaveType"
    assert moved["date"] == WEEK[1] and moved["notes"] is None
    assert moved["bill_rate"] == 0.0

    for body, status in (
        ({"hours": -1}, 422),
        ({"hours": "abc"}, 400),
        ({"notes": "x" * 256}, 422),
        ({"date": "someday"}, 400),
        ({"assignable_id": 987654321}, 422),
        ({"user_id": world.other}, 422),
        ({"assignable_id": world.locked}, 422),
    ):
        r = await asgi.put(url, json=body)
        assert r.status_code == status, (body, r.text)
    assert (await asgi.get(f"/time_entries/{entry['id']}")).json() == moved


async def test_update_checks_the_lockout_for_the_old_and_the_new_date(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    recent = await _ok(asgi, world.user, assignable_id=world.week_lock, date=WEEK[0])
    url = f"/users/{world.user}/time_entries/{recent['id']}"
    r = await asgi.put(url, json={"date": (TODAY - dt.timedelta(days=30)).isoformat()})
    assert r.status_code == 422 and "locked" in _message(r)
    # An entry already behind the lockout can be neither changed nor deleted.
    old = models.time_entry(
        sandbox.db.next_id(), sandbox.now(), user_id=world.user, assignable_id=world.week_lock,
        date=(TODAY - dt.timedelta(days=30)).isoformat(), hours=1.0,
    )  # fmt: skip
    sandbox.db.put("time_entries", old)
    old_url = f"/users/{world.user}/time_entries/{old['id']}"
    r = await asgi.put(old_url, json={"date": WEEK[0]})
    assert r.status_code == 422
    assert (await asgi.delete(old_url)).status_code == 422
    assert sandbox.db.get("time_entries", old["id"]) is not None


async def test_update_and_delete_only_the_users_own_entries(
    asgi: httpx.AsyncClient, world: World
) -> None:
    entry = await _ok(asgi, world.user, assignable_id=world.project)
    other_url = f"/users/{world.other}/time_entries/{entry['id']}"
    assert (await asgi.put(other_url, json={"hours": 1})).status_code == 404
    assert (await asgi.delete(other_url)).status_code == 404
    missing = f"/users/{world.user}/time_entries/99999999"
    assert (await asgi.put(missing, json={"hours": 1})).status_code == 404
    assert (await asgi.delete(missing)).status_code == 404


async def test_delete_removes_the_entry_and_its_approvals(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    entry = await _ok(asgi, world.user, assignable_id=world.project)
    submitted = await asgi.post(
        "/approvals",
        json={
            "status": "pending",
            "approvables": [
                {"id": entry["id"], "type": "TimeEntry", "updated_at": entry["updated_at"]}
            ],
        },
    )
    approval_id = submitted.json()["data"][0]["id"]
    url = f"/users/{world.user}/time_entries/{entry['id']}"
    r = await asgi.delete(url)
    assert r.status_code == 204
    assert (await asgi.get(f"/time_entries/{entry['id']}")).status_code == 404
    assert sandbox.db.get("approvals", approval_id) is None
    assert (await asgi.delete(url)).status_code == 404


async def test_approved_entries_refuse_changes_and_pending_ones_accept_them(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    pending = await _ok(asgi, world.user, assignable_id=world.project)
    approved = await _ok(asgi, world.user, assignable_id=world.project)
    now = sandbox.now()
    for entry, status in ((pending, "pending"), (approved, "approved")):
        sandbox.db.put(
            "approvals",
            models.approval(
                sandbox.db.next_id(), now, approvable_id=entry["id"], status=status,
                submitted_by=world.user,
            ),
        )  # fmt: skip
    r = await asgi.put(f"/users/{world.user}/time_entries/{pending['id']}", json={"hours": 4})
    assert r.status_code == 200 and r.json()["hours"] == 4
    url = f"/users/{world.user}/time_entries/{approved['id']}"
    r = await asgi.put(url, json={"hours": 4})
    assert r.status_code == 422 and "approved" in _message(r)
    assert (await asgi.delete(url)).status_code == 422


# -- suggestions ----------------------------------------------------------------------


async def test_suggestions_follow_assignments_and_step_aside_for_confirmed_time(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    assignment = _assign(sandbox, world.user, world.project, WEEK[0], WEEK[4], percent=0.5)
    url = f"/users/{world.user}/time_entries"
    window = {"from": WEEK[0], "to": WEEK[4]}
    plain = (await asgi.get(url, params=window)).json()["data"]
    assert plain == []

    r = await asgi.get(url, params={**window, "with_suggestions": "true"})
    suggested = r.json()["data"]
    assert [s["date"] for s in suggested] == WEEK
    first = suggested[0]
    assert first["is_suggestion"] is True and first["hours"] is None
    assert first["scheduled_hours"] == 4.0
    assert first["assignable_id"] == world.project and first["assignable_type"] == "Project"
    assert first["task"] is None and first["notes"] is None
    assert first["updated_at"] == assignment["updated_at"]
    assert all(s["id"] >= SUGGESTION_ID_BASE for s in suggested)
    again = (await asgi.get(url, params={**window, "with_suggestions": "true"})).json()["data"]
    assert [s["id"] for s in again] == [s["id"] for s in suggested]
    shown = await asgi.get(f"/time_entries/{first['id']}")
    assert shown.status_code == 200 and shown.json() == first

    confirmed = await _ok(asgi, world.user, assignable_id=world.project, date=WEEK[2], hours=3)
    after = (await asgi.get(url, params={**window, "with_suggestions": "true"})).json()["data"]
    assert after[0] == confirmed  # confirmed entries come first
    assert [s["date"] for s in after[1:]] == [WEEK[0], WEEK[1], WEEK[3], WEEK[4]]
    # Time on a different assignable that day leaves the suggestion where it is.
    await _ok(asgi, world.user, leave_type_id=world.leave, date=WEEK[3], hours=1)
    after = (await asgi.get(url, params={**window, "with_suggestions": "true"})).json()["data"]
    assert WEEK[3] in [s["date"] for s in after if s["is_suggestion"]]

    r = await asgi.delete(f"/users/{world.user}/time_entries/{confirmed['id']}")
    assert r.status_code == 204
    after = (await asgi.get(url, params={**window, "with_suggestions": "true"})).json()["data"]
    assert WEEK[2] in [s["date"] for s in after if s["is_suggestion"]]


async def test_suggestions_are_read_only(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    _assign(sandbox, world.user, world.project, WEEK[0], WEEK[0])
    r = await asgi.get(
        f"/users/{world.user}/time_entries", params={"with_suggestions": "true", "from": WEEK[0]}
    )
    [suggestion] = r.json()["data"]
    url = f"/users/{world.user}/time_entries/{suggestion['id']}"
    r = await asgi.put(url, json={"hours": 1})
    assert r.status_code == 422 and "read-only" in _message(r)
    r = await asgi.delete(url)
    assert r.status_code == 422 and "read-only" in _message(r)


async def test_project_route_covers_phases_and_placeholders_suggestions(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    on_phase = await _ok(asgi, world.user, assignable_id=world.phase, date=WEEK[0])
    on_project = await _ok(asgi, world.user, assignable_id=world.project, date=WEEK[0])
    await _ok(asgi, world.user, assignable_id=world.other_project, date=WEEK[0])
    _assign(sandbox, world.placeholder, world.phase, WEEK[1], WEEK[1])
    url = f"/projects/{world.project}/time_entries"
    r = await asgi.get(url, params={"with_suggestions": "true"})
    data = r.json()["data"]
    assert [e["id"] for e in data if not e["is_suggestion"]] == [on_phase["id"], on_project["id"]]
    [suggestion] = [e for e in data if e["is_suggestion"]]
    assert suggestion["user_id"] == world.placeholder
    assert suggestion["assignable_id"] == world.phase
    r = await asgi.get(
        f"/users/{world.placeholder}/time_entries", params={"with_suggestions": "true"}
    )
    assert [e["id"] for e in r.json()["data"]] == [suggestion["id"]]
    account = await asgi.get(
        "/time_entries",
        params={"with_suggestions": "true", "from": WEEK[1], "to": WEEK[1], "per_page": 1000},
    )
    assert suggestion in account.json()["data"]


# -- listing ------------------------------------------------------------------------


async def test_from_and_to_bound_the_dates(asgi: httpx.AsyncClient, world: World) -> None:
    for day in WEEK:
        await _ok(asgi, world.user, assignable_id=world.project, date=day)
    url = f"/users/{world.user}/time_entries"
    r = await asgi.get(url, params={"from": WEEK[1], "to": WEEK[3]})
    assert [e["date"] for e in r.json()["data"]] == WEEK[1:4]
    r = await asgi.get("/time_entries", params={"from": WEEK[4], "to": WEEK[4], "per_page": 1000})
    assert WEEK[4] in {e["date"] for e in r.json()["data"]}
    assert {e["date"] for e in r.json()["data"]} == {WEEK[4]}
    for params in ({"from": "2026-11-31"}, {"to": "11/23/2026"}, {"from": "yesterday"}):
        r = await asgi.get(url, params=params)
        assert r.status_code == 400
        assert "must be a valid date" in _message(r) or "not a valid date" in _message(r)


async def test_sort_by_updated_descending_puts_the_latest_change_first(
    asgi: httpx.AsyncClient, world: World
) -> None:
    a = await _ok(asgi, world.user, assignable_id=world.project, date=WEEK[0])
    b = await _ok(asgi, world.user, assignable_id=world.project, date=WEEK[1])
    c = await _ok(asgi, world.user, assignable_id=world.project, date=WEEK[2])
    # Stamps have one-second resolution: the change to a must fall in a later second
    # than the creations (which a slow machine may spread over two seconds).
    await asyncio.sleep(1.05 - time.time() % 1)
    await asgi.put(f"/users/{world.user}/time_entries/{a['id']}", json={"hours": 5})
    url = f"/users/{world.user}/time_entries"
    r = await asgi.get(url, params={"sort_field": "updated", "sort_order": "descending"})
    assert [e["id"] for e in r.json()["data"]] == [a["id"], c["id"], b["id"]]
    r = await asgi.get(url, params={"sort_field": "created", "sort_order": "ascending"})
    assert [e["id"] for e in r.json()["data"]] == [a["id"], b["id"], c["id"]]
    r = await asgi.get(url, params={"sort_order": "descending"})
    assert [e["id"] for e in r.json()["data"]] == [c["id"], b["id"], a["id"]]
    assert (await asgi.get(url, params={"sort_field": "hours"})).status_code == 400
    assert (await asgi.get(url, params={"sort_order": "sideways"})).status_code == 400


async def test_fields_approvals_nests_each_entrys_approvals(
    asgi: httpx.AsyncClient, world: World
) -> None:
    submitted = await _ok(asgi, world.user, assignable_id=world.project, date=WEEK[0])
    plain = await _ok(asgi, world.user, assignable_id=world.project, date=WEEK[1])
    body = {
        "status": "pending",
        "approvables": [
            {"id": submitted["id"], "type": "TimeEntry", "updated_at": submitted["updated_at"]}
        ],
    }
    approval = (await asgi.post("/approvals", json=body)).json()["data"][0]
    r = await asgi.get(f"/users/{world.user}/time_entries", params={"fields": "approvals"})
    by_id = {e["id"]: e for e in r.json()["data"]}
    assert by_id[submitted["id"]]["approvals"]["data"] == [approval]
    assert by_id[plain["id"]]["approvals"]["data"] == []
    assert by_id[plain["id"]]["approvals"]["paging"]["next"] is None
    single = await asgi.get(f"/time_entries/{submitted['id']}", params={"fields": "approvals"})
    assert single.json()["approvals"]["data"] == [approval]
    r = await asgi.get(f"/users/{world.user}/time_entries")
    assert "approvals" not in r.json()["data"][0]


async def test_pages_walk_confirmed_then_suggested_entries_to_the_end(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    for day in WEEK[:3]:
        await _ok(asgi, world.user, assignable_id=world.other_project, date=day)
    _assign(sandbox, world.user, world.project, WEEK[0], WEEK[4])
    _assign(sandbox, world.user, world.leave, WEEK[0], WEEK[1], percent=0.25)
    params: dict[str, Any] = {"with_suggestions": "true", "per_page": 1000}
    url = f"/users/{world.user}/time_entries"
    whole = (await asgi.get(url, params=params)).json()["data"]
    assert len(whole) == 3 + 5 + 2

    seen: list[dict[str, Any]] = []
    link: str | None = f"/api/v1{url}?with_suggestions=true&per_page=3"
    pages = 0
    while link:
        r = await asgi.get(link.removeprefix("/api/v1"))
        assert r.status_code == 200
        body = r.json()
        assert len(body["data"]) <= 3
        seen.extend(body["data"])
        link = body["paging"]["next"]
        pages += 1
    assert pages == 4
    assert seen == whole
    assert [e["is_suggestion"] for e in seen] == [False] * 3 + [True] * 7
    beyond = await asgi.get(url, params={"with_suggestions": "true", "per_page": 3, "page": 9})
    assert beyond.json()["data"] == [] and beyond.json()["paging"]["next"] is None


async def test_plain_pages_walk_to_the_end(asgi: httpx.AsyncClient, world: World) -> None:
    made = [
        (await _ok(asgi, world.other, assignable_id=world.project, date=day))["id"] for day in WEEK
    ]
    url = f"/users/{world.other}/time_entries"
    first = (await asgi.get(url, params={"per_page": 2})).json()
    second = (await asgi.get(url, params={"per_page": 2, "page": 2})).json()
    third = (await asgi.get(url, params={"per_page": 2, "page": 3})).json()
    ids = [e["id"] for page in (first, second, third) for e in page["data"]]
    assert ids == made
    assert first["paging"]["next"] and second["paging"]["next"]
    assert third["paging"]["next"] is None


# -- over real HTTP -------------------------------------------------------------------


def test_a_round_trip_over_http(fresh_server: RunningSandbox) -> None:
    db = SandboxDB(fresh_server.db_path)
    now = "2026-11-01T00:00:00Z"
    [me] = [u for u in db.query("users") if u.get("email") == "me@example.com"]
    project = db.next_id()
    db.put("projects", models.project(project, now, name="Over the wire"))
    db.put(
        "assignments",
        models.assignment(
            db.next_id(), now, user_id=me["id"], assignable_id=project,
            starts_at=WEEK[0], ends_at=WEEK[1],
        ),
    )  # fmt: skip
    db.close()
    url = f"/users/{me['id']}/time_entries"
    with fresh_server.api() as api:
        created = api.post(
            url, json={"assignable_id": project, "date": WEEK[0], "hours": 7.25, "notes": "wire"}
        )
        assert created.status_code == 200, created.text
        entry = created.json()
        listed = api.get(url, params={"from": WEEK[0], "to": WEEK[1], "with_suggestions": "true"})
        mine = [e for e in listed.json()["data"] if e["assignable_id"] == project]
        assert mine[0] == entry
        assert [(e["date"], e["is_suggestion"]) for e in mine[1:]] == [(WEEK[1], True)]
        updated = api.put(f"{url}/{entry['id']}", json={"hours": 8})
        assert updated.status_code == 200 and updated.json()["hours"] == 8
        assert api.delete(f"{url}/{entry['id']}").status_code == 204
        assert api.get(f"/time_entries/{entry['id']}").status_code == 404


async def test_without_a_rate_record_suggestions_and_entries_agree_on_the_rate(
    sandbox: Sandbox, asgi: httpx.AsyncClient, world: World
) -> None:
    user = sandbox.db.get("users", world.other)
    sandbox.db.put("users", {**user, "billrate": 130.0})
    _assign(sandbox, world.other, world.project, WEEK[0], WEEK[1])
    _assign(sandbox, world.other, world.other_project, WEEK[0], WEEK[1], bill_rate=90.0)
    url = f"/users/{world.other}/time_entries"
    r = await asgi.get(url, params={"with_suggestions": "true", "from": WEEK[0], "to": WEEK[0]})
    rates = {s["assignable_id"]: s["bill_rate"] for s in r.json()["data"]}
    assert rates == {world.project: 130.0, world.other_project: 90.0}
    for assignable, rate in rates.items():
        entry = await _ok(asgi, world.other, assignable_id=assignable, date=WEEK[1])
        assert entry["bill_rate"] == rate
