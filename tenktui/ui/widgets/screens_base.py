"""What the screens (Timesheet, Assignments, Status, Subtasks, Outbox, Reports) share.

Each reads the store of a :class:`~tenktui.session.Session` and redraws itself
from it in :meth:`StoreScreen.refresh_from_store`, which runs on mount, on
:class:`~tenktui.ui.messages.StoreChanged` (the app may post that message to the
screen or call the method directly), and when the screen comes back to the top if
anything it was drawn from moved meanwhile. The app builds each screen once and
shows it again (issue 15: building one cost a switch most of its time), so a
screen coming back compares what it was last read at (the store's
``changes()``: writes here, by the sync engine, or by another process; and the
day) with now, and reads again only when they differ.
Edits go through :meth:`StoreScreen.edit`: the store validates and queues them,
a refusal is shown to the person, and :class:`~tenktui.ui.messages.EditQueued`
bubbles up to the app, which pokes the sync engine. :meth:`StoreScreen.say` tells
the person something; a screen with a place of its own for that overrides it.

Textual calls a handler of every class along the MRO (a screen's ``on_mount``
first, then this one's): a screen adds to these handlers without calling
``super()``, which would run them twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Static

from tenktui.store import InvalidEdit
from tenktui.text import clean, clean_line
from tenktui.ui.messages import EditQueued, StoreChanged

if TYPE_CHECKING:
    from textual.widgets import DataTable  # importing it costs the first frame 5 ms

    from tenktui.session import Session
    from tenktui.store import Store

# What a ``say`` kind means as a notification's severity.
SEVERITY: dict[str, SeverityLevel] = {
    "": "information",
    "done": "information",
    "warning": "warning",
    "error": "error",
}


def highlighted_key(table: DataTable[Any]) -> str | None:
    """The key of the row under a table's cursor (``None`` when there is none)."""
    if not table.row_count or not table.is_valid_coordinate(table.cursor_coordinate):
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def restyle_if_changed(screen: Screen[Any], event: events.ScreenResume) -> None:
    """For a kept screen's ``_on_screen_resume``, before Screen's own: Textual applies
    the whole stylesheet again to every widget of a pushed screen (a third of a switch
    once screens are kept); a screen shown again needs that only when the app's CSS
    changed since it was last styled (a theme switched meanwhile: Textual's own count)."""
    css = getattr(screen.app, "_css_update_count", None)
    if css is None:
        return
    if css == screen._css_update_count:
        event.refresh_styles = False
    elif event.refresh_styles:
        screen._css_update_count = css


def start_frame_clock(screen: Screen[Any]) -> None:
    """Start a new screen's frame clock now, not on its first refresh.

    Textual draws a screen on the ticks of its update timer (``TEXTUAL_FPS`` a second:
    240 here, see :mod:`tenktui.ui`), made and started when the screen is first
    refreshed; its first tick comes a whole period after that, so a new screen's
    first drawing waited a period that later ones do not (a tick due while the timer
    was paused comes at once when it resumes). Started at mount, the first tick is
    long past when the screen is shown. A tick on a screen not shown does nothing (it
    only pauses the timer again)."""
    screen._update_timer.resume()


class ScreenTitle(Static):
    """The first line of a screen: what it shows, and a short summary."""

    DEFAULT_CSS = """
    ScreenTitle {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self) -> None:
        super().__init__("", markup=False, id="screen-title")


class StoreScreen(Screen[None]):
    """A screen drawn from the store."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._drawn_on_mount = False
        self._been_shown = False
        # What the last full read was made at (None: never, or to be read again).
        self._read_at: tuple[Any, ...] | None = None

    # -- the store --------------------------------------------------------
    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def me(self) -> int | None:
        """The person's user id, once the first sync has found it."""
        return self.store.me_id()

    @property
    def today(self) -> dt.date:
        """The person's local date (the store's clock, frozen in tests)."""
        return self.store.database.today()

    def now(self) -> dt.datetime:
        """The present, aware: the app's clock (which tests move), for the timer."""
        clock = getattr(self.app, "clock", None)
        return clock() if clock is not None else dt.datetime.now(dt.UTC)

    def set_title(self, text: str) -> None:
        self.title = text
        self.query_one(ScreenTitle).update(clean_line(text))

    # -- refreshing -------------------------------------------------------
    def refresh_from_store(self) -> None:
        """Read the store again and redraw (keeping the cursor where it was)."""

    def _reading(self) -> tuple[Any, ...]:
        """What a drawing is made from: the store's rows, and the day ("today", "this
        week"); a screen with words that move with the clock updates them on resume."""
        return (self.store.database.changes(), self.today)

    def redraw(self) -> None:
        """Read the store and redraw, remembering what it was read at; taken before the
        read, so a write during it only costs one more read later, never a stale one."""
        self._read_at = self._reading()
        self.refresh_from_store()

    @property
    def stale(self) -> bool:
        """The store, or the day, moved since the last drawing (or it was forgotten)."""
        return self._read_at != self._reading()

    def forget_drawing(self) -> None:
        """Read the store again when next shown (what the screen is for has changed)."""
        self._read_at = None

    def reopen(self, *args: Any, **options: Any) -> bool:
        """A switch shows this screen again for ``args``/``options`` (what a new one
        would be built with): take them, or say False and the app builds a new one."""
        return not args and not options

    @property
    def on_stack(self) -> bool:
        """Shown, or under a dialog: on the app's screen stack. A screen built ahead
        (tenktui.ui.ahead) or kept since it was last shown is not."""
        return self in self.app.screen_stack

    def first_shown(self) -> None:
        """Called once, when the screen is first shown (not when it is built ahead):
        the place for asks that only a person looking at it should cost."""

    def on_mount(self) -> None:
        start_frame_clock(self)
        self.redraw()
        # Textual resumes a screen right after mounting it: that is the same showing,
        # already drawn (reading the store twice delayed the first frame). A screen
        # built ahead compares on its first showing, as one shown again does.
        self._drawn_on_mount = self.on_stack
        # Every widget was styled as it mounted, under the stylesheet of now: the
        # showing need not style them all again unless the CSS changes meanwhile.
        self._css_update_count = self.app._css_update_count

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Named so that it runs before Screen's own handler (Textual calls one handler a
        # class, the underscored one first).
        restyle_if_changed(self, event)
        if not self._been_shown:
            self._been_shown = True
            self.first_shown()
        if self._drawn_on_mount:
            self._drawn_on_mount = False
            return
        if self.stale:
            self.redraw()

    def on_store_changed(self, message: StoreChanged) -> None:
        # Stopped here: the app may have posted it to this screen, and must not get it back.
        message.stop()
        self.redraw()

    # -- telling the person ------------------------------------------------
    def say(self, text: str, kind: str = "") -> None:
        """Tell the person something; ``kind`` is "", "done", "warning" or "error"."""
        self.notify(clean(text), severity=SEVERITY.get(kind, "information"), markup=False)

    # -- editing ----------------------------------------------------------
    def edit(self, description: str, change: Callable[[], object]) -> bool:
        """Run a store edit; on success redraw and tell the app, on refusal say why."""
        try:
            change()
        except InvalidEdit as refused:
            self.notify(clean(str(refused)), title="Not changed", severity="error", markup=False)
            return False
        self.redraw()
        self.post_message(EditQueued(description))
        return True
