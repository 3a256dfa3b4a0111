"""The puller against a backend that answers what real accounts can: a project the
person's time points at may be gone from every list, or gone altogether."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tenktui.api.capabilities import TENKFT
from tenktui.api.errors import NotFound
from tenktui.records import Assignable, Assignment, TimeEntry
from tenktui.store import Store
from tenktui.sync.pull import Puller
from tenktui.sync.window import Window

TODAY = dt.date(2026, 11, 25)
MONDAY = dt.date(2026, 11, 23)
ME = 7


class GoneProjects:
    """Time on project 68 (deleted) and phase 70 of project 69 (archived)."""

    capabilities = TENKFT

    async def iter_time_entries(self, *args: Any, **kw: Any) -> AsyncIterator[TimeEntry]:
        for id_, assignable in ((1, 68), (2, 70)):
            yield TimeEntry.from_api({
                "id": id_, "user_id": ME, "assignable_id": assignable, "date": "2026-11-23",
                "hours": 2.0, "is_suggestion": False, "updated_at": "2026-11-23T17:00:00Z",
            })  # fmt: skip

    async def iter_assignments(self, *args: Any, **kw: Any) -> AsyncIterator[Assignment]:
        for _ in ():
            yield Assignment(id=1)

    async def get_assignable(self, assignable_id: int) -> Assignable:
        if assignable_id == 69:
            return Assignable.from_api(
                {"id": 69, "name": "Legacy", "type": "Project", "archived": True}
            )
        if assignable_id == 70:
            return Assignable.from_api({"id": 70, "name": "Legacy", "phase_name": "Run",
                    "parent_id": 69, "type": "Project", "archived": False})  # fmt: skip
        raise NotFound(route="GET /assignables/{id}")


async def test_deleted_and_archived_projects_are_named_and_locked(tmp_path: Path) -> None:
    store = Store(tmp_path / "profile.db", today=lambda: TODAY)
    store.database.set_meta("me", ME)
    store.database.set_meta("me_email", "me@example.com")
    puller = Puller(store, GoneProjects(), "me@example.com", Window())
    await puller.pull_window({})
    rows = {r.assignable_id: r for r in store.queries.week(ME, MONDAY).rows}
    assert rows[68].label == "Deleted project #68"
    assert rows[70].label == "Legacy — Run"  # the phase of an archived project
    for row in rows.values():
        assert all(c.lock for c in row.cells)
    assert rows[68].cells[0].hours == 2
    store.close()
