"""Make the participant versions of the exercises from their sources (answers removed).

    python tools/make_exercises.py            # write exercises/x0N_….ipynb from instructor/exercises/
    python tools/make_exercises.py --check    # exit 1 when a participant version is out of date

A source notebook (``instructor/exercises/x0N_….ipynb``, instructors only) carries the reference
answers the way nbgrader marks them:

* in a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``: in the
  participant version they become ``# 在这里作答 / your answer here`` followed by ``name = None``
  for every name the solution assigns, so the feedback cell tells the participant what is missing;
* a Markdown cell tagged ``solution`` (a written model answer): left out;
* a cell tagged ``instructor`` (the case's analysis for the instructor): left out.

The participant versions are written in the normal form of tools/normalise_notebooks.py (no
outputs, no execution counts, no volatile metadata), so both tools agree on every byte.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "instructor" / "exercises"
TARGET = ROOT / "exercises"
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
PLACEHOLDER = "# 在这里作答 / your answer here"
SOLUTION_TAG = "solution"
INSTRUCTOR_TAG = "instructor"  # instructor-only cells (the case's analysis): left out like solutions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from normalise_notebooks import dumps, normalise  # noqa: E402


class SolutionError(ValueError):
    """A source notebook whose solution markers do not pair up, or whose solution is not Python."""


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def assigned_names(code: str) -> list[str]:
    """The names a solution block assigns at its top level, in order (``x1_choice = "A"`` -> ``x1_choice``)."""
    names: list[str] = []

    def add(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                add(t)

    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                add(t)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            add(node.target)
    return list(dict.fromkeys(names))


def solution_blocks(text: str, where: str = "") -> list[tuple[int, int]]:
    """(begin line, end line) of each solution block in a cell's text (line indexes of the markers)."""
    blocks, start = [], None
    for i, line in enumerate(text.splitlines()):
        mark = line.strip()
        if mark == BEGIN:
            if start is not None:
                raise SolutionError(f"{where}: {BEGIN} inside a solution block (line {i + 1})")
            start = i
        elif mark == END:
            if start is None:
                raise SolutionError(f"{where}: {END} without {BEGIN} (line {i + 1})")
            blocks.append((start, i))
            start = None
    if start is not None:
        raise SolutionError(f"{where}: {BEGIN} without {END}")
    return blocks


def strip_code(text: str, where: str = "") -> str:
    """A code cell's text with each solution block replaced by the placeholder and ``name = None`` lines."""
    lines = text.splitlines()
    out: list[str] = []
    last = 0
    for begin, end in solution_blocks(text, where):
        out += lines[last:begin]
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        body = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in lines[begin + 1:end])
        try:
            names = assigned_names(body)
        except SyntaxError as exc:
            raise SolutionError(f"{where}: the solution is not valid Python: {exc}") from exc
        out.append(indent + PLACEHOLDER)
        out += [f"{indent}{name} = None" for name in names]
        last = end + 1
    out += lines[last:]
    return "\n".join(out)


def solutions(nb: dict[str, Any]) -> list[str]:
    """Every text of a source's solutions: the lines inside the markers and the solution-tagged Markdown cells."""
    found: list[str] = []
    for cell in nb["cells"]:
        text = _source(cell)
        if SOLUTION_TAG in ((cell.get("metadata") or {}).get("tags") or []):
            found.append(text)
        elif cell["cell_type"] == "code":
            lines = text.splitlines()
            for begin, end in solution_blocks(text):
                found.append("\n".join(lines[begin + 1:end]))
    return found


def participant(nb: dict[str, Any], where: str = "") -> dict[str, Any]:
    """The participant version of a source notebook, normalised."""
    cells = []
    for cell in nb["cells"]:
        tags = (cell.get("metadata") or {}).get("tags") or []
        if SOLUTION_TAG in tags or INSTRUCTOR_TAG in tags:
            continue
        cell = dict(cell)
        if cell["cell_type"] == "code":
            cell["source"] = strip_code(_source(cell), where)
        elif BEGIN in _source(cell):
            raise SolutionError(f"{where}: solution markers in a Markdown cell; tag the cell 'solution' instead")
        cells.append(cell)
    return normalise({**nb, "cells": cells})


def sources() -> list[Path]:
    return sorted(SOURCE.glob("x*.ipynb"))


def target_of(source: Path) -> Path:
    return TARGET / source.name


def render(source: Path) -> str:
    nb = json.loads(source.read_text(encoding="utf-8"))
    return dumps(participant(nb, str(source.relative_to(ROOT))))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    try:
        wanted = {target_of(s): render(s) for s in sources()}
    except SolutionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    orphans = [p for p in sorted(TARGET.glob("x*.ipynb")) if p not in wanted]
    if check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python tools/make_exercises.py", file=sys.stderr)
        for path in orphans:
            print(f"{path.relative_to(ROOT)} has no source in instructor/exercises/", file=sys.stderr)
        return 1 if stale or orphans else 0
    for path in stale:
        print(f"wrote {path.relative_to(ROOT)}")
    for path in orphans:
        print(f"warning: {path.relative_to(ROOT)} has no source in instructor/exercises/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
