"""What a person does with a stuck edit: retry it, discard it, or settle a conflict.

Discarding puts the cache back to the server's copy of the record (the ``raw``
payload last pulled, or the newer copy a conflict brought), so nothing the
server holds is lost locally either.
"""

from __future__ import annotations

import json
from typing import Any

from tenktui.store.cache import Cache
from tenktui.store.database import Database
from tenktui.store.outbox import Outbox, OutboxRow
from tenktui.store.validation import InvalidEdit


class Resolutions:
    def __init__(self, database: Database, outbox: Outbox, cache: Cache) -> None:
        self.d = database
        self.outbox = outbox
        self.cache = cache

    def _open(self, seq: int) -> OutboxRow:
        row = self.outbox.get(seq)
        if row is None or row.state == "done":
            raise InvalidEdit(f"Outbox entry {seq} is not waiting any more.")
        if row.state == "sending":
            raise InvalidEdit(f"Outbox entry {seq} is being sent right now; try again shortly.")
        return row

    def retry(self, seq: int) -> None:
        row = self._open(seq)
        if row.state != "failed":
            raise InvalidEdit(f"Outbox entry {seq} is {row.state}, not failed: nothing to retry.")
        self.outbox.retry(seq)

    def retry_all(self) -> int:
        rows = [r for r in self.outbox.open_rows() if r.state == "failed"]
        for r in rows:
            self.outbox.retry(r.seq)
        return len(rows)

    def discard(self, seq: int) -> None:
        """Drop the edit and every later queued edit of the same record."""
        row = self._open(seq)
        with self.d.write() as c:
            rows = [
                r
                for r in self.outbox.for_record(row.kind, row.local_id or 0)
                if r.seq >= seq and r.state != "sending"
            ]
            for r in rows:
                c.execute("DELETE FROM outbox WHERE seq = ?", (r.seq,))
            self._restore(row, c)

    def _restore(self, row: OutboxRow, c: Any) -> None:
        if row.kind == "time_entry":
            local = self.d.row("SELECT * FROM time_entries WHERE id = ?", (row.local_id,))
            if local is None:
                return
            server = row.theirs if row.theirs and not row.theirs.get("deleted") else None
            server = server or (json.loads(local["raw"]) if local["raw"] else None)
            if local["server_id"] is None or server is None:
                c.execute("DELETE FROM time_entries WHERE id = ?", (row.local_id,))
            else:
                self.cache.store_server_entry(local["id"], server)
        elif row.kind == "subtask":
            local = self.d.row("SELECT * FROM subtasks WHERE id = ?", (row.local_id,))
            if local is None:
                return
            if local["server_id"] is None:
                c.execute("DELETE FROM subtasks WHERE id = ?", (row.local_id,))
            else:
                raw = json.loads(local["raw"]) if local["raw"] else {}
                c.execute(
                    "UPDATE subtasks SET description = ?, completed = ?, deleted = 0 WHERE id = ?",
                    (
                        raw.get("description", local["description"]),
                        1 if raw.get("completed") else 0,
                        row.local_id,
                    ),
                )
        elif row.kind == "status":
            local = self.d.row("SELECT raw FROM statuses WHERE user_id = ?", (row.local_id,))
            raw = json.loads(local["raw"]) if local and local["raw"] else None
            c.execute(
                "UPDATE statuses SET status = ?, message = ? WHERE user_id = ?",
                (raw and raw.get("status"), raw and raw.get("message"), row.local_id),
            )
        elif row.kind == "approval":
            ids = row.target.get("entries", [])
            if ids:
                c.execute(
                    "UPDATE time_entries SET approval_status = NULL WHERE approval_status = "
                    f"'submitting' AND id IN ({', '.join('?' * len(ids))})",
                    ids,
                )

    def resolve(self, seq: int, keep: str) -> None:
        """Settle a conflict: ``keep="mine"`` sends my version over theirs; ``"theirs"``
        takes the server's version and drops my edit."""
        if keep not in ("mine", "theirs"):
            raise InvalidEdit("Keep either 'mine' or 'theirs'.")
        row = self._open(seq)
        if row.state != "conflict":
            raise InvalidEdit(f"Outbox entry {seq} is {row.state}, not in conflict.")
        theirs = row.theirs or {"deleted": True}
        if keep == "theirs":
            self.discard(seq)
            return
        with self.d.write() as c:
            if not theirs.get("deleted"):
                self.outbox.rebase(seq, {**(row.base or {}), **theirs})
            elif row.op == "delete":
                c.execute("DELETE FROM time_entries WHERE id = ?", (row.local_id,))
                self.outbox.mark_done(seq)
            elif row.kind == "time_entry":
                # Deleted on the server, kept by me: it is created again from my copy.
                local = self.d.row("SELECT * FROM time_entries WHERE id = ?", (row.local_id,))
                assert local is not None
                target = {
                    k: local[k]
                    for k in ("user_id", "assignable_id", "date", "hours", "task", "notes")
                }
                c.execute(
                    "UPDATE time_entries SET server_id = NULL, raw = NULL WHERE id = ?",
                    (row.local_id,),
                )
                c.execute(
                    "UPDATE outbox SET op = 'create', server_id = NULL, target = ?, base = NULL, "
                    "theirs = NULL, snapshot = NULL, state = 'pending', last_error = NULL "
                    "WHERE seq = ?",
                    (json.dumps(target), seq),
                )
            else:
                self.outbox.rebase(seq, row.base or {})
