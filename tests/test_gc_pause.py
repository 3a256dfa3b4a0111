"""The collector paused while ``tenktui`` starts: back on (what start-up made frozen)
once the app's first frame is drawn, and never paused for a headless command."""

from __future__ import annotations

import contextlib
import gc
import io
from collections.abc import Iterator

import pytest

from tenktui import gc_pause
from tenktui.cli import main
from tenktui.session import Session
from tests.app_harness import running, wait_for


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does, the test process gets its collector back, unfrozen."""
    try:
        yield
    finally:
        gc_pause.resume(freeze=False)
        gc.unfreeze()
        gc.enable()


def test_pause_and_resume_only_undo_each_other(collector: None) -> None:
    gc_pause.resume()  # not paused: nothing to do
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc_pause.pause()
    assert not gc.isenabled() and gc_pause.paused()
    gc_pause.resume()
    assert gc.isenabled() and not gc_pause.paused()
    assert gc.get_freeze_count() > 0  # what start-up made, out of later passes


def test_a_collector_turned_off_elsewhere_is_left_off(collector: None) -> None:
    gc.disable()
    gc_pause.pause()
    gc_pause.resume()
    assert not gc.isenabled()


async def test_the_app_turns_the_collector_back_on_after_its_first_frame(
    session: Session, collector: None
) -> None:
    gc_pause.pause()
    async with running(session) as (app, pilot):
        assert app.timesheet.grid.rows  # the week is drawn
        await wait_for(pilot, gc.isenabled)
        assert gc.get_freeze_count() > 0


def test_a_headless_command_never_pauses_the_collector(collector: None) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main(["locate"])
    assert gc.isenabled() and not gc_pause.paused()


def test_an_app_that_cannot_start_gives_the_collector_back(collector: None) -> None:
    """``tenktui`` on a profile it cannot open says why; the caller's collector is on."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(SystemExit):
        main(["--profile", "nowhere"])
    assert gc.isenabled() and not gc_pause.paused()
