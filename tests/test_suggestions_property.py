"""Suggested time follows the schedule: properties over arbitrary assignments and calendars.

Each example builds a fresh in-memory sandbox database from the model builders,
and compares what :mod:`tenktui.sandbox.suggestions` computes with a small,
independent statement of the rules (the oracle below).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenktui.sandbox import models
from tenktui.sandbox.db import SandboxDB
from tenktui.sandbox.suggestions import (
    SUGGESTION_ID_BASE,
    day_capacity,
    scheduled_hours,
    suggestions_for,
)

NOW = "2026-01-01T00:00:00Z"
FIRST = dt.date(2026, 3, 1)  # a Sunday
SPAN = 42  # six weeks of days to play in
DAYS = [FIRST + dt.timedelta(days=i) for i in range(SPAN)]

hours_values = st.sampled_from([0.0, 0.0, 4.0, 6.5, 8.0, 7.5, 10.0])


def _cents(x: float) -> float:
    return round(x, 2)


@dataclass
class World:
    """What one example generated: the inputs of the schedule, plus confirmed days."""

    week: list[float]
    holidays: set[dt.date]
    block: dict[str, Any] | None
    placeholder: bool
    assignments: list[dict[str, Any]]  # allocation fields + "on" (index of assignable) + dates
    leaves: list[dict[str, Any]]
    confirmed: set[tuple[int, dt.date]]  # (index of assignable, day)
    ids: dict[str, Any] = field(default_factory=dict)


def allocation() -> st.SearchStrategy[dict[str, Any]]:
    start = st.integers(0, SPAN - 1)
    length = st.integers(0, 20)
    percent = st.builds(
        lambda p: {"allocation_mode": "percent", "percent": p},
        st.integers(5, 150).map(lambda n: n / 100),
    )
    per_day = st.builds(
        lambda h: {"allocation_mode": "hours_per_day", "hours_per_day": h},
        st.integers(25, 1200).map(lambda n: n / 100),
    )
    fixed = st.builds(
        lambda h: {"allocation_mode": "fixed", "fixed_hours": h},
        st.integers(0, 20000).map(lambda n: n / 100),
    )

    def with_dates(alloc: dict[str, Any], s: int, n: int) -> dict[str, Any]:
        starts = FIRST + dt.timedelta(days=s)
        return {**alloc, "starts_at": starts, "ends_at": starts + dt.timedelta(days=n)}

    return st.builds(with_dates, st.one_of(percent, per_day, fixed), start, length)


@st.composite
def worlds(draw: st.DrawFn, shared_assignables: bool = False) -> World:
    week = draw(st.lists(hours_values, min_size=7, max_size=7))
    holidays = set(draw(st.lists(st.sampled_from(DAYS), max_size=6)))
    block = None
    if draw(st.booleans()):
        lo = draw(st.one_of(st.none(), st.sampled_from(DAYS)))
        hi = draw(st.one_of(st.none(), st.sampled_from(DAYS)))
        if lo and hi and hi < lo:
            lo, hi = hi, lo
        block = {"starts_at": lo, "ends_at": hi}
        block.update({f"day{d}": draw(hours_values) for d in range(7)})
    placeholder = draw(st.booleans())
    raw = draw(st.lists(allocation(), min_size=1, max_size=5))
    count = 2 if shared_assignables else len(raw)
    assignments = [
        {**a, "on": draw(st.integers(0, count - 1)) if shared_assignables else i}
        for i, a in enumerate(raw)
    ]
    leaves = draw(st.lists(allocation(), max_size=2)) if draw(st.booleans()) else []
    confirmed = set(
        draw(st.lists(st.tuples(st.integers(0, count - 1), st.sampled_from(DAYS)), max_size=8))
    )
    return World(week, holidays, block, placeholder, assignments, leaves, confirmed)


def build(world: World) -> SandboxDB:
    """Store the world through the model builders; remembers the ids it gave."""
    db = SandboxDB(":memory:")
    db.set_setting("work_week", world.week)
    person_id = db.next_id()
    if world.placeholder:
        db.put("placeholders", models.placeholder(person_id, NOW, title="Designer"))
    else:
        db.put("users", models.user(person_id, NOW, first_name="Pat"))
    if world.block is not None:
        block = {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in world.block.items()
        }
        db.put("availabilities", models.availability(db.next_id(), NOW, user_id=person_id, **block))
    for day in world.holidays:
        db.put("holidays", models.holiday(db.next_id(), NOW, date=day.isoformat()))
    count = 1 + max([a["on"] for a in world.assignments] + [on for on, _ in world.confirmed])
    projects = [db.next_id() for _ in range(count)]
    for pid in projects:
        db.put("projects", models.project(pid, NOW, name=f"P{pid}"))
    leave_id = db.next_id()
    db.put("leave_types", models.leave_type(leave_id, NOW, name="Vacation"))

    def put_assignment(spec: dict[str, Any], assignable: int) -> dict[str, Any]:
        fields = {k: v for k, v in spec.items() if k != "on"}
        fields["starts_at"] = spec["starts_at"].isoformat()
        fields["ends_at"] = spec["ends_at"].isoformat()
        doc = models.assignment(
            db.next_id(), NOW, user_id=person_id, assignable_id=assignable, **fields
        )
        db.put("assignments", doc)
        return doc

    world.ids = {
        "person": person_id,
        "projects": projects,
        "leave": leave_id,
        "assignments": [put_assignment(a, projects[a["on"]]) for a in world.assignments],
        "leaves": [put_assignment(a, leave_id) for a in world.leaves],
    }
    for on, day in world.confirmed:
        entry = models.time_entry(
            db.next_id(),
            NOW,
            user_id=person_id,
            assignable_id=projects[on],
            date=day.isoformat(),
            hours=1.0,
        )
        db.put("time_entries", entry)
    return db


# -- the oracle: the rules, stated as plainly as possible --------------------


def capacity(world: World, day: dt.date) -> float:
    if day in world.holidays:
        return 0.0
    weekday = (day.weekday() + 1) % 7  # 0 = Sunday
    block = world.block
    if block is not None and not world.placeholder:
        lo, hi = block["starts_at"], block["ends_at"]
        if (lo is None or lo <= day) and (hi is None or day <= hi):
            return float(block[f"day{weekday}"])
    return float(world.week[weekday])


def planned(spec: dict[str, Any], basis: Any) -> dict[dt.date, float]:
    """Hours an assignment schedules per day, over its whole range, given each day's basis."""
    days = [
        spec["starts_at"] + dt.timedelta(days=i)
        for i in range((spec["ends_at"] - spec["starts_at"]).days + 1)
    ]
    mode = spec["allocation_mode"]
    if mode == "percent":
        values = {d: _cents(spec["percent"] * basis(d)) for d in days}
    elif mode == "hours_per_day":
        values = {d: spec["hours_per_day"] if basis(d) > 0 else 0.0 for d in days}
    else:
        working = [d for d in days if basis(d) > 0]
        total = round(spec["fixed_hours"] * 100)
        values = {}
        if working:
            share, extra = divmod(total, len(working))
            # The leftover cents go to the earliest days.
            values = {d: (share + (i < extra)) / 100 for i, d in enumerate(working)}
    return {d: v for d, v in values.items() if v > 0}


