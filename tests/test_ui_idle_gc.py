"""Garbage collection between keystrokes (tenktui/ui/idle_gc.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tenktui.ui import idle_gc
from tenktui.ui.idle_gc import IdleCollector


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected while the test runs; automatic collection back after."""
    seen: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        gc.enable()
        gc.unfreeze()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_collected_while_the_person_types(collections: list[int]) -> None:
    clock = Clock()
    collector = IdleCollector(clock)
    assert collector.tick() is False  # not started: the interpreter collects as usual
    collector.start()
    assert not gc.isenabled() and gc.get_freeze_count() > 0
    collector.key()
    clock.now += idle_gc.IDLE_SECONDS / 2
    assert collector.tick() is False
    assert collections == []
    clock.now += idle_gc.IDLE_SECONDS
    assert collector.tick() is True
    assert collections == [1]


def test_a_long_burst_of_typing_still_gets_collected(
    collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start()
    monkeypatch.setattr(idle_gc, "BACKLOG", 100)
    garbage = [[i] for i in range(1_000)]  # young objects piling up
    collector.key()
    assert collector.tick() is True
    assert collections == [1]
    del garbage


def test_every_so_often_a_collection_walks_every_generation(
    collections: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start()
    monkeypatch.setattr(idle_gc, "FULL_EVERY", 3)
    clock.now += 10
    for _ in range(3):
        collector.tick()
    assert collections == [1, 1, 2]
