"""Issue 11, item 4: records are validated before they touch the cache.

A mangling proxy adds broken records to the pages of a real sync: each is skipped
(and logged with its route), the rest of the page is used, and nothing else changes.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from tests.conftest import TODAY
from tests.hostile import Exchange, Reply
from tests.test_sync_integration import Rig


def with_extra_items(route_end: str, *extra: dict[str, Any]):
    """A mangler adding ``extra`` to every list answer whose route ends so."""

    def mangler(ex: Exchange, reply: Reply) -> Reply | None:
        if ex.method != "GET" or not ex.route.endswith(route_end) or reply.status != 200:
            return None
        body = reply.json()
        body["data"] = [*body["data"], *extra]
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return mangler


def week_hours(rig: Rig) -> float:
    return rig.store.database.scalar(
        "SELECT COALESCE(SUM(hours), 0) FROM time_entries WHERE user_id = ? AND date = ? "
        "AND deleted = 0",
        (rig.me, TODAY.isoformat()),
    )


def broken_entries(me: int, assignable: int) -> list[dict[str, Any]]:
    base = {
        "user_id": me,
        "assignable_id": assignable,
        "assignable_type": "Project",
        "date": TODAY.isoformat(),
        "hours": 7.5,
        "is_suggestion": False,
        "updated_at": "2026-11-23T10:00:00Z",
    }
    return [
        {**base, "id": None},
        {**base, "id": 9_000_001, "hours": "abc"},
        {**base, "id": 9_000_002, "hours": float("nan")},
        {**base, "id": 9_000_003, "hours": 1e308},
        {**{k: v for k, v in base.items() if k != "user_id"}, "id": 9_000_004},
        {**base, "id": 9_000_005, "date": "9999-12-31"},
        {**base, "id": 9_000_006, "date": "yesterday"},
        {**base, "id": 1.9},
        {**base, "id": -75729},
        {**base, "id": 2**70},
        {**base, "id": True},
        "not an object",
    ]


@pytest.mark.slow
async def test_invalid_pulled_entries_are_skipped_and_logged_and_the_rest_is_used(
    hostile_rig: tuple, caplog: pytest.LogCaptureFixture
) -> None:
    rig, proxy = hostile_rig
    before_local, before_hours = rig.local(), week_hours(rig)
    assignable = rig.open_projects()[0]
    proxy.mangle(with_extra_items("/time_entries", *broken_entries(rig.me, assignable)))
    caplog.set_level(logging.WARNING, logger="tenktui.api")
    for _ in range(2):  # the ghost row came back on every sync
        await rig.engine.sync_once(reference=False)
        assert rig.engine.state.kind == "idle", rig.engine.state.message
    assert week_hours(rig) == before_hours
    assert rig.local() == before_local == rig.remote()
    assert not rig.store.database.scalar(
        "SELECT COUNT(*) FROM time_entries WHERE server_id IS NULL OR server_id >= 9000000 "
        "OR server_id < 0"
    )
    assert "GET /users/{id}/time_entries" in caplog.text


async def test_an_assignment_without_starts_at_or_a_person_is_skipped(hostile_rig: tuple) -> None:
    rig, proxy = hostile_rig
    before = rig.store.database.scalar("SELECT COUNT(*) FROM assignments")
    assignable = rig.open_projects()[0]
    bad = {"id": 8_000_001, "user_id": rig.me, "assignable_id": assignable, "ends_at": None}
    nobody = {**bad, "id": 8_000_002, "user_id": None, "starts_at": "2026-11-23",
              "ends_at": "2026-11-27"}  # fmt: skip
    proxy.mangle(with_extra_items("/assignments", bad, {**bad, "id": None}, nobody))
    await rig.engine.sync_once(reference=False)
    assert rig.engine.state.kind == "idle", rig.engine.state.message
    assert rig.store.database.scalar("SELECT COUNT(*) FROM assignments") == before
