"""The states of an outbox row, named once, and the sets of them the code asks about."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class OutboxState(StrEnum):
    """Where an outbox row is in its life; the ``state`` column holds these values."""

    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"
    CONFLICT = "conflict"


def sql_states(states: Iterable[OutboxState]) -> str:
    """``('pending', 'sending')``: a state set as an SQL list (the values are constants)."""
    return "(" + ", ".join(f"'{s.value}'" for s in states) + ")"


# Not done yet: shown to people, kept over pulled copies.
OPEN_STATES = (
    OutboxState.PENDING,
    OutboxState.SENDING,
    OutboxState.FAILED,
    OutboxState.CONFLICT,
)
# What a push may send now: queued, and ``sending`` left by a crash.
REPLAYABLE_STATES = (OutboxState.PENDING, OutboxState.SENDING)
# Not sent, or refused: a newer edit may still fold into it.
FOLDABLE_STATES = (OutboxState.PENDING, OutboxState.FAILED)
# Waiting for a person; it also keeps later rows of the same record from being sent.
STUCK_STATES = (OutboxState.FAILED, OutboxState.CONFLICT)
OPEN_SQL = sql_states(OPEN_STATES)
