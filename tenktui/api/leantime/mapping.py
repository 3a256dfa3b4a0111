"""Leantime rows as the payloads the store and sync engine speak (10,000ft-shaped).

Translation happens here, at the edge, once:

- **assignables**: time in Leantime goes to a *ticket* with an *hour kind*, so each
  (ticket, kind) is an assignable, with an id from the key map (:mod:`.ids`). The
  six kinds Leantime ships with have fixed slots 0-5; kinds a site added get slots
  6-15 in name order. A kind that does not fit is not offered.
- **time entries**: a timesheet row (one per user, ticket, work date and kind);
  its date is the work date read in the profile's timezone; ``notes`` is the
  description; ``updated_at`` comes from ``modified``.
- **assignments**: the person's open tickets (id = ticket id), with the ticket's
  dates (``editFrom``/``editTo``, else the due date) and plan hours as fixed hours.
- **subtasks**: child tickets; done when their status is of the DONE type.
- **status options**: a project's status labels, with an id from the key map for
  (project, status) (labels are per project and their ids repeat).

Every payload keeps the Leantime row under ``"leantime"``, so nothing is lost.
Assignments and status options carry their project as ``scope`` (text): a
project's ticket statuses apply to its tickets only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from tenktui.api.leantime.ids import SLOTS, Ids
from tenktui.records import FIRST_YEAR, INT_MAX, INT_MIN, LAST_YEAR, NUMBER_LIMIT

Row = dict[str, Any]
_INTEGER = re.compile(r"[+-]?\d{1,19}(\.0*)?")
_DECIMAL = re.compile(r"[+-]?(\d{1,15}(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?")

DB_FORMAT = "%Y-%m-%d %H:%M:%S"
EMPTY_DATES = ("", "0000-00-00 00:00:00", "0000-00-00", "1969-12-31 00:00:00")
KIND_LABELS = {
    "GENERAL_BILLABLE": "General, billable",
    "GENERAL_NOT_BILLABLE": "General, not billable",
    "PROJECTMANAGEMENT": "Project management",
    "DEVELOPMENT": "Development",
    "BUGFIXING_NOT_BILLABLE": "Bug fixing, not billable",
    "TESTING": "Testing",
}
KNOWN_KINDS = tuple(KIND_LABELS)
ROLES = {5: "read-only", 10: "commenter", 20: "editor", 30: "manager", 40: "admin", 50: "owner"}
STAGES = {"NEW": "planned", "INPROGRESS": "in_progress", "DONE": "done", "NONE": "archived"}


class Kinds:
    """A site's hour kinds and their slots (the kinds offered, in a fixed order)."""

    def __init__(self, names: Iterable[str]) -> None:
        extra = sorted(set(names) - set(KNOWN_KINDS))
        self.by_slot: dict[int, str] = dict(enumerate(KNOWN_KINDS))
        for slot, name in enumerate(extra, start=len(KNOWN_KINDS)):
            if slot < SLOTS:
                self.by_slot[slot] = name
        self.slots = {name: slot for slot, name in self.by_slot.items()}

    def __iter__(self):
        return iter(self.by_slot.values())

    def slot(self, kind: str) -> int | None:
        return self.slots.get(kind)

    def kind(self, slot: int) -> str | None:
        return self.by_slot.get(slot)

    @staticmethod
    def label(kind: str) -> str:
        return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


# -- dates ---------------------------------------------------------------------


def parse_moment(value: Any) -> dt.datetime | None:
    """A Leantime date-time (``Y-m-d H:i:s`` in UTC, or ISO 8601) as an aware UTC
    datetime; ``None`` for an empty or unreadable one (3.8 keeps ``0000-00-00``)."""
    if not isinstance(value, str) or value.strip() in EMPTY_DATES:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        moment = moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # unreadable, or past the ends of datetime
        return None
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None


