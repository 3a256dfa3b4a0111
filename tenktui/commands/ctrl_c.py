"""Ctrl+C for the one command that runs until it: ``sync --watch``.

A process started as a background job of a non-interactive shell (``tenktui sync
--watch &`` in a script, a CI run started with ``&``, ``nohup``) inherits SIGINT
*ignored*, and an ignored signal stays ignored across exec. Python then installs no
handler for it, so neither does ``asyncio.run``, and the watch, whose first line says
"Ctrl+C stops", could only be killed. Before the watch starts, an ignored SIGINT is
given Python's own handler back; ``asyncio.run`` then puts its two-step one in place:
the first Ctrl+C cancels the watch (the session closes, the sync lock is freed), a
second one raises at once wherever the process is.
"""

from __future__ import annotations

import signal


def let_ctrl_c_stop() -> None:
    """Make SIGINT interrupt this process even if it started ignored."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
