"""The store and the records it writes know no backend (issue 13, "One shape").

A backend's words in ``tenktui/store/`` or ``tenktui/records.py`` mean its shape
leaked past the edge (``api/``): a query reading a backend's JSON, ids packed its
way, a comment that only holds for one service. The import-linter contract "The
store knows no backend" forbids the imports; this test forbids the words, in code,
strings and comments alike.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from tenktui.api.base import Backend
from tenktui.api.leantime.client import LeantimeClient
from tenktui.api.tenkft.client import TenKftClient

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tenktui"

# Names of the services and of their own vocabulary (Leantime's tickets, its
# camelCase projectId, its JSON-RPC transport). Generic words (project, status,
# assignment, scope) are everyone's and stay allowed.
BACKEND_WORDS = re.compile(
    r"leantime|tenkft|10,?000 ?ft|smartsheet|projectid|ticket|json-?rpc", re.IGNORECASE
)

# History the store must still read: where caches written before migration 3 kept
# the scope (the migration backfills the neutral column from there). Exactly these
# lines, and only in this file.
ALLOWED = {
    "store/migrations.py": ['LEGACY_SCOPE = ("$.leantime.projectId", "$.leantime.project_id")'],
}


def neutral_modules() -> list[Path]:
    return [*sorted((PACKAGE / "store").rglob("*.py")), PACKAGE / "records.py"]


def backend_words(text: str, allowed: list[str] = ()) -> list[str]:
    """Each line of ``text`` naming a backend, but for the ``allowed`` lines."""
    return [
        line.strip()
        for line in text.splitlines()
        if BACKEND_WORDS.search(line) and line.strip() not in allowed
    ]


@pytest.mark.parametrize("path", neutral_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_neutral_modules_name_no_backend(path: Path) -> None:
    allowed = ALLOWED.get(str(path.relative_to(PACKAGE)), [])
    found = backend_words(path.read_text(encoding="utf-8"), allowed)
    assert found == [], f"{path.relative_to(ROOT)} names a backend: {found}"


def test_every_allowed_line_still_exists() -> None:
    # An exemption outliving its line would let the word back in elsewhere unseen.
    for name, lines in ALLOWED.items():
        text = (PACKAGE / name).read_text(encoding="utf-8")
        for line in lines:
            assert line in {ln.strip() for ln in text.splitlines()}, (name, line)


@pytest.mark.parametrize(
    "line",
    [
        'project = (raw.get("leantime") or {}).get("projectId")',
        '"""Move one of the person\'s assignments (a Leantime ticket) to a status option."""',
        "# on 10,000ft all apply",
        "backend = 'TenKft'",
        "# Smartsheet Resource Management",
        "over JSON-RPC",
    ],
)
def test_the_guard_catches_what_the_store_used_to_say(line: str) -> None:
    assert backend_words(line) == [line]


@pytest.mark.parametrize(
    "line",
    [
        "SELECT scope FROM assignments WHERE id = ?",
        "project_id INTEGER NOT NULL",
        "a status option applies to the assignments of its scope",
    ],
)
def test_the_guard_leaves_neutral_words_alone(line: str) -> None:
    assert backend_words(line) == []


@pytest.mark.parametrize("client", [TenKftClient, LeantimeClient])
def test_both_clients_offer_the_whole_backend_protocol(client: type) -> None:
    """The puller is typed with ``Backend``: each client has every call, with the
    same parameters, so either can be handed to it."""
    for name in dir(Backend):
        if name.startswith("_"):
            continue
        wanted, offered = getattr(Backend, name), getattr(client, name, None)
        assert offered is not None, f"{client.__name__} has no {name}"
        if inspect.isfunction(wanted):
            assert list(inspect.signature(offered).parameters) == list(
                inspect.signature(wanted).parameters
            ), f"{client.__name__}.{name}"
    assert isinstance(client.name, str)
