"""Outbox rows in words, and the two versions of a conflict, for people to decide on.

"Log 2 h on Apollo — Design, Tue 24 Nov", "Set status WFH", "Tick 'Write tests'",
"Submit week of 23 Nov": what a queued edit will do, read from the row and the
cache (labels of projects, the entry or subtask it changes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tenktui.store.database import Database
from tenktui.store.outbox import OutboxRow
from tenktui.store.validation import display_name

ENTRY_FIELDS = ("hours", "task", "notes", "date")
SUBTASK_FIELDS = ("description", "completed")


def day_label(value: str | dt.date | None) -> str:
    """``Tue 24 Nov``."""
    if not value:
        return "?"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day:%a} {day.day} {day:%b}"


def hours_label(value: Any) -> str:
    """``2 h``, ``1.5 h``."""
    if value is None:
        return "?"
    return f"{round(float(value), 2):g} h"


class Describer:
    """Reads what an outbox row needs from the cache to be put in words."""

    def __init__(self, database: Database) -> None:
        self.d = database

    def label(self, assignable_id: Any) -> str:
        """The project, phase or leave type as the person knows it."""
        return self._label(assignable_id)

    def _label(self, assignable_id: Any) -> str:
        row = self.d.row(
            "SELECT id, kind, name, phase_name FROM assignables WHERE id = ?", (assignable_id,)
        )
        return display_name(row) if row else f"#{assignable_id}"

    def _entry(self, row: OutboxRow) -> dict[str, Any]:
        """The entry's fields as the edit sees them: the local copy, then the base."""
        local = self.d.row("SELECT * FROM time_entries WHERE id = ?", (row.local_id,)) or {}
        return {**(row.base or {}), **{k: v for k, v in local.items() if v is not None}}

    def _subtask(self, row: OutboxRow) -> dict[str, Any]:
        return self.d.row("SELECT * FROM subtasks WHERE id = ?", (row.local_id,)) or {}

    def describe(self, row: OutboxRow) -> str:
        t = row.target
        if row.kind == "time_entry":
            entry = {**self._entry(row), **t} if row.op == "create" else self._entry(row)
            where = f"on {self._label(entry.get('assignable_id'))}, {day_label(entry.get('date'))}"
            if row.op == "create":
                return f"Log {hours_label(t.get('hours'))} {where}"
            if row.op == "delete":
                hours = (row.base or {}).get("hours", entry.get("hours"))
                return f"Delete {hours_label(hours)} {where}"
            what = []
            if "hours" in t:
                what.append(f"hours to {hours_label(t['hours'])}")
            what += [k for k in ("task", "notes") if k in t]
            return f"Change {' and '.join(what) or 'entry'} {where}"
        if row.kind == "status":
            message = t.get("message")
            return f"Set status {t.get('status')}" + (f': "{message}"' if message else "")
        if row.kind == "subtask":
            sub = self._subtask(row)
            name = t.get("description") or sub.get("description") or "?"
            if row.op == "create":
                return f"Add subtask '{name}'"
            if row.op == "delete":
                return f"Delete subtask '{sub.get('description') or '?'}'"
            parts = []
            old = (row.base or {}).get("description")
            if "description" in t and old and old != t["description"]:
                parts.append(f"Rename '{old}' to '{t['description']}'")
                name = t["description"]
            if "completed" in t:
                parts.append(f"{'Tick' if t['completed'] else 'Untick'} '{name}'")
            return "; ".join(parts) or f"Change subtask '{name}'"
        if row.kind == "approval":
            start = t.get("week_start")
            count = len(t.get("entries") or [])
            day = dt.date.fromisoformat(start) if start else None
            week = f"{day.day} {day:%b}" if day else "?"
            return f"Submit week of {week} ({count} entr{'y' if count == 1 else 'ies'})"
        if row.kind == "assignment":
            what = self.d.row(
                "SELECT s.name, s.phase_name, s.kind, a.description FROM assignments a "
                "LEFT JOIN assignables s ON s.id = a.assignable_id WHERE a.id = ?",
                (row.local_id,),
            )
            option = self.d.scalar(
                "SELECT label FROM status_options WHERE id = ?", (t.get("status_option_id"),)
            )
            name = (what and (what["description"] or what["name"])) or f"#{row.local_id}"
            return f"Set '{name}' to {option or 'no status'}"
        return f"{row.op} {row.kind}"

    def versions(self, row: OutboxRow) -> Versions:
        """The record as it was when edited (base), as edited (mine), as the server has it."""
        theirs = row.theirs or {"deleted": True}
        deleted = bool(theirs.get("deleted"))
        if row.kind == "time_entry":
            base = row.base or {}
            mine = {} if row.op == "delete" else {**base, **self._entry(row), **row.target}
            fields = ENTRY_FIELDS
        elif row.kind == "subtask":
            sub = self._subtask(row)
            base = row.base or {}
            mine = {} if row.op == "delete" else {**sub, **row.target}
            fields = SUBTASK_FIELDS
        else:
            base, mine, fields = row.base or {}, dict(row.target), tuple(row.target)
        return Versions(
            fields=[
                Field(
                    name,
                    _value(name, base.get(name)) if base else "",
                    _value(name, mine.get(name)) if mine else "deleted",
                    "deleted" if deleted else _value(name, theirs.get(name)),
                )
                for name in fields
            ],
            mine_deleted=row.op == "delete",
            theirs_deleted=deleted,
        )


@dataclass(frozen=True)
class Field:
    name: str
    base: str
    mine: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs


@dataclass(frozen=True)
class Versions:
    fields: list[Field]
    mine_deleted: bool = False
    theirs_deleted: bool = False


def _value(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "hours":
        return hours_label(value)
    if name == "date":
        return day_label(value)
    if name == "completed":
        return "done" if value else "not done"
    return str(value)


def parse_stamp(value: str | None) -> dt.datetime | None:
    """A UTC timestamp as the API and the outbox write them (``2026-11-23T09:12:00Z``)."""
    if not value:
        return None
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def ago(value: str | None, now: dt.datetime | None = None) -> str:
    """How long ago a timestamp was: ``just now``, ``5 min ago``, ``3 h ago``, ``2 d ago``."""
    stamp = parse_stamp(value)
    if stamp is None:
        return "—"
    seconds = ((now or dt.datetime.now(dt.UTC)) - stamp).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def when_label(value: str | None, today: dt.date | None = None) -> str:
    """A timestamp in local time: ``today 09:12`` or ``24 Nov 09:12``."""
    stamp = parse_stamp(value)
    if stamp is None:
        return "—"
    local = stamp.astimezone()
    if local.date() == (today or dt.date.today()):
        return f"today {local:%H:%M}"
    return f"{local.day} {local:%b %H:%M}"
