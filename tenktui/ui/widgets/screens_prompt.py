"""A one-line question at the bottom of a screen: Enter answers, Escape backs out.

The Assignments, Status, Subtasks and Outbox screens use it for a subtask's
text and a status message; the screen shows it, reads ``purpose`` on answer,
and hides it again.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input

from tenktui.ui import keys


class Prompt(Input):
    """An input that says what it is for; Escape posts :class:`Prompt.Cancelled`."""

    DEFAULT_CSS = """
    Prompt {
        display: none;
    }
    Prompt.-open {
        display: block;
    }
    """

    BINDINGS = keys.PROMPT

    class Cancelled(Message):
        """The person backed out of the question."""

        def __init__(self, prompt: Prompt) -> None:
            super().__init__()
            self.prompt = prompt

        @property
        def control(self) -> Prompt:
            return self.prompt

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, select_on_focus=False)
        self.purpose: str | None = None

    def ask(self, purpose: str, question: str, value: str = "", placeholder: str = "") -> None:
        """Show the prompt with ``question`` as its title, focused, holding ``value``."""
        self.purpose = purpose
        self.border_title = question
        self.placeholder = placeholder
        self.value = value
        self.cursor_position = len(value)
        self.add_class("-open")
        self.focus()

    def close(self) -> None:
        self.purpose = None
        self.value = ""
        self.remove_class("-open")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))
