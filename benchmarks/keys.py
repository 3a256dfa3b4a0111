"""Every key within a frame: latency and bytes per key kind, at 40 and 200 rows.

    python benchmarks/keys.py [--keys 30] [--rows 40,200] [--pause 3] [--workdir DIR]
                              [--profile DIR]

1. Serves the sandbox's LARGE data set (500 people, 2,000 projects) and syncs
   me@example.com's store from it once: the warm cache (kept in --workdir, and used
   again when it is there). For each row count, a copy of it with last week, this week
   and next week filled to that many rows.
2. Starts the app on that cache, as a fresh Python process on an 80x24
   pseudo-terminal, its sync loop off: every byte it writes then answers a key (the
   push an edit pokes is the sync benchmarks' business, not the key's).
3. Sends each key kind at least --keys times, one key at a time, each once the
   screen is quiet: a digit (the first starts editing a cell, the second types into
   it), Enter (saves the cell through the store), moves (a walk of up, down, left and
   right that scrolls the grid too), a week change ([ and ]) and a screen switch
   (F3..F7, each followed by F2 back to the Timesheet). The app builds each screen
   once and keeps it; it builds them ahead, and keeps them up to date, while no key
   has come for half a second. So the first round of screen keys is reported apart,
   twice: "first screen" comes after --pause seconds on the week (a person reading
   it) once the other keys are done; "first at once" is a second app child that gets
   the screen keys as soon as its first frame is out, before anything could be built.

What "answered" means: everything the app writes from the key's write until its
output has been quiet for --quiet seconds (150 ms: more than nine frames at 60 fps;
nothing else writes while it waits). The first byte is when the person sees the
redraw begin, the LAST byte when it is complete: the key's time reported here is the
last byte's. Target: p90 <= 16 ms (one frame at 60 fps) for every kind.

Bytes per key: what the app writes to the terminal to answer it (a person on a slow
SSH link pays for each); a cursor move should redraw the two cells that change.

--profile DIR runs each app child under cProfile and leaves DIR/keys-<rows>.prof.

Prints plain numbers beside their targets; exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pty_app import EMAIL, Answer, Pty, child_env, fill_weeks, first_sync, serve_large

SIZE = (24, 80)  # rows, columns
TARGET_MS = 16.0
PROFILE_ENV = "TENKTUI_BENCH_PROFILE"
UNUSED_URL = "http://127.0.0.1:9/api/v1"  # the sync loop is off: never dialled

KEYS = {
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "enter": b"\r",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f7": b"\x1b[18~",
    "ctrl+q": b"\x11",
    "escape": b"\x1b",
}
KINDS = ("digit", "enter", "move", "week", "screen", "first screen", "first at once")
SCREEN_KEYS = ("f3", "f4", "f5", "f6", "f7")


# -- the child: the app, sync off -------------------------------------------------------
def child(db: str) -> int:
    import asyncio

    from tenktui.logs import setup_logging
    from tenktui.session import open_session
    from tenktui.ui.app import TenkApp

    setup_logging()
    session = open_session(db_path=Path(db), base_url=UNUSED_URL, token="unused", email=EMAIL)
    app = TenkApp(session, sync=False, freeze_heap=True)  # as tenktui.ui.launch runs it

    async def main() -> None:
        try:
            await app.run_async()
        finally:
            await session.aclose()

    profile = os.environ.get(PROFILE_ENV)
    if not profile:
        asyncio.run(main())
        return 0
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        asyncio.run(main())
    finally:
        profiler.disable()
        profiler.dump_stats(profile)
    return 0


# -- the cache ---------------------------------------------------------------------------
def base_cache(workdir: Path) -> Path:
    """The large set synced once into ``base.db`` (reused when it is there)."""
    base = workdir / "base.db"
    if base.exists():
        print(f"warm cache: reusing {base}", flush=True)
        return base
    token = os.urandom(16).hex()
    sandbox, base_url, seeded = serve_large(workdir, token)
    try:
        synced = first_sync(workdir / "synced.db", base_url, token)
    finally:
        sandbox.stop()
    copy_db(workdir / "synced.db", base)
    print(f"large data set seeded in {seeded:.1f} s; first sync took {synced:.1f} s", flush=True)
    return base


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (its WAL included), through SQLite's backup."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def editable_cell(db: Path) -> tuple[int, int]:
    """(row, day) of an empty cell on a hand-added row of this week, today's column."""
    from tenktui.store import Store, week_start_for
    from tenktui.store.rows import WeekRows

    store = Store(db)
    try:
        me = int(store.database.get_meta("me"))
        today = store.database.today()
        monday = week_start_for(today)
        added = WeekRows(store.database).added(me, monday)
        day = (today - monday).days
        for index, row in enumerate(store.queries.week(me, monday).rows):
            cell = row.cells[day]
            if row.assignable_id in added and not cell.entries and not cell.lock:
                return index, day
        raise SystemExit("no empty, unlocked cell on a hand-added row this week")
    finally:
        store.close()


