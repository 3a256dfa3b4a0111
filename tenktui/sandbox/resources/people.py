"""People: users, their tags and availabilities, and the people on a project.

Placeholder resources live in ``placeholders.py`` but are listed here too
(``include_placeholders``), so the helpers both modules share are defined here:
looking people up, shaping a person with its ``fields=`` sub-collections, and
reading loosely typed body values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from tenktui.sandbox import models
from tenktui.sandbox.db import SandboxDB
from tenktui.sandbox.http import (
    ApiError,
    Doc,
    Page,
    Request,
    bad_request,
    nested,
    not_found,
    page_params,
    router,
    unprocessable,
)
from tenktui.sandbox.resources.projects import phase_ids

# sort_field values and the document field each sorts on.
SORT_FIELDS = {
    "created": "created_at",
    "updated": "updated_at",
    "first_name": "first_name",
    "last_name": "last_name",
    "hire_date": "hire_date",
    "termination_date": "termination_date",
}
SORT_ORDERS = ("ascending", "descending")
USER_TYPES = (0, 2, 3, 4, 5, 7)
ADMINISTRATOR = 1
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
DAYS = tuple(f"day{d}" for d in range(7))
DEFAULT_WORK_WEEK = [0, 8, 8, 8, 8, 8, 0]

# Editable user fields that are plain strings (null clears them).
USER_TEXT_FIELDS = (
    "mobile_phone",
    "office_phone",
    "employee_number",
    "role",
    "discipline",
    "location",
)


# -- shared helpers --------------------------------------------------------


def stamp_new(req: Request, doc: Doc) -> Doc:
    """Stamp a freshly built document as created now."""
    doc.pop("created_at", None)
    doc.pop("updated_at", None)
    return req.sandbox.touch(doc, created=True)


def body_text(req: Request, name: str, *, required: bool = False) -> str | None:
    """A string from the body, trimmed; blank counts as absent."""
    raw = req.body.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise bad_request(f"{name} is required")
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise bad_request(f"{name} must be a string, got {raw!r}")
    return str(raw).strip()


def hours_value(value: float) -> int | float:
    """Whole hours as integers, the way the reference samples show them."""
    return int(value) if value == int(value) else value


def require_user(req: Request, user_id: int) -> Doc:
    """A user (never a placeholder), or 404."""
    return req.require("users", user_id, "User")


def live_placeholder(db: SandboxDB, placeholder_id: int) -> Doc | None:
    doc = db.get("placeholders", placeholder_id)
    return doc if doc is not None and doc.get("deleted_at") is None else None


def require_person(req: Request, person_id: int) -> Doc:
    """A user or a (not deleted) placeholder: both may stand where a ``user_id`` is asked."""
    doc = req.db.get("users", person_id) or live_placeholder(req.db, person_id)
    if doc is None:
        raise not_found("User")
    return doc


def user_tags(db: SandboxDB, user_id: int, limit: int | None = None) -> list[Doc]:
    """The tags attached to a user, in the order they were attached."""
    links = db.query("user_tags", "user_id = ?", (user_id,), order="id", limit=limit)
    tags = (db.get("tags", link["parent_id"]) for link in links)
    return [tag for tag in tags if tag is not None]


def _nested_query(db: SandboxDB, kind: str, column: str, id_: int, path: str, per_page: int) -> Doc:
    # One row more than a page tells nested() whether there is a next page.
    items = db.query(kind, f"{column} = ?", (id_,), order="id", limit=per_page + 1)
    return nested(items, path, per_page)


def person_view(req: Request, doc: Doc, fields: set[str], per_page: int) -> Doc:
    """A user or placeholder with the ``fields=`` sub-collections asked for.

    Placeholders have no tags or availabilities, so only their assignments and
    custom field values are ever nested.
    """
    if not fields:
        return doc
    db, pid = req.db, doc["id"]
    out = dict(doc)
    is_user = doc.get("type") != "PlaceholderResource"
    if "tags" in fields and is_user:
        out["tags"] = nested(user_tags(db, pid, per_page + 1), f"/users/{pid}/tags", per_page)
    if "assignments" in fields:
        path = (
            f"/users/{pid}/assignments" if is_user else f"/placeholder_resources/{pid}/assignments"
        )
        out["assignments"] = _nested_query(db, "assignments", "user_id", pid, path, per_page)
    if "availabilities" in fields and is_user:
        path = f"/users/{pid}/availabilities"
        out["availabilities"] = _nested_query(db, "availabilities", "user_id", pid, path, per_page)
    if "custom_field_values" in fields:
        path = f"/users/{pid}/custom_field_values"
        out["custom_field_values"] = _nested_query(
            db, "custom_field_values", "user_id", pid, path, per_page
        )
    return out


def viewer(req: Request) -> Callable[[Doc], Doc]:
    """The transform that adds the request's ``fields=`` to each person of a page."""
    fields = req.fields()
    _, per_page = page_params(req.query, req.page_cap)
    return lambda doc: person_view(req, doc, fields, per_page)


