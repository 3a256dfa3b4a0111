"""The cache is never a dead end (issue #11, item 8).

A truncated or corrupted cache: ``tenktui doctor`` saves the unsent edits to a file
the person can read, rebuilds the cache from the server and puts them back, and
they reach the server once. A cache from a newer tenktui is refused untouched; a
read-only cache is read with a warning; a full disk says so and loses nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tenktui.store import Store
from tenktui.store.database import NewerCache
from tenktui.store.migrations import LATEST
from tests import test_cli_helpers as helpers
from tests.conftest import TODAY, RunningSandbox
from tests.test_cli_helpers import Cli, server_entries

cli = helpers.cli
logged_in = helpers.logged_in

PAGE = 4096
NOBODY = 65534


def _prepare(cli: Cli) -> None:
    """A synced cache holding two unsent edits: a new entry and a status."""
    cli.ok("sync")
    cli.ok("log", "1.75", "INT-004", "--notes", "rescue me", "--no-sync")
    cli.ok("status", "OOO", "--message", "at the dentist", "--no-sync")
    assert len(cli.outbox()) == 2


def _schema_pages(db: Path) -> int:
    """The highest root page: the pages that hold the schema and the outbox's first rows."""
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT MAX(rootpage) FROM sqlite_master").fetchone()[0])


def _truncate(db: Path) -> None:
    keep = (_schema_pages(db) + 2) * PAGE
    assert db.stat().st_size > keep + 4 * PAGE
    with db.open("r+b") as f:
        f.truncate(keep)


def _corrupt(db: Path) -> None:
    start = (_schema_pages(db) + 2) * PAGE
    size = db.stat().st_size
    assert size > start + 4 * PAGE
    with db.open("r+b") as f:
        for page in range(start, size, PAGE * 2):
            f.seek(page)
            f.write(os.urandom(PAGE))


