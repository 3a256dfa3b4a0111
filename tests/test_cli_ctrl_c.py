"""Ctrl+C under ``run_until_ctrl_c`` (``sync --watch``): the first one stops the
command, a second one ends the process at once, whatever its shutdown waits for.

The command runs in a process of its own, as a person's would: a signal is the
thing under test.
"""

from __future__ import annotations

import signal
import subprocess
import sys

COMMAND = """
import asyncio, sys, time
from tenktui.commands.ctrl_c import run_until_ctrl_c

async def main() -> int:
    {hold}
    print("running", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        print("stopping", flush=True)
    return 3

sys.exit(run_until_ctrl_c(main))
"""
# A shutdown that waits for a thread, as asyncio.run's waits for a DNS lookup in flight
# (and the interpreter's exit joins it): only the system can end it promptly.
HELD_BY_A_THREAD = COMMAND.format(
    hold="asyncio.get_running_loop().run_in_executor(None, time.sleep, 120)"
)
FREE = COMMAND.format(hold="pass")


def _start(script: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "running\n", proc.communicate(timeout=30)
    return proc


def test_a_second_ctrl_c_ends_the_process_at_once() -> None:
    proc = _start(HELD_BY_A_THREAD)
    assert proc.stdout is not None
    try:
        proc.send_signal(signal.SIGINT)
        assert proc.stdout.readline() == "stopping\n"  # the first one cancelled the command
        assert proc.poll() is None  # and its shutdown waits for the thread
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        proc.kill()
        _, err = proc.communicate()
    assert proc.returncode == -signal.SIGINT, err


def test_the_first_ctrl_c_stops_the_command_and_exits_0() -> None:
    proc = _start(FREE)
    try:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert (proc.returncode, out) == (0, "stopping\n"), err
