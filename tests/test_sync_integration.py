"""The sync engine against the sandbox over real HTTP: nothing lost, nothing doubled."""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tenktui.api.tenkft.client import TenKftClient
from tenktui.kinds import Describer, Resolutions
from tenktui.store import InvalidEdit, Store
from tenktui.sync.engine import SyncEngine
from tenktui.sync.reports import SyncReport
from tests.conftest import TODAY, TOKEN, RunningSandbox, both_readings, start_sandbox
from tests.sync_rig import FIRST, LAST, ME, WORKDAYS, SyncRig, kill_replays, synced_rig

# Every test here runs against the sandbox's default and strict readings.
reading = both_readings


def client_for(server: RunningSandbox, token: str = TOKEN) -> TenKftClient:
    return TenKftClient(server.base_url, token, backoff_base=0.01, backoff_cap=0.05)


class Rig(SyncRig):
    client: TenKftClient
    server: RunningSandbox

    def open_projects(self) -> list[int]:
        return [
            r["id"]
            for r in self.store.database.rows(
                "SELECT id FROM assignables WHERE kind != 'leave' AND archived = 0 "
                "AND timeentry_lockout = -1 ORDER BY id"
            )
        ]

    def remote(self) -> Counter:
        found: Counter = Counter()
        with self.server.api() as api:
            r = api.get(
                f"/users/{self.me}/time_entries",
                params={"from": FIRST.isoformat(), "to": LAST.isoformat(), "per_page": 1000},
            )
            assert r.status_code == 200 and r.json()["paging"]["next"] is None
            for e in r.json()["data"]:
                found[
                    (e["assignable_id"], e["date"], round(e["hours"], 2), e["notes"] or None)
                ] += 1
        return found


@pytest.fixture
async def rig(fresh_server: RunningSandbox, tmp_path: Path) -> AsyncIterator[Rig]:
    async with synced_rig(Rig, client_for(fresh_server), fresh_server, tmp_path) as the_rig:
        yield the_rig


def queue_random_edits(rig: Rig, count: int, seed: int) -> int:
    """Creates, updates and deletes on this week and last; how many were queued."""
    rng = random.Random(seed)
    projects = rig.open_projects()
    queued = 0
    for i in range(count * 3):
        if queued == count:
            break
        existing = rig.store.database.rows(
            "SELECT id FROM time_entries WHERE user_id = ? AND deleted = 0 "
            "AND date BETWEEN ? AND ? AND COALESCE(approval_status, '') != 'approved'",
            (rig.me, FIRST.isoformat(), LAST.isoformat()),
        )
        roll = rng.random()
        try:
            if roll < 0.5 or not existing:
                rig.store.edits.create_entry(
                    rig.me,
                    rng.choice(projects),
                    rng.choice(WORKDAYS),
                    rng.randint(1, 32) / 4,
                    notes=f"edit {i}",
                )
            elif roll < 0.8:
                rig.store.edits.update_entry(
                    rng.choice(existing)["id"], hours=rng.randint(1, 32) / 4, notes=f"upd {i}"
                )
            else:
                rig.store.edits.delete_entry(rng.choice(existing)["id"])
        except InvalidEdit:
            continue
        queued += 1
    return queued


async def test_first_sync_brings_the_window_and_reference_data(rig: Rig) -> None:
    grid = rig.store.queries.week(rig.me, TODAY)
    assert grid.rows, "the person's week has rows"
    assert any(c.suggestion for r in grid.rows for c in r.cells), "suggestions arrived"
    assert rig.store.database.scalar("SELECT COUNT(*) FROM assignables") > 10
    assert rig.local() == rig.remote()


