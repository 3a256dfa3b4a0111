"""Shared fixtures: every test's isolation (autouse), sandboxes served over real HTTP
and in-process, and the demo store the app tests start from."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

TOKEN = "test-token-0123456789abcdef"
TODAY = dt.date(2026, 11, 23)  # a Monday
# Monday morning of TODAY, where the app tests freeze the clock; a ZoneInfo also makes
# UTC the local time zone.
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("UTC"))
# Where the reference is silent, the sandbox serves one plausible reading (default) or
# the least generous one (strict). A test module runs against both by overriding the
# ``reading`` fixture with ``both_readings``.
READINGS = ("default", "strict")


# What the developer's environment could slip into a test: where config, cache and data
# live, colour, and tenktui's own variables (a token, a profile, a date, the keyring).
_XDG = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")
_UNSET = (
    "NO_COLOR",
    "TENKTUI_TOKEN",
    "TENKTUI_PROFILE",
    "TENKTUI_TODAY",
    "TENKTUI_EXIT_AFTER_PAINT",
)


def _isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    for name in _XDG:
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in _UNSET:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TENKTUI_KEYRING", "0")


@pytest.fixture(scope="session", autouse=True)
def _private_session_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session fixtures (the synced store, shared servers) see no developer's config
    either: they run before any test's own ``private_dirs``."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(monkeypatch, tmp_path_factory.mktemp("session-home"))
        yield


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, cache and data dirs of the test's own (themes, logs, profiles), whichever
    harness it uses: the developer's theme or keymap never reaches a snapshot."""
    home = tmp_path / "home"
    _isolate(monkeypatch, home)
    return home


@pytest.fixture(autouse=True)
def no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes screens differ from one moment to the next."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)


# The loggers the app and the commands configure for their log file (ui/launch.py).
_LOGGERS = ("tenktui", "httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """An app or command run in-process points the tenktui loggers at its log file and
    stops their propagation; put them back, or later tests' ``caplog`` sees nothing."""
    loggers = [logging.getLogger(name) for name in (None, *_LOGGERS)]
    saved = [(lg, list(lg.handlers), lg.propagate, lg.level) for lg in loggers]
    yield
    for logger, handlers, propagate, level in saved:
        logger.handlers = handlers
        logger.propagate = propagate
        logger.setLevel(level)


@dataclass
class RunningSandbox:
    """A ``tenktui sandbox serve`` subprocess."""

    base_url: str  # ends in /api/v1
    root: str  # scheme://host:port
    db_path: Path
    process: subprocess.Popen[str]

    def control(self) -> httpx.Client:
        return httpx.Client(base_url=self.root, headers={"auth": TOKEN}, timeout=10)

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"auth": TOKEN}, timeout=30)

    def stop(self) -> None:
        stop_process(self.process)


def launch(cmd: list[str], what: str) -> tuple[subprocess.Popen[str], str]:
    """Start an emulator's serving command; the process and the URL its ready line
    (``sandbox listening on URL``) names."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("sandbox listening on "):
        proc.kill()
        _, err = proc.communicate()
        raise RuntimeError(f"{what} did not start: {line!r} {err}")
    return proc, line.removeprefix("sandbox listening on ").strip()


def stop_process(process: subprocess.Popen[str]) -> None:
    """Terminate, and kill if it has not gone within 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_sandbox(
    db_path: Path, *extra: str, scale: str = "demo", port: int = 0, reading: str = "default"
) -> RunningSandbox:
    """Serve ``db_path`` (seeding it first if empty) on a loopback port (0: a free one;
    pass a stopped server's port to bring it back at the same address)."""
    cmd = [
        sys.executable, "-m", "tenktui", "sandbox", "serve",
        "--host", "127.0.0.1", "--port", str(port), "--token", TOKEN,
        "--db", str(db_path), "--scale", scale, "--today", TODAY.isoformat(),
        "--reading", reading, *extra,
    ]  # fmt: skip
    proc, base = launch(cmd, "sandbox")
    return RunningSandbox(base, base.removesuffix("/api/v1"), db_path, proc)


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded demo database, made once and copied for each server."""
    from tenktui.sandbox.server import open_sandbox

    path = tmp_path_factory.mktemp("template") / "demo.db"
    sandbox = open_sandbox(TOKEN, db_path=path, scale="demo", today=TODAY)
    sandbox.db.close()
    return path


@pytest.fixture(scope="session")
def large_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large data set (about 20 s to generate), made once per run and copied."""
    from tenktui.sandbox.server import open_sandbox

    path = tmp_path_factory.mktemp("large-template") / "large.db"
    sandbox = open_sandbox(TOKEN, db_path=path, scale="large", today=TODAY)
    sandbox.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sandbox.db.close()
    return path


