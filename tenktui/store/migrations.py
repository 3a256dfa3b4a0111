"""Numbered schema migrations of the local cache.

Each migration is a script applied once, in order, inside one transaction with
the row that records it in ``schema_versions``. Never edit a released
migration: add the next number.
"""

from __future__ import annotations

import sqlite3

# Where caches written before migration 3 kept an assignment's and a status
# option's scope inside ``raw`` (history: the only backend words in the store).
LEGACY_SCOPE = ("$.leantime.projectId", "$.leantime.project_id")

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial cache and outbox",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT,
            first_name TEXT NOT NULL DEFAULT '',
            last_name TEXT NOT NULL DEFAULT '',
            display_name TEXT NOT NULL DEFAULT '',
            role TEXT,
            discipline TEXT,
            location TEXT,
            archived INTEGER NOT NULL DEFAULT 0,
            is_placeholder INTEGER NOT NULL DEFAULT 0,
            license_type TEXT,
            raw TEXT NOT NULL
        );
        CREATE INDEX ix_users_email ON users (email COLLATE NOCASE);

        -- projects, phases and leave types share the assignable id space
        CREATE TABLE assignables (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('project', 'phase', 'leave')),
            name TEXT NOT NULL,
            phase_name TEXT,
            parent_id INTEGER,
            project_code TEXT,
            client TEXT,
            project_state TEXT,
            timeentry_lockout INTEGER NOT NULL DEFAULT -1,
            archived INTEGER NOT NULL DEFAULT 0,
            starts_at TEXT,
            ends_at TEXT,
            updated_at TEXT,
            raw TEXT NOT NULL
        );

        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            assignable_id INTEGER NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            allocation_mode TEXT NOT NULL,
            percent REAL,
            hours_per_day REAL,
            fixed_hours REAL,
            status_option_id INTEGER,
            description TEXT,
            note TEXT,
            updated_at TEXT,
            raw TEXT NOT NULL
        );
        CREATE INDEX ix_assignments_user ON assignments (user_id, starts_at, ends_at);

        -- Confirmed time. `id` is local and stable; `server_id` arrives when the
        -- create has been accepted. `deleted` rows wait for their delete to be sent.
        CREATE TABLE time_entries (
            id INTEGER PRIMARY KEY,
            server_id INTEGER UNIQUE,
            user_id INTEGER NOT NULL,
            assignable_id INTEGER NOT NULL,
            date TEXT NOT NULL,
            hours REAL NOT NULL,
            task TEXT,
            notes TEXT,
            updated_at TEXT,
            created_at TEXT,
            approval_id INTEGER,
            approval_status TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            raw TEXT
        );
        CREATE INDEX ix_time_entries_week ON time_entries (user_id, date, assignable_id);

        -- Suggested (unconfirmed) time from the server; read-only. A cell shows its
        -- suggestion only while it holds no confirmed entry, so a local confirm hides
        -- it at once and the next pull (which no longer lists it) removes it.
        CREATE TABLE suggestions (
            user_id INTEGER NOT NULL,
            assignable_id INTEGER NOT NULL,
            date TEXT NOT NULL,
            scheduled_hours REAL NOT NULL,
            server_id INTEGER,
            PRIMARY KEY (user_id, date, assignable_id)
        );

        CREATE TABLE subtasks (
            id INTEGER PRIMARY KEY,
            server_id INTEGER UNIQUE,
            assignment_id INTEGER NOT NULL,
            project_id INTEGER NOT NULL,
            description TEXT NOT NULL,
            completed INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            raw TEXT
        );
        CREATE INDEX ix_subtasks_assignment ON subtasks (assignment_id);

        CREATE TABLE statuses (
            user_id INTEGER PRIMARY KEY,
            status TEXT,
            message TEXT,
            updated_at TEXT,
            fetched_at TEXT,
            raw TEXT
        );

        CREATE TABLE status_options (
            id INTEGER PRIMARY KEY, label TEXT NOT NULL, color TEXT, stage TEXT,
            sort_order REAL, deleted INTEGER NOT NULL DEFAULT 0, raw TEXT NOT NULL
        );
        CREATE TABLE holidays (id INTEGER PRIMARY KEY, date TEXT NOT NULL, name TEXT, raw TEXT);
        CREATE INDEX ix_holidays_date ON holidays (date);
        CREATE TABLE availabilities (
            id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, starts_at TEXT, ends_at TEXT,
            day0 REAL, day1 REAL, day2 REAL, day3 REAL, day4 REAL, day5 REAL, day6 REAL,
            raw TEXT
        );
        CREATE INDEX ix_availabilities_user ON availabilities (user_id);
        CREATE TABLE time_entry_categories (id INTEGER PRIMARY KEY, category TEXT NOT NULL);
        CREATE TABLE approvals (
            id INTEGER PRIMARY KEY, approvable_id INTEGER NOT NULL, status TEXT NOT NULL,
            submitted_at TEXT, raw TEXT
        );
        CREATE INDEX ix_approvals_approvable ON approvals (approvable_id);

        -- The outbox: a log of intended end states, replayed in order.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            op TEXT NOT NULL,
            kind TEXT NOT NULL,
            local_id INTEGER,
            server_id INTEGER,
            target TEXT NOT NULL,
            base TEXT,
            snapshot TEXT,
            theirs TEXT,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'done', 'failed', 'conflict')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX ix_outbox_state ON outbox (state, seq);
        CREATE INDEX ix_outbox_record ON outbox (kind, local_id);
        """,
    ),
    (
        2,
        "rows a person added to a week by hand, and people they pin",
        """
        CREATE TABLE week_rows (
            user_id INTEGER NOT NULL,
            week_start TEXT NOT NULL,
            assignable_id INTEGER NOT NULL,
            PRIMARY KEY (user_id, week_start, assignable_id)
        );
        CREATE TABLE pins (user_id INTEGER PRIMARY KEY);
        """,
    ),
    (
        3,
        "columns for what queries read from raw: scope and subtask counts",
        # ``scope``: the grouping a backend puts a record in (status options apply to
        # the assignments of their scope). Caches written before it kept that only
        # inside ``raw``, where the backend's translation had left it: read it from
        # there once, so status menus stay right until the next pull rewrites them.
        f"""
        ALTER TABLE assignments ADD COLUMN scope TEXT;
        ALTER TABLE assignments ADD COLUMN counted_subtasks INTEGER;
        ALTER TABLE assignments ADD COLUMN counted_done INTEGER;
        ALTER TABLE status_options ADD COLUMN scope TEXT;
        UPDATE assignments SET
            counted_subtasks = json_extract(raw, '$.subtask_counts.total'),
            counted_done = json_extract(raw, '$.subtask_counts.completed')
            WHERE json_valid(raw) AND json_type(raw, '$.subtask_counts.total') = 'integer'
            AND json_type(raw, '$.subtask_counts.completed') = 'integer';
        UPDATE assignments SET scope = CAST(CAST(json_extract(raw, '{LEGACY_SCOPE[0]}')
            AS INTEGER) AS TEXT)
            WHERE json_valid(raw) AND json_type(raw, '{LEGACY_SCOPE[0]}') IN ('integer', 'text');
        UPDATE status_options SET scope = CAST(CAST(json_extract(raw, '{LEGACY_SCOPE[1]}')
            AS INTEGER) AS TEXT)
            WHERE json_valid(raw) AND json_type(raw, '{LEGACY_SCOPE[1]}') IN ('integer', 'text');
        """,
    ),
    (
        4,
        "raw only where something reads it",
        # Queries read columns; ``raw`` stays on time entries, subtasks and statuses,
        # the server copies that discarding an edit goes back to; on assignments, which
        # a status change's answer still writes whole; and on status options, whose
        # server document a status menu's test reads.
        """
        ALTER TABLE users DROP COLUMN raw;
        ALTER TABLE assignables DROP COLUMN raw;
        ALTER TABLE holidays DROP COLUMN raw;
        ALTER TABLE availabilities DROP COLUMN raw;
        """,
    ),
    (
        5,
        "local ids for composite keys",
        # ``key_ids``: the ids the store gives out for a backend's composite keys (see
        # ``store/keys.py``). A cache that already holds rows was written when backends
        # made such ids up themselves: ``keys_legacy`` says so, and those ids are kept.
        """
        CREATE TABLE key_ids (
            space TEXT NOT NULL,
            key TEXT NOT NULL,
            id INTEGER NOT NULL,
            PRIMARY KEY (space, key),
            UNIQUE (space, id)
        );
        INSERT INTO meta (key, value) SELECT 'keys_legacy', 'true'
            WHERE EXISTS (SELECT 1 FROM assignables) OR EXISTS (SELECT 1 FROM time_entries)
            OR EXISTS (SELECT 1 FROM assignments) OR EXISTS (SELECT 1 FROM status_options)
            OR EXISTS (SELECT 1 FROM week_rows) OR EXISTS (SELECT 1 FROM outbox);
        """,
    ),
    (
        7,
        "bill rates on time entries, and the ranges held outside the window",
        # ``bill_rate``: what an hour of the entry bills (reports' billable share and
        # rates; ``NULL``: the backend says nothing). Caches written before it kept the
        # rate only inside ``raw``: read it from there once.
        # ``held_ranges``: the periods of a person's time fetched (the window, and
        # periods a report asked for) so that a report of them needs no network.
        """
        ALTER TABLE time_entries ADD COLUMN bill_rate REAL;
        UPDATE time_entries SET bill_rate = json_extract(raw, '$.bill_rate')
            WHERE json_valid(raw) AND json_type(raw, '$.bill_rate') IN ('integer', 'real');
        CREATE TABLE held_ranges (
            user_id INTEGER NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (user_id, starts_at)
        );
        """,
    ),
]

LATEST = MIGRATIONS[-1][0]


def current_version(conn: sqlite3.Connection) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT MAX(version) FROM schema_versions").fetchone()
    return int(row[0] or 0)


def stored_version(conn: sqlite3.Connection) -> int:
    """The file's schema version, read without writing anything (0 for a new file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_versions").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Apply every migration above the file's version up to ``target``; the new version."""
    version = current_version(conn)
    for number, name, script in MIGRATIONS:
        if version < number <= target:
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while we waited for the lock.
                if current_version(conn) >= number:
                    conn.execute("ROLLBACK")
                    continue
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_versions (version, name, applied_at) "
                    "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    (number, name),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            version = number
    return current_version(conn)


def _statements(script: str) -> list[str]:
    """Split a migration script (no triggers, so ``;`` ends each statement)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
