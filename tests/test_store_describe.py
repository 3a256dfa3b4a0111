"""Outbox rows in words, on a store filled by a real sync from the demo sandbox."""

from __future__ import annotations

import datetime as dt

import time_machine

from tenktui.kinds import Describer
from tenktui.store.describe import ago, when_label
from tenktui.store.queries import week_start_for
from tests.app_harness import NOW, demo_session
from tests.conftest import TODAY


async def test_every_kind_of_edit_in_words(tmp_path) -> None:
    session = demo_session(tmp_path)
    try:
        await session.engine.sync_once()
        # A checklist is fetched when it is first opened (not on every sync): open one.
        session.engine.want_subtasks(101)
        await session.engine.sync_once()
        store = session.store
        me = store.database.get_meta("me")
        entry = store.database.row(
            "SELECT t.id, t.hours, t.assignable_id, s.name FROM time_entries t "
            "JOIN assignables s ON s.id = t.assignable_id "
            "WHERE t.user_id = ? AND t.date = ? AND s.kind = 'project' AND t.server_id IS NOT NULL "
            "ORDER BY t.id LIMIT 1",
            (me, (TODAY - dt.timedelta(days=3)).isoformat()),
        )
        store.edits.update_entry(entry["id"], notes="Call")
        store.edits.delete_entry(entry["id"])
        first = store.queries.subtasks(101)[0]
        store.edits.update_subtask(first["id"], description="Audit all components")
        store.edits.toggle_subtask(first["id"])  # folds into the rename: one row
        second = store.queries.subtasks(101)[1]
        store.edits.delete_subtask(second["id"])
        store.edits.add_subtask(101, "Write tests")
        store.edits.create_entry(me, entry["assignable_id"], TODAY, 2, notes="x")
        store.edits.submit_week(me, week_start_for(TODAY))

        describe = Describer(store.database).describe
        words = [describe(row) for row in store.outbox.open_rows()]
        assert words == [
            f"Delete {entry['hours']:g} h on {entry['name']}, Fri 20 Nov",
            "Rename 'Audit components' to 'Audit all components'; Untick 'Audit all components'",
            "Delete subtask 'Checkout wireframes'",
            "Add subtask 'Write tests'",
            f"Log 2 h on {entry['name']}, Mon 23 Nov",
            "Submit week of 23 Nov (1 entry)",
        ]
    finally:
        await session.aclose()


def test_times_in_words() -> None:
    with time_machine.travel(NOW, tick=False):
        assert ago(None) == "—"
        assert ago("2026-11-23T09:29:30Z") == "just now"
        assert ago("2026-11-23T09:25:00Z") == "5 min ago"
        assert ago("2026-11-23T06:00:00Z") == "3 h ago"
        assert ago("2026-11-20T09:30:00Z") == "3 d ago"
        assert when_label("2026-11-23T08:05:00Z", TODAY) == "today 08:05"
        assert when_label("2026-11-19T17:45:00Z", TODAY) == "19 Nov 17:45"
