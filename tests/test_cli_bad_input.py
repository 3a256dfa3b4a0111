"""Bad input is refused with a message, never a traceback (issue #11, item 7).

Hours, dates, ids, the watch interval, profile names and the config file, in the
real executable (exit 2, one line on stderr, nothing queued) and in the app.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tenktui.session import Session
from tenktui.store import InvalidEdit, parse_hours
from tests import test_cli_helpers as helpers
from tests.app_harness import running
from tests.conftest import TOKEN, RunningSandbox
from tests.test_cli_helpers import Cli, server_entries
from tests.test_ui_timesheet import at, detail, queued

cli = helpers.cli
logged_in = helpers.logged_in

WINDOW = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
HUGE = "9" * 20  # beyond SQLite's 64-bit integers

BAD_HOURS = [
    ("1000000000000000000000000000000m", "out of range"),
    ("1" * 31 + "m", "out of range"),
    ("1" * 31 + ":30", "out of range"),
    ("1_5", "not a number of hours"),
    ("1e3", "not a number of hours"),
    ("NaN", "not a number of hours"),
    ("1.0000000000000000001", "too many decimals"),
    ("2.001h", "too many decimals"),
]


@pytest.mark.parametrize(("text", "message"), BAD_HOURS)
def test_hours_beyond_reason_are_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(InvalidEdit, match=message):
        parse_hours(text)


ORDINARY = [("1,5", 1.5), ("90m", 1.5), ("1:30", 1.5), ("2h", 2.0), (".5", 0.5), ("1.230", 1.23)]


@pytest.mark.parametrize(("text", "hours"), ORDINARY)
def test_ordinary_hours_still_parse(text: str, hours: float) -> None:
    assert parse_hours(text) == hours


BAD_ARGS = [
    (["log", "1000000000000000000000000000000m", "INT-004"], "out of range"),
    (["log", "1_5", "INT-004"], "not a number of hours"),
    (["log", "1.0000000000000000001", "INT-004"], "too many decimals"),
    (["log", "1", "INT-004", "--date", "9999-12-31"], "use a date from 1970-01-01 to 2999-12-31"),
    (["week", "--date", "9999-12-31"], "use a date from 1970-01-01 to 2999-12-31"),
    (["submit", "--date", "9999-12-31"], "use a date from 1970-01-01 to 2999-12-31"),
    (["export", "--from", "today", "--to", "9999-12-31"], "use a date from 1970-01-01 to 2999"),
    (["outbox", "retry", HUGE], "expected an id from 1 to 9223372036854775807"),
    (["outbox", "discard", HUGE], "expected an id from 1 to"),
    (["subtasks", "done", HUGE], "expected an id from 1 to"),
    (["subtasks", "add", HUGE, "text"], "expected an id from 1 to"),
    (["subtasks", HUGE], "expected an id from 1 to"),
    (["sync", "--watch", "--interval", "nan"], "at least 5 seconds"),
    (["sync", "--watch", "--interval", "inf"], "at least 5 seconds"),
    (["sync", "--watch", "--interval", "0.001"], "at least 5 seconds"),
]


@pytest.mark.slow
def test_bad_arguments_are_refused_clearly_and_change_nothing(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    logged_in.ok("sync")
    before = server_entries(fresh_server, *WINDOW)
    for args, message in BAD_ARGS:
        result = logged_in.run(*args)
        assert result.code == 2, (args, result.err)
        assert message in result.err, (args, result.err)
        assert "Traceback" not in result.err and "unexpected error" not in result.err, args
        assert len(result.err.strip().splitlines()) <= 3, (args, result.err)
        assert logged_in.outbox() == [], args
    assert server_entries(fresh_server, *WINDOW) == before


@pytest.mark.slow
def test_a_profile_name_with_a_newline_is_refused_and_the_config_still_loads(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    for name in ("work\n", "work\nx", " work", "work]"):
        refused = logged_in.run(
            "login", "--profile", name, "--base-url", fresh_server.base_url,
            "--email", helpers.ME_EMAIL, env={"TENKTUI_TOKEN": TOKEN},
        )  # fmt: skip
        assert refused.code == 2 and "profile name" in refused.err, (name, refused.err)
    assert logged_in.run("week", "--profile", "default\n").code == 2
    logged_in.ok("week")
    assert "[profiles.default]" in (logged_in.config_dir / "config.toml").read_text()


@pytest.mark.slow
def test_a_config_file_that_is_not_utf8_is_refused_with_a_message(logged_in: Cli) -> None:
    path = logged_in.config_dir / "config.toml"
    path.write_bytes(path.read_bytes() + b"# caf\xe9 in Latin-1\n")
    result = logged_in.run("week")
    assert result.code == 2
    assert "not UTF-8" in result.err and str(path) in result.err
    assert "Traceback" not in result.err


@pytest.mark.slow
async def test_31_digits_then_m_in_a_cell_is_refused_and_the_app_lives_on(
    session: Session,
) -> None:
    async with running(session) as (app, pilot):
        grid = at(app, "Internal Tools", 2)
        await pilot.press(*("1" * 31), "m", "enter")
        assert grid.editing and "out of range" in grid.edit.error
        assert "out of range" in detail(app)
        assert queued(session) == []
        assert app.is_running
