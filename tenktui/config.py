"""Profiles in ``config.toml``: read with tomllib, validated strictly, written back.

One ``[profiles.NAME]`` table per account; ``default_profile`` at the top picks
the one used when neither ``--profile`` nor ``TENKTUI_PROFILE`` says otherwise.
Every problem is reported with the file, the key and what is expected, e.g.
``…/config.toml: profiles.work.week_start: expected one of monday…sunday, got 'funday'``.
The API token never lives here (see :mod:`tenktui.tokens`).

tenktui rewrites the file when it changes it (``login``, a theme picked in the
app), so comments are not kept; the header of the written file says so.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tenktui import paths

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BACKENDS = ("tenkft", "leantime")
DEFAULT_BASE_URL = "https://api.rm.smartsheet.com/api/v1"
PROFILE_ENV = "TENKTUI_PROFILE"
MAX_WINDOW_WEEKS = 104
MIN_SYNC_INTERVAL = 5
MAX_LOCK_WARNING_DAYS = 90


class ConfigError(ValueError):
    """The configuration cannot be used; ``str()`` names the file, the key and the fix."""


@dataclass(frozen=True)
class Profile:
    """One account: where it lives, who the person is, and how the app behaves."""

    name: str
    base_url: str
    email: str
    backend: str = "tenkft"
    week_start: str = "monday"
    theme: str | None = None
    sync_interval: float = 60.0
    window_weeks_back: int = 8
    window_weeks_ahead: int = 8
    timezone: str | None = None
    # Leantime: the hour kind time goes to when a ticket is named without one.
    leantime_kind: str | None = None
    # The timer: how elapsed time becomes hours (``store/rounding.py``; unset = its default).
    rounding: str | None = None
    rounding_direction: str | None = None

    def rounding_rule(self) -> Any:
        """The profile's :class:`~tenktui.store.rounding.Rounding` for the timer."""
        from tenktui.store.rounding import DEFAULT_DIRECTION, DEFAULT_UNIT, Rounding

        return Rounding(self.rounding or DEFAULT_UNIT, self.rounding_direction or DEFAULT_DIRECTION)

    # Reminders (``tenktui check``, the Timesheet's banner): warn this many days before
    # unconfirmed time locks (the store's DEFAULT_LOCK_DAYS; 0 turns lock warnings off).
    lock_warning_days: int = 3

    @property
    def first_weekday(self) -> int:
        """0 = Monday … 6 = Sunday, as :func:`tenktui.store.week_start_for` takes it."""
        return WEEKDAYS.index(self.week_start)

    def settings(self) -> dict[str, Any]:
        """The profile's keys as written in its table (unset optional keys left out)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "name"}
        return {k: v for k, v in values.items() if v is not None}


SETTINGS = tuple(f.name for f in fields(Profile) if f.name != "name")
REQUIRED = ("base_url", "email")


@dataclass
class Config:
    """The whole file: profiles by name and the default one."""

    path: Path
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)

    def pick(self, name: str | None = None) -> Profile:
        """The profile to use: ``name`` (from ``--profile``), else ``TENKTUI_PROFILE``,
        else the default, else the only one. ``ConfigError`` when there is none."""
        wanted = name or os.environ.get(PROFILE_ENV) or None
        if wanted is not None:
            if wanted not in self.profiles:
                known = ", ".join(sorted(self.profiles)) or "none yet"
                raise ConfigError(
                    f"No profile named {wanted!r} in {self.path} (profiles: {known}). "
                    f"Create it with: tenktui login --profile {wanted} --base-url URL "
                    "--email EMAIL"
                )
            return self.profiles[wanted]
        if self.default_profile is not None:
            return self.profiles[self.default_profile]
        if len(self.profiles) == 1:
            return next(iter(self.profiles.values()))
        if not self.profiles:
            raise ConfigError(NO_PROFILE)
        raise ConfigError(
            f"{self.path}: several profiles and no default_profile: pass --profile NAME "
            f"(one of {', '.join(sorted(self.profiles))}) or set default_profile."
        )

    def put(self, profile: Profile, *, make_default: bool = False) -> None:
        self.profiles[profile.name] = profile
        if make_default or self.default_profile is None:
            self.default_profile = profile.name


NO_PROFILE = (
    "No profile is set up yet. Log in with:\n"
    "  tenktui login --base-url https://api.rm.smartsheet.com/api/v1 --email you@example.com\n"
    "(the token is read from TENKTUI_TOKEN or asked for without echo), "
    "or try the app on demo data with: tenktui --demo"
)


def config_path() -> Path:
    return paths.config_dir() / "config.toml"


# -- reading -------------------------------------------------------------------------


def load_config(path: Path | None = None) -> Config:
    """Read and validate the file; an empty :class:`Config` when it does not exist."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path)
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read ({err.strerror}).") from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start}); "
            "save it as UTF-8."
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}.") from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path) -> Config:
    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{path}: {key}: {message}")

    unknown = sorted(set(data) - {"default_profile", "profiles"})
    if unknown:
        raise fail(unknown[0], "unknown key; expected default_profile or [profiles.NAME] tables")
    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise fail("profiles", "expected tables like [profiles.work]")
    profiles: dict[str, Profile] = {}
    for name, table in raw_profiles.items():
        try:
            paths.check_profile_name(name)
        except ValueError as err:
            raise fail(f"profiles.{name}", str(err)) from None
        if not isinstance(table, dict):
            raise fail(f"profiles.{name}", f"expected a table [profiles.{name}]")
        profiles[name] = _profile(name, table, lambda k, m, n=name: fail(f"profiles.{n}.{k}", m))
    default = data.get("default_profile")
    if default is not None and (not isinstance(default, str) or default not in profiles):
        known = ", ".join(sorted(profiles)) or "no profiles yet"
        raise fail("default_profile", f"expected the name of a profile ({known}), got {default!r}")
    return Config(path, default, profiles)


