"""A yes/no question: destructive or outward actions ask first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tenktui.text import clean
from tenktui.ui import keys


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with ``True`` for yes (y, or the Yes button) and ``False`` otherwise."""

    BINDINGS = keys.CONFIRM

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        #confirm-box {
            width: 60; max-width: 90%; height: auto;
            border: thick $primary; background: $surface; padding: 1 2;
        }
        #confirm-question { margin-bottom: 1; }
        #confirm-buttons { height: auto; align-horizontal: right; }
        Button { margin-left: 2; min-width: 10; }
    }
    """

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(clean(self.question), id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes_label} (y)", variant="primary", id="yes")
                yield Button(f"{self.no_label} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
