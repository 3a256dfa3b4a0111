"""The 10,000ft (Smartsheet Resource Management) backend.

Only routes of the live route list are used. Collections are read 1000 at a time
with the ``fields=`` they need, so a person's year of time is a handful of
requests; every call goes through the token's rate governor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar

import httpx

from tenktui.api.base import HttpBackend
from tenktui.api.capabilities import TENKFT
from tenktui.api.errors import NotFound, ServerError
from tenktui.api.governor import Priority, RateGovernor
from tenktui.api.http import DEFAULT_TIMEOUT, ApiHttp, RequestRecord, route_template
from tenktui.api.paging import MAX_PER_PAGE, complete_nested, encode_params, iter_collection
from tenktui.records import (
    Approval,
    Assignable,
    Assignment,
    Availability,
    Discipline,
    Holiday,
    InvalidRecord,
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

DEFAULT_BASE_URL = "https://api.rm.smartsheet.com/api/v1"
STATUS_CODES = ("ITO", "WFH", "SIC", "OOO", "VAC", "OOF")
TIME_ENTRY_FIELDS = frozenset(TimeEntry.WRITABLE)
SUBTASK_FIELDS = frozenset(Subtask.WRITABLE)

R = TypeVar("R", bound=Record)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


class TenKftClient(HttpBackend):
    """An async 10,000ft client implementing :class:`tenktui.api.base.Backend`.

    ``transport`` lets tests put an ``httpx.MockTransport`` (or ``ASGITransport``)
    under it; ``governor`` defaults to the process-wide one of the token.
    """

    name = "10,000ft"
    capabilities = TENKFT  # nested_subtasks=False: counts on lists, subtasks per assignment

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        token: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        governor: RateGovernor | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        on_request: Callable[[RequestRecord], None] | None = None,
        per_page: int = MAX_PER_PAGE,
        **http_options: Any,
    ) -> None:
        if token is None:
            raise ValueError("A 10,000ft API token is required (Settings > Developer API).")
        self.http = ApiHttp(
            base_url,
            token,
            transport=transport,
            governor=governor,
            timeout=timeout,
            on_request=on_request,
            **http_options,
        )
        self.per_page = per_page
        self._users_by_email: dict[str, User] = {}

    @property
    def _transport(self) -> ApiHttp:
        return self.http

    # -- plumbing ------------------------------------------------------------------
    async def _iter(
        self,
        kind: type[R],
        path: str,
        params: dict[str, Any] | None = None,
        *,
        nested: Sequence[str] = (),
        priority: Priority = Priority.VISIBLE,
        per_page: int | None = None,
    ) -> AsyncIterator[R]:
        async for item in iter_collection(
            self.http,
            path,
            params,
            per_page=per_page or self.per_page,
            nested=nested,
            priority=priority,
        ):
            record = parse_record(kind, item, f"GET {route_template(path)}")
            if record is not None:
                yield record

    async def _get(
        self,
        kind: type[R],
        path: str,
        params: dict[str, Any] | None = None,
        *,
        nested: Sequence[str] = (),
        priority: Priority = Priority.VISIBLE,
    ) -> R:
        body = await self.http.get_json(path, encode_params(params), priority=priority)
        doc = self._object(body, f"GET {path}")
        if nested:
            await complete_nested(self.http, [doc], nested, priority=priority)
        return _valid(kind, doc, f"GET {path}")

    async def _send(self, kind: type[R], method: str, path: str, payload: dict[str, Any]) -> R:
        body = await self.http.send_json(method, path, payload, priority=Priority.EDIT)
        return _valid(kind, self._object(body, f"{method} {path}"), f"{method} {path}")

    @staticmethod
    def _object(body: Any, what: str) -> dict[str, Any]:
        """A single object, also when the server wraps it in a one-item envelope."""
        if isinstance(body, dict) and isinstance(body.get("data"), list) and "id" not in body:
            items = body["data"]
            if len(items) == 1 and isinstance(items[0], dict):
                return items[0]
        if isinstance(body, dict) and "id" in body:
            return body
        raise ServerError(
            "The server's answer did not hold the expected record; try again later.",
            route=what.split("?", 1)[0],
        )

    # -- people ----------------------------------------------------------------------
    async def resolve_user(self, email: str) -> User:
        """The user with this email (case-insensitive), cached for the client's life."""
        key = email.strip().casefold()
        cached = self._users_by_email.get(key)
        if cached is not None:
            return cached
        for with_archived in (False, True):
            async for user in self.iter_users(with_archived=with_archived):
                if user.email and user.email.strip().casefold() == key:
                    self._users_by_email[key] = user
                    return user
        raise NotFound(
            f"No 10,000ft user has the email address {email!r}. "
            "Check the email in your configuration.",
            route="GET /users",
        )

    async def get_user(self, user_id: int) -> User:
        return await self._get(User, f"/users/{user_id}")

    def iter_users(self, *, with_archived: bool = False) -> AsyncIterator[User]:
        params = {"with_archived": True} if with_archived else None
        return self._iter(User, "/users", params, priority=Priority.BACKGROUND)

    def iter_availabilities(self, user_id: int) -> AsyncIterator[Availability]:
        return self._iter(Availability, f"/users/{user_id}/availabilities")

    def iter_statuses(self, user_id: int, *, per_page: int = MAX_PER_PAGE) -> AsyncIterator[Status]:
        return self._iter(
            Status, f"/users/{user_id}/statuses", priority=Priority.STATUSES, per_page=per_page
        )

    async def current_status(self, user_id: int) -> Status | None:
        """The newest status by ``created_at``: the reference does not say in which order
        the list comes, and the route takes no sort, so the whole list is read."""
        statuses = [s async for s in self.iter_statuses(user_id)]
        return max(statuses, key=lambda s: (s.created_at or "", s.id), default=None)

    async def set_status(self, user_id: int, code: str, message: str | None = None) -> Status:
        if code not in STATUS_CODES:
            raise ValueError(f"status must be one of {', '.join(STATUS_CODES)}, got {code!r}")
        payload: dict[str, Any] = {"status": code}
        if message is not None:
            payload["message"] = message
        return await self._send(Status, "POST", f"/users/{user_id}/statuses", payload)

    # -- what time goes to ----------------------------------------------------------------
    def iter_projects(
        self, *, with_phases: bool = True, with_archived: bool = False
    ) -> AsyncIterator[Project]:
        params = {"with_phases": with_phases or None, "with_archived": with_archived or None}
        return self._iter(Project, "/projects", params, priority=Priority.BACKGROUND)

    def iter_phases(self, project_id: int) -> AsyncIterator[Project]:
        return self._iter(Project, f"/projects/{project_id}/phases", priority=Priority.BACKGROUND)

    def iter_leave_types(self) -> AsyncIterator[LeaveType]:
        return self._iter(LeaveType, "/leave_types", priority=Priority.BACKGROUND)

    def iter_assignables(self) -> AsyncIterator[Assignable]:
        return self._iter(Assignable, "/assignables", priority=Priority.BACKGROUND)

    async def get_assignable(self, assignable_id: int) -> Assignable:
        return await self._get(Assignable, f"/assignables/{assignable_id}")

    def iter_assignments(
        self, user_id: int, start: dt.date | None = None, end: dt.date | None = None
    ) -> AsyncIterator[Assignment]:
        # The route takes no fields=: subtasks come per assignment (iter_subtasks) or
        # per project (iter_project_assignments).
        params = {"from": start, "to": end, "with_phases": True}
        return self._iter(Assignment, f"/users/{user_id}/assignments", params)

    def iter_project_assignments(
        self,
        project_id: int,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        with_subtasks: bool = False,
        with_subtask_counts: bool = False,
    ) -> AsyncIterator[Assignment]:
        fields = [
            name
            for name, wanted in (
                ("subtasks", with_subtasks),
                ("subtasks_counts", with_subtask_counts),
            )
            if wanted
        ]
        params = {"from": start, "to": end, "with_phases": True, "fields": fields}
        return self._iter(
            Assignment,
            f"/projects/{project_id}/assignments",
            params,
            nested=("subtasks",) if with_subtasks else (),
        )

    async def set_assignment_status(
        self, user_id: int, assignment_id: int, status_option_id: int | None
    ) -> Assignment:
        return await self._send(
            Assignment,
            "PUT",
            f"/users/{user_id}/assignments/{assignment_id}",
            {"status_option_id": status_option_id},
        )

    def iter_subtasks(self, project_id: int, assignment_id: int) -> AsyncIterator[Subtask]:
        return self._iter(Subtask, f"/projects/{project_id}/assignments/{assignment_id}/subtasks")

    async def create_subtask(
        self, project_id: int, assignment_id: int, description: str, completed: bool = False
    ) -> Subtask:
        path = f"/projects/{project_id}/assignments/{assignment_id}/subtasks"
        payload = {"description": description, "completed": completed}
        return await self._send(Subtask, "POST", path, payload)

    async def update_subtask(
        self, project_id: int, assignment_id: int, subtask_id: int, **fields: Any
    ) -> Subtask:
        _check_fields(fields, SUBTASK_FIELDS, "subtask")
        path = f"/projects/{project_id}/assignments/{assignment_id}/subtasks/{subtask_id}"
        return await self._send(Subtask, "PUT", path, fields)

    async def delete_subtask(self, project_id: int, assignment_id: int, subtask_id: int) -> None:
        path = f"/projects/{project_id}/assignments/{assignment_id}/subtasks/{subtask_id}"
        await self.http.send_json("DELETE", path, None)

    # -- time ----------------------------------------------------------------------------
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
        params = _time_params(start, end, with_suggestions, with_approvals, sort_field, sort_order)
        return self._iter(
            TimeEntry,
            f"/users/{user_id}/time_entries",
            params,
            nested=("approvals",) if with_approvals else (),
        )

    def iter_account_time_entries(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        with_suggestions: bool = False,
        with_approvals: bool = False,
        sort_field: str | None = None,
        sort_order: str | None = None,
    ) -> AsyncIterator[TimeEntry]:
        """Everybody's time entries (``/time_entries``): large; for reports and benchmarks."""
        params = _time_params(start, end, with_suggestions, with_approvals, sort_field, sort_order)
        return self._iter(
            TimeEntry,
            "/time_entries",
            params,
            nested=("approvals",) if with_approvals else (),
            priority=Priority.BACKGROUND,
        )

    async def get_time_entry(self, user_id: int, entry_id: int) -> TimeEntry:
        return await self._get(
            TimeEntry,
            f"/users/{user_id}/time_entries/{entry_id}",
            {"fields": ["approvals"]},
            nested=("approvals",),
        )

    async def create_time_entry(
        self,
        user_id: int,
        assignable_id: int,
        date: dt.date,
        hours: float,
        task: str | None = None,
        notes: str | None = None,
    ) -> TimeEntry:
        payload: dict[str, Any] = {
            "user_id": user_id,
            "assignable_id": assignable_id,
            "date": _iso(date),
            "hours": hours,
        }
        if task is not None:
            payload["task"] = task
        if notes is not None:
            payload["notes"] = notes
        return await self._send(TimeEntry, "POST", f"/users/{user_id}/time_entries", payload)

    async def update_time_entry(self, user_id: int, entry_id: int, **fields: Any) -> TimeEntry:
        _check_fields(fields, TIME_ENTRY_FIELDS, "time entry")
        payload = {key: _iso(value) for key, value in fields.items()}
        return await self._send(
            TimeEntry, "PUT", f"/users/{user_id}/time_entries/{entry_id}", payload
        )

    async def delete_time_entry(self, user_id: int, entry_id: int) -> None:
        await self.http.send_json("DELETE", f"/users/{user_id}/time_entries/{entry_id}", None)

    # -- approvals -------------------------------------------------------------------------
    def iter_approvals(self) -> AsyncIterator[Approval]:
        return self._iter(Approval, "/approvals", priority=Priority.BACKGROUND)

    async def submit_for_approval(self, entries: Sequence[tuple[int, str]]) -> list[Approval]:
        payload = {
            "approvables": [
                {"id": entry_id, "type": "TimeEntry", "updated_at": updated_at}
                for entry_id, updated_at in entries
            ],
            "status": "pending",
        }
        body = await self.http.send_json("POST", "/approvals", payload, priority=Priority.EDIT)
        items = body.get("data") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise ServerError(
                "The server's answer to the approval request was not a list; refresh to see "
                "what was submitted.",
                route="POST /approvals",
            )
        return [Approval.from_api(item) for item in items]

    async def delete_approval(self, approval_id: int) -> None:
        await self.http.send_json("DELETE", f"/approvals/{approval_id}", None)

    # -- reference data ----------------------------------------------------------------------
    def iter_status_options(self) -> AsyncIterator[StatusOption]:
        return self._iter(StatusOption, "/status_options", priority=Priority.BACKGROUND)

    def iter_holidays(self) -> AsyncIterator[Holiday]:
        return self._iter(Holiday, "/holidays", priority=Priority.BACKGROUND)

    def iter_time_entry_categories(self) -> AsyncIterator[TimeEntryCategory]:
        return self._iter(TimeEntryCategory, "/time_entry_categories", priority=Priority.BACKGROUND)

    def iter_roles(self) -> AsyncIterator[Role]:
        return self._iter(Role, "/roles", priority=Priority.BACKGROUND)

    def iter_disciplines(self) -> AsyncIterator[Discipline]:
        return self._iter(Discipline, "/disciplines", priority=Priority.BACKGROUND)


def _valid(kind: type[R], doc: dict[str, Any], what: str) -> R:
    """One record the server answered with; a :class:`ServerError` if it is invalid."""
    try:
        return kind.from_api(doc)
    except InvalidRecord as err:
        raise ServerError(
            f"The server's answer held an invalid record ({err}); try again later.",
            route=route_template(what.split("?", 1)[0]),
        ) from None


def _time_params(
    start: dt.date | None,
    end: dt.date | None,
    with_suggestions: bool,
    with_approvals: bool,
    sort_field: str | None,
    sort_order: str | None,
) -> dict[str, Any]:
    return {
        "from": start,
        "to": end,
        "with_suggestions": True if with_suggestions else None,
        "fields": ["approvals"] if with_approvals else None,
        "sort_field": sort_field,
        "sort_order": sort_order,
    }


def _check_fields(fields: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(
            f"cannot update {', '.join(unknown)} of a {what}; allowed: {', '.join(sorted(allowed))}"
        )
