"""What time goes to: Leantime tickets as 10,000ft-shaped projects and assignments.

Each (ticket, hour kind) the person can log to is one assignable; the person's
open tickets are their assignments; a ticket's status is one of its project's
status labels (ids from :mod:`.ids`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from tenktui.api.errors import ApiError, NotFound, Rejected
from tenktui.api.governor import Priority
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.rpc import Call
from tenktui.api.leantime.site import Site
from tenktui.api.records import Assignable, Assignment, Project, StatusOption, parse_record

log = logging.getLogger("tenktui.api")

# How far around today iter_projects looks for tickets the person logged time on.
DISCOVERY_BACK = dt.timedelta(weeks=26)
DISCOVERY_AHEAD = dt.timedelta(weeks=8)


class Tickets:
    """Projects, assignments and ticket statuses of one site."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.rpc = site.rpc
        self.lookups = site.lookups

    async def iter_projects(self) -> AsyncIterator[Project]:
        """Every (ticket, hour kind) the person can log to, as an assignable: their open
        tickets and the tickets they logged time on in the last half year."""
        site, lookups = self.site, self.lookups
        person = await site.people.person()
        today = site.today()
        calls = lookups.with_kinds(
            [
                Call("Tickets.getAllOpenUserTickets", {"userId": person}),
                Call(
                    "Projects.getProjectsAssignedToUser", {"userId": person, "projectStatus": "all"}
                ),
                lookups.time_query(person, today - DISCOVERY_BACK, today + DISCOVERY_AHEAD),
            ]
        )
        results = lookups.take_kinds(await self.rpc.values(calls, priority=Priority.BACKGROUND))
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
        lookups.remember(list(tickets.values()))
        closed = await self._closed_projects(projects, tickets.values())
        kinds = lookups.kinds
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
                    lookups.ids,
                    site.zone,
                    default_kind=site.default_kind,
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

    async def get_assignable(self, assignable_id: int) -> Assignable:
        site = self.site
        kinds = await self.lookups.kinds_known()
        found = self.lookups.ids.ticket_and_kind(assignable_id, kinds.by_slot)
        if found is None or kinds.slot(found[1]) is None:
            raise NotFound(f"{assignable_id} is not a Leantime ticket and hour kind.")
        ticket_id, kind = found
        payload = m.assignable(
            await self.lookups.ticket(ticket_id),
            kind,
            kinds,
            self.lookups.ids,
            site.zone,
            default_kind=site.default_kind,
        )
        assert payload is not None
        return Assignable.from_api(payload)

    async def iter_assignments(
        self, user_id: int, start: dt.date | None = None, end: dt.date | None = None
    ) -> AsyncIterator[Assignment]:
        """The person's open tickets with their dates; milestones aside, and subtasks
        aside when their parent is listed too (they show as its subtasks)."""
        lookups = self.lookups
        results = lookups.take_kinds(
            await self.rpc.values(
                lookups.with_kinds([Call("Tickets.getAllOpenUserTickets", {"userId": user_id})])
            )
        )
        tickets = [t for t in results[0] or [] if isinstance(t, dict)]
        lookups.remember(tickets)
        assert lookups.kinds is not None
        listed = {m.as_id(t.get("id")) for t in tickets} - {None}
        for ticket in tickets:
            parent = m.as_int(ticket.get("dependingTicketId"))
            if ticket.get("type") == "milestone" or (
                ticket.get("type") == "subtask" and parent in listed
            ):
                continue
            payload = self._assignment(ticket, start, end)
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
        lookups = self.lookups
        ticket_id = lookups.ids.ticket_of(project_id)
        if ticket_id is None:
            return
        project = lookups.ticket_project.get(ticket_id)
        nested = with_subtasks or with_subtask_counts
        want_labels = nested and project is not None and project not in lookups.labels
        calls = [Call("Tickets.getTicket", {"id": ticket_id})]
        if nested:
            calls.append(Call("Tickets.getAllSubtasks", {"ticketId": ticket_id}))
        if want_labels:
            calls.append(Call("Tickets.getStatusLabels", {"projectId": project}))
        results = lookups.take_kinds(await self.rpc.values(lookups.with_kinds(calls)))
        if want_labels:
            assert project is not None
            lookups.labels[project] = m.labels_from(results[-1])
        ticket = results[0]
        if not isinstance(ticket, dict) or not ticket.get("editorId"):
            return
        lookups.remember([ticket])
        assert lookups.kinds is not None
        payload = self._assignment(ticket, start, end)
        if payload is None:
            return
        if nested:
            labels = await lookups.labels_of(int(ticket["projectId"]))
            subtasks = [
                m.subtask(s, project_id, labels) for s in results[1] or [] if isinstance(s, dict)
            ]
            if with_subtasks:
                payload["subtasks"] = {"data": subtasks}
            if with_subtask_counts:
                done = sum(1 for s in subtasks if s["completed"])
                payload["subtask_counts"] = {"completed": done, "total": len(subtasks)}
        yield Assignment.from_api(payload)

    def _assignment(
        self, ticket: dict[str, Any], start: dt.date | None, end: dt.date | None
    ) -> dict[str, Any] | None:
        """A ticket as the person's assignment over ``start``..``end`` (``None``: not one)."""
        lookups = self.lookups
        assert lookups.kinds is not None
        return m.assignment(
            ticket,
            lookups.kinds,
            lookups.ids,
            self.site.zone,
            default_kind=self.site.default_kind,
            start=start,
            end=end,
        )

    async def update_ticket_status(self, ticket_id: int, status_option_id: int) -> Assignment:
        """Move a ticket to another status of its project (a status option id of
        :meth:`iter_status_options`, or a bare Leantime status id)."""
        site, lookups = self.site, self.lookups
        ticket = await lookups.ticket(ticket_id)
        project, status = int(ticket["projectId"]), int(status_option_id)
        found = lookups.ids.project_and_status(status_option_id)
        if found is not None and found[0] == project:
            status = found[1]
        if status not in await lookups.labels_of(project):
            raise Rejected(f"Status {status} is not a status of the ticket's project.")
        updated = await site.fallbacks.patch_and_read(ticket_id, {"status": status})
        kinds = await lookups.kinds_known()
        payload = m.assignment(
            updated, kinds, lookups.ids, site.zone, default_kind=site.default_kind
        )
        assert payload is not None
        return Assignment.from_api(payload)

    async def iter_status_options(self) -> AsyncIterator[StatusOption]:
        """The status labels of the person's projects (ids: see :mod:`.ids`)."""
        lookups = self.lookups
        person = await self.site.people.person()
        projects = await self.rpc.call(
            "Projects.getProjectsAssignedToUser",
            {"userId": person, "projectStatus": "all"},
            priority=Priority.BACKGROUND,
        )
        # From 3.9 the answer is the caller's projects (unless an admin): add those of the
        # tickets the person works on, whose labels the caller can read.
        ids = sorted(
            {int(p["id"]) for p in projects or [] if isinstance(p, dict)}
            | set(lookups.ticket_project.values())
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
            labels = lookups.labels[project] = m.labels_from(result)
            for status, label in labels.items():
                option = parse_record(
                    StatusOption,
                    m.status_option(project, status, label, lookups.ids),
                    "RPC Tickets",
                )
                if option is not None:
                    yield option
