"""Screens kept ready while the person is not typing (issue 15).

The app builds each screen once and shows it again, but the first showing built it:
composing, styling and filling it, then laying out and rendering every widget for the
first time, 70-400 ms of the key that showed it. And a screen shown again after an
edit read the store and rendered its table again on that key.

So, when the app has the process to itself, :class:`ScreensAhead` does that work
between keystrokes, one step at a time (a step holds the keys for 10-250 ms, so none
starts within :data:`~tenktui.ui.idle_gc.IDLE_SECONDS` of a key):

- **build** the next screen of :data:`AHEAD` not built yet: Textual composes, mounts
  and styles it, it reads the store, and it is laid out at the terminal's size;
- **paint** it on the next step: a layout and a render thrown away, after which its
  widgets keep the lines they rendered (again on the step after, should its widgets
  have asked for another layout meanwhile, up to :data:`PAINTS` times);
- then F5's assignment picker, with the assignments around today; and the
  checklist F5 would show at once, of the Timesheet row's assignment;
- **refresh** a kept screen off the stack that the store moved under (an edit, a
  sync), or the Assignments when the Timesheet changed week, and paint it again.

A screen built ahead asks nothing of the network until it is shown
(:meth:`~tenktui.ui.widgets.screens_base.StoreScreen.first_shown`). The steps run
on a timer that pauses when nothing is left to do, and wakes on a key (the week may
have moved) or a store change.

What is done here with Textual's private parts is what ``App.push_screen`` and
``Screen._compositor_refresh`` do, less the stack and the terminal:
``tests/test_ui_screen_switch.py`` shows a screen built ahead is the one shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets._toast import ToastRack

from tenktui.ui.widgets.screens_base import StoreScreen, start_frame_clock
from tenktui.ui.widgets.sync_footer import SyncFooter

if TYPE_CHECKING:
    from textual.timer import Timer

    from tenktui.ui.app import TenkApp

# Built ahead, in this order; then F5's picker, and the checklist of the row under the
# Timesheet's cursor (which one depends on the row: built again when it changes).
AHEAD = ("assignments", "status", "outbox", "reports")
STEP_SECONDS = 0.1  # between two steps
PAINTS = 3  # at most, of one screen


class ScreensAhead:
    """Builds, paints and refreshes the screens not shown, one step per tick."""

    def __init__(self, app: TenkApp) -> None:
        self.app = app
        self._to_build = list(AHEAD)
        self._unpainted: Screen[Any] | None = None
        self._paints = 0  # of the screen in _unpainted
        self._timer: Timer | None = None

    def start(self) -> None:
        """Begin (once the screens' modules are loaded): steps from now on."""
        if self._timer is None:
            self._timer = self.app.set_interval(STEP_SECONDS, self.step, name="ahead")

    def wake(self) -> None:
        """Something may need doing again (a key, a store change)."""
        if self._timer is not None:
            self._timer.resume()

    async def step(self) -> str | None:
        """One step, unless the person is typing; the name of the screen it worked on
        (``None``: none, and the timer pauses when nothing was left)."""
        app = self.app
        if app.collector.typing:
            return None
        if self._unpainted is not None:
            screen = self._unpainted
            # Laying a screen out sends its widgets Resize, and some answer with a new
            # layout (a table filled again): painted again, until it is settled.
            if not self._paints or (screen._layout_required and self._paints < PAINTS):
                paint_ahead(screen)
                self._paints += 1
                return app.name_of(screen) or "picker"
            self._unpainted, self._paints = None, 0
        while self._to_build:
            name = self._to_build.pop(0)
            if name in app.kept_screens or name not in app.screen_names:
                continue
            self._unpainted = await self.build(name)
            return name
        # None once made (or while the first sync has not found the person yet).
        picker = app.assignment_picker_ahead()
        if picker is not None:
            await mount_ahead(picker)
            self._unpainted = picker
            return "picker"
        subtasks = app.subtasks_f5_would_show()
        kept = app.kept_screens.get("subtasks")
        if subtasks is not None and (kept is None or not kept.reopen(subtasks)):
            screen = await app.kept_screen("subtasks", subtasks)
            if screen is not None and not screen.is_running:
                await mount_ahead(screen)
                self._unpainted = screen
                return "subtasks"
        for name, screen in app.kept_screens.items():
            if screen.on_stack or not screen.is_running:
                continue
            if name == "assignments":
                screen.reopen(week_start=app.timesheet.week_start)
            if screen.stale:
                screen.redraw()
                compose_footers_ahead(screen)  # the keys an edit enables or disables
                self._unpainted = screen
                return name
        if self._timer is not None:
            self._timer.pause()
        return None

    async def build(self, name: str) -> StoreScreen | None:
        """Build the screen ``name`` and keep it, without showing it (see the module)."""
        options: dict[str, Any] = {}
        if name == "assignments":
            options["week_start"] = self.app.timesheet.week_start
        screen = await self.app.kept_screen(name, **options)
        if screen is not None and not screen.is_running:
            await mount_ahead(screen)
        return screen


async def mount_ahead(screen: Screen[Any]) -> None:
    """What push_screen does to a new screen, less putting it on the stack; then the
    layout its showing would make, so that it is sized and need not redraw."""
    app = screen.app
    app._load_screen_css(screen)
    await AwaitMount(screen, app._register(app, screen))
    screen._refresh_layout(app.size)
    compose_footers_ahead(screen)


def compose_footers_ahead(screen: Screen[Any]) -> None:
    """The key hints of a screen not shown, composed now if they changed."""
    for footer in screen.query(SyncFooter).results(SyncFooter):
        footer.compose_ahead()


def paint_ahead(screen: Screen[Any]) -> None:
    """Lay out and render a screen that is built but not shown, and throw the result
    away: its widgets keep the lines they rendered (a table's rows), and its showing
    only draws them. What Textual's compositor does to paint a screen, less the
    terminal."""
    if not screen.is_running or screen.is_current:
        return
    for rack in screen.query(ToastRack):  # as its showing leaves it with no toasts
        rack.display = False
    screen._refresh_layout(screen.app.size)
    screen._layout_required = False  # done: its showing need not lay it out again
    if screen._compositor.size:
        screen._compositor.render_update(full=True)
    start_frame_clock(screen)  # a layout pauses it; its first tick must not wait for the key
