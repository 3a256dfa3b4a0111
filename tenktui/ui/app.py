"""The Textual app: screens, the sync worker, themes and the messages between them.

It opens on the Timesheet drawn from the store, then syncs in a worker. The
worker only posts messages (see :mod:`tenktui.ui.messages`); this class owns
the sync state and hands ``StoreChanged`` to every open screen.

Each screen is built once and shown again (``_show``): building, composing and
reading the store on every F-key was most of a switch's time. A screen shown
again reads the store only if something it shows moved meanwhile (see
:class:`~tenktui.ui.widgets.screens_base.StoreScreen`). When the app has the process
to itself, the other screens are built, painted and kept fresh while no key comes
(:mod:`tenktui.ui.ahead`), so that even a first showing only draws.

Dialogs, pickers, help and the other screens are imported when first opened (or in
a thread after the first frame): start-up pays only for what the first paint needs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual import events, work
from textual.app import App
from textual.binding import BindingType
from textual.command import Provider
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from tenktui import gc_pause
from tenktui.store import InvalidEdit
from tenktui.store.timer import RunningTimer
from tenktui.sync.state import SyncState
from tenktui.text import clean
from tenktui.ui import css_cache, keys
from tenktui.ui.ahead import ScreensAhead
from tenktui.ui.idle_gc import CHECK_SECONDS, IdleCollector
from tenktui.ui.key_hold import KeyHold, closes
from tenktui.ui.messages import (
    EditQueued,
    OpenSubtasks,
    OpenTimesheetRow,
    StoreChanged,
    SyncRequested,
    SyncStateChanged,
)
from tenktui.ui.screens.timesheet import TimesheetScreen
from tenktui.ui.themes import DEFAULT_THEME, first_themes, later_themes
from tenktui.ui.timer import TimerShown, label_of, shown
from tenktui.ui.widgets.app_bar import TITLES
from tenktui.ui.widgets.screens_base import StoreScreen

if TYPE_CHECKING:
    from tenktui.session import Session
    from tenktui.ui.widgets.kept_picker import KeptPicker
    from tenktui.ui.widgets.picker import PickItem

log = logging.getLogger("tenktui.ui")

# The other screens, imported when first opened.
SCREENS_BY_NAME = {
    "assignments": ("tenktui.ui.screens.assignments", "AssignmentsScreen"),
    "status": ("tenktui.ui.screens.status", "StatusScreen"),
    "subtasks": ("tenktui.ui.screens.subtasks", "SubtasksScreen"),
    "outbox": ("tenktui.ui.screens.outbox", "OutboxScreen"),
    "reports": ("tenktui.ui.screens.reports", "ReportsScreen"),
}
# Loaded in a thread once the first frame is out (``preload_screens``): a screen's
# first showing then builds it, and does not also import it (the Outbox's 31 modules).
PRELOADED = (
    *(module for module, _ in SCREENS_BY_NAME.values()),
    "tenktui.ui.widgets.kept_picker",
    "tenktui.ui.screens.help",
)
POLL_SECONDS = 1.0
RESTART_SECONDS = 5.0
SUBTASK_RANGE = dt.timedelta(weeks=8)
# How often the running timer's minutes are looked at: the footer redraws only when the
# minute it shows changes, so this is the most the shown time lags behind.
TIMER_TICK_SECONDS = 1.0
# The CSS parsed for the first frame is kept (tenktui.ui.css_cache) this long after it,
# so that the writing never holds up the frame's own bytes.
KEEP_CSS_SECONDS = 0.5


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def tenk_commands() -> type[Provider]:
    """The palette's own commands, imported when the palette first opens (Textual takes a
    callable in ``COMMANDS`` for that): start-up does not need them."""
    from tenktui.ui.commands import TenkCommands

    return TenkCommands


class TenkApp(App[int]):
    """tenktui: a keyboard-first timesheet on a local store that syncs in the background."""

    TITLE = "tenktui"
    BINDINGS = keys.APP
    COMMANDS = App.COMMANDS | {tenk_commands}
    ENABLE_COMMAND_PALETTE = True

    sync_line: reactive[str] = reactive("")
    # The running timer as the footers show it (None: none runs); see tenktui.ui.timer.
    timer_shown: reactive[TimerShown | None] = reactive(None)

    def __init__(
        self,
        session: Session,
        *,
        theme: str | None = None,
        on_theme_change: Callable[[str], None] | None = None,
        sync: bool = True,
        keymap: dict[str, str] | None = None,
        exit_after_paint: bool = False,
        clock: Callable[[], dt.datetime] = utc_now,
        freeze_heap: bool = False,
    ) -> None:
        """``freeze_heap``: the app has the process to itself (``tenktui``, not a test):
        see :meth:`freeze_heap`."""
        super().__init__()
        # Textual's stylesheet, on the CSS the last starts parsed (nothing is parsed yet).
        self.stylesheet = css_cache.stylesheet(self.stylesheet)
        self.session = session
        # The present for the timer (aware); tests pass a clock they move.
        self.clock = clock
        self.sync_enabled = sync
        self.exit_after_paint = exit_after_paint
        self.freezes_heap = freeze_heap
        self.collector = IdleCollector()
        self.keymap = dict(keymap or {})
        if self.keymap:
            self.set_keymap(self.keymap)
        self.on_theme_change = on_theme_change
        themes, errors, later = first_themes(theme or DEFAULT_THEME)
        self._later_themes = later  # read once the first frame is out
        self.tenk_themes: list[Theme] = themes
        self.startup_notes = [str(e) for e in errors]
        for item in themes:
            self.register_theme(item)
        wanted = theme or DEFAULT_THEME
        if wanted not in self.available_themes:
            self.startup_notes.append(f"Theme {wanted!r} is not installed; using {DEFAULT_THEME}.")
            wanted = DEFAULT_THEME
        self.theme = wanted
        self.sync_state: SyncState = session.cached_state()
        self._was_syncing = False
        self._data_version: int | None = None
        self._names: WeakKeyDictionary[Screen[Any], str] = WeakKeyDictionary()
        # The screens built so far, by name, shown again rather than built again.
        self._kept: dict[str, StoreScreen] = {}
        self._kept_picker: KeptPicker | None = None
        # The other screens built, painted and refreshed between keystrokes.
        self.ahead = ScreensAhead(self)
        self.sync_line = self._describe(self.sync_state)
        self._timer: RunningTimer | None = None
        self._timer_label = ""
        self._read_timer()
        self.key_hold = KeyHold()

    # -- start-up -------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        screen = TimesheetScreen(self.session)
        self._names[screen] = "timesheet"
        return screen

    def on_mount(self) -> None:
        for note in self.startup_notes:
            self.notify(note, title="Theme", severity="warning", timeout=12)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._later_themes:
            self.call_after_refresh(self._read_later_themes)
        self._data_version = self.session.store.database.data_version()
        self.set_interval(POLL_SECONDS, self._poll_store, name="store-poll")
        self.set_interval(TIMER_TICK_SECONDS, self._tick_timer, name="timer-tick")
        if self.sync_enabled and not self.exit_after_paint:
            # After the first paint: the cached week shows before any network work starts.
            self.call_after_refresh(self.run_sync)
        if self.freezes_heap and not self.exit_after_paint:
            self.call_after_refresh(self._preload_screens)
        self.call_after_refresh(self.freeze_heap)
        self.set_timer(KEEP_CSS_SECONDS, self.keep_css, name="keep-css")

    def keep_css(self) -> None:
        """Keep the CSS parsed so far for the next start (tenktui.ui.css_cache)."""
        css_cache.save(self.stylesheet)

    def freeze_heap(self) -> None:
        """Take the objects alive now out of the garbage collector's scans (gc.freeze).

        Start-up leaves a heap of long-lived objects (modules, styles, the screen);
        each full collection walked all of them, about 100 ms at a time, in the middle
        of a keystroke now and then. Called after the first frame and once the network
        code is loaded; only when the app has the process to itself. The collector
        ``tenktui`` paused while the app started (tenktui.gc_pause) is back on then; in
        a process of the app's own, collections then run between keystrokes."""
        if not self.freezes_heap:
            gc_pause.resume()  # freezes what is alive, and collects again (if it paused)
            return
        # From now on the collector runs between keystrokes (tenktui.ui.idle_gc): it
        # freezes what is alive and takes over from the pause, which only ends here.
        if not self.collector.active:
            self.set_interval(CHECK_SECONDS, self.collector.tick, name="idle-gc")
        gc_pause.resume(freeze=False)
        self.collector.start()

    @work(thread=True, exclusive=True, group="preload", exit_on_error=False)
    def _preload_screens(self) -> None:
        """The other screens' modules, imported in a thread after the first frame when
        the app has the process to itself (tests import them as they go); then the
        screens are built ahead, between keystrokes (tenktui.ui.ahead)."""
        preload_screens()
        self.call_from_thread(self.ahead.start)

    @property
    def screen_names(self) -> list[str]:
        caps = self.session.capabilities
        return [n for n in keys.SCREEN_KEYS if n != "status" or caps.statuses]

    @property
    def screen_name(self) -> str | None:
        """The name of the screen on top (``None`` for a dialog or picker)."""
        return self.name_of(self.screen)

    def name_of(self, screen: Screen[Any]) -> str | None:
        """The name of one of the app's screens (``None`` for a dialog or picker)."""
        return self._names.get(screen)

    @property
    def kept_screens(self) -> dict[str, StoreScreen]:
        """The screens built so far (the Timesheet aside), by name: shown again rather
        than built again."""
        return dict(self._kept)

    # -- keys typed while a picker closes (tenktui.ui.key_hold) -------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.collector.key()
            self.ahead.wake()  # the week may move: the Assignments follow it
            if self.key_hold.keep(event):
                return
            if closes(self.screen, event):
                await super().on_event(event)
                self.key_hold.start(self.set_timer, self.release_keys)
                return
        await super().on_event(event)

    async def release_keys(self) -> None:
        """Handle the keys held while a picker closed, in the order typed."""
        for key in self.key_hold.take():
            await self.on_event(key)

    # -- sync -------------------------------------------------------------------------
    @work(exclusive=True, group="sync", exit_on_error=False)
    async def run_sync(self) -> None:
        """The engine's loop, restarted should it ever stop on an unexpected error."""
        # Connecting imports the network stack: that part runs in a thread, so keys keep
        # answering; the engine itself is made here, on the store's own thread.
        await asyncio.to_thread(self.session.preload)
        self.freeze_heap()
        sync = self.session.sync
        unsubscribe = sync.subscribe(self._engine_state)
        try:
            while True:
                try:
                    await sync.run()
                except Exception as err:
                    log.exception("the sync loop stopped")
                    stopped = SyncState(kind="offline", message=f"sync stopped: {err}")
                    self._engine_state(stopped.counted(self.session.store.outbox.counts()))
                await asyncio.sleep(RESTART_SECONDS)
        finally:
            unsubscribe()  # the app is gone: no messages to a closed message pump

    def _engine_state(self, state: SyncState) -> None:
        """The engine's callback (same event loop): turn it into messages."""
        syncing = state.kind == "syncing"
        if self._was_syncing and not syncing:
            self.post_message(StoreChanged())
        self._was_syncing = syncing
        self.post_message(SyncStateChanged(state))

    def _poll_store(self) -> None:
        """Another process (a second tenktui, a headless command) wrote to the profile."""
        version = self.session.store.database.data_version()
        if version != self._data_version:
            self._data_version = version
            self.post_message(StoreChanged())

    def _read_timer(self) -> None:
        """The store's timer, read again: after an edit, or a write by another process."""
        store = self.session.store
        self._timer = store.timer.running()
        self._timer_label = label_of(store, self._timer.assignable_id) if self._timer else ""
        self._tick_timer()

    def _tick_timer(self) -> None:
        """Move the footer's timer on: no store read, no network; the footers redraw only
        when the minute shown changes (a reactive compares old and new)."""
        self.timer_shown = shown(self._timer, self._timer_label, self.clock())

    def _describe(self, state: SyncState) -> str:
        line = state.describe()
        if self.session.sync.network_cut:
            line = f"demo: network cut · {line}"
        return line

    def _recount(self) -> None:
        self.sync_state = self.sync_state.counted(self.session.store.outbox.counts())
        self.sync_line = self._describe(self.sync_state)

    def _forward(self, message: Message) -> None:
        """Hand a copy of ``message`` to every open screen (copies do not bubble back)."""
        for screen in self.screen_stack:
            copy = (
                SyncStateChanged(message.state)
                if isinstance(message, SyncStateChanged)
                else StoreChanged()
            )
            copy.bubble = False
            screen.post_message(copy)

    def on_sync_state_changed(self, message: SyncStateChanged) -> None:
        self.sync_state = message.state
        self.sync_line = self._describe(message.state)
        self._forward(message)

    def on_store_changed(self, message: StoreChanged) -> None:
        self.ahead.wake()
        self._recount()
        self._read_timer()  # another process may have started or stopped it
        self._forward(message)

    def on_edit_queued(self, message: EditQueued) -> None:
        self.ahead.wake()
        self._recount()
        self._read_timer()
        # Sync once the edit is on screen: a pass's work must not delay the redraw.
        self.call_after_refresh(self.session.sync.poke)

    def on_sync_requested(self, message: SyncRequested) -> None:
        self.session.sync.poke()

    def action_sync_now(self) -> None:
        self.post_message(SyncRequested())
        self.notify("Syncing now.", timeout=2)

    # -- screens ----------------------------------------------------------------------
    @property
    def timesheet(self) -> TimesheetScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, TimesheetScreen)
        return screen

    def _screen_class(self, name: str) -> type[StoreScreen] | None:
        module, cls = SCREENS_BY_NAME[name]
        try:
            return getattr(importlib.import_module(module), cls)
        except (ImportError, AttributeError):
            log.warning("screen %s is not available", name, exc_info=True)
            self.notify(f"The {TITLES[name]} screen is not available yet.", severity="warning")
            return None

    async def _to_base(self) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    async def _show(self, name: str, *args: Any, on_top: bool = False, **options: Any) -> None:
        if not on_top:
            await self._to_base()
        screen = await self.kept_screen(name, *args, **options)
        if screen is not None:
            await self.push_screen(screen)

    async def kept_screen(self, name: str, *args: Any, **options: Any) -> StoreScreen | None:
        """The screen ``name`` built before if it can show ``args``/``options`` (the
        Assignments of another week can; another assignment's checklist cannot), else a
        new one, kept (installed: Textual then keeps it when it is popped) in the place
        of the old one."""
        kept = self._kept.get(name)
        if kept is not None and kept.reopen(*args, **options):
            return kept
        cls = self._screen_class(name)
        if cls is None:
            return None
        screen = cls(self.session, *args, **options)
        self._names[screen] = name
        if kept is not None:
            if any(kept in stack for stack in self._screen_stacks.values()):
                return screen  # under the new one (never so today): shown once, not kept
            self.uninstall_screen(kept)
            await kept.remove()
        self._kept[name] = screen
        self.install_screen(screen, f"tenktui-{name}")
        return screen

    async def action_go(self, name: str) -> None:
        if name == "status" and not self.session.capabilities.statuses:
            name = self.session.store.database.get_meta("backend_name", "This server")
            self.notify(f"{name} has no presence statuses (ITO, WFH, …).", severity="warning")
            return
        # An F-key in a picker leaves the picker first (F5 in one would pile up another).
        while isinstance(self.screen, ModalScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()
        if self._names.get(self.screen) == name and name != "subtasks":
            return
        if name == "timesheet":
            await self._to_base()
        elif name == "subtasks":
            await self._pick_assignment()
        elif name == "assignments":
            # The range around the week the timesheet shows.
            await self._show(name, week_start=self.timesheet.week_start)
        else:
            await self._show(name)

    def action_tab(self, name: str) -> None:
        """A tab was clicked: go there from the app's own queue, not the clicked widget's
        (awaited there, closing the widget's screen would wait on the widget itself)."""
        self.call_later(self.action_go, name)

    async def _pick_assignment(self) -> None:
        """Subtasks of the timesheet row's assignment, or of one the person picks."""
        store = self.session.store
        user = store.me_id()
        if user is None:
            self.notify("Wait for the first sync to finish.")
            return
        mine = self._row_assignments(user)
        if len(mine) == 1:
            await self._show("subtasks", mine[0]["id"])
            return
        assignments = mine or self._assignments_around_today(user)
        if not assignments:
            self.notify("No assignments with subtasks around this week.")
            return
        items = self._assignment_items(assignments)

        async def picked(assignment_id: int | None) -> None:
            if assignment_id is None:
                return
            # Over the screen it was asked from, so Escape goes back there; one checklist
            # replaces another rather than piling up.
            if self.screen_name == "subtasks":
                await self.pop_screen()
            await self._show("subtasks", assignment_id, on_top=True)

        self.push_screen(self._assignment_picker(items), picked)

    def _row_assignments(self, user: int) -> list[dict[str, Any]]:
        """The assignments of the Timesheet row under the cursor in the week it shows,
        when the Timesheet is on top (F5 shows the checklist of the only one)."""
        if self.screen is not self.timesheet or self.timesheet.grid.current_row is None:
            return []
        row = self.timesheet.grid.current_row
        start = self.timesheet.week_start
        return [
            a
            for a in self.session.store.queries.assignments(
                user, start, start + dt.timedelta(days=6)
            )
            if a["assignable_id"] == row.assignable_id
        ]

    def subtasks_f5_would_show(self) -> int | None:
        """The assignment whose checklist F5 would show at once from here, if any (the
        screens-ahead build it while no key comes)."""
        user = self.session.store.me_id()
        mine = self._row_assignments(user) if user is not None else []
        return mine[0]["id"] if len(mine) == 1 else None

    def _assignments_around_today(self, user: int) -> list[dict[str, Any]]:
        """The person's assignments (not leave) within :data:`SUBTASK_RANGE` of today."""
        store = self.session.store
        today = store.database.today()
        return [
            a
            for a in store.queries.assignments(user, today - SUBTASK_RANGE, today + SUBTASK_RANGE)
            if a.get("kind") != "leave"
        ]

    def _assignment_items(self, assignments: list[dict[str, Any]]) -> list[PickItem]:
        """The picker's choices: current and coming ones first (by start), then those
        that ended (latest first)."""
        from tenktui.ui.widgets.picker import PickItem

        day = self.session.store.database.today().isoformat()
        current = sorted(
            (a for a in assignments if a["ends_at"] >= day), key=lambda a: a["starts_at"]
        )
        ended = [a for a in assignments if a["ends_at"] < day]
        ended.sort(key=lambda a: a["ends_at"], reverse=True)
        return [
            PickItem(a["label"], a["id"], f"{a['starts_at']} → {a['ends_at']}")
            for a in current + ended
        ]

    def assignment_picker_ahead(self) -> KeptPicker | None:
        """F5's picker with the assignments around today, made (not shown) if it was
        not yet: the screens-ahead build it (``None``: no assignments, or made)."""
        user = self.session.store.me_id()
        if self._kept_picker is not None or user is None:
            return None
        assignments = self._assignments_around_today(user)
        return self._assignment_picker(self._assignment_items(assignments)) if assignments else None

    def _assignment_picker(self, items: list[PickItem]) -> KeptPicker:
        """The picker of F5 on a row without one assignment, built once, shown again."""
        from tenktui.ui.widgets.kept_picker import KeptPicker

        picker = self._kept_picker
        if picker is None:
            picker = self._kept_picker = KeptPicker("Subtasks of which assignment?", items)
            self.install_screen(picker, "tenktui-assignment-picker")
        else:
            picker.reopen(items)
        return picker

    async def on_open_subtasks(self, message: OpenSubtasks) -> None:
        await self._show("subtasks", message.assignment_id, on_top=True)

    async def on_open_timesheet_row(self, message: OpenTimesheetRow) -> None:
        await self.go_to_project(message.assignable_id, message.day)

    async def go_to_project(self, assignable_id: int, day: dt.date | None = None) -> None:
        await self._to_base()
        self.timesheet.show_row(assignable_id, day)
        self.timesheet.grid.focus()

    def action_pick_project(self) -> None:
        from tenktui.ui.widgets.picker import FuzzyPicker, PickItem

        items = [
            PickItem(p["label"], p["id"], p.get("client") or p["kind"])
            for p in self.session.store.queries.loggable()
        ]

        async def picked(assignable_id: int | None) -> None:
            if assignable_id is not None:
                await self.go_to_project(assignable_id)

        self.push_screen(FuzzyPicker("Go to project, phase or leave type", items), picked)

    async def run_on_timesheet(self, action: str) -> None:
        """Run a Timesheet action (from the palette), going back to it first."""
        await self._to_base()
        await self.run_action(action, self.timesheet)
        self.timesheet.grid.focus()

    def set_status(self, code: str, message: str | None = None) -> None:
        store = self.session.store
        user = store.me_id()
        if user is None:
            self.notify("Wait for the first sync to finish.")
            return
        try:
            store.edits.set_status(user, code, message)
        except InvalidEdit as err:
            self.notify(clean(str(err)), severity="error", markup=False)
            return
        self.notify(f"Status set to {code}.")
        self.post_message(EditQueued(f"status {code}"))
        self.post_message(StoreChanged())

    # -- help, themes, demo ---------------------------------------------------------------
    def action_help(self) -> None:
        from tenktui.ui.screens.help import HelpScreen, help_sections

        if isinstance(self.screen, HelpScreen):
            return
        others: list[tuple[str, list[BindingType]]] = []
        for name in self.screen_names:
            if name == "timesheet":
                continue
            module, cls = SCREENS_BY_NAME[name]
            try:
                screen_cls = getattr(importlib.import_module(module), cls)
            except (ImportError, AttributeError):
                continue
            others.append((TITLES[name], list(getattr(screen_cls, "BINDINGS", []))))
        self.push_screen(HelpScreen(help_sections(self.keymap, self.get_key_display, others)))

    def action_switch_theme(self) -> None:
        from tenktui.ui.widgets.picker import FuzzyPicker, PickItem

        names = [t.name for t in self.tenk_themes]
        items = [PickItem(name, name, "current" if name == self.theme else "") for name in names]

        def picked(name: str | None) -> None:
            if name is not None:
                self.theme = name

        self.push_screen(FuzzyPicker("Switch theme", items), picked)

    def _read_later_themes(self) -> None:
        """The built-in themes the start left for after its first frame (first_themes):
        registered, and listed with the one it read, by name, before the person's own."""
        files, self._later_themes = self._later_themes, []
        first, *user = self.tenk_themes  # first_themes: the built-in one read, then theirs
        themes, errors = later_themes(files, (t.name for t in self.tenk_themes))
        for item in themes:
            self.register_theme(item)
        self.tenk_themes = [*sorted([first, *themes], key=lambda t: t.name), *user]
        for error in errors:
            self.notify(str(error), title="Theme", severity="warning", timeout=12)

    def _theme_changed(self, theme: Theme) -> None:
        if self.on_theme_change is not None:
            self.on_theme_change(theme.name)

    def action_toggle_network(self) -> None:
        sync = self.session.sync
        if not sync.can_cut_network:
            return
        cut = sync.toggle_network()
        if cut:
            self.notify("Network cut: edits queue in the outbox until you restore it.")
        else:
            self.notify("Network restored: queued edits are being sent.")
        self.sync_line = self._describe(self.sync_state)
        sync.poke()


def preload_screens() -> None:
    """Import every screen's module (and the picker's), so that a screen's first showing
    only builds it: safe to run in a thread; one that fails waits for its key, which
    says so."""
    for module in PRELOADED:
        try:
            importlib.import_module(module)
        except ImportError:
            log.warning("could not preload %s", module, exc_info=True)
