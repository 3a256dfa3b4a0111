"""The app's parsed CSS, kept between starts (issue 15: start-up).

Textual parses the CSS of the app and of every widget class it shows at every start:
about a fifth of the app's own way to its first frame. A parse depends only on the
CSS text, where it was read from (both part of Textual's own cache key), the theme's
variables and the Textual and Python that parsed it, so the app keeps the parsed
rules in its cache dir, as Python keeps compiled modules: ``css-rules.pickle``.

- Private like the rest of the cache (0600), written by this user's tenktui only, and
  read only when it is this user's and no one else can write it.
- Keyed by the theme's variables and by the Textual installation (its files' paths,
  sizes and times) and Python: an upgrade, another theme or edited CSS parses afresh.
- Anything wrong with the file (missing, cut, foreign, from another Textual) and the
  CSS is parsed as it always was; the file is replaced after the next first frame.

:class:`KeptStylesheet` is the app's stylesheet: Textual's, whose parse cache is filled
from the file whenever its variables are set (Textual empties that cache then), and
whose ``reparse`` works in a stylesheet of its own kind. :func:`save` writes what a
start parsed, once its first frame is out, when that differs from what was read.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

import textual
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

from tenktui import paths

log = logging.getLogger(__name__)

FILE_NAME = "css-rules.pickle"
KEPT_SETS = 3  # sets of variables kept: a theme's, and what the terminal's answers make of it
Kept = dict[str, dict[tuple[Any, ...], list[RuleSet]]]


@functools.cache
def _installation() -> tuple[Any, ...]:
    """The Textual that parses and the Python that pickles: a parse from any other is
    not used (``textual.__version__`` would cost an import of importlib.metadata).
    Looked at once a process: every key asks for it."""
    folder = Path(textual.__file__).parent
    found: list[Any] = [sys.version]
    for name in ("__init__.py", "css/model.py", "css/parse.py", "css/styles.py"):
        with contextlib.suppress(OSError):
            info = (folder / name).stat()
            found.append((str(folder / name), info.st_size, info.st_mtime_ns))
    return tuple(found)


def _key(variables: dict[str, str]) -> str:
    return repr((_installation(), sorted(variables.items())))


def cache_file() -> Path:
    return paths.cache_dir() / FILE_NAME


class KeptStylesheet(Stylesheet):
    """Textual's stylesheet, its parse cache filled from the rules kept by earlier starts."""

    def __init__(self, *, variables: dict[str, str] | None = None, kept: Kept) -> None:
        self.kept = kept
        self.parsed_under: Kept = {}  # what was parsed under variables set since
        super().__init__(variables=variables)
        self._fill()

    def set_variables(self, variables: dict[str, str]) -> None:
        parsed = self.parsed()
        if parsed:
            self.parsed_under[_key(self._variables)] = parsed
        super().set_variables(variables)
        self._fill()

    def _fill(self) -> None:
        for key, rules in self.kept.get(_key(self._variables), {}).items():
            self._parse_cache.set(key, rules)

    def parsed(self) -> dict[tuple[Any, ...], list[RuleSet]]:
        """Every parse this stylesheet holds, by Textual's own key."""
        cache = self._parse_cache  # Textual's LRUCache: keys(), no iteration
        return {key: cache[key] for key in list(cache.keys())}

    def reparse(self) -> None:
        """Textual's ``reparse`` (new variables: parse again in a fresh stylesheet, so that
        an error leaves this one as it was), with a fresh stylesheet of this kind."""
        fresh = KeptStylesheet(variables=self._variables, kept=self.kept)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(
                css,
                read_from=read_from,
                is_default_css=is_defaults,
                tie_breaker=tie_breaker,
                scope=scope,
            )
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False


def stylesheet(fresh: Stylesheet) -> Stylesheet:
    """The app's stylesheet in place of Textual's ``fresh`` one (its variables, no CSS
    yet): a :class:`KeptStylesheet` on the kept rules, or ``fresh`` itself if this
    Textual's stylesheet is not the one this module was written for."""
    try:
        return KeptStylesheet(variables=fresh._variables, kept=load())
    except Exception:  # another Textual's internals: parse as it always did
        log.info("parsed CSS not reused", exc_info=True)
        return fresh


def _valid(kept: object) -> bool:
    return isinstance(kept, dict) and all(
        isinstance(key, str)
        and isinstance(parses, dict)
        and all(
            isinstance(css, tuple)
            and isinstance(rules, list)
            and all(isinstance(rule, RuleSet) for rule in rules)
            for css, rules in parses.items()
        )
        for key, parses in kept.items()
    )


def load() -> Kept:
    """The rules kept by earlier starts, by the variables they were parsed under (empty
    when there are none to trust)."""
    try:
        with open(cache_file(), "rb") as fh:
            info = os.fstat(fh.fileno())
            foreign = hasattr(os, "getuid") and info.st_uid != os.getuid()
            if foreign or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                log.warning("parsed CSS not read: %s is not this user's alone", cache_file())
                return {}
            kept = pickle.load(fh)
        if _valid(kept):
            return kept
    except FileNotFoundError:
        pass
    except Exception:  # a cut or foreign file: parse as usual, and replace it
        log.info("parsed CSS not reused", exc_info=True)
    return {}


def save(sheet: Stylesheet) -> bool:
    """Keep what ``sheet`` parsed, unless it is what was read; True if written."""
    if not isinstance(sheet, KeptStylesheet):
        return False
    sets = {**sheet.parsed_under, _key(sheet._variables): sheet.parsed()}
    kept = dict(sheet.kept)
    for key, parsed in sets.items():
        if parsed:
            kept.pop(key, None)
            kept[key] = parsed  # what this start used: CSS no longer in the app drops out
    kept = dict(list(kept.items())[-KEPT_SETS:])
    same = kept.keys() == sheet.kept.keys() and all(
        parses.keys() == sheet.kept[key].keys() for key, parses in kept.items()
    )
    if not kept or same:
        return False
    path = cache_file()
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    try:
        paths.private_dir(path.parent)
        data = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except Exception:  # a read-only cache, a full disk: the next start parses again
        log.info("parsed CSS not kept", exc_info=True)
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    sheet.kept = kept
    return True
