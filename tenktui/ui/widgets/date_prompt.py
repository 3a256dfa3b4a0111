"""``g`` on the Timesheet: type a date, go to its week and day."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tenktui.store.dates import DATE_WORDS, BadDate, parse_date
from tenktui.ui import keys


class DatePrompt(ModalScreen[dt.date | None]):
    """Dismisses with the date typed, or ``None`` on Escape; a bad date stays to correct."""

    BINDINGS = keys.DATE_PROMPT

    DEFAULT_CSS = """
    DatePrompt {
        align: center top;
        #date-box {
            width: 64; max-width: 95%; height: auto;
            margin-top: 2; border: thick $primary; background: $surface; padding: 0 1;
        }
        #date-title { text-style: bold; }
        #date-help { color: $text-muted; }
        #date-error { color: $error; text-style: bold; height: auto; }
    }
    """

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="date-box"):
            yield Static("Go to a date", id="date-title")
            yield Input(placeholder="tomorrow, next mon, 2026-12-24", id="date-input")
            yield Static(DATE_WORDS, id="date-help", markup=False)
            yield Static("", id="date-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#date-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            day = parse_date(event.value, self.today)
        except BadDate as err:
            self.query_one("#date-error", Static).update(str(err))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
