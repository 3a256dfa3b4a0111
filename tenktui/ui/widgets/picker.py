"""A fuzzy picker: type a few letters, pick one of many (projects, themes, assignments)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tenktui.text import clean_line
from tenktui.ui import keys

MAX_SHOWN = 200


@dataclass(frozen=True)
class PickItem:
    """One choice: what is shown, what is returned, and a dim hint after it."""

    label: str
    value: Any
    hint: str = ""


def _word_matches(words: list[str], text: str) -> tuple[int, list[int]] | None:
    """Each typed word as a run of the text: tier 2 when every one starts a word of it
    ("design" in "Website Redesign — Design"), 1 when some are inside a word; with the
    offsets matched. ``None`` when a word is not in the text."""
    lowered = text.lower()
    tier, offsets = 2, []
    for word in words:
        starts = [i for i in range(len(lowered)) if lowered.startswith(word, i)]
        if not starts:
            return None
        at_word = [i for i in starts if i == 0 or not lowered[i - 1].isalnum()]
        if not at_word:
            tier = 1
        first = (at_word or starts)[0]
        offsets.extend(range(first, first + len(word)))
    return tier, offsets


def fuzzy_filter(query: str, items: list[PickItem]) -> list[tuple[PickItem, Content]]:
    """Items matching ``query`` (best first), each with its label highlighted.

    Whole words typed beat letters scattered through a name: first the items where every
    typed word starts a word, then those holding every word, then fuzzy matches; ties keep
    the order given.
    """
    if not query.strip():
        return [(item, Content(clean_line(item.label))) for item in items[:MAX_SHOWN]]
    search = FuzzySearch()
    words = query.lower().split()
    scored = []
    for order, item in enumerate(items):
        text = clean_line(item.label)
        haystack = f"{text} {clean_line(item.hint)}".strip()
        found = _word_matches(words, haystack)
        if found is not None:
            tier, offsets = found
            score = float(len(words))
        else:
            score, fuzzy_offsets = search.match(query, haystack)
            tier, offsets = 0, list(fuzzy_offsets)
        if score > 0:
            label = Content(text)
            for offset in offsets:
                if offset < len(text):
                    label = label.stylize("reverse", offset, offset + 1)
            scored.append((-tier, -score, order, item, label))
    scored.sort(key=lambda s: (s[0], s[1], s[2]))
    return [(item, label) for *_, item, label in scored[:MAX_SHOWN]]


class FuzzyPicker(ModalScreen[Any]):
    """Dismisses with the chosen item's value, or ``None`` on Escape."""

    BINDINGS = keys.PICKER
    # Keys typed after Enter or Escape wait until the choice has been acted on.
    holds_keys_on_close = True

    DEFAULT_CSS = """
    FuzzyPicker {
        align: center top;
        #picker-box {
            width: 72; max-width: 95%; height: auto; max-height: 80%;
            margin-top: 2; border: thick $primary; background: $surface; padding: 0 1;
        }
        #picker-title { text-style: bold; padding: 0 1; }
        #picker-options { height: auto; max-height: 16; border: none; }
        #picker-empty { color: $text-muted; padding: 0 1; display: none; }
        #picker-empty.-shown { display: block; }
    }
    """

    def __init__(
        self,
        title: str,
        items: list[PickItem],
        *,
        placeholder: str = "Type to filter",
        empty: str = "Nothing matches.",
        query: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.items = items
        self.placeholder = placeholder
        self.empty = empty
        self.initial_query = query
        self._shown: list[PickItem] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(clean_line(self.title_text), id="picker-title", markup=False)
            yield Input(self.initial_query, placeholder=self.placeholder, id="picker-input")
            yield OptionList(id="picker-options")
            yield Static(self.empty, id="picker-empty", markup=False)

    def on_mount(self) -> None:
        self._filter(self.initial_query)
        self.query_one(Input).focus()

    def _filter(self, query: str) -> None:
        options = self.query_one(OptionList)
        matches = fuzzy_filter(query, self.items)
        self._shown = [item for item, _ in matches]
        options.clear_options()
        options.add_options(
            [
                Option(
                    label + Content.styled(f"  {clean_line(item.hint)}", "dim")
                    if item.hint
                    else label
                )
                for item, label in matches
            ]
        )
        if matches:
            options.highlighted = 0
        self.query_one("#picker-empty").set_class(not matches, "-shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self._shown):
            self._close(self._shown[highlighted].value)
        else:
            self._release_keys()  # nothing to pick: the picker stays, and takes the keys

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._close(self._shown[event.option_index].value)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, value: Any) -> None:
        """Dismiss with ``value``; the keys typed meanwhile go on once the callback that
        takes it has run. It runs next on the screen below or on the app (whichever
        pushed this one), so the release follows it on both."""
        if not self.is_active:
            return  # a second Enter, held behind the first
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        self.dismiss(value)
        if below is not None:
            below.call_next(self._release_keys)
        else:
            self._release_keys()

    def _release_keys(self) -> None:
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            self.app.call_next(release)
