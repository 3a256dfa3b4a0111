"""The full command line: every command's parser, its help and its types.

Built only for a command, ``--help`` or a mistake: the app's own arguments
(``tenktui``, ``--profile``, ``--demo``) are read by :func:`tenktui.cli.app_arguments`
without it, so the app's start does not import argparse (nor gettext, which argparse
asks for each help text).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from typing import NoReturn

from tenktui import __version__
from tenktui.commands import EXIT_USAGE
from tenktui.commands.completion import SHELLS, project_names
from tenktui.commands.dates import DATE_HELP
from tenktui.commands.output import fail


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return number


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return number


# SQLite's INTEGER is 64-bit signed: a larger id cannot even be looked up.
MAX_ID = 2**63 - 1


def _record_id(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 1 <= number <= MAX_ID:
        raise argparse.ArgumentTypeError(f"expected an id from 1 to {MAX_ID}, got {value}")
    return number


def _interval(value: str) -> float:
    """``--interval``: NaN or a tiny value would sync in a tight loop."""
    from tenktui.config import MIN_SYNC_INTERVAL

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {value!r}") from None
    if not math.isfinite(number) or number < MIN_SYNC_INTERVAL:
        raise argparse.ArgumentTypeError(
            f"expected seconds, at least {MIN_SYNC_INTERVAL} seconds, got {value}"
        )
    return number


DATES = DATE_HELP
EXIT_CODES = """\
exit status: 0 success; 1 a failure you must act on (the server refused the token
or an edit, a conflict, the server unreachable when it is needed); 2 the command
was refused as given and nothing changed (bad arguments, unknown or ambiguous
project, hours or text the rules refuse, a locked project, no profile, a bad
config file). With --json, an error is {"error": {"code": STATUS, "message": …}}
on stdout and the exit status is the same."""
EPILOG = f"""\
{EXIT_CODES}

Edits go to the local cache and its outbox first, then one sync sends them
(--no-sync skips it). Offline, an edit stays queued, the command says so and
exits 0; `tenktui sync` sends it later. Reading commands use the cache and sync
first only with --sync or when nothing is cached yet.

