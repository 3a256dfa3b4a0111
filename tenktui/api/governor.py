"""The rate-limit governor: one request budget per token, shared by every task.

10,000ft throttles per token in fixed windows and says so on every answer
(``X-RateLimit-Limit``, ``X-RateLimit-Remaining``, ``X-RateLimit-Reset`` as UTC epoch
seconds; ``Retry-After`` on a 429). The governor reads those headers from every
response and admits requests so that, once it knows the budget, none is sent into
an exhausted window:

- each request takes a *slot* first (``async with governor.slot(priority) as s:``)
  and reports its answer (``s.observe(status, headers)``); requests in flight count
  against the remaining budget, so eight concurrent tasks cannot overspend it;
- while the budget of the current window is unknown (first use, or just after a
  reset) a single probe request is let through, and the rest wait for its answer;
- when the budget is spent, or a 429 arrives anyway, everything waits until the
  reset, plus jitter, with a guard against clock skew (the reset is the server's
  time: it is moved onto the local clock by comparing the server's ``Date`` with
  ours, and a wait is never shorter than ``min_wait`` nor longer than the window
  + 5 s when the reset looks absurd);
- waiting requests go in :class:`Priority` order: the person's own edits first.

A server that sends no rate headers at all is not metered (only 429s are obeyed);
nor is one that sends them only on a 429, as soon as an answer comes without them.

A governor is used from one event loop at a time (it is not thread-safe). It reads
the time and waits through a :class:`Clock`, so a test can run hours of throttling
on a virtual one in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import heapq
import itertools
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import IntEnum
from typing import Literal, Protocol

log = logging.getLogger("tenktui.api")

MAX_THROTTLE_RETRIES = 25  # as the reference's pseudo-code


class Clock(Protocol):
    """The time a governor reads and the waits it makes."""

    def time(self) -> float:
        """Epoch seconds: a server's reset is an epoch second, so this is wall time."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class Priority(IntEnum):
    """Who goes first when requests wait for budget (lower first)."""

    EDIT = 0  # the person's own edits
    VISIBLE = 1  # what is on screen
    BACKGROUND = 2  # refreshes nobody is looking at
    STATUSES = 3  # other people's statuses


_priority: ContextVar[Priority | None] = ContextVar("tenktui_api_priority", default=None)


@contextlib.contextmanager
def priority(level: Priority) -> Iterator[None]:
    """Run the enclosed requests (and tasks started inside) at ``level``."""
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority(default: Priority) -> Priority:
    """The priority set by :func:`priority`, else ``default``."""
    level = _priority.get()
    return default if level is None else level


@dataclass(frozen=True, slots=True)
class GovernorState:
    """What the UI shows: ``ok``, or ``throttled until <time>``."""

    kind: Literal["ok", "throttled"]
    until: dt.datetime | None = None
    limit: int | None = None
    remaining: int | None = None

    def __str__(self) -> str:
        if self.kind == "throttled" and self.until is not None:
            return f"throttled until {self.until.astimezone().strftime('%H:%M:%S')}"
        return self.kind


@dataclass(order=True)
class _Ticket:
    priority: int
    seq: int
    future: asyncio.Future[None] = field(compare=False)


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


class Slot:
    """One admitted request; report its answer with :meth:`observe`."""

    __slots__ = ("_done", "_governor")

    def __init__(self, governor: RateGovernor) -> None:
        self._governor = governor
        self._done = False

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        if not self._done:
            self._done = True
            self._governor._observe(status, headers)

    def _release(self) -> None:
        if not self._done:
            self._done = True
            self._governor._lost()


class _SlotContext:
    __slots__ = ("_governor", "_priority", "_slot")

    def __init__(self, governor: RateGovernor, level: Priority) -> None:
        self._governor = governor
        self._priority = level
        self._slot: Slot | None = None

    async def __aenter__(self) -> Slot:
        await self._governor._acquire(self._priority)
        self._slot = Slot(self._governor)
        return self._slot

    async def __aexit__(self, *exc: object) -> None:
        assert self._slot is not None
        self._slot._release()


