"""Projects and their phases, the tags on a project and its budget categories.

Phases are projects with a ``parent_id``: they live in the same table, share the
document shape, and carry their parent's ``name`` with their own ``phase_name``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tenktui.sandbox import models
from tenktui.sandbox.db import SandboxDB
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
from tenktui.sandbox.resources.project_summary import summary

SHORT_TEXT = 255
SORT_COLUMNS = {"created": "created_at", "updated": "updated_at"}
SORT_ORDERS = {"ascending": "", "descending": " DESC"}
# What a PUT may change; anything else in the body (id, guid, timestamps) is read-only.
EDITABLE = (
    "name",
    "phase_name",
    "description",
    "project_code",
    "client",
    "starts_at",
    "ends_at",
    "project_state",
    "timeentry_lockout",
    "use_parent_bill_rates",
)

ARCHIVED = "IFNULL(json_extract(data, '$.archived'), 0)"
_NOT_ARCHIVED_PARENT = (
    f"(parent_id IS NULL OR parent_id NOT IN (SELECT id FROM projects WHERE {ARCHIVED} = 1))"
)


# -- lookups -----------------------------------------------------------------


def get_project(req: Request, project_id: int) -> Doc:
    """A project or a phase, or 404."""
    return req.require("projects", project_id, "Project")


def top_project(req: Request, project_id: int) -> Doc:
    """A top-level project (phases have no phases of their own), or 404."""
    doc = get_project(req, project_id)
    if doc.get("parent_id") is not None:
        raise not_found("Project")
    return doc


def phase_ids(db: SandboxDB, project_id: int) -> list[int]:
    """The ids of a project's phases (archived ones too)."""
    return [p["id"] for p in db.query("projects", "parent_id = ?", (project_id,))]


def in_project(req: Request, assignable_id: int | None, project_id: int) -> bool:
    """Whether an assignable is the project itself or one of its phases."""
    if assignable_id is None:
        return False
    if assignable_id == project_id:
        return True
    doc = req.db.get("projects", assignable_id)
    return doc is not None and doc.get("parent_id") == project_id


def is_archived(req: Request, doc: Doc) -> bool:
    """Archived itself, or a phase of an archived project."""
    if doc.get("archived"):
        return True
    parent_id = doc.get("parent_id")
    if parent_id is None:
        return False
    parent = req.db.get("projects", parent_id)
    return bool(parent and parent.get("archived"))


# -- body helpers ------------------------------------------------------------


def body_text(req: Request, name: str, *, max_len: int | None = SHORT_TEXT) -> str | None:
    """A text field of the body (numbers are taken as text), or None when absent/null."""
    raw = req.body.get(name)
    if raw is None:
        return None
    if isinstance(raw, dict | list | bool):
        raise bad_request(f"{name} must be text, got {raw!r}")
    text = str(raw)
    if max_len is not None and len(text) > max_len:
        raise unprocessable(f"{name} must be at most {max_len} characters, got {len(text)}")
    return text


def required_text(req: Request, name: str) -> str:
    text = body_text(req, name)
    if text is None or not text.strip():
        raise bad_request(f"{name} is required")
    return text.strip()


def _apply_fields(req: Request, doc: Doc) -> None:
    """Copy the editable fields present in the body onto ``doc``, validating each."""
    body = req.body
    is_phase = doc.get("parent_id") is not None
    if "name" in body and not is_phase:
        # A phase's name is its parent's; its own name is phase_name.
        doc["name"] = required_text(req, "name")
    if "phase_name" in body and is_phase:
        doc["phase_name"] = required_text(req, "phase_name")
    if "description" in body:
        doc["description"] = body_text(req, "description", max_len=None) or ""
    if "project_code" in body:
        doc["project_code"] = body_text(req, "project_code") or ""
    if "client" in body:
        doc["client"] = body_text(req, "client")
    for name in ("starts_at", "ends_at"):
        if name in body:
            value = req.body_date(name)
            doc[name] = value.isoformat() if value else None
    if doc.get("starts_at") and doc.get("ends_at") and doc["ends_at"] < doc["starts_at"]:
        raise unprocessable(
            f"ends_at ({doc['ends_at']}) must be on or after starts_at ({doc['starts_at']})"
        )
    if "project_state" in body:
        state = body_text(req, "project_state")
        if state not in models.PROJECT_STATES:
            raise unprocessable(
                f"project_state must be one of {', '.join(models.PROJECT_STATES)}, got {state!r}"
            )
        doc["project_state"] = state
    if "timeentry_lockout" in body:
        lockout = req.body_int("timeentry_lockout", required=True)
        assert lockout is not None
        if lockout < -1:
            raise unprocessable(
                "timeentry_lockout must be -1 (not locked), 0 (locked) or a number of days, "
                f"got {lockout}"
            )
        doc["timeentry_lockout"] = lockout
    if "use_parent_bill_rates" in body and is_phase:
        doc["use_parent_bill_rates"] = bool(req.body_bool("use_parent_bill_rates"))


