"""Outbox rows in words, and the two versions of a conflict, for people to decide on.

"Log 2 h on Apollo — Design, Tue 24 Nov", "Set status WFH", "Tick 'Write tests'",
"Submit week of 23 Nov": what a queued edit will do, read from the row and the
cache. The words are each kind's; this is the one place that asks for them, for
the outbox screen and the commands alike.
"""

from __future__ import annotations

from tenktui.kinds.registry import REGISTRY
from tenktui.store.database import Database
from tenktui.store.describe import Field, Versions, value_label
from tenktui.store.outbox import OutboxRow
from tenktui.store.records import Records


class Describer:
    """Puts outbox rows in words, reading what it needs from the cache."""

    def __init__(self, database: Database) -> None:
        self.records = Records(database)

    def label(self, assignable_id: object) -> str:
        """The project, phase or leave type as the person knows it."""
        return self.records.label(assignable_id)

    def describe(self, row: OutboxRow) -> str:
        kind = REGISTRY.get(row.kind)
        return kind.describe(self.records, row) if kind else f"{row.op} {row.kind}"

    def summary(self, row: OutboxRow) -> str:
        """The row in one compact line, for the commands' listings."""
        kind = REGISTRY.get(row.kind)
        return kind.summary(self.records, row) if kind else f"{row.op} {row.kind.replace('_', ' ')}"

    def theirs_note(self, row: OutboxRow) -> str | None:
        """The server's side of a conflict in a sentence, where the kind has one."""
        kind = REGISTRY.get(row.kind)
        return kind.theirs_note(row) if kind else None

    def versions(self, row: OutboxRow) -> Versions:
        """The record as it was when edited (base), as edited (mine), as the server has it."""
        theirs = row.theirs or {"deleted": True}
        deleted = bool(theirs.get("deleted"))
        kind = REGISTRY.get(row.kind)
        base = row.base or {}
        mine = kind.mine(self.records, row) if kind else dict(row.target)
        fields = kind.shown_fields(row) if kind else tuple(row.target)
        return Versions(
            fields=[
                Field(
                    name,
                    value_label(name, base.get(name)) if base else "",
                    value_label(name, mine.get(name)) if mine else "deleted",
                    "deleted" if deleted else value_label(name, theirs.get(name)),
                )
                for name in fields
            ],
            mine_deleted=row.op == "delete",
            theirs_deleted=deleted,
        )
