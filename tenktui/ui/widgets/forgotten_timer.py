"""A timer left running past its day, or over 12 h: keep it, stop it at a time, or
discard it. Asked when the app opens and on the next ``T`` (issue 14)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tenktui.store.dates import TIME_FORMS
from tenktui.text import clean, clean_line
from tenktui.ui import keys


class ForgottenTimerDialog(ModalScreen[str | None]):
    """Dismisses with ``"keep"``, ``"stopped"`` (``stop_at`` took the typed time) or
    ``"discard"``; ``None`` on Escape (nothing decided).

    ``stop_at`` gets the text typed as the stop time and stops the timer there, or
    returns why not (not a time, before the start, a lock, a day over 24 h): the
    reason shows under the field and the text stays to be corrected.
    """

    BINDINGS = keys.FORGOTTEN_TIMER

    DEFAULT_CSS = """
    ForgottenTimerDialog {
        align: center middle;
        & > Vertical {
            width: 70; max-width: 100%; height: auto;
            border: thick $warning; background: $surface; padding: 0 1;
        }
        #forgotten-question { width: 100%; margin-bottom: 1; }
        #forgotten-choices { height: auto; }
        #forgotten-choices Button { margin-right: 1; min-width: 10; }
        #forgotten-at-row { height: auto; margin-top: 1; }
        #forgotten-at-label { width: auto; padding: 1 1 0 0; }
        #forgotten-at { width: 1fr; }
        #forgotten-help { color: $text-muted; }
        #forgotten-error { color: $error; text-style: bold; height: auto; }
    }
    """

    def __init__(self, question: str, stop_at: Callable[[str], str | None]) -> None:
        super().__init__()
        self.question = question
        self.stop_at = stop_at

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(clean(self.question), id="forgotten-question", markup=False)
            with Horizontal(id="forgotten-choices"):
                yield Button("Keep (k)", id="keep", variant="primary")
                yield Button("Stop at… (s)", id="stop")
                yield Button("Discard (d)", id="discard", variant="error")
            with Horizontal(id="forgotten-at-row"):
                yield Static("Stop at", id="forgotten-at-label")
                yield Input(placeholder="17:40", id="forgotten-at")
            yield Static(f"Enter stops it there: {TIME_FORMS}.", id="forgotten-help", markup=False)
            yield Static("", id="forgotten-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "stop":
            self.action_stop_at()
        elif event.button.id in ("keep", "discard"):
            self.dismiss(event.button.id)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#forgotten-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        refused = self.stop_at(event.value)
        if refused is not None:
            self.query_one("#forgotten-error", Static).update(clean_line(refused))
            return
        self.dismiss("stopped")

    def action_keep(self) -> None:
        self.dismiss("keep")

    def action_stop_at(self) -> None:
        self.query_one("#forgotten-at", Input).focus()

    def action_discard(self) -> None:
        self.dismiss("discard")

    def action_later(self) -> None:
        self.dismiss(None)
