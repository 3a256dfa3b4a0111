"""What every data command works with: the profile's session, today, and the outcome
of an edit once the sync engine has tried to send it.

An edit goes through ``store.edits`` (the app's validation and messages), then,
unless ``--no-sync``, one ``engine.sync_once()`` pushes it. What became of the
outbox rows the edit wrote decides what the command says and its exit code:
sent (0), queued because the server is unreachable or another tenktui leads the
sync (0), refused by the server or in conflict (1).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from tenktui import tokens
from tenktui.commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.dates import today as person_today
from tenktui.commands.output import Output
from tenktui.commands.profiles import load_profile, login_command
from tenktui.config import ConfigError, Profile
from tenktui.logs import remember_secret, setup_logging
from tenktui.store.states import REPLAYABLE_STATES, OutboxState

if TYPE_CHECKING:  # the arguments only: the app's start reads its own without argparse
    import argparse

T = TypeVar("T")
CLI_ATTEMPTS = 3  # a command answers in about a second offline, not after 5 retries
SYNC_DEADLINE = 20.0  # seconds a command's sync may take; past it the edit stays queued


@dataclass
class Outcome:
    """What became of an edit: ``saved``, ``queued``, ``failed`` or ``conflict``."""

    state: str
    message: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    code: int = EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {"sync": self.state, "message": self.message, "outbox": self.rows}


@dataclass
class Context:
    """One command's view of its profile."""

    args: argparse.Namespace
    out: Output
    profile: Profile
    session: Any  # tenktui.session.Session
    today: dt.date
    synced: bool = False

    @property
    def store(self) -> Any:
        return self.session.store

    @property
    def engine(self) -> Any:
        return self.session.engine

    @property
    def week_start(self) -> int:
        return self.profile.first_weekday

    # -- reading -------------------------------------------------------------------
    def cache_empty(self) -> bool:
        return (
            self.store.me_id() is None
            or self.store.database.get_meta("reference_pulled_at") is None
        )

    async def sync(self, *, reference: bool | None = None, deadline: float | None = None) -> Any:
        report = await self.engine.sync_once(reference=reference, deadline=deadline)
        self.synced = True
        return report

    async def ready(self, *, force: bool = False) -> None:
        """Sync first when asked (``--sync``) or when nothing has been pulled yet."""
        if force or getattr(self.args, "sync", False) or self.cache_empty():
            await self.sync()
        if self.cache_empty():
            state = self.engine.state
            raise CommandError(
                "Nothing is cached for this profile yet and the first sync did not complete: "
                f"{state.message or state.describe()}",
                EXIT_FAILURE,
            )

    async def ready_projects(self, requires: tuple[str, str] | None = None) -> None:
        """:meth:`ready`, then :meth:`require` ``requires``, and the people on the
        person's projects and the checklists' counts, fetched when they never were or
        are stale (a request per project, so only the commands that show them ask)."""
        self.engine.want_projects()
        await self.ready()
        if requires is not None:
            self.require(*requires)
        if self.engine.projects_due() and not getattr(self.args, "no_sync", False):
            await self.sync(reference=False)

    def require(self, capability: str, what: str) -> None:
        """Exit 2 saying so when the profile's backend lacks a feature."""
        if not self.store.edits.capable(capability):
            backend = self.store.database.get_meta("backend_name", "This server")
            raise CommandError(f"{backend} has no {what}.", EXIT_USAGE)

    def me(self) -> int:
        user = self.store.queries.me()
        if user is None:
            raise CommandError("The profile's person is not known yet: run tenktui sync.", 1)
        return int(user["id"])

    # -- editing -------------------------------------------------------------------
    async def edit(self, change: Callable[[], T]) -> tuple[T, Outcome]:
        """Apply ``change`` (a call into ``store.edits``), then push it unless ``--no-sync``."""
        from tenktui.store import InvalidEdit

        before = self._open_rows()
        try:
            result = change()
        except InvalidEdit as err:
            raise CommandError(str(err), EXIT_USAGE) from None
        after = self._open_rows()
        mine = [seq for seq, value in after.items() if before.get(seq) != value]
        return result, await self.push(mine)

    async def push(self, seqs: list[int]) -> Outcome:
        """Sync once (unless ``--no-sync``) and report on the outbox rows ``seqs``."""
        no_sync = getattr(self.args, "no_sync", False)
        if not no_sync:
            await self.sync(deadline=SYNC_DEADLINE)
        rows = [r for r in (self.store.outbox.get(s) for s in seqs) if r is not None]
        described = [describe_row(self.store, r) for r in rows]
        failed = [r for r in rows if r.state == "failed"]
        conflicts = [r for r in rows if r.state == "conflict"]
        waiting = [r for r in rows if r.state in REPLAYABLE_STATES]
        if failed:
            r = failed[0]
            return Outcome(
                "failed",
                f"The server refused it: {r.last_error}. Once that is fixed: tenktui outbox retry "
                f"{r.seq}; or drop the edit: tenktui outbox discard {r.seq}.",
                described,
                EXIT_FAILURE,
            )
        if conflicts:
            r = conflicts[0]
            return Outcome(
                "conflict",
                "It changed on the server since it was last synced: keep yours or theirs with "
                f"tenktui outbox resolve {r.seq} --keep mine|theirs.",
                described,
                EXIT_FAILURE,
            )
        if not waiting:
            return Outcome("saved", "Saved on the server." if rows else "Saved.", described)
        if no_sync:
            return Outcome("queued", "Queued; tenktui sync sends it.", described)
        state = self.engine.state
        if state.kind == "offline":
            return Outcome(
                "queued",
                f"Queued offline; tenktui sync sends it when the server is back. ({state.message})",
                described,
            )
        if state.kind == "follower":
            return Outcome(
                "queued",
                "Queued: another tenktui process is syncing this profile and will send it.",
                described,
            )
        if state.kind == "throttled":
            return Outcome(
                "queued",
                f"Queued: {state.message} It is sent at the next sync.",
                described,
            )
        if state.kind == "tls":
            return Outcome("queued", f"Queued, but {state.message}", described, EXIT_FAILURE)
        if state.kind == "unauthorized":
            return Outcome(
                "queued",
                "Queued, but the server refused the API token: log in again with "
                f"{login_command(self.profile)}.",
                described,
                EXIT_FAILURE,
            )
        return Outcome(
            "queued",
            "Queued behind an earlier edit of the same record that failed or is in conflict: "
            "see tenktui outbox.",
            described,
            EXIT_FAILURE,
        )

    def report(self, outcome: Outcome, data: dict[str, Any], text: str) -> int:
        """Print an edit's result and outcome; the exit code."""
        self.out.result({**data, **outcome.to_json()}, f"{text}\n{outcome.message}")
        return outcome.code

    def _open_rows(self) -> dict[int, tuple[str, str]]:
        return self.store.unsent.open_versions()


