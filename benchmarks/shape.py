"""How big the code's pieces are: the largest files and functions of the package.

    python benchmarks/shape.py [--top N] [PATH]

Prints the N largest modules (lines) and functions (lines from ``def`` to the
last line of the body) under ``tenktui/`` (or PATH), so a refactoring can quote
before and after. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sizes(base: Path) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    files: list[tuple[int, str]] = []
    functions: list[tuple[int, str]] = []
    for path in sorted(base.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        files.append((len(text.splitlines()), name))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                functions.append((length, f"{name}:{node.lineno} {node.name}"))
    return sorted(files, reverse=True), sorted(functions, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("path", nargs="?", default=str(ROOT / "tenktui"))
    args = parser.parse_args()
    files, functions = sizes(Path(args.path).resolve())
    total = sum(n for n, _ in files)
    print(f"{len(files)} modules, {total} lines, {len(functions)} functions")
    print(f"largest modules (of {len(files)}):")
    for n, name in files[: args.top]:
        print(f"  {n:5d}  {name}")
    print(f"largest functions (of {len(functions)}):")
    for n, name in functions[: args.top]:
        print(f"  {n:5d}  {name}")
    over = sum(1 for n, _ in functions if n > 50)
    print(f"functions over 50 lines: {over}")


if __name__ == "__main__":
    main()