def leave_hours(world: World, day: dt.date) -> float:
    return sum(planned(leave, lambda d: capacity(world, d)).get(day, 0.0) for leave in world.leaves)


def available(world: World, day: dt.date) -> float:
    cap = capacity(world, day)
    return max(0.0, cap - leave_hours(world, day)) if cap > 0 else 0.0


def expected_suggestions(world: World) -> dict[tuple[int, dt.date], float]:
    projects, leave = world.ids["projects"], world.ids["leave"]
    total: dict[tuple[int, dt.date], float] = {}
    for spec in world.assignments:
        for day, hours in planned(spec, lambda d: available(world, d)).items():
            key = (projects[spec["on"]], day)
            total[key] = total.get(key, 0.0) + _cents(hours)
    for spec in world.leaves:
        for day, hours in planned(spec, lambda d: capacity(world, d)).items():
            total[(leave, day)] = total.get((leave, day), 0.0) + _cents(hours)
    confirmed = {(projects[on], day) for on, day in world.confirmed}
    return {k: _cents(v) for k, v in total.items() if k not in confirmed and _cents(v) > 0}


def as_map(found: list[dict[str, Any]]) -> dict[tuple[int, dt.date], float]:
    """Suggested hours per cell: the sum of its assignments' suggestions."""
    cells: dict[tuple[int, dt.date], float] = {}
    for s in found:
        key = (s["assignable_id"], dt.date.fromisoformat(s["date"]))
        cells[key] = cells.get(key, 0.0) + s["scheduled_hours"]
    return cells


# -- properties ----------------------------------------------------------------


