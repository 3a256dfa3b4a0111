"""Approvals: time entries submitted for approval.

API users may submit (``status: pending``) but never approve. A submission is
checked as a whole: if any time entry is missing, approved already, or changed
since the caller read it (its ``updated_at`` differs), nothing is submitted. Under
the strict reading the others are submitted and the refused ones left out, unsaid.
"""

from __future__ import annotations

from typing import Any

from tenktui.sandbox import models, suggestions
from tenktui.sandbox.http import (
    DEFAULT_PER_PAGE,
    ApiError,
    Doc,
    Page,
    Request,
    bad_request,
    nested,
    page_params,
    paging_block,
    router,
    unprocessable,
)


@router.route("GET", "/approvals")
def list_approvals(req: Request) -> Page:
    if "approvables" not in req.fields():
        return req.page(kind="approvals")
    _, per_page = page_params(req.query, req.page_cap)

    def with_approvable(approval: Doc) -> Doc:
        entry = None
        if approval.get("approvable_type") == "TimeEntry":
            entry = req.db.get("time_entries", approval["approvable_id"])
        items = [entry] if entry is not None else []
        return {**approval, "approvables": nested(items, "/time_entries", per_page)}

    return req.page(kind="approvals", transform=with_approvable)


@router.route("DELETE", "/approvals/{approval_id}")
def delete_approval(req: Request) -> None:
    approval = req.require("approvals", req.path_int("approval_id"), "Approval")
    if approval.get("status") != "pending":
        raise unprocessable(
            f"approval {approval['id']} is {approval.get('status')}: "
            "only pending approvals can be deleted"
        )
    req.db.delete("approvals", approval["id"])


@router.route("POST", "/approvals")
def submit_approvals(req: Request) -> Page:
    status = req.body.get("status")
    if status == "approved":
        raise ApiError(403, "API users can submit time but not approve it")
    if status != "pending":
        raise bad_request(f'status must be "pending" or "approved", got {status!r}')
    wanted = _approvables(req.body.get("approvables"))

    problems: list[str] = []
    to_submit: list[Doc] = []
    for entry_id, given in wanted:
        entry, problem = _check(req, entry_id, given)
        if problem:
            problems.append(problem)
        elif entry is not None:
            to_submit.append(entry)
    # The reference does not say what happens to the rest when some approvables are
    # refused: the strict reading submits what it can and silently leaves the rest out.
    if problems and not req.sandbox.strict:
        raise unprocessable("nothing was submitted: " + "; ".join(problems))

    results = []
    for entry in to_submit:
        existing = _pending(req, entry["id"])
        if existing is not None:
            results.append(existing)  # submitting again is harmless
            continue
        now = req.sandbox.now()
        approval = models.approval(
            req.db.next_id(),
            now,
            approvable_id=entry["id"],
            approvable_type="TimeEntry",
            submitted_by=entry["user_id"],
            submitted_at=now,
        )
        req.sandbox.touch(approval, created=True)
        req.db.put("approvals", approval)
        results.append(approval)
    per_page = max(DEFAULT_PER_PAGE, len(results))
    return Page(results, paging_block("/approvals", {}, 1, per_page, False))


def _approvables(raw: Any) -> list[tuple[int, str]]:
    """``(time entry id, updated_at)`` pairs, each entry once, in the order given."""
    if not isinstance(raw, list) or not raw:
        raise bad_request("approvables must be a non-empty array of {id, type, updated_at}")
    seen: dict[int, str] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("each approvable must be an object with id, type and updated_at")
        kind = item.get("type")
        if kind == "ExpenseItem":
            raise unprocessable("expense items are not supported by the sandbox")
        if kind != "TimeEntry":
            raise bad_request(f'approvable type must be "TimeEntry" or "ExpenseItem", got {kind!r}')
        entry_id = item.get("id")
        if isinstance(entry_id, str) and entry_id.isdigit():
            entry_id = int(entry_id)
        if not isinstance(entry_id, int) or isinstance(entry_id, bool):
            raise bad_request(f"approvable id must be a whole number, got {entry_id!r}")
        updated_at = item.get("updated_at")
        if not isinstance(updated_at, str) or not updated_at:
            raise bad_request(f"updated_at is required for approvable {entry_id}")
        seen.setdefault(entry_id, updated_at)
    return list(seen.items())


def _check(req: Request, entry_id: int, given: str) -> tuple[Doc | None, str | None]:
    if suggestions.is_suggestion_id(entry_id):
        return None, f"time entry {entry_id} is a suggestion: confirm it before submitting"
    entry = req.db.get("time_entries", entry_id)
    if entry is None:
        return None, f"time entry {entry_id} not found"
    if entry.get("updated_at") != given:
        return None, (
            f"time entry {entry_id} changed since it was read: "
            f"its updated_at is {entry.get('updated_at')}, not {given}"
        )
    for approval in _approvals_of(req, entry_id):
        if approval.get("status") == "approved":
            return None, f"time entry {entry_id} is already approved"
    return entry, None


def _approvals_of(req: Request, entry_id: int) -> list[Doc]:
    return [
        a
        for a in req.db.query("approvals", "approvable_id = ?", [entry_id])
        if a.get("approvable_type") == "TimeEntry"
    ]


def _pending(req: Request, entry_id: int) -> Doc | None:
    return next((a for a in _approvals_of(req, entry_id) if a.get("status") == "pending"), None)