@pytest.mark.parametrize("damage", [_truncate, _corrupt])
@pytest.mark.slow
def test_doctor_rescues_unsent_edits_rebuilds_and_puts_them_back(
    logged_in: Cli, fresh_server: RunningSandbox, damage
) -> None:
    _prepare(logged_in)
    damage(logged_in.db)
    broken = logged_in.run("week")
    assert broken.code == 1 and "tenktui doctor" in broken.err, broken.err
    assert "Traceback" not in broken.err

    result = logged_in.run("doctor", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["cache"] == "rebuilt" and report["rescued"] == 2 and report["put_back"] == 2
    rescued = json.loads(Path(report["rescued_file"]).read_text())["unsent_edits"]
    assert {e["kind"] for e in rescued} == {"time_entry", "status"}
    assert oct(Path(report["rescued_file"]).stat().st_mode & 0o777) == "0o600"
    assert Path(report["damaged_file"]).exists()

    assert logged_in.outbox() == []
    landed = [e for e in server_entries(fresh_server, TODAY) if e["notes"] == "rescue me"]
    assert [e["hours"] for e in landed] == [1.75]
    assert logged_in.json("status")["status"]["message"] == "at the dentist"
    assert logged_in.json("doctor")["cache"] == "ok"
    logged_in.ok("sync")
    again = [e for e in server_entries(fresh_server, TODAY) if e["notes"] == "rescue me"]
    assert len(again) == 1


@pytest.mark.slow
def test_doctor_on_a_sound_cache_changes_nothing(logged_in: Cli) -> None:
    _prepare(logged_in)
    assert "is sound" in logged_in.ok("doctor").out
    assert len(logged_in.outbox()) == 2


def _bump_schema(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT INTO schema_versions (version, name, applied_at) VALUES (?, 'future', 'x')",
            (LATEST + 1,),
        )


@pytest.mark.slow
def test_a_cache_from_a_newer_tenktui_is_refused_and_left_alone(logged_in: Cli) -> None:
    _prepare(logged_in)
    _bump_schema(logged_in.db)
    before = logged_in.db.read_bytes()
    for args in (("week",), ("outbox",), ("log", "1", "INT-004", "--no-sync"), ("doctor",)):
        result = logged_in.run(*args)
        assert result.code == 1, (args, result.err)
        assert "newer tenktui" in result.err and "upgrade" in result.err, result.err
        assert "Traceback" not in result.err
    assert logged_in.db.read_bytes() == before


def test_the_store_refuses_a_newer_schema_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    Store(path).close()
    _bump_schema(path)
    before = path.read_bytes()
    with pytest.raises(NewerCache, match="newer tenktui"):
        Store(path)
    assert path.read_bytes() == before


def test_a_full_disk_says_disk_full_and_loses_nothing(tmp_path: Path) -> None:
    from tenktui.store.database import describe_sqlite_error

    store = Store(tmp_path / "cache.db", today=lambda: TODAY)
    store.edits.set_status(1, "WFH", "first")
    with store.database.write() as c:
        c.execute("CREATE TABLE filler (x BLOB)")
    pages = store.database.scalar("PRAGMA page_count")
    store.database.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as raised, store.database.write() as c:
        c.execute("INSERT INTO filler VALUES (zeroblob(1000000))")
    message = describe_sqlite_error(raised.value)
    assert message is not None and message.startswith("disk full")
    [row] = store.outbox.open_rows()
    assert row.target == {"status": "WFH", "message": "first"}
    assert store.database.scalar("SELECT COUNT(*) FROM filler") == 0


def _owner_only_home(cli: Cli) -> tuple[dict[str, str], Any]:
    """A copy of the CLI's home that the commands run in as a user for whom the data
    directory can really be read-only (root ignores permission bits: run as nobody)."""
    root = Path(tempfile.mkdtemp(prefix="tenktui-ro-"))
    root.chmod(0o755)
    home = root / "home"
    shutil.copytree(cli.home, home)
    env = {**cli.env, "HOME": str(home)}
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[key] = cli.env[key].replace(str(cli.home), str(home))
    drop = None
    if os.geteuid() == 0:
        for path in [home, *home.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)

        def drop() -> None:
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    return env, drop


def _others_can_run(program: Path) -> bool:
    """Whether a user who owns nothing here (nobody) can reach and run ``program``."""
    program = Path(program).absolute()
    return all(p.stat().st_mode & 0o001 for p in (program, *program.parents))


@pytest.mark.slow
def test_a_read_only_data_dir_still_reads_with_a_warning(logged_in: Cli) -> None:
    if os.geteuid() == 0 and not _others_can_run(helpers.TENKTUI):
        pytest.skip(f"nobody cannot run {helpers.TENKTUI} (a private folder on its path)")
    _prepare(logged_in)
    env, drop = _owner_only_home(logged_in)
    data_dir = Path(env["XDG_DATA_HOME"]) / "tenktui"
    data_dir.chmod(0o500)

    def run(*args: str) -> helpers.Result:
        proc = subprocess.run(
            [str(helpers.TENKTUI), *args], capture_output=True, text=True, env=env,
            preexec_fn=drop, timeout=120,
        )  # fmt: skip
        result = helpers.Result(proc.returncode, proc.stdout, proc.stderr)
        logged_in.runs.append(result)
        return result

    try:
        _reads_with_a_warning(run, data_dir)
    finally:
        data_dir.chmod(0o700)
        shutil.rmtree(Path(env["HOME"]).parent)


def _reads_with_a_warning(run: Any, data_dir: Path) -> None:
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    week = run("week")
    assert week.code == 0, week.err
    assert "read-only" in week.err and "Internal Tools" in week.out
    outbox = run("outbox", "--json")
    assert outbox.code == 0, outbox.err
    assert "read-only" in outbox.err
    assert len(json.loads(outbox.out)["outbox"]) == 2
    refused = run("log", "1", "INT-004", "--no-sync")
    assert refused.code == 1 and "read-only" in refused.err, refused.err
    assert "Traceback" not in refused.err and "unexpected error" not in refused.err
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before


@pytest.mark.parametrize(
    ("error", "said"),
    [
        ("database or disk is full", "tenktui: disk full"),
        ("database disk image is malformed", "Run tenktui doctor"),
        ("file is not a database", "Run tenktui doctor"),
        ("attempt to write a readonly database", "is read-only"),
    ],
)
def test_cache_errors_are_one_clear_line(capsys, error: str, said: str) -> None:
    from tenktui.cli import _guarded

    def fail() -> int:
        raise sqlite3.OperationalError(error)

    assert _guarded(fail) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_create_that_was_being_sent_is_reconciled_after_the_rebuild_not_doubled(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    logged_in.ok("sync")
    internal = helpers.project_id(fresh_server, "INT-004")
    entries = server_entries(fresh_server, TODAY)
    before = [e["id"] for e in entries if e["assignable_id"] == internal]
    logged_in.ok("log", "2.25", "INT-004", "--notes", "landed, answer lost")
    # As if the process died after the request left: the row is 'sending' again, with
    # the snapshot taken before it, and no server id known.
    with closing(sqlite3.connect(logged_in.db)) as conn, conn:
        seq, local_id = conn.execute(
            "SELECT seq, local_id FROM outbox WHERE kind = 'time_entry' ORDER BY seq DESC"
        ).fetchone()
        conn.execute(
            "UPDATE outbox SET state = 'sending', server_id = NULL, snapshot = ? WHERE seq = ?",
            (json.dumps(before), seq),
        )
        conn.execute("UPDATE time_entries SET server_id = NULL WHERE id = ?", (local_id,))
    _truncate(logged_in.db)

    report = logged_in.json("doctor")
    assert report["rescued"] == 1 and report["put_back"] == 1
    assert logged_in.outbox() == []
    landed = [e for e in server_entries(fresh_server, TODAY) if e["notes"] == "landed, answer lost"]
    assert len(landed) == 1


@pytest.mark.slow
def test_doctor_puts_a_leantime_edit_back_on_its_ticket_and_kind(cli: Cli, tmp_path: Path) -> None:
    """The rescued edits hold ids of the cache's key map: the rebuilt cache gets the map
    back before it pulls, so the entry lands on the ticket and hour kind it was logged to."""
    from tenktui.api.leantime.ids import ASSIGNABLE
    from tests.test_leantime_sandbox import KEY, ZONE, start_leantime

    server = start_leantime(tmp_path / "lt.db", "3.9", "--rate-limit", "100000")
    try:
        cli.ok("login", "--backend", "leantime", "--base-url", server.root, "--email",
               helpers.ME_EMAIL, "--timezone", ZONE, env={"TENKTUI_TOKEN": KEY})  # fmt: skip
        # A ticket seen before and gone from the server since: the rebuild's pull alone
        # would number what it finds differently.
        with closing(Store(cli.db)) as store:
            store.keys.id_for(ASSIGNABLE, "99999:GENERAL_BILLABLE")
        cli.ok("sync")
        cli.ok("log", "1.25", "home page · dev", "--notes", "rescue me", "--no-sync")
        assert len(cli.outbox()) == 1
        _truncate(cli.db)
        result = cli.run("doctor", "--json")
        assert result.code == 0, result.err
        report = result.json()
        assert report["cache"] == "rebuilt" and report["put_back"] == 1
        assert cli.outbox() == []
        window = {"dateFrom": "2026-11-01 00:00:00", "dateTo": "2026-12-31 00:00:00"}
        rows = server.rpc("Timesheets.getAll", {**window, "userId": 1})
        landed = [
            (r["ticketId"], r["kind"], r["hours"])
            for r in rows
            if r.get("description") == "rescue me"
        ]
        assert landed == [(100, "DEVELOPMENT", 1.25)]
    finally:
        server.stop()
