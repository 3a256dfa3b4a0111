"""Malformed pages and answers through a real sync, for both backends (issue 11).

An :class:`Arena` is one emulator behind a :class:`~tests.hostile.HostileProxy` and a
cache synced once as a template. Each example copies the template, queues one new time
entry, and syncs once while the proxy mangles answers as the example says — wrong types,
missing keys, nulls, huge numbers, control characters, junk bodies, endless paging, an
unreadable answer to the create — then syncs clean. What must hold:

- no sync raises (no crash);
- no invalid row is cached, even while the answers are mangled (no ghost without an
  outbox row, no id outside SQLite's range, no hours that are not a finite number, no
  date that is not a date);
- the queued entry lands exactly once (never lost, never doubled), and the cache then
  equals the server.

``tests/test_hostile_property.py`` runs a few examples in CI; ``benchmarks/hostile.py``
runs 1,000 and prints the counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tenktui.api.governor import RateGovernor
from tenktui.store import InvalidEdit, Store
from tenktui.sync.engine import SyncEngine
from tests.conftest import TODAY, TOKEN
from tests.hostile import Exchange, HostileProxy, Reply

ME = "me@example.com"
# The sync's window (8 weeks back, 8 ahead): where examples queue their entries.
FIRST, LAST = TODAY - dt.timedelta(weeks=8), TODAY + dt.timedelta(weeks=8)
WORKDAYS = [
    FIRST + dt.timedelta(days=i)
    for i in range((LAST - FIRST).days + 1)
    if (FIRST + dt.timedelta(days=i)).weekday() < 5
]
KEYS = (
    "id", "user_id", "assignable_id", "date", "hours", "scheduled_hours", "notes", "task",
    "updated_at", "is_suggestion", "starts_at", "ends_at",
    # Leantime's names for the same things
    "userId", "ticketId", "workDate", "description", "modified", "kind",
)  # fmt: skip
CONTROL = "\x00\x07\x1b\x9b\x9d\r\n\t"

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**53, 2**63, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.sampled_from("ab1-:. " + CONTROL), max_size=12),
    st.sampled_from(["9999-12-31", "0000-00-00", "2026-02-30", "\x1b]52;c;aGk=\x07", "abc"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["id", "data"]), st.integers(), max_size=2),
)


@dataclass(frozen=True)
class Mutation:
    """One way to break one kind of answer."""

    target: str  # "page": a list answer; "create": the answer to our create
    op: str
    key: str = "id"
    value: Any = None
    index: int = 0


PAGE_OPS = ("set", "delete", "junk_item", "junk_body", "endless", "duplicate", "html")
CREATE_OPS = ("empty", "html", "json", "redirect", "409", "429", "500", "null_id")

mutations = st.one_of(
    st.builds(
        Mutation,
        target=st.just("page"),
        op=st.sampled_from(PAGE_OPS),
        key=st.sampled_from(KEYS),
        value=values,
        index=st.integers(0, 40),
    ),
    st.builds(Mutation, target=st.just("create"), op=st.sampled_from(CREATE_OPS), value=values),
)
examples = st.lists(mutations, min_size=1, max_size=3)


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()  # NaN and Infinity go out as JSON's extensions do


def _items(body: Any) -> list[Any] | None:
    """The list of records in a 10,000ft page or a Leantime answer, if there is one."""
    if isinstance(body, dict):
        for key in ("data", "result"):
            if isinstance(body.get(key), list):
                return body[key]
    if isinstance(body, list):
        for answer in body:
            found = _items(answer)
            if found:
                return found
    return None


class Mangler:
    """Applies an example's mutations to the answers that match them."""

    def __init__(self, arena: Arena, todo: list[Mutation], counts: Counter) -> None:
        self.arena = arena
        self.todo = todo
        self.counts = counts
        self.links = itertools.count(1)
        self.endless_left = 0

    def __call__(self, ex: Exchange, reply: Reply) -> Reply | None:
        if self.arena.is_create(ex):
            for m in self.todo:
                if m.target == "create":
                    self.todo.remove(m)
                    self.counts[f"create:{m.op}"] += 1
                    return self._create(m, reply)
            return None
        if not self.arena.is_list(ex) or reply.status != 200:
            return None
        try:
            body = reply.json()
        except ValueError:
            return None
        items = _items(body)
        for m in self.todo:
            if m.target == "page" and items:
                self.todo.remove(m)
                self.counts[f"page:{m.op}"] += 1
                return self._page(m, body, items, ex)
        return None

    def _create(self, m: Mutation, reply: Reply) -> Reply:
        json_type = {"Content-Type": "application/json"}
        if m.op == "empty":
            return Reply(200, b"")
        if m.op == "html":
            return Reply(200, b"<html>saved?</html>", {"Content-Type": "text/html"})
        if m.op == "json":
            return Reply(201, _dumps(m.value), json_type)
        if m.op == "redirect":
            return Reply(302, b"", {"Location": "https://login.example.org/\x1b[2J"})
        if m.op == "null_id":
            try:
                body = reply.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                body = {**body, "id": m.value}
            return Reply(reply.status, _dumps(body), json_type)
        return Reply(int(m.op), _dumps({"message": "hostile"}), {**json_type, "Retry-After": "1"})

    def _page(self, m: Mutation, body: Any, items: list[Any], ex: Exchange) -> Reply:
        i = m.index % len(items)
        if m.op == "set" and isinstance(items[i], dict):
            items[i][m.key] = m.value
        elif m.op == "delete" and isinstance(items[i], dict):
            items[i].pop(m.key, None)
        elif m.op == "junk_item":
            items[i] = m.value
        elif m.op == "duplicate":
            items.append(items[i])
        elif m.op == "junk_body":
            body = m.value
        elif m.op == "html":
            return Reply(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})
        elif m.op == "endless" and isinstance(body, dict) and isinstance(body.get("paging"), dict):
            # New links for ever over the same records: mangle the pages that follow too.
            self.todo.insert(0, Mutation("page", "endless"))
            n = next(self.links)
            body["paging"]["next"] = f"{ex.route}?per_page=1000&page={n + 1}&k={n}"
        return Reply(200, _dumps(body), {"Content-Type": "application/json"})


