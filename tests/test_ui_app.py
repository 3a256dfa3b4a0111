"""The app shell: start-up from the cache, the sync worker's messages, navigation,
the command palette, help, themes, the demo's network switch."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.filter import Monochrome

from tenktui import paths
from tenktui.logs import setup_logging
from tenktui.session import Session
from tenktui.store import Store
from tenktui.ui import keys
from tenktui.ui.commands import palette_actions
from tenktui.ui.messages import EditQueued, OpenTimesheetRow, StoreChanged, SyncStateChanged
from tenktui.ui.screens.help import HelpScreen
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.themes import (
    DEFAULT_THEME,
    builtin_themes_dir,
    first_themes,
    load_themes,
    parse_theme,
)
from tenktui.ui.widgets.app_bar import TITLES, AppBar
from tenktui.ui.widgets.picker import FuzzyPicker
from tests.app_harness import ALL_CAPABILITIES, live, offline_session, running, wait_for
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[1]
REQUIRED_ACTIONS = [
    "Go to Assignments",
    "Go to Status",
    "Go to Subtasks",
    "Go to Outbox",
    "Go to Timesheet",
    "Next week",
    "Previous week",
    "This week",
    "Confirm this week's suggestions",
    *(f"Set status {code}" for code in ("ITO", "WFH", "SIC", "OOO", "VAC", "OOF")),
    "Submit week for approval",
    "Sync now",
    "Switch theme",
    "Go to project …",
]


def sheet(app) -> TimesheetScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, TimesheetScreen)
    return screen


async def run_palette(app, pilot, text: str) -> None:
    """ctrl+p, type ``text``, run the hit that starts with it."""
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*text)
    commands = app.screen.query_one(CommandList)

    def hit() -> int | None:
        for index in range(commands.option_count):
            if str(commands.get_option_at_index(index).prompt).startswith(text):
                return index
        return None

    await wait_for(pilot, lambda: hit() is not None)
    commands.highlighted = hit()
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
    await pilot.pause()


# -- start-up and sync ------------------------------------------------------------------
@pytest.mark.slow
async def test_the_cached_week_is_drawn_before_any_sync(synced_store: Path, tmp_path: Path) -> None:
    session = offline_session(synced_store, tmp_path / "p")  # its network is cut
    try:
        async with running(session, sync=True) as (app, pilot):
            grid = sheet(app).grid
            assert [r.label for r in grid.rows] == [
                "Data Platform Migration",
                "Internal Tools",
                "Website Redesign — Design",
            ]
            await wait_for(pilot, lambda: app.sync_state.kind == "offline")
            assert "offline" in str(app.screen.query_one("#footer-sync").render())
    finally:
        await session.aclose()


@pytest.mark.slow
async def test_an_edit_flows_edit_queued_then_syncing_then_store_changed(tmp_path: Path) -> None:
    session = await live(tmp_path / "demo")
    seen: list[object] = []

    def hook(message: object) -> None:
        if isinstance(message, EditQueued | SyncStateChanged | StoreChanged):
            seen.append(message)

    try:
        async with running(session, sync=True, hook=hook, frozen=False) as (app, pilot):
            await wait_for(pilot, lambda: app.sync_state.last_sync is not None)
            await pilot.pause()
            seen.clear()
            grid = sheet(app).grid
            grid.move_to(1, 0)  # Internal Tools, Monday
            await pilot.press("3", "enter")
            await wait_for(pilot, lambda: session.store.outbox.counts().pending == 0)
            await wait_for(pilot, lambda: any(isinstance(m, StoreChanged) for m in seen))

            edit = next(i for i, m in enumerate(seen) if isinstance(m, EditQueued))
            syncing = next(
                i
                for i, m in enumerate(seen)
                if isinstance(m, SyncStateChanged) and m.state.kind == "syncing" and i > edit
            )
            changed = next(
                i for i, m in enumerate(seen) if isinstance(m, StoreChanged) and i > syncing
            )
            assert edit < syncing < changed
            await wait_for(pilot, lambda: grid.current_cell.state is None)
            assert grid.current_cell.hours == 3
        sandbox = session.demo.sandbox.sandbox
        rows = sandbox.db.query(
            "time_entries", "date = ? AND json_extract(data, '$.hours') = ?", ["2026-11-23", 3.0]
        )
        assert len(rows) == 1
    finally:
        await session.aclose()


@pytest.mark.slow
async def test_the_demo_network_switch_queues_then_replays(tmp_path: Path) -> None:
    session = await live(tmp_path / "demo")
    try:
        async with running(session, sync=True, frozen=False) as (app, pilot):
            await wait_for(pilot, lambda: app.sync_state.last_sync is not None)
            await run_palette(app, pilot, "Cut network")
            assert session.demo.network_cut
            sheet(app).grid.move_to(1, 1)
            await pilot.press("2", "enter")
            # A pass gives up only after its attempts' jittered backoff (up to 5 tries,
            # several seconds), and the pass already under way may give up first: up to
            # two of them before the state says offline, so a minute is the bound here.
            await wait_for(pilot, lambda: app.sync_state.kind == "offline", rounds=2400)
            await wait_for(pilot, lambda: "1 pending" in app.sync_line)
            assert "network cut" in app.sync_line
            bar = app.screen.query_one("#footer-sync")
            assert "1 pending" in str(bar.render())

            await run_palette(app, pilot, "Restore network")
            assert not session.demo.network_cut
            await wait_for(pilot, lambda: session.store.outbox.counts().pending == 0, rounds=2400)
            await wait_for(pilot, lambda: app.sync_line == "online")
        sandbox = session.demo.sandbox.sandbox
        assert sandbox.db.query(
            "time_entries", "date = ? AND json_extract(data, '$.hours') = ?", ["2026-11-24", 2.0]
        )
    finally:
        await session.aclose()


@pytest.mark.slow
async def test_writes_by_another_process_are_noticed(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = sheet(app).grid
        grid.move_to(1, 2)
        other = Store(session.store.path, today=lambda: TODAY)  # a second connection
        try:
            me = other.database.get_meta("me")
            row = grid.current_row
            other.edits.set_cell(me, row.assignable_id, TODAY + dt.timedelta(days=2), 6)
        finally:
            other.close()
        await wait_for(pilot, lambda: grid.current_cell.hours == 6)


# -- navigation ---------------------------------------------------------------------------
@pytest.mark.slow
async def test_function_keys_move_between_screens(session: Session) -> None:
    async with running(session) as (app, pilot):
        for key, name in (("f3", "AssignmentsScreen"), ("f6", "OutboxScreen")):
            await pilot.press(key)
            await wait_for(pilot, lambda name=name: type(app.screen).__name__ == name)
            await wait_for(pilot, lambda: bool(app.screen.query(AppBar)))
            assert len(app.screen_stack) == 2
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, TimesheetScreen))


async def test_subtasks_of_the_timesheet_row(session: Session) -> None:
    async with running(session) as (app, pilot):
        grid = sheet(app).grid
        grid.move_to(2, 0)  # Website Redesign — Design: one assignment this week
        await pilot.press("f5")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SubtasksScreen")
        me = session.store.database.get_meta("me")
        [assignment] = [
            a
            for a in session.store.queries.assignments(me, TODAY, TODAY)
            if a["assignable_id"] == grid.current_row.assignable_id
        ]
        assert app.screen.assignment_id == assignment["id"]


async def test_open_timesheet_row_goes_to_the_week_and_row(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("f3")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AssignmentsScreen")
        brand = next(p for p in session.store.queries.loggable() if p["label"] == "Brand Refresh")
        later = TODAY + dt.timedelta(days=9)
        app.screen.post_message(OpenTimesheetRow(brand["id"], later))
        await wait_for(pilot, lambda: isinstance(app.screen, TimesheetScreen))
        screen = sheet(app)
        await wait_for(pilot, lambda: screen.grid.current_row.label == "Brand Refresh")
        assert screen.week_start == TODAY + dt.timedelta(days=7)
        assert screen.grid.current_row.label == "Brand Refresh"
        assert screen.grid.current_day == later


# -- the command palette -------------------------------------------------------------------
@pytest.mark.slow
async def test_the_palette_holds_every_action(session: Session) -> None:
    async with running(session) as (app, pilot):
        names = [a.name for a in palette_actions(app)]
        for required in REQUIRED_ACTIONS:
            assert required in names
        assert "Cut network" not in names  # only in the demo
        await run_palette(app, pilot, "Next week")
        assert sheet(app).week_start == TODAY + dt.timedelta(days=7)
        await run_palette(app, pilot, "This week")
        assert sheet(app).week_start == TODAY


@pytest.mark.slow
async def test_the_palette_confirms_the_weeks_suggestions(session: Session) -> None:
    async with running(session) as (app, pilot):
        await run_palette(app, pilot, "Confirm this week's")
        await pilot.press("y")  # the week's days after today: asked first
        assert session.store.outbox.counts().pending == 15


@pytest.mark.slow
async def test_the_palette_copies_last_weeks_hours(session: Session) -> None:
    async with running(session) as (app, pilot):
        await run_palette(app, pilot, "Copy last week's hours")
        assert "26.5 h in 13 entries" in app.screen.question
        await pilot.press("y")
        assert session.store.outbox.counts().pending == 13


@pytest.mark.slow
async def test_the_palette_finds_a_project(session: Session) -> None:
    async with running(session) as (app, pilot):
        await run_palette(app, pilot, "Go to project Brand Refresh")
        assert isinstance(app.screen, TimesheetScreen)
        assert sheet(app).grid.current_row.label == "Brand Refresh"


@pytest.mark.slow
async def test_the_palette_sets_a_status(session: Session) -> None:
    async with running(session) as (app, pilot):
        await run_palette(app, pilot, "Set status WFH")
        me = session.store.database.get_meta("me")
        assert session.store.queries.status_of(me)["status"] == "WFH"
        assert [r.op for r in session.store.outbox.open_rows()] == ["set_status"]


async def test_without_statuses_the_status_screen_and_actions_are_hidden(
    synced_store: Path, tmp_path: Path
) -> None:

    caps = ALL_CAPABILITIES._replace(statuses=False)
    session = offline_session(synced_store, tmp_path / "p", caps)
    try:
        async with running(session) as (app, pilot):
            names = [a.name for a in palette_actions(app)]
            assert "Go to Status" not in names
            assert not [n for n in names if n.startswith("Set status")]
            assert "status" not in app.screen_names
            assert "Status" not in str(app.screen.query_one(AppBar).render())
            await pilot.press("f4")
            await pilot.pause()
            assert isinstance(app.screen, TimesheetScreen)
    finally:
        await session.aclose()


# -- help ---------------------------------------------------------------------------------------
async def test_help_lists_every_key(session: Session) -> None:
    async with running(session) as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for binding in [*keys.APP, *keys.GRID, *keys.TIMESHEET, *keys.ENTRY_LIST]:
            assert binding.description in text
        for mark, _ in keys.CELL_MARKS:
            assert mark in text
        assert "Assignments" in text  # the other screens' own keys
        await pilot.press("escape")
        assert isinstance(app.screen, TimesheetScreen)


async def test_every_binding_has_an_id_and_a_keymap_rebinds_it(session: Session) -> None:
    lists = [keys.APP, keys.GRID, keys.TIMESHEET, keys.ENTRY_LIST, keys.ENTRY_FORM, keys.CONFIRM]
    ids = [b.id for bindings in lists for b in bindings]
    assert all(ids) and len(ids) == len(set(ids))
    async with running(session, keymap={"tenktui.timesheet.next_week": "plus"}) as (app, pilot):
        await pilot.press("plus")
        assert sheet(app).week_start == TODAY + dt.timedelta(days=7)


# -- themes -------------------------------------------------------------------------------------
async def test_the_other_built_in_themes_are_read_after_the_first_frame(
    session: Session,
) -> None:
    """Before the first frame only the theme in use is read; once it is out the app
    has every built-in one, listed by name, as a start that read them all would."""
    first, errors, later = first_themes(DEFAULT_THEME)
    assert [t.name for t in first] == [DEFAULT_THEME] and errors == [] and later
    every = sorted(t.name for t in load_themes()[0])
    async with running(session) as (app, pilot):
        await pilot.pause()
        assert [t.name for t in app.tenk_themes] == every
        assert set(every) <= set(app.available_themes)


def test_the_built_in_themes_load() -> None:
    themes, errors = load_themes()
    assert errors == []
    folder = builtin_themes_dir()
    assert folder is not None
    for path in sorted(folder.glob("*.toml")):
        parse_theme(path)  # each applies: start-up only reads them
    names = {t.name for t in themes}
    assert {DEFAULT_THEME, "tenktui-light", "tenktui-high-contrast", "tenktui-ansi"} <= names
    ansi = next(t for t in themes if t.name == "tenktui-ansi")
    assert ansi.ansi
    colours = [ansi.primary, ansi.secondary, ansi.accent, ansi.background, ansi.foreground]
    assert all(c.startswith("ansi_") for c in colours)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('name = "x"\nprimary = "#123456"\nsparkle = 1\n', "unknown key 'sparkle'"),
        ('primary = "#123456"\n', "needs a 'name'"),
        ('name = "x"\nprimary = "not a colour"\n', "'primary' is not a colour"),
        ('name = "x"\nprimary = "#123456"\ndark = "yes"\n', "'dark' must be true or false"),
        ("name = [\n", "is not valid TOML"),
    ],
)
def test_a_bad_theme_file_says_what_is_wrong(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=complaint.replace("(", r"\(")):
        parse_theme(path)


async def test_user_themes_and_a_broken_one(session: Session) -> None:
    folder = paths.user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#AA5500"\ndark = false\n')
    (folder / "broken.toml").write_text('name = "broken"\nprimary = "#GGGGGG"\n')
    async with running(session, theme="broken") as (app, _):
        assert "mine" in app.available_themes
        assert app.theme == DEFAULT_THEME  # the broken one is refused, the default used
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m and "'primary' is not a colour" in m for m in messages)


async def test_the_theme_asked_for_is_the_one_the_app_opens_with(session: Session) -> None:
    """Start-up sets the theme without restyling twice; its classes and colours are still
    the theme's by the time the week is on screen."""
    chosen: list[str] = []
    async with running(session, theme="tenktui-light", on_theme_change=chosen.append) as (
        app,
        pilot,
    ):
        await pilot.pause()
        assert app.theme == "tenktui-light"
        assert app.has_class("-theme-tenktui-light", "-light-mode")
        assert not app.has_class("-dark-mode")
        light = app.get_theme("tenktui-light")
        assert light is not None and light.background is not None
        assert app.screen.styles.background.hex.lower() == light.background.lower()
        assert chosen == []  # opening on a theme is not choosing one


