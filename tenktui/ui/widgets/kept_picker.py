"""A fuzzy picker the app keeps and shows again (F5's "Subtasks of which assignment?").

Building a picker (compose, mount, the stylesheet, a first layout) cost an F5 on a
row without one assignment most of a second frame's worth; shown again, it only
takes the new choices and starts empty, as a new one would.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, OptionList

from tenktui.ui.widgets.picker import FuzzyPicker, PickItem
from tenktui.ui.widgets.screens_base import restyle_if_changed


class KeptPicker(FuzzyPicker):
    """A :class:`FuzzyPicker` to push again: :meth:`reopen` before each push."""

    def reopen(self, items: list[PickItem]) -> None:
        """Show ``items`` from the top with nothing typed, as a new picker would (the
        same items, nothing typed: the list as it stands, its first one highlighted)."""
        field = self.query_one(Input)
        options = self.query_one(OptionList)
        if items == self.items and not field.value:
            if options.option_count:
                options.highlighted = 0
            return
        self.items = items
        with field.prevent(Input.Changed):
            field.value = ""
        self._filter("")
        options.scroll_home(animate=False)

    def on_mount(self) -> None:
        # Styled as its widgets mounted: its showing need not style them all again
        # unless the CSS changes meanwhile (it may be built ahead, tenktui.ui.ahead).
        self._css_update_count = self.app._css_update_count

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        restyle_if_changed(self, event)
