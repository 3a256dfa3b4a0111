"""The headless commands: every screen action, from a shell prompt or a cron job.

One module per command group; each exposes ``async def run_*(ctx)`` functions the
CLI dispatches to. They share the store, the outbox and the sync engine with the
app through :class:`~tenktui.commands.context.Context`.

Exit codes: 0 success; 1 a failure the person must act on (the server refused
the token or an edit, a conflict, the server unreachable when it is needed);
2 the command was refused as given and nothing changed (bad arguments, unknown
or ambiguous project, hours or text the rules refuse, a locked project, no
profile or an invalid config file).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """Stop the command: ``message`` goes to stderr, ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
