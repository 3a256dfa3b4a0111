"""Every edit not yet on the server: what it is, when it was made, why it is stuck."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from tenktui.kinds import Describer, Resolutions
from tenktui.store.describe import when_label
from tenktui.store.outbox import OutboxRow
from tenktui.text import clean, clean_line
from tenktui.ui import keys
from tenktui.ui.messages import OpenSubtasks, OpenTimesheetRow
from tenktui.ui.widgets.app_bar import AppBar
from tenktui.ui.widgets.confirm import ConfirmDialog
from tenktui.ui.widgets.conflict_view import ConflictView
from tenktui.ui.widgets.screens_base import ScreenTitle, StoreScreen, highlighted_key
from tenktui.ui.widgets.sync_footer import SyncFooter

if TYPE_CHECKING:
    from tenktui.session import Session

STATES = {
    "pending": "⟳ pending",
    "sending": "⟳ sending",
    "failed": "✗ failed",
    "conflict": "⚠ conflict",
}


class OutboxScreen(StoreScreen):
    """Pending, failed and conflicted edits, oldest first.

    ``r`` retries a failed edit (``R`` all of them), ``d``/Delete discards one after
    asking, ``m`` keeps mine and ``T`` takes theirs on a conflict; Enter goes to the
    record (its timesheet cell or its checklist).
    """

    AUTO_FOCUS = "#outbox"

    DEFAULT_CSS = """
    OutboxScreen #outbox {
        height: 1fr;
        width: 100%;
    }
    OutboxScreen #outbox-empty {
        height: auto;
        padding: 1 2;
        color: $text-muted;
    }
    OutboxScreen #why {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    OutboxScreen ConflictView {
        background: $boost;
    }
    OutboxScreen #hint {
        height: 1;
        padding: 0 1;
        background: $boost;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = keys.OUTBOX

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.rows: list[OutboxRow] = []
        self.describer = Describer(session.store.database)
        self.resolutions = Resolutions(session.store)

    def compose(self) -> ComposeResult:
        yield AppBar("outbox")
        yield ScreenTitle()
        yield DataTable(id="outbox", cursor_type="row", zebra_stripes=True)
        yield Static("Nothing waiting: every edit has reached the server.", id="outbox-empty")
        yield Static("", id="why", markup=False)
        yield ConflictView()
        yield Static("", id="hint", markup=False)
        yield SyncFooter()

    # -- reading the store -------------------------------------------------
    def refresh_from_store(self) -> None:
        table = self.query_one("#outbox", DataTable)
        highlighted = self.highlighted
        self.rows = self.store.outbox.open_rows()
        counts = self.store.outbox.counts()
        parts = [
            f"{n} {word}"
            for n, word in (
                (counts.pending, "pending"),
                (counts.failed, "failed"),
                (counts.conflicts, "conflict" if counts.conflicts == 1 else "conflicts"),
            )
            if n
        ]
        self.set_title("Outbox · " + (" · ".join(parts) or "empty"))

        table.clear(columns=True)
        made = 12
        table.add_column("State", width=10, key="state")
        table.add_column("What", width=max(24, (self.size.width or 80) - 10 - made - 6 - 2))
        table.add_column("Made", width=made, key="made")
        for row in self.rows:
            table.add_row(
                Text(STATES.get(row.state, row.state)),
                Text(clean_line(self.describer.describe(row)), overflow="ellipsis", no_wrap=True),
                Text(when_label(row.created_at, self.today)),
                key=str(row.seq),
            )
        if highlighted is not None:
            seqs = [r.seq for r in self.rows]
            if highlighted.seq in seqs:
                table.move_cursor(row=seqs.index(highlighted.seq), animate=False)
        table.display = bool(self.rows)
        self.query_one("#outbox-empty").display = not self.rows
        self._show_row()
        self.refresh_bindings()

    def on_resize(self) -> None:
        self.refresh_from_store()

    @property
    def highlighted(self) -> OutboxRow | None:
        key = highlighted_key(self.query_one("#outbox", DataTable))
        return next((r for r in self.rows if str(r.seq) == key), None)

    def _show_row(self) -> None:
        row = self.highlighted
        why = self.query_one("#why", Static)
        conflict = self.query_one(ConflictView)
        hint = self.query_one("#hint", Static)
        conflict.display = row is not None and row.state == "conflict"
        why.display = hint.display = row is not None
        if row is None:
            return
        lines = [self.describer.describe(row)]
        if row.state == "failed":
            lines.append(f"Refused: {row.last_error or 'no reason given'}")
            hint.update("r retry (after fixing the cause) · d discard")
        elif row.state == "conflict":
            lines.append(row.last_error or "Changed on the server since you edited it.")
            conflict.show(self.describer.versions(row))
            hint.update("m keep mine (send it over theirs) · T take theirs (drop mine)")
        else:
            if row.attempts:
                tried = f"Tried {row.attempts} time{'s' if row.attempts != 1 else ''}"
                lines.append(tried + (f": {row.last_error}" if row.last_error else "."))
            else:
                lines.append("Not sent yet: it goes with the next sync.")
            hint.update("d discard")
        why.update(clean("\n".join(lines)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_row()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer (and show in the footer) only what fits the highlighted edit."""
        row = self.highlighted
        if action == "retry":
            return row is not None and row.state == "failed"
        if action == "retry_all":
            return any(r.state == "failed" for r in self.rows)
        if action == "resolve":
            return row is not None and row.state == "conflict"
        if action == "discard":
            return row is not None
        if action == "open":
            return row is not None and row.kind in ("time_entry", "subtask")
        return True

    # -- acting on a row ----------------------------------------------------
    def action_retry(self) -> None:
        row = self.highlighted
        if row is None:
            return
        self.edit(
            f"Retry: {self.describer.describe(row)}",
            lambda: self.resolutions.retry(row.seq),
        )

    def action_retry_all(self) -> None:
        if not any(r.state == "failed" for r in self.rows):
            self.say("Nothing has failed.")
            return
        self.edit("Retry every failed edit", self.resolutions.retry_all)

    def action_discard(self) -> None:
        row = self.highlighted
        if row is None:
            return
        what = self.describer.describe(row)

        def answered(yes: bool | None) -> None:
            if yes:
                self.edit(f"Discard: {what}", lambda: self.resolutions.discard(row.seq))

        self.app.push_screen(
            ConfirmDialog(
                f"Discard “{what}”? The server's version stays; your edit is lost.",
                yes="Discard",
                no="Keep",
                danger=True,
            ),
            answered,
        )

    def action_resolve(self, keep: str) -> None:
        row = self.highlighted
        if row is None:
            return
        if row.state != "conflict":
            self.say("Only a conflict has two versions to choose from.", "warning")
            return
        words = "Keep mine" if keep == "mine" else "Take theirs"
        self.edit(
            f"{words}: {self.describer.describe(row)}",
            lambda: self.resolutions.resolve(row.seq, keep),
        )

    def action_open(self) -> None:
        """Go to the record the edit is about."""
        row = self.highlighted
        if row is None:
            return
        if row.kind == "time_entry":
            entry = self.store.lookups.entry(row.local_id) or {**(row.base or {}), **row.target}
            if entry.get("assignable_id") and entry.get("date"):
                self.post_message(
                    OpenTimesheetRow(entry["assignable_id"], dt.date.fromisoformat(entry["date"]))
                )
        elif row.kind == "subtask" and row.target.get("assignment_id"):
            self.post_message(OpenSubtasks(row.target["assignment_id"]))
