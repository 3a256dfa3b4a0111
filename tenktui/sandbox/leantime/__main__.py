"""``python -m tenktui.sandbox.leantime``: serve the Leantime emulator (tests, manual runs).

Prints ``sandbox listening on http://HOST:PORT`` once ready. ``tenktui sandbox serve
--flavor leantime`` does the same through the main command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tenktui.sandbox.leantime.state import DEFAULT_TIMEZONE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tenktui.sandbox.leantime")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    parser.add_argument("--token", required=True, help="the API key (or personal token)")
    parser.add_argument("--db", help="SQLite file for the sandbox's data (default: a temp file)")
    parser.add_argument(
        "--version",
        "--leantime-version",
        dest="version",
        default="3.9",
        help="3.5, 3.8, 3.9 or a full version such as 3.9.2",
    )
    parser.add_argument("--scale", choices=["demo", "large"], default="demo")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--timezone", default=DEFAULT_TIMEZONE, help="the users' IANA timezone")
    parser.add_argument("--rate-limit", type=int, default=100, help="requests per window")
    parser.add_argument("--rate-window", type=float, default=60.0, metavar="SECONDS")
    parser.add_argument(
        "--reading",
        choices=["default", "strict"],
        default="default",
        help="where the source leaves a choice open: one plausible reading, or the least generous",
    )
    parser.add_argument(
        "--token-kind",
        choices=["key", "pat"],
        default="key",
        help="key: an API key (x-api-key) acting as its own pseudo-user; pat: "
        "me@example.com's personal access token (Bearer, 3.9.6 and later)",
    )
    parser.add_argument(
        "--role",
        choices=["editor", "manager", "admin", "owner"],
        help="the role of whoever the token acts as (default: the key's manager role, "
        "the person's editor role)",
    )
    parser.add_argument(
        "--permissions",
        choices=["enforce", "audit"],
        help="3.9's permissions.enforce: enforce or audit-only (default: enforce under "
        "the strict reading, audit otherwise)",
    )
    args = parser.parse_args(argv)

    from tenktui.sandbox.leantime.app import create_app
    from tenktui.sandbox.leantime.server import open_leantime_sandbox
    from tenktui.sandbox.server import serve_in_foreground

    sandbox = open_leantime_sandbox(
        args.token,
        args.db,
        version=args.version,
        scale=args.scale,
        today=args.today,
        seed=args.seed,
        timezone=args.timezone,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
        reading=args.reading,
        token_kind=args.token_kind,
        role=args.role,
        enforce=None if args.permissions is None else args.permissions == "enforce",
    )
    serve_in_foreground(create_app(sandbox), args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
