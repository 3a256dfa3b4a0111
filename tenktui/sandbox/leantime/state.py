"""One emulated Leantime site: its data, its key, its version and the controls around it."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from tenktui.sandbox.leantime.db import LeantimeDB, Row
from tenktui.sandbox.state import (
    DEFAULT_READING,
    Faults,
    RateWindow,
    StoredToday,
    check_reading,
)

# A version named by its minor line is served as the newest release of that line
# the notes describe (3.9.6 is the first with personal access tokens).
VERSIONS = {"3.5": "3.5.12", "3.8": "3.8.4", "3.9": "3.9.6"}
DEFAULT_TIMEZONE = "Europe/Berlin"
DEFAULT_RATE_LIMIT = 100
DEFAULT_RATE_WINDOW = 60.0
FAILED_LOGIN_LIMIT = 20
DB_FORMAT = "%Y-%m-%d %H:%M:%S"
MANAGER = (
    30  # Leantime's roles: 5 read-only, 10 commenter, 20 editor, 30 manager, 40 admin, 50 owner
)
ADMIN = 40
ROLES = {"editor": 20, "manager": MANAGER, "admin": ADMIN, "owner": 50}
TOKEN_KINDS = ("key", "pat")

_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")


def full_version(version: str) -> str:
    """``3.9`` → ``3.9.6``; a full version is kept; anything else is a ``ValueError``."""
    version = version.strip()
    if not _VERSION.match(version):
        raise ValueError(f"not a Leantime version: {version!r} (use 3.8, 3.9 or e.g. 3.9.2)")
    return VERSIONS.get(version, version if version.count(".") == 2 else f"{version}.0")


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class LeantimeSandbox(StoredToday):
    """The emulator's moving parts besides the data: version, throttle, faults, counters."""

    db: LeantimeDB

    def __init__(
        self,
        db: LeantimeDB | str | Path,
        token: str,
        *,
        version: str = "3.9",
        today: dt.date | None = None,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        rate_window: float = DEFAULT_RATE_WINDOW,
        reading: str = DEFAULT_READING,
        token_kind: str = "key",
        enforce: bool | None = None,
    ) -> None:
        self.db = db if isinstance(db, LeantimeDB) else LeantimeDB(db)
        self.token = token
        if token_kind not in TOKEN_KINDS:
            raise ValueError(f"token kind must be one of {', '.join(TOKEN_KINDS)}")
        self.token_kind = token_kind
        self.version = full_version(version)
        self.reading = check_reading(reading)
        self.rate = RateWindow(limit=rate_limit, window=rate_window)
        self.failed_logins = RateWindow(limit=FAILED_LOGIN_LIMIT, window=rate_window)
        self.faults = Faults()
        self.calls: Counter[str] = Counter()  # JSON-RPC calls by method
        self.http_requests = 0  # what the rate limit counts: a batch is one
        if today is not None:
            self.today = today
        # Leantime's `permissions.enforce`: audit-only by default in 3.9.x, enforced under
        # the strict reading unless said otherwise.
        self.enforce = self.strict if enforce is None else enforce

    # -- version ---------------------------------------------------------
    @property
    def version_info(self) -> tuple[int, ...]:
        return version_tuple(self.version)

    def at_least(self, version: str) -> bool:
        return self.version_info >= version_tuple(version)

    @property
    def strict(self) -> bool:
        """Serving the least generous reading where the source leaves a choice open."""
        return self.reading == "strict"

    @property
    def enforced(self) -> bool:
        """3.9 and later with ``permissions.enforce`` on: ``#[RequiresPermission]`` blocks."""
        return self.modern and self.enforce

    @property
    def modern(self) -> bool:
        """3.9 and later: API-marked methods only, specific error codes, plain scalars."""
        return self.at_least("3.9.0")

    # -- clock -----------------------------------------------------------
    def now(self) -> str:
        """A ``modified`` stamp (UTC, ``Y-m-d H:i:s``), strictly later than the previous one,
        so a row changed twice within a second still shows that it moved."""
        with self.db.transaction():
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
            last = self.db.get_setting("last_modified")
            if last:
                previous = dt.datetime.strptime(last, DB_FORMAT)
                if now <= previous:
                    now = previous + dt.timedelta(seconds=1)
            stamp = now.strftime(DB_FORMAT)
            self.db.set_setting("last_modified", stamp)
        return stamp

    # -- people ----------------------------------------------------------
    @property
    def timezone(self) -> str:
        """The site's default timezone (new users get it)."""
        return str(self.db.get_setting("timezone", DEFAULT_TIMEZONE))

    def user(self, user_id: int | None) -> Row | None:
        if user_id is None:
            return None
        return self.db.row("SELECT * FROM users WHERE id = ?", (user_id,))

    def zone(self, user: Row | None) -> ZoneInfo:
        return ZoneInfo(user["timezone"] if user else self.timezone)

    @property
    def api_user(self) -> Row | None:
        """The pseudo-user the API key acts as."""
        return self.user(self.db.get_setting("api_user_id"))

    @property
    def personal_user(self) -> Row | None:
        """The person a personal access token (``Authorization: Bearer``) acts as."""
        return self.user(self.db.get_setting("personal_user_id"))

    @property
    def token_user(self) -> Row | None:
        """Whoever the served token acts as: the key's pseudo-user or the token's person."""
        return self.personal_user if self.token_kind == "pat" else self.api_user

    def set_role(self, role: str) -> None:
        """Give the token's user a role by name (editor, manager, admin, owner)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        user = self.token_user
        assert user is not None
        with self.db.transaction():
            self.db.update("users", user["id"], {"role": ROLES[role]})
