"""The one way tests run the app: on a session, at a frozen ``NOW``.

Two kinds of session:

- offline (``offline_session``, the ``session`` fixture): a copy of a demo store filled
  once per test session by a real sync (the ``synced_store`` fixture), its network cut
  and its engine off: nothing leaves the machine;
- live (``demo_session``, ``live``, ``running_app``): a demo session on its embedded
  sandbox, synced for real; edits made on the server through its API
  (``sandbox_client``), trouble (a conflict, a refused edit) made for real
  (``make_trouble``).

:func:`running` starts the app on either with its sync loop off: tests sync with
:func:`sync`, so each pass happens exactly where the test says. Isolation (private
config, cache and data dirs, no blinking cursor) is autouse in ``tests/conftest.py``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import time_machine
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable

from tenktui.api.base import Capabilities
from tenktui.api.capabilities import TENKFT
from tenktui.api.tenkft.client import TenKftClient
from tenktui.sandbox.embedded import NetworkSwitch
from tenktui.session import Session, open_demo_session
from tenktui.store import Store
from tenktui.sync.engine import SyncEngine
from tenktui.ui.app import TenkApp
from tenktui.ui.messages import StoreChanged
from tests.conftest import NOW, TODAY

__all__ = [
    "ALL_CAPABILITIES",
    "NOW",
    "Clock",
    "cells",
    "demo_session",
    "go",
    "live",
    "make_trouble",
    "offline_session",
    "prepared_store",
    "running",
    "running_app",
    "sandbox_client",
    "sync",
    "wait_for",
]

# Everything on, 10,000ft's list included.
ALL_CAPABILITIES = TENKFT._replace(nested_subtasks=True)


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
    return Session(store, backend, engine, "me@example.com", timezone="UTC")


class Clock:
    """The app's present for the timer (``TenkApp(clock=...)``), moved by the test: the
    footer's tick reads it, so a test moves time on instead of sleeping."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def demo_session(workdir: Path) -> Session:
    """A demo session on its embedded sandbox, not yet synced."""
    return open_demo_session(workdir=workdir, today=TODAY)


async def first_sync(session: Session) -> None:
    """The first sync, then the pass the screens' asking brings once they have been
    shown (issue 15: the people and checklist counts of the person's projects, and
    the person's checklists, are fetched when first needed): the store a person has
    after looking around the app, which the screens' tests start from."""
    engine = session.engine
    await engine.sync_once()
    engine.want_projects()
    me = session.store.database.get_meta("me")
    for assignment in session.store.database.rows(
        "SELECT id FROM assignments WHERE user_id = ?", (me,)
    ):
        engine.want_subtasks(assignment["id"])
    await engine.sync_once(reference=False)


async def live(workdir: Path) -> Session:
    """A demo session on its embedded sandbox, with its first sync done."""
    workdir.mkdir(parents=True, exist_ok=True)
    session = demo_session(workdir)
    await first_sync(session)
    return session


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


@asynccontextmanager
async def running_app(
    workdir: Path,
    *,
    size: tuple[int, int] = (80, 24),
    prepare: Callable[[Session], Awaitable[Any]] | None = None,
    synced: bool = True,
    reading: str = "default",
) -> AsyncIterator[tuple[TenkApp, Pilot[int], Session]]:
    """The app (:func:`running`) on a live demo session whose sandbox serves ``reading``
    (default or strict), synced first unless ``synced=False`` (the empty store of a first
    start), then ``prepare``-d; the session is closed afterwards."""
    with time_machine.travel(NOW, tick=False):
        session = demo_session(workdir)
        session.demo.sandbox.sandbox.reading = reading
        try:
            if synced:
                await first_sync(session)
            if prepare is not None:
                await prepare(session)
            async with running(session, size=size) as (app, pilot):
                yield app, pilot, session
        finally:
            await session.aclose()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], *, rounds: int = 400) -> None:
    """Let the app work (workers, messages) until ``condition`` holds; fail if it never does."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.025)
    assert condition(), "the app never got there"


async def sync(app: TenkApp, pilot: Pilot[int]) -> None:
    """One sync pass, then the screens redrawn, as the app's sync worker does."""
    await app.session.engine.sync_once()
    app.post_message(StoreChanged())
    await pilot.pause()


async def go(pilot: Pilot[int], key: str, screen: type[Screen[Any]]) -> Any:
    """Press the key that opens a screen; the screen, once it is on top."""
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, screen), pilot.app.screen
    return pilot.app.screen


def cells(table: DataTable[Any]) -> list[list[str]]:
    """A data table's rows as plain text."""
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def sandbox_client(session: Session) -> httpx.AsyncClient:
    """The demo sandbox's API, as another person (or the web app) would change it."""
    sandbox = session.demo.sandbox
    return httpx.AsyncClient(base_url=sandbox.base_url, headers={"auth": sandbox.token})


def prepared_store(
    workdir: Path, prepare: Callable[[Session], Awaitable[Any]] | None = None
) -> Session:
    """For snapshot tests, whose app runs its own event loop: sync (and ``prepare``) in a
    loop of their own, then close everything but the store the screens read. Call it
    with the clock frozen."""
    session = demo_session(workdir)

    async def run() -> None:
        await first_sync(session)
        if prepare is not None:
            await prepare(session)
        await session.backend.aclose()

    asyncio.run(run())
    session.engine.leader.release()
    for close in session.closers:
        close()
    session.closers.clear()
    return session


async def make_trouble(session: Session) -> dict[str, Any]:
    """A conflict and a failure made for real, then two edits left pending.

    - conflict: an entry of last week edited here, and changed on the server meanwhile;
    - failure: time logged today on a project the server then locks (422 on push);
    - pending: a status and a ticked subtask, queued after the last sync.
    """
    store = session.store
    me = int(store.database.get_meta("me"))
    entry = store.database.row(
        "SELECT t.* FROM time_entries t JOIN assignables s ON s.id = t.assignable_id "
        "WHERE t.user_id = ? AND t.date BETWEEN ? AND ? AND s.kind = 'phase' "
        "AND t.server_id IS NOT NULL ORDER BY t.date DESC, t.id LIMIT 1",
        (me, (TODAY - dt.timedelta(days=6)).isoformat(), TODAY.isoformat()),
    )
    assert entry is not None
    store.edits.update_entry(entry["id"], hours=3.0, notes="Mine: wireframes")
    project = next(a for a in store.queries.assignments(me, TODAY, TODAY) if a["kind"] == "project")
    failed_id = store.edits.create_entry(me, project["assignable_id"], TODAY, 1.5, notes="Sync")
    async with sandbox_client(session) as api:
        changed = await api.put(
            f"/users/{me}/time_entries/{entry['server_id']}",
            json={"hours": 5, "notes": "Theirs: client call"},
        )
        assert changed.status_code == 200, changed.text
        locked = await api.put(
            f"/projects/{project['assignable_id']}", json={"timeentry_lockout": 0}
        )
        assert locked.status_code == 200, locked.text
    await session.engine.sync_once()
    store.edits.set_status(me, "WFH", "On a train")
    subtask = store.queries.subtasks(
        next(a["id"] for a in store.queries.assignments(me, TODAY, TODAY) if a["subtasks_total"])
    )[-1]
    store.edits.toggle_subtask(subtask["id"])
    return {
        "me": me,
        "entry": entry,
        "project": project,
        "failed_id": failed_id,
        "subtask": subtask,
    }
