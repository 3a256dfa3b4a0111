"""The store's timer (issue 14): rounding, the midnight split, refusals that keep it
running, one timer per profile, and restarts."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from tenktui.records import Project, TimeEntry, User
from tenktui.store import InvalidEdit, NoTimer, Rounding, Store
from tenktui.store.timer import split_by_day

ZONE = "Europe/Berlin"
TZ = dt.timezone(dt.timedelta(hours=1))  # Berlin in winter
TODAY = dt.date(2026, 11, 30)  # a Monday
ME = 7
NEAREST = Rounding()


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """Wall time in Berlin on a day of November 2026 (``day`` 31 is 1 December)."""
    date = dt.date(2026, 11, 30) + dt.timedelta(days=day - 30)
    return dt.datetime.combine(date, dt.time(hour, minute, second), tzinfo=TZ)


def project(id_: int, name: str, **extra: object) -> Project:
    return Project.from_api(
        {"id": id_, "name": name, "type": "Project", "timeentry_lockout": -1, **extra}
    )


def make_store(path: Path, *, itemized: bool = True) -> Store:
    s = Store(path, today=lambda: TODAY)
    s.cache.upsert_users(
        [User.from_api({"id": ME, "first_name": "Me", "last_name": "X", "email": "m@x.com"})]
    )
    s.cache.upsert_assignables([project(100, "Apollo"), project(101, "Zeus")])
    s.database.set_meta("me", ME)
    s.database.set_meta("capabilities", {"itemized_entries": itemized})
    return s


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return make_store(tmp_path / "profile.db")


def outbox(store: Store) -> list[tuple[str, dict]]:
    return [(r.op, r.target) for r in store.outbox.replayable()]


# -- rounding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "direction", "seconds", "hours"),
    [
        # whole minutes, then the nearest 0.01 h
        ("minute", "nearest", 0, 0.0),
        ("minute", "nearest", 29, 0.0),
        ("minute", "nearest", 30, 0.02),
        ("minute", "up", 1, 0.02),
        ("minute", "down", 119, 0.02),
        ("minute", "down", 3600, 1.0),
        ("minute", "nearest", 45 * 60, 0.75),
        ("minute", "up", 20 * 60 + 1, 0.35),
        # tenths of an hour: 6 minutes a step
        ("0.1h", "nearest", 179, 0.0),
        ("0.1h", "nearest", 180, 0.1),
        ("0.1h", "up", 1, 0.1),
        ("0.1h", "up", 360, 0.1),
        ("0.1h", "up", 361, 0.2),
        ("0.1h", "down", 719, 0.1),
        ("0.1h", "down", 720, 0.2),
        # quarters: 15 minutes a step, a boundary stays where it is
        ("0.25h", "nearest", 7 * 60 + 29, 0.0),
        ("0.25h", "nearest", 7 * 60 + 30, 0.25),
        ("0.25h", "nearest", 15 * 60, 0.25),
        ("0.25h", "up", 15 * 60, 0.25),
        ("0.25h", "up", 15 * 60 + 1, 0.5),
        ("0.25h", "down", 15 * 60 - 1, 0.0),
        ("0.25h", "down", 75 * 60, 1.25),
        # halves
        ("0.5h", "nearest", 14 * 60 + 59, 0.0),
        ("0.5h", "nearest", 15 * 60, 0.5),
        ("0.5h", "up", 1, 0.5),
        ("0.5h", "up", 30 * 60, 0.5),
        ("0.5h", "down", 89 * 60, 1.0),
        ("0.5h", "nearest", 8 * 3600 + 44 * 60, 8.5),
    ],
)
def test_rounding_table(unit: str, direction: str, seconds: int, hours: float) -> None:
    assert Rounding(unit, direction).hours(seconds) == hours


def test_rounding_refuses_unknown_rules_and_negative_time() -> None:
    with pytest.raises(ValueError, match="rounding: expected one of minute"):
        Rounding("0.2h")
    with pytest.raises(ValueError, match="rounding_direction"):
        Rounding("minute", "sideways")
    with pytest.raises(ValueError):
        NEAREST.hours(-1)


# -- the midnight split ---------------------------------------------------------------


def test_a_span_across_midnight_splits_by_local_day() -> None:
    parts = split_by_day(at(30, 22, 30), at(31, 1, 15), ZONE)
    assert parts == [(dt.date(2026, 11, 30), 5400.0), (dt.date(2026, 12, 1), 4500.0)]
    # Local midnight, not UTC's: 00:30 Berlin is 23:30 UTC the day before.
    assert split_by_day(at(30, 0, 30), at(30, 1, 0), ZONE) == [(dt.date(2026, 11, 30), 1800.0)]
    two_nights = split_by_day(at(30, 23), at(32, 1), ZONE)
    assert [(d.day, s / 3600) for d, s in two_nights] == [(30, 1.0), (1, 24.0), (2, 1.0)]


def test_a_stop_across_midnight_queues_one_entry_per_day(store: Store) -> None:
    store.timer.start(ME, 100, now=at(30, 22, 30), zone=ZONE, rounding=NEAREST, notes="deploy")
    stopped = store.timer.stop(now=at(31, 1, 15), zone=ZONE, rounding=NEAREST)
    assert [(p.day.day, p.hours) for p in stopped.parts] == [(30, 1.5), (1, 1.25)]
    assert stopped.hours == 2.75
    creates = [(op, p["date"], p["hours"], p["notes"]) for op, p in outbox(store)]
    assert creates == [
        ("create", "2026-11-30", 1.5, "deploy"),
        ("create", "2026-12-01", 1.25, "deploy"),
    ]
    assert store.timer.running() is None


# -- start, stop, cancel --------------------------------------------------------------


def test_start_keeps_the_timer_in_the_store_until_stopped(tmp_path: Path) -> None:
    store = make_store(tmp_path / "p.db")
    started = store.timer.start(
        ME, 100, now=at(30, 9, 20), at=at(30, 9, 15), zone=ZONE, rounding=NEAREST, task="T"
    )
    assert started.stopped is None
    assert started.timer.started_at == at(30, 9, 15).astimezone(dt.UTC)
    assert outbox(store) == []
    store.close()
    again = Store(tmp_path / "p.db", today=lambda: TODAY)  # a restart, or another process
    running = again.timer.running()
    assert running is not None
    assert (running.assignable_id, running.task, running.user_id) == (100, "T", ME)
    assert running.elapsed(at(30, 10, 45)) == dt.timedelta(hours=1, minutes=30)
    stopped = again.timer.stop(now=at(30, 12), at=at(30, 10, 45), zone=ZONE, rounding=NEAREST)
    assert stopped.hours == 1.5
    assert [(op, p["hours"], p["task"]) for op, p in outbox(again)] == [("create", 1.5, "T")]
    assert again.timer.running() is None


def test_the_table_holds_one_timer_at_most(store: Store) -> None:
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    with pytest.raises(sqlite3.IntegrityError):
        store.database.conn.execute(
            "INSERT INTO timer (slot, user_id, assignable_id, started_at) "
            "VALUES (2, 7, 101, '2026-11-30T08:00:00Z')"
        )


def test_starting_while_one_runs_stops_it_first(store: Store) -> None:
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    started = store.timer.start(ME, 101, now=at(30, 10, 20), zone=ZONE, rounding=NEAREST)
    assert started.stopped is not None
    assert started.stopped.timer.assignable_id == 100
    assert started.stopped.hours == 1.33
    assert started.timer.assignable_id == 101
    assert [(p["assignable_id"], p["hours"]) for _, p in outbox(store)] == [(100, 1.33)]


def test_a_start_before_the_running_ones_start_or_in_the_future_is_refused(
    store: Store,
) -> None:
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    with pytest.raises(InvalidEdit, match="before the timer started"):
        store.timer.start(ME, 101, now=at(30, 10), at=at(30, 8), zone=ZONE, rounding=NEAREST)
    with pytest.raises(InvalidEdit, match="in the future"):
        store.timer.start(ME, 101, now=at(30, 10), at=at(30, 11), zone=ZONE, rounding=NEAREST)
    running = store.timer.running()
    assert running is not None and running.assignable_id == 100
    assert outbox(store) == []


def test_stop_at_is_refused_before_the_start_and_in_the_future(store: Store) -> None:
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    with pytest.raises(InvalidEdit, match="before the timer started"):
        store.timer.stop(now=at(30, 10), at=at(30, 8, 59), zone=ZONE, rounding=NEAREST)
    with pytest.raises(InvalidEdit, match="in the future"):
        store.timer.stop(now=at(30, 10), at=at(30, 10, 1), zone=ZONE, rounding=NEAREST)
    assert store.timer.running() is not None
    assert outbox(store) == []


def test_stop_without_a_timer_says_so(store: Store) -> None:
    with pytest.raises(NoTimer, match="No timer is running"):
        store.timer.stop(now=at(30, 10), zone=ZONE, rounding=NEAREST)


def test_a_part_that_rounds_to_zero_is_skipped(store: Store) -> None:
    store.timer.start(ME, 100, now=at(30, 23, 55), zone=ZONE, rounding=NEAREST)
    stopped = store.timer.stop(now=at(31, 2), zone=ZONE, rounding=Rounding("0.25h", "nearest"))
    assert [(p.day.day, p.hours, p.skipped) for p in stopped.parts] == [
        (30, 0.0, True),
        (1, 2.0, False),
    ]
    assert [p["date"] for _, p in outbox(store)] == ["2026-12-01"]


def test_cancel_queues_nothing(store: Store) -> None:
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    cancelled = store.timer.cancel()
    assert cancelled is not None and cancelled.assignable_id == 100
    assert store.timer.running() is None
    assert store.timer.cancel() is None
    assert outbox(store) == []


# -- refusals keep the timer running ------------------------------------------------


def test_a_day_over_24_hours_refuses_the_stop_and_keeps_the_timer(store: Store) -> None:
    store.edits.create_entry(ME, 101, TODAY, 22.0)
    before = outbox(store)
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    with pytest.raises(InvalidEdit, match="would hold 25 h"):
        store.timer.stop(now=at(30, 12), zone=ZONE, rounding=NEAREST)
    assert store.timer.running() is not None
    assert outbox(store) == before


def test_a_lock_refuses_the_start_and_the_stop(store: Store) -> None:
    store.cache.upsert_assignables([project(102, "Frozen", timeentry_lockout=0)])
    with pytest.raises(InvalidEdit, match="locked"):
        store.timer.start(ME, 102, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    assert store.timer.running() is None
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    store.cache.upsert_assignables([project(100, "Apollo", timeentry_lockout=0)])
    with pytest.raises(InvalidEdit, match="Apollo is locked"):
        store.timer.stop(now=at(30, 10), zone=ZONE, rounding=NEAREST)
    assert store.timer.running() is not None
    assert outbox(store) == []


def test_a_refused_second_day_queues_nothing_of_the_first(store: Store) -> None:
    store.edits.create_entry(ME, 101, dt.date(2026, 12, 1), 23.5)
    before = outbox(store)
    store.timer.start(ME, 100, now=at(30, 22), zone=ZONE, rounding=NEAREST)
    with pytest.raises(InvalidEdit, match="Tue 2026-12-01"):
        store.timer.stop(now=at(31, 1), zone=ZONE, rounding=NEAREST)
    assert outbox(store) == before
    assert store.timer.running() is not None


# -- one entry a day: the stop adds to it ----------------------------------------------


def test_where_a_cell_holds_one_entry_the_stop_adds_to_it(tmp_path: Path) -> None:
    store = make_store(tmp_path / "p.db", itemized=False)
    store.cache.replace_time_window(
        ME,
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 31),
        [
            TimeEntry.from_api(
                {
                    "id": 900,
                    "user_id": ME,
                    "assignable_id": 100,
                    "date": "2026-11-30",
                    "hours": 2.0,
                    "notes": "morning",
                    "updated_at": "2026-11-30T08:00:00Z",
                }
            )
        ],
    )
    store.timer.start(ME, 100, now=at(30, 22, 30), zone=ZONE, rounding=NEAREST, notes="late")
    store.timer.stop(now=at(31, 1, 15), zone=ZONE, rounding=NEAREST)
    rows = [(r.op, r.server_id, r.target) for r in store.outbox.replayable()]
    assert rows[0][:2] == ("update", 900)
    assert rows[0][2]["hours"] == 3.5
    assert "notes" not in rows[0][2]
    assert rows[1][0] == "create"
    assert (rows[1][2]["date"], rows[1][2]["hours"], rows[1][2]["notes"]) == (
        "2026-12-01",
        1.25,
        "late",
    )
    # A second stop on the same day adds again, folding into the unsent rows.
    store.timer.start(ME, 100, now=at(31, 9), zone=ZONE, rounding=NEAREST)
    store.timer.stop(now=at(31, 9, 30), zone=ZONE, rounding=NEAREST)
    cell = store.edits.entries_in_cell(ME, 100, dt.date(2026, 12, 1))
    assert [e["hours"] for e in cell] == [1.75]
    assert len(store.outbox.replayable()) == 2


# -- forgotten ----------------------------------------------------------------------------


def test_forgotten_past_the_end_of_its_day_or_over_12_hours(store: Store) -> None:
    assert store.timer.forgotten(at(30, 9), ZONE) is None
    store.timer.start(ME, 100, now=at(30, 8), zone=ZONE, rounding=NEAREST)
    assert store.timer.forgotten(at(30, 19, 59), ZONE) is None
    reason = store.timer.forgotten(at(30, 20, 1), ZONE)
    assert reason is not None and "over 12 h" in reason
    store.timer.cancel()
    store.timer.start(ME, 100, now=at(30, 22), zone=ZONE, rounding=NEAREST)
    assert store.timer.forgotten(at(30, 23, 59), ZONE) is None
    reason = store.timer.forgotten(at(31, 0, 1), ZONE)
    assert reason is not None and "past the end of that day" in reason


def test_where_a_cell_holds_one_entry_a_stop_past_the_days_24_hours_is_refused(
    tmp_path: Path,
) -> None:
    """The cell's entry takes what is added: the day's 24 h is said as for typed hours,
    and the timer keeps running with nothing queued."""
    store = make_store(tmp_path / "p.db", itemized=False)
    store.edits.create_entry(ME, 100, TODAY, 20.0)
    before = outbox(store)
    store.timer.start(ME, 100, now=at(30, 9), zone=ZONE, rounding=NEAREST)
    with pytest.raises(InvalidEdit, match=r"would hold 25 h \(20 h already logged \+ 5 h\)"):
        store.timer.stop(now=at(30, 14), zone=ZONE, rounding=NEAREST)
    assert store.timer.running() is not None
    assert outbox(store) == before
