"""The app's parsed CSS, kept between starts (tenktui.ui.css_cache)."""

from __future__ import annotations

import os
import pickle
import stat

import pytest
import textual.css.stylesheet as textual_stylesheet
from textual.css.stylesheet import Stylesheet

from tenktui.session import Session
from tenktui.ui import css_cache
from tenktui.ui.app import KEEP_CSS_SECONDS
from tests.app_harness import running


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CSS Textual parses (where each was read from), as it parses it."""
    seen: list[str] = []
    parse = textual_stylesheet.parse

    def counted(scope: str, css: str, read_from: object, **options: object) -> object:
        seen.append(repr(read_from))
        return parse(scope, css, read_from, **options)

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    return seen


async def start(session: Session) -> str:
    """One start of the app, run until its CSS is kept: the screen it showed."""
    async with running(session) as (app, pilot):
        await pilot.pause(KEEP_CSS_SECONDS + 0.2)
        return app.export_screenshot()


async def test_a_second_start_reads_the_css_its_first_frame_needs_from_a_private_file(
    session: Session, parses: list[str]
) -> None:
    first_screen = await start(session)
    first = len(parses)
    assert first > 5  # the app's, the screen's and its widgets' CSS
    path = css_cache.cache_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = {repr(key[1]) for parses in css_cache.load().values() for key in parses}
    assert any("WeekGridView" in name for name in saved)
    parses.clear()
    second_screen = await start(session)
    # What the first frame needed is read, not parsed (widgets composed after it, such
    # as the footer's keys, may be parsed as they come), and it looks the same.
    assert not saved & set(parses)
    assert len(parses) < first / 4
    # The app's own widgets among them: Textual parses some of them again in a fresh
    # stylesheet (a screen's CSS added, the theme's variables set), kept all the same.
    assert not [name for name in parses if "tenktui" in name]
    assert second_screen == first_screen


async def test_nothing_is_written_when_the_file_already_holds_what_was_parsed(
    session: Session,
) -> None:
    await start(session)
    path = css_cache.cache_file()
    written = path.stat().st_mtime_ns
    os.utime(path, ns=(1, 1))
    await start(session)
    assert path.stat().st_mtime_ns == 1 != written


@pytest.mark.parametrize(
    "broken",
    [
        b"",
        b"not a pickle",
        pickle.dumps(["a", "list"])[:-3],
        pickle.dumps(42),
        pickle.dumps({"k": {("css",): ["not a rule"]}}),
    ],
    ids=["empty", "text", "cut", "a number", "not rules"],
)
async def test_a_broken_file_is_ignored_and_replaced(
    session: Session, parses: list[str], broken: bytes
) -> None:
    path = css_cache.cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(broken)
    async with running(session) as (app, pilot):
        assert app.screen is app.timesheet and app.timesheet.grid.rows  # drawn as always
        await pilot.pause(KEEP_CSS_SECONDS + 0.2)
    assert parses  # parsed as if there were no file
    assert css_cache.load()  # and the file is a good one again


async def test_a_file_others_can_write_is_not_read(session: Session, parses: list[str]) -> None:
    await start(session)
    path = css_cache.cache_file()
    path.chmod(0o666)
    assert css_cache.load() == {}
    parses.clear()
    await start(session)
    assert len(parses) > 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # replaced by a private one


async def test_rules_parsed_under_another_theme_or_textual_are_not_used(
    session: Session, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await start(session)
    kept = css_cache.load()
    path = css_cache.cache_file()
    other = {key.replace("#", "!"): rules for key, rules in kept.items()}  # other variables
    path.write_bytes(pickle.dumps(other))
    parses.clear()
    await start(session)
    first = len(parses)
    assert first > 5
    # Another Textual (or Python) installed: what was kept is not used either.
    monkeypatch.setattr(css_cache, "_installation", lambda: ("another textual",))
    parses.clear()
    await start(session)
    assert len(parses) == first


async def test_a_textual_whose_stylesheet_differs_parses_as_it_always_did(
    session: Session, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_this_textual(self: css_cache.KeptStylesheet) -> None:
        raise AttributeError("_parse_cache")

    monkeypatch.setattr(css_cache.KeptStylesheet, "_fill", not_this_textual)
    async with running(session) as (app, pilot):
        assert type(app.stylesheet) is Stylesheet
        assert app.screen is app.timesheet and app.timesheet.grid.rows
        await pilot.pause(KEEP_CSS_SECONDS + 0.2)
    assert parses
    assert not css_cache.cache_file().exists()