def _profile(name: str, table: dict[str, Any], fail: Any) -> Profile:
    unknown = sorted(set(table) - set(SETTINGS))
    if unknown:
        raise fail(unknown[0], f"unknown setting; expected one of {', '.join(SETTINGS)}")
    for key in REQUIRED:
        if key not in table:
            raise fail(key, "missing; every profile needs base_url and email")
    values: dict[str, Any] = {}
    for key, value in table.items():
        values[key] = _check(key, value, fail)
    return Profile(name=name, **values)


def _check(key: str, value: Any, fail: Any) -> Any:
    """A setting's value, or ``fail(key, what is expected)``."""
    if key == "backend":
        if value not in BACKENDS:
            raise fail(key, f"expected one of {', '.join(BACKENDS)}, got {value!r}")
        return value
    if key == "week_start":
        if not isinstance(value, str) or value.lower() not in WEEKDAYS:
            raise fail(key, f"expected one of monday…sunday, got {value!r}")
        return value.lower()
    if key == "base_url":
        return check_base_url(value, lambda m: fail(key, m))
    if key == "email":
        if not isinstance(value, str) or not EMAIL.fullmatch(value):
            raise fail(key, f"expected an email address like you@example.com, got {value!r}")
        return value
    if key == "theme":
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f"expected a theme name, got {value!r}")
        return value
    if key == "sync_interval":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < MIN_SYNC_INTERVAL
        ):
            raise fail(key, f"expected seconds, at least {MIN_SYNC_INTERVAL}, got {value!r}")
        return float(value)
    if key in ("window_weeks_back", "window_weeks_ahead"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_WINDOW_WEEKS
        ):
            raise fail(key, f"expected whole weeks from 0 to {MAX_WINDOW_WEEKS}, got {value!r}")
        return value
    if key == "timezone":
        return check_timezone(value, lambda m: fail(key, m))
    if key == "leantime_kind":
        if not isinstance(value, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", value):
            raise fail(key, f"expected a Leantime hour kind like GENERAL_BILLABLE, got {value!r}")
        return value
    if key in ("rounding", "rounding_direction"):
        from tenktui.store.rounding import DIRECTIONS, UNITS

        allowed = UNITS if key == "rounding" else DIRECTIONS
        if value not in allowed:
            choices = ", ".join(f'"{a}"' for a in allowed)
            raise fail(key, f"expected one of {choices}, got {value!r}")
        return value
    if key == "lock_warning_days":
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_LOCK_WARNING_DAYS
        ):
            raise fail(key, f"expected whole days from 0 to {MAX_LOCK_WARNING_DAYS}, got {value!r}")
        return value
    raise AssertionError(key)  # pragma: no cover - SETTINGS and _check list the same keys


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_base_url(value: Any, fail: Any) -> str:
    """The API base URL, or ``fail(message)`` (https only, plain http to loopback)."""
    from tenktui.urls import check_base_url as check

    if not isinstance(value, str):
        raise fail(f"expected a URL like {DEFAULT_BASE_URL}, got {value!r}")
    try:
        check(value)
    except ValueError as err:
        raise fail(f"expected a URL like {DEFAULT_BASE_URL}: {err}") from None
    return value.rstrip("/")


def local_timezone() -> str:
    """This machine's IANA time zone: ``TZ``, else ``/etc/timezone``, else where
    ``/etc/localtime`` points; ``UTC`` when none of them names one."""
    import contextlib
    import os
    import zoneinfo
    from pathlib import Path

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if not name or name.startswith("/"):
            continue
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"


def check_timezone(value: Any, fail: Any) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise fail(f"expected an IANA time zone like Europe/London, got {value!r}") from None
    return str(value)


# -- writing -------------------------------------------------------------------------

HEADER = (
    "# tenktui configuration: one [profiles.NAME] table per account.\n"
    "# Settings: backend, base_url, email, week_start, theme, sync_interval,\n"
    "# window_weeks_back, window_weeks_ahead, timezone. The API token is never kept here.\n"
    "# tenktui rewrites this file on login and theme changes: comments are not kept.\n"
)


def save_config(config: Config) -> Path:
    """Write the file atomically, mode 0600 in a 0700 directory."""
    paths.private_dir(config.path.parent)
    text = dumps(config)
    tmp = config.path.with_name(f".{config.path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, config.path)
    return config.path


def dumps(config: Config) -> str:
    lines = [HEADER]
    if config.default_profile is not None:
        lines.append(f"default_profile = {_toml_value(config.default_profile)}\n")
    for name in sorted(config.profiles):
        lines.append(f"\n[profiles.{_toml_key(name)}]\n")
        for key, value in config.profiles[name].settings().items():
            lines.append(f"{key} = {_toml_value(value)}\n")
    return "".join(lines)


def update_profile(config: Config, name: str, **changes: Any) -> Profile:
    """Change settings of one profile, validated like the file, and save."""
    profile = config.profiles[name]
    checked = {
        k: _check(k, v, lambda key, m: ConfigError(f"{config.path}: profiles.{name}.{key}: {m}"))
        for k, v in changes.items()
    }
    updated = replace(profile, **checked)
    config.profiles[name] = updated
    save_config(config)
    return updated


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} to config.toml")


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
