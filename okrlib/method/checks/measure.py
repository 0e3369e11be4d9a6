"""可量化性: the rules of T10's second dimension (a KR is an outcome with a baseline, a target, a
deadline inside the cycle and a data source)."""

from __future__ import annotations


from typing import Any, Iterator, Optional

from okrlib.words import numbers, text
from okrlib.plan.model import KeyResult
from okrlib.method.checks.context import _Context, _analyzer, _kr, _short, rule

# ---- 可量化性 ------------------------------------------------------------------------------


def _target_of(kr: KeyResult, analysis: Any) -> Optional[float]:
    return kr.target if kr.target is not None else getattr(analysis, "target", None)


@rule("kr-not-measurable")
def _not_measurable(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.wb.key_results:
        if (kr.due if kr.type == "milestone" else kr.target) is not None:
            continue
        if not getattr(ctx.analysis(kr), "measurable", False):
            yield _kr(kr)


@rule("kr-no-baseline")
def _no_baseline(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.wb.key_results:
        if kr.type != "metric" or kr.direction == "maintain" or kr.baseline is not None:
            continue
        a = ctx.analysis(kr)
        target = _target_of(kr, a)
        if target is None or getattr(a, "baseline", None) is not None:
            continue
        unit = kr.unit or getattr(a, "unit", None) or ""
        yield _kr(kr, target=numbers.quantity(target, unit), unit=unit)  # "3 个", "85%": the unit after its number


@rule("kr-direction-contradicts")
def _direction_contradicts(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.wb.key_results:
        if kr.type != "metric" or kr.direction == "maintain" or kr.baseline is None or kr.target is None:
            continue
        if (kr.target < kr.baseline) if kr.direction == "up" else (kr.target > kr.baseline):
            yield _kr(kr, direction=text.say(f"vocab.direction.{kr.direction}"),
                      direction_en=text.say(f"vocab.direction.{kr.direction}", "en").lower(),
                      baseline=numbers.quantity(kr.baseline, kr.unit), target=numbers.quantity(kr.target, kr.unit))


@rule("kr-is-activity")
def _is_activity(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    _, suggest = _analyzer()
    for kr in ctx.word_hit_krs:  # the others hold no activity word: no activity
        if not ctx.may_be_activity(kr):
            continue
        a = ctx.analysis(kr)
        if not getattr(a, "is_activity", False):
            continue
        zh, en = suggest(a)
        if text.say("checker.placeholder.metric") in zh:  # no metric in the sentence: the product goal's is the likeliest
            zh, en = _goal_outcome(ctx, kr) or (zh, en)
        words = text.join(getattr(a, "activity_words", ()) or ()) or _short(kr.statement, 12)
        yield _kr(kr, words=words, outcome=zh, outcome_en=en)


def _goal_outcome(ctx: _Context, kr: KeyResult) -> Optional[tuple[str, str]]:
    """"将[产品目标指标]从[基线]提升至[目标]" from the product goal the KR's objective serves."""
    o = ctx.objectives[kr.objective]
    pg = ctx.product_goals.get(o.derived_from) if o.derived_from else None
    if pg is None or not pg.metric.strip():
        return None
    down = pg.baseline is not None and pg.target is not None and pg.target < pg.baseline

    def hint(lang: str) -> str:
        def value(x: Optional[float], placeholder: str) -> str:
            # a KR sentence to copy: written as the KR reader's own suggestions are ("从300万人提升至400万人")
            return f"{numbers.number(x)}{pg.unit}" if x is not None else text.say(f"checker.placeholder.{placeholder}", lang)

        return text.say("checker.outcome." + ("down" if down else "up"), lang, metric=pg.metric,
                        base=value(pg.baseline, "baseline"), goal=value(pg.target, "target"))

    return hint("zh"), hint("en")


@rule("kr-jargon")
def _jargon(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.word_hit_krs:  # the others hold no jargon word
        if not ctx.may_be_activity(kr):
            continue
        words = getattr(ctx.analysis(kr), "jargon", ()) or ()
        if words:
            yield _kr(kr, words=text.join(words))


@rule("kr-no-deadline")
def _no_deadline(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.wb.key_results:
        if kr.due is None:
            yield _kr(kr, cycle_end=ctx.cycle_end.isoformat())


@rule("kr-due-outside-cycle")
def _due_outside_cycle(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    start, end = ctx.cycle_start, ctx.cycle_end
    for kr in ctx.wb.key_results:
        if kr.due is not None and not start <= kr.due <= end:
            yield _kr(kr, due=kr.due.isoformat(), cycle_start=start.isoformat(), cycle_end=end.isoformat())


@rule("kr-no-data-source")
def _no_data_source(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.wb.key_results:
        if not kr.data_source.strip():
            metric = kr.metric or getattr(ctx.analysis(kr), "metric", None)
            key = "checker.metric_named" if metric else "checker.metric_unnamed"
            yield _kr(kr, metric=text.say(key, "zh", metric=metric), metric_en=text.say(key, "en", metric=metric))
