"""The OKR checklist (T10 OKR 校验表): is this a *good* plan?

``check(workbook)`` runs the course's checklist — three dimensions, ten indicators
(策略对齐度 / 可量化性 / 落地可行性, course outline 模块五) — plus the three pitfalls of 模块二
(功能罗列当 KR、与业务价值脱节、跨部门协同缺失), the KR dimension balance (T11) and the tracking
flags of okrlib.method.scoring (sandbagging, stale check-ins, target changes with no logged adjustment)::

    import okrlib
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
* Here: one small function per rule id, registered in ``RULES`` with ``@rule("<id>")``, in a module
  per group of the checklist: ``align`` (策略对齐度), ``measure`` (可量化性), ``feasible``
  (落地可行性), ``balance`` (KR 维度平衡, T11), ``tracking`` (跟踪与调整, and the pitfalls read
  from words). ``context`` holds what every rule reads, ``findings`` what the checker reports,
  ``engine`` runs a profile's rules over a plan.

Indicator status: ``fail`` if one of its findings is an error, ``warn`` if one is a warning,
``pass`` otherwise (``info`` findings do not count). The score is the mean over the ten T10
indicators of pass = 1, warn = 0.5, fail = 0, times 100 (so 0-100, one decimal); the extra
groups (pitfalls, balance, tracking) are reported but not scored.

This package imports no pandas at import time: ``CheckReport.frame()`` and
``CheckReport.indicators_frame()`` import it when called.
"""

from okrlib.method.checks.context import RULES, UnknownProfileError, checklist, load_profile, profiles, rule, rule_table
from okrlib.method.checks.engine import check
from okrlib.method.checks.findings import CheckReport, Finding, IndicatorResult

# Each module registers its rules with @rule when it is imported.
from okrlib.method.checks import align, balance, coverage, feasible, measure, tracking  # noqa: E402,F401

__all__ = [
    "Finding",
    "IndicatorResult",
    "CheckReport",
    "UnknownProfileError",
    "RULES",
    "check",
    "profiles",
    "load_profile",
    "rule",
    "rule_table",
    "checklist",
]
