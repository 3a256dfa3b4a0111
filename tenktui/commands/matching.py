"""Finding the project, phase or leave type a person means by a few letters.

PROJECT matches, case-insensitively, an id, a project code, a name, a phase
(``Website Redesign — Design``, ``website/design``, ``web/des`` or just
``Design``) or a leave type. An exact match wins; otherwise a unique prefix;
otherwise a unique part of a name (``login form`` in a long Leantime ticket name).
Several candidates is bad usage (exit 2) and lists them; an archived project
is chosen only when nothing else matches (the store then says it is archived).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from tenktui.commands import EXIT_USAGE, CommandError
from tenktui.store.validation import display_name

_SEPARATORS = re.compile(r"\s*[—–/>:]\s*")


def _norm(text: str) -> str:
    return " ".join(_SEPARATORS.sub("/", text).casefold().split())


def _keys(a: dict[str, Any]) -> list[str]:
    if a["kind"] == "phase":
        # A phase carries its project's name: it answers to "Project/Phase" and "Phase".
        return [_norm(f"{a['name']}/{a['phase_name'] or ''}"), _norm(a["phase_name"] or "")]
    keys = [_norm(a["name"] or "")]
    if a.get("project_code"):
        keys.append(_norm(a["project_code"]))
    return keys


def describe(a: dict[str, Any]) -> str:
    code = f"{a['project_code']}, " if a.get("project_code") else ""
    kind = {"leave": "leave", "phase": "phase"}.get(a["kind"], "project")
    archived = ", archived" if a.get("archived") else ""
    return f"{display_name(a)} ({kind}, {code}id {a['id']}{archived})"


def find(store: Any, text: str) -> dict[str, Any] | None:
    """The one assignable ``text`` names; ``None`` when nothing matches.
    ``CommandError`` (exit 2) listing the candidates when several do."""
    items = store.lookups.assignables()
    query = _norm(text)
    if not query:
        raise CommandError("Name a project, phase or leave type.", EXIT_USAGE)
    if query.isdigit():
        by_id = [a for a in items if a["id"] == int(query)]
        if by_id:
            return by_id[0]
    exact = [a for a in items if query in _keys(a)]
    if exact:
        return _one(text, exact)
    if "/" in query:
        project, _, phase = query.partition("/")
        prefixed = [
            a
            for a in items
            if a["kind"] == "phase"
            and _norm(a["name"]).startswith(project)
            and _norm(a["phase_name"] or "").startswith(phase)
        ]
    else:
        prefixed = [a for a in items if any(k.startswith(query) for k in _keys(a))]
    if prefixed:
        return _one(text, prefixed)
    inside = [a for a in items if any(query in k for k in _keys(a))]
    if inside:
        return _one(text, inside)
    return None


def _one(text: str, found: list[dict[str, Any]]) -> dict[str, Any]:
    if len(found) == 1:
        return found[0]
    live = [a for a in found if not a["archived"]]
    if len(live) == 1:
        return live[0]
    shown = live or found
    # A Leantime ticket is an assignable per hour kind, all with the ticket's code, named
    # "Ticket" for the profile's default kind and "Ticket · Kind" for the others: the bare
    # name means the default kind.
    codes = {a["project_code"] for a in shown}
    if len(codes) == 1 and None not in codes:
        names = [_norm(a["name"] or "") for a in shown]
        plain = [
            a for a, n in zip(shown, names, strict=True) if all(o.startswith(n) for o in names)
        ]
        if len(plain) == 1:
            return plain[0]
    listing = "\n".join(f"  {describe(a)}" for a in shown)
    raise CommandError(
        f"{text!r} matches {len(shown)} projects, phases or leave types:\n{listing}\n"
        "Type more of the name, the project code or the id.",
        EXIT_USAGE,
    )


def not_found(store: Any, text: str) -> CommandError:
    names = [display_name(a) for a in store.lookups.assignables() if not a["archived"]]
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return CommandError(
        f"No project, phase or leave type matches {text!r}.{hint} "
        "tenktui assignments lists yours; tenktui sync refreshes the list.",
        EXIT_USAGE,
    )
