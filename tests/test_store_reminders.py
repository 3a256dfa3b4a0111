"""Reminders read from a real SQLite cache: short days, unconfirmed time, locks ahead.

Today is Wednesday 25 November 2026; the last sync pulled from Monday 16 November,
so the window is Mon 16 – Tue 24 Nov. The work week is 8 h Monday to Friday.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenktui.records import Assignable, Availability, Holiday, User
from tenktui.store import Reminder, Store
from tests.test_store import ME, project, server_entry, suggestion

TODAY = dt.date(2026, 11, 25)  # a Wednesday
START = dt.date(2026, 11, 16)  # the Monday the last pull started on
END = dt.date(2027, 1, 11)


def d(day: int) -> dt.date:
    return dt.date(2026, 11, day)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "profile.db", today=lambda: TODAY)
    s.cache.upsert_users([User.from_api({"id": ME, "first_name": "Me", "email": "me@x.org"})])
    s.cache.upsert_assignables(
        [
            project(100, "Apollo"),
            project(102, "Locked", timeentry_lockout=0),
            project(103, "Week-locked", timeentry_lockout=7),
            project(104, "Old", archived=True),
            Assignable.from_api({"id": 200, "name": "Vacation", "type": "LeaveType"}),
        ]
    )
    s.database.set_meta("me", ME)
    s.cache.replace_reference(
        "holidays", [Holiday.from_api({"id": 1, "date": "2026-11-19", "name": "Founders Day"})]
    )
    s.reminders.note_window(ME, START, END)
    return s


def full_days(store: Store, *days: int, entries: list | None = None) -> None:
    """8 h confirmed on each of ``days`` (server entries), plus ``entries``."""
    pulled = [server_entry(900 + n, 100, d(n).isoformat(), 8) for n in days]
    store.cache.replace_time_window(ME, START, END, [*pulled, *(entries or [])])


def kinds(store: Store, **kw: int) -> list[tuple[str, dt.date, float, int | None]]:
    found = store.reminders.find(ME, TODAY, **kw)
    return [(r.kind, r.day, r.hours, r.days_left) for r in found.items]


def test_a_past_workday_under_its_capacity_is_short(store: Store) -> None:
    full_days(store, 16, 17, 18, 20, entries=[server_entry(5, 100, "2026-11-23", 5.5)])
    found = store.reminders.find(ME, TODAY)
    assert (found.start, found.end) == (START, d(24))
    # Mon 23: 5.5 of 8 h; Tue 24: nothing. Today (Wed 25) is not past; the weekend
    # (21, 22) has no capacity.
    assert found.of("short") == [Reminder("short", d(23), 2.5), Reminder("short", d(24), 8.0)]


def test_holidays_and_leave_are_not_short(store: Store) -> None:
    leave = server_entry(6, 200, "2026-11-24", 8)
    full_days(store, 16, 17, 18, 20, 23, entries=[leave])
    # Thu 19 is a holiday (no capacity); Tue 24 is a day of leave, which counts.
    assert kinds(store) == []


def test_a_custom_work_week_sets_what_short_means(store: Store) -> None:
    # Six-hour days, Fridays off, from Mon 23 on.
    block = {"id": 1, "user_id": ME, "starts_at": "2026-11-23", "ends_at": None}
    hours = {f"day{i}": h for i, h in enumerate((0, 6, 6, 6, 6, 0, 0))}
    store.cache.replace_reference("availabilities", [Availability.from_api({**block, **hours})])
    entries = [server_entry(5, 100, "2026-11-23", 6), server_entry(6, 100, "2026-11-24", 5)]
    full_days(store, 16, 17, 18, 20, entries=entries)
    assert kinds(store) == [("short", d(24), 1.0, None)]


def test_suggested_time_without_a_confirmed_entry_is_unconfirmed(store: Store) -> None:
    full_days(
        store,
        16, 17, 18, 20, 23, 24,
        entries=[
            suggestion(100, "2026-11-23", 3),  # its cell holds 8 h: confirmed
            suggestion(200, "2026-11-24", 4),  # waiting
            suggestion(200, "2026-11-20", 2),  # waiting
            suggestion(102, "2026-11-24", 8),  # a locked project: nothing to do
            suggestion(104, "2026-11-24", 8),  # an archived one: the same
            suggestion(200, "2026-11-18", 0),  # nothing scheduled
            suggestion(200, "2026-11-25", 8),  # today: not past
        ],
    )  # fmt: skip
    assert kinds(store) == [
        ("unconfirmed", d(20), 2.0, None),
        ("unconfirmed", d(24), 4.0, None),
    ]


def test_time_that_locks_within_n_days_is_said_and_not_beyond(store: Store) -> None:
    # Week-locked takes time for 7 days back: on Wed 25, Wed 18 is its last day
    # (1 day left), Fri 20 has 3 days left, Mon 23 6; Tue 17 is locked already.
    full_days(
        store,
        16, 17, 18, 20, 23, 24,
        entries=[suggestion(103, f"2026-11-{n}", 2) for n in (17, 18, 20, 23)],
    )  # fmt: skip
    assert kinds(store) == [
        ("locks", d(18), 2.0, 1),
        ("locks", d(20), 2.0, 3),
        ("unconfirmed", d(18), 2.0, None),
        ("unconfirmed", d(20), 2.0, None),
        ("unconfirmed", d(23), 2.0, None),
    ]
    assert [r.day for r in store.reminders.find(ME, TODAY, lock_days=1).of("locks")] == [d(18)]
    longer = store.reminders.find(ME, TODAY, lock_days=6).of("locks")
    assert [(r.day, r.days_left) for r in longer] == [(d(18), 1), (d(20), 3), (d(23), 6)]


def test_confirming_or_logging_the_time_clears_the_reminders(store: Store) -> None:
    full_days(
        store,
        16, 17, 18, 20, 24,
        entries=[suggestion(103, "2026-11-23", 8)],
    )  # fmt: skip
    # Mon 23 locks in 6 days: not yet worth a word.
    assert kinds(store) == [("unconfirmed", d(23), 8.0, None), ("short", d(23), 8.0, None)]
    assert store.edits.confirm_suggestions(ME, [d(23)]) == 1
    assert kinds(store) == []
    # A dismissed suggestion (0 h confirmed) leaves the day short, not unconfirmed.
    full_days(store, 16, 17, 18, 20, entries=[suggestion(100, "2026-11-24", 8)])
    store.edits.dismiss_suggestion(ME, 100, d(24))
    assert kinds(store) == [("short", d(24), 8.0, None)]
    store.edits.create_entry(ME, 200, d(24), 8)
    assert kinds(store) == []


def test_the_window_is_what_the_last_sync_pulled_up_to_yesterday(store: Store) -> None:
    full_days(store, 17, 18, 20, 23, 24)
    # Fri 13 Nov was never pulled: nothing is known about it, so nothing is said.
    assert kinds(store) == [("short", d(16), 8.0, None)]
    store.reminders.note_window(ME, d(17), END)
    assert kinds(store) == []


def test_a_cache_with_no_recorded_window_looks_back_to_the_oldest_day_it_holds(
    store: Store,
) -> None:
    store.database.set_meta("time_window", None)
    assert store.reminders.find(ME, TODAY).start is None  # nothing held: nothing to say
    full_days(store, 18, 20, 23)
    found = store.reminders.find(ME, TODAY)
    assert (found.start, found.end) == (d(18), d(24))
    assert [(r.kind, r.day) for r in found.items] == [("short", d(24))]


def test_the_stores_change_token_moves_on_a_write_and_not_on_a_read(store: Store) -> None:
    """What the Timesheet compares to skip reading the reminders again (issue 15)."""
    before = store.database.changes()
    kinds(store)
    assert store.database.changes() == before
    full_days(store, 16)
    assert store.database.changes() != before
