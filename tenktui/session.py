"""Wiring one profile's pieces together: store, backend, sync engine.

The app and the headless commands both start here, so they share the store,
the outbox and the engine — same validation, same exactly-once replay. The app
reaches sync only through :attr:`Session.sync`, a typed
:class:`~tenktui.sync.control.SyncControl`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenktui.api.capabilities import BY_BACKEND, Capabilities
from tenktui.store import Rounding, Store
from tenktui.store.validation import DEFAULT_LOCK_DAYS
from tenktui.sync.state import SyncState
from tenktui.sync.window import Window

if TYPE_CHECKING:  # the network stack is imported on first connect, not at start-up
    from tenktui.api.base import Backend
    from tenktui.config import Profile
    from tenktui.records import KeyMap
    from tenktui.sync.control import SyncControl
    from tenktui.sync.engine import SyncEngine
    from tenktui.sync.reports import RangeFetch

DEMO_EMAIL = "me@example.com"


class Session:
    """An open profile: what the UI and the commands work with.

    The store opens at once; the backend and the sync engine are made on first
    use (``connect``), so the app draws the cached week before the network stack
    is even imported.
    """

    def __init__(
        self,
        store: Store,
        backend: Backend | None = None,
        engine: SyncEngine | None = None,
        email: str = "",
        week_start: int = 0,
        *,
        connect: Callable[[], tuple[Backend, SyncEngine]] | None = None,
        capabilities: Capabilities | None = None,
        demo: DemoControls | None = None,
        timezone: str | None = None,
        rounding: Rounding | None = None,
    ) -> None:
        if (backend is None or engine is None) and connect is None:
            raise ValueError("a session needs a backend and engine, or a way to connect")
        self.store = store
        self.email = email
        self.week_start = week_start  # 0 = Monday … 6 = Sunday
        self.demo = demo  # a DemoControls in --demo
        # Reminders warn this many days before unconfirmed time locks (the profile's).
        self.lock_warning_days = DEFAULT_LOCK_DAYS
        self.closers: list[Callable[[], Any]] = []
        # The timer's local day (the profile's zone, else this machine's) and its rule.
        self._timezone = timezone
        self.rounding = rounding or Rounding()
        self._backend = backend
        self._engine = engine
        self._connect = connect
        self._capabilities = capabilities
        # What screens asked the engine for before it was made, the last ask of each
        # kind (see ``ask_engine``).
        self._asks: dict[Hashable, Callable[[SyncEngine], None]] = {}
        self.sync: SyncControl = SessionSync(self)

    def _ensure(self) -> None:
        if self._backend is None or self._engine is None:
            assert self._connect is not None
            self._backend, self._engine = self._connect()
            asks, self._asks = self._asks, {}
            for ask in asks.values():
                ask(self._engine)

    def ask_engine(self, kind: Hashable, ask: Callable[[SyncEngine], None]) -> None:
        """Tell the engine what a screen wants fetched: now if it is made, else when it
        is (only the last ask of each ``kind`` is kept until then). Making it imports
        the network stack (a quarter of a second), which the app does in a thread once
        its first frame is out (``preload``); a screen shown before that, or with sync
        off, must not do it on the key that showed it."""
        if self._engine is not None:
            ask(self._engine)
        else:
            self._asks[kind] = ask

    @property
    def timezone(self) -> str:
        """The IANA zone whose midnights split a timer's time into days."""
        if self._timezone is None:
            from tenktui.config import local_timezone

            self._timezone = local_timezone()
        return self._timezone

    def preload(self) -> None:
        """Import what connecting needs (the network stack) without connecting: safe
        to run in a thread, so the event loop keeps answering keys meanwhile."""
        import tenktui.sync.engine

        if self._backend is None:
            import tenktui.api.leantime.client
            import tenktui.api.tenkft.client  # noqa: F401

    @property
    def backend(self) -> Backend:
        self._ensure()
        assert self._backend is not None
        return self._backend

    @property
    def engine(self) -> SyncEngine:
        self._ensure()
        assert self._engine is not None
        return self._engine

    @property
    def connected(self) -> bool:
        return self._engine is not None

    @property
    def capabilities(self) -> Capabilities:
        """What the backend can do, known without connecting."""
        if self._capabilities is not None:
            return self._capabilities
        return self.backend.capabilities

    def cached_state(self) -> SyncState:
        """The sync state to show before the engine has run: what the outbox holds."""
        if self.connected:
            return self.engine.state
        from tenktui.store.outbox_counts import open_counts  # not the whole outbox

        return SyncState().counted(open_counts(self.store.database))

    async def aclose(self) -> None:
        if self._backend is not None and self._engine is not None:
            await self._backend.aclose()
            self._engine.close()
        self.store.close()
        for close in self.closers:
            close()


