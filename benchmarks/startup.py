"""Start-up to the first frame that shows the week, and typing latency, from a warm cache.

    python benchmarks/startup.py [--runs 9] [--keys 30] [--workdir DIR] [--no-typing]

1. Serves the sandbox's LARGE data set (500 people, 2,000 projects) and syncs a
   profile's store from it once: the warm cache.
2. Start-up: ``python -m tenktui --profile bench`` (the real command, on a profile whose
   cache is that store) timed from process start to the FIRST FRAME on which the week
   is visible: the bytes the app writes to its 80x24 pseudo-terminal are read into a
   small screen model until the grid's header (``Mon 30`` for this week's first day)
   and a row's label with its cell value are on screen. Against a bare Textual app with
   one label, timed the same way to the frame its label is on. Runs alternate bare/app
   (after one warm-up each), median of --runs each; each child is killed as soon as
   its frame is seen, so shutdown is not timed; the app's cache is warm from one whole
   start before them (the parsed CSS it keeps). Target: ratio <= 1.2. Then one start of
   each under ``python -X importtime``: the modules each imported before its frame.
3. Typing: the person's week filled to 40 rows; keystrokes written to the app's
   terminal one at a time, each timed to the first bytes of the redraw that answers
   it (after the screen has gone quiet). Target: median < 16 ms.

Prints plain numbers beside their targets; exits 0 whatever they are (it measures, it
does not judge).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pty_app

EMAIL = "me@example.com"
PROFILE = "bench"
ROWS = 40
SIZE = (24, 80)  # rows, columns
TARGET_RATIO = 1.2
# The bare app: Textual and one label, nothing else; its frame is the label on screen.
BARE_LABEL = "bare Textual app ready"
BARE_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Label


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Label({BARE_LABEL!r})


Bare().run()
"""


# -- the children: what is timed -----------------------------------------------------
def child(kind: str, db: str, base_url: str, token: str) -> int:
    """The app on the warm cache, for typing (``kind`` is ``interactive``)."""
    from tenktui.session import open_session
    from tenktui.ui.launch import run_app

    session = open_session(db_path=Path(db), base_url=base_url, token=token, email=EMAIL)
    return run_app(session)


# -- what is on the terminal's screen ---------------------------------------------------
# An escape sequence: CSI (ESC [ params final), OSC (ESC ] ... BEL or ESC \\), or ESC,
# intermediates and a final character. The rest is text; an escape cut short by the end
# of a read waits for the next one.
ESCAPE = re.compile(
    rb"\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-Z\\^-~]"
)


class Screen:
    """The text on an 80x24 terminal, from the bytes written to it: enough of a VT100 for
    a Textual frame (absolute and relative cursor moves, erase, text); colours and modes
    are skipped. ``wanted`` are the lines that make the awaited frame: each a tuple of
    strings that must appear, in that order, on one screen line."""

    def __init__(self, wanted: list[tuple[str, ...]]) -> None:
        self.rows, self.columns = SIZE
        self.lines = [[" "] * self.columns for _ in range(self.rows)]
        self.y = self.x = 0
        self.wanted = wanted
        self.pending = b""

    def feed(self, data: bytes) -> None:
        data = self.pending + data
        self.pending = b""
        at = 0
        for match in ESCAPE.finditer(data):
            self._text(data[at : match.start()])
            at = match.end()
            if match.group(2):
                self._csi(match.group(1).decode(), match.group(2).decode())
        rest = data[at:]
        cut = rest.find(b"\x1b")
        if cut >= 0:  # an escape split across two reads: keep it for the next
            self._text(rest[:cut])
            self.pending = rest[cut:]
        else:
            self._text(rest)

    def _text(self, data: bytes) -> None:
        for char in data.decode("utf-8", "replace"):
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.y = min(self.y + 1, self.rows - 1)
            elif char == "\b":
                self.x = max(self.x - 1, 0)
            elif char >= " ":
                if self.x < self.columns:
                    self.lines[self.y][self.x] = char
                self.x += 1

    def _csi(self, params: str, final: str) -> None:
        if params.startswith("?"):
            return  # a private mode
        numbers = [int(n) if n.isdigit() else 0 for n in params.split(";")] if params else []
        first = numbers[0] if numbers else 0
        if final in "Hf":
            row = numbers[0] if numbers else 1
            column = numbers[1] if len(numbers) > 1 else 1
            self.y = min(max(row, 1), self.rows) - 1
            self.x = min(max(column, 1), self.columns) - 1
        elif final == "A":
            self.y = max(self.y - max(first, 1), 0)
        elif final == "B":
            self.y = min(self.y + max(first, 1), self.rows - 1)
        elif final == "C":
            self.x = min(self.x + max(first, 1), self.columns - 1)
        elif final == "D":
            self.x = max(self.x - max(first, 1), 0)
        elif final == "G":
            self.x = min(max(first, 1), self.columns) - 1
        elif final == "J" and first == 2:
            self.lines = [[" "] * self.columns for _ in range(self.rows)]
        elif final == "K":
            line = self.lines[self.y]
            span = {0: range(self.x, self.columns), 1: range(self.x + 1), 2: range(self.columns)}
            for column in span.get(first, ()):
                line[column] = " "

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.lines)

    def shows(self) -> bool:
        """Whether every wanted line is on screen."""
        lines = ["".join(line) for line in self.lines]
        return all(any(_in_order(line, parts) for line in lines) for parts in self.wanted)


