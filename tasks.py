#!/usr/bin/env python3
"""Set up and run tenktui with nothing but Python 3.11+ installed.

    python3 tasks.py demo          # the app on its built-in demo sandbox
    python3 tasks.py test          # the full test suite, on every core (at most 2 workers)
    python3 tasks.py test --fast   # the same without the tests marked slow
    python3 tasks.py test tests/test_store.py -k undo   # pytest arguments pass through
    python3 tasks.py lint          # ruff check + ruff format --check

The first run creates ``.venv`` beside this file and installs the project with
its dev extra; later runs reinstall only when pyproject.toml has changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TENKTUI_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".tenktui-installed"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"tenktui needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("installing tenktui and its dev tools", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def run(*cmd: str) -> int:
    return subprocess.run(cmd, cwd=ROOT).returncode


# Two workers: the suite's slow tests are subprocesses and servers that wait as much as
# they compute, and CI has two cores; more workers only repeat the session fixtures (the
# demo store and sandbox templates each worker builds once).
MAX_WORKERS = 2


def _names_tests(arg: str) -> bool:
    """Whether a pytest argument is a test path (``tests/x.py``, ``tests/x.py::test``)."""
    return not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists()


def pytest_args(rest: list[str]) -> list[str]:
    """pytest's arguments for ``tasks.py test [--fast] [pytest args...]``.

    The whole suite (no test path given) runs on ``min(cores, 2)`` xdist workers, by
    group (``--dist loadgroup``: tests sharing an expensive module fixture carry one
    ``xdist_group``). Named files run in one process: starting workers costs each of them
    a collection and the session fixtures, more than a few files gain. ``-n`` given
    explicitly wins either way.
    """
    args = [a for a in rest if a != "--fast"]
    if "--fast" in rest:
        if "-m" in args[:-1]:  # one -m counts: fold "not slow" into the one given
            at = args.index("-m") + 1
            args[at] = f"({args[at]}) and not slow"
        else:
            args = ["-m", "not slow", *args]
    explicit = any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = min(cores or 1, MAX_WORKERS)
    if not explicit and workers > 1 and not any(_names_tests(a) for a in args):
        args = ["-n", str(workers), "--dist", "loadgroup", *args]
    return ["-q", *args]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "lint"}:
        print(__doc__)
        return 2
    ensure_venv()
    task, rest = argv[0], argv[1:]
    if task == "demo":
        return run(str(BIN / "tenktui"), "--demo", *rest)
    if task == "lint":
        return run(str(BIN / "ruff"), "check", ".") or run(
            str(BIN / "ruff"), "format", "--check", "."
        )
    return run(str(PYTHON), "-m", "pytest", *pytest_args(rest))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
