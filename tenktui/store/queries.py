"""What the screens and commands read: the week grid, assignments, statuses, subtasks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from tenktui.store.database import Database
from tenktui.store.people import me_id
from tenktui.store.states import OPEN_SQL
from tenktui.store.validation import display_name, lock_for

DEFAULT_WORK_WEEK = [0.0, 8.0, 8.0, 8.0, 8.0, 8.0, 0.0]  # index 0 = Sunday, as the API counts


@dataclass(slots=True)
class Cell:
    day: dt.date
    hours: float = 0.0  # confirmed total
    entries: int = 0
    suggestion: float | None = None  # shown only while the cell has no confirmed entry
    notes: str | None = None
    state: str | None = None  # None (in step), "pending", "failed", "conflict"
    error: str | None = None
    lock: str | None = None  # why time cannot be entered here
    approval: str | None = None  # "submitting", "pending", "approved"
    entry_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Row:
    assignable_id: int
    label: str
    kind: str  # project, phase, leave
    cells: list[Cell]

    @property
    def total(self) -> float:
        return round(sum(c.hours for c in self.cells), 2)

    @property
    def suggested_total(self) -> float:
        return round(sum(c.suggestion or 0 for c in self.cells), 2)


@dataclass
class Day:
    date: dt.date
    capacity: float
    total: float
    holiday: str | None = None


@dataclass
class WeekGrid:
    user_id: int
    week_start: dt.date
    days: list[Day]
    rows: list[Row]

    @property
    def total(self) -> float:
        return round(sum(d.total for d in self.days), 2)

    @property
    def capacity(self) -> float:
        return round(sum(d.capacity for d in self.days), 2)

    @property
    def approval(self) -> str | None:
        """The week's approval state: the least advanced state of its entries."""
        states = {c.approval for r in self.rows for c in r.cells if c.entries}
        for state in (None, "submitting", "pending", "approved"):
            if state in states:
                return state
        return None


def cell_entries(
    database: Database, user_id: int, assignable_id: int, day: dt.date
) -> list[dict[str, Any]]:
    """The live entries of one cell (person, assignable, day), oldest first."""
    return database.rows(
        "SELECT * FROM time_entries WHERE user_id = ? AND assignable_id = ? AND date = ? "
        "AND deleted = 0 ORDER BY id",
        (user_id, assignable_id, day.isoformat()),
    )


def week_start_for(day: dt.date, first_weekday: int = 0) -> dt.date:
    """The first day of ``day``'s week (``first_weekday``: 0 = Monday … 6 = Sunday)."""
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


