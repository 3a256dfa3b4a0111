"""The core layers never import Textual (Harlequin's rule, checked in a subprocess)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["tenktui.api", "tenktui.store", "tenktui.sync", "tenktui.sandbox"]


@pytest.mark.parametrize("package", CORE)
def test_core_package_does_not_import_textual(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{package} pulled in {out.stdout.strip()}"