@pytest.mark.slow
async def test_offline_edits_replay_when_the_server_is_back(rig: Rig, reading: str) -> None:
    port = int(rig.server.root.rsplit(":", 1)[1])
    rig.server.stop()
    project = rig.open_projects()[0]
    rig.store.edits.create_entry(rig.me, project, TODAY, 1.5, notes="offline one")
    rig.store.edits.create_entry(rig.me, project, TODAY, 2, notes="offline two")
    await rig.engine.sync_once(reference=False)
    assert rig.engine.state.kind == "offline"
    assert rig.store.outbox.counts().pending == 2

    again = start_sandbox(rig.server.db_path, "--rate-limit", "100000", port=port, reading=reading)
    rig.server = again
    try:
        await rig.drain()
        assert rig.engine.state.kind == "idle"
        remote = rig.remote()
        assert remote[(project, TODAY.isoformat(), 1.5, "offline one")] == 1
        assert remote[(project, TODAY.isoformat(), 2.0, "offline two")] == 1
        assert rig.local() == remote
    finally:
        again.stop()


@pytest.mark.slow
async def test_drops_and_503s_over_200_edits_end_exactly_as_queued(rig: Rig) -> None:
    queued = queue_random_edits(rig, 200, seed=11)
    assert queued == 200
    expected = rig.local()
    rig.faults(drop_after_commit_rate=0.3, error_rate=0.2, seed=5)
    await rig.drain(passes=200)
    rig.faults()
    await rig.engine.sync_once(reference=False)
    assert rig.store.outbox.counts().failed == 0
    assert rig.remote() == expected, "the server holds exactly what was queued"
    assert rig.local() == expected


async def _entry_on_server(rig: Rig) -> tuple[int, int]:
    project = rig.open_projects()[0]
    local = rig.store.edits.create_entry(rig.me, project, TODAY, 3, notes="base")
    await rig.drain()
    server_id = rig.store.database.scalar(
        "SELECT server_id FROM time_entries WHERE id = ?", (local,)
    )
    assert server_id
    return local, server_id


def _change_on_server(rig: Rig, server_id: int, hours: float) -> None:
    with rig.server.api() as api:
        r = api.put(f"/users/{rig.me}/time_entries/{server_id}", json={"hours": hours})
        assert r.status_code == 200


async def test_conflict_keep_mine(rig: Rig) -> None:
    local, server_id = await _entry_on_server(rig)
    rig.store.edits.update_entry(local, hours=5)
    _change_on_server(rig, server_id, 7)
    await rig.engine.sync_once(reference=False)
    (row,) = rig.store.outbox.open_rows()
    assert row.state == "conflict" and row.theirs["hours"] == 7 and row.target == {"hours": 5}
    Resolutions(rig.store).resolve(row.seq, "mine")
    await rig.drain()
    with rig.server.api() as api:
        assert api.get(f"/users/{rig.me}/time_entries/{server_id}").json()["hours"] == 5


async def test_conflict_take_theirs(rig: Rig) -> None:
    local, server_id = await _entry_on_server(rig)
    rig.store.edits.update_entry(local, hours=5)
    _change_on_server(rig, server_id, 7)
    await rig.engine.sync_once(reference=False)
    (row,) = rig.store.outbox.open_rows()
    assert row.state == "conflict"
    Resolutions(rig.store).resolve(row.seq, "theirs")
    await rig.engine.sync_once(reference=False)
    assert rig.store.outbox.open_rows() == []
    assert rig.store.database.scalar("SELECT hours FROM time_entries WHERE id = ?", (local,)) == 7
    with rig.server.api() as api:
        assert api.get(f"/users/{rig.me}/time_entries/{server_id}").json()["hours"] == 7


async def test_deleting_what_the_server_changed_is_a_conflict(rig: Rig) -> None:
    local, server_id = await _entry_on_server(rig)
    rig.store.edits.delete_entry(local)
    _change_on_server(rig, server_id, 6)
    await rig.engine.sync_once(reference=False)
    (row,) = rig.store.outbox.open_rows()
    assert row.op == "delete" and row.state == "conflict"


