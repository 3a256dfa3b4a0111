"""Command-line entry point: ``tenktui`` and ``python -m tenktui``.

Sub-commands import what they need when they run, so ``tenktui --version`` and
the headless commands never pay for Textual or the sandbox.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Sequence

from tenktui import __version__

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


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
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tenktui",
        description="Keyboard-first, offline-first time tracking for 10,000ft and Leantime.",
    )
    parser.add_argument("--version", action="version", version=f"tenktui {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open on the built-in demo sandbox, acting as me@example.com (no account needed)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "sandbox":
        if args.sandbox_command == "serve":
            return _sandbox_serve(args)
        parser.parse_args(["sandbox", "--help"])
    if args.demo or args.command is None:
        return _demo(args)
    parser.print_help()
    return EXIT_USAGE


def _sandbox_serve(args: argparse.Namespace) -> int:
    import asyncio

    from tenktui.sandbox.server import open_sandbox, serve

    sandbox = open_sandbox(
        args.token,
        db_path=args.db,
        scale=args.scale,
        seed=args.seed,
        today=args.today,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
    )

    def ready(base: str) -> None:
        print(f"sandbox listening on {base}/api/v1", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sandbox, args.host, args.port, on_ready=ready))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    """Until the app's screens exist, the demo serves the sandbox in the foreground."""
    import asyncio
    import secrets

    from tenktui.sandbox.server import open_sandbox, serve

    token = secrets.token_urlsafe(16)
    sandbox = open_sandbox(token, scale="demo")

    def ready(base: str) -> None:
        print(
            "tenktui demo: the app's screens are not built yet, so this serves the demo\n"
            f"sandbox in the foreground. API: {base}/api/v1  token: {token}\n"
            "Try: curl -H 'auth: <token>' " + base + "/api/v1/users\n"
            "Press Ctrl+C to stop.",
            flush=True,
        )

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sandbox, "127.0.0.1", 0, on_ready=ready))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