environment: TENKTUI_PROFILE picks a profile; TENKTUI_TOKEN overrides the stored
token; TENKTUI_TODAY=YYYY-MM-DD freezes today (a testing aid).
"""


STATUS_NOTE = (
    "Statuses change during the day: one fetched over 15 minutes ago is fetched again "
    "(--sync fetches them all)."
)


class _WithMarks(argparse.RawDescriptionHelpFormatter):
    """``week --help`` ends with the cell marks, read from the store only when shown."""

    def format_help(self) -> str:
        from tenktui.commands.time import legend_help

        self.add_text(legend_help())
        return super().format_help()


def _add(
    commands: argparse._SubParsersAction,
    name: str,
    help: str,
    *parents: argparse.ArgumentParser,
    description: str | None = None,
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
        parents=list(parents),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


class _Parser(argparse.ArgumentParser):
    """Arguments refused under ``--json`` are a JSON error too (the sub-parsers share
    this class, and ``main`` sets ``json_errors`` from the raw arguments)."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if _Parser.json_errors:
            fail(f"{self.prog}: {message}", EXIT_USAGE, as_json=True)
            sys.exit(EXIT_USAGE)
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tenktui",
        description="Keyboard-first, offline-first time tracking for 10,000ft and Leantime. "
        "Without a command, opens the app on the default profile.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tenktui {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open on the built-in demo sandbox, acting as me@example.com (no account needed)",
    )
    parser.add_argument("--profile", metavar="NAME", help="the profile to use (or TENKTUI_PROFILE)")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS, help="the profile to use"
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts"
    )
    edit = argparse.ArgumentParser(add_help=False)
    edit.add_argument(
        "--no-sync",
        action="store_true",
        default=argparse.SUPPRESS,
        help="only queue the edit; `tenktui sync` sends it",
    )
    read = argparse.ArgumentParser(add_help=False)
    read.add_argument(
        "--sync",
        action="store_true",
        default=argparse.SUPPRESS,
        help="sync before reading (otherwise only when nothing is cached yet)",
    )
    date = argparse.ArgumentParser(add_help=False)
    date.add_argument("--date", metavar="D", help=f"the day: {DATES} (default today)")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    login = _add(commands, "login", "check an API token and save a profile", common)
    login.add_argument("--base-url", required=True, metavar="URL", help="the API base URL")
    login.add_argument(
        "--email",
        help="your email on that account (not needed with a Leantime personal access token)",
    )
    login.add_argument(
        "--backend", choices=["tenkft", "leantime"], default="tenkft", help="the service"
    )
    login.add_argument(
        "--timezone",
        metavar="ZONE",
        help="Leantime: your profile's IANA time zone (default: this machine's)",
    )
    login.epilog = (
        "The token (10,000ft) or API key (Leantime) is read from TENKTUI_TOKEN, or asked for "
        "without echo. It is kept in the system keyring when available, else in a file "
        "readable only by you; never in config.toml. The first profile becomes the default."
    )
    _add(commands, "logout", "forget a profile's stored token", common)
    _add(commands, "locate", "print where config, data, cache (logs) and themes live", common)

    sync = _add(commands, "sync", "pull and push once; report what is pending or stuck", common)
    sync.add_argument("--watch", action="store_true", help="keep syncing on the interval")
    sync.add_argument(
        "--interval",
        type=_interval,
        metavar="SECONDS",
        help="with --watch (default: the profile's sync_interval)",
    )
    sync.epilog = "Exits 1 when the sync could not complete or edits are failed or in conflict."

    log = _add(commands, "log", "log time: a new, separate entry", common, edit, date)
    log.add_argument("hours", metavar="HOURS", help="1.5, 1,5, 1:30, 90m or 2h")
    log.add_argument(
        "project",
        metavar="PROJECT",
        help="a project, phase or leave type: name, code or id "
        "(a unique prefix or part, any case; phases as 'Project/Phase')",
    ).completer = project_names  # type: ignore[attr-defined]
    log.add_argument("--task", metavar="T", help="the task (under 256 characters)")
    log.add_argument("--notes", metavar="N", help="notes (under 256 characters)")
    log.epilog = (
        "A second log on the same day and project is another, itemized entry. A PROJECT "
        "matching several candidates lists them (exit 2)."
    )

    set_ = _add(commands, "set", "set a day's total for a project (0 clears it)", common, edit,
                date)  # fmt: skip
    set_.add_argument("hours", metavar="HOURS", help="1.5, 1,5, 1:30, 90m or 2h")
    set_.add_argument("project", metavar="PROJECT", help="as for log").completer = project_names  # type: ignore[attr-defined]
    set_.epilog = "The cell may hold at most one entry; use log for itemized time."

    entries = _add(commands, "entries", "a day's time entries, with the ids edit and rm take",
                   common, read, date)  # fmt: skip
    entries.epilog = "IDs are this machine's: an entry logged offline has one at once."
    edit_ = _add(commands, "edit", "change a time entry's hours, task or notes", common, edit)
    edit_.add_argument(
        "entry_id", type=_record_id, metavar="ENTRY", help="an id from tenktui entries"
    )
    edit_.add_argument("--hours", metavar="H", help="1.5, 1,5, 1:30, 90m or 2h (0 removes it)")
    edit_.add_argument("--task", metavar="T", help="the task ('' clears it)")
    edit_.add_argument("--notes", metavar="N", help="notes ('' clears them)")
    rm = _add(commands, "rm", "remove a time entry", common, edit)
    rm.add_argument("entry_id", type=_record_id, metavar="ENTRY", help="an id from tenktui entries")

    copy = _add(commands, "copy-week", "queue last week's hours into this week", common, edit,
                date)  # fmt: skip
    copy.add_argument("--yes", action="store_true", help="copy without asking (for scripts)")
    copy.epilog = (
        "Each project's hours on each day of the week before the week holding --date go to\n"
        "the same day of that week, as one entry without notes, after a confirmation that\n"
        "shows the total. Cells that already hold time, locked cells and leave are left as\n"
        "they are."
    )

    week = _add(commands, "week", "the week's timesheet, suggestions marked ~", common, read, date)
    week.formatter_class = _WithMarks

    confirm = _add(commands, "confirm", "confirm suggested time (a day, or a week)", common, edit,
                   date)  # fmt: skip
    confirm.add_argument("--week", action="store_true", help="the whole week of the day")

    status = _add(commands, "status", "show or set your status", common, edit, read)
    status.add_argument("code", nargs="?", metavar="CODE", help="ITO, WFH, SIC, OOO, VAC or OOF")
    status.add_argument("--message", metavar="M", help="a message with the status")
    status.epilog = STATUS_NOTE

    who = _add(commands, "who", "the current status of the people you work with", common, read)
    who.add_argument(
        "filter",
        nargs="*",
        metavar="WORD",
        help="as the app's board filter: every word must match; a status code (wfh) or "
        "name:, role:, discipline:, location:, status: looks in that field, any other "
        "word in the name, role, discipline or location",
    )
    who.add_argument("--everyone", action="store_true", help="everyone, not only your people")
    who.epilog = STATUS_NOTE

    assignments = _add(
        commands,
        "assignments",
        "your assignments",
        common,
        read,
        description="Your assignments, then each day's booked hours against your capacity.",
    )
    assignments.add_argument("--from", dest="start", metavar="D", help="default: week start")
    assignments.add_argument("--to", dest="end", metavar="D", help="default: a week later")

    subtasks = _add(
        commands,
        "subtasks",
        "subtasks of assignments: list, done, undo, add, rename, rm",
        common,
        description="List subtasks (of one assignment, or of every current one) or change "
        "them. `tenktui subtasks ID` is short for `tenktui subtasks list ID`.",
    )
    actions = subtasks.add_subparsers(dest="subtasks_action", metavar="ACTION")
    lst = _add(actions, "list", "list an assignment's subtasks", common, read)
    lst.add_argument("assignment_id", type=_record_id, nargs="?", metavar="ASSIGNMENT_ID")
    for name, help_text in (("done", "mark done"), ("undo", "mark not done"), ("rm", "remove")):
        action = _add(actions, name, f"{help_text} a subtask", common, edit)
        action.add_argument("subtask_id", type=_record_id, metavar="SUBTASK_ID")
    add = _add(actions, "add", "add a subtask to an assignment", common, edit)
    add.add_argument("assignment_id", type=_record_id, metavar="ASSIGNMENT_ID")
    add.add_argument("text", metavar="TEXT")
    rename = _add(actions, "rename", "rename a subtask", common, edit)
    rename.add_argument("subtask_id", type=_record_id, metavar="SUBTASK_ID")
    rename.add_argument("text", metavar="TEXT")

    submit = _add(commands, "submit", "submit a week's time for approval", common, edit, date)
    submit.epilog = "The week is the one holding --date (default this week)."

    outbox = _add(
        commands,
        "outbox",
        "edits not yet on the server: pending, failed, conflicted",
        common,
        read,
    )
    outbox_actions = outbox.add_subparsers(dest="outbox_action", metavar="ACTION")
    retry = _add(outbox_actions, "retry", "send a failed edit again", common, edit)
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", type=_record_id, nargs="?", metavar="ID")
    which.add_argument("--all", action="store_true", help="every failed edit")
    discard = _add(outbox_actions, "discard", "drop an edit; the server's copy returns", common)
    discard.add_argument("id", type=_record_id, metavar="ID")
    resolve = _add(outbox_actions, "resolve", "settle a conflict", common, edit)
    resolve.add_argument("id", type=_record_id, metavar="ID")
    resolve.add_argument("--keep", required=True, choices=["mine", "theirs"])

    doctor = _add(
        commands,
        "doctor",
        "check the cache; if damaged, save unsent edits, rebuild it and put them back",
        common,
    )
    doctor.epilog = (
        "The unsent edits are saved to a JSON file beside the cache before anything moves; "
        "the damaged file is renamed, not deleted. Exits 1 when the rebuilt cache could "
        "not be synced (the edits stay queued)."
    )

    # -- the timer (issue 14): start, stop, timer, cancel --
    at_help = (
        "a time today (9:15, 17:40) or a day and a time ('2026-11-30 9:15', 'yesterday 17:40')"
    )
    start = _add(commands, "start", "start a timer on a project (stopping the running one)",
                 common, edit)  # fmt: skip
    start.add_argument("project", metavar="PROJECT", help="as for log").completer = project_names  # type: ignore[attr-defined]
    start.add_argument("--task", metavar="T", help="the task (under 256 characters)")
    start.add_argument("--notes", metavar="N", help="notes (under 256 characters)")
    start.add_argument("--at", metavar="TIME", help=f"when you started: {at_help}")
    start.add_argument(
        "--keep", action="store_true", help="keep a forgotten timer: it runs until this start"
    )
    start.epilog = (
        "The timer lives in the profile's cache: it survives restarts, works offline and is\n"
        "the same for the app and every command. A running timer is stopped first (its time\n"
        "is logged). A timer running past the end of its day or over 12 h is asked about."
    )
    stop = _add(commands, "stop", "stop the timer and log its time", common, edit)
    stop.add_argument("--at", metavar="TIME", help=f"when you stopped: {at_help}")
    stop.epilog = (
        "The time is split at midnight, rounded by the profile's rule (rounding,\n"
        "rounding_direction) and logged: a new entry, or added to the day's entry where\n"
        "the server keeps one a day. A refused stop (24 h, a lock) keeps the timer running."
    )
    _add(commands, "timer", "what the timer runs on, since when and how long", common)
    _add(commands, "cancel", "throw the running timer away without logging", common)

    export = _add(commands, "export", "your confirmed time between two dates", common, read)
    export.add_argument("--from", dest="start", required=True, metavar="D", help=DATES)
    export.add_argument("--to", dest="end", required=True, metavar="D", help=DATES)
    export.add_argument("--format", choices=["csv", "json"], default="csv")

    check = _add(
        commands,
        "check",
        "one line for a shell prompt or cron: short days, unconfirmed time, locks ahead",
        common,
    )
    check.add_argument(
        "--sync", action="store_true", help="sync first (otherwise the cache only, as it is)"
    )
    check.epilog = (
        "Reads the cache only (offline, no token). Looks at the days from the start of the\n"
        "window the last sync pulled to yesterday: workdays short of their capacity,\n"
        "unconfirmed suggested time, and time locking within the profile's\n"
        "lock_warning_days (default 3). Prints nothing when all is well (on a terminal,\n"
        "says so) and exits 0; exits 1 when there is something to act on."
    )

    report = _add(
        commands,
        "report",
        "hours against schedule and capacity over a period",
        common,
        read,
        description="Confirmed hours against scheduled hours and capacity, utilisation and, "
        "where the account has bill rates, billable share and rates; from the cache, "
        "fetching (and keeping) a period outside it first.",
    )
    span = report.add_mutually_exclusive_group()
    span.add_argument("--week", action="store_true", help="this week (the default)")
    span.add_argument("--month", action="store_true", help="this month")
    report.add_argument("--from", dest="start", metavar="D", help=f"first day: {DATES}")
    report.add_argument("--to", dest="end", metavar="D", help="last day (with --from)")
    report.add_argument(
        "--by", choices=["project", "phase", "task", "day", "week", "month"], default="project"
    )
    report.add_argument("--csv", action="store_true", help="print CSV with a header row")
    report.epilog = (
        "Util. is hours worked (leave aside) of capacity (work days less holidays and leave).\n"
        "n/a: not known (no bill rates on the account's time, no capacity that day).\n"
        "A period outside the cached weeks is fetched once, then kept (exit 1 offline)."
    )

    completion = _add(commands, "completion", "print a shell completion script", common)
    completion.add_argument("shell", choices=SHELLS)
    completion.epilog = (
        "Made by argcomplete from this parser: on TAB the shell asks tenktui, which\n"
        "answers from its commands and options, and PROJECT from the profile's cache."
    )

    sandbox = commands.add_parser("sandbox", help="the local 10,000ft emulator")
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION")
    serve = sandbox_commands.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--token", required=True, help="the API token the sandbox accepts")
    serve.add_argument("--db", help="SQLite file for the sandbox's data (default: a temp file)")
    serve.add_argument("--scale", choices=["demo", "large"], default="demo")
    serve.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    serve.add_argument("--today", type=_date, help="the sandbox's today (YYYY-MM-DD)")
    serve.add_argument("--rate-limit", type=_positive_int, default=120)
    serve.add_argument("--rate-window", type=_positive_float, default=60.0, metavar="SECONDS")
    serve.add_argument(
        "--flavor",
        choices=["tenkft", "leantime"],
        default="tenkft",
        help="the service to emulate (leantime: JSON-RPC at the site root)",
    )
    serve.add_argument(
        "--leantime-version", default="3.9", help="with --flavor leantime: 3.5, 3.8 or 3.9"
    )
    serve.add_argument(
        "--timezone", help="with --flavor leantime: the users' IANA time zone (seeding only)"
    )
    serve.add_argument(
        "--reading",
        choices=["default", "strict"],
        default="default",
        help="where the reference is silent: one plausible reading (default) or the least "
        "generous one (strict); the sandbox READMEs list each choice",
    )
    serve.add_argument(
        "--token-kind",
        choices=["key", "pat"],
        help="with --flavor leantime: an API key (its own user) or me@example.com's personal "
        "access token (Bearer, 3.9.6 and later)",
    )
    serve.add_argument(
        "--role",
        choices=["editor", "manager", "admin", "owner"],
        help="with --flavor leantime: the role of whoever the token acts as",
    )
    serve.add_argument(
        "--permissions",
        choices=["enforce", "audit"],
        help="with --flavor leantime: 3.9's permissions.enforce (default: enforce under the "
        "strict reading, audit otherwise)",
    )
    _with_exit_codes(parser)
    return parser


def _with_exit_codes(parser: argparse.ArgumentParser) -> None:
    """Every command's ``--help`` ends with the exit statuses."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.epilog = f"{sub.epilog}\n\n{EXIT_CODES}" if sub.epilog else EXIT_CODES
                _with_exit_codes(sub)


def json_errors(on: bool) -> None:
    """Whether the parsers report refused arguments as a JSON error (``--json``)."""
    _Parser.json_errors = on