async def test_a_refused_edit_stays_visible_with_the_server_reason(rig: Rig) -> None:
    project = rig.open_projects()[0]
    local = rig.store.edits.create_entry(rig.me, project, TODAY, 2, notes="will be refused")
    with rig.server.api() as api:  # the project is locked on the server after the edit
        assert api.put(f"/projects/{project}", json={"timeentry_lockout": 0}).status_code == 200
    await rig.engine.sync_once(reference=False)
    (row,) = rig.store.outbox.open_rows()
    assert row.state == "failed"
    assert "locked" in (row.last_error or "")
    assert rig.engine.state.failed == 1
    cell = rig.store.queries.entries(rig.me, project, TODAY)
    assert [e["id"] for e in cell] == [local] and cell[0]["state"] == "failed"
    Resolutions(rig.store).discard(row.seq)
    assert rig.store.queries.entries(rig.me, project, TODAY) == []


async def test_a_revoked_token_pauses_syncing(rig: Rig, tmp_path: Path) -> None:
    store = Store(tmp_path / "other.db", today=lambda: TODAY)
    client = client_for(rig.server, token="not-the-token")
    engine = SyncEngine(store, client, ME)
    try:
        await engine.sync_once()
        assert engine.state.kind == "unauthorized"
        assert "token" in (engine.state.message or "").lower()
    finally:
        await client.aclose()
        engine.leader.release()
        store.close()


async def test_two_processes_one_profile_one_leader(rig: Rig) -> None:
    follower_store = Store(rig.store.path, today=lambda: TODAY)
    follower_client = client_for(rig.server)
    follower = SyncEngine(follower_store, follower_client, ME)
    try:
        assert rig.engine.leader.acquire()
        project = rig.open_projects()[0]
        follower_store.edits.create_entry(rig.me, project, TODAY, 1.25, notes="from the follower")
        await follower.sync_once()
        assert follower.state.kind == "follower"
        assert follower_store.outbox.counts().pending == 1  # queued, not sent by the follower
        before = follower_store.database.data_version()
        await rig.drain()
        assert rig.remote()[(project, TODAY.isoformat(), 1.25, "from the follower")] == 1
        # The follower sees the leader's writes through the shared file.
        assert follower_store.database.data_version() != before
        assert follower_store.outbox.counts().pending == 0
    finally:
        await follower_client.aclose()
        follower_store.close()


@pytest.mark.slow
# The crash recovery does not depend on the reading, and this is the costliest test.
@pytest.mark.parametrize("reading", ["default"])
async def test_sigkill_at_50_moments_during_a_replay_of_300_edits(rig: Rig) -> None:
    queued = queue_random_edits(rig, 300, seed=23)
    assert queued == 300
    expected = rig.local()
    rig.faults(latency_ms=25)  # slow enough that every kill lands mid-replay
    rig.engine.leader.release()
    rig.store.close()
    await rig.client.aclose()

    cmd = [
        sys.executable, "-m", "tests.sync_worker",
        str(rig.store.path), rig.server.base_url, ME, TODAY.isoformat(),
    ]  # fmt: skip
    kills, final = await kill_replays(cmd, 50)
    assert final.returncode == 0, final.stderr[-2000:]
    assert kills == 50, f"only {kills} kills landed while replaying"

    rig.store = Store(rig.store.path, today=lambda: TODAY)
    rig.client = client_for(rig.server)
    rig.engine = SyncEngine(rig.store, rig.client, ME)
    rig.faults()
    assert rig.store.outbox.counts().pending == 0 and rig.store.outbox.counts().failed == 0
    assert rig.remote() == expected, "zero lost, zero doubled"


