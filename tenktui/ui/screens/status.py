"""The person's status, set in one keystroke, and the board of the people they work with."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from tenktui.store import board
from tenktui.store.describe import ago, day_label, when_label
from tenktui.store.validation import STATUS_CODES
from tenktui.text import clean, clean_line
from tenktui.ui import keys
from tenktui.ui.widgets.app_bar import AppBar
from tenktui.ui.widgets.screens_base import ScreenTitle, StoreScreen, highlighted_key
from tenktui.ui.widgets.screens_prompt import Prompt
from tenktui.ui.widgets.sync_footer import SyncFooter

if TYPE_CHECKING:
    from tenktui.session import Session

NAME_WIDTH = 18
YOU = " (you)"


class Board(DataTable[Text]):
    """The board's table; tells the screen when its height changes what is on view."""

    def __init__(self, on_view: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_view = on_view

    def on_resize(self) -> None:
        self.on_view()


def freshness(person: dict[str, Any], requested: set[int]) -> str:
    """How fresh a status is: ``5 min ago`` since fetched, ``loading…`` while asked for."""
    if person.get("fetched_at"):
        return ago(person["fetched_at"])
    return "loading…" if person["id"] in requested else "—"


class StatusScreen(StoreScreen):
    """My status (``i w s o v f`` set ITO, WFH, SIC, OOO, VAC, OOF) and the status board.

    The board lists the people who share a project with the person, and anyone they
    pin (``*``, as the ★ column); ``a`` lists everyone instead. Statuses are fetched
    lazily: the screen tells the engine which people are on screen (``want_statuses``).
    """

    AUTO_FOCUS = "#board"

    DEFAULT_CSS = """
    StatusScreen #mine {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    StatusScreen #codes {
        height: 1;
        padding: 0 1;
    }
    StatusScreen #codes Button {
        margin-right: 1;
        min-width: 5;
    }
    StatusScreen #codes Static {
        width: auto;
        margin-right: 1;
    }
    StatusScreen #filter {
        margin: 0 1;
    }
    StatusScreen #board {
        height: 1fr;
        width: 100%;
    }
    StatusScreen #person {
        height: 2;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = keys.STATUS

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.people: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []
        self.requested: set[int] = set()
        self.show_everyone = False
        self._wanted: list[int] = []
        self._ages: dict[str, str] = {}  # "checked …" as shown, by row key
        self.wide = False

    @property
    def has_statuses(self) -> bool:
        caps = self.session.capabilities
        return bool(getattr(caps, "statuses", True))

    def compose(self) -> ComposeResult:
        yield AppBar("status")
        yield ScreenTitle()
        yield Static("", id="mine", markup=False)
        with Horizontal(id="codes"):
            yield Static("Set yours:")
            for code, key in keys.CODE_KEYS.items():
                yield Button(
                    f"{key} {code}", id=f"code-{code}", compact=True, tooltip=STATUS_CODES[code]
                )
        yield Prompt(id="message")
        yield Input(
            placeholder="/ filter: name, role, discipline, location, or a code like wfh",
            id="filter",
            compact=True,
        )
        yield Board(self._want_visible, id="board", cursor_type="row", zebra_stripes=True)
        yield Static("", id="person", markup=False)
        yield SyncFooter()

    def first_shown(self) -> None:
        if self.has_statuses:
            # The board's people come from the person's projects, fetched when first shown.
            self.session.sync.want_projects()

    def on_mount(self) -> None:
        table = self.query_one("#board", DataTable)
        self.watch(table, "scroll_y", lambda: self._want_visible(), init=False)

    # -- reading the store -------------------------------------------------
    def refresh_from_store(self) -> None:
        database = self.store.database
        self.people = (
            board.everyone(database) if self.show_everyone else self.store.queries.status_board()
        )
        me = self.me
        self.people.sort(key=lambda p: (p["id"] != me, not p["pinned"], p["display_name"].lower()))
        self._show_mine()
        self._fill_board()
        scope = "everyone" if self.show_everyone else "people you work with"
        self.set_title(
            f"Status · {day_label(self.today)} · {len(self.shown)} of {len(self.people)} {scope}"
        )

    def _show_mine(self) -> None:
        mine = self.query_one("#mine", Static)
        if not self.has_statuses:
            mine.update("This account has no statuses.")
            return
        me = self.me
        if me is None:
            mine.update("Your status shows after the first sync.")
            return
        status = self.store.queries.status_of(me) or {}
        code = status.get("status")
        text = f"You: {code} · {STATUS_CODES.get(code, code)}" if code else "You: no status set"
        if status.get("message"):
            text += f' — "{status["message"]}"'
        if status.get("updated_at"):
            text += f" · set {when_label(status['updated_at'], self.today)}"
        rows = self.store.outbox.for_record("status", me)
        if rows:
            last = rows[-1]
            if last.state == "failed":
                text += f" · ✗ not sent: {last.last_error}"
            elif last.state == "conflict":
                text += " · ⚠ conflict (see the Outbox)"
            else:
                text += " · ⟳ sending"
        mine.update(clean(text))

    def _fill_board(self) -> None:
        table = self.query_one("#board", DataTable)
        query = self.query_one("#filter", Input).value
        self.shown = [p for p in self.people if board.matches(p, query)]
        highlighted = self.highlighted
        self._columns(table)
        me = self.me
        self._ages = {str(p["id"]): freshness(p, self.requested) for p in self.shown}
        for p in self.shown:
            table.add_row(
                Text("★" if p["pinned"] else ""),
                self._name_cell(p, me),
                Text(clean_line(p["status"] or "—")),
                Text(clean_line(p["message"] or ""), overflow="ellipsis", no_wrap=True),
                Text(self._ages[str(p["id"])]),
                *(
                    [Text(clean_line(p[k] or "")) for k in ("role", "discipline", "location")]
                    if self.wide
                    else []
                ),
                key=str(p["id"]),
            )
        ids = [p["id"] for p in self.shown]
        if highlighted is not None and highlighted["id"] in ids:
            table.move_cursor(row=ids.index(highlighted["id"]), animate=False)
        scope = "everyone" if self.show_everyone else "people you work with"
        self.set_title(
            f"Status · {day_label(self.today)} · {len(self.shown)} of {len(self.people)} {scope}"
        )
        self._show_person()
        self._want_visible()

    def _name_cell(self, person: dict[str, Any], me: int | None) -> Text:
        """The name; mine says ``(you)``, which a long name never pushes out of sight."""
        if person["id"] != me:
            return Text(clean_line(person["display_name"]), overflow="ellipsis", no_wrap=True)
        room = NAME_WIDTH - len(YOU)
        name = clean_line(person["display_name"])
        if len(name) > room:
            name = name[: room - 1] + "…"
        return Text.assemble((name, "bold"), (YOU, "bold"))

    def _columns(self, table: DataTable[Text]) -> None:
        table.clear(columns=True)
        width = self.size.width or 80
        fixed = {"pin": 1, "name": NAME_WIDTH, "status": 4, "checked": 9}
        after = {"role": 9, "discipline": 18, "location": 8}
        wide = width >= 110  # role, discipline and location get columns of their own
        columns = len(fixed) + 1 + (len(after) if wide else 0)
        room = width - sum(fixed.values()) - 2 * columns - 2  # 2: the scrollbar
        message = max(16, room - sum(after.values()) if wide else room)
        table.add_column("★", width=fixed["pin"], key="pin")
        table.add_column("Name", width=fixed["name"], key="name")
        table.add_column("Now", width=fixed["status"], key="status")
        table.add_column("Message", width=message, key="message")
        table.add_column("Checked", width=fixed["checked"], key="checked")
        if wide:
            for key, size in after.items():
                table.add_column(key.title(), width=size, key=key)
        self.wide = wide

    def on_resize(self) -> None:
        self._fill_board()

    @property
    def highlighted(self) -> dict[str, Any] | None:
        key = highlighted_key(self.query_one("#board", DataTable))
        return next((p for p in self.shown if str(p["id"]) == key), None)

    def _show_person(self) -> None:
        person = self.highlighted
        detail = self.query_one("#person", Static)
        if person is None:
            detail.update("Nobody matches the filter." if self.people else "")
            return
        who = " · ".join(
            x
            for x in (person["display_name"], person["role"], person["discipline"],
                      person["location"])
            if x
        )  # fmt: skip
        if person["pinned"]:
            who += " · pinned"
        if person["id"] == self.me:
            who = f"You · {who}"
        code = person["status"]
        if code:
            what = f"{code} {STATUS_CODES.get(code, '')}"
            if person["message"]:
                what += f' — "{person["message"]}"'
            if person["updated_at"]:
                what += f" · set {when_label(person['updated_at'], self.today)}"
        elif person["fetched_at"]:
            what = "No status set"
        else:
            what = "Status not fetched yet"
        what += f" · checked {freshness(person, self.requested)}"
        detail.update(f"{clean_line(who)}\n{clean_line(what)}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_person()

    def _show_ages(self) -> None:
        """Shown again: "checked 5 min ago" moves on with the clock, the store or not;
        only the cells whose words changed are written (a redraw of the whole board, a
        few hundred people, cost a switch more than a frame)."""
        table = self.query_one("#board", DataTable)
        moved = False
        for person in self.shown:
            if person["fetched_at"]:
                key = str(person["id"])
                age = freshness(person, self.requested)
                if self._ages.get(key) != age:
                    self._ages[key] = age
                    table.update_cell(key, "checked", Text(age))
                    moved = True
        if moved:  # the line under the board says it too (written only then: a layout)
            self._show_person()

    # -- lazy status fetching ----------------------------------------------
    def on_screen_resume(self) -> None:
        # Before the base's handler, which redraws if the store changed meanwhile.
        self._show_ages()
        self._want_visible()  # the people on screen are wanted again

    def on_screen_suspend(self) -> None:
        # Off screen, nobody's status is wanted: every sync pass (one per edit) would
        # otherwise fetch ten again, and a person ticking subtasks gets throttled.
        self._wanted = []
        self.session.sync.want_statuses([])

    def _want_visible(self) -> None:
        """Ask the engine for the statuses of the people on screen (oldest first); none
        while the board is off screen (built ahead, or left)."""
        if not self.has_statuses or not self.on_stack:
            return
        table = self.query_one("#board", DataTable)
        first = int(table.scroll_y)
        count = table.size.height - 1 if table.size.height > 1 else len(self.shown)
        ids = [p["id"] for p in self.shown[first : first + count]]
        if ids and ids != self._wanted:
            self._wanted = ids
            self.requested.update(ids)
            self.session.sync.want_statuses(ids)

    # -- filtering and pins -----------------------------------------------
    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._fill_board()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one("#board", DataTable).focus()
        elif isinstance(event.input, Prompt) and event.input.purpose:
            self._set(event.input.purpose, event.value.strip() or None)

    def on_prompt_cancelled(self, event: Prompt.Cancelled) -> None:
        event.stop()
        self._close_prompt()

    def action_leave_filter(self) -> None:
        self.query_one("#board", DataTable).focus()

    def action_pin(self) -> None:
        person = self.highlighted
        if person is None:
            return
        pinned = board.toggle_pin(self.store.database, person["id"])
        name = clean_line(person["display_name"])
        self.say(f"{'Pinned' if pinned else 'Unpinned'} {name}.")
        self.refresh_from_store()

    def action_everyone(self) -> None:
        self.show_everyone = not self.show_everyone
        self.refresh_from_store()

    # -- setting my status --------------------------------------------------
    def action_set_status(self, code: str) -> None:
        if not self.has_statuses:
            self.say("This account has no statuses.", "warning")
            return
        if self.me is None:
            self.say("Your status can be set after the first sync.", "warning")
            return
        self.query_one(Prompt).ask(
            code,
            f"{code} · {STATUS_CODES[code]}: a message? Enter sets the status, Escape cancels",
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("code-"):
            event.stop()
            self.action_set_status(event.button.id.removeprefix("code-"))

    def _close_prompt(self) -> None:
        self.query_one(Prompt).close()
        self.query_one("#board", DataTable).focus()

    def _set(self, code: str, message: str | None) -> None:
        self._close_prompt()
        me = self.me
        if me is None:
            return
        description = f"Set status {code}" + (f': "{message}"' if message else "")
        self.edit(description, lambda: self.store.edits.set_status(me, code, message))
