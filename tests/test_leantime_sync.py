"""The sync engine against the Leantime sandbox over real HTTP, for 3.8 and 3.9: the first
sync fills the store, offline edits replay, and injected drops, 503s and kills lose and
double nothing. Mirrors tests/test_sync_integration.py (the 10,000ft versions).

Leantime holds one entry per person, ticket, day and kind, so the random edits here create
only in empty cells; the store refuses a second entry in a cell when it is made.

Run as ``python -m tests.test_leantime_sync DB ROOT EMAIL TODAY TOKEN`` it is the replay worker
of the kill test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tenktui.api.governor import RateGovernor
from tenktui.api.leantime import LeantimeClient
from tenktui.api.leantime import mapping as m
from tenktui.kinds import Resolutions
from tenktui.records import KeyMap
from tenktui.store import InvalidEdit, Store
from tenktui.sync.engine import SyncEngine
from tests.conftest import TODAY
from tests.sync_rig import FIRST, LAST, ME, WORKDAYS, SyncRig, kill_replays, synced_rig
from tests.test_leantime_sandbox import (
    ACCOUNTS,
    KEY,
    TICKET,
    ZONE,
    LeantimeServer,
    start_account,
)

KINDS = m.Kinds([])


def client_for(root: str, token: str = KEY, *, keys: KeyMap | None = None) -> LeantimeClient:
    """A client for a profile: ``keys`` is its store's key map, as a session passes it."""
    return LeantimeClient(
        root, token, timezone=ZONE, email=ME, governor=RateGovernor(), today=lambda: TODAY,
        backoff_base=0.01, backoff_cap=0.05, keys=keys,
    )  # fmt: skip


def home(client: LeantimeClient, kind: str = "GENERAL_BILLABLE", ticket: int = TICKET) -> int:
    """The assignable id of (``ticket``, ``kind``) in the client's key map."""
    slot = KINDS.slot(kind)
    assert slot is not None
    return client.site.lookups.ids.assignable(ticket, kind, slot)


class Rig(SyncRig):
    client: LeantimeClient
    server: LeantimeServer

    def open_assignables(self) -> list[int]:
        return [
            r["id"]
            for r in self.store.database.rows(
                "SELECT id FROM assignables WHERE archived = 0 AND timeentry_lockout = -1 "
                "ORDER BY id"
            )
        ]

    def remote(self) -> Counter:
        date_from, date_to = m.utc_range(FIRST, LAST, ZoneInfo(ZONE))
        rows = self.server.rpc(
            "Timesheets.getAll", {"dateFrom": date_from, "dateTo": date_to, "userId": self.me}
        )
        found: Counter = Counter()
        for r in rows:
            slot = KINDS.slot(r["kind"])
            assert slot is not None
            day = m.local_date(r["workDate"], ZoneInfo(ZONE))
            assert day is not None
            key = (home(self.client, r["kind"], r["ticketId"]), day.isoformat(),
                   round(r["hours"], 2), r["description"] or None)  # fmt: skip
            found[key] += 1
        return found


# Both readings, both versions and two kinds of token; the other accounts run
# test_every_account_syncs_both_ways only, to keep the suite's time modest.
RIG_ACCOUNTS = ["3.8-default-manager-key", "3.9-strict-editor-pat"]


async def _rig(tmp_path: Path, account: str) -> AsyncIterator[Rig]:
    server = start_account(tmp_path / "lt.db", account, "--rate-limit", "100000")
    store = Store(tmp_path / "profile.db", today=lambda: TODAY)
    client = client_for(server.root, server.token, keys=store.keys)
    the_rig: Rig | None = None
    try:
        async with synced_rig(Rig, client, server, tmp_path, store=store) as the_rig:
            yield the_rig
    finally:
        # A test may have restarted the server: stop whichever one runs now.
        server.stop()
        if the_rig is not None and the_rig.server is not server:
            the_rig.server.stop()


@pytest.fixture(params=RIG_ACCOUNTS)
async def rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    async for the_rig in _rig(tmp_path, request.param):
        yield the_rig


@pytest.fixture(params=[a for a in ACCOUNTS if a not in RIG_ACCOUNTS])
async def other_rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    async for the_rig in _rig(tmp_path, request.param):
        yield the_rig


