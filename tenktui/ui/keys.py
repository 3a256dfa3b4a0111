"""Every key of the app in one place: each ``Binding`` has an id a keymap can rebind.

A keymap maps binding ids to keys, e.g. ``{"tenktui.timesheet.add_row": "plus"}``;
``TenkApp(keymap=...)`` applies it. The help screen is built from these lists.
"""

from __future__ import annotations

from textual.binding import Binding

from tenktui.store import marks
from tenktui.store.validation import STATUS_CODES

# Screens by name, with the key that opens each; the order of the app bar's tabs.
SCREEN_KEYS: dict[str, str] = {
    "timesheet": "f2",
    "assignments": "f3",
    "status": "f4",
    "subtasks": "f5",
    "outbox": "f6",
    "reports": "f7",
}

APP: list[Binding] = [
    Binding("question_mark,f1", "app.help", "Help", key_display="?", id="tenktui.help"),
    *(
        Binding(key, f"app.go('{name}')", name.title(), show=False, id=f"tenktui.go.{name}")
        for name, key in SCREEN_KEYS.items()
    ),
    Binding("ctrl+r", "app.sync_now", "Sync now", show=False, id="tenktui.sync_now"),
]

# The week grid itself: moving the cursor (the grid also takes digits to edit a cell).
GRID: list[Binding] = [
    Binding("up,k", "cursor(0, -1)", "Up", show=False, id="tenktui.grid.up"),
    Binding("down,j", "cursor(0, 1)", "Down", show=False, id="tenktui.grid.down"),
    Binding("left,h", "cursor(-1, 0)", "Left", show=False, id="tenktui.grid.left"),
    Binding("right,l", "cursor(1, 0)", "Right", show=False, id="tenktui.grid.right"),
    Binding("home", "cursor_day(0)", "First day", show=False, id="tenktui.grid.first_day"),
    Binding("end", "cursor_day(6)", "Last day", show=False, id="tenktui.grid.last_day"),
    Binding("pageup", "cursor_page(-1)", "Page up", show=False, id="tenktui.grid.page_up"),
    Binding("pagedown", "cursor_page(1)", "Page down", show=False, id="tenktui.grid.page_down"),
]

TIMESHEET: list[Binding] = [
    Binding("enter", "activate", "Open", key_display="⏎", id="tenktui.timesheet.activate"),
    Binding("e", "edit_cell", "Edit", show=False, id="tenktui.timesheet.edit"),
    Binding("o", "open_entries", "Entries", show=False, id="tenktui.timesheet.entries"),
    Binding("x,delete", "clear_cell", "Clear", show=False, id="tenktui.timesheet.clear"),
    Binding("X", "dismiss_suggestion", "Dismiss", show=False, id="tenktui.timesheet.dismiss"),
    Binding("c", "confirm_day", "Confirm day", id="tenktui.timesheet.confirm_day"),
    Binding("C", "confirm_week", "Confirm week", show=False, id="tenktui.timesheet.confirm_week"),
    Binding("a", "add_row", "Add row", id="tenktui.timesheet.add_row"),
    Binding("L", "copy_last_week", "Last week's rows", show=False, id="tenktui.timesheet.copy"),
    Binding("R", "remove_row", "Remove row", show=False, id="tenktui.timesheet.remove_row"),
    Binding("u,ctrl+z", "undo", "Undo", id="tenktui.timesheet.undo"),
    Binding("s", "submit_week", "Submit", id="tenktui.timesheet.submit"),
    Binding(
        "left_square_bracket,p", "week(-1)", "Prev week", key_display="[",
        show=False, id="tenktui.timesheet.previous_week",
    ),
    Binding(
        "right_square_bracket,n", "week(1)", "Next week", key_display="]",
        show=False, id="tenktui.timesheet.next_week",
    ),
    Binding("t", "this_week", "This week", show=False, id="tenktui.timesheet.this_week"),
    Binding("U,ctrl+y", "redo", "Redo", show=False, id="tenktui.timesheet.redo"),
    Binding("g", "go_to_date", "Go to a date", show=False, id="tenktui.timesheet.go_to_date"),
    Binding(
        "Y", "copy_last_week_hours", "Copy last week's hours",
        show=False, id="tenktui.timesheet.copy_hours",
    ),
    Binding(
        "exclamation_mark", "jump_reminder", "Go to a reminder's day (again: the next)",
        key_display="!", show=False, id="tenktui.timesheet.jump_reminder",
    ),
    # The timer (issue 14): start one on the row, stop it, or move it to this row.
    Binding("T", "timer", "Start/stop a timer", show=False, id="tenktui.timesheet.timer"),
]  # fmt: skip

# Keys the grid handles itself while a cell is being edited (not rebindable: typing).
EDITING: list[tuple[str, str]] = [
    ("0-9 . , : m h", "type hours: 1.5, 1,5, 1:30, 90m, 2h"),
    ("Enter", "save the cell"),
    ("Tab", "save and move to the next day"),
    ("Backspace", "delete the last character"),
    ("Escape", "cancel the edit"),
]

HELP: list[Binding] = [
    Binding("escape,q,question_mark", "close", "Close", id="tenktui.help.close"),
]

ENTRY_LIST: list[Binding] = [
    Binding("escape", "close", "Close", id="tenktui.entries.close"),
    Binding("a,n", "add", "Add", id="tenktui.entries.add"),
    Binding("enter,e", "edit", "Edit", key_display="⏎", id="tenktui.entries.edit"),
    Binding("d,delete", "delete", "Delete", id="tenktui.entries.delete"),
]

