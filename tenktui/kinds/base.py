"""What every outbox record kind says about itself, and what the pusher gives it.

A record kind (a time entry, a subtask, …) knows its fields, the requests that
send it, how a create that may have landed is found again, how the server's
answer lands in the cache, how a discarded edit is put back, and how it reads
to people. The outbox rules that hold for every kind (mark ``sending`` before a
request, adopt or resend an ambiguous create once, skip rows behind a stuck
one, never overwrite a newer edit) live once, in :mod:`tenktui.sync.push`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from tenktui.api.protocol import Backend
from tenktui.records import Approval, Record
from tenktui.store import Store
from tenktui.store.outbox import OutboxRow
from tenktui.store.records import Records

# An outbox row's target, base or ``theirs``: JSON as the outbox column keeps it.
Payload = dict[str, Any]
# What a change's answer lands in the cache as: the record the server answered with,
# or (submitting a week) each local entry's approval; ``None`` when nothing came back.
Landing = Record | Sequence[tuple[int, Approval]] | None
# The record a kind's creates answer with and its natural key lists.
R = TypeVar("R", bound=Record)


def values_of(record: Record, names: Iterable[str]) -> Payload:
    """A record's fields as an outbox row's target and base spell them (a date as
    ``YYYY-MM-DD``), so a typed answer compares with what was queued."""
    found = {name: getattr(record, name, None) for name in names}
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in found.items()}


def same(a: Any, b: Any) -> bool:
    """Equal as the server keeps them: hours to the hundredth, empty text as none."""
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 0.005
    return (a or None) == (b or None)


@dataclass(frozen=True)
class Outcome:
    """What sending a change did; the pusher settles the row from it.

    By default the row is done and ``server`` (the answer, or ``None``) lands in
    the cache; with ``refused`` it fails with that reason instead. ``conflict``:
    the server copy moved (``theirs``; ``None`` when it is gone). ``lands``:
    false when nothing was sent and nothing is to be written. ``pushed``: a
    request changed the server, and ``failed``: the server left part of it
    out; the sync report counts either.
    """

    server: Landing = None
    server_id: int | None = None
    pushed: bool = True
    refused: str | None = None
    conflict: bool = False
    theirs: Payload | None = None
    lands: bool = True
    failed: bool = False  # counted as failed in the sync report

    @classmethod
    def landed(
        cls, server: Landing = None, *, pushed: bool = True, server_id: int | None = None
    ) -> Outcome:
        return cls(server=server, server_id=server_id, pushed=pushed)

    @classmethod
    def conflicted(cls, theirs: Record | None) -> Outcome:
        """The server copy moved (``theirs``, kept as the document it came as) or is gone."""
        raw = None if theirs is None else theirs.raw
        return cls(pushed=False, conflict=True, theirs=raw, lands=False)

    @classmethod
    def partly(cls, server: Landing, reason: str) -> Outcome:
        """The server took part of it: that part lands, the row fails with ``reason``."""
        return cls(server=server, pushed=False, refused=reason, failed=True)

    @classmethod
    def unsendable(cls, reason: str) -> Outcome:
        """Refused here, before any request: failed with ``reason``, nothing to land."""
        return cls(pushed=False, refused=reason, lands=False)


@dataclass(frozen=True)
class Sending:
    """What a kind's change request gets: the store, its rows by name, the backend.

    The kinds may not import the API clients: they know the backend by its protocol
    (:mod:`tenktui.api.protocol`), and each names the calls it makes in its docstring.
    """

    store: Store
    records: Records
    backend: Backend

    def sending(self, row: OutboxRow) -> None:
        """Committed before the request leaves: a crash then knows it may have landed."""
        self.store.outbox.mark_sending(row.seq)


class RecordKind(Generic[R]):
    """One kind of outbox record. Subclass it in one module and register it.

    ``R`` is the typed record its creates answer with and its natural key lists.
    """

    name: ClassVar[str]
    # The record's fields as people see them in a conflict, in order.
    fields: ClassVar[tuple[str, ...]] = ()
    # Whether its reconciled creates show in the sync report's adopted/resent counts
    # (time entries' do; the report has never counted subtasks').
    counts_reconciled: ClassVar[bool] = False

    # -- sending ----------------------------------------------------------------
    def reconciles(self, row: OutboxRow) -> bool:
        """Whether the row is a create without an idempotency key: sent with a snapshot,
        and after an ambiguous answer found again (adopted) or sent once more."""
        return False

    def snapshot(self, records: Records, row: OutboxRow) -> list[int]:
        """The server ids already on the create's natural key before it is sent."""
        raise NotImplementedError

    async def create(self, backend: Backend, row: OutboxRow) -> R:
        """Send the create; the record the server answered with."""
        raise NotImplementedError

    def answers(self, created: R, row: OutboxRow) -> bool:
        """Whether a create's answer is the record that was sent."""
        return True

    async def listed(self, backend: Backend, row: OutboxRow) -> list[R]:
        """The server's records on the create's natural key, as they are now."""
        raise NotImplementedError

    def matches(self, server: R, row: OutboxRow) -> bool:
        """Whether a listed record is what the create sent (a candidate to adopt)."""
        raise NotImplementedError

    async def change(self, ctx: Sending, row: OutboxRow) -> Outcome:
        """Send any other row (update, delete, set a status, submit)."""
        raise NotImplementedError(f"{self.name} cannot {row.op}")

    # -- landing --------------------------------------------------------------
    def land(self, store: Store, row: OutboxRow, server: Landing, *, shown: bool) -> None:
        """Write the server's answer into the cache (inside the pusher's transaction).
        ``shown`` is false when a newer edit of the record waits: the cache shows that
        edit, so what people see must not be overwritten."""

    def rebase_base(self, server: Landing) -> Payload | None:
        """The base for later rows of the record after this answer (``None``: keep theirs)."""
        return None

    # -- people -----------------------------------------------------------------
    def describe(self, records: Records, row: OutboxRow) -> str:
        """What the row will do, in a person's words."""
        return f"{row.op} {row.kind}"

    def summary(self, records: Records, row: OutboxRow) -> str:
        """The row in one compact line for the commands' listings (``op kind · what``)."""
        return f"{row.op} {row.kind.replace('_', ' ')}"

    def shown_fields(self, row: OutboxRow) -> tuple[str, ...]:
        """The fields a conflict view compares (its own list, else what the edit sets)."""
        return self.fields or tuple(row.target)

    def mine(self, records: Records, row: OutboxRow) -> Payload:
        """The record as edited, for the conflict view."""
        return dict(row.target)

    def theirs_note(self, row: OutboxRow) -> str | None:
        """The server's side of a conflict in a sentence (for the commands)."""
        return None

    # -- a person's decision ----------------------------------------------------
    def restore(self, store: Store, row: OutboxRow) -> None:
        """Put the cache back to the server's copy after the edit was discarded."""

    def keep_mine_gone(self, store: Store, row: OutboxRow) -> None:
        """Keep my edit although the server deleted the record."""
        store.outbox.rebase(row.seq, row.base or {})