def _update(req: Request, doc: Doc) -> Doc:
    """PUT semantics shared by projects and phases, archiving included."""
    archive = req.body_bool("archived") if "archived" in req.body else None
    if doc.get("archived"):
        what = "Phase" if doc.get("parent_id") is not None else "Project"
        if archive is not False:
            raise unprocessable(
                f"{what} {doc['id']} is archived and cannot be updated: "
                "unarchive it first (archived=false)"
            )
        changing = [k for k in EDITABLE if k in req.body]
        if changing:
            raise unprocessable(
                f"{what} {doc['id']} is archived: unarchive it (archived=false) in a request "
                f"of its own before changing {', '.join(changing)}"
            )
        doc["archived"] = False
        doc["archived_at"] = None
    else:
        renamed = "name" in req.body and doc.get("parent_id") is None
        _apply_fields(req, doc)
        if archive:
            doc["archived"] = True
            doc["archived_at"] = req.sandbox.now()
        if renamed:
            for phase in req.db.query("projects", "parent_id = ?", (doc["id"],)):
                if phase["name"] != doc["name"]:
                    phase["name"] = doc["name"]
                    req.db.put("projects", req.sandbox.touch(phase))
    req.db.put("projects", req.sandbox.touch(doc))
    return doc


# -- tags ----------------------------------------------------------------------


def project_tags(req: Request, project_id: int) -> list[Doc]:
    """The tags attached to a project, in the order they were attached."""
    links = req.db.query("project_tags", "assignable_id = ?", (project_id,))
    tags = [req.db.get("tags", link["parent_id"]) for link in links]
    return [t for t in tags if t is not None]


def attach_tag(req: Request, project_id: int, value: str) -> Doc:
    """Find or create the tag ``value`` and attach it to the project once."""
    found = req.db.query("tags", "json_extract(data, '$.value') = ?", (value,), limit=1)
    tag = found[0] if found else req.db.put("tags", models.value_record(req.db.next_id(), value))
    linked = req.db.count(
        "project_tags", "assignable_id = ? AND parent_id = ?", (project_id, tag["id"])
    )
    if not linked:
        link = {"id": req.db.next_id(), "assignable_id": project_id, "parent_id": tag["id"]}
        req.db.put("project_tags", link)
    return tag


def _tag_values(req: Request) -> list[str]:
    raw = req.body.get("tags")
    if raw is None or raw == "":
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise bad_request("tags must be a list of tag values or a comma-separated string")
    values = [v.strip() for v in items if v.strip()]
    for value in values:
        if len(value) > SHORT_TEXT:
            raise unprocessable(f"a tag must be at most {SHORT_TEXT} characters: {value[:40]!r}…")
    return values


# -- presentation ----------------------------------------------------------------


def _visible_phases(req: Request, project_id: int) -> list[Doc]:
    where = "parent_id = ?"
    if not req.flag("with_archived"):
        where += f" AND {ARCHIVED} = 0"
    return req.db.query("projects", where, (project_id,))


def presenter(req: Request) -> Callable[[Doc], Doc]:
    """A transform adding the ``fields=`` a request asked for to each project."""
    fields = req.fields()
    _, per_page = page_params(req.query, req.page_cap)

    def present(doc: Doc) -> Doc:
        out = dict(doc)
        pid = doc["id"]
        if "tags" in fields:
            out["tags"] = nested(project_tags(req, pid), f"/projects/{pid}/tags", per_page)
        if "children" in fields:
            out["children"] = nested(_visible_phases(req, pid), f"/projects/{pid}/phases", per_page)
        if "phase_count" in fields:
            out["phase_count"] = len(_visible_phases(req, pid))
        if "custom_field_values" in fields:
            values = req.db.query("custom_field_values", "assignable_id = ?", (pid,))
            out["custom_field_values"] = nested(
                values, f"/projects/{pid}/custom_field_values", per_page
            )
        if "budget_items" in fields:
            # The sandbox keeps no budget items: an honest, empty collection.
            out["budget_items"] = nested([], f"/projects/{pid}/budget_items", per_page)
        if "summary" in fields:
            out.update(summary(req, doc))
        return out

    return present


