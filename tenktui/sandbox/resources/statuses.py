"""User statuses: a person's status history, whose newest entry is the current status."""

from __future__ import annotations

import re

from tenktui.sandbox import models
from tenktui.sandbox.http import Doc, Page, Request, bad_request, parse_date, router, unprocessable
from tenktui.sandbox.resources.people import body_text, require_user, stamp_new

MAX_MESSAGE = 255
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@router.route("GET", "/users/{user_id}/statuses")
def list_statuses(req: Request) -> Page:
    """Newest first by default, so ``per_page=1`` answers with the current status alone;
    oldest first under the strict reading (the reference does not say)."""
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    order = "created_at, id" if req.sandbox.strict else "created_at DESC, id DESC"
    return req.page(kind="statuses", where="user_id = ?", params=(user_id,), order=order)


def _end(req: Request) -> str | None:
    """``end`` as a date, or a UTC timestamp in the API's format."""
    raw = body_text(req, "end")
    if raw is None:
        return None
    if _TIMESTAMP.match(raw):
        parse_date(raw[:10], "end")
        return raw
    return parse_date(raw, "end").isoformat()


@router.route("POST", "/users/{user_id}/statuses")
def create_status(req: Request) -> Doc:
    user_id = req.path_int("user_id")
    require_user(req, user_id)
    code = body_text(req, "status", required=True)
    if code not in models.STATUS_CODES:
        valid = ", ".join(models.STATUS_CODES)
        raise unprocessable(f"status must be one of {valid}, got {code!r}")
    assignable_id = req.body_int("assignable_id")
    if assignable_id is not None and not (
        req.db.get("projects", assignable_id) or req.db.get("leave_types", assignable_id)
    ):
        raise unprocessable(f"assignable_id {assignable_id} is not a project, phase or leave type")
    message = req.body.get("message")
    if message is not None and not isinstance(message, str):
        raise bad_request(f"message must be a string, got {message!r}")
    if message is not None and len(message) > MAX_MESSAGE:
        raise unprocessable(
            f"message must be shorter than 256 characters, got {len(message)} characters"
        )
    doc = models.status(
        req.db.next_id(),
        req.sandbox.now(),
        user_id=user_id,
        status=code,
        assignable_id=assignable_id,
        current_task=body_text(req, "current_task"),
        message=message or None,
        end=_end(req),
    )
    stamp_new(req, doc)
    return req.db.put("statuses", doc)
