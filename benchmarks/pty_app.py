"""What the app benchmarks share: a child on a pseudo-terminal, and a warm large cache.

- :class:`Pty` runs a process on a pseudo-terminal of a given size and keeps every
  chunk it writes with the moment it was read, so a benchmark can time a keystroke
  from its write to the first and the last byte of the redraw answering it.
- :func:`warm_cache` serves the sandbox's LARGE data set (500 people, 2,000
  projects), syncs a profile's store from it once, and can fill weeks to a number of
  rows (hand-added rows: unlocked, empty, as a person adds them).

Plain standard library and tenktui; no timing tool but ``time.perf_counter``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import os
import struct
import subprocess
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenktui.sandbox.embedded import EmbeddedSandbox
    from tenktui.store import Store

EMAIL = "me@example.com"


@dataclass(frozen=True)
class Answer:
    """The output that answered one write: seconds from the write to its first and
    last byte (``None``: nothing came), and how many bytes it was."""

    first: float | None
    last: float | None
    size: int


class Pty:
    """A child process on a ``rows`` x ``columns`` pseudo-terminal; its output kept,
    each chunk with the moment it was read."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.chunks: list[tuple[float, bytes]] = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            stamp = time.perf_counter()
            with self.lock:
                self.chunks.append((stamp, data))
            self.received(stamp, data)

    def received(self, stamp: float, data: bytes) -> None:
        """Each chunk as it comes, on the reader thread (a subclass may watch it)."""

    def last_output(self) -> float:
        with self.lock:
            return self.chunks[-1][0] if self.chunks else 0.0

    def text(self) -> str:
        """Everything written so far, decoded (escape sequences included)."""
        with self.lock:
            return b"".join(data for _, data in self.chunks).decode("utf-8", "replace")

    def wait_quiet(self, quiet: float, limit: float = 30.0) -> bool:
        """Until nothing has come for ``quiet`` seconds (``False``: not within ``limit``)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if self.chunks and time.perf_counter() - self.last_output() >= quiet:
                return True
            time.sleep(0.002)
        return False

    def wait_for(self, *needles: str, limit: float = 60.0) -> bool:
        """Until every one of ``needles`` has been written (``False``: not within ``limit``)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            text = self.text()
            if all(n in text for n in needles):
                return True
            time.sleep(0.01)
        return False

    def write(self, data: bytes) -> float:
        moment = time.perf_counter()
        os.write(self.master, data)
        return moment

    def answer(self, data: bytes, *, quiet: float, limit: float = 3.0) -> Answer:
        """Write ``data``, wait for its first byte (up to ``limit`` seconds), then until the
        output has been quiet for ``quiet`` seconds: everything that came meanwhile
        answered it. Call it once the screen is quiet."""
        with self.lock:
            start = len(self.chunks)
        sent = self.write(data)
        deadline = sent + limit
        while time.perf_counter() < deadline:
            now = time.perf_counter()
            with self.lock:
                came = len(self.chunks) > start
                last = self.chunks[-1][0] if came else sent
            if came and now - last >= quiet:
                break
            time.sleep(0.001)
        with self.lock:
            chunks = self.chunks[start:]
        if not chunks:
            return Answer(None, None, 0)
        return Answer(
            chunks[0][0] - sent, chunks[-1][0] - sent, sum(len(data) for _, data in chunks)
        )

    def wait(self, timeout: float = 60.0) -> float:
        """Until the child exits; seconds since it started."""
        self.process.wait(timeout)
        ended = time.perf_counter()
        self.reader.join(1)
        with contextlib.suppress(OSError):
            os.close(self.master)
        return ended - self.started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.reader.join(1)
        with contextlib.suppress(OSError):
            os.close(self.master)


def child_env(workdir: Path) -> dict[str, str]:
    """The environment of an app child: a colour terminal, config and cache of its own."""
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        XDG_CACHE_HOME=str(workdir / "cache"),
        XDG_CONFIG_HOME=str(workdir / "config"),
    )
    env.pop("TENKTUI_EXIT_AFTER_PAINT", None)
    return env


def serve_large(workdir: Path, token: str) -> tuple[EmbeddedSandbox, str, float]:
    """The LARGE data set served on 127.0.0.1: the sandbox, its base URL, seconds to seed."""
    from tenktui.sandbox.embedded import EmbeddedSandbox

    started = time.perf_counter()
    sandbox = EmbeddedSandbox(token, workdir / "sandbox.db", scale="large")
    base_url = sandbox.start(timeout=600)
    return sandbox, base_url, time.perf_counter() - started


def first_sync(db: Path, base_url: str, token: str) -> float:
    """Sync the profile at ``db`` once from the server; seconds it took."""
    from tenktui.session import open_session

    async def sync() -> float:
        session = open_session(db_path=db, base_url=base_url, token=token, email=EMAIL)
        try:
            began = time.perf_counter()
            await session.engine.sync_once()
            return time.perf_counter() - began
        finally:
            await session.aclose()

    return asyncio.run(sync())


def fill_weeks(db: Path, rows: int, weeks: tuple[int, ...] = (0,)) -> dict[int, int]:
    """Add rows by hand to the person's weeks (offsets from this week) until each shows
    ``rows`` rows; the rows each week shows afterwards."""
    from tenktui.store import Store, week_start_for
    from tenktui.store.rows import WeekRows

    store = Store(db)
    try:
        me = int(store.database.get_meta("me"))
        monday = week_start_for(store.database.today())
        loggable = [a["id"] for a in store.queries.loggable() if not _locked(store, a["id"])]
        shown: dict[int, int] = {}
        for offset in weeks:
            start = monday + dt.timedelta(days=7 * offset)
            present = {r.assignable_id for r in store.queries.week(me, start).rows}
            extra = [a for a in loggable if a not in present][: max(0, rows - len(present))]
            WeekRows(store.database).add(me, start, extra)
            shown[offset] = len(store.queries.week(me, start).rows)
        return shown
    finally:
        store.close()


def _locked(store: Store, assignable_id: int) -> bool:
    from tenktui.store.validation import lock_for

    row = store.queries.assignable(assignable_id)
    today = store.database.today()
    return lock_for(row, today, today) is not None