async def test_status_subtasks_and_submit_reach_the_server(rig: Rig) -> None:
    rig.store.edits.set_status(rig.me, "WFH", "on the train")
    mine = rig.store.queries.assignments(rig.me, TODAY, TODAY + dt.timedelta(days=30))
    assignment = next(a for a in mine if a["kind"] != "leave")
    added = rig.store.edits.add_subtask(assignment["id"], "Write the release notes")
    rig.store.edits.toggle_subtask(added)
    rig.store.edits.confirm_suggestions(rig.me, [TODAY])
    submitted = rig.store.edits.submit_week(rig.me, TODAY)
    assert submitted >= 1
    await rig.drain()

    with rig.server.api() as api:
        statuses = api.get(f"/users/{rig.me}/statuses", params={"per_page": 1000}).json()["data"]
        status = max(statuses, key=lambda s: (s["created_at"], s["id"]))
        assert (status["status"], status["message"]) == ("WFH", "on the train")
        project = assignment["assignable_id"]
        subtasks = api.get(f"/projects/{project}/assignments/{assignment['id']}/subtasks").json()
        ours = [s for s in subtasks["data"] if s["description"] == "Write the release notes"]
        assert len(ours) == 1 and ours[0]["completed"] is True
        entries = api.get(
            f"/users/{rig.me}/time_entries",
            params={"from": TODAY.isoformat(), "to": TODAY.isoformat(), "fields": "approvals"},
        ).json()["data"]
    assert entries and all(
        any(a["status"] == "pending" for a in e["approvals"]["data"]) for e in entries
    )
    grid = rig.store.queries.week(rig.me, TODAY)
    assert grid.approval == "pending"


@pytest.mark.slow
async def test_throttling_shows_in_the_state_and_resumes_by_itself(
    fresh_server: RunningSandbox, tmp_path: Path
) -> None:
    with fresh_server.control() as control:
        assert control.put("/_sandbox/rate", json={"limit": 3, "window": 2}).status_code == 200
    store = Store(tmp_path / "throttled.db", today=lambda: TODAY)
    client = client_for(fresh_server)
    seen: list[str] = []
    engine = SyncEngine(store, client, ME, on_state=lambda s: seen.append(s.kind))
    try:
        await engine.sync_once()  # about a dozen requests through a budget of 3 per 2 s
        assert "throttled" in seen
        assert engine.state.kind == "idle"  # resumed by itself and finished
        assert store.database.scalar("SELECT COUNT(*) FROM assignables") > 0
    finally:
        await client.aclose()
        engine.leader.release()
        store.close()


async def test_an_assignment_status_change_reaches_the_server(rig: Rig) -> None:
    mine = rig.store.queries.assignments(rig.me, TODAY, TODAY + dt.timedelta(days=30))
    assignment = next(a for a in mine if a["kind"] != "leave")
    options = rig.store.database.rows("SELECT id, label FROM status_options WHERE deleted = 0")
    target = next(o for o in options if o["id"] != assignment["status_option_id"])
    rig.store.edits.set_assignment_status(assignment["id"], target["id"])
    (row,) = rig.store.outbox.open_rows()
    assert Describer(rig.store.database).describe(row).endswith(f"to {target['label']}")
    await rig.engine.sync_once(reference=False)  # the pull before the push keeps it on screen
    await rig.drain()
    with rig.server.api() as api:
        served = api.get(f"/users/{rig.me}/assignments/{assignment['id']}").json()
    assert served["status_option_id"] == target["id"]
    again = rig.store.queries.assignments(rig.me, TODAY, TODAY + dt.timedelta(days=30))
    assert next(a for a in again if a["id"] == assignment["id"])["status_label"] == target["label"]


async def test_an_edit_made_while_our_earlier_edit_was_in_flight_is_no_conflict(rig: Rig) -> None:
    local, server_id = await _entry_on_server(rig)
    rig.store.edits.update_entry(local, hours=5)
    (first,) = rig.store.outbox.open_rows()
    # The process sent it and died before hearing back: the server has it, we don't know.
    rig.store.outbox.mark_sending(first.seq)
    _change_on_server(rig, server_id, 5)
    rig.store.edits.update_entry(local, hours=6)  # made on top of our own 5 h
    await rig.drain()
    assert rig.store.outbox.counts().conflicts == 0
    with rig.server.api() as api:
        assert api.get(f"/users/{rig.me}/time_entries/{server_id}").json()["hours"] == 6