def to_db(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(DB_FORMAT)


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def midnight_epoch(day: dt.date, zone: ZoneInfo) -> int:
    """The work date Leantime expects: epoch seconds of the day's local midnight."""
    return int(local_midnight(day, zone).timestamp())


def utc_range(start: dt.date, end: dt.date, zone: ZoneInfo) -> tuple[str, str]:
    """``dateFrom``/``dateTo`` (inclusive, UTC) covering local days ``start``..``end``."""
    first = local_midnight(start, zone)
    after = local_midnight(end + dt.timedelta(days=1), zone) - dt.timedelta(seconds=1)
    return to_db(first), to_db(after)


def local_date(value: Any, zone: ZoneInfo) -> dt.date | None:
    moment = parse_moment(value)
    if moment is None:
        return None
    try:
        return moment.astimezone(zone).date()
    except (ValueError, OverflowError):
        return None


def stamp(value: Any) -> str | None:
    """A Leantime date-time as the API's ``YYYY-MM-DDTHH:MM:SSZ``."""
    moment = parse_moment(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def as_int(value: Any) -> int | None:
    """An integer sent as a number or as text (PHP sends both); ``None`` for anything
    else: ``1.9`` is not the id 1, and infinities, NaN, flags and integers SQLite
    cannot hold are no integers at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip().split(".")[0])
    else:
        return None
    return number if number is not None and INT_MIN <= number <= INT_MAX else None


def as_float(value: Any) -> float | None:
    """A finite number in range sent as a number or as text; ``None`` for anything else."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, str) and not _DECIMAL.fullmatch(value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and abs(number) <= NUMBER_LIMIT else None


def scope_of(project_id: int | None) -> str | None:
    """A project id as the neutral ``scope`` of the records that belong to it."""
    return str(project_id) if project_id is not None else None


def as_id(value: Any) -> int | None:
    """A record id: a positive integer (see :func:`as_int`)."""
    number = as_int(value)
    return number if number is not None and number > 0 else None


# -- payloads ------------------------------------------------------------------


def user(row: Row) -> Row:
    first, last = row.get("firstname") or "", row.get("lastname") or ""
    return {
        "id": as_id(row.get("id")),  # an invalid one is refused when the record is built
        "email": row.get("username"),
        "first_name": first,
        "last_name": last,
        "display_name": f"{first} {last}".strip() or row.get("username") or "",
        "role": ROLES.get(as_int(row.get("role")) or 0, str(row.get("role") or "")),
        "archived": str(row.get("status") or "a").lower() != "a",
        "type": "User",
        "leantime": row,
    }


def assignable(
    ticket: Row,
    kind: str,
    kinds: Kinds,
    ids: Ids,
    zone: ZoneInfo,
    *,
    default_kind: str,
    archived: bool = False,
) -> Row | None:
    slot = kinds.slot(kind)
    if slot is None:
        return None
    ticket_id = as_id(ticket.get("id"))
    if ticket_id is None:
        return None
    project = ticket.get("projectName") or f"Project {ticket.get('projectId')}"
    name = f"{project} — {ticket.get('headline') or f'#{ticket_id}'}"
    if kind != default_kind:
        name += f" · {kinds.label(kind)}"
    return {
        "id": ids.assignable(ticket_id, kind, slot),
        "type": "Project",
        "name": name,
        "phase_name": kinds.label(kind),
        "parent_id": None,
        "project_code": f"#{ticket_id}",
        "client": ticket.get("clientName"),
        "description": None,
        "archived": archived,
        "timeentry_lockout": -1,
        "starts_at": _iso(local_date(ticket.get("editFrom"), zone)),
        "ends_at": _iso(
            local_date(ticket.get("editTo"), zone) or local_date(ticket.get("dateToFinish"), zone)
        ),
        "created_at": stamp(ticket.get("date")),
        "updated_at": stamp(ticket.get("modified")),
        "leantime": {
            "ticket_id": ticket_id,
            "kind": kind,
            "project_id": as_int(ticket.get("projectId")),
            "type": ticket.get("type"),
        },
    }


def time_entry(row: Row, kinds: Kinds, ids: Ids, zone: ZoneInfo) -> Row | None:
    kind = str(row.get("kind"))
    slot = kinds.slot(kind)
    day = local_date(row.get("workDate"), zone)
    entry_id, ticket_id, hours = (
        as_id(row.get("id")),
        as_id(row.get("ticketId")),
        as_float(row.get("hours")),
    )
    user_id = as_id(row.get("userId"))
    if slot is None or day is None or entry_id is None or ticket_id is None or user_id is None:
        return None
    if hours is None and row.get("hours") not in (None, ""):
        return None  # hours that are not a number: the row cannot be shown or summed
    modified = stamp(row.get("modified"))
    return {
        "id": entry_id,
        "user_id": user_id,
        "assignable_id": ids.assignable(ticket_id, kind, slot),
        "assignable_type": "Project",
        "date": day.isoformat(),
        "hours": hours or 0.0,
        "notes": row.get("description") or None,
        "task": None,
        "is_suggestion": False,
        "created_at": modified,
        "updated_at": modified,
        "leantime": row,
    }


def assignment(
    ticket: Row,
    kinds: Kinds,
    ids: Ids,
    zone: ZoneInfo,
    *,
    default_kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Row | None:
    """An open ticket as an assignment; ``None`` when it starts after ``end``.

    An open ticket is work still to do: one without dates covers the whole
    window, and one past its dates is stretched to the window's start, so the
    cache's window replacement always sees it.
    """
    created = local_date(ticket.get("date"), zone)
    starts = local_date(ticket.get("editFrom"), zone)
    ends = local_date(ticket.get("editTo"), zone) or local_date(ticket.get("dateToFinish"), zone)
    if starts is None:
        starts = min(created, ends) if created and ends else (created or ends or start)
    if ends is None:
        ends = end or starts
    if starts is None or ends is None:
        return None
    if ends < starts:
        starts, ends = ends, starts
    if end is not None and starts > end:
        return None
    if start is not None and ends < start:
        ends = start
    # A default kind the site does not have: the ticket's general, billable time.
    kind = default_kind if kinds.slot(default_kind) is not None else KNOWN_KINDS[0]
    ticket_id = as_id(ticket.get("id"))
    if ticket_id is None:
        return None
    project_id = as_int(ticket.get("projectId"))
    status = as_int(ticket.get("status"))
    return {
        "id": ticket_id,
        "user_id": as_int(ticket.get("editorId")),
        "assignable_id": ids.assignable(ticket_id, kind, kinds.slot(kind) or 0),
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "allocation_mode": "fixed",
        "fixed_hours": as_float(ticket.get("planHours")) or 0.0,
        "percent": None,
        "hours_per_day": None,
        "description": ticket.get("headline"),
        "status": ticket.get("statusLabel"),
        "status_option_id": ids.status_option(project_id, status)
        if project_id is not None and status is not None
        else None,
        "scope": scope_of(project_id),
        "created_at": stamp(ticket.get("date")),
        "updated_at": stamp(ticket.get("modified")),
        "leantime": ticket,
    }


def subtask(ticket: Row, parent_assignable: int, labels: dict[int, Row]) -> Row:
    label = labels.get(as_int(ticket.get("status")) or 0) if labels else None
    return {
        "id": as_id(ticket.get("id")),  # an invalid one is refused when the record is built
        "assignment_id": as_int(ticket.get("dependingTicketId")),
        "assignable_id": parent_assignable,
        "description": ticket.get("headline") or "",
        "completed": bool(label and label.get("statusType") == "DONE"),
        "created_at": stamp(ticket.get("date")),
        "updated_at": stamp(ticket.get("modified")),
        "leantime": ticket,
    }


def status_option(project_id: int, status_id: int, label: Row, ids: Ids) -> Row:
    return {
        "id": ids.status_option(project_id, status_id),
        "label": label.get("name") or str(status_id),
        "color": label.get("class"),
        "stage": STAGES.get(str(label.get("statusType")), "in_progress"),
        "order": as_float(label.get("sortKey")),
        "deleted": False,
        "scope": scope_of(project_id),
        "leantime": {"project_id": project_id, "status_id": status_id, **label},
    }


def labels_from(result: Any) -> dict[int, Row]:
    """``getStatusLabels``' answer (``{"3": {...}}``) keyed by status id."""
    if not isinstance(result, dict):
        return {}
    found = {}
    for key, label in result.items():
        status = as_int(key)
        if status is not None and isinstance(label, dict):
            found[status] = label
    return found


def status_of_type(labels: dict[int, Row], status_type: str, default: int) -> int:
    """The first status (by sort key) of a type: NEW for open, DONE for completed."""
    matching = sorted(
        (float(label.get("sortKey") or 0), status)
        for status, label in labels.items()
        if label.get("statusType") == status_type
    )
    return matching[0][1] if matching else default
