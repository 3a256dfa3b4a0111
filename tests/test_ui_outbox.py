"""The Outbox screen, in the real app, with a conflict and a refusal made for real."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Static

from tenktui.ui.screens.assignments import AssignmentsScreen
from tenktui.ui.screens.outbox import OutboxScreen
from tenktui.ui.screens.status import StatusScreen
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.widgets.confirm import ConfirmDialog
from tenktui.ui.widgets.conflict_view import ConflictView
from tests.app_harness import cells, go, make_trouble, running_app, sandbox_client, sync
from tests.conftest import TODAY

trouble: dict[str, Any] = {}


async def prepare(session) -> None:
    trouble.clear()
    trouble.update(await make_trouble(session))


def rows(screen: OutboxScreen) -> list[list[str]]:
    return [r[:2] for r in cells(screen.query_one("#outbox", DataTable))]


def shown(screen: OutboxScreen, widget_id: str) -> str:
    return str(screen.query_one(widget_id, Static).render())


async def server_entry(session, server_id: int) -> dict[str, Any] | None:
    async with sandbox_client(session) as api:
        response = await api.get(f"/users/{trouble['me']}/time_entries/{server_id}")
    return response.json() if response.status_code == 200 else None


async def server_entries_today(session, assignable_id: int) -> list[dict[str, Any]]:
    async with sandbox_client(session) as api:
        response = await api.get(
            f"/users/{trouble['me']}/time_entries",
            params={"from": TODAY.isoformat(), "to": TODAY.isoformat()},
        )
    assert response.status_code == 200, response.text
    return [e for e in response.json()["data"] if e["assignable_id"] == assignable_id]


@pytest.mark.slow
async def test_every_stuck_edit_in_words_with_its_reason(tmp_path) -> None:
    async with running_app(tmp_path, prepare=prepare) as (_app, pilot, _session):
        screen = await go(pilot, "f6", OutboxScreen)
        project = trouble["project"]["label"]
        assert rows(screen) == [
            [
                "⚠ conflict",
                "Change hours to 3 h and notes on Website Redesign — Design, Fri 20 Nov",
            ],
            ["✗ failed", f"Log 1.5 h on {project}, Mon 23 Nov"],
            ["⟳ pending", 'Set status WFH: "On a train"'],
            ["⟳ pending", f"Tick '{trouble['subtask']['description']}'"],
        ]
        assert [r[2] for r in cells(screen.query_one("#outbox", DataTable))] == ["today 09:30"] * 4
        assert screen.title == "Outbox · 2 pending · 1 failed · 1 conflict"

        # The conflict: both versions side by side, the differences marked.
        view = screen.query_one(ConflictView)
        assert view.display
        versions = screen.describer.versions(screen.highlighted)
        by_name = {f.name: f for f in versions.fields}
        assert (by_name["hours"].mine, by_name["hours"].theirs) == ("3 h", "5 h")
        assert by_name["notes"].theirs == "Theirs: client call" and by_name["notes"].differs
        assert not by_name["date"].differs
        assert "keep mine" in shown(screen, "#hint")

        # The refusal says why, in the server's words.
        await pilot.press("down")
        assert not view.display
        assert "locked" in shown(screen, "#why")
        assert "retry" in shown(screen, "#hint")


@pytest.mark.slow
async def test_keep_mine_sends_mine_over_theirs(tmp_path) -> None:
    async with running_app(tmp_path, prepare=prepare) as (app, pilot, session):
        screen = await go(pilot, "f6", OutboxScreen)
        await pilot.press("m")
        assert rows(screen)[0][0] == "⟳ pending"
        await sync(app, pilot)
        assert [r[0] for r in rows(screen)] == ["✗ failed"]
        entry = await server_entry(session, trouble["entry"]["server_id"])
        assert (entry["hours"], entry["notes"]) == (3.0, "Mine: wireframes")


@pytest.mark.slow
async def test_take_theirs_drops_mine(tmp_path) -> None:
    async with running_app(tmp_path, prepare=prepare) as (app, pilot, session):
        screen = await go(pilot, "f6", OutboxScreen)
        await pilot.press("T")
        assert [r[0] for r in rows(screen)] == ["✗ failed", "⟳ pending", "⟳ pending"]
        local = session.store.database.row(
            "SELECT hours, notes FROM time_entries WHERE id = ?", (trouble["entry"]["id"],)
        )
        assert local == {"hours": 5.0, "notes": "Theirs: client call"}
        await sync(app, pilot)
        entry = await server_entry(session, trouble["entry"]["server_id"])
        assert (entry["hours"], entry["notes"]) == (5.0, "Theirs: client call")


@pytest.mark.slow
async def test_retry_a_refused_edit_once_the_cause_is_gone(tmp_path) -> None:
    async with running_app(tmp_path, prepare=prepare) as (app, pilot, session):
        screen = await go(pilot, "f6", OutboxScreen)
        await pilot.press("down")
        assert screen.highlighted.state == "failed"
        project = trouble["project"]["assignable_id"]

        # Retrying everything while the project is still locked: refused again.
        await pilot.press("R")
        assert rows(screen)[1][0] == "⟳ pending"
        await sync(app, pilot)
        assert rows(screen)[1][0] == "✗ failed"
        assert await server_entries_today(session, project) == []

        async with sandbox_client(session) as api:
            unlocked = await api.put(f"/projects/{project}", json={"timeentry_lockout": -1})
        assert unlocked.status_code == 200, unlocked.text
        await pilot.press("r")
        await sync(app, pilot)
        assert [r[0] for r in rows(screen)] == ["⚠ conflict"]
        [entry] = await server_entries_today(session, project)
        assert (entry["hours"], entry["notes"]) == (1.5, "Sync")


@pytest.mark.slow
async def test_discard_a_refused_edit_after_asking(tmp_path) -> None:
    async with running_app(tmp_path, prepare=prepare) as (app, pilot, session):
        screen = await go(pilot, "f6", OutboxScreen)
        await pilot.press("down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert len(rows(screen)) == 4

        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert app.screen is screen
        assert [r[0] for r in rows(screen)] == ["⚠ conflict", "⟳ pending", "⟳ pending"]
        gone = session.store.database.row(
            "SELECT * FROM time_entries WHERE id = ?", (trouble["failed_id"],)
        )
        assert gone is None
        await sync(app, pilot)
        assert await server_entries_today(session, trouble["project"]["assignable_id"]) == []


async def test_enter_goes_to_the_entry_on_the_timesheet(tmp_path) -> None:
    async with running_app(tmp_path, prepare=prepare) as (app, pilot, _session):
        await go(pilot, "f6", OutboxScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TimesheetScreen)
        row = app.screen.grid.current_row
        assert row is not None and row.assignable_id == trouble["entry"]["assignable_id"]
        assert app.screen.week_start.isoformat() < trouble["entry"]["date"]


@pytest.mark.slow
async def test_before_the_first_sync_every_screen_says_what_it_waits_for(tmp_path) -> None:
    async with running_app(tmp_path, synced=False) as (app, pilot, _session):
        outbox = await go(pilot, "f6", OutboxScreen)
        assert "Nothing waiting" in shown(outbox, "#outbox-empty")
        assert outbox.title == "Outbox · empty"
        assignments = await go(pilot, "f3", AssignmentsScreen)
        assert "No assignments" in shown(assignments, "#assignments-empty")
        status = await go(pilot, "f4", StatusScreen)
        assert "after the first sync" in shown(status, "#mine")
        await pilot.press("w")
        assert not status.query_one("#message").is_open

        # The first sync fills them in.
        await sync(app, pilot)
        assert "You:" in shown(status, "#mine") and len(status.shown) > 10
