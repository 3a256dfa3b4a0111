#!/usr/bin/env python3
"""Set up and run tenktui with nothing but Python 3.11+ installed.

    python3 tasks.py demo   # the app on its built-in demo sandbox
    python3 tasks.py test   # lint-free test suite
    python3 tasks.py lint   # ruff check + ruff format --check

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
    return run(str(PYTHON), "-m", "pytest", "-q", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
