"""Builders for every document the emulator stores, shaped like the reference samples.

Seeding and the create handlers both build documents here, so a record made
either way carries the same keys with the same types. Each builder takes the
id and the caller's fields, fills every other documented field with the value
the real service gives a new record, and stamps ``created_at``/``updated_at``.
"""

from __future__ import annotations

import uuid
from typing import Any

Doc = dict[str, Any]

ALLOCATION_MODES = ("percent", "hours_per_day", "fixed")
PROJECT_STATES = ("Confirmed", "Tentative", "Internal")
STATUS_CODES = ("ITO", "WFH", "SIC", "OOO", "VAC", "OOF")
STATUS_OPTION_COLORS = (
    "blue_bright",
    "blue_dark",
    "green_bright",
    "green_dark",
    "yellow",
    "orange",
    "red",
    "purple",
)
STATUS_OPTION_STAGES = ("planned", "in_progress", "done")
LICENSE_TYPES = ("licensed", "managed_resource")


def _guid() -> str:
    return str(uuid.uuid4())


def _stamped(doc: Doc, now: str) -> Doc:
    doc.setdefault("created_at", now)
    doc.setdefault("updated_at", now)
    return doc


def user(id_: int, now: str, **fields: Any) -> Doc:
    first = fields.get("first_name", "")
    last = fields.get("last_name", "")
    doc: Doc = {
        "id": id_,
        "first_name": first,
        "last_name": last,
        "display_name": f"{first} {last}".strip(),
        "email": None,
        "user_type_id": 3,
        "billable": True,
        "hire_date": None,
        "termination_date": None,
        "mobile_phone": None,
        "office_phone": None,
        "archived": False,
        "archived_at": None,
        "deleted": False,
        "deleted_at": None,
        "account_owner": False,
        "invitation_pending": False,
        "user_settings": 0,
        "guid": _guid(),
        "employee_number": None,
        "role": None,
        "discipline": None,
        "location": None,
        "type": "User",
        "license_type": "licensed",
        "billability_target": 100,
        "billrate": -1,
        "has_login": True,
        "login_type": "default",
        "thumbnail": "",
    }
    doc.update(fields)
    if "display_name" not in fields:
        doc["display_name"] = f"{doc['first_name']} {doc['last_name']}".strip()
    return _stamped(doc, now)


def placeholder(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "title": "",
        "role": None,
        "discipline": None,
        "location": None,
        "abbreviation": None,
        "color": None,
        "thumbnail": "",
        "type": "PlaceholderResource",
        "guid": _guid(),
        "deleted_at": None,
    }
    doc.update(fields)
    return _stamped(doc, now)


def project(id_: int, now: str, **fields: Any) -> Doc:
    """A project, or a phase when ``parent_id`` is set (phases are projects too)."""
    doc: Doc = {
        "id": id_,
        "archived": False,
        "archived_at": None,
        "description": "",
        "guid": _guid(),
        "name": "",
        "parent_id": None,
        "phase_name": None,
        "project_code": "",
        "secureurl": None,
        "secureurl_expiration": None,
        "settings": 0,
        "timeentry_lockout": -1,
        "starts_at": None,
        "ends_at": None,
        "deleted_at": None,
        "use_parent_bill_rates": False,
        "thumbnail": None,
        "type": "Project",
        "has_pending_updates": False,
        "client": None,
        "project_state": "Confirmed",
    }
    doc.update(fields)
    return _stamped(doc, now)


def leave_type(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "name": "",
        "description": None,
        "guid": _guid(),
        "deleted_at": None,
        "type": "LeaveType",
    }
    doc.update(fields)
    return _stamped(doc, now)


def assignment(id_: int, now: str, **fields: Any) -> Doc:
    """An assignment; only the allocation field of its mode is present."""
    mode = fields.get("allocation_mode", "percent")
    doc: Doc = {
        "id": id_,
        "allocation_mode": mode,
        "user_id": None,
        "assignable_id": None,
        "starts_at": None,
        "ends_at": None,
        "bill_rate": None,
        "bill_rate_id": None,
        "repetition_id": None,
        "all_day_assignment": True,
        "resource_request_id": None,
        "status": None,
        "status_option_id": None,
        "description": None,
        "note": None,
    }
    defaults = {"percent": 1.0, "hours_per_day": 8.0, "fixed": 8.0}
    key = {"percent": "percent", "hours_per_day": "hours_per_day", "fixed": "fixed_hours"}[mode]
    doc[key] = defaults[mode]
    doc.update(fields)
    for other in ("percent", "hours_per_day", "fixed_hours"):
        if other != key:
            doc.pop(other, None)
    return _stamped(doc, now)


def subtask(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "assignment_id": None,
        "assignable_id": None,
        "description": "",
        "completed": False,
        "updated_by": None,
    }
    doc.update(fields)
    return _stamped(doc, now)


def time_entry(id_: int, now: str, **fields: Any) -> Doc:
    """A confirmed time entry (suggestions are computed, never stored)."""
    doc: Doc = {
        "id": id_,
        "user_id": None,
        "assignable_id": None,
        "assignable_type": "Project",
        "date": None,
        "hours": 0.0,
        "is_suggestion": False,
        "scheduled_hours": None,
        "task": None,
        "notes": None,
        "bill_rate": 0.0,
        "bill_rate_id": None,
    }
    doc.update(fields)
    return _stamped(doc, now)


def approval(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "status": "pending",
        "approvable_id": None,
        "approvable_type": "TimeEntry",
        "submitted_by": None,
        "submitted_at": now,
        "approved_by": None,
        "approved_at": None,
    }
    doc.update(fields)
    return _stamped(doc, now)


def status(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "user_id": None,
        "assignable_id": None,
        "current_task": None,
        "status": "ITO",
        "message": None,
        "start": None,
        "end": None,
    }
    doc.update(fields)
    return _stamped(doc, now)


def availability(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "user_id": None,
        "starts_at": None,
        "ends_at": None,
        **{f"day{d}": (8 if 1 <= d <= 5 else 0) for d in range(7)},
    }
    doc.update(fields)
    return _stamped(doc, now)


def holiday(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {"id": id_, "date": None, "name": ""}
    doc.update(fields)
    return _stamped(doc, now)


def value_record(id_: int, value: str) -> Doc:
    """Roles, disciplines, tags: ``{"id", "value"}`` and nothing else."""
    return {"id": id_, "value": value}


def time_entry_category(id_: int, category: str) -> Doc:
    return {"id": id_, "category": category}


def status_option(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "label": "",
        "color": "blue_bright",
        "stage": "planned",
        "order": 0.0,
        "deleted": False,
        "deleted_at": None,
    }
    doc.update(fields)
    return _stamped(doc, now)


def custom_field(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "namespace": "users",
        "data_type": "string",
        "name": "",
        "description": None,
        "default_value": None,
        "is_visible_on_info_page": True,
        "is_visible_as_filter": False,
        "options": [],
    }
    doc.update(fields)
    return _stamped(doc, now)


def custom_field_value(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {"id": id_, "custom_field_id": None, "value": None}
    doc.update(fields)
    return _stamped(doc, now)


def bill_rate(id_: int, now: str, **fields: Any) -> Doc:
    doc: Doc = {
        "id": id_,
        "rate": 0.0,
        "discipline_id": None,
        "role_id": None,
        "assignable_id": None,
        "user_id": None,
        "starts_at": None,
        "ends_at": None,
    }
    doc.update(fields)
    return _stamped(doc, now)
