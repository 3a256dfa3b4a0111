"""Issue 11, item 1: a create whose answer cannot be read is ambiguous, never failed.

A mangling proxy lets the sandbox save the create, then answers with something that is
not a readable created record. The entry must be reconciled (found and adopted), never
sent again: exactly one lands.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.hostile import Exchange, HostileProxy, Reply
from tests.sync_rig import synced_rig
from tests.test_leantime_sandbox import start_leantime
from tests.test_leantime_sync import Rig as LeantimeRig
from tests.test_leantime_sync import client_for as leantime_client

HTML = b"<html><body><h1>Welcome</h1></body></html>"


def once(match: Callable[[Exchange], bool], make: Callable[[Reply], Reply]):
    """A mangler that replaces the first matching answer only."""
    done: list[bool] = []

    def mangler(ex: Exchange, reply: Reply) -> Reply | None:
        if done or not match(ex):
            return None
        done.append(True)
        return make(reply)

    return mangler


BAD_ANSWERS: dict[str, Callable[[Reply], Reply]] = {
    "empty 200": lambda r: Reply(200, b""),
    "html 200": lambda r: Reply(200, HTML, {"Content-Type": "text/html"}),
    "other json 201": lambda r: Reply.of_json(201, {"ok": True}),
    "null id 201": lambda r: Reply.of_json(201, {**(r.json() or {}), "id": None}),
    "redirect 302": lambda r: Reply(302, b"", {"Location": "https://login.example.org/sso"}),
    "conflict 409": lambda r: Reply.of_json(409, {"message": "duplicate"}),
    "throttled 429": lambda r: Reply.of_json(429, {"message": "slow down"}, **{"Retry-After": "1"}),
}


def is_create(ex: Exchange) -> bool:
    return ex.method == "POST" and ex.route.endswith("/time_entries")


@pytest.mark.parametrize("answer", list(BAD_ANSWERS))
@pytest.mark.slow
async def test_a_create_saved_but_answered_unreadably_lands_once(
    hostile_rig: tuple, answer: str
) -> None:
    rig, proxy = hostile_rig
    project = rig.open_projects()[0]
    rig.store.edits.create_entry(rig.me, project, TODAY, 1.25, notes=f"hostile {answer}")
    proxy.mangle(once(is_create, BAD_ANSWERS[answer]))
    await rig.engine.sync_once(reference=False)
    proxy.clear()
    await rig.engine.sync_once(reference=False)
    key = (project, TODAY.isoformat(), 1.25, f"hostile {answer}")
    assert rig.remote()[key] == 1
    assert rig.local()[key] == 1
    assert rig.store.outbox.counts().pending == 0


async def test_a_redirect_is_never_success_and_says_where_it_pointed(
    hostile_rig: tuple,
) -> None:
    """A base URL that redirects (to a login page, another site) is named, reads and writes
    alike, and the queued create stays queued."""
    rig, proxy = hostile_rig
    project = rig.open_projects()[0]
    rig.store.edits.create_entry(rig.me, project, TODAY, 0.75, notes="redirected")
    proxy.mangle(lambda ex, r: Reply(301, b"", {"Location": "https://elsewhere.example.org/sso"}))
    await rig.engine.sync_once(reference=False)
    message = rig.engine.state.message or ""
    assert "elsewhere.example.org/sso" in message
    assert "base URL" in message
    assert rig.store.outbox.counts().pending == 1
    proxy.clear()
    await rig.engine.sync_once(reference=False)
    assert rig.remote()[(project, TODAY.isoformat(), 0.75, "redirected")] == 1


# -- Leantime --------------------------------------------------------------------------------


def is_log_time(ex: Exchange) -> bool:
    return ex.method == "POST" and b"logTime" in ex.body


LEANTIME_BAD: dict[str, Callable[[Reply], Reply]] = {
    "empty 200": lambda r: Reply(200, b""),
    "html 200": lambda r: Reply(200, HTML, {"Content-Type": "text/html"}),
    "other json": lambda r: Reply.of_json(200, {"jsonrpc": "2.0", "result": None}),
    "redirect 302": lambda r: Reply(302, b"", {"Location": "https://login.example.org/"}),
    "conflict 409": lambda r: Reply(409, json.dumps({"error": "x"}).encode()),
    "throttled 429": lambda r: Reply(429, b"", {"Retry-After": "1"}),
}


@pytest.mark.parametrize("answer", list(LEANTIME_BAD))
@pytest.mark.slow
async def test_a_leantime_log_saved_but_answered_unreadably_lands_once(
    tmp_path: Path, answer: str
) -> None:
    server = start_leantime(tmp_path / "lt.db", "3.9", "--rate-limit", "100000")
    try:
        with HostileProxy(server.root) as proxy:
            async with synced_rig(
                LeantimeRig, leantime_client(proxy.root), server, tmp_path
            ) as rig:
                taken = {(a, d) for (a, d, _, _) in rig.local()}
                assignable = next(
                    a for a in rig.open_assignables() if (a, TODAY.isoformat()) not in taken
                )
                rig.store.edits.create_entry(rig.me, assignable, TODAY, 1.5, notes="hostile")
                proxy.mangle(once(is_log_time, LEANTIME_BAD[answer]))
                await rig.engine.sync_once(reference=False)
                proxy.clear()
                await rig.engine.sync_once(reference=False)
                key = (assignable, TODAY.isoformat(), 1.5, "hostile")
                assert rig.remote()[key] == 1
                assert rig.store.outbox.counts().pending == 0
    finally:
        server.stop()