def describe_row(store: Any, row: Any) -> dict[str, Any]:
    """An outbox row for people and scripts: what it changes, in its record kind's
    words, and for a conflict what the server holds."""
    from tenktui.kinds import Describer

    describer = Describer(store.database)
    error = row.last_error
    note = describer.theirs_note(row) if row.state == OutboxState.CONFLICT else None
    if note:
        error = f"{error} {note}"
    return {
        "id": row.seq,
        "state": OutboxState.PENDING.value if row.state == OutboxState.SENDING else row.state,
        "op": row.op,
        "kind": row.kind,
        "what": describer.summary(row),
        "error": error,
        "theirs": row.theirs if row.state == OutboxState.CONFLICT else None,
        "created_at": row.created_at,
    }


@contextlib.asynccontextmanager
async def open_context(args: argparse.Namespace) -> AsyncIterator[Context]:
    """The profile's session for one command, closed (and its sync lock freed) at the end."""
    from tenktui.session import open_profile_session

    try:
        _, profile = load_profile(args)
    except ConfigError as err:
        raise CommandError(str(err), EXIT_USAGE) from None
    token = tokens.load_token(profile.name)
    if not token:
        raise CommandError(
            f"No API token for profile {profile.name!r}: log in with {login_command(profile)} "
            f"(or set {tokens.TOKEN_ENV}).",
            EXIT_USAGE,
        )
    remember_secret(token)
    setup_logging()
    now = person_today(profile.timezone)
    session = open_profile_session(profile, token, today=lambda: now)
    if session.store.database.read_only:
        print(
            f"tenktui: warning: the cache {session.store.path} is read-only: showing what it "
            "holds; nothing can be saved or synced.",
            file=sys.stderr,
            flush=True,
        )
    session.backend.limit_attempts(CLI_ATTEMPTS)
    try:
        yield Context(args, Output(getattr(args, "json", False)), profile, session, now)
    finally:
        await session.aclose()