# -- what real accounts do (issue 10) ----------------------------------------------


def _my_assignment(rig: Rig) -> dict:
    mine = rig.store.queries.assignments(rig.me, TODAY, TODAY + dt.timedelta(days=30))
    return next(a for a in mine if a["kind"] != "leave")


def _project_of(rig: Rig, assignable_id: int) -> int:
    row = rig.store.database.row(
        "SELECT COALESCE(parent_id, id) AS project FROM assignables WHERE id = ?",
        (assignable_id,),
    )
    return int(row["project"])


def _local_subtasks(rig: Rig, assignment_id: int) -> list[str]:
    return [
        r["description"]
        for r in rig.store.database.rows(
            "SELECT description FROM subtasks WHERE assignment_id = ? AND deleted = 0 ORDER BY id",
            (assignment_id,),
        )
    ]


async def test_subtasks_come_when_a_checklist_opens_never_per_assignment_up_front(
    rig: Rig,
) -> None:
    """Issue 15: a sync (reference data and all) fetches no checklist; the projects'
    lists (wanted by the board or the Assignments screen) bring their counts, not
    the lists; opening one fetches it, and once held the projects' clock refreshes
    it when its counts move."""
    assignment = _my_assignment(rig)
    project = _project_of(rig, assignment["assignable_id"])
    path = f"/projects/{project}/assignments/{assignment['id']}/subtasks"
    with rig.server.api() as api:
        assert api.post(path, json={"description": "Check the fonts"}).status_code == 200
        on_server = len(api.get(path, params={"per_page": 100}).json()["data"])
    with rig.server.control() as control:
        control.delete("/_sandbox/requests")
    await rig.engine.sync_once(reference=True)
    counted = control_counts(rig)
    assert "GET /projects/{id}/assignments/{id}/subtasks" not in counted
    assert "GET /projects/{id}/assignments" not in counted

    rig.engine.want_projects()
    await rig.engine.sync_once(reference=False)
    counted = control_counts(rig)
    assert "GET /projects/{id}/assignments/{id}/subtasks" not in counted
    assert counted["GET /projects/{id}/assignments"] == len(_my_projects(rig))
    shown = next(
        a for a in rig.store.queries.assignments(rig.me, FIRST, LAST) if a["id"] == assignment["id"]
    )
    assert shown["subtasks_total"] == on_server  # the counts, before any list came
    assert "Check the fonts" not in _local_subtasks(rig, assignment["id"])

    rig.engine.want_subtasks(assignment["id"])
    await rig.engine.sync_once(reference=False)
    assert control_counts(rig)["GET /projects/{id}/assignments/{id}/subtasks"] == 1
    assert "Check the fonts" in _local_subtasks(rig, assignment["id"])

    # Changed on the server: the projects' clock notices the counts moved.
    with rig.server.api() as api:
        assert api.post(path, json={"description": "Ask legal"}).status_code == 200
    await rig.engine.sync_once(reference=False)
    assert "Ask legal" not in _local_subtasks(rig, assignment["id"])  # not due yet
    rig.store.database.set_meta("projects_pulled_at", "2000-01-01T00:00:00Z")
    await rig.engine.sync_once(reference=False)
    assert "Ask legal" in _local_subtasks(rig, assignment["id"])
    assert control_counts(rig)["GET /projects/{id}/assignments/{id}/subtasks"] == 2


WINDOW_ROUTES = {"GET /users/{id}/time_entries", "GET /users/{id}/assignments"}


