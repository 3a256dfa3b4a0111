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
from dataclasses import dataclass
from typing import Any

from tenktui.store.database import Database, utc_now

OPEN_STATES = ("pending", "sending", "failed", "conflict")


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


@dataclass(frozen=True)
class OutboxCounts:
    pending: int = 0
    failed: int = 0
    conflicts: int = 0


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
            for r in self.d.rows(
                "SELECT * FROM outbox WHERE state IN ('pending', 'sending', 'failed', 'conflict') "
                "ORDER BY seq"
            )
        ]

    def replayable(self) -> list[OutboxRow]:
        """Rows the push may send now: pending, and sending ones left by a crash."""
        return [
            OutboxRow.from_row(r)
            for r in self.d.rows(
                "SELECT * FROM outbox WHERE state IN ('pending', 'sending') ORDER BY seq"
            )
        ]

    def for_record(self, kind: str, local_id: int) -> list[OutboxRow]:
        return [
            OutboxRow.from_row(r)
            for r in self.d.rows(
                "SELECT * FROM outbox WHERE kind = ? AND local_id = ? "
                "AND state IN ('pending', 'sending', 'failed', 'conflict') ORDER BY seq",
                (kind, local_id),
            )
        ]

    def counts(self) -> OutboxCounts:
        found = {
            r["state"]: r["n"]
            for r in self.d.rows(
                "SELECT state, COUNT(*) AS n FROM outbox "
                "WHERE state IN ('pending', 'sending', 'failed', 'conflict') GROUP BY state"
            )
        }
        return OutboxCounts(
            pending=found.get("pending", 0) + found.get("sending", 0),
            failed=found.get("failed", 0),
            conflicts=found.get("conflict", 0),
        )

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
        assert row is not None and row.state in ("pending", "failed")
        self.d.conn.execute(
            "UPDATE outbox SET target = ?, state = 'pending', last_error = NULL, updated_at = ? "
            "WHERE seq = ?",
            (json.dumps({**row.target, **target}), utc_now(), seq),
        )

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
