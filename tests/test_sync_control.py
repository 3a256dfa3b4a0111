"""The session's SyncControl and the engine's subscriptions, without a server.

The rate governor is process-wide (one per token): an engine that outlived its
session must not keep hearing from it, or every later throttle reaches a closed
store.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from tenktui.api.tenkft.client import TenKftClient
from tenktui.sandbox.embedded import NetworkSwitch
from tenktui.session import DemoControls, Session
from tenktui.store import Store
from tenktui.sync.engine import SyncEngine
from tenktui.sync.state import SyncState
from tests.conftest import TODAY

ME = "me@example.com"


def offline_session(folder: Path, token: str) -> Session:
    """A session whose network is cut: nothing here leaves the machine."""
    store = Store(folder / "profile.db", today=lambda: TODAY)
    switch = NetworkSwitch()
    switch.toggle()
    backend = TenKftClient("http://127.0.0.1:9/api/v1", token, transport=switch)
    return Session(store, backend, SyncEngine(store, backend, ME), ME)


async def throttle(session: Session) -> None:
    """The server says the budget is spent: the governor turns to ``throttled``."""
    async with session.backend.governor.slot() as slot:
        slot.observe(
            200,
            {
                "X-RateLimit-Limit": "120",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(int(time.time() + 60)),
            },
        )
    assert session.backend.governor.state.kind == "throttled"


async def test_a_closed_session_no_longer_hears_the_shared_governor(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = "governor-shared-by-two-sessions"
    first = offline_session(tmp_path, token)
    heard_first: list[SyncState] = []
    first.sync.subscribe(heard_first.append)
    await first.aclose()

    (tmp_path / "second").mkdir()
    second = offline_session(tmp_path / "second", token)
    heard_second: list[SyncState] = []
    second.sync.subscribe(heard_second.append)
    assert second.backend.governor is first.backend.governor  # one per token, process-wide
    try:
        with caplog.at_level(logging.ERROR, logger="tenktui"):
            await throttle(second)
        assert [s.kind for s in heard_second] == ["throttled"]
        assert heard_first == []
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    finally:
        await second.aclose()


async def test_an_unsubscribed_listener_hears_nothing_more(tmp_path: Path) -> None:
    session = offline_session(tmp_path, "one-listener-leaves")
    kept: list[str] = []
    left: list[str] = []
    session.sync.subscribe(lambda s: kept.append(s.kind))
    unsubscribe = session.sync.subscribe(lambda s: left.append(s.kind))
    try:
        unsubscribe()
        unsubscribe()  # twice is harmless
        await throttle(session)
        assert kept == ["throttled"]
        assert left == []
    finally:
        await session.aclose()


async def test_closing_the_engine_twice_is_harmless(tmp_path: Path) -> None:
    session = offline_session(tmp_path, "closed-twice")
    session.engine.close()
    await session.aclose()


def test_the_network_switch_is_the_demo_s_alone(tmp_path: Path) -> None:
    store = Store(tmp_path / "profile.db", today=lambda: TODAY)
    switch = NetworkSwitch()
    plain = Session(store, connect=lambda: pytest.fail("nothing here needs the engine"))
    assert not plain.sync.can_cut_network and not plain.sync.network_cut
    with pytest.raises(RuntimeError):
        plain.sync.toggle_network()
    demo = Session(store, connect=plain._connect, demo=DemoControls(sandbox=None, switch=switch))
    assert demo.sync.can_cut_network and not demo.sync.network_cut
    assert demo.sync.toggle_network() is True and demo.sync.network_cut and switch.cut
    assert demo.sync.toggle_network() is False and not demo.sync.network_cut
    store.close()
