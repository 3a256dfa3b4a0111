"""One sync leader per profile, chosen by an OS file lock that dies with its process.

Two tenktui processes on one profile (two SSH sessions, the app and a cron job)
may both read and queue edits; only the holder of this lock talks to the
server. The kernel drops an ``flock`` when its process exits, even by SIGKILL,
so a crashed leader never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class LeaderLock:
    """``acquire()`` without waiting; ``True`` when this process now leads."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.sync.lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
