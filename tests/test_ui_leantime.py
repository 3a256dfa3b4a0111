"""The app on a Leantime profile, for Leantime 3.8 and 3.9, against the Leantime sandbox
over real HTTP: rows are the person's tickets × hour kind, one entry per cell; subtasks
are child tickets; a ticket's status changes from the Assignments screen; there is no
Status screen, and the app says so rather than failing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from textual.pilot import Pilot

from tenktui.api.leantime.client import LeantimeClient
from tenktui.session import Session, open_session
from tenktui.ui.app import TenkApp
from tenktui.ui.screens.assignments import AssignmentsScreen
from tenktui.ui.screens.subtasks import SubtasksScreen
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.widgets.app_bar import AppBar
from tenktui.ui.widgets.picker import FuzzyPicker
from tests.app_harness import NOW, running, sync
from tests.conftest import TODAY
from tests.test_leantime_sandbox import ME_ID, TICKET, ZONE, LeantimeServer, start_account


# 3.8 on the default reading with a manager's key; 3.9 on the strict one (permissions
# enforced) with an editor's personal access token.
@pytest.fixture(params=["3.8-default-manager-key", "3.9-strict-editor-pat"])
def leantime(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LeantimeServer]:
    server = start_account(tmp_path / "lt.db", request.param, "--rate-limit", "100000")
    yield server
    server.stop()


def hours_on(server: LeantimeServer, day: str) -> float:
    """The hours of ticket TICKET's GENERAL_BILLABLE row on the local ``day``, as served
    (``getTimesheet`` exists from 3.9 only: read the person's rows of that day)."""
    start = dt.datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(ZONE)).astimezone(dt.UTC)
    end = start + dt.timedelta(hours=23, minutes=59)
    stored = "%Y-%m-%d %H:%M:%S"
    rows = server.rpc("Timesheets.getAll", {
        "dateFrom": start.strftime(stored), "dateTo": end.strftime(stored), "userId": ME_ID,
        "kind": "GENERAL_BILLABLE", "ticketFilter": str(TICKET)})  # fmt: skip
    (row,) = rows
    return float(row["hours"])


def home(session: Session) -> int:
    """The assignable id the profile's key map gives ``TICKET`` as general billable time."""
    client = session.backend
    assert isinstance(client, LeantimeClient)
    return client.site.lookups.ids.assignable(TICKET, "GENERAL_BILLABLE", 0)


@asynccontextmanager
async def app_on(
    server: LeantimeServer, tmp_path: Path
) -> AsyncIterator[tuple[TenkApp, Pilot[Any], Session]]:
    with time_machine.travel(NOW, tick=False):
        session = open_session(
            db_path=tmp_path / "profile.db",
            base_url=server.root,
            token=server.token,
            email="me@example.com",
            backend="leantime",
            timezone=ZONE,
            today=lambda: TODAY,
        )
        try:
            await session.engine.sync_once()
            async with running(session, size=(100, 30)) as (app, pilot):
                yield app, pilot, session
        finally:
            await session.aclose()


async def test_no_status_screen_and_the_app_says_why(
    leantime: LeantimeServer, tmp_path: Path
) -> None:
    async with app_on(leantime, tmp_path) as (app, pilot, _session):
        tabs = str(app.screen.query_one(AppBar).render())
        assert "Timesheet" in tabs and "Assignments" in tabs and "Status" not in tabs
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, TimesheetScreen)
        assert any(
            "Leantime has no presence statuses" in str(n.message) for n in app._notifications
        )


async def test_hours_typed_on_a_ticket_reach_leantime(
    leantime: LeantimeServer, tmp_path: Path
) -> None:
    async with app_on(leantime, tmp_path) as (app, pilot, session):
        grid = app.screen.grid
        index = next(i for i, r in enumerate(grid.rows) if r.assignable_id == home(session))
        grid.move_to(index, 1)  # Tuesday
        await pilot.press("2", ".", "5", "enter")
        await pilot.pause()
        assert grid.current_cell.hours == 2.5 and grid.current_cell.state == "pending"
        await sync(app, pilot)
        assert session.store.outbox.open_rows() == []
        assert hours_on(leantime, "2026-11-24") == 2.5


