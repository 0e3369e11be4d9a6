"""The OKR checklist (T10 OKR 校验表): is this a *good* plan?

``check(workbook)`` runs the course's checklist — three dimensions, ten indicators
(策略对齐度 / 可量化性 / 落地可行性, course outline 模块五) — plus the three pitfalls of 模块二
(功能罗列当 KR、与业务价值脱节、跨部门协同缺失), the KR dimension balance (T11) and the tracking
flags of okrlib.method.scoring (sandbagging, stale check-ins, target changes with no logged adjustment)::

    from okrlib import Workbook
    from okrlib.method.checks import check

    report = check(okrlib.load("plan.yaml"), profile="course")
    report.score                 # 0-100
    report.errors                # the error-severity findings
    report.frame()               # one row per finding (pandas)
    report.indicators_frame()    # one row per indicator, pass / warn / fail
    report.as_dict()             # the JSON of ``okrlib check --format json``

What is data and what is code:

* ``okrlib/data/checklist.yaml``: the dimensions and indicators, their names in Chinese and
  English, and the rules that feed each indicator.
* ``okrlib/data/rules.yaml``: every rule's indicator, severity, message and hint templates
  (Chinese and English) and the source it rests on.
* ``okrlib/data/profiles/<name>.yaml``: the counts (O per plan, KRs per O) and thresholds of one
  OKR school — ``course`` (the outline: 1-2 O, 3-4 KRs each), ``google`` (re:Work: 3-5 O, about
  3 KRs), ``radical-focus`` (Wodtke: 1 O, at most 3 KRs) — and severity overrides.
* Here: one small function per rule id, registered in ``RULES``.

Indicator status: ``fail`` if one of its findings is an error, ``warn`` if one is a warning,
``pass`` otherwise (``info`` findings do not count). The score is the mean over the ten T10
indicators of pass = 1, warn = 0.5, fail = 0, times 100 (so 0-100, one decimal); the extra
groups (pitfalls, balance, tracking) are reported but not scored.

This module imports no pandas at import time: ``CheckReport.frame()`` and
``CheckReport.indicators_frame()`` import it when called.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from bisect import bisect_right
from functools import cached_property, lru_cache
from itertools import accumulate, repeat
from importlib import resources
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal, Mapping, Optional, Sequence

from okrlib.words import labels, numbers, text
from okrlib.words.resources import data_file
from okrlib.method._trie import pattern as _trie
from okrlib.words.problems import OkrlibError
from okrlib.plan.model import KeyResult, Objective, Workbook

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Finding",
    "IndicatorResult",
    "CheckReport",
    "UnknownProfileError",
    "RULES",
    "check",
    "profiles",
    "load_profile",
    "rule_table",
    "checklist",
]

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "warn", "fail"]
SEVERITIES = ("error", "warning", "info")
STATUS_POINTS = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
WORKBOOK_TARGET = "workbook"
"""``Finding.target`` of a finding about the whole plan (too many objectives, no cross-department row)."""


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing the checklist found: which rule, about which object, what to do, and why.

    ``target`` is the id of the object concerned (``KR1.3``, ``O1``, ``X2``, ``T4``), an owner's
    name for ``owner-overcommitted``, or ``"workbook"`` for the plan as a whole. ``params`` holds
    the rule's own values (ids, numbers, words); the texts — ``message_zh``, ``message_en``,
    ``hint`` (Chinese), ``hint_en`` — are its templates in rules.yaml filled with them, made when
    read (a check of 100,000 KRs need not write 100,000 sentences nobody reads).
    """

    rule: str
    indicator: str
    severity: Severity
    target: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def message_zh(self) -> str:
        return _text(self, "message_zh")

    @property
    def message_en(self) -> str:
        return _text(self, "message_en")

    @property
    def hint(self) -> str:
        """The fix hint in Chinese."""
        return _text(self, "hint_zh")

    @property
    def hint_en(self) -> str:
        return _text(self, "hint_en")

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of ``okrlib check --format json`` (exactly these keys)."""
        return {
            "rule": self.rule,
            "indicator": self.indicator,
            "severity": self.severity,
            "target": self.target,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "hint": self.hint,
            "source": self.source,
        }

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def hint_in(self, lang: str = "zh") -> str:
        return self.hint if lang == "zh" else self.hint_en


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of the checklist and how the plan does on it."""

    id: str
    dimension: str
    name_zh: str
    name_en: str
    status: Status
    findings: int
    scored: bool
    dimension_zh: str = ""
    dimension_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of ``okrlib check --format json`` (exactly these keys)."""
        return {"id": self.id, "dimension": self.dimension, "status": self.status}

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` found: the findings, each indicator's status, and the overall score (0-100)."""

    findings: tuple[Finding, ...]
    indicators: tuple[IndicatorResult, ...]
    score: float
    profile: str

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when no finding is an error (the command line then exits 0)."""
        return not any(f.severity == "error" for f in self.findings)

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def by_indicator(self, indicator: str) -> list[Finding]:
        """The findings of an indicator: those whose rule feeds it (a pitfall lists T10 rules)."""
        rules = set(_indicator_rules()[indicator])
        return [f for f in self.findings if f.rule in rules]

    def indicator(self, indicator_id: str) -> IndicatorResult:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def status(self, indicator_id: str) -> Status:
        return self.indicator(indicator_id).status

    def as_dict(self) -> dict[str, Any]:
        """``{"score", "profile", "indicators": [{"id","dimension","status"}], "findings": [...]}``."""
        return {
            "score": self.score,
            "profile": self.profile,
            "indicators": [i.as_dict() for i in self.indicators],
            "findings": [f.as_dict() for f in self.findings],
        }

    def frame(self) -> "pd.DataFrame":
        """One row per finding (``hint_en`` included)."""
        import pandas as pd

        columns = ["rule", "indicator", "severity", "target", "message_zh", "message_en", "hint", "hint_en", "source"]
        return pd.DataFrame([[getattr(f, c) for c in columns] for f in self.findings], columns=columns)

    def indicators_frame(self) -> "pd.DataFrame":
        """One row per indicator: id, dimension, names, status, number of findings, scored or not."""
        import pandas as pd

        columns = ["id", "dimension", "dimension_zh", "dimension_en", "name_zh", "name_en", "status", "findings", "scored"]
        return pd.DataFrame([[getattr(i, c) for c in columns] for i in self.indicators], columns=columns)


class UnknownProfileError(OkrlibError, ValueError):
    """No checker profile has this name; ``profiles`` lists those there are."""

    def __init__(self, name: str, known: Sequence[str]):
        self.name = name
        self.profiles = list(known)
        self.message_zh, self.message_en = (
            text.say("checker.unknown_profile", lang, name=name, shown=text.join(self.profiles, lang)) for lang in ("zh", "en"))
        super().__init__(f"{self.message_zh} / {self.message_en}")

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


# --------------------------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------------------------


def rule_table() -> dict[str, dict[str, Any]]:
    """rules.yaml: rule id -> indicator, severity, message/hint templates, source."""
    return data_file("rules")["rules"]


def checklist() -> list[dict[str, Any]]:
    """checklist.yaml: the dimensions, each with its indicators and the rules feeding them."""
    return data_file("checklist")["dimensions"]


@lru_cache(maxsize=None)
def _indicator_rules() -> dict[str, tuple[str, ...]]:
    return {ind["id"]: tuple(ind["rules"]) for dim in checklist() for ind in dim["indicators"]}


@lru_cache(maxsize=None)
def profiles() -> list[str]:
    """The names of the checker profiles (``okrlib/data/profiles/*.yaml``), ``course`` first."""
    folder = resources.files("okrlib").joinpath("data", "profiles")
    names = sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))
    return sorted(names, key=lambda n: (n != "course", n))


def load_profile(name: str) -> dict[str, Any]:
    """A profile's settings (a fresh dict); ``UnknownProfileError`` lists the profiles if there is none."""
    if name not in profiles():
        raise UnknownProfileError(name, profiles())
    return dict(data_file(f"profiles/{name}"))


# --------------------------------------------------------------------------------------------
# The neighbours: okrlib.method.analyze (one KR sentence) and okrlib.method.scoring (flags). Thin on purpose.
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)  # the import runs once, not on every call (once per rule and plan)
def _analyzer() -> tuple[Callable[[str], Any], Callable[[Any], tuple[str, str]]]:
    """``(analyze_kr, suggest_outcome)`` of okrlib.method.analyze (imported when first needed)."""
    from okrlib.method.analyze import analyze_kr, suggest_outcome

    return analyze_kr, suggest_outcome


@lru_cache(maxsize=1)
def _scoring() -> Any:
    """okrlib.method.scoring (imported when first needed)."""
    from okrlib.method import scoring

    return scoring


# --------------------------------------------------------------------------------------------
# The context rules read: the workbook, the profile, and indexes built once per check
# --------------------------------------------------------------------------------------------


_WIDEN = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}  # ASCII -> full-width ASCII


@lru_cache(maxsize=1)
def _screens() -> tuple[re.Pattern[str], Optional[re.Pattern[str]], re.Pattern[str], re.Pattern[str]]:
    """(activity verbs + jargon, their free patterns, deliverable nouns, all the words) of okrlib.method.analyze's word
    lists (kr_phrases.yaml), matched on lower-cased text with no word boundaries: each matches
    whenever analyze could find such a word (and sometimes when it would not), so a miss is a
    safe "no"."""
    words = data_file("kr_phrases")

    def literals(*keys: str) -> list[str]:
        out = []
        for key in keys:
            for lang, entries in (words.get(key) or {}).items():
                if not lang.startswith("patterns"):
                    out += [str(w).lower() for w in entries if str(w)]
        # the same words typed in full-width letters ("ｌａｕｎｃｈ"), so the text need not be folded
        return out + [w.translate(_WIDEN) for w in out if w.isascii() and w.translate(_WIDEN) != w]

    def screen(*keys: str) -> re.Pattern[str]:  # no word boundaries: a miss must be a safe "no"
        return re.compile(_trie(literals(*keys), start_guard=False, end_guard=False))

    patterns = [p for key in ("activity_verbs", "jargon") for lang, entries in (words.get(key) or {}).items()
                if lang.startswith("patterns") for p in entries]
    return (
        screen("activity_verbs", "jargon"),
        re.compile("|".join(patterns)) if patterns else None,
        screen("deliverable_nouns"),
        screen("activity_verbs", "jargon", "deliverable_nouns"),
    )


_DIGIT = re.compile(r"\d")
_DATE_LIKE = re.compile(r"\d{4}\s*[-/.年]|\d\s*[月日号]|[vV]\s*\d")


@lru_cache(maxsize=4096)
def _shape_is_activity(shape: str) -> bool:
    return bool(getattr(_analyzer()[0](shape), "is_activity", False))


class _Context:
    def __init__(self, wb: Workbook, profile: dict[str, Any], as_of: Optional[dt.date], previous: Optional[Workbook]):
        self.wb = wb
        self.profile = profile
        self.as_of = as_of
        self.previous = previous
        self.cycle_start = wb.meta.cycle.start_date
        self.cycle_end = wb.meta.cycle.end_date
        self._analyses: dict[str, Any] = {}
        self._by_text: dict[str, Any] = {}
        self._activity: dict[str, bool] = {}

    def analysis(self, kr: KeyResult) -> Any:
        """The analysis of a KR's statement, made once per check and only when a rule needs it."""
        found = self._analyses.get(kr.id)
        if found is None:
            found = self._by_text.get(kr.statement)
            if found is None:
                found = self._by_text[kr.statement] = _analyzer()[0](kr.statement)
            self._analyses[kr.id] = found
        return found

    def may_be_activity(self, kr: KeyResult) -> bool:
        """Whether okrlib.method.analyze could call the statement an activity or find jargon in it.

        No activity verb, jargon word or deliverable noun at all: no. Only deliverable nouns (a
        count of deliverables, "发布4个新功能", is an activity; "接口可用性从 99.5% 提升至 99.9%" is not):
        the sentence with its digits masked is analysed once per shape (dates and versions keep
        theirs), since which clause states a result does not depend on the digits' values.
        A yes is always confirmed by analysing the statement itself.
        """
        found = self._activity.get(kr.id)
        if found is None:
            found = self._activity[kr.id] = kr.id in self.word_hits and self._may_be_activity(kr.statement)
        return found

    @cached_property
    def word_hits(self) -> set[str]:
        """The KRs whose statement holds some activity verb, deliverable noun or jargon word:
        one scan of all statements joined by line breaks (no word holds one), not one per KR."""
        krs = self.wb.key_results
        texts = [kr.statement for kr in krs]
        joined = "\n".join(texts)
        lowered = joined.lower()
        if len(lowered) != len(joined):  # a letter whose lower case is longer: look one by one
            return {kr.id for kr in krs}
        _, patterns, _, anything = _screens()
        starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
        hits = {bisect_right(starts, m.start()) - 1 for m in anything.finditer(lowered)}
        if patterns is not None:
            hits.update(bisect_right(starts, m.start()) - 1 for m in patterns.finditer(lowered))
        return {krs[i].id for i in hits}

    @cached_property
    def word_hit_krs(self) -> list[KeyResult]:
        """The KRs whose id is in ``word_hits``, in plan order: the rules that need a word skip the others."""
        hits = self.word_hits
        return [kr for kr in self.wb.key_results if kr.id in hits]

    @staticmethod
    def _may_be_activity(text: str) -> bool:
        text = text.lower()
        words, patterns, nouns, anything = _screens()
        if anything.search(text) is None and (patterns is None or patterns.search(text) is None):
            return False
        if words.search(text) is not None or (patterns is not None and patterns.search(text) is not None):
            return True
        if nouns.search(text) is None:
            return False
        shape = text if _DATE_LIKE.search(text) else _DIGIT.sub("5", text)
        return _shape_is_activity(shape)

    @cached_property
    def krs_by_objective(self) -> dict[str, list[KeyResult]]:
        out: dict[str, list[KeyResult]] = {o.id: [] for o in self.wb.objectives}
        for kr in self.wb.key_results:
            out[kr.objective].append(kr)
        return out

    @cached_property
    def objectives(self) -> dict[str, Objective]:
        return {o.id: o for o in self.wb.objectives}

    @cached_property
    def product_goals(self) -> dict[str, Any]:
        return {pg.id: pg for pg in self.wb.product_goals}

    @cached_property
    def tasks_by_kr(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = defaultdict(list)
        for t in self.wb.tasks:
            out[t.key_result].append(t)
        return out

    @cached_property
    def aspirational(self) -> set[str]:
        """The ids of the aspirational objectives (stretch and sandbagging apply to them)."""
        return {o.id for o in self.wb.objectives if o.kind == "aspirational"}

    @cached_property
    def departments(self) -> set[str]:
        return {x.department for x in self.wb.cross_dept}


def _number(x: Optional[float]) -> str:
    return numbers.number(x)  # the one formatter: 1,200,000, never 1.2e+06 (a hint is copied into a KR)


def _short(text: str, limit: int = 40) -> str:
    if len(text) <= limit and "\n" not in text and "  " not in text:
        return text
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Rules: one function per rule id. Each yields (target id, placeholders for the templates).
# --------------------------------------------------------------------------------------------

RuleFn = Callable[[_Context], Iterable[tuple[str, dict[str, Any]]]]
RULES: dict[str, RuleFn] = {}


def rule(rule_id: str) -> Callable[[RuleFn], RuleFn]:
    """Register the function of a rule of rules.yaml."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = fn
        return fn

    return register


_KR_PREFIXES = ("KR", "kr", "Kr", "kR")


def _kr(kr: KeyResult, **extra: Any) -> tuple[str, dict[str, Any]]:
    prefix = "" if kr.id.startswith(_KR_PREFIXES) else "KR "
    return kr.id, {"id": kr.id, "kr": prefix, "statement": _short(kr.statement), **extra}


def _o(o: Objective, **extra: Any) -> tuple[str, dict[str, Any]]:
    return o.id, {"id": o.id, "statement": _short(o.statement), **extra}


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
        wrong_way = change <= 0 if kr.direction == "up" else change >= 0
        relative = abs(change) / abs(kr.baseline) if kr.baseline else (math.inf if change else 0.0)
        if wrong_way or relative < least:
            if kr.baseline:
                ratio = change / abs(kr.baseline)
                shown = numbers.percent(ratio, digits=1 if abs(ratio) >= 0.01 or ratio == 0 else 2, sign=True)
            else:
                shown = _number(change)
            yield _kr(
                kr,
                objective=kr.objective,
                baseline=_number(kr.baseline),
                target=_number(kr.target),
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
        yield _kr(kr, target=_number(target), unit=unit)


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
            return f"{_number(x)}{pg.unit}" if x is not None else text.say(f"checker.placeholder.{placeholder}", lang)

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


# ---- 落地可行性 ----------------------------------------------------------------------------


def _range(ctx: _Context, key: str) -> tuple[int, int]:
    lo, hi = ctx.profile[key]
    return int(lo), int(hi)


@rule("o-count")
def _o_count(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    lo, hi = _range(ctx, "objectives")
    n = len(ctx.wb.objectives)
    if not lo <= n <= hi:
        yield WORKBOOK_TARGET, {"n": n, "lo": lo, "hi": hi, "profile": ctx.profile["zh"], "profile_en": ctx.profile["en"]}


@rule("kr-count")
def _kr_count(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    lo, hi = _range(ctx, "krs_per_objective")
    for o in ctx.wb.objectives:
        n = len(ctx.krs_by_objective[o.id])
        if not lo <= n <= hi:
            yield _o(o, n=n, lo=lo, hi=hi, profile=ctx.profile["zh"], profile_en=ctx.profile["en"])


@rule("kr-no-owner")
def _no_owner(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.wb.key_results:
        if not kr.owner.strip():
            yield _kr(kr)


@rule("kr-no-tasks")
def _no_tasks(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    tasks = ctx.tasks_by_kr
    for kr in ctx.wb.key_results:
        if kr.id not in tasks:
            yield _kr(kr)


@rule("task-incomplete")
def _task_incomplete(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for t in ctx.wb.tasks:
        if t.due is not None and t.owner.strip():
            continue
        missing = [name for name, empty in (("owner", not t.owner.strip()), ("due", t.due is None)) if empty]
        if missing:
            zh = text.say("checker.and", "zh").join(labels.field("tasks", m, "zh") for m in missing)
            en = text.say("checker.and", "en").join(labels.field("tasks", m, "en").lower() for m in missing)
            yield t.id, {"id": t.id, "title": _short(t.title), "key_result": t.key_result, "missing": zh, "missing_en": en}


@rule("owner-overcommitted")
def _overcommitted(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    limit = int(ctx.profile["max_krs_per_owner"])
    owned: dict[str, list[str]] = defaultdict(list)
    for kr in ctx.wb.key_results:
        owner = kr.owner.strip()
        if owner:
            owned[owner].append(kr.id)
    for owner, ids in owned.items():
        if len(ids) > limit:
            shown = ", ".join(ids[:6]) + (" …" if len(ids) > 6 else "")
            yield owner, {"id": owner, "n": len(ids), "limit": limit, "krs": shown}


# ---- KR 维度平衡 (T11) ---------------------------------------------------------------------

_DIMENSIONS = ("user", "business", "tech")


@rule("kr-dimension-balance")
def _dimension_balance(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    least = int(ctx.profile.get("min_dimensions", 2))
    for o in ctx.wb.objectives:
        krs = ctx.krs_by_objective[o.id]
        if not krs:
            continue
        covered = {kr.dimension or getattr(ctx.analysis(kr), "dimension", None) for kr in krs}
        covered.discard(None)
        if len(covered) >= min(least, len(krs)):
            continue
        has = [d for d in _DIMENSIONS if d in covered]
        lacks = [d for d in _DIMENSIONS if d not in covered]

        def names(codes: list[str], lang: str, sep: str = "") -> str:
            shown = [labels.choice("kr_dimension", c, lang) or c for c in codes]
            return sep.join(shown) if sep else text.join(shown, lang)

        def covered(lang: str) -> str:
            if not has:
                return text.say("checker.dimensions_none", lang)
            shown = names(has, lang)
            return text.say("checker.dimensions_some", lang, names=shown if lang == "zh" else shown.lower())

        yield _o(
            o,
            covered=covered("zh"),
            covered_en=covered("en"),
            missing=names(lacks, "zh"),
            missing_en=names(lacks, "en").lower(),
            missing_or=names(lacks, "zh", text.say("checker.or", "zh")),
            missing_or_en=names(lacks, "en", text.say("checker.or", "en")).lower(),
            min=least,
        )


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


# --------------------------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------------------------


class _Blank(dict):  # a placeholder with no value stays as it is written, "{name}"
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _text(finding: Finding, key: str) -> str:
    """A finding's text ``key`` (message_zh, message_en, hint_zh, hint_en), filled from its params."""
    template = rule_table()[finding.rule][key]
    params = finding.params
    if key.endswith("_en"):  # English values of placeholders that have one (``last_en`` for ``last``)
        params = dict(params)
        for name, value in finding.params.items():
            if name.endswith("_en") and name[:-3] in params:
                params[name[:-3]] = value
    return template.format_map(_Blank(params))


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
    for rule_id, fn, indicator, severity, source in compiled:
        made = _add_findings(findings, fn(ctx), {"rule": rule_id, "indicator": indicator, "severity": severity, "source": source})
        if made:
            counts[rule_id] = made
            worst[rule_id] = _RANK[severity]
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
            out.append((fixed, tuple(ind["rules"]), scored))
    return tuple(out)


_RANK = {"info": 0, "warning": 1, "error": 2}
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
