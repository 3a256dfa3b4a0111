"""A sync process for the crash tests: replay a profile's outbox until it is empty.

    python -m tests.sync_worker DB_PATH BASE_URL EMAIL TODAY

Exits 0 when nothing is left to send, 3 when it gave up after many passes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from tenktui.api.tenkft.client import TenKftClient
from tenktui.store import Store
from tenktui.sync.engine import SyncEngine
from tests.conftest import TOKEN


async def replay(db_path: str, base_url: str, email: str, today: dt.date) -> int:
    store = Store(db_path, today=lambda: today)
    client = TenKftClient(base_url, TOKEN, backoff_base=0.01, backoff_cap=0.05)
    engine = SyncEngine(store, client, email)
    print("replaying", flush=True)  # the crash test kills at random moments from here
    try:
        for _ in range(200):
            await engine.sync_once(reference=False)
            counts = store.outbox.counts()
            if engine.state.kind == "idle" and counts.pending == 0:
                return 0
        return 3
    finally:
        await client.aclose()
        engine.leader.release()
        store.close()


if __name__ == "__main__":
    path, url, mail, day = sys.argv[1:5]
    sys.exit(asyncio.run(replay(path, url, mail, dt.date.fromisoformat(day))))
