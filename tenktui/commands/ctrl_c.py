"""Ctrl+C for the one command that runs until it: ``sync --watch``.

``asyncio.run``'s own SIGINT handling failed it twice:

- A process started as a background job of a non-interactive shell (``tenktui sync
  --watch &`` in a script, a CI run started with ``&``, ``nohup``) inherits SIGINT
  *ignored*, and an ignored signal stays ignored across exec. Python then installs no
  handler for it, so neither does ``asyncio.run``: the watch, whose first line says
  "Ctrl+C stops", went on until it was killed.
- Its second Ctrl+C raises KeyboardInterrupt wherever the loop happens to be. Raised
  while the cancellation the first one started was still unwinding (through anyio's
  cancel scopes under httpx), it left the loop's shutdown re-delivering that
  cancellation for ever (``_cancel_all_tasks`` spinning in anyio's
  ``_deliver_cancellation``); and after the loop, the interpreter's exit still joins
  the executor's threads (a DNS lookup in flight).

So the watch runs under a handler of its own, whatever SIGINT was on entry: the first
Ctrl+C cancels the watch (its session closes, the sync lock is freed, exit 0) and
hands SIGINT back to the system, so that a second one ends the process at once,
whatever it is waiting for. Nothing is lost that way: an edit being sent is already
marked ``sending`` and reconciled by the next sync, and the kernel drops the lock.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from types import FrameType

from tenktui.commands import EXIT_OK


def run_until_ctrl_c(main: Callable[[], Awaitable[int]]) -> int:
    """``asyncio.run(main())``, ended by Ctrl+C: then ``EXIT_OK``."""
    stopped = False

    async def run() -> int:
        nonlocal stopped
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def on_ctrl_c(signum: int, frame: FrameType | None) -> None:
            nonlocal stopped
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # the next Ctrl+C ends the process
            stopped = True
            loop.call_soon_threadsafe(task.cancel)

        signal.signal(signal.SIGINT, on_ctrl_c)
        try:
            return await main()
        except asyncio.CancelledError:
            if stopped:
                return EXIT_OK
            raise
        finally:
            if not stopped:
                signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:  # Ctrl+C before the handler above was in place
        return EXIT_OK
