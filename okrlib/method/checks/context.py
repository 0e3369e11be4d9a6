"""What every rule reads: the rules, checklist and profiles (data files), the plan's indexes built
once per check (``_Context``), the screens that spare the KR reader, and the registry of rules."""

from __future__ import annotations


import datetime as dt
import re
from collections import defaultdict
from bisect import bisect_right
from functools import cached_property, lru_cache
from itertools import accumulate
from importlib import resources
from typing import Any, Callable, Iterable, Optional, Sequence

from okrlib.words import numbers, text
from okrlib.words.resources import data_file
from okrlib.method._trie import pattern as _trie
from okrlib.plan.model import KeyResult, Objective, Workbook
from okrlib.words.problems import OkrlibError

# --------------------------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------------------------


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
