"""Issue 12, item 3: ``-1`` typed in a cell is refused, not saved as 1 h."""

from __future__ import annotations

import pytest

from tenktui.session import Session
from tests.app_harness import running
from tests.test_ui_timesheet import at, detail, queued


@pytest.mark.parametrize("typed", ["-1", "-90m"])
async def test_a_minus_sign_in_a_cell_is_refused_and_kept(session: Session, typed: str) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 1)
        await pilot.press(*typed, "enter")
        assert grid.editing and grid.edit.text == typed
        assert "Hours are not negative" in detail(app)
        assert queued(session) == []
