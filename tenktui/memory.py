"""Handing freed memory back to the system between sync passes (issue 15's soak).

A long-running tenktui holds two kinds of memory it is not using: SQLite's page
cache, which fills up to its bound as the cache file grows, and what Python freed
but the C allocator keeps for later (glibc hands it back only when asked). Neither
is a leak, but both show as a resident set that creeps up over hours. Between two
sync passes (a minute apart by default) the sync loop gives both back: the next
pass reads its pages again from the OS's file cache.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any


def return_free_memory() -> bool:
    """Ask the C allocator to hand its free memory back (glibc's ``malloc_trim``);
    whether it could be asked (not on other C libraries or systems)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@cache
def _malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # on first use: the sync loop's, long after the first frame

    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (AttributeError, OSError):
        return None


def sqlite_memory_kib() -> int | None:
    """What SQLite itself holds in this process (its page caches, schemas, statements),
    from ``sqlite3_status64(SQLITE_STATUS_MEMORY_USED)`` in the library Python's sqlite3
    is linked against; ``None`` where that library does not export it."""
    status = _sqlite3_status64()
    if status is None:
        return None
    import ctypes

    current, highest = ctypes.c_int64(), ctypes.c_int64()
    if status(0, ctypes.byref(current), ctypes.byref(highest), 0) != 0:
        return None
    return current.value // 1024


@cache
def _sqlite3_status64() -> Any:
    """Looked up once, as :func:`_malloc_trim` (the soak reads it after every pass)."""
    import _sqlite3
    import ctypes

    try:
        return ctypes.CDLL(_sqlite3.__file__).sqlite3_status64
    except (AttributeError, OSError):
        return None