# -- listing people --------------------------------------------------------


def _sort_key(field: str) -> Callable[[Doc], tuple[Any, ...]]:
    def key(doc: Doc) -> tuple[Any, ...]:
        value = doc.get(field)
        if isinstance(value, str) and field in {"first_name", "last_name"}:
            value = value.casefold()
        # Ascending puts empty values last; descending is the exact reverse.
        return (value is None, value if value is not None else "", doc["id"])

    return key


def sort_users(req: Request, users: list[Doc]) -> list[Doc]:
    """Order users by ``sort_field``/``sort_order``, or 400 naming the bad value."""
    field_name = req.query.get("sort_field") or None
    order = req.query.get("sort_order") or "ascending"
    if field_name is not None and field_name not in SORT_FIELDS:
        raise bad_request(f"sort_field must be one of {', '.join(SORT_FIELDS)}, got {field_name!r}")
    if order not in SORT_ORDERS:
        raise bad_request(f"sort_order must be ascending or descending, got {order!r}")
    key = _sort_key(SORT_FIELDS[field_name]) if field_name else _sort_key("id")
    return sorted(users, key=key, reverse=order == "descending")


def list_people(
    req: Request,
    user_where: str,
    user_params: Iterable[Any],
    placeholder_where: str,
    placeholder_params: Iterable[Any],
) -> Page:
    """Users matching a condition, sorted as asked, then placeholders if asked for."""
    users = req.db.query("users", user_where, tuple(user_params))
    if not req.flag("with_archived"):
        users = [u for u in users if not u.get("archived")]
    people = sort_users(req, users)
    if req.flag("include_placeholders"):
        placeholders = req.db.query("placeholders", placeholder_where, tuple(placeholder_params))
        people += [p for p in placeholders if p.get("deleted_at") is None]
    return req.page(people, transform=viewer(req))


@router.route("GET", "/users")
def list_users(req: Request) -> Page:
    return list_people(req, "1=1", (), "1=1", ())


@router.route("GET", "/projects/{project_id}/users")
def list_project_users(req: Request) -> Page:
    project_id = req.path_int("project_id")
    req.require("projects", project_id, "Project")
    assignables = [project_id]
    if req.flag("with_phases"):
        assignables += phase_ids(req.db, project_id)
    marks = ", ".join("?" * len(assignables))
    assigned = f"id IN (SELECT user_id FROM assignments WHERE assignable_id IN ({marks}))"
    return list_people(req, assigned, assignables, assigned, assignables)


# -- one user --------------------------------------------------------------


@router.route("GET", "/users/{user_id}")
def show_user(req: Request) -> Doc:
    user = require_user(req, req.path_int("user_id"))
    return viewer(req)(user)


def _email(req: Request, *, required: bool) -> str | None:
    email = body_text(req, "email", required=required)
    if email is None:
        return None
    if not EMAIL.match(email):
        raise unprocessable(f"email {email!r} is not a valid email address")
    return email


