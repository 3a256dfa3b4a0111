"""Typed records: every reference sample parses, nothing the server sends is lost."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from tenktui.api import records
from tenktui.api.records import (
    ALL_RECORDS,
    Assignable,
    Assignment,
    Availability,
    Project,
    SubtaskCounts,
    TimeEntry,
    User,
)

SAMPLES = json.loads((Path(__file__).parent / "data" / "reference_samples.json").read_text())[
    "samples"
]


def test_the_fixture_covers_every_record_kind() -> None:
    kinds = {s["kind"] for s in SAMPLES}
    # The reference shows status options only as a request body (no id): see below.
    expected = {cls.__name__ for cls in ALL_RECORDS} - {"StatusOption"}
    assert kinds == expected


def test_status_option_from_the_documented_fields() -> None:
    body = {"color": "green_bright", "label": "On Track", "stage": "in_progress", "order": 100.0}
    option = records.StatusOption.from_api({"id": 3, **body, "deleted": False})
    assert (option.label, option.color, option.stage, option.order) == (
        "On Track",
        "green_bright",
        "in_progress",
        100.0,
    )
    assert option.extra == {}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["source"] for s in SAMPLES])
def test_every_reference_sample_parses(sample: dict) -> None:
    cls = getattr(records, sample["kind"])
    record = cls.from_api(sample["data"])
    assert record.id == sample["data"]["id"]
    assert record.raw == sample["data"]
    known = {f.name for f in dataclasses.fields(cls)} - {"extra", "raw"}
    # Every key is either typed or kept in extra: nothing is dropped.
    assert set(sample["data"]) == (set(sample["data"]) & known) | set(record.extra)
    assert not (set(record.extra) & known)


def test_unknown_fields_are_kept_and_raw_is_verbatim() -> None:
    doc = {
        "id": 7,
        "date": "2026-11-23",
        "hours": 2.5,
        "brand_new_field": {"nested": [1, 2]},
        "another": None,
    }
    entry = TimeEntry.from_api(doc)
    assert entry.extra == {"brand_new_field": {"nested": [1, 2]}, "another": None}
    assert entry.raw is doc
    assert json.loads(json.dumps(entry.raw)) == doc


def test_dates_are_dates_and_timestamps_stay_strings() -> None:
    entry = TimeEntry.from_api(
        {"id": 1, "date": "2013-09-11", "updated_at": "2013-09-18T04:32:28Z", "hours": 8.0}
    )
    assert entry.date == dt.date(2013, 9, 11)
    assert entry.updated_at == "2013-09-18T04:32:28Z"
    project = Project.from_api({"id": 2, "starts_at": "2015-01-01", "ends_at": None})
    assert project.starts_at == dt.date(2015, 1, 1) and project.ends_at is None


def test_a_bad_date_does_not_fail_the_record_and_stays_in_raw() -> None:
    holiday = records.Holiday.from_api({"id": 1, "date": "soon", "name": "x"})
    assert holiday.date is None
    assert holiday.raw["date"] == "soon"


def test_suggested_time_entry() -> None:
    sample = next(s["data"] for s in SAMPLES if s["source"].endswith("a suggested time entry"))
    entry = TimeEntry.from_api(sample)
    assert entry.is_suggestion is True
    assert entry.hours is None and entry.scheduled_hours == 8.0
    assert entry.approvals is None  # not asked for


def test_time_entry_approvals_nested_collection() -> None:
    sample = next(s["data"] for s in SAMPLES if "fields=approvals" in s["source"])
    entry = TimeEntry.from_api(sample)
    assert entry.approvals is not None and len(entry.approvals) == 1
    assert entry.approvals[0].approvable_id == 123
    assert entry.approval_status == "pending"
    assert TimeEntry.from_api({"id": 1, "approvals": {"data": [], "paging": {}}}).approvals == ()


def test_assignment_allocation_subtasks_and_counts() -> None:
    with_subtasks = next(s["data"] for s in SAMPLES if "with Subtasks: response" in s["source"])
    a = Assignment.from_api(with_subtasks)
    assert a.allocation_mode == "percent" and a.percent == 1
    assert a.subtasks is not None and [t.id for t in a.subtasks] == [436]
    assert a.subtasks[0].assignment_id == 12345
    counted = next(s["data"] for s in SAMPLES if s["source"].startswith("Subtask Counts"))
    assert Assignment.from_api(counted).subtask_counts == SubtaskCounts(completed=5, total=10)
    hours = Assignment.from_api({"id": 3, "allocation_mode": "hours_per_day", "hours_per_day": 4})
    assert hours.hours_per_day == 4 and hours.percent is None and hours.subtask_counts is None


def test_projects_and_phases() -> None:
    sample = next(s["data"] for s in SAMPLES if s["kind"] == "Project")
    project = Project.from_api(sample)
    assert not project.is_phase
    assert project.tags is not None and project.tags[0].value == "Sales"
    assert project.children == ()
    assert project.extra["confirmed_hours"] == pytest.approx(1283.6)
    assert Project.from_api({"id": 9, "parent_id": 821065, "phase_name": "Design"}).is_phase


def test_assignables_know_their_type() -> None:
    leave, project = (Assignable.from_api(s["data"]) for s in SAMPLES if s["kind"] == "Assignable")
    assert leave.is_leave_type and not leave.is_phase
    assert leave.as_leave_type().name == "Vacation"
    assert not project.is_leave_type
    assert project.as_project().starts_at == dt.date(2018, 9, 15)


def test_availability_days_start_on_sunday() -> None:
    sample = next(s["data"] for s in SAMPLES if s["kind"] == "Availability")
    block = Availability.from_api(sample)
    assert block.hours_on(dt.date(2017, 2, 1)) == 4  # a Wednesday: day3
    assert block.hours_on(dt.date(2017, 2, 5)) == 0  # a Sunday: day0
    assert block.hours_on(dt.date(2018, 1, 1)) is None  # after the block


def test_user_nested_tags_and_name() -> None:
    sample = next(s["data"] for s in SAMPLES if "fields=tags" in s["source"])
    user = User.from_api(sample)
    assert user.tags is not None and [t.value for t in user.tags] == ["developer", "javascript"]
    assert user.name == "Tom Perera"


def test_records_are_frozen_and_need_an_id() -> None:
    user = User.from_api({"id": 1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        user.email = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="without an id"):
        User.from_api({"first_name": "Nobody"})