class SessionSync:
    """The session's :class:`SyncControl`: its engine (made on first use) and, in the
    demo, the network switch. Each call goes to the engine as it is at that moment."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def run(self) -> None:
        await self._session.engine.run()

    def poke(self) -> None:
        # Before the engine exists there is nothing to wake: its first pass pushes what
        # is queued. Making it here would import the network stack on the Enter key.
        if self._session.connected:
            self._session.engine.poke()

    def want_statuses(self, user_ids: Iterable[int]) -> None:
        ids = list(user_ids)
        self._session.ask_engine("statuses", lambda engine: engine.want_statuses(ids))

    def want_subtasks(self, assignment_id: int) -> None:
        self._session.ask_engine(
            ("subtasks", assignment_id), lambda engine: engine.want_subtasks(assignment_id)
        )

    def want_projects(self) -> None:
        self._session.ask_engine("projects", lambda engine: engine.want_projects())

    def subscribe(self, listener: Callable[[SyncState], None]) -> Callable[[], None]:
        return self._session.engine.subscribe(listener)

    async def fetch_range(
        self,
        start: dt.date,
        end: dt.date,
        progress: Callable[[str], None] | None = None,
        *,
        refresh: bool = False,
    ) -> RangeFetch:
        return await self._session.engine.fetch_range(start, end, progress, refresh=refresh)

    @property
    def can_cut_network(self) -> bool:
        return self._session.demo is not None

    @property
    def network_cut(self) -> bool:
        demo = self._session.demo
        return demo is not None and demo.network_cut

    def toggle_network(self) -> bool:
        demo = self._session.demo
        if demo is None:
            raise RuntimeError("only the demo has a network switch")
        return demo.toggle_network()


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
    leantime_kind: str | None = None,
    zone: str | None = None,
    rounding: Rounding | None = None,
) -> Session:
    """A profile's session on 10,000ft (``backend="tenkft"``) or Leantime; ``zone`` and
    ``rounding`` are the timer's (the profile's zone, else this machine's)."""
    store = Store(db_path, today=today)

    def connect() -> tuple[Backend, SyncEngine]:
        from tenktui.sync.engine import SyncEngine

        client = make_backend(
            backend,
            base_url,
            token,
            email=email,
            timezone=timezone,
            transport=transport,
            leantime_kind=leantime_kind,
            keys=store.keys,
        )
        engine = SyncEngine(
            store, client, email, window=window, interval=interval, on_state=on_state
        )
        return client, engine

    return Session(
        store,
        email=email,
        week_start=week_start,
        connect=connect,
        capabilities=BY_BACKEND.get(backend, None),
        timezone=zone,
        rounding=rounding,
    )


def open_profile_session(profile: Profile, token: str, *, today: Callable[[], dt.date]) -> Session:
    """A configured profile's session: its cache file, server, window and settings."""
    from tenktui import paths

    session = open_session(
        db_path=paths.profile_db(profile.name),
        base_url=profile.base_url,
        token=token,
        email=profile.email,
        week_start=profile.first_weekday,
        interval=profile.sync_interval,
        window=Window(profile.window_weeks_back, profile.window_weeks_ahead),
        today=today,
        backend=profile.backend,
        timezone=profile.timezone or "UTC",
        leantime_kind=profile.leantime_kind,
        zone=profile.timezone,
        rounding=profile.rounding_rule(),
    )
    session.lock_warning_days = profile.lock_warning_days
    return session


def make_backend(
    backend: str,
    base_url: str,
    token: str,
    *,
    email: str,
    timezone: str = "UTC",
    transport: Any = None,
    leantime_kind: str | None = None,
    keys: KeyMap | None = None,
) -> Backend:
    """The API client of a backend kind: ``tenkft`` or ``leantime``; ``keys`` is the
    profile cache's key map, where Leantime's pairs get their ids."""
    if backend == "leantime":
        from tenktui.api.leantime.client import LeantimeClient

        kind = {"default_kind": leantime_kind} if leantime_kind else {}
        return LeantimeClient(
            base_url, token, timezone=timezone, email=email, transport=transport, keys=keys, **kind
        )
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
    import secrets
    import tempfile

    from tenktui.sandbox.embedded import EmbeddedSandbox, NetworkSwitch

    folder = Path(workdir or tempfile.mkdtemp(prefix="tenktui-demo-"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
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
