"""What a request log must show when the governor kept a rate budget of 10 per window."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tenktui.api.http import RequestRecord


def assert_budget_kept(records: list[RequestRecord], governor: Any, *, windows: int) -> None:
    """Every request answered; at least ``windows`` rate windows used; none with more
    than 10 admitted or more than one 429; no 429 once the budget was known."""
    by_window: dict[int, list[RequestRecord]] = defaultdict(list)
    answered_records = [r for r in records if r.status is not None]
    assert len(answered_records) == len(records)  # no connection trouble either
    for record in answered_records:
        assert record.rate_reset is not None
        by_window[record.rate_reset].append(record)
    assert len(by_window) >= windows
    for window, answered in by_window.items():
        assert sum(r.status == 200 for r in answered) <= 10, window
        assert sum(r.status == 429 for r in answered) <= 1, window
    first_known = min(r.started_at + r.duration for r in records if r.status == 200)
    late_429s = [r for r in records if r.status == 429 and r.started_at > first_known]
    assert late_429s == []
    assert governor.in_flight == 0 and governor.state.limit == 10
