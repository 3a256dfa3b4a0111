"""Running the Leantime emulator: build a seeded sandbox and serve it with uvicorn."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from tenktui.sandbox.leantime.app import create_app
from tenktui.sandbox.leantime.state import (
    DEFAULT_RATE_LIMIT,
    DEFAULT_RATE_WINDOW,
    DEFAULT_TIMEZONE,
    LeantimeSandbox,
)
from tenktui.sandbox.server import serve_app
from tenktui.sandbox.state import DEFAULT_READING


def open_leantime_sandbox(
    token: str,
    db_path: str | Path | None = None,
    *,
    version: str = "3.9",
    scale: str = "demo",
    today: dt.date | None = None,
    seed: int = 0,
    timezone: str = DEFAULT_TIMEZONE,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    rate_window: float = DEFAULT_RATE_WINDOW,
    reading: str = DEFAULT_READING,
    token_kind: str = "key",
    role: str | None = None,
    enforce: bool | None = None,
) -> LeantimeSandbox:
    """Open (and on first use seed) the Leantime sandbox stored at ``db_path``.

    ``token`` is the key the site accepts: in ``x-api-key`` it acts as the API
    key's pseudo-user, as ``Authorization: Bearer`` (3.9.6 and later) as
    me@example.com. ``token_kind="pat"`` serves it as me@example.com's personal access
    token only (``x-api-key`` refuses it); ``role`` (editor, manager, admin, owner) is
    then given to whoever the token acts as; ``enforce`` turns 3.9's
    ``permissions.enforce`` on or off (by default: on under the strict reading only).
    Without a path the data goes to a fresh temporary file; a file
    that already holds data is served as it is (``timezone`` only seeds).
    """
    from tenktui.sandbox.leantime import seed as seeding

    if db_path is None:
        fd, name = tempfile.mkstemp(prefix="tenktui-leantime-", suffix=".db")
        os.close(fd)
        db_path = name
    sandbox = LeantimeSandbox(
        db_path,
        token,
        version=version,
        rate_limit=rate_limit,
        rate_window=rate_window,
        reading=reading,
        token_kind=token_kind,
        enforce=enforce,
    )
    if sandbox.db.is_empty():
        sandbox.today = today or dt.date.today()
        seeding.populate(sandbox, scale=scale, seed=seed, timezone=timezone)
    elif today is not None:
        sandbox.today = today
    if role is not None:
        sandbox.set_role(role)
    return sandbox


async def serve(
    sandbox: LeantimeSandbox,
    host: str = "127.0.0.1",
    port: int = 0,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until cancelled; ``on_ready`` gets ``http://HOST:PORT`` (the site root: the
    client adds ``/api/jsonrpc``) once the socket is bound."""
    await serve_app(create_app(sandbox), host, port, on_ready)
