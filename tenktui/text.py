"""Text from a server or a file, made safe to show on a terminal.

A terminal obeys escape sequences wherever they appear: a status message carrying
OSC 52 writes to the clipboard, OSC 0 sets the window title, CSI 2J clears the
screen. Everything a server sends goes through :func:`clean` before it is shown,
in the app and in the CLI's text output (``--json`` escapes control characters
itself and stays exact).
"""

from __future__ import annotations

import re
from decimal import Decimal

# A whole sequence goes, not only its ESC: "]52;c;…" left behind would still be noise.
# OSC, DCS, SOS, PM and APC run to BEL or ST; CSI to its final byte; the rest take one.
_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 (but tab and newline), DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n]")


def clean(text: str, *, multiline: bool = True) -> str:
    """``text`` without escape sequences or control characters; with ``multiline=False``
    tabs and newlines become spaces too (a table cell, a one-line label)."""
    text = _CONTROL.sub("", _SEQUENCE.sub("", text))
    return text if multiline else _LINE_BREAKS.sub(" ", text)


def clean_line(text: str) -> str:
    """:func:`clean` for one line of a table or a label."""
    return clean(text, multiline=False)


def hours_text(hours: float | Decimal) -> str:
    """Hours as people read them: ``8``, ``1.5``, ``0.63`` (0.01 h steps, no trailing
    zeros): one way for the grid, the messages, the reminders and the commands."""
    return f"{hours:.2f}".rstrip("0").rstrip(".") or "0"
