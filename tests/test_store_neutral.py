"""The store and the records it writes know no backend (issue 13, "One shape").

A backend's words in ``tenktui/store/`` or ``tenktui/records.py`` mean its shape
leaked past the edge (``api/``): a query reading a backend's JSON, ids packed its
way, a comment that only holds for one service. The import-linter contract "The
store knows no backend" forbids the imports; this test forbids the words, in code,
strings and comments alike.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import sqlite3
from pathlib import Path

import pytest

from tenktui.api.base import Backend
from tenktui.api.leantime.client import LeantimeClient
from tenktui.api.tenkft.client import TenKftClient
from tenktui.records import Assignment, StatusOption
from tenktui.store import Store
from tenktui.store.migrations import current_version, migrate

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


# -- caches written before the neutral columns ---------------------------------


def _version_2_cache(path: Path) -> None:
    """A cache as the app wrote it before migration 3: scope and subtask counts only
    inside ``raw``, where the backend's translation had left them."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=2) == 2
    ticket = {"id": 42, "projectId": "3", "headline": "Fix the login"}
    for id_, raw in (
        (42, {"id": 42, "subtask_counts": {"completed": 1, "total": 4}, "leantime": ticket}),
        (43, {"id": 43, "status_option_id": 1}),
    ):
        conn.execute(
            "INSERT INTO assignments (id, user_id, assignable_id, starts_at, ends_at, "
            "allocation_mode, raw) VALUES (?, 7, ?, '2026-11-01', '2026-12-31', 'fixed', ?)",
            (id_, id_ * 16, json.dumps(raw)),
        )
    for id_, label, raw in (
        (1, "On track", {"id": 1}),
        (3001, "New", {"id": 3001, "leantime": {"project_id": 3, "status_id": 1}}),
        (4001, "New", {"id": 4001, "leantime": {"project_id": 4, "status_id": 1}}),
    ):
        conn.execute(
            "INSERT INTO status_options (id, label, sort_order, raw) VALUES (?, ?, ?, ?)",
            (id_, label, id_, json.dumps(raw)),
        )
    conn.close()


def test_a_cache_from_before_the_scope_column_keeps_its_status_menus(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_2_cache(path)
    store = Store(path, today=lambda: dt.date(2026, 11, 25))
    assert current_version(store.database.conn) >= 3
    assert [o["id"] for o in store.queries.status_options_for(42)] == [3001]
    assert [o["id"] for o in store.queries.status_options_for(43)] == [1, 3001, 4001]
    counts = {
        a["id"]: (a["subtasks_done"], a["subtasks_total"])
        for a in store.queries.assignments(7, dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    }
    assert counts == {42: (1, 4), 43: (0, 0)}
    store.close()


def test_pulled_records_carry_their_scope_into_the_menus(tmp_path: Path) -> None:
    store = Store(tmp_path / "new.db", today=lambda: dt.date(2026, 11, 25))
    start, end = dt.date(2026, 11, 23), dt.date(2026, 11, 29)
    store.cache.replace_assignments(
        7,
        start,
        end,
        [
            Assignment(
                id=42, user_id=7, assignable_id=672, starts_at=start, ends_at=end, scope="3"
            ),
            Assignment(id=43, user_id=7, assignable_id=100, starts_at=start, ends_at=end),
        ],
    )
    store.cache.replace_reference(
        "status_options",
        [StatusOption(id=9, label="Open", order=1, scope="3"), StatusOption(id=1, label="Done")],
    )
    assert [o["id"] for o in store.queries.status_options_for(42)] == [9]
    assert [o["id"] for o in store.queries.status_options_for(43)] == [1, 9]
    store.close()
