"""Replaying the outbox: in order, exactly once, conflicts kept, refusals surfaced.

One loop enforces the outbox rules for every record kind (``tenktui.kinds``):
a row is committed as ``sending`` before its request leaves; rows behind a
failed or conflicting row of the same record wait; later rows of a record are
rebased on the server's answer; and an answer never overwrites what a newer
edit of the record shows.

Creates have no idempotency key on either backend, so each one is sent only
after its row is committed as ``sending`` with a *snapshot*: the server ids
already matching its natural key (user, assignable, date). If the outcome is
ambiguous — the connection broke after sending, or the process died — the key
is listed again: a new record not in the snapshot that matches the payload is
ours and is adopted; none means it never landed and it is sent again, once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from tenktui.api.base import Backend
from tenktui.api.errors import Ambiguous, ApiError, Rejected, ServerError
from tenktui.api.governor import Priority, priority
from tenktui.kinds import Landing, Outcome, RecordKind, Sending, kind_for
from tenktui.records import Record
from tenktui.store import Store
from tenktui.store.outbox import REPLAYABLE_STATES, OutboxRow, OutboxState
from tenktui.sync.reports import SyncReport

log = logging.getLogger("tenktui.sync")

# Ops whose answer, once lost, leaves the row "may have landed": a crash or an unreadable
# answer is reconciled against the server before anything is sent again.
RECONCILED_OPS = frozenset({"create", "set_status", "submit"})


class StopPush(Exception):
    """Pushing cannot go on now (offline, throttled, logged out); rows stay queued."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(str(error))
        self.error = error


