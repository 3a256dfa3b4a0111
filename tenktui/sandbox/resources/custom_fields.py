"""Custom fields, and their values on users (and placeholders) and on projects.

A value document names its owner in the indexed column the emulator filters on:
``user_id`` for people, ``assignable_id`` (and ``project_id``, the reference's
name for it) for projects. A multiple-choice field holds one value document per
selected option, which is what lets a POST of an array replace the set.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from tenktui.sandbox.resources.people import body_text, require_person, stamp_new

NAMESPACES = ("users", "assignables")
DATA_TYPES = ("string", "selection_list", "multiple_choice_selection_list")
SELECTION_TYPES = ("selection_list", "multiple_choice_selection_list")
MULTIPLE = "multiple_choice_selection_list"


# -- custom fields ---------------------------------------------------------


def _require_field(req: Request) -> Doc:
    return req.require("custom_fields", req.path_int("custom_field_id"), "Custom field")


def _choice(req: Request, name: str, valid: tuple[str, ...]) -> str:
    value = body_text(req, name, required=True)
    if value not in valid:
        raise unprocessable(f"{name} must be one of {', '.join(valid)}, got {value!r}")
    return value


def _options(req: Request) -> list[str]:
    raw = req.body.get("options")
    if not isinstance(raw, list) or not all(isinstance(o, str) and o.strip() for o in raw):
        raise bad_request(f"options must be an array of non-blank strings, got {raw!r}")
    return list(dict.fromkeys(o.strip() for o in raw))


def _apply_field(req: Request, doc: Doc) -> Doc:
    """Validate the body's editable settings onto a custom field."""
    body = req.body
    if "name" in body:
        doc["name"] = body_text(req, "name", required=True)
    for name in ("description", "default_value"):
        if name in body:
            doc[name] = body_text(req, name)
    for name in ("is_visible_on_info_page", "is_visible_as_filter"):
        if name in body:
            doc[name] = bool(req.body_bool(name))
    if doc["data_type"] in SELECTION_TYPES:
        if "options" not in body and not doc["options"]:
            raise bad_request(f"options are required for a {doc['data_type']} field")
        if "options" in body:
            options = _options(req)
            if not options:
                raise unprocessable(f"options are required for a {doc['data_type']} field")
            doc["options"] = options
        default = doc.get("default_value")
        if default is not None and default not in doc["options"]:
            raise unprocessable(
                f"default_value {default!r} is not one of the options "
                f"({', '.join(doc['options'])}); update default_value too"
            )
    return doc


def _apply_default_to_existing(req: Request, field: Doc) -> None:
    """Give every existing user or project without a value the field's default."""
    default = field.get("default_value")
    if default is None:
        return
    if field["namespace"] == "users":
        owners = [Owner("user_id", u["id"]) for u in req.db.query("users")]
    else:
        projects = req.db.query("projects", "parent_id IS NULL")
        owners = [Owner("assignable_id", p["id"]) for p in projects]
    for owner in owners:
        if not owner.values(req, field["id"]):
            owner.create(req, field["id"], default)


@router.route("GET", "/custom_fields")
def list_custom_fields(req: Request) -> Page:
    namespace = req.query.get("namespace")
    if not namespace:
        raise bad_request("namespace is required: users or assignables")
    if namespace not in NAMESPACES:
        raise bad_request(f"namespace must be users or assignables, got {namespace!r}")
    where = "json_extract(data, '$.namespace') = ?"
    return req.page(kind="custom_fields", where=where, params=(namespace,))


@router.route("GET", "/custom_fields/{custom_field_id}")
def show_custom_field(req: Request) -> Doc:
    return _require_field(req)


@router.route("POST", "/custom_fields")
def create_custom_field(req: Request) -> Doc:
    body_text(req, "name", required=True)
    doc = models.custom_field(
        req.db.next_id(),
        req.sandbox.now(),
        namespace=_choice(req, "namespace", NAMESPACES),
        data_type=_choice(req, "data_type", DATA_TYPES),
    )
    _apply_field(req, doc)
    stamp_new(req, doc)
    req.db.put("custom_fields", doc)
    if req.body_bool("apply_default_to_existing_objects"):
        _apply_default_to_existing(req, doc)
    return doc


@router.route("PUT", "/custom_fields/{custom_field_id}")
def update_custom_field(req: Request) -> Doc:
    doc = _apply_field(req, _require_field(req))
    req.sandbox.touch(doc)
    return req.db.put("custom_fields", doc)


@router.route("DELETE", "/custom_fields/{custom_field_id}")
def delete_custom_field(req: Request) -> None:
    field = _require_field(req)
    values = req.db.query(
        "custom_field_values", "json_extract(data, '$.custom_field_id') = ?", (field["id"],)
    )
    for value in values:
        req.db.delete("custom_field_values", value["id"])
    req.db.delete("custom_fields", field["id"])


# -- custom field values ---------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """Whose values: a person (``user_id``) or a project (``assignable_id``)."""

    column: str
    id: int

    @property
    def namespace(self) -> str:
        return "users" if self.column == "user_id" else "assignables"

    def keys(self) -> Doc:
        if self.column == "user_id":
            return {"user_id": self.id}
        return {"assignable_id": self.id, "project_id": self.id}

    def values(self, req: Request, field_id: int | None = None) -> list[Doc]:
        where, params = f"{self.column} = ?", [self.id]
        if field_id is not None:
            where += " AND json_extract(data, '$.custom_field_id') = ?"
            params.append(field_id)
        return req.db.query("custom_field_values", where, params)

    def create(self, req: Request, field_id: int, value: str) -> Doc:
        doc = models.custom_field_value(
            req.db.next_id(), req.sandbox.now(), custom_field_id=field_id, value=value
        )
        doc.update(self.keys())
        stamp_new(req, doc)
        return req.db.put("custom_field_values", doc)


