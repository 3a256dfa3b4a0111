"""Which record kinds exist: the outbox's ``kind`` column names one of these."""

from __future__ import annotations

from typing import Any

from tenktui.kinds.base import RecordKind

REGISTRY: dict[str, RecordKind[Any]] = {}


def register(kind: RecordKind[Any]) -> RecordKind[Any]:
    """Make a kind known by its name (one line per kind, in ``tenktui.kinds``)."""
    if kind.name in REGISTRY and type(REGISTRY[kind.name]) is not type(kind):
        raise ValueError(f"a record kind named {kind.name!r} is already registered")
    REGISTRY[kind.name] = kind
    return kind


def kind_for(name: str) -> RecordKind[Any]:
    """The kind an outbox row names; ``KeyError`` for a kind this tenktui does not know."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no record kind named {name!r}") from None
