"""``tenktui completion bash|zsh|fish``: completion scripts made from the CLI's own parser.

The scripts are static (commands, sub-commands, options and option values), so
completing never starts Python. zsh uses the bash script through
``bashcompinit``. Install, for example::

    tenktui completion bash > ~/.local/share/bash-completion/completions/tenktui
    tenktui completion zsh > "${fpath[1]}/_tenktui"
    tenktui completion fish > ~/.config/fish/completions/tenktui.fish
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field

SHELLS = ("bash", "zsh", "fish")


@dataclass
class Node:
    """One command level: its options, option values and sub-commands."""

    path: tuple[str, ...]
    options: list[str] = field(default_factory=list)
    option_help: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)  # option → its choices
    takes_value: set[str] = field(default_factory=set)
    commands: dict[str, str] = field(default_factory=dict)  # name → help


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[Node]:
    node = Node(path)
    nodes = [node]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                if action.help == argparse.SUPPRESS or helps.get(name) is None:
                    continue
                node.commands[name] = helps[name]
                nodes += walk(sub, (*path, name))
            continue
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        for opt in action.option_strings:
            node.options.append(opt)
            node.option_help[opt] = action.help or ""
            if action.nargs != 0:
                node.takes_value.add(opt)
            if action.choices:
                node.values[opt] = [str(c) for c in action.choices]
    return nodes


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    nodes = walk(parser)
    if shell == "fish":
        return _fish(nodes)
    text = _bash(nodes)
    if shell == "zsh":
        return (
            "#compdef tenktui\n# tenktui completion for zsh (the bash script via bashcompinit)\n"
            "autoload -U +X bashcompinit && bashcompinit\n" + text
        )
    return text


def _bash(nodes: list[Node]) -> str:
    paths = " ".join(shlex.quote(" ".join(n.path)) for n in nodes if n.path)
    value_cases = []
    level_cases = []
    for n in nodes:
        key = " ".join(n.path)
        for opt, choices in n.values.items():
            words = " ".join(choices)
            value_cases.append(
                f'        "{key}|{opt}") COMPREPLY=($(compgen -W "{words}" -- "$cur")); return;;'
            )
        for opt in sorted(n.takes_value - set(n.values)):
            value_cases.append(f'        "{key}|{opt}") return;;')
        opts = " ".join(n.options)
        cmds = " ".join(n.commands)
        level_cases.append(f'        "{key}") opts="{opts}"; cmds="{cmds}";;')
    return f"""# tenktui completion for bash
_tenktui() {{
    local cur prev path="" i w candidate
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local known=({paths})
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${{COMP_WORDS[i]}}"
        [[ "$w" == -* ]] && continue
        candidate="${{path:+$path }}$w"
        for k in "${{known[@]}}"; do
            if [[ "$k" == "$candidate" ]]; then path="$candidate"; break; fi
        done
    done
    case "$path|$prev" in
{chr(10).join(value_cases)}
    esac
    local opts="" cmds=""
    case "$path" in
{chr(10).join(level_cases)}
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
    fi
}}
complete -F _tenktui tenktui
"""


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(nodes: list[Node]) -> str:
    lines = ["# tenktui completion for fish", "complete -c tenktui -f"]
    for n in nodes:
        if not n.path:
            condition = "__fish_use_subcommand"
        else:
            condition = "; and ".join(f"__fish_seen_subcommand_from {p}" for p in n.path)
        for name, text in n.commands.items():
            cond = condition
            if n.path:
                cond += "; and not __fish_seen_subcommand_from " + " ".join(n.commands)
            lines.append(
                f"complete -c tenktui -n {_fish_quote(cond)} -a {name} -d {_fish_quote(text)}"
            )
        done: set[str] = set()
        for opt in n.options:
            if opt in done:
                continue
            done.add(opt)
            flag = f"-l {opt[2:]}" if opt.startswith("--") else f"-s {opt[1:]}"
            extra = ""
            if opt in n.values:
                extra = f" -xa {_fish_quote(' '.join(n.values[opt]))}"
            elif opt in n.takes_value:
                extra = " -r"
            lines.append(
                f"complete -c tenktui -n {_fish_quote(condition)} {flag}{extra} "
                f"-d {_fish_quote(n.option_help.get(opt, ''))}"
            )
    return "\n".join(lines) + "\n"
