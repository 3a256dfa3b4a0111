"""The Subtasks screen, in the real app, on a store filled by a real sync."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from tenktui.ui.screens.assignments import AssignmentsScreen
from tenktui.ui.screens.subtasks import SubtasksScreen
from tenktui.ui.widgets.confirm import ConfirmDialog
from tests.app_harness import cells, go, running_app, sandbox_client, sync
from tests.conftest import both_readings

# Every test here runs against the sandbox's default and strict readings.
reading = both_readings


async def open_checklist(pilot) -> SubtasksScreen:
    """Assignments, then Enter on the first one (Website Redesign — Design)."""
    await go(pilot, "f3", AssignmentsScreen)
    return await go(pilot, "enter", SubtasksScreen)


async def on_server(session, screen: SubtasksScreen) -> list[tuple[str, bool]]:
    project = screen.items[0]["project_id"]
    async with sandbox_client(session) as api:
        response = await api.get(f"/projects/{project}/assignments/{screen.assignment_id}/subtasks")
    assert response.status_code == 200, response.text
    return sorted((s["description"], s["completed"]) for s in response.json()["data"])


def table(screen: SubtasksScreen) -> list[list[str]]:
    return cells(screen.query_one("#subtasks", DataTable))


@pytest.mark.slow
async def test_the_checklist_with_its_count(tmp_path, reading: str) -> None:
    async with running_app(tmp_path, reading=reading) as (_app, pilot, session):
        screen = await open_checklist(pilot)
        assert table(screen) == [
            ["[x]", "Audit components", ""],
            ["[x]", "Checkout wireframes", ""],
            ["[ ]", "Hi-fi mockups", ""],
            ["[ ]", "Client review", ""],
        ]
        assert screen.title == "Subtasks · Website Redesign — Design · 2/4 done"
        assert sorted((r[1], r[0] == "[x]") for r in table(screen)) == await on_server(
            session, screen
        )


@pytest.mark.slow
async def test_space_ticks_and_unticks(tmp_path, reading: str) -> None:
    async with running_app(tmp_path, reading=reading) as (app, pilot, session):
        screen = await open_checklist(pilot)
        await pilot.press("down", "down", "space")
        assert table(screen)[2] == ["[x]", "Hi-fi mockups", "⟳ pending"]
        assert screen.title.endswith("3/4 done")
        await pilot.press("up", "space")  # untick "Checkout wireframes"
        assert table(screen)[1][0] == "[ ]"
        await sync(app, pilot)
        assert [r[2] for r in table(screen)] == [""] * 4
        assert ("Hi-fi mockups", True) in await on_server(session, screen)
        assert ("Checkout wireframes", False) in await on_server(session, screen)

        # With the mouse: a click highlights a row, a click on the highlighted row ticks it.
        await pilot.click("#subtasks", offset=(2, 3))  # "Hi-fi mockups", under the header
        assert screen.highlighted["description"] == "Hi-fi mockups"
        assert table(screen)[2][0] == "[x]"
        await pilot.click("#subtasks", offset=(2, 3))
        assert table(screen)[2][0] == "[ ]"


@pytest.mark.slow
async def test_add_then_rename(tmp_path, reading: str) -> None:
    async with running_app(tmp_path, reading=reading) as (app, pilot, session):
        screen = await open_checklist(pilot)
        await pilot.press("a")
        prompt = screen.query_one("#subtask-text", Input)
        assert app.focused is prompt
        await pilot.press(*"Write tests", "enter")
        await pilot.pause()
        assert table(screen)[-1] == ["[ ]", "Write tests", "⟳ pending"]
        assert screen.title.endswith("2/5 done")
        assert app.focused is screen.query_one("#subtasks", DataTable)
        assert screen.highlighted["description"] == "Write tests"

        # An empty description is refused and the prompt stays open.
        await pilot.press("a", "enter")
        await pilot.pause()
        assert prompt.is_open and len(table(screen)) == 5
        await pilot.press("escape")
        assert not prompt.is_open

        await pilot.press("r")
        assert prompt.value == "Write tests"
        await pilot.press(*" and docs", "enter")
        await pilot.pause()
        assert table(screen)[-1][1] == "Write tests and docs"

        await sync(app, pilot)
        assert table(screen)[-1] == ["[ ]", "Write tests and docs", ""]
        assert ("Write tests and docs", False) in await on_server(session, screen)


@pytest.mark.slow
async def test_delete_asks_first(tmp_path, reading: str) -> None:
    async with running_app(tmp_path, reading=reading) as (app, pilot, session):
        screen = await open_checklist(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and len(table(screen)) == 4

        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert [r[1] for r in table(screen)] == [
            "Checkout wireframes",
            "Hi-fi mockups",
            "Client review",
        ]
        assert screen.title.endswith("1/3 done")
        await sync(app, pilot)
        assert [d for d, _ in await on_server(session, screen)] == [
            "Checkout wireframes",
            "Client review",
            "Hi-fi mockups",
        ]


@pytest.mark.slow
async def test_opening_a_checklist_fetches_it_afresh(tmp_path, reading: str) -> None:
    async with running_app(tmp_path, reading=reading) as (app, pilot, session):
        screen = await open_checklist(pilot)
        project = screen.items[0]["project_id"]
        async with sandbox_client(session) as api:
            response = await api.post(
                f"/projects/{project}/assignments/{screen.assignment_id}/subtasks",
                json={"description": "Ask legal"},
            )
            assert response.status_code == 200, response.text
        await sync(app, pilot)  # a pass without the slow reference refresh
        assert [r[1] for r in table(screen)][-1] == "Ask legal"


# -- the picker (F5 away from a timesheet row) ------------------------------------------------
async def open_picker(app, pilot):
    from tenktui.ui.widgets.picker import FuzzyPicker

    await go(pilot, "f3", AssignmentsScreen)
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(app.screen, FuzzyPicker), app.screen
    return app.screen


def picker_labels(picker) -> list[str]:
    return [item.label for item in picker._shown]


async def test_the_picker_lists_current_and_coming_assignments_first(tmp_path) -> None:
    """Issue 12.14."""
    async with running_app(tmp_path) as (app, pilot, session):
        picker = await open_picker(app, pilot)
        today = session.store.database.today()
        me = session.store.database.get_meta("me")
        stored = session.store.queries.assignments(
            me, today - dt.timedelta(weeks=8), today + dt.timedelta(weeks=8)
        )
        by_id = {a["id"]: a for a in stored}
        ended = [by_id[item.value]["ends_at"] < today.isoformat() for item in picker._shown]
        assert True in ended and False in ended
        assert ended == sorted(ended)  # every ended one after every current or coming one


@pytest.mark.slow
async def test_the_picker_matches_what_is_typed(tmp_path) -> None:
    """Issue 12.14: "design" selected "Website Redesign — Discovery"."""
    async with running_app(tmp_path) as (app, pilot, _session):
        picker = await open_picker(app, pilot)
        await pilot.press(*"design")
        assert picker_labels(picker)[0] == "Website Redesign — Design"


@pytest.mark.slow
async def test_escape_in_the_picker_goes_back_and_f_keys_work_in_it(tmp_path) -> None:
    """Issue 12.14."""
    from tenktui.ui.screens.outbox import OutboxScreen
    from tenktui.ui.widgets.picker import FuzzyPicker

    async with running_app(tmp_path) as (app, pilot, _session):
        await open_picker(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AssignmentsScreen)
        # A checklist picked there goes back there too, and one replaces another.
        await open_picker(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SubtasksScreen)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SubtasksScreen)
        assert [type(s).__name__ for s in app.screen_stack] == [
            "TimesheetScreen", "AssignmentsScreen", "SubtasksScreen"
        ]  # fmt: skip
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AssignmentsScreen)
        await open_picker(app, pilot)
        await pilot.press("f5")  # the same question again, not a second picker over it
        await pilot.pause()
        *_, under, top = app.screen_stack
        assert isinstance(under, AssignmentsScreen) and isinstance(top, FuzzyPicker)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, OutboxScreen)
