"""What the screens (Timesheet, Assignments, Status, Subtasks, Outbox, Reports) share.

Each reads the store of a :class:`~tenktui.session.Session` and redraws itself
from it in :meth:`StoreScreen.refresh_from_store`, which runs on mount, when
the screen comes back to the top, and on :class:`~tenktui.ui.messages.StoreChanged`
(the app may post that message to the screen or call the method directly).
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

from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tenktui.store import InvalidEdit
from tenktui.text import clean, clean_line
from tenktui.ui.messages import EditQueued, StoreChanged

if TYPE_CHECKING:
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

    def on_mount(self) -> None:
        self.refresh_from_store()
        # Textual resumes a screen right after mounting it: that is the same showing,
        # already drawn (reading the store twice delayed the first frame).
        self._drawn_on_mount = True

    def on_screen_resume(self) -> None:
        if self._drawn_on_mount:
            self._drawn_on_mount = False
            return
        self.refresh_from_store()

    def on_store_changed(self, message: StoreChanged) -> None:
        # Stopped here: the app may have posted it to this screen, and must not get it back.
        message.stop()
        self.refresh_from_store()

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
        self.refresh_from_store()
        self.post_message(EditQueued(description))
        return True
