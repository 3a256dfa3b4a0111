"""``?``: every key of the app, built from the binding lists (so it cannot drift)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tenktui.ui import keys

KEY_WIDTH = 16


class HelpScreen(ModalScreen[None]):
    """Sections of keys; Escape, q or ? closes it."""

    BINDINGS = keys.HELP

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help-box {
            width: 84; max-width: 100%; height: 90%;
            border: thick $primary; background: $surface; padding: 0 1;
        }
        #help-title { text-style: bold; height: 1; }
        #help-body { height: 1fr; }
    }
    """

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Keys — Escape closes", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._content(), id="help-text")

    def _content(self) -> Content:
        lines: list[Content] = []
        for title, rows in self.sections:
            if not rows:
                continue
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(title, "bold underline"))
            for key, description in rows:
                lines.append(
                    Content.assemble(
                        (f"  {key}".ljust(KEY_WIDTH), "bold"),
                        description,
                    )
                )
        return Content("\n").join(lines)

    def action_close(self) -> None:
        self.dismiss(None)


def binding_rows(
    bindings: Iterable[BindingType], keymap: dict[str, str], display: object
) -> list[tuple[str, str]]:
    """``(keys, description)`` per binding, with the person's keymap applied."""
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        key = keymap.get(binding.id or "", binding.key)
        shown = []
        for one in key.split(","):
            single = Binding(one.strip(), binding.action)
            text = display(single) if callable(display) else one  # type: ignore[operator]
            shown.append(text.upper() if text[:1] == "f" and text[1:].isdigit() else text)
        if binding.key_display and binding.id not in keymap:
            shown[0] = binding.key_display
        rows.append((" ".join(shown), binding.description or binding.action))
    return rows


def help_sections(
    keymap: dict[str, str],
    display: object,
    screens: list[tuple[str, Iterable[BindingType]]],
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every section of the help screen; ``screens`` adds each other screen's own keys."""
    everywhere = binding_rows(keys.APP, keymap, display)
    everywhere += [("^p", "Command palette: every action by name"), ("^q", "Quit")]
    sections = [
        ("Everywhere", everywhere),
        (
            "Timesheet",
            binding_rows([*keys.GRID, *keys.TIMESHEET], keymap, display),
        ),
        ("Typing hours into a cell", list(keys.EDITING)),
        ("Marks in the week", list(keys.CELL_MARKS)),
        ("Entries of a cell", binding_rows(keys.ENTRY_LIST, keymap, display)),
        ("Entry form", binding_rows(keys.ENTRY_FORM, keymap, display)),
        (
            "Questions and pickers",
            binding_rows([*keys.CONFIRM, *keys.PICKER], keymap, display),
        ),
        ("A forgotten timer", binding_rows(keys.FORGOTTEN_TIMER, keymap, display)),
    ]
    for title, bindings in screens:
        sections.append((title, binding_rows(bindings, keymap, display)))
    return sections
