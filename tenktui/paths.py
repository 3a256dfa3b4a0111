"""Where tenktui keeps its files, through platformdirs (honours the XDG_* variables)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

APP = "tenktui"
_PROFILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def check_profile_name(name: str) -> str:
    """A profile name safe to use in a file name, or ValueError saying what is allowed."""
    if not isinstance(name, str) or not _PROFILE.fullmatch(name):
        raise ValueError(
            f"profile name {name!r} is not allowed: use letters, digits, '.', '_' or '-' "
            "(up to 64 characters, starting with a letter or digit)"
        )
    return name


def profile_db(profile: str) -> Path:
    """The SQLite cache of one profile."""
    return data_dir() / f"{check_profile_name(profile)}.db"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only.

    ``mkdir`` applies ``mode`` to the last directory alone, the umask to the parents
    it creates: each directory made here is set to 0700 itself.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for made in missing:
        os.chmod(made, 0o700)
    os.chmod(path, 0o700)
    return path
