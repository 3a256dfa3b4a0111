"""Server text never reaches the terminal raw (issue #11, item 5).

Hostile text goes into the sandbox through its API (a status message, a person's
name, an entry's notes), is synced for real, and is then shown by the CLI and the
app: escape sequences and control characters are gone, markup is shown literally,
``--json`` keeps the exact text, and CSV cells are never read as formulas.
"""

from __future__ import annotations

import csv
import io

import pytest
from textual.widgets import DataTable, Static

from tenktui.text import clean, clean_line
from tenktui.ui.screens.status import StatusScreen
from tests import test_cli_helpers as helpers
from tests.app_harness import cells, go, running_app, sandbox_client
from tests.conftest import RunningSandbox
from tests.test_cli_helpers import Cli, me_id, project_id

cli = helpers.cli
logged_in = helpers.logged_in

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"  # writes "rm -rf ~" to the clipboard
OSC0 = "\x1b]0;pwned\x1b\\"  # sets the window title
CSI_2J = "\x1b[2J"  # clears the screen
BEL = "\x07"
C1_CSI = "\x9b31m"  # CSI as one C1 character
C1_OSC = "\x9d0;title\x9c"
HOSTILE = f"on{OSC52} the{OSC0} train{CSI_2J}{BEL}{C1_CSI}{C1_OSC}!"
RAW = ("\x1b", "\x07", "\x9b", "\x9c", "\x9d", "]52;", "]0;", "[2J")