ENTRY_FORM: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="tenktui.entry_form.cancel"),
    Binding("ctrl+s", "save", "Save", id="tenktui.entry_form.save"),
]

CONFIRM: list[Binding] = [
    Binding("y", "answer(True)", "Yes", id="tenktui.confirm.yes"),
    Binding("n,escape", "answer(False)", "No", id="tenktui.confirm.no"),
]

DATE_PROMPT: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="tenktui.date_prompt.cancel"),
]

PICKER: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="tenktui.picker.cancel"),
    Binding("down", "move(1)", "Down", show=False, id="tenktui.picker.down"),
    Binding("up", "move(-1)", "Up", show=False, id="tenktui.picker.up"),
    # A picker is modal, which hides the app's keys: the F-keys still switch screens.
    *(b for b in APP if b.id and b.id.startswith("tenktui.go.")),
]

# A timer left running past its day, or over 12 h (issue 14): what to do with it.
FORGOTTEN_TIMER: list[Binding] = [
    Binding("k", "keep", "Keep it running", id="tenktui.forgotten_timer.keep"),
    Binding("s", "stop_at", "Stop it at a time", id="tenktui.forgotten_timer.stop_at"),
    Binding("d", "discard", "Discard it", id="tenktui.forgotten_timer.discard"),
    Binding("escape", "later", "Ask me later", id="tenktui.forgotten_timer.later"),
]

# A one-line question at the bottom of a screen (a subtask's text, a status message).
PROMPT: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="tenktui.prompt.cancel"),
]

ASSIGNMENTS: list[Binding] = [
    Binding("enter", "open_subtasks", "Subtasks", priority=True, id="tenktui.assignments.subtasks"),
    Binding("S", "set_status", "Set status", id="tenktui.assignments.set_status"),
    Binding(
        "left_square_bracket,p", "shift(-1)", "Earlier", key_display="[",
        id="tenktui.assignments.earlier",
    ),
    Binding(
        "right_square_bracket,n", "shift(1)", "Later", key_display="]",
        id="tenktui.assignments.later",
    ),
    Binding("t", "this_week", "This week", show=False, id="tenktui.assignments.this_week"),
]  # fmt: skip

# The Assignments screen's strip of days: moving its cursor.
LOAD_STRIP: list[Binding] = [
    Binding("left,h", "move(-1)", "Earlier day", show=False, id="tenktui.load_strip.left"),
    Binding("right,l", "move(1)", "Later day", show=False, id="tenktui.load_strip.right"),
    Binding("up,k", "move(-7)", "Week earlier", show=False, id="tenktui.load_strip.up"),
    Binding("down,j", "move(7)", "Week later", show=False, id="tenktui.load_strip.down"),
]

# One key per status code: the code's own first letter where it is free.
CODE_KEYS: dict[str, str] = {
    "ITO": "i", "WFH": "w", "SIC": "s", "OOO": "o", "VAC": "v", "OOF": "f",
}  # fmt: skip

STATUS: list[Binding] = [
    *(
        Binding(
            key,
            f"set_status('{code}')",
            f"Set my status {code} ({STATUS_CODES[code].lower()})",
            show=False,
            id=f"tenktui.status.set_{code.lower()}",
        )
        for code, key in CODE_KEYS.items()
    ),
    Binding("slash", "filter", "Filter", id="tenktui.status.filter"),
    Binding("asterisk", "pin", "Pin/unpin", key_display="*", id="tenktui.status.pin"),
    Binding("a", "everyone", "Everyone / my people", id="tenktui.status.everyone"),
    Binding("escape", "leave_filter", "Back to the board", show=False, id="tenktui.status.board"),
]

SUBTASKS: list[Binding] = [
    Binding("space", "toggle", "Done/undone", id="tenktui.subtasks.toggle"),
    Binding("a", "add", "Add", id="tenktui.subtasks.add"),
    Binding("r", "rename", "Rename", id="tenktui.subtasks.rename"),
    Binding("d,delete", "delete", "Delete", id="tenktui.subtasks.delete"),
    Binding("escape", "back", "Back", id="tenktui.subtasks.back"),
]

OUTBOX: list[Binding] = [
    Binding("r", "retry", "Retry", id="tenktui.outbox.retry"),
    Binding("R", "retry_all", "Retry all", id="tenktui.outbox.retry_all"),
    Binding("d,delete", "discard", "Discard", id="tenktui.outbox.discard"),
    Binding("m", "resolve('mine')", "Keep mine", id="tenktui.outbox.keep_mine"),
    Binding("T", "resolve('theirs')", "Take theirs", id="tenktui.outbox.take_theirs"),
    Binding("enter", "open", "Go to", priority=True, id="tenktui.outbox.open"),
]

# The Reports screen: the period (a week or a month) and how its rows are grouped.
REPORTS: list[Binding] = [
    Binding(
        "left_square_bracket,p", "step(-1)", "Earlier", key_display="[",
        id="tenktui.reports.previous",
    ),
    Binding(
        "right_square_bracket,n", "step(1)", "Later", key_display="]",
        id="tenktui.reports.next",
    ),
    Binding("t", "this_period", "This period", show=False, id="tenktui.reports.this_period"),
    Binding("w", "span('week')", "Week", id="tenktui.reports.week"),
    Binding("m", "span('month')", "Month", id="tenktui.reports.month"),
    Binding("b", "regroup", "Group by", id="tenktui.reports.group"),
    Binding("r", "fetch", "Fetch again", show=False, id="tenktui.reports.fetch"),
]  # fmt: skip

# Marks in the week grid, for the help screen.
CELL_MARKS: list[tuple[str, str]] = marks.LEGEND
