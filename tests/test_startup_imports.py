"""Start-up imports only the store and the first screen: the network stack, the sync
engine, the sandbox and the other screens wait until after the first frame.

Each case runs in a fresh interpreter (``sys.modules`` of the test process holds
everything) and lists which of the modules that must wait were imported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# What nothing before the first frame needs: the network stack (httpx pulls in click,
# pygments and the email package), the backends, the engine and what it pushes with,
# the sandbox, the Reports screen's charts and the other screens; and the record
# classes (some 30 ms to define) with the cache's writer of pulls, which use them; the
# command palette's own commands. And what only a later read or write needs: the
# outbox's module and the writer of edits (the footer's counts come without them), JSON
# (the first frame reads only ids from the meta table) and the time-zone database. And
# argparse: the app's own arguments are read without it (cli.app_arguments). And the
# classes only a later step defines: the reminders (read after the first frame), what a
# timer's start or stop did, a sync pass's report, the sync control's protocol.
LATER = (
    "httpx",
    "tenktui.api.http",
    "tenktui.api.tenkft",
    "tenktui.api.leantime",
    "tenktui.sync.engine",
    "tenktui.sync.push",
    "tenktui.sync.pull",
    "tenktui.kinds",
    "tenktui.sandbox",
    "starlette",
    "uvicorn",
    "textual_plotext",
    "plotext",
    "tenktui.ui.screens.reports",
    "tenktui.ui.screens.assignments",
    "tenktui.ui.screens.outbox",
    "tenktui.ui.screens.status",
    "tenktui.ui.screens.subtasks",
    "tenktui.records",
    "tenktui.store.cache",
    "tenktui.ui.commands",
    "textual.widgets._data_table",
    "tenktui.store.outbox",
    "tenktui.store.edits",
    "json",
    "zoneinfo",
    "argparse",
    "tenktui.store.reminders",
    "tenktui.store.timer_results",
    "tenktui.sync.reports",
    "tenktui.sync.control",
    "tenktui.commands.context",
)

PROFILE = """\
default_profile = "work"

[profiles.work]
base_url = "https://api.example.com/api/v1"
email = "me@example.com"
"""

# What ``tenktui`` does up to ``App.run``: the command line, the profile, its session
# on the cache, and the app with its first screen.
APP_START = """\
from tenktui import cli
from tenktui.commands.profiles import load_profile
from tenktui.session import open_profile_session
from tenktui.ui.app import TenkApp
import tenktui.ui.launch

config, profile = load_profile(cli.app_arguments([]))
session = open_profile_session(profile, "token", today=__import__("datetime").date.today)
TenkApp(session).get_default_screen()
session.store.close()
"""


def loaded_too_soon(code: str, home: Path, later: tuple[str, ...] = LATER) -> list[str]:
    """Which of ``later`` running ``code`` in a fresh interpreter imported."""
    check = (
        f"{code}\nimport sys\n"
        f"later = {later!r}\n"
        "print(' '.join(sorted(m for m in sys.modules "
        "if any(m == n or m.startswith(n + '.') for n in later))))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "TENKTUI_KEYRING": "0",
    }
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout.split()


def test_the_app_reaches_its_first_screen_without_the_network_stack(tmp_path: Path) -> None:
    config = tmp_path / "config" / "tenktui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(PROFILE, encoding="utf-8")
    assert loaded_too_soon(APP_START, tmp_path) == []


def test_reading_the_config_does_not_import_httpx(tmp_path: Path) -> None:
    """The base URL is checked when the config is read, at every start: with the
    standard library, so ``tenktui check`` and the app do not pay for httpx."""
    config = tmp_path / "config.toml"
    config.write_text(PROFILE, encoding="utf-8")
    code = (
        "from pathlib import Path\n"
        "from tenktui.config import load_config\n"
        f"load_config(Path({str(config)!r}))"
    )
    assert loaded_too_soon(code, tmp_path) == []


def test_the_version_imports_neither_textual_nor_the_store(tmp_path: Path) -> None:
    code = (
        "import contextlib, io, sys\n"
        "from tenktui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--version'])\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'\n"
        "    or m in ('tenktui.store.cache', 'tenktui.store.reports', 'tenktui.store.edits'))))\n"
    )
    # The version is argparse's to print: only Textual and the store must wait.
    assert loaded_too_soon(code, tmp_path, later=()) == []


def test_after_the_first_frame_the_other_screens_are_loaded_ahead(tmp_path: Path) -> None:
    """What the first frame leaves for later, the app loads in a thread once it is out
    (``preload_screens``): a screen's first showing then builds it, and does not also
    import it."""
    screens = tuple(
        f"tenktui.ui.screens.{name}"
        for name in ("assignments", "status", "subtasks", "outbox", "reports", "help")
    )
    code = (
        "import sys\n"
        "from tenktui.ui.app import preload_screens\n"
        f"before = [m for m in {screens!r} if m in sys.modules]\n"
        "assert before == [], before\n"
        "preload_screens()\n"
        f"print(' '.join(m for m in {screens!r} if m not in sys.modules))\n"
    )
    assert loaded_too_soon(code, tmp_path, later=()) == []
