"""``tenktui`` alone, with ``--profile`` or ``--demo``, is read without building every
command's parser; what it reads must be what the full parser would have read."""

from __future__ import annotations

import pytest

from tenktui.cli import app_arguments
from tenktui.commands.parser import build_parser

THE_APP = [
    [],
    ["--demo"],
    ["--profile", "work"],
    ["--profile=work"],
    ["--profile", ""],
    ["--profile", "a", "--demo", "--profile", "b"],
    ["--profile=-odd"],
]
OTHERS = [
    ["week"],
    ["--profile", "work", "week"],
    ["--help"],
    ["--version"],
    ["--prof", "work"],  # an abbreviation: the full parser's business
    ["--profile"],
    ["--profile", "--demo"],
    ["--json"],
    ["stray"],
]


@pytest.mark.parametrize("argv", THE_APP, ids=" ".join)
def test_the_app_arguments_mean_what_the_full_parser_says(argv: list[str]) -> None:
    found = app_arguments(argv)
    assert found is not None
    assert vars(found) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", OTHERS, ids=" ".join)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert app_arguments(argv) is None


def test_shell_completion_goes_to_the_full_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_ARGCOMPLETE", "1")
    assert app_arguments([]) is None
