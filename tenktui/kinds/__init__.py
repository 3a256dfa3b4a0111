"""Outbox record kinds: one module each, one registry line each.

Adding a kind is a new module with a :class:`RecordKind` subclass and a
``register(...)`` line below; the pusher, the outbox screen, the commands and
discarding an edit then handle it with no other change.
"""

from __future__ import annotations

from tenktui.kinds.approval import ApprovalKind
from tenktui.kinds.assignment import AssignmentKind
from tenktui.kinds.base import Landing, Outcome, RecordKind, Sending
from tenktui.kinds.describe import Describer
from tenktui.kinds.registry import REGISTRY, kind_for, register
from tenktui.kinds.resolve import Resolutions
from tenktui.kinds.status import StatusKind
from tenktui.kinds.subtask import SubtaskKind
from tenktui.kinds.time_entry import TimeEntryKind

register(TimeEntryKind())
register(SubtaskKind())
register(StatusKind())
register(AssignmentKind())
register(ApprovalKind())

__all__ = [
    "REGISTRY",
    "Describer",
    "Landing",
    "Outcome",
    "RecordKind",
    "Resolutions",
    "Sending",
    "kind_for",
    "register",
]
