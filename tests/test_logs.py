"""One logging set-up for the app and the commands: a private file, every line redacted."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenktui import logs, paths

SECRET = "logs-test-token-7f3a9c"


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(paths, "cache_dir", lambda: tmp_path / "cache")
    path = logs.setup_logging()
    yield path
    for handler in logging.getLogger().handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_the_file_is_private_in_a_private_folder(log_file: Path) -> None:
    assert log_file == logs.log_path()
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
    assert logs.setup_logging() == log_file  # set up once: no second handler
    assert len(logging.getLogger("tenktui").handlers) == 1


def test_a_remembered_token_never_reaches_the_file(log_file: Path) -> None:
    logs.remember_secret(SECRET)
    logging.getLogger("tenktui.api").warning("the server said %s", f"bad token {SECRET}")
    logging.getLogger("httpx").warning("GET https://x/?auth=%s", SECRET)
    for handler in logging.getLogger("tenktui").handlers:
        handler.flush()
    text = log_file.read_text()
    assert "the server said bad token [redacted]" in text
    assert "auth=[redacted]" in text
    assert SECRET not in text


def test_redact_replaces_given_and_remembered_secrets() -> None:
    logs.remember_secret("remembered-secret-42")
    said = logs.redact("a given-secret and a remembered-secret-42", "given-secret", None, "")
    assert said == "a [redacted] and a [redacted]"
