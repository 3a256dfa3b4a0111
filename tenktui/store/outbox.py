"""The outbox: a log of intended end states, replayed in order by the sync engine.

A row holds absolute target values (never deltas), the server values the edit
was based on, and its state::

    pending → sending → done
                      ↘ failed (the server refused: its reason is kept)
    pending → conflict (the server copy moved: both versions kept)

``sending`` is committed *before* a request leaves, so a process killed
mid-request wakes up knowing which operation may or may not have landed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tenktui.store.database import Database, utc_now
from tenktui.store.outbox_counts import OutboxCounts, open_counts
from tenktui.store.raw import raw_json
from tenktui.store.states import (
    FOLDABLE_STATES,
    OPEN_SQL,
    OPEN_STATES,
    REPLAYABLE_STATES,
    STUCK_STATES,
    OutboxState,
    sql_states,
)


@dataclass(frozen=True)
class OutboxRow:
    """One queued operation, decoded."""

    seq: int
    op: str
    kind: str
    local_id: int | None
    server_id: int | None
    target: dict[str, Any]
    base: dict[str, Any] | None
    snapshot: list[int] | None
    theirs: dict[str, Any] | None
    state: str
    attempts: int
    last_error: str | None
    created_at: str
    updated_at: str
    sent_at: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OutboxRow:
        def load(value: str | None) -> Any:
            return json.loads(value) if value else None

        return cls(
            seq=row["seq"],
            op=row["op"],
            kind=row["kind"],
            local_id=row["local_id"],
            server_id=row["server_id"],
            target=load(row["target"]) or {},
            base=load(row["base"]),
            snapshot=load(row["snapshot"]),
            theirs=load(row["theirs"]),
            state=row["state"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            sent_at=row["sent_at"],
        )


class Outbox:
    """Queue and state transitions of outbox rows."""

    def __init__(self, database: Database) -> None:
        self.d = database

    # -- reading ----------------------------------------------------------
    def get(self, seq: int) -> OutboxRow | None:
        row = self.d.row("SELECT * FROM outbox WHERE seq = ?", (seq,))
        return OutboxRow.from_row(row) if row else None

    def open_rows(self) -> list[OutboxRow]:
        """Everything not yet done, in replay order."""
        return [
            OutboxRow.from_row(r)
            for r in self.d.rows(f"SELECT * FROM outbox WHERE state IN {OPEN_SQL} ORDER BY seq")
        ]

    def replayable(self) -> list[OutboxRow]:
        """Rows the push may send now: pending, and sending ones left by a crash."""
        return [
            OutboxRow.from_row(r)
            for r in self.d.rows(
                f"SELECT * FROM outbox WHERE state IN {sql_states(REPLAYABLE_STATES)} ORDER BY seq"
            )
        ]

    def for_record(self, kind: str, local_id: int) -> list[OutboxRow]:
        return [
            OutboxRow.from_row(r)
            for r in self.d.rows(
                "SELECT * FROM outbox WHERE kind = ? AND local_id = ? "
                f"AND state IN {OPEN_SQL} ORDER BY seq",
                (kind, local_id),
            )
        ]

    def counts(self) -> OutboxCounts:
        return open_counts(self.d)

    # -- queueing (inside an edit's transaction) --------------------------
    def enqueue(
        self,
        op: str,
        kind: str,
        target: dict[str, Any],
        *,
        local_id: int | None = None,
        server_id: int | None = None,
        base: dict[str, Any] | None = None,
    ) -> int:
        now = utc_now()
        cur = self.d.conn.execute(
            "INSERT INTO outbox (op, kind, local_id, server_id, target, base, state, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                op,
                kind,
                local_id,
                server_id,
                json.dumps(target),
                json.dumps(base) if base is not None else None,
                now,
                now,
            ),
        )
        return int(cur.lastrowid or 0)

    def fold(self, seq: int, target: dict[str, Any]) -> None:
        """Merge newer absolute values into a row not sent yet (or refused): queued again."""
        row = self.get(seq)
        assert row is not None and row.state in FOLDABLE_STATES
        self.d.conn.execute(
            "UPDATE outbox SET target = ?, state = 'pending', last_error = NULL, updated_at = ? "
            "WHERE seq = ?",
            (json.dumps({**row.target, **target}), utc_now(), seq),
        )

    def fold_or_enqueue(
        self,
        op: str,
        kind: str,
        target: dict[str, Any],
        *,
        local_id: int,
        into: tuple[str, ...],
        states: tuple[OutboxState, ...] = (OutboxState.PENDING,),
        server_id: int | None = None,
        base: dict[str, Any] | None = None,
    ) -> int:
        """Queue an edit (inside its transaction). Absolute values fold into the record's
        last open row when that row is in ``states`` (not sent yet) and its op is one of
        ``into``: one row per record keeps the replay short. Else a new row. Its seq."""
        rows = self.for_record(kind, local_id)
        last = rows[-1] if rows else None
        if last is not None and last.state in states and last.op in into:
            self.fold(last.seq, target)
            return last.seq
        return self.enqueue(op, kind, target, local_id=local_id, server_id=server_id, base=base)

    def drop(self, seq: int) -> None:
        """Forget an unsent row whose effect was cancelled by a later edit."""
        self.d.conn.execute("DELETE FROM outbox WHERE seq = ? AND state = 'pending'", (seq,))

    # -- push transitions (each its own committed transaction) ------------
    def mark_sending(self, seq: int, snapshot: list[int] | None = None) -> None:
        with self.d.write():
            self.d.conn.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, sent_at = ?, "
                "snapshot = COALESCE(?, snapshot), updated_at = ? WHERE seq = ?",
                (
                    utc_now(),
                    json.dumps(snapshot) if snapshot is not None else None,
                    utc_now(),
                    seq,
                ),
            )

    def mark_done(self, seq: int, server_id: int | None = None) -> None:
        with self.d.write():
            self.d.conn.execute(
                "UPDATE outbox SET state = 'done', server_id = COALESCE(?, server_id), "
                "last_error = NULL, updated_at = ? WHERE seq = ?",
                (server_id, utc_now(), seq),
            )

    def forget_done(self) -> int:
        """Delete the rows the server has taken that nothing reads again: every done
        row but the creates (whose server ids :meth:`claimed_ids` keeps claimed for
        reconciling others). Kept, they grew the outbox by a row an edit for good, and
        the cache file, and what a cell's reads walk, with it. How many went."""
        with self.d.write():
            gone = self.d.conn.execute(
                "DELETE FROM outbox WHERE state = 'done' AND op != 'create'"
            ).rowcount
        return gone

    def mark_pending(self, seq: int, error: str | None = None) -> None:
        """Back to the queue (retryable trouble: offline, throttled, 5xx)."""
        with self.d.write():
            self.d.conn.execute(
                "UPDATE outbox SET state = 'pending', last_error = ?, updated_at = ? WHERE seq = ?",
                (error, utc_now(), seq),
            )

    def mark_failed(self, seq: int, reason: str) -> None:
        with self.d.write():
            self.d.conn.execute(
                "UPDATE outbox SET state = 'failed', last_error = ?, updated_at = ? WHERE seq = ?",
                (reason, utc_now(), seq),
            )

    def mark_conflict(self, seq: int, theirs: dict[str, Any] | None) -> None:
        with self.d.write():
            self.d.conn.execute(
                "UPDATE outbox SET state = 'conflict', theirs = ?, last_error = ?, "
                "updated_at = ? WHERE seq = ?",
                (
                    json.dumps(theirs if theirs is not None else {"deleted": True}),
                    "Changed on the server since you edited it: keep yours or take theirs.",
                    utc_now(),
                    seq,
                ),
            )

    def note_error(self, seq: int, error: str) -> None:
        """Keep the row where it is (``sending`` that may have landed) and say why."""
        with self.d.write():
            self.d.conn.execute(
                "UPDATE outbox SET last_error = ?, updated_at = ? WHERE seq = ?",
                (error, utc_now(), seq),
            )

    # -- the record's other rows -------------------------------------------
    def blocked(self, row: OutboxRow) -> bool:
        """Whether an earlier row of the same record is failed or in conflict."""
        if row.local_id is None:
            return False
        return (
            self.d.scalar(
                "SELECT 1 FROM outbox WHERE kind = ? AND local_id = ? AND seq < ? "
                f"AND state IN {sql_states(STUCK_STATES)} LIMIT 1",
                (row.kind, row.local_id, row.seq),
            )
            is not None
        )

    def has_newer(self, row: OutboxRow) -> bool:
        """Whether a later open row of the record exists: the cache then shows that edit,
        and a server answer to this one must not overwrite it."""
        return any(r.seq > row.seq for r in self.for_record(row.kind, row.local_id or 0))

    def claimed_ids(self, kind: str, seq: int) -> set[int]:
        """Server ids other creates of this kind already claimed as theirs."""
        return {
            r["server_id"]
            for r in self.d.rows(
                "SELECT server_id FROM outbox WHERE kind = ? AND op = 'create' "
                "AND server_id IS NOT NULL AND seq != ?",
                (kind, seq),
            )
        }

    def pass_server_id(self, row: OutboxRow, server_id: int) -> None:
        """Later rows of a created record now know which server record they change."""
        self.d.conn.execute(
            "UPDATE outbox SET server_id = ? WHERE kind = ? AND local_id = ? AND seq > ?",
            (server_id, row.kind, row.local_id, row.seq),
        )

    def rebase_later(self, row: OutboxRow, base: dict[str, Any]) -> None:
        """Edits queued on top of this one were based on it, not on what the server had
        before: the server's copy after it is their base (and nobody else's change)."""
        self.d.conn.execute(
            "UPDATE outbox SET base = ?, theirs = NULL WHERE kind = ? AND local_id = ? "
            f"AND seq > ? AND state IN {sql_states(FOLDABLE_STATES)}",
            (raw_json(base), row.kind, row.local_id, row.seq),
        )

    def remove(self, seqs: Iterable[int]) -> None:
        """Delete rows (a discard), inside the caller's transaction."""
        self.d.conn.executemany("DELETE FROM outbox WHERE seq = ?", [(s,) for s in seqs])

    def recreate(self, seq: int, target: dict[str, Any]) -> None:
        """Turn a row into a fresh create of ``target`` (the record is gone on the server)."""
        self.d.conn.execute(
            "UPDATE outbox SET op = 'create', server_id = NULL, target = ?, base = NULL, "
            "theirs = NULL, snapshot = NULL, state = 'pending', last_error = NULL "
            "WHERE seq = ?",
            (json.dumps(target), seq),
        )

    def rebase(self, seq: int, base: dict[str, Any]) -> None:
        """Keep mine: the server copy becomes the base and the row is replayed."""
        with self.d.write():
            self.d.conn.execute(
                "UPDATE outbox SET base = ?, theirs = NULL, state = 'pending', last_error = NULL, "
                "updated_at = ? WHERE seq = ?",
                (json.dumps(base), utc_now(), seq),
            )

    def retry(self, seq: int) -> bool:
        with self.d.write():
            cur = self.d.conn.execute(
                "UPDATE outbox SET state = 'pending', last_error = NULL, updated_at = ? "
                "WHERE seq = ? AND state = 'failed'",
                (utc_now(), seq),
            )
        return cur.rowcount > 0


__all__ = [
    "OPEN_STATES",
    "REPLAYABLE_STATES",
    "STUCK_STATES",
    "Outbox",
    "OutboxCounts",
    "OutboxRow",
    "OutboxState",
]
