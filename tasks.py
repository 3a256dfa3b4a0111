#!/usr/bin/env python3
"""Set up and run tenktui with nothing but Python 3.11+ installed.

    python3 tasks.py demo          # the app on its built-in demo sandbox
    python3 tasks.py test          # the full test suite, one worker more than cores (at most 3)
    python3 tasks.py test --fast   # the same without the tests marked slow
    python3 tasks.py test tests/test_store.py -k undo   # pytest arguments pass through
    python3 tasks.py lint          # ruff check + ruff format --check

The first run creates ``.venv`` beside this file. ``demo`` installs only what the
app needs (the runtime dependencies, and the source tree on the path: no build);
``test`` and ``lint`` install the project with its dev extra, upgrading a demo's
``.venv`` the first time. Later runs reinstall only when pyproject.toml has changed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
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


# What a .venv holds, as its stamp says: "demo" (runtime dependencies, the source on the
# path) or "dev" (an editable install with the dev extra, which covers the demo too).
DEMO, DEV = "demo", "dev"
SOURCE_PTH = "tenktui-source.pth"


def _site_packages() -> Path:
    found = subprocess.run(
        [str(PYTHON), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(found.stdout.strip())


def _pip_for_bare_venv() -> list[str]:
    """pip for a venv made without one (making it with pip costs seconds: ensurepip
    installs and compiles pip and setuptools). This interpreter's own pip drives the
    venv when it can (``--python``, pip 22.3+); else the pip wheel Python ships runs
    from the zip."""
    try:
        version = importlib.metadata.version("pip")
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    if tuple(int(p) for p in version.split(".")[:2] if p.isdigit()) >= (22, 3):
        return [sys.executable, "-m", "pip", "--python", str(PYTHON)]
    import ensurepip

    wheels = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
    if not wheels:
        return []
    return [str(PYTHON), f"{wheels[-1]}/pip"]


def _install_demo(pip: list[str]) -> None:
    """The runtime dependencies, uncompiled (the demo compiles what it imports, a
    fraction of them), and the source tree on the path instead of an editable build."""
    import tomllib  # here: tasks.py must start on an old Python to say it is too old

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    subprocess.run([*pip, "install", "--no-compile", *project["dependencies"]], check=True)
    (_site_packages() / SOURCE_PTH).write_text(f"{ROOT}\n")


def _install_dev() -> None:
    if subprocess.run([str(PYTHON), "-m", "pip", "--version"], capture_output=True).returncode:
        subprocess.run([str(PYTHON), "-m", "ensurepip", "--default-pip"], check=True)
    (_site_packages() / SOURCE_PTH).unlink(missing_ok=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)


def to_install(need: str, stamp: str | None, wanted: str) -> str | None:
    """What to install in a venv whose stamp reads ``stamp`` (None: a new venv) for a
    task that needs ``need``: None when it already holds enough. A dev venv covers the
    demo and stays dev when pyproject.toml changes; a bare hash is a dev stamp (the days
    every install was dev)."""
    digest, _, held = (stamp or "").partition(" ")
    held = (held or DEV) if digest else ""
    if digest == wanted and held in {DEV, need}:
        return None
    return DEV if held == DEV else need


def ensure_venv(need: str = DEV) -> None:
    """A .venv holding at least ``need`` (``demo`` or ``dev``) for this pyproject.toml."""
    if sys.version_info < (3, 11):
        sys.exit(f"tenktui needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    fresh = not PYTHON.exists()
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = STAMP.read_text() if not fresh and STAMP.exists() else None
    install = to_install(need, stamp, wanted)
    if install is None:
        return
    if fresh:
        print(f"creating virtual environment in {VENV}", flush=True)
    if install == DEMO:
        pip = _pip_for_bare_venv()
        if fresh:
            venv.EnvBuilder(with_pip=not pip).create(VENV)
        print("installing what the demo needs", flush=True)
        pip = pip or [str(PYTHON), "-m", "pip"]
        _install_demo([*pip, "--disable-pip-version-check", "-q"])
    else:
        if fresh:
            venv.EnvBuilder(with_pip=True).create(VENV)
        print("installing tenktui and its dev tools", flush=True)
        _install_dev()
    STAMP.write_text(f"{wanted} {install}")


def run(*cmd: str) -> int:
    return subprocess.run(cmd, cwd=ROOT).returncode


# One worker more than the cores, at most three: the suite's slow tests are subprocesses
# and servers that wait as much as they compute (two workers kept CI's two cores 157 %
# busy; three, 177 %, and the suite took 748 s instead of 784). More only repeat the
# session fixtures (the demo store and sandbox templates each worker builds once).
MAX_WORKERS = 3


def _names_tests(arg: str) -> bool:
    """Whether a pytest argument is a test path (``tests/x.py``, ``tests/x.py::test``)."""
    return not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists()


def pytest_args(rest: list[str]) -> list[str]:
    """pytest's arguments for ``tasks.py test [--fast] [pytest args...]``.

    The whole suite (no test path given) runs on ``min(cores + 1, 3)`` xdist workers, by
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
    workers = min((cores or 1) + 1, MAX_WORKERS)
    if not explicit and workers > 1 and not any(_names_tests(a) for a in args):
        args = ["-n", str(workers), "--dist", "loadgroup", *args]
    return ["-q", *args]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "lint"}:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    ensure_venv(DEMO if task == "demo" else DEV)
    if task == "demo":
        return run(str(PYTHON), "-m", "tenktui", "--demo", *rest)
    if task == "lint":
        return run(str(BIN / "ruff"), "check", ".") or run(
            str(BIN / "ruff"), "format", "--check", "."
        )
    return run(str(PYTHON), "-m", "pytest", *pytest_args(rest))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
