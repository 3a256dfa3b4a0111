"""The store's reports: confirmed against scheduled and capacity, by every grouping;
billing only where entries carry a rate; which periods the cache holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenktui.records import Assignment, Holiday, LeaveType, Project, TimeEntry, User
from tenktui.store import Store
from tenktui.store.held import gaps, merge
from tenktui.store.reports import (
    GROUPINGS,
    BadPeriod,
    check_period,
    month_period,
    week_period,
)

TODAY = dt.date(2026, 11, 25)  # a Wednesday
MON = dt.date(2026, 11, 23)
SUN = MON + dt.timedelta(days=6)
ME = 7


def _entry(id_: int, assignable: int, day: dt.date, hours: float, **more: object) -> TimeEntry:
    return TimeEntry.from_api(
        {
            "id": id_,
            "user_id": ME,
            "assignable_id": assignable,
            "date": day.isoformat(),
            "hours": hours,
            **more,
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "profile.db", today=lambda: TODAY)
    s.cache.upsert_users([User.from_api({"id": ME, "first_name": "Me", "email": "m@x.io"})])
    s.cache.upsert_assignables(
        [
            Project.from_api({"id": 101, "name": "Apollo", "type": "Project"}),
            Project.from_api(
                {"id": 102, "name": "Apollo", "parent_id": 101, "phase_name": "Design"}
            ),
            Project.from_api({"id": 103, "name": "Zeta", "type": "Project"}),
        ]
    )
    s.cache.upsert_assignables([LeaveType.from_api({"id": 200, "name": "Vacation"})], leave=True)
    s.database.set_meta("me", ME)
    return s


def _week_of_rated_time(store: Store) -> None:
    """Mon 4 h Apollo (150/h), Mon 4 h Apollo·Design (100/h), Tue 6 h Zeta (not
    billed, rate 0), Wed 8 h vacation (rate 0); a Zeta assignment of 2 h a day."""
    store.cache.replace_time_window(
        ME,
        MON,
        SUN,
        [
            _entry(1, 101, MON, 4, bill_rate=150.0, task="build"),
            _entry(2, 102, MON, 4, bill_rate=100.0, task="build"),
            _entry(3, 103, MON + dt.timedelta(days=1), 6, bill_rate=0.0),
            _entry(4, 200, MON + dt.timedelta(days=2), 8, bill_rate=0.0),
        ],
    )
    store.cache.replace_assignments(
        ME,
        MON,
        SUN,
        [
            Assignment.from_api(
                {
                    "id": 50,
                    "user_id": ME,
                    "assignable_id": 103,
                    "starts_at": MON.isoformat(),
                    "ends_at": SUN.isoformat(),
                    "allocation_mode": "hours_per_day",
                    "hours_per_day": 2,
                }
            )
        ],
    )


def test_by_project_rolls_phases_into_their_project(store: Store) -> None:
    _week_of_rated_time(store)
    report = store.reports.report(ME, MON, SUN, "project")
    by_label = {ln.label: ln for ln in report.lines}
    assert set(by_label) == {"Apollo", "Zeta", "Vacation"}
    apollo = by_label["Apollo"]
    assert apollo.confirmed == 8 and apollo.capacity is None
    assert apollo.billable_share == 1.0 and apollo.amount == 1000.0 and apollo.bill_rate == 125.0
    zeta = by_label["Zeta"]
    # Zeta books 2 h on each work day: the vacation was taken, not scheduled.
    assert zeta.scheduled == 10 and zeta.billable_share == 0.0 and zeta.bill_rate is None
    assert by_label["Vacation"].leave == 8 and by_label["Vacation"].utilisation is None
    # The total: a 40 h week less 8 h of leave is 32 h of capacity; 14 h worked.
    assert report.total.confirmed == 22 and report.total.leave == 8
    assert report.total.capacity == 32 and report.total.utilisation == round(14 / 32, 4)
    assert report.total.billable_share == round(8 / 22, 4)
    # Project rows' utilisation is their share of the period's capacity: they add up.
    assert sum(ln.utilisation or 0 for ln in report.lines) == pytest.approx(14 / 32, abs=1e-3)
    assert [ln.label for ln in report.lines][-1] == "Vacation"  # leave last


def test_by_phase_keeps_phases_apart_and_by_task_has_no_schedule(store: Store) -> None:
    _week_of_rated_time(store)
    phases = {ln.label: ln.confirmed for ln in store.reports.report(ME, MON, SUN, "phase").lines}
    assert phases == {"Apollo": 4, "Apollo — Design": 4, "Zeta": 6, "Vacation": 8}
    tasks = store.reports.report(ME, MON, SUN, "task").lines
    assert {ln.label: ln.confirmed for ln in tasks} == {"build": 8, "(no task)": 14}
    assert all(ln.scheduled is None for ln in tasks)


def test_by_day_week_and_month_carry_capacity_and_utilisation(store: Store) -> None:
    _week_of_rated_time(store)
    days = store.reports.report(ME, MON, SUN, "day").lines
    assert [ln.start for ln in days] == [MON + dt.timedelta(days=i) for i in range(7)]
    assert [ln.confirmed for ln in days] == [8, 6, 8, 0, 0, 0, 0]
    assert [ln.capacity for ln in days] == [8, 8, 0, 8, 8, 0, 0]
    assert days[0].utilisation == 1.0 and days[2].utilisation is None  # all leave
    assert [ln.scheduled for ln in days] == [2, 2, 2, 2, 2, 0, 0]
    weeks = store.reports.report(ME, MON, SUN, "week").lines
    assert len(weeks) == 1 and weeks[0].confirmed == 22 and weeks[0].capacity == 32
    month = store.reports.report(ME, MON, SUN, "month").lines
    assert [(m.start, m.end) for m in month] == [(MON, dt.date(2026, 11, 29))]


def test_chart_series_and_trends(store: Store) -> None:
    _week_of_rated_time(store)
    start = MON - dt.timedelta(days=7)
    report = store.reports.report(ME, start, SUN, "project")
    assert len(report.days) == 14 and len(report.weeks) == 2
    assert report.weeks[1].worked == 14 and report.weeks[1].capacity == 32
    assert report.weeks[0].confirmed == 0 and report.weeks[0].capacity == 40
    trends = {t.label: t.hours for t in report.trends}
    assert trends == {"Apollo": (0, 8), "Zeta": (0, 6)}  # leave has no trend


def test_weeks_follow_the_first_weekday(store: Store) -> None:
    _week_of_rated_time(store)
    report = store.reports.report(ME, MON, SUN, "week", first_weekday=6)
    assert [(ln.start, ln.end) for ln in report.lines] == [
        (MON, MON + dt.timedelta(days=5)),
        (SUN, SUN),
    ]


def test_no_rates_means_billing_not_known_never_zero(store: Store) -> None:
    store.cache.replace_time_window(ME, MON, SUN, [_entry(1, 101, MON, 5)])
    store.edits.create_entry(ME, 103, MON, 2.0)  # a local edit counts, and has no rate yet
    report = store.reports.report(ME, MON, SUN, "project")
    assert report.total.confirmed == 7
    assert report.total.billable_share is None and report.total.amount is None
    assert not report.billing_known
    assert all(ln.billable_share is None for ln in report.lines)


def test_deleted_entries_do_not_count_and_holidays_take_capacity(store: Store) -> None:
    store.cache.replace_reference("holidays", [Holiday.from_api({"id": 1, "date": str(MON)})])
    store.cache.replace_time_window(ME, MON, SUN, [_entry(1, 101, MON, 5), _entry(2, 101, MON, 1)])
    local = store.lookups.entries_between(ME, MON, MON)[0]["id"]
    store.edits.delete_entry(local)
    report = store.reports.report(ME, MON, SUN, "day")
    assert report.lines[0].confirmed == 1 and report.lines[0].capacity == 0
    assert report.lines[0].utilisation is None  # no capacity: n/a, not infinite
    assert report.total.capacity == 32


def test_bill_rates_written_from_records_and_backfilled_from_raw(store: Store) -> None:
    store.cache.replace_time_window(ME, MON, SUN, [_entry(1, 101, MON, 5, bill_rate=80.0)])
    assert store.database.scalar("SELECT bill_rate FROM time_entries") == 80.0


@pytest.mark.parametrize(
    ("start", "end", "by", "words"),
    [
        (SUN, MON, "project", "before it starts"),
        (MON, MON + dt.timedelta(days=800), "project", "at most"),
        (MON, SUN, "client", "Group by"),
    ],
)
def test_bad_periods_are_refused(store: Store, start, end, by, words) -> None:
    with pytest.raises(BadPeriod, match=words):
        check_period(start, end, by)
    with pytest.raises(BadPeriod):
        store.reports.report(ME, start, end, by)


def test_periods() -> None:
    assert week_period(TODAY) == (MON, SUN)
    assert week_period(TODAY, 6) == (MON - dt.timedelta(days=1), SUN - dt.timedelta(days=1))
    assert month_period(TODAY) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert month_period(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert set(GROUPINGS) == {"project", "phase", "task", "day", "week", "month"}


def test_held_ranges_merge_and_say_what_is_missing(store: Store) -> None:
    d = dt.date(2026, 1, 1)
    day = dt.timedelta(days=1)
    assert merge([(d + 5 * day, d + 9 * day), (d, d + 4 * day)]) == [(d, d + 9 * day)]
    assert gaps(d, d + 9 * day, [(d + 2 * day, d + 3 * day)]) == [
        (d, d + day),
        (d + 4 * day, d + 9 * day),
    ]
    assert store.reports.missing(ME, MON, SUN) == [(MON, SUN)]
    store.reports.held.add(ME, MON, MON + dt.timedelta(days=2))
    store.reports.held.add(ME, MON + dt.timedelta(days=3), SUN)
    assert store.reports.missing(ME, MON, SUN) == []
    assert store.reports.held.spans(ME) == [(MON, SUN)]
    report = store.reports.report(ME, MON - dt.timedelta(days=7), SUN)
    assert report.missing == ((MON - dt.timedelta(days=7), MON - dt.timedelta(days=1)),)
    assert not report.complete


def test_scheduled_leave_takes_capacity_where_none_was_logged(store: Store) -> None:
    store.cache.replace_assignments(
        ME,
        MON,
        SUN,
        [
            Assignment.from_api(
                {
                    "id": 60,
                    "user_id": ME,
                    "assignable_id": 200,
                    "starts_at": str(MON),
                    "ends_at": str(MON + dt.timedelta(days=1)),
                    "allocation_mode": "percent",
                    "percent": 1.0,
                }
            )
        ],
    )
    report = store.reports.report(ME, MON, SUN, "day")
    assert [ln.capacity for ln in report.lines][:3] == [0, 0, 8]
    assert [ln.scheduled for ln in report.lines][:3] == [8, 8, 0]
    assert report.total.capacity == 24


def test_migration_7_reads_old_entries_bill_rates_from_raw(tmp_path: Path) -> None:
    import sqlite3

    from tenktui.store.migrations import migrate

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=5)
    conn.execute(
        "INSERT INTO time_entries (server_id, user_id, assignable_id, date, hours, raw) "
        "VALUES (1, 7, 101, '2026-11-23', 2, '{\"id\": 1, \"bill_rate\": 120.5}'), "
        "(2, 7, 101, '2026-11-23', 1, '{\"id\": 2}')"
    )
    conn.close()
    s = Store(path, today=lambda: TODAY)
    rates = s.database.rows("SELECT server_id, bill_rate FROM time_entries ORDER BY server_id")
    assert rates == [{"server_id": 1, "bill_rate": 120.5}, {"server_id": 2, "bill_rate": None}]
    assert s.reports.held.spans(ME) == []
    s.close()


def test_holding_a_held_range_again_writes_nothing(store: Store) -> None:
    store.reports.held.add(ME, MON, SUN)
    version = store.database.conn.total_changes
    store.reports.held.add(ME, MON + dt.timedelta(days=1), SUN)
    assert store.database.conn.total_changes == version
    store.reports.held.add(ME, SUN, SUN + dt.timedelta(days=1))
    assert store.reports.held.spans(ME) == [(MON, SUN + dt.timedelta(days=1))]
