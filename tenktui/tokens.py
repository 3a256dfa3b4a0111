"""Where a profile's API token is kept: ``TENKTUI_TOKEN``, the system keyring, or a file.

``TENKTUI_TOKEN`` always wins and is never written anywhere. Otherwise the token
lives in the system keyring when the optional ``keyring`` package is installed
and has a real backend (``TENKTUI_KEYRING=0`` turns that off), else in
``<config dir>/tokens/<profile>``, mode 0600 in a 0700 directory. It is never
written to ``config.toml``, the cache database or a log.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from tenktui import paths

TOKEN_ENV = "TENKTUI_TOKEN"
KEYRING_ENV = "TENKTUI_KEYRING"
SERVICE = "tenktui"


def tokens_dir() -> Path:
    return paths.config_dir() / "tokens"


def token_file(profile: str) -> Path:
    return tokens_dir() / paths.check_profile_name(profile)


def from_env() -> str | None:
    value = os.environ.get(TOKEN_ENV, "").strip()
    return value or None


def load_token(profile: str) -> str | None:
    """The token to use for ``profile``: the environment, the keyring, then the file."""
    token = from_env()
    if token:
        return token
    ring = _keyring()
    if ring is not None:
        with contextlib.suppress(Exception):
            token = ring.get_password(SERVICE, profile)
            if token:
                return token
    path = token_file(profile)
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)  # someone loosened it: a token is for its owner only
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def save_token(profile: str, token: str) -> str:
    """Keep the token; where it went (``"the system keyring"`` or the file's path)."""
    ring = _keyring()
    if ring is not None:
        try:
            ring.set_password(SERVICE, profile, token)
        except Exception:  # a locked or broken keyring: fall back to the file
            pass
        else:
            _remove_file(profile)
            return "the system keyring"
    path = token_file(profile)
    paths.private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, token.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return str(path)


def delete_token(profile: str) -> bool:
    """Forget the stored token (keyring and file); whether there was one."""
    removed = _remove_file(profile)
    ring = _keyring()
    if ring is not None:
        with contextlib.suppress(Exception):
            if ring.get_password(SERVICE, profile):
                ring.delete_password(SERVICE, profile)
                removed = True
    return removed


def _remove_file(profile: str) -> bool:
    try:
        token_file(profile).unlink()
    except FileNotFoundError:
        return False
    return True


def _keyring() -> Any:
    """The ``keyring`` module when it is installed, wanted, and backed by a real store."""
    if os.environ.get(KEYRING_ENV, "").strip().lower() in ("0", "no", "off", "false"):
        return None
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:  # not installed, or a backend that breaks on import
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    if type(backend).__module__.startswith(("keyring.backends.null", "keyrings.alt")):
        return None  # the null store keeps nothing; keyrings.alt stores in plain files
    return keyring
