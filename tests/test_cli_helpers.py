"""Running the real ``tenktui`` executable with isolated XDG dirs (shared by test_cli_*).

Every run's stdout and stderr is kept; at the end of each test the fixture checks
that the API token appears in none of them, nor in any file under the XDG dirs
(the cache database, its WAL, the log, config.toml) except the token file itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY, TOKEN, RunningSandbox

TENKTUI = Path(sys.executable).with_name("tenktui")
ME_EMAIL = "me@example.com"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Cli:
    """The ``tenktui`` command in a home of its own."""

    home: Path
    env: dict[str, str]
    runs: list[Result] = field(default_factory=list)

    @property
    def config_dir(self) -> Path:
        return self.home / "config" / "tenktui"

    @property
    def db(self) -> Path:
        return self.home / "data" / "tenktui" / "default.db"

    def run(self, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> Result:
        proc = subprocess.run(
            [str(TENKTUI), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=120,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        self.runs.append(result)
        return result

    def ok(self, *args: str, **kw: Any) -> Result:
        result = self.run(*args, **kw)
        assert result.code == 0, f"tenktui {' '.join(args)} → {result.code}\n{result.err}"
        return result

    def json(self, *args: str, **kw: Any) -> Any:
        return self.ok(*args, "--json", **kw).json()

    def login(self, server: RunningSandbox, *extra: str) -> Result:
        return self.ok(
            "login",
            "--base-url",
            server.base_url,
            "--email",
            ME_EMAIL,
            *extra,
            env={"TENKTUI_TOKEN": TOKEN},
        )

    def outbox(self) -> list[dict[str, Any]]:
        return self.json("outbox")["outbox"]

    def assert_token_never_leaked(self) -> None:
        for result in self.runs:
            assert TOKEN not in result.out and TOKEN not in result.err
        token_files = set((self.config_dir / "tokens").glob("*"))
        for path in self.home.rglob("*"):
            if path.is_file() and path not in token_files:
                assert TOKEN.encode() not in path.read_bytes(), f"token found in {path}"


def make_cli(tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENKTUI_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        TENKTUI_TODAY=TODAY.isoformat(),
        TENKTUI_KEYRING="0",
    )
    home.mkdir()
    return Cli(home, env)


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    runner = make_cli(tmp_path)
    yield runner
    runner.assert_token_never_leaked()


@pytest.fixture
def logged_in(cli: Cli, fresh_server: RunningSandbox) -> Cli:
    cli.login(fresh_server)
    return cli


def me_id(server: RunningSandbox) -> int:
    with server.api() as api:
        users = api.get("/users", params={"per_page": 1000}).json()["data"]
    return next(u["id"] for u in users if u["email"] == ME_EMAIL)


def server_entries(server: RunningSandbox, day: dt.date, end: dt.date | None = None) -> list[dict]:
    """My confirmed time entries on the server from ``day`` to ``end``."""
    found: list[dict] = []
    with server.api() as api:
        body = api.get(
            f"/users/{me_id(server)}/time_entries",
            params={"from": day.isoformat(), "to": (end or day).isoformat(), "per_page": 1000},
        ).json()
        found += body["data"]
        # The strict reading caps pages lower and links them absolutely.
        while body["paging"]["next"]:
            link = body["paging"]["next"]
            body = api.get(link if "://" in link else server.root + link).json()
            found += body["data"]
    return [e for e in found if not e.get("is_suggestion")]


def project_id(server: RunningSandbox, code: str) -> int:
    with server.api() as api:
        projects = api.get("/projects", params={"per_page": 1000}).json()["data"]
    return next(p["id"] for p in projects if p.get("project_code") == code)
