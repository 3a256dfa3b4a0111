"""The one set of marks a cell's state shows, in the app's grid and in ``tenktui week``."""

from __future__ import annotations

from tenktui.store.queries import Cell

STATE_MARKS = {"conflict": "?", "failed": "!", "pending": "↑"}
LOCKED = "×"
SEVERAL = "+"
APPROVED = "✓"
SUGGESTED = "~"
# A day's total: more than its capacity, or (a day gone by) less; told apart by mark,
# not by colour alone (NO_COLOR, 16-colour terminals).
OVER = "▲"
UNDER = "▽"
DAY_OFF = "*"  # in a day's header: a holiday, or leave booked that day

# What each mark means, in the order the help screen and ``week --help`` list them.
LEGEND: list[tuple[str, str]] = [
    (f"{SUGGESTED}4", "suggested from your schedule (Enter confirms it)"),
    (STATE_MARKS["pending"], "saved here, waiting to be sent"),
    (STATE_MARKS["failed"], "refused by the server (the reason shows on the cell)"),
    (STATE_MARKS["conflict"], "changed on the server too: settle it in the Outbox"),
    (LOCKED, "locked: this day takes no time for this project"),
    (APPROVED, "approved"),
    (SEVERAL, "several entries: Enter lists them"),
    (f"8{OVER}", "a day's total over its capacity (over-booked)"),
    (f"4{UNDER}", "a past day's total under its capacity (under-booked)"),
    (f"Thu{DAY_OFF}", "a holiday or leave that day (the line under the grid names it)"),
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


def day_mark(total: float, capacity: float, *, past: bool) -> str:
    """The mark of a day's total: over its capacity, under it once the day is over, or blank."""
    if total > capacity + 0.005:
        return OVER
    if past and total < capacity - 0.005:
        return UNDER
    return " "
