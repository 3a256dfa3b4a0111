"""The store owns every SQL statement (issue 13): a guard over the syntax tree.

Outside ``tenktui/store/`` (and the sandbox, which is a server of its own) no
module may run a query (``.execute(``, ``.executemany(``, ``.executescript(``,
``.rows(``, ``.row(``, ``.scalar(`` on anything) or hold SQL text (a string
literal starting with an SQL verb). Code that needs data calls a named store
method instead, so a table's shape is known in one layer.

The outbox states are named once too: outside ``tenktui/store/states.py`` no
tuple, list or set literal spells out two or more of them; code uses the named
sets there (``OPEN_STATES``, ``STUCK_STATES``, …).

The modules are parsed with ``ast``, not searched as text: a comment or a
docstring that happens to say "select" is not code, and a call split over lines
is still found.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tenktui.store.states import OutboxState

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tenktui"
OWNERS = ("tenktui/store/", "tenktui/sandbox/")
QUERY_METHODS = {"execute", "executemany", "executescript", "rows", "row", "scalar"}
SQL_VERB = re.compile(
    r"(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WITH|REPLACE)\b", re.IGNORECASE
)
HOLE = "x1"  # an f-string's {...} read as a name: ``IN ({marks})``, ``= {value}``
_PARSER = sqlite3.connect(":memory:")


def is_sql(text: str) -> bool:
    """Whether a string that starts with an SQL verb is a statement (or its start).

    SQLite itself decides: ``EXPLAIN`` compiles the text without running it, and
    any outcome but a syntax error (it compiles, names a table this empty database
    lacks, wants parameters) means SQL. So "DELETE" (an HTTP method) and "Delete
    the entry of ..." (a question to a person) are prose, while "SELECT * FROM
    time_entries" is SQL. A statement built in pieces ("... WHERE" + more) is SQL
    when one more term completes it.
    """
    text = text.strip()
    if not SQL_VERB.match(text):
        return False
    candidates = [text, f"{text}\n{HOLE}"] if len(text.split()) > 1 else [text]
    for candidate in candidates:
        try:
            _PARSER.execute(f"EXPLAIN {candidate}")
        except sqlite3.Error as err:
            message = str(err)
            if "syntax error" in message or "incomplete input" in message:
                continue
        return True
    return False


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes: prose about a table is not a query."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _literals(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every string literal but docstrings, an f-string as one text with its holes named."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip |= {id(part) for part in node.values}
            text = "".join(
                part.value if isinstance(part, ast.Constant) else HOLE for part in node.values
            )
            yield node.lineno, text
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            yield node.lineno, node.value


def sql_outside_store(path: Path, source: str) -> Iterator[str]:
    """``line: what`` for every query call or SQL literal in one module."""
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
        ):
            yield f"{node.lineno}: calls .{node.func.attr}("
    for line, text in _literals(tree):
        if is_sql(text):
            yield f"{line}: SQL text {text.strip()[:40]!r}"


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if not name.startswith(OWNERS):
            yield name, path


def test_no_sql_outside_the_store() -> None:
    found = [
        f"{name}:{where}"
        for name, path in _modules()
        for where in sql_outside_store(path, path.read_text(encoding="utf-8"))
    ]
    assert not found, "SQL outside tenktui/store/ (add a named store method):\n" + "\n".join(found)


def test_the_guard_finds_calls_and_sql_text() -> None:
    source = (
        '"""Select * from the rows: a docstring is prose."""\n'
        "def f(db, conn, x):\n"
        '    db.rows("SELECT 1")\n'
        "    conn.execute(\n"
        "        x)\n"
        "    conn.executemany(x, [])\n"
        "    conn.executescript(x)\n"
        "    db.database.row(x)\n"
        "    db.scalar(x)\n"
        '    q = "  insert INTO t VALUES (1)"\n'
        '    w = f"with a AS (SELECT {x}) SELECT * FROM a WHERE id IN ({x})"\n'
        '    p = ("pragma " "data_version")\n'
        '    s = "SELECT id FROM t WHERE"\n'
        '    ok = [f"{x} selected", "Deleted 3 entries", "selection", "DELETE", "update"]\n'
        '    ok2 = ["Delete the entry of", "with --watch (default: 60)", "drop an edit; it"]\n'
        "    return db.rowsx(x), db.fetch(x)\n"
    )
    found = list(sql_outside_store(Path("m.py"), source))
    assert sorted(found) == sorted(
        [
            "3: calls .rows(",
            "4: calls .execute(",
            "6: calls .executemany(",
            "7: calls .executescript(",
            "8: calls .row(",
            "9: calls .scalar(",
            "3: SQL text 'SELECT 1'",
            "10: SQL text 'insert INTO t VALUES (1)'",
            "11: SQL text 'with a AS (SELECT x1) SELECT * FROM a WH'",
            "12: SQL text 'pragma data_version'",
            "13: SQL text 'SELECT id FROM t WHERE'",
        ]
    )


# -- the outbox states are named once ------------------------------------------------
# A set of outbox states spelled out as strings drifts from the one in
# ``tenktui/store/states.py`` (a state added there is missed here); code names the set.
STATES_OWNER = "tenktui/store/states.py"
STATE_WORDS = frozenset(state.value for state in OutboxState)


def spelled_out_states(path: Path, source: str) -> Iterator[str]:
    """``line: words`` for every tuple, list or set literal naming two or more states."""
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = [
                element.value
                for element in node.elts
                if isinstance(element, ast.Constant)
                and isinstance(element.value, str)
                and element.value in STATE_WORDS
            ]
            if len(words) >= 2:
                yield f"{node.lineno}: {', '.join(words)}"


def test_outbox_state_sets_are_named_not_spelled_out() -> None:
    found = [
        f"{name}:{where}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (name := path.relative_to(ROOT).as_posix()) != STATES_OWNER
        for where in spelled_out_states(path, path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        f"outbox states spelled out (use a named set from {STATES_OWNER}):\n" + "\n".join(found)
    )


def test_the_state_guard_finds_spelled_out_sets() -> None:
    source = (
        "def f(row, cell):\n"
        '    a = row.state in ("failed", "conflict")\n'
        '    b = [\n        "pending",\n        "sending"]\n'
        '    c = {"done", "failed", "other"}\n'
        '    ok = ("pending", "approved"), ("offline", *STUCK), {"failed": 1, "conflict": 2}\n'
        '    ok2 = "failed conflict", ("done", "mark done")\n'
    )
    found = list(spelled_out_states(Path("m.py"), source))
    assert sorted(found) == sorted(
        ["2: failed, conflict", "3: pending, sending", "6: done, failed"]
    )
