"""How well okrlib.method.analyze reads KR sentences: scores against tests/data/kr_sentences.yaml.

Run ``python tests/evaluate_kr_analysis.py`` (from the repo root, okrlib importable) to print
precision and recall of ``measurable`` and ``is_activity``, the accuracy of the parsed baseline,
target, direction and dimension, and every miss. tests/test_analyze.py holds the same numbers
at or above 0.9 through :func:`evaluate`.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

DATA = Path(__file__).resolve().parent / "data" / "kr_sentences.yaml"
if str(DATA.parent.parent.parent) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(DATA.parent.parent.parent))

from okrlib.method.analyze import analyze_kr  # noqa: E402


def load_labels(path: Path = DATA) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]


def _same(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


@dataclass
class Report:
    n: int
    scores: dict[str, float]
    misses: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # (field, text, want, got)


def _pr(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    tp = sum(1 for want, got in pairs if want and got)
    fp = sum(1 for want, got in pairs if got and not want)
    fn = sum(1 for want, got in pairs if want and not got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def evaluate(labels: Optional[list[dict[str, Any]]] = None) -> Report:
    labels = load_labels() if labels is None else labels
    misses: list[tuple[str, str, Any, Any]] = []
    pairs: dict[str, list[tuple[bool, bool]]] = {"measurable": [], "is_activity": []}
    hits = {"baseline": 0, "target": 0, "direction": 0, "dimension": 0}
    for row in labels:
        got = analyze_kr(row["text"])
        for name in pairs:
            pairs[name].append((bool(row[name]), getattr(got, name)))
            if bool(row[name]) != getattr(got, name):
                misses.append((name, row["text"], row[name], getattr(got, name)))
        for name in ("baseline", "target"):
            if _same(row[name], getattr(got, name)):
                hits[name] += 1
            else:
                misses.append((name, row["text"], row[name], getattr(got, name)))
        for name in ("direction", "dimension"):
            if row[name] == getattr(got, name):
                hits[name] += 1
            else:
                misses.append((name, row["text"], row[name], getattr(got, name)))
    n = len(labels)
    scores: dict[str, float] = {}
    for name, pr in pairs.items():
        scores[f"{name} precision"], scores[f"{name} recall"] = _pr(pr)
    for name, k in hits.items():
        scores[f"{name} accuracy"] = k / n
    return Report(n, scores, misses)


def main() -> int:
    report = evaluate()
    print(f"{report.n} labelled sentences ({DATA.name})")
    for name, value in report.scores.items():
        print(f"  {name:<24} {value:.3f}")
    print(f"\n{len(report.misses)} misses:")
    for name, text, want, got in report.misses:
        print(f"  [{name}] {text!r}: labelled {want!r}, got {got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
