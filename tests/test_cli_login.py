"""Profiles and login through the real executable: config, token storage, refusals."""

from __future__ import annotations

import os
import pty
import select
import stat
import subprocess
import sys
import tomllib

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import TOKEN, RunningSandbox
from tests.test_cli_helpers import ME_EMAIL, TENKTUI, Cli, Result

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_login_saves_a_private_profile_and_token(cli: Cli, fresh_server: RunningSandbox) -> None:
    result = cli.login(fresh_server)
    assert "Logged in as Robin Hale (me@example.com)" in result.out
    config = cli.config_dir / "config.toml"
    token = cli.config_dir / "tokens" / "default"
    assert mode(config) == 0o600 and mode(cli.config_dir) == 0o700
    assert mode(token) == 0o600 and mode(token.parent) == 0o700
    assert token.read_text() == TOKEN
    data = tomllib.loads(config.read_text())
    assert data["default_profile"] == "default"
    assert data["profiles"]["default"]["base_url"] == fresh_server.base_url
    assert data["profiles"]["default"]["email"] == ME_EMAIL
    assert TOKEN not in config.read_text()

    # The stored token is used without TENKTUI_TOKEN; the cache is private too.
    week = cli.json("week")
    assert week["user"]["name"] == "Robin Hale"
    assert mode(cli.db) == 0o600

    places = cli.json("locate")
    assert places["config"] == str(config)
    assert places["data"] == str(cli.home / "data" / "tenktui")
    assert places["cache"] == str(cli.home / "cache" / "tenktui")
    assert places["themes"] == str(cli.config_dir / "themes")


