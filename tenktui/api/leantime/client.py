"""The Leantime backend: the :class:`~tenktui.api.base.Backend` protocol over JSON-RPC.

The store and the sync engine speak 10,000ft-shaped payloads; this client
translates at the edge (see :mod:`tenktui.api.leantime.mapping`). What Leantime
does not have is declared in ``capabilities`` and answered plainly: the lists are
empty, the writes raise :class:`~tenktui.api.errors.Unsupported`.

Hours are written with ``upsertTime`` (it overwrites, so a resend is harmless);
it never writes a description, so new time with notes goes out with ``logTime``
on an empty cell, and notes of time already logged cannot change. From 3.9 a
caller without the manager role logs only its own time, and an API key is a
user of its own: such a key is refused before it writes for anyone else. Work
dates go out as the epoch of the day's local midnight in the profile's timezone.
Methods that differ between versions are chosen by the version
``Api.Config.getSystemInfo`` reports (it is missing before 3.9) and, where a
server still lacks one, by falling back when it answers -32601.

This class is the thin :class:`~tenktui.api.base.Backend`; the work is done by
concern: :mod:`.probe` (version, who the key is), :mod:`.lookups` (what is
remembered), :mod:`.people`, :mod:`.fallbacks` (calls that differ by version),
:mod:`.tickets`, :mod:`.subtasks` and :mod:`.timesheets`, all sharing one
:class:`~tenktui.api.leantime.site.Site`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from tenktui.api.base import HttpBackend
from tenktui.api.capabilities import LEANTIME
from tenktui.api.errors import Rejected, Unsupported
from tenktui.api.governor import RateGovernor
from tenktui.api.http import DEFAULT_TIMEOUT, RequestRecord
from tenktui.api.leantime.ids import MemoryKeys
from tenktui.api.leantime.rpc import JsonRpc
from tenktui.api.leantime.site import Site
from tenktui.api.leantime.subtasks import Subtasks
from tenktui.api.leantime.tickets import Tickets
from tenktui.api.leantime.timesheets import Timesheets
from tenktui.api.records import (
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
from tenktui.records import KeyMap


async def _nothing() -> AsyncIterator[Any]:
    return
    yield


class LeantimeClient(HttpBackend):
    """An async Leantime client implementing :class:`tenktui.api.base.Backend`.

    ``base_url`` is the site root (the client adds ``/api/jsonrpc``); ``token`` an
    API key (``lt_…_…``, sent as ``x-api-key``) or a personal access token (sent as
    ``Authorization: Bearer``, Leantime 3.9.6 and later); ``timezone`` the IANA
    name of the person's Leantime timezone, in which work dates are days; ``email``
    the person's Leantime username, for the calls that take no user (``iter_projects``,
    ``iter_status_options``) when :meth:`resolve_user` was not called in this process;
    ``keys`` the profile cache's key map, which gives (ticket, kind) pairs and status
    labels their ids (without one, ids last as long as the client).
    """

    name = "Leantime"
    capabilities = LEANTIME

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timezone: str = "UTC",
        email: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        governor: RateGovernor | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        on_request: Callable[[RequestRecord], None] | None = None,
        default_kind: str = "GENERAL_BILLABLE",
        today: Callable[[], dt.date] | None = None,
        keys: KeyMap | None = None,
        **rpc_options: Any,
    ) -> None:
        if token is None:
            raise ValueError(
                "A Leantime API key is required (Company Settings > API, or a personal "
                "access token from your profile)."
            )
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{timezone!r} is not a timezone; use an IANA name such as Europe/Berlin "
                "(the timezone set in your Leantime profile)."
            ) from None
        self.rpc = JsonRpc(
            base_url,
            token,
            transport=transport,
            governor=governor,
            timeout=timeout,
            on_request=on_request,
            **rpc_options,
        )
        self.site = Site(
            self.rpc,
            zone,
            email=email,
            default_kind=default_kind,
            today=today or (lambda: dt.datetime.now(zone).date()),
            keys=keys if keys is not None else MemoryKeys(),
        )
        self._tickets = Tickets(self.site)
        self._subtasks = Subtasks(self.site)
        self._time = Timesheets(self.site)

    @property
    def _transport(self) -> JsonRpc:
        return self.rpc

    # -- the server and who we are ----------------------------------------------------
    async def server_version(self) -> str | None:
        """The version ``getSystemInfo`` reports; ``None`` for 3.8 and older."""
        return await self.site.identity.server_version()

    @property
    def modern(self) -> bool:
        """3.9 or later (known after the first request)."""
        return self.site.identity.modern

    async def whoami(self) -> User:
        """The user the key or token acts as (an API key is a user of its own)."""
        return await self.site.identity.whoami()

    async def check_can_log_for(self, user: User) -> None:
        """``Unauthorized`` when this token's hours would not land on ``user``."""
        await self.site.identity.check_can_log_for(user)

    # -- people --------------------------------------------------------------------
    async def resolve_user(self, email: str) -> User:
        """The Leantime user whose username is this email (see :mod:`.people`)."""
        return await self.site.people.resolve_user(email)

    async def get_user(self, user_id: int) -> User:
        return await self.site.people.get_user(user_id)

    def iter_users(self, *, with_archived: bool = False) -> AsyncIterator[User]:
        return self.site.people.iter_users(with_archived=with_archived)

    def iter_availabilities(self, user_id: int) -> AsyncIterator[Availability]:
        return _nothing()

    def iter_statuses(self, user_id: int, *, per_page: int = 1000) -> AsyncIterator[Status]:
        return _nothing()

    async def current_status(self, user_id: int) -> Status | None:
        return None

    async def set_status(self, user_id: int, code: str, message: str | None = None) -> Status:
        raise Unsupported(
            "Leantime has no people's statuses (in the office, working from home, ...); "
            "this is a 10,000ft feature."
        )

    # -- what time goes to ------------------------------------------------------------
    def iter_projects(
        self, *, with_phases: bool = True, with_archived: bool = False
    ) -> AsyncIterator[Project]:
        """Every (ticket, hour kind) the person can log to (see :mod:`.tickets`)."""
        return self._tickets.iter_projects()

    def iter_leave_types(self) -> AsyncIterator[LeaveType]:
        return _nothing()

    async def get_assignable(self, assignable_id: int) -> Assignable:
        return await self._tickets.get_assignable(assignable_id)

    def iter_assignments(
        self, user_id: int, start: dt.date | None = None, end: dt.date | None = None
    ) -> AsyncIterator[Assignment]:
        return self._tickets.iter_assignments(user_id, start, end)

    def iter_project_assignments(
        self,
        project_id: int,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        with_subtasks: bool = False,
        with_subtask_counts: bool = False,
    ) -> AsyncIterator[Assignment]:
        return self._tickets.iter_project_assignments(
            project_id,
            start,
            end,
            with_subtasks=with_subtasks,
            with_subtask_counts=with_subtask_counts,
        )

    async def set_assignment_status(
        self, user_id: int, assignment_id: int, status_option_id: int | None
    ) -> Assignment:
        """An assignment is the person's ticket: its status moves."""
        if status_option_id is None:
            raise Rejected("A Leantime ticket always has a status; pick one.")
        return await self.update_ticket_status(assignment_id, status_option_id)

    async def update_ticket_status(self, ticket_id: int, status_option_id: int) -> Assignment:
        """Move a ticket to another status of its project."""
        return await self._tickets.update_ticket_status(ticket_id, status_option_id)

    # -- subtasks ------------------------------------------------------------------
    def iter_subtasks(self, project_id: int, assignment_id: int) -> AsyncIterator[Subtask]:
        return self._subtasks.iter_subtasks(project_id, assignment_id)

    async def create_subtask(
        self, project_id: int, assignment_id: int, description: str, completed: bool = False
    ) -> Subtask:
        return await self._subtasks.create_subtask(
            project_id, assignment_id, description, completed
        )

    async def update_subtask(
        self, project_id: int, assignment_id: int, subtask_id: int, **fields: Any
    ) -> Subtask:
        return await self._subtasks.update_subtask(project_id, assignment_id, subtask_id, **fields)

    async def delete_subtask(self, project_id: int, assignment_id: int, subtask_id: int) -> None:
        await self._subtasks.delete_subtask(project_id, assignment_id, subtask_id)

    # -- time --------------------------------------------------------------------------
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
    ) -> AsyncIterator[TimeEntry]:
        """The person's timesheet rows (no suggestions or approvals exist in Leantime)."""
        return self._time.iter_time_entries(
            user_id, start, end, sort_field=sort_field, sort_order=sort_order
        )

    async def get_time_entry(self, user_id: int, entry_id: int) -> TimeEntry:
        return await self._time.get_time_entry(user_id, entry_id)

    async def create_time_entry(
        self,
        user_id: int,
        assignable_id: int,
        date: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> TimeEntry:
        """Set the day's hours on the (ticket, kind) (see :mod:`.timesheets`)."""
        return await self._time.create_time_entry(user_id, assignable_id, date, hours, task, notes)

    async def update_time_entry(self, user_id: int, entry_id: int, **fields: Any) -> TimeEntry:
        return await self._time.update_time_entry(user_id, entry_id, **fields)

    async def delete_time_entry(self, user_id: int, entry_id: int) -> None:
        await self._time.delete_time_entry(user_id, entry_id)

    # -- approvals -----------------------------------------------------------------------
    def iter_approvals(self) -> AsyncIterator[Approval]:
        return _nothing()

    async def submit_for_approval(self, entries: Sequence[tuple[int, str]]) -> list[Approval]:
        raise Unsupported("Leantime has no approval of time; nothing to submit.")

    async def delete_approval(self, approval_id: int) -> None:
        raise Unsupported("Leantime has no approval of time.")

    # -- reference data ----------------------------------------------------------------------
    def iter_status_options(self) -> AsyncIterator[StatusOption]:
        """The status labels of the person's projects (ids: see :mod:`.ids`)."""
        return self._tickets.iter_status_options()

    def iter_holidays(self) -> AsyncIterator[Holiday]:
        return _nothing()

    def iter_time_entry_categories(self) -> AsyncIterator[TimeEntryCategory]:
        return _nothing()

    def iter_roles(self) -> AsyncIterator[Role]:
        return _nothing()

    def iter_disciplines(self) -> AsyncIterator[Discipline]:
        return _nothing()
