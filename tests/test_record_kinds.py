"""A new record kind touches one file: this one.

``NoteKind`` below is a whole outbox record kind — how it is sent, found again
after an ambiguous create, landed, described and put back — registered with one
line. It is queued through the store's generic outbox API and pushed by the real
pusher on a real SQLite store, so every outbox rule it gets (sending before the
request, adopt-not-double, refusals kept with their reason, discard) comes from
the shared code, not from the kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tenktui.api.errors import Ambiguous, Rejected
from tenktui.commands.context import describe_row
from tenktui.kinds import REGISTRY, Describer, RecordKind, Resolutions, kind_for, register
from tenktui.kinds.base import Landing, Payload
from tenktui.records import Record
from tenktui.store import Store
from tenktui.store.outbox import OutboxRow, OutboxState
from tenktui.store.records import Records
from tenktui.sync.push import Pusher
from tenktui.sync.reports import SyncReport


@dataclass(frozen=True, slots=True, kw_only=True)
class Note(Record):
    """The typed record a backend hands on for a note (its API builds it at the edge)."""

    text: str | None = None


class NoteServer:
    """A server of notes. ``mode``: "ok"; "lost" (saved, but the answer never came back);
    "refuse" (a stated refusal before acting). It keeps documents and answers records."""

    def __init__(self) -> None:
        self.notes: list[Payload] = []
        self.mode = "ok"
        self.creates = 0

    async def create_note(self, text: str) -> Note:
        self.creates += 1
        if self.mode == "refuse":
            raise Rejected(status=422, server_message="Notes hold at most 10 characters.")
        note = {"id": 100 + len(self.notes), "text": text}
        self.notes.append(note)
        if self.mode == "lost":
            self.mode = "ok"
            raise Ambiguous(method="POST", path="/notes", payload={"text": text}, sent_at=NOW)
        return Note.from_api(note)

    async def iter_notes(self) -> Any:
        for note in list(self.notes):
            yield Note.from_api(note)


class NoteKind(RecordKind[Note]):
    """Notes: created on the server, no natural key but their text. Its local copy is a
    dict here (a real kind would name its cache rows in ``tenktui.store.records``)."""

    name = "note"
    fields = ("text",)
    counts_reconciled = True

    def __init__(self) -> None:
        self.local: dict[int, Payload] = {}

    def reconciles(self, row: OutboxRow) -> bool:
        return row.op == "create"

    def snapshot(self, records: Records, row: OutboxRow) -> list[int]:
        return [n["server_id"] for n in self.local.values() if n.get("server_id")]

    async def create(self, backend: Any, row: OutboxRow) -> Note:
        return await backend.create_note(row.target["text"])

    async def listed(self, backend: Any, row: OutboxRow) -> list[Note]:
        return [n async for n in backend.iter_notes()]

    def matches(self, server: Note, row: OutboxRow) -> bool:
        return server.text == row.target["text"]

    def land(self, store: Store, row: OutboxRow, server: Landing, *, shown: bool) -> None:
        assert isinstance(server, Note)
        self.local[row.local_id or 0] = {"text": server.text, "server_id": server.id}

    def describe(self, records: Records, row: OutboxRow) -> str:
        return f"Write note '{row.target['text']}'"

    def restore(self, store: Store, row: OutboxRow) -> None:
        note = self.local.get(row.local_id or 0, {})
        if not note.get("server_id"):
            self.local.pop(row.local_id or 0, None)  # never reached the server: forgotten


NOTES = register(NoteKind())
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path) -> Any:
    store = Store(tmp_path / "cache.sqlite3", today=lambda: NOW.date())
    NOTES.local.clear()
    yield store
    store.close()


def queue_note(store: Store, local_id: int, text: str) -> int:
    """An edit of the new kind: the local copy changes and the outbox row is queued."""
    NOTES.local[local_id] = {"text": text}
    with store.database.write():
        return store.outbox.enqueue("create", "note", {"text": text}, local_id=local_id)


async def push(store: Store, server: NoteServer) -> SyncReport:
    report = SyncReport()
    await Pusher(store, server).push(report)  # type: ignore[arg-type]
    return report


# -- the registry -------------------------------------------------------------------


def test_every_outbox_kind_is_registered_by_name() -> None:
    for name in ("time_entry", "subtask", "status", "assignment", "approval"):
        assert kind_for(name).name == name
    assert kind_for("note") is NOTES and REGISTRY["note"] is NOTES


def test_an_unknown_kind_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="no record kind named 'bookmark'"):
        kind_for("bookmark")


def test_a_second_kind_cannot_take_a_registered_name() -> None:
    class Impostor(RecordKind):
        name = "time_entry"

    with pytest.raises(ValueError, match="already registered"):
        register(Impostor())
    assert type(kind_for("time_entry")).__name__ == "TimeEntryKind"


def test_a_row_of_an_unregistered_kind_is_still_put_in_words(store) -> None:
    with store.database.write():
        seq = store.outbox.enqueue("create", "bookmark", {"url": "x"}, local_id=1)
    row = store.outbox.get(seq)
    assert Describer(store.database).describe(row) == "create bookmark"


# -- a new kind, through the real pusher -----------------------------------------------


async def test_a_new_kind_is_sent_once_and_described(store) -> None:
    server = NoteServer()
    seq = queue_note(store, 1, "standup")
    row = store.outbox.get(seq)
    assert Describer(store.database).describe(row) == "Write note 'standup'"
    assert describe_row(store, row)["what"] == "create note"  # the commands' default line

    report = await push(store, server)
    again = await push(store, server)

    assert server.notes == [{"id": 100, "text": "standup"}] and server.creates == 1
    assert (report.pushed, again.pushed) == (1, 0)
    done = store.outbox.get(seq)
    assert done.state == OutboxState.DONE and done.server_id == 100
    assert done.snapshot == [] and done.attempts == 1
    assert NOTES.local[1] == {"text": "standup", "server_id": 100}


async def test_an_ambiguous_create_is_adopted_not_doubled(store) -> None:
    server = NoteServer()
    server.mode = "lost"
    seq = queue_note(store, 1, "retro")

    report = await push(store, server)

    assert server.notes == [{"id": 100, "text": "retro"}] and server.creates == 1
    assert (report.pushed, report.adopted, report.resent) == (0, 1, 0)
    assert store.outbox.get(seq).server_id == 100
    assert NOTES.local[1]["server_id"] == 100


async def test_a_create_left_sending_by_a_crash_is_adopted_when_it_landed(store) -> None:
    server = NoteServer()
    server.notes.append({"id": 100, "text": "retro"})  # somebody's identical note, before ours
    seq = queue_note(store, 1, "retro")
    store.outbox.mark_sending(seq, [100])  # the snapshot; then the process died mid-request
    server.notes.append({"id": 101, "text": "retro"})  # ours had landed

    report = await push(store, server)

    assert server.creates == 0 and report.adopted == 1
    assert store.outbox.get(seq).server_id == 101


async def test_a_create_that_never_landed_is_sent_again_once(store) -> None:
    server = NoteServer()
    seq = queue_note(store, 1, "retro")
    store.outbox.mark_sending(seq, [])  # died before the request left

    report = await push(store, server)

    assert server.creates == 1 and (report.resent, report.pushed) == (1, 1)
    assert store.outbox.get(seq).state == OutboxState.DONE


async def test_a_refused_create_fails_with_the_servers_reason(store) -> None:
    server = NoteServer()
    server.mode = "refuse"
    seq = queue_note(store, 1, "a very long note")

    report = await push(store, server)

    row = store.outbox.get(seq)
    assert row.state == OutboxState.FAILED
    assert row.last_error == "Notes hold at most 10 characters."
    assert report.failed == 1 and server.notes == []


async def test_rows_behind_a_refused_one_of_the_same_record_wait(store) -> None:
    server = NoteServer()
    server.mode = "refuse"
    first = queue_note(store, 1, "too long a note")
    with store.database.write():
        later = store.outbox.enqueue("create", "note", {"text": "ok"}, local_id=1)

    await push(store, server)

    assert store.outbox.get(first).state == OutboxState.FAILED
    assert store.outbox.get(later).state == OutboxState.PENDING and server.creates == 1


def test_a_discarded_edit_of_the_new_kind_is_restored(store) -> None:
    seq = queue_note(store, 1, "draft")

    Resolutions(store).discard(seq)

    assert store.outbox.get(seq) is None and 1 not in NOTES.local
