"""The Status screen, in the real app, on a store filled by a real sync."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from textual.widgets import DataTable, Input, Static

from tenktui.store.board import matches
from tenktui.sync.engine import STATUSES_PER_PASS
from tenktui.ui.screens.status import StatusScreen
from tests.app_harness import NOW, cells, go, running_app, sandbox_client, sync


def mine(screen: StatusScreen) -> str:
    return str(screen.query_one("#mine", Static).render())


async def server_status(session, me: int) -> dict:
    async with sandbox_client(session) as api:
        response = await api.get(f"/users/{me}/statuses")
    assert response.status_code == 200, response.text
    return response.json()["data"][0]


@pytest.mark.slow
async def test_one_key_and_a_message_set_my_status(tmp_path) -> None:
    async with running_app(tmp_path) as (app, pilot, session):
        screen = await go(pilot, "f4", StatusScreen)
        me = screen.me
        await pilot.press("o")
        prompt = screen.query_one("#message", Input)
        assert app.focused is prompt and "OOO" in str(prompt.border_title)
        await pilot.press(*"At the client")
        await pilot.press("enter")
        await pilot.pause()

        assert "OOO" in mine(screen) and "sending" in mine(screen)
        [row] = session.store.outbox.open_rows()
        assert row.target == {"status": "OOO", "message": "At the client"}
        assert app.focused is screen.query_one("#board", DataTable)

        await sync(app, pilot)
        assert session.store.outbox.open_rows() == []
        assert "sending" not in mine(screen)
        assert 'OOO · On the road — "At the client"' in mine(screen)
        on_server = await server_status(session, me)
        assert (on_server["status"], on_server["message"]) == ("OOO", "At the client")


@pytest.mark.slow
async def test_escape_in_the_message_prompt_cancels(tmp_path) -> None:
    """Issue 12.4: Escape set the status and erased the old message."""
    async with running_app(tmp_path) as (app, pilot, session):
        screen = await go(pilot, "f4", StatusScreen)
        await pilot.press("w", *"On a train", "enter")
        await sync(app, pilot)
        before = mine(screen)
        assert 'WFH · Working from home — "On a train"' in before

        await pilot.press("s", *"flu", "escape")
        await pilot.pause()
        assert session.store.outbox.open_rows() == []
        assert mine(screen) == before
        assert not screen.query_one("#message", Input).display
        assert app.focused is screen.query_one("#board", DataTable)
        on_server = await server_status(session, screen.me)
        assert (on_server["status"], on_server["message"]) == ("WFH", "On a train")


@pytest.mark.slow
async def test_enter_on_an_empty_message_sets_the_status_without_one(tmp_path) -> None:
    async with running_app(tmp_path) as (app, pilot, session):
        screen = await go(pilot, "f4", StatusScreen)
        await pilot.press("s", "enter")
        await pilot.pause()
        [row] = session.store.outbox.open_rows()
        assert row.target == {"status": "SIC", "message": None}
        await sync(app, pilot)
        on_server = await server_status(session, screen.me)
        assert (on_server["status"], on_server["message"]) == ("SIC", None)


@pytest.mark.slow
async def test_a_click_on_a_code_sets_it_too(tmp_path) -> None:
    async with running_app(tmp_path) as (_app, pilot, session):
        await go(pilot, "f4", StatusScreen)
        await pilot.click("#code-VAC")
        await pilot.press("enter")
        await pilot.pause()
        [row] = session.store.outbox.open_rows()
        assert row.target["status"] == "VAC"


@pytest.mark.slow
async def test_the_board_loads_statuses_lazily_and_says_how_fresh(tmp_path) -> None:
    async with running_app(tmp_path) as (app, pilot, session):
        asked: list[list[int]] = []
        want = session.engine.want_statuses
        session.engine.want_statuses = lambda ids: (asked.append(list(ids)), want(ids))
        screen = await go(pilot, "f4", StatusScreen)
        table = screen.query_one("#board", DataTable)
        board = session.store.queries.status_board()
        assert len(screen.shown) == len(board) > 10
        # The first row is me; nobody's status was fetched yet: all "loading…".
        assert cells(table)[0][1] == session.store.queries.me()["display_name"] + " (you)"
        assert {r[4] for r in cells(table)} == {"loading…"}
        # Only the people on screen are asked for.
        visible = table.size.height - 1
        assert asked[-1] == [p["id"] for p in screen.shown[:visible]]

        await sync(app, pilot)  # the engine fetches ten per pass
        checked = [r[4] for r in cells(table)]
        assert checked.count("just now") == STATUSES_PER_PASS
        await sync(app, pilot)
        assert [r[4] for r in cells(table)][:visible] == ["just now"] * visible
        assert any(r[2] != "—" for r in cells(table))

        # Five minutes later the same statuses are five minutes old.
        with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
            screen.refresh_from_store()
            assert [r[4] for r in cells(table)][:visible] == ["5 min ago"] * visible

        # Scrolling asks for the people who come into view.
        table.move_cursor(row=len(screen.shown) - 1)
        await pilot.pause()
        assert screen.shown[-1]["id"] in asked[-1]


@pytest.mark.slow
async def test_the_filter_matches_name_role_discipline_location_and_code(tmp_path) -> None:
    async with running_app(tmp_path, size=(120, 40)) as (app, pilot, _session):
        screen = await go(pilot, "f4", StatusScreen)
        await sync(app, pilot)
        await sync(app, pilot)
        await sync(app, pilot)
        table = screen.query_one("#board", DataTable)
        everyone = list(screen.people)

        async def typed(text: str) -> list[list[str]]:
            await pilot.press("slash")
            await pilot.press("ctrl+u", *text)
            await pilot.pause()
            return cells(table)

        rows = await typed("wfh")
        assert rows and {r[2] for r in rows} == {"WFH"}
        assert len(rows) == sum(1 for p in everyone if p["status"] == "WFH")
        rows = await typed("design")
        assert rows and all(r[6] == "Design" for r in rows)
        rows = await typed("london lead")
        assert rows and all(r[7] == "London" and r[5] == "Lead" for r in rows)
        rows = await typed("name:an")  # any part of a name
        named = [p["display_name"] for p in everyone if "an" in p["display_name"].lower()]
        assert named and [r[1] for r in rows] == named
        rows = await typed("nobody-like-this")
        assert rows == []
        assert "Nobody matches" in str(screen.query_one("#person", Static).render())
        assert "0 of" in screen.title

        # Escape goes back to the board, keeping the filter; clearing it shows everyone.
        await pilot.press("escape")
        assert app.focused is table
        await typed("")
        assert len(cells(table)) == len(everyone)


@pytest.mark.slow
async def test_pin_someone_from_everyone_onto_my_board(tmp_path) -> None:
    async with running_app(tmp_path) as (app, pilot, session):
        screen = await go(pilot, "f4", StatusScreen)
        # Someone who shares no project with me joins the account.
        async with sandbox_client(session) as api:
            created = await api.post(
                "/users",
                json={"first_name": "Nadia", "last_name": "Stranger", "email": "nadia@example.com"},
            )
        assert created.status_code == 200, created.text
        stranger = created.json()["id"]
        await app.session.engine.sync_once(reference=True)
        await sync(app, pilot)
        assert stranger not in [p["id"] for p in screen.shown]

        await pilot.press("a")
        assert screen.show_everyone and "everyone" in screen.title
        ids = [p["id"] for p in screen.shown]
        table = screen.query_one("#board", DataTable)
        table.move_cursor(row=ids.index(stranger))
        await pilot.press("asterisk")
        await pilot.press("a")  # back to the people I work with
        assert not screen.show_everyone
        ids = [p["id"] for p in screen.shown]
        assert ids.index(stranger) == 1  # after me, before the unpinned
        assert cells(table)[1][:2] == ["★", "Nadia Stranger"]
        assert session.store.database.rows("SELECT user_id FROM pins") == [{"user_id": stranger}]

        # Unpinning takes her off again.
        table.move_cursor(row=1)
        await pilot.press("asterisk")
        assert stranger not in [p["id"] for p in screen.shown]
        assert session.store.database.rows("SELECT user_id FROM pins") == []


def test_filter_words() -> None:
    person = {
        "display_name": "Priya Nair",
        "role": "Senior",
        "discipline": "Design",
        "location": "London",
        "status": "WFH",
    }
    assert matches(person, "")
    assert matches(person, "pri lon")
    assert matches(person, "WFH design")
    assert not matches(person, "ito")
    assert matches(person, "role:sen location:lon")
    assert not matches(person, "role:lead")
    assert matches(person, "status:wfh")
    assert not matches(person, "berlin")


@pytest.mark.slow
async def test_the_board_marks_my_own_row(tmp_path) -> None:
    """Issue 12.20."""
    async with running_app(tmp_path) as (_app, pilot, _session):
        screen = await go(pilot, "f4", StatusScreen)
        table = screen.query_one("#board", DataTable)
        rows = cells(table)
        mine_rows = [i for i, p in enumerate(screen.shown) if p["id"] == screen.me]
        assert mine_rows == [0]
        assert rows[0][1].endswith("(you)")
        assert not any("(you)" in row[1] for row in rows[1:])
        await pilot.press("down")
        assert "(you)" not in str(screen.query_one("#person", Static).render())
        await pilot.press("up")
        assert str(screen.query_one("#person", Static).render()).startswith("You · ")


@pytest.mark.slow
async def test_leaving_the_board_stops_spending_the_rate_budget_on_statuses(tmp_path) -> None:
    """Issue 12.16: after a visit to the board, every sync pass (one per edit) fetched ten
    statuses again, and a few subtask ticks in the demo were throttled."""
    async with running_app(tmp_path) as (app, pilot, session):
        rate = session.demo.sandbox.sandbox.rate  # the clock is frozen: one rate window
        me = session.store.database.get_meta("me")
        assignment = next(
            a
            for a in session.store.queries.assignments(me, NOW.date(), NOW.date())
            if a["subtasks_total"]
        )
        subtask = session.store.queries.subtasks(assignment["id"])[0]

        async def tick_cost() -> int:
            used = rate._used
            session.store.edits.toggle_subtask(subtask["id"])
            await sync(app, pilot)
            return rate._used - used

        before = await tick_cost()
        screen = await go(pilot, "f4", StatusScreen)
        await sync(app, pilot)
        assert any(p["fetched_at"] for p in session.store.queries.status_board())
        await pilot.press("f2")
        await pilot.pause()
        assert screen is not app.screen
        assert await tick_cost() == before


async def test_the_board_s_people_are_fetched_when_it_first_opens(tmp_path) -> None:
    """Issue 15: a first sync asks nothing per project; opening the board asks for the
    people on the person's projects, and the next pass fills it."""

    async def plain_first_sync(session) -> None:
        await session.engine.sync_once()

    async with running_app(tmp_path, synced=False, prepare=plain_first_sync) as (
        app,
        pilot,
        session,
    ):
        assert session.engine.projects_due()
        screen = await go(pilot, "f4", StatusScreen)
        assert [p["id"] for p in screen.people] == [screen.me]  # only the person, so far
        await sync(app, pilot)
        assert len(screen.people) > 1, "the board has the person's teammates"
        assert not session.engine.projects_due()
