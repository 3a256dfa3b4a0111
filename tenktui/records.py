"""Typed records the whole app speaks: backends build them, sync hands them on, the
store writes their fields into columns.

This module names no backend and imports nothing of ``tenktui``: ``api`` (which
builds records), ``sync`` and ``store`` all import it. A record is built by
``Kind.from_api(data)`` from a document whose keys are the record's own field
names (one backend's wire format uses them as they are; the others translate
their rows to them in ``api/``, at the edge):

- documented fields become typed attributes (dates as :class:`datetime.date`;
  timestamps stay the server's string, because ``updated_at`` is compared verbatim
  for approvals and conflict checks);
- any key the record does not know lands in ``extra``, and the whole original
  document is kept in ``raw``, so nothing the server sends is lost and a record can
  be stored exactly as it came;
- nested collections (``{"data": [...], "paging": {...}}`` or a bare list) become
  tuples of records, ``None`` when the field was not asked for;
- ``scope`` (where present) is the grouping the backend says a record belongs to,
  as text: records of one scope only go with records of the same scope (a status
  option with the assignments of its scope); ``None`` means everywhere.

Records are frozen; ``raw`` and ``extra`` are plain dicts and must not be mutated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self, TypeVar

from tenktui.writable import SUBTASK_WRITABLE, TIME_ENTRY_WRITABLE

__all__ = [
    "ALL_RECORDS",
    "FIRST_YEAR",
    "INT_MAX",
    "INT_MIN",
    "LAST_YEAR",
    "NUMBER_LIMIT",
    "Approval",
    "Assignable",
    "Assignment",
    "Availability",
    "Discipline",
    "Doc",
    "Holiday",
    "InvalidRecord",
    "KeyMap",
    "LeaveType",
    "Project",
    "Record",
    "Role",
    "Status",
    "StatusOption",
    "Subtask",
    "SubtaskCounts",
    "Tag",
    "TimeEntry",
    "TimeEntryCategory",
    "User",
    "check_value",
    "collection_items",
    "parse_date",
    "parse_record",
    "valid_records",
]

# Records are validated where the API hands them over: its logger names the route.
log = logging.getLogger("tenktui.api")

Doc = dict[str, Any]
# SQLite's integer range: an id beyond it cannot be stored, looked up or compared.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# A number no field of either API comes near (hours, rates, percentages, sort keys).
NUMBER_LIMIT = 1e12
# Dates the app can do arithmetic on: a week around 9999-12-31 overflows ``datetime``.
FIRST_YEAR, LAST_YEAR = 1900, 9000


class InvalidRecord(ValueError):
    """A document the API sent that must not reach the cache: a non-integer id, a
    number that is not finite or out of range, a bad or missing required field."""


def parse_date(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` value (or the date part of a timestamp); ``None`` if absent or bad.

    A value that is not a date is left to ``raw``: one odd field must not make a
    whole sync fail.
    """
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def collection_items(value: Any) -> list[Doc] | None:
    """The items of a nested collection (envelope or bare list); ``None`` if not one."""
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return [item for item in value["data"] if isinstance(item, dict)]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """Base of every record: an ``id``, the unknown keys and the original document."""

    id: int
    extra: Doc = field(default_factory=dict, repr=False, compare=False)
    raw: Doc = field(default_factory=dict, repr=False, compare=False)

    DATES: ClassVar[frozenset[str]] = frozenset()
    NESTED: ClassVar[dict[str, str]] = {}  # field name -> record class name in this module
    # Fields a listed record must hold to be cached (checked by :func:`parse_record`).
    REQUIRED: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_api(cls, data: Doc) -> Self:
        """Build the record from one document of the API; :class:`InvalidRecord` if
        it must not be used (see :func:`check_value`)."""
        if not isinstance(data, dict):
            raise InvalidRecord(
                f"{cls.__name__}: expected a JSON object, got {type(data).__name__}"
            )
        known = _field_names(cls)
        kinds = _field_kinds(cls)
        values: Doc = {}
        extra: Doc = {}
        for key, value in data.items():
            if key not in known:
                extra[key] = value
            elif key in cls.NESTED:
                values[key] = _nested(cls.NESTED[key], value)
            elif key in cls.DATES:
                values[key] = parse_date(value)
            else:
                values[key] = check_value(cls.__name__, key, value, kinds.get(key))
        record_id = values.get("id")
        if not isinstance(record_id, int) or record_id <= 0:
            raise InvalidRecord(f"{cls.__name__} without an id, or not a positive integer one")
        values.update(cls._derived(data))
        return cls(**values, extra=extra, raw=data)

    @classmethod
    def _derived(cls, data: Doc) -> Doc:
        """Attributes computed from the whole document (none by default)."""
        return {}