@pytest.mark.slow
async def test_switching_theme_tells_who_remembers_it(session: Session) -> None:
    chosen: list[str] = []
    async with running(session, on_theme_change=chosen.append) as (app, pilot):
        await run_palette(app, pilot, "Switch theme")
        assert isinstance(app.screen, FuzzyPicker)
        await pilot.press(*"high", "enter")
        assert app.theme == "tenktui-high-contrast"
        assert chosen == ["tenktui-high-contrast"]


async def test_no_color_is_honoured(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with running(session) as (app, _):
        assert app.no_color
        assert any(isinstance(f, Monochrome) for f in app._filters)


@pytest.mark.xdist_group("wheel")  # pip builds in the source tree: one build at a time
@pytest.mark.slow
def test_the_wheel_carries_the_themes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("tenktui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if "/data/share/tenktui/themes/" in n}
    assert {p.name for p in (ROOT / "themes").glob("*.toml")} <= shipped


@pytest.mark.slow
@pytest.mark.xdist_group("wheel")
def test_an_installed_wheel_finds_its_themes(tmp_path: Path) -> None:
    """Installed (not from the source tree), the themes come from <prefix>/share."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("tenktui-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", wheel],
        check=True,
        capture_output=True,
    )
    deps = next(p for p in sys.path if p.endswith("site-packages"))
    probe = (
        "import tenktui, tenktui.ui.themes as t; d = t.builtin_themes_dir(); "
        "print(tenktui.__file__); print(d); print(sorted(x.name for x in d.glob('*.toml')))"
    )
    out = subprocess.run(
        [str(python), "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    ).stdout.splitlines()
    assert out[0].startswith(str(venv))  # the installed copy, not the source tree
    assert out[1] == str(venv / "share" / "tenktui" / "themes")
    assert "tenktui-dark.toml" in out[2]


# -- logging -----------------------------------------------------------------------------------
def test_logs_go_to_a_file_not_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    path = setup_logging()
    try:
        logging.getLogger("tenktui.api").warning("retrying in %s s", 2)
        for handler in logging.getLogger("tenktui").handlers:
            handler.flush()
        assert path.parent == paths.cache_dir() / "log"
        assert "retrying in 2 s" in path.read_text()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # readable by the owner only
        captured = capsys.readouterr()
        assert "retrying" not in captured.err + captured.out
    finally:
        for name in ("", "tenktui", "httpx", "httpcore", "uvicorn", "uvicorn.error"):
            logger = logging.getLogger(name)
            for handler in list(logger.handlers):
                if getattr(handler, "baseFilename", None) == str(path):
                    logger.removeHandler(handler)
                    handler.close()
            logger.propagate = True


# -- clicks -------------------------------------------------------------------------------------
async def open_screen(app, pilot, name: str) -> None:
    """Go to ``name`` by its F-key (Subtasks: of the timesheet row with one assignment)."""
    if name == "subtasks":
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, TimesheetScreen))
        sheet(app).grid.move_to(2, 0)  # Website Redesign — Design: one assignment this week
    await pilot.press(keys.SCREEN_KEYS[name])
    await wait_for(pilot, lambda: app.screen_name == name)
    await wait_for(pilot, lambda: bool(app.screen.query(AppBar)))


def tab_offset(app, name: str) -> tuple[int, int]:
    """Where the tab of ``name`` sits in the app bar (`` Timesheet  Assignments …``)."""
    x = 1
    for other in app.screen_names:
        if other == name:
            return (x + 2, 0)
        x += len(TITLES[other]) + 2
    raise AssertionError(f"no tab for {name}")


@pytest.mark.parametrize("source", list(keys.SCREEN_KEYS))
@pytest.mark.slow
async def test_every_tab_can_be_clicked_from_every_screen(session: Session, source: str) -> None:
    """Issue 12.1: on the old bar a click from any screen but the Timesheet hung the app
    (the tab's handler waited for its own screen to close)."""
    async with running(session) as (app, pilot):
        for target in app.screen_names:
            await open_screen(app, pilot, source)
            if target == source:
                continue
            await pilot.click(AppBar, offset=tab_offset(app, target))
            if target == "subtasks" and source != "timesheet":
                # Which assignment: the picker asks, Enter takes the first.
                await wait_for(pilot, lambda: isinstance(app.screen, FuzzyPicker))
                await pilot.press("enter")
            await wait_for(pilot, lambda target=target: app.screen_name == target)
            await wait_for(pilot, lambda: bool(app.screen.query(AppBar)))
        # Still answering keys after every click.
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, TimesheetScreen))


# -- one meaning per key ------------------------------------------------------------------------
# Keys that move in time mean the same wherever they are bound.
TIME_KEYS = {
    "t": "this week",
    "left_square_bracket": "earlier",
    "p": "earlier",
    "right_square_bracket": "later",
    "n": "later",
}
MEANINGS = {
    "this_week": "this week",
    "week(-1)": "earlier",
    "shift(-1)": "earlier",
    "week(1)": "later",
    "shift(1)": "later",
}


def screen_bindings() -> dict[str, list]:
    from tenktui.ui.screens.assignments import AssignmentsScreen
    from tenktui.ui.screens.outbox import OutboxScreen
    from tenktui.ui.screens.status import StatusScreen
    from tenktui.ui.screens.subtasks import SubtasksScreen
    from tenktui.ui.widgets.load_strip import LoadStrip

    return {
        "timesheet": [*keys.GRID, *keys.TIMESHEET],
        "assignments": [*AssignmentsScreen.BINDINGS, *LoadStrip.BINDINGS],
        "status": list(StatusScreen.BINDINGS),
        "subtasks": list(SubtasksScreen.BINDINGS),
        "outbox": list(OutboxScreen.BINDINGS),
    }


def test_one_meaning_per_key_and_screens_switch_on_f_keys_only() -> None:
    """Issue 12.13: ``t`` was "this week" on the Timesheet, "go to Timesheet" on Assignments
    and "take theirs" in the Outbox."""
    switching = ("go(", "open_timesheet")
    for screen, bindings in screen_bindings().items():
        for binding in bindings:
            for key in binding.key.split(","):
                if key in TIME_KEYS:
                    meaning = MEANINGS.get(binding.action)
                    assert meaning == TIME_KEYS[key], (screen, key, binding.action)
            assert not binding.action.startswith(switching), (screen, binding.key)
    for binding in keys.APP:
        if binding.action.startswith("app.go("):
            assert all(key.startswith("f") for key in binding.key.split(","))


# -- the footer ---------------------------------------------------------------------------------
LONG_SYNC_LINE = "demo: network cut · throttled until 14:05 · 12 pending · 3 failed · 2 conflicts"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(keys.SCREEN_KEYS))
async def test_key_hints_stay_visible_whatever_the_sync_state_says(
    session: Session, name: str
) -> None:
    """Issue 12.16: a long sync state covered the key hints."""
    from textual.widgets._footer import FooterKey

    async with running(session, size=(100, 24)) as (app, pilot):
        await open_screen(app, pilot, name)
        app.sync_line = LONG_SYNC_LINE
        await pilot.pause()
        footer = app.screen.query_one("SyncFooter")
        sync = footer.query_one("#footer-sync").region
        hints = [k.region for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
        assert hints
        for hint in hints:
            assert hint.right <= app.size.width, hint
            assert not hint.overlaps(sync), (hint, sync)
        # The state may cover the palette key's description, never its key.
        palette = footer.query_one(".-command-palette").region
        assert not palette.crop_size((4, 1)).overlaps(sync), (palette, sync)
        # What does not fit is cut (with an ellipsis); the whole line is the tooltip.
        assert footer.query_one("#footer-sync").tooltip == LONG_SYNC_LINE


@pytest.mark.parametrize("name", list(keys.SCREEN_KEYS))
@pytest.mark.slow
async def test_the_footers_help_hint_can_be_clicked_on_every_screen(
    session: Session, name: str
) -> None:
    from textual.widgets._footer import FooterKey

    async with running(session) as (app, pilot):
        await open_screen(app, pilot, name)
        [hint] = [k for k in app.screen.query(FooterKey) if k.action == "app.help"]
        await pilot.click(hint)
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen_name == name)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(keys.SCREEN_KEYS))
async def test_at_60_columns_the_footer_keeps_help_and_the_sync_state(
    session: Session, name: str
) -> None:
    """Issue 15: at 60x20 the hints ran past the edge, cutting "? Help" and the state."""
    from textual.widgets._footer import FooterKey

    async with running(session, size=(60, 20)) as (app, pilot):
        await open_screen(app, pilot, name)
        footer = app.screen.query_one("SyncFooter")
        sync = footer.query_one("#footer-sync").region
        hints = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
        assert [k.action for k in hints if k.action == "app.help"] == ["app.help"]
        for hint in hints:
            assert hint.region.right <= sync.x, (hint.action, hint.region, sync)
        assert sync.width >= len("online")
        palette = footer.query_one(".-command-palette").region
        assert palette.right <= app.size.width


# -- the heap (issue 15) ------------------------------------------------------------------
@pytest.mark.parametrize("owns_process", [True, False])
async def test_the_heap_is_frozen_after_the_first_frame_only_in_a_process_of_its_own(
    session: Session, owns_process: bool
) -> None:
    """A full collection walking start-up's objects stalled a keystroke now and then:
    ``tenktui`` freezes them once the first frame is out. A test process does not."""
    gc.unfreeze()
    try:
        async with running(session, freeze_heap=owns_process) as (_, pilot):
            await pilot.pause()
            assert (gc.get_freeze_count() > 0) is owns_process
            # ... and collections move to the moments between keystrokes (idle_gc)
            assert gc.isenabled() is not owns_process
    finally:
        gc.enable()
        gc.unfreeze()  # the test process keeps collecting everything