def queue_cell_edits(rig: Rig, count: int, seed: int) -> int:
    """Creates (in empty cells only), updates and deletes on this week and last."""
    rng = random.Random(seed)
    assignables = rig.open_assignables()
    queued = 0
    for i in range(count * 5):
        if queued == count:
            break
        existing = rig.store.database.rows(
            "SELECT id FROM time_entries WHERE user_id = ? AND deleted = 0 "
            "AND date BETWEEN ? AND ?",
            (rig.me, FIRST.isoformat(), LAST.isoformat()),
        )
        roll = rng.random()
        try:
            if roll < 0.5 or not existing:
                assignable, day = rng.choice(assignables), rng.choice(WORKDAYS)
                if rig.store.edits.entries_in_cell(rig.me, assignable, day):
                    continue
                rig.store.edits.create_entry(
                    rig.me, assignable, day, rng.randint(1, 32) / 4, notes=f"edit {i}"
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


async def test_first_sync_fills_the_store(rig: Rig) -> None:
    d = rig.store.database
    assert rig.me == 1
    grid = rig.store.queries.week(rig.me, TODAY - dt.timedelta(days=7))
    assert grid.rows and grid.total > 0, "last week's time arrived"
    assert not any(c.suggestion for r in grid.rows for c in r.cells)  # none in Leantime
    assert d.scalar("SELECT COUNT(*) FROM assignables") > 10
    assert rig.local() == rig.remote()
    assignments = rig.store.queries.assignments(rig.me, TODAY, TODAY + dt.timedelta(days=30))
    home = next(a for a in assignments if a["id"] == TICKET)
    assert home["label"] == "Website relaunch — Design the new home page"
    assert home["status_label"] == "In Progress"
    # Issue 15: checklists (and their counts) come once a screen or command shows them.
    rig.engine.want_projects()
    await rig.engine.sync_once(reference=False)
    assignments = rig.store.queries.assignments(rig.me, TODAY, TODAY + dt.timedelta(days=30))
    home = next(a for a in assignments if a["id"] == TICKET)
    assert (home["subtasks_total"], home["subtasks_done"]) == (3, 1)


async def test_a_new_process_pulls_the_person_s_tickets_not_the_key_s(rig: Rig) -> None:
    store = Store(rig.store.path, today=lambda: TODAY)  # "me" is already known here
    client = client_for(rig.server.root, rig.server.token, keys=store.keys)
    engine = SyncEngine(store, client, ME)
    try:
        rig.engine.leader.release()
        with store.database.write() as c:
            c.execute("DELETE FROM assignables")
        await engine.sync_once(reference=True)
        assert engine.state.kind == "idle"
        assert store.database.scalar("SELECT COUNT(*) FROM assignables WHERE id = ?",
                                     (home(client),)) == 1  # fmt: skip
    finally:
        await client.aclose()
        engine.leader.release()
        store.close()


# -- ids: the store's key map gives them out, and keeps those of caches that packed them -----


class PackedKeys:
    """The ids the client made up before the key map, remembered nowhere:
    ``ticket * 16 + slot`` and ``project * 1000 + status`` (what an old cache holds)."""

    legacy = True

    def id_for(self, space: str, key: str, *, prefer: int | None = None) -> int:
        assert prefer is not None
        return prefer

    def key_of(self, space: str, id_: int) -> str | None:
        return None


async def test_a_new_cache_gives_out_ids_that_pack_nothing(rig: Rig) -> None:
    ids, d = rig.client.site.lookups.ids, rig.store.database
    assert not rig.store.keys.legacy
    assignables = [r["id"] for r in d.rows("SELECT id FROM assignables")]
    assert len(assignables) > 10
    for id_ in assignables:
        found = ids.ticket_and_kind(id_, {})
        assert found is not None, id_
        ticket, kind = found
        assert id_ != ticket * 16 + (KINDS.slot(kind) or 0)
    options = [r["id"] for r in d.rows("SELECT id FROM status_options")]
    assert options
    for id_ in options:
        pair = ids.project_and_status(id_)
        assert pair is not None and id_ != pair[0] * 1000 + pair[1]


@pytest.mark.slow
async def test_a_cache_of_packed_ids_sends_its_queued_edits_once_after_the_upgrade(
    tmp_path: Path,
) -> None:
    server = start_account(tmp_path / "lt.db", RIG_ACCOUNTS[0], "--rate-limit", "100000")
    path = tmp_path / "profile.db"
    try:
        # The old client: packed ids in every row, and edits queued on them.
        store = Store(path, today=lambda: TODAY)
        client = client_for(server.root, server.token, keys=PackedKeys())
        engine = SyncEngine(store, client, ME)
        old = Rig(store, client, engine, server)
        await engine.sync_once()
        assert engine.state.kind == "idle", engine.state.message
        development = TICKET * 16 + 3  # packed: ticket 100, DEVELOPMENT
        store.edits.create_entry(old.me, development, TODAY, 1.75, notes="queued before")
        store.edits.set_assignment_status(TICKET, 1 * 1000 + 2)  # packed: project 1, status 2
        expected = old.local()
        assert expected[(development, TODAY.isoformat(), 1.75, "queued before")] == 1
        assignables = store.database.rows("SELECT id, name FROM assignables ORDER BY id")
        options = store.database.rows("SELECT id, label FROM status_options ORDER BY id")
        await client.aclose()
        engine.leader.release()
        # ... in a cache as migration 4 left it: no key map yet.
        with store.database.write() as c:
            c.execute("DROP TABLE key_ids")
            c.execute("DELETE FROM meta WHERE key = 'keys_legacy'")
            c.execute("DELETE FROM schema_versions WHERE version >= 5")
            # and without what later migrations added (they run again on opening):
            # 6 the timer, 7 bill rates and held ranges.
            c.execute("DROP TABLE timer")
            c.execute("DROP TABLE held_ranges")
            c.execute("ALTER TABLE time_entries DROP COLUMN bill_rate")
        store.close()

        store = Store(path, today=lambda: TODAY)
        assert store.keys.legacy
        client = client_for(server.root, server.token, keys=store.keys)
        rig = Rig(store, client, SyncEngine(store, client, ME), server)
        try:
            await rig.drain()
            await rig.engine.sync_once()
            assert rig.engine.state.kind == "idle", rig.engine.state.message
            assert store.outbox.open_rows() == []
            assert rig.remote() == expected, "the queued entry landed once, on its ticket and kind"
            assert rig.local() == expected
            ticket = server.rpc("Tickets.getTicket", {"id": TICKET})
            assert int(ticket["status"]) == 2
            assert store.database.rows("SELECT id, name FROM assignables ORDER BY id") == (
                assignables
            )
            assert store.database.rows("SELECT id, label FROM status_options ORDER BY id") == (
                options
            )
        finally:
            await client.aclose()
            rig.engine.leader.release()
            store.close()
    finally:
        server.stop()


async def test_offline_edits_replay_when_the_server_is_back(rig: Rig) -> None:
    port = int(rig.server.root.rsplit(":", 1)[1])
    rig.server.stop()
    general, development = home(rig.client), home(rig.client, "DEVELOPMENT")
    rig.store.edits.create_entry(rig.me, general, TODAY, 1.5, notes="offline one")
    rig.store.edits.create_entry(rig.me, development, TODAY, 2, notes="offline two")
    await rig.engine.sync_once(reference=False)
    assert rig.engine.state.kind == "offline"
    assert rig.store.outbox.counts().pending == 2

    rig.server = rig.server.restart(port)
    await rig.drain()
    assert rig.engine.state.kind == "idle"
    remote = rig.remote()
    assert remote[(general, TODAY.isoformat(), 1.5, "offline one")] == 1
    assert remote[(development, TODAY.isoformat(), 2.0, "offline two")] == 1
    assert rig.local() == remote


async def test_every_account_syncs_both_ways(other_rig: Rig) -> None:
    """Issue 10 item 1: whatever the key's role or the reading, the first sync completed
    (the fixture checks) and a queued edit reaches the person's own timesheet."""
    rig = other_rig
    assert rig.me == 1 and rig.engine.state.kind == "idle"
    assert rig.local() == rig.remote()
    rig.store.edits.create_entry(
        rig.me, home(rig.client, "DEVELOPMENT"), TODAY, 1.75, notes="every account"
    )
    await rig.drain()
    assert rig.engine.state.kind == "idle" and rig.store.outbox.open_rows() == []
    assert (
        rig.remote()[(home(rig.client, "DEVELOPMENT"), TODAY.isoformat(), 1.75, "every account")]
        == 1
    )
    people = rig.store.database.scalar("SELECT COUNT(*) FROM users")
    assert people >= 3  # teammates, from the roster or from the key's projects


@pytest.mark.slow
async def test_drops_and_503s_over_100_edits_end_exactly_as_queued(rig: Rig) -> None:
    queued = queue_cell_edits(rig, 100, seed=11)
    assert queued == 100
    expected = rig.local()
    rig.faults(drop_after_commit_rate=0.3, error_rate=0.2, seed=5)
    await rig.drain(passes=200)
    rig.faults()
    await rig.engine.sync_once(reference=False)
    assert rig.store.outbox.counts().failed == 0
    assert rig.remote() == expected, "the server holds exactly what was queued"
    assert rig.local() == expected


async def test_a_second_entry_in_a_cell_is_refused_when_it_is_made(rig: Rig) -> None:
    cell = (rig.me, home(rig.client), TODAY)
    rig.store.edits.create_entry(*cell, 1, notes="first")
    with pytest.raises(InvalidEdit, match="one entry per day"):
        rig.store.edits.create_entry(*cell, 2, notes="second")
    await rig.drain()
    assert [r.target["notes"] for r in rig.store.outbox.open_rows()] == []
    assert rig.remote()[(home(rig.client), TODAY.isoformat(), 1.0, "first")] == 1


async def test_conflict_keep_mine(rig: Rig) -> None:
    """Issue 10 item 6: the server's upsertTime moves no `modified` the client can see, so
    the conflict is found by the hours the row carries."""
    local = rig.store.edits.create_entry(rig.me, home(rig.client), TODAY, 3, notes="base")
    await rig.drain()
    server_id = rig.store.database.scalar(
        "SELECT server_id FROM time_entries WHERE id = ?", (local,)
    )
    rig.store.edits.update_entry(local, hours=5)
    stamp = m.midnight_epoch(TODAY, ZoneInfo(ZONE))
    assert rig.server.rpc("Timesheets.upsertTime", {"ticketId": TICKET, "params": {
        "hours": 7, "kind": "GENERAL_BILLABLE", "userId": rig.me, "timestamp": stamp}}) in (
        True, [True])  # fmt: skip
    await rig.engine.sync_once(reference=False)
    (row,) = rig.store.outbox.open_rows()
    assert row.state == "conflict" and row.theirs["hours"] == 7 and row.target == {"hours": 5}
    Resolutions(rig.store).resolve(row.seq, "mine")
    await rig.drain()
    assert rig.remote()[(home(rig.client), TODAY.isoformat(), 5.0, "base")] == 1
    assert (
        rig.store.database.scalar(
            "SELECT hours FROM time_entries WHERE server_id = ?", (server_id,)
        )
        == 5
    )


async def test_notes_reach_leantime_with_new_time_and_changing_them_is_refused(rig: Rig) -> None:
    """Issue 10 item 3: upsertTime never writes a description."""
    local = rig.store.edits.create_entry(rig.me, home(rig.client), TODAY, 2, notes="wireframes")
    rig.store.edits.update_entry(local, notes="wireframes, v2")  # not sent yet: folds in
    await rig.drain()
    assert rig.remote()[(home(rig.client), TODAY.isoformat(), 2.0, "wireframes, v2")] == 1
    with pytest.raises(InvalidEdit, match="cannot change the notes"):
        rig.store.edits.update_entry(local, notes="something else")
    rig.store.edits.update_entry(local, hours=3, notes="wireframes, v2")
    await rig.drain()
    assert rig.remote()[(home(rig.client), TODAY.isoformat(), 3.0, "wireframes, v2")] == 1


async def test_subtasks_reach_the_server_and_statuses_are_refused_plainly(rig: Rig) -> None:
    rig.store.edits.add_subtask(TICKET, "Write the release notes")
    added = rig.store.database.scalar(
        "SELECT id FROM subtasks WHERE description = 'Write the release notes'"
    )
    rig.store.edits.toggle_subtask(added)
    with pytest.raises(InvalidEdit, match="Leantime has no presence statuses"):
        rig.store.edits.set_status(rig.me, "WFH", "on the train")  # a 10,000ft feature
    with pytest.raises(InvalidEdit, match="Leantime has no approvals"):
        rig.store.edits.submit_week(rig.me, TODAY)
    rig.store.edits.create_entry(rig.me, home(rig.client), TODAY, 1.25, notes="after the status")
    for _ in range(5):
        await rig.engine.sync_once(reference=False)
    assert rig.store.outbox.open_rows() == []
    subtasks = rig.server.rpc("Tickets.getAllSubtasks", {"ticketId": TICKET})
    ours = [s for s in subtasks if s["headline"] == "Write the release notes"]
    assert len(ours) == 1 and ours[0]["status"] == 0  # the project's DONE status
    assert rig.remote()[(home(rig.client), TODAY.isoformat(), 1.25, "after the status")] == 1


async def test_a_cell_taken_on_the_server_meanwhile_is_refused_not_overwritten(rig: Rig) -> None:
    rig.store.edits.create_entry(rig.me, home(rig.client), TODAY, 2, notes="mine")
    stamp = m.midnight_epoch(TODAY, ZoneInfo(ZONE))
    rig.server.rpc("Timesheets.logTime", {"ticketId": TICKET, "params": {
        "hours": 6, "kind": "GENERAL_BILLABLE", "userId": rig.me, "timestamp": stamp,
        "description": "from the web"}})  # fmt: skip
    await rig.engine.sync_once(reference=False)
    (row,) = rig.store.outbox.open_rows()
    assert row.state == "failed"
    assert rig.remote()[(home(rig.client), TODAY.isoformat(), 6.0, "from the web")] == 1


# -- kill -9 during a replay -----------------------------------------------------------------


async def replay(db_path: str, root: str, email: str, today: dt.date, token: str) -> int:
    store = Store(db_path, today=lambda: today)
    client = client_for(root, token, keys=store.keys)
    engine = SyncEngine(store, client, email)
    print("replaying", flush=True)  # the kill test kills at random moments from here
    try:
        for _ in range(200):
            await engine.sync_once(reference=False)
            if engine.state.kind == "idle" and store.outbox.counts().pending == 0:
                return 0
        return 3
    finally:
        await client.aclose()
        engine.leader.release()
        store.close()


@pytest.mark.slow
async def test_sigkill_at_30_moments_during_a_replay_of_120_edits(rig: Rig) -> None:
    queued = queue_cell_edits(rig, 120, seed=23)
    assert queued == 120
    expected = rig.local()
    rig.faults(latency_ms=25)  # slow enough that every kill lands mid-replay
    rig.engine.leader.release()
    rig.store.close()
    await rig.client.aclose()

    cmd = [sys.executable, "-m", "tests.test_leantime_sync", str(rig.store.path),
           rig.server.root, ME, TODAY.isoformat(), rig.server.token]  # fmt: skip
    kills, final = await kill_replays(cmd, 30)
    assert final.returncode == 0, final.stderr[-2000:]
    assert kills == 30, f"only {kills} kills landed while replaying"

    rig.store = Store(rig.store.path, today=lambda: TODAY)
    rig.client = client_for(rig.server.root, rig.server.token, keys=rig.store.keys)
    rig.engine = SyncEngine(rig.store, rig.client, ME)
    rig.faults()
    assert rig.store.outbox.counts().pending == 0 and rig.store.outbox.counts().failed == 0
    assert rig.remote() == expected, "zero lost, zero doubled"


def _main(argv: list[str]) -> Any:
    path, root, mail, day, token = argv[:5]
    return asyncio.run(replay(path, root, mail, dt.date.fromisoformat(day), token))


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))