def _in_order(line: str, parts: tuple[str, ...]) -> bool:
    at = 0
    for part in parts:
        found = line.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


# -- a pseudo-terminal ----------------------------------------------------------------
class Pty(pty_app.Pty):
    """The shared pseudo-terminal child (``pty_app.Pty``) at 80x24, watching its output
    through a :class:`Screen` for the awaited frame."""

    def __init__(self, args: list[str], env: dict[str, str], screen: Screen | None = None) -> None:
        self.screen = screen
        self.seen = threading.Event()
        self.seen_at = 0.0
        super().__init__(args, env, SIZE)

    def received(self, stamp: float, data: bytes) -> None:
        screen = self.screen
        if screen is not None and not self.seen.is_set():
            screen.feed(data)
            if screen.shows():
                self.seen_at = stamp
                self.seen.set()

    def first_frame(self, limit: float = 60.0) -> float:
        """Seconds from process start to the output that put the awaited frame on screen."""
        if not self.seen.wait(limit):
            text = self.screen.text() if self.screen else ""
            raise SystemExit(f"no frame within {limit:.0f} s; the screen held:\n{text}")
        return self.seen_at - self.started

    def kill(self) -> None:
        """End the child at once (its whole session): its shutdown is not what is timed."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.reader.join(1)
        with contextlib.suppress(OSError):
            os.close(self.master)

    def output_after(self, moment: float) -> float | None:
        with self.lock:
            for stamp, _ in self.chunks:
                if stamp > moment:
                    return stamp
        return None


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
    db = profile_db(workdir)
    db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)

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


def profile_db(workdir: Path) -> Path:
    """Where the bench profile's cache lives under :func:`env_for`'s XDG_DATA_HOME."""
    return workdir / "data" / "tenktui" / f"{PROFILE}.db"


def write_profile(workdir: Path, base_url: str) -> None:
    """The config of a ``bench`` profile on the warm cache, so the app starts as a person
    starts it (``tenktui --profile bench``; the token comes from TENKTUI_TOKEN)."""
    folder = workdir / "config" / "tenktui"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / "config.toml").write_text(
        f'default_profile = "{PROFILE}"\n\n[profiles.{PROFILE}]\n'
        f'base_url = "{base_url}"\nemail = "{EMAIL}"\n',
        encoding="utf-8",
    )


def week_frame(db: Path) -> list[tuple[str, ...]]:
    """What the first frame showing the week has on screen: the grid's header with this
    week's first day, and a row's label followed by one of its cells' values."""
    from tenktui.store import Store
    from tenktui.store.queries import week_start_for
    from tenktui.text import clean_line
    from tenktui.ui.widgets.week_grid import format_hours

    store = Store(db)
    try:
        me = store.database.get_meta("me")
        monday = week_start_for(store.database.today())
        rows = store.queries.week(me, monday).rows
    finally:
        store.close()
    header = ("Project / leave", f"{monday:%a}"[:2], f"{monday.day:>2}")
    if not rows:
        raise SystemExit("the warm cache has no rows in this week")
    # The first row holding hours among those above the fold, else the first row's first
    # cell as the grid shows it (an empty cell is a dot).
    row, cell = next(
        ((r, c) for r in rows[:8] for c in r.cells if c.entries and c.hours),
        (rows[0], rows[0].cells[0]),
    )
    value = format_hours(cell.hours) if cell.entries else "·"
    if not cell.entries and cell.suggestion:
        value = format_hours(cell.suggestion)
    return [header, (clean_line(row.label)[:10].rstrip(), value)]


def _locked(store, assignable_id: int) -> bool:
    from tenktui.store.validation import lock_for

    row = store.queries.assignable(assignable_id)
    return lock_for(row, store.database.today(), store.database.today()) is not None