@settings(deadline=None, max_examples=100)
@given(worlds())
@pytest.mark.slow
def test_each_mode_schedules_what_it_says(world: World) -> None:
    db = build(world)
    person = world.ids["person"]
    found = suggestions_for(db, person, None, None)
    got = as_map(found)
    assert got == pytest.approx(expected_suggestions(world))

    confirmed = {(world.ids["projects"][on], day) for on, day in world.confirmed}
    for s in found:
        day = dt.date.fromisoformat(s["date"])
        assert day not in world.holidays
        assert capacity(world, day) > 0
        assert (s["assignable_id"], day) not in confirmed
        assert s["user_id"] == person
        assert s["is_suggestion"] is True and s["hours"] is None
        assert s["task"] is None and s["notes"] is None

    for spec, doc in zip(world.assignments, world.ids["assignments"], strict=True):
        assignable = doc["assignable_id"]
        mine = {d: h for (a, d), h in got.items() if a == assignable}
        sole = sum(1 for other in world.assignments if other["on"] == spec["on"]) == 1
        none_confirmed = not any(a == assignable for a, _ in confirmed)
        if spec["allocation_mode"] == "fixed" and sole and none_confirmed:
            working = [
                d for d in planned({**spec, "fixed_hours": 1}, lambda d: available(world, d))
            ]
            if working:
                assert sum(mine.values()) == pytest.approx(spec["fixed_hours"], abs=0.005)
            else:
                assert mine == {}
        if spec["allocation_mode"] == "percent" and sole:
            for day, hours in mine.items():
                assert hours == pytest.approx(_cents(spec["percent"] * available(world, day)))
        if spec["allocation_mode"] == "hours_per_day" and sole:
            for day, hours in mine.items():
                assert hours == pytest.approx(spec["hours_per_day"])
                assert available(world, day) > 0


@pytest.mark.slow
@settings(deadline=None, max_examples=100)
@given(worlds(shared_assignables=True))
def test_assignments_on_one_assignable_each_give_their_own_suggestion(world: World) -> None:
    db = build(world)
    found = suggestions_for(db, world.ids["person"], None, None)
    ids = [s["id"] for s in found]
    assert len(ids) == len(set(ids))
    assert as_map(found) == pytest.approx(expected_suggestions(world))


@pytest.mark.slow
@settings(deadline=None, max_examples=100)
@given(worlds(), st.sampled_from(DAYS), st.integers(0, 20))
def test_a_window_shows_the_same_suggestions_as_the_whole(
    world: World, start: dt.date, length: int
) -> None:
    db = build(world)
    person = world.ids["person"]
    end = start + dt.timedelta(days=length)
    whole = suggestions_for(db, person, None, None)
    window = suggestions_for(db, person, start, end)
    assert window == [s for s in whole if start.isoformat() <= s["date"] <= end.isoformat()]


@settings(deadline=None, max_examples=100)
@given(worlds())
@pytest.mark.slow
def test_capacity_and_scheduled_hours_ignore_confirmed_time(world: World) -> None:
    db = build(world)
    person = world.ids["person"]
    for day in DAYS:
        assert day_capacity(db, person, day) == capacity(world, day)
    for spec, doc in zip(world.assignments, world.ids["assignments"], strict=True):
        expected = planned(spec, lambda d: available(world, d))
        assert scheduled_hours(db, doc) == pytest.approx(expected)


@pytest.mark.slow
@settings(deadline=None, max_examples=50)
@given(worlds(shared_assignables=True))
def test_ids_are_stable_distinct_and_out_of_the_stored_range(world: World) -> None:
    db = build(world)
    person = world.ids["person"]
    first = suggestions_for(db, person, None, None)
    again = suggestions_for(build(world), world.ids["person"], None, None)
    ids = [s["id"] for s in first]
    assert len(ids) == len(set(ids))
    assert all(i >= SUGGESTION_ID_BASE for i in ids)
    assert ids == [s["id"] for s in again]


# -- examples for the choices the reference leaves open --------------------------


def _simple_db() -> tuple[SandboxDB, int, int, int]:
    db = SandboxDB(":memory:")
    user = db.next_id()
    db.put("users", models.user(user, NOW, first_name="Pat"))
    project = db.next_id()
    db.put("projects", models.project(project, NOW, name="P"))
    leave = db.next_id()
    db.put("leave_types", models.leave_type(leave, NOW, name="Vacation"))
    return db, user, project, leave