class RateGovernor:
    """The request budget of one token (see the module docstring)."""

    def __init__(
        self,
        *,
        clock: Clock = SYSTEM_CLOCK,
        rand: Callable[[], float] = random.random,
        jitter: float = 0.25,
        min_wait: float = 0.5,
        default_window: float = 60.0,
    ) -> None:
        self.clock = clock
        self._rand = rand
        self.jitter = jitter
        self.min_wait = min_wait
        self.default_window = default_window

        self._limit: int | None = None
        self._remaining: int | None = None  # server's remaining in the current window
        self._reset: float | None = None  # server epoch seconds at which that window ends
        self._known = False  # _remaining is valid for the current window
        self._unmetered = False  # the server sends no rate headers
        self._hold_until: float | None = None  # local time before which nothing is sent
        self._in_flight = 0
        self._skews: deque[float] = deque(maxlen=32)  # lower bounds of server - local clock
        self._window: float | None = None  # learned from consecutive resets

        self._waiters: list[_Ticket] = []
        self._seq = itertools.count()
        self._timer: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[GovernorState], None]] = []
        self._last_state: GovernorState | None = None

        self.throttled_responses = 0  # 429s seen
        self.holds = 0  # times the governor made requests wait for a reset

    # -- public ------------------------------------------------------------------
    def slot(self, level: Priority = Priority.VISIBLE) -> _SlotContext:
        """``async with governor.slot(p) as s: ...; s.observe(status, headers)``."""
        return _SlotContext(self, level)

    @property
    def state(self) -> GovernorState:
        now = self.clock.time()
        if self._hold_until is not None and now < self._hold_until:
            until = dt.datetime.fromtimestamp(self._hold_until, dt.UTC)
            return GovernorState("throttled", until, self._limit, 0)
        remaining = self._remaining if self._known else None
        return GovernorState("ok", None, self._limit, remaining)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def waiting(self) -> int:
        return sum(1 for t in self._waiters if not t.future.done())

    @property
    def clock_offset(self) -> float:
        """Seconds the server's clock is ahead of ours (a lower bound; 0 if unknown)."""
        return max(self._skews) if self._skews else 0.0

    def subscribe(self, listener: Callable[[GovernorState], None]) -> Callable[[], None]:
        """Call ``listener(state)`` on every change of state; returns an unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def hold_seconds(self) -> float:
        """How long new requests would wait for a reset now (0 if none)."""
        if self._hold_until is None:
            return 0.0
        return max(0.0, self._hold_until - self.clock.time())

    # -- admission -----------------------------------------------------------------
    def _can_send(self, now: float) -> bool:
        if self._hold_until is not None:
            if now < self._hold_until:
                return False
            self._hold_until = None
            self._known = False  # a new window: probe it
        if self._unmetered:
            return True
        if self._known and self._reset is not None and now >= self._local(self._reset):
            self._known = False
        if not self._known:
            return self._in_flight == 0
        assert self._remaining is not None
        return self._remaining - self._in_flight > 0

    async def _acquire(self, level: Priority) -> None:
        if not self._waiters and self._can_send(self.clock.time()):
            self._in_flight += 1
            self._notify()
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, _Ticket(int(level), next(self._seq), future))
        self._pump()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._in_flight -= 1  # granted, but the task went away
                self._pump()
            raise

    def _pump(self) -> None:
        now = self.clock.time()
        while self._waiters:
            head = self._waiters[0]
            if head.future.done():
                heapq.heappop(self._waiters)
                continue
            if not self._can_send(now):
                break
            heapq.heappop(self._waiters)
            self._in_flight += 1
            head.future.set_result(None)
        self._schedule_wakeup()
        self._notify()

    def _schedule_wakeup(self) -> None:
        """Wake up at the next moment the budget may come back by itself."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        timer = self._timer
        if timer is not None and not timer.done() and timer.get_loop() is loop:
            return
        now = self.clock.time()
        if self._hold_until is not None:
            delay = self._hold_until - now
        elif self.waiting and self._known and self._reset is not None:
            delay = self._local(self._reset) - now
        else:
            return
        self._timer = loop.create_task(self._wake_after(max(0.0, delay)))

    async def _wake_after(self, delay: float) -> None:
        await self.clock.sleep(delay)
        self._timer = None
        self._pump()

    # -- answers -------------------------------------------------------------------
    def _observe(self, status: int, headers: Mapping[str, str]) -> None:
        now = self.clock.time()
        self._in_flight = max(0, self._in_flight - 1)
        self._read_date(headers, now)
        limit = _header_int(headers, "X-RateLimit-Limit")
        remaining = _header_int(headers, "X-RateLimit-Remaining")
        reset = _header_int(headers, "X-RateLimit-Reset")
        metered = limit is not None and remaining is not None and reset is not None
        if metered:
            assert limit is not None and remaining is not None and reset is not None
            self._unmetered = False
            self._limit = limit
            if self._reset is None or reset > self._reset:
                if self._reset is not None:
                    gap = reset - self._reset
                    self._window = gap if self._window is None else min(self._window, gap)
                self._reset = reset
                self._remaining = remaining
                self._known = True
            elif reset == self._reset and self._known:
                assert self._remaining is not None
                self._remaining = min(self._remaining, remaining)
            # An answer from a window already over tells nothing about this one.
        elif status != 429:
            # No rate headers: the server sends them on a 429 only (all the reference
            # promises), or never. Only a 429 is obeyed until they come back.
            self._unmetered = True

        if status == 429:
            self.throttled_responses += 1
            retry_after = _header_int(headers, "Retry-After")
            if reset is not None:
                target = self._local(reset)
            elif retry_after is not None:
                target = now + retry_after
            else:
                target = now + self._max_wait()
            self._remaining = 0
            self._known = reset is not None
            self._hold(target, now, reason="429")
        elif metered and self._known and self._remaining is not None and self._remaining <= 0:
            assert self._reset is not None
            self._hold(self._local(self._reset), now, reason="budget spent")
        self._pump()

    def _lost(self) -> None:
        """A request got no answer: assume the server counted it."""
        self._in_flight = max(0, self._in_flight - 1)
        if self._known and self._remaining is not None:
            self._remaining -= 1
        self._pump()

    def _hold(self, target: float, now: float, *, reason: str) -> None:
        wait = min(max(target - now, self.min_wait), self._max_wait())
        until = now + wait + self._rand() * self.jitter
        if self._hold_until is None or until > self._hold_until:
            if self._hold_until is None or self._hold_until <= now:
                self.holds += 1
            self._hold_until = until
            log.info("rate budget: holding requests for %.1f s (%s)", until - now, reason)

    def _max_wait(self) -> float:
        return (self._window or self.default_window) + 5.0

    def _local(self, server_epoch: float) -> float:
        return server_epoch - self.clock_offset

    def _read_date(self, headers: Mapping[str, str], now: float) -> None:
        raw = headers.get("Date")
        if not raw:
            return
        try:
            server = parsedate_to_datetime(raw).timestamp()
        except (TypeError, ValueError):
            return
        # Date is truncated to the second and was stamped before the answer travelled:
        # Date - now is a lower bound of the skew. Erring low only makes waits longer,
        # never too short; the largest recent bound is the tightest.
        self._skews.append(server - now)

    def _notify(self) -> None:
        if not self._listeners:
            return
        state = self.state
        if state == self._last_state:
            return
        self._last_state = state
        for listener in list(self._listeners):
            try:
                listener(state)
            except Exception:  # a broken listener must not stall requests
                log.exception("governor listener failed")


_REGISTRY: dict[str, RateGovernor] = {}


def governor_for(token: str, scope: str = "") -> RateGovernor:
    """The process-wide governor of ``token`` (at ``scope``, e.g. the server's origin).

    The registry is keyed by a SHA-256 of the token, so the token itself is not
    kept as a key.
    """
    key = hashlib.sha256(f"{scope}\0{token}".encode()).hexdigest()
    governor = _REGISTRY.get(key)
    if governor is None:
        governor = _REGISTRY[key] = RateGovernor()
    return governor