async def test_a_first_sync_and_a_resync_cost_a_handful_of_requests(
    rig: Rig, tmp_path: Path
) -> None:
    """Issue 15: no request per project or per assignment before something shows
    them; a no-change resync is the window's two lists; the board, once opened,
    costs a request per project and then waits for its own clock."""
    fresh = Store(tmp_path / "fresh.db", today=lambda: TODAY)
    client = client_for(rig.server)
    engine = SyncEngine(fresh, client, ME)
    try:
        with rig.server.control() as control:
            control.delete("/_sandbox/requests")
        await engine.sync_once()
        assert engine.state.kind == "idle", engine.state.message
        first = control_counts(rig)
        per_item = {r for r in first if r.startswith("GET /projects/{id}/")}
        assert per_item == set(), first
        # The window's two lists, in as few pages as the reading allows (1 at 1000 a
        # page; the strict reading caps pages at 100).
        window = {r: first[r] for r in WINDOW_ROUTES}

        for _ in range(2):
            with rig.server.control() as control:
                control.delete("/_sandbox/requests")
            await engine.sync_once()
            assert control_counts(rig) == window

        me = int(fresh.database.get_meta("me"))
        assert [p["id"] for p in fresh.queries.status_board()] == [me]  # not opened yet
        engine.want_projects()
        with rig.server.control() as control:
            control.delete("/_sandbox/requests")
        await engine.sync_once()
        projects = fresh.cache.projects_of(me)
        assert control_counts(rig)["GET /projects/{id}/assignments"] == len(projects)
        assert len(fresh.queries.status_board()) > 1, "the board has the person's teammates"

        with rig.server.control() as control:
            control.delete("/_sandbox/requests")
        await engine.sync_once()
        assert control_counts(rig) == window  # the board waits for its own clock
    finally:
        await client.aclose()
        engine.close()
        fresh.close()


async def test_a_resync_still_sees_an_entry_deleted_on_the_server(rig: Rig) -> None:
    """The window's full list is how deletions are seen: the cheap resync keeps it."""
    local = rig.store.edits.create_entry(rig.me, rig.open_projects()[0], TODAY, 1.25, notes="x")
    await rig.drain()
    server_id = rig.store.database.scalar(
        "SELECT server_id FROM time_entries WHERE id = ?", (local,)
    )
    with rig.server.api() as api:
        assert api.delete(f"/users/{rig.me}/time_entries/{server_id}").status_code in (200, 204)
    with rig.server.control() as control:
        control.delete("/_sandbox/requests")
    await rig.engine.sync_once()
    assert set(control_counts(rig)) == WINDOW_ROUTES
    assert (
        rig.store.database.scalar(
            "SELECT COUNT(*) FROM time_entries WHERE server_id = ? AND deleted = 0", (server_id,)
        )
        == 0
    )


def _my_projects(rig: Rig) -> set[int]:
    """The projects the sync asks about: those of the person's cached assignments."""
    return {
        r["project"]
        for r in rig.store.database.rows(
            "SELECT COALESCE(s.parent_id, s.id) AS project FROM assignments a "
            "JOIN assignables s ON s.id = a.assignable_id WHERE a.user_id = ? "
            "AND s.kind != 'leave'",
            (rig.me,),
        )
    }


def control_counts(rig: Rig) -> dict[str, int]:
    with rig.server.control() as control:
        return control.get("/_sandbox/requests").json()["by_route"]


async def test_the_current_status_is_the_newest_whatever_order_the_list_comes_in(
    rig: Rig,
) -> None:
    with rig.server.api() as api:
        for code in ("SIC", "OOO"):
            r = api.post(f"/users/{rig.me}/statuses", json={"status": code})
            assert r.status_code == 200
    rig.engine.want_statuses([rig.me])
    await rig.engine.sync_once(reference=False)
    status = rig.store.database.scalar("SELECT status FROM statuses WHERE user_id = ?", (rig.me,))
    assert status == "OOO"


