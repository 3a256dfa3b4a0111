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
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from tenktui.api.base import HttpBackend
from tenktui.api.capabilities import LEANTIME
from tenktui.api.errors import (
    ApiError,
    NotFound,
    Rejected,
    ServerError,
    Unauthorized,
    Unsupported,
)
from tenktui.api.governor import Priority, RateGovernor
from tenktui.api.http import DEFAULT_TIMEOUT, RequestRecord
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.rpc import Call, JsonRpc
from tenktui.api.records import (
    Approval,
    Assignable,
    Assignment,
    Availability,
    Discipline,
    Holiday,
    LeaveType,
    Project,
    Record,
    Role,
    Status,
    StatusOption,
    Subtask,
    TimeEntry,
    TimeEntryCategory,
    User,
    parse_record,
)

log = logging.getLogger("tenktui.api")

R = TypeVar("R", bound=Record)
TIME_ENTRY_FIELDS = frozenset({"hours", "notes", "task", "date", "assignable_id"})
SUBTASK_FIELDS = frozenset({"description", "completed"})
# How far around today iter_projects looks for tickets the person logged time on.
DISCOVERY_BACK = dt.timedelta(weeks=26)
DISCOVERY_AHEAD = dt.timedelta(weeks=8)
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
# Sent with Timesheets.getAll: older servers default these filters to "only invoiced/paid".
NO_INVOICE_FILTERS = {"invEmpl": "-1", "invComp": "-1", "paid": "-1"}
# Leantime's role number from which a caller holds timesheets.manage (logs for others).
MANAGER = 30
NOTES_FIXED = (
    "Leantime's API cannot change the notes of time already logged (upsertTime keeps "
    "them as they are); change them in Leantime's timesheet, or delete the entry and log "
    "it again with the new notes."
)


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
    ``iter_status_options``) when :meth:`resolve_user` was not called in this process.
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
        **rpc_options: Any,
    ) -> None:
        if token is None:
            raise ValueError(
                "A Leantime API key is required (Company Settings > API, or a personal "
                "access token from your profile)."
            )
        try:
            self.zone = ZoneInfo(timezone)
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
        self.default_kind = default_kind
        self.email = email
        self._today = today or (lambda: dt.datetime.now(self.zone).date())
        self._probed = False
        self._version: str | None = None
        self._me: m.Row | None = None
        self._user_id: int | None = None
        self._kinds: m.Kinds | None = None
        self._labels: dict[int, dict[int, m.Row]] = {}
        self._ticket_project: dict[int, int] = {}
        self._users_by_email: dict[str, User] = {}
        self._delete_time = True  # Timesheets.deleteTime exists (3.6 and later)
        self._row_days: dict[int, dt.date] = {}  # timesheet row id -> its local day, as seen
        self._patch: str | None = None  # Tickets.patchTicket (3.9) or Tickets.patch

    @property
    def _transport(self) -> JsonRpc:
        return self.rpc

    # -- the server and who we are ----------------------------------------------------
    async def _probe(self) -> None:
        """Version and who the key acts as, in one request (plus one on old servers)."""
        if self._probed:
            return
        info, me = await self.rpc.batch(
            [Call("Api.Config.getSystemInfo"), Call("Users.getUser", {})],
            priority=Priority.VISIBLE,
        )
        if isinstance(info, Unsupported):
            self._version = None  # 3.8 or older
        elif isinstance(info, ApiError):
            raise info
        else:
            self._version = str(info.get("version")) if isinstance(info, dict) else None
        if isinstance(me, Rejected):  # -32602 (id required) or -32601: before 3.8
            user_id = await self.rpc.call("Auth.getUserId")
            me = await self.rpc.call("Users.getUser", {"id": int(user_id)})
        elif isinstance(me, ApiError):
            raise me
        if not isinstance(me, dict) or "id" not in me:
            raise ServerError("Leantime did not say which user the key belongs to.")
        self._me = me
        self._probed = True

    async def server_version(self) -> str | None:
        """The version ``getSystemInfo`` reports; ``None`` for 3.8 and older."""
        await self._probe()
        return self._version

    @property
    def modern(self) -> bool:
        """3.9 or later (known after the first request)."""
        return self._version is not None

    async def whoami(self) -> User:
        """The user the key or token acts as (an API key is a user of its own)."""
        await self._probe()
        assert self._me is not None
        return User.from_api(m.user(self._me))

    @property
    def _my_role(self) -> int | None:
        return m.as_int((self._me or {}).get("role"))

    async def check_can_log_for(self, user: User) -> None:
        """``Unauthorized`` when this token's hours would not land on ``user``: from 3.9,
        logTime and upsertTime replace ``userId`` by the caller's own unless the caller
        holds timesheets.manage (manager and above), and an API key is a user of its own."""
        me = await self.whoami()
        if not self.modern or me.id == user.id:
            return
        role = self._my_role
        if role is not None and role < MANAGER:
            label = m.ROLES.get(role, str(role))
            raise Unauthorized(
                f"This API key has the {label} role: Leantime would log its hours on the "
                f"key's own account, not on {user.email or user.name}'s. Use a key with a "
                "higher role (manager or above), or your personal access token.",
                route="RPC Timesheets.upsertTime",
            )

    async def _person(self) -> int:
        """The person time is read and written for: the one resolved by email (the
        profile's, when given), else the key's own user."""
        if self._user_id is None:
            if self.email:
                return (await self.resolve_user(self.email)).id
            self._user_id = (await self.whoami()).id
        return self._user_id

    async def _user(self, user_id: int) -> User:
        """The user time is written for, known without a request when it is the token's
        own or the one resolved by email."""
        me = await self.whoami()
        if user_id == me.id:
            return me
        known = next((u for u in self._users_by_email.values() if u.id == user_id), None)
        return known or await self.get_user(user_id)

    # -- plumbing ----------------------------------------------------------------
    def _with_kinds(self, calls: list[Call]) -> list[Call]:
        if self._kinds is None:
            return [Call("Timesheets.getLoggableHourTypes"), *calls]
        return calls

    def _take_kinds(self, results: list[Any]) -> list[Any]:
        if self._kinds is None:
            kinds, *results = results
            if isinstance(kinds, ApiError):
                raise kinds
            names = kinds.keys() if isinstance(kinds, dict) else kinds
            self._kinds = m.Kinds(str(k) for k in names or ())
        return results

    async def _kinds_known(self) -> m.Kinds:
        if self._kinds is None:
            self._take_kinds(await self.rpc.values(self._with_kinds([])))
        assert self._kinds is not None
        return self._kinds

    async def _labels_of(self, project_id: int) -> dict[int, m.Row]:
        labels = self._labels.get(project_id)
        if labels is None:
            result = await self.rpc.call("Tickets.getStatusLabels", {"projectId": project_id})
            labels = self._labels[project_id] = m.labels_from(result)
        return labels

    def _remember(self, tickets: Sequence[m.Row]) -> None:
        for t in tickets:
            ticket = m.as_id(t.get("id")) if isinstance(t, dict) else None
            project = m.as_id(t.get("projectId")) if ticket is not None else None
            if ticket is not None and project is not None:
                self._ticket_project[ticket] = project

    async def _ticket(self, ticket_id: int) -> m.Row:
        found = await self.rpc.call("Tickets.getTicket", {"id": ticket_id})
        if not isinstance(found, dict):
            raise NotFound(
                f"Ticket #{ticket_id} does not exist on the Leantime server, or this key may "
                "not see it.",
                route="RPC Tickets.getTicket",
            )
        self._remember([found])
        return found

    def _entry(self, row: Any, kinds: m.Kinds) -> TimeEntry:
        payload = m.time_entry(row, kinds, self.zone) if isinstance(row, dict) else None
        if payload is None:
            raise NotFound("The time entry is not on the Leantime server (or of an unknown kind).")
        return TimeEntry.from_api(payload)

    def _time_query(self, user_id: int, start: dt.date, end: dt.date, **extra: Any) -> Call:
        date_from, date_to = m.utc_range(start, end, self.zone)
        params = {
            "dateFrom": date_from,
            "dateTo": date_to,
            "projectId": -1,
            "kind": "all",
            "userId": user_id,
            **NO_INVOICE_FILTERS,
            **extra,
        }
        return Call("Timesheets.getAll", params)

    # -- people --------------------------------------------------------------------
    async def _visible_users(self) -> list[m.Row]:
        """Every user the caller may see: the roster (``Users.getAll``, admins only where
        3.9 enforces permissions), else the members of the caller's own projects."""
        try:
            rows = await self.rpc.call(
                "Users.getAll", {"activeOnly": False}, priority=Priority.BACKGROUND
            )
            return [r for r in rows or [] if isinstance(r, dict) and "id" in r]
        except (Unauthorized, Unsupported) as refused:
            log.info("no user roster (%s); using the caller's projects' members", refused.route)
        me = await self.whoami()
        projects = await self.rpc.call(
            "Projects.getProjectsAssignedToUser",
            {"userId": me.id, "projectStatus": "all"},
            priority=Priority.BACKGROUND,
        )
        ids = sorted({int(p["id"]) for p in projects or [] if isinstance(p, dict)})
        found: dict[int, m.Row] = {}
        assert self._me is not None
        if self._me.get("source") != "api":
            found[me.id] = self._me
        if ids:
            members = await self.rpc.batch(
                [Call("Projects.getUsersAssignedToProject", {"projectId": p}) for p in ids],
                priority=Priority.BACKGROUND,
            )
            for answer in members:
                if isinstance(answer, ApiError):  # a project the caller may not read: skip
                    continue
                for row in answer or []:
                    user_id = m.as_id(row.get("id")) if isinstance(row, dict) else None
                    if user_id is not None:
                        found.setdefault(user_id, row)
        return [found[k] for k in sorted(found)]

    async def resolve_user(self, email: str) -> User:
        """The Leantime user whose username is this email: the token's own user (a
        personal access token is the person), else one of the users the caller may see.
        Time is then read and written for that person."""
        key = email.strip().casefold()
        cached = self._users_by_email.get(key)
        if cached is not None:
            return cached
        me = await self.whoami()
        found: User | None = me if (me.email or "").strip().casefold() == key else None
        if found is None:
            for row in await self._visible_users():
                if str(row.get("username", "")).casefold() == key:
                    found = User.from_api(m.user(row))
                    break
        if found is None:
            raise NotFound(
                f"No Leantime user this key may see has the username {email!r}, and the key "
                f"acts as {me.name!r}. Check the email in your configuration, or use your "
                "personal access token.",
                route="RPC Users.getAll",
            )
        self._users_by_email[key] = found
        self._user_id = found.id
        return found

    async def get_user(self, user_id: int) -> User:
        row = await self.rpc.call("Users.getUser", {"id": user_id})
        if not isinstance(row, dict):
            raise NotFound(f"Leantime has no user {user_id}.", route="RPC Users.getUser")
        return User.from_api(m.user(row))

    async def iter_users(self, *, with_archived: bool = False) -> AsyncIterator[User]:
        try:
            rows = await self._visible_users()
        except Unsupported:
            await self._probe()
            rows = [self._me] if self._me is not None else []
        for row in rows:
            user = parse_record(User, m.user(row), "RPC Users")
            if user is not None and (with_archived or not user.archived):
                yield user

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
    async def iter_projects(
        self, *, with_phases: bool = True, with_archived: bool = False
    ) -> AsyncIterator[Project]:
        """Every (ticket, hour kind) the person can log to, as an assignable: their open
        tickets and the tickets they logged time on in the last half year."""
        person = await self._person()
        today = self._today()
        calls = self._with_kinds(
            [
                Call("Tickets.getAllOpenUserTickets", {"userId": person}),
                Call(
                    "Projects.getProjectsAssignedToUser", {"userId": person, "projectStatus": "all"}
                ),
                self._time_query(person, today - DISCOVERY_BACK, today + DISCOVERY_AHEAD),
            ]
        )
        results = self._take_kinds(await self.rpc.values(calls, priority=Priority.BACKGROUND))
        open_tickets, projects, rows = (r or [] for r in results)
        tickets = {m.as_id(t.get("id")): t for t in open_tickets if isinstance(t, dict)}
        tickets.pop(None, None)  # a ticket without a readable id cannot be offered
        logged = {m.as_id(r.get("ticketId")) for r in rows if isinstance(r, dict)}
        missing = sorted(t for t in logged - tickets.keys() if t is not None)
        for chunk in range(0, len(missing), 50):
            found = await self.rpc.values(
                [Call("Tickets.getTicket", {"id": t}) for t in missing[chunk : chunk + 50]],
                priority=Priority.BACKGROUND,
            )
            tickets.update({m.as_id(t.get("id")): t for t in found if isinstance(t, dict)})
            tickets.pop(None, None)
        self._remember(list(tickets.values()))
        closed = await self._closed_projects(projects, tickets.values())
        kinds = self._kinds
        assert kinds is not None
        for ticket_id in sorted(tickets):
            ticket = tickets[ticket_id]
            if ticket.get("type") == "milestone":
                continue
            # Tickets of closed projects come only from time logged on them: offered as
            # archived, so that time shows but takes no more.
            archived = m.as_int(ticket.get("projectId")) in closed
            for kind in kinds:
                payload = m.assignable(
                    ticket,
                    kind,
                    kinds,
                    self.zone,
                    default_kind=self.default_kind,
                    archived=archived,
                )
                record = (
                    parse_record(Project, payload, "RPC Projects") if payload is not None else None
                )
                if record is not None:
                    yield record

    async def _closed_projects(self, projects: list[Any], tickets: Any) -> set[int]:
        """The closed projects among those of ``tickets``. From 3.9,
        ``getProjectsAssignedToUser`` answers for the caller unless it is an admin, so
        the projects it leaves out are read one by one (those the caller may not read
        count as open)."""
        states = {int(p["id"]): str(p.get("state")) for p in projects if isinstance(p, dict)}
        of_tickets = {m.as_int(t.get("projectId")) for t in tickets}
        unknown = sorted(p for p in of_tickets if p is not None and p not in states)
        if unknown:
            found = await self.rpc.batch(
                [Call("Projects.getProject", {"id": p}) for p in unknown],
                priority=Priority.BACKGROUND,
            )
            for project_id, row in zip(unknown, found, strict=True):
                if isinstance(row, dict):
                    states[project_id] = str(row.get("state"))
        return {p for p, state in states.items() if state == "-1"}

    def iter_leave_types(self) -> AsyncIterator[LeaveType]:
        return _nothing()

    async def get_assignable(self, assignable_id: int) -> Assignable:
        ticket_id, slot = m.decode(assignable_id)
        kinds = await self._kinds_known()
        kind = kinds.kind(slot)
        if kind is None:
            raise NotFound(f"{assignable_id} is not a Leantime ticket and hour kind.")
        payload = m.assignable(
            await self._ticket(ticket_id), kind, kinds, self.zone, default_kind=self.default_kind
        )
        assert payload is not None
        return Assignable.from_api(payload)

    async def iter_assignments(
        self, user_id: int, start: dt.date | None = None, end: dt.date | None = None
    ) -> AsyncIterator[Assignment]:
        """The person's open tickets with their dates; milestones aside, and subtasks
        aside when their parent is listed too (they show as its subtasks)."""
        results = self._take_kinds(
            await self.rpc.values(
                self._with_kinds([Call("Tickets.getAllOpenUserTickets", {"userId": user_id})])
            )
        )
        tickets = [t for t in results[0] or [] if isinstance(t, dict)]
        self._remember(tickets)
        assert self._kinds is not None
        listed = {m.as_id(t.get("id")) for t in tickets} - {None}
        for ticket in tickets:
            parent = m.as_int(ticket.get("dependingTicketId"))
            if ticket.get("type") == "milestone" or (
                ticket.get("type") == "subtask" and parent in listed
            ):
                continue
            payload = m.assignment(
                ticket,
                self._kinds,
                self.zone,
                default_kind=self.default_kind,
                start=start,
                end=end,
            )
            record = (
                parse_record(Assignment, payload, "RPC Tickets") if payload is not None else None
            )
            if record is not None:
                yield record

    async def iter_project_assignments(
        self,
        project_id: int,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        with_subtasks: bool = False,
        with_subtask_counts: bool = False,
    ) -> AsyncIterator[Assignment]:
        """The ticket behind assignable ``project_id`` as its assignee's assignment, with
        its subtasks nested (Leantime has no teammates on a ticket: one assignee)."""
        ticket_id, _ = m.decode(project_id)
        project = self._ticket_project.get(ticket_id)
        nested = with_subtasks or with_subtask_counts
        want_labels = nested and project is not None and project not in self._labels
        calls = [Call("Tickets.getTicket", {"id": ticket_id})]
        if nested:
            calls.append(Call("Tickets.getAllSubtasks", {"ticketId": ticket_id}))
        if want_labels:
            calls.append(Call("Tickets.getStatusLabels", {"projectId": project}))
        results = self._take_kinds(await self.rpc.values(self._with_kinds(calls)))
        if want_labels:
            assert project is not None
            self._labels[project] = m.labels_from(results[-1])
        ticket = results[0]
        if not isinstance(ticket, dict) or not ticket.get("editorId"):
            return
        self._remember([ticket])
        assert self._kinds is not None
        payload = m.assignment(
            ticket, self._kinds, self.zone, default_kind=self.default_kind, start=start, end=end
        )
        if payload is None:
            return
        if nested:
            labels = await self._labels_of(int(ticket["projectId"]))
            subtasks = [
                m.subtask(s, project_id, labels) for s in results[1] or [] if isinstance(s, dict)
            ]
            if with_subtasks:
                payload["subtasks"] = {"data": subtasks}
            if with_subtask_counts:
                done = sum(1 for s in subtasks if s["completed"])
                payload["subtask_counts"] = {"completed": done, "total": len(subtasks)}
        yield Assignment.from_api(payload)

    async def set_assignment_status(
        self, user_id: int, assignment_id: int, status_option_id: int | None
    ) -> Assignment:
        """An assignment is the person's ticket: its status moves."""
        if status_option_id is None:
            raise Rejected("A Leantime ticket always has a status; pick one.")
        return await self.update_ticket_status(assignment_id, status_option_id)

    async def update_ticket_status(self, ticket_id: int, status_option_id: int) -> Assignment:
        """Move a ticket to another status of its project (a status option id of
        :meth:`iter_status_options`, or a bare Leantime status id)."""
        ticket = await self._ticket(ticket_id)
        project, status = m.decode_status(status_option_id)
        if project != int(ticket["projectId"]):
            project, status = int(ticket["projectId"]), int(status_option_id)
        if status not in await self._labels_of(project):
            raise Rejected(f"Status {status} is not a status of the ticket's project.")
        updated = await self._patch_and_read(ticket_id, {"status": status})
        kinds = await self._kinds_known()
        payload = m.assignment(updated, kinds, self.zone, default_kind=self.default_kind)
        assert payload is not None
        return Assignment.from_api(payload)

    # -- subtasks ------------------------------------------------------------------
    async def iter_subtasks(self, project_id: int, assignment_id: int) -> AsyncIterator[Subtask]:
        rows = await self.rpc.call("Tickets.getAllSubtasks", {"ticketId": assignment_id})
        rows = [r for r in rows or [] if isinstance(r, dict)]
        self._remember(rows)
        project = self._ticket_project.get(assignment_id)
        if project is None and rows:
            project = m.as_id(rows[0].get("projectId"))
        labels = await self._labels_of(project) if project is not None else {}
        for row in rows:
            subtask = parse_record(
                Subtask, m.subtask(row, project_id, labels), "RPC Tickets.getAllSubtasks"
            )
            if subtask is not None:
                yield subtask

    async def create_subtask(
        self, project_id: int, assignment_id: int, description: str, completed: bool = False
    ) -> Subtask:
        """A child ticket (``type: subtask``); ``Ambiguous`` when the answer was lost."""
        parent = await self._ticket(assignment_id)
        labels = await self._labels_of(int(parent["projectId"]))
        values = {
            "headline": description,
            "projectId": int(parent["projectId"]),
            "type": "subtask",
            "dependingTicketId": int(parent["id"]),
            "status": m.status_of_type(
                labels, "DONE" if completed else "NEW", 0 if completed else 3
            ),
        }
        if parent.get("editorId"):
            values["editorId"] = parent["editorId"]
        new_id, siblings = await self.rpc.batch(
            [
                Call("Tickets.addTicket", {"values": values}),
                Call("Tickets.getAllSubtasks", {"ticketId": int(parent["id"])}),
            ]
        )
        if isinstance(new_id, ApiError):
            raise new_id
        if not isinstance(new_id, int) or isinstance(new_id, bool):
            raise Rejected(f"Leantime did not create the subtask: {new_id!r}.")
        rows = siblings if isinstance(siblings, list) else []
        row = next((r for r in rows if isinstance(r, dict) and r.get("id") == new_id), None)
        if row is None:
            row = await self._ticket(new_id)
        return Subtask.from_api(m.subtask(row, project_id, labels))

    async def update_subtask(
        self, project_id: int, assignment_id: int, subtask_id: int, **fields: Any
    ) -> Subtask:
        _check_fields(fields, SUBTASK_FIELDS, "subtask")
        project = self._ticket_project.get(subtask_id) or self._ticket_project.get(assignment_id)
        if project is None:
            project = int((await self._ticket(subtask_id))["projectId"])
        labels = await self._labels_of(project)
        values: dict[str, Any] = {}
        if "description" in fields:
            values["headline"] = fields["description"]
        if "completed" in fields:
            done = bool(fields["completed"])
            values["status"] = m.status_of_type(labels, "DONE" if done else "NEW", 0 if done else 3)
        row = await self._patch_and_read(subtask_id, values)
        return Subtask.from_api(m.subtask(row, project_id, labels))

    async def delete_subtask(self, project_id: int, assignment_id: int, subtask_id: int) -> None:
        if await self.rpc.call("Tickets.delete", {"id": subtask_id}) is False:
            raise NotFound(f"Subtask #{subtask_id} is already gone.", route="RPC Tickets.delete")

    async def _patch_and_read(self, ticket_id: int, values: dict[str, Any]) -> m.Row:
        """A partial ticket update (``patchTicket`` on 3.9, ``patch`` before), read back."""
        if self._patch is None:
            await self._probe()
            self._patch = "Tickets.patchTicket" if self.modern else "Tickets.patch"
        for _ in range(2):
            key = "values" if self._patch == "Tickets.patchTicket" else "params"
            done, row = await self.rpc.batch(
                [
                    Call(self._patch, {"id": ticket_id, key: values}),
                    Call("Tickets.getTicket", {"id": ticket_id}),
                ]
            )
            if isinstance(done, Unsupported):
                self._patch = (
                    "Tickets.patch"
                    if self._patch == "Tickets.patchTicket"
                    else "Tickets.patchTicket"
                )
                continue
            if isinstance(done, ApiError):
                raise done
            if done is False or not isinstance(row, dict):
                raise NotFound(f"Ticket #{ticket_id} is no longer on the Leantime server.")
            self._remember([row])
            return row
        raise Unsupported("This Leantime server offers neither Tickets.patchTicket nor patch.")

    # -- time --------------------------------------------------------------------------
    async def iter_time_entries(
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
        """The person's timesheet rows on local days ``start``..``end`` (no suggestions
        or approvals exist in Leantime)."""
        query = self._time_query(user_id, start or EARLIEST, end or LATEST)
        (rows,) = self._take_kinds(await self.rpc.values(self._with_kinds([query])))
        kinds = self._kinds
        assert kinds is not None
        entries = []
        for row in rows or []:
            payload = m.time_entry(row, kinds, self.zone) if isinstance(row, dict) else None
            if payload is None:
                log.warning("skipping a Leantime timesheet row of unknown kind or date")
                continue
            entries.append(payload)
            self._row_days[payload["id"]] = dt.date.fromisoformat(payload["date"])
        if sort_field == "updated":
            entries.sort(
                key=lambda e: (e["updated_at"] or "", e["id"]), reverse=sort_order == "desc"
            )
        for payload in entries:
            entry = parse_record(TimeEntry, payload, "RPC Timesheets")
            if entry is not None:
                yield entry

    async def _row(self, user_id: int, entry_id: int) -> m.Row | None:
        """One timesheet row as the server has it, ``None`` when it is gone.
        ``getTimesheet`` exists from 3.9.0 only; before, the person's rows of the day
        the row was last seen on (or of every day) are read and the id picked out."""
        await self._probe()
        if self.modern:
            row = await self.rpc.call("Timesheets.getTimesheet", {"id": entry_id})
            return row if isinstance(row, dict) else None
        day = self._row_days.get(entry_id)
        start, end = (day, day) if day is not None else (EARLIEST, LATEST)
        rows = await self.rpc.call(
            "Timesheets.getAll", self._time_query(user_id, start, end).params
        )
        found = next(
            (r for r in rows or [] if isinstance(r, dict) and m.as_int(r.get("id")) == entry_id),
            None,
        )
        if found is None and day is not None:  # moved or gone: look everywhere once
            self._row_days.pop(entry_id, None)
            return await self._row(user_id, entry_id)
        return found

    async def get_time_entry(self, user_id: int, entry_id: int) -> TimeEntry:
        kinds = await self._kinds_known()
        return self._entry(await self._row(user_id, entry_id), kinds)

    async def create_time_entry(
        self,
        user_id: int,
        assignable_id: int,
        date: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> TimeEntry:
        """Set the day's hours on the (ticket, kind) with ``upsertTime``.

        Leantime keeps one row per person, ticket, day and kind. A row already there
        with the same hours and notes is returned as it is (an earlier attempt of
        ours landed); one with other values is refused rather than overwritten.
        """
        if task:
            raise Rejected("Leantime time has no task field; put it in the notes instead.")
        await self.check_can_log_for(await self._user(user_id))
        kinds = await self._kinds_known()
        ticket_id, slot = m.decode(assignable_id)
        kind = kinds.kind(slot)
        if kind is None:
            raise Rejected(f"{assignable_id} is not a Leantime ticket and hour kind.")
        work = m.local_midnight(date, self.zone)
        query = self._time_query(user_id, date, date, kind=kind, ticketFilter=str(ticket_id))

        def same_cell(rows: Any) -> list[m.Row]:
            return [
                r
                for r in rows or []
                if isinstance(r, dict)
                and m.as_id(r.get("ticketId")) == ticket_id
                and r.get("kind") == kind
                and m.parse_moment(r.get("workDate")) == work.astimezone(dt.UTC)
                and m.as_int(r.get("userId")) == user_id
            ]

        existing = same_cell(await self.rpc.call("Timesheets.getAll", query.params))
        if existing:
            row = existing[0]
            if abs((m.as_float(row.get("hours")) or 0.0) - float(hours)) < 0.005 and (
                (row.get("description") or None) == (notes or None)
            ):
                return self._entry(row, kinds)
            raise Rejected(
                f"Leantime keeps one entry per ticket, kind and day, and this one already "
                f"holds {float(row['hours']):g} h on the server. Refresh and change that entry "
                "instead."
            )
        params = {
            "hours": hours,
            "kind": kind,
            "userId": user_id,
            "timestamp": m.midnight_epoch(date, self.zone),
            "date": date.isoformat(),  # required by some servers; the timestamp decides
        }
        # upsertTime never writes a description (its repository upserts hours only); logTime
        # does, and on an empty cell (checked just above) it adds to nothing.
        write = "Timesheets.upsertTime"
        if notes:
            write, params["description"] = "Timesheets.logTime", notes
        done, rows = await self.rpc.batch(
            [Call(write, {"ticketId": ticket_id, "params": params}), query]
        )
        if isinstance(done, ApiError):
            raise done
        if isinstance(rows, ApiError):
            raise rows
        landed = same_cell(rows)
        if not landed:
            raise Rejected(
                "Leantime accepted the time but does not show it for this person: the key "
                "may log time only for its own user. Use a key with the manager role, or "
                "your personal access token."
            )
        return self._entry(landed[0], kinds)

    async def update_time_entry(self, user_id: int, entry_id: int, **fields: Any) -> TimeEntry:
        """Overwrite hours and/or notes of the row with ``upsertTime`` on its own key."""
        _check_fields(fields, TIME_ENTRY_FIELDS, "time entry")
        if fields.get("task"):
            raise Rejected("Leantime time has no task field; put it in the notes instead.")
        kinds = await self._kinds_known()
        row = await self._row(user_id, entry_id)
        current = self._entry(row, kinds)
        assert row is not None
        await self.check_can_log_for(await self._user(int(row["userId"])))
        if ("date" in fields and _as_date(fields["date"]) != current.date) or (
            "assignable_id" in fields and int(fields["assignable_id"]) != current.assignable_id
        ):
            raise Rejected(
                "Leantime cannot move time to another day or ticket; delete the entry and "
                "log it again there."
            )
        if "notes" in fields and (fields["notes"] or None) != (current.notes or None):
            raise Rejected(NOTES_FIXED)
        hours = float(fields.get("hours", row["hours"]))
        if hours <= 0:
            raise Rejected("Leantime time needs more than 0 hours; delete the entry instead.")
        work = m.parse_moment(row["workDate"])
        assert work is not None and current.date is not None
        params: dict[str, Any] = {
            "hours": hours,
            "kind": row["kind"],
            "userId": int(row["userId"]),
            "timestamp": int(work.timestamp()),  # the row's own key, whatever its time of day
            "date": current.date.isoformat(),
        }
        await self.rpc.call(
            "Timesheets.upsertTime", {"ticketId": int(row["ticketId"]), "params": params}
        )
        return self._entry(await self._row(user_id, entry_id), kinds)

    async def delete_time_entry(self, user_id: int, entry_id: int) -> None:
        """``deleteTime`` (3.6 and later); before, ``upsertTime`` with 0 hours, which
        Leantime purges. ``NotFound`` when the row is already gone."""
        # 3.9 answers a refused deleteTime like a missing row: refuse before asking.
        await self.check_can_log_for(await self._user(user_id))
        if self._delete_time:
            try:
                deleted = await self.rpc.call("Timesheets.deleteTime", {"id": entry_id})
            except Unsupported:
                self._delete_time = False
            else:
                if deleted is False:
                    raise NotFound("The time entry is already gone.", route="RPC deleteTime")
                return
        row = await self._row(user_id, entry_id)
        if row is None:
            raise NotFound("The time entry is already gone.", route="RPC Timesheets.getAll")
        work = m.parse_moment(row["workDate"])
        assert work is not None
        params = {
            "hours": 0,
            "kind": row["kind"],
            "userId": int(row["userId"]),
            "timestamp": int(work.timestamp()),
            "date": work.astimezone(self.zone).date().isoformat(),
        }
        await self.rpc.call(
            "Timesheets.upsertTime", {"ticketId": int(row["ticketId"]), "params": params}
        )

    # -- approvals -----------------------------------------------------------------------
    def iter_approvals(self) -> AsyncIterator[Approval]:
        return _nothing()

    async def submit_for_approval(self, entries: Sequence[tuple[int, str]]) -> list[Approval]:
        raise Unsupported("Leantime has no approval of time; nothing to submit.")

    async def delete_approval(self, approval_id: int) -> None:
        raise Unsupported("Leantime has no approval of time.")

    # -- reference data ----------------------------------------------------------------------
    async def iter_status_options(self) -> AsyncIterator[StatusOption]:
        """The status labels of the person's projects (ids: project * 1000 + status)."""
        person = await self._person()
        projects = await self.rpc.call(
            "Projects.getProjectsAssignedToUser",
            {"userId": person, "projectStatus": "all"},
            priority=Priority.BACKGROUND,
        )
        # From 3.9 the answer is the caller's projects (unless an admin): add those of the
        # tickets the person works on, whose labels the caller can read.
        ids = sorted(
            {int(p["id"]) for p in projects or [] if isinstance(p, dict)}
            | set(self._ticket_project.values())
        )
        if not ids:
            return
        results = await self.rpc.batch(
            [Call("Tickets.getStatusLabels", {"projectId": p}) for p in ids],
            priority=Priority.BACKGROUND,
        )
        for project, result in zip(ids, results, strict=True):
            if isinstance(result, ApiError):
                log.info("no status labels for project %s: %s", project, result.message)
                continue
            labels = self._labels[project] = m.labels_from(result)
            for status, label in labels.items():
                option = parse_record(
                    StatusOption, m.status_option(project, status, label), "RPC Tickets"
                )
                if option is not None:
                    yield option

    def iter_holidays(self) -> AsyncIterator[Holiday]:
        return _nothing()

    def iter_time_entry_categories(self) -> AsyncIterator[TimeEntryCategory]:
        return _nothing()

    def iter_roles(self) -> AsyncIterator[Role]:
        return _nothing()

    def iter_disciplines(self) -> AsyncIterator[Discipline]:
        return _nothing()


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _check_fields(fields: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(
            f"cannot update {', '.join(unknown)} of a {what}; allowed: {', '.join(sorted(allowed))}"
        )
