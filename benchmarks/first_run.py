"""The first run: from ``git clone`` to the demo's week on screen.

    python3 benchmarks/first_run.py [--runs 3] [--ref HEAD] [--source REPO]

Each run clones ``--source`` (this repository by default) at ``--ref`` into a new
temporary folder, starts ``python3 tasks.py demo`` there in an 80x24 tmux session of
its own (a pseudo-terminal; private socket, private config, cache and temp folders,
no TENKTUI_VENV: the clone builds its own ``.venv`` exactly as a person's first run
does) and polls the pane every 20 ms until the Timesheet's header ("this week") is on
screen. The time counted runs from just before the clone to that poll. The clone is
local (a person's clone over the network adds its own download time); pip reads the
machine's configured indexes and its wheel cache as a person's pip would.

Prints each run and the median beside the target (<= 15 s on a 2-core machine);
exits 0 whatever the figure (it measures, it does not judge).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 15.0
HEADER = "this week"
POLL = 0.02
PATIENCE = 300.0


def tmux(socket: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False, env=env
    )
    return done.stdout


def one_run(source: str, ref: str, keep: bool) -> tuple[float, float]:
    """Seconds from the clone to the week on screen, and the clone's share of them."""
    folder = Path(tempfile.mkdtemp(prefix="tenktui-first-run-"))
    clone = folder / "clone"
    socket = f"tenktui-first-run-{os.getpid()}-{folder.name}"
    # Only what a person's shell would hold (no PYTHONDONTWRITEBYTECODE or venv of ours),
    # and pip's own settings, which name this machine's indexes.
    env = {key: value for key, value in os.environ.items() if key.startswith("PIP_")}
    env |= {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(folder)),
        "TERM": "xterm-256color",
        "TMPDIR": str(folder / "tmp"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_DATA_HOME": str(folder / "data"),
    }
    (folder / "tmp").mkdir()
    pairs = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    started = time.perf_counter()
    try:
        subprocess.run(["git", "clone", "-q", source, str(clone)], check=True)
        if ref != "HEAD":
            subprocess.run(["git", "-C", str(clone), "checkout", "-q", ref], check=True)
        cloned = time.perf_counter() - started
        tmux(socket, "new-session", "-d", "-s", "first", "-x", "80", "-y", "24",
             "-c", str(clone), *pairs, "python3 tasks.py demo", env=env)  # fmt: skip
        deadline = started + PATIENCE
        while time.perf_counter() < deadline:
            if HEADER in tmux(socket, "capture-pane", "-p", "-t", "first"):
                return time.perf_counter() - started, cloned
            time.sleep(POLL)
        screen = tmux(socket, "capture-pane", "-p", "-t", "first")
        raise SystemExit(f"no {HEADER!r} within {PATIENCE:.0f} s; the screen was:\n{screen}")
    finally:
        tmux(socket, "kill-server")
        sockets = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (sockets / socket).unlink(missing_ok=True)
        if keep:
            print(f"  kept {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ref", default="HEAD", help="the commit to clone (default HEAD)")
    parser.add_argument("--source", default=str(ROOT), help="the repository to clone")
    parser.add_argument("--keep", action="store_true", help="keep each clone's folder")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("needs tmux")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min)", flush=True)
    times = []
    for run in range(1, args.runs + 1):
        took, cloned = one_run(args.source, args.ref, args.keep)
        times.append(took)
        print(f"run {run}: {took:.1f} s to the week on screen (clone {cloned:.1f} s)", flush=True)
    print(
        f"first run, clone to the first frame of the week: median {statistics.median(times):.1f}"
        f" s (min {min(times):.1f}, max {max(times):.1f}, {len(times)} runs; target <= "
        f"{TARGET:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
