"""Edit one cell of a CSV copy, for the tests that break data on purpose."""

from __future__ import annotations

import csv
from pathlib import Path


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` as a spreadsheet numbers it (the header is row 1)."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def drop_column(path: Path, column: str) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    i = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
