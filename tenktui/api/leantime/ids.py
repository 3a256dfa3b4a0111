"""Ids for what Leantime numbers only in pairs, from a :class:`~tenktui.records.KeyMap`.

Time goes to a ticket *and* an hour kind, and a status label's id is only unique
within its project; the app keys assignables and status options by one integer.
The key map (the store's, when the client runs for a profile) gives each pair an
id and remembers it; nothing is packed into the id. Caches written when ids were
packed (``ticket_id * 16 + slot`` and ``project_id * 1000 + status_id``) still hold
such ids in rows and queued edits, so on such a cache a new pair takes its packed id,
and an id the map has not seen is read the packed way.
"""

from __future__ import annotations

from tenktui.records import KeyMap

ASSIGNABLE = "assignable"  # (ticket, hour kind)
STATUS = "status option"  # (project, status)
SLOTS = 16  # packed ids of legacy caches: ticket_id * SLOTS + slot
STATUS_BASE = 1000  # and project_id * STATUS_BASE + status_id


class MemoryKeys:
    """A key map for one process, for a client without a cache (a login check, tests)."""

    legacy = False

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        self._keys: dict[tuple[str, int], str] = {}
        self._last: dict[str, int] = {}

    def id_for(self, space: str, key: str, *, prefer: int | None = None) -> int:
        found = self._ids.get((space, key))
        if found is None:
            found = self._last[space] = self._last.get(space, 0) + 1
            self._ids[(space, key)] = found
            self._keys[(space, found)] = key
        return found

    def key_of(self, space: str, id_: int) -> str | None:
        return self._keys.get((space, id_))


def _pair(key: str | None) -> tuple[int, str] | None:
    if key is None:
        return None
    first, _, second = key.partition(":")
    try:
        return int(first), second
    except ValueError:
        return None


class Ids:
    """Assignable and status option ids of one site, over a key map."""

    def __init__(self, keys: KeyMap) -> None:
        self.keys = keys

    def assignable(self, ticket_id: int, kind: str, slot: int) -> int:
        """The id of time on ``ticket_id`` of hour ``kind`` (``slot``: the kind's
        place, which only a legacy cache's packed ids use)."""
        prefer = int(ticket_id) * SLOTS + slot if self.keys.legacy else None
        return self.keys.id_for(ASSIGNABLE, f"{int(ticket_id)}:{kind}", prefer=prefer)

    def ticket_and_kind(
        self, assignable_id: int, kind_of_slot: dict[int, str]
    ) -> tuple[int, str] | None:
        """``(ticket_id, kind)`` of an assignable id; ``None`` for one never given out."""
        found = _pair(self.keys.key_of(ASSIGNABLE, int(assignable_id)))
        if found is None and self.keys.legacy:
            ticket_id, slot = divmod(int(assignable_id), SLOTS)
            kind = kind_of_slot.get(slot)
            found = (ticket_id, kind) if kind is not None and ticket_id > 0 else None
        return found

    def ticket_of(self, assignable_id: int) -> int | None:
        """The ticket of an assignable id, whatever its kind; ``None`` for one never
        given out."""
        found = _pair(self.keys.key_of(ASSIGNABLE, int(assignable_id)))
        if found is None and self.keys.legacy:
            return divmod(int(assignable_id), SLOTS)[0]
        return found[0] if found is not None else None

    def status_option(self, project_id: int, status_id: int) -> int:
        prefer = int(project_id) * STATUS_BASE + int(status_id) if self.keys.legacy else None
        return self.keys.id_for(STATUS, f"{int(project_id)}:{int(status_id)}", prefer=prefer)

    def project_and_status(self, option_id: int) -> tuple[int, int] | None:
        """``(project_id, status_id)`` of a status option id; ``None`` for one never
        given out (status ids may be negative)."""
        found = _pair(self.keys.key_of(STATUS, int(option_id)))
        if found is not None:
            try:
                return found[0], int(found[1])
            except ValueError:
                return None
        if self.keys.legacy:
            project = round(int(option_id) / STATUS_BASE)
            return project, int(option_id) - project * STATUS_BASE
        return None
