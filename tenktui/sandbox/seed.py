"""Generated data for the sandbox: a small studio ("demo") or a big account ("large").

``populate`` fills an empty sandbox around its ``today``. The result depends only
on ``(scale, seed, today)``: every choice comes from one ``random.Random(seed)``,
ids from the account-wide sequence of an empty database, and every timestamp is
derived from ``today`` (all strictly before it), so two runs give identical files.

Days are handled as integer offsets from the start of the generated window; a
person's available hours are precomputed per day (work week, availability blocks,
holidays, employment), which keeps a year of time for 500 people quick to build.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tenktui.sandbox import models
from tenktui.sandbox.db import SandboxDB
from tenktui.sandbox.state import Sandbox

Doc = dict[str, Any]

SCALES = ("demo", "large")
WORK_WEEK = [0, 8, 8, 8, 8, 8, 0]  # index 0 = Sunday, as the API's day0..day6
ME_EMAIL = "me@example.com"
ME_NAME = ("Robin", "Hale")
CHUNK = 20_000  # documents per put_many

ROLES = ("Senior", "Junior", "Lead", "Principal", "Intern")
DISCIPLINES = ("Design", "Development", "Project Management", "Strategy", "Quality Assurance")
LOCATIONS = ("London", "Berlin", "New York", "Remote")
LEAVE_TYPES = ("Vacation", "Sick", "Holiday", "Parental Leave")
CATEGORIES = ("Design", "Development", "Meetings", "Research", "Travel", "Admin")
NOTES = {
    "Design": ("Wireframes", "Mockups for review", "Design QA", "Style guide updates"),
    "Development": ("Code review", "Bug fixes", "API integration", "Deploy to staging"),
    "Meetings": ("Weekly sync", "Client call", "Sprint planning", "Retro"),
    "Research": ("User interviews", "Competitor review", "Spike on options"),
    "Travel": ("Train to client office", "Client site visit"),
    "Admin": ("Email and planning", "Invoicing prep", "Onboarding paperwork"),
}
# The task categories a person of each discipline usually books to.
DISCIPLINE_TASKS = {
    "Design": ("Design", "Design", "Research", "Meetings"),
    "Development": ("Development", "Development", "Meetings", "Research"),
    "Project Management": ("Meetings", "Admin", "Meetings", "Travel"),
    "Strategy": ("Research", "Meetings", "Travel", "Admin"),
    "Quality Assurance": ("Development", "Meetings", "Research", "Admin"),
}
STATUS_OPTIONS = (  # label, color, stage, order, deleted
    ("Not Started", "blue_bright", "planned", 100.0, False),
    ("In Progress", "yellow", "in_progress", 200.0, False),
    ("On Track", "green_bright", "in_progress", 300.0, False),
    ("At Risk", "red", "in_progress", 400.0, False),
    ("Done", "green_dark", "done", 500.0, False),
    ("Waiting on Client", "purple", "in_progress", 250.0, True),
)
STATUS_MESSAGES = {
    "ITO": ("In the studio", "At my desk all day", "Heads down, ping me if urgent"),
    "WFH": ("Working from home today", "Remote today, on chat", "WFH, back in tomorrow"),
    "SIC": ("Off sick", "Under the weather, offline"),
    "OOO": ("At the client's office", "On the road, slow replies", "Workshop on site"),
    "VAC": ("On vacation", "Away, back next week"),
    "OOF": ("Out this afternoon", "Dentist, back after lunch"),
}
STATUS_WEIGHTS = (("ITO", 45), ("WFH", 30), ("OOO", 10), ("OOF", 7), ("SIC", 4), ("VAC", 4))
ASSIGNMENT_DESCRIPTIONS = (
    "Discovery workshops",
    "Key screens",
    "Backend integration",
    "Content migration",
    "QA pass",
    "Launch checklist",
    "Stakeholder reviews",
    "Prototype",
    "Performance fixes",
    "Reporting dashboard",
)
SUBTASKS = (
    "Kick-off notes",
    "Draft",
    "Internal review",
    "Client review",
    "Revisions",
    "Hand-over",
)
PROJECT_TAGS = ("Fixed Bid", "Retainer", "Priority", "Billable")
USER_TAGS = ("Mentor", "First Aider", "Python", "Figma")
SKILLS = ("Figma", "Python", "TypeScript", "Copywriting", "Workshops", "Accessibility")
MODE_WEIGHTS = (("percent", 65), ("hours_per_day", 25), ("fixed", 10))

# fmt: off
FIRST_NAMES = (
    "Ada", "Adam", "Aisha", "Alan", "Alice", "Amir", "Anna", "Ben", "Bianca", "Carl", "Chen",
    "Clara", "Daniel", "Dara", "David", "Eli", "Elena", "Emil", "Erin", "Eva", "Felix", "Fiona",
    "Gabe", "Grace", "Hana", "Hugo", "Ian", "Ines", "Ivan", "Jade", "James", "Jana", "Joel",
    "Julia", "Kai", "Kara", "Kofi", "Lara", "Leo", "Lina", "Luca", "Maya", "Mei", "Milo", "Nadia",
    "Nils", "Nora", "Omar", "Paula", "Petra", "Quinn", "Rafael", "Rosa", "Ruth", "Sara", "Theo",
    "Uma", "Vera", "Will", "Yara", "Yusuf", "Zane",
)
LAST_NAMES = (
    "Abbott", "Adler", "Baker", "Berg", "Brooks", "Castro", "Dahl", "Diaz", "Doyle", "Ekström",
    "Evans", "Ferreira", "Fox", "Greene", "Haas", "Hart", "Holm", "Ito", "Jensen", "Kaur", "Klein",
    "Kowalski", "Lange", "Lopez", "Mills", "Moss", "Nagy", "Nguyen", "Ortiz", "Park", "Quinn",
    "Reyes", "Ross", "Sato", "Shaw", "Silva", "Singh", "Stone", "Thorne", "Ueda", "Varga", "Vogel",
    "Walsh", "Ward", "Weiss", "Young", "Zhang", "Zimmer",
)
CLIENTS = (
    "Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Foundation", "Hooli",
    "Wayne Enterprises", "Soylent", "Vandelay Industries", "Cyberdyne", "Tyrell", "Wonka Foods",
    "Oscorp", "Gringotts", "Monarch Air", "Aperture Labs", "Blue Sun", "Nakatomi", "Oceanic",
    "Pied Piper", "Massive Dynamic", "Duff Brewing", "Gekko & Co", "Sirius Cybernetics",
    "Black Mesa", "Buy n Large", "Dunder Mifflin", "Krusty Krab", "Los Pollos",
    "Prestige Worldwide",
)
CODENAMES = (
    "Apollo", "Beacon", "Cascade", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris",
    "Juniper", "Keystone", "Lumen", "Meridian", "Nimbus", "Orchid", "Pioneer", "Quartz", "Redwood",
    "Summit", "Tidal", "Unity", "Vertex", "Willow", "Zephyr", "Atlas", "Borealis", "Comet",
    "Drift", "Echo", "Fjord", "Glacier", "Horizon", "Indigo", "Jasper", "Kestrel", "Lagoon",
)
WORK_TYPES = (
    "Website", "App", "Rebrand", "Campaign", "Portal", "Migration", "Audit", "Dashboard",
    "Redesign", "Integration", "Launch", "Research", "Platform", "Prototype", "Intranet",
    "Checkout", "Onboarding", "Analytics", "Content Hub", "Design System",
)
PHASE_NAMES = ("Discovery", "Design", "Build", "Test", "Launch")
PLACEHOLDER_TITLES = (
    "Designer", "Developer", "Project Manager", "QA Engineer", "Strategist", "Senior Designer",
    "Senior Developer", "Copywriter", "Data Analyst", "Producer", "UX Researcher", "Architect",
)
# fmt: on


def populate(sandbox: Sandbox, scale: str = "demo", seed: int = 0) -> None:
    """Fill an empty sandbox with generated data around ``sandbox.today``."""
    if scale not in SCALES:
        raise ValueError(f"unknown sandbox scale {scale!r}; choose one of {', '.join(SCALES)}")
    db = sandbox.db
    rng = random.Random(seed)
    with db.bulk_load():
        db.set_setting("work_week", WORK_WEEK)
        if scale == "demo":
            _Demo(db, sandbox.today, rng).build()
        else:
            _Large(db, sandbox.today, rng).build()


# -- building blocks ---------------------------------------------------------


class _Ids:
    """Ids from the account-wide sequence, reserved in blocks.

    Blocks keep bulk work to a handful of ``reserve_ids`` calls; the unused tail
    of the last block is handed back when the seed is done.
    """

    def __init__(self, db: SandboxDB, block: int) -> None:
        self.db = db
        self.block = block
        self.next = 0
        self.limit = 0

    def take(self, count: int = 1) -> int:
        if self.next + count > self.limit:
            size = max(count, self.block)
            self.next = self.db.reserve_ids(size)
            self.limit = self.next + size
        first = self.next
        self.next += count
        return first

    def release(self) -> None:
        # Safe only because seeding holds the database's transaction (and lock).
        if self.db.get_setting("next_id") == self.limit:
            self.db.set_setting("next_id", self.next)


@dataclass(slots=True)
class _Assignable:
    """A project, phase or leave type, with its dates as day offsets."""

    id: int
    name: str
    start: int
    end: int
    leave: bool = False
    phases: list[_Assignable] = field(default_factory=list)


@dataclass(slots=True)
class _Plan:
    """An assignment while the data is generated."""

    id: int
    target: _Assignable
    start: int
    end: int
    mode: str
    value: float
    workdays: int


@dataclass(slots=True)
class _Person:
    """A user or placeholder: its document, daily hours and assignments."""

    id: int
    doc: Doc
    hours: list[float]
    books_time: bool
    rate: float = 0.0
    tasks: Sequence[str] = CATEGORIES
    plans: list[_Plan] = field(default_factory=list)

    def on_leave(self, day: int) -> bool:
        return any(p.target.leave and p.start <= day <= p.end for p in self.plans)


@dataclass(slots=True)
class _Row:
    """A confirmed time entry before it gets an id."""

    day: int
    plan: _Plan
    hours: float
    task: str | None
    notes: str | None


class _Seeder:
    """What both scales share: the window, ids, reference data and the generators."""

    weeks_back = 8
    weeks_ahead = 8

    def __init__(self, db: SandboxDB, today: dt.date, rng: random.Random, id_block: int) -> None:
        self.db = db
        self.rng = rng
        self.today_date = today
        self.ids = _Ids(db, id_block)
        monday = today - dt.timedelta(days=today.weekday())
        self.base = monday - dt.timedelta(weeks=self.weeks_back)  # day 0 of the window
        self.days = 7 * (self.weeks_back + self.weeks_ahead + 1)  # through next weeks' Sunday
        self.today = (today - self.base).days
        self.monday = (monday - self.base).days
        self.iso = [(self.base + dt.timedelta(days=d)).isoformat() for d in range(self.days)]
        # The API's day index (0 = Sunday) of every day; day 0 is a Monday.
        self.day_index = [(d % 7 + 1) % 7 for d in range(self.days)]
        self.out: dict[str, list[Doc]] = {}
        self.holidays: set[int] = set()
        self.leave: dict[str, _Assignable] = {}
        self.status_options: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.people: list[_Person] = []
        self.owner_id = 0  # the account owner edits what people without a login cannot
        self._entry_times = [f"T{h:02d}:{m:02d}:00Z" for h in (16, 17, 18) for m in range(0, 60, 5)]

    # -- dates and output --------------------------------------------------
    def date(self, day: int) -> dt.date:
        return self.base + dt.timedelta(days=day)

    def day(self, date: dt.date) -> int:
        return (date - self.base).days

    def iso_date(self, day: int) -> str:
        return self.iso[day] if 0 <= day < self.days else self.date(day).isoformat()

    def stamp(self, day: int, hour: int = 9, minute: int = 0) -> str:
        """A timestamp on a day, kept strictly before today."""
        day = min(day, self.today - 1)
        return f"{self.iso_date(day)}T{hour:02d}:{minute:02d}:00Z"

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def emit(self, kind: str, doc: Doc) -> Doc:
        batch = self.out.setdefault(kind, [])
        batch.append(doc)
        if len(batch) >= CHUNK:
            self.db.put_many(kind, batch)
            batch.clear()
        return doc

    def finish(self) -> None:
        for kind, batch in self.out.items():
            if batch:
                self.db.put_many(kind, batch)
        self.out.clear()
        self.ids.release()

    def weighted(self, pairs: Sequence[tuple[str, int]]) -> str:
        values = [v for v, _ in pairs]
        weights = [w for _, w in pairs]
        return self.rng.choices(values, weights)[0]

    # -- reference data ----------------------------------------------------
    def reference_data(self) -> None:
        long_ago = self.today - 400
        for kind, values in (("roles", ROLES), ("disciplines", DISCIPLINES)):
            for value in values:
                self.emit(kind, models.value_record(self.ids.take(), value))
        for value in LOCATIONS:
            self.emit("locations", models.value_record(self.ids.take(), value))
        for name in LEAVE_TYPES:
            doc = models.leave_type(
                self.ids.take(), self.stamp(long_ago), name=name, guid=self.guid()
            )
            self.leave[name] = _Assignable(doc["id"], name, -(10**6), 10**6, leave=True)
            self.emit("leave_types", doc)
        for category in CATEGORIES:
            self.emit(
                "time_entry_categories", models.time_entry_category(self.ids.take(), category)
            )
        for label, color, stage, order, deleted in STATUS_OPTIONS:
            created = self.stamp(long_ago)
            doc = models.status_option(
                self.ids.take(), created, label=label, color=color, stage=stage, order=order
            )
            if deleted:
                doc.update(deleted=True, deleted_at=self.stamp(self.today - 30, 15))
                doc["updated_at"] = doc["deleted_at"]
            else:
                self.status_options[label] = doc["id"]
            self.emit("status_options", doc)
        for value in dict.fromkeys(PROJECT_TAGS + USER_TAGS):
            self.tags[value] = self.ids.take()
            self.emit("tags", models.value_record(self.tags[value], value))
        self.make_holidays()

    def make_holidays(self) -> None:
        """Yearly holidays for every year the data touches, plus two inside the window."""
        first = min(self.date(0).year, self.today_date.year)
        last = max(self.date(self.days - 1).year, self.today_date.year + 1)
        dates: dict[dt.date, str] = {}
        for year in range(first, last + 1):
            may_end = dt.date(year, 5, 31)
            aug_first = dt.date(year, 8, 1)
            dates[dt.date(year, 1, 1)] = "New Year's Day"
            dates[may_end - dt.timedelta(days=may_end.weekday())] = "Spring Holiday"
            dates[aug_first + dt.timedelta(days=-aug_first.weekday() % 7)] = "Summer Holiday"
            dates[dt.date(year, 12, 25)] = "Christmas Day"
            dates[dt.date(year, 12, 26)] = "Boxing Day"
        # One in the past weeks (confirmed time skips it) and one ahead (suggestions do).
        for day, name in ((self.monday - 40, "Founders' Day"), (self.monday + 11, "Studio Day")):
            while self.date(day) in dates:
                day += 7
            dates[self.date(day)] = name
        created = self.stamp(self.today - 300)
        for date in sorted(dates):
            self.emit(
                "holidays",
                models.holiday(self.ids.take(), created, date=date.isoformat(), name=dates[date]),
            )
            if 0 <= self.day(date) < self.days:
                self.holidays.add(self.day(date))

    # -- people --------------------------------------------------------------
    def person(
        self,
        first: str,
        last: str,
        *,
        role: str,
        discipline: str,
        location: str,
        email: str | None = "",
        hired: int | None = None,
        left: int | None = None,
        availability: Sequence[tuple[int | None, int | None, Sequence[float]]] = (),
        **fields: Any,
    ) -> _Person:
        """A user with their hours per day; ``left`` archives them on that day."""
        rng = self.rng
        hired = self.today - rng.randint(200, 2500) if hired is None else hired
        created = self.stamp(min(hired - 14, self.today - 1), 9, rng.randrange(60))
        doc = models.user(
            self.ids.take(),
            created,
            first_name=first,
            last_name=last,
            email=_email(first, last) if email == "" else email,
            role=role,
            discipline=discipline,
            location=location,
            hire_date=self.iso_date(hired),
            employee_number=f"E{1000 + len(self.people)}",
            guid=self.guid(),
            **fields,
        )
        if left is not None:
            doc.update(
                archived=True,
                archived_at=self.stamp(left, 17, 30),
                termination_date=self.iso_date(left),
            )
            doc["updated_at"] = doc["archived_at"]
        if doc["license_type"] == "managed_resource":
            doc.update(has_login=False, login_type=None)
        self.emit("users", doc)
        hours = [0.0] * self.days
        for d in range(max(0, hired), min(self.days, self.days if left is None else left + 1)):
            if d in self.holidays:
                continue
            weekday = self.day_index[d]
            hours[d] = WORK_WEEK[weekday]
            for start, end, week in availability:
                if (start is None or start <= d) and (end is None or d <= end):
                    hours[d] = week[weekday]
                    break
        for start, end, week in availability:
            created_day = self.today - 120 if start is None else start - 7
            self.emit(
                "availabilities",
                models.availability(
                    self.ids.take(),
                    self.stamp(created_day, 11),
                    user_id=doc["id"],
                    starts_at=None if start is None else self.iso_date(start),
                    ends_at=None if end is None else self.iso_date(end),
                    **{f"day{i}": week[i] for i in range(7)},
                ),
            )
        person = _Person(
            doc["id"],
            doc,
            hours,
            books_time=doc["license_type"] == "licensed",
            rate=float(rng.choice((95, 110, 125, 140, 160, 180))),
            tasks=DISCIPLINE_TASKS[discipline],
        )
        self.people.append(person)
        if doc["account_owner"]:
            self.owner_id = person.id
        return person

    def placeholder(self, title: str, role: str, discipline: str) -> _Person:
        doc = models.placeholder(
            self.ids.take(),
            self.stamp(self.today - 60),
            title=title,
            role=role,
            discipline=discipline,
            guid=self.guid(),
        )
        self.emit("placeholders", doc)
        hours = [0.0 if d in self.holidays else WORK_WEEK[self.day_index[d]]
                 for d in range(self.days)]  # fmt: skip
        return _Person(doc["id"], doc, hours, books_time=False)

    def tag_user(self, person: _Person, tag: str) -> None:
        link = {"id": self.ids.take(), "user_id": person.id, "parent_id": self.tags[tag]}
        self.emit("user_tags", link)

    def tag_project(self, project: _Assignable, tag: str) -> None:
        link = {"id": self.ids.take(), "assignable_id": project.id, "parent_id": self.tags[tag]}
        self.emit("project_tags", link)

    # -- projects ------------------------------------------------------------
    def project(
        self,
        name: str,
        client: str | None,
        code: str,
        state: str,
        start: int,
        end: int,
        *,
        lockout: int = -1,
        archived: int | None = None,
        phases: Sequence[tuple[str, int, int]] = (),
    ) -> _Assignable:
        """A project and its phases (phases share the parent's lockout, as the API asks)."""
        created = self.stamp(min(start - 14, self.today - 1), 10)
        common: Doc = {
            "name": name,
            "client": client,
            "project_state": state,
            "timeentry_lockout": lockout,
            "created_at": created,
            "updated_at": created,
        }
        if archived is not None:
            stamp = self.stamp(archived, 10)
            common.update(archived=True, archived_at=stamp, updated_at=stamp)
        project = _Assignable(self.ids.take(), name, start, end)
        self.emit(
            "projects",
            models.project(
                project.id,
                created,
                project_code=code,
                starts_at=self.iso_date(start),
                ends_at=self.iso_date(end),
                guid=self.guid(),
                description=f"{name} for {client or 'the studio'}",
                **common,
            ),
        )
        for phase_name, phase_start, phase_end in phases:
            phase = _Assignable(self.ids.take(), f"{name}: {phase_name}", phase_start, phase_end)
            project.phases.append(phase)
            self.emit(
                "projects",
                models.project(
                    phase.id,
                    created,
                    parent_id=project.id,
                    phase_name=phase_name,
                    starts_at=self.iso_date(phase_start),
                    ends_at=self.iso_date(phase_end),
                    guid=self.guid(),
                    **common,
                ),
            )
        return project

    # -- assignments ---------------------------------------------------------
    def plan(
        self,
        person: _Person,
        target: _Assignable,
        start: int,
        end: int,
        mode: str,
        value: float,
    ) -> _Plan | None:
        """Schedule ``person`` on ``target``; ``None`` when no work day falls in the range."""
        workdays = sum(1 for d in range(max(start, 0), min(end, self.days - 1) + 1)
                       if person.hours[d])  # fmt: skip
        if not workdays:
            return None
        plan = _Plan(self.ids.take(), target, start, end, mode, value, workdays)
        person.plans.append(plan)
        return plan

    def share_plan(
        self, person: _Person, target: _Assignable, start: int, end: int, share: float, mode: str
    ) -> _Plan | None:
        """A plan worth ``share`` of a full day in allocation mode ``mode``."""
        if mode == "percent":
            value = round(share, 2)
        elif mode == "hours_per_day":
            value = max(0.5, _quarter(share * 8))
        else:
            days = sum(1 for d in range(start, end + 1) if 1 <= self.day_index[d] <= 5)
            value = float(max(1, round(share * 8 * days)))
        return self.plan(person, target, start, end, mode, value)

    def tracks(
        self,
        person: _Person,
        pool: _Pool,
        shares: Sequence[float],
        lo: int,
        hi: int,
        modes: Sequence[str] = (),
    ) -> None:
        """Fill ``[lo, hi]`` with consecutive plans, one lane per share of the day.

        Allocation modes are drawn at random, or taken from ``modes`` in turn.
        """
        rng = self.rng
        lo, hi = max(lo, 0), min(hi, self.days - 1)
        for share in shares:
            day = lo
            while day <= hi:
                target = pool.pick(day, rng)
                if target is None:
                    day += 7
                    continue
                length = rng.randint(2, 8) * 7
                end = min(day + length - 1, target.end, hi)
                mode = modes[len(person.plans) % len(modes)] if modes else None
                mode = mode or self.weighted(MODE_WEIGHTS)
                self.share_plan(person, target, max(day, target.start), end, share, mode)
                day = end + 1 + (rng.randint(1, 4) if rng.random() < 0.1 else 0)

    def emit_assignments(self, person: _Person, subtask_rate: float = 0.0) -> None:
        rng = self.rng
        for plan in person.plans:
            created_day = min(plan.start - rng.randint(3, 20), self.today - 1)
            created = self.stamp(created_day, 10, rng.randrange(60))
            status_option, description, note = None, None, None
            if not plan.target.leave:
                if rng.random() < 0.8:
                    status_option = self._status_option_for(plan)
                description = rng.choice(ASSIGNMENT_DESCRIPTIONS)
                if rng.random() < 0.15:
                    note = rng.choice(("Confirm scope first", "Pairs with the lead", "Remote ok"))
            self.emit(
                "assignments",
                models.assignment(
                    plan.id,
                    created,
                    allocation_mode=plan.mode,
                    **{_MODE_FIELD[plan.mode]: plan.value},
                    user_id=person.id,
                    assignable_id=plan.target.id,
                    starts_at=self.iso_date(plan.start),
                    ends_at=self.iso_date(plan.end),
                    status_option_id=status_option,
                    description=description,
                    note=note,
                ),
            )
            near_today = plan.start <= self.today + 14 and plan.end >= self.today - 14
            if not plan.target.leave and near_today and rng.random() < subtask_rate:
                self.subtasks(person, plan, rng.sample(SUBTASKS, rng.randint(2, 4)), created_day)

    def subtasks(
        self, person: _Person, plan: _Plan, descriptions: Sequence[str], created_day: int
    ) -> None:
        done_until = min(self.today - 1, plan.end)
        span = max(0, done_until - plan.start)
        for n, text in enumerate(descriptions):
            completed = plan.start < self.today and n < (len(descriptions) + 1) // 2
            doc = models.subtask(
                self.ids.take(),
                self.stamp(created_day, 10, 30),
                assignment_id=plan.id,
                assignable_id=plan.target.id,
                description=text,
                completed=completed,
                updated_by=person.id if person.books_time else self.owner_id,
            )
            if completed:
                done = max(created_day, plan.start + span * (n + 1) // len(descriptions))
                doc["updated_at"] = max(doc["created_at"], self.stamp(done, 15))
            self.emit("subtasks", doc)

    def _status_option_for(self, plan: _Plan) -> int:
        if plan.end < self.today:
            return self.status_options["Done"]
        if plan.start > self.today:
            return self.status_options["Not Started"]
        return self.status_options[self.rng.choice(("In Progress", "On Track", "At Risk"))]

    # -- confirmed time ------------------------------------------------------
    def confirmed_time(
        self,
        person: _Person,
        until: int,
        *,
        skip_days: frozenset[int] = frozenset(),
        skip: frozenset[tuple[int, int]] = frozenset(),
        split: frozenset[tuple[int, int]] = frozenset(),
        split_rate: float = 0.15,
        gap_rate: float = 0.0,
    ) -> list[Doc]:
        """Time entries for the work days before ``until`` with a scheduled assignment.

        ``skip_days`` and ``skip`` (day, assignable id) leave suggestions unconfirmed;
        ``split`` forces two itemized entries. A day with leave books only the leave.
        """
        if not person.books_time:
            return []
        rng = self.rng
        scheduled: dict[int, list[tuple[_Plan, float]]] = {}
        for plan in person.plans:
            for d in range(max(plan.start, 0), min(plan.end, until - 1) + 1):
                available = person.hours[d]
                if available:
                    scheduled.setdefault(d, []).append((plan, _per_day(plan, available)))
        rows: list[_Row] = []
        for d in sorted(scheduled):
            if d in skip_days:
                continue
            # Forgotten days: more of them in the last four weeks than long ago.
            if gap_rate and rng.random() < gap_rate * (2 if d > until - 28 else 0.2):
                continue
            items = scheduled[d]
            leave = [item for item in items if item[0].target.leave]
            for plan, hours in leave[:1] or items:
                key = (d, plan.target.id)
                if key in skip:
                    continue
                if plan.target.leave:
                    rows.append(_Row(d, plan, _quarter(person.hours[d]), None, None))
                    continue
                if rng.random() > 0.6:
                    hours *= rng.uniform(0.75, 1.25)
                hours = max(0.25, _quarter(hours))
                if hours >= 1 and (key in split or rng.random() < split_rate):
                    first = min(hours - 0.25, max(0.25, _quarter(hours * rng.uniform(0.3, 0.7))))
                    tasks = rng.sample(CATEGORIES[:4], 2)
                    for part, task in ((first, tasks[0]), (hours - first, tasks[1])):
                        rows.append(_Row(d, plan, part, task, rng.choice(NOTES[task])))
                    continue
                task = rng.choice(person.tasks) if rng.random() < 0.6 else None
                notes = rng.choice(NOTES[task]) if task and rng.random() < 0.5 else None
                rows.append(_Row(d, plan, hours, task, notes))
        first_id = self.ids.take(len(rows)) if rows else 0
        docs = []
        for n, row in enumerate(rows):
            leave = row.plan.target.leave
            stamp = self.iso[row.day] + rng.choice(self._entry_times)
            docs.append(
                self.emit(
                    "time_entries",
                    models.time_entry(
                        first_id + n,
                        stamp,
                        user_id=person.id,
                        assignable_id=row.plan.target.id,
                        assignable_type="LeaveType" if leave else "Project",
                        date=self.iso[row.day],
                        hours=row.hours,
                        task=row.task,
                        notes=row.notes,
                        bill_rate=0.0 if leave else person.rate,
                    ),
                )
            )
        return docs

    def approvals(
        self,
        entries: Sequence[Doc],
        week: int,
        submitted_by: int,
        approved_by: int | None = None,
    ) -> None:
        """Submit (and maybe approve) the entries of the week starting on day ``week``."""
        lo, hi = self.iso[week], self.iso[week + 6]
        submitted = self.stamp(week + 7, 9, 15)
        approved = self.stamp(week + 8, 11) if approved_by is not None else None
        for entry in entries:
            if not lo <= entry["date"] <= hi:
                continue
            doc = models.approval(
                self.ids.take(),
                submitted,
                status="approved" if approved else "pending",
                approvable_id=entry["id"],
                approvable_type="TimeEntry",
                submitted_by=submitted_by,
                submitted_at=submitted,
                approved_by=approved_by,
                approved_at=approved,
            )
            doc["updated_at"] = approved or submitted
            self.emit("approvals", doc)

    # -- statuses ------------------------------------------------------------
    def statuses(self, person: _Person, count: int) -> None:
        """``count`` statuses on distinct past days; the newest is the current one."""
        rng = self.rng
        days = sorted(rng.sample(range(1, 30), count), reverse=True)
        current = [p.target for p in person.plans
                   if not p.target.leave and p.start <= self.today <= p.end]  # fmt: skip
        for n, ago in enumerate(days):
            code = self.weighted(STATUS_WEIGHTS)
            if n == count - 1 and person.on_leave(self.today):
                code = "VAC"
            target = rng.choice(current) if current and code in ("ITO", "WFH", "OOO") else None
            stamp = self.stamp(self.today - ago, rng.randint(7, 11), rng.randrange(60))
            self.emit(
                "statuses",
                models.status(
                    self.ids.take(),
                    stamp,
                    user_id=person.id,
                    status=code,
                    message=rng.choice(STATUS_MESSAGES[code]),
                    assignable_id=target.id if target else None,
                    current_task=target.name if target else None,
                ),
            )

    # -- custom fields -------------------------------------------------------
    def custom_fields(self, people: Sequence[_Person], projects: Sequence[_Assignable]) -> None:
        """A user "Skills" list (one value record per chosen option) and a project text field."""
        rng = self.rng
        created = self.stamp(self.today - 200)
        skills = models.custom_field(
            self.ids.take(),
            created,
            namespace="users",
            data_type="multiple_choice_selection_list",
            name="Skills",
            is_visible_as_filter=True,
            options=list(SKILLS),
        )
        contact = models.custom_field(
            self.ids.take(),
            created,
            namespace="assignables",
            data_type="string",
            name="Billing Contact",
            description="Who receives the invoices",
        )
        self.emit("custom_fields", skills)
        self.emit("custom_fields", contact)
        for person in people:
            for skill in rng.sample(SKILLS, rng.randint(1, 3)):
                self.emit(
                    "custom_field_values",
                    models.custom_field_value(
                        self.ids.take(),
                        self.stamp(self.today - 100),
                        custom_field_id=skills["id"],
                        value=skill,
                        user_id=person.id,
                    ),
                )
        for project in projects:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            self.emit(
                "custom_field_values",
                models.custom_field_value(
                    self.ids.take(),
                    self.stamp(self.today - 90),
                    custom_field_id=contact["id"],
                    value=f"{first} {last} <{_email(first, last)}>",
                    assignable_id=project.id,
                    project_id=project.id,
                ),
            )


class _Pool:
    """The assignables people can be scheduled on, found by the day they are active."""

    def __init__(self, targets: Sequence[_Assignable], days: int) -> None:
        self.weeks: list[list[_Assignable]] = [[] for _ in range(days // 7 + 1)]
        for target in targets:
            for week in range(max(0, target.start // 7), min(len(self.weeks), target.end // 7 + 1)):
                self.weeks[week].append(target)

    def pick(self, day: int, rng: random.Random) -> _Assignable | None:
        """A random assignable running on ``day`` with at least a few days left."""
        week = self.weeks[min(max(day // 7, 0), len(self.weeks) - 1)]
        for _ in range(12):
            if not week:
                return None
            target = week[rng.randrange(len(week))]
            if target.start <= day and target.end >= day + 3:
                return target
        fitting = [t for t in week if t.start <= day and t.end >= day + 3]
        return rng.choice(fitting) if fitting else None


_MODE_FIELD = {"percent": "percent", "hours_per_day": "hours_per_day", "fixed": "fixed_hours"}


def _per_day(plan: _Plan, available: float) -> float:
    if plan.mode == "percent":
        return plan.value * available
    if plan.mode == "hours_per_day":
        return plan.value
    return plan.value / plan.workdays


def _quarter(hours: float) -> float:
    return round(hours * 4) / 4


def _email(first: str, last: str) -> str:
    def ascii_part(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(c for c in folded.lower() if c.isalnum())

    return f"{ascii_part(first)}.{ascii_part(last)}@example.com"


# -- scale "demo" ----------------------------------------------------------------

# first, last, role, discipline, location, extra user fields
DEMO_PEOPLE: tuple[tuple[str, str, str, str, str, dict[str, Any]], ...] = (
    (
        "Olivia",
        "Chen",
        "Principal",
        "Project Management",
        "London",
        {"user_type_id": 1, "account_owner": True},
    ),
    ("Marcus", "Webb", "Lead", "Project Management", "New York", {"user_type_id": 2}),
    ("Priya", "Nair", "Senior", "Design", "London", {}),
    ("Tomás", "García", "Senior", "Development", "Berlin", {}),
    ("Hannah", "Schulz", "Junior", "Development", "Berlin", {}),
    ("Kwame", "Mensah", "Lead", "Development", "London", {}),
    ("Sofia", "Rossi", "Junior", "Design", "Remote", {}),
    ("Liam", "O'Brien", "Senior", "Strategy", "New York", {}),
    ("Aiko", "Tanaka", "Senior", "Design", "Remote", {}),
    ("Ben", "Carter", "Intern", "Development", "London", {}),
    ("Fatima", "Zahra", "Lead", "Quality Assurance", "Berlin", {}),
    ("Noah", "Fischer", "Junior", "Quality Assurance", "Berlin", {}),
    ("Chloe", "Martin", "Senior", "Strategy", "London", {}),
    ("Diego", "Alvarez", "Senior", "Development", "Remote", {}),
    ("Emma", "Johansson", "Principal", "Design", "London", {"user_type_id": 1}),
    ("Ravi", "Patel", "Lead", "Development", "New York", {}),
    ("Grace", "Kim", "Junior", "Design", "New York", {}),
    ("Lucas", "Moreau", "Senior", "Project Management", "Berlin", {"user_type_id": 2}),
    ("Isabel", "Costa", "Junior", "Strategy", "Remote", {}),
    ("Oscar", "Lindqvist", "Senior", "Development", "Berlin", {}),
    ("Mia", "Novak", "Junior", "Quality Assurance", "Remote", {"license_type": "managed_resource"}),
    ("Samuel", "Okafor", "Senior", "Development", "London", {"user_type_id": 5}),
    ("Zoe", "Bennett", "Junior", "Project Management", "London", {}),
    ("Felix", "Wagner", "Lead", "Design", "Berlin", {"user_type_id": 7}),
)


class _Demo(_Seeder):
    """A fictional 25-person studio, eight weeks either side of today."""

    def __init__(self, db: SandboxDB, today: dt.date, rng: random.Random) -> None:
        super().__init__(db, today, rng, id_block=1000)

    def build(self) -> None:
        self.reference_data()
        projects = self.demo_projects()
        me, others, placeholder = self.demo_people()
        self.plan_me(me, projects)
        pool = _Pool(
            [t for p in projects.values() for t in (p.phases or [p])],
            self.days,
        )
        rng = self.rng
        for person in others:
            hi = self.days - 1
            if person.doc["archived"]:
                hi = self.day(dt.date.fromisoformat(person.doc["termination_date"]))
            shares = rng.choice(((0.5, 0.5), (0.5, 0.25, 0.25), (0.75, 0.25)))
            self.tracks(person, pool, shares, 0, hi)
            if rng.random() < 0.35:  # a short vacation somewhere in the window
                start = rng.randrange(0, self.days - 7, 7) + rng.randint(0, 2)
                self.plan(person, self.leave["Vacation"], start, start + rng.randint(1, 4),
                          "percent", 1.0)  # fmt: skip
        marketing = projects["marketing"]
        self.plan(placeholder, marketing, marketing.start, self.days - 1, "percent", 1.0)

        self.emit_assignments(me)
        for person in [*others, placeholder]:
            self.emit_assignments(person, subtask_rate=0.25)
        self.me_subtasks(me, projects)

        self.me_time(me, projects)
        for person in others:
            entries = self.confirmed_time(
                person, self.today if rng.random() < 0.5 else self.monday, gap_rate=0.02
            )
            if person.doc["first_name"] == "Priya":
                self.approvals(entries, self.monday - 21, person.id, self.owner_id)
        for person in [me, *others]:
            if person.books_time and not person.doc["archived"]:
                self.statuses(person, rng.randint(2, 5))
        self.demo_tags(me, others, projects)
        # No custom fields here: tests of the custom field routes count on an account without.
        self.finish()

    def demo_projects(self) -> dict[str, _Assignable]:
        m = self.monday
        week = 7
        website = self.project(
            "Website Redesign",
            "Acme Corp",
            "ACM-001",
            "Confirmed",
            m - 12 * week,
            m + 10 * week,
            phases=(
                ("Discovery", m - 12 * week, m - 6 * week - 3),
                ("Design", m - 6 * week, m + 3 * week + 4),
                ("Build", m + 2 * week, m + 10 * week),
            ),
        )
        mobile = self.project(
            "Mobile App",
            "Globex",
            "GLX-002",
            "Confirmed",
            m - 10 * week,
            m + 14 * week,
            phases=(("Sprint 1", m - 10 * week, m - 1), ("Sprint 2", m, m + 14 * week)),
        )
        ecommerce = self.project(
            "E-commerce Launch",
            "Hooli",
            "HOO-007",
            "Confirmed",
            m - 4 * week,
            m + 12 * week,
            phases=(
                ("Planning", m - 4 * week, m - week - 3),
                ("Build", m - week, m + 8 * week + 4),
                ("Launch", m + 9 * week, m + 12 * week),
            ),
        )
        return {
            "website": website,
            "mobile": mobile,
            "brand": self.project(
                "Brand Refresh", "Initech", "INI-003", "Tentative", m - 2 * week, m + 12 * week
            ),
            "internal": self.project(
                "Internal Tools", None, "INT-004", "Internal", m - 26 * week, m + 26 * week
            ),
            "migration": self.project(
                "Data Platform Migration",
                "Umbrella Health",
                "UMB-005",
                "Confirmed",
                m - 6 * week,
                m + 8 * week,
                lockout=7,
            ),
            "annual": self.project(
                "Annual Report",
                "Stark Foundation",
                "STK-006",
                "Confirmed",
                m - 10 * week,
                m - 17,
                lockout=0,
            ),
            "ecommerce": ecommerce,
            "marketing": self.project(
                "Marketing Site",
                "Wayne Enterprises",
                "WAY-008",
                "Tentative",
                m + 2 * week,
                m + 12 * week,
            ),
            "training": self.project(
                "Training & Onboarding", None, "INT-009", "Internal", m - 52 * week, m + 52 * week
            ),
            "legacy": self.project(
                "Legacy Support",
                "Acme Corp",
                "ACM-010",
                "Confirmed",
                m - 30 * week,
                m - 38,
                archived=m - 21,
            ),
            "research": self.project(
                "Research Lab", None, "INT-011", "Internal", m - 8 * week, m + 8 * week
            ),
            "booth": self.project(
                "Conference Booth", "Globex", "GLX-012", "Tentative", m + 4 * week, m + 7 * week
            ),
        }

    def demo_people(self) -> tuple[_Person, list[_Person], _Person]:
        m = self.monday
        me = self.person(
            *ME_NAME,
            role="Senior",
            discipline="Development",
            location="London",
            email=ME_EMAIL,
            hired=m - 900,
        )
        others = []
        for first, last, role, discipline, location, extra in DEMO_PEOPLE:
            kw: dict[str, Any] = dict(extra)
            if first == "Hannah":  # four-day week, Fridays off, open-ended
                kw["availability"] = [(None, None, (0, 8, 8, 8, 8, 0, 0))]
            elif first == "Sofia":  # six-hour days since some months ago
                kw["availability"] = [(m - 140, None, (0, 6, 6, 6, 6, 6, 0))]
            elif first == "Noah":  # Wednesdays off for a while
                kw["availability"] = [(m - 28, m + 34, (0, 8, 8, 0, 8, 8, 0))]
            elif first == "Oscar":
                kw["left"] = m - 24
            elif first == "Ben":
                kw["hired"] = m - 5 * 7
            if extra.get("license_type") == "managed_resource":
                kw["email"] = None
            others.append(
                self.person(first, last, role=role, discipline=discipline, location=location, **kw)
            )
        placeholder = self.placeholder("Designer", "Senior", "Design")
        return me, others, placeholder

    def plan_me(self, me: _Person, p: dict[str, _Assignable]) -> None:
        """Every allocation mode, locked projects, an archived one, leave past and ahead."""
        m, week = self.monday, 7
        discovery, design = p["website"].phases[0], p["website"].phases[1]
        sprint2 = p["mobile"].phases[1]
        plans = (
            (discovery, m - 8 * week, m - 6 * week - 3, "percent", 0.5),
            (design, m - 6 * week, m + 3 * week + 4, "percent", 0.5),
            (p["annual"], m - 8 * week, m - 17, "percent", 0.25),
            (p["legacy"], m - 8 * week, m - 38, "percent", 0.25),
            (p["migration"], m - 4 * week, m + 4 * week + 4, "hours_per_day", 2.0),
            (p["internal"], m - 2 * week, m + week + 4, "fixed", 12.0),
            (sprint2, m + week, m + 8 * week + 4, "percent", 0.25),
            (self.leave["Sick"], m - 4 * week + 1, m - 4 * week + 1, "percent", 1.0),
            (self.leave["Vacation"], m + 2 * week + 2, m + 2 * week + 4, "percent", 1.0),
        )
        for target, start, end, mode, value in plans:
            self.plan(me, target, start, end, mode, value)

    def me_subtasks(self, me: _Person, p: dict[str, _Assignable]) -> None:
        design = p["website"].phases[1]
        internal = p["internal"]
        for plan in me.plans:
            if plan.target is design:
                texts = (
                    "Audit components",
                    "Checkout wireframes",
                    "Hi-fi mockups",
                    "Client review",
                )
            elif plan.target is internal:
                texts = ("Set up CI", "Write the README")
            else:
                continue
            self.subtasks(me, plan, texts, min(plan.start - 3, self.today - 1))

    def me_time(self, me: _Person, p: dict[str, _Assignable]) -> None:
        """Confirmed up to last week, with gaps left for suggestions (some on locked projects)."""
        m = self.monday
        design = p["website"].phases[1]
        entries = self.confirmed_time(
            me,
            m,  # the current week stays unconfirmed
            skip_days=frozenset({m - 4}),  # last Thursday
            skip=frozenset(
                {
                    (m - 6, p["migration"].id),  # editable: within the 7-day lockout
                    (m - 18, p["migration"].id),  # locked: older than 7 days
                    (m - 19, p["annual"].id),  # locked: the project is locked
                }
            ),
            split=frozenset({(m - 7, design.id)}),
        )
        self.approvals(entries, m - 14, me.id)

    def demo_tags(
        self, me: _Person, others: list[_Person], projects: dict[str, _Assignable]
    ) -> None:
        for key, tags in (
            ("website", ("Fixed Bid", "Billable")),
            ("mobile", ("Billable",)),
            ("migration", ("Priority", "Billable")),
            ("annual", ("Fixed Bid",)),
            ("ecommerce", ("Priority",)),
            ("legacy", ("Retainer",)),
        ):
            for tag in tags:
                self.tag_project(projects[key], tag)
        by_name = {p.doc["first_name"]: p for p in others}
        self.tag_user(me, "Python")
        for first, tags in (
            ("Priya", ("Figma", "Mentor")),
            ("Tomás", ("Python",)),
            ("Kwame", ("Mentor", "First Aider")),
            ("Aiko", ("Figma",)),
        ):
            for tag in tags:
                self.tag_user(by_name[first], tag)


# -- scale "large" ---------------------------------------------------------------


class _Large(_Seeder):
    """500 people, 2,000 projects, a year of time either side of today."""

    weeks_back = 52
    weeks_ahead = 52
    people_count = 500
    project_count = 2000

    def __init__(self, db: SandboxDB, today: dt.date, rng: random.Random) -> None:
        super().__init__(db, today, rng, id_block=50_000)

    def build(self) -> None:
        rng = self.rng
        self.reference_data()
        projects, locked, week_locked = self.large_projects()
        targets = [t for p in projects for t in (p.phases or [p])]
        pool = _Pool(targets, self.days)
        people = self.large_people()
        me = people[0]

        # Me: six lanes of work in every mode by turns, both kinds of locked project, leave.
        lanes = (0.3, 0.2, 0.15, 0.15, 0.1, 0.1)
        self.tracks(me, pool, lanes, 0, self.days - 1, modes=models.ALLOCATION_MODES)
        for target in (locked, week_locked):
            start = max(0, target.start)
            self.plan(me, target, start, min(target.end, start + 20), "hours_per_day", 1.0)
        self.leave_plans(me)

        for person in people[1:]:
            hi = self.days - 1
            if person.doc["archived"]:
                hi = self.day(dt.date.fromisoformat(person.doc["termination_date"]))
            lanes = rng.choice(((0.5, 0.5), (0.4, 0.3, 0.3), (0.25, 0.25, 0.25, 0.25),
                                (0.3, 0.3, 0.2, 0.2), (0.4, 0.2, 0.2, 0.2)))  # fmt: skip
            self.tracks(person, pool, lanes, 0, hi)
            self.leave_plans(person)
        placeholders = [
            self.placeholder(title, rng.choice(ROLES[:3]), rng.choice(DISCIPLINES))
            for title in PLACEHOLDER_TITLES
        ]
        for placeholder in placeholders:
            self.tracks(placeholder, pool, (1.0,), self.today + 7, self.today + 120)

        for person in [*people, *placeholders]:
            self.emit_assignments(person, subtask_rate=0.1)

        m = self.monday
        entries = self.confirmed_time(
            me, m, skip_days=frozenset({m - 4, m - 11}), skip=frozenset(), split_rate=0.35
        )
        self.approvals(entries, m - 14, me.id)
        approved = set(rng.sample(range(2, len(people)), 30))
        for n, person in enumerate(people[1:], start=1):
            until = self.today if rng.random() < 0.5 else m
            entries = self.confirmed_time(person, until, gap_rate=0.01, split_rate=0.2)
            if n in approved:
                self.approvals(entries, m - 21, person.id, self.owner_id)
            if not person.doc["archived"] and person.books_time:
                self.statuses(person, rng.randint(1, 2))
        self.statuses(me, 2)

        for person in people:
            if rng.random() < 0.3:
                self.tag_user(person, rng.choice(USER_TAGS))
        for project in projects:
            if rng.random() < 0.3:
                for tag in rng.sample(PROJECT_TAGS, rng.randint(1, 2)):
                    self.tag_project(project, tag)
        self.custom_fields(
            [p for p in people if rng.random() < 0.2], [p for p in projects if rng.random() < 0.1]
        )
        self.finish()

    def large_projects(self) -> tuple[list[_Assignable], _Assignable, _Assignable]:
        """Projects spread over two years; some with phases, locked or archived.

        The first two are the locked ones me works on: one closed a few weeks ago
        (locked), one running (locked after seven days).
        """
        rng = self.rng
        t = self.today
        codes: dict[str, int] = {}
        names: set[str] = set()
        projects: list[_Assignable] = []
        for n in range(self.project_count):
            start = rng.randint(t - 420, t + 300)
            end = start + rng.randint(4, 40) * 7 - 3
            if n == 0:
                start, end = t - 150, t - 25
            elif n == 1:
                start, end = t - 100, t + 100
            internal = n > 1 and rng.random() < 0.08
            client = None if internal else rng.choice(CLIENTS)
            prefix = "INT" if client is None else _code_prefix(client)
            codes[prefix] = codes.get(prefix, 0) + 1
            name = f"{rng.choice(CODENAMES)} {rng.choice(WORK_TYPES)}"
            while name in names:
                name = f"{rng.choice(CODENAMES)} {rng.choice(WORK_TYPES)} {rng.randint(2, 9)}"
            names.add(name)
            state = (
                "Internal"
                if internal
                else ("Tentative" if start > t and rng.random() < 0.4 else "Confirmed")
            )
            lockout, archived = -1, None
            if n == 0 or (end < t - 30 and rng.random() < 0.25):
                lockout = 0
            elif n == 1 or (start < t < end and rng.random() < 0.08):
                lockout = 7 if n == 1 else rng.choice((7, 14))
            if n > 1 and end < t - 60 and rng.random() < 0.4:
                archived = min(end + 30, t - 1)
            phases: list[tuple[str, int, int]] = []
            if n > 1 and rng.random() < 0.15:
                count = rng.randint(2, 4)
                cut = [start + (end - start + 1) * i // count for i in range(count + 1)]
                phases = [(PHASE_NAMES[i], cut[i], cut[i + 1] - 1) for i in range(count)]
            projects.append(
                self.project(
                    name,
                    client,
                    f"{prefix}-{codes[prefix]:03d}",
                    state,
                    start,
                    end,
                    lockout=lockout,
                    archived=archived,
                    phases=phases,
                )
            )
        return projects, projects[0], projects[1]

    def large_people(self) -> list[_Person]:
        """Me first, then the account owner, then everyone else."""
        rng = self.rng
        t = self.today
        combos = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES if (f, last) != ME_NAME]
        names = rng.sample(combos, self.people_count - 1)
        people = [
            self.person(
                *ME_NAME,
                role="Senior",
                discipline="Development",
                location="London",
                email=ME_EMAIL,
                hired=t - 1200,
            )
        ]
        weeks = (
            (0, 8, 8, 8, 8, 0, 0),
            (0, 6, 6, 6, 6, 6, 0),
            (0, 8, 8, 0, 8, 8, 0),
            (0, 4, 4, 4, 4, 4, 0),
        )
        for n, (first, last) in enumerate(names):
            kw: dict[str, Any] = {}
            if n == 0:
                kw.update(user_type_id=1, account_owner=True)
            elif n < 5:
                kw["user_type_id"] = 1
            elif n < 45:
                kw["user_type_id"] = 2
            elif n < 55:
                kw["user_type_id"] = 7
            elif n < 70:
                kw["user_type_id"] = 5
            elif n < 90:
                kw.update(license_type="managed_resource", email=None)
            elif n < 105:
                kw["left"] = rng.randint(t - 330, t - 10)
            elif n < 145:
                start = rng.choice((None, rng.randint(t - 300, t)))
                end = None if rng.random() < 0.5 else rng.randint(t + 7, t + 300)
                kw["availability"] = [(start, end, rng.choice(weeks))]
            if n >= 460:
                kw["hired"] = rng.randint(t - 300, t - 7)
            people.append(
                self.person(
                    first,
                    last,
                    role=rng.choice(ROLES),
                    discipline=rng.choice(DISCIPLINES),
                    location=rng.choice(LOCATIONS),
                    **kw,
                )
            )
        return people

    def leave_plans(self, person: _Person) -> None:
        """Two or three vacations a year and the odd sick day."""
        rng = self.rng
        for _ in range(rng.randint(4, 6)):
            start = rng.randrange(0, self.days - 14, 7) + rng.randint(0, 2)
            self.plan(person, self.leave["Vacation"], start, start + rng.randint(2, 9),
                      "percent", 1.0)  # fmt: skip
        for _ in range(rng.randint(1, 3)):
            day = rng.randrange(0, self.today, 7) + rng.randint(0, 4)
            self.plan(person, self.leave["Sick"], day, day, "percent", 1.0)


def _code_prefix(client: str) -> str:
    letters = "".join(c for c in client.upper() if c.isalpha())
    return letters[:3]
