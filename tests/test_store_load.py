"""Booked hours per day (the Assignments load strip): same arithmetic as the server's."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenktui.sandbox.suggestions import Calendar, PersonSchedule, scheduled_hours
from tenktui.session import open_demo_session
from tenktui.store.load import (
    DayLoad,
    Schedule,
    assignment_hours,
    day_loads,
    describe_allocation,
)
from tests.conftest import TODAY

MON = dt.date(2026, 11, 23)
WEEK = [0.0, 8.0, 8.0, 8.0, 8.0, 8.0, 0.0]  # index 0 = Sunday


def week_capacity(day: dt.date) -> float:
    return WEEK[(day.weekday() + 1) % 7]


def a(mode: str, value: float, start: dt.date, end: dt.date, kind: str = "project") -> dict:
    field = {"percent": "percent", "hours_per_day": "hours_per_day", "fixed": "fixed_hours"}[mode]
    return {
        "allocation_mode": mode,
        field: value,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "kind": kind,
    }


def test_percent_is_a_share_of_each_work_day() -> None:
    hours = assignment_hours(a("percent", 0.5, MON, MON + dt.timedelta(6)), week_capacity)
    assert hours == {MON + dt.timedelta(i): 4.0 for i in range(5)}


def test_hours_per_day_skip_days_off() -> None:
    hours = assignment_hours(a("hours_per_day", 6, MON + dt.timedelta(4), MON + dt.timedelta(7)),
                             week_capacity)  # fmt: skip
    assert hours == {MON + dt.timedelta(4): 6.0, MON + dt.timedelta(7): 6.0}


def test_fixed_spreads_to_the_cent_with_the_odd_cents_first() -> None:
    # 10 h over 3 work days: 3.34, 3.33, 3.33.
    fixed = a("fixed", 10, MON, MON + dt.timedelta(2))
    assert assignment_hours(fixed, week_capacity) == {
        MON: 3.34,
        MON + dt.timedelta(1): 3.33,
        MON + dt.timedelta(2): 3.33,
    }
    # Asking for part of the range still spreads over the whole range.
    assert assignment_hours(fixed, week_capacity, MON + dt.timedelta(1), MON + dt.timedelta(9)) == {
        MON + dt.timedelta(1): 3.33,
        MON + dt.timedelta(2): 3.33,
    }


def test_leave_comes_out_of_capacity_before_project_work() -> None:
    schedule = Schedule(
        [
            a("percent", 0.5, MON, MON + dt.timedelta(4)),
            a("fixed", 8, MON, MON + dt.timedelta(1)),  # Tuesday is leave: all 8 h on Monday
            a("percent", 1.0, MON + dt.timedelta(1), MON + dt.timedelta(1), kind="leave"),
        ],
        week_capacity,
    )
    booked = schedule.booked(MON, MON + dt.timedelta(6))
    assert booked[MON] == 12.0  # 4 h + all of the fixed 8 h
    assert booked[MON + dt.timedelta(1)] == 8.0  # the leave; nothing room for project work
    assert booked[MON + dt.timedelta(2)] == 4.0
    assert booked[MON + dt.timedelta(5)] == 0.0
    states = [d.state for d in schedule.loads(MON, MON + dt.timedelta(6))]
    assert states == ["over", "full", "under", "under", "under", "off", "off"]


def test_day_load_states() -> None:
    assert DayLoad(MON, 8, 0).state == "empty"
    assert DayLoad(MON, 8, 8.004).state == "full"
    assert DayLoad(MON, 8, 8.01).state == "over"
    assert DayLoad(MON, 0, 2).state == "over"
    assert DayLoad(MON, 0, 0).state == "off"
    assert DayLoad(MON, 8, 9.5).free == -1.5


def test_allocation_in_words() -> None:
    assert describe_allocation(a("percent", 0.5, MON, MON)) == "50 %"
    assert describe_allocation(a("hours_per_day", 6, MON, MON)) == "6 h/day"
    assert describe_allocation(a("fixed", 24, MON, MON)) == "24 h total"
    assert describe_allocation(a("percent", 0.125, MON, MON)) == "12.5 %"


# -- agreement with the sandbox's scheduled hours ---------------------------------

days_off = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 10, 20])


@st.composite
def assignments(draw: st.DrawFn) -> dict:
    mode = draw(st.sampled_from(["percent", "hours_per_day", "fixed"]))
    start = MON + dt.timedelta(days=draw(st.integers(-10, 20)))
    end = start + dt.timedelta(days=draw(days_off))
    value = {
        "percent": draw(st.sampled_from([0.1, 0.25, 0.5, 0.75, 1.0, 1.5])),
        "hours_per_day": draw(st.sampled_from([0.5, 1, 2.25, 4, 8, 10])),
        "fixed": draw(st.sampled_from([0.01, 1, 7.77, 12, 40, 100])),
    }[mode]
    return a(mode, value, start, end, kind=draw(st.sampled_from(["project"] * 4 + ["leave"])))


@settings(max_examples=200, deadline=None)
@given(
    plan=st.lists(assignments(), max_size=6),
    week=st.lists(st.sampled_from([0.0, 4.0, 6.0, 8.0]), min_size=7, max_size=7),
    holiday=st.integers(0, 20),
    block=st.booleans(),
)
@pytest.mark.slow
def test_booked_hours_agree_with_the_sandbox(
    plan: list[dict], week: list[float], holiday: int, block: bool
) -> None:
    holidays = frozenset({MON + dt.timedelta(days=holiday)})
    blocks = []
    if block:
        blocks = [{
            "id": 1, "starts_at": (MON + dt.timedelta(days=3)).isoformat(), "ends_at": None,
            **{f"day{i}": (0, 6, 6, 0, 6, 6, 0)[i] for i in range(7)},
        }]  # fmt: skip
    calendar = Calendar(week, holidays, blocks)
    docs = [{**p, "id": i + 1, "assignable_id": 1000 if p["kind"] == "leave" else 1 + i}
            for i, p in enumerate(plan)]  # fmt: skip
    account = SimpleNamespace(calendar=lambda _person: calendar, leave_ids=frozenset({1000}))
    theirs = PersonSchedule(account, 1, docs)  # type: ignore[arg-type]
    lo, hi = MON - dt.timedelta(days=3), MON + dt.timedelta(days=30)

    mine = Schedule(docs, calendar.capacity)
    expected = {d: 0.0 for d in mine.booked(lo, hi)}
    for doc in docs:
        assert mine.hours(doc, lo, hi) == theirs.hours(doc, lo, hi)
        for day, hours in theirs.hours(doc, lo, hi).items():
            expected[day] += hours
    assert mine.booked(lo, hi) == {d: round(h, 2) for d, h in expected.items()}


async def test_the_demo_persons_load_matches_the_servers_schedule(tmp_path) -> None:
    session = open_demo_session(workdir=tmp_path, today=TODAY)
    try:
        await session.engine.sync_once()
        me = session.store.database.get_meta("me")
        lo, hi = TODAY - dt.timedelta(days=14), TODAY + dt.timedelta(days=41)
        loads = day_loads(session.store.queries, me, lo, hi)

        db = session.demo.sandbox.sandbox.db
        expected = {d.date: 0.0 for d in loads}
        for doc in db.query("assignments", "user_id = ?", [me]):
            for day, hours in scheduled_hours(db, doc, lo, hi).items():
                expected[day] += hours
        assert {d.date: d.booked for d in loads} == {d: round(h, 2) for d, h in expected.items()}
        # The demo books more than a day next week and less than a day today.
        assert any(d.state == "over" for d in loads)
        assert any(d.state == "under" for d in loads)
    finally:
        await session.aclose()
