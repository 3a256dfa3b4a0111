"""End to end: ``tenktui --demo`` in a real terminal (tmux), hours typed, and the
sandbox behind the demo holding them.

The demo keeps its files in a new temporary folder; TMPDIR points it into the
test's own, where the sandbox's SQLite file is read once the app has synced.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

HOURS = 3.25
PATIENCE = 60.0  # seconds the demo gets to start, sync, and send an edit


class Terminal:
    """An 80×24 tmux session of its own (private socket) running one command."""

    def __init__(self, socket: str, command: list[str], env: dict[str, str]) -> None:
        self.socket = socket
        pairs = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        self._tmux("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", *pairs,
                   " ".join(command))  # fmt: skip

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "e2e", key)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "e2e", "-l", text)

    def click(self, x: int, y: int) -> None:
        """A left click at column ``x``, line ``y`` (from 0): an xterm SGR mouse press and
        release, written to the app as a terminal would."""
        for end in ("M", "m"):
            self.type(f"\x1b[<0;{x + 1};{y + 1}{end}")
            time.sleep(0.05)

    def close(self) -> None:
        self._tmux("kill-server")


def eventually(what: str, check: Callable[[], object], terminal: Terminal) -> object:
    """Poll ``check`` until it answers something truthy; fail saying what never came."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} never happened; the screen was:\n{terminal.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    tenktui = Path(sys.executable).parent / "tenktui"
    command = (
        [str(tenktui), "--demo"]
        if tenktui.exists()
        else [sys.executable, "-m", "tenktui", "--demo"]
    )
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {
        "TMPDIR": str(temp),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }
    term = Terminal(f"tenktui-e2e-{os.getpid()}-{tmp_path.name}", command, env)
    term.temp = temp  # type: ignore[attr-defined]
    yield term
    term.close()


def sandbox_hours(temp: Path, day: dt.date) -> list[float]:
    """Hours of the time entries on ``day`` in the demo's sandbox."""
    found = list(temp.glob("tenktui-demo-*/sandbox.db"))
    if not found:
        return []
    conn = sqlite3.connect(f"file:{found[0]}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT data FROM time_entries WHERE date = ?", (day.isoformat(),))
        return [json.loads(data)["hours"] for (data,) in rows]
    finally:
        conn.close()


TABS = ["Timesheet", "Assignments", "Status", "Subtasks", "Outbox"]


def tab_column(title: str) -> int:
    """Where a tab's title sits in the app bar (`` Timesheet  Assignments …``)."""
    column = 1
    for tab in TABS:
        if tab == title:
            return column + 1
        column += len(tab) + 2
    raise AssertionError(title)


def shown(terminal: Terminal, text: str) -> bool:
    """``text`` is on screen, under the tabs (a new screen gets them a moment later)."""
    screen = terminal.screen()
    return text in screen and screen.lstrip().startswith(" ".join(TABS[:1]))


@pytest.mark.slow
def test_hours_typed_in_the_demo_reach_the_sandbox(terminal: Terminal) -> None:
    eventually("the timesheet", lambda: "this week" in terminal.screen(), terminal)
    eventually("the first sync", lambda: "online" in terminal.screen(), terminal)

    # A click on each tab, each from another screen (issue 12.1: a click froze the app).
    for tab, shows in (
        ("Assignments", "Assignments ·"),
        ("Status", "Status ·"),
        ("Subtasks", "Subtasks of which assignment?"),
        ("Outbox", "Outbox ·"),
        ("Timesheet", "this week"),
    ):
        terminal.click(tab_column(tab), 0)
        eventually(f"the {tab} screen", lambda shows=shows: shown(terminal, shows), terminal)
        if tab == "Subtasks":
            terminal.keys("Enter")  # the first assignment's checklist
            eventually("the checklist", lambda: shown(terminal, "Subtasks ·"), terminal)
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    assert HOURS not in sandbox_hours(terminal.temp, monday)  # type: ignore[attr-defined]

    terminal.keys("a")  # add a row: a project that takes time on any day
    eventually("the picker", lambda: "Add a row" in terminal.screen(), terminal)
    terminal.type("Brand Refresh")
    terminal.keys("Enter")
    # The picker's own input holds "Brand Refresh" too: wait for the grid to say the
    # row was added, as a person would, before typing its hours.
    eventually("the new row", lambda: "Added Brand Refresh" in terminal.screen(), terminal)

    terminal.type(str(HOURS))
    terminal.keys("Enter")
    eventually(
        "the entry in the sandbox",
        lambda: HOURS in sandbox_hours(terminal.temp, monday),  # type: ignore[attr-defined]
        terminal,
    )
    screen = terminal.screen()
    assert "3.25" in screen
    eventually("nothing left pending", lambda: "pending" not in terminal.screen(), terminal)

    terminal.keys("C-q")
    eventually("the app to quit", lambda: "Week" not in terminal.screen(), terminal)
