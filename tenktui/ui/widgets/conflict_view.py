"""Both versions of a conflicted edit side by side: as it was, mine, theirs."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tenktui.store.describe import Versions
from tenktui.text import clean_line


class ConflictView(Static):
    """Field by field: the base the edit was made on, my version, the server's version.

    Rows where mine and theirs differ carry a ``≠`` mark (and the theme's warning
    colour), so the difference reads without colour too.
    """

    DEFAULT_CSS = """
    ConflictView {
        height: auto;
        padding: 0 1;
    }
    ConflictView > .conflict-view--differs { color: $warning; text-style: bold; }
    ConflictView > .conflict-view--head { color: $text-muted; text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"conflict-view--differs", "conflict-view--head"}

    def show(self, versions: Versions) -> None:
        differs = self.get_component_rich_style("conflict-view--differs", partial=True)
        head = self.get_component_rich_style("conflict-view--head", partial=True)
        table = Table(box=None, padding=(0, 1), expand=True, show_edge=False, header_style=head)
        table.add_column("", width=2, no_wrap=True)
        table.add_column("", no_wrap=True, style=head, ratio=1)
        for title in ("Before", "Mine (m)", "Theirs (T)"):
            table.add_column(title, ratio=3, overflow="ellipsis", no_wrap=True)
        for field in versions.fields:
            style = differs if field.differs else ""
            table.add_row(
                Text("≠" if field.differs else "", style=style),
                Text(clean_line(field.name)),
                Text(clean_line(field.base)),
                Text(clean_line(field.mine), style=style),
                Text(clean_line(field.theirs), style=style),
            )
        self.update(table)