@pytest.mark.parametrize("on_a_phase", [False, True], ids=["project", "phase"])
@pytest.mark.slow
async def test_an_archived_project_with_time_in_the_window_is_named_and_locked(
    rig: Rig, tmp_path: Path, on_a_phase: bool
) -> None:
    target = rig.store.database.scalar(
        f"SELECT id FROM assignables WHERE kind = '{'phase' if on_a_phase else 'project'}' "
        "AND archived = 0 AND timeentry_lockout = -1 ORDER BY id"
    )
    local = rig.store.edits.create_entry(rig.me, target, TODAY, 3, notes="base")
    await rig.drain()
    entry = rig.store.database.row("SELECT * FROM time_entries WHERE id = ?", (local,))
    project = _project_of(rig, entry["assignable_id"])
    name = rig.store.database.scalar("SELECT name FROM assignables WHERE id = ?", (project,))
    with rig.server.api() as api:
        assert api.delete(f"/projects/{project}").status_code == 204  # archives it
    day = dt.date.fromisoformat(entry["date"])

    def row_of(store: Store):
        grid = store.queries.week(rig.me, day - dt.timedelta(days=day.weekday()))
        return next(r for r in grid.rows if r.assignable_id == entry["assignable_id"])

    await rig.engine.sync_once(reference=True)
    row = row_of(rig.store)
    assert row.label.startswith(name)
    assert all(c.lock and "archived" in c.lock for c in row.cells)
    with pytest.raises(InvalidEdit, match="archived"):
        rig.store.edits.create_entry(rig.me, entry["assignable_id"], day, 1)

    # A profile that never saw it before gets its name too, not "#id".
    fresh = Store(tmp_path / "fresh.db", today=lambda: TODAY)
    client = client_for(rig.server)
    engine = SyncEngine(fresh, client, ME)
    try:
        await engine.sync_once()
        assert engine.state.kind == "idle", engine.state.message
        row = row_of(fresh)
        assert row.label.startswith(name) and all(c.lock for c in row.cells)
    finally:
        await client.aclose()
        engine.leader.release()
        fresh.close()


async def test_leave_types_are_known_by_their_route_and_get_no_project_requests(
    rig: Rig,
) -> None:
    with rig.server.api() as api:
        leave = {lt["id"] for lt in api.get("/leave_types").json()["data"]}
    kinds = {
        r["id"]: r["kind"]
        for r in rig.store.database.rows("SELECT id, kind FROM assignables WHERE kind = 'leave'")
    }
    assert leave and leave <= set(kinds)
    with rig.server.control() as control:
        control.delete("/_sandbox/requests")
    rig.engine.want_projects()  # issue 15: the projects' lists come once wanted
    await rig.engine.sync_once(reference=True)
    assert rig.engine.state.kind == "idle", rig.engine.state.message
    projects_asked = control_counts(rig).get("GET /projects/{id}/assignments", 0)
    assert projects_asked == len(_my_projects(rig))


async def test_two_assignments_on_one_project_suggest_their_sum_and_confirm_it(rig: Rig) -> None:
    assignment = _my_assignment(rig)
    day = TODAY + dt.timedelta(days=1)
    with rig.server.api() as api:
        before = api.get(
            f"/users/{rig.me}/time_entries",
            params={"from": day.isoformat(), "to": day.isoformat(), "with_suggestions": "true"},
        ).json()["data"]
        scheduled = sum(
            s["scheduled_hours"]
            for s in before
            if s["is_suggestion"] and s["assignable_id"] == assignment["assignable_id"]
        )
        r = api.post(
            "/assignments",
            json={
                "user_id": rig.me,
                "assignable_id": assignment["assignable_id"],
                "starts_at": day.isoformat(),
                "ends_at": day.isoformat(),
                "allocation_mode": "hours_per_day",
                "hours_per_day": 1.5,
            },
        )
        assert r.status_code == 200, r.text
    await rig.engine.sync_once(reference=False)
    grid = rig.store.queries.week(rig.me, TODAY)
    row = next(r for r in grid.rows if r.assignable_id == assignment["assignable_id"])
    cell = next(c for c in row.cells if c.day == day)
    assert cell.suggestion == pytest.approx(scheduled + 1.5)
    assert rig.store.edits.confirm_suggestions(rig.me, [day], assignment["assignable_id"]) == 1
    await rig.drain()
    confirmed = [
        (a, d, h) for (a, d, h, _), n in rig.remote().items() for _ in range(n)
        if a == assignment["assignable_id"] and d == day.isoformat()
    ]  # fmt: skip
    assert confirmed == [(assignment["assignable_id"], day.isoformat(), scheduled + 1.5)]