@pytest.mark.slow
async def test_a_subtask_ticks_and_the_ticket_status_changes(
    leantime: LeantimeServer, tmp_path: Path
) -> None:
    async with app_on(leantime, tmp_path) as (app, pilot, session):
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssignmentsScreen)
        table = screen.query_one("#assignments")
        row = next(i for i, key in enumerate(table.rows) if screen.rows[key.value]["id"] == TICKET)
        table.move_cursor(row=row)
        ticket = screen.highlighted
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, FuzzyPicker)
        options = session.store.queries.status_options_for(TICKET)
        projects = {json.loads(o["raw"])["leantime"]["project_id"] for o in options}
        assert projects == {
            json.loads(
                session.store.database.scalar("SELECT raw FROM assignments WHERE id = ?", (TICKET,))
            )["leantime"]["projectId"]
        }
        target = next(o for o in options if o["id"] != ticket["status_option_id"])
        await pilot.press(*target["label"], "enter")
        await pilot.pause()

        await pilot.press("enter")  # the ticket's subtasks
        await pilot.pause()
        assert isinstance(app.screen, SubtasksScreen)
        await sync(app, pilot)  # issue 15: fetched as it opens (the app's loop is off here)
        subtasks = session.store.queries.subtasks(TICKET)
        assert subtasks, "the demo ticket has subtasks"
        first = subtasks[0]
        await pilot.press("space")
        await pilot.pause()
        await sync(app, pilot)
        assert session.store.outbox.open_rows() == []

    served = leantime.rpc("Tickets.getTicket", {"id": TICKET})
    served = served[0] if isinstance(served, list) else served
    assert int(served["status"]) == json.loads(target["raw"])["leantime"]["status_id"]
    children = leantime.rpc("Tickets.getAllSubtasks", {"ticketId": TICKET})
    child = next(c for c in children if int(c["id"]) == first["server_id"])
    labels = leantime.rpc("Tickets.getStatusLabels", {"projectId": served["projectId"]})
    kind = labels[str(child["status"])]["statusType"]
    assert kind == ("NEW" if first["completed"] else "DONE")


@pytest.mark.parametrize("keep", ["mine", "theirs"])
@pytest.mark.slow
async def test_a_conflict_is_settled_in_the_outbox_each_way(
    leantime: LeantimeServer, tmp_path: Path, keep: str
) -> None:
    from tests.test_leantime_sandbox import local_midnight

    async with app_on(leantime, tmp_path) as (app, pilot, session):
        grid = app.screen.grid
        index = next(i for i, r in enumerate(grid.rows) if r.assignable_id == home(session))
        grid.move_to(index, 0)
        await pilot.press("3", "enter")
        await sync(app, pilot)  # on the server now
        await pilot.press("5", "enter")  # mine: 5 h
        me = session.store.database.get_meta("me")
        leantime.rpc(  # theirs: 7 h, typed in Leantime's web app meanwhile
            "Timesheets.upsertTime",
            {"ticketId": TICKET, "params": {"hours": 7, "kind": "GENERAL_BILLABLE",
                                            "userId": me, "timestamp": local_midnight(TODAY)}},
        )  # fmt: skip
        await sync(app, pilot)
        (row,) = session.store.outbox.open_rows()
        assert row.state == "conflict"

        await pilot.press("f6")  # the Outbox
        await pilot.pause()
        await pilot.press("m" if keep == "mine" else "T")
        await pilot.pause()
        await sync(app, pilot)
        assert session.store.outbox.open_rows() == []
    assert hours_on(leantime, TODAY.isoformat()) == (5.0 if keep == "mine" else 7.0)


@pytest.mark.slow
async def test_notes_of_time_on_leantime_are_refused_in_the_form_and_nothing_queued(
    leantime: LeantimeServer, tmp_path: Path
) -> None:
    """Issue 10 item 3: upsertTime never writes a description; say so, drop nothing."""
    from textual.widgets import Input

    from tenktui.ui.widgets.entries import EntryForm, EntryListDialog

    async with app_on(leantime, tmp_path) as (app, pilot, session):
        grid = app.screen.grid
        index = next(i for i, r in enumerate(grid.rows) if r.assignable_id == home(session))
        grid.move_to(index, 2)  # Wednesday
        await pilot.press("2", "enter")
        await sync(app, pilot)
        assert session.store.outbox.open_rows() == []
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, EntryListDialog)
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EntryForm)
        form.query_one("#form-notes", Input).value = "typed in the app"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # kept open, with the reason
        assert "cannot change the notes" in str(form.query_one("#form-error").render())
        assert session.store.outbox.open_rows() == []
