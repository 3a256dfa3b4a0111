"""What the sync engine needs from any backend (10,000ft today, Leantime next).

A backend speaks in the typed records of :mod:`tenktui.records` and raises the
errors of :mod:`tenktui.api.errors`. Collections are async iterators that run to
the end of the collection. Requests carry a default priority (own edits first,
then what is on screen, then background refreshes, then other people's
statuses); wrap calls in ``with priority(Priority.BACKGROUND):`` to change it.

The protocol imports no transport (no httpx, no HTTP layer), so the record kinds
(:mod:`tenktui.kinds`), which may not import an API client, can type the backend
they are handed with it. :mod:`tenktui.api.base` re-exports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol, runtime_checkable

from tenktui.api.capabilities import Capabilities
from tenktui.api.governor import RateGovernor
from tenktui.api.stats import RequestStats
from tenktui.records import (
    Approval,
    Assignable,
    Assignment,
    Availability,
    Discipline,
    Holiday,
    LeaveType,
    Project,
    Role,
    Status,
    StatusOption,
    Subtask,
    TimeEntry,
    TimeEntryCategory,
    User,
)

__all__ = ["Backend"]


@runtime_checkable
class Backend(Protocol):
    """The calls the sync engine makes. Every method may raise an ``ApiError``."""

    name: str  # for people: "10,000ft", "Leantime"

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def governor(self) -> RateGovernor: ...

    @property
    def stats(self) -> RequestStats: ...

    async def aclose(self) -> None: ...

    def limit_attempts(self, attempts: int) -> None:
        """Send each request at most ``attempts`` times (a command answers fast offline)."""
        ...

    # -- people ------------------------------------------------------------------
    async def resolve_user(self, email: str) -> User:
        """The person an email address belongs to (cached); ``NotFound`` if nobody."""
        ...

    async def get_user(self, user_id: int) -> User: ...

    def iter_users(self, *, with_archived: bool = False) -> AsyncIterator[User]: ...

    def iter_availabilities(self, user_id: int) -> AsyncIterator[Availability]: ...

    def iter_statuses(self, user_id: int, *, per_page: int = 1000) -> AsyncIterator[Status]:
        """A person's statuses, newest first."""
        ...

    async def current_status(self, user_id: int) -> Status | None: ...

    async def set_status(self, user_id: int, code: str, message: str | None = None) -> Status: ...

    # -- what time goes to ------------------------------------------------------------
    def iter_projects(
        self, *, with_phases: bool = True, with_archived: bool = False
    ) -> AsyncIterator[Project]: ...

    def iter_leave_types(self) -> AsyncIterator[LeaveType]: ...

    async def get_assignable(self, assignable_id: int) -> Assignable: ...

    def iter_assignments(
        self, user_id: int, start: dt.date | None = None, end: dt.date | None = None
    ) -> AsyncIterator[Assignment]: ...

    def iter_project_assignments(
        self,
        project_id: int,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        with_subtasks: bool = False,
        with_subtask_counts: bool = False,
    ) -> AsyncIterator[Assignment]:
        """Everyone's assignments on a project and its phases (teammates, subtasks)."""
        ...

    async def set_assignment_status(
        self, user_id: int, assignment_id: int, status_option_id: int | None
    ) -> Assignment:
        """Move an assignment (a Leantime ticket) to another status option."""
        ...

    def iter_subtasks(self, project_id: int, assignment_id: int) -> AsyncIterator[Subtask]: ...

    async def create_subtask(
        self, project_id: int, assignment_id: int, description: str, completed: bool = False
    ) -> Subtask: ...

    async def update_subtask(
        self, project_id: int, assignment_id: int, subtask_id: int, **fields: Any
    ) -> Subtask: ...

    async def delete_subtask(self, project_id: int, assignment_id: int, subtask_id: int) -> None:
        """Delete; ``NotFound`` if it is already gone (the caller decides what that means)."""
        ...

    # -- time ------------------------------------------------------------------------
    def iter_time_entries(
        self,
        user_id: int,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        with_suggestions: bool = True,
        with_approvals: bool = True,
        sort_field: str | None = None,
        sort_order: str | None = None,
    ) -> AsyncIterator[TimeEntry]: ...

    async def get_time_entry(self, user_id: int, entry_id: int) -> TimeEntry: ...

    async def create_time_entry(
        self,
        user_id: int,
        assignable_id: int,
        date: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> TimeEntry:
        """Create; ``Ambiguous`` if the answer was lost (reconcile, never resend blindly)."""
        ...

    async def update_time_entry(self, user_id: int, entry_id: int, **fields: Any) -> TimeEntry:
        """Send absolute values (``hours``, ``notes``, ``task``, ``date``, ``assignable_id``)."""
        ...

    async def delete_time_entry(self, user_id: int, entry_id: int) -> None:
        """Delete; ``NotFound`` if it is already gone (the caller decides what that means)."""
        ...

    # -- approvals -----------------------------------------------------------------------
    def iter_approvals(self) -> AsyncIterator[Approval]: ...

    async def submit_for_approval(self, entries: Sequence[tuple[int, str]]) -> list[Approval]:
        """Submit time entries given as ``(id, updated_at)``; the server checks the stamps."""
        ...

    async def delete_approval(self, approval_id: int) -> None: ...

    # -- reference data --------------------------------------------------------------------
    def iter_status_options(self) -> AsyncIterator[StatusOption]: ...

    def iter_holidays(self) -> AsyncIterator[Holiday]: ...

    def iter_time_entry_categories(self) -> AsyncIterator[TimeEntryCategory]: ...

    def iter_roles(self) -> AsyncIterator[Role]: ...

    def iter_disciplines(self) -> AsyncIterator[Discipline]: ...
