"""Themes are data: TOML files turned into Textual themes.

The built-in ones live in the top-level ``themes/`` folder of the source tree and
ship in the wheel under ``<prefix>/share/tenktui/themes``; a person's own go in
``tenktui.paths.user_themes_dir()``. A file that cannot be used is reported, never fatal.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from textual.color import Color, ColorParseError
from textual.theme import Theme

from tenktui import paths

DEFAULT_THEME = "tenktui-dark"
_INSTALLED = Path("share") / "tenktui" / "themes"
_COLOURS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_NUMBERS = ("luminosity_spread", "text_alpha")
_FLAGS = ("dark", "ansi")


class ThemeError(NamedTuple):
    """A theme file that could not be used, and why (a sentence for people). A named
    tuple: a dataclass costs a millisecond to define at every start."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"Theme file {self.path}: {self.message}"


def builtin_themes_dir() -> Path | None:
    """Where the built-in theme files are: the source tree, or the installed data files
    (``sysconfig`` is imported only when the source tree has none)."""
    source = Path(__file__).resolve().parents[2] / "themes"
    if _holds_themes(source):
        return source
    import site
    import sysconfig

    for prefix in (sysconfig.get_path("data"), sys.prefix, sys.base_prefix, site.USER_BASE):
        if prefix and _holds_themes(Path(prefix) / _INSTALLED):
            return Path(prefix) / _INSTALLED
    return None


def _holds_themes(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.toml"))


def parse_theme(path: Path, *, applied: bool = True) -> Theme:
    """One theme file as a Textual theme; ``ValueError`` saying what is wrong
    (``applied=False``: without trying the whole colour system, see :func:`load_themes`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot be read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"is not valid TOML ({err})") from None
    return theme_from_dict(data, applied=applied)


def theme_from_dict(data: dict[str, Any], *, applied: bool = True) -> Theme:
    known = {"name", "variables", *_COLOURS, *_NUMBERS, *_FLAGS}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("needs a 'name' (text)")
    if "primary" not in data:
        raise ValueError("needs a 'primary' colour")
    fields: dict[str, Any] = {"name": name.strip()}
    for key in _COLOURS:
        if key in data:
            fields[key] = _colour(key, data[key])
    for key in _NUMBERS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key!r} must be a number, not {value!r}")
            fields[key] = float(value)
    for key in _FLAGS:
        if key in data:
            if not isinstance(data[key], bool):
                raise ValueError(f"{key!r} must be true or false, not {data[key]!r}")
            fields[key] = data[key]
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError("'variables' must be a table of names to values")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ValueError(f"variable {key!r} must be text, not {value!r}")
    fields["variables"] = dict(variables)
    theme = Theme(**fields)
    if not applied:
        return theme
    try:
        theme.to_color_system().generate()
    except (ColorParseError, ValueError, TypeError) as err:
        raise ValueError(f"cannot be applied ({err})") from None
    return theme


def _colour(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f'{key!r} must be a colour like "#5FA8D3", not {value!r}')
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{key!r} is not a colour: {value!r}") from None
    return value


def load_folder(
    folder: Path | None, *, applied: bool = True
) -> tuple[list[Theme], list[ThemeError]]:
    """Every ``*.toml`` theme in ``folder`` (sorted by file name), and the files refused."""
    if folder is None or not folder.is_dir():
        return [], []
    return load_files(sorted(folder.glob("*.toml")), applied=applied)


def load_files(
    files: Iterable[Path], *, applied: bool = True
) -> tuple[list[Theme], list[ThemeError]]:
    themes: list[Theme] = []
    errors: list[ThemeError] = []
    for path in files:
        try:
            themes.append(parse_theme(path, applied=applied))
        except ValueError as err:
            errors.append(ThemeError(path, str(err)))
    return themes, errors


def load_themes() -> tuple[list[Theme], list[ThemeError]]:
    """The built-in themes, then the person's own (which may replace a built-in by name).

    The person's files are tried whole (a colour system generated from each: what cannot
    be applied is reported at start, never fatal). The built-in ones ship with the app and
    a test applies each (``test_the_built_in_themes_load``): at every start that check
    cost 3.5-5 ms before the first frame, so they are only read."""
    builtin, errors = load_folder(builtin_themes_dir(), applied=False)
    if not any(t.name == DEFAULT_THEME for t in builtin):
        builtin.insert(0, _fallback())
    user, user_errors = load_folder(paths.user_themes_dir())
    return builtin + user, errors + user_errors


def first_themes(wanted: str) -> tuple[list[Theme], list[ThemeError], list[Path]]:
    """:func:`load_themes` in two steps: what the first frame needs, and the built-in
    files to read once it is out (about 2 ms of TOML before the first frame otherwise).

    The first step is the built-in theme ``wanted`` names (its file ``<wanted>.toml``)
    and the person's own themes. When ``wanted`` is no built-in file's, or a theme of
    the person's replaces it, everything is read now and nothing is left for later."""
    folder = builtin_themes_dir()
    files = sorted(folder.glob("*.toml")) if folder is not None else []
    own = folder / f"{wanted}.toml" if folder is not None else None
    user, user_errors = load_folder(paths.user_themes_dir())
    if own in files and not any(t.name == wanted for t in user):
        first, errors = load_files([own], applied=False)
        if [t.name for t in first] == [wanted]:
            return first + user, errors + user_errors, [f for f in files if f != own]
    themes, errors = load_themes()
    return themes, errors, []


def later_themes(files: list[Path], taken: Iterable[str]) -> tuple[list[Theme], list[ThemeError]]:
    """The built-in themes :func:`first_themes` left for later, but for the names in
    ``taken`` (the person's own replace a built-in one)."""
    names = set(taken)
    themes, errors = load_files(files, applied=False)
    return [t for t in themes if t.name not in names], errors


def _fallback() -> Theme:
    """The default theme, should its file be missing: the app always has one to show."""
    return Theme(name=DEFAULT_THEME, primary="#5FA8D3", accent="#F0B35A", dark=True)
