"""``tenktui sync --watch`` as the tests run it: started, read a line at a time with a
deadline, and stopped the way a person stops it, with Ctrl+C (SIGINT).

Every wait is bounded. A watch that never prints fails its test after ``LINE_WAIT``
instead of blocking the run; one that outlives Ctrl+C by ``STOP_WAIT`` is killed and
fails with what it printed, instead of going on syncing after the run has ended.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from typing import IO

import pytest

from tests.test_cli_helpers import TENKTUI, Cli, Result

LINE_WAIT = 90.0  # seconds for one pass to print, start-up included, on a loaded machine
STOP_WAIT = 30.0  # seconds from Ctrl+C to the process's exit

# Starts a command with SIGINT ignored, as a non-interactive shell starts a background
# job (``tenktui sync --watch &`` in a script, a CI run started with ``&``): an ignored
# disposition survives exec, so the command inherits it.
SIGINT_IGNORED = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


class Watch:
    """A running ``tenktui sync --watch --interval 5 [extra]``."""

    def __init__(self, cli: Cli, *extra: str, sigint_ignored: bool = False) -> None:
        self.cli = cli
        command = [str(TENKTUI), "sync", "--watch", "--interval", "5", *extra]
        if sigint_ignored:
            command = [sys.executable, "-c", SIGINT_IGNORED, *command]
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli.env,
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._lines: queue.Queue[str] = queue.Queue()
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            _reader(self.proc.stdout, self._out, self._lines),
            _reader(self.proc.stderr, self._err, None),
        ]

    def line(self, timeout: float = LINE_WAIT) -> str:
        """The next line on stdout ('' once it has closed)."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"the watch printed no line within {timeout:g} s; stderr: {self.err}")

    def running(self) -> bool:
        return self.proc.poll() is None

    @property
    def err(self) -> str:
        return "".join(self._err)

    def stop(self, timeout: float = STOP_WAIT) -> Result:
        """Ctrl+C; what the whole run printed. A watch still running ``timeout`` s later
        is killed and the test fails."""
        if self.running():
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._join()
            pytest.fail(f"the watch went on for {timeout:g} s after Ctrl+C; stderr: {self.err}")
        self._join()
        result = Result(self.proc.returncode, "".join(self._out), self.err)
        self.cli.runs.append(result)
        return result

    def _join(self) -> None:
        for reader in self._readers:
            reader.join(10)


def _reader(stream: IO[str], kept: list[str], lines: queue.Queue[str] | None) -> threading.Thread:
    """Read ``stream`` to its end in a thread: a pipe nobody drains would fill and block
    the watch's next write."""

    def read() -> None:
        for line in stream:
            kept.append(line)
            if lines is not None:
                lines.put(line)
        if lines is not None:
            lines.put("")

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread
