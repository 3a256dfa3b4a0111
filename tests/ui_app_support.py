"""Running the app and its Timesheet in tests.

A demo store is filled once per test session by a real sync from the embedded
sandbox and copied for each test (``offline_session``: the app's sync loop off,
nothing leaves the machine), or a live demo session syncs for real
(``live_session``). Time is frozen at ``NOW``; config and cache dirs are private.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from textual.pilot import Pilot

from tenktui.api.base import Capabilities
from tenktui.api.tenkft.client import TenKftClient
from tenktui.sandbox.embedded import NetworkSwitch
from tenktui.session import Session, open_demo_session
from tenktui.store import Store
from tenktui.sync.engine import SyncEngine
from tenktui.ui.app import TenkApp
from tests.conftest import TODAY

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("UTC"))
ALL_CAPABILITIES = Capabilities(
    statuses=True,
    approvals=True,
    suggestions=True,
    itemized_entries=True,
    subtasks=True,
    phases=True,
)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, cache and data dirs of the test's own (themes, logs, profiles)."""
    home = tmp_path / "home"
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture(autouse=True)
def no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes screens differ from one moment to the next."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture(scope="session", name="synced_store")
def synced_store_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store filled by a real sync (made once; tests use copies)."""
    workdir = tmp_path_factory.mktemp("synced")

    async def fill() -> None:
        session = open_demo_session(workdir, today=TODAY)
        try:
            await session.engine.sync_once()
        finally:
            await session.aclose()

    with time_machine.travel(NOW, tick=False):
        asyncio.run(fill())
    return workdir / "demo.db"


def offline_session(
    synced: Path, folder: Path, capabilities: Capabilities = ALL_CAPABILITIES
) -> Session:
    """A session on a copy of the synced store; its network is cut and its engine off."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.db"
    shutil.copyfile(synced, path)
    store = Store(path, today=lambda: TODAY)
    switch = NetworkSwitch()
    switch.toggle()
    backend = TenKftClient("http://127.0.0.1:9/api/v1", "offline-token", transport=switch)
    backend.capabilities = capabilities
    engine = SyncEngine(store, backend, "me@example.com")
    return Session(store, backend, engine, "me@example.com")


@pytest.fixture(name="session")
async def session_fixture(synced_store: Path, tmp_path: Path) -> AsyncIterator[Session]:
    made = offline_session(synced_store, tmp_path / "profile")
    yield made
    await made.aclose()


@asynccontextmanager
async def running(
    session: Session,
    *,
    size: tuple[int, int] = (80, 24),
    hook: Callable[[Any], None] | None = None,
    frozen: bool = True,
    **options: Any,
) -> AsyncIterator[tuple[TenkApp, Pilot[int]]]:
    """The app on ``session`` (sync off unless ``sync=True``), time frozen at NOW.

    Live sessions (a real sandbox, the app's sync loop on) pass ``frozen=False``: the
    clock then starts at NOW and runs.
    """
    options.setdefault("sync", False)
    with time_machine.travel(NOW, tick=not frozen):
        app = TenkApp(session, **options)
        async with app.run_test(size=size, message_hook=hook) as pilot:
            await pilot.pause()
            yield app, pilot


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], *, rounds: int = 400) -> None:
    """Let the app work (workers, messages) until ``condition`` holds; fail if it never does."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.025)
    assert condition(), "the app never got there"


async def live(workdir: Path) -> Session:
    """A demo session on its embedded sandbox, with its first sync done."""
    workdir.mkdir(parents=True, exist_ok=True)
    session = open_demo_session(workdir, today=TODAY)
    await session.engine.sync_once()
    return session
