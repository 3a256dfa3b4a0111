"""``tenktui completion bash|zsh|fish``: completion generated from the CLI's own parser.

The scripts come from argcomplete: on TAB the shell runs ``tenktui`` with the
line being completed, and :func:`complete` answers from the argparse parser
(commands, actions, options and their choices) before any command module is
imported. A new command or option therefore completes with no edit here, and
PROJECT completes with the names and codes in the profile's cache. Install, for
example::

    tenktui completion bash > ~/.local/share/bash-completion/completions/tenktui
    tenktui completion zsh > "${fpath[1]}/_tenktui"
    tenktui completion fish > ~/.config/fish/completions/tenktui.fish
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

SHELLS = ("bash", "zsh", "fish")


def script(shell: str) -> str:
    """The completion script for ``shell``."""
    import argcomplete

    return str(argcomplete.shellcode(["tenktui"], shell=shell))


def complete(parser: argparse.ArgumentParser) -> None:
    """When the shell asks for completions (argcomplete's ``_ARGCOMPLETE``), write them
    and exit; otherwise return at once, importing nothing."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    import argcomplete

    argcomplete.autocomplete(parser)


def project_names(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """Project codes, project names, ``Project/Phase`` and leave types from the profile's
    cache, read-only and without waiting on a writer; nothing when there is no cache."""
    from tenktui import paths
    from tenktui.config import ConfigError, load_config
    from tenktui.store.peek import assignable_names

    try:
        profile = load_config().pick(getattr(parsed_args, "profile", None))
        path = paths.profile_db(profile.name)
        if not path.exists():
            return []
    except (ConfigError, OSError, ValueError):
        return []
    rows = assignable_names(path)
    names: set[str] = set()
    for kind, name, phase, code in rows:
        if kind == "phase":
            names.add(f"{name}/{phase}")
        else:
            names.add(str(name))
            if code:
                names.add(str(code))
    return sorted(n for n in names if n.casefold().startswith(prefix.casefold()))