class Arena:
    """One backend's emulator behind a hostile proxy, and a synced template cache."""

    backend = ""
    one_per_cell = False  # the backend holds one entry per cell (Leantime's logTime adds)

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.template = workdir / "template.db"
        self.server: Any = None
        self.proxy: HostileProxy | None = None
        self.examples = 0
        self.used_cells: set[tuple[int, str]] = set()

    # -- what differs per backend ---------------------------------------------------
    def start_server(self) -> Any:
        raise NotImplementedError

    def client(self, keys: Any) -> Any:
        """A client for a profile whose store keeps ``keys`` (as a session passes it)."""
        raise NotImplementedError

    def is_create(self, ex: Exchange) -> bool:
        raise NotImplementedError

    def is_list(self, ex: Exchange) -> bool:
        raise NotImplementedError

    def remote(self, me: int, notes: str) -> int:
        """How many entries with these notes the server holds for me."""
        raise NotImplementedError

    # -- the arena ----------------------------------------------------------------------
    async def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.server = self.start_server()
        self.proxy = HostileProxy(self.server.root).__enter__()
        store = Store(self.template, today=lambda: TODAY)
        client = self.client(store.keys)
        engine = SyncEngine(store, client, ME)
        await engine.sync_once()
        assert engine.state.kind == "idle", engine.state.message
        await client.aclose()
        engine.leader.release()
        store.close()

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.__exit__(None, None, None)
        if self.server is not None:
            self.server.stop()

    async def run(self, todo: list[Mutation], counts: Counter) -> None:
        """One example: asserts every invariant, and counts what happened."""
        assert self.proxy is not None
        self.examples += 1
        path = self.workdir / f"example-{self.examples}.db"
        shutil.copyfile(self.template, path)
        store = Store(path, today=lambda: TODAY)
        client = self.client(store.keys)
        engine = SyncEngine(store, client, ME)
        me = int(store.database.get_meta("me"))
        notes = f"{self.backend} example {self.examples}"
        queued = self.queue(store, me, notes)
        counts["edits queued"] += queued
        self.proxy.mangle(Mangler(self, list(todo), counts))
        try:
            await engine.sync_once(reference=False)
            counts[f"state after mangling: {engine.state.kind}"] += 1
            check_cache(store)
            self.proxy.clear()
            for _ in range(3):
                await engine.sync_once(reference=False)
                if store.outbox.counts().pending == 0:
                    break
            check_cache(store)
            assert engine.state.kind == "idle", engine.state.message
            assert store.outbox.counts().pending == 0, store.outbox.counts()
            if queued:
                landed = self.remote(me, notes)
                assert landed == 1, f"the queued entry landed {landed} times"
                counts["edits landed once"] += 1
        finally:
            self.proxy.clear()
            await client.aclose()
            engine.leader.release()
            store.close()
            path.unlink(missing_ok=True)

    def queue(self, store: Store, me: int, notes: str) -> int:
        """Queue one new entry (where cells hold one entry, in a cell no earlier example
        used); how many were queued."""
        assignables = [
            r["id"]
            for r in store.database.rows(
                "SELECT id FROM assignables WHERE archived = 0 AND timeentry_lockout = -1 "
                "AND kind != 'leave' ORDER BY id"
            )
        ]
        cells = list(itertools.product(assignables, WORKDAYS))
        start = self.examples % len(cells)  # where cells may hold more, vary the cell
        for assignable, day in cells[start:] + cells[:start]:
            if (assignable, day.isoformat()) in self.used_cells:
                continue
            if self.one_per_cell:
                self.used_cells.add((assignable, day.isoformat()))
            try:
                store.edits.create_entry(me, assignable, day, 1.25, notes=notes)
            except InvalidEdit:
                continue
            return 1
        return 0


