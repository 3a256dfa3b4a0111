"""A short soak of the sync loop: after a warm-up, its resident set stays put.

The sandbox runs in its own process (``fresh_server``), so the memory read here is the
engine's and the store's. Every pass follows an edit, so it pushes as well as pulls.
A bound on memory, not on time: ``benchmarks/soak.py`` runs the same loop for an hour.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tenktui.memory import sqlite_memory_kib
from tenktui.session import open_session
from tenktui.store.validation import lock_for
from tests.conftest import TODAY, TOKEN, RunningSandbox

PASSES = 30
WARMUP = 10  # caches, connection pools and lazy imports fill during these
BOUND_MIB = 4.0  # generous (a quiet loop grows < 1 MiB); a 400 KiB leak a pass crosses it


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
async def test_the_sync_loop_does_not_grow_after_warm_up(
    fresh_server: RunningSandbox, tmp_path: Path
) -> None:
    session = open_session(
        db_path=tmp_path / "profile.db",
        base_url=fresh_server.base_url,
        token=TOKEN,
        email="me@example.com",
        today=lambda: TODAY,
    )
    try:
        store, engine = session.store, session.engine
        await engine.sync_once(reference=True)
        me = store.database.get_meta("me")
        cell = next(
            a["id"]
            for a in store.queries.loggable()
            if lock_for(store.queries.assignable(a["id"]), TODAY, TODAY) is None
        )
        samples = []
        for done in range(PASSES):
            store.edits.set_cell(me, cell, TODAY, 1.0 + done % 2)
            report = await engine.sync_once()
            assert engine.state.kind == "idle", (report, engine.state)
            samples.append(rss_kib())
            engine.between_passes()  # as the loop does
        assert store.outbox.counts().pending == 0
    finally:
        await session.aclose()
    after_warmup = samples[WARMUP]
    end = sorted(samples[-10:])[5]
    growth = (end - after_warmup) / 1024
    assert growth < BOUND_MIB, f"RSS grew {growth:.1f} MiB over {PASSES - WARMUP} passes"


async def test_between_passes_the_loop_hands_back_sqlite_s_page_cache(tmp_path: Path) -> None:
    """Hours of passes filled SQLite's page cache up to its bound (the soak's slow
    creep); after each pass the loop now empties it."""
    session = open_session(
        db_path=tmp_path / "profile.db",
        base_url="http://127.0.0.1:9/api/v1",  # never dialled
        token=TOKEN,
        email="me@example.com",
        today=lambda: TODAY,
    )
    try:
        conn = session.store.database.conn
        conn.execute("CREATE TABLE filler (x BLOB)")
        conn.executemany("INSERT INTO filler VALUES (?)", [(b"x" * 1000,) for _ in range(1500)])
        conn.commit()
        conn.execute("SELECT sum(length(x)) FROM filler").fetchone()  # pages into the cache
        full = sqlite_memory_kib()
        if full is None:
            pytest.skip("this SQLite does not tell its memory")
        session.engine.between_passes()
        emptied = sqlite_memory_kib()
        assert emptied is not None and full - emptied > 1024, (full, emptied)
    finally:
        await session.aclose()
