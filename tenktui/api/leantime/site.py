"""What every part of the Leantime client shares: one site, one person, one memory.

:class:`Site` wires the JSON-RPC layer, the person's timezone and the parts that
remember what the server said (:mod:`.probe`, :mod:`.lookups`, :mod:`.people`,
:mod:`.fallbacks`); :mod:`.tickets`, :mod:`.subtasks` and :mod:`.timesheets`
each take it whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from tenktui.api.leantime.fallbacks import Fallbacks
from tenktui.api.leantime.ids import Ids
from tenktui.api.leantime.lookups import Lookups
from tenktui.api.leantime.people import People
from tenktui.api.leantime.probe import Identity
from tenktui.api.leantime.rpc import JsonRpc
from tenktui.records import KeyMap


class Site:
    """One Leantime site as one key sees it, for one person in one timezone."""

    def __init__(
        self,
        rpc: JsonRpc,
        zone: ZoneInfo,
        *,
        email: str | None,
        default_kind: str,
        today: Callable[[], dt.date],
        keys: KeyMap,
    ) -> None:
        self.rpc = rpc
        self.zone = zone
        self.default_kind = default_kind
        self.today = today
        self.identity = Identity(rpc)
        self.lookups = Lookups(rpc, zone, Ids(keys))
        self.people = People(rpc, self.identity, email)
        self.fallbacks = Fallbacks(rpc, self.identity, self.lookups, zone)


def check_fields(fields: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    """A ``TypeError`` naming the fields an update may not carry."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(
            f"cannot update {', '.join(unknown)} of a {what}; allowed: {', '.join(sorted(allowed))}"
        )
