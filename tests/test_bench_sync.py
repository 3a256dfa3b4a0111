"""The sync benchmark's replay queues its edits, or says it cannot (benchmarks/sync.py).

Its generator once looped for good: six days and up to 4 h an entry could not hold
1,000 edits once the store refused a day over 24 h."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tenktui.store import InvalidEdit, Store
from tests.conftest import TODAY

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "sync.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_sync", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


@pytest.fixture
def store(synced_store: Path, tmp_path: Path) -> Store:
    copy = tmp_path / "store.db"
    shutil.copy(synced_store, copy)
    opened = Store(copy, today=lambda: TODAY)
    yield opened
    opened.close()


def test_the_replay_queues_as_many_edits_as_asked(bench: ModuleType, store: Store) -> None:
    before = store.outbox.counts().pending
    attempts = bench.queue_edits(store, 300, TODAY)
    assert store.outbox.counts().pending == before + 300
    assert attempts <= 300 * 20


def test_a_store_that_takes_no_more_edits_ends_the_replay_with_a_reason(
    bench: ModuleType, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> int:
        raise InvalidEdit("Tue 24 Nov would be over 24 hours.")

    monkeypatch.setattr(store.edits, "create_entry", refused)
    with pytest.raises(SystemExit, match="took 0 of 5 edits in 100 attempts"):
        bench.queue_edits(store, 5, TODAY)
