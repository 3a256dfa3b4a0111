"""The Assignments screen, in the real app, on a store filled by a real sync."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.command import CommandList
from textual.widgets import DataTable, Static

from tenktui.store.load import day_loads
from tenktui.store.queries import week_start_for
from tenktui.ui.screens.assignments import AssignmentsScreen
from tenktui.ui.screens.subtasks import SubtasksScreen
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.widgets.load_strip import LABEL, LoadStrip, glyph
from tests.app_harness import cells, go, running_app, wait_for
from tests.conftest import TODAY

MONDAY = week_start_for(TODAY)


def hits(app) -> int:
    found = app.screen.query(CommandList)
    return found.first().option_count if found else 0


async def test_lists_the_assignments_around_the_week(tmp_path) -> None:
    async with running_app(tmp_path, size=(120, 40)) as (_app, pilot, session):
        screen = await go(pilot, "f3", AssignmentsScreen)
        assert (screen.start, screen.end) == (
            MONDAY - dt.timedelta(weeks=2),
            MONDAY + dt.timedelta(weeks=6, days=-1),
        )
        rows = {r[0]: r for r in cells(screen.query_one("#assignments", DataTable))}
        me = session.store.database.get_meta("me")
        stored = session.store.queries.assignments(me, screen.start, screen.end)
        assert set(rows) == {a["label"] for a in stored} and len(rows) >= 4

        # Each allocation mode in words, the status option, subtasks done/total.
        modes = {a["allocation_mode"]: a for a in stored if a["kind"] != "leave"}
        assert set(modes) == {"percent", "hours_per_day", "fixed"}
        percent = modes["percent"]
        assert rows[percent["label"]][2] == f"{percent['percent'] * 100:g} %"
        per_day = modes["hours_per_day"]
        assert rows[per_day["label"]][2] == f"{per_day['hours_per_day']:g} h/day"
        fixed = modes["fixed"]
        assert rows[fixed["label"]][2] == f"{fixed['fixed_hours']:g} h total"
        design = rows["Website Redesign — Design"]
        assert design[1:] == ["12 Oct – 18 Dec", "50 %", "At Risk", "2/4", "Backend integration"]
        leave = next(a for a in stored if a["kind"] == "leave")
        assert rows[leave["label"]][3] == "leave"

        detail = str(screen.query_one("#assignment-detail", Static).render())
        first = stored[0]
        assert first["label"] in detail and (first["description"] or "—") in detail


@pytest.mark.slow
async def test_the_load_strip_shows_booked_hours_against_capacity(tmp_path) -> None:
    async with running_app(tmp_path) as (_app, pilot, session):
        screen = await go(pilot, "f3", AssignmentsScreen)
        strip = screen.query_one(LoadStrip)
        me = session.store.database.get_meta("me")
        loads = day_loads(session.store.queries, me, screen.start, screen.end)
        assert strip.loads == loads and len(loads) == 56
        assert strip.day == TODAY

        lines = str(strip.render()).splitlines()
        drawn = lines[1][len(LABEL) :]
        expected = " ".join(
            "".join(glyph(d) for d in loads[i : i + 7]) for i in range(0, len(loads), 7)
        )
        assert drawn.rstrip() == expected.rstrip()
        over = [d for d in loads if d.state == "over"]
        assert over and "▲" in drawn
        assert f"{len(over)} day" in screen.title

        # Keyboard: focus the strip, walk to the first over-booked day, read it out.
        strip.focus()
        await pilot.press(*["right"] * (loads.index(over[0]) - loads.index(strip.current)))
        assert strip.day == over[0].date
        assert "over" in str(strip.render()).splitlines()[3]
        detail = str(screen.query_one("#assignment-detail", Static).render())
        assert over[0].date.strftime("%a") in detail

        # Mouse: a click on the first day of the range picks it.
        await pilot.click(LoadStrip, offset=(1 + len(LABEL), 1))
        assert strip.day == screen.start


@pytest.mark.slow
async def test_keys_move_the_range_a_week_and_back(tmp_path) -> None:
    async with running_app(tmp_path) as (_app, pilot, _session):
        screen = await go(pilot, "f3", AssignmentsScreen)
        start = screen.start
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.start == start + dt.timedelta(weeks=2)
        assert screen.query_one(LoadStrip).loads[0].date == screen.start
        assert "Mon 23 Nov – Sun 17 Jan" in screen.title
        await pilot.press("left_square_bracket")
        assert screen.start == start + dt.timedelta(weeks=1)
        await pilot.press("p", "n", "t")
        assert screen.start == start


@pytest.mark.slow
async def test_enter_opens_subtasks_and_the_palette_the_timesheet_row(tmp_path) -> None:
    async with running_app(tmp_path) as (app, pilot, _session):
        screen = await go(pilot, "f3", AssignmentsScreen)
        first = screen.highlighted
        assert first is not None and first["label"] == "Website Redesign — Design"

        await pilot.press("enter")
        await pilot.pause()
        subtasks = app.screen
        assert isinstance(subtasks, SubtasksScreen)
        assert subtasks.assignment_id == first["id"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # Leave has no checklist: Enter says so and stays.
        table = screen.query_one("#assignments", DataTable)
        leave_row = next(i for i, r in enumerate(cells(table)) if r[3] == "leave")
        table.move_cursor(row=leave_row)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen

        # The palette: the timesheet, on the week of the strip's day, at the assignment's row.
        table.move_cursor(row=0)
        strip = screen.query_one(LoadStrip)
        strip.focus()
        await pilot.press("down")  # a week later
        await pilot.press("ctrl+p", *"Timesheet row of")
        await wait_for(pilot, lambda: hits(app) > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TimesheetScreen))
        assert isinstance(app.screen, TimesheetScreen)
        assert app.screen.week_start == MONDAY + dt.timedelta(weeks=1)
        row = app.screen.grid.current_row
        assert row is not None and row.assignable_id == first["assignable_id"]


@pytest.mark.slow
async def test_S_changes_the_assignments_status_and_it_reaches_the_server(tmp_path) -> None:
    from tenktui.ui.widgets.picker import FuzzyPicker
    from tests.app_harness import sandbox_client, sync

    async with running_app(tmp_path, size=(120, 40)) as (app, pilot, session):
        screen = await go(pilot, "f3", AssignmentsScreen)
        table = screen.query_one("#assignments", DataTable)
        table.move_cursor(row=0)
        a = screen.highlighted
        assert a is not None and a["kind"] != "leave"
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, FuzzyPicker)
        target = next(
            o for o in session.store.queries.status_options_for(a["id"])
            if o["id"] != a["status_option_id"]
        )  # fmt: skip
        await pilot.press(*target["label"], "enter")
        await pilot.pause()
        assert isinstance(app.screen, AssignmentsScreen)
        assert screen.highlighted["status_label"] == target["label"]  # at once, from the store
        await sync(app, pilot)
        async with sandbox_client(session) as api:
            me = session.store.database.get_meta("me")
            served = (await api.get(f"/users/{me}/assignments/{a['id']}")).json()
        assert served["status_option_id"] == target["id"]


@pytest.mark.slow
async def test_at_60_by_20_nothing_wraps_and_cut_names_end_in_an_ellipsis(tmp_path) -> None:
    """Issue 12.10: the load strip wrapped at 60×20, and names were cut without a sign."""
    async with running_app(tmp_path, size=(60, 20)) as (_app, pilot, _session):
        screen = await go(pilot, "f3", AssignmentsScreen)
        strip = screen.query_one(LoadStrip)
        lines = str(strip.render()).splitlines()
        assert len(lines) == strip.size.height == 4
        assert all(len(line.rstrip()) <= strip.content_size.width for line in lines)
        assert "^" in lines[2]
        # The cursor's week stays in view as it moves to the last one.
        strip.focus()
        for _ in range(8):
            await pilot.press("down")
        last = strip.loads[-1].date
        assert strip.day >= last - dt.timedelta(days=6)
        text = str(strip.render()).splitlines()
        assert "^" in text[2] and len(text[1].rstrip()) <= strip.content_size.width

        table = screen.query_one("#assignments", DataTable)
        assert table.virtual_size.width <= table.size.width  # no column off screen
        rows = [table.render_line(y).text.rstrip() for y in range(1, 1 + table.row_count)]
        cut = [r for r in rows if "Website Redesign" in r]
        assert cut and all("…" in r for r in cut), rows
        detail = screen.query_one("#assignment-detail")
        assert str(detail.render()).startswith(screen.highlighted["label"])