async def test_a_ticket_status_change_reaches_the_server(rig: Rig) -> None:
    ticket = rig.store.database.row("SELECT * FROM assignments WHERE id = ?", (TICKET,))
    assert ticket is not None
    project = int(rig.server.rpc("Tickets.getTicket", {"id": TICKET})["projectId"])
    ids = rig.client.site.lookups.ids
    options = [
        o
        for o in rig.store.database.rows("SELECT id, label FROM status_options WHERE deleted = 0")
        if (ids.project_and_status(o["id"]) or (None,))[0] == project
    ]
    target = next(o for o in options if o["id"] != ticket["status_option_id"])
    rig.store.edits.set_assignment_status(TICKET, target["id"])
    await rig.drain()
    assert rig.store.outbox.open_rows() == []
    status = ids.project_and_status(target["id"])
    assert status is not None
    assert rig.server.rpc("Tickets.getTicket", {"id": TICKET})["status"] == status[1]


async def test_a_resync_does_not_grow_and_checklists_wait_until_shown(rig: Rig) -> None:
    """Issue 15: a no-change resync costs the same each time, and the tickets'
    checklists cost requests only once something shows them (then on their clock)."""
    stats = rig.client.stats
    stats.reset()
    await rig.engine.sync_once()
    resync = stats.requests
    stats.reset()
    await rig.engine.sync_once()
    assert stats.requests == resync <= 2  # the window's time and tickets
    rig.engine.want_projects()
    stats.reset()
    await rig.engine.sync_once()
    assert stats.requests > resync  # a call per ticket of the person, once
    stats.reset()
    await rig.engine.sync_once()
    assert stats.requests == resync
