"""Wiring one profile's pieces together: store, backend, sync engine.

The app and the headless commands both start here, so they share the store,
the outbox and the engine — same validation, same exactly-once replay.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenktui.store import Store
from tenktui.sync.engine import SyncEngine
from tenktui.sync.pull import Window
from tenktui.sync.state import SyncState

DEMO_EMAIL = "me@example.com"


@dataclass
class Session:
    """An open profile: what the UI and the commands work with."""

    store: Store
    backend: Any
    engine: SyncEngine
    email: str
    week_start: int = 0  # 0 = Monday … 6 = Sunday
    demo: Any = None  # a DemoControls in --demo
    closers: list[Callable[[], Any]] = field(default_factory=list)

    async def aclose(self) -> None:
        await self.backend.aclose()
        self.engine.leader.release()
        self.store.close()
        for close in self.closers:
            close()


@dataclass
class DemoControls:
    """What the demo can do that a real profile cannot: cut the network."""

    sandbox: Any  # EmbeddedSandbox
    switch: Any  # NetworkSwitch

    def toggle_network(self) -> bool:
        """Cut or restore the network; ``True`` when it is now cut."""
        return self.switch.toggle()

    @property
    def network_cut(self) -> bool:
        return bool(self.switch.cut)


def open_session(
    *,
    db_path: Path,
    base_url: str,
    token: str,
    email: str,
    week_start: int = 0,
    interval: float = 60.0,
    window: Window | None = None,
    transport: Any = None,
    today: Callable[[], dt.date] = dt.date.today,
    on_state: Callable[[SyncState], None] | None = None,
    backend: str = "tenkft",
    timezone: str = "UTC",
) -> Session:
    """A profile's session on 10,000ft (``backend="tenkft"``) or Leantime."""
    store = Store(db_path, today=today)
    client = make_backend(
        backend, base_url, token, email=email, timezone=timezone, transport=transport
    )
    engine = SyncEngine(store, client, email, window=window, interval=interval, on_state=on_state)
    return Session(store, client, engine, email, week_start)


def make_backend(
    backend: str,
    base_url: str,
    token: str,
    *,
    email: str,
    timezone: str = "UTC",
    transport: Any = None,
) -> Any:
    """The API client of a backend kind: ``tenkft`` or ``leantime``."""
    if backend == "leantime":
        from tenktui.api.leantime.client import LeantimeClient

        return LeantimeClient(base_url, token, timezone=timezone, email=email, transport=transport)
    if backend != "tenkft":
        raise ValueError(f"unknown backend {backend!r}: use tenkft or leantime")
    from tenktui.api.tenkft.client import TenKftClient

    return TenKftClient(base_url, token, transport=transport)


def open_demo_session(
    workdir: Path | None = None,
    *,
    today: dt.date | None = None,
    interval: float = 30.0,
) -> Session:
    """The built-in demo: a seeded sandbox served on loopback, a fresh cache, acting as
    me@example.com. Everything lives in ``workdir`` (a new temporary folder by default)."""
    from tenktui.sandbox.embedded import EmbeddedSandbox, NetworkSwitch

    folder = Path(workdir or tempfile.mkdtemp(prefix="tenktui-demo-"))
    token = secrets.token_urlsafe(24)
    sandbox = EmbeddedSandbox(token, folder / "sandbox.db", today=today)
    base_url = sandbox.start()
    switch = NetworkSwitch()
    session = open_session(
        db_path=folder / "demo.db",
        base_url=base_url,
        token=token,
        email=DEMO_EMAIL,
        interval=interval,
        transport=switch,
        today=(lambda: today) if today is not None else dt.date.today,
    )
    session.demo = DemoControls(sandbox, switch)
    session.closers.append(sandbox.stop)
    return session
