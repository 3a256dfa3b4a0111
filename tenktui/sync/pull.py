"""Bringing what the person needs into the cache, and no more.

Every pass refreshes the person's window (8 weeks back, 8 ahead by default):
confirmed and suggested time with approvals, and assignments — a page or two,
which also reveals deletions made on the server. Reference data (projects,
leave types, status options, holidays, categories, people, availabilities)
changes rarely and is refreshed on a slow timer. What costs a request per
project or per assignment waits until something shows it: the people on the
person's projects and the checklists' counts (``pull_projects``), a checklist
(``pull_subtasks``), people's statuses (``pull_statuses``, oldest first, at the
lowest priority of the rate budget).

The backend's typed records go to the cache as they are: the cache writes
their fields, so nothing here reads a backend's JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Iterable

from tenktui.api.base import Backend
from tenktui.api.errors import NotFound
from tenktui.records import Assignable, Assignment, TimeEntry
from tenktui.store import Store
from tenktui.store.database import utc_now
from tenktui.sync.window import Window

# An on-demand range is fetched in pieces of this many days: each piece is a page or
# two, so progress moves and a piece once held stays held if a later one fails.
RANGE_PIECE_DAYS = 56
Progress = Callable[[str], None]


def pieces(
    start: dt.date, end: dt.date, days: int = RANGE_PIECE_DAYS
) -> list[tuple[dt.date, dt.date]]:
    """``[start, end]`` cut into consecutive ranges of at most ``days`` days."""
    out = []
    while start <= end:
        last = min(end, start + dt.timedelta(days=days - 1))
        out.append((start, last))
        start = last + dt.timedelta(days=1)
    return out


class Puller:
    def __init__(self, store: Store, backend: Backend, email: str, window: Window) -> None:
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
        user = await self.backend.resolve_user(self.email)
        self.store.cache.upsert_users([user])
        self.d.set_meta("me", user.id)
        self.d.set_meta("me_email", self.email.lower())
        return user.id

    async def pull_window(self, counts: dict[str, int]) -> None:
        me = await self.me()
        start, end = self.window.around(self.d.today())
        entries, assignments, changed = await self._pull_span(me, start, end)
        self.store.reminders.note_window(me, start, end)
        counts["time_entries"] = len(entries)
        counts["changed"] = changed["added"] + changed["updated"] + changed["removed"]
        counts["assignments"] = len(assignments)
        known = self.store.cache.assignable_ids()
        await self._look_up_assignables(
            {x.assignable_id for x in (*entries, *assignments) if x.assignable_id} - known
        )

    async def pull_range(
        self,
        start: dt.date,
        end: dt.date,
        progress: Progress | None = None,
        counts: dict[str, int] | None = None,
    ) -> dict[str, int]:
        """The person's time (with suggestions and approvals, as the window pull) and
        assignments over ``[start, end]``, kept in the cache and remembered as held,
        so a report of it needs no network again. A window pull later replaces only
        its own dates, so what this brings stays. ``progress`` hears each step
        ("time entries 1/3"); the counts of what came."""
        counts = counts if counts is not None else {}
        say = progress or (lambda _step: None)
        me = await self.me()
        parts = pieces(start, end)
        steps, numbers = 2 * len(parts) + 1, itertools.count(1)

        def step(what: str) -> None:
            say(f"{what} {next(numbers)}/{steps}")

        seen: set[int] = set()
        for lo, hi in parts:
            entries, assignments, _ = await self._pull_span(me, lo, hi, step)
            counts["time_entries"] = counts.get("time_entries", 0) + len(entries)
            counts["assignments"] = counts.get("assignments", 0) + len(assignments)
            seen |= {x.assignable_id for x in (*entries, *assignments) if x.assignable_id}
        say(f"projects {steps}/{steps}")
        await self._look_up_assignables(seen - self.store.cache.assignable_ids())
        return counts

    async def _pull_span(
        self,
        me: int,
        start: dt.date,
        end: dt.date,
        step: Progress | None = None,
    ) -> tuple[list[TimeEntry], list[Assignment], dict[str, int]]:
        """The person's time (with suggestions and approvals where the backend has them)
        and assignments over ``[start, end]``, written over the cache's copy of those
        dates and held: the window pull and a report's period pull alike. ``step``
        hears each fetch as it begins; the records and what changed in the time."""
        say = step or (lambda _what: None)
        caps = self.backend.capabilities
        say("time entries")
        entries = [
            e
            async for e in self.backend.iter_time_entries(
                me, start, end, with_suggestions=caps.suggestions, with_approvals=caps.approvals
            )
        ]
        changed = self.store.cache.replace_time_window(me, start, end, entries)
        say("assignments")
        assignments = [a async for a in self.backend.iter_assignments(me, start, end)]
        self.store.cache.replace_assignments(me, start, end, assignments)
        self.store.reports.held.add(me, start, end)
        return entries, assignments, changed

    async def _look_up_assignables(self, ids: Iterable[int]) -> None:
        """Projects the lists leave out (archived, or deleted) that the person's time
        still points at: fetched one by one, so their rows show a name and lock."""
        found: list[Assignable] = []
        for assignable_id in sorted(ids):
            record = await self._assignable_or_deleted(assignable_id)
            parent_id = record.parent_id
            if parent_id and not record.archived:
                # Archiving does not cascade on the server, yet an archived project
                # takes no time on its phases: lock the phase as its project is.
                parent = await self._assignable_or_deleted(parent_id)
                if parent.archived or parent.deleted_at:
                    record = dataclasses.replace(record, archived=True)
            found.append(record)
        self.store.cache.upsert_assignables([a for a in found if not a.is_leave_type])
        self.store.cache.upsert_assignables([a for a in found if a.is_leave_type], leave=True)

    async def _assignable_or_deleted(self, assignable_id: int) -> Assignable:
        try:
            return await self.backend.get_assignable(assignable_id)
        except NotFound:
            return Assignable(
                id=assignable_id, name=f"Deleted project #{assignable_id}", deleted_at=utc_now()
            )

    async def pull_reference(self, counts: dict[str, int]) -> None:
        me = await self.me()
        projects = [p async for p in self.backend.iter_projects()]
        leave = [t async for t in self.backend.iter_leave_types()]
        # Leave types may carry no ``type`` (as in the reference's sample): their route
        # says what they are.
        counts["assignables"] = self.store.cache.upsert_assignables(projects)
        counts["assignables"] += self.store.cache.upsert_assignables(leave, leave=True)
        # A project archived since it was cached no longer comes in the list: ask again
        # for those the person's time points at.
        listed = {a.id for a in (*projects, *leave)}
        await self._look_up_assignables(self.store.cache.assignables_in_use(me) - listed)
        users = [u async for u in self.backend.iter_users()]
        counts["users"] = self.store.cache.upsert_users(users)
        cache = self.store.cache
        counts["status_options"] = cache.replace_reference(
            "status_options", [o async for o in self.backend.iter_status_options()]
        )
        counts["holidays"] = cache.replace_reference(
            "holidays", [h async for h in self.backend.iter_holidays()]
        )
        counts["time_entry_categories"] = cache.replace_reference(
            "time_entry_categories", [c async for c in self.backend.iter_time_entry_categories()]
        )
        cache.replace_reference(
            "availabilities", [a async for a in self.backend.iter_availabilities(me)]
        )

    def mark_reference_pulled(self) -> None:
        """Reference data and the window are in: the cache can serve every screen."""
        self.d.set_meta("reference_pulled_at", utc_now())

    async def pull_projects(self) -> None:
        """Per project of the person, one list of its assignments: who else is on it
        (the status board) and, in the same request, how far each of the person's
        checklists is (counts, or the subtasks nested where the backend nests them).

        A checklist costs a request of its own only when it was fetched before (opened)
        and its counts moved since: never one per assignment up front, so a first sync
        does not grow with the number of assignments. The engine runs this when a screen
        or command wants it, then on its own clock (``SyncEngine.want_projects``)."""
        me = await self.me()
        caps = self.backend.capabilities
        start, end = self.window.around(self.d.today())
        cache = self.store.cache
        projects = cache.projects_of(me)
        held = cache.subtasks_fetched()
        nested = caps.subtasks and caps.nested_subtasks
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
                if a.user_id and a.user_id != me:
                    people.add(a.user_id)
                elif a.user_id == me and caps.subtasks and a.assignable_id is not None:
                    if isinstance(a.subtasks, tuple):
                        cache.replace_subtasks(a.id, a.assignable_id, a.subtasks)
                    elif a.subtask_counts is not None:
                        counts = (a.subtask_counts.total, a.subtask_counts.completed)
                        cache.note_subtask_counts(a.id, *counts)
                        if counts[0] == 0:
                            cache.replace_subtasks(a.id, a.assignable_id, [])
                        elif a.id in held and cache.subtask_counts(a.id) != counts:
                            to_fetch.append((a.assignable_id, a.id))
                    # No word at all: the cached list stays; opening it fetches it.
        for project_id, assignment_id in to_fetch:
            await self._fetch_subtasks(project_id, assignment_id)
        self.d.set_meta("teammates", sorted(people & cache.people_ids()))
        self.d.set_meta("projects_pulled_at", utc_now())

    async def _fetch_subtasks(self, project_id: int, assignment_id: int) -> None:
        items = [x async for x in self.backend.iter_subtasks(project_id, assignment_id)]
        self.store.cache.replace_subtasks(assignment_id, project_id, items)

    async def pull_subtasks(self, assignment_ids: Iterable[int]) -> int:
        """The checklists of these assignments of the person, fresh (one opened on
        screen); how many were fetched."""
        fetched = 0
        for assignment_id in dict.fromkeys(assignment_ids):
            project_id = self.store.cache.project_of_assignment(assignment_id)
            if project_id is not None:
                # The same project id the subtasks are kept (and later pushed) under.
                await self._fetch_subtasks(project_id, assignment_id)
                fetched += 1
        return fetched

    async def pull_statuses(self, user_ids: Iterable[int], limit: int) -> int:
        """Refresh the statuses of these people, least recently fetched first."""
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return 0
        fetched = self.store.cache.statuses_fetched_at(ids)
        order = sorted(ids, key=lambda i: fetched.get(i, ""))[:limit]
        for user_id in order:
            status = await self.backend.current_status(user_id)
            self.store.cache.upsert_statuses([(user_id, status)], utc_now())
        return len(order)
