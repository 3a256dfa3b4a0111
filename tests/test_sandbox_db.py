"""The emulator's document store: paging a long listing, and the seed's indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tenktui.sandbox.db import SandboxDB


def _entries(db: SandboxDB, count: int) -> None:
    db.put_many(
        "time_entries",
        [{"id": i, "user_id": i % 3, "date": f"2026-03-{1 + i % 28:02d}"} for i in range(1, count)],
    )


def _walk(db: SandboxDB, where: str, params: tuple[int, ...], order: str) -> list[int]:
    """Every page of a listing, read as the HTTP layer does (one row of lookahead)."""
    seen: list[int] = []
    offset = 0
    while True:
        chunk = db.query("time_entries", where, params, order, limit=11, offset=offset)
        seen += [doc["id"] for doc in chunk[:10]]
        if len(chunk) <= 10:
            return seen
        offset += 10


def test_a_walk_in_id_order_resumes_after_the_last_page_instead_of_counting_rows(
    tmp_path: Path,
) -> None:
    db = SandboxDB(tmp_path / "s.db")
    _entries(db, 101)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    for where, params, order in (
        ("1=1", (), "id"),
        ("user_id = ? OR user_id = ?", (1, 2), "id ASC"),
        ("user_id = ?", (1,), "id DESC"),
    ):
        statements.clear()
        expected = [doc["id"] for doc in db.query("time_entries", where, params, order, limit=1000)]
        assert _walk(db, where, params, order) == expected
        # Only the first page counts rows from the start of the listing.
        pages = [s for s in statements if s.startswith("SELECT id, data")]
        assert len(pages) > 2 and sum("OFFSET" in s for s in pages) == 2, pages


def test_a_write_between_pages_is_paged_as_an_offset_would_page_it(tmp_path: Path) -> None:
    db = SandboxDB(tmp_path / "s.db")
    _entries(db, 41)
    first = db.query("time_entries", "1=1", (), "id", limit=11, offset=0)
    assert db.count("time_entries") == 40
    # Another connection (a test's own hand on the file) deletes a row already paged.
    other = sqlite3.connect(tmp_path / "s.db")
    other.execute("DELETE FROM time_entries WHERE id = 3")
    other.commit()
    other.close()
    second = db.query("time_entries", "1=1", (), "id", limit=11, offset=10)
    assert [d["id"] for d in second] == list(range(12, 23))  # shifted by the deletion
    assert db.count("time_entries") == 39
    # And through the sandbox's own connection.
    db.delete("time_entries", 5)
    third = db.query("time_entries", "1=1", (), "id", limit=11, offset=20)
    assert [d["id"] for d in third] == list(range(23, 34))
    assert db.count("time_entries") == 38
    assert [d["id"] for d in first][:2] == [1, 2]


def _indexes(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index'")}


def test_the_seed_leaves_every_index_in_place(tmp_path: Path) -> None:
    from tenktui.sandbox.server import open_sandbox

    empty = SandboxDB(tmp_path / "empty.db")
    wanted = _indexes(empty.conn)
    empty.close()
    sandbox = open_sandbox("t" * 32, db_path=tmp_path / "demo.db", scale="demo")
    seeded = _indexes(sandbox.db.conn)
    sandbox.db.close()
    assert len(wanted) > 10 and seeded == wanted
