"""A yes/no question over the current screen: destructive or outward actions ask first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tenktui.text import clean
from tenktui.ui import keys


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with ``True`` (y, or the first button) or ``False`` (n, Escape, the second
    button, which has the focus at first so a stray Enter keeps things).

    ``danger``: the answer loses something for good (a subtask, a queued edit), so the
    frame and the yes button are in the error colour; otherwise they are in the primary one.
    """

    BINDINGS = keys.CONFIRM

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
    }
    ConfirmDialog > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ConfirmDialog #question {
        width: 100%;
        margin-bottom: 1;
    }
    ConfirmDialog Horizontal {
        height: auto;
        align: right middle;
    }
    ConfirmDialog Button {
        margin-left: 2;
        min-width: 10;
    }
    ConfirmDialog.-danger > Vertical {
        max-width: 100%;
        border: thick $error;
    }
    ConfirmDialog.-danger Button {
        min-width: 16;
    }
    """

    def __init__(
        self, question: str, *, yes: str = "Yes", no: str = "No", danger: bool = False
    ) -> None:
        super().__init__(classes="-danger" if danger else None)
        self.question = question
        self.yes = yes
        self.no = no
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(clean(self.question), id="question", markup=False)
            with Horizontal():
                variant = "error" if self.danger else "primary"
                yield Button(f"{self.yes} (y)", id="yes", variant=variant)
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
