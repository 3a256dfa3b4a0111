"""Placeholder resources: stand-ins for people not yet known, soft-deleted on DELETE."""

from __future__ import annotations

from tenktui.sandbox import models
from tenktui.sandbox.http import Doc, Page, Request, bad_request, not_found, router
from tenktui.sandbox.resources.people import body_text, stamp_new, viewer
from tenktui.sandbox.resources.projects import phase_ids

EDITABLE = ("role", "discipline", "location")


def _require_placeholder(req: Request, *, deleted_ok: bool = False) -> Doc:
    """The placeholder of the path; a deleted one only when ``deleted_ok``."""
    doc = req.db.get("placeholders", req.path_int("placeholder_resource_id"))
    if doc is None or (doc.get("deleted_at") is not None and not deleted_ok):
        raise not_found("Placeholder resource")
    return doc


def _apply(req: Request, doc: Doc) -> Doc:
    if "title" in req.body:
        title = body_text(req, "title")
        if title is None:
            raise bad_request("title is required and cannot be blank")
        doc["title"] = title
    for name in EDITABLE:
        if name in req.body:
            doc[name] = body_text(req, name)
    return doc


@router.route("GET", "/placeholder_resources")
def list_placeholders(req: Request) -> Page:
    where = "1=1" if req.flag("with_deleted") else "json_extract(data, '$.deleted_at') IS NULL"
    return req.page(kind="placeholders", where=where, transform=viewer(req))


@router.route("GET", "/placeholder_resources/{placeholder_resource_id}")
def show_placeholder(req: Request) -> Doc:
    return viewer(req)(_require_placeholder(req, deleted_ok=req.flag("with_deleted")))


@router.route("POST", "/placeholder_resources")
def create_placeholder(req: Request) -> Doc:
    body_text(req, "title", required=True)
    doc = _apply(req, models.placeholder(req.db.next_id(), req.sandbox.now()))
    stamp_new(req, doc)
    return req.db.put("placeholders", doc)


@router.route("PUT", "/placeholder_resources/{placeholder_resource_id}")
def update_placeholder(req: Request) -> Doc:
    doc = _apply(req, _require_placeholder(req))
    req.sandbox.touch(doc)
    return req.db.put("placeholders", doc)


@router.route("DELETE", "/placeholder_resources/{placeholder_resource_id}")
def delete_placeholder(req: Request) -> None:
    doc = _require_placeholder(req)
    doc["deleted_at"] = req.sandbox.now()
    req.sandbox.touch(doc)
    req.db.put("placeholders", doc)


@router.route("GET", "/projects/{project_id}/placeholder_resources")
def list_project_placeholders(req: Request) -> Page:
    """Placeholders assigned to the project or one of its phases (like its users)."""
    project_id = req.path_int("project_id")
    req.require("projects", project_id, "Project")
    assignables = [project_id, *phase_ids(req.db, project_id)]
    marks = ", ".join("?" * len(assignables))
    where = (
        "json_extract(data, '$.deleted_at') IS NULL AND id IN "
        f"(SELECT user_id FROM assignments WHERE assignable_id IN ({marks}))"
    )
    return req.page(kind="placeholders", where=where, params=assignables, transform=viewer(req))