# -- measuring ---------------------------------------------------------------------------
class AppChild:
    """One app child on a pty; keys sent one at a time, answers kept per kind."""

    def __init__(self, db: Path, env: dict[str, str], quiet: float) -> None:
        args = [sys.executable, __file__, "--child", str(db)]
        self.terminal = Pty(args, env, SIZE)
        self.quiet = quiet
        self.found: dict[str, list[Answer]] = defaultdict(list)

    def start(self, quiet: float = 1.0) -> None:
        if not self.terminal.wait_for("Project / leave", "Total", limit=120):
            raise SystemExit("the app never drew its week")
        self.terminal.wait_quiet(quiet, limit=60)

    def press(self, key: str, *kinds: str) -> Answer:
        """Send one key once the screen is quiet; its answer kept under each of ``kinds``
        (a key kept under none is not timed, and may have nothing to answer)."""
        self.terminal.wait_quiet(self.quiet)
        limit = 3.0 if kinds else self.quiet
        answer = self.terminal.answer(KEYS.get(key, key.encode()), quiet=self.quiet, limit=limit)
        for kind in kinds:
            self.found[kind].append(answer)
        return answer

    def stop(self) -> None:
        self.terminal.wait_quiet(self.quiet)
        self.terminal.write(KEYS["ctrl+q"])
        try:
            self.terminal.wait(30)
        finally:
            self.terminal.stop()


