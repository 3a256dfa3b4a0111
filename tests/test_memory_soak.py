"""A short soak of the sync loop: after a warm-up, its resident set stays put.

The sandbox runs in its own process (``fresh_server``), so the memory read here is the
engine's and the store's. Every pass follows an edit, so it pushes as well as pulls.
A bound on memory, not on time: ``benchmarks/soak.py`` runs the same loop for an hour.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
        assert store.outbox.counts().pending == 0
    finally:
        await session.aclose()
    after_warmup = samples[WARMUP]
    end = sorted(samples[-10:])[5]
    growth = (end - after_warmup) / 1024
    assert growth < BOUND_MIB, f"RSS grew {growth:.1f} MiB over {PASSES - WARMUP} passes"
