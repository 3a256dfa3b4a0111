"""Running the emulator: build a seeded :class:`Sandbox` and serve it with uvicorn.

:func:`serve_app` and :func:`serve_in_foreground` serve the Leantime emulator too.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from tenktui.sandbox.app import create_app
from tenktui.sandbox.state import (
    DEFAULT_RATE_LIMIT,
    DEFAULT_RATE_WINDOW,
    DEFAULT_READING,
    Sandbox,
)


def open_sandbox(
    token: str,
    *,
    db_path: str | Path | None = None,
    scale: str = "demo",
    seed: int = 0,
    today: dt.date | None = None,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    rate_window: float = DEFAULT_RATE_WINDOW,
    reading: str = DEFAULT_READING,
) -> Sandbox:
    """Open (and on first use seed) the sandbox stored at ``db_path``.

    Without a path the data goes to a fresh temporary file. A file that already
    holds data is served as it is, so a restarted server keeps what was written.
    """
    from tenktui.sandbox import seed as seeding

    if db_path is None:
        fd, name = tempfile.mkstemp(prefix="tenktui-sandbox-", suffix=".db")
        os.close(fd)
        db_path = name
    sandbox = Sandbox(
        db_path, token, rate_limit=rate_limit, rate_window=rate_window, reading=reading
    )
    if sandbox.db.is_empty():
        sandbox.today = today or dt.date.today()
        seeding.populate(sandbox, scale=scale, seed=seed)
    elif today is not None:
        sandbox.today = today
    return sandbox


async def serve(
    sandbox: Sandbox,
    host: str = "127.0.0.1",
    port: int = 0,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until cancelled; ``on_ready`` gets the base URL once the socket is bound."""
    await serve_app(create_app(sandbox), host, port, on_ready)


async def serve_app(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 0,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve an emulator's app until cancelled; ``on_ready`` gets ``http://HOST:PORT``
    once the socket is bound."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http="h11",
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task  # startup failed: raise its error
            raise SystemExit(1)
        await asyncio.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    if on_ready is not None:
        on_ready(f"http://{host}:{bound}")
    try:
        await task
    finally:
        server.should_exit = True


def serve_in_foreground(app: ASGIApp, host: str, port: int, *, api_path: str = "") -> None:
    """Serve until Ctrl-C, printing ``sandbox listening on URL`` (``api_path`` appended to
    ``http://HOST:PORT``) once ready, for whoever started the process to read."""

    def ready(base: str) -> None:
        print(f"sandbox listening on {base}{api_path}", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_app(app, host, port, on_ready=ready))
