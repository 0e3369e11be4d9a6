"""策略对齐度: the rules of T10's first dimension (the plan traces to the company goal, KRs measure
the product goal, cross-department work is listed and agreed, objectives stretch)."""

from __future__ import annotations


import math
import re
from functools import lru_cache
from typing import Any, Iterator

from okrlib.words import labels, numbers
from okrlib.plan.model import KeyResult
from okrlib.method.checks.context import _Context, _kr, _number, _o, _scoring, _short, rule
from okrlib.method.checks.findings import WORKBOOK_TARGET

# ---- 策略对齐度 ----------------------------------------------------------------------------


@rule("okr-no-business-link")
def _no_business_link(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for o in ctx.wb.objectives:
        if o.derived_from is None:
            missing = "product_goals"
        elif ctx.product_goals[o.derived_from].derived_from is None:
            missing = "company_goals"
        else:
            continue
        yield _o(o, missing=labels.item(missing, "zh"), missing_en=labels.item(missing, "en"))


_METRIC_NOISE = re.compile(r"[\s()()\[\]【】「」《》,,.。:;;、/%-]+")


def _metric_key(text: str) -> str:
    return _METRIC_NOISE.sub("", text).lower()


_name_key = lru_cache(maxsize=4096)(_metric_key)  # metric names repeat; sentences do not


def _measures(metric_key: str, kr: KeyResult, ctx: _Context) -> bool:
    """Whether the KR measures the metric: named in its metric or its sentence, or its metric is
    a part of the goal's metric name (the sentence's metric is read only when the field is empty)."""
    statement = kr.statement
    if not metric_key or metric_key in statement:
        return True
    first = metric_key[0]
    if (first in statement or (first.isascii() and first in statement.lower())) and metric_key in _metric_key(statement):
        return True
    metric = kr.metric or getattr(ctx.analysis(kr), "metric", None) or ""
    key = _name_key(metric)
    return bool(key) and (metric_key in key or (len(key) >= 2 and key in metric_key))


@rule("okr-metric-not-covered")
def _metric_not_covered(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for o in ctx.wb.objectives:
        pg = ctx.product_goals.get(o.derived_from) if o.derived_from else None
        krs = ctx.krs_by_objective[o.id]
        if pg is None or not pg.metric.strip() or not krs:
            continue
        key = _name_key(pg.metric)
        for kr in krs:  # a plain loop: any(<generator>) pays a generator frame per objective
            if _measures(key, kr, ctx):
                break
        else:
            yield _o(o, goal=pg.id, metric=pg.metric)


@rule("okr-no-cross-dept")
def _no_cross_dept(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    krs = ctx.wb.key_results
    if krs and not ctx.wb.cross_dept and not any(kr.collaborators for kr in krs):
        yield WORKBOOK_TARGET, {"n": len(krs)}


@rule("cross-dept-unlisted")
def _cross_dept_unlisted(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    listed = ctx.departments
    for kr in ctx.wb.key_results:
        for dept in kr.collaborators:
            if dept not in listed:
                yield _kr(kr, department=dept)


@rule("cross-dept-not-agreed")
def _cross_dept_not_agreed(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for x in ctx.wb.cross_dept:
        if not x.agreed:
            yield x.id, {"id": x.id, "department": x.department, "need": _short(x.need)}


@rule("kr-no-stretch")
def _no_stretch(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    least = float(ctx.profile.get("min_change", 0.05))
    aspirational = ctx.aspirational
    for kr in ctx.wb.key_results:
        if kr.objective not in aspirational or kr.baseline is None or kr.target is None:
            continue
        if kr.type != "metric" or kr.direction == "maintain":
            continue
        change = kr.target - kr.baseline
        if (change < 0 if kr.direction == "up" else change > 0):
            continue  # the numbers run against the direction: kr-direction-contradicts says so
        relative = abs(change) / abs(kr.baseline) if kr.baseline else (math.inf if change else 0.0)
        if relative < least:
            if kr.baseline:
                ratio = change / abs(kr.baseline)
                shown = numbers.percent(ratio, digits=1 if abs(ratio) >= 0.01 or ratio == 0 else 2, sign=True)
            else:
                shown = _number(change)
            yield _kr(
                kr,
                objective=kr.objective,
                baseline=numbers.quantity(kr.baseline, kr.unit),  # the unit after its number: "3 个", "85%"
                target=numbers.quantity(kr.target, kr.unit),
                unit=kr.unit,
                change=shown,
                min_change=numbers.percent(least, digits=0),
            )


@rule("sandbagging")
def _sandbagging(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    if not ctx.wb.checkins or not ctx.aspirational:
        return
    aspirational = [o.id for o in ctx.wb.objectives if o.id in ctx.aspirational]
    for flag in _scoring().sandbagging_by_objective(ctx.wb, ctx.profile.get("sandbagging_confidence"), aspirational):
        confidence, limit = numbers.number(flag.average, digits=1), numbers.number(flag.limit)
        yield flag.objective, {"id": flag.objective, "confidence": f"{confidence}/10", "limit": f"{limit}/10"}
