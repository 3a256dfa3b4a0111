"""What a change may set, per record: a backend checks an update's fields against
these, the outbox compares and sends them, and the store's views of a time entry are
prefixes of them.

Named here, apart from :mod:`tenktui.records` (whose classes give them as
``WRITABLE``), so that the store, which needs the names on every start, does not load
every record class before the app's first frame (they cost some 30 ms to define).
"""

from __future__ import annotations

# Most telling first.
TIME_ENTRY_WRITABLE: tuple[str, ...] = ("hours", "task", "notes", "date", "assignable_id")
SUBTASK_WRITABLE: tuple[str, ...] = ("description", "completed")