_FIELD_CACHE: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    names = _FIELD_CACHE.get(cls)
    if names is None:
        names = frozenset(f.name for f in dataclasses.fields(cls)) - {"extra", "raw"}
        _FIELD_CACHE[cls] = names
    return names


_KIND_CACHE: dict[type, dict[str, type]] = {}


def _field_kinds(cls: type) -> dict[str, type]:
    """The scalar type of each plain field (``int | None`` → ``int``)."""
    kinds = _KIND_CACHE.get(cls)
    if kinds is None:
        kinds = {}
        for name, hint in typing.get_type_hints(cls).items():
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            if isinstance(hint, types.UnionType) and len(args) == 1:
                hint = args[0]
            if hint in (int, float, str, bool):
                kinds[name] = hint
        _KIND_CACHE[cls] = kinds
    return kinds


def check_value(record: str, key: str, value: Any, kind: type | None) -> Any:
    """``value`` if it fits the field's type; :class:`InvalidRecord` if not.

    Integers (ids above all) must be integers in SQLite's range, never ``1.9`` or
    ``true``; numbers finite and below :data:`NUMBER_LIMIT`; text is text; flags are
    booleans. ``None`` always fits: required fields are checked apart.
    """
    if value is None or kind is None:
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
            raise InvalidRecord(f"{record}: {key} is not an integer in range")
    elif kind is float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or abs(value) > NUMBER_LIMIT
        ):
            raise InvalidRecord(f"{record}: {key} is not a finite number in range")
    elif not isinstance(value, kind):
        raise InvalidRecord(f"{record}: {key} is not a {kind.__name__}")
    return value


def _nested(kind: str, value: Any) -> tuple[Any, ...] | Any:
    items = collection_items(value)
    if items is None:
        return value
    record_cls = globals()[kind]
    return tuple(valid_records(record_cls, items, f"nested {kind}"))


R = TypeVar("R", bound="Record")


def parse_record(kind: type[R], data: Any, route: str) -> R | None:
    """The record, or ``None`` (logged with its route) when the document is invalid."""
    try:
        record = kind.from_api(data)
        missing = sorted(k for k in kind.REQUIRED if getattr(record, k) is None)
        if missing:
            raise InvalidRecord(f"{kind.__name__} {record.id} without a valid {', '.join(missing)}")
    except InvalidRecord as err:
        log.warning("skipping a record from %s: %s", route, err)
        return None
    return record


def valid_records(kind: type[R], items: Iterable[Any], route: str) -> Iterator[R]:
    """The valid records of ``items``; each invalid one is skipped and logged."""
    for item in items:
        record = parse_record(kind, item, route)
        if record is not None:
            yield record


# -- lookups -------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag(Record):
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Role(Record):
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Discipline(Record):
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeEntryCategory(Record):
    """An account-level budget category, or a project's budget line item."""

    category: str | None = None
    assignable_id: int | None = None
    assignable_parent_id: int | None = None
    amount: float | None = None
    item_type: str | None = None
    peritem_amount: float | None = None
    peritem_label: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Holiday(Record):
    date: dt.date | None = None
    name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    DATES: ClassVar[frozenset[str]] = frozenset({"date"})


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusOption(Record):
    """A work status for assignments (account level)."""

    label: str | None = None
    color: str | None = None
    stage: str | None = None
    order: float | None = None
    deleted: bool | None = None
    deleted_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    scope: str | None = None  # the assignments it applies to; None: all of them


# -- people --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Availability(Record):
    """A block of custom working hours; ``day0`` is Sunday."""

    user_id: int | None = None
    starts_at: dt.date | None = None
    ends_at: dt.date | None = None
    day0: float | None = None
    day1: float | None = None
    day2: float | None = None
    day3: float | None = None
    day4: float | None = None
    day5: float | None = None
    day6: float | None = None
    created_at: str | None = None
    updated_at: str | None = None

    DATES: ClassVar[frozenset[str]] = frozenset({"starts_at", "ends_at"})

    def hours_on(self, day: dt.date) -> float | None:
        """Available hours on ``day`` if the block covers it, else ``None``."""
        if self.starts_at is not None and day < self.starts_at:
            return None
        if self.ends_at is not None and day > self.ends_at:
            return None
        # date.weekday(): Monday is 0; the API's day0 is Sunday.
        return getattr(self, f"day{(day.weekday() + 1) % 7}")