def _check_email_free(req: Request, email: str, user_id: int) -> None:
    taken = req.db.query(
        "users",
        "lower(json_extract(data, '$.email')) = lower(?) AND id != ?",
        (email, user_id),
        limit=1,
    )
    if taken:
        raise unprocessable(f"email {email!r} is already used by user {taken[0]['id']}")


def _user_changes(req: Request, user: Doc) -> Doc:
    """Validated changes to a user from the body; unknown and read-only keys are ignored."""
    body = req.body
    changes: Doc = {}
    if "user_type_id" in body:
        user_type = req.body_int("user_type_id", required=True)
        if user_type == ADMINISTRATOR:
            raise ApiError(403, "API users cannot make administrators")
        if user_type not in USER_TYPES:
            valid = ", ".join(str(t) for t in USER_TYPES)
            raise unprocessable(f"user_type_id must be one of {valid}, got {user_type}")
        changes["user_type_id"] = user_type
    for name in ("first_name", "last_name"):
        if name in body:
            changes[name] = body_text(req, name, required=True)
    if "email" in body:
        changes["email"] = _email(req, required=True)
    for name in USER_TEXT_FIELDS:
        if name in body:
            changes[name] = body_text(req, name)
    for name in ("hire_date", "termination_date"):
        if name in body:
            value = req.body_date(name)
            changes[name] = value.isoformat() if value else None
    if "billable" in body:
        changes["billable"] = bool(req.body_bool("billable"))
    if "license_type" in body:
        license_type = body_text(req, "license_type", required=True)
        if license_type not in models.LICENSE_TYPES:
            valid = " or ".join(models.LICENSE_TYPES)
            raise unprocessable(f"license_type must be {valid}, got {license_type!r}")
        changes["license_type"] = license_type
    if "billability_target" in body:
        target = req.body_number("billability_target", required=True)
        assert target is not None
        if not 0 <= target <= 100:
            raise unprocessable(f"billability_target must be from 0 to 100, got {target:g}")
        changes["billability_target"] = hours_value(target)
    if "billrate" in body:
        rate = req.body_number("billrate", required=True)
        assert rate is not None
        changes["billrate"] = hours_value(rate)
    if "archived" in body:
        archived = bool(req.body_bool("archived"))
        if archived and user.get("account_owner"):
            raise unprocessable("The account owner cannot be archived")
        if archived != bool(user.get("archived")):
            changes["archived"] = archived
            changes["archived_at"] = req.sandbox.now() if archived else None
    return changes


def _apply_user_changes(user: Doc, changes: Doc) -> None:
    user.update(changes)
    if "first_name" in changes or "last_name" in changes:
        user["display_name"] = f"{user['first_name']} {user['last_name']}".strip()


@router.route("POST", "/users")
def create_user(req: Request) -> Doc:
    for name in ("first_name", "last_name", "email"):
        body_text(req, name, required=True)
    email = _email(req, required=True)
    assert email is not None
    user = models.user(req.db.next_id(), req.sandbox.now())
    changes = _user_changes(req, user)
    _check_email_free(req, email, user["id"])
    _apply_user_changes(user, changes)
    stamp_new(req, user)
    return req.db.put("users", user)


@router.route("PUT", "/users/{user_id}")
def update_user(req: Request) -> Doc:
    user = require_user(req, req.path_int("user_id"))
    changes = _user_changes(req, user)
    if changes.get("email"):
        _check_email_free(req, changes["email"], user["id"])
    _apply_user_changes(user, changes)
    req.sandbox.touch(user)
    return req.db.put("users", user)


@router.route("DELETE", "/users/{user_id}")
def delete_user(req: Request) -> None:
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    raise unprocessable(
        f"Users cannot be deleted through the API; archive user {user_id} instead "
        f"with PUT /api/v1/users/{user_id} and archived=true"
    )


# -- tags ------------------------------------------------------------------


