"""Assignments: a person (or placeholder) scheduled on a project, phase or leave type.

The same assignment is reachable at ``/assignments/{id}``, under its user and
under its project; the nested paths answer 404 for an assignment that is not
theirs, so a client never edits one through the wrong parent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tenktui.sandbox import models
from tenktui.sandbox.http import (
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
from tenktui.sandbox.resources.assignables import status_option_deleted
from tenktui.sandbox.resources.projects import body_text, get_project, in_project, is_archived
from tenktui.sandbox.resources.subtasks import (
    create_subtask,
    parse_subtask,
    subtasks_of,
    subtasks_path,
)

MODE_FIELD = {"percent": "percent", "hours_per_day": "hours_per_day", "fixed": "fixed_hours"}
_PHASE_IDS = "SELECT id FROM projects WHERE parent_id IS NOT NULL"


# -- presentation ----------------------------------------------------------------


def presenter(req: Request) -> Callable[[Doc], Doc]:
    """A transform adding the ``fields=`` a request asked for to each assignment."""
    fields = req.fields()
    _, per_page = page_params(req.query, req.page_cap)

    def present(doc: Doc) -> Doc:
        out = dict(doc)
        if "subtasks_counts" in fields or "subtask_counts" in fields:
            total = req.db.count("subtasks", "assignment_id = ?", (doc["id"],))
            completed = req.db.count(
                "subtasks",
                "assignment_id = ? AND IFNULL(json_extract(data, '$.completed'), 0) = 1",
                (doc["id"],),
            )
            out["subtask_counts"] = {"completed": completed, "total": total}
        # Nested subtasks on a list are not documented: the strict reading ignores them.
        if "subtasks" in fields and not req.sandbox.strict:
            out["subtasks"] = nested(subtasks_of(req, doc["id"]), subtasks_path(doc), per_page)
        return out

    return present


# -- listing -------------------------------------------------------------------


def _list(req: Request, where: list[str], params: list[Any], *, phases: bool) -> Page:
    if not phases:
        where.append(f"(assignable_id IS NULL OR assignable_id NOT IN ({_PHASE_IDS}))")
    start, end = req.query_date("from"), req.query_date("to")
    if start:
        where.append("ends_at >= ?")
        params.append(start.isoformat())
    if end:
        where.append("starts_at <= ?")
        params.append(end.isoformat())
    return req.page(
        kind="assignments",
        where=" AND ".join(where) or "1=1",
        params=params,
        transform=presenter(req),
    )


def _user(req: Request) -> Doc:
    return req.require("users", req.path_int("user_id"), "User")


@router.route("GET", "/assignments")
def list_assignments(req: Request) -> Page:
    return _list(req, [], [], phases=req.flag("with_phases"))


@router.route("GET", "/users/{user_id}/assignments")
def list_user_assignments(req: Request) -> Page:
    user = _user(req)
    return _list(req, ["user_id = ?"], [user["id"]], phases=req.flag("with_phases"))


@router.route("GET", "/placeholder_resources/{placeholder_resource_id}/assignments")
def list_placeholder_assignments(req: Request) -> Page:
    placeholder = req.require(
        "placeholders", req.path_int("placeholder_resource_id"), "Placeholder resource"
    )
    return _list(req, ["user_id = ?"], [placeholder["id"]], phases=True)


@router.route("GET", "/projects/{project_id}/assignments")
def list_project_assignments(req: Request) -> Page:
    project = get_project(req, req.path_int("project_id"))
    if req.flag("with_phases"):
        where = (
            "(assignable_id = ? OR assignable_id IN (SELECT id FROM projects WHERE parent_id = ?))"
        )
        return _list(req, [where], [project["id"], project["id"]], phases=True)
    return _list(req, ["assignable_id = ?"], [project["id"]], phases=True)


# -- one assignment through each of its paths ------------------------------------


def _assignment(req: Request) -> Doc:
    return req.require("assignments", req.path_int("assignment_id"), "Assignment")


def _user_assignment(req: Request) -> tuple[Doc, Doc]:
    user = _user(req)
    doc = _assignment(req)
    if doc.get("user_id") != user["id"]:
        raise not_found("Assignment")
    return user, doc


def _project_assignment(req: Request) -> tuple[Doc, Doc]:
    project = get_project(req, req.path_int("project_id"))
    doc = _assignment(req)
    if not in_project(req, doc.get("assignable_id"), project["id"]):
        raise not_found("Assignment")
    return project, doc


@router.route("GET", "/assignments/{assignment_id}")
def show_assignment(req: Request) -> Doc:
    return presenter(req)(_assignment(req))


@router.route("GET", "/users/{user_id}/assignments/{assignment_id}")
def show_user_assignment(req: Request) -> Doc:
    return presenter(req)(_user_assignment(req)[1])


@router.route("GET", "/projects/{project_id}/assignments/{assignment_id}")
def show_project_assignment(req: Request) -> Doc:
    return presenter(req)(_project_assignment(req)[1])


# -- validation ------------------------------------------------------------------


def _assignable(req: Request, project: Doc | None) -> int | None:
    """The assignable the body names (``assignable_id``, ``leave_id`` or ``project_id``).

    Under ``/projects/{id}`` the URL's project is the default, and anything the
    body names must be that project or one of its phases.
    """
    given = {}
    for key in ("assignable_id", "leave_id", "project_id"):
        value = req.body_int(key)
        if value is not None:
            given[key] = value
    if len(set(given.values())) > 1:
        named = ", ".join(f"{k}={v}" for k, v in given.items())
        raise unprocessable(f"name one assignable: {named} disagree")
    if not given:
        if project is None:
            return None
        given["project_id"] = project["id"]
    key, target = next(iter(given.items()))
    if project is not None and not in_project(req, target, project["id"]):
        raise unprocessable(f"{key} {target} is not project {project['id']} or one of its phases")
    found = req.db.get("projects", target)
    if found is not None and key != "leave_id":
        if is_archived(req, found):
            raise unprocessable(
                f"project {target} is archived: unarchive it before assigning to it"
            )
        return target
    leave = req.db.get("leave_types", target)
    if leave is not None and key != "project_id":
        if leave.get("deleted_at"):
            raise unprocessable(f"leave type {target} has been deleted")
        return target
    expected = {
        "assignable_id": "a project, phase or leave type",
        "leave_id": "a leave type",
        "project_id": "a project or phase",
    }[key]
    raise unprocessable(f"{key} {target} is not {expected}")


def _resource(req: Request, user_id: int) -> None:
    """A user or placeholder that can take new work."""
    user = req.db.get("users", user_id)
    if user is not None:
        if user.get("deleted") or user.get("deleted_at"):
            raise unprocessable(f"user {user_id} has been deleted")
        return
    placeholder = req.db.get("placeholders", user_id)
    if placeholder is not None:
        if placeholder.get("deleted_at"):
            raise unprocessable(f"placeholder {user_id} has been deleted")
        return
    raise unprocessable(f"user_id {user_id} is not a user or placeholder")


def _dates(req: Request, doc: Doc, *, creating: bool) -> None:
    for name in ("starts_at", "ends_at"):
        if creating or name in req.body:
            value = req.body_date(name, required=True)
            assert value is not None
            doc[name] = value.isoformat()
    if doc["ends_at"] < doc["starts_at"]:
        raise unprocessable(
            f"ends_at ({doc['ends_at']}) must be on or after starts_at ({doc['starts_at']})"
        )


def _allocation(req: Request, doc: Doc, *, creating: bool) -> None:
    raw_mode = req.body.get("allocation_mode")
    if raw_mode is None or raw_mode == "":
        mode = doc.get("allocation_mode") or "percent"
    elif raw_mode in MODE_FIELD:
        mode = str(raw_mode)
    else:
        raise unprocessable(
            f"allocation_mode must be one of {', '.join(MODE_FIELD)}, got {raw_mode!r}"
        )
    key = MODE_FIELD[mode]
    for other_mode, other_key in MODE_FIELD.items():
        if other_key != key and req.body_number(other_key) is not None:
            raise unprocessable(
                f"{other_key} applies to allocation_mode={other_mode}, "
                f"but this assignment's allocation_mode is {mode}"
            )
    value = req.body_number(key)
    if value is None:
        if not creating and mode == doc.get("allocation_mode") and key in doc:
            value = float(doc[key])
        elif mode == "percent":
            value = 1.0
        else:
            raise bad_request(f"{key} is required when allocation_mode is {mode}")
    if mode == "percent" and not 0 < value <= 1:
        raise unprocessable(
            f"percent is the share of each work day, above 0 and at most 1 "
            f"(0.25 = a quarter), got {value:g}"
        )
    if mode == "hours_per_day" and not 0 < value <= 24:
        raise unprocessable(f"hours_per_day must be above 0 and at most 24, got {value:g}")
    if mode == "fixed":
        days = dt.date.fromisoformat(doc["ends_at"]) - dt.date.fromisoformat(doc["starts_at"])
        limit = 24 * (days.days + 1)
        if not 0 < value <= limit:
            raise unprocessable(
                f"fixed_hours must be above 0 and at most {limit} "
                f"(24 hours a day from {doc['starts_at']} to {doc['ends_at']}), got {value:g}"
            )
    for field in MODE_FIELD.values():
        doc.pop(field, None)
    doc["allocation_mode"] = mode
    doc[key] = value


def _status_option(req: Request, doc: Doc) -> None:
    if "status_option_id" not in req.body:
        return
    option_id = req.body_int("status_option_id")
    if option_id is not None:
        option = req.db.get("status_options", option_id)
        if option is None:
            raise unprocessable(f"status_option_id {option_id} is not a status option")
        if status_option_deleted(option):
            raise unprocessable(f"status option {option_id} has been deleted")
    doc["status_option_id"] = option_id


def _apply(
    req: Request, doc: Doc, *, creating: bool, user: Doc | None, project: Doc | None
) -> None:
    """Validate the body against ``doc`` (new or stored) and write it onto ``doc``."""
    body = req.body
    if creating or any(k in body for k in ("assignable_id", "leave_id", "project_id")):
        target = _assignable(req, project)
        if target is None:
            raise bad_request("assignable_id (or leave_id, or project_id) is required")
        doc["assignable_id"] = target
    if user is not None:
        body_user = req.body_int("user_id")
        if body_user is not None and body_user != user["id"]:
            raise unprocessable(f"user_id {body_user} does not match the URL's user {user['id']}")
        if creating:
            _resource(req, user["id"])
        doc["user_id"] = user["id"]
    elif "user_id" in body:
        user_id = req.body_int("user_id")
        if user_id is not None:
            _resource(req, user_id)
        doc["user_id"] = user_id
    _dates(req, doc, creating=creating)
    _allocation(req, doc, creating=creating)
    _status_option(req, doc)
    for name in ("description", "note"):
        if name in body:
            doc[name] = body_text(req, name, max_len=None)


def _subtask_items(req: Request) -> list[Doc] | None:
    if "subtasks" not in req.body:
        return None
    raw = req.body["subtasks"]
    if not isinstance(raw, list):
        raise bad_request("subtasks must be a list of {description, completed} objects")
    return [parse_subtask(item, label=f"subtasks[{i}]: ") for i, item in enumerate(raw)]


def _create(req: Request, *, user: Doc | None = None, project: Doc | None = None) -> Doc:
    doc = models.assignment(req.db.next_id(), req.sandbox.now())
    _apply(req, doc, creating=True, user=user, project=project)
    items = _subtask_items(req)
    if items and req.db.get("projects", doc["assignable_id"]) is None:
        raise unprocessable("subtasks can only be added to assignments on a project or phase")
    req.db.put("assignments", doc)
    if items is None:
        return doc
    _, per_page = page_params(req.query, req.page_cap)
    created = [create_subtask(req, doc, item) for item in items]
    return {**doc, "subtasks": nested(created, subtasks_path(doc), per_page)}


def _update(req: Request, doc: Doc, *, user: Doc | None = None, project: Doc | None = None) -> Doc:
    _apply(req, doc, creating=False, user=user, project=project)
    subtasks = subtasks_of(req, doc["id"])
    if subtasks and req.db.get("projects", doc["assignable_id"]) is None:
        raise unprocessable(
            f"assignment {doc['id']} has subtasks, which only a project or phase can hold"
        )
    req.db.put("assignments", req.sandbox.touch(doc))
    for subtask in subtasks:
        if subtask.get("assignable_id") != doc["assignable_id"]:
            subtask["assignable_id"] = doc["assignable_id"]
            req.db.put("subtasks", req.sandbox.touch(subtask))
    return doc


def _delete(req: Request, doc: Doc) -> None:
    for subtask in subtasks_of(req, doc["id"]):
        req.db.delete("subtasks", subtask["id"])
    req.db.delete("assignments", doc["id"])


# -- writes ------------------------------------------------------------------------


@router.route("POST", "/assignments")
def create_assignment(req: Request) -> Doc:
    return _create(req)


@router.route("POST", "/users/{user_id}/assignments")
def create_user_assignment(req: Request) -> Doc:
    return _create(req, user=_user(req))


@router.route("POST", "/projects/{project_id}/assignments")
def create_project_assignment(req: Request) -> Doc:
    return _create(req, project=get_project(req, req.path_int("project_id")))


@router.route("PUT", "/assignments/{assignment_id}")
def update_assignment(req: Request) -> Doc:
    return _update(req, _assignment(req))


@router.route("PUT", "/users/{user_id}/assignments/{assignment_id}")
def update_user_assignment(req: Request) -> Doc:
    user, doc = _user_assignment(req)
    return _update(req, doc, user=user)


@router.route("PUT", "/projects/{project_id}/assignments/{assignment_id}")
def update_project_assignment(req: Request) -> Doc:
    project, doc = _project_assignment(req)
    return _update(req, doc, project=project)


@router.route("DELETE", "/assignments/{assignment_id}")
def delete_assignment(req: Request) -> None:
    _delete(req, _assignment(req))


@router.route("DELETE", "/users/{user_id}/assignments/{assignment_id}")
def delete_user_assignment(req: Request) -> None:
    _delete(req, _user_assignment(req)[1])


@router.route("DELETE", "/projects/{project_id}/assignments/{assignment_id}")
def delete_project_assignment(req: Request) -> None:
    _delete(req, _project_assignment(req)[1])
