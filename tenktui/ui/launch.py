"""Starting the app: ``tenktui`` (a profile's session) and ``tenktui --demo``.

The app never prints while it runs: logging goes to a file in the cache dir.
``TENKTUI_EXIT_AFTER_PAINT=1`` makes the app quit once the Timesheet is drawn
(the start-up benchmark measures exactly that).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tenktui import paths

if TYPE_CHECKING:
    from tenktui.session import Session

EXIT_AFTER_PAINT = "TENKTUI_EXIT_AFTER_PAINT"
LOGGERS = ("tenktui", "httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access")


def log_file() -> Path:
    return paths.cache_dir() / "log" / "tenktui.log"


def configure_logging(level: int = logging.INFO) -> Path:
    """Send every log record to a file: nothing may write to the terminal under the app."""
    path = log_file()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    paths.private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # private before it is written
    os.chmod(path, 0o600)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for existing in list(root.handlers):
        if isinstance(existing, logging.StreamHandler) and not isinstance(
            existing, logging.FileHandler
        ):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(level if name == "tenktui" else logging.WARNING)
    return path


def run_app(
    session: Session,
    *,
    theme: str | None = None,
    on_theme_change: Callable[[str], None] | None = None,
) -> int:
    """Run the app on an open session until the person quits; closes the session."""
    from tenktui.ui.app import TenkApp

    configure_logging()
    app = TenkApp(
        session,
        theme=theme,
        on_theme_change=on_theme_change,
        exit_after_paint=os.environ.get(EXIT_AFTER_PAINT) == "1",
    )

    async def main() -> int:
        try:
            await app.run_async()
        finally:
            await session.aclose()
        return int(app.return_code or 0)

    return asyncio.run(main())


def run_demo(*, today: dt.date | None = None, workdir: Path | None = None) -> int:
    """``tenktui --demo``: the embedded sandbox with its demo data, acting as me@example.com."""
    from tenktui.session import open_demo_session

    configure_logging()
    if workdir is not None:
        paths.private_dir(workdir)
    session = open_demo_session(workdir, today=today)
    return run_app(session)
