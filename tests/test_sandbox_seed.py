"""The sandbox's generated data: deterministic, and shaped like a real account."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tenktui.sandbox.db import KINDS, SandboxDB
from tenktui.sandbox.seed import WORK_WEEK, populate
from tenktui.sandbox.state import Sandbox

TODAY = dt.date(2026, 11, 23)  # a Monday, as in conftest
MONDAY = TODAY
WINDOW = dt.timedelta(weeks=8)
ME = "me@example.com"

Doc = dict[str, Any]


def seeded(path: Path, scale: str = "demo", seed: int = 0, today: dt.date = TODAY) -> Sandbox:
    sandbox = Sandbox(path, "t", today=today)
    populate(sandbox, scale=scale, seed=seed)
    return sandbox


def dump(db: SandboxDB) -> dict[str, Any]:
    data: dict[str, Any] = {kind: db.query(kind) for kind in KINDS}
    data["settings"] = {k: db.get_setting(k) for k in ("next_id", "work_week", "today")}
    return data


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


class Demo:
    """The demo data read once, indexed the ways the checks need."""

    def __init__(self, db: SandboxDB) -> None:
        self.db = db
        self.data = dump(db)
        self.users = {u["id"]: u for u in self.data["users"]}
        self.placeholders = {p["id"]: p for p in self.data["placeholders"]}
        self.projects = {p["id"]: p for p in self.data["projects"]}
        self.leave_types = {t["id"]: t for t in self.data["leave_types"]}
        self.me = next(u for u in self.data["users"] if u["email"] == ME)
        self.entries = self.data["time_entries"]
        self.assignments = self.data["assignments"]
        self.holidays = {day(h["date"]) for h in self.data["holidays"]}
        self.availabilities: dict[int, list[Doc]] = defaultdict(list)
        for block in self.data["availabilities"]:
            self.availabilities[block["user_id"]].append(block)

    def hours_available(self, user_id: int, date: dt.date) -> float:
        index = (date.weekday() + 1) % 7
        for block in self.availabilities[user_id]:
            starts, ends = block["starts_at"], block["ends_at"]
            if (starts is None or day(starts) <= date) and (ends is None or date <= day(ends)):
                return block[f"day{index}"]
        return WORK_WEEK[index]

    def mine(self, docs: list[Doc]) -> list[Doc]:
        return [d for d in docs if d["user_id"] == self.me["id"]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    sandbox = seeded(tmp_path_factory.mktemp("seed") / "demo.db")
    return Demo(sandbox.db)


# -- determinism -----------------------------------------------------------


def test_same_seed_and_today_give_identical_data(tmp_path: Path) -> None:
    a = dump(seeded(tmp_path / "a.db").db)
    b = dump(seeded(tmp_path / "b.db").db)
    assert a["time_entries"], "the demo has confirmed time"
    for kind in a:
        assert a[kind] == b[kind], kind


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    a = dump(seeded(tmp_path / "a.db", seed=0).db)
    b = dump(seeded(tmp_path / "b.db", seed=1).db)
    assert a["time_entries"] != b["time_entries"]
    # The fixed cast is the same whatever the seed.
    assert {u["email"] for u in a["users"]} == {u["email"] for u in b["users"]}


def test_data_follows_today(tmp_path: Path) -> None:
    today = dt.date(2027, 3, 10)  # a Wednesday
    data = dump(seeded(tmp_path / "a.db", today=today).db)
    dates = [day(e["date"]) for e in data["time_entries"]]
    assert min(dates) >= today - dt.timedelta(days=today.weekday()) - WINDOW
    assert max(dates) < today
    assert any(day(h["date"]).year == today.year + 1 for h in data["holidays"])
    for kind, docs in data.items():
        if kind == "settings":
            continue
        for doc in docs:
            for key in ("created_at", "updated_at"):
                if key in doc:
                    assert doc[key] < today.isoformat(), (kind, doc)


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path / "a.db", "t", today=TODAY)
    with pytest.raises(ValueError, match="huge"):
        populate(sandbox, scale="huge")


# -- demo: the account -----------------------------------------------------


def test_work_week_setting(demo: Demo) -> None:
    assert demo.db.get_setting("work_week") == [0, 8, 8, 8, 8, 8, 0]


def test_ids_come_from_one_sequence(demo: Demo) -> None:
    ids = [doc["id"] for kind in KINDS for doc in demo.data[kind]]
    assert len(ids) == len(set(ids))
    assert demo.data["settings"]["next_id"] > max(ids)


def test_timestamps_are_in_the_past_and_ordered(demo: Demo) -> None:
    for kind in KINDS:
        for doc in demo.data[kind]:
            if "created_at" not in doc:
                continue
            assert doc["created_at"] <= doc["updated_at"] < TODAY.isoformat(), (kind, doc)


def test_me_is_a_licensed_team_member(demo: Demo) -> None:
    me = demo.me
    assert [u["email"] for u in demo.users.values()].count(ME) == 1
    assert me["user_type_id"] == 3
    assert me["license_type"] == "licensed"
    assert not me["archived"]
    assert me["first_name"] and me["last_name"]


def test_people_are_varied(demo: Demo) -> None:
    users = list(demo.users.values())
    assert 20 <= len(users) <= 30
    assert sum(u["archived"] for u in users) == 1
    assert [u["license_type"] for u in users].count("managed_resource") == 1
    owners = [u for u in users if u["account_owner"]]
    assert len(owners) == 1 and owners[0]["user_type_id"] == 1
    roles = {r["value"] for r in demo.data["roles"]}
    disciplines = {d["value"] for d in demo.data["disciplines"]}
    locations = {loc["value"] for loc in demo.data["locations"]}
    for user in users:
        assert user["role"] in roles and user["discipline"] in disciplines
        assert user["location"] in locations
        if user["email"] is not None:
            assert user["email"].endswith("@example.com")
    assert "olivia.chen@example.com" in {u["email"] for u in users}


def test_part_timers_have_availabilities(demo: Demo) -> None:
    blocks = demo.data["availabilities"]
    assert len({b["user_id"] for b in blocks}) >= 2
    assert all(b["user_id"] in demo.users for b in blocks)
    weeks = [[b[f"day{i}"] for i in range(7)] for b in blocks]
    assert any(sum(1 for h in week if h) == 4 for week in weeks)  # a four-day week
    assert any(6 in week for week in weeks)  # six-hour days


def test_projects_cover_states_locks_archive_and_phases(demo: Demo) -> None:
    projects = [p for p in demo.projects.values() if p["parent_id"] is None]
    phases = [p for p in demo.projects.values() if p["parent_id"] is not None]
    assert 10 <= len(projects) <= 14
    assert {p["project_state"] for p in projects} == {"Confirmed", "Tentative", "Internal"}
    assert {p["timeentry_lockout"] for p in projects} == {-1, 0, 7}
    assert sum(p["archived"] for p in projects) == 1
    archived = next(p for p in projects if p["archived"])
    assert archived["archived_at"] is not None
    assert len({p["parent_id"] for p in phases}) >= 2
    for phase in phases:
        parent = demo.projects[phase["parent_id"]]
        assert phase["name"] == parent["name"] and phase["phase_name"]
        assert phase["type"] == "Project"
        assert phase["timeentry_lockout"] == parent["timeentry_lockout"]
    codes = [p["project_code"] for p in projects]
    assert len(set(codes)) == len(codes) and "ACM-001" in codes


def test_tags_link_existing_records(demo: Demo) -> None:
    tags = {t["id"] for t in demo.data["tags"]}
    assert demo.data["project_tags"] and demo.data["user_tags"]
    for link in demo.data["project_tags"]:
        assert link["parent_id"] in tags and link["assignable_id"] in demo.projects
    for link in demo.data["user_tags"]:
        assert link["parent_id"] in tags and link["user_id"] in demo.users


def test_reference_lists(demo: Demo) -> None:
    leave = {t["name"] for t in demo.data["leave_types"]}
    assert {"Vacation", "Sick", "Holiday"} <= leave
    categories = {c["category"] for c in demo.data["time_entry_categories"]}
    assert {"Design", "Development", "Meetings", "Travel"} <= categories
    options = demo.data["status_options"]
    assert sum(o["deleted"] for o in options) == 1
    assert all(o["deleted_at"] for o in options if o["deleted"])
    assert {o["stage"] for o in options} == {"planned", "in_progress", "done"}


def test_holidays_this_year_next_year_and_in_the_window(demo: Demo) -> None:
    years = {h.year for h in demo.holidays}
    assert {TODAY.year, TODAY.year + 1} <= years
    assert dt.date(TODAY.year, 12, 25) in demo.holidays
    inside = [h for h in demo.holidays if MONDAY - WINDOW <= h <= MONDAY + WINDOW]
    assert any(h < TODAY and h.weekday() < 5 for h in inside)
    assert any(h > TODAY and h.weekday() < 5 for h in inside)


# -- demo: assignments -----------------------------------------------------


def test_assignments_point_at_existing_people_and_assignables(demo: Demo) -> None:
    field = {"percent": "percent", "hours_per_day": "hours_per_day", "fixed": "fixed_hours"}
    options = {o["id"] for o in demo.data["status_options"]}
    for a in demo.assignments:
        assert a["user_id"] in demo.users or a["user_id"] in demo.placeholders
        assert a["assignable_id"] in demo.projects or a["assignable_id"] in demo.leave_types
        assert a["starts_at"] <= a["ends_at"]
        present = {k for k in field.values() if k in a}
        assert present == {field[a["allocation_mode"]]}, a
        assert a["status_option_id"] is None or a["status_option_id"] in options
    first = (MONDAY - WINDOW).isoformat()
    last = (MONDAY + WINDOW).isoformat()
    users_scheduled = {a["user_id"] for a in demo.assignments if a["starts_at"] <= last}
    assert len(users_scheduled & set(demo.users)) >= 20
    assert min(a["starts_at"] for a in demo.assignments) >= first


def test_me_has_every_mode_locked_projects_and_leave(demo: Demo) -> None:
    mine = demo.mine(demo.assignments)
    assert {a["allocation_mode"] for a in mine} == {"percent", "hours_per_day", "fixed"}
    on_projects = {a["assignable_id"] for a in mine if a["assignable_id"] in demo.projects}
    assert len(on_projects) >= 4
    lockouts = {demo.projects[p]["timeentry_lockout"] for p in on_projects}
    assert {0, 7} <= lockouts
    vacation = next(t["id"] for t in demo.leave_types.values() if t["name"] == "Vacation")
    leave = [a for a in mine if a["assignable_id"] == vacation]
    assert leave and (day(leave[0]["ends_at"]) - day(leave[0]["starts_at"])).days >= 1


def test_a_placeholder_is_assigned(demo: Demo) -> None:
    assert demo.placeholders
    assigned = {a["user_id"] for a in demo.assignments}
    assert set(demo.placeholders) & assigned
    assert all(p["title"] for p in demo.placeholders.values())


def test_subtasks_belong_to_their_assignment(demo: Demo) -> None:
    by_id = {a["id"]: a for a in demo.assignments}
    subtasks = demo.data["subtasks"]
    assert subtasks and any(s["completed"] for s in subtasks)
    assert any(not s["completed"] for s in subtasks)
    for subtask in subtasks:
        assignment = by_id[subtask["assignment_id"]]
        assert subtask["assignable_id"] == assignment["assignable_id"]
        assert subtask["updated_by"] in demo.users
    mine = {a["id"] for a in demo.mine(demo.assignments)}
    assert any(s["assignment_id"] in mine for s in subtasks)


# -- demo: confirmed time --------------------------------------------------


def test_no_time_for_placeholders_managed_resources_or_days_off(demo: Demo) -> None:
    managed = {u["id"] for u in demo.users.values() if u["license_type"] == "managed_resource"}
    for entry in demo.entries:
        date = day(entry["date"])
        assert entry["user_id"] in demo.users, entry
        assert entry["user_id"] not in managed, entry
        assert date not in demo.holidays, entry
        assert demo.hours_available(entry["user_id"], date) > 0, entry
        assert date < TODAY


def test_every_entry_has_its_assignable_and_a_matching_assignment(demo: Demo) -> None:
    spans = defaultdict(list)
    for a in demo.assignments:
        spans[a["user_id"], a["assignable_id"]].append((a["starts_at"], a["ends_at"]))
    for entry in demo.entries:
        if entry["assignable_type"] == "LeaveType":
            assert entry["assignable_id"] in demo.leave_types
            assert entry["bill_rate"] == 0
        else:
            assert entry["assignable_type"] == "Project"
            assert entry["assignable_id"] in demo.projects
        assert any(
            s <= entry["date"] <= e for s, e in spans[entry["user_id"], entry["assignable_id"]]
        ), entry
        assert entry["hours"] > 0 and (entry["hours"] * 4).is_integer()
        assert entry["bill_rate_id"] is None and not entry["is_suggestion"]


def test_some_entries_are_itemized(demo: Demo) -> None:
    groups = defaultdict(list)
    for entry in demo.entries:
        groups[entry["user_id"], entry["assignable_id"], entry["date"]].append(entry)
    itemized = [g for g in groups.values() if len(g) > 1]
    assert itemized
    assert any(len({(e["task"], e["notes"]) for e in g}) == len(g) for g in itemized)
    assert any(len(g) > 1 for key, g in groups.items() if key[0] == demo.me["id"])


def test_me_leaves_suggestions_to_confirm(demo: Demo) -> None:
    mine = demo.mine(demo.entries)
    assert len(mine) >= 50
    assert all(day(e["date"]) < MONDAY for e in mine), "the current week stays unconfirmed"
    assert any(e["assignable_type"] == "LeaveType" for e in mine)
    confirmed = {(e["date"], e["assignable_id"]) for e in mine}
    leave_days = {
        (a["starts_at"], a["ends_at"])
        for a in demo.mine(demo.assignments)
        if a["assignable_id"] in demo.leave_types
    }
    unconfirmed = []
    for a in demo.mine(demo.assignments):
        if a["assignable_id"] in demo.leave_types:
            continue
        date = max(day(a["starts_at"]), MONDAY - WINDOW)
        while date <= min(day(a["ends_at"]), MONDAY - dt.timedelta(days=1)):
            iso = date.isoformat()
            on_leave = any(s <= iso <= e for s, e in leave_days)
            if (
                demo.hours_available(demo.me["id"], date)
                and date not in demo.holidays
                and not on_leave
                and (iso, a["assignable_id"]) not in confirmed
            ):
                unconfirmed.append((iso, a["assignable_id"]))
            date += dt.timedelta(days=1)
    assert len(unconfirmed) >= 3
    locked = {p for p, doc in demo.projects.items() if doc["timeentry_lockout"] == 0}
    assert any(a in locked for _, a in unconfirmed), "a suggestion on a locked project"


def test_other_people_have_confirmed_time(demo: Demo) -> None:
    per_user = Counter(e["user_id"] for e in demo.entries)
    licensed = [u for u in demo.users.values() if u["license_type"] == "licensed"]
    assert sum(1 for u in licensed if per_user[u["id"]] > 0) >= len(licensed) - 1


def test_archived_person_stops_booking_when_archived(demo: Demo) -> None:
    archived = next(u for u in demo.users.values() if u["archived"])
    theirs = [e for e in demo.entries if e["user_id"] == archived["id"]]
    assert theirs
    assert max(e["date"] for e in theirs) <= archived["termination_date"]


# -- demo: approvals and statuses ------------------------------------------


def test_me_has_pending_approvals_and_someone_an_approved_week(demo: Demo) -> None:
    entries = {e["id"]: e for e in demo.entries}
    approvals = demo.data["approvals"]
    pending = [a for a in approvals if a["status"] == "pending"]
    approved = [a for a in approvals if a["status"] == "approved"]
    assert pending and approved
    for approval in approvals:
        entry = entries[approval["approvable_id"]]
        assert approval["approvable_type"] == "TimeEntry"
        assert approval["submitted_by"] == entry["user_id"]
        assert approval["submitted_at"] >= entry["updated_at"]
    assert {entries[a["approvable_id"]]["user_id"] for a in pending} == {demo.me["id"]}
    for approval in approved:
        assert entries[approval["approvable_id"]]["user_id"] != demo.me["id"]
        assert demo.users[approval["approved_by"]]["user_type_id"] == 1
        assert approval["approved_at"] > approval["submitted_at"]
    week = {day(entries[a["approvable_id"]]["date"]) for a in pending}
    assert min(week) >= MONDAY - dt.timedelta(weeks=2) and max(week) < MONDAY - dt.timedelta(
        weeks=1
    )


def test_most_people_have_a_status_history(demo: Demo) -> None:
    history = defaultdict(list)
    for status in demo.data["statuses"]:
        history[status["user_id"]].append(status)
    assert len(history) >= 20
    assert demo.me["id"] in history
    for user_id, statuses in history.items():
        assert len(statuses) >= 2
        stamps = [s["created_at"] for s in statuses]
        assert len(set(stamps)) == len(stamps), user_id
        assert all(s["created_at"] == s["updated_at"] for s in statuses)


# -- large -----------------------------------------------------------------


@pytest.fixture(scope="module")
def large(large_db_template: Path) -> SandboxDB:
    # Generated by populate(scale="large", seed=0) once per run, shared with other tests.
    return SandboxDB(large_db_template)


@pytest.mark.slow
@pytest.mark.xdist_group("large-data-set")  # one worker builds the large template
def test_large_account_counts(large: SandboxDB) -> None:
    assert large.count("users") == 500
    assert large.count("projects", "parent_id IS NULL") == 2000
    assert large.count("projects", "parent_id IS NOT NULL") > 0
    assert large.count("time_entries") >= 400_000
    me = large.query("users", "json_extract(data, '$.email') = ?", (ME,))
    assert len(me) == 1
    me_id = me[0]["id"]
    assert large.count("time_entries", "user_id = ?", (me_id,)) >= 1500
    assert large.count("assignments", "user_id = ?", (me_id,)) >= 40
    modes = {a["allocation_mode"] for a in large.query("assignments", "user_id = ?", (me_id,))}
    assert modes == {"percent", "hours_per_day", "fixed"}
    dates = large.conn.execute("SELECT MIN(date), MAX(date) FROM time_entries").fetchone()
    assert day(dates[0]) <= TODAY - dt.timedelta(days=360) and day(dates[1]) < TODAY
    assignments = large.conn.execute("SELECT MAX(ends_at) FROM assignments").fetchone()
    assert day(assignments[0]) >= TODAY + dt.timedelta(days=300)
    for kind in ("holidays", "leave_types", "status_options", "statuses", "approvals"):
        assert large.count(kind) > 0, kind
    managed = large.query("users", "json_extract(data, '$.license_type') = 'managed_resource'")
    assert managed
    fields = {f["id"]: f for f in large.query("custom_fields")}
    values = large.query("custom_field_values")
    assert values and all(v["custom_field_id"] in fields for v in values)
    ids = [u["id"] for u in managed] + [p["id"] for p in large.query("placeholders")]
    marks = ",".join("?" * len(ids))
    assert large.count("time_entries", f"user_id IN ({marks})", ids) == 0
