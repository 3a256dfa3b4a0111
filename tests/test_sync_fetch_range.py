"""``SyncControl.fetch_range``: a report's period outside the window, fetched over real
HTTP with its progress heard, kept through window pulls, and failures said, not raised."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tenktui.session import Session, open_session
from tenktui.sync.leader import LeaderLock
from tenktui.sync.window import Window
from tests.conftest import TODAY, TOKEN, RunningSandbox

ME_EMAIL = "me@example.com"
OLD = (dt.date(2026, 10, 5), dt.date(2026, 10, 18))  # outside a two-week window


def _session(path: Path, base_url: str) -> Session:
    return open_session(
        db_path=path,
        base_url=base_url,
        token=TOKEN,
        email=ME_EMAIL,
        window=Window(2, 8),
        today=lambda: TODAY,
    )


@pytest.fixture
async def session(demo_server: RunningSandbox, tmp_path: Path) -> AsyncIterator[Session]:
    s = _session(tmp_path / "profile.db", demo_server.base_url)
    await s.engine.sync_once()
    yield s
    await s.aclose()


def _old_hours(session: Session) -> float:
    me = session.store.me_id()
    assert me is not None
    return session.store.reports.report(me, *OLD).total.confirmed


async def test_a_period_is_fetched_in_steps_held_and_kept_by_window_pulls(
    session: Session,
) -> None:
    me = session.store.me_id()
    assert me is not None
    assert session.store.reports.missing(me, *OLD) == [OLD]
    assert _old_hours(session) == 0  # the window pull did not bring it
    steps: list[str] = []
    result = await session.sync.fetch_range(*OLD, steps.append)
    assert result.ok, result.message
    assert result.fetched == (OLD,) and result.counts["time_entries"] > 0
    assert steps == ["time entries 1/3", "assignments 2/3", "projects 3/3"]
    assert session.store.reports.missing(me, *OLD) == []
    fetched = _old_hours(session)
    assert fetched > 0
    await session.engine.sync_once()
    assert _old_hours(session) == fetched
    again: list[str] = []
    second = await session.sync.fetch_range(*OLD, again.append)
    assert second.ok and second.fetched == () and again == []
    # Only what is missing is fetched: a period overlapping the held one.
    wider: list[str] = []
    third = await session.sync.fetch_range(OLD[0] - dt.timedelta(days=7), OLD[1], wider.append)
    assert third.fetched == ((OLD[0] - dt.timedelta(days=7), OLD[0] - dt.timedelta(days=1)),)


async def test_offline_says_so_and_does_not_raise(tmp_path: Path) -> None:
    session = _session(tmp_path / "profile.db", "http://127.0.0.1:9/api/v1")
    session.backend.limit_attempts(1)
    try:
        result = await session.sync.fetch_range(*OLD)
        assert not result.ok and result.message.startswith("Could not fetch the period")
        assert session.engine.state.kind == "offline"
    finally:
        await session.aclose()


async def test_another_process_leading_sync_is_said(session: Session, tmp_path: Path) -> None:
    session.engine.leader.release()
    other = LeaderLock(session.store.path)
    assert other.acquire()
    try:
        result = await session.sync.fetch_range(*OLD)
        assert not result.ok and "Another tenktui process" in result.message
    finally:
        other.release()