def check_cache(store: Store) -> None:
    """No invalid row in the cache."""
    d = store.database
    ghosts = d.scalar(
        "SELECT COUNT(*) FROM time_entries WHERE server_id IS NULL AND id NOT IN "
        "(SELECT local_id FROM outbox WHERE kind = 'time_entry' AND local_id IS NOT NULL)"
    )
    assert ghosts == 0, "a time entry without a server id and without an edit"
    for row in d.rows("SELECT server_id, user_id, assignable_id, date, hours FROM time_entries"):
        sid, hours = row["server_id"], row["hours"]
        assert sid is None or (isinstance(sid, int) and 0 < sid < 2**63), row
        assert isinstance(row["user_id"], int) and isinstance(row["assignable_id"], int), row
        assert isinstance(hours, int | float) and math.isfinite(hours), row
        day = dt.date.fromisoformat(row["date"])
        assert 1900 <= day.year <= 9000, row
    for row in d.rows("SELECT id, starts_at, ends_at FROM assignments"):
        assert isinstance(row["id"], int), row
        for key in ("starts_at", "ends_at"):
            if row[key] is not None:
                dt.date.fromisoformat(row[key][:10])


# -- the two backends ----------------------------------------------------------------------


class TenKftArena(Arena):
    backend = "10,000ft"

    def __init__(self, workdir: Path, seed_db: Path) -> None:
        super().__init__(workdir)
        self.seed_db = seed_db

    def start_server(self) -> Any:
        from tests.conftest import start_sandbox

        db = self.workdir / "server.db"
        shutil.copyfile(self.seed_db, db)
        return start_sandbox(db, "--rate-limit", "100000")

    def client(self, keys: Any) -> Any:
        from tenktui.api.tenkft.client import TenKftClient

        assert self.proxy is not None
        return TenKftClient(
            self.proxy.root + "/api/v1", TOKEN, governor=RateGovernor(),
            backoff_base=0.001, backoff_cap=0.005,
        )  # fmt: skip

    def is_create(self, ex: Exchange) -> bool:
        return ex.method == "POST" and ex.route.endswith("/time_entries")

    def is_list(self, ex: Exchange) -> bool:
        return ex.method == "GET" and ex.route.endswith(("/time_entries", "/assignments"))

    def remote(self, me: int, notes: str) -> int:
        found = 0
        with self.server.api() as api:
            params = {"from": FIRST.isoformat(), "to": LAST.isoformat(), "per_page": 1000}
            page, more = 1, True
            while more:
                body = api.get(f"/users/{me}/time_entries", params={**params, "page": page}).json()
                found += sum(1 for e in body["data"] if e.get("notes") == notes)
                page, more = page + 1, bool(body["paging"]["next"])
        return found


class LeantimeArena(Arena):
    backend = "Leantime"
    one_per_cell = True

    def start_server(self) -> Any:
        from tests.test_leantime_sandbox import start_leantime

        return start_leantime(self.workdir / "lt.db", "3.9", "--rate-limit", "100000")

    def client(self, keys: Any) -> Any:
        from tenktui.api.leantime import LeantimeClient
        from tests.test_leantime_sandbox import KEY, ZONE

        assert self.proxy is not None
        return LeantimeClient(
            self.proxy.root, KEY, timezone=ZONE, email=ME, governor=RateGovernor(),
            today=lambda: TODAY, backoff_base=0.001, backoff_cap=0.005, keys=keys,
        )  # fmt: skip

    def is_create(self, ex: Exchange) -> bool:
        return ex.method == "POST" and b"Timesheets.logTime" in ex.body

    def is_list(self, ex: Exchange) -> bool:
        return ex.method == "POST" and (
            b"Timesheets.getAll" in ex.body or b"Tickets.getAll" in ex.body
        )

    def remote(self, me: int, notes: str) -> int:
        rows = self.server.rpc(
            "Timesheets.getAll",
            {"dateFrom": "2026-01-01 00:00:00", "dateTo": "2027-12-31 23:59:59", "userId": me},
        )
        return sum(1 for r in rows if r.get("description") == notes)


def arena_factories(workdir: Path, seed_db: Path) -> dict[str, Callable[[], Arena]]:
    return {
        "tenkft": lambda: TenKftArena(workdir / "tenkft", seed_db),
        "leantime": lambda: LeantimeArena(workdir / "leantime"),
    }
