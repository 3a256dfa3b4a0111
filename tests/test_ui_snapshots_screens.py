"""How the Assignments, Status, Subtasks and Outbox screens look, at 60×20, 80×24 and 200×50.

The app runs on a demo store filled by a real sync, with the clock frozen, so
every date and "5 min ago" is the same on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tenktui.session import Session
from tenktui.ui.app import TenkApp
from tests.app_harness import NOW, make_trouble, prepared_store

SIZES = [
    pytest.param((60, 20), id="60x20"),
    pytest.param((80, 24), id="80x24"),
    pytest.param((200, 50), id="200x50"),
]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[list[Session]]:
    """Sessions opened by a test, closed after it."""
    sessions: list[Session] = []
    yield sessions
    for session in sessions:
        session.store.close()


def app_on(opened: list[Session], workdir: Path, prepare=None) -> TenkApp:
    session = prepared_store(workdir, prepare)
    opened.append(session)
    return TenkApp(session, sync=False)


async def statuses_five_minutes_ago(session: Session) -> None:
    with time_machine.travel(NOW - dt.timedelta(minutes=5), tick=False):
        session.engine.want_statuses([p["id"] for p in session.store.queries.status_board()])
        for _ in range(3):
            await session.engine.sync_once()


@pytest.mark.parametrize("size", SIZES)
def test_assignments(snap_compare, opened, tmp_path, size) -> None:
    assert snap_compare(app_on(opened, tmp_path), press=["f3"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.slow
def test_assignments_load_strip_focused(snap_compare, opened, tmp_path, size) -> None:
    # The strip's cursor on next week's Monday, which is over-booked.
    keys = ["f3", "shift+tab", "down"]
    assert snap_compare(app_on(opened, tmp_path), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.slow
def test_status(snap_compare, opened, tmp_path, size) -> None:
    app = app_on(opened, tmp_path, statuses_five_minutes_ago)
    assert snap_compare(app, press=["f4"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.slow
def test_status_message_prompt(snap_compare, opened, tmp_path, size) -> None:
    app = app_on(opened, tmp_path, statuses_five_minutes_ago)
    assert snap_compare(app, press=["f4", "w", *"On a train"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.slow
def test_subtasks(snap_compare, opened, tmp_path, size) -> None:
    keys = ["f3", "enter", "down", "down", "space"]  # one ticked, pending
    assert snap_compare(app_on(opened, tmp_path), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.slow
def test_subtasks_delete_confirmation(snap_compare, opened, tmp_path, size) -> None:
    keys = ["f3", "enter", "d"]
    assert snap_compare(app_on(opened, tmp_path), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.slow
def test_outbox_conflict(snap_compare, opened, tmp_path, size) -> None:
    app = app_on(opened, tmp_path, make_trouble)
    assert snap_compare(app, press=["f6"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.slow
def test_outbox_failed(snap_compare, opened, tmp_path, size) -> None:
    app = app_on(opened, tmp_path, make_trouble)
    assert snap_compare(app, press=["f6", "down"], terminal_size=size)
