"""Component styles kept until the styles change, for widgets that draw their lines.

Textual works a component class's style out afresh each time it is asked for, and
forgets its own on every refresh: a frame of the week grid asks for about 20 a line,
and the week's head line for two (half a millisecond of a week change). A widget
with this mixin asks once, and again only after Textual says its styles changed
(the theme, the CSS, a pseudo-class: ``notify_style_update``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style

if TYPE_CHECKING:
    from textual.widget import Widget

    _Widget = Widget
else:
    # Not a widget itself: Textual takes a widget's inherited CSS from its first base
    # that is one, so the mixin goes first and the widget class after it.
    _Widget = object


class KeptStyles(_Widget):
    """``_style(*names)``: a component style; ``_base_style()``: the widget's own.
    Put it before the widget class: ``class Grid(KeptStyles, ScrollView)``."""

    _kept_styles: dict[tuple[str, ...], Style] | None = None

    def _style(self, *names: str) -> Style:
        """A component's style; with no names, the widget's own (its background)."""
        kept = self._kept_styles
        if kept is None:
            kept = self._kept_styles = {}
        style = kept.get(names)
        if style is None:
            style = self.get_component_rich_style(*names) if names else self.rich_style
            kept[names] = style
        return style

    def _base_style(self) -> Style:
        """The widget's own style (its background), kept with the component styles."""
        return self._style()

    def notify_style_update(self) -> None:
        self._kept_styles = None  # the theme, the CSS or a pseudo-class changed
        super().notify_style_update()