@pytest.mark.slow
def test_logout_removes_the_token_and_the_environment_still_overrides(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    assert "token is removed" in cli.ok("logout").out
    assert not (cli.config_dir / "tokens" / "default").exists()
    refused = cli.run("week")
    assert refused.code == 2 and "No API token for profile 'default'" in refused.err
    assert cli.ok("week", env={"TENKTUI_TOKEN": TOKEN}).code == 0
    assert "No token was stored" in cli.ok("logout").out


@pytest.mark.slow
def test_login_refusals_save_nothing(cli: Cli, fresh_server: RunningSandbox) -> None:
    base = ["login", "--base-url", fresh_server.base_url, "--email"]
    bad = cli.run(*base, ME_EMAIL, env={"TENKTUI_TOKEN": "not-the-token"})
    assert bad.code == 1 and "the server refused the token" in bad.err.lower()
    nobody = cli.run(*base, "nobody@example.com", env={"TENKTUI_TOKEN": TOKEN})
    assert nobody.code == 1 and "no user with the email" in nobody.err
    no_tty = cli.run(*base, ME_EMAIL)  # stdin is not a terminal and no TENKTUI_TOKEN
    assert no_tty.code == 2 and "TENKTUI_TOKEN" in no_tty.err
    plain_http = cli.run(
        "login", "--base-url", "http://example.com/api/v1", "--email", ME_EMAIL,
        env={"TENKTUI_TOKEN": TOKEN},
    )  # fmt: skip
    assert plain_http.code == 2 and "unencrypted" in plain_http.err
    fresh_server.stop()
    offline = cli.run(*base, ME_EMAIL, env={"TENKTUI_TOKEN": TOKEN})
    assert offline.code == 1 and "Cannot reach" in offline.err
    assert not (cli.config_dir / "config.toml").exists()
    assert not (cli.config_dir / "tokens" / "default").exists()


@pytest.mark.slow
def test_profiles_are_picked_by_flag_environment_or_default(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    cli.login(fresh_server, "--profile", "second")
    data = tomllib.loads((cli.config_dir / "config.toml").read_text())
    assert data["default_profile"] == "default"  # the first profile stays the default
    assert set(data["profiles"]) == {"default", "second"}
    second_db = cli.home / "data" / "tenktui" / "second.db"
    cli.ok("week", "--profile", "second")
    assert second_db.exists()
    second_db.unlink()
    cli.ok("--profile", "second", "week")
    assert second_db.exists()
    second_db.unlink()
    cli.ok("week", env={"TENKTUI_PROFILE": "second"})
    assert second_db.exists()
    unknown = cli.run("week", "--profile", "nope")
    assert unknown.code == 2 and "No profile named 'nope'" in unknown.err


@pytest.mark.slow
def test_invalid_config_names_file_key_and_expectation(cli: Cli) -> None:
    config = cli.config_dir / "config.toml"
    config.parent.mkdir(parents=True)
    cases = {
        'week_start = "funday"': (
            "profiles.work.week_start: expected one of monday…sunday, got 'funday'"
        ),
        'colour = "red"': "profiles.work.colour: unknown setting; expected one of base_url, email",
        "sync_interval = 1": "profiles.work.sync_interval: expected seconds, at least 5, got 1",
        'backend = "jira"': "profiles.work.backend: expected one of tenkft, leantime, got 'jira'",
        'timezone = "Mars/Base"': "profiles.work.timezone: expected an IANA time zone",
        "window_weeks_back = -1": "profiles.work.window_weeks_back: expected whole weeks",
    }
    for line, expected in cases.items():
        config.write_text(
            'default_profile = "work"\n[profiles.work]\n'
            'base_url = "https://api.example.com/api/v1"\nemail = "me@example.com"\n'
            f"{line}\n"
        )
        result = cli.run("week")
        assert result.code == 2, line
        assert f"{config}: {expected}" in result.err, result.err
    config.write_text("[profiles.work\n")
    broken = cli.run("week")
    assert broken.code == 2 and f"{config}: not valid TOML" in broken.err
    config.write_text('default_profile = "gone"\n')
    dangling = cli.run("status")
    assert dangling.code == 2 and "default_profile: expected the name of a profile" in dangling.err


def test_plain_tenktui_without_a_profile_says_how_to_log_in(cli: Cli) -> None:
    result = cli.run()
    assert result.code == 2
    assert "tenktui login --base-url" in result.err and "tenktui --demo" in result.err


@pytest.mark.slow
def test_headless_commands_never_import_textual(logged_in: Cli) -> None:
    cli = logged_in
    for args, proof in ((["week", "--json"], "tenktui.session"), (["--version"], "tenktui.cli")):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", str(TENKTUI), *args],
            capture_output=True,
            text=True,
            env=cli.env,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        imported = [line.split("|")[-1].strip() for line in proc.stderr.splitlines()]
        assert proof in imported  # the measurement saw the command's own imports
        assert not [m for m in imported if m == "textual" or m.startswith("textual.")], args


@pytest.mark.slow
def test_pointing_a_profile_elsewhere_waits_for_its_unsent_edits(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    cli.ok("log", "1", "INT-004", "--no-sync")
    # The same server under another name: to the profile, another account.
    elsewhere = fresh_server.base_url.replace("127.0.0.1", "localhost")
    args = ["login", "--base-url", elsewhere, "--email", ME_EMAIL]
    refused = cli.run(*args, env={"TENKTUI_TOKEN": TOKEN})
    assert refused.code == 1 and "1 edit(s) not yet sent" in refused.err
    assert (
        tomllib.loads((cli.config_dir / "config.toml").read_text())["profiles"]["default"][
            "base_url"
        ]
        == fresh_server.base_url
    )
    cli.ok("sync")
    cli.ok(*args, env={"TENKTUI_TOKEN": TOKEN})
    assert not cli.db.exists()  # the old account's cache is gone
    assert cli.json("week")["total"] == 1.0


@pytest.mark.slow
def test_plain_tenktui_opens_the_app_on_the_default_profile(logged_in: Cli) -> None:
    # The app quits once the Timesheet is painted, having opened the profile's cache.
    result = logged_in.run(env={"TENKTUI_EXIT_AFTER_PAINT": "1"})
    assert result.code == 0, result.err
    assert logged_in.db.exists()


@pytest.mark.slow
def test_demo_opens_the_app_without_a_profile(cli: Cli) -> None:
    result = cli.run("--demo", env={"TENKTUI_EXIT_AFTER_PAINT": "1"})
    assert result.code == 0, result.err
    assert not (cli.config_dir / "config.toml").exists()


def _read_until(fd: int, marker: bytes | None, seen: bytearray) -> None:
    """Read the terminal until ``marker`` shows (``None``: until the program exits)."""
    while marker is None or marker not in seen:
        ready, _, _ = select.select([fd], [], [], 60)
        assert ready, f"no output; so far: {bytes(seen)!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the program closed the terminal
            chunk = b""
        if not chunk:
            assert marker is None, f"ended before {marker!r}: {bytes(seen)!r}"
            return
        seen += chunk


@pytest.mark.slow
def test_login_asks_for_the_token_on_the_terminal_without_echo(
    cli: Cli, fresh_server: RunningSandbox
) -> None:
    args = [str(TENKTUI), "login", "--base-url", fresh_server.base_url, "--email", ME_EMAIL]
    pid, fd = pty.fork()
    if pid == 0:  # the child: tenktui on a terminal of its own
        os.execve(args[0], args, cli.env)
    seen = bytearray()
    try:
        _read_until(fd, b"not echoed", seen)
        os.write(fd, TOKEN.encode() + b"\n")
        _read_until(fd, None, seen)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    screen = seen.decode(errors="replace")
    cli.runs.append(Result(os.waitstatus_to_exitcode(status), screen, ""))
    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert "Logged in as Robin Hale" in screen
    assert TOKEN not in screen  # not echoed, not printed
    assert (cli.config_dir / "tokens" / "default").read_text() == TOKEN


@pytest.mark.slow
def test_a_cache_error_is_one_line_with_the_traceback_in_the_log(logged_in: Cli) -> None:
    cli = logged_in
    cli.db.parent.mkdir(parents=True, exist_ok=True)
    cli.db.write_bytes(b"this is not a SQLite file" * 100)
    result = cli.run("week")
    assert result.code == 1
    assert "is damaged" in result.err and "tenktui doctor" in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    log = cli.home / "cache" / "tenktui" / "log" / "tenktui.log"
    assert "Traceback" in log.read_text() and mode(log) == 0o600
