"""A per-day strip of booked hours against capacity, a week per group of seven.

One character a day, readable without colour: ``█`` booked to capacity, ``▁``…``▇``
booked under it (the height is the share), ``▲`` booked over it, ``·`` a work day
with nothing booked, blank a day off. A ``^`` marks the day under the cursor,
which is spelled out on the line below.

It shows as many whole weeks as its width holds (never wrapping), following the
cursor; ``‹`` and ``›`` say more weeks lie before or after.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tenktui.store.describe import day_label, hours_label
from tenktui.store.load import DayLoad
from tenktui.ui import keys

LABEL = "Load  "
UNDER = "▁▂▃▄▅▆▇"
GLYPHS = {"off": " ", "empty": "·", "full": "█", "over": "▲"}
LEGEND = "█ full  ▁…▇ under  ▲ over  · free"
WEEK = 8  # columns a week takes: seven days and a space


def glyph(load: DayLoad) -> str:
    """The character that stands for one day."""
    state = load.state
    if state == "under":
        level = int(load.booked / load.capacity * len(UNDER))
        return UNDER[max(0, min(len(UNDER) - 1, level))]
    return GLYPHS[state]


def describe_day(load: DayLoad, holiday: str | None = None) -> str:
    """``Tue 24 Nov: 6.6 h booked of 8 h, 1.4 h free``."""
    head = f"{day_label(load.date)}: {hours_label(load.booked)} booked of "
    head += hours_label(load.capacity)
    state = load.state
    if state == "over":
        return f"{head}, {hours_label(-load.free)} over"
    if state == "off":
        return f"{day_label(load.date)}: {holiday or 'day off'}, nothing booked"
    if state == "full":
        return f"{head}, full"
    return f"{head}, {hours_label(load.free)} free"


class LoadStrip(Widget, can_focus=True):
    """Booked hours per day; ←/→ (h/l) move the day cursor, a click picks a day."""

    DEFAULT_CSS = """
    LoadStrip {
        height: 4;
        padding: 0 1;
    }
    LoadStrip:focus {
        background: $boost;
    }
    LoadStrip > .load-strip--over { color: $error; text-style: bold; }
    LoadStrip > .load-strip--full { color: $success; }
    LoadStrip > .load-strip--under { color: $warning; }
    LoadStrip > .load-strip--empty { color: $warning; }
    LoadStrip > .load-strip--off { color: $text-muted; }
    LoadStrip > .load-strip--label { color: $text-muted; }
    LoadStrip > .load-strip--cursor { text-style: bold; }
    LoadStrip > .load-strip--cursor-mark { color: $text-muted; text-style: bold; }
    LoadStrip:focus > .load-strip--cursor-mark { color: $accent; }
    LoadStrip > .load-strip--today { text-style: underline; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "load-strip--over",
        "load-strip--full",
        "load-strip--under",
        "load-strip--empty",
        "load-strip--off",
        "load-strip--label",
        "load-strip--cursor",
        "load-strip--cursor-mark",
        "load-strip--today",
    }

    BINDINGS = keys.LOAD_STRIP

    cursor: reactive[int] = reactive(0)

    class DayChanged(Message):
        """The day under the cursor changed."""

        def __init__(self, strip: LoadStrip, day: dt.date) -> None:
            super().__init__()
            self.strip = strip
            self.day = day

        @property
        def control(self) -> LoadStrip:
            return self.strip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.loads: list[DayLoad] = []
        self.holidays: dict[dt.date, str] = {}
        self.today: dt.date | None = None
        self.first_week = 0
        self.tooltip = LEGEND

    # -- data -------------------------------------------------------------
    def show(
        self,
        loads: list[DayLoad],
        *,
        today: dt.date | None = None,
        day: dt.date | None = None,
        holidays: dict[dt.date, str] | None = None,
    ) -> None:
        """Draw ``loads`` (whole weeks, from a week's first day) with the cursor on ``day``."""
        previous = self.day
        self.loads = loads
        self.holidays = holidays or {}
        self.today = today
        wanted = day or previous or today
        dates = [d.date for d in loads]
        if wanted in dates:
            index = dates.index(wanted)
        elif loads and wanted is not None and wanted > dates[-1]:
            index = len(loads) - 1
        else:
            index = 0
        self.set_reactive(LoadStrip.cursor, index)
        self.refresh()
        if self.day != previous and self.day is not None:
            self.post_message(self.DayChanged(self, self.day))

    @property
    def day(self) -> dt.date | None:
        if not self.loads:
            return None
        return self.loads[min(self.cursor, len(self.loads) - 1)].date

    @property
    def current(self) -> DayLoad | None:
        return self.loads[self.cursor] if 0 <= self.cursor < len(self.loads) else None

    # -- keys and mouse ---------------------------------------------------
    def action_move(self, by: int) -> None:
        if self.loads:
            self.cursor = max(0, min(len(self.loads) - 1, self.cursor + by))

    def watch_cursor(self, old: int, new: int) -> None:
        if old != new and self.day is not None:
            self.post_message(self.DayChanged(self, self.day))

    def on_click(self, event: events.Click) -> None:
        x = event.x - self.styles.padding.left - len(LABEL)
        if x < 0 or event.y not in (1, 2):
            return
        week, offset = divmod(x, WEEK)
        index = (self.first_week + week) * 7 + offset
        if offset < 7 and index < len(self.loads):
            self.cursor = index

    # -- drawing ----------------------------------------------------------
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"load-strip--{name}", partial=True)

    def _weeks_in_view(self) -> range:
        """The weeks that fit the width, the cursor's among them."""
        weeks = (len(self.loads) + 6) // 7
        width = self.content_size.width
        fit = min(weeks, max(1, (width - len(LABEL)) // WEEK) if width else weeks)
        cursor_week = self.cursor // 7
        first = min(max(self.first_week, cursor_week - fit + 1), cursor_week, weeks - fit)
        self.first_week = max(0, first)
        return range(self.first_week, self.first_week + fit)

    def render(self) -> Text:
        if not self.loads:
            return Text("No assignments in this range.", style=self._style("label"))
        shown = self._weeks_in_view()
        weeks = (len(self.loads) + 6) // 7
        heads = Text(" " * len(LABEL))
        label = LABEL if shown.start == 0 else LABEL[:-2] + "‹ "
        strip = Text(label, style=self._style("label"))
        for start in range(shown.start * 7, shown.stop * 7, 7):
            week = self.loads[start : start + 7]
            first = week[0].date
            heads.append(f"{first.day} {first:%b}".ljust(8)[:8], style=self._style("label"))
            for i, load in enumerate(week):
                style = self._style(load.state if load.state != "empty" else "empty")
                if load.date == self.today:
                    style += self._style("today")
                if start + i == self.cursor:
                    style += self._style("cursor")
                strip.append(glyph(load), style=style)
            strip.append(" ")
        if shown.stop < weeks:
            strip.right_crop(1)
            strip.append("›", style=self._style("label"))
        week, offset = divmod(self.cursor, 7)
        caret = Text(" " * (len(LABEL) + (week - shown.start) * WEEK + offset))
        caret.append("^", style=self._style("cursor-mark"))
        current = self.current
        detail = Text(" " * len(LABEL))
        if current is not None:
            detail.append(describe_day(current, self.holidays.get(current.date)))
        return Text("\n").join([heads, strip, caret, detail])
