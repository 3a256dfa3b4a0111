"""Dates as people type them (store/dates.py): the one reading for the app's ``g``."""

from __future__ import annotations

import datetime as dt

import pytest

from tenktui.store.dates import BadDate, parse_date

MONDAY = dt.date(2026, 11, 23)
THURSDAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("today", MONDAY, MONDAY),
        ("Yesterday", MONDAY, dt.date(2026, 11, 22)),
        ("tomorrow", MONDAY, dt.date(2026, 11, 24)),
        ("mon", MONDAY, MONDAY),  # a weekday: the latest such day, today included
        ("wed", MONDAY, dt.date(2026, 11, 18)),
        ("next mon", MONDAY, dt.date(2026, 11, 30)),  # never today
        ("next thu", MONDAY, THURSDAY),
        ("next thursday", THURSDAY, dt.date(2026, 12, 3)),
        ("last mon", MONDAY, dt.date(2026, 11, 16)),
        ("last fri", THURSDAY, dt.date(2026, 11, 20)),
        ("next week", THURSDAY, dt.date(2026, 12, 3)),
        ("last week", THURSDAY, dt.date(2026, 11, 19)),
        (" 2026-12-24 ", MONDAY, dt.date(2026, 12, 24)),
    ],
)
def test_dates_people_type(text: str, today: dt.date, expected: dt.date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize("text", ["", "next", "soon", "next blursday", "2026-13-01", "mo"])
def test_not_a_date_says_what_is(text: str) -> None:
    with pytest.raises(BadDate, match="is not a date: use today, yesterday, tomorrow"):
        parse_date(text, MONDAY)


def test_a_moment_is_a_time_on_a_day_or_a_date_and_a_time() -> None:
    """One reading for a timer's --at and the app's stop time."""
    from tenktui.store.dates import parse_moment

    today = dt.date(2026, 11, 30)
    started = dt.date(2026, 11, 26)
    for text, day, wall in (
        ("17:40", None, dt.datetime(2026, 11, 30, 17, 40)),
        ("17:40", started, dt.datetime(2026, 11, 26, 17, 40)),
        ("9.15", None, dt.datetime(2026, 11, 30, 9, 15)),
        ("last fri 17:40", started, dt.datetime(2026, 11, 27, 17, 40)),
        ("2026-11-25T08:05", None, dt.datetime(2026, 11, 25, 8, 5)),
    ):
        moment = parse_moment(text, today, "Europe/Berlin", day=day)
        assert moment.replace(tzinfo=None) == wall
        assert moment.utcoffset() == dt.timedelta(hours=1)
    for bad in ("", "24:00", "9:60", "9", "someday 9:15"):
        with pytest.raises(BadDate):
            parse_moment(bad, today, "UTC")
