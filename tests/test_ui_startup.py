"""The first screen reads the store once before its first frame (mount and the resume
that follows it are one showing, not two)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenktui.session import Session
from tests.app_harness import running


async def test_the_timesheet_reads_its_week_once_at_start(session: Session) -> None:
    queries = session.store.queries
    read = queries.week
    weeks: list[Any] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        weeks.append(args)
        return read(*args, **kwargs)

    queries.week = counted  # type: ignore[method-assign]  # counts, then reads for real
    async with running(session) as (app, pilot):
        await pilot.pause()
        await pilot.pause()
        shown = (session.store.me_id(), app.screen.week_start)
        assert weeks.count(shown) == 1
        # Besides it, only the weeks on either side, read ahead once the screen is still
        assert {w for w in weeks if w != shown} <= {
            (shown[0], shown[1] + dt.timedelta(days=7 * step)) for step in (1, -1)
        }