def test_a_full_day_of_leave_leaves_no_project_time_and_half_a_day_halves_percent() -> None:
    db, user, project, leave = _simple_db()
    monday, tuesday = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
    work = models.assignment(
        db.next_id(), NOW, user_id=user, assignable_id=project,
        starts_at="2026-03-02", ends_at="2026-03-04", percent=1.0,
    )  # fmt: skip
    off = models.assignment(
        db.next_id(), NOW, user_id=user, assignable_id=leave,
        starts_at="2026-03-02", ends_at="2026-03-02", percent=1.0,
    )  # fmt: skip
    half = models.assignment(
        db.next_id(), NOW, user_id=user, assignable_id=leave,
        starts_at="2026-03-03", ends_at="2026-03-03", allocation_mode="hours_per_day",
        hours_per_day=4.0,
    )  # fmt: skip
    db.put_many("assignments", [work, off, half])
    found = {(s["assignable_id"], s["date"]): s for s in suggestions_for(db, user, None, None)}
    assert (project, monday.isoformat()) not in found
    assert found[(project, tuesday.isoformat())]["scheduled_hours"] == 4.0
    assert found[(project, "2026-03-04")]["scheduled_hours"] == 8.0
    assert found[(leave, monday.isoformat())]["scheduled_hours"] == 8.0
    assert found[(leave, monday.isoformat())]["assignable_type"] == "LeaveType"
    assert found[(leave, tuesday.isoformat())]["scheduled_hours"] == 4.0


def test_overlapping_availability_blocks_the_later_start_wins() -> None:
    db, user, _, _ = _simple_db()
    wide = models.availability(db.next_id(), NOW, user_id=user, starts_at=None, ends_at=None)
    narrow = models.availability(
        db.next_id(), NOW, user_id=user, starts_at="2026-03-01", ends_at="2026-03-07", day1=3
    )
    db.put_many("availabilities", [narrow, wide])
    assert day_capacity(db, user, dt.date(2026, 3, 2)) == 3
    assert day_capacity(db, user, dt.date(2026, 3, 9)) == 8


def test_hours_per_day_is_not_capped_by_capacity() -> None:
    db, user, project, _ = _simple_db()
    db.put("availabilities", models.availability(db.next_id(), NOW, user_id=user, day1=4))
    db.put(
        "assignments",
        models.assignment(
            db.next_id(), NOW, user_id=user, assignable_id=project, starts_at="2026-03-02",
            ends_at="2026-03-03", allocation_mode="hours_per_day", hours_per_day=10.0,
        ),
    )  # fmt: skip
    found = {s["date"]: s["scheduled_hours"] for s in suggestions_for(db, user, None, None)}
    assert found == {"2026-03-02": 10.0, "2026-03-03": 10.0}


def test_suggestion_has_the_documented_shape() -> None:
    db, user, project, _ = _simple_db()
    assignment = models.assignment(
        db.next_id(), NOW, user_id=user, assignable_id=project, starts_at="2026-03-02",
        ends_at="2026-03-02", bill_rate=120.0, bill_rate_id=None,
    )  # fmt: skip
    db.put("assignments", assignment)
    [s] = suggestions_for(db, user, None, None)
    assert list(s) == [
        "id", "user_id", "assignable_id", "assignable_type", "date", "hours", "is_suggestion",
        "scheduled_hours", "task", "notes", "bill_rate", "bill_rate_id", "created_at",
        "updated_at",
    ]  # fmt: skip
    assert s["bill_rate"] == 120.0
    assert s["updated_at"] == assignment["updated_at"]


def test_a_write_refreshes_the_cached_suggestions() -> None:
    db, user, project, _ = _simple_db()
    db.put(
        "assignments",
        models.assignment(
            db.next_id(), NOW, user_id=user, assignable_id=project,
            starts_at="2026-03-02", ends_at="2026-03-03",
        ),
    )  # fmt: skip
    assert len(suggestions_for(db, user, None, None, cached=True)) == 2
    db.put(
        "time_entries",
        models.time_entry(
            db.next_id(), NOW, user_id=user, assignable_id=project, date="2026-03-02", hours=8.0
        ),
    )
    assert [s["date"] for s in suggestions_for(db, user, None, None, cached=True)] == ["2026-03-03"]


def test_a_write_through_another_connection_refreshes_the_cache(tmp_path: Any) -> None:
    path = tmp_path / "two.db"
    db = SandboxDB(path)
    user, project = db.next_id(), db.next_id()
    db.put("users", models.user(user, NOW, first_name="Pat"))
    db.put("projects", models.project(project, NOW, name="P"))
    db.put(
        "assignments",
        models.assignment(
            db.next_id(), NOW, user_id=user, assignable_id=project,
            starts_at="2026-03-02", ends_at="2026-03-03",
        ),
    )  # fmt: skip
    assert len(suggestions_for(db, user, None, None, cached=True)) == 2
    other = SandboxDB(path)
    other.put(
        "time_entries",
        models.time_entry(9999, NOW, user_id=user, assignable_id=project, date="2026-03-03"),
    )
    other.close()
    assert [s["date"] for s in suggestions_for(db, user, None, None, cached=True)] == ["2026-03-02"]
