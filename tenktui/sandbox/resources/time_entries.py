"""Time entries: confirmed ones stored, suggested ones computed from the schedule.

Listings put the confirmed entries first, in the requested order, then the
suggestions (``with_suggestions=true``) by date, person and assignable, in the
same direction. Both parts are deterministic, so page N is the same page on
every call while the data does not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tenktui.sandbox import models, suggestions
from tenktui.sandbox.http import (
    ApiError,
    Doc,
    Page,
    Request,
    bad_request,
    nested,
    not_found,
    page_params,
    paging_block,
    router,
    unprocessable,
)
from tenktui.sandbox.resources.projects import phase_ids

ASSIGNABLE_KEYS = ("assignable_id", "project_id", "leave_type_id")
TEXT_LIMIT = 256  # task and notes must be shorter than this
MAX_HOURS = 24.0
SORT_FIELDS = {"created": "created_at", "updated": "updated_at"}
SORT_ORDERS = {"ascending": "ASC", "descending": "DESC"}
READ_ONLY = "suggested time entries are read-only: create a confirmed entry for that day instead"


# -- reading ---------------------------------------------------------------


@router.route("GET", "/time_entries")
def list_time_entries(req: Request) -> Page:
    return _list(req)


@router.route("GET", "/users/{user_id}/time_entries")
def list_user_time_entries(req: Request) -> Page:
    user_id = req.path_int("user_id")
    _require_person(req, user_id)
    return _list(req, user_id=user_id)


@router.route("GET", "/projects/{project_id}/time_entries")
def list_project_time_entries(req: Request) -> Page:
    return _list(req, assignable_ids=_project_and_phases(req, req.path_int("project_id")))


@router.route("GET", "/time_entries/{id}")
def show_time_entry(req: Request) -> Doc:
    return _with_fields(req, [_find(req, req.path_int("id"))])[0]


@router.route("GET", "/users/{user_id}/time_entries/{id}")
def show_user_time_entry(req: Request) -> Doc:
    user_id = req.path_int("user_id")
    _require_person(req, user_id)
    entry = _find(req, req.path_int("id"))
    if entry["user_id"] != user_id:
        raise not_found("Time entry")
    return _with_fields(req, [entry])[0]


@router.route("GET", "/projects/{project_id}/time_entries/{id}")
def show_project_time_entry(req: Request) -> Doc:
    scope = _project_and_phases(req, req.path_int("project_id"))
    entry = _find(req, req.path_int("id"))
    if entry["assignable_id"] not in scope:
        raise not_found("Time entry")
    return _with_fields(req, [entry])[0]


def _find(req: Request, id_: int) -> Doc:
    if suggestions.is_suggestion_id(id_):
        found = suggestions.find_suggestion(req.db, id_)
    else:
        found = req.db.get("time_entries", id_)
    if found is None:
        raise not_found("Time entry")
    return found


def _require_person(req: Request, person_id: int) -> Doc:
    """A user or a placeholder (placeholders have suggested time only)."""
    found = req.db.get("users", person_id) or req.db.get("placeholders", person_id)
    if found is None:
        raise not_found("User")
    return found


def _project_and_phases(req: Request, project_id: int) -> set[int]:
    req.require("projects", project_id, "Project")
    return {project_id, *phase_ids(req.db, project_id)}


def _order(req: Request) -> tuple[str, bool]:
    """SQL ORDER BY for the confirmed entries, and whether it is descending."""
    field = req.query.get("sort_field") or None
    direction = req.query.get("sort_order") or "ascending"
    if field is not None and field not in SORT_FIELDS:
        raise bad_request(f"sort_field must be created or updated, got {field!r}")
    if direction not in SORT_ORDERS:
        raise bad_request(f"sort_order must be ascending or descending, got {direction!r}")
    sql_dir = SORT_ORDERS[direction]
    order = f"id {sql_dir}"
    if field is not None:
        order = f"{SORT_FIELDS[field]} {sql_dir}, {order}"
    return order, direction == "descending"


def _list(
    req: Request, *, user_id: int | None = None, assignable_ids: set[int] | None = None
) -> Page:
    start, end = req.query_date("from"), req.query_date("to")
    order, descending = _order(req)
    clauses, params = [], []
    if user_id is not None:
        clauses.append("user_id = ?")
        params.append(user_id)
    if assignable_ids is not None:
        ids = sorted(assignable_ids)
        clauses.append(f"assignable_id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if start is not None:
        clauses.append("date >= ?")
        params.append(start.isoformat())
    if end is not None:
        clauses.append("date <= ?")
        params.append(end.isoformat())
    where = " AND ".join(clauses) or "1=1"

    if not req.flag("with_suggestions"):
        page = req.page(kind="time_entries", where=where, params=params, order=order)
    else:
        page = _page_with_suggestions(
            req, where, params, order, descending, user_id, start, end, assignable_ids
        )
    page.data = _with_fields(req, page.data)
    return page


def _page_with_suggestions(
    req: Request,
    where: str,
    params: Sequence[Any],
    order: str,
    descending: bool,
    user_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
    assignable_ids: set[int] | None,
) -> Page:
    """Confirmed entries first, then suggestions; suggestions only computed when reached."""
    db = req.db
    number, per_page = page_params(req.query, req.page_cap)
    offset = (number - 1) * per_page
    confirmed = db.count("time_entries", where, params)
    chunk: list[Doc] = []
    if offset < confirmed:
        chunk = db.query("time_entries", where, params, order, limit=per_page, offset=offset)
    if offset + per_page < confirmed:
        has_next = True
    else:
        suggested = suggestions.suggestions_for(
            db, user_id, start, end, assignable_ids, cached=True
        )
        if descending:
            suggested.reverse()
        skip = max(0, offset - confirmed)
        room = per_page - len(chunk)
        chunk.extend(suggested[skip : skip + room])
        has_next = skip + room < len(suggested)
    query = {**req.path_params, **req.query}
    return Page(chunk, paging_block(req.path, query, number, per_page, has_next, req.link_origin))


def _with_fields(req: Request, entries: list[Doc]) -> list[Doc]:
    if "approvals" not in req.fields():
        return entries
    _, per_page = page_params(req.query, req.page_cap)
    ids = [e["id"] for e in entries if not e.get("is_suggestion")]
    by_entry: dict[int, list[Doc]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for approval in req.db.query("approvals", f"approvable_id IN ({marks})", chunk):
            if approval.get("approvable_type") == "TimeEntry":
                by_entry.setdefault(approval["approvable_id"], []).append(approval)
    return [
        {**e, "approvals": nested(by_entry.get(e["id"], []), "/approvals", per_page)}
        for e in entries
    ]


# -- validation ------------------------------------------------------------


def check_can_enter_time(req: Request, user_id: int) -> Doc:
    """The user, if confirmed time may be entered for them."""
    user = req.db.get("users", user_id)
    if user is None:
        if req.db.get("placeholders", user_id) is not None:
            raise unprocessable(
                f"time cannot be entered for placeholders ({user_id} is a placeholder)"
            )
        raise not_found("User")
    if user.get("license_type") == "managed_resource":
        raise unprocessable(f"time cannot be entered for managed resources (user {user_id} is one)")
    if user.get("archived"):
        raise unprocessable(f"user {user_id} is archived: time cannot be entered for them")
    return user


def _body_assignable_id(req: Request) -> int | None:
    """The one assignable the body names through any of its interchangeable keys."""
    given = {key: req.body_int(key) for key in ASSIGNABLE_KEYS if key in req.body}
    values = {v for v in given.values() if v is not None}
    if len(values) > 1:
        named = ", ".join(f"{k}={v}" for k, v in given.items() if v is not None)
        raise unprocessable(
            f"assignable_id, project_id and leave_type_id name the same thing; "
            f"give one of them, not {named}"
        )
    return values.pop() if values else None


def _assignable(req: Request, assignable_id: int) -> tuple[Doc, str]:
    """``(document, assignable_type)`` of a project, phase or leave type."""
    project = req.db.get("projects", assignable_id)
    if project is not None:
        return project, "Project"
    leave = req.db.get("leave_types", assignable_id)
    if leave is not None:
        return leave, "LeaveType"
    raise unprocessable(f"assignable {assignable_id} is not a project, phase or leave type")


def _label(doc: Doc) -> str:
    name = doc.get("phase_name") if doc.get("parent_id") else doc.get("name")
    return f"{name!r} ({doc['id']})" if name else str(doc["id"])


def check_open_for_time(req: Request, assignable: Doc, kind: str, day: dt.date) -> None:
    """Refuse time on an archived or locked project or phase, or a deleted leave type."""
    if kind == "LeaveType":
        if assignable.get("deleted_at"):
            raise unprocessable(f"leave type {_label(assignable)} is deleted")
        return
    what = "phase" if assignable.get("parent_id") else "project"
    if assignable.get("archived"):
        raise unprocessable(f"{what} {_label(assignable)} is archived")
    if assignable.get("parent_id"):
        parent = req.db.get("projects", assignable["parent_id"])
        if parent is not None and parent.get("archived"):
            raise unprocessable(f"project {_label(parent)} is archived")
    # Phases are locked by their own setting only, as the reference says.
    lockout = assignable.get("timeentry_lockout")
    if lockout is None or lockout < 0:
        return
    if lockout == 0:
        raise unprocessable(f"{what} {_label(assignable)} is locked for time entry")
    earliest = req.sandbox.today - dt.timedelta(days=lockout)
    if day < earliest:
        raise unprocessable(
            f"{what} {_label(assignable)} is locked for time entry before {earliest.isoformat()} "
            f"(entries more than {lockout} days ago are refused; got {day.isoformat()})"
        )


def _hours(req: Request) -> float:
    hours = req.body_number("hours", required=True)
    assert hours is not None
    # Zero is accepted: the web timesheet's "clear suggestions" makes zero-hour entries.
    if not 0 <= hours <= MAX_HOURS:
        raise unprocessable(f"hours must be from 0 to 24, got {hours:g}")
    return hours


def _text(req: Request, name: str) -> str | None:
    raw = req.body.get(name)
    if raw is None:
        return None
    if isinstance(raw, dict | list | bool):
        raise bad_request(f"{name} must be text")
    text = str(raw)
    if len(text) >= TEXT_LIMIT:
        raise unprocessable(
            f"{name} must be fewer than {TEXT_LIMIT} characters, got {len(text)} characters"
        )
    return text


def _role_ids(req: Request, kind: str, value: Any) -> set[int]:
    """Ids of the role or discipline a user has (stored by name or as an object)."""
    if value is None:
        return set()
    if isinstance(value, dict):
        return {value["id"]} if "id" in value else set()
    return {r["id"] for r in req.db.query(kind) if r.get("value") == value}


def detect_bill_rate(
    req: Request, user: Doc, assignable: Doc, kind: str, day: dt.date
) -> tuple[float, int | None]:
    """The most specific bill rate for this user, assignable and day.

    Among bill rate records, project-specific beats the parent project's (for
    phases), which beats the account's; a user's own rate beats role and
    discipline rates, which beat the plain default; a dated rate beats an open
    one. Without a fitting record: the rate of the user's assignment on that
    assignable covering the day, then the user's ``billrate``, then 150.0 (the
    same fallbacks suggestions use). Leave is not billed.
    """
    if kind == "LeaveType":
        return 0.0, None
    chain = [assignable["id"]]
    if assignable.get("parent_id"):
        chain.append(assignable["parent_id"])
    marks = ",".join("?" * len(chain))
    candidates = req.db.query(
        "bill_rates",
        f"(assignable_id IS NULL OR assignable_id IN ({marks})) "
        "AND (user_id IS NULL OR user_id = ?)",
        [*chain, user["id"]],
    )
    roles = _role_ids(req, "roles", user.get("role"))
    disciplines = _role_ids(req, "disciplines", user.get("discipline"))
    best: tuple[tuple[int, ...], Doc] | None = None
    for rate in candidates:
        if rate.get("role_id") is not None and rate["role_id"] not in roles:
            continue
        if rate.get("discipline_id") is not None and rate["discipline_id"] not in disciplines:
            continue
        starts, ends = rate.get("starts_at"), rate.get("ends_at")
        if starts and day.isoformat() < str(starts)[:10]:
            continue
        if ends and day.isoformat() > str(ends)[:10]:
            continue
        where = rate.get("assignable_id")
        score = (
            len(chain) - chain.index(where) if where in chain else 0,
            1 if rate.get("user_id") is not None else 0,
            (rate.get("role_id") is not None) + (rate.get("discipline_id") is not None),
            1 if starts or ends else 0,
            rate["id"],
        )
        if best is None or score > best[0]:
            best = (score, rate)
    if best is not None:
        return float(best[1].get("rate") or 0.0), best[1]["id"]
    for assignment in req.db.query(
        "assignments", "user_id = ? AND assignable_id = ?", [user["id"], assignable["id"]]
    ):
        covers = str(assignment.get("starts_at") or "")[:10] <= day.isoformat()
        covers = covers and day.isoformat() <= str(assignment.get("ends_at") or "9999")[:10]
        if covers and assignment.get("bill_rate") is not None:
            return float(assignment["bill_rate"]), assignment.get("bill_rate_id")
    own = suggestions.person_rate(user)
    return (own if own is not None else suggestions.DEFAULT_BILL_RATE), None


def _given_bill_rate(req: Request, user: Doc, assignable: Doc) -> tuple[float, int] | None:
    """A ``bill_rate_id`` from the body that fits this user and assignable; else None."""
    try:
        rate_id = req.body_int("bill_rate_id")
    except ApiError:
        return None
    if rate_id is None:
        return None
    rate = req.db.get("bill_rates", rate_id)
    if rate is None:
        return None
    fits_user = rate.get("user_id") in (None, user["id"])
    fits_assignable = rate.get("assignable_id") in (
        None,
        assignable["id"],
        assignable.get("parent_id"),
    )
    if not (fits_user and fits_assignable):
        return None
    return float(rate.get("rate") or 0.0), rate_id


def _bill_rate(
    req: Request, user: Doc, assignable: Doc, kind: str, day: dt.date
) -> tuple[float, int | None]:
    if kind != "LeaveType":
        given = _given_bill_rate(req, user, assignable)
        if given is not None:
            return given
    return detect_bill_rate(req, user, assignable, kind, day)


def _check_user_matches(req: Request, user_id: int) -> None:
    if "user_id" not in req.body or req.body.get("user_id") in (None, ""):
        return
    given = req.body_int("user_id")
    if given != user_id:
        raise unprocessable(f"user_id {given} in the body does not match user {user_id} in the URL")


def _approval_status(req: Request, entry_id: int) -> str | None:
    """``approved`` if any approval approves the entry, else ``pending`` if one is pending."""
    statuses = {
        a.get("status")
        for a in req.db.query("approvals", "approvable_id = ?", [entry_id])
        if a.get("approvable_type") == "TimeEntry"
    }
    for status in ("approved", "pending"):
        if status in statuses:
            return status
    return None


def _check_not_approved(req: Request, entry: Doc) -> None:
    if _approval_status(req, entry["id"]) == "approved":
        raise unprocessable(f"time entry {entry['id']} is approved and can no longer be changed")


# -- writing ---------------------------------------------------------------


@router.route("POST", "/users/{user_id}/time_entries")
def create_user_time_entry(req: Request) -> Doc:
    user_id = req.path_int("user_id")
    _require_person(req, user_id)
    _check_user_matches(req, user_id)
    assignable_id = _body_assignable_id(req)
    if assignable_id is None:
        raise bad_request("assignable_id (or project_id, or leave_type_id) is required")
    return _create(req, user_id, assignable_id)


@router.route("POST", "/projects/{project_id}/time_entries")
def create_project_time_entry(req: Request) -> Doc:
    project_id = req.path_int("project_id")
    scope = _project_and_phases(req, project_id)
    user_id = req.body_int("user_id", required=True)
    assert user_id is not None
    assignable_id = _body_assignable_id(req)
    if assignable_id is None:
        assignable_id = project_id
    elif assignable_id not in scope:
        raise unprocessable(
            f"assignable {assignable_id} is not project {project_id} or one of its phases"
        )
    return _create(req, user_id, assignable_id)


def _create(req: Request, user_id: int, assignable_id: int) -> Doc:
    user = check_can_enter_time(req, user_id)
    assignable, kind = _assignable(req, assignable_id)
    day = req.body_date("date", required=True)
    assert day is not None
    hours = _hours(req)
    task, notes = _text(req, "task"), _text(req, "notes")
    check_open_for_time(req, assignable, kind, day)
    rate, rate_id = _bill_rate(req, user, assignable, kind, day)
    entry = models.time_entry(
        req.db.next_id(),
        req.sandbox.now(),
        user_id=user_id,
        assignable_id=assignable_id,
        assignable_type=kind,
        date=day.isoformat(),
        hours=hours,
        task=task,
        notes=notes,
        bill_rate=rate,
        bill_rate_id=rate_id,
    )
    req.sandbox.touch(entry, created=True)
    req.db.put("time_entries", entry)
    return entry


def _entry_to_change(req: Request) -> Doc:
    """The user's confirmed entry named in the URL, if it may still change."""
    user_id = req.path_int("user_id")
    _require_person(req, user_id)
    entry_id = req.path_int("id")
    if suggestions.is_suggestion_id(entry_id):
        raise unprocessable(READ_ONLY)
    entry = req.db.get("time_entries", entry_id)
    if entry is None or entry["user_id"] != user_id:
        raise not_found("Time entry")
    _check_not_approved(req, entry)
    return entry


