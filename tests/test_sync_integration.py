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
from tenktui.store import InvalidEdit, Store
from tenktui.store.describe import Describer
from tenktui.sync.engine import SyncEngine
from tests.conftest import TODAY, TOKEN, RunningSandbox, start_sandbox
from tests.sync_rig import FIRST, LAST, ME, WORKDAYS, SyncRig, kill_replays, synced_rig


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


async def test_offline_edits_replay_when_the_server_is_back(rig: Rig) -> None:
    port = int(rig.server.root.rsplit(":", 1)[1])
    rig.server.stop()
    project = rig.open_projects()[0]
    rig.store.edits.create_entry(rig.me, project, TODAY, 1.5, notes="offline one")
    rig.store.edits.create_entry(rig.me, project, TODAY, 2, notes="offline two")
    await rig.engine.sync_once(reference=False)
    assert rig.engine.state.kind == "offline"
    assert rig.store.outbox.counts().pending == 2

    again = start_sandbox(rig.server.db_path, "--rate-limit", "100000", port=port)
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
    rig.store.resolutions.resolve(row.seq, "mine")
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
    rig.store.resolutions.resolve(row.seq, "theirs")
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
    rig.store.resolutions.discard(row.seq)
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
        status = api.get(f"/users/{rig.me}/statuses", params={"per_page": 1}).json()["data"][0]
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
