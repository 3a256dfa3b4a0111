"""The app's peak memory on the warm large cache.

    python benchmarks/memory.py [--keys 30] [--workdir DIR]

Sets up exactly as benchmarks/startup.py does (the sandbox's LARGE data set served,
a profile synced from it once, the person's week filled to 40 rows), then starts the
app in an 80x24 pseudo-terminal, lets it draw and go quiet, moves through the grid
(j, l, then a week forward and back), leaves it idle for a few seconds (it builds
its other screens then) and quits. Reads the child's peak resident set
from /proc/<pid>/status (VmHWM) while it runs, and once it has exited from
resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, which also sees its shutdown (and any
process it waited for): the larger of the two is the peak printed.

Issue 15 sets no bound: the figure is printed to be compared before and after a change.
Exits 0 whatever it is (it measures, it does not judge).
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

import startup  # benchmarks/startup.py: the warm cache and the pseudo-terminal

# Left idle this long after the keys, the app has built its other screens (it builds
# them while no key comes: tenktui.ui.ahead), and they count in the peak.
IDLE_SECONDS = 4.0


def status_kb(pid: int, field: str) -> int | None:
    """A ``kB`` field of /proc/<pid>/status (VmHWM: peak RSS; VmRSS: now), or None."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


def measure(keys: int, db: Path, base_url: str, token: str, env: dict) -> dict[str, int | None]:
    args = [sys.executable, startup.__file__, "--child", "interactive", str(db), base_url, token]
    terminal = startup.Pty(args, env)
    pid = terminal.process.pid
    found: dict[str, int | None] = {}
    try:
        terminal.wait_quiet(2.0, limit=120)
        found["first frame, RSS"] = status_kb(pid, "VmRSS")
        found["first frame, peak"] = status_kb(pid, "VmHWM")
        for _ in range(keys):
            for key in (b"j", b"l"):
                terminal.write(key)
                terminal.wait_quiet(0.05)
        for key in (b"]", b"["):  # a week forward and back
            terminal.write(key)
            terminal.wait_quiet(0.3)
        terminal.wait_quiet(1.0)
        found["after the keys, RSS"] = status_kb(pid, "VmRSS")
        found["after the keys, peak"] = status_kb(pid, "VmHWM")
        time.sleep(IDLE_SECONDS)  # idle: the app builds its other screens meanwhile
        found["idle a while, RSS"] = status_kb(pid, "VmRSS")
        found["idle a while, peak"] = status_kb(pid, "VmHWM")
        terminal.write(b"\x11")  # ctrl+q
        terminal.wait(30)
    finally:
        terminal.stop()
    found["peak from getrusage"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=30, help="rounds of j and l")
    parser.add_argument("--workdir", help="where the sandbox and the cache go (default: temp)")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tenktui-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    sandbox, db, base_url = startup.prepare(workdir, token)
    try:
        found = measure(args.keys, db, base_url, token, startup.env_for(workdir))
    finally:
        sandbox.stop()
    print(f"load: {os.getloadavg()[0]:.2f} (1 min)")
    for what, kb in found.items():
        shown = "unread" if kb is None else f"{kb / 1024:.1f} MiB"
        print(f"app on the warm large cache, {what}: {shown}")
    peak = max(kb for kb in found.values() if kb is not None)
    print(f"peak RSS of the app: {peak / 1024:.1f} MiB (target: printed; issue 15 sets no bound)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
