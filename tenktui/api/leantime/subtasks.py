"""Subtasks: child tickets (``type: subtask``) of the person's ticket, done when their
status is of the project's DONE type."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from tenktui.api.errors import ApiError, NotFound, Rejected
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.rpc import Call
from tenktui.api.leantime.site import Site, check_fields
from tenktui.api.records import Subtask, parse_record

SUBTASK_FIELDS = frozenset(Subtask.WRITABLE)


class Subtasks:
    """Listing, creating, changing and deleting a ticket's subtasks."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.rpc = site.rpc
        self.lookups = site.lookups

    async def iter_subtasks(self, project_id: int, assignment_id: int) -> AsyncIterator[Subtask]:
        lookups = self.lookups
        rows = await self.rpc.call("Tickets.getAllSubtasks", {"ticketId": assignment_id})
        rows = [r for r in rows or [] if isinstance(r, dict)]
        lookups.remember(rows)
        project = lookups.ticket_project.get(assignment_id)
        if project is None and rows:
            project = m.as_id(rows[0].get("projectId"))
        labels = await lookups.labels_of(project) if project is not None else {}
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
        parent = await self.lookups.ticket(assignment_id)
        labels = await self.lookups.labels_of(int(parent["projectId"]))
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
            row = await self.lookups.ticket(new_id)
        return Subtask.from_api(m.subtask(row, project_id, labels))

    async def update_subtask(
        self, project_id: int, assignment_id: int, subtask_id: int, **fields: Any
    ) -> Subtask:
        check_fields(fields, SUBTASK_FIELDS, "subtask")
        lookups = self.lookups
        project = lookups.ticket_project.get(subtask_id) or lookups.ticket_project.get(
            assignment_id
        )
        if project is None:
            project = int((await lookups.ticket(subtask_id))["projectId"])
        labels = await lookups.labels_of(project)
        values: dict[str, Any] = {}
        if "description" in fields:
            values["headline"] = fields["description"]
        if "completed" in fields:
            done = bool(fields["completed"])
            values["status"] = m.status_of_type(labels, "DONE" if done else "NEW", 0 if done else 3)
        row = await self.site.fallbacks.patch_and_read(subtask_id, values)
        return Subtask.from_api(m.subtask(row, project_id, labels))

    async def delete_subtask(self, project_id: int, assignment_id: int, subtask_id: int) -> None:
        if await self.rpc.call("Tickets.delete", {"id": subtask_id}) is False:
            raise NotFound(f"Subtask #{subtask_id} is already gone.", route="RPC Tickets.delete")
