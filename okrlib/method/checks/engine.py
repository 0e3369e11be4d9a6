"""Running the checklist: each rule of a profile over one plan, its findings graded into the
indicators, and the score."""

from __future__ import annotations


import dataclasses
import datetime as dt
from functools import lru_cache
from itertools import repeat
from typing import Any, Iterable, Optional

from okrlib.plan.model import Workbook
from okrlib.method.checks.context import RULES, RuleFn, _Context, checklist, load_profile, rule_table
from okrlib.method.checks.findings import CheckReport, Finding, IndicatorResult, SEVERITIES, STATUS_POINTS, Status

# --------------------------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _compiled(profile_name: str) -> tuple[tuple[str, RuleFn, str, str, str], ...]:
    """(rule id, function, indicator, severity, source) per rule, in rules.yaml order."""
    prof = load_profile(profile_name)
    overrides = prof.get("severity") or {}
    out = []
    for rule_id, spec in rule_table().items():
        fn = RULES.get(rule_id)
        if fn is None:
            raise LookupError(f"rules.yaml names the rule {rule_id!r}, which okrlib.method.checks does not implement")
        severity = overrides.get(rule_id, spec["severity"])
        if severity not in SEVERITIES:
            raise ValueError(f"profile {profile_name!r}: severity {severity!r} of {rule_id!r} is not one of {SEVERITIES}")
        source = prof["source"] if spec["source"] == "profile" else spec["source"]
        out.append((rule_id, fn, spec["indicator"], severity, source))
    return tuple(out)


def check(
    workbook: Workbook,
    profile: str = "course",
    *,
    as_of: Optional[dt.date] = None,
    previous: Optional[Workbook] = None,
) -> CheckReport:
    """Run the OKR checklist (T10) over a plan.

    ``profile``: the counts and thresholds to hold the plan to (``profiles()``: course, google,
    radical-focus); an unknown name raises ``UnknownProfileError`` (a ``ValueError``).
    ``as_of``: the day check-ins are judged on (default: the plan's latest check-in, else today;
    nothing is stale before the cycle starts). ``previous``: an earlier version of the plan, to
    find KR targets (and baselines, directions, dates) changed with no logged adjustment.
    """
    compiled = _compiled(profile)
    ctx = _Context(workbook, load_profile(profile), as_of, previous)
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    worst: dict[str, int] = {}
    by_indicator: dict[str, int] = {}  # findings of rules that speak for several indicators
    for rule_id, fn, indicator, severity, source in compiled:
        if indicator == ANY_INDICATOR:
            for target, params in fn(ctx):
                named = params["indicator"]
                findings.append(Finding(rule_id, named, severity, target, source, params))
                by_indicator[named] = by_indicator.get(named, 0) + 1
                worst[f"{ANY_INDICATOR}{named}"] = max(worst.get(f"{ANY_INDICATOR}{named}", 0), _RANK[severity])
            continue
        made = _add_findings(findings, fn(ctx), {"rule": rule_id, "indicator": indicator, "severity": severity, "source": source})
        if made:
            counts[rule_id] = made
            worst[rule_id] = _RANK[severity]
    for named, n in by_indicator.items():
        counts[f"{ANY_INDICATOR}{named}"] = n
    return _report(tuple(findings), counts, worst, profile)


def _frozen_fields(cls: type, expected: tuple[str, ...]) -> tuple[str, ...]:
    """``expected``, once it is checked to be exactly the fields of the frozen dataclass ``cls``, in
    order, with nothing run at construction (no ``__post_init__``) and a plain instance
    ``__dict__`` (no slots): what filling that ``__dict__`` at once relies on. Raises otherwise,
    at import, so a changed dataclass cannot give half-built objects."""
    found = tuple(f.name for f in dataclasses.fields(cls))
    params = getattr(cls, "__dataclass_params__", None)
    if found != expected or params is None or not params.frozen or hasattr(cls, "__post_init__") or "__slots__" in vars(cls):
        raise RuntimeError(f"{cls.__name__} changed (fields {found}): update okrlib.method.checks, which builds it field by field")
    return expected


_FINDING_FIELDS = _frozen_fields(Finding, ("rule", "indicator", "severity", "target", "source", "params"))
_INDICATOR_FIELDS = _frozen_fields(
    IndicatorResult, ("id", "dimension", "name_zh", "name_en", "status", "findings", "scored", "dimension_zh", "dimension_en")
)


def _add_findings(out: list[Finding], found: Iterable[tuple[str, dict[str, Any]]], fixed: dict[str, Any]) -> int:
    """Append ``Finding(**fixed, target=target, params=params)`` to ``out`` for each (target,
    params) a rule found; return how many.

    Invariant: each object is the one the dataclass's ``__init__`` builds (the same fields, equality,
    hash and repr: tests/test_checks.py compares them), made by filling its ``__dict__`` at once
    rather than by the frozen dataclass's one ``object.__setattr__`` per field; ``fixed`` holds
    the other four fields of ``_FINDING_FIELDS``.
    """
    before = len(out)
    append = out.append
    new = object.__new__
    for target, params in found:
        f = new(Finding)
        d = f.__dict__
        d.update(fixed)
        d["target"] = target
        d["params"] = params
        append(f)
    return len(out) - before


def _indicator_result(fixed: dict[str, Any], status: Status, findings: int) -> IndicatorResult:
    """``IndicatorResult(**fixed, status=status, findings=findings)``, built as ``_add_findings``
    builds a Finding (the same object; ``fixed`` holds the other fields of ``_INDICATOR_FIELDS``)."""
    ind = object.__new__(IndicatorResult)
    ind.__dict__.update(fixed, status=status, findings=findings)
    return ind


@lru_cache(maxsize=None)
def _indicator_table() -> tuple[tuple[dict[str, Any], tuple[str, ...], bool], ...]:
    """(the IndicatorResult fields that do not depend on the plan, its rules, scored) per indicator."""
    out = []
    for dim in checklist():
        scored = bool(dim.get("scored"))
        for ind in dim["indicators"]:
            fixed = {
                "id": ind["id"],
                "dimension": dim["id"],
                "name_zh": ind["zh"],
                "name_en": ind["en"],
                "scored": scored,
                "dimension_zh": dim["zh"],
                "dimension_en": dim["en"],
            }
            # its own rules, and the key under which a rule speaking for several indicators counts it
            out.append((fixed, tuple(ind["rules"]) + (f"{ANY_INDICATOR}{ind['id']}",), scored))
    return tuple(out)


_RANK = {"info": 0, "warning": 1, "error": 2}
ANY_INDICATOR = "*"
"""The ``indicator`` in rules.yaml of a rule whose findings each name their indicator (``params["indicator"]``)."""
_ZEROS = repeat(0)


def _report(findings: tuple[Finding, ...], counts: dict[str, int], worst: dict[str, int], profile: str) -> CheckReport:
    """The report of ``findings``: ``counts`` and ``worst`` (severity rank) per rule that fired."""
    indicators = []
    points = []
    for fixed, rules, scored in _indicator_table():
        rank = max(map(worst.get, rules, _ZEROS)) if worst else 0
        status: Status = "fail" if rank == 2 else "warn" if rank == 1 else "pass"
        ind = _indicator_result(fixed, status, sum(map(counts.get, rules, _ZEROS)) if counts else 0)
        indicators.append(ind)
        if scored:
            points.append(STATUS_POINTS[status])
    score = round(100 * sum(points) / len(points), 1) if points else 100.0
    return CheckReport(findings=findings, indicators=tuple(indicators), score=score, profile=profile)
