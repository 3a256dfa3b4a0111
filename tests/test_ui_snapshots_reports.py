"""How the Reports screen looks, pinned as SVG snapshots: last week (confirmed time) at
60×20, 80×24 and 120×40, a month, and under NO_COLOR and the 16-colour ANSI theme.

The store is a copy of one filled by a real sync from the demo sandbox; the clock is
frozen at NOW (Monday 23 November 2026). Every period shown, and its trend weeks, lie
in the synced window: nothing is fetched. Update with ``--snapshot-update`` and look at
the SVGs before committing them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tenktui.session import Session
from tenktui.ui.app import TenkApp
from tests.app_harness import NOW, offline_session

LAST_WEEK = ["f7", "left_square_bracket"]


@pytest.fixture
def snap_session(synced_store: Path, tmp_path: Path) -> Iterator[Session]:
    session = offline_session(synced_store, tmp_path / "profile")
    yield session
    asyncio.run(session.aclose())


def app(session: Session, **options: object) -> TenkApp:
    return TenkApp(session, sync=False, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((60, 20), id="60x20", marks=pytest.mark.slow),
        pytest.param((80, 24), id="80x24"),
        pytest.param((120, 40), id="120x40", marks=pytest.mark.slow),
    ],
)
def test_last_week(snap_compare, snap_session: Session, size: tuple[int, int]) -> None:
    """By project: the table, the bars of each day beside their numbers, the trends
    (below at 80 columns and less, the chart beside the table at 120)."""
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=LAST_WEEK, terminal_size=size)


@pytest.mark.slow
def test_october(snap_compare, snap_session: Session) -> None:
    """A month: bars per week, billing where the entries carry rates, a sick day."""
    keys = ["f7", "m", "left_square_bracket"]
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=keys, terminal_size=(120, 40))


@pytest.mark.slow
def test_no_color(snap_compare, snap_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: each series of the chart still has a glyph of its own."""
    monkeypatch.setenv("NO_COLOR", "1")
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=LAST_WEEK, terminal_size=(80, 24))


def test_the_ansi_theme(snap_compare, snap_session: Session) -> None:
    """Only the terminal's 16 colours, for SSH sessions."""
    with time_machine.travel(NOW, tick=False):
        shown = app(snap_session, theme="tenktui-ansi")
        assert snap_compare(shown, press=LAST_WEEK, terminal_size=(80, 24))