class Pusher:
    """Sends each open outbox row; one at a time, in sequence order."""

    def __init__(self, store: Store, backend: Backend) -> None:
        self.store = store
        self.backend = backend
        self.outbox = store.outbox
        self.sending = Sending(store, store.records, backend)

    async def push(self, report: SyncReport) -> None:
        with priority(Priority.EDIT):
            await self._push(report)

    async def _push(self, report: SyncReport) -> None:
        self.outbox.forget_done()  # what earlier passes settled
        blocked: set[tuple[str, int | None]] = set()
        for queued in self.outbox.replayable():
            # Read again: sending an earlier row may have rebased or settled this one.
            row = self.outbox.get(queued.seq)
            if row is None or row.state not in REPLAYABLE_STATES:
                continue
            key = (row.kind, row.local_id)
            if key in blocked or self.outbox.blocked(row):
                blocked.add(key)
                continue
            try:
                await self._send(kind_for(row.kind), row, report)
            except StopPush:
                raise
            except Rejected as err:
                self.outbox.mark_failed(row.seq, _reason(err))
                report.failed += 1
                blocked.add(key)
            except ApiError as err:
                # Offline, logged out, throttled past every retry, a server error, or an
                # answer that could not be read: keep it queued, stop here.
                self._keep_queued(row, err.message)
                raise StopPush(err) from err

    def _keep_queued(self, row: OutboxRow, error: str) -> None:
        """Back to the queue; a create that may have landed stays ``sending``, so the
        next pass looks for it on the server before sending it again."""
        fresh = self.outbox.get(row.seq)
        if fresh is not None and fresh.state == OutboxState.SENDING and row.op in RECONCILED_OPS:
            self.outbox.note_error(row.seq, error)
            return
        self.outbox.mark_pending(row.seq, error)

    async def _send(self, kind: RecordKind[Any], row: OutboxRow, report: SyncReport) -> None:
        if kind.reconciles(row):
            await self._create(kind, row, report)
            return
        outcome = await kind.change(self.sending, row)
        self._settle(kind, row, outcome)
        if outcome.conflict:
            report.conflicts += 1
        elif outcome.pushed:
            report.pushed += 1
        elif outcome.failed:
            report.failed += 1

    def _settle(self, kind: RecordKind[Any], row: OutboxRow, outcome: Outcome) -> None:
        """The row's end after a change, and the answer landed, in one transaction."""
        if outcome.conflict:
            self.outbox.mark_conflict(row.seq, outcome.theirs)
            return
        if not outcome.lands:
            self.outbox.mark_failed(row.seq, outcome.refused or "")
            return
        with self.store.database.write():
            if outcome.refused is None:
                self.outbox.mark_done(row.seq, outcome.server_id)
            else:
                self.outbox.mark_failed(row.seq, outcome.refused)
            # A newer edit of the record waits: the cache shows it, not this answer.
            kind.land(self.store, row, outcome.server, shown=not self.outbox.has_newer(row))
            self._rebase_later(kind, row, outcome.server)

    def _rebase_later(self, kind: RecordKind[Any], row: OutboxRow, server: Landing) -> None:
        base = kind.rebase_base(server)
        if base is not None:
            self.outbox.rebase_later(row, base)

    # -- creates: snapshot, send, and adopt or resend once ----------------------
    async def _create(
        self, kind: RecordKind[Any], row: OutboxRow, report: SyncReport, *, resend: bool = True
    ) -> None:
        """Send a create; after an unreadable answer, adopt what landed or send once more
        (``resend``), and a second unreadable answer waits for the next pass."""
        if row.state == OutboxState.SENDING:
            # Left by a crash mid-request: it may have landed.
            if await self._adopt(kind, row, report):
                return
            if kind.counts_reconciled:
                report.resent += 1
        self.outbox.mark_sending(row.seq, kind.snapshot(self.store.records, row))
        created = await _created(
            lambda: kind.create(self.backend, row), lambda e: kind.answers(e, row)
        )
        if isinstance(created, ApiError):
            fresh = self.outbox.get(row.seq)
            assert fresh is not None
            if await self._adopt(kind, fresh, report):
                return
            if not resend:
                raise created
            if kind.counts_reconciled:
                report.resent += 1
            await self._create(kind, fresh, report, resend=False)
            return
        self._land_created(kind, row, created)
        report.pushed += 1

    async def _adopt(self, kind: RecordKind[Any], row: OutboxRow, report: SyncReport) -> bool:
        """After an ambiguous create: adopt our record if it landed. ``False``: resend.

        A candidate is a record on the natural key that was not there when we sent
        (not in the snapshot), matches what we sent, and no other create claimed.
        """
        excluded = set(row.snapshot or []) | self.outbox.claimed_ids(row.kind, row.seq)
        candidates = [
            server
            for server in await kind.listed(self.backend, row)
            if server.id not in excluded and kind.matches(server, row)
        ]
        if not candidates:
            return False
        # Identical twins made since the snapshot: ours is the earliest.
        mine = min(candidates, key=lambda s: s.id)
        self._land_created(kind, row, mine)
        if kind.counts_reconciled:
            report.adopted += 1
            log.info("adopted %s %s after an ambiguous create", row.kind, mine.id)
        return True

    def _land_created(self, kind: RecordKind[Any], row: OutboxRow, server: Record) -> None:
        with self.store.database.write():
            self.store.records.merge_orphan(row.kind, row.local_id, server.id)
            self.outbox.mark_done(row.seq, server.id)
            # A create's answer always lands: it tells the record its server id.
            kind.land(self.store, row, server, shown=True)
            self.outbox.pass_server_id(row, server.id)
            self._rebase_later(kind, row, server)


async def _created(
    send: Callable[[], Awaitable[Record]],
    matches: Callable[[Any], bool] | None = None,
) -> Record | ApiError:
    """The record a create answered with, or the error saying it may have landed.

    Only a refusal the server states before acting is a failure (raised as is); any
    answer that is not a readable created record — empty, not JSON, other JSON, a
    record without an integer id or that ``matches`` does not recognise as the one
    sent, a redirect, a 409 or 429 after sending — is ambiguous, like a lost answer.
    """
    try:
        created = await send()
    except (Ambiguous, ServerError) as err:
        return err
    except (TypeError, ValueError) as err:
        return ServerError(f"The server's answer to a create could not be read ({err}).")
    if not isinstance(created, Record):
        return ServerError(
            f"The server's answer to a create could not be read ({type(created).__name__})."
        )
    record_id = created.id
    if isinstance(record_id, bool) or not isinstance(record_id, int):
        return ServerError("The server's answer to a create held no valid id.")
    if matches is not None and not matches(created):
        return ServerError("The server answered a create with a record that is not the one sent.")
    return created


def _reason(err: ApiError) -> str:
    return err.server_message or err.message
