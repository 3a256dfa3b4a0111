"""What the app may ask of sync: the whole surface between the UI and the engine.

The UI never holds the engine (the layering contract keeps ``tenktui.ui`` away from
``tenktui.sync.engine``); it gets a :class:`SyncControl` from the session, so that
what it can do to sync is written down in one place and typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from tenktui.sync.state import SyncState

if TYPE_CHECKING:
    from tenktui.sync.reports import RangeFetch


class SyncControl(Protocol):
    """Run sync, nudge it, hear from it; and, in the demo, cut the network."""

    async def run(self) -> None:
        """Sync on the engine's interval and whenever poked, until cancelled."""
        ...

    def poke(self) -> None:
        """Sync soon: an edit was queued, or the person asked."""
        ...

    def want_statuses(self, user_ids: Iterable[int]) -> None:
        """The people on screen, whose statuses should be refreshed next (none: stop)."""
        ...

    def want_subtasks(self, assignment_id: int) -> None:
        """A checklist opened on screen: fetch its subtasks fresh on the next pass."""
        ...

    def want_projects(self) -> None:
        """The people on the person's projects or the checklists' counts are shown: fetch
        them when due, then keep them fresh on their own clock."""
        ...

    def subscribe(self, listener: Callable[[SyncState], None]) -> Callable[[], None]:
        """Call ``listener(state)`` on every change of sync state; returns an unsubscribe."""
        ...

    async def fetch_range(
        self,
        start: dt.date,
        end: dt.date,
        progress: Callable[[str], None] | None = None,
        *,
        refresh: bool = False,
    ) -> RangeFetch:
        """Fetch and keep the parts of ``[start, end]`` the cache lacks (a report's
        period outside the window); ``refresh``: fetch again every part outside the
        window, held or not. ``progress`` hears each step ("time entries 1/3").
        Bounded by a deadline; a failure comes back in the result, never raised."""
        ...

    @property
    def can_cut_network(self) -> bool:
        """Whether there is a network switch to toggle (only the demo has one)."""
        ...

    @property
    def network_cut(self) -> bool:
        """Whether the demo's network is cut now (``False`` without a switch)."""
        ...

    def toggle_network(self) -> bool:
        """Cut or restore the demo's network; ``True`` when it is now cut."""
        ...
