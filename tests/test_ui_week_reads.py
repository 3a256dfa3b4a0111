"""Weeks read ahead for the Timesheet (tenktui/ui/week_reads.py): kept only while the
store and the day stay as they were read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenktui.records import Project, User
from tenktui.store import Store
from tenktui.ui.week_reads import WeekReads

ME = 7
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "profile.db", today=lambda: dt.date(2026, 11, 25))
    s.cache.upsert_users([User.from_api({"id": ME, "first_name": "Me", "last_name": "E"})])
    s.cache.upsert_assignables([Project.from_api({"id": 100, "name": "Apollo", "type": "Project"})])
    s.database.set_meta("me", ME)
    return s


def test_a_week_read_ahead_is_handed_out_without_reading_again(store: Store) -> None:
    weeks = WeekReads(store)
    shown = weeks.week(ME, MONDAY)
    assert weeks.read_ahead(ME, MONDAY, 1) is True
    assert weeks.read_ahead(ME, MONDAY, 1) is False  # kept: not read twice
    following = weeks.week(ME, MONDAY + dt.timedelta(days=7))
    assert weeks.week(ME, MONDAY + dt.timedelta(days=7)) is following
    assert weeks.week(ME, MONDAY) is shown


def test_a_write_drops_what_was_read_ahead(store: Store) -> None:
    weeks = WeekReads(store)
    weeks.week(ME, MONDAY)
    weeks.read_ahead(ME, MONDAY, 1)
    store.edits.set_cell(ME, 100, MONDAY + dt.timedelta(days=8), 3)
    following = weeks.week(ME, MONDAY + dt.timedelta(days=7))
    assert following.rows[0].cells[1].hours == 3


def test_a_write_by_another_process_drops_it_too(store: Store, tmp_path: Path) -> None:
    weeks = WeekReads(store)
    weeks.read_ahead(ME, MONDAY, -1)
    other = Store(tmp_path / "profile.db", today=lambda: dt.date(2026, 11, 25))
    other.edits.set_cell(ME, 100, MONDAY - dt.timedelta(days=7), 2)
    other.close()
    earlier = weeks.week(ME, MONDAY - dt.timedelta(days=7))
    assert earlier.rows[0].cells[0].hours == 2


def test_a_new_day_drops_it(tmp_path: Path) -> None:
    today = [dt.date(2026, 11, 25)]
    store = Store(tmp_path / "profile.db", today=lambda: today[0])
    store.database.set_meta("me", ME)
    weeks = WeekReads(store)
    before = weeks.week(ME, MONDAY)
    today[0] += dt.timedelta(days=1)
    assert weeks.week(ME, MONDAY) is not before
