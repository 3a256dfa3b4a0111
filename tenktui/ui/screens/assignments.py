"""The person's assignments around the visible week, with a per-day load strip."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from tenktui.store.describe import day_label
from tenktui.store.load import describe_allocation, schedule_for
from tenktui.store.queries import week_start_for
from tenktui.text import clean, clean_line
from tenktui.ui import keys
from tenktui.ui.messages import OpenSubtasks, OpenTimesheetRow
from tenktui.ui.widgets.app_bar import AppBar
from tenktui.ui.widgets.load_strip import LoadStrip
from tenktui.ui.widgets.screens_base import ScreenTitle, StoreScreen, highlighted_key
from tenktui.ui.widgets.sync_footer import SyncFooter

if TYPE_CHECKING:
    from tenktui.session import Session

WEEKS_BACK = 2
WEEKS_AHEAD = 6


def dates_label(starts: str, ends: str, today: dt.date) -> str:
    """``12 Oct – 18 Dec``; a year other than this one is shown: ``30 Nov – 22 Jan ’27``."""

    def one(value: str) -> str:
        day = dt.date.fromisoformat(value)
        text = f"{day.day} {day:%b}"
        return text if day.year == today.year else f"{text} ’{day:%y}"

    return f"{one(starts)} – {one(ends)}"


class AssignmentsScreen(StoreScreen):
    """Assignments from two weeks before the visible week to six weeks after it.

    Enter opens the highlighted assignment's subtasks (posts ``OpenSubtasks``);
    ``[``/``p`` and ``]``/``n`` move the range a week, ``t`` back to this week, as on the
    Timesheet. Its timesheet row, on the day under the load strip's cursor, is in the
    command palette (posts ``OpenTimesheetRow``): letters never switch screens.
    """

    AUTO_FOCUS = "#assignments"

    DEFAULT_CSS = """
    AssignmentsScreen #assignments {
        height: 1fr;
        width: 100%;
    }
    AssignmentsScreen #assignment-detail {
        height: 3;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    AssignmentsScreen #assignments-empty {
        padding: 1 2;
        color: $text-muted;
        display: none;
    }
    AssignmentsScreen.-empty #assignments-empty {
        display: block;
    }
    """

    BINDINGS = keys.ASSIGNMENTS

    def __init__(self, session: Session, *, week_start: dt.date | None = None) -> None:
        """``week_start``: the week the timesheet shows (this week when not given)."""
        super().__init__(session)
        self.first_weekday = getattr(session, "week_start", 0)
        self.anchor = week_start_for(week_start or self.today, self.first_weekday)
        self.rows: dict[str, dict[str, Any]] = {}
        self.schedule: Any = None
        self.wide = False
        self.roomy = True

    def compose(self) -> ComposeResult:
        yield AppBar("assignments")
        yield ScreenTitle()
        yield LoadStrip(id="load")
        yield DataTable(id="assignments", cursor_type="row", zebra_stripes=True)
        yield Static("No assignments in this range.", id="assignments-empty")
        yield Static("", id="assignment-detail", markup=False)
        yield SyncFooter()

    def first_shown(self) -> None:
        # The checklists' counts come with the projects' lists, fetched when first shown.
        self.session.sync.want_projects()

    def reopen(self, *args: Any, week_start: dt.date | None = None, **options: Any) -> bool:
        """Shown again for the timesheet's week: the range moves there (a range moved
        here goes back to it, as on a new screen); read again only if it moved."""
        if args or options:
            return False
        anchor = week_start_for(week_start or self.today, self.first_weekday)
        if anchor != self.anchor:
            self.anchor = anchor
            self.forget_drawing()
        return True

    # -- range ------------------------------------------------------------
    @property
    def start(self) -> dt.date:
        return self.anchor - dt.timedelta(weeks=WEEKS_BACK)

    @property
    def end(self) -> dt.date:
        return self.anchor + dt.timedelta(weeks=WEEKS_AHEAD, days=-1)

    def action_shift(self, weeks: int) -> None:
        self.anchor += dt.timedelta(weeks=weeks)
        strip = self.query_one(LoadStrip)
        day = strip.day + dt.timedelta(weeks=weeks) if strip.day else None
        self.refresh_from_store(day=day)

    def action_this_week(self) -> None:
        self.anchor = week_start_for(self.today, self.first_weekday)
        self.refresh_from_store(day=self.today)

    # -- reading the store -------------------------------------------------
    def refresh_from_store(self, day: dt.date | None = None) -> None:
        table = self.query_one("#assignments", DataTable)
        strip = self.query_one(LoadStrip)
        me = self.me
        assignments = self.store.queries.assignments(me, self.start, self.end) if me else []
        self.schedule = schedule_for(self.store.queries, me, self.start, self.end) if me else None
        loads = self.schedule.loads(self.start, self.end) if self.schedule else []
        holidays = {
            d: c.holiday
            for d, c in self.store.queries.capacities(me or 0, self.start, self.end).items()
            if c.holiday
        }
        strip.show(loads, today=self.today, day=day, holidays=holidays)

        over = sum(1 for d in loads if d.state == "over")
        under = sum(1 for d in loads if d.state in ("under", "empty"))
        title = f"Assignments · {day_label(self.start)} – {day_label(self.end)}"
        if loads:
            title += f" · {over} day{'s' if over != 1 else ''} over, {under} under"
        self.set_title(title)

        highlighted = self._highlighted_key()
        self._columns(table, assignments)
        self.rows = {}
        for a in assignments:
            key = str(a["id"])
            self.rows[key] = a
            total = a["subtasks_total"] or 0
            table.add_row(
                Text(clean_line(a["label"]), overflow="ellipsis", no_wrap=True),
                Text(dates_label(a["starts_at"], a["ends_at"], self.today)),
                Text(describe_allocation(a), justify="right"),
                *(
                    [
                        Text(
                            clean_line(a["status_label"] or "")
                            or ("leave" if a["kind"] == "leave" else "—")
                        ),
                        Text(
                            f"{a['subtasks_done'] or 0}/{total}" if total else "—",
                            justify="right",
                        ),
                    ]
                    if self.roomy
                    else []
                ),
                *(
                    [Text(clean_line(" · ".join(x for x in (a["description"], a["note"]) if x)))]
                    if self.wide
                    else []
                ),
                key=key,
            )
        if highlighted in self.rows:
            table.move_cursor(row=table.get_row_index(highlighted), animate=False)
        self.set_class(not assignments, "-empty")
        table.display = bool(assignments)
        self._show_detail()

    def _columns(self, table: DataTable[Text], assignments: list[dict[str, Any]]) -> None:
        """The label takes what the fixed columns leave, up to its longest; the description
        takes the rest when there is room (the detail pane shows it anyway). Under 80
        columns status and tasks make way for the name (the detail pane has the status)."""
        table.clear(columns=True)
        width = self.size.width or 80
        self.roomy = width >= 80
        fixed = {"dates": 19, "allocation": 10}
        if self.roomy:
            fixed |= {"status": 11, "subtasks": 5}
        room = width - sum(fixed.values()) - 2 * (len(fixed) + 1) - 2
        longest = max([len("Project / phase"), *(len(a["label"]) for a in assignments)])
        label = max(12, min(longest, room))
        table.add_column("Project / phase", width=label, key="label")
        table.add_column("Dates", width=fixed["dates"], key="dates")
        table.add_column(Text("Allocation", justify="right"), width=10, key="allocation")
        if self.roomy:
            table.add_column("Status", width=fixed["status"], key="status")
            table.add_column(Text("Tasks", justify="right"), width=5, key="subtasks")
        room -= label + 2  # the description's own padding
        self.wide = room >= 12
        if self.wide:
            table.add_column("Description", width=room, key="description")

    def on_resize(self) -> None:
        self.refresh_from_store()

    def _highlighted_key(self) -> str | None:
        return highlighted_key(self.query_one("#assignments", DataTable))

    @property
    def highlighted(self) -> dict[str, Any] | None:
        key = self._highlighted_key()
        return self.rows.get(key) if key else None

    def _show_detail(self) -> None:
        detail = self.query_one("#assignment-detail", Static)
        a = self.highlighted
        if a is None:
            detail.update("")
            return
        lines = [
            f"{a['label']} · {dates_label(a['starts_at'], a['ends_at'], self.today)} · "
            f"{describe_allocation(a)}" + (f" · {a['status_label']}" if a["status_label"] else ""),
            f"Description: {a['description'] or '—'}"
            + (f"   Note: {a['note']}" if a["note"] else ""),
        ]
        strip = self.query_one(LoadStrip)
        if self.schedule is not None and strip.day is not None:
            booked = self.schedule.hours(a, strip.day, strip.day).get(strip.day, 0.0)
            week = week_start_for(strip.day, self.first_weekday)
            in_week = sum(self.schedule.hours(a, week, week + dt.timedelta(days=6)).values())
            lines.append(
                f"Books {booked:g} h on {day_label(strip.day)}, "
                f"{round(in_week, 2):g} h in the week of {day_label(week)}"
            )
        detail.update(clean("\n".join(lines)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_load_strip_day_changed(self, event: LoadStrip.DayChanged) -> None:
        self._show_detail()

    # -- going places -----------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_subtasks()

    def action_open_subtasks(self) -> None:
        a = self.highlighted
        if a is None:
            return
        if a["kind"] == "leave":
            self.say("Leave has no subtasks.", "warning")
            return
        self.post_message(OpenSubtasks(a["id"]))

    def action_set_status(self) -> None:
        """Pick the highlighted assignment's status option (a Leantime ticket's status)."""
        from tenktui.ui.widgets.picker import FuzzyPicker, PickItem

        a = self.highlighted
        if a is None:
            return
        if a["kind"] == "leave":
            self.say("Leave has no status to change.", "warning")
            return
        options = self.store.queries.status_options_for(a["id"])
        if not options:
            self.say("No status options for this assignment yet: sync first.")
            return
        items = [
            PickItem(o["label"], o["id"], "current" if o["id"] == a["status_option_id"] else "")
            for o in options
        ]

        def chosen(option_id: int | None) -> None:
            if option_id is None or option_id == a["status_option_id"]:
                return
            label = next(o["label"] for o in options if o["id"] == option_id)
            self.edit(
                f"{a['label']}: {label}",
                lambda: self.store.edits.set_assignment_status(a["id"], option_id),
            )

        self.app.push_screen(FuzzyPicker(f"Status of {a['label']}", items), chosen)

    def action_open_timesheet(self) -> None:
        a = self.highlighted
        if a is None:
            return
        first = dt.date.fromisoformat(a["starts_at"])
        last = dt.date.fromisoformat(a["ends_at"])
        day = self.query_one(LoadStrip).day or self.today
        self.post_message(OpenTimesheetRow(a["assignable_id"], min(max(day, first), last)))
