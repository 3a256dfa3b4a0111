"""Messages of the app, and the order they flow in.

Edits and sync never touch widgets from a worker; they post these::

    EditQueued ─▶ (app pokes the engine) ─▶ SyncStateChanged(syncing)
        ─▶ StoreChanged ─▶ SyncStateChanged(idle | offline | throttled …)

A screen that changes data calls the store's ``edits`` and posts ``EditQueued``;
the app refreshes every screen on ``StoreChanged`` (after a sync pass, or when
another process on the profile wrote to the store: ``PRAGMA data_version``).
"""

from __future__ import annotations

import datetime as dt

from textual.message import Message

from tenktui.sync.state import SyncState


class EditQueued(Message):
    """A person's edit is in the store and the outbox: sync soon, redraw now."""

    def __init__(self, description: str = "") -> None:
        super().__init__()
        self.description = description


class SyncRequested(Message):
    """The person asked for a sync now."""


class SyncStateChanged(Message):
    """The engine's state moved (posted from the sync worker)."""

    def __init__(self, state: SyncState) -> None:
        super().__init__()
        self.state = state


class StoreChanged(Message):
    """The store holds new data (a sync pass ended, or another process wrote)."""


class OpenSubtasks(Message):
    """Show the checklist of one assignment."""

    def __init__(self, assignment_id: int) -> None:
        super().__init__()
        self.assignment_id = assignment_id


class OpenTimesheetRow(Message):
    """Go to the timesheet on the week of ``day``, focused on an assignable's row."""

    def __init__(self, assignable_id: int, day: dt.date) -> None:
        super().__init__()
        self.assignable_id = assignable_id
        self.day = day
