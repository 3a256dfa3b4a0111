"""What the sync tests against a sandbox over real HTTP share (10,000ft in
tests/test_sync_integration.py, Leantime in tests/test_leantime_sync.py): the days they
edit, a rig of store, client, engine and server with the counts they compare, and the
replay worker killed at random moments."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from tenktui.api.base import HttpBackend
from tenktui.store import Store
from tenktui.sync.engine import SyncEngine
from tests.conftest import TODAY

ME = "me@example.com"
DAYS = [TODAY - dt.timedelta(days=7) + dt.timedelta(days=i) for i in range(12)]
WORKDAYS = [d for d in DAYS if d.weekday() < 5]
FIRST, LAST = DAYS[0], DAYS[-1]


class SyncRig:
    """One profile's store synced by an engine through ``client`` with ``server``."""

    def __init__(self, store: Store, client: Any, engine: SyncEngine, server: Any) -> None:
        self.store, self.client, self.engine, self.server = store, client, engine, server

    @property
    def me(self) -> int:
        return int(self.store.database.get_meta("me"))

    def local(self) -> Counter:
        """My entries on ``DAYS`` in the store: (assignable, date, hours, notes) counted."""
        return Counter(
            (r["assignable_id"], r["date"], round(r["hours"], 2), r["notes"] or None)
            for r in self.store.database.rows(
                "SELECT * FROM time_entries WHERE user_id = ? AND deleted = 0 "
                "AND date BETWEEN ? AND ?",
                (self.me, FIRST.isoformat(), LAST.isoformat()),
            )
        )

    def faults(self, **values: float) -> None:
        """Inject faults in the server; none given clears them."""
        with self.server.control() as control:
            if values:
                assert control.put("/_sandbox/faults", json=values).status_code == 200
            else:
                control.delete("/_sandbox/faults")

    async def drain(self, passes: int = 60) -> None:
        for _ in range(passes):
            await self.engine.sync_once(reference=False)
            if self.store.outbox.counts().pending == 0:
                return
        raise AssertionError(f"outbox not drained: {self.store.outbox.counts()}")


R = TypeVar("R", bound=SyncRig)


@asynccontextmanager
async def synced_rig(
    kind: type[R], client: HttpBackend, server: Any, tmp_path: Path, *, store: Store | None = None
) -> AsyncIterator[R]:
    """A rig after a first full sync; closes its client, engine and store afterwards
    (also those a test put in their place, as a new process would open them). ``store``:
    one already open, when the client was made with something of it (its key map)."""
    if store is None:
        store = Store(tmp_path / "profile.db", today=lambda: TODAY)
    engine = SyncEngine(store, client, ME)
    await engine.sync_once()
    assert engine.state.kind == "idle", engine.state.message
    rig = kind(store, client, engine, server)
    yield rig
    opened = [(client, engine, store)]
    if rig.store is not store:
        opened.append((rig.client, rig.engine, rig.store))
    for each_client, each_engine, each_store in opened:
        await each_client.aclose()
        each_engine.leader.release()
        each_store.close()


async def kill_replays(cmd: list[str], times: int) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Start the replay worker ``cmd`` ``times`` times and SIGKILL each at a random moment
    after it says ``replaying``, then run it once to the end: how many kills landed while
    it replayed, and that last run."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    rng = random.Random(99)
    kills = 0
    for _ in range(times):
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "replaying"
        await asyncio.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    final = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    return kills, final