def _copy_db(template: Path, dest: Path) -> Path:
    shutil.copyfile(template, dest)
    return dest


@pytest.fixture
def reading() -> str:
    """The sandbox reading a test's servers serve: the default one unless the module
    overrides this fixture (``reading = both_readings``)."""
    return "default"


@pytest.fixture(params=READINGS)
def both_readings(request: pytest.FixtureRequest) -> str:
    """Bind as ``reading`` in a module to run its tests against both readings."""
    return request.param


@pytest.fixture(scope="session")
def _demo_servers(
    demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, RunningSandbox]]:
    """One shared demo sandbox per reading, started when first asked for."""
    servers: dict[str, RunningSandbox] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def demo_server(
    _demo_servers: dict[str, RunningSandbox],
    demo_db_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    reading: str,
) -> RunningSandbox:
    """A shared demo sandbox (of the test's reading) for tests that only read."""
    return shared_demo_server(_demo_servers, demo_db_template, tmp_path_factory, reading)


def shared_demo_server(
    servers: dict[str, RunningSandbox],
    template: Path,
    factory: pytest.TempPathFactory,
    reading: str = "default",
) -> RunningSandbox:
    """The session's shared demo sandbox of ``reading``, started on first use; for
    module fixtures, which cannot take the function-scoped ``demo_server``."""
    if reading not in servers:
        folder = factory.mktemp(f"shared-{reading}")
        db = _copy_db(template, folder / "demo.db")
        servers[reading] = start_sandbox(db, "--rate-limit", "100000", reading=reading)
    return servers[reading]


@pytest.fixture
def fresh_server(demo_db_template: Path, tmp_path: Path, reading: str) -> Iterator[RunningSandbox]:
    """A demo sandbox of the test's own (and of its reading), free to be written to."""
    db = _copy_db(demo_db_template, tmp_path / "demo.db")
    server = start_sandbox(db, "--rate-limit", "100000", reading=reading)
    yield server
    server.stop()


@pytest.fixture
def sandbox(demo_db_template: Path, tmp_path: Path):
    """An in-process demo :class:`Sandbox` of the test's own."""
    from tenktui.sandbox.state import Sandbox

    db = _copy_db(demo_db_template, tmp_path / "demo.db")
    return Sandbox(db, TOKEN, rate_limit=100000)


@pytest.fixture
async def asgi(sandbox) -> httpx.AsyncClient:
    """An httpx client wired straight to the in-process sandbox app."""
    from tenktui.sandbox.app import create_app

    transport = httpx.ASGITransport(app=create_app(sandbox))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox/api/v1", headers={"auth": TOKEN}
    ) as client:
        yield client


@pytest.fixture
async def hostile_rig(fresh_server: RunningSandbox, tmp_path: Path) -> AsyncIterator[tuple]:
    """A synced 10,000ft rig whose client talks to the sandbox through the mangling
    proxy of ``tests/hostile.py``: ``(rig, proxy)``."""
    from tenktui.api.tenkft.client import TenKftClient
    from tests.hostile import HostileProxy
    from tests.sync_rig import synced_rig
    from tests.test_sync_integration import Rig

    with HostileProxy(fresh_server.root) as proxy:
        client = TenKftClient(proxy.root + "/api/v1", TOKEN, backoff_base=0.01, backoff_cap=0.05)
        async with synced_rig(Rig, client, fresh_server, tmp_path) as rig:
            yield rig, proxy


@pytest.fixture(scope="session")
def synced_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store filled by a real sync, made once; tests use copies
    (``tests.app_harness.offline_session``)."""
    import asyncio

    import time_machine

    from tenktui.session import open_demo_session

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


@pytest.fixture
async def session(synced_store: Path, tmp_path: Path) -> AsyncIterator:
    """An offline session on a copy of the synced store, closed after the test."""
    from tests.app_harness import offline_session

    made = offline_session(synced_store, tmp_path / "profile")
    yield made
    await made.aclose()
