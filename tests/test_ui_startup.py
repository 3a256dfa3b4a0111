"""The first screen reads the store once before its first frame (mount and the resume
that follows it are one showing, not two)."""

from __future__ import annotations

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
    async with running(session) as (_app, pilot):
        await pilot.pause()
        await pilot.pause()
        assert len(weeks) == 1
