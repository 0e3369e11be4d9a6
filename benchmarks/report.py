"""What every benchmark suite prints and writes: rows set against a floor, a table, a JSON file.

Ratios to a floor measured in the same run are the figures to trust on a shared, noisy machine;
seconds are shown beside them for the record.
"""

from __future__ import annotations

import json
import os
import platform
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

__all__ = ["Row", "Results", "format_table", "write_results", "finish", "machine", "user_env", "as_a_user"]

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}


def user_env() -> dict[str, str]:
    """The environment for a timed child process (a script, a kernel, a Voila server), with
    bytecode caches as a user has them.

    Some machines set ``PYTHONDONTWRITEBYTECODE``; the installed packages were compiled at
    install, but okrlib (installed editable) would then be compiled from source on every
    import being timed -- ~0.1 s per kernel that a participant never pays.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@contextmanager
def as_a_user() -> Iterator[None]:
    """``user_env`` for this process's children (kernels started by papermill, a Voila server),
    with okrlib compiled first, as pip compiles an installed package; restored on exit."""
    import compileall

    compileall.compile_dir(str(ROOT / "okrlib"), quiet=1)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(user_env())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@dataclass
class Row:
    """One line of a results table: a measurement, and the floor it is set against."""

    metric: str
    value: Optional[float]
    unit: str  # "s", "ms", "MB", "/s" ...
    floor: Optional[float] = None
    floor_name: str = ""
    target: str = "—"
    passed: Optional[bool] = None  # None: no target
    throughput: str = ""
    note: str = ""

    @property
    def ratio(self) -> Optional[float]:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    def as_dict(self) -> dict[str, Any]:
        return dict(asdict(self), ratio=self.ratio)


@dataclass
class Results:
    config: dict[str, Any]
    environment: dict[str, Any] = field(default_factory=machine)
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "environment": self.environment,
            "rows": [r.as_dict() for r in self.rows],
            "raw": self.raw,
            "skipped": self.skipped,
            "all_targets_met": all(r.passed is not False for r in self.rows),
        }


def _fmt(value: Optional[float], unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value:g} {unit}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(res: Results) -> str:
    header = ["metric", "value", "floor", "ratio", "target", "result", "throughput", "note"]
    lines = []
    for r in res.rows:
        result = "—" if r.passed is None else ("PASS" if r.passed else "FAIL")
        floor = f"{_fmt(r.floor, r.unit)} ({r.floor_name})" if r.floor is not None else "—"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        lines.append([r.metric, _fmt(r.value, r.unit), floor, ratio, r.target, result, r.throughput or "—", r.note])
    widths = [max(_width(row[i]) for row in [header] + lines) for i in range(len(header) - 1)]
    out = []
    for k, row in enumerate([header] + lines):
        cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(len(header) - 1)] + [row[-1]]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    for s in res.skipped:
        out.append(f"skipped: {s}")
    return "\n".join(out)


def write_results(res: Results, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(res.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def finish(res: Results, output: Path, strict: bool, total_s: Optional[float] = None) -> int:
    """Print the table, write the JSON, name missed targets; exit status 1 only if ``strict``."""
    print()
    print(format_table(res))
    write_results(res, output)
    print(f"\nresults: {output}" + (f"  (total {total_s:.0f} s)" if total_s is not None else ""))
    failed = [r.metric for r in res.rows if r.passed is False]
    if failed:
        print("targets missed: " + "; ".join(failed))
    return 1 if failed and strict else 0
