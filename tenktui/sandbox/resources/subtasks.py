"""Subtasks: the checklist under an assignment, reached through its project."""

from __future__ import annotations

from typing import Any

from tenktui.sandbox import models
from tenktui.sandbox.http import (
    Doc,
    Page,
    Request,
    bad_request,
    not_found,
    router,
    unprocessable,
)
from tenktui.sandbox.resources.projects import SHORT_TEXT, get_project, in_project

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def account_owner_id(req: Request) -> int | None:
    """Who the API token acts as: the account owner, else the first administrator.

    The token belongs to the account rather than a person, so changes are
    recorded against the person who owns the account.
    """
    for where in (
        "IFNULL(json_extract(data, '$.account_owner'), 0) = 1",
        "json_extract(data, '$.user_type_id') = 1",
    ):
        found = req.db.query("users", where, limit=1)
        if found:
            return int(found[0]["id"])
    return None


def parse_subtask(item: Any, *, partial: bool = False, label: str = "") -> Doc:
    """The writable fields of a subtask from a request body or a ``subtasks`` item."""
    if not isinstance(item, dict):
        raise bad_request(f"{label}a subtask must be an object with description and completed")
    fields: Doc = {}
    if "description" in item or not partial:
        raw = item.get("description")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise bad_request(f"{label}description is required")
        if isinstance(raw, dict | list | bool):
            raise bad_request(f"{label}description must be text, got {raw!r}")
        text = str(raw).strip()
        if len(text) > SHORT_TEXT:
            raise unprocessable(
                f"{label}description must be at most {SHORT_TEXT} characters, got {len(text)}"
            )
        fields["description"] = text
    raw = item.get("completed")
    if raw is not None and raw != "":
        fields["completed"] = _boolean(raw, f"{label}completed")
    elif not partial:
        fields["completed"] = False
    return fields


def _boolean(raw: Any, name: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise bad_request(f"{name} must be true or false, got {raw!r}")


def create_subtask(req: Request, assignment: Doc, fields: Doc) -> Doc:
    doc = models.subtask(
        req.db.next_id(),
        req.sandbox.now(),
        assignment_id=assignment["id"],
        assignable_id=assignment.get("assignable_id"),
        updated_by=account_owner_id(req),
        **fields,
    )
    return req.db.put("subtasks", doc)


def subtasks_of(req: Request, assignment_id: int) -> list[Doc]:
    return req.db.query("subtasks", "assignment_id = ?", (assignment_id,))


def subtasks_path(assignment: Doc) -> str:
    return f"/projects/{assignment.get('assignable_id')}/assignments/{assignment['id']}/subtasks"


def _project_assignment(req: Request) -> Doc:
    project = get_project(req, req.path_int("project_id"))
    assignment = req.db.get("assignments", req.path_int("assignment_id"))
    if assignment is None or not in_project(req, assignment.get("assignable_id"), project["id"]):
        raise not_found("Assignment")
    return assignment


def _subtask(req: Request) -> Doc:
    assignment = _project_assignment(req)
    doc = req.db.get("subtasks", req.path_int("subtask_id"))
    if doc is None or doc.get("assignment_id") != assignment["id"]:
        raise not_found("Subtask")
    return doc


ROOT = "/projects/{project_id}/assignments/{assignment_id}/subtasks"


@router.route("GET", ROOT)
def list_subtasks(req: Request) -> Page:
    assignment = _project_assignment(req)
    return req.page(kind="subtasks", where="assignment_id = ?", params=(assignment["id"],))


@router.route("POST", ROOT)
def add_subtask(req: Request) -> Doc:
    assignment = _project_assignment(req)
    return create_subtask(req, assignment, parse_subtask(req.body))


@router.route("GET", ROOT + "/{subtask_id}")
def show_subtask(req: Request) -> Doc:
    return _subtask(req)


@router.route("PUT", ROOT + "/{subtask_id}")
def update_subtask(req: Request) -> Doc:
    doc = _subtask(req)
    doc.update(parse_subtask(req.body, partial=True))
    doc["updated_by"] = account_owner_id(req)
    return req.db.put("subtasks", req.sandbox.touch(doc))


@router.route("DELETE", ROOT + "/{subtask_id}")
def delete_subtask(req: Request) -> None:
    req.db.delete("subtasks", _subtask(req)["id"])
