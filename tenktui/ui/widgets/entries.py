"""The entries of one cell (itemized time): list them, add, edit and delete each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tenktui.store import InvalidEdit, Store, parse_hours
from tenktui.store.validation import MAX_TEXT, check_text
from tenktui.text import clean, clean_line
from tenktui.ui import keys
from tenktui.ui.messages import EditQueued, StoreChanged
from tenktui.ui.widgets.confirm import ConfirmDialog
from tenktui.ui.widgets.week_grid import format_hours

SaveEntry = Callable[[float, str | None, str | None], None]
_STATE_WORDS = {"pending": "waiting to sync", "failed": "refused", "conflict": "conflict"}


class EntryForm(ModalScreen[bool]):
    """Hours, task category and notes of one entry. ``save`` may raise InvalidEdit:
    the message shows under the form and everything typed stays."""

    BINDINGS = keys.ENTRY_FORM

    DEFAULT_CSS = """
    EntryForm {
        align: center middle;
        #form-box {
            width: 64; max-width: 95%; height: auto;
            border: thick $primary; background: $surface; padding: 0 1;
        }
        #form-title { text-style: bold; margin-bottom: 1; }
        Label { color: $text-muted; }
        #form-error { color: $error; text-style: bold; height: auto; }
        #form-count { color: $text-muted; text-align: right; width: 1fr; }
        #form-count.-over { color: $error; text-style: bold; }
        #form-buttons { height: auto; align-horizontal: right; margin-top: 1; }
        Button { margin-left: 2; min-width: 10; }
    }
    """

    def __init__(
        self,
        title: str,
        save: SaveEntry,
        categories: list[str],
        *,
        hours: float | None = None,
        task: str | None = None,
        notes: str | None = None,
        typed: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.typed = typed  # hours typed on the grid, in place of the entry's own
        self.save = save
        self.categories = categories
        self.entry_hours = hours
        self.entry_task = task
        self.entry_notes = notes

    def compose(self) -> ComposeResult:
        options = [(Content(clean_line(c)), c) for c in self.categories]
        if self.entry_task and self.entry_task not in self.categories:
            options.insert(0, (Content(clean_line(self.entry_task)), self.entry_task))
        with Vertical(id="form-box"):
            yield Static(clean_line(self.title_text), id="form-title", markup=False)
            yield Label("Hours (1.5, 1,5, 1:30, 90m)")
            yield Input(
                self.typed or (format_hours(self.entry_hours) if self.entry_hours else ""),
                placeholder="hours",
                id="form-hours",
            )
            yield Label("Task category")
            yield Select(
                options,
                value=self.entry_task if self.entry_task else Select.NULL,
                prompt="(no category)",
                allow_blank=True,
                id="form-task",
            )
            yield Label("Notes")
            notes = self.entry_notes or ""
            # No max_length: a paste over the limit would be cut without a word; the
            # count turns red and saving says how long it is, with the text kept.
            yield Input(notes, placeholder="notes", id="form-notes")
            yield Static(self._count(notes), id="form-count", markup=False)
            yield Static("", id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#form-hours", Input).focus()

    @staticmethod
    def _count(text: str) -> str:
        return f"{len(text)}/{MAX_TEXT}"

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "form-notes":
            count = self.query_one("#form-count", Static)
            count.update(self._count(event.value))
            count.set_class(len(event.value) > MAX_TEXT, "-over")
        self.query_one("#form-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(False)

    def action_save(self) -> None:
        error = self.query_one("#form-error", Static)
        try:
            hours = parse_hours(self.query_one("#form-hours", Input).value)
            task_value = self.query_one("#form-task", Select).value
            task = task_value if isinstance(task_value, str) else None
            notes = self.query_one("#form-notes", Input).value.strip() or None
            check_text(notes, "notes")
            self.save(hours, task, notes)
        except InvalidEdit as err:
            error.update(str(err))
            field = {"hours": "#form-hours", "notes": "#form-notes"}.get(err.field or "")
            if field:
                self.query_one(field, Input).focus()
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class EntryListDialog(ModalScreen[bool]):
    """Dismisses with ``True`` when anything in the cell changed."""

    BINDINGS = keys.ENTRY_LIST

    DEFAULT_CSS = """
    EntryListDialog {
        align: center middle;
        #entries-box {
            width: 76; max-width: 95%; height: auto; max-height: 90%;
            border: thick $primary; background: $surface; padding: 0 1;
        }
        #entries-title { text-style: bold; }
        #entries-list { height: auto; max-height: 12; border: none; margin: 1 0; }
        #entries-message { height: auto; color: $text-muted; }
        #entries-message.-error { color: $error; text-style: bold; }
        Footer { dock: none; }
    }
    """

    def __init__(
        self,
        store: Store,
        user_id: int,
        assignable_id: int,
        label: str,
        day: dt.date,
        *,
        lock: str | None = None,
        typed: str = "",
    ) -> None:
        super().__init__()
        self.store = store
        self.user_id = user_id
        self.assignable_id = assignable_id
        self.label = label
        self.day = day
        self.lock = lock
        # Hours typed on the grid: the next entry edited or added starts with them.
        self.typed = typed
        self.changed = False
        self.entries: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="entries-box"):
            yield Static(f"{self.label} · {self.day:%a %d %b %Y}", id="entries-title", markup=False)
            yield OptionList(id="entries-list")
            yield Static("", id="entries-message", markup=False)
            yield Footer()

    def on_mount(self) -> None:
        self.reload()
        if self.lock:
            self.say(self.lock, error=True)
        elif self.typed:
            self.say(
                f"{self.typed} h: Enter puts it on the highlighted entry, a adds it as a new one."
            )
        self.query_one(OptionList).focus()

    def on_store_changed(self, message: StoreChanged) -> None:
        # A sync pass finished: states ("waiting to sync") and server edits move on.
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A locked cell takes no time: its list offers no add, edit or delete; an
        approved entry can no longer be edited or deleted."""
        if self.lock and action in ("add", "edit", "delete"):
            return False
        if action in ("edit", "delete"):
            entry = self._selected() if self.is_mounted else None
            return not (entry and entry.get("approval_status") == "approved")
        return True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    # -- showing --------------------------------------------------------------
    def reload(self) -> None:
        self.entries = self.store.queries.entries(self.user_id, self.assignable_id, self.day)
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for entry in self.entries:
            options.add_option(Option(self._describe(entry)))
        if not self.entries:
            options.add_option(Option(Content.styled("No time here yet: press a to add.", "dim")))
            options.disable_option_at_index(0)
        elif highlighted is not None:
            options.highlighted = min(highlighted, len(self.entries) - 1)
        else:
            options.highlighted = 0
        total = sum(e["hours"] for e in self.entries)
        title = f"{self.label} · {self.day:%a %d %b %Y} · {format_hours(total)} h"
        self.query_one("#entries-title", Static).update(clean_line(title))

    @staticmethod
    def _describe(entry: dict[str, Any]) -> Content:
        hours = f"{format_hours(entry['hours']):>5} h"
        task = clean_line(entry.get("task") or "—")[:14].ljust(14)
        notes = clean_line(entry.get("notes") or "")
        parts = [Content.styled(hours, "bold"), Content(f"  {task}  "), Content(notes[:40])]
        state = _STATE_WORDS.get(entry.get("state") or "")
        if state:
            parts.append(Content.styled(f"  ({state})", "italic"))
        if entry.get("approval_status") == "approved":
            parts.append(Content.styled("  ✓ approved", "italic"))
        return Content("").join(parts)

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#entries-message", Static)
        line.update(clean(message))
        line.set_class(error, "-error")

    def _selected(self) -> dict[str, Any] | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.entries):
            return None
        return self.entries[index]

    def _categories(self) -> list[str]:
        return self.store.lookups.categories()

    def _refused(self) -> bool:
        if self.lock:
            self.say(self.lock, error=True)
            return True
        return False

    def _done(self, description: str) -> None:
        self.changed = True
        self.reload()
        self.say(description)
        self.post_message(EditQueued(description))

    # -- actions --------------------------------------------------------------
    def action_add(self) -> None:
        if self._refused():
            return

        def save(hours: float, task: str | None, notes: str | None) -> None:
            self.store.edits.create_entry(
                self.user_id, self.assignable_id, self.day, hours, task=task, notes=notes
            )
            self._done(f"Added {format_hours(hours)} h.")

        form = EntryForm(
            f"New entry · {self.label}", save, self._categories(), typed=self._take_typed()
        )
        self.app.push_screen(form)

    def _take_typed(self) -> str:
        typed, self.typed = self.typed, ""
        return typed

    def action_edit(self) -> None:
        entry = self._selected()
        if entry is None:
            self.action_add()
            return
        if self._refused():
            return

        def save(hours: float, task: str | None, notes: str | None) -> None:
            self.store.edits.update_entry(entry["id"], hours=hours, task=task, notes=notes)
            self._done(f"Saved {format_hours(hours)} h.{_submitted(entry)}")

        form = EntryForm(
            f"Entry · {self.label}",
            save,
            self._categories(),
            hours=entry["hours"],
            task=entry.get("task"),
            notes=entry.get("notes"),
            typed=self._take_typed(),
        )
        self.app.push_screen(form)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    def action_delete(self) -> None:
        entry = self._selected()
        if entry is None or self._refused():
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.edits.delete_entry(entry["id"])
            except InvalidEdit as err:
                self.say(str(err), error=True)
                return
            note = " It is taken out of the submitted week." if _submitted(entry) else ""
            self._done(f"Deleted {format_hours(entry['hours'])} h.{note}")

        question = f"Delete the entry of {format_hours(entry['hours'])} h?"
        self.app.push_screen(ConfirmDialog(question, yes="Delete", no="Keep"), answered)

    def action_close(self) -> None:
        self.dismiss(self.changed)


def _submitted(entry: dict[str, Any]) -> str:
    """What an edit does to an entry sent for approval ("" if it was not)."""
    if entry.get("approval_status") in ("pending", "submitting"):
        return " It stays submitted: the approver sees the new values."
    return ""
