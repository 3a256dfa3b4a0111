"""What time can be assigned to: assignables, leave types, and assignment status options."""

from __future__ import annotations

from collections.abc import Callable

from tenktui.sandbox.http import Doc, Page, Request, not_found, router
from tenktui.sandbox.resources.projects import ARCHIVED

NOT_DELETED = "json_extract(data, '$.deleted_at') IS NULL"
_OPTION_LIVE = f"IFNULL(json_extract(data, '$.deleted'), 0) = 0 AND {NOT_DELETED}"


def status_option_deleted(doc: Doc) -> bool:
    """Deleting a status option only flags it; either flag counts."""
    return bool(doc.get("deleted") or doc.get("deleted_at"))


def _leave_type(doc: Doc) -> Doc:
    return {**doc, "type": "LeaveType"}


def _project(doc: Doc) -> Doc:
    return {**doc, "type": "Project"}


@router.route("GET", "/assignables")
def list_assignables(req: Request) -> Page:
    """Top-level, unarchived projects and leave types in one id-ordered list."""
    projects = req.db.query("projects", f"parent_id IS NULL AND {ARCHIVED} = 0")
    leave_types = req.db.query("leave_types", NOT_DELETED)
    items = [_project(p) for p in projects] + [_leave_type(lt) for lt in leave_types]
    items.sort(key=lambda doc: doc["id"])
    return req.page(items)


@router.route("GET", "/assignables/{assignable_id}")
def show_assignable(req: Request) -> Doc:
    assignable_id = req.path_int("assignable_id")
    project = req.db.get("projects", assignable_id)
    if project is not None:
        return _project(project)
    leave_type = req.db.get("leave_types", assignable_id)
    if leave_type is not None:
        return _leave_type(leave_type)
    raise not_found("Assignable")


def _as_sampled(req: Request) -> Callable[[Doc], Doc]:
    """Leave types as served: without ``type`` under the strict reading, as the
    reference's sample shows them."""

    def present(doc: Doc) -> Doc:
        if not req.sandbox.strict:
            return doc
        return {k: v for k, v in doc.items() if k != "type"}

    return present


@router.route("GET", "/leave_types")
def list_leave_types(req: Request) -> Page:
    return req.page(kind="leave_types", where=NOT_DELETED, transform=_as_sampled(req))


@router.route("GET", "/leave_types/{leave_type_id}")
def show_leave_type(req: Request) -> Doc:
    doc = req.require("leave_types", req.path_int("leave_type_id"), "Leave type")
    return _as_sampled(req)(doc)


@router.route("GET", "/status_options")
def list_status_options(req: Request) -> Page:
    where = "1=1" if req.flag("with_deleted") else _OPTION_LIVE
    return req.page(kind="status_options", where=where, order="json_extract(data, '$.order'), id")


@router.route("GET", "/status_options/{status_option_id}")
def show_status_option(req: Request) -> Doc:
    return req.require("status_options", req.path_int("status_option_id"), "Status option")