def assert_clean(text: str) -> None:
    found = [r for r in RAW if r in text]
    assert not found, f"raw control text {found!r} in {text!r}"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (OSC52, ""),
        (OSC0, ""),
        (CSI_2J, ""),
        (BEL, ""),
        (C1_CSI, ""),
        (C1_OSC, ""),
        ("a\x00b\x7fc\x85d\x1b", "abcd"),
        (HOSTILE, "on the train!"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("caf\u00e9 [/] [link=https://x]", "caf\u00e9 [/] [link=https://x]"),
    ],
)
def test_clean_strips_sequences_and_control_characters(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_clean_line_folds_line_breaks() -> None:
    assert clean_line("one\ntwo\tthree\r") == "one two three"


def _hostile_me(server: RunningSandbox) -> int:
    me = me_id(server)
    with server.api() as api:
        api.put(f"/users/{me}", json={"first_name": f"Ben{CSI_2J}{BEL}"}).raise_for_status()
        api.post(f"/users/{me}/statuses", json={"status": "WFH", "message": HOSTILE})
    return me


@pytest.mark.slow
def test_cli_text_output_strips_server_control_codes_and_json_stays_exact(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    _hostile_me(fresh_server)
    shown = logged_in.ok("status", "--sync")
    assert_clean(shown.out + shown.err)
    assert "on the train!" in shown.out
    who = logged_in.ok("who", "--sync")
    assert_clean(who.out + who.err)
    assert "Ben" in who.out
    exact = logged_in.json("status")
    assert exact["status"]["message"] == HOSTILE


@pytest.mark.slow
def test_project_names_from_the_server_are_shown_clean(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    internal = project_id(fresh_server, "INT-004")
    with fresh_server.api() as api:
        body = {"name": f"Internal{CSI_2J} Tools{OSC52}"}
        api.put(f"/projects/{internal}", json=body).raise_for_status()
    logged_in.ok("log", "1", "INT-004", "--notes", f"x{BEL}y")
    for args in (("week", "--sync"), ("outbox",), ("export", "--from", "today", "--to", "today")):
        shown = logged_in.ok(*args)
        assert_clean(shown.out + shown.err)
    assert "Internal Tools" in logged_in.ok("week").out
    exported = logged_in.json("export", "--from", "today", "--to", "today")["entries"]
    assert {e["project"] for e in exported} >= {f"Internal{CSI_2J} Tools{OSC52}"}


@pytest.mark.slow
def test_csv_export_neutralises_formulas(logged_in: Cli) -> None:
    for notes in ('=HYPERLINK("http://evil")', "+1", "-2+3", "@SUM(A1)", f"ok{OSC52}"):
        logged_in.ok("log", "0.25", "INT-004", f"--notes={notes}")
    out = logged_in.ok("export", "--from", "today", "--to", "today").out
    assert_clean(out)
    notes = {row["notes"] for row in csv.DictReader(io.StringIO(out))}
    assert {'\'=HYPERLINK("http://evil")', "'+1", "'-2+3", "'@SUM(A1)", "ok"} <= notes
    exact = logged_in.json("export", "--from", "today", "--to", "today")
    assert '=HYPERLINK("http://evil")' in {e["notes"] for e in exact["entries"]}


async def _rename(session, name: str, message: str | None = None) -> None:
    """Rename the first teammate on the board (and give them a status), on the server."""
    me = session.store.database.get_meta("me")
    person = next(p for p in session.store.queries.status_board() if p["id"] != me)
    async with sandbox_client(session) as api:
        parts = name.split(" ", 1)
        body = {"first_name": parts[0], "last_name": parts[1] if len(parts) > 1 else ""}
        (await api.put(f"/users/{person['id']}", json=body)).raise_for_status()
        if message:
            await api.post(
                f"/users/{person['id']}/statuses", json={"status": "WFH", "message": message}
            )
    session.engine.want_statuses([person["id"]])
    await session.engine.sync_once(reference=True)


@pytest.mark.slow
async def test_pinning_a_person_named_with_markup_does_not_crash(tmp_path) -> None:
    name = "Ben [/]"

    async def prepare(session) -> None:
        await _rename(session, name)

    async with running_app(tmp_path, prepare=prepare) as (app, pilot, _session):
        screen = await go(pilot, "f4", StatusScreen)
        table = screen.query_one("#board", DataTable)
        row = next(i for i, r in enumerate(cells(table)) if r[1] == name)
        table.move_cursor(row=row, animate=False)
        await pilot.press("asterisk")  # pin
        await pilot.pause()
        assert app.is_running
        assert any(f"Pinned {name}." in str(n.message) for n in app._notifications)
        assert name in str(screen.query_one("#person", Static).render())


@pytest.mark.slow
async def test_the_app_shows_links_and_actions_literally_and_strips_escapes(tmp_path) -> None:
    name = "Eve [link=https://evil.example]click[/link]"
    message = f"[@click=app.quit]free pizza[/]{OSC52}{CSI_2J}"

    async def prepare(session) -> None:
        await _rename(session, name + OSC0, message)

    async with running_app(tmp_path, size=(140, 30), prepare=prepare) as (app, pilot, _):
        screen = await go(pilot, "f4", StatusScreen)
        table = screen.query_one("#board", DataTable)
        rows = cells(table)
        row = next(i for i, r in enumerate(rows) if r[1].startswith("Eve"))
        assert rows[row][1] == name
        assert rows[row][3] == "[@click=app.quit]free pizza[/]"
        table.move_cursor(row=row, animate=False)
        await pilot.press("p")
        await pilot.pause()
        detail = str(screen.query_one("#person", Static).render())
        assert name in detail and "[@click=app.quit]free pizza[/]" in detail
        for text in [detail, *(str(n.message) for n in app._notifications)]:
            assert_clean(text)
        assert app.is_running


@pytest.mark.slow
async def test_project_names_reach_the_grid_and_the_picker_clean(tmp_path) -> None:
    from textual.widgets import OptionList

    from tenktui.ui.widgets.picker import FuzzyPicker

    async def prepare(session) -> None:
        async with sandbox_client(session) as api:
            projects = (await api.get("/projects", params={"per_page": 1000})).json()["data"]
            internal = next(p for p in projects if p.get("project_code") == "INT-004")
            body = {"name": f"Internal{CSI_2J} Tools{OSC0}"}
            (await api.put(f"/projects/{internal['id']}", json=body)).raise_for_status()
        await session.engine.sync_once(reference=True)

    async with running_app(tmp_path, size=(120, 30), prepare=prepare) as (app, pilot, _):
        grid = app.screen.grid
        lines = [
            "".join(segment.text for segment in grid.render_line(y))
            for y in range(grid.size.height)
        ]
        assert any("Internal Tools" in line for line in lines)
        for line in lines:
            assert_clean(line)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"internal")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Internal Tools" in text for text in shown), shown
        for text in shown:
            assert_clean(text)
