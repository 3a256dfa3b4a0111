"""Bars of confirmed hours per day or week, capacity as a lid over each bar, scheduled
hours as a diamond: the Reports screen's chart, drawn by plotext through
``textual-plotext`` (Textualize's widget for it).

Each series has its own glyph as well as its own colour, so the chart still reads
under ``NO_COLOR``; its colours come from the app's theme, and from the terminal's own
16 colours when the theme is an ANSI one. The numbers themselves are in a text table
beside the chart (the screen's), never only here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.app import RenderResult
from textual.color import Color
from textual.content import Content
from textual.widgets import Static
from textual_plotext import PlotextPlot

BAR = "█"
LID = "─"
DOT = "◆"
LID_HALF_WIDTH = 0.3
# Columns plotext gives the hours' axis, before the first bar (enough for "40 ").
Y_AXIS_WIDTH = 4
TICK_STEPS = (1, 2, 4, 5, 8, 10, 20, 40, 50, 100, 200, 500, 1000)

# What each series is drawn in: a theme colour by name.
COLOURS = {"confirmed": "primary", "capacity": "foreground", "scheduled": "accent"}


@dataclass(frozen=True)
class Bars:
    """What the chart shows: one label and three numbers per bar."""

    labels: tuple[str, ...]
    confirmed: tuple[float, ...]
    capacity: tuple[float | None, ...]
    scheduled: tuple[float | None, ...]


def plot_colour(colour: Color) -> str | int | tuple[int, int, int]:
    """A theme colour as plotext takes it: an ANSI colour stays the terminal's own
    (index 0–15, or its default colour), any other is RGB."""
    if colour.ansi is not None:
        return colour.ansi if 0 <= colour.ansi < 16 else "default"
    return colour.rgb


def fit_labels(labels: tuple[str, ...], slot: int) -> list[str]:
    """Each label cut to leave a space in its ``slot`` of columns (``Wed`` → ``We``);
    where not even one letter fits, every other label is left out."""
    room = slot - 1
    if room >= 1:
        return [label[:room] for label in labels]
    return [label[:1] if i % 2 == 0 else "" for i, label in enumerate(labels)]


def hour_ticks(top: float) -> list[float]:
    """Round hours for the axis, from 0 to at least ``top``, at most five of them."""
    step = next((s for s in TICK_STEPS if top / s <= 4), TICK_STEPS[-1])
    return [float(i * step) for i in range(max(1, math.ceil(top / step)) + 1)]


class HoursChart(PlotextPlot):
    """Confirmed hours as bars, capacity as a lid, scheduled as a diamond."""

    DEFAULT_CSS = """
    HoursChart {
        width: 1fr;
        height: 1fr;
        min-height: 6;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Plotext's "clear" theme paints no background or axes: the widget's own
        # colours (the app theme's) show through.
        self.theme = "clear"
        self.bars = Bars((), (), (), ())

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self._draw())

    def show(self, bars: Bars) -> None:
        """Draw ``bars`` (the chart keeps them to redraw on a change of theme)."""
        self.bars = bars
        self._draw()

    def _colour(self, series: str) -> str | int | tuple[int, int, int]:
        variables = self.app.theme_variables
        return plot_colour(Color.parse(variables.get(COLOURS[series], "white")))

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.theme("clear")
        plt.frame(False)
        bars = self.bars
        if not bars.labels:
            self.refresh()
            return
        x = list(range(1, len(bars.labels) + 1))
        plt.bar(x, list(bars.confirmed), color=self._colour("confirmed"), marker=BAR, width=0.6)
        for at, hours in zip(x, bars.capacity, strict=True):
            if hours is not None:
                lid = [at - LID_HALF_WIDTH, at + LID_HALF_WIDTH]
                plt.plot(lid, [hours, hours], color=self._colour("capacity"), marker=LID)
        points = [(at, h) for at, h in zip(x, bars.scheduled, strict=True) if h is not None]
        if points:
            plt.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                color=self._colour("scheduled"),
                marker=DOT,
            )
        top = max(
            [*bars.confirmed, *(h or 0 for h in bars.capacity), *(h or 0 for h in bars.scheduled)]
        )
        ticks = hour_ticks(top)
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks, [f"{t:g}" for t in ticks])
        plt.xlim(0.4, len(x) + 0.6)
        self.refresh()

    def render(self) -> RenderResult:
        # The labels under the bars fit the width they get: plotext would drop the ones
        # that collide, and which it drops changes from one process to the next.
        if self.bars.labels:
            x = list(range(1, len(self.bars.labels) + 1))
            slot = max(1, (self.size.width - Y_AXIS_WIDTH) // len(x))
            self.plt.xticks(x, fit_labels(self.bars.labels, slot))
        return super().render()


class ChartLegend(Static):
    """``█ confirmed  ─ capacity  ◆ scheduled``, in the chart's colours."""

    DEFAULT_CSS = """
    ChartLegend {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    """

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self._draw())
        self._draw()

    def _draw(self) -> None:
        variables = self.app.theme_variables
        parts = []
        for glyph, series in ((BAR, "confirmed"), (LID, "capacity"), (DOT, "scheduled")):
            colour = variables.get(COLOURS[series], "")
            parts.append(Content.assemble((glyph, colour), f" {series}"))
        self.update(Content("  ").join(parts))
