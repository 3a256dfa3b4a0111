"""Start-up and typing latency of the app, from a warm cache of the large data set.

    python benchmarks/startup.py [--runs 7] [--keys 30] [--workdir DIR]

1. Serves the sandbox's LARGE data set (500 people, 2,000 projects) and syncs a
   profile's store from it once: the warm cache.
2. Start-up: process start to the Timesheet drawn from that cache (the app quits
   once it has painted: TENKTUI_EXIT_AFTER_PAINT=1), against a bare Textual app
   with one label started the same way: both as a fresh Python process in an 80x24
   pseudo-terminal, median of --runs. Target: ratio <= 1.5.
3. Typing: the person's week filled to 40 rows; keystrokes written to the app's
   terminal one at a time, each timed to the first bytes of the redraw that answers
   it (after the screen has gone quiet). Target: median < 16 ms.

Prints plain numbers; exits 0 whatever they are (it measures, it does not judge).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import secrets
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

EMAIL = "me@example.com"
ROWS = 40
SIZE = (24, 80)  # rows, columns


# -- the children: what is timed -----------------------------------------------------
def child(kind: str, db: str, base_url: str, token: str) -> int:
    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Label

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Label("Hello")

            def on_mount(self) -> None:
                self.call_after_refresh(self.exit)

        Bare().run()
        return 0
    from tenktui.session import open_session
    from tenktui.ui.launch import EXIT_AFTER_PAINT, run_app

    if kind == "app":
        os.environ[EXIT_AFTER_PAINT] = "1"
    session = open_session(db_path=Path(db), base_url=base_url, token=token, email=EMAIL)
    return run_app(session)


# -- a pseudo-terminal ----------------------------------------------------------------
class Pty:
    """A child process on an 80x24 pseudo-terminal; its output timestamped as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *SIZE, 0, 0))
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
            with self.lock:
                self.chunks.append((time.perf_counter(), data))

    def last_output(self) -> float:
        with self.lock:
            return self.chunks[-1][0] if self.chunks else 0.0

    def output_after(self, moment: float) -> float | None:
        with self.lock:
            for stamp, _ in self.chunks:
                if stamp > moment:
                    return stamp
        return None

    def wait_quiet(self, quiet: float, limit: float = 30.0) -> None:
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if self.chunks and time.perf_counter() - self.last_output() >= quiet:
                return
            time.sleep(0.005)

    def write(self, data: bytes) -> float:
        moment = time.perf_counter()
        os.write(self.master, data)
        return moment

    def wait(self, timeout: float = 60.0) -> float:
        self.process.wait(timeout)
        ended = time.perf_counter()
        self.reader.join(1)
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


# -- preparing the warm cache ----------------------------------------------------------
def prepare(workdir: Path, token: str):  # -> (EmbeddedSandbox, db path, sync seconds)
    from tenktui.sandbox.embedded import EmbeddedSandbox
    from tenktui.session import open_session
    from tenktui.store.queries import week_start_for
    from tenktui.store.rows import WeekRows

    started = time.perf_counter()
    sandbox = EmbeddedSandbox(token, workdir / "sandbox.db", scale="large")
    base_url = sandbox.start(timeout=600)
    seeded = time.perf_counter() - started
    db = workdir / "profile.db"

    async def sync() -> float:
        session = open_session(db_path=db, base_url=base_url, token=token, email=EMAIL)
        try:
            began = time.perf_counter()
            await session.engine.sync_once()
            took = time.perf_counter() - began
            store = session.store
            me = store.database.get_meta("me")
            monday = week_start_for(store.database.today())
            shown = {r.assignable_id for r in store.queries.week(me, monday).rows}
            extra = [a["id"] for a in store.queries.loggable() if a["id"] not in shown]
            extra = [a for a in extra if not _locked(store, a)][: max(0, ROWS - len(shown))]
            WeekRows(store.database).add(me, monday, extra)
            rows = len(store.queries.week(me, monday).rows)
            print(f"warm cache: {rows} rows in this week's grid", flush=True)
            return took
        finally:
            await session.aclose()

    synced = asyncio.run(sync())
    print(f"large data set seeded in {seeded:.1f} s; first sync took {synced:.1f} s", flush=True)
    return sandbox, db, base_url


