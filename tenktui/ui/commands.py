"""The command palette (ctrl+p): every action by name, and "Go to project …"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.screen import Screen

from tenktui.store.validation import STATUS_CODES

if TYPE_CHECKING:
    from tenktui.ui.app import TenkApp

MAX_PROJECT_HITS = 30


@dataclass(frozen=True)
class PaletteAction:
    name: str
    help: str
    run: Callable[[], Any]


def palette_actions(app: TenkApp, under: Screen[Any] | None = None) -> list[PaletteAction]:
    """Every action of the app by name (what this backend and session can do), and those
    of ``under``, the screen the palette was opened on."""
    caps = app.session.capabilities
    sheet = app.run_on_timesheet
    actions = []
    # The Assignments screen's way to the timesheet (a letter key would switch screens).
    open_row = getattr(under, "action_open_timesheet", None)
    highlighted = getattr(under, "highlighted", None)
    if open_row is not None and highlighted is not None:
        actions.append(
            PaletteAction(
                f"Timesheet row of {highlighted['label']}",
                "Assignments: its row on the load strip's day",
                open_row,
            )
        )
    actions += [
        PaletteAction(
            "Go to Timesheet", "The week's time (F2)", partial(app.action_go, "timesheet")
        ),
        PaletteAction(
            "Go to Assignments",
            "What you are booked on (F3)",
            partial(app.action_go, "assignments"),
        ),
    ]
    if caps.statuses:
        actions.append(
            PaletteAction(
                "Go to Status", "Your status and your team's (F4)", partial(app.action_go, "status")
            )
        )
    actions += [
        PaletteAction(
            "Go to Subtasks",
            "The checklist of an assignment (F5)",
            partial(app.action_go, "subtasks"),
        ),
        PaletteAction(
            "Go to Outbox",
            "Edits waiting, refused or in conflict (F6)",
            partial(app.action_go, "outbox"),
        ),
        PaletteAction(
            "Go to Reports",
            "Hours against schedule and capacity, by week or month, with charts (F7)",
            partial(app.action_go, "reports"),
        ),
        PaletteAction(
            "Go to project …",
            "Find a project, phase or leave type in the week",
            app.action_pick_project,
        ),
        PaletteAction("Next week", "Timesheet: the week after (])", partial(sheet, "week(1)")),
        PaletteAction(
            "Previous week", "Timesheet: the week before ([)", partial(sheet, "week(-1)")
        ),
        PaletteAction("This week", "Timesheet: back to today (t)", partial(sheet, "this_week")),
        PaletteAction(
            "Confirm this week's suggestions",
            "Turn every suggested cell of the week into time (C)",
            partial(sheet, "confirm_week"),
        ),
        PaletteAction(
            "Confirm the day's suggestions",
            "Turn the selected day's suggestions into time (c)",
            partial(sheet, "confirm_day"),
        ),
        PaletteAction(
            "Add a row", "Log time on another project or leave type (a)", partial(sheet, "add_row")
        ),
        PaletteAction(
            "Copy last week's rows",
            "Rows of last week into this one (L)",
            partial(sheet, "copy_last_week"),
        ),
        PaletteAction("Undo the last edit", "Timesheet (u)", partial(sheet, "undo")),
        PaletteAction("Redo the last undone edit", "Timesheet (U)", partial(sheet, "redo")),
        PaletteAction(
            "Copy last week's hours",
            "Last week's time into this week's empty cells, after a question (Y)",
            partial(sheet, "copy_last_week_hours"),
        ),
        PaletteAction(
            "Go to a date …",
            "Timesheet: tomorrow, next mon, 2026-12-24 (g)",
            partial(sheet, "go_to_date"),
        ),
        PaletteAction(
            "Start or stop a timer",
            "Timesheet: on the row under the cursor; stops a running one (T)",
            partial(sheet, "timer"),
        ),
    ]
    if caps.approvals:
        actions.append(
            PaletteAction(
                "Submit week for approval", "Timesheet (s)", partial(sheet, "submit_week")
            )
        )
    if caps.statuses:
        actions += [
            PaletteAction(f"Set status {code}", meaning, partial(app.set_status, code))
            for code, meaning in STATUS_CODES.items()
        ]
    actions += [
        PaletteAction("Sync now", "Pull and send now (ctrl+r)", app.action_sync_now),
        PaletteAction("Switch theme", "Pick one of the themes", app.action_switch_theme),
        PaletteAction("Help: every key", "(?)", app.action_help),
    ]
    if app.session.sync.can_cut_network:
        cut = app.session.sync.network_cut
        actions.append(
            PaletteAction(
                "Restore network" if cut else "Cut network",
                "Demo: bring the sandbox back; queued edits replay"
                if cut
                else "Demo: edits queue in the outbox until you restore it",
                app.action_toggle_network,
            )
        )
    return actions


def highlight(text: str, offsets: tuple[int, ...] | list[int]) -> Content:
    content = Content(text)
    for offset in offsets:
        content = content.stylize("reverse", offset, offset + 1)
    return content


class TenkCommands(Provider):
    """The app's actions, and a project search that opens the project's timesheet row."""

    async def discover(self) -> Hits:
        for action in palette_actions(self.app, self.screen):  # type: ignore[arg-type]
            yield DiscoveryHit(action.name, action.run, help=action.help)

    async def search(self, query: str) -> Hits:
        app: TenkApp = self.app  # type: ignore[assignment]
        search = FuzzySearch()
        for action in palette_actions(app, self.screen):
            score, offsets = search.match(query, action.name)
            if score > 0:
                yield Hit(
                    score, highlight(action.name, offsets), action.run, action.name, action.help
                )
        found = []
        for project in app.session.store.queries.loggable():
            text = f"Go to project {project['label']}"
            score, offsets = search.match(query, text)
            if score > 0:
                found.append((score, text, offsets, project))
        found.sort(key=lambda f: -f[0])
        for score, text, offsets, project in found[:MAX_PROJECT_HITS]:
            yield Hit(
                score * 0.9,
                highlight(text, offsets),
                partial(app.go_to_project, project["id"]),
                text,
                project.get("client") or project["kind"],
            )
