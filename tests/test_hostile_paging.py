"""Issue 11, item 2: paging ends. A ``next`` link that never ends (new links over empty
pages, the same page again under new links, new pages for ever) is stopped with a clear
error, and a failing pull does not keep queued edits from being sent."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from tenktui.api.paging import MAX_PAGES
from tests.conftest import TODAY
from tests.hostile import Exchange, Reply

# Past this many mangled answers the proxy lets the list end, so that a client that
# follows links for ever still finishes (and fails the count below).
GIVE_UP = 3 * MAX_PAGES

Pager = Callable[[int, list[Any]], list[Any]]  # (page number, first page's data) → data
PAGERS: dict[str, Pager] = {
    "new links over empty pages": lambda n, first: [],
    "the same page under new links": lambda n, first: first,
    "new pages for ever": lambda n, first: [
        {**first[0], "id": 70_000_000 + n * 10 + i} for i in range(3)
    ],
}


def endless(route_end: str, pager: Pager):
    counter = itertools.count(1)
    first: list[Any] = []

    def mangler(ex: Exchange, reply: Reply) -> Reply | None:
        if ex.method != "GET" or not ex.route.endswith(route_end) or reply.status != 200:
            return None
        n = next(counter)
        if n > GIVE_UP:
            return None
        body = reply.json()
        if "&k=" not in ex.path:
            first[:] = body["data"]
        else:
            body["data"] = pager(n, first)
        body["paging"]["next"] = f"{ex.route}?per_page=1000&page={n + 1}&k={n}"
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return mangler


@pytest.mark.parametrize("kind", list(PAGERS))
@pytest.mark.slow
async def test_endless_paging_stops_with_a_clear_error_and_edits_still_go_out(
    hostile_rig: tuple, kind: str
) -> None:
    rig, proxy = hostile_rig
    project = rig.open_projects()[0]
    rig.store.edits.create_entry(rig.me, project, TODAY, 3.25, notes=f"paging {kind}")
    before = len(proxy.requests)
    proxy.mangle(endless(f"/users/{rig.me}/time_entries", PAGERS[kind]))
    await rig.engine.sync_once(reference=False)
    listed = [
        ex for ex in proxy.requests[before:]
        if ex.method == "GET" and ex.route.endswith("/time_entries")
    ]  # fmt: skip
    assert len(listed) <= 2 * (MAX_PAGES + 1)  # the window pull, and the one after pushing
    assert rig.engine.state.kind != "idle"
    assert "did not end" in (rig.engine.state.message or "")
    assert rig.store.outbox.counts().pending == 0
    proxy.clear()
    assert rig.remote()[(project, TODAY.isoformat(), 3.25, f"paging {kind}")] == 1
    assert not rig.store.database.scalar(
        "SELECT COUNT(*) FROM time_entries WHERE server_id >= 70000000"
    )
