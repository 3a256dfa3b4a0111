"""How the Timesheet and the help screen look, pinned as SVG snapshots.

The store is a copy of one filled by a real sync from the demo sandbox; the clock is
frozen at NOW (Monday 23 November 2026, 09:30 UTC). Update with ``--snapshot-update``
and look at the SVGs before committing them.
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

SMALL = (80, 24)
LARGE = (120, 40)
# Nothing may wrap from the narrowest size up; the widest adds names in full and notes.
SIZES = [(60, 20), SMALL, (200, 50)]
SIZE_IDS = ["60x20", "80x24", "200x50"]


@pytest.fixture
def snap_session(synced_store: Path, tmp_path: Path) -> Iterator[Session]:
    session = offline_session(synced_store, tmp_path / "profile")
    yield session
    asyncio.run(session.aclose())


def app(session: Session, **options: object) -> TenkApp:
    return TenkApp(session, sync=False, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.slow
def test_this_week(snap_compare, snap_session: Session, size: tuple[int, int]) -> None:
    """This week: suggestions only (dimmed, with ~), capacity 8 h a day."""
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_last_week(snap_compare, snap_session: Session, size: tuple[int, int]) -> None:
    """Last week: confirmed time; two cells hold two entries each (+); every day
    under-booked (▽); at 200x50 the notes of Monday beside the rows."""
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=["left_square_bracket"], terminal_size=size)


@pytest.mark.slow
def test_marks_of_pending_and_locked_cells(snap_compare, snap_session: Session) -> None:
    """Tuesday confirmed (↑ waiting to sync; asked first, as it is after today);
    Annual Report added: locked (×)."""
    keys = ["right", "c", "y", "a", *"annual", "enter", "2"]
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=keys, terminal_size=LARGE)


def test_refused_hours_stay_for_correction(snap_compare, snap_session: Session) -> None:
    """25 h typed into a cell: refused, the text kept and marked, the reason below."""
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=["2", "5", "enter"], terminal_size=SMALL)


def test_help(snap_compare, snap_session: Session) -> None:
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=["question_mark"], terminal_size=SMALL)


def test_the_ansi_theme(snap_compare, snap_session: Session) -> None:
    """Only the terminal's 16 colours, for SSH sessions."""
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session, theme="tenktui-ansi"), terminal_size=SMALL)


@pytest.mark.slow
def test_next_week_marks_the_holiday(snap_compare, snap_session: Session) -> None:
    """Studio Day (Fri 4 Dec) marked * in its header and named below on Friday."""
    keys = ["right_square_bracket", "right", "right", "right", "right"]
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), press=keys, terminal_size=SMALL)
