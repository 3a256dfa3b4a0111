"""The ``fields=summary`` totals of a project: time confirmed, approved, scheduled.

A project's totals cover its phases too. Scheduled hours come from the schedule
arithmetic in :mod:`tenktui.sandbox.suggestions`, so they always agree with the
suggested time entries people see.
"""

from __future__ import annotations

from typing import Any

from tenktui.sandbox import suggestions
from tenktui.sandbox.http import Doc, Request


def _rate(value: Any, default: float = 0.0) -> float:
    """A bill rate as a number; none (null, or the ``-1`` of "no rate") counts as 0."""
    if value is None:
        return default
    rate = float(value)
    return rate if rate >= 0 else 0.0


def _marks(ids: list[int]) -> str:
    return ", ".join("?" * len(ids))


def summary(req: Request, project: Doc) -> Doc:
    """The flat summary keys of the reference sample for one project or phase."""
    db = req.db
    today = req.sandbox.today
    ids = [
        project["id"],
        *(p["id"] for p in db.query("projects", "parent_id = ?", [project["id"]])),
    ]
    in_ids = f"assignable_id IN ({_marks(ids)})"

    dates: list[str] = []
    for doc in db.query("projects", f"id IN ({_marks(ids)})", ids):
        dates += [d for d in (doc.get("starts_at"), doc.get("ends_at")) if d]

    entries = db.query("time_entries", in_ids, ids)
    confirmed_hours = sum(float(e.get("hours") or 0) for e in entries)
    confirmed_dollars = sum(float(e.get("hours") or 0) * _rate(e.get("bill_rate")) for e in entries)
    dates += [e["date"] for e in entries if e.get("date")]

    approved_ids = {
        a["approvable_id"]
        for a in db.query(
            "approvals",
            "json_extract(data, '$.status') = 'approved' "
            "AND IFNULL(json_extract(data, '$.approvable_type'), 'TimeEntry') = 'TimeEntry' "
            f"AND approvable_id IN (SELECT id FROM time_entries WHERE {in_ids})",
            ids,
        )
    }
    approved = [e for e in entries if e["id"] in approved_ids]
    approved_hours = sum(float(e.get("hours") or 0) for e in approved)
    approved_dollars = sum(float(e.get("hours") or 0) * _rate(e.get("bill_rate")) for e in approved)

    scheduled_hours = scheduled_dollars = future_hours = future_dollars = 0.0
    for assignment in db.query("assignments", in_ids, ids):
        dates += [d for d in (assignment.get("starts_at"), assignment.get("ends_at")) if d]
        rate = _rate(assignment.get("bill_rate"), suggestions.DEFAULT_BILL_RATE)
        for day, hours in suggestions.scheduled_hours(db, assignment).items():
            scheduled_hours += hours
            scheduled_dollars += hours * rate
            if day > today:
                future_hours += hours
                future_dollars += hours * rate

    # Unconfirmed: what the schedule suggests up to today that nobody has confirmed.
    pending = suggestions.suggestions_for(db, None, None, today, set(ids))
    unconfirmed_hours = sum(float(s["scheduled_hours"] or 0) for s in pending)
    unconfirmed_dollars = sum(
        float(s["scheduled_hours"] or 0) * _rate(s.get("bill_rate")) for s in pending
    )

    totals = {
        "confirmed_hours": confirmed_hours,
        "confirmed_dollars": confirmed_dollars,
        "approved_hours": approved_hours,
        "approved_dollars": approved_dollars,
        "unconfirmed_hours": unconfirmed_hours,
        "unconfirmed_dollars": unconfirmed_dollars,
        "scheduled_hours": scheduled_hours,
        "scheduled_dollars": scheduled_dollars,
        "future_hours": future_hours,
        "future_dollars": future_dollars,
    }
    return {
        "bounding_startdate": min(dates) if dates else None,
        "bounding_enddate": max(dates) if dates else None,
        **{key: round(float(value), 2) for key, value in totals.items()},
    }
