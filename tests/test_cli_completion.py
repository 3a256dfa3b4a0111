"""Shell completion scripts, and the config file writer behind login and theme changes."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tenktui.config import Config, ConfigError, Profile, dumps, load_config, update_profile
from tests import test_cli_helpers as helpers
from tests.test_cli_helpers import TENKTUI, Cli

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in


def _env(cli: Cli) -> dict[str, str]:
    """The shell runs ``tenktui`` from PATH, in the CLI's isolated home."""
    return {**cli.env, "PATH": f"{TENKTUI.parent}{os.pathsep}{cli.env.get('PATH', '')}"}


def complete(cli: Cli, shell: str, line: str) -> list[str]:
    """What ``shell``, running tenktui's own completion script, offers at the end of
    ``line`` (words and, for zsh and fish, ``word:description`` / ``word<TAB>...``)."""
    script = cli.ok("completion", shell).out
    path = cli.home / f"completion.{shell}"
    path.write_text(script)
    if shell == "bash":
        program = (
            f"source {shlex.quote(str(path))}\nCOMP_LINE={shlex.quote(line)}; "
            "COMP_POINT=${#COMP_LINE}; _python_argcomplete tenktui; "
            'printf "%s\\n" "${COMPREPLY[@]}"'
        )
        argv = ["bash", "--norc", "--noprofile", "-c", program]
    elif shell == "zsh":
        # The completion widget's _describe, replaced by one that prints what it is given.
        program = (
            f"autoload -U compinit && compinit -u -D; source {shlex.quote(str(path))}\n"
            "[[ ${_comps[tenktui]} == _python_argcomplete ]] || exit 3\n"
            '_describe() { print -rl -- "${(@P)2}" }\n'
            f"BUFFER={shlex.quote(line)}; CURSOR=${{#BUFFER}}; words=(${{(z)BUFFER}}); "
            "_python_argcomplete"
        )
        argv = ["zsh", "-f", "-c", program]
    else:
        program = f"source {shlex.quote(str(path))}; complete -C {shlex.quote(line)}"
        argv = ["fish", "--no-config", "-c", program]
    out = subprocess.run(argv, capture_output=True, text=True, env=_env(cli), timeout=60)
    assert out.returncode == 0, out.stderr
    words = [w.rstrip() for w in out.stdout.splitlines() if w.strip()]
    if shell == "zsh":
        return [w.split(":")[0].replace("\\", "") for w in words]
    if shell == "fish":
        return [w.split("\t")[0] for w in words]
    return words


def _shell(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which(name) is None,
        reason=f"{name} is not installed (.ci/run installs it; locally: apt-get install {name})",
    )


SHELLS = [
    pytest.param("bash", marks=_shell("bash")),
    pytest.param("zsh", marks=_shell("zsh")),
    pytest.param("fish", marks=_shell("fish")),
]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.slow
def test_each_shell_completes_commands_actions_options_and_values(cli: Cli, shell: str) -> None:
    assert "outbox" in complete(cli, shell, "tenktui ou")
    assert {"retry", "discard", "resolve"} <= set(complete(cli, shell, "tenktui outbox "))
    assert complete(cli, shell, "tenktui outbox resolve 3 --keep ") == ["mine", "theirs"]
    log_options = complete(cli, shell, "tenktui log --")
    assert {"--date", "--task", "--notes", "--no-sync", "--json", "--profile"} <= set(log_options)
    assert complete(cli, shell, "tenktui export --format ") == ["csv", "json"]
    assert complete(cli, shell, "tenktui completion f") == ["fish"]
    # Commands added since the scripts were hand-written complete with no edit.
    assert complete(cli, shell, "tenktui cop") == ["copy-week"]
    assert "--hours" in complete(cli, shell, "tenktui edit 3 --h")


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.slow
def test_project_names_complete_from_the_cache(logged_in: Cli, shell: str) -> None:
    cli = logged_in
    assert complete(cli, shell, "tenktui log 2 INT-00") == []  # nothing cached yet
    cli.ok("week")  # the first reading command fills the cache
    codes = complete(cli, shell, "tenktui log 2 INT-00")
    assert "INT-004" in codes and all(c.startswith("INT-00") for c in codes)
    phases = complete(cli, shell, "tenktui set 2 'Website Redesign/D")
    assert {"Website Redesign/Design", "Website Redesign/Discovery"} <= {
        p.strip("'\"").replace("\\ ", " ") for p in phases
    }


def test_completion_refuses_other_shells(cli: Cli) -> None:
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