def _user_owner(req: Request) -> Owner:
    user_id = req.path_int("user_id")
    require_person(req, user_id)
    return Owner("user_id", user_id)


def _project_owner(req: Request) -> Owner:
    project_id = req.path_int("project_id")
    req.require("projects", project_id, "Project")
    return Owner("assignable_id", project_id)


def _checked_values(field: Doc, raw: Any) -> list[str]:
    """The value(s) of a POST or PUT, checked against the field's type and options."""
    if isinstance(raw, list):
        if field["data_type"] != MULTIPLE:
            raise unprocessable(
                f"only multiple_choice_selection_list fields take an array; "
                f"{field['name']!r} is a {field['data_type']} field"
            )
        items = raw
    else:
        items = [raw]
    values = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise bad_request(f"value must be a string or an array of strings, got {item!r}")
        value = str(item)
        if field["data_type"] in SELECTION_TYPES and value not in field["options"]:
            raise unprocessable(
                f"value {value!r} is not one of the options of {field['name']!r}: "
                f"{', '.join(field['options'])}"
            )
        values.append(value)
    return list(dict.fromkeys(values))


def _require_value(req: Request, owner: Owner) -> Doc:
    doc = req.db.get("custom_field_values", req.path_int("custom_field_value_id"))
    if doc is None or doc.get(owner.column) != owner.id:
        raise not_found("Custom field value")
    return doc


def _list_values(req: Request, owner: Owner) -> Page:
    return req.page(kind="custom_field_values", where=f"{owner.column} = ?", params=(owner.id,))


def _post_value(req: Request, owner: Owner) -> Doc | Page:
    field_id = req.body_int("custom_field_id", required=True)
    assert field_id is not None
    field = req.db.get("custom_fields", field_id)
    if field is None:
        raise unprocessable(f"custom_field_id {field_id} is not a custom field of this account")
    if field["namespace"] != owner.namespace:
        raise unprocessable(
            f"custom field {field_id} belongs to {field['namespace']}, not {owner.namespace}"
        )
    raw = req.body.get("value")
    if raw is None:
        raise bad_request("value is required")
    wanted = _checked_values(field, raw)
    existing = owner.values(req, field_id)

    if field["data_type"] == MULTIPLE:
        # The posted values are the whole set: drop the others, keep or add these.
        by_value = {doc["value"]: doc for doc in existing}
        for doc in existing:
            if doc["value"] not in wanted:
                req.db.delete("custom_field_values", doc["id"])
        result = [by_value.get(v) or owner.create(req, field_id, v) for v in wanted]
        if isinstance(raw, list):
            return req.page(result)
        return result[0]

    # One value per field and owner: a second POST updates the first.
    if not existing:
        return owner.create(req, field_id, wanted[0])
    doc, *extra = existing
    for other in extra:
        req.db.delete("custom_field_values", other["id"])
    doc["value"] = wanted[0]
    req.sandbox.touch(doc)
    return req.db.put("custom_field_values", doc)


def _put_value(req: Request, owner: Owner) -> Doc:
    doc = _require_value(req, owner)
    if "value" not in req.body:
        return doc
    raw = req.body["value"]
    if raw is None:
        raise bad_request("value is required")
    field = req.db.get("custom_fields", doc["custom_field_id"])
    if field is None:
        raise not_found("Custom field")
    if isinstance(raw, list):
        raise unprocessable("PUT sets one value; POST an array to replace a multiple choice set")
    value = _checked_values(field, raw)[0]
    if field["data_type"] == MULTIPLE and any(
        other["value"] == value and other["id"] != doc["id"]
        for other in owner.values(req, field["id"])
    ):
        raise unprocessable(f"value {value!r} is already selected for {field['name']!r}")
    doc["value"] = value
    req.sandbox.touch(doc)
    return req.db.put("custom_field_values", doc)


@router.route("GET", "/users/{user_id}/custom_field_values")
def list_user_values(req: Request) -> Page:
    return _list_values(req, _user_owner(req))


@router.route("POST", "/users/{user_id}/custom_field_values")
def create_user_value(req: Request) -> Doc | Page:
    return _post_value(req, _user_owner(req))


@router.route("GET", "/users/{user_id}/custom_field_values/{custom_field_value_id}")
def show_user_value(req: Request) -> Doc:
    return _require_value(req, _user_owner(req))


@router.route("PUT", "/users/{user_id}/custom_field_values/{custom_field_value_id}")
def update_user_value(req: Request) -> Doc:
    return _put_value(req, _user_owner(req))


@router.route("GET", "/projects/{project_id}/custom_field_values")
def list_project_values(req: Request) -> Page:
    return _list_values(req, _project_owner(req))


@router.route("POST", "/projects/{project_id}/custom_field_values")
def create_project_value(req: Request) -> Doc | Page:
    return _post_value(req, _project_owner(req))


@router.route("GET", "/projects/{project_id}/custom_field_values/{custom_field_value_id}")
def show_project_value(req: Request) -> Doc:
    return _require_value(req, _project_owner(req))


@router.route("PUT", "/projects/{project_id}/custom_field_values/{custom_field_value_id}")
def update_project_value(req: Request) -> Doc:
    return _put_value(req, _project_owner(req))