# -- listing -------------------------------------------------------------------


def _list_query(req: Request, *, parent_id: int | None) -> tuple[str, list[Any], str]:
    """``(where, params, order)`` for a project or phase listing."""
    q = req.query
    where: list[str] = []
    params: list[Any] = []
    if parent_id is not None:
        where.append("parent_id = ?")
        params.append(parent_id)
    elif not req.flag("with_phases") and not q.get("phase_name"):
        where.append("parent_id IS NULL")

    start, end = req.query_date("from"), req.query_date("to")
    if req.flag("strict"):
        if start:
            where.append("starts_at >= ?")
            params.append(start.isoformat())
        if end:
            where.append("ends_at <= ?")
            params.append(end.isoformat())
    else:
        # A project without dates is open-ended, so it overlaps every window.
        if start:
            where.append("(ends_at IS NULL OR ends_at >= ?)")
            params.append(start.isoformat())
        if end:
            where.append("(starts_at IS NULL OR starts_at <= ?)")
            params.append(end.isoformat())

    archived = q.get("archived", "").lower()
    if archived in {"true", "1", "yes"}:
        where.append(f"{ARCHIVED} = 1")
    elif archived in {"false", "0", "no"}:
        where.append(f"{ARCHIVED} = 0")
    elif not req.flag("with_archived"):
        where.append(f"{ARCHIVED} = 0")
        if parent_id is None:
            where.append(_NOT_ARCHIVED_PARENT)

    filter_field = q.get("filter_field", "")
    if filter_field:
        if filter_field != "project_state":
            raise bad_request(
                f"filter_field must be project_state (the only supported filter), "
                f"got {filter_field!r}"
            )
        states = _states(q.get("filter_list", ""))
        if states:
            where.append(
                f"json_extract(data, '$.project_state') IN ({', '.join('?' * len(states))})"
            )
            params.extend(states)
    elif q.get("filter_list"):
        raise bad_request("filter_list needs filter_field=project_state")

    for name in ("project_code", "phase_name"):
        if q.get(name):
            where.append(f"json_extract(data, '$.{name}') = ?")
            params.append(q[name])

    order = "id"
    sort_field = q.get("sort_field", "")
    sort_order = q.get("sort_order", "") or "ascending"
    if sort_order not in SORT_ORDERS:
        raise bad_request(f"sort_order must be ascending or descending, got {sort_order!r}")
    if sort_field:
        if sort_field not in SORT_COLUMNS:
            raise bad_request(f"sort_field must be created or updated, got {sort_field!r}")
        direction = SORT_ORDERS[sort_order]
        order = f"{SORT_COLUMNS[sort_field]}{direction}, id{direction}"
    elif sort_order == "descending":
        order = "id DESC"
    return " AND ".join(where) or "1=1", params, order


def _states(raw: str) -> list[str]:
    by_lower = {s.lower(): s for s in models.PROJECT_STATES}
    states = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        if item.lower() not in by_lower:
            raise bad_request(
                f"filter_list values must be among {', '.join(models.PROJECT_STATES)}, got {item!r}"
            )
        states.append(by_lower[item.lower()])
    return states


# -- projects --------------------------------------------------------------------


@router.route("GET", "/projects")
def list_projects(req: Request) -> Page:
    where, params, order = _list_query(req, parent_id=None)
    return req.page(
        kind="projects", where=where, params=params, order=order, transform=presenter(req)
    )


@router.route("GET", "/projects/{project_id}")
def show_project(req: Request) -> Doc:
    return presenter(req)(get_project(req, req.path_int("project_id")))


@router.route("POST", "/projects")
def create_project(req: Request) -> Doc:
    name = required_text(req, "name")
    tags = _tag_values(req)
    doc = models.project(req.db.next_id(), req.sandbox.now(), name=name)
    _apply_fields(req, doc)
    req.db.put("projects", doc)
    for value in tags:
        attach_tag(req, doc["id"], value)
    return doc


@router.route("PUT", "/projects/{project_id}")
def update_project(req: Request) -> Doc:
    return _update(req, get_project(req, req.path_int("project_id")))


@router.route("DELETE", "/projects/{project_id}")
def delete_project(req: Request) -> None:
    """Deleting archives: the project keeps its time entries and can be unarchived."""
    doc = get_project(req, req.path_int("project_id"))
    if not doc.get("archived"):
        doc["archived"] = True
        doc["archived_at"] = req.sandbox.now()
        req.db.put("projects", req.sandbox.touch(doc))


