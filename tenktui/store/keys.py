"""Local ids for a backend's composite keys: the store's :class:`~tenktui.records.KeyMap`.

Some backends have records without one integer id of their own (time logged to a
pair of things, labels numbered only within their group). The rest of the app keys
everything by integer, so the store gives each such key an id once and keeps it:
ids are small, mean nothing by themselves, and never change meaning, so rows and
queued edits that hold one stay right across restarts, rebuilds and upgrades.

Caches written before the map (``keys_legacy`` in ``meta``) hold ids a backend
made up by arithmetic; a key first seen on such a cache takes the id it is asked
to ``prefer``,
the one those rows already use.
"""

from __future__ import annotations

from typing import Any

from tenktui.store.database import Database

LEGACY = "keys_legacy"


class Keys:
    """The cache's key map; a read-only cache hands out ids for this process only."""

    def __init__(self, database: Database) -> None:
        self.d = database
        self._ids: dict[tuple[str, str], int] = {}
        self._keys: dict[tuple[str, int], str] = {}
        self._legacy: bool | None = None

    @property
    def legacy(self) -> bool:
        if self._legacy is None:
            self._legacy = bool(self.d.get_meta(LEGACY, False))
        return self._legacy

    def id_for(self, space: str, key: str, *, prefer: int | None = None) -> int:
        """The key's id; a new key gets ``prefer`` on a legacy cache when it is free,
        else the next id of its space."""
        known = self._ids.get((space, key))
        if known is not None:
            return known
        found = self.d.scalar("SELECT id FROM key_ids WHERE space = ? AND key = ?", (space, key))
        if found is None and self.d.read_only:
            found = self._free(space, prefer)
        elif found is None:
            with self.d.write() as c:
                # Another process may have given the key an id since the read above.
                row = c.execute(
                    "SELECT id FROM key_ids WHERE space = ? AND key = ?", (space, key)
                ).fetchone()
                if row is not None:
                    found = row[0]
                else:
                    found = self._free(space, prefer)
                    c.execute(
                        "INSERT INTO key_ids (space, key, id) VALUES (?, ?, ?)", (space, key, found)
                    )
        self._remember(space, key, int(found))
        return int(found)

    def key_of(self, space: str, id_: int) -> str | None:
        known = self._keys.get((space, id_))
        if known is not None:
            return known
        found = self.d.scalar("SELECT key FROM key_ids WHERE space = ? AND id = ?", (space, id_))
        if found is not None:
            self._remember(space, str(found), id_)
        return found

    def _free(self, space: str, prefer: int | None) -> int:
        if prefer is not None and self.legacy:
            taken = self.d.scalar(
                "SELECT 1 FROM key_ids WHERE space = ? AND id = ?", (space, prefer)
            )
            if taken is None and (space, prefer) not in self._keys:
                return prefer
        last = self.d.scalar("SELECT MAX(id) FROM key_ids WHERE space = ?", (space,)) or 0
        return max([int(last), *(i for s, i in self._keys if s == space)]) + 1

    def _remember(self, space: str, key: str, id_: int) -> None:
        self._ids[(space, key)] = id_
        self._keys[(space, id_)] = key

    # -- rescue: the map goes with the edits that use its ids ---------------------------
    def export(self) -> dict[str, Any]:
        """The whole map and whether it is legacy, as :meth:`restore` takes it."""
        rows = self.d.rows("SELECT space, key, id FROM key_ids ORDER BY space, id")
        return {"legacy": self.legacy, "keys": rows}

    def restore(self, saved: dict[str, Any]) -> None:
        """Put a rescued map back on a rebuilt cache, before anything pulls into it: a map
        that gave out ids already could give one of them two meanings, so it refuses."""
        with self.d.write() as c:
            if c.execute("SELECT 1 FROM key_ids LIMIT 1").fetchone() is not None:
                raise ValueError("the key map already holds ids: restore it before pulling")
            if saved.get("legacy"):
                c.execute(
                    "INSERT INTO meta (key, value) VALUES (?, 'true') "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (LEGACY,),
                )
            c.executemany(
                "INSERT INTO key_ids (space, key, id) VALUES (?, ?, ?)",
                [(r["space"], r["key"], r["id"]) for r in saved.get("keys", [])],
            )
        self._legacy = None
        self._ids.clear()
        self._keys.clear()