class Queries:
    """Read side of the store."""

    def __init__(self, database: Database) -> None:
        self.d = database

    # -- the person -------------------------------------------------------
    def me(self) -> dict[str, Any] | None:
        user_id = me_id(self.d)
        return self.d.row("SELECT * FROM users WHERE id = ?", (user_id,)) if user_id else None

    def work_week(self) -> list[float]:
        return list(self.d.get_meta("work_week", DEFAULT_WORK_WEEK))

    # -- capacity ---------------------------------------------------------
    def capacities(self, user_id: int, start: dt.date, end: dt.date) -> dict[dt.date, Day]:
        """Each day's available hours: work week, the person's availability, holidays."""
        lo, hi = start.isoformat(), end.isoformat()
        holidays = {
            r["date"]: r["name"]
            for r in self.d.rows(
                "SELECT date, name FROM holidays WHERE date BETWEEN ? AND ?", (lo, hi)
            )
        }
        blocks = self.d.rows(
            "SELECT * FROM availabilities WHERE user_id = ? "
            "AND (starts_at IS NULL OR starts_at <= ?) AND (ends_at IS NULL OR ends_at >= ?) "
            "ORDER BY starts_at",
            (user_id, hi, lo),
        )
        week = self.work_week()
        days: dict[dt.date, Day] = {}
        day = start
        while day <= end:
            iso = day.isoformat()
            api_weekday = (day.weekday() + 1) % 7  # Python: Monday 0; API: Sunday 0
            hours = week[api_weekday]
            for block in blocks:
                if (block["starts_at"] or iso) <= iso <= (block["ends_at"] or iso):
                    hours = float(block[f"day{api_weekday}"] or 0)
            if iso in holidays:
                hours = 0.0
            days[day] = Day(day, float(hours), 0.0, holidays.get(iso))
            day += dt.timedelta(days=1)
        return days

    # -- the week grid ----------------------------------------------------
    def week(self, user_id: int, week_start: dt.date) -> WeekGrid:
        days, rows = self._week(user_id, week_start)
        return WeekGrid(user_id, week_start, days, rows)

    def week_rows(self, week: WeekGrid, assignable_ids: Collection[int]) -> WeekGrid:
        """``week`` with the rows of ``assignable_ids`` read again, and the days' totals.

        After an edit of a cell the rest of the week is as it was: at 200 rows this is
        a fraction of reading the whole week, which an Enter waited for. A row that
        appears or goes (a cell emptied on a row shown only for its time) changes the
        rows' order: then the whole week is read.
        """
        wanted = set(assignable_ids)
        shown = {r.assignable_id for r in week.rows}
        days, fresh = self._week(week.user_id, week.week_start, only=wanted)
        again = {r.assignable_id: r for r in fresh}
        if set(again) != wanted & shown or not wanted <= shown:
            return self.week(week.user_id, week.week_start)
        rows = [again.get(r.assignable_id, r) for r in week.rows]
        for index, day in enumerate(days):
            day.total = 0.0  # counted afresh over every row, not only those read again
            for row in rows:  # added as the whole week adds them (rounded at each step)
                if row.cells[index].entries:
                    day.total = round(day.total + row.cells[index].hours, 2)
        return WeekGrid(week.user_id, week.week_start, days, rows)

    def _week(
        self, user_id: int, week_start: dt.date, only: set[int] | None = None
    ) -> tuple[list[Day], list[Row]]:
        """The days and the rows of a week (``only``: just those assignables' rows; the
        days' totals then count only them)."""
        dates = [week_start + dt.timedelta(days=i) for i in range(7)]
        lo, hi = dates[0].isoformat(), dates[-1].isoformat()
        today = self.d.today()

        entries = self.d.rows(
            "SELECT id, assignable_id, date, hours, notes, approval_status, deleted "
            "FROM time_entries WHERE user_id = ? AND date BETWEEN ? AND ?",
            (user_id, lo, hi),
        )
        suggestions = self.d.rows(
            "SELECT assignable_id, date, scheduled_hours FROM suggestions "
            "WHERE user_id = ? AND date BETWEEN ? AND ?",
            (user_id, lo, hi),
        )
        assigned = self.d.rows(
            "SELECT DISTINCT assignable_id FROM assignments "
            "WHERE user_id = ? AND starts_at <= ? AND ends_at >= ?",
            (user_id, hi, lo),
        )
        added = self.d.rows(
            "SELECT assignable_id FROM week_rows WHERE user_id = ? AND week_start = ?",
            (user_id, lo),
        )
        if only is not None:
            entries = [e for e in entries if e["assignable_id"] in only]
            suggestions = [s for s in suggestions if s["assignable_id"] in only]
            assigned = [a for a in assigned if a["assignable_id"] in only]
            added = [a for a in added if a["assignable_id"] in only]
        states = self._entry_states([e["id"] for e in entries])

        ids = {e["assignable_id"] for e in entries}
        ids |= {s["assignable_id"] for s in suggestions}
        ids |= {a["assignable_id"] for a in assigned} | {a["assignable_id"] for a in added}
        assignables = self._assignables(ids)

        cells: dict[tuple[int, str], Cell] = {}

        def cell(assignable_id: int, iso: str) -> Cell:
            key = (assignable_id, iso)
            if key not in cells:
                cells[key] = Cell(dt.date.fromisoformat(iso))
            return cells[key]

        for e in entries:
            c = cell(e["assignable_id"], e["date"])
            state, error = states.get(e["id"], (None, None))
            if state is not None and _worse(state, c.state):
                c.state, c.error = state, error
            if e["deleted"]:
                continue
            c.hours = round(c.hours + e["hours"], 2)
            c.entries += 1
            c.entry_ids.append(e["id"])
            c.notes = c.notes or e["notes"]
            c.approval = _least_approved(c.approval, e["approval_status"], c.entries == 1)
        for s in suggestions:
            c = cell(s["assignable_id"], s["date"])
            c.suggestion = float(s["scheduled_hours"])

        days = self.capacities(user_id, dates[0], dates[-1])
        week = [(day, day.isoformat(), days[day]) for day in dates]  # asked for on every row
        rows = []
        for assignable_id in sorted(ids, key=lambda i: _row_order(assignables.get(i), i)):
            assignable = assignables.get(assignable_id) or {"id": assignable_id, "kind": "project"}
            row_cells = []
            for day, iso, totals in week:
                c = cells.get((assignable_id, iso)) or Cell(day)
                if c.entries:
                    c.suggestion = None
                    totals.total = round(totals.total + c.hours, 2)
                lock = lock_for(assignable, day, today)
                c.lock = lock.reason if lock else None
                row_cells.append(c)
            rows.append(
                Row(
                    assignable_id,
                    display_name(assignable),
                    assignable.get("kind", "project"),
                    row_cells,
                )
            )
        return [days[d] for d in dates], rows

    def _assignables(self, ids: set[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        return {
            r["id"]: r
            for r in self.d.rows(
                "SELECT id, kind, name, phase_name, parent_id, project_code, timeentry_lockout, "
                f"archived FROM assignables WHERE id IN ({marks})",
                list(ids),
            )
        }

    def _entry_states(self, local_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        if not local_ids:
            return {}
        marks = ", ".join("?" * len(local_ids))
        found: dict[int, tuple[str, str | None]] = {}
        for r in self.d.rows(
            "SELECT local_id, state, last_error FROM outbox WHERE kind = 'time_entry' "
            f"AND state IN {OPEN_SQL} AND local_id IN ({marks}) "
            "ORDER BY seq",
            local_ids,
        ):
            state = "pending" if r["state"] == "sending" else r["state"]
            current = found.get(r["local_id"])
            if current is None or _worse(state, current[0]):
                found[r["local_id"]] = (state, r["last_error"])
        return found

    def entries(self, user_id: int, assignable_id: int, day: dt.date) -> list[dict[str, Any]]:
        """The entries of one cell (itemized time), with their sync state."""
        rows = cell_entries(self.d, user_id, assignable_id, day)
        states = self._entry_states([r["id"] for r in rows])
        for r in rows:
            r["state"], r["error"] = states.get(r["id"], (None, None))
        return rows

    # -- assignables ------------------------------------------------------
    def loggable(self) -> list[dict[str, Any]]:
        """Projects, phases and leave types a person may pick for a new row."""
        rows = self.d.rows(
            "SELECT id, kind, name, phase_name, parent_id, project_code, client, "
            "timeentry_lockout, archived FROM assignables WHERE archived = 0"
        )
        for r in rows:
            r["label"] = display_name(r)
        return sorted(rows, key=lambda r: _row_order(r, r["id"]))

    def assignable(self, assignable_id: int) -> dict[str, Any] | None:
        return self.d.row("SELECT * FROM assignables WHERE id = ?", (assignable_id,))

    # -- assignments ------------------------------------------------------
    def assignments(self, user_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        rows = self.d.rows(
            "SELECT a.*, s.kind, s.name, s.phase_name, o.label AS status_label, "
            "(SELECT COUNT(*) FROM subtasks t WHERE t.assignment_id = a.id AND t.deleted = 0) "
            "AS subtasks_total, "
            "(SELECT COUNT(*) FROM subtasks t WHERE t.assignment_id = a.id AND t.deleted = 0 "
            "AND t.completed = 1) AS subtasks_done "
            "FROM assignments a LEFT JOIN assignables s ON s.id = a.assignable_id "
            "LEFT JOIN status_options o ON o.id = a.status_option_id "
            "WHERE a.user_id = ? AND a.starts_at <= ? AND a.ends_at >= ? "
            "ORDER BY a.starts_at, a.id",
            (user_id, end.isoformat(), start.isoformat()),
        )
        for r in rows:
            r["label"] = display_name({**r, "id": r["assignable_id"]})
            # Subtasks not fetched yet: the counts the server sent with the assignment.
            if r["counted_subtasks"] and not r["subtasks_total"]:
                r["subtasks_total"], r["subtasks_done"] = r["counted_subtasks"], r["counted_done"]
        return rows

    def status_options_for(self, assignment_id: int) -> list[dict[str, Any]]:
        """The status options an assignment may take, in menu order: those of its
        ``scope`` when it has one (each scope has its own options), else all."""
        scope = self.d.scalar("SELECT scope FROM assignments WHERE id = ?", (assignment_id,))
        if scope is None:
            return self.d.rows(
                "SELECT id, label, stage, color, raw FROM status_options WHERE deleted = 0 "
                "ORDER BY sort_order, id"
            )
        return self.d.rows(
            "SELECT id, label, stage, color, raw FROM status_options WHERE deleted = 0 "
            "AND scope = ? ORDER BY sort_order, id",
            (scope,),
        )

    def subtasks(self, assignment_id: int) -> list[dict[str, Any]]:
        rows = self.d.rows(
            "SELECT * FROM subtasks WHERE assignment_id = ? AND deleted = 0 ORDER BY id",
            (assignment_id,),
        )
        states: dict[int, tuple[str | None, str | None]] = defaultdict(lambda: (None, None))
        ids = [r["id"] for r in rows]
        for r in self.d.rows(
            "SELECT local_id, state, last_error FROM outbox WHERE kind = 'subtask' "
            f"AND state IN {OPEN_SQL} "
            f"AND local_id IN ({', '.join('?' * len(ids))}) ORDER BY seq",
            ids,
        ):
            states[r["local_id"]] = (
                "pending" if r["state"] == "sending" else r["state"],
                r["last_error"],
            )
        for r in rows:
            r["state"], r["error"] = states[r["id"]]
        return rows

    # -- statuses ---------------------------------------------------------
    def status_board(self) -> list[dict[str, Any]]:
        """The people the person works with (and pins): their current status, if known."""
        me = me_id(self.d)
        teammates = set(self.d.get_meta("teammates", []))
        teammates |= {r["user_id"] for r in self.d.rows("SELECT user_id FROM pins")}
        if me:
            teammates.add(me)
        if not teammates:
            return []
        marks = ", ".join("?" * len(teammates))
        return self.d.rows(
            "SELECT u.id, u.display_name, u.role, u.discipline, u.location, s.status, s.message, "
            "s.updated_at, s.fetched_at, (u.id IN (SELECT user_id FROM pins)) AS pinned "
            f"FROM users u LEFT JOIN statuses s ON s.user_id = u.id WHERE u.id IN ({marks}) "
            "AND u.archived = 0 ORDER BY u.display_name",
            list(teammates),
        )

    def status_of(self, user_id: int) -> dict[str, Any] | None:
        return self.d.row("SELECT * FROM statuses WHERE user_id = ?", (user_id,))


_SEVERITY = {None: 0, "pending": 1, "failed": 2, "conflict": 3}


def _worse(state: str, than: str | None) -> bool:
    return _SEVERITY.get(state, 0) > _SEVERITY.get(than, 0)


def _least_approved(current: str | None, new: str | None, first: bool) -> str | None:
    order = {None: 0, "submitting": 1, "pending": 2, "approved": 3}
    if first:
        return new
    return current if order.get(current, 0) <= order.get(new, 0) else new


def _row_order(assignable: dict[str, Any] | None, assignable_id: int) -> tuple:
    if assignable is None:
        return (2, "", assignable_id)
    return (
        1 if assignable["kind"] == "leave" else 0,
        display_name(assignable).lower(),
        assignable_id,
    )
