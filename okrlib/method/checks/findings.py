"""What the checker reports: a Finding per problem, an IndicatorResult per T10 indicator, and
the CheckReport that holds them with its score. Plain frozen data; pandas only when a frame is asked for."""

from __future__ import annotations


from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Mapping

from okrlib.method.checks.context import _indicator_rules, rule_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Finding", "IndicatorResult", "CheckReport", "Severity", "Status", "SEVERITIES", "STATUS_POINTS", "WORKBOOK_TARGET"]

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "warn", "fail"]
SEVERITIES = ("error", "warning", "info")
STATUS_POINTS = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
WORKBOOK_TARGET = "workbook"
"""``Finding.target`` of a finding about the whole plan (too many objectives, no cross-department row)."""


# --------------------------------------------------------------------------------------------
# Results
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
