"""The ``raw`` column: the server's document a cache row was made from, as JSON.

Apart from :mod:`tenktui.store.cache` (which writes pulls, and so imports every record
class) because the outbox and the record rows need it on every start of the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenktui.records import Record

Payload = dict[str, Any]


def raw_json(payload: Payload) -> str:
    """A payload as the cache keeps it in ``raw``: compact, keys sorted."""
    import json  # on first use: nothing before the first frame writes one (~3 ms)

    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def record_json(record: Record) -> str:
    """What ``raw`` keeps of a record: the document it was made from."""
    return raw_json(record.raw or {"id": record.id})
