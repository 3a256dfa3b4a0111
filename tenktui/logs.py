"""Where tenktui logs, and the one redaction every log line and error report goes through.

The app and the commands write to the same file, ``<cache dir>/log/tenktui.log``,
readable by the person only (0600 in a 0700 folder): nothing may reach the terminal
under the app, and a command's stderr is for what it has to say. Every record
passes one filter that replaces each token this process has seen
(:func:`remember_secret`), so a token echoed back by a server, or caught in a
traceback, never lands in the file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tenktui import paths

REDACTED = "[redacted]"
LOG_NAME = "tenktui.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Ours at the level asked for; the libraries' at WARNING (httpx logs every URL at INFO).
LOGGERS = ("tenktui", "httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access")

_SECRETS: set[str] = set()


def remember_secret(secret: str) -> None:
    """Redact ``secret`` from every log line and error report of this process from now on."""
    if secret:
        _SECRETS.add(secret)


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with each of ``secrets``, and every remembered secret, replaced."""
    for secret in (*secrets, *_SECRETS):
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class RedactFilter(logging.Filter):
    """Formats the message once, redacted, so no handler sees the arguments raw."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


def log_path() -> Path:
    """The log file of the app and of every command."""
    return paths.cache_dir() / "log" / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send every log record to the private log file, redacted; its path.

    Idempotent within a process. Stream handlers on the root logger are removed:
    a line written to the terminal would tear the app's screen apart.
    """
    path = log_path()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    paths.private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # private first
    os.chmod(path, 0o600)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(RedactFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    for existing in list(root.handlers):
        if isinstance(existing, logging.StreamHandler) and not isinstance(
            existing, logging.FileHandler
        ):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(level if name == "tenktui" else logging.WARNING)
    return path