@router.route("GET", "/users/{user_id}/tags")
def list_user_tags(req: Request) -> Page:
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    return req.page(user_tags(req.db, user_id))


def find_or_create_tag(req: Request, value: str) -> Doc:
    """The account's tag with this exact value, created if there is none."""
    found = req.db.query("tags", "json_extract(data, '$.value') = ?", (value,), limit=1)
    if found:
        return found[0]
    return req.db.put("tags", models.value_record(req.db.next_id(), value))


@router.route("POST", "/users/{user_id}/tags")
def attach_user_tag(req: Request) -> Doc:
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    value = body_text(req, "value", required=True)
    assert value is not None
    tag = find_or_create_tag(req, value)
    linked = req.db.count("user_tags", "user_id = ? AND parent_id = ?", (user_id, tag["id"]))
    if not linked:
        link = {"id": req.db.next_id(), "user_id": user_id, "parent_id": tag["id"]}
        req.db.put("user_tags", link)
    return tag


@router.route("DELETE", "/users/{user_id}/tags/{tag_id}")
def detach_user_tag(req: Request) -> None:
    user_id = req.path_int("user_id")
    tag_id = req.path_int("tag_id")
    require_user(req, user_id)
    links = req.db.query("user_tags", "user_id = ? AND parent_id = ?", (user_id, tag_id))
    if not links:
        raise not_found("Tag")
    for link in links:
        req.db.delete("user_tags", link["id"])


# -- availabilities --------------------------------------------------------


def _require_availability(req: Request) -> Doc:
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    doc = req.db.get("availabilities", req.path_int("id"))
    if doc is None or doc.get("user_id") != user_id:
        raise not_found("Availability")
    return doc


def _apply_availability(req: Request, doc: Doc) -> Doc:
    """Validate the body's days and dates onto an availability block."""
    for day in DAYS:
        if day not in req.body:
            continue
        raw = req.body[day]
        if raw is None or raw == "":
            raise bad_request(f"{day} must be a number of hours from 0 to 24")
        hours = req.body_number(day, required=True)
        assert hours is not None
        if not 0 <= hours <= 24:
            raise unprocessable(f"{day} must be from 0 to 24 hours, got {hours:g}")
        doc[day] = hours_value(hours)
    for name in ("starts_at", "ends_at"):
        if name in req.body:
            value = req.body_date(name)
            doc[name] = value.isoformat() if value else None
    if doc["starts_at"] and doc["ends_at"] and doc["ends_at"] < doc["starts_at"]:
        raise unprocessable(
            f"ends_at ({doc['ends_at']}) must not be before starts_at ({doc['starts_at']})"
        )
    return doc


@router.route("GET", "/users/{user_id}/availabilities")
def list_availabilities(req: Request) -> Page:
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    return req.page(kind="availabilities", where="user_id = ?", params=(user_id,))


@router.route("POST", "/users/{user_id}/availabilities")
def create_availability(req: Request) -> Doc:
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    week = req.db.get_setting("work_week", DEFAULT_WORK_WEEK)
    defaults = {day: hours_value(float(week[i])) for i, day in enumerate(DAYS)}
    doc = models.availability(req.db.next_id(), req.sandbox.now(), user_id=user_id, **defaults)
    _apply_availability(req, doc)
    stamp_new(req, doc)
    return req.db.put("availabilities", doc)


@router.route("GET", "/users/{user_id}/availabilities/{id}")
def show_availability(req: Request) -> Doc:
    return _require_availability(req)


@router.route("PUT", "/users/{user_id}/availabilities/{id}")
def update_availability(req: Request) -> Doc:
    doc = _apply_availability(req, _require_availability(req))
    req.sandbox.touch(doc)
    return req.db.put("availabilities", doc)


@router.route("DELETE", "/users/{user_id}/availabilities/{id}")
def delete_availability(req: Request) -> None:
    req.db.delete("availabilities", _require_availability(req)["id"])
