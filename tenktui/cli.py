"""Command-line entry point: ``tenktui`` and ``python -m tenktui``.

Sub-commands import what they need when they run, so ``tenktui --version`` and
the headless commands never pay for Textual or the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from tenktui.commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from tenktui.commands.output import fail

if TYPE_CHECKING:  # the parser is built only for a command, --help or a mistake
    import argparse

    Args = argparse.Namespace | SimpleNamespace


def _shortcuts(argv: list[str]) -> list[str]:
    """``subtasks 101`` means ``subtasks list 101``."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] == "--profile" else 1
    if i < len(argv) and argv[i] == "subtasks":
        j = i + 1
        while j < len(argv) and argv[j].startswith("-"):
            j += 2 if argv[j] == "--profile" else 1
        if j < len(argv) and argv[j].isdigit():
            return [*argv[: i + 1], "list", *argv[i + 1 :]]
    return argv


# Which function runs each command: (module, function, needs the profile's session).
HANDLERS: dict[tuple[str, str | None], tuple[str, str, bool]] = {
    ("login", None): ("account", "run_login", False),
    ("logout", None): ("account", "run_logout", False),
    ("locate", None): ("account", "run_locate", False),
    ("sync", None): ("outbox", "run_sync", True),
    ("log", None): ("time", "run_log", True),
    ("set", None): ("time", "run_set", True),
    ("entries", None): ("entries", "run_entries", True),
    ("edit", None): ("entries", "run_edit", True),
    ("rm", None): ("entries", "run_rm", True),
    ("copy-week", None): ("entries", "run_copy_week", True),
    ("week", None): ("time", "run_week", True),
    ("confirm", None): ("time", "run_confirm", True),
    ("submit", None): ("time", "run_submit", True),
    ("status", None): ("people", "run_status", True),
    ("who", None): ("people", "run_who", True),
    ("assignments", None): ("work", "run_assignments", True),
    ("subtasks", None): ("work", "run_subtasks_list", True),
    ("subtasks", "list"): ("work", "run_subtasks_list", True),
    ("subtasks", "done"): ("work", "run_subtasks_change", True),
    ("subtasks", "undo"): ("work", "run_subtasks_change", True),
    ("subtasks", "add"): ("work", "run_subtasks_change", True),
    ("subtasks", "rename"): ("work", "run_subtasks_change", True),
    ("subtasks", "rm"): ("work", "run_subtasks_change", True),
    ("outbox", None): ("outbox", "run_outbox", True),
    ("outbox", "retry"): ("outbox", "run_retry", True),
    ("outbox", "discard"): ("outbox", "run_discard", True),
    ("outbox", "resolve"): ("outbox", "run_resolve", True),
    ("export", None): ("export", "run_export", True),
    ("start", None): ("timer", "run_start", True),
    ("stop", None): ("timer", "run_stop", True),
    ("timer", None): ("timer", "run_timer", True),
    ("cancel", None): ("timer", "run_cancel", True),
    ("report", None): ("report", "run_report", True),
    ("doctor", None): ("doctor", "run_doctor", False),
    ("check", None): ("check", "run_check", False),
}


def app_arguments(argv: Sequence[str]) -> SimpleNamespace | None:
    """``tenktui``, ``tenktui --profile NAME``, ``tenktui --demo``: the app's own arguments,
    read without building every command's parser (whose help texts cost argparse some 125
    gettext look-ups, 15-30 ms on each start). ``None`` for anything else (a command,
    ``--help``, an abbreviation, a mistake, shell completion): the full parser reads those,
    and says what is wrong."""
    if "_ARGCOMPLETE" in os.environ:
        return None
    found = SimpleNamespace(demo=False, profile=None, command=None)
    words = iter(argv)
    for word in words:
        if word == "--demo":
            found.demo = True
        elif word.startswith("--profile="):
            found.profile = word.removeprefix("--profile=")
        elif word == "--profile":
            value = next(words, None)
            if value is None or value.startswith("-"):
                return None
            found.profile = value
        else:
            return None
    return found


def main(argv: Sequence[str] | None = None) -> int:
    argv = _shortcuts(list(sys.argv[1:] if argv is None else argv))
    args: Args | None = app_arguments(argv)
    if args is None:
        from tenktui.commands.completion import complete
        from tenktui.commands.parser import build_parser, json_errors

        json_errors("--json" in argv)
        parser = build_parser()
        complete(parser)
        args = parser.parse_args(argv)
    if args.command == "sandbox":
        if args.sandbox_command == "serve":
            return _sandbox_serve(args)
        parser.parse_args(["sandbox", "--help"])
    args.json = getattr(args, "json", False)
    if args.command == "completion":
        from tenktui.commands.completion import script

        print(script(args.shell), end="")
        return EXIT_OK
    if args.command is None:
        # The app: no garbage collection until its first frame is out (tenktui.gc_pause),
        # and back on however the app ends (or fails to start).
        from tenktui import gc_pause

        gc_pause.pause()
        try:
            return _guarded(lambda: _run(args), as_json=args.json)
        finally:
            gc_pause.resume(freeze=False)
    return _guarded(lambda: _run(args), as_json=args.json)


