"""Profiles and where things live: ``login``, ``logout`` and ``locate``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from tenktui import paths, tokens
from tenktui.commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError
from tenktui.commands.context import SECRETS, log_path
from tenktui.commands.output import Output
from tenktui.config import (
    EMAIL,
    PROFILE_ENV,
    Config,
    ConfigError,
    Profile,
    check_base_url,
    check_timezone,
    config_path,
    load_config,
    local_timezone,
    save_config,
)
from tenktui.store.states import OPEN_SQL

DEFAULT_PROFILE = "default"


def _load() -> Config:
    try:
        return load_config()
    except ConfigError as err:
        raise CommandError(str(err), EXIT_USAGE) from None


def _profile_name(args: argparse.Namespace, config: Config) -> str:
    import os

    name = getattr(args, "profile", None) or os.environ.get(PROFILE_ENV) or None
    name = name or config.default_profile or DEFAULT_PROFILE
    try:
        return paths.check_profile_name(name)
    except ValueError as err:
        raise CommandError(str(err), EXIT_USAGE) from None


WHERE_TOKENS_ARE = {
    "tenkft": "10,000ft: Settings > Developer API",
    "leantime": "Leantime: Company Settings > API, or a personal access token",
}


def _read_token(backend: str) -> str:
    token = tokens.from_env()
    if token:
        return token
    if not sys.stdin.isatty():
        raise CommandError(
            f"No token: set {tokens.TOKEN_ENV} or run tenktui login in a terminal to type it "
            f"({WHERE_TOKENS_ARE[backend]}).",
            EXIT_USAGE,
        )
    try:
        token = getpass.getpass(f"API token ({WHERE_TOKENS_ARE[backend]}; not echoed): ")
    except (EOFError, KeyboardInterrupt):
        raise CommandError("Login cancelled.", EXIT_USAGE) from None
    token = token.strip()
    if not token:
        raise CommandError("No token typed; nothing changed.", EXIT_USAGE)
    return token


async def _check(backend: str, base_url: str, token: str, email: str | None, timezone: str) -> Any:
    """The user the profile acts for. Leantime: a personal access token is the person
    (no email needed), and a token whose hours would land on another account is refused."""
    from tenktui.api.errors import ApiError, NotFound, Unauthorized
    from tenktui.session import make_backend

    try:
        client = make_backend(backend, base_url, token, email=email, timezone=timezone)
    except ValueError as err:
        raise CommandError(str(err), EXIT_USAGE) from None
    for layer in ("http", "rpc"):
        transport = getattr(client, layer, None)
        if transport is not None and hasattr(transport, "max_attempts"):
            transport.max_attempts = 3
    try:
        if email is None:
            me = await client.whoami()
            if (me.extra.get("leantime") or {}).get("source") == "api" or not me.email:
                raise CommandError(
                    f"This is an API key, a Leantime user of its own ({me.name}): add --email "
                    "with your username, or log in with your personal access token. Nothing "
                    "was saved.",
                    EXIT_USAGE,
                )
            email = me.email
        user = await client.resolve_user(email)
        if backend == "leantime":
            try:
                await client.check_can_log_for(user)
            except Unauthorized as err:
                raise CommandError(f"{err.message} Nothing was saved.", EXIT_FAILURE) from None
        return user
    except Unauthorized:
        raise CommandError(
            f"The server refused the token: check it ({WHERE_TOKENS_ARE[backend]}) and log in "
            "again. Nothing was saved.",
            EXIT_FAILURE,
        ) from None
    except NotFound:
        raise CommandError(
            f"The token works, but there is no user with the email {email!r} on that account. "
            "Nothing was saved.",
            EXIT_FAILURE,
        ) from None
    except ApiError as err:  # Offline, Throttled, ServerError: try again later
        raise CommandError(f"{err.message} Nothing was saved.", EXIT_FAILURE) from None
    finally:
        await client.aclose()


def _drop_stale_cache(name: str, old: Profile | None, new: dict[str, str]) -> None:
    """A cache made for another server or person is not this login's: remove it, unless
    it still holds edits that were never sent (then refuse: they would go astray)."""
    if old is None or (
        (old.backend, old.base_url, old.email.lower())
        == (new["backend"], new["base_url"], new["email"].lower())
    ):
        return
    db = paths.profile_db(name)
    if not db.exists():
        return
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        unsent = conn.execute(f"SELECT COUNT(*) FROM outbox WHERE state IN {OPEN_SQL}").fetchone()[
            0
        ]
    except sqlite3.DatabaseError:
        unsent = 0
    finally:
        conn.close()
    if unsent:
        raise CommandError(
            f"Profile {name!r} holds {unsent} edit(s) not yet sent to {old.base_url} as "
            f"{old.email}: sync or discard them (tenktui outbox --profile {name}) before "
            "pointing it elsewhere, or log in with another --profile.",
            EXIT_FAILURE,
        )
    for suffix in ("", "-wal", "-shm", ".sync.lock"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)


def run_login(args: argparse.Namespace) -> int:
    out = Output(args.json)
    config = _load()
    name = _profile_name(args, config)
    base_url = check_base_url(args.base_url, lambda message: CommandError(message, EXIT_USAGE))
    if args.email is None and args.backend != "leantime":
        raise CommandError("--email is required: your email on that account.", EXIT_USAGE)
    if args.email is not None and not EMAIL.fullmatch(args.email):
        raise CommandError(f"{args.email!r} is not an email address.", EXIT_USAGE)
    old = config.profiles.get(name)
    timezone = args.timezone or (old.timezone if old else None)
    zone_note = ""
    if timezone is not None:
        timezone = check_timezone(timezone, lambda message: CommandError(message, EXIT_USAGE))
    elif args.backend == "leantime":
        # Leantime's work dates are days in the person's zone; the machine's is the likely one.
        timezone = local_timezone()
        zone_note = (
            f"\nTime zone {timezone} (this machine's); if your Leantime profile says "
            "otherwise, log in again with --timezone or set timezone in the profile."
        )
    token = _read_token(args.backend)
    SECRETS.add(token)
    user = asyncio.run(_check(args.backend, base_url, token, args.email, timezone or "UTC"))
    email = args.email or user.email
    settings = {"base_url": base_url, "email": email, "backend": args.backend}
    _drop_stale_cache(name, old, settings)
    if old is not None:
        from dataclasses import replace

        profile = replace(old, timezone=timezone, **settings)
    else:
        profile = Profile(name=name, timezone=timezone, **settings)
    config.put(profile)
    save_config(config)
    where = tokens.save_token(name, token)
    person = user.raw.get("display_name") or " ".join(
        p for p in (user.raw.get("first_name"), user.raw.get("last_name")) if p
    )
    default = " (the default profile)" if config.default_profile == name else ""
    out.result(
        {
            "profile": name,
            "default": config.default_profile == name,
            "user": {"id": user.raw.get("id"), "name": person, "email": email},
            "base_url": base_url,
            "timezone": timezone,
            "config": str(config.path),
            "token_store": "keyring" if where == "the system keyring" else "file",
        },
        f"Logged in as {person or email} ({email}) on {base_url}.\n"
        f"Profile {name!r}{default} saved in {config.path}; the token is kept in {where}."
        + zone_note,
    )
    return EXIT_OK


def run_logout(args: argparse.Namespace) -> int:
    out = Output(args.json)
    config = _load()
    name = _profile_name(args, config)
    removed = tokens.delete_token(name)
    text = (
        f"Logged out of profile {name!r}: its token is removed."
        if removed
        else f"No token was stored for profile {name!r}."
    )
    if tokens.from_env():
        text += f" ({tokens.TOKEN_ENV} is set in this shell and still overrides.)"
    out.result({"profile": name, "removed": removed}, text)
    return EXIT_OK


def run_locate(args: argparse.Namespace) -> int:
    out = Output(args.json)
    places = {
        "config": config_path(),
        "tokens": tokens.tokens_dir(),
        "data": paths.data_dir(),
        "cache": paths.cache_dir(),
        "log": log_path(),
        "themes": paths.user_themes_dir(),
    }
    notes = {
        "config": "the profiles",
        "tokens": "API tokens, a file per profile, when there is no system keyring",
        "data": "a SQLite cache per profile",
        "cache": "logs",
        "log": "what the commands log",
        "themes": "your own themes",
    }
    width = max(map(len, places))
    text = "\n".join(f"{k.ljust(width)}  {v}  # {notes[k]}" for k, v in places.items())
    out.result({k: str(v) for k, v in places.items()}, text)
    return EXIT_OK
