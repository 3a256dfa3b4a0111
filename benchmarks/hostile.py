"""Malformed pages and answers through a real sync, 1,000 examples per backend (a plain script).

    python benchmarks/hostile.py [--examples 1000] [--backend tenkft|leantime|both]

Runs the property of ``tests/test_hostile_property.py`` (see ``tests/hostile_property.py``)
against each emulator behind the mangling proxy, and prints per backend: examples run,
how many failed (a crash, an invalid cached row, a queued entry lost or doubled — each
should be 0), how often each mutation was applied, the sync states the mangled passes
ended in, and the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings

from tests.conftest import TODAY, TOKEN
from tests.hostile_property import Arena, Mutation, arena_factories, examples


def seed_db(workdir: Path) -> Path:
    from tenktui.sandbox.server import open_sandbox

    path = workdir / "seed.db"
    sandbox = open_sandbox(TOKEN, db_path=path, scale="demo", today=TODAY)
    sandbox.db.close()
    return path


def run_backend(arena: Arena, count: int) -> tuple[Counter, list[str], float]:
    loop = asyncio.new_event_loop()
    counts: Counter = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    loop.run_until_complete(arena.start())

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(todo=examples)
    def one(todo: list[Mutation]) -> None:
        counts["examples"] += 1
        try:
            loop.run_until_complete(arena.run(todo, counts))
        except Exception as err:  # counted and shown, not raised: every example runs
            failures.append(f"{todo!r}: {''.join(traceback.format_exception_only(err)).strip()}")

    try:
        one()
    finally:
        arena.stop()
        loop.close()
    return counts, failures, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--backend", choices=["tenkft", "leantime", "both"], default="both")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # thousands of skipped records, each logged: quiet here
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        factories = arena_factories(workdir, seed_db(workdir))
        names = ["tenkft", "leantime"] if args.backend == "both" else [args.backend]
        for name in names:
            counts, failures, seconds = run_backend(factories[name](), args.examples)
            failed += len(failures)
            print(f"== {name}: {counts['examples']} examples in {seconds:.0f} s")
            print(f"   failed (crash, invalid row, lost or doubled edit): {len(failures)}")
            print(f"   edits queued {counts['edits queued']}, "
                  f"landed exactly once {counts['edits landed once']}")  # fmt: skip
            for key in sorted(k for k in counts if ":" in k):
                print(f"   {key}: {counts[key]}")
            for failure in failures[:10]:
                print(f"   FAILED {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
