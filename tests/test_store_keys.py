"""The store's key map: local ids for a backend's composite keys, given out once and kept,
and on caches written before it, the ids their rows already hold."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tenktui.records import KeyMap
from tenktui.store import Store, rescue
from tenktui.store.migrations import migrate


def test_a_new_cache_gives_out_small_ids_and_keeps_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    keys: KeyMap = store.keys
    assert not keys.legacy
    first = keys.id_for("pair", "100:A", prefer=1600)  # a new cache packs nothing
    second = keys.id_for("pair", "100:B", prefer=1601)
    other = keys.id_for("label", "1:4", prefer=1004)
    assert (first, second, other) == (1, 2, 1)
    assert keys.id_for("pair", "100:A") == first
    assert keys.key_of("pair", second) == "100:B" and keys.key_of("label", 1) == "1:4"
    assert keys.key_of("pair", 99) is None
    store.close()
    again = Store(tmp_path / "p.db")
    assert again.keys.id_for("pair", "100:B") == second and again.keys.key_of("pair", 1) == "100:A"
    again.close()


def test_two_processes_never_give_one_id_twice(tmp_path: Path) -> None:
    a, b = Store(tmp_path / "p.db"), Store(tmp_path / "p.db")
    x = a.keys.id_for("pair", "x")
    y = b.keys.id_for("pair", "y")
    assert x != y
    assert b.keys.key_of("pair", x) == "x" and b.keys.id_for("pair", "x") == x
    assert a.keys.key_of("pair", y) == "y"
    a.close()
    b.close()


def _version_4_cache_with_rows(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=4) == 4
    conn.execute(
        "INSERT INTO week_rows (user_id, week_start, assignable_id) VALUES (1, '2026-11-23', 1603)"
    )
    conn.close()


def test_a_cache_written_before_the_map_keeps_the_ids_its_rows_hold(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _version_4_cache_with_rows(path)
    store = Store(path)
    assert store.keys.legacy
    assert store.keys.id_for("pair", "100:D", prefer=1603) == 1603
    assert store.keys.id_for("pair", "100:A", prefer=1600) == 1600
    # Taken already (only two keys packing alike): the next free id, never a shared one.
    assert store.keys.id_for("pair", "other", prefer=1603) == 1604
    assert store.keys.id_for("pair", "plain") == 1605
    store.close()


def test_an_empty_cache_from_before_the_map_is_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=4)
    conn.close()
    store = Store(path)
    assert not store.keys.legacy and store.keys.id_for("pair", "x", prefer=1600) == 1
    store.close()


def test_a_rebuilt_cache_gets_the_damaged_one_s_map_back(tmp_path: Path) -> None:
    old = Store(tmp_path / "old.db")
    ids = {k: old.keys.id_for("pair", k) for k in ("a", "b", "c")}
    old.close()
    saved = rescue.rescue_keys(tmp_path / "old.db")
    assert saved["legacy"] is False and len(saved["keys"]) == 3
    new = Store(tmp_path / "new.db")
    new.keys.restore(saved)
    assert {k: new.keys.key_of("pair", i) for k, i in ids.items()} == {k: k for k in ids}
    assert new.keys.id_for("pair", "pulled after") == max(ids.values()) + 1
    new.close()
    used = Store(tmp_path / "used.db")
    used.keys.id_for("pair", "pulled first")  # one id would then mean two keys
    with pytest.raises(ValueError, match="restore it before pulling"):
        used.keys.restore(saved)
    assert used.keys.key_of("pair", 1) == "pulled first"
    used.close()


def test_a_map_that_cannot_be_read_rebuilds_a_legacy_cache(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_4_cache_with_rows(path)  # no key map at all: its ids may be packed
    saved = rescue.rescue_keys(path)
    assert saved == {"legacy": True, "keys": []}
    new = Store(tmp_path / "new.db")
    new.keys.restore(saved)
    assert new.keys.legacy
    new.close()
