"""The frame rate tenktui asks Textual for (tenktui/ui/__init__.py), and the person's own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tenktui.ui import FRAMES_PER_SECOND

PROBE = "import tenktui.ui.app, textual.constants as c; print(c.MAX_FPS)"


def frame_rate(**env: str) -> int:
    environment = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"} | env
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@pytest.mark.parametrize(
    ("env", "expected"), [({}, FRAMES_PER_SECOND), ({"TEXTUAL_FPS": "30"}, 30)]
)
def test_the_app_draws_at_its_frame_rate_unless_told_otherwise(
    env: dict[str, str], expected: int
) -> None:
    assert FRAMES_PER_SECOND > 60
    assert frame_rate(**env) == expected