@router.route("PUT", "/users/{user_id}/time_entries/{id}")
def update_time_entry(req: Request) -> Doc:
    entry = _entry_to_change(req)
    user_id = entry["user_id"]
    _check_user_matches(req, user_id)
    user = check_can_enter_time(req, user_id)
    old_assignable, old_kind = _assignable_or_none(req, entry["assignable_id"])
    old_day = dt.date.fromisoformat(entry["date"])
    if old_assignable is not None:
        check_open_for_time(req, old_assignable, old_kind, old_day)

    changes: Doc = {}
    new_assignable, new_kind = old_assignable, old_kind
    new_id = _body_assignable_id(req)
    if new_id is not None and new_id != entry["assignable_id"]:
        new_assignable, new_kind = _assignable(req, new_id)
        changes["assignable_id"] = new_id
        changes["assignable_type"] = new_kind
    new_day = old_day
    if "date" in req.body:
        new_day = req.body_date("date", required=True) or old_day
        changes["date"] = new_day.isoformat()
    if "hours" in req.body:
        changes["hours"] = _hours(req)
    for name in ("task", "notes"):
        if name in req.body:
            changes[name] = _text(req, name)
    if new_assignable is None:
        raise unprocessable(
            f"assignable {entry['assignable_id']} no longer exists: give another assignable_id"
        )
    check_open_for_time(req, new_assignable, new_kind, new_day)
    if "assignable_id" in changes or "bill_rate_id" in req.body:
        changes["bill_rate"], changes["bill_rate_id"] = _bill_rate(
            req, user, new_assignable, new_kind, new_day
        )

    changed = {k: v for k, v in changes.items() if entry.get(k) != v}
    if changed:
        entry.update(changed)
        req.sandbox.touch(entry)
        req.db.put("time_entries", entry)
    return entry


@router.route("DELETE", "/users/{user_id}/time_entries/{id}")
def delete_time_entry(req: Request) -> None:
    entry = _entry_to_change(req)
    assignable, kind = _assignable_or_none(req, entry["assignable_id"])
    if assignable is not None:
        check_open_for_time(req, assignable, kind, dt.date.fromisoformat(entry["date"]))
    for approval in req.db.query("approvals", "approvable_id = ?", [entry["id"]]):
        if approval.get("approvable_type") == "TimeEntry":
            req.db.delete("approvals", approval["id"])
    req.db.delete("time_entries", entry["id"])


def _assignable_or_none(req: Request, assignable_id: int) -> tuple[Doc | None, str]:
    try:
        return _assignable(req, assignable_id)
    except ApiError:
        return None, "Project"