async def test_a_dismissed_suggestion_is_zero_hours_on_the_server_and_stays_dismissed(
    rig: Rig,
) -> None:
    grid = rig.store.queries.week(rig.me, TODAY)
    row, cell = next(
        (r, c) for r in grid.rows for c in r.cells if c.suggestion and not c.lock and not c.entries
    )
    rig.store.edits.dismiss_suggestion(rig.me, row.assignable_id, cell.day)
    await rig.drain()
    assert rig.remote()[(row.assignable_id, cell.day.isoformat(), 0, None)] == 1
    assert rig.store.outbox.counts().failed == 0
    assert rig.store.edits.confirm_suggestions(rig.me, [cell.day], row.assignable_id) == 0
    after = rig.store.queries.week(rig.me, TODAY)
    again = next(r for r in after.rows if r.assignable_id == row.assignable_id)
    kept = next(c for c in again.cells if c.day == cell.day)
    assert kept.suggestion is None and kept.entries == 1 and kept.hours == 0


async def test_a_submission_the_server_takes_in_part_says_what_was_left_out_and_why(
    rig: Rig,
) -> None:
    rig.store.edits.confirm_suggestions(rig.me, [TODAY, TODAY + dt.timedelta(days=1)])
    await rig.drain()
    week = rig.store.database.rows(
        "SELECT id, server_id FROM time_entries WHERE user_id = ? AND date BETWEEN ? AND ? "
        "AND deleted = 0 ORDER BY id",
        (rig.me, TODAY.isoformat(), (TODAY + dt.timedelta(days=6)).isoformat()),
    )
    assert len(week) >= 2
    assert rig.store.edits.submit_week(rig.me, TODAY) >= 2
    changed = week[0]
    _change_on_server(rig, changed["server_id"], 7.25)  # after our last pull
    report = SyncReport()
    await rig.engine.pusher.push(report)  # no pull in between: the server sees a stale stamp
    (row,) = [r for r in rig.store.outbox.open_rows() if r.kind == "approval"]
    assert row.state == "failed"
    assert "Not submitted" in (row.last_error or "") or "nothing was submitted" in (
        row.last_error or ""
    )
    assert "changed" in (row.last_error or "")
    status = rig.store.database.scalar(
        "SELECT approval_status FROM time_entries WHERE id = ?", (changed["id"],)
    )
    assert status != "pending"


async def test_the_outbox_forgets_settled_changes_and_keeps_settled_creates(rig: Rig) -> None:
    """Issue 15's soak: every pass after an edit left its row ``done`` for good, so the
    outbox (and the cache file, and what reading a cell walks) grew with every edit.
    A pass now forgets what earlier ones settled, except creates: their server ids
    stay claimed for reconciling another create whose answer was lost."""
    project = rig.open_projects()[0]
    rig.store.edits.create_entry(rig.me, project, TODAY, 1, notes="kept apart")
    await rig.engine.sync_once(reference=False)
    local_id = rig.store.database.scalar(
        "SELECT id FROM time_entries WHERE notes = 'kept apart' AND deleted = 0"
    )
    for hours in (2, 3, 4, 5):
        rig.store.edits.update_entry(local_id, hours=hours)
        await rig.engine.sync_once(reference=False)
    assert rig.engine.state.kind == "idle"
    await rig.engine.sync_once(reference=False)  # forgets what the last one settled
    ops = rig.store.database.rows("SELECT op, state FROM outbox ORDER BY seq")
    assert [(r["op"], r["state"]) for r in ops] == [("create", "done")]
    assert rig.store.outbox.claimed_ids("time_entry", seq=0)
    assert rig.local() == rig.remote()
