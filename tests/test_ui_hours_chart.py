"""The Reports screen's bar chart: every series tells itself apart by its glyph (so it
reads under NO_COLOR), and takes the theme's colours, the terminal's own under ANSI."""

from __future__ import annotations

from rich.color import ColorType
from textual.app import App, ComposeResult
from textual.color import Color

from tenktui.ui.themes import load_themes
from tenktui.ui.widgets.hours_chart import (
    BAR,
    DOT,
    LID,
    Bars,
    ChartLegend,
    HoursChart,
    fit_labels,
    plot_colour,
)

WEEK = Bars(
    labels=("Mon 16", "Tue 17", "Wed 18", "Thu 19", "Fri 20"),
    confirmed=(7.0, 8.0, 6.5, 4.0, 0.0),
    capacity=(8.0, 8.0, 8.0, 8.0, 8.0),
    scheduled=(6.0, 8.0, None, 8.0, 2.0),
)


class ChartApp(App[None]):
    def __init__(self, theme: str | None = None) -> None:
        super().__init__()
        for item in load_themes()[0]:
            self.register_theme(item)
        if theme:
            self.theme = theme

    def compose(self) -> ComposeResult:
        yield HoursChart(id="chart")
        yield ChartLegend()


def plain(app: ChartApp) -> str:
    return app.query_one(HoursChart).render().plain  # type: ignore[union-attr]


async def test_each_series_has_a_glyph_of_its_own() -> None:
    app = ChartApp()
    async with app.run_test(size=(60, 14)) as pilot:
        app.query_one(HoursChart).show(WEEK)
        await pilot.pause()
        text = plain(app)
        for label in WEEK.labels:
            assert label in text
        assert BAR in text and LID in text and DOT in text
        legend = str(app.query_one(ChartLegend).render())
        assert f"{BAR} confirmed" in legend
        assert f"{LID} capacity" in legend
        assert f"{DOT} scheduled" in legend


async def test_an_empty_period_draws_no_bars() -> None:
    app = ChartApp()
    async with app.run_test(size=(60, 14)) as pilot:
        app.query_one(HoursChart).show(Bars((), (), (), ()))
        await pilot.pause()
        assert BAR not in plain(app)


def test_ansi_colours_stay_the_terminals_own() -> None:
    assert plot_colour(Color.parse("ansi_blue")) == 4
    assert plot_colour(Color.parse("ansi_bright_yellow")) == 11
    assert plot_colour(Color.parse("ansi_default")) == "default"  # not black
    assert plot_colour(Color.parse("#5FA8D3")) == (0x5F, 0xA8, 0xD3)


async def test_under_the_ansi_theme_the_bars_use_the_16_colours() -> None:
    app = ChartApp("tenktui-ansi")
    async with app.run_test(size=(60, 14)) as pilot:
        app.query_one(HoursChart).show(WEEK)
        await pilot.pause()
        rendered = app.query_one(HoursChart).render()
        colours = {
            span.style.color  # type: ignore[union-attr]
            for span in rendered.spans  # type: ignore[union-attr]
            if not isinstance(span.style, str) and span.style.color is not None
        }
        assert colours, "the bars carry a colour"
        assert all(c.type in (ColorType.STANDARD, ColorType.DEFAULT) for c in colours), colours


async def test_a_change_of_theme_redraws_the_bars_in_its_colours() -> None:
    app = ChartApp("tenktui-dark")
    async with app.run_test(size=(60, 14)) as pilot:
        chart = app.query_one(HoursChart)
        chart.show(WEEK)
        await pilot.pause()
        before = chart.render()
        app.theme = "tenktui-light"
        await pilot.pause()
        assert chart.render().spans != before.spans  # type: ignore[union-attr]


def test_labels_are_cut_to_their_room_not_dropped() -> None:
    days = ("Mon", "Tue", "Wed")
    assert fit_labels(days, 6) == ["Mon", "Tue", "Wed"]
    assert fit_labels(days, 3) == ["Mo", "Tu", "We"]
    assert fit_labels(days, 1) == ["M", "", "W"]


async def test_every_bar_keeps_a_label_when_narrow() -> None:
    """Plotext drops labels that collide, and which ones changes with the process's
    hash seed: the chart cuts them to fit instead, so every bar has one."""
    week = Bars(
        labels=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        confirmed=(7.0,) * 7,
        capacity=(8.0,) * 7,
        scheduled=(6.0,) * 7,
    )
    app = ChartApp()
    async with app.run_test(size=(28, 12)) as pilot:
        app.query_one(HoursChart).show(week)
        await pilot.pause()
        assert plain(app).splitlines()[-1].split() == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


async def test_in_every_theme_the_series_differ_from_each_other_and_the_background() -> None:
    themes = [t.name for t in load_themes()[0]]
    assert "tenktui-ansi" in themes and "tenktui-high-contrast" in themes
    for name in themes:
        app = ChartApp(name)
        async with app.run_test(size=(60, 14)):
            chart = app.query_one(HoursChart)
            series = [chart._colour(s) for s in ("confirmed", "capacity", "scheduled")]
            assert len(set(series)) == 3, (name, series)
            background = plot_colour(Color.parse(app.theme_variables["background"]))
            if background != "default":  # the terminal's own: its text colour differs
                assert background not in series, (name, series)
