"""The local cache: file, schema, edits, outbox folding, pulls that respect local edits."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from tenktui.kinds import Resolutions
from tenktui.records import Assignable, Holiday, LeaveType, Project, TimeEntry, User
from tenktui.store import InvalidEdit, Store, week_start_for
from tenktui.store.migrations import MIGRATIONS, current_version, migrate

TODAY = dt.date(2026, 11, 25)  # a Wednesday
MONDAY = dt.date(2026, 11, 23)
ME = 7


def project(id_: int, name: str, **extra: object) -> Project:
    return Project.from_api(
        {"id": id_, "name": name, "type": "Project", "timeentry_lockout": -1, **extra}
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "profile.db", today=lambda: TODAY)
    s.cache.upsert_users(
        [
            User.from_api(
                {"id": ME, "first_name": "Me", "last_name": "Example", "email": "me@example.com"}
            ),
            User.from_api({"id": 8, "title": "Designer", "type": "PlaceholderResource"}),
        ]
    )
    s.cache.upsert_assignables(
        [
            project(100, "Apollo"),
            project(101, "Apollo", parent_id=100, phase_name="Design"),
            project(102, "Locked", timeentry_lockout=0),
            project(103, "Week-locked", timeentry_lockout=7),
            project(104, "Old", archived=True),
            Assignable.from_api({"id": 200, "name": "Vacation", "type": "LeaveType"}),
        ]
    )
    s.database.set_meta("me", ME)
    return s


def server_entry(id_: int, assignable: int, day: str, hours: float, **extra: object) -> TimeEntry:
    return TimeEntry.from_api(
        {
            "id": id_,
            "user_id": ME,
            "assignable_id": assignable,
            "date": day,
            "hours": hours,
            "is_suggestion": False,
            "task": None,
            "notes": None,
            "updated_at": "2026-11-20T10:00:00Z",
            "created_at": "2026-11-20T10:00:00Z",
            **extra,
        }
    )


def suggestion(assignable: int, day: str, hours: float, nth: int = 0) -> TimeEntry:
    return TimeEntry.from_api(
        {
            "id": 10**12 + assignable + nth,
            "user_id": ME,
            "assignable_id": assignable,
            "date": day,
            "hours": None,
            "is_suggestion": True,
            "scheduled_hours": hours,
        }
    )


# -- the file ---------------------------------------------------------------


def test_cache_file_is_private_and_in_wal_mode(store: Store) -> None:
    mode = stat.S_IMODE(store.path.stat().st_mode)
    assert mode == 0o600
    assert store.database.scalar("PRAGMA journal_mode") == "wal"


@pytest.mark.parametrize(
    "value", [0, 7, 2**53, -3, 1.5, "12", "", True, None, [1, "2"], {"from": "2026-11-30"}]
)
def test_a_meta_value_reads_back_as_it_was_written(store: Store, value: object) -> None:
    """An id reads back without the JSON module (start-up: ``get_meta`` of digits);
    everything else, text of digits included, through it."""
    store.database.set_meta("probe", value)
    back = store.database.get_meta("probe", "absent")
    assert back == value and type(back) is type(value)


def test_a_version_1_file_migrates_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute("INSERT INTO meta (key, value) VALUES ('me', '7')")
    conn.close()

    s = Store(path)
    assert current_version(s.database.conn) == MIGRATIONS[-1][0] > 1
    assert s.database.get_meta("me") == 7  # data kept across the migration
    assert "week_rows" in s.database.db.table_names()


# -- validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "message"),
    [(25, "out of range"), (-1, "not negative"), (1.234, "steps of 0.01"), (0, "more than 0")],
)
def test_bad_hours_are_refused_and_nothing_is_queued(
    store: Store, hours: float, message: str
) -> None:
    with pytest.raises(InvalidEdit, match=message):
        store.edits.create_entry(ME, 100, TODAY, hours)
    assert store.outbox.open_rows() == []
    assert store.database.scalar("SELECT COUNT(*) FROM time_entries") == 0


def test_long_notes_locked_projects_and_placeholders_are_refused(store: Store) -> None:
    with pytest.raises(InvalidEdit, match="300 characters long; the limit is 255"):
        store.edits.create_entry(ME, 100, TODAY, 1, notes="x" * 300)
    with pytest.raises(InvalidEdit, match="Locked is locked for time entry"):
        store.edits.create_entry(ME, 102, TODAY, 1)
    with pytest.raises(InvalidEdit, match="only from 2026-11-18"):
        store.edits.create_entry(ME, 103, dt.date(2026, 11, 17), 1)
    store.edits.create_entry(ME, 103, dt.date(2026, 11, 18), 1)  # inside the window
    with pytest.raises(InvalidEdit, match="archived"):
        store.edits.create_entry(ME, 104, TODAY, 1)
    with pytest.raises(InvalidEdit, match="Placeholders"):
        store.edits.create_entry(8, 100, TODAY, 1)
    assert len(store.outbox.open_rows()) == 1


# -- edits and the outbox ----------------------------------------------------


def test_edits_to_an_unsent_create_fold_into_it(store: Store) -> None:
    local = store.edits.create_entry(ME, 100, TODAY, 2)
    store.edits.update_entry(local, hours=3.5, notes="planning")
    rows = store.outbox.open_rows()
    assert len(rows) == 1
    assert rows[0].op == "create"
    assert rows[0].target["hours"] == 3.5 and rows[0].target["notes"] == "planning"


def test_deleting_an_unsent_create_forgets_it(store: Store) -> None:
    local = store.edits.create_entry(ME, 100, TODAY, 2)
    store.edits.delete_entry(local)
    assert store.outbox.open_rows() == []
    assert store.database.scalar("SELECT COUNT(*) FROM time_entries") == 0


def test_update_of_a_pulled_entry_records_absolute_target_and_base(store: Store) -> None:
    store.cache.replace_time_window(
        ME, MONDAY, MONDAY + dt.timedelta(6), [server_entry(5, 100, "2026-11-24", 4)]
    )
    local = store.database.scalar("SELECT id FROM time_entries WHERE server_id = 5")
    store.edits.update_entry(local, hours=5)
    store.edits.update_entry(local, hours=6)
    (row,) = store.outbox.open_rows()
    assert row.op == "update" and row.server_id == 5
    assert row.target == {"hours": 6}  # absolute, folded: never +1 +1
    assert row.base is not None and row.base["hours"] == 4
    assert row.base["updated_at"] == "2026-11-20T10:00:00Z"


def test_a_sent_create_is_not_folded_into(store: Store) -> None:
    local = store.edits.create_entry(ME, 100, TODAY, 2)
    (create,) = store.outbox.open_rows()
    store.outbox.mark_sending(create.seq, snapshot=[])
    store.edits.update_entry(local, hours=3)
    rows = store.outbox.open_rows()
    assert [r.op for r in rows] == ["create", "update"]
    assert rows[0].target["hours"] == 2 and rows[1].target == {"hours": 3}


def test_set_cell_with_several_entries_asks_to_open_the_cell(store: Store) -> None:
    store.edits.create_entry(ME, 100, TODAY, 1)
    store.edits.create_entry(ME, 100, TODAY, 2)
    with pytest.raises(InvalidEdit, match="holds 2 entries"):
        store.edits.set_cell(ME, 100, TODAY, 4)


def test_confirming_suggestions_creates_entries_and_hides_them(store: Store) -> None:
    store.cache.replace_time_window(
        ME,
        MONDAY,
        MONDAY + dt.timedelta(6),
        [
            suggestion(100, "2026-11-23", 4),
            suggestion(101, "2026-11-23", 4),
            suggestion(102, "2026-11-23", 8),
        ],
    )
    created = store.edits.confirm_suggestions(ME, [MONDAY])
    assert created == 2  # the locked project's suggestion stays a suggestion
    grid = store.queries.week(ME, MONDAY)
    cells = {r.assignable_id: r.cells[0] for r in grid.rows}
    assert cells[100].hours == 4 and cells[100].suggestion is None and cells[100].state == "pending"
    assert cells[102].hours == 0 and cells[102].suggestion == 8 and cells[102].lock


# -- pulls --------------------------------------------------------------------


def test_a_pull_never_overwrites_an_unfinished_local_edit(store: Store) -> None:
    end = MONDAY + dt.timedelta(6)
    store.cache.replace_time_window(ME, MONDAY, end, [server_entry(5, 100, "2026-11-24", 4)])
    local = store.database.scalar("SELECT id FROM time_entries WHERE server_id = 5")
    store.edits.update_entry(local, hours=5)
    moved = server_entry(5, 100, "2026-11-24", 7, updated_at="2026-11-24T12:00:00Z")
    store.cache.replace_time_window(ME, MONDAY, end, [moved])
    assert store.database.scalar("SELECT hours FROM time_entries WHERE id = ?", (local,)) == 5
    (row,) = store.outbox.open_rows()
    assert row.theirs is not None and row.theirs["hours"] == 7


def test_a_full_window_refresh_notices_server_side_deletions(store: Store) -> None:
    end = MONDAY + dt.timedelta(6)
    store.cache.replace_time_window(
        ME,
        MONDAY,
        end,
        [server_entry(5, 100, "2026-11-24", 4), server_entry(6, 100, "2026-11-25", 2)],
    )
    counts = store.cache.replace_time_window(
        ME, MONDAY, end, [server_entry(6, 100, "2026-11-25", 2)]
    )
    assert counts["removed"] == 1
    assert store.database.scalar("SELECT COUNT(*) FROM time_entries") == 1


# -- the week grid ------------------------------------------------------------


def test_week_grid_rows_totals_and_capacity(store: Store) -> None:
    store.cache.replace_reference(
        "holidays", [Holiday.from_api({"id": 1, "date": "2026-11-26", "name": "Thanksgiving"})]
    )
    store.cache.replace_time_window(
        ME,
        MONDAY,
        MONDAY + dt.timedelta(6),
        [
            server_entry(5, 100, "2026-11-23", 4),
            server_entry(6, 100, "2026-11-23", 1.5, notes="itemized"),
            server_entry(7, 200, "2026-11-24", 8),
            suggestion(101, "2026-11-25", 6),
        ],
    )
    grid = store.queries.week(ME, MONDAY)
    assert [r.label for r in grid.rows] == ["Apollo", "Apollo — Design", "Vacation"]
    apollo = grid.rows[0]
    assert apollo.cells[0].hours == 5.5 and apollo.cells[0].entries == 2
    assert grid.rows[1].cells[2].suggestion == 6
    assert [d.capacity for d in grid.days] == [8, 8, 8, 0, 8, 0, 0]
    assert grid.days[3].holiday == "Thanksgiving"
    assert grid.total == 13.5 and grid.capacity == 32


def test_week_start_is_configurable() -> None:
    assert week_start_for(dt.date(2026, 11, 25)) == dt.date(2026, 11, 23)
    assert week_start_for(dt.date(2026, 11, 25), first_weekday=6) == dt.date(2026, 11, 22)


def test_status_edit_folds_and_shows_at_once(store: Store) -> None:
    store.edits.set_status(ME, "wfh", "at home")
    store.edits.set_status(ME, "OOO", None)
    (row,) = store.outbox.open_rows()
    assert row.target == {"status": "OOO", "message": None}
    assert store.queries.status_of(ME)["status"] == "OOO"
    with pytest.raises(InvalidEdit, match="not a status"):
        store.edits.set_status(ME, "LOL")


def test_outbox_rows_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    s = Store(path, today=lambda: TODAY)
    s.cache.upsert_assignables([project(100, "Apollo")])
    s.edits.create_entry(ME, 100, TODAY, 2, notes="kept")
    s.close()
    again = Store(path, today=lambda: TODAY)
    (row,) = again.outbox.open_rows()
    assert json.loads(json.dumps(row.target))["notes"] == "kept"


# -- retry, discard, resolve ----------------------------------------------------


def _pulled_entry(store: Store, hours: float = 4) -> int:
    store.cache.replace_time_window(
        ME, MONDAY, MONDAY + dt.timedelta(6), [server_entry(5, 100, "2026-11-24", hours)]
    )
    return int(store.database.scalar("SELECT id FROM time_entries WHERE server_id = 5"))


def test_discarding_a_failed_create_removes_the_local_entry(store: Store) -> None:
    store.edits.create_entry(ME, 100, TODAY, 2)
    (row,) = store.outbox.open_rows()
    store.outbox.mark_failed(row.seq, "Project is locked")
    Resolutions(store).discard(row.seq)
    assert store.outbox.open_rows() == []
    assert store.database.scalar("SELECT COUNT(*) FROM time_entries") == 0


def test_discarding_an_update_restores_the_server_copy(store: Store) -> None:
    local = _pulled_entry(store)
    store.edits.update_entry(local, hours=9, notes="mine")
    (row,) = store.outbox.open_rows()
    store.outbox.mark_failed(row.seq, "nope")
    Resolutions(store).discard(row.seq)
    entry = store.database.row("SELECT hours, notes FROM time_entries WHERE id = ?", (local,))
    assert entry == {"hours": 4, "notes": None}


def test_resolving_a_conflict_each_way(store: Store) -> None:
    local = _pulled_entry(store)
    store.edits.update_entry(local, hours=6)
    (row,) = store.outbox.open_rows()
    # The outbox keeps the server's copy as the document it came as.
    theirs = server_entry(5, 100, "2026-11-24", 7, updated_at="2026-11-24T09:00:00Z").raw
    store.outbox.mark_conflict(row.seq, theirs)

    Resolutions(store).resolve(row.seq, "mine")
    (again,) = store.outbox.open_rows()
    assert again.state == "pending" and again.target == {"hours": 6}
    assert again.base["updated_at"] == "2026-11-24T09:00:00Z"  # replayed over theirs

    store.outbox.mark_conflict(again.seq, theirs)
    Resolutions(store).resolve(again.seq, "theirs")
    assert store.outbox.open_rows() == []
    assert store.database.scalar("SELECT hours FROM time_entries WHERE id = ?", (local,)) == 7


def test_keeping_mine_over_a_server_deletion_creates_it_again(store: Store) -> None:
    local = _pulled_entry(store)
    store.edits.update_entry(local, hours=6)
    (row,) = store.outbox.open_rows()
    store.outbox.mark_conflict(row.seq, None)
    Resolutions(store).resolve(row.seq, "mine")
    (again,) = store.outbox.open_rows()
    assert again.op == "create" and again.target["hours"] == 6 and again.server_id is None


def test_retry_only_applies_to_failed_rows(store: Store) -> None:
    store.edits.create_entry(ME, 100, TODAY, 2)
    (row,) = store.outbox.open_rows()
    with pytest.raises(InvalidEdit, match="not failed"):
        Resolutions(store).retry(row.seq)
    store.outbox.mark_failed(row.seq, "boom")
    Resolutions(store).retry(row.seq)
    assert store.outbox.get(row.seq).state == "pending"


def test_edits_follow_what_the_backend_can_do(store: Store) -> None:
    store.database.set_meta("backend_name", "Leantime")
    store.database.set_meta(
        "capabilities",
        {"itemized_entries": False, "statuses": False, "approvals": False, "suggestions": False},
    )
    store.edits.create_entry(ME, 100, TODAY, 1)
    with pytest.raises(InvalidEdit, match="one entry per day"):
        store.edits.create_entry(ME, 100, TODAY, 2)
    store.edits.set_cell(ME, 100, TODAY, 3)  # the cell's one entry can still change
    with pytest.raises(InvalidEdit, match="Leantime has no presence statuses"):
        store.edits.set_status(ME, "WFH")
    with pytest.raises(InvalidEdit, match="Leantime has no approvals"):
        store.edits.submit_week(ME, MONDAY)
    with pytest.raises(InvalidEdit, match="Leantime has no suggested time"):
        store.edits.confirm_suggestions(ME, [MONDAY])
    (row,) = store.outbox.open_rows()
    assert row.op == "create" and row.target["hours"] == 3


# -- issue 12: a day's total, negative hours, long notes -------------------------------


def test_a_day_holds_at_most_24_hours_over_every_project(store: Store) -> None:
    store.edits.create_entry(ME, 100, TODAY, 6.63)
    store.edits.create_entry(ME, 200, TODAY, 10)
    with pytest.raises(InvalidEdit) as refused:
        store.edits.create_entry(ME, 101, TODAY, 20)
    assert str(refused.value) == (
        "Wed 2026-11-25 would hold 36.63 h (16.63 h already logged + 20 h): "
        "a day takes at most 24 hours."
    )
    with pytest.raises(InvalidEdit, match=r"would hold 24\.63 h"):
        store.edits.set_cell(ME, 101, TODAY, 8)
    store.edits.set_cell(ME, 101, TODAY, 7.37)  # exactly 24 is a full day, not too much
    other = store.edits.create_entry(ME, 100, TODAY + dt.timedelta(days=1), 20)  # another day
    assert len(store.outbox.open_rows()) == 4
    assert store.edits.day_hours(ME, TODAY) == pytest.approx(24)
    (entry,) = store.edits.entries_in_cell(ME, 101, TODAY)
    with pytest.raises(InvalidEdit, match="would hold 25 h"):
        store.edits.update_entry(entry["id"], hours=8.37)
    store.edits.update_entry(entry["id"], hours=5)  # its own hours do not count twice
    store.edits.update_entry(other, hours=24)
    assert store.edits.day_hours(ME, TODAY) == pytest.approx(21.63)


def test_negative_hours_are_refused_as_negative() -> None:
    from tenktui.store import parse_hours

    for text in ("-1", "-0.5", "-1:30", "-2h"):
        with pytest.raises(InvalidEdit, match="Hours are not negative"):
            parse_hours(text)


def test_long_notes_say_how_long_in_plain_words(store: Store) -> None:
    with pytest.raises(InvalidEdit) as refused:
        store.edits.create_entry(ME, 100, TODAY, 1, notes="x" * 300)
    assert str(refused.value) == "The notes are 300 characters long; the limit is 255."
    with pytest.raises(InvalidEdit, match="The task is 256 characters long"):
        store.edits.create_entry(ME, 100, TODAY, 1, task="y" * 256)


# -- what real accounts send (issue 10) ----------------------------------------


def test_two_suggestions_for_one_cell_show_and_confirm_their_sum(store: Store) -> None:
    # Two assignments of one person on one project: the server suggests each.
    first, second = suggestion(100, "2026-11-23", 3), suggestion(100, "2026-11-23", 2.5, nth=1)
    store.cache.replace_time_window(ME, MONDAY, MONDAY + dt.timedelta(6), [first, second])
    (row,) = store.queries.week(ME, MONDAY).rows
    assert row.cells[0].suggestion == 5.5
    assert store.edits.confirm_suggestions(ME, [MONDAY]) == 1
    (created,) = store.outbox.open_rows()
    assert created.target["hours"] == 5.5


def test_zero_hour_entries_are_kept_and_hide_the_suggestion(store: Store) -> None:
    store.cache.replace_time_window(
        ME,
        MONDAY,
        MONDAY + dt.timedelta(6),
        [server_entry(5, 100, "2026-11-23", 0), suggestion(101, "2026-11-23", 4)],
    )
    cells = {r.assignable_id: r.cells[0] for r in store.queries.week(ME, MONDAY).rows}
    assert cells[100].entries == 1 and cells[100].hours == 0 and cells[100].suggestion is None
    assert cells[101].suggestion == 4


def test_dismissing_a_suggestion_queues_zero_hours_and_confirm_leaves_it(store: Store) -> None:
    store.cache.replace_time_window(
        ME,
        MONDAY,
        MONDAY + dt.timedelta(6),
        [suggestion(100, "2026-11-23", 4), suggestion(101, "2026-11-23", 2)],
    )
    store.edits.set_cell(ME, 100, MONDAY, 0)  # `tenktui set 0` on a suggested cell
    store.edits.dismiss_suggestion(ME, 101, MONDAY)  # the grid's key
    assert [r.target["hours"] for r in store.outbox.open_rows()] == [0, 0]
    assert store.edits.confirm_suggestions(ME, [MONDAY]) == 0
    cells = {r.assignable_id: r.cells[0] for r in store.queries.week(ME, MONDAY).rows}
    assert cells[100].suggestion is None and cells[100].hours == 0
    store.edits.set_cell(ME, 100, MONDAY, 0)  # dismissing again changes nothing
    assert len(store.outbox.open_rows()) == 2
    with pytest.raises(InvalidEdit, match="Nothing is suggested"):
        store.edits.dismiss_suggestion(ME, 100, MONDAY + dt.timedelta(1))


def test_leave_types_without_a_type_field_are_known_by_their_source(store: Store) -> None:
    # The reference's /leave_types sample carries no "type".
    store.cache.upsert_assignables([LeaveType.from_api({"id": 201, "name": "Sick"})], leave=True)
    kind = store.database.scalar("SELECT kind FROM assignables WHERE id = 201")
    assert kind == "leave"


# -- re-reading some rows of a week (after an edit of a cell) ----------------------------------
def _window(store: Store) -> None:
    store.cache.replace_time_window(
        ME,
        MONDAY,
        MONDAY + dt.timedelta(6),
        [
            server_entry(5, 100, "2026-11-23", 4),
            server_entry(6, 100, "2026-11-23", 1.5),
            server_entry(7, 200, "2026-11-24", 8),
            server_entry(8, 103, "2026-11-24", 0.75),
            suggestion(101, "2026-11-25", 6),
        ],
    )


@pytest.mark.parametrize(
    ("assignable", "day", "hours"),
    [
        (101, "2026-11-25", 6),  # a suggestion confirmed
        (101, "2026-11-27", 2.25),  # time on an empty cell of a shown row
        (103, "2026-11-24", 0.63),  # an entry changed
        (200, "2026-11-24", 4),  # leave: the day's header and totals follow
    ],
)
def test_rows_read_again_after_an_edit_match_the_whole_week(
    store: Store, assignable: int, day: str, hours: float
) -> None:
    _window(store)
    before = store.queries.week(ME, MONDAY)
    store.edits.set_cell(ME, assignable, dt.date.fromisoformat(day), hours)
    again = store.queries.week_rows(before, [assignable])
    assert again == store.queries.week(ME, MONDAY)
    assert again.rows[0] is before.rows[0] or assignable == before.rows[0].assignable_id


def test_a_row_that_comes_reads_the_whole_week(store: Store) -> None:
    """Time on a project the week did not show adds a row: the rows' order is read again."""
    _window(store)
    before = store.queries.week(ME, MONDAY)
    store.cache.upsert_assignables([project(105, "New")])
    store.edits.set_cell(ME, 105, dt.date(2026, 11, 24), 3)
    again = store.queries.week_rows(before, [105])
    assert again == store.queries.week(ME, MONDAY)
    assert 105 in [r.assignable_id for r in again.rows]
