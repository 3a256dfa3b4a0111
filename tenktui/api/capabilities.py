"""What each backend can do, known without connecting (so the UI can lay itself out
before the network stack is even imported)."""

from __future__ import annotations

from typing import NamedTuple


# A named tuple: a dataclass costs about a millisecond to define at every start.
class Capabilities(NamedTuple):
    """What a backend can do; the UI hides what it cannot."""

    statuses: bool  # people's statuses (ITO, WFH, ...)
    approvals: bool  # submitting time for approval
    suggestions: bool  # suggested time from the schedule
    itemized_entries: bool  # several entries per person, assignable and day
    subtasks: bool  # checklists under assignments
    phases: bool  # projects have phases
    # A time entry's updated_at moves whenever the entry changes. Leantime's rows carry
    # their ticket's `modified`, which an upsertTime of the hours does not move.
    entry_stamps: bool = True
    # Notes of time already on the server can change (Leantime's upsertTime keeps them).
    notes_editable: bool = True
    # A list of a project's assignments can carry each one's subtasks. 10,000ft does
    # not document it on a list: there the counts say which assignments have any.
    nested_subtasks: bool = True


TENKFT = Capabilities(
    statuses=True,
    approvals=True,
    suggestions=True,
    itemized_entries=True,
    subtasks=True,
    phases=True,
    nested_subtasks=False,
)

LEANTIME = Capabilities(
    statuses=False,
    approvals=False,
    suggestions=False,
    itemized_entries=False,
    subtasks=True,
    phases=False,
    entry_stamps=False,
    notes_editable=False,
)

BY_BACKEND = {"tenkft": TENKFT, "leantime": LEANTIME}
