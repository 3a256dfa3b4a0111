"""Bringing what the person needs into the cache, and no more.

Every pass refreshes the person's window (8 weeks back, 8 ahead by default):
confirmed and suggested time with approvals, and assignments — a page or two,
which also reveals deletions made on the server. Reference data (projects,
leave types, status options, holidays, categories, people, availabilities,
subtasks) changes rarely and is refreshed on a slow timer. People's statuses
cost a request each and are fetched lazily, for the people on screen, oldest
first, at the lowest priority of the rate budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tenktui.api.errors import NotFound
from tenktui.store import Store
from tenktui.store.cache import Payload
from tenktui.store.database import utc_now
from tenktui.sync.push import payload
from tenktui.sync.window import Window


class Puller:
    def __init__(self, store: Store, backend: Any, email: str, window: Window) -> None:
        self.store = store
        self.backend = backend
        self.email = email
        self.window = window
        self.d = store.database

    async def me(self) -> int:
        """The person's user id, resolved from their email once and remembered."""
        user_id = self.store.me_id()
        if user_id is not None and self.d.get_meta("me_email") == self.email.lower():
            return int(user_id)
        user = payload(await self.backend.resolve_user(self.email))
        self.store.cache.upsert_users([user])
        self.d.set_meta("me", user["id"])
        self.d.set_meta("me_email", self.email.lower())
        return int(user["id"])

    async def pull_window(self, counts: dict[str, int]) -> None:
        me = await self.me()
        start, end = self.window.around(self.d.today())
        caps = self.backend.capabilities
        entries = [
            payload(e)
            async for e in self.backend.iter_time_entries(
                me,
                start,
                end,
                with_suggestions=caps.suggestions,
                with_approvals=caps.approvals,
            )
        ]
        changed = self.store.cache.replace_time_window(me, start, end, entries)
        counts["time_entries"] = len(entries)
        counts["changed"] = changed["added"] + changed["updated"] + changed["removed"]
        assignments = [payload(a) async for a in self.backend.iter_assignments(me, start, end)]
        self.store.cache.replace_assignments(me, start, end, assignments)
        counts["assignments"] = len(assignments)
        known = {r["id"] for r in self.d.rows("SELECT id FROM assignables")}
        await self._look_up_assignables(
            {x["assignable_id"] for x in (*entries, *assignments) if x.get("assignable_id")} - known
        )

    async def _look_up_assignables(self, ids: Iterable[int]) -> None:
        """Projects the lists leave out (archived, or deleted) that the person's time
        still points at: fetched one by one, so their rows show a name and lock."""
        found: list[Payload] = []
        for assignable_id in sorted(ids):
            doc = await self._assignable_or_deleted(assignable_id)
            parent_id = doc.get("parent_id")
            if parent_id and not doc.get("archived"):
                # Archiving does not cascade on the server, yet an archived project
                # takes no time on its phases: lock the phase as its project is.
                parent = await self._assignable_or_deleted(parent_id)
                if parent.get("archived") or parent.get("deleted_at"):
                    doc = {**doc, "archived": True}
            found.append(doc)
        leave = [a for a in found if a.get("type") == "LeaveType"]
        self.store.cache.upsert_assignables([a for a in found if a not in leave])
        self.store.cache.upsert_assignables(leave, leave=True)

    async def _assignable_or_deleted(self, assignable_id: int) -> Payload:
        try:
            return payload(await self.backend.get_assignable(assignable_id))
        except NotFound:
            return {
                "id": assignable_id,
                "name": f"Deleted project #{assignable_id}",
                "deleted_at": utc_now(),
            }

    async def pull_reference(self, counts: dict[str, int]) -> None:
        me = await self.me()
        projects = [payload(p) async for p in self.backend.iter_projects()]
        leave = [payload(t) async for t in self.backend.iter_leave_types()]
        # Leave types may carry no ``type`` (as in the reference's sample): their route
        # says what they are.
        counts["assignables"] = self.store.cache.upsert_assignables(projects)
        counts["assignables"] += self.store.cache.upsert_assignables(leave, leave=True)
        # A project archived since it was cached no longer comes in the list: ask again
        # for those the person's time points at.
        listed = {a["id"] for a in (*projects, *leave)}
        await self._look_up_assignables(
            {
                r["assignable_id"]
                for r in self.d.rows(
                    "SELECT assignable_id FROM time_entries WHERE user_id = ? UNION "
                    "SELECT assignable_id FROM suggestions WHERE user_id = ? UNION "
                    "SELECT assignable_id FROM assignments WHERE user_id = ?",
                    (me, me, me),
                )
            }
            - listed
        )
        users = [payload(u) async for u in self.backend.iter_users()]
        counts["users"] = self.store.cache.upsert_users(users)
        for table, source in (
            ("status_options", self.backend.iter_status_options),
            ("holidays", self.backend.iter_holidays),
            ("time_entry_categories", self.backend.iter_time_entry_categories),
        ):
            counts[table] = self.store.cache.replace_reference(
                table, [payload(x) async for x in source()]
            )
        self.store.cache.replace_reference(
            "availabilities", [payload(a) async for a in self.backend.iter_availabilities(me)]
        )

    async def pull_projects(self) -> None:
        """Per project of the person: who else is on it (the status board) and, in the
        same request, the subtasks of the person's own assignments. Runs after the
        window pull, which brings the person's assignments."""
        me = await self.me()
        caps = self.backend.capabilities
        start, end = self.window.around(self.d.today())
        projects = {
            r["project_id"]
            for r in self.d.rows(
                "SELECT COALESCE(s.parent_id, s.id) AS project_id FROM assignments a "
                "JOIN assignables s ON s.id = a.assignable_id "
                "WHERE a.user_id = ? AND s.kind != 'leave'",
                (me,),
            )
        }
        # Nested subtasks on a list are not documented for 10,000ft: there, the counts
        # say which assignments have any, and only those are fetched.
        nested = caps.subtasks and getattr(self.backend, "nested_subtasks", True)
        people: set[int] = set()
        to_fetch: list[tuple[int, int]] = []
        for project_id in sorted(projects):
            async for a in self.backend.iter_project_assignments(
                project_id,
                start,
                end,
                with_subtasks=nested,
                with_subtask_counts=caps.subtasks and not nested,
            ):
                a = payload(a)
                if a.get("user_id") and a["user_id"] != me:
                    people.add(a["user_id"])
                elif a.get("user_id") == me and caps.subtasks:
                    tally = a.get("subtask_counts") or {}
                    if isinstance(a.get("subtasks"), dict):
                        items = a["subtasks"].get("data") or []
                        self.store.cache.replace_subtasks(a["id"], a["assignable_id"], items)
                    elif tally.get("total") == 0:
                        self.store.cache.replace_subtasks(a["id"], a["assignable_id"], [])
                    else:  # some, or no word at all: never take absent for empty
                        to_fetch.append((a["assignable_id"], a["id"]))
        for project_id, assignment_id in to_fetch:
            await self._fetch_subtasks(project_id, assignment_id)
        known = {r["id"] for r in self.d.rows("SELECT id FROM users WHERE is_placeholder = 0")}
        self.d.set_meta("teammates", sorted(people & known))
        self.d.set_meta("reference_pulled_at", utc_now())

    async def _fetch_subtasks(self, project_id: int, assignment_id: int) -> None:
        items = [payload(x) async for x in self.backend.iter_subtasks(project_id, assignment_id)]
        self.store.cache.replace_subtasks(assignment_id, project_id, items)

    async def pull_subtasks(self, assignment_ids: Iterable[int]) -> int:
        """The checklists of these assignments of the person, fresh (one opened on
        screen); how many were fetched."""
        fetched = 0
        for assignment_id in dict.fromkeys(assignment_ids):
            row = self.d.row(
                "SELECT a.assignable_id FROM assignments a "
                "JOIN assignables s ON s.id = a.assignable_id "
                "WHERE a.id = ? AND s.kind != 'leave'",
                (assignment_id,),
            )
            if row is not None:
                # The same project id the subtasks are kept (and later pushed) under.
                await self._fetch_subtasks(row["assignable_id"], assignment_id)
                fetched += 1
        return fetched

    async def pull_statuses(self, user_ids: Iterable[int], limit: int) -> int:
        """Refresh the statuses of these people, least recently fetched first."""
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return 0
        marks = ", ".join("?" * len(ids))
        fetched = {
            r["user_id"]: r["fetched_at"] or ""
            for r in self.d.rows(
                f"SELECT user_id, fetched_at FROM statuses WHERE user_id IN ({marks})", ids
            )
        }
        order = sorted(ids, key=lambda i: fetched.get(i, ""))[:limit]
        for user_id in order:
            status = await self.backend.current_status(user_id)
            self.store.cache.upsert_statuses(
                [(user_id, payload(status) if status is not None else None)], utc_now()
            )
        return len(order)
