"""Issue 11: malformed pages and answers through a real sync, for both backends
(see tests/hostile_property.py). A bounded number of examples here; run
``benchmarks/hostile.py`` for 1,000."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.hostile_property import Arena, Mutation, arena_factories, examples

EXAMPLES = int(os.environ.get("TENKTUI_HOSTILE_EXAMPLES", "12"))
# The arenas are module-scoped servers: built once, on one worker.
pytestmark = pytest.mark.xdist_group("hostile-property")


@pytest.fixture(scope="module", params=["tenkft", "leantime"])
def arena(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_db_template: Path,
) -> Iterator[tuple[Arena, asyncio.AbstractEventLoop]]:
    loop = asyncio.new_event_loop()
    the_arena = arena_factories(tmp_path_factory.mktemp("hostile"), demo_db_template)[
        request.param
    ]()
    try:
        loop.run_until_complete(the_arena.start())
        yield the_arena, loop
    finally:
        the_arena.stop()
        loop.close()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(todo=examples)
@pytest.mark.slow
def test_no_malformed_answer_crashes_a_sync_corrupts_the_cache_or_loses_an_edit(
    arena: tuple[Arena, asyncio.AbstractEventLoop], todo: list[Mutation]
) -> None:
    the_arena, loop = arena
    loop.run_until_complete(the_arena.run(todo, Counter()))


# Answers the 1,000-example benchmark found crashing a Leantime sync: a timesheet row
# whose notes are not text, a ticket or row without an id. Each is skipped and logged.
FOUND = [
    [Mutation(target="page", op="set", key="description", value={"id": 0}, index=0)],
    [
        Mutation(target="create", op="html", key="id", value={"data": 186, "id": -1932}, index=0),
        Mutation(target="page", op="delete", key="id", value=-21816, index=22),
        Mutation(target="page", op="junk_item", key="date", value={"id": -1932}, index=30),
    ],
    [
        Mutation(target="page", op="junk_item", key="user_id", value={"id": 2}, index=8),
        Mutation(target="page", op="set", key="id", value=None, index=0),
    ],
    # The first list page is HTML: the ids the cache holds must still mean the same
    # (ticket, kind) to the client, so the rig's client takes the store's key map.
    [Mutation(target="page", op="html", key="id", value=None, index=0)],
]


@pytest.mark.parametrize(
    "todo", FOUND, ids=["notes-not-text", "no-assignment-id", "no-ticket-id", "first-page-html"]
)
def test_answers_found_by_the_benchmark(
    arena: tuple[Arena, asyncio.AbstractEventLoop], todo: list[Mutation]
) -> None:
    the_arena, loop = arena
    loop.run_until_complete(the_arena.run(todo, Counter()))