# -- measuring --------------------------------------------------------------------------
def env_for(workdir: Path) -> dict[str, str]:
    """The children's environment: the workdir's config, cache and data, and a bytecode
    cache as an installed program has (PYTHONDONTWRITEBYTECODE in the caller's shell
    would make every start compile tenktui's sources again, and not the bare app's,
    whose library was compiled when pip installed it); the warm-up run fills it."""
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        XDG_CACHE_HOME=str(workdir / "cache"),
        XDG_CONFIG_HOME=str(workdir / "config"),
        XDG_DATA_HOME=str(workdir / "data"),
        PYTHONPYCACHEPREFIX=str(workdir / "pycache"),
    )
    for name in (
        "TENKTUI_EXIT_AFTER_PAINT",
        "TENKTUI_PROFILE",
        "TENKTUI_TODAY",
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(name, None)
    return env


def _start(kind: str, frame: list[tuple[str, ...]], flags: tuple[str, ...] = ()):
    """The command line of a start of ``bare`` or ``app``, and the lines its frame shows."""
    if kind == "bare":
        return [sys.executable, *flags, "-c", BARE_APP], [(BARE_LABEL,)]
    return [sys.executable, *flags, "-m", "tenktui", "--profile", PROFILE], frame


def first_frame(kind: str, env: dict[str, str], frame: list[tuple[str, ...]]) -> float:
    """One start of ``bare`` or ``app`` in a fresh process, timed to its first frame."""
    args, wanted = _start(kind, frame)
    terminal = Pty(args, env, Screen(wanted))
    try:
        return terminal.first_frame()
    finally:
        terminal.kill()


def modules_before_frame(kind: str, env: dict[str, str], frame: list[tuple[str, ...]]) -> int:
    """How many modules one start of ``bare`` or ``app`` imports before its first frame:
    the child runs with ``python -X importtime``, whose lines reach the terminal beside
    the app's output (both on stderr); those read up to the frame are counted."""
    args, wanted = _start(kind, frame, ("-X", "importtime"))
    terminal = Pty(args, env, Screen(wanted))
    try:
        seen = terminal.started + terminal.first_frame()
        with terminal.lock:
            text = b"".join(data for stamp, data in terminal.chunks if stamp <= seen)
    finally:
        terminal.kill()
    lines = text.decode("utf-8", "replace").split("import time:")[1:]
    return sum(1 for line in lines if not line.lstrip().startswith("self"))


def previous_start(env: dict[str, str], frame: list[tuple[str, ...]]) -> None:
    """One start of the app run on past its first frame until its screen is quiet, as a
    person's last use of it left things: the bytecode compiled and the CSS its first
    frame needs kept (tenktui.ui.css_cache, written after the frame)."""
    from tenktui.ui.app import KEEP_CSS_SECONDS

    args, wanted = _start("app", frame)
    terminal = Pty(args, env, Screen(wanted))
    try:
        terminal.first_frame()
        time.sleep(KEEP_CSS_SECONDS)
        terminal.wait_quiet(0.5, limit=10)
    finally:
        terminal.kill()


def startup(runs: int, env: dict[str, str], frame: list[tuple[str, ...]]) -> dict[str, list[float]]:
    """Alternating bare and app starts after a warm-up of each (the OS file cache; the
    app's from :func:`previous_start`)."""
    previous_start(env, frame)
    for kind in ("bare", "app"):
        first_frame(kind, env, frame)
    times: dict[str, list[float]] = {"bare": [], "app": []}
    for _ in range(runs):
        for kind in ("bare", "app"):
            times[kind].append(first_frame(kind, env, frame))
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


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.0f} ms "
        f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, {len(values)} runs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="starts of each app (at least 7)")
    parser.add_argument("--keys", type=int, default=30, help="rounds of digit, Enter, j")
    parser.add_argument("--no-typing", action="store_true", help="measure start-up only")
    parser.add_argument("--workdir", help="where the sandbox and the cache go (default: temp)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    if args.runs < 7:
        parser.error("--runs: at least 7 (the issue's median of at least 7)")

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tenktui-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)  # never starts with "-" (an argument of the children)
    sandbox, db, base_url = prepare(workdir, token)
    write_profile(workdir, base_url)
    env = env_for(workdir)
    env["TENKTUI_TOKEN"] = token
    try:
        frame = week_frame(db)
        print(f"first frame: {' / '.join(' … '.join(parts) for parts in frame)}", flush=True)
        times = startup(args.runs, env, frame)
        ratio = statistics.median(times["app"]) / statistics.median(times["bare"])
        print(f"first frame, bare Textual app (its label): {_ms(times['bare'])}")
        print(f"first frame, tenktui (the week, from the warm large cache): {_ms(times['app'])}")
        print(f"first frame ratio tenktui/bare: {ratio:.2f} (target <= {TARGET_RATIO})")
        rounds = [app / bare for app, bare in zip(times["app"], times["bare"], strict=True)]
        print(
            f"the same, round by round (each start over the bare one before it), median: "
            f"{statistics.median(rounds):.2f}; the machine's speed moves between starts"
        )
        bare, app = (modules_before_frame(kind, env, frame) for kind in ("bare", "app"))
        print(f"modules imported before the first frame: tenktui {app}, bare Textual app {bare}")
        if args.no_typing:
            return 0
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
