"""Which periods of a person's time the cache holds.

The sync window is refreshed on every pass; a report may ask for a period outside
it, which is then fetched once and kept (a window refresh only replaces its own
dates). Both are written down here, as day ranges, so that a report can tell at
once, with no network, whether the cache holds its whole period or which parts of
it must be fetched first. Ranges that touch or overlap are merged on write: the
table stays a handful of rows.
"""

from __future__ import annotations

import datetime as dt

from tenktui.store.database import Database, utc_now

ONE_DAY = dt.timedelta(days=1)
Span = tuple[dt.date, dt.date]


def merge(spans: list[Span]) -> list[Span]:
    """The spans, sorted, with those that overlap or touch joined."""
    out: list[Span] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def gaps(start: dt.date, end: dt.date, held: list[Span]) -> list[Span]:
    """The parts of ``[start, end]`` that no span of ``held`` covers, in order."""
    out: list[Span] = []
    cursor = start
    for lo, hi in merge(held):
        if hi < cursor:
            continue
        if lo > end:
            break
        if lo > cursor:
            out.append((cursor, min(lo - ONE_DAY, end)))
        cursor = max(cursor, hi + ONE_DAY)
        if cursor > end:
            return out
    if cursor <= end:
        out.append((cursor, end))
    return out


class HeldRanges:
    """The day ranges of each person's time the cache holds."""

    def __init__(self, database: Database) -> None:
        self.d = database

    def spans(self, user_id: int) -> list[Span]:
        """The person's held ranges, merged and in order."""
        return merge(
            [
                (dt.date.fromisoformat(r["starts_at"]), dt.date.fromisoformat(r["ends_at"]))
                for r in self.d.rows(
                    "SELECT starts_at, ends_at FROM held_ranges WHERE user_id = ?", (user_id,)
                )
            ]
        )

    def missing(self, user_id: int, start: dt.date, end: dt.date) -> list[Span]:
        """The parts of ``[start, end]`` not fetched yet (empty: all held, no network)."""
        return gaps(start, end, self.spans(user_id))

    def add(self, user_id: int, start: dt.date, end: dt.date) -> None:
        """``[start, end]`` of the person's time is now in the cache."""
        held = self.spans(user_id)
        spans = merge([*held, (start, end)])
        if spans == held:
            return  # every window pull says so again: no write, so no one redraws
        now = utc_now()
        with self.d.write() as c:
            c.execute("DELETE FROM held_ranges WHERE user_id = ?", (user_id,))
            c.executemany(
                "INSERT INTO held_ranges (user_id, starts_at, ends_at, fetched_at) "
                "VALUES (?, ?, ?, ?)",
                [(user_id, lo.isoformat(), hi.isoformat(), now) for lo, hi in spans],
            )
