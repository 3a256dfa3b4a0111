"""Starting the app: ``tenktui`` (a profile's session) and ``tenktui --demo``.

The app never prints while it runs: logging goes to a file in the cache dir
(:func:`tenktui.logs.setup_logging`).
``TENKTUI_EXIT_AFTER_PAINT=1`` makes the app quit once the Timesheet is drawn
(the start-up benchmark measures exactly that).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tenktui import gc_pause, paths
from tenktui.logs import setup_logging

if TYPE_CHECKING:
    from tenktui.session import Session

EXIT_AFTER_PAINT = "TENKTUI_EXIT_AFTER_PAINT"


def run_app(
    session: Session,
    *,
    theme: str | None = None,
    on_theme_change: Callable[[str], None] | None = None,
) -> int:
    """Run the app on an open session until the person quits; closes the session."""
    from tenktui.ui.app import TenkApp

    setup_logging()
    app = TenkApp(
        session,
        theme=theme,
        on_theme_change=on_theme_change,
        exit_after_paint=os.environ.get(EXIT_AFTER_PAINT) == "1",
        freeze_heap=True,
    )

    async def main() -> int:
        try:
            await app.run_async()
        finally:
            gc_pause.resume(freeze=False)  # the app ended before it resumed collection
            await session.aclose()
        return int(app.return_code or 0)

    return asyncio.run(main())


def run_demo(*, today: dt.date | None = None, workdir: Path | None = None) -> int:
    """``tenktui --demo``: the embedded sandbox with its demo data, acting as me@example.com."""
    from tenktui.session import open_demo_session

    setup_logging()
    if workdir is not None:
        paths.private_dir(workdir)
    session = open_demo_session(workdir, today=today)
    return run_app(session)
