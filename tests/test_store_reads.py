"""The store's named reads that commands and screens use instead of their own SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenktui.records import (
    Assignment,
    LeaveType,
    Project,
    Status,
    Subtask,
    TimeEntryCategory,
    User,
)
from tenktui.store import Store
from tenktui.store.peek import assignable_names, unsent_count

TODAY = dt.date(2026, 11, 25)
ME = 7


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "profile.db", today=lambda: TODAY)
    s.cache.upsert_users(
        [User.from_api({"id": ME, "first_name": "Me", "last_name": "X", "email": "m@x.io"})]
    )
    lockout = {"type": "Project", "timeentry_lockout": -1}
    s.cache.upsert_assignables(
        [
            Project.from_api({"id": 100, "name": "Zeta", **lockout}),
            Project.from_api({"id": 101, "name": "Apollo", **lockout}),
            Project.from_api(
                {"id": 102, "name": "Apollo", "parent_id": 101, "phase_name": "Design", **lockout}
            ),
            Project.from_api({"id": 103, "name": "Old", "type": "Project", "archived": True}),
        ]
    )
    s.cache.upsert_assignables(
        [LeaveType.from_api({"id": 200, "name": "Aaa leave", "type": "LeaveType"})], leave=True
    )
    s.database.set_meta("me", ME)
    return s


def test_me_id_is_none_until_a_sync_names_the_person(tmp_path: Path) -> None:
    fresh = Store(tmp_path / "fresh.db")
    assert fresh.me_id() is None
    fresh.database.set_meta("me", 12)
    assert fresh.me_id() == 12
    fresh.close()


def test_an_entry_by_id_with_its_filters(store: Store) -> None:
    local_id = store.edits.create_entry(ME, 101, TODAY, 2.0)
    assert store.lookups.entry(local_id)["hours"] == 2.0
    assert store.lookups.entry(local_id, user_id=ME, live=True)["id"] == local_id
    assert store.lookups.entry(local_id, user_id=ME + 1) is None
    with store.database.write() as c:
        c.execute("UPDATE time_entries SET deleted = 1 WHERE id = ?", (local_id,))
    assert store.lookups.entry(local_id, live=True) is None
    assert store.lookups.entry(local_id)["deleted"] == 1
    assert store.lookups.entry(9999) is None


def test_entries_between_by_day_then_as_made(store: Store) -> None:
    later = store.edits.create_entry(ME, 100, TODAY, 1.0)
    first = store.edits.create_entry(ME, 101, TODAY - dt.timedelta(days=1), 1.0)
    second = store.edits.create_entry(ME, 101, TODAY, 3.0)
    store.edits.create_entry(ME, 101, TODAY + dt.timedelta(days=1), 1.0)
    ids = [e["id"] for e in store.lookups.entries_between(ME, TODAY - dt.timedelta(days=1), TODAY)]
    assert ids == [first, later, second]
    assert [e["id"] for e in store.lookups.entries_between(ME, TODAY, TODAY)] == [later, second]


def test_every_assignable_leave_last_archived_too(store: Store) -> None:
    ids = [a["id"] for a in store.lookups.assignables()]
    assert ids == [101, 102, 103, 100, 200]


def test_an_assignment_with_what_it_is_on_and_its_subtasks(store: Store) -> None:
    assignment = Assignment.from_api(
        {"id": 9, "assignable_id": 102, "starts_at": "2026-11-01", "ends_at": "2026-12-31"}
    )
    store.cache.replace_assignments(ME, TODAY, TODAY, [assignment])
    found = store.lookups.assignment(9)
    assert (found["assignable_id"], found["kind"], found["name"], found["phase_name"]) == (
        102,
        "phase",
        "Apollo",
        "Design",
    )
    assert store.lookups.assignment(10) is None
    store.cache.replace_subtasks(
        9, 101, [Subtask.from_api({"id": 55, "description": "Draw", "completed": False})]
    )
    [sub] = store.queries.subtasks(9)
    assert store.lookups.subtask(sub["id"], live=True)["description"] == "Draw"
    with store.database.write() as c:
        c.execute("UPDATE subtasks SET deleted = 1 WHERE id = ?", (sub["id"],))
    assert store.lookups.subtask(sub["id"], live=True) is None
    assert store.lookups.subtask(sub["id"])["deleted"] == 1


def test_categories_sorted(store: Store) -> None:
    store.cache.replace_reference(
        "time_entry_categories",
        [
            TimeEntryCategory.from_api({"id": 1, "category": "Meetings"}),
            TimeEntryCategory.from_api({"id": 2, "category": "Dev"}),
        ],
    )
    assert store.lookups.categories() == ["Dev", "Meetings"]


def test_statuses_fetched_since(store: Store) -> None:
    store.cache.upsert_statuses([(ME, None)], "2026-11-25T10:00:00Z")
    store.cache.upsert_statuses(
        [(8, Status.from_api({"id": 1, "user_id": 8, "status": "WFH"}))], "2026-11-25T09:00:00Z"
    )
    assert store.people.statuses_fetched_since("2026-11-25T10:00:00Z") == {ME}
    assert store.people.statuses_fetched_since("2026-11-25T08:00:00Z") == {ME, 8}


def test_open_versions_show_which_rows_an_edit_wrote(store: Store) -> None:
    before = store.unsent.open_versions()
    local_id = store.edits.create_entry(ME, 101, TODAY, 2.0)
    after = store.unsent.open_versions()
    assert len(after) == len(before) + 1
    store.edits.update_entry(local_id, hours=3.0)  # folds into the unsent create
    folded = store.unsent.open_versions()
    assert folded.keys() == after.keys()
    assert folded != after


def test_latest_open_state_of_each_record(store: Store) -> None:
    a = store.edits.create_entry(ME, 101, TODAY, 2.0)
    b = store.edits.create_entry(ME, 100, TODAY, 1.0)
    [row_a] = store.outbox.for_record("time_entry", a)
    [row_b] = store.outbox.for_record("time_entry", b)
    store.outbox.mark_failed(row_a.seq, "refused")
    store.outbox.mark_sending(row_b.seq)
    store.outbox.mark_done(row_b.seq, server_id=5)
    assert store.unsent.latest_states("time_entry") == {a: "failed"}
    assert store.unsent.latest_states("time_entry", [b]) == {}
    assert store.unsent.latest_states("time_entry", []) == {}
    assert store.unsent.latest_states("subtask") == {}


def test_peek_counts_unsent_edits_and_names_live_assignables(store: Store) -> None:
    assert unsent_count(store.path) == 0
    store.edits.create_entry(ME, 101, TODAY, 2.0)
    assert unsent_count(store.path) == 1
    names = assignable_names(store.path)
    assert ("project", "Zeta", None, None) in names
    assert all(n[1] != "Old" for n in names)  # archived


def test_peek_answers_nothing_for_a_file_it_cannot_read(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert unsent_count(junk) == 0
    assert assignable_names(junk) == []
    assert assignable_names(tmp_path / "missing.db") == []