# -- phases ----------------------------------------------------------------------


def _phase_of(req: Request) -> tuple[Doc, Doc]:
    parent = top_project(req, req.path_int("project_id"))
    phase = req.db.get("projects", req.path_int("phase_id"))
    if phase is None or phase.get("parent_id") != parent["id"]:
        raise not_found("Phase")
    return parent, phase


@router.route("GET", "/projects/{project_id}/phases")
def list_phases(req: Request) -> Page:
    parent = top_project(req, req.path_int("project_id"))
    where, params, order = _list_query(req, parent_id=parent["id"])
    return req.page(
        kind="projects", where=where, params=params, order=order, transform=presenter(req)
    )


@router.route("POST", "/projects/{project_id}/phases")
def create_phase(req: Request) -> Doc:
    parent = top_project(req, req.path_int("project_id"))
    if parent.get("archived"):
        raise unprocessable(
            f"Project {parent['id']} is archived: unarchive it before adding phases"
        )
    phase_name = required_text(req, "phase_name")
    doc = models.project(
        req.db.next_id(),
        req.sandbox.now(),
        name=parent["name"],
        parent_id=parent["id"],
        phase_name=phase_name,
        project_state=parent.get("project_state", "Confirmed"),
        client=parent.get("client"),
        # Without dates of its own a phase spans its project.
        starts_at=parent.get("starts_at"),
        ends_at=parent.get("ends_at"),
    )
    _apply_fields(req, doc)
    req.db.put("projects", doc)
    return doc


@router.route("PUT", "/projects/{project_id}/phases/{phase_id}")
def update_phase(req: Request) -> Doc:
    _, phase = _phase_of(req)
    return _update(req, phase)


@router.route("DELETE", "/projects/{project_id}/phases/{phase_id}")
def delete_phase(req: Request) -> None:
    _, phase = _phase_of(req)
    pid = phase["id"]
    assignments = req.db.count("assignments", "assignable_id = ?", (pid,))
    if assignments:
        raise unprocessable(
            f"Phase {pid} has {assignments} assignment(s): "
            "a phase can be deleted only when it has no assignments"
        )
    entries = req.db.count("time_entries", "assignable_id = ?", (pid,))
    if entries:
        raise unprocessable(
            f"Phase {pid} has {entries} time entr{'y' if entries == 1 else 'ies'}: "
            "archive it (archived=true) instead of deleting it"
        )
    for link in req.db.query("project_tags", "assignable_id = ?", (pid,)):
        req.db.delete("project_tags", link["id"])
    req.db.delete("projects", pid)


# -- project tags ----------------------------------------------------------------


@router.route("GET", "/projects/{project_id}/tags")
def list_project_tags(req: Request) -> Page:
    project = get_project(req, req.path_int("project_id"))
    return req.page(project_tags(req, project["id"]))


@router.route("POST", "/projects/{project_id}/tags")
def add_project_tag(req: Request) -> Doc:
    project = get_project(req, req.path_int("project_id"))
    value = required_text(req, "value")
    return attach_tag(req, project["id"], value)


@router.route("DELETE", "/projects/{project_id}/tags/{tag_id}")
def remove_project_tag(req: Request) -> None:
    project = get_project(req, req.path_int("project_id"))
    tag_id = req.path_int("tag_id")
    links = req.db.query(
        "project_tags", "assignable_id = ? AND parent_id = ?", (project["id"], tag_id)
    )
    if not links:
        raise not_found("Tag")
    for link in links:
        req.db.delete("project_tags", link["id"])


# -- budget categories -------------------------------------------------------------


@router.route("GET", "/projects/{project_id}/time_entry_categories")
def list_project_time_entry_categories(req: Request) -> Page:
    """The project's budget lines, one per account category (the sandbox keeps no
    budgets of its own): shaped as the reference's project-specific sample."""
    project = get_project(req, req.path_int("project_id"))

    def line(category: Doc) -> Doc:
        return {
            "id": category["id"],
            "assignable_id": project["id"],
            "assignable_parent_id": project.get("parent_id"),
            "category": category["category"],
            "amount": 0.0,
            "item_type": req.query.get("item_type") or "TimeFees",
            "peritem_amount": None,
            "peritem_label": None,
            "created_at": project.get("created_at"),
            "updated_at": project.get("updated_at"),
        }

    return req.page(kind="time_entry_categories", transform=line)
