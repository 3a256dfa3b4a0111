"""The sync engine: pull, then push, on a timer, on demand and right after edits.

It runs as one asyncio task (a Textual worker in the app, ``tenktui sync``
headless). Only the process holding the profile's leader lock talks to the
server; the others read the store and queue edits, and the leader replays them.
Every state change goes to the engine's subscribers (the app turns it into a
message; a worker never touches widgets). ``close`` lets go of what the engine
holds outside itself: its governor subscription and the leader lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from tenktui.api.base import Backend
from tenktui.api.errors import ApiError, Offline, Throttled, TlsError, Unauthorized
from tenktui.api.governor import GovernorState, Priority, priority
from tenktui.memory import return_free_memory
from tenktui.store import Store
from tenktui.store.held import gaps
from tenktui.sync.leader import LeaderLock
from tenktui.sync.pull import Progress, Puller, Window
from tenktui.sync.push import Pusher, StopPush
from tenktui.sync.reports import RangeFetch, SyncReport
from tenktui.sync.state import SyncState

log = logging.getLogger("tenktui.sync")

REFERENCE_EVERY = dt.timedelta(hours=1)
# The people on the person's projects and the checklists' counts: a request per
# project, so fetched only once wanted, then refreshed on this clock.
PROJECTS_EVERY = dt.timedelta(hours=1)
STATUSES_PER_PASS = 10
FETCH_DEADLINE = 120.0  # seconds a period fetched for a report may take in all


class SyncEngine:
    """Keeps one profile's store in step with its backend."""

    def __init__(
        self,
        store: Store,
        backend: Backend,
        email: str,
        *,
        window: Window | None = None,
        interval: float = 60.0,
        on_state: Callable[[SyncState], None] | None = None,
        leader: LeaderLock | None = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.interval = interval
        self._listeners: list[Callable[[SyncState], None]] = []
        if on_state is not None:
            self.subscribe(on_state)
        self.leader = leader or LeaderLock(store.path)
        self.puller = Puller(store, backend, email, window or Window())
        self.pusher = Pusher(store, backend)
        self._wake = asyncio.Event()
        self._wanted_statuses: list[int] = []
        self._wanted_subtasks: list[int] = []
        self._wanted_projects = False
        self._state = SyncState()
        self._lock = asyncio.Lock()
        self._timeout: asyncio.Timeout | None = None  # the running pass's deadline
        # The rate governor holds requests while the budget is spent: say so at once,
        # not only when a whole pass gives up. The governor is shared by every client on
        # the token, for the whole process: ``close`` unsubscribes.
        self._unsubscribe_governor: Callable[[], None] | None = backend.governor.subscribe(
            self._on_governor
        )
        # Edits are checked against what this backend can do (one entry per cell on
        # Leantime, no statuses there…), by every process on the profile.
        caps = backend.capabilities
        store.database.set_meta("capabilities", caps._asdict())
        store.database.set_meta("backend_name", backend.name)

    # -- state --------------------------------------------------------------
    @property
    def state(self) -> SyncState:
        return self._state

    def subscribe(self, listener: Callable[[SyncState], None]) -> Callable[[], None]:
        """Call ``listener(state)`` on every change of state; returns an unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def close(self) -> None:
        """Stop hearing from the process-wide governor and release the leader lock (the
        engine may outlive its session in a long process; twice is harmless)."""
        if self._unsubscribe_governor is not None:
            self._unsubscribe_governor()
            self._unsubscribe_governor = None
        self.leader.release()

    def _set_state(self, kind: str, **extra: Any) -> None:
        self._state = SyncState(
            kind=kind, last_sync=extra.pop("last_sync", self._state.last_sync), **extra
        ).counted(self.store.outbox.counts())
        for listener in list(self._listeners):
            listener(self._state)

    def _on_governor(self, governor_state: GovernorState) -> None:
        if governor_state.kind == "throttled":
            self._set_state("throttled", until=governor_state.until)
            self._give_up_if_past_deadline(governor_state.until)
        elif self._state.kind == "throttled":
            self._set_state("syncing" if self._lock.locked() else "idle")

    def _give_up_if_past_deadline(self, until: dt.datetime | None) -> None:
        """A pass with a deadline does not sit out a throttle that outlasts it."""
        timeout, when = self._timeout, self._timeout and self._timeout.when()
        if timeout is None or when is None or until is None:
            return
        loop = asyncio.get_running_loop()
        wait = (until - dt.datetime.now(dt.UTC)).total_seconds()
        if loop.time() + wait > when:
            timeout.reschedule(loop.time())

    # -- requests from the app ------------------------------------------------
    def poke(self) -> None:
        """Sync soon: an edit was queued, or the person asked."""
        self._wake.set()

    def want_statuses(self, user_ids: Iterable[int]) -> None:
        """The people on screen, whose statuses should be refreshed next (none: stop)."""
        self._wanted_statuses = list(user_ids)
        if self._wanted_statuses:
            self._wake.set()

    def want_subtasks(self, assignment_id: int) -> None:
        """A checklist opened on screen: fetch its subtasks fresh on the next pass."""
        self._wanted_subtasks.append(assignment_id)
        self._wake.set()

    def want_projects(self) -> None:
        """A screen or command shows the people on the person's projects (the status
        board) or the checklists' counts: fetch them on the next pass if they are due,
        and from now on keep them fresh every ``PROJECTS_EVERY``."""
        self._wanted_projects = True
        if self.projects_due():
            self._wake.set()

    def projects_due(self) -> bool:
        """Whether the projects' people and counts were never fetched, or are stale."""
        return _older_than(self.store.database.get_meta("projects_pulled_at"), PROJECTS_EVERY)

    # -- one pass -------------------------------------------------------------
    async def sync_once(
        self, *, reference: bool | None = None, deadline: float | None = None
    ) -> SyncReport:
        """Pull the window (and reference data when due), then replay the outbox.

        ``deadline``: seconds the pass may take (a command's, so that it returns);
        past it, or as soon as the server's throttle outlasts it, the pass stops,
        queued edits stay queued (a create in flight is reconciled next time) and
        the state says when the server allows the next try.
        """
        report = SyncReport()
        async with self._lock:
            if not self.leader.acquire():
                self._set_state("follower")
                return report
            self._set_state("syncing")
            try:
                async with asyncio.timeout(deadline) as self._timeout:
                    await self._pass(report, reference)
            except TimeoutError:
                self._out_of_time(deadline)
                return report
            except StopPush as stop:
                self._fail(stop.error)
                return report
            except ApiError as err:
                self._fail(err)
                return report
            finally:
                self._timeout = None
            self._set_state("idle", last_sync=dt.datetime.now(dt.UTC))
        return report

    async def _pass(self, report: SyncReport, reference: bool | None) -> None:
        """One pass: pull, push, pull what changed, statuses on screen."""
        if reference is None:
            reference = self._reference_due()
        pulled = await self._pull(report, reference)
        await self.pusher.push(report)
        if pulled is not None:
            # The pull broke on the server's answers, not the network: the edits
            # went out all the same, and the pass says what broke.
            raise pulled
        if report.pushed:
            # What we sent comes back with the server's stamps and suggestions.
            with priority(Priority.VISIBLE):
                await self.puller.pull_window(report.pulled)
        if self._wanted_statuses and self.backend.capabilities.statuses:
            with priority(Priority.STATUSES):
                await self.puller.pull_statuses(self._wanted_statuses, STATUSES_PER_PASS)

    def _out_of_time(self, deadline: float | None) -> None:
        throttle = self.backend.governor.state
        if throttle.kind == "throttled" and throttle.until is not None:
            self._fail(Throttled(until=throttle.until))
            return
        self._set_state(
            "offline",
            message=f"The server did not finish within {deadline or 0:g} s; changes are kept "
            "and sent at the next sync.",
        )
        log.info("sync stopped at its deadline of %s s", deadline)

    async def _pull(self, report: SyncReport, reference: bool) -> ApiError | None:
        """Pull what is due; the error of a pull that failed on a bad answer (endless
        paging, a server error), so that queued edits are still sent. Offline, logged
        out or throttled: raised, as pushing cannot work either."""
        try:
            if reference:
                # Projects and people first: edits are checked against them.
                with priority(Priority.BACKGROUND):
                    await self.puller.pull_reference(report.pulled)
            with priority(Priority.VISIBLE):
                await self.puller.pull_window(report.pulled)
                if self._wanted_subtasks and self.backend.capabilities.subtasks:
                    wanted, self._wanted_subtasks = self._wanted_subtasks, []
                    await self.puller.pull_subtasks(wanted)
            if reference:
                self.puller.mark_reference_pulled()
            if self._wanted_projects and self.projects_due():
                with priority(Priority.BACKGROUND):
                    await self.puller.pull_projects()
        except (Offline, Unauthorized, Throttled, TlsError):
            raise
        except ApiError as err:
            log.warning("pull failed, sending queued edits anyway: %s", err)
            return err
        return None

    def _reference_due(self) -> bool:
        return _older_than(self.store.database.get_meta("reference_pulled_at"), REFERENCE_EVERY)

    def _fail(self, err: ApiError) -> None:
        if isinstance(err, Throttled):
            self._set_state("throttled", until=err.until, message=err.message)
        elif isinstance(err, Unauthorized):
            self._set_state("unauthorized", message=err.message)
        elif isinstance(err, TlsError):
            self._set_state("tls", message=err.message)
        else:  # cannot reach the server, or it keeps failing: keep the edits, retry later
            self._set_state("offline", message=err.message)
        log.info("sync stopped: %s", err.message)

    # -- a period outside the window -------------------------------------------
    async def fetch_range(
        self,
        start: dt.date,
        end: dt.date,
        progress: Progress | None = None,
        *,
        refresh: bool = False,
        deadline: float | None = FETCH_DEADLINE,
    ) -> RangeFetch:
        """Bring the parts of ``[start, end]`` the cache does not hold (a report's
        period outside the window), and keep them; ``refresh``: every part outside the
        window, held or not (the window itself is fresh from each pass). Never raises
        for the server: a failure (offline, logged out, too slow) comes back as a
        :class:`RangeFetch` saying why; pieces already fetched stay held. Only the
        leader talks to the server: in another process the answer says so."""
        async with self._lock:
            if not self.leader.acquire():
                return RangeFetch(
                    False,
                    "Another tenktui process is syncing this profile and only it fetches from "
                    "the server: this period is not in the cache here. Close it, or look at "
                    "the period there.",
                )
            try:
                async with asyncio.timeout(deadline):
                    with priority(Priority.VISIBLE):
                        me = await self.puller.me()
                        if refresh:
                            window = self.puller.window.around(self.store.database.today())
                            missing = gaps(start, end, [window])
                        else:
                            missing = self.store.reports.missing(me, start, end)
                        if not missing:
                            return RangeFetch(True, "The cache already holds this period.")
                        counts: dict[str, int] = {}
                        for lo, hi in missing:
                            await self.puller.pull_range(lo, hi, progress, counts)
            except TimeoutError:
                return RangeFetch(
                    False,
                    f"The server did not send the period within {deadline or 0:g} s; what "
                    "came is kept: try again to fetch the rest.",
                )
            except ApiError as err:
                self._fail(err)
                return RangeFetch(False, f"Could not fetch the period: {err.message}")
        return RangeFetch(
            True, f"Fetched {start} to {end} from the server.", tuple(missing), counts
        )

    # -- the loop -------------------------------------------------------------
    def between_passes(self) -> None:
        """What the loop does after each pass: hand back the memory it no longer uses
        (SQLite's page cache, the allocator's free memory; see tenktui.memory), so
        that hours of passes do not creep up the resident set."""
        self.store.database.shrink_memory()
        return_free_memory()

    async def run(self) -> None:
        """Sync on the interval and whenever poked, until cancelled."""
        try:
            while True:
                await self.sync_once()
                self.between_passes()
                if self._state.kind == "unauthorized":
                    # Nothing works until the person logs in again; wait to be poked.
                    await self._wake.wait()
                else:
                    delay = self.interval
                    if self._state.kind == "throttled" and self._state.until is not None:
                        wait = (self._state.until - dt.datetime.now(dt.UTC)).total_seconds()
                        delay = max(1.0, min(delay, wait))
                    elif self._state.kind == "offline":
                        delay = min(delay, 15.0)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=delay)
                self._wake.clear()
        finally:
            self.leader.release()


def _older_than(stamp: str | None, age: dt.timedelta) -> bool:
    """Whether a ``utc_now()`` stamp is missing or more than ``age`` ago."""
    if stamp is None:
        return True
    then = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC) - then > age
