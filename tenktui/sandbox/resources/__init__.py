"""Handlers of the emulated API, one module per group of resources.

Importing a module registers its routes on :data:`tenktui.sandbox.http.router`;
:func:`load` imports every module of this package once.
"""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load() -> None:
    """Import every resource module so its routes are registered."""
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True
