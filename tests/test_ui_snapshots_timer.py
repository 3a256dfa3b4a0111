"""How the running timer looks (issue 14), pinned as SVG snapshots: in the footer and
on its row, and the question about a forgotten one.

The store is a copy of one filled by a real sync from the demo sandbox; the clock is
frozen at NOW (Monday 23 November 2026, 09:30 UTC). Update with ``--snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tenktui.session import Session
from tenktui.store import Rounding
from tenktui.ui.app import TenkApp
from tests.app_harness import NOW, Clock, offline_session
from tests.conftest import TODAY

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


@pytest.fixture
def snap_session(synced_store: Path, tmp_path: Path) -> Iterator[Session]:
    session = offline_session(synced_store, tmp_path / "profile")
    yield session
    asyncio.run(session.aclose())


def start_timer(session: Session, label: str, at: dt.datetime) -> None:
    store = session.store
    me = store.me_id()
    assert me is not None
    row = next(r for r in store.queries.week(me, TODAY).rows if r.label.startswith(label))
    store.timer.start(me, row.assignable_id, now=NOW, at=at, zone="UTC", rounding=Rounding())


def app(session: Session) -> TenkApp:
    return TenkApp(session, sync=False, clock=Clock())


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_running_timer(snap_compare, snap_session: Session, size: tuple[int, int]) -> None:
    """A timer on Internal Tools since 08:05: ⏱ on its row; the footer shows 1:25 (and,
    at 120 columns, the name too) beside the sync state."""
    start_timer(snap_session, "Internal Tools", NOW - dt.timedelta(minutes=85))
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), terminal_size=size)


def test_a_forgotten_timer(snap_compare, snap_session: Session) -> None:
    """A timer left running since yesterday 09:00: asked about when the app opens."""
    start_timer(snap_session, "Internal Tools", NOW - dt.timedelta(hours=24, minutes=30))
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(app(snap_session), terminal_size=(80, 24))