def measure(session: AppChild, keys: int, cell: tuple[int, int], rows: int, pause: float) -> None:
    row, day = cell
    session.press("home")
    for _ in range(row):
        session.press("down")
    for _ in range(day):
        session.press("right")
    rounds = 0
    while rounds < keys:  # digit, digit, Enter: "01", "02", "03" hours on one cell
        session.press("0", "digit")
        session.press(str(1 + rounds % 3), "digit")
        session.press("enter", "enter")
        rounds += 1
    for _ in range(row):
        session.press("up")
    session.press("home")
    walk = min(rows - 1, 20)  # past the rows on screen, so the grid scrolls too
    moves = 0
    while moves < keys:  # from the first cell: every move moves
        for key, times in (("down", walk), ("right", 3), ("up", walk), ("left", 3)):
            for _ in range(times):
                session.press(key, "move")
                moves += 1
    for i in range(keys):
        session.press("]" if i % 2 == 0 else "[", "week")
    if keys % 2:
        session.press("[")
    session.terminal.wait_quiet(session.quiet)
    time.sleep(pause)  # the person reads the week: the app may build screens meanwhile
    for showing in range(max(2, keys // 5 + 1)):
        # The first showing of each screen: timed apart.
        kind = "first screen" if showing == 0 else "screen"
        for key in SCREEN_KEYS:
            session.press(key, kind, f"screen {key}" if showing else f"first {key}")
            session.press("f2", kind)


def measure_at_once(db: Path, env: dict[str, str], quiet: float) -> dict[str, list[Answer]]:
    """A fresh app child, its screen keys sent as soon as its first frame is out."""
    session = AppChild(db, env, quiet)
    try:
        session.start(quiet)
        for key in SCREEN_KEYS:
            session.press(key, "first at once", f"at once {key}")
            session.press("f2", "first at once")
    finally:
        session.stop()
    return session.found


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of them at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def report(rows: int, found: dict[str, list[Answer]]) -> None:
    print(
        f"\n{rows} rows, {SIZE[1]}x{SIZE[0]}: ms from the key's write (last byte = the key's time)"
    )
    print(
        f"  {'key':<10} {'n':>4} {'first p50':>9} {'last p50':>9} {'p90':>7} {'p99':>7}"
        f"  {'target':<10} {'bytes p50':>9} {'p90':>7}"
    )
    for kind in sorted(found, key=lambda k: (k.split()[0] not in KINDS, k)):
        answers = found[kind]
        if kind.startswith(("screen ", "first f", "at once ")) or not answers:
            continue
        answered = [a for a in answers if a.last is not None]
        if not answered:
            print(f"  {kind:<10} {len(answers):>4}  (no output)")
            continue
        first = [a.first * 1000 for a in answered if a.first is not None]
        last = [a.last * 1000 for a in answered if a.last is not None]
        size = [a.size for a in answers]
        p90 = percentile(last, 0.9)
        verdict = "ok" if p90 <= TARGET_MS else "over"
        print(
            f"  {kind:<10} {len(answers):>4} {statistics.median(first):>9.1f} "
            f"{statistics.median(last):>9.1f} {p90:>7.1f} {percentile(last, 0.99):>7.1f}"
            f"  <= 16 {verdict:<4} {statistics.median(size):>9.0f} {percentile(size, 0.9):>7.0f}"
        )
    switches = {k.split()[1]: v for k, v in found.items() if k.startswith("screen ")}
    if switches:
        parts = [
            f"{key} {statistics.median([a.last * 1000 for a in v if a.last is not None]):.0f} ms"
            for key, v in sorted(switches.items())
            if any(a.last is not None for a in v)
        ]
        print(f"  screen switch, last byte p50 by key: {', '.join(parts)}")
    for prefix, what in (("first f", "after a pause"), ("at once ", "at once")):
        firsts = {k.split()[-1]: v[0] for k, v in found.items() if k.startswith(prefix)}
        parts = [f"{key} {a.last * 1000:.0f} ms" for key, a in sorted(firsts.items()) if a.last]
        if parts:
            print(f"  a screen's first showing {what}, last byte by key: {', '.join(parts)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=30, help="keys of each kind (>= 30)")
    parser.add_argument("--rows", default="40,200", help="row counts, comma-separated")
    parser.add_argument("--quiet", type=float, default=0.15, help="seconds of quiet: answered")
    parser.add_argument(
        "--pause", type=float, default=3.0, help="seconds on the week before the screen keys"
    )
    parser.add_argument("--workdir", help="where the sandbox and the caches go (default: temp)")
    parser.add_argument("--profile", help="a folder: run the app children under cProfile")
    parser.add_argument("--child", nargs=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tenktui-keys-"))
    workdir.mkdir(parents=True, exist_ok=True)
    base = base_cache(workdir)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 min)", flush=True)
    for rows in (int(r) for r in args.rows.split(",")):
        db = workdir / f"keys-{rows}.db"
        copy_db(base, db)
        shown = fill_weeks(db, rows, weeks=(-1, 0, 1))
        env = child_env(workdir)
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
            env[PROFILE_ENV] = str(Path(args.profile).resolve() / f"keys-{rows}.prof")
        session = AppChild(db, env, args.quiet)
        began = time.perf_counter()
        try:
            session.start()
            measure(session, max(1, args.keys), editable_cell(db), shown[0], args.pause)
        finally:
            session.stop()
        at_once = {k: v for k, v in env.items() if k != PROFILE_ENV}  # one profile a size
        session.found.update(measure_at_once(db, at_once, args.quiet))
        report(shown[0], session.found)
        print(f"  ({time.perf_counter() - began:.0f} s)", flush=True)
    shutil.rmtree(workdir / "cache", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
