"""Issue 11, item 10: Leantime parsing never raises on odd dates or numbers, and a
timesheet row that cannot be read is skipped, never cached half-read."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import pytest

from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.ids import Ids, MemoryKeys

ZONE = ZoneInfo("Pacific/Kiritimati")  # UTC+14: the far edge of local dates
WEST = ZoneInfo("Pacific/Pago_Pago")  # UTC-11


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31 23:59:59",
        "9999-12-31T23:59:59-05:00",
        "0001-01-01 00:00:00",
        "0001-01-01T00:00:00+14:00",
        "10000-01-01 00:00:00",
        "2026-13-01 00:00:00",
        "2026-11-23 25:00:00",
        "",
        None,
        12345,
        ["2026-11-23"],
        "\x1b]52;c;aGk=\x07",
    ],
)
def test_parse_moment_and_local_date_never_raise(value: object) -> None:
    moment = m.parse_moment(value)
    assert moment is None or 1900 <= moment.year <= 9000
    assert m.local_date(value, ZONE) is None or moment is not None
    assert m.local_date(value, WEST) is None or moment is not None
    assert m.stamp(value) is None or moment is not None


def test_a_normal_moment_still_reads() -> None:
    moment = m.parse_moment("2026-11-23 08:30:00")
    assert moment is not None and (moment.year, moment.hour) == (2026, 8)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7),
        ("7", 7),
        (" 12 ", 12),
        (7.0, 7),
        ("7.0", 7),
        (1.9, None),
        ("1.9", None),
        (math.inf, None),
        (-math.inf, None),
        (math.nan, None),
        ("inf", None),
        ("nan", None),
        (True, None),
        (2**63, None),
        (10**30, None),
        ("1" * 40, None),
        ("1_5", None),
        ("", None),
        (None, None),
        ({"id": 1}, None),
    ],
)
def test_as_int_takes_only_integers(value: object, expected: int | None) -> None:
    assert m.as_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, 1.5),
        ("1.5", 1.5),
        (2, 2.0),
        ("nan", None),
        ("NaN", None),
        (math.nan, None),
        ("inf", None),
        ("-Infinity", None),
        (math.inf, None),
        (1e308, None),
        ("1e400", None),
        ("abc", None),
        ("1_5", None),
        (False, None),
        ([], None),
    ],
)
def test_as_float_takes_only_finite_numbers_in_range(value: object, expected: float | None) -> None:
    assert m.as_float(value) == expected


def _row(**over: object) -> dict[str, object]:
    row = {"id": 5, "userId": 3, "ticketId": 10, "kind": "GENERAL_BILLABLE",
           "workDate": "2026-11-23 00:00:00", "hours": 2.5, "description": "x",
           "modified": "2026-11-23 09:00:00"}  # fmt: skip
    row.update(over)
    return row


@pytest.mark.parametrize(
    "over",
    [
        {"id": None},
        {"id": 1.9},
        {"id": "abc"},
        {"id": math.inf},
        {"ticketId": None},
        {"userId": None},
        {"ticketId": 2**70},
        {"hours": "abc"},
        {"hours": math.nan},
        {"hours": "Infinity"},
        {"workDate": "9999-12-31 23:59:59"},
        {"workDate": None},
    ],
)
def test_an_unreadable_timesheet_row_is_skipped(over: dict[str, object]) -> None:
    kinds, ids = m.Kinds([]), Ids(MemoryKeys())
    assert m.time_entry(_row(), kinds, ids, ZONE) is not None
    assert m.time_entry(_row(**over), kinds, ids, ZONE) is None