def _run(args: Args) -> int:
    if args.command is None:
        return _demo() if args.demo else _app(args)
    import importlib

    action = getattr(args, "subtasks_action", None) or getattr(args, "outbox_action", None)
    module, name, needs_session = HANDLERS[(args.command, action)]
    handler = getattr(importlib.import_module(f"tenktui.commands.{module}"), name)
    if not needs_session:
        return int(handler(args))

    async def with_context() -> int:
        from tenktui.commands.context import open_context

        async with open_context(args) as ctx:
            return int(await handler(ctx))

    if args.command == "sync" and args.watch:
        from tenktui.commands.ctrl_c import run_until_ctrl_c

        return run_until_ctrl_c(with_context)  # Ctrl+C is how --watch ends
    import asyncio

    return asyncio.run(with_context())


def _guarded(run: Callable[[], int], *, as_json: bool = False) -> int:
    """Run a command; its errors become a message on stderr (a JSON error on stdout with
    ``--json``) and an exit status. The token never reaches the terminal: every message
    is redacted."""
    import sqlite3

    from tenktui.commands import CommandError
    from tenktui.config import ConfigError
    from tenktui.store.database import CacheError, describe_sqlite_error

    try:
        return run()
    except CommandError as err:
        return fail(err.message, err.code, as_json=as_json)
    except ConfigError as err:
        return fail(str(err), EXIT_USAGE, as_json=as_json)
    except CacheError as err:
        return fail(str(err), EXIT_FAILURE, as_json=as_json)
    except KeyboardInterrupt:
        if as_json:
            return fail("interrupted", 130, as_json=True)
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``tenktui export | head``): nothing left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as err:
        # A full disk or a damaged cache is said plainly; anything else is a bug, logged.
        import logging
        import traceback

        from tenktui.logs import log_path, redact, setup_logging

        described = describe_sqlite_error(err) if isinstance(err, sqlite3.Error) else None
        detail = redact("".join(traceback.format_exception(err)))
        with contextlib.suppress(OSError):
            setup_logging()
            logging.getLogger("tenktui").error("%s\n%s", described or "unexpected error", detail)
        if described is not None:
            return fail(described, EXIT_FAILURE)
        return fail(
            f"unexpected error: {type(err).__name__}: {redact(str(err))} (details in {log_path()})",
            EXIT_FAILURE,
            as_json=as_json,
        )


def _app(args: Args) -> int:
    """Open the app on the chosen profile (Textual is imported only here)."""
    from tenktui import tokens
    from tenktui.commands import CommandError
    from tenktui.commands.profiles import load_profile, login_command
    from tenktui.config import ConfigError, load_config, update_profile
    from tenktui.logs import remember_secret

    config, profile = load_profile(args)
    token = tokens.load_token(profile.name)
    if not token:
        raise CommandError(
            f"No API token for profile {profile.name!r}: log in with {login_command(profile)}.",
            EXIT_USAGE,
        )
    remember_secret(token)
    import logging

    from tenktui.commands.dates import today
    from tenktui.session import open_profile_session
    from tenktui.ui.launch import run_app

    session = open_profile_session(profile, token, today=lambda: today(profile.timezone))

    def remember_theme(name: str) -> None:
        # Read the file again: it may have been edited while the app ran.
        try:
            update_profile(load_config(config.path), profile.name, theme=name)
        except (ConfigError, KeyError, OSError) as err:
            logging.getLogger("tenktui").warning("theme not saved to the config: %s", err)

    return int(run_app(session, theme=profile.theme, on_theme_change=remember_theme) or 0)


def _demo() -> int:
    from tenktui.ui.launch import run_demo

    return int(run_demo() or 0)


def _sandbox_serve(args: Args) -> int:
    if args.flavor == "leantime":
        from tenktui.sandbox.leantime.__main__ import main as serve_leantime

        return serve_leantime(_leantime_args(args))

    from tenktui.sandbox.app import create_app
    from tenktui.sandbox.server import open_sandbox, serve_in_foreground

    sandbox = open_sandbox(
        args.token,
        db_path=args.db,
        scale=args.scale,
        seed=args.seed,
        today=args.today,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
        reading=args.reading,
    )
    serve_in_foreground(create_app(sandbox), args.host, args.port, api_path="/api/v1")
    return EXIT_OK


def _leantime_args(args: Args) -> list[str]:
    argv = [
        "--host", args.host, "--port", str(args.port), f"--token={args.token}",
        "--version", args.leantime_version, "--scale", args.scale, "--seed", str(args.seed),
        "--rate-limit", str(args.rate_limit), "--rate-window", str(args.rate_window),
        "--reading", args.reading,
    ]  # fmt: skip
    if args.db:
        argv += ["--db", args.db]
    if args.today:
        argv += ["--today", args.today.isoformat()]
    if args.timezone:
        argv += ["--timezone", args.timezone]
    for option in ("token_kind", "role", "permissions"):
        if getattr(args, option):
            argv += [f"--{option.replace('_', '-')}", getattr(args, option)]
    return argv


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
