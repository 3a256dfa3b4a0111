"""Requests and wall time to fetch one heavy user's year from the large data set.

Starts its own sandbox (``tenktui sandbox serve --scale large``) on loopback and
fetches me@example.com's past year of time entries (with their approvals) and
assignments twice:

- with tenktui's client: 1000 records a page, approvals nested with ``fields=``;
- with a naive client: the default page size (20), no ``fields=``, so approvals
  come from walking ``/approvals`` (the API has no per-entry approvals route).

Requests are counted by the sandbox itself (``/_sandbox/requests``). The table
compares them with the lower bound ⌈records ÷ 1000⌉ per collection; the target is
at most lower bound + 2 per collection.

    python benchmarks/sync_requests.py [--db FILE] [--today YYYY-MM-DD]

``--db`` reuses (or keeps) a seeded database; without it a temporary one is
generated, which takes a little while.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tenktui.api.tenkft import TenKftClient  # noqa: E402

EMAIL = "me@example.com"
PER_PAGE = 1000
SLACK = 2  # the target: at most this many requests over the lower bound per collection


@dataclass
class Run:
    records: int
    requests: int
    seconds: float
    by_route: dict[str, int]


class Sandbox:
    """A ``tenktui sandbox serve`` subprocess on a free loopback port."""

    def __init__(self, db: Path, today: dt.date) -> None:
        self.token = secrets.token_urlsafe(16)
        cmd = [
            sys.executable, "-m", "tenktui", "sandbox", "serve", "--host", "127.0.0.1",
            "--port", "0", f"--token={self.token}", "--db", str(db), "--scale", "large",
            "--today", today.isoformat(), "--rate-limit", "1000000",
        ]  # fmt: skip
        self.process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("sandbox listening on "):
            self.process.kill()
            raise SystemExit(f"the sandbox did not start: {line!r}")
        self.base_url = line.removeprefix("sandbox listening on ").strip()
        self.root = self.base_url.removesuffix("/api/v1")
        self.control = httpx.Client(base_url=self.root, headers={"auth": self.token})

    def reset_counts(self) -> None:
        self.control.delete("/_sandbox/requests").raise_for_status()

    def counts(self) -> dict[str, int]:
        response = self.control.get("/_sandbox/requests")
        response.raise_for_status()
        return response.json()["by_route"]

    def stop(self) -> None:
        self.control.close()
        self.process.terminate()
        self.process.wait(10)


async def measure(sandbox: Sandbox, walk: Callable[[], Awaitable[int]]) -> Run:
    sandbox.reset_counts()
    started = time.perf_counter()
    records = await walk()
    seconds = time.perf_counter() - started
    by_route = sandbox.counts()
    return Run(records, sum(by_route.values()), seconds, by_route)


async def naive_walk(http: httpx.AsyncClient, root: str, path: str, params: dict[str, Any]) -> list:
    """Follow ``paging.next`` at the server's default page size."""
    items: list[dict[str, Any]] = []
    response = await http.get(path, params=params)
    while True:
        response.raise_for_status()
        body = response.json()
        items.extend(body["data"])
        link = body["paging"].get("next")
        if not link:
            return items
        response = await http.get(root + link)


