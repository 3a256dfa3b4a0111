"""What a person does with a stuck edit: retry it, discard it, or settle a conflict.

Discarding puts the cache back to the server's copy of the record (the ``raw``
payload last pulled, or the newer copy a conflict brought), so nothing the
server holds is lost locally either. How a record is put back is its kind's.
"""

from __future__ import annotations

from tenktui.kinds.registry import kind_for
from tenktui.store import InvalidEdit, Store
from tenktui.store.outbox import OutboxRow, OutboxState


class Resolutions:
    """Retry, discard and settle outbox rows of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.outbox = store.outbox

    def _open(self, seq: int) -> OutboxRow:
        row = self.outbox.get(seq)
        if row is None or row.state == OutboxState.DONE:
            raise InvalidEdit(f"Outbox entry {seq} is not waiting any more.")
        if row.state == OutboxState.SENDING:
            raise InvalidEdit(f"Outbox entry {seq} is being sent right now; try again shortly.")
        return row

    def retry(self, seq: int) -> None:
        row = self._open(seq)
        if row.state != OutboxState.FAILED:
            raise InvalidEdit(f"Outbox entry {seq} is {row.state}, not failed: nothing to retry.")
        self.outbox.retry(seq)

    def retry_all(self) -> int:
        rows = [r for r in self.outbox.open_rows() if r.state == OutboxState.FAILED]
        for r in rows:
            self.outbox.retry(r.seq)
        return len(rows)

    def discard(self, seq: int) -> None:
        """Drop the edit and every later queued edit of the same record."""
        row = self._open(seq)
        with self.store.database.write():
            self.outbox.remove(
                r.seq
                for r in self.outbox.for_record(row.kind, row.local_id or 0)
                if r.seq >= seq and r.state != OutboxState.SENDING
            )
            kind_for(row.kind).restore(self.store, row)

    def resolve(self, seq: int, keep: str) -> None:
        """Settle a conflict: ``keep="mine"`` sends my version over theirs; ``"theirs"``
        takes the server's version and drops my edit."""
        if keep not in ("mine", "theirs"):
            raise InvalidEdit("Keep either 'mine' or 'theirs'.")
        row = self._open(seq)
        if row.state != OutboxState.CONFLICT:
            raise InvalidEdit(f"Outbox entry {seq} is {row.state}, not in conflict.")
        theirs = row.theirs or {"deleted": True}
        if keep == "theirs":
            self.discard(seq)
            return
        with self.store.database.write():
            if not theirs.get("deleted"):
                self.outbox.rebase(seq, {**(row.base or {}), **theirs})
            else:
                kind_for(row.kind).keep_mine_gone(self.store, row)
