"""Deterministic demo data for the Leantime sandbox, placed around the sandbox's today.

``demo``: me@example.com (Robin Hale) and two teammates on four projects (one
closed, one with its own status labels), tickets with dates, plan hours and
subtasks, and four weeks of time on weekdays. ``large``: the same people on
twelve projects with a year of time. The API key is a manager pseudo-user on
every project, so it may read and log time for the people (see the README).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any
from zoneinfo import ZoneInfo

from tenktui.sandbox.leantime.methods import DEFAULT_LABELS, KINDS
from tenktui.sandbox.leantime.state import DB_FORMAT, DEFAULT_TIMEZONE, LeantimeSandbox

SCALES = ("demo", "large")
ME_EMAIL = "me@example.com"
API_KEY = re.compile(r"^lt_([A-Za-z0-9]+)_([A-Za-z0-9]+)$")
NOTES = (
    "Pairing on the layout",
    "Review comments",
    "Call with the client",
    "Bug hunt",
    "Write-up for the team",
    "Estimates for next sprint",
    "",
)
# name, client, state, custom labels
PROJECTS = (
    ("Website relaunch", "Northwind", 0, False),
    ("Mobile app", "Contoso", 0, False),
    ("Internal tools", "Studio", 0, True),
    ("Old intranet", "Northwind", -1, False),
)
# project index, headline, type, owner, status, editFrom, editTo, dateToFinish (days from
# today), planHours, subtasks (headline, status)
TICKETS: tuple[tuple[Any, ...], ...] = (
    (0, "Design the new home page", "task", "me", 4, -10, 4, 5, 24,
     (("Hero section", 0), ("Footer links", 3), ("Accessibility check", 3))),
    (0, "Fix the login form", "bug", "me", 3, None, None, 10, 6, ()),
    (0, "Content migration", "task", "priya", 4, -5, 9, 9, 30, ()),
    (0, "Launch", "milestone", "me", 3, None, None, 20, 0, ()),
    (0, "Set up analytics", "task", "me", 0, -30, -20, -20, 5, ()),
    (1, "Push notifications", "story", "me", 3, 1, 12, 12, 16,
     (("iOS certificate", 3), ("Android channel setup", 4))),
    (1, "Offline mode spike", "task", "me", 1, None, None, None, 8, ()),
    (1, "Store listing copy", "task", "priya", 3, 2, 6, 6, 3, ()),
    (2, "Timesheet reminders", "task", "me", 5, -3, 2, 2, 4, (("Slack message", 0),)),
    (2, "Weekly planning", "task", "me", 4, None, None, None, 2, ()),
    (3, "Archive old pages", "task", "me", 0, -40, -25, -25, 6, ()),
)  # fmt: skip
CUSTOM_LABELS = (
    (3, "To do", "NEW", "label-info", 1),
    (4, "Doing", "INPROGRESS", "label-warning", 2),
    (5, "In review", "INPROGRESS", "label-purple", 3),
    (0, "Shipped", "DONE", "label-success", 4),
    (-1, "Archived", "NONE", "label-default", 5),
)


def _fmt(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(DB_FORMAT)


class Seeder:
    def __init__(self, sandbox: LeantimeSandbox, scale: str, seed: int, timezone: str) -> None:
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {', '.join(SCALES)}, got {scale!r}")
        self.sandbox = sandbox
        self.db = sandbox.db
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = sandbox.today
        self.zone = ZoneInfo(timezone)
        self.timezone = timezone
        self.now = dt.datetime.combine(self.today, dt.time(8), tzinfo=self.zone)
        self.users: dict[str, int] = {}
        self.next_ticket = 99  # ticket ids start at 100, well apart from other ids

    def stamp(self, days: int, hour: int = 9) -> str:
        moment = dt.datetime.combine(self.today + dt.timedelta(days=days), dt.time(hour))
        return _fmt(moment.replace(tzinfo=self.zone))

    def midnight(self, day: dt.date) -> str:
        return _fmt(dt.datetime.combine(day, dt.time(0), tzinfo=self.zone))

    def run(self) -> None:
        with self.db.transaction():
            self.db.set_setting("timezone", self.timezone)
            self._people()
            projects = self._projects()
            tickets = self._tickets(projects)
            self._time(tickets)

    def _user(self, key: str, username: str, first: str, last: str, role: int, **kw: Any) -> int:
        user_id = self.db.insert(
            "users",
            {
                "username": username,
                "firstname": first,
                "lastname": last,
                "role": role,
                "timezone": self.timezone,
                "modified": self.stamp(-400),
                **kw,
            },
        )
        self.users[key] = user_id
        return user_id

    def _people(self) -> None:
        me = self._user("me", ME_EMAIL, "Robin", "Hale", 20, jobTitle="Developer", wage=60)
        self._user("priya", "priya@example.com", "Priya", "Shah", 20, jobTitle="Designer")
        self._user("sam", "sam@example.com", "Sam", "Lee", 30, jobTitle="Project manager")
        match = API_KEY.match(self.sandbox.token)
        key_user = self._user(
            "api",
            match.group(1) if match else "api_key_sandbox",
            "tenktui",
            "API key",
            30,
            source="api",
        )
        self.db.set_setting("api_user_id", key_user)
        self.db.set_setting("personal_user_id", me)

    def _projects(self) -> list[int]:
        specs = list(PROJECTS)
        clients = ["Northwind", "Contoso", "Studio", "Fabrikam", "Globex"]
        if self.scale == "large":
            specs += [(f"Client project {i}", clients[i % 5], 0, False) for i in range(1, 9)]
        ids = []
        for name, client, state, custom in specs:
            project_id = self.db.insert(
                "projects",
                {
                    "name": name,
                    "clientId": clients.index(client) + 1,
                    "clientName": client,
                    "details": f"<p>{name} for {client}</p>",
                    "state": state,
                    "start": self.stamp(-120, 0),
                    "end": self.stamp(120, 0),
                    "modified": self.stamp(-100),
                },
            )
            ids.append(project_id)
            for key in ("me", "priya", "sam", "api"):
                self.db.insert(
                    "project_users", {"projectId": project_id, "userId": self.users[key]}
                )
            labels = CUSTOM_LABELS if custom else DEFAULT_LABELS
            for status_id, label, status_type, css, sort_key in labels:
                self.db.insert(
                    "status_labels",
                    {
                        "projectId": project_id,
                        "statusId": status_id,
                        "name": label,
                        "statusType": status_type,
                        "class": css,
                        "sortKey": sort_key,
                    },
                )
        return ids

    def _ticket(
        self,
        project_id: int,
        headline: str,
        kind: str,
        owner: str,
        status: int,
        start: int | None,
        end: int | None,
        due: int | None,
        plan: float,
        parent: int | None = None,
    ) -> int:
        self.next_ticket += 1
        return self.db.insert(
            "tickets",
            {
                "id": self.next_ticket,
                "projectId": project_id,
                "headline": headline,
                "description": f"<p>{headline}.</p>",
                "type": kind,
                "status": status,
                "userId": self.users["sam"],
                "editorId": self.users[owner],
                "date": self.stamp(-45),
                "dateToFinish": None if due is None else self.stamp(due, 17),
                "editFrom": None if start is None else self.stamp(start, 0),
                "editTo": None if end is None else self.stamp(end, 0),
                "planHours": plan,
                "hourRemaining": plan,
                "dependingTicketId": parent,
                "priority": 2,
                "modified": self.stamp(-2),
            },
        )

    def _tickets(self, projects: list[int]) -> list[tuple[int, str]]:
        """Create the tickets; the (id, owner) of those time can be logged on."""
        loggable: list[tuple[int, str]] = []
        specs = list(TICKETS)
        if self.scale == "large":
            for i in range(len(projects) - len(PROJECTS)):
                for j in range(6):
                    start = self.rng.randint(-300, 20)
                    owner = "me" if j % 2 == 0 else "priya"
                    status = self.rng.choice((3, 4, 0))
                    hours = self.rng.randint(4, 40)
                    name = f"Work package {i + 1}.{j + 1}"
                    index = len(PROJECTS) + i
                    specs.append(
                        (
                            index,
                            name,
                            "task",
                            owner,
                            status,
                            start,
                            start + 30,
                            start + 30,
                            hours,
                            (),
                        )
                    )
        for spec in specs:
            index, headline, kind, owner, status, start, end, due, plan, subtasks = spec
            ticket_id = self._ticket(
                projects[index], headline, kind, owner, status, start, end, due, plan
            )
            if kind != "milestone":
                loggable.append((ticket_id, owner))
            for sub_headline, sub_status in subtasks:
                self._ticket(
                    projects[index],
                    sub_headline,
                    "subtask",
                    owner,
                    sub_status,
                    None,
                    None,
                    None,
                    0,
                    parent=ticket_id,
                )
        return loggable

    def _time(self, tickets: list[tuple[int, str]]) -> None:
        weeks = 52 if self.scale == "large" else 4
        kinds = list(KINDS)
        rows = []
        for owner in ("me", "priya"):
            mine = [t for t, o in tickets if o == owner]
            for offset in range(weeks * 7, 0, -1):
                day = self.today - dt.timedelta(days=offset)
                if day.weekday() >= 5:
                    continue
                for ticket_id in self.rng.sample(mine, k=min(len(mine), self.rng.randint(1, 3))):
                    kind = kinds[0] if self.rng.random() < 0.7 else self.rng.choice(kinds[1:])
                    rows.append(
                        {
                            "userId": self.users[owner],
                            "ticketId": ticket_id,
                            "workDate": self.midnight(day),
                            "hours": self.rng.choice((0.5, 1, 1.5, 2, 2.5, 3, 4)),
                            "kind": kind,
                            "description": self.rng.choice(NOTES),
                            "rate": 60,
                            "modified": self.stamp(-offset, 18),
                        }
                    )
        seen = set()
        for row in rows:
            key = (row["userId"], row["ticketId"], row["workDate"], row["kind"])
            if key not in seen:
                seen.add(key)
                self.db.insert("timesheets", row)


def populate(
    sandbox: LeantimeSandbox,
    *,
    scale: str = "demo",
    seed: int = 0,
    timezone: str = DEFAULT_TIMEZONE,
) -> None:
    """Fill an empty sandbox (deterministic for a given today, scale, seed and timezone)."""
    Seeder(sandbox, scale, seed, timezone).run()
