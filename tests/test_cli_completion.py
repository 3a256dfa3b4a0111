"""Shell completion scripts, and the config file writer behind login and theme changes."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tenktui.config import Config, ConfigError, Profile, dumps, load_config, update_profile
from tests import test_cli_helpers as helpers
from tests.test_cli_helpers import Cli

# The shared fixture, bound under its own name for pytest.
cli = helpers.cli


def complete_in_bash(script: str, words: list[str]) -> list[str]:
    """What the bash script offers for ``words`` (the last one being completed)."""
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        f"{script}\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
        '_tenktui; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    out = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_offers_commands_actions_options_and_values(cli: Cli) -> None:
    script = cli.ok("completion", "bash").out
    assert subprocess.run(["bash", "-n", "-c", script]).returncode == 0
    assert "outbox" in complete_in_bash(script, ["tenktui", "ou"])
    assert set(complete_in_bash(script, ["tenktui", "outbox", ""])) == {
        "retry", "discard", "resolve",
    }  # fmt: skip
    assert complete_in_bash(script, ["tenktui", "outbox", "resolve", "3", "--keep", ""]) == [
        "mine",
        "theirs",
    ]
    log_options = complete_in_bash(script, ["tenktui", "log", "--"])
    assert {"--date", "--task", "--notes", "--no-sync", "--json", "--profile"} <= set(log_options)
    assert complete_in_bash(script, ["tenktui", "export", "--format", ""]) == ["csv", "json"]
    assert complete_in_bash(script, ["tenktui", "completion", "f"]) == []  # a positional choice


def test_zsh_and_fish_scripts(cli: Cli) -> None:
    zsh = cli.ok("completion", "zsh").out
    assert zsh.startswith("#compdef tenktui") and "bashcompinit" in zsh
    assert "complete -F _tenktui tenktui" in zsh
    fish = cli.ok("completion", "fish").out
    assert "complete -c tenktui -n '__fish_use_subcommand' -a log" in fish
    assert "__fish_seen_subcommand_from outbox; and not __fish_seen_subcommand_from" in fish
    assert "-l keep -xa 'mine theirs'" in fish
    if shutil.which("fish"):
        assert subprocess.run(["fish", "--no-execute", "-c", fish]).returncode == 0
    assert cli.run("completion", "tcsh").code == 2


def test_written_config_reads_back_and_theme_changes_persist(tmp_path: Path) -> None:
    path = tmp_path / "tenktui" / "config.toml"
    url = "https://example.com/api/v1"
    config = Config(path)
    config.put(Profile("work", url, "me@example.com", theme='quote " and \\ \x7f'))
    config.put(
        Profile("side.job", "http://127.0.0.1:9/api/v1", "b@example.com", week_start="sunday")
    )
    update_profile(config, "work", theme="nord")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    again = load_config(path)
    assert again.default_profile == "work"
    assert again.profiles["work"].theme == "nord"
    assert again.profiles["side.job"].first_weekday == 6
    assert tomllib.loads(dumps(config)) == tomllib.loads(path.read_text())
    odd = Config(path, "work", {"work": Profile("work", url, "me@example.com", theme='a"\\\x7f\n')})
    assert tomllib.loads(dumps(odd))["profiles"]["work"]["theme"] == 'a"\\\x7f\n'
    with pytest.raises(ConfigError, match=r"profiles\.work\.theme: expected a theme name"):
        update_profile(again, "work", theme="  ")