def _locked(store, assignable_id: int) -> bool:
    from tenktui.store.validation import lock_for

    row = store.queries.assignable(assignable_id)
    return lock_for(row, store.database.today(), store.database.today()) is not None


# -- measuring --------------------------------------------------------------------------
def env_for(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        XDG_CACHE_HOME=str(workdir / "cache"),
        XDG_CONFIG_HOME=str(workdir / "config"),
    )
    env.pop("TENKTUI_EXIT_AFTER_PAINT", None)
    return env


def startup(kind: str, runs: int, db: Path, base_url: str, token: str, env: dict) -> list[float]:
    times = []
    for _ in range(runs):
        args = [sys.executable, __file__, "--child", kind, str(db), base_url, token]
        terminal = Pty(args, env)
        times.append(terminal.wait())
        if terminal.process.returncode != 0:
            raise SystemExit(f"the {kind} child failed (exit {terminal.process.returncode})")
    return times


def typing(keys: int, db: Path, base_url: str, token: str, env: dict) -> dict[str, list[float]]:
    """Latency of a digit (starts an edit), Enter (saves through the store) and j (moves)."""
    args = [sys.executable, __file__, "--child", "interactive", str(db), base_url, token]
    terminal = Pty(args, env)
    found: dict[str, list[float]] = {"digit": [], "enter": [], "move": []}
    try:
        terminal.wait_quiet(2.0, limit=120)
        for _ in range(keys):
            for name, key in (("digit", b"1"), ("enter", b"\r"), ("move", b"j")):
                terminal.wait_quiet(0.25)
                sent = terminal.write(key)
                deadline = sent + 2.0
                while (answer := terminal.output_after(sent)) is None:
                    if time.perf_counter() > deadline:
                        break
                    time.sleep(0.0005)
                if answer is not None:
                    found[name].append(answer - sent)
        terminal.write(b"\x11")  # ctrl+q
        terminal.wait(30)
    finally:
        terminal.stop()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=30, help="rounds of digit, Enter, j")
    parser.add_argument("--workdir", help="where the sandbox and the cache go (default: temp)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tenktui-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)  # never starts with "-" (an argument of the children)
    sandbox, db, base_url = prepare(workdir, token)
    env = env_for(workdir)
    try:
        startup("bare", 1, db, base_url, token, env)  # warm the OS file cache for both
        startup("app", 1, db, base_url, token, env)
        bare = startup("bare", args.runs, db, base_url, token, env)
        app = startup("app", args.runs, db, base_url, token, env)
        ratio = statistics.median(app) / statistics.median(bare)
        print(
            f"startup, bare Textual app: median {statistics.median(bare) * 1000:.0f} ms "
            f"(min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f}, {args.runs} runs)"
        )
        print(
            f"startup, tenktui timesheet from the warm large cache: median "
            f"{statistics.median(app) * 1000:.0f} ms (min {min(app) * 1000:.0f}, "
            f"max {max(app) * 1000:.0f})"
        )
        print(f"startup ratio: {ratio:.2f} (target <= 1.5)")
        latencies = typing(args.keys, db, base_url, token, env)
        for name, values in latencies.items():
            if values:
                print(
                    f"keystroke to redraw, {name}: median {statistics.median(values) * 1000:.1f} "
                    f"ms (p90 {sorted(values)[int(len(values) * 0.9) - 1] * 1000:.1f} ms, "
                    f"{len(values)} keys)"
                )
        every = [v for values in latencies.values() for v in values]
        if every:
            print(
                f"keystroke to redraw, all keys: median {statistics.median(every) * 1000:.1f} ms "
                "(target < 16 ms)"
            )
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