@dataclass(frozen=True, slots=True, kw_only=True)
class User(Record):
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    email: str | None = None
    user_type_id: int | None = None
    billable: bool | None = None
    hire_date: dt.date | None = None
    termination_date: dt.date | None = None
    mobile_phone: str | None = None
    office_phone: str | None = None
    archived: bool | None = None
    archived_at: str | None = None
    deleted: bool | None = None
    deleted_at: str | None = None
    account_owner: bool | None = None
    invitation_pending: bool | None = None
    guid: str | None = None
    employee_number: str | None = None
    role: str | None = None
    discipline: str | None = None
    location: str | None = None
    type: str | None = None
    license_type: str | None = None
    has_login: bool | None = None
    thumbnail: str | None = None
    title: str | None = None  # a placeholder's name
    created_at: str | None = None
    updated_at: str | None = None
    tags: tuple[Tag, ...] | None = None
    assignments: tuple[Assignment, ...] | None = None
    availabilities: tuple[Availability, ...] | None = None

    DATES: ClassVar[frozenset[str]] = frozenset({"hire_date", "termination_date"})
    NESTED: ClassVar[dict[str, str]] = {
        "tags": "Tag",
        "assignments": "Assignment",
        "availabilities": "Availability",
    }

    @property
    def name(self) -> str:
        """The name to show: display name, else first and last, else the email."""
        if self.display_name:
            return self.display_name
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.email or f"user {self.id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Status(Record):
    """A person's status (ITO, WFH, SIC, OOO, VAC, OOF); the newest is the current one."""

    user_id: int | None = None
    status: str | None = None
    message: str | None = None
    assignable_id: int | None = None
    current_task: str | None = None
    start: str | None = None
    end: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


# -- assignables -----------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Project(Record):
    """A project, or a phase of one (``parent_id`` set)."""

    name: str | None = None
    parent_id: int | None = None
    phase_name: str | None = None
    project_code: str | None = None
    client: str | None = None
    description: str | None = None
    guid: str | None = None
    archived: bool | None = None
    archived_at: str | None = None
    starts_at: dt.date | None = None
    ends_at: dt.date | None = None
    deleted_at: str | None = None
    timeentry_lockout: int | None = None
    project_state: str | None = None
    type: str | None = None
    thumbnail: str | None = None
    use_parent_bill_rates: bool | None = None
    created_at: str | None = None
    updated_at: str | None = None
    tags: tuple[Tag, ...] | None = None
    children: tuple[Project, ...] | None = None

    DATES: ClassVar[frozenset[str]] = frozenset({"starts_at", "ends_at"})
    NESTED: ClassVar[dict[str, str]] = {"tags": "Tag", "children": "Project"}

    @property
    def is_phase(self) -> bool:
        return self.parent_id is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaveType(Record):
    name: str | None = None
    description: str | None = None
    guid: str | None = None
    deleted_at: str | None = None
    type: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignable(Record):
    """What an assignment or time entry points at: a project, phase or leave type."""

    type: str | None = None
    name: str | None = None
    description: str | None = None
    guid: str | None = None
    deleted_at: str | None = None
    starts_at: dt.date | None = None
    ends_at: dt.date | None = None
    parent_id: int | None = None
    phase_name: str | None = None
    project_code: str | None = None
    client: str | None = None
    timeentry_lockout: int | None = None
    archived: bool | None = None
    thumbnail: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    DATES: ClassVar[frozenset[str]] = frozenset({"starts_at", "ends_at"})

    @property
    def is_leave_type(self) -> bool:
        return self.type == "LeaveType"

    @property
    def is_phase(self) -> bool:
        return self.type != "LeaveType" and self.parent_id is not None

    def as_project(self) -> Project:
        return Project.from_api(self.raw)

    def as_leave_type(self) -> LeaveType:
        return LeaveType.from_api(self.raw)


# -- work ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Subtask(Record):
    assignment_id: int | None = None
    assignable_id: int | None = None
    description: str | None = None
    completed: bool | None = None
    updated_by: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    # What a change may set: a backend checks an update's fields against these, and
    # the outbox compares and sends them (named here once, for every layer).
    WRITABLE: ClassVar[tuple[str, ...]] = SUBTASK_WRITABLE