async def benchmark(sandbox: Sandbox, today: dt.date) -> list[tuple[str, int, Run, Run]]:
    start, end = today - dt.timedelta(days=364), today
    rows: list[tuple[str, int, Run, Run]] = []
    async with (
        TenKftClient(sandbox.base_url, sandbox.token) as client,
        httpx.AsyncClient(
            base_url=sandbox.base_url, headers={"auth": sandbox.token}, timeout=60
        ) as naive,
    ):
        me = await client.resolve_user(EMAIL)
        window = {"from": start.isoformat(), "to": end.isoformat()}

        for label, suggestions in (("time entries, confirmed", False),
                                   ("time entries + suggestions", True)):  # fmt: skip

            async def ours(suggestions: bool = suggestions) -> int:
                walk = client.iter_time_entries(me.id, start, end, with_suggestions=suggestions)
                entries = [e async for e in walk]
                assert all(e.approvals is not None for e in entries)
                return len(entries)

            async def theirs(suggestions: bool = suggestions) -> int:
                params = {**window, "with_suggestions": "true"} if suggestions else window
                entries = await naive_walk(naive, sandbox.root, f"/users/{me.id}/time_entries",
                                           params)  # fmt: skip
                approvals = await naive_walk(naive, sandbox.root, "/approvals", {})
                ids = {e["id"] for e in entries}
                _ = [a for a in approvals if a["approvable_id"] in ids]  # joined by hand
                return len(entries)

            mine, naive_run = await measure(sandbox, ours), await measure(sandbox, theirs)
            assert mine.records == naive_run.records, (label, mine.records, naive_run.records)
            rows.append((label + " (+ approvals)", 1, mine, naive_run))

        async def our_assignments() -> int:
            return len([a async for a in client.iter_assignments(me.id, start, end)])

        async def their_assignments() -> int:
            path = f"/users/{me.id}/assignments"
            return len(
                await naive_walk(naive, sandbox.root, path, {**window, "with_phases": "true"})
            )

        mine, naive_run = (
            await measure(sandbox, our_assignments),
            await measure(sandbox, their_assignments),
        )
        assert mine.records == naive_run.records
        rows.append(("assignments", 1, mine, naive_run))
    return rows


def print_table(rows: list[tuple[str, int, Run, Run]], today: dt.date) -> None:
    start = today - dt.timedelta(days=364)
    print(f"\n{EMAIL}, {start} .. {today}, large data set; requests counted by the sandbox\n")
    header = (
        f"{'collection':<42} {'records':>8} {'bound':>6} {'tenktui':>8} {'target':>7} "
        f"{'time':>7} {'naive':>7} {'time':>7} {'naive÷tenktui':>14}"
    )
    print(header)
    print("-" * len(header))
    for label, collections, mine, naive in rows:
        bound = math.ceil(mine.records / PER_PAGE) * collections or 1
        met = "ok" if mine.requests <= bound + SLACK * collections else "MISSED"
        print(
            f"{label:<42} {mine.records:>8} {bound:>6} {mine.requests:>8} {met:>7} "
            f"{mine.seconds:>6.2f}s {naive.requests:>7} {naive.seconds:>6.2f}s "
            f"{naive.requests / mine.requests:>13.1f}x"
        )
    fair = [rows[0], rows[2]]  # confirmed time (the fair comparison) and assignments
    mine_total = sum(r[2].requests for r in fair)
    naive_total = sum(r[3].requests for r in fair)
    mine_time = sum(r[2].seconds for r in fair)
    naive_time = sum(r[3].seconds for r in fair)
    print("-" * len(header))
    print(
        f"{'year of confirmed time + assignments':<42} {'':>8} {'':>6} {mine_total:>8} {'':>7} "
        f"{mine_time:>6.2f}s {naive_total:>7} {naive_time:>6.2f}s "
        f"{naive_total / mine_total:>13.1f}x"
    )
    print("\nper route (tenktui):")
    for label, _, mine, _ in rows:
        print(f"  {label}: {mine.by_route}")
    print("per route (naive):")
    for label, _, _, naive in rows:
        print(f"  {label}: {naive.by_route}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="seeded database to reuse (made if missing)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    args = parser.parse_args()
    temp = None
    if args.db is None:
        fd, name = tempfile.mkstemp(prefix="tenktui-bench-", suffix=".db")
        os.close(fd)
        os.unlink(name)
        temp = args.db = Path(name)
    if not args.db.exists():
        print(f"generating the large data set in {args.db} ...", flush=True)
    sandbox = Sandbox(args.db, args.today)
    try:
        rows = asyncio.run(benchmark(sandbox, args.today))
    finally:
        sandbox.stop()
        if temp is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{temp}{suffix}").unlink(missing_ok=True)
    print_table(rows, args.today)
    return 0


if __name__ == "__main__":
    sys.exit(main())
