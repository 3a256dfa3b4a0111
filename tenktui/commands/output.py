"""How commands print: plain tables for people, JSON for scripts."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any

from tenktui.text import clean, clean_line, hours_text


def hours(value: float | None) -> str:
    """``2``, ``1.5``, ``0.63``: no trailing zeros."""
    return "" if value is None else hours_text(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell; ``right`` lists the right-aligned columns."""
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else clean_line(str(c)) for c in r] for r in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for r in cells:
        parts = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(data: Any) -> str:
    import json  # on first use: the app's start reads the profile through this package

    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def fail(message: str, code: int, *, as_json: bool = False) -> int:
    """Say why the command stopped; ``code`` is the exit status (and the JSON error's code).
    The message is redacted (no token reaches the terminal) and cleaned."""
    from tenktui.logs import redact

    if as_json:
        print(dumps({"error": {"code": code, "message": redact(message)}}), flush=True)
    else:
        print(f"tenktui: {clean(redact(message))}", file=sys.stderr, flush=True)
    return code


class Output:
    """Where a command's result goes: a JSON document or text on stdout; notes on stderr."""

    def __init__(self, as_json: bool) -> None:
        self.json = as_json

    def result(self, data: Any, text: str | None = None) -> None:
        """The command's result: ``data`` as JSON with ``--json``, else ``text`` (without
        the control characters a server may have put in it)."""
        if self.json:
            print(dumps(data), flush=True)
        elif text:
            print(clean(text), flush=True)

    def line(self, data: Any) -> None:
        """One JSON object per line (``sync --watch --json``)."""
        import json

        print(json.dumps(data, ensure_ascii=False, default=_default), flush=True)

    def say(self, text: str) -> None:
        """A remark for people; kept off stdout when the output is JSON."""
        print(clean(text), file=sys.stderr if self.json else sys.stdout, flush=True)
