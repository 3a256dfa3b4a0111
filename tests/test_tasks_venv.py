"""``tasks.py`` installs what a task needs: the demo only its runtime, test and lint the
dev extra, upgrading a demo's venv once (issue 15: a quicker first run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("tasks", Path(__file__).parent.parent / "tasks.py")
assert spec is not None and spec.loader is not None
tasks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tasks)

HASH, OTHER = "a" * 64, "b" * 64


def test_a_new_venv_gets_what_the_task_needs() -> None:
    assert tasks.to_install("demo", None, HASH) == "demo"
    assert tasks.to_install("dev", None, HASH) == "dev"


def test_a_demo_venv_serves_the_demo_and_is_upgraded_for_the_tests() -> None:
    assert tasks.to_install("demo", f"{HASH} demo", HASH) is None
    assert tasks.to_install("dev", f"{HASH} demo", HASH) == "dev"
    assert tasks.to_install("demo", f"{OTHER} demo", HASH) == "demo"


def test_a_dev_venv_serves_both_and_stays_dev_when_pyproject_changes() -> None:
    for stamp in (f"{HASH} dev", HASH):  # a bare hash: a stamp from before the two sets
        assert tasks.to_install("demo", stamp, HASH) is None
        assert tasks.to_install("dev", stamp, HASH) is None
    assert tasks.to_install("demo", f"{OTHER} dev", HASH) == "dev"
    assert tasks.to_install("demo", OTHER, HASH) == "dev"