@dataclass(frozen=True, slots=True)
class SubtaskCounts:
    completed: int
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment(Record):
    """A person (or placeholder) on a project, phase or leave type over a date range.

    Only the allocation field of ``allocation_mode`` is present on the wire:
    ``percent`` (1.0 = full time), ``hours_per_day`` or ``fixed_hours`` (in total).
    """

    allocation_mode: str | None = None
    percent: float | None = None
    hours_per_day: float | None = None
    fixed_hours: float | None = None
    user_id: int | None = None
    assignable_id: int | None = None
    starts_at: dt.date | None = None
    ends_at: dt.date | None = None
    bill_rate: float | None = None
    bill_rate_id: int | None = None
    repetition_id: int | None = None
    all_day_assignment: bool | None = None
    resource_request_id: int | None = None
    status: str | None = None
    status_option_id: int | None = None
    description: str | None = None
    note: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    scope: str | None = None
    subtasks: tuple[Subtask, ...] | None = None
    subtask_counts: SubtaskCounts | None = None

    DATES: ClassVar[frozenset[str]] = frozenset({"starts_at", "ends_at"})
    NESTED: ClassVar[dict[str, str]] = {"subtasks": "Subtask"}
    REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"user_id", "assignable_id", "starts_at", "ends_at"}
    )

    @classmethod
    def _derived(cls, data: Doc) -> Doc:
        # The reference asks for fields=subtasks_counts and answers subtask_counts.
        counts = data.get("subtask_counts", data.get("subtasks_counts"))
        if isinstance(counts, dict) and {"completed", "total"} <= counts.keys():
            return {"subtask_counts": SubtaskCounts(counts["completed"], counts["total"])}
        return {"subtask_counts": None}


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval(Record):
    status: str | None = None  # "pending" or "approved"
    approvable_id: int | None = None
    approvable_type: str | None = None
    submitted_by: int | None = None
    submitted_at: str | None = None
    approved_by: int | None = None
    approved_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeEntry(Record):
    """Confirmed time, or a suggestion (``is_suggestion``: ``hours`` is ``None``, read-only).

    ``approvals`` is ``None`` unless they were asked for (``fields=approvals``); an
    empty tuple then means the entry was never submitted.
    """

    user_id: int | None = None
    assignable_id: int | None = None
    assignable_type: str | None = None
    date: dt.date | None = None
    hours: float | None = None
    is_suggestion: bool = False
    scheduled_hours: float | None = None
    task: str | None = None
    notes: str | None = None
    bill_rate: float | None = None
    bill_rate_id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    approvals: tuple[Approval, ...] | None = None

    DATES: ClassVar[frozenset[str]] = frozenset({"date"})
    NESTED: ClassVar[dict[str, str]] = {"approvals": "Approval"}
    REQUIRED: ClassVar[frozenset[str]] = frozenset({"user_id", "assignable_id", "date"})
    # What an update may set, most telling first: a backend checks an update's fields
    # against these, and the store's views of an entry are prefixes of them.
    WRITABLE: ClassVar[tuple[str, ...]] = TIME_ENTRY_WRITABLE

    @property
    def approval(self) -> Approval | None:
        """The latest approval, if any was fetched."""
        if not self.approvals:
            return None
        return max(self.approvals, key=lambda a: (a.updated_at or "", a.id))

    @property
    def approval_status(self) -> str | None:
        approval = self.approval
        return approval.status if approval else None


ALL_RECORDS: tuple[type[Record], ...] = (
    User,
    Project,
    LeaveType,
    Assignable,
    Assignment,
    Subtask,
    TimeEntry,
    Status,
    StatusOption,
    Approval,
    Holiday,
    Availability,
    Role,
    Discipline,
    TimeEntryCategory,
    Tag,
)


class KeyMap(Protocol):
    """Local integer ids for a backend's composite keys, kept for good.

    A backend whose records have no single integer id (time goes to a pair of
    things, a label is only unique within its group) asks for an id per key; the
    ids are local, so they mean something only with the map that gave them out.
    ``space`` separates kinds of key; ``key`` is the backend's own text.
    """

    @property
    def legacy(self) -> bool:
        """The cache was written before this map: its rows may hold the ids the
        backend made up itself then, so the id it is asked to prefer must be kept."""
        ...

    def id_for(self, space: str, key: str, *, prefer: int | None = None) -> int:
        """The key's id, given out now if the key is new (``prefer`` when free)."""
        ...

    def key_of(self, space: str, id_: int) -> str | None:
        """The key an id was given out for; ``None`` for an id never given out."""
        ...
