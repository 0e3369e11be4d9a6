"""Tracking (模块六) and the pitfalls read from words (模块二): stale check-ins, unlogged target
changes, jargon, growth with no retention KR, high risks and low confidence with no response.
The tracking rules ask okrlib.method.scoring, which owns them."""

from __future__ import annotations


import datetime as dt
import re
from collections import defaultdict
from functools import lru_cache
from typing import Any, Iterator

from okrlib.words import labels, text
from okrlib.words.resources import data_file
from okrlib.method.checks.context import _Context, _analyzer, _kr, _number, _o, _scoring, _screens, _short, rule

# ---- 跟踪 (okrlib.method.scoring flags) -----------------------------------------------------------


@rule("checkin-stale")
def _stale(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    flags = _scoring().stale_checkins(ctx.wb, ctx.as_of, ctx.profile.get("stale_days"))
    if not flags:
        return
    by_id = {kr.id: kr for kr in ctx.wb.key_results}
    for flag in flags:
        kr = by_id[flag.key_result]
        last = flag.last_checkin.isoformat() if flag.last_checkin else None
        yield _kr(
            kr,
            last=text.say("checker.last_checkin", "zh", date=last) if last else text.say("checker.never_checked_in", "zh"),
            last_en=text.say("checker.last_checkin", "en", date=last) if last else text.say("checker.never_checked_in", "en"),
            days=flag.age_days,
            max_days=flag.max_age_days,
        )


@rule("target-changed-unlogged")
def _unlogged(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    scoring = _scoring()
    if ctx.previous is None:
        return
    by_id = {kr.id: kr for kr in ctx.wb.key_results}
    for flag in scoring.unlogged_changes(ctx.previous, ctx.wb):
        kr = by_id[flag.key_result]
        yield _kr(
            kr,
            field=labels.field("key_results", flag.field, "zh"),
            field_en=labels.field("key_results", flag.field, "en").lower(),
            old=_shown(flag.old_value),
            new=_shown(flag.new_value),
        )


@rule("o-jargon")
def _o_jargon(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    anything = _screens()[3]
    analyse = _analyzer()[0]
    for o in ctx.wb.objectives:
        if anything.search(o.statement.lower()) is None:
            continue  # no listed word at all: nothing to read
        words = getattr(analyse(o.statement), "jargon", ()) or ()
        if words:
            yield _o(o, words=text.join(words))


@lru_cache(maxsize=1)
def _word_lists() -> dict[str, re.Pattern[str]]:
    """check_words.yaml's lists, each as one case-blind regex."""
    out = {}
    for name, langs in data_file("check_words").items():
        words = sorted({str(w).lower() for ws in langs.values() for w in ws}, key=len, reverse=True)
        out[name] = re.compile("|".join(map(re.escape, words)))
    return out


@rule("okr-no-retention-kr")
def _no_retention(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    if ctx.wb.meta.product_type != "to_b":
        return
    lists = _word_lists()
    growth, retention = lists["growth_metric"], lists["retention"]
    for o in ctx.wb.objectives:
        krs = ctx.krs_by_objective[o.id]
        if not krs:
            continue
        pg = ctx.product_goals.get(o.derived_from) if o.derived_from else None
        aim = " ".join(x for x in (pg.metric, pg.statement) if x) if pg is not None else o.statement
        found = growth.search(aim.lower())
        if found is None:
            continue
        if any(retention.search(f"{kr.statement} {kr.metric}".lower()) for kr in krs):
            continue
        yield _o(o, metric=(pg.metric if pg is not None and pg.metric else found.group()))


@rule("risk-no-response")
def _risk_no_response(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    least = int(ctx.profile.get("risk_response_min_score", 10))
    for r in ctx.wb.risks:
        score = r.likelihood * r.impact
        if score < least:
            continue
        missing = [k for k, v in (("response", r.response), ("owner", r.owner)) if not v.strip()]
        if not missing:
            continue
        band = _scoring().risk_band(score)
        yield r.id, {
            "id": r.id, "description": _short(r.description), "likelihood": r.likelihood, "impact": r.impact,
            "score": score, "band": band["zh"], "band_en": band["en"].lower(), "min_score": least,
            "missing": text.say("checker.and", "zh").join(text.say(f"checker.risk_parts.{m}", "zh") for m in missing),
            "missing_en": text.say("checker.or", "en").join(text.say(f"checker.risk_parts.{m}", "en") for m in missing),
        }


@rule("checkin-low-confidence-unhandled")
def _low_confidence(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    if not ctx.wb.checkins:
        return
    low = int(ctx.profile.get("low_confidence", 3))
    run_needed = int(ctx.profile.get("low_confidence_checkins", 3))
    as_of = ctx.as_of
    # each KR's rated check-ins up to as_of, in date order (file order breaks ties)
    rated: dict[str, list[Any]] = defaultdict(list)
    for c in ctx.wb.checkins:
        if c.confidence is not None and (as_of is None or c.date <= as_of):
            rated[c.key_result].append(c)
    if not any(c.confidence <= low for cs in rated.values() for c in cs):
        return
    objective_of = {kr.id: kr.objective for kr in ctx.wb.key_results}
    acted: dict[str, list[dt.date]] = defaultdict(list)
    for a in ctx.wb.adjustments:
        if a.relates_to:
            acted[a.relates_to].append(a.date)
    for kr in ctx.wb.key_results:
        cs = sorted(rated.get(kr.id, ()), key=lambda c: c.date)
        run = 0
        for c in reversed(cs):
            if c.confidence > low:
                break
            run += 1
        if run < run_needed:
            continue
        since = cs[-run].date
        dates = acted.get(kr.id, []) + acted.get(objective_of.get(kr.id, ""), [])
        if any(d >= since for d in dates):
            continue
        yield _kr(kr, count=run, confidence=cs[-1].confidence, since=since.isoformat(), max_confidence=low)


def _shown(value: Any) -> str:
    if value is None:
        return text.say("checker.empty_value")
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
