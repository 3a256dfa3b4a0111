"""The checklist of one assignment: tick, add, rename, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from tenktui.store.describe import day_label
from tenktui.store.states import STUCK_STATES
from tenktui.store.validation import display_name
from tenktui.text import clean, clean_line
from tenktui.ui import keys
from tenktui.ui.widgets.app_bar import AppBar
from tenktui.ui.widgets.confirm import ConfirmDialog
from tenktui.ui.widgets.screens_base import ScreenTitle, StoreScreen, highlighted_key
from tenktui.ui.widgets.screens_prompt import Prompt
from tenktui.ui.widgets.sync_footer import SyncFooter

if TYPE_CHECKING:
    from tenktui.session import Session

MARKS = {"pending": "⟳ pending", "failed": "✗ failed", "conflict": "⚠ conflict"}


class SubtasksScreen(StoreScreen):
    """Space (or Enter, or a click on the highlighted row) ticks a subtask; ``a`` adds one,
    ``r`` renames, ``d``/Delete deletes after asking; Escape goes back."""

    AUTO_FOCUS = "#subtasks"

    DEFAULT_CSS = """
    SubtasksScreen #assignment {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    SubtasksScreen #subtasks {
        height: 1fr;
        width: 100%;
    }
    SubtasksScreen #subtasks-empty {
        height: auto;
        padding: 1 2;
        color: $text-muted;
    }
    SubtasksScreen #subtask-error {
        height: auto;
        padding: 0 1;
        color: $error;
    }
    """

    BINDINGS = keys.SUBTASKS

    def __init__(self, session: Session, assignment_id: int) -> None:
        super().__init__(session)
        self.assignment_id = assignment_id
        self.items: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield AppBar("subtasks")
        yield ScreenTitle()
        yield Static("", id="assignment", markup=False)
        yield DataTable(id="subtasks", cursor_type="row", zebra_stripes=True)
        yield Static("No subtasks yet: press a to add one.", id="subtasks-empty")
        yield Static("", id="subtask-error", markup=False)
        yield Prompt(id="subtask-text")
        yield SyncFooter()

    def on_screen_resume(self) -> None:
        # Each time it is shown (the first time too): the checklist may have changed on
        # the server since the last slow refresh.
        self.session.sync.want_subtasks(self.assignment_id)

    def reopen(self, *args: Any, **options: Any) -> bool:
        """Shown again for the same assignment; for another one too, when it is off the
        stack and nothing is being typed into it (a new subtask's text belongs to the
        checklist it was typed in): it then reads the other checklist when shown, or
        before, when built ahead. Building a checklist anew cost ~150 ms of the F5."""
        if options or len(args) != 1:
            return False
        (assignment_id,) = args
        if assignment_id == self.assignment_id:
            return True
        if self.on_stack or any(prompt.is_open for prompt in self.query(Prompt)):
            return False
        self.assignment_id = assignment_id
        self.items = []  # no cursor to keep: the other checklist starts at its top
        self.forget_drawing()
        return True

    # -- reading the store -------------------------------------------------
    def _assignment(self) -> dict[str, Any] | None:
        return self.store.lookups.assignment(self.assignment_id)

    def refresh_from_store(self) -> None:
        assignment = self._assignment()
        label = (
            display_name({**assignment, "id": assignment["assignable_id"]})
            if assignment
            else f"assignment #{self.assignment_id}"
        )
        self.items = self.store.queries.subtasks(self.assignment_id)
        done = sum(1 for s in self.items if s["completed"])
        self.set_title(f"Subtasks · {label} · {done}/{len(self.items)} done")
        about = self.query_one("#assignment", Static)
        if assignment:
            about.update(
                f"{day_label(assignment['starts_at'])} – {day_label(assignment['ends_at'])}"
                + (f" · {clean(assignment['description'])}" if assignment["description"] else "")
            )
        else:
            about.update("This assignment is not in the local copy (yet): sync to fetch it.")

        table = self.query_one("#subtasks", DataTable)
        highlighted = self.highlighted
        table.clear(columns=True)
        state_width = 12
        table.add_column("Done", width=4, key="done")
        table.add_column(
            "Subtask", width=max(20, (self.size.width or 80) - 4 - state_width - 6 - 2), key="text"
        )
        table.add_column("Sync", width=state_width, key="state")
        for s in self.items:
            table.add_row(
                Text("[x]" if s["completed"] else "[ ]"),
                Text(
                    clean_line(s["description"]),
                    style="strike" if s["completed"] else "",
                    overflow="ellipsis",
                    no_wrap=True,
                ),
                Text(MARKS.get(s["state"], "")),
                key=str(s["id"]),
            )
        if highlighted is not None:
            ids = [s["id"] for s in self.items]
            if highlighted["id"] in ids:
                table.move_cursor(row=ids.index(highlighted["id"]), animate=False)
        table.display = bool(self.items)
        self.query_one("#subtasks-empty").display = not self.items
        self._show_error()

    def on_resize(self) -> None:
        self.refresh_from_store()

    @property
    def highlighted(self) -> dict[str, Any] | None:
        key = highlighted_key(self.query_one("#subtasks", DataTable))
        return next((s for s in self.items if str(s["id"]) == key), None)

    def _show_error(self) -> None:
        """Why the highlighted subtask's edit is stuck, if it is."""
        item = self.highlighted
        error = self.query_one("#subtask-error", Static)
        if item and item["state"] in STUCK_STATES:
            error.update(clean(f"{MARKS[item['state']]}: {item['error'] or 'see the Outbox'}"))
            error.display = True
        else:
            error.display = False

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_error()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a question is open, the list's own keys wait."""
        if action in ("toggle", "add", "rename", "delete", "back"):
            return not self.query_one(Prompt).is_open
        return True

    # -- ticking ----------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_toggle()

    def action_toggle(self) -> None:
        item = self.highlighted
        if item is None:
            return
        verb = "Untick" if item["completed"] else "Tick"
        self.edit(
            f"{verb} '{item['description']}'",
            lambda: self.store.edits.toggle_subtask(item["id"]),
        )

    # -- adding and renaming ------------------------------------------------
    def action_add(self) -> None:
        self.query_one(Prompt).ask("add", "New subtask: Enter adds it, Escape cancels")
        self.refresh_bindings()

    def action_rename(self) -> None:
        item = self.highlighted
        if item is None:
            return
        self.query_one(Prompt).ask(
            f"rename:{item['id']}",
            "Rename: Enter saves, Escape cancels",
            value=item["description"],
        )
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        prompt = self.query_one(Prompt)
        if event.input is not prompt or not prompt.purpose:
            return
        event.stop()
        purpose, text = prompt.purpose, event.value
        if purpose == "add":
            added: list[int] = []
            if self.edit(
                f"Add subtask '{text.strip()}'",
                lambda: added.append(self.store.edits.add_subtask(self.assignment_id, text)),
            ):
                self._close_prompt()
                self._highlight(added[0])
        else:
            local_id = int(purpose.removeprefix("rename:"))
            if self.edit(
                f"Rename subtask to '{text.strip()}'",
                lambda: self.store.edits.update_subtask(local_id, description=text),
            ):
                self._close_prompt()

    def on_prompt_cancelled(self, event: Prompt.Cancelled) -> None:
        event.stop()
        self._close_prompt()

    def _close_prompt(self) -> None:
        self.query_one(Prompt).close()
        self.query_one("#subtasks", DataTable).focus()
        self.refresh_bindings()

    def _highlight(self, local_id: int) -> None:
        ids = [s["id"] for s in self.items]
        if local_id in ids:
            self.query_one("#subtasks", DataTable).move_cursor(row=ids.index(local_id))

    # -- deleting -----------------------------------------------------------
    def action_delete(self) -> None:
        item = self.highlighted
        if item is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.edit(
                    f"Delete subtask '{item['description']}'",
                    lambda: self.store.edits.delete_subtask(item["id"]),
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Delete the subtask '{item['description']}'?", yes="Delete", no="Keep", danger=True
            ),
            answered,
        )

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss()
