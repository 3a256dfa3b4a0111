"""Memory over a long run of the sync loop: does the resident set grow?

    python benchmarks/soak.py [--minutes 60] [--interval 1.0] [--warmup 20]

Serves the demo sandbox from its own process (``tenktui sandbox serve``), so that the
memory sampled here is the sync loop's alone, and runs sync passes in this process
(pull the window, push the outbox, then hand back the memory it no longer uses, as
the app's loop does: ``SyncEngine.between_passes``) every --interval seconds for
--minutes, each pass after an edit of one cell (its hours alternate), so every pass
pushes as well as pulls. The resident set (VmRSS of /proc/self/status) is sampled after
every pass; the growth is counted from the end of the warm-up (--warmup passes: caches,
pools and lazy imports fill then) to the last sample, and given per hour.

CI runs it for a short time: ``--minutes 2``. Issue 15's target is no growth over an
hour; the figure is printed beside it. Exits 0 whatever it is (it measures).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMAIL = "me@example.com"


def trimmed_rss_kb() -> int | None:
    """The RSS once the C allocator has handed back what it holds free (glibc's
    ``malloc_trim``, through ``tenktui.memory``): memory freed but kept counts in the
    RSS, and is no leak. ``None`` where there is no glibc."""
    from tenktui.memory import return_free_memory

    gc.collect()
    return rss_kb() if return_free_memory() else None


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def serve(workdir: Path, token: str) -> tuple[subprocess.Popen[str], str]:
    """The sandbox's process and its API base URL (its ready line names it)."""
    cmd = [
        sys.executable, "-m", "tenktui", "sandbox", "serve", "--host", "127.0.0.1",
        "--port", "0", "--token", token, "--db", str(workdir / "sandbox.db"),
        "--scale", "demo", "--rate-limit", "100000",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("sandbox listening on "):
        process.kill()
        raise SystemExit(f"the sandbox did not start: {line!r}")
    return process, line.removeprefix("sandbox listening on ").strip()


async def soak(args: argparse.Namespace, workdir: Path, token: str, base_url: str) -> list:
    from tenktui.memory import sqlite_memory_kib
    from tenktui.session import open_session
    from tenktui.store.validation import lock_for

    session = open_session(
        db_path=workdir / "profile.db", base_url=base_url, token=token, email=EMAIL
    )
    # (seconds since the start, RSS kB, SQLite's own kB or None)
    samples: list[tuple[float, int, int | None]] = []
    try:
        store, engine = session.store, session.engine
        await engine.sync_once(reference=True)
        me = store.database.get_meta("me")
        today = store.database.today()
        assignable = next(
            a["id"]
            for a in store.queries.loggable()
            if lock_for(store.queries.assignable(a["id"]), today, today) is None
        )
        started = time.perf_counter()
        until = started + args.minutes * 60
        passes = 0
        while time.perf_counter() < until:
            store.edits.set_cell(me, assignable, today, 1.0 + passes % 2)
            await engine.sync_once()
            passes += 1
            samples.append((time.perf_counter() - started, rss_kb(), sqlite_memory_kib()))
            engine.between_passes()  # as the loop does after each pass
            if passes % 100 == 0:
                # Beside the RSS, what could grow with it: the cache file (SQLite's page
                # cache follows it up to its bound), SQLite's memory and Python's objects.
                cache = sum(p.stat().st_size for p in workdir.glob("profile.db*") if p.is_file())
                held = samples[-1][2]
                sqlite = f"SQLite {held / 1024:.2f} MiB, " if held is not None else ""
                print(
                    f"  {passes} passes, RSS {samples[-1][1] / 1024:.1f} MiB, {sqlite}cache "
                    f"file {cache / 1024:.0f} KiB, {len(gc.get_objects())} Python objects",
                    flush=True,
                )
            await asyncio.sleep(args.interval)
        before = rss_kb()
        trimmed = trimmed_rss_kb()
        if trimmed is not None:
            print(
                f"at the end, RSS {before / 1024:.1f} MiB before and {trimmed / 1024:.1f} MiB "
                "after returning the allocator's free memory (malloc_trim)",
                flush=True,
            )
    finally:
        await session.aclose()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
    parser.add_argument("--warmup", type=int, default=20, help="passes before the baseline")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tenktui-soak-"))
    token = secrets.token_hex(16)
    process, base_url = serve(workdir, token)
    print(f"load: {os.getloadavg()[0]:.2f} (1 min); soak of {args.minutes:g} min", flush=True)
    try:
        samples = asyncio.run(soak(args, workdir, token, base_url))
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    if len(samples) <= args.warmup + 1:
        print(f"only {len(samples)} passes: too few past the warm-up of {args.warmup}")
        return 0
    base_at, base, base_sqlite = samples[args.warmup]
    tail = [kb for _, kb, _ in samples[-10:]]
    end_at, end = samples[-1][0], statistics.median(tail)
    growth = (end - base) / 1024
    hours = (end_at - base_at) / 3600
    peak = max(kb for _, kb, _ in samples) / 1024
    print(f"{len(samples)} passes in {dt.timedelta(seconds=round(end_at))}")
    print(
        f"RSS after the warm-up ({args.warmup} passes): {base / 1024:.1f} MiB; at the end "
        f"(median of the last 10): {end / 1024:.1f} MiB; peak {peak:.1f} MiB"
    )
    # Under ten minutes, a page or two of allocator noise would read as a trend.
    rate = f"{growth / hours:+.1f} MiB per hour" if hours >= 1 / 6 else "too short a run for a rate"
    print(
        f"RSS growth after the warm-up: {growth:+.1f} MiB ({rate}; target: no growth over an hour)"
    )
    sqlite_tail = [kb for _, _, kb in samples[-10:] if kb is not None]
    if base_sqlite is not None and sqlite_tail:
        # What SQLite holds grows with the cache file up to its page cache's bound; the rest
        # of the process (Python's heap, the sockets) is the RSS less that.
        sqlite_growth = (statistics.median(sqlite_tail) - base_sqlite) / 1024
        print(
            f"of which SQLite's own memory: {base_sqlite / 1024:.2f} -> "
            f"{statistics.median(sqlite_tail) / 1024:.2f} MiB ({sqlite_growth:+.2f}); "
            f"the rest: {growth - sqlite_growth:+.2f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
