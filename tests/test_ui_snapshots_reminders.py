"""The Timesheet's reminder banner, pinned as SVG snapshots (the store and the clock of
``test_ui_snapshots_timesheet``: the demo synced on Monday 23 November 2026, 09:30 UTC).
Update with ``--snapshot-update`` and look at the SVGs before committing them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tenktui.session import Session
from tenktui.ui.app import TenkApp
from tests.app_harness import NOW, offline_session

SIZES = [(60, 20), (80, 24), (120, 40)]
SIZE_IDS = ["60x20", "80x24", "120x40"]


@pytest.fixture
def snap_session(synced_store: Path, tmp_path: Path) -> Iterator[Session]:
    session = offline_session(synced_store, tmp_path / "profile")
    yield session
    asyncio.run(session.aclose())


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_jump_key_goes_to_the_time_about_to_lock(
    snap_compare, snap_session: Session, size: tuple[int, int]
) -> None:
    """The banner on top (cut with … where narrow); ! has moved to last week's Tuesday,
    on the migration's unconfirmed 2 h, and says why below the grid."""
    app = TenkApp(snap_session, sync=False)
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app, press=["exclamation_mark"], terminal_size=size)
