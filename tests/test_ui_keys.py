"""Every key of the app lives in tenktui/ui/keys.py, as its docstring says."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding

import tenktui.ui
from tenktui.ui import keys


def test_no_class_in_the_ui_declares_its_bindings_inline() -> None:
    lists = {id(value) for value in vars(keys).values() if isinstance(value, list)}
    inline = []
    for info in pkgutil.walk_packages(tenktui.ui.__path__, "tenktui.ui."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            if "BINDINGS" in vars(cls) and id(vars(cls)["BINDINGS"]) not in lists:
                inline.append(f"{module.__name__}.{name}")
    assert inline == []


def test_every_binding_has_an_id_a_keymap_can_name() -> None:
    bindings = [b for value in vars(keys).values() if isinstance(value, list) for b in value]
    missing = [b.action for b in bindings if isinstance(b, Binding) and not b.id]
    assert missing == []
