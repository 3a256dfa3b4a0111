"""The one set of marks a cell's state shows, in the app's grid and in ``tenktui week``."""

from __future__ import annotations

from tenktui.store.queries import Cell

STATE_MARKS = {"conflict": "?", "failed": "!", "pending": "↑"}
LOCKED = "×"
SEVERAL = "+"
APPROVED = "✓"
SUGGESTED = "~"

# What each mark means, in the order the help screen and ``week --help`` list them.
LEGEND: list[tuple[str, str]] = [
    (f"{SUGGESTED}4", "suggested from your schedule (Enter confirms it)"),
    (STATE_MARKS["pending"], "saved here, waiting to be sent"),
    (STATE_MARKS["failed"], "refused by the server (the reason shows on the cell)"),
    (STATE_MARKS["conflict"], "changed on the server too: settle it in the Outbox"),
    (LOCKED, "locked: this day takes no time for this project"),
    (APPROVED, "approved"),
    (SEVERAL, "several entries: Enter lists them"),
]


def cell_mark(cell: Cell) -> str:
    """The one-character mark of a cell: its outbox state, else a lock, several entries,
    approval, or a blank."""
    if cell.state in STATE_MARKS:
        return STATE_MARKS[cell.state]
    if cell.lock:
        return LOCKED
    if cell.entries > 1:
        return SEVERAL
    if cell.entries and cell.approval == "approved":
        return APPROVED
    return " "
