"""Scoring OKRs: KR grades, objective grades, colour bands, pace, confidence, and three flags.

The course grades OKRs the way Google does (re:Work "Set goals with OKRs", and the playbook
printed in Doerr's *Measure What Matters*): every KR gets 0.0-1.0, the objective gets the
weighted mean, and the colour tells a reader at a glance where to look. During the cycle the same
grade, held against how much of the cycle has passed, says whether a KR is on pace (UpRaise's
rule), and the owner's 1-10 confidence (Wodtke, *Radical Focus*) says how the team feels about it.

Every threshold lives in ``okrlib/data/scoring.yaml`` with its source, so a figure is changed
in one reviewed place; functions whose threshold a checker profile may override take it as an
argument whose default comes from that file.

The three ``*Flag`` dataclasses are raw observations (ids and numbers), not messages: the T10
checker (``okrlib.method.checks``) turns them into findings in its own words and severity.

This module imports no pandas, plotly or ipywidgets at import time; ``scores_frame`` and
``objectives_frame`` import pandas when called.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Iterable, Literal, Optional, Sequence

from okrlib.words import labels
from okrlib.words.resources import data_file
from okrlib.plan.model import CheckIn, Cycle, KeyResult, Objective, UnknownIdError, Workbook

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Band",
    "Pace",
    "ConfidenceBand",
    "ConfidenceTrend",
    "SandbagFlag",
    "StaleFlag",
    "ChangeFlag",
    "settings",
    "kr_score",
    "current_value",
    "latest_checkin",
    "kr_score_at",
    "objective_score",
    "scores_by_id",
    "band",
    "band_label",
    "expectation",
    "meets_expectation",
    "expected_progress",
    "pace_status",
    "pace",
    "pace_label",
    "confidence_band",
    "confidence_trend",
    "confidence_rollup",
    "draft_confidence",
    "sandbagging",
    "sandbagging_by_objective",
    "stale_checkins",
    "unlogged_changes",
    "adjustment_mismatches",
    "reference_date",
    "scores_frame",
    "objectives_frame",
    "risk_band",
]

Band = Literal["red", "yellow", "green"]
Pace = Literal["on_track", "at_risk", "off_track"]
ConfidenceBand = Literal["at_risk", "has_issues", "on_track"]

_EPS = 1e-9  # float slack at thresholds: 0.95 x 0.6 computed is 0.5700000000000001


def settings() -> dict[str, Any]:
    """The parsed ``okrlib/data/scoring.yaml`` (thresholds and their sources)."""
    return data_file("scoring")


def risk_band(score: int) -> dict[str, Any]:
    """The band of a risk's ``likelihood x impact``: ``{"code", "min", "zh", "en"}`` (1-4 low,
    5-9 medium, 10-15 high, 16-25 critical; okr-method.md, in scoring.yaml). One place, so the
    checker's message, the risk matrix and the exported plan always name the same band."""
    found = None
    for b in settings()["risk"]["bands"]:
        if score >= b["min"]:
            found = b
    if found is None:
        raise ValueError(f"risk score {score} is below the lowest band")
    return found


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------


def _clamp(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def _fraction(value: float, baseline: float, target: float) -> float:
    """(value - baseline) / (target - baseline) clamped to [0, 1], also for values near 1e308."""
    num, den = value - baseline, target - baseline
    if math.isinf(num) or math.isinf(den):  # a difference overflowed: the same ratio, halved first
        num, den = value / 2 - baseline / 2, target / 2 - baseline / 2
    return _clamp(num / den)


def kr_score(kr: KeyResult, value: Optional[float]) -> Optional[float]:
    """A KR's grade 0.0-1.0 for a current ``value`` (Google re:Work grading), or None.

    None means "cannot be graded yet": no value recorded, or a metric KR without a target.

    - **metric** KRs score the share of the way covered from baseline to target,
      ``(value - baseline) / (target - baseline)``, clamped to [0, 1]. For ``down`` this is the
      mirrored ``(baseline - value) / (baseline - target)``, the same number. A count KR falls out
      of it: "launch six, three launched" (baseline 0, target 6, value 3) = 0.5, as re:Work says.
      Overshooting the target gives 1.0, going backwards 0.0.
    - A missing baseline means 0 for ``up`` (counts and new metrics start from nothing). For
      ``down`` there is no natural starting point, so the KR is graded only as met (1.0, value at
      or below target) or not yet gradable (None); the checker reports the missing baseline.
    - The numbers win over the ``direction`` label: a KR marked ``up`` with target below baseline
      is still graded by the distance covered towards its target (the checker reports the
      contradiction). ``direction`` decides only when baseline and target do not say it: baseline
      equal to target (then the score is binary: 1.0 on the right side of the line, else 0.0).
    - **maintain** ("不低于 90%", "控制在…以内") holds a line. okrlib reads the line's side from the
      numbers: a baseline above target means "at most target", otherwise "at least target".
      Held: 1.0. Not held and the team started on the wrong side of the line (88 → 不低于 90):
      the linear rule, so closing the gap earns partial credit (89 = 0.5). Not held and the
      baseline was already on the line or missing: 0.0 — holding a health line is all or nothing,
      like a KPI, which is expected at 100 % (okr-method.md, "OKR vs KPI").
    - **milestone** KRs are binary (re:Work: "a binary KR scores 0 or 1"): 1.0 once the value
      reaches the done line, else 0.0. The done line is ``milestone_done`` (1) in scoring.yaml, or
      the KR's own target when that is positive (a milestone tracked as 0-100 %).
    - **baseline** KRs ("capture a value this cycle", okr-method.md "Key results") are done, 1.0,
      as soon as any value is recorded.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kr.type == "baseline":
        return 1.0
    if kr.type == "milestone":
        done = kr.target if kr.target is not None and kr.target > 0 else settings()["grading"]["milestone_done"]
        return 1.0 if value >= done else 0.0
    target = kr.target
    if target is None:
        return None
    baseline = kr.baseline
    if kr.direction == "maintain":
        at_most = baseline is not None and baseline > target
        held = value <= target if at_most else value >= target
        if held:
            return 1.0
        if baseline is None or baseline == target:
            return 0.0
        return _fraction(value, baseline, target)
    if baseline is None:
        if kr.direction == "up":
            baseline = 0.0
        else:  # down without a starting point: met, or not gradable
            return 1.0 if value <= target else None
    if baseline == target:
        met = value >= target if kr.direction == "up" else value <= target
        return 1.0 if met else 0.0
    return _fraction(value, baseline, target)


class _View:
    """One pass over a workbook: KRs and objectives by id, each KR's check-ins by date."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.krs = {kr.id: kr for kr in wb.key_results}
        self.objectives = {o.id: o for o in wb.objectives}
        by_kr: dict[str, list[CheckIn]] = {}
        for c in wb.checkins:
            by_kr.setdefault(c.key_result, []).append(c)
        for rows in by_kr.values():
            rows.sort(key=attrgetter("date"))  # stable: same-day check-ins keep file order
        self.checkins = by_kr
        self._dates = {k: [c.date for c in rows] for k, rows in by_kr.items()}

    def kr(self, kr_id: str) -> KeyResult:
        found = self.krs.get(kr_id)
        if found is None:
            raise UnknownIdError(kr_id, "key_results", self._section_of(kr_id))
        return found

    def objective(self, objective_id: str) -> Objective:
        found = self.objectives.get(objective_id)
        if found is None:
            raise UnknownIdError(objective_id, "objectives", _section_of(self.wb, objective_id))
        return found

    def _section_of(self, rid: str) -> Optional[str]:
        return _section_of(self.wb, rid)

    def history(self, kr_id: str, as_of: Optional[dt.date] = None) -> list[CheckIn]:
        """The KR's check-ins dated on or before ``as_of`` (all when None), oldest first."""
        rows = self.checkins.get(kr_id, [])
        if as_of is None:
            return rows
        return rows[: bisect_right(self._dates.get(kr_id, []), as_of)]

    def latest_with_value(self, kr_id: str, as_of: Optional[dt.date]) -> Optional[CheckIn]:
        return next((c for c in reversed(self.history(kr_id, as_of)) if c.value is not None), None)

    def score(self, kr_id: str, as_of: Optional[dt.date]) -> Optional[float]:
        found = self.latest_with_value(kr_id, as_of)
        return kr_score(self.kr(kr_id), None if found is None else found.value)


def _section_of(wb: Workbook, rid: str) -> Optional[str]:
    return next((s for s, i, _ in wb.iter_ids() if i == rid), None)


def _objective(wb: Workbook, objective_id: str) -> Objective:
    """The objective with this id; UnknownIdError (naming the section the id is in, if any) if none."""
    for o in wb.objectives:
        if o.id == objective_id:
            return o
    raise UnknownIdError(objective_id, "objectives", _section_of(wb, objective_id))


def latest_checkin(wb: Workbook, kr_id: str, as_of: Optional[dt.date] = None) -> Optional[CheckIn]:
    """The KR's latest check-in that records a value, on or before ``as_of`` (None: the latest of all).

    Check-ins that only give a confidence are skipped: they say how the owner feels, not where the
    number is. Two on the same day: the later one in the file wins.
    """
    view = _View(wb)
    view.kr(kr_id)
    return view.latest_with_value(kr_id, as_of)


def current_value(wb: Workbook, kr_id: str, as_of: Optional[dt.date] = None) -> Optional[float]:
    """The KR's value as of a date: that of ``latest_checkin``; None before any value is recorded."""
    found = latest_checkin(wb, kr_id, as_of)
    return None if found is None else found.value


def kr_score_at(wb: Workbook, kr_id: str, as_of: Optional[dt.date] = None) -> Optional[float]:
    """``kr_score`` of the KR's ``current_value`` as of a date."""
    view = _View(wb)
    return view.score(kr_id, as_of)


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> Optional[float]:
    """Mean of (value, weight) pairs; plain mean when every weight is 0; None when empty."""
    pairs = list(pairs)
    if not pairs:
        return None
    top = max(w for _, w in pairs)
    if top <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    pairs = [(v, w / top) for v, w in pairs]  # scaled to at most 1: huge weights cannot overflow
    mean = sum(v * w for v, w in pairs) / sum(w for _, w in pairs)
    lo, hi = min(v for v, _ in pairs), max(v for v, _ in pairs)
    return min(max(mean, lo), hi)  # float rounding must not step outside the KRs' range


def objective_score(wb: Workbook, objective_id: str, as_of: Optional[dt.date] = None) -> Optional[float]:
    """The objective's grade: the mean of its KRs' scores weighted by ``KeyResult.weight``.

    re:Work: "the objective's grade is the (optionally weighted) average" of its KRs; Feishu OKR
    weighs KRs too. KRs that cannot be graded yet (no value, no target) are left out rather than
    counted as 0, so an early check-in on one KR is not dragged down by silence on the others;
    None when no KR can be graded. If every graded KR has weight 0, they count equally.
    """
    view = _View(wb)
    return _objective_score(view, view.objective(objective_id).id, as_of)


def _objective_score(view: _View, objective_id: str, as_of: Optional[dt.date]) -> Optional[float]:
    pairs = []
    for kr in view.wb.key_results_of(objective_id):
        s = view.score(kr.id, as_of)
        if s is not None:
            pairs.append((s, kr.weight))
    return _weighted_mean(pairs)


def scores_by_id(wb: Workbook, as_of: Optional[dt.date] = None) -> dict[str, Optional[float]]:
    """Every KR's ``kr_score_at`` and every objective's ``objective_score`` as of a date (None:
    ``reference_date``), by id, from one index of the check-ins; None where nothing can be graded."""
    when = reference_date(wb) if as_of is None else as_of
    view = _View(wb)
    out: dict[str, Optional[float]] = {kr.id: view.score(kr.id, when) for kr in wb.key_results}
    for o in wb.objectives:
        out[o.id] = _objective_score(view, o.id, when)
    return out


def band(score: float) -> Band:
    """The playbook colour of a score: ``red`` below 0.4, ``yellow`` below 0.7, else ``green``.

    The playbook (Measure What Matters) says 0.0-0.3 red, 0.4-0.6 yellow, 0.7-1.0 green, in steps
    of 0.1; okrlib closes the gaps by the lower bounds in scoring.yaml, so 0.35 is red, 0.65 yellow.
    """
    bounds = settings()["bands"]["lower_bounds"]
    found: Band = "red"
    for name in settings()["bands"]["order"]:
        if score >= bounds[name] - _EPS:
            found = name
    return found


def band_label(code: str, lang: Literal["zh", "en"] = "zh") -> str:
    """``band_label("green")`` -> ``绿``."""
    return settings()["bands"]["labels"][code][lang]


def expectation(objective: Objective) -> float:
    """The score an objective is expected to reach: committed 1.0, aspirational 0.7.

    Google's playbook (Measure What Matters): committed OKRs are expected to reach 1.0, a miss
    needs an explanation; aspirational ones to average about 0.7.
    """
    return float(settings()["expectations"][objective.kind])


def meets_expectation(objective: Objective, score: Optional[float]) -> Optional[bool]:
    """Whether ``score`` reaches the objective's ``expectation``; None when there is no score."""
    if score is None:
        return None
    return score >= expectation(objective) - _EPS


# --------------------------------------------------------------------------------------------
# Pace
# --------------------------------------------------------------------------------------------


def expected_progress(cycle: Cycle, as_of: dt.date) -> float:
    """The expected-by-now line: the fraction of the cycle elapsed on ``as_of``, 0.0-1.0.

    Linear from 0 on the cycle's first day to 1 on its last day (``Cycle.start_date`` /
    ``end_date``); 0 before and 1 after, and a one-day cycle is 1 on its day. Real KRs rarely
    move in a straight line (a launch comes late, a seasonal metric dips), which is why pace allows
    5 % and 25 % slack below it.
    """
    start, end = cycle.start_date, cycle.end_date
    if as_of >= end:  # first: a one-day cycle is over on its day
        return 1.0
    if as_of <= start:
        return 0.0
    return (as_of - start).days / (end - start).days


def pace_status(
    progress: float,
    expected: float,
    on_track: Optional[float] = None,
    at_risk: Optional[float] = None,
) -> Pace:
    """UpRaise's rule: ``on_track`` when progress >= 0.95 x expected, ``at_risk`` when >= 0.75 x,
    else ``off_track`` (ratios from scoring.yaml unless given).

    UpRaise names the middle state "falling behind" and the lowest "at risk"; okrlib's codes
    shift by one (see scoring.yaml, ``pace``). Nothing expected yet (expected 0): on track.
    """
    cfg = settings()["pace"]
    on = cfg["on_track"] if on_track is None else on_track
    risk = cfg["at_risk"] if at_risk is None else at_risk
    if progress >= on * expected - _EPS:
        return "on_track"
    if progress >= risk * expected - _EPS:
        return "at_risk"
    return "off_track"


def pace(
    wb: Workbook,
    kr_id: str,
    as_of: dt.date,
    on_track: Optional[float] = None,
    at_risk: Optional[float] = None,
) -> Optional[Pace]:
    """Whether a metric KR keeps pace with the cycle on ``as_of`` (``pace_status`` of its score
    against ``expected_progress``).

    None before the KR's first recorded value, when it cannot be graded (no target), and for
    milestone and baseline KRs: a 0-or-1 grade has no pace to keep until it is due (the checker
    looks at their due dates instead).
    """
    view = _View(wb)
    return _pace(view, view.kr(kr_id), as_of, on_track, at_risk)


def _pace(
    view: _View, kr: KeyResult, as_of: dt.date, on_track: Optional[float], at_risk: Optional[float]
) -> Optional[Pace]:
    if kr.type != "metric":
        return None
    score = view.score(kr.id, as_of)
    if score is None:
        return None
    return pace_status(score, expected_progress(view.wb.meta.cycle, as_of), on_track, at_risk)


def pace_label(code: str, lang: Literal["zh", "en"] = "zh") -> str:
    """``pace_label("at_risk")`` -> ``进度落后``."""
    return settings()["pace"]["labels"][code][lang]


# --------------------------------------------------------------------------------------------
# Confidence
# --------------------------------------------------------------------------------------------


def confidence_band(confidence: float) -> ConfidenceBand:
    """Koan's bands of a 1-10 confidence: 1-3 ``at_risk``, 4-7 ``has_issues``, 8-10 ``on_track``.

    A fractional value (a roll-up such as 7.5) falls in the band of its lower bound: 7.5 has issues.
    """
    bands = settings()["confidence"]["bands"]
    found: ConfidenceBand = "at_risk"
    for name, lowest in sorted(bands.items(), key=lambda item: item[1]):
        if confidence >= lowest:
            found = name
    return found


@dataclass(frozen=True)
class ConfidenceTrend:
    """How a KR owner's confidence moved over the check-ins up to a date.

    ``slope_per_week`` is the least-squares slope of confidence against time, in points per week
    (None with fewer than two dated confidences); ``change`` is latest minus first. Radical Focus
    re-scores confidence weekly, so a falling slope is the early warning the weekly sync is for.
    """

    key_result: str
    count: int
    first: Optional[int] = None
    first_date: Optional[dt.date] = None
    latest: Optional[int] = None
    latest_date: Optional[dt.date] = None
    change: Optional[int] = None
    slope_per_week: Optional[float] = None
    band: Optional[ConfidenceBand] = None

    @property
    def direction(self) -> Optional[Literal["rising", "falling", "flat"]]:
        if self.slope_per_week is None:
            return None
        if abs(self.slope_per_week) < 1e-9:
            return "flat"
        return "rising" if self.slope_per_week > 0 else "falling"


def confidence_trend(wb: Workbook, kr_id: str, as_of: Optional[dt.date] = None) -> ConfidenceTrend:
    """The KR's ``ConfidenceTrend`` from its check-ins dated on or before ``as_of`` (None: all)."""
    view = _View(wb)
    view.kr(kr_id)
    return _confidence_trend(view, kr_id, as_of)


def _confidence_trend(view: _View, kr_id: str, as_of: Optional[dt.date]) -> ConfidenceTrend:
    points = [(c.date, c.confidence) for c in view.history(kr_id, as_of) if c.confidence is not None]
    if not points:
        return ConfidenceTrend(kr_id, 0)
    (d0, c0), (d1, c1) = points[0], points[-1]
    slope = None
    xs = [(d - d0).days / 7 for d, _ in points]
    mx = sum(xs) / len(xs)
    sxx = sum((x - mx) ** 2 for x in xs)
    if len(points) >= 2 and sxx > 0:
        my = sum(c for _, c in points) / len(points)
        slope = sum((x - mx) * (c - my) for x, (_, c) in zip(xs, points)) / sxx
    return ConfidenceTrend(kr_id, len(points), c0, d0, c1, d1, c1 - c0, slope, confidence_band(c1))


def confidence_rollup(wb: Workbook, objective_id: str, as_of: Optional[dt.date] = None) -> Optional[float]:
    """The objective's confidence: its KRs' latest confidences averaged with the KRs' weights.

    The same weighting as ``objective_score`` (tools such as OKRify show the objective's confidence
    as the weighted average of its KRs'); KRs without a confidence yet are left out; None if none has.
    """
    view = _View(wb)
    return _confidence_rollup(view, view.objective(objective_id).id, as_of)


def _confidence_rollup(view: _View, objective_id: str, as_of: Optional[dt.date]) -> Optional[float]:
    pairs = []
    for kr in view.wb.key_results_of(objective_id):
        latest = _confidence_trend(view, kr.id, as_of).latest
        if latest is not None:
            pairs.append((float(latest), kr.weight))
    return _weighted_mean(pairs)


def draft_confidence(wb: Workbook, kr_id: str) -> Optional[int]:
    """The confidence the KR was drafted with: what the owner said before the cycle got going.

    That is the latest confidence dated on or before the cycle's start date, or, when none is
    that early, the KR's first confidence. None if the KR has no confidence at all.
    Radical Focus suggests 5/10 here: a KR set at 9-10 is one the team is sure to hit.
    """
    view = _View(wb)
    view.kr(kr_id)
    return _draft_confidence(view, kr_id)


def _draft_confidence(view: _View, kr_id: str) -> Optional[int]:
    start = view.wb.meta.cycle.start_date
    rated = [c for c in view.history(kr_id) if c.confidence is not None]
    if not rated:
        return None
    early = [c for c in rated if c.date <= start]
    return (early[-1] if early else rated[0]).confidence


# --------------------------------------------------------------------------------------------
# Flags
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SandbagFlag:
    """The average draft confidence is above the limit: the targets may be set to be safe.

    ``objective`` is the objective looked at (None: the whole workbook); ``drafts`` maps each KR
    that has a draft confidence to it; ``average`` is their plain mean; ``limit`` the threshold.
    """

    objective: Optional[str]
    average: float
    limit: float
    drafts: dict[str, int]

    @property
    def key_results(self) -> tuple[str, ...]:
        """The KRs drafted above the limit, the ones to talk about."""
        return tuple(k for k, c in self.drafts.items() if c > self.limit)


def sandbagging(
    wb: Workbook, max_average: Optional[float] = None, objective_id: Optional[str] = None
) -> Optional[SandbagFlag]:
    """A ``SandbagFlag`` when the mean ``draft_confidence`` of the KRs is above 9/10, else None.

    Several OKR tools flag an average draft confidence above 0.9 as sandbagging (okr-method.md,
    "Grading and confidence"); on the 1-10 scale that is above 9 — exactly 9.0 is not flagged.
    ``max_average`` overrides the limit (scoring.yaml ``flags.sandbagging``); ``objective_id``
    limits the look to one objective's KRs. KRs with no confidence are left out; None if none has.
    """
    if objective_id is None:
        krs = wb.key_results
    else:
        _objective(wb, objective_id)
        krs = wb.key_results_of(objective_id)
    drafts = _draft_confidences(wb, {kr.id for kr in krs})
    return _sandbag_flag(objective_id, krs, drafts, _sandbag_limit(max_average))


def sandbagging_by_objective(
    wb: Workbook, max_average: Optional[float] = None, objective_ids: Optional[Iterable[str]] = None
) -> list[SandbagFlag]:
    """``sandbagging(wb, max_average, o)`` of each objective (of ``objective_ids``, default all, in
    plan order) that is flagged: the checker's question about a whole plan, with the check-ins
    read once for all the objectives instead of once per objective."""
    wanted = [o.id for o in wb.objectives] if objective_ids is None else [_objective(wb, o).id for o in objective_ids]
    krs_of: dict[str, list[KeyResult]] = {o: [] for o in wanted}
    for kr in wb.key_results:
        found = krs_of.get(kr.objective)
        if found is not None:
            found.append(kr)
    drafts = _draft_confidences(wb, {kr.id for krs in krs_of.values() for kr in krs})
    limit = _sandbag_limit(max_average)
    flags = []
    for o in wanted:
        flag = _sandbag_flag(o, krs_of[o], drafts, limit)
        if flag is not None:
            flags.append(flag)
    return flags


def _sandbag_limit(max_average: Optional[float]) -> float:
    if max_average is None:
        return settings()["flags"]["sandbagging"]["max_average_draft_confidence"]
    return max_average


def _sandbag_flag(
    objective_id: Optional[str], krs: Sequence[KeyResult], drafts: dict[str, int], limit: float
) -> Optional[SandbagFlag]:
    """The rule itself: the KRs' draft confidences (those that have one, in plan order), their mean
    against the limit."""
    own = {kr.id: drafts[kr.id] for kr in krs if kr.id in drafts}
    if not own:
        return None
    average = sum(own.values()) / len(own)
    if average > limit + _EPS:
        return SandbagFlag(objective_id, average, float(limit), own)
    return None


def _draft_confidences(wb: Workbook, wanted: Optional[set[str]] = None) -> dict[str, int]:
    """KR id -> ``draft_confidence`` for every KR (of ``wanted``) that has one, in one pass over the
    check-ins, where ``draft_confidence`` sorts each KR's history.

    Invariant: the same answer as ``draft_confidence`` KR by KR (tests/test_scoring.py holds it to
    that over generated plans): among a KR's rated check-ins, the latest dated on or before the
    cycle's start (of one day's, the last in the file, as a stable sort leaves it), else the
    first (of one day's, the first in the file).
    """
    start = wb.meta.cycle.start_date
    early_date: dict[str, dt.date] = {}
    early: dict[str, int] = {}
    first_date: dict[str, dt.date] = {}
    first: dict[str, int] = {}
    for c in wb.checkins:
        v = c.confidence
        if v is None:
            continue
        k = c.key_result
        if wanted is not None and k not in wanted:
            continue
        d = c.date
        if d <= start:
            if k not in early_date or d >= early_date[k]:
                early_date[k], early[k] = d, v
        elif k not in first_date or d < first_date[k]:  # a later one matters only with none that early
            first_date[k], first[k] = d, v
    first.update(early)
    return first


@dataclass(frozen=True)
class StaleFlag:
    """A KR with no check-in for longer than ``max_age_days`` (``last_checkin`` None: never)."""

    key_result: str
    objective: str
    last_checkin: Optional[dt.date]
    age_days: int
    max_age_days: int


def stale_checkins(
    wb: Workbook, as_of: Optional[dt.date] = None, max_age_days: Optional[int] = None
) -> list[StaleFlag]:
    """KRs whose last check-in is more than ``max_age_days`` (14) days old on ``as_of``.

    The course syncs weekly (周同步, T14; Radical Focus re-scores confidence weekly), so 14 days is
    two missed syncs: a check-in 15 days old is stale, one 14 days old is not. Any check-in counts,
    even one with only a confidence. A KR never checked in is measured from the cycle's start, so
    it is flagged once the cycle is more than ``max_age_days`` under way. Nothing is stale before
    the cycle starts, and no check-ins are due after it ends (age is counted to the end date at
    most). Done milestone and baseline KRs need no more check-ins and are never flagged.
    Check-ins dated after ``as_of`` are ignored; ``as_of`` None means ``reference_date(wb)``.
    """
    limit = settings()["flags"]["stale_checkins"]["max_age_days"] if max_age_days is None else max_age_days
    latest, as_of = _last_checkin_dates(wb, as_of)
    cycle = wb.meta.cycle
    now = min(as_of, cycle.end_date)
    if now <= cycle.start_date:
        return []
    try:
        oldest: Optional[dt.date] = now - dt.timedelta(days=int(limit))
    except OverflowError:  # a limit beyond the calendar: every age is compared as it is
        oldest = None
    view: Optional[_View] = None
    flags = []
    for kr in wb.key_results:
        last = latest.get(kr.id)
        since = cycle.start_date if last is None else last
        if oldest is not None and since >= oldest:  # the same as age <= limit, without the subtraction
            continue
        age = (now - since).days
        if age <= limit:
            continue
        if kr.type != "metric":
            view = _View(wb) if view is None else view  # sorted histories: only a milestone or baseline KR needs a score
            if view.score(kr.id, as_of) == 1.0:
                continue
        flags.append(StaleFlag(kr.id, kr.objective, last, age, int(limit)))
    return flags


def _last_checkin_dates(wb: Workbook, as_of: Optional[dt.date]) -> tuple[dict[str, dt.date], dt.date]:
    """(KR id -> the date of its latest check-in dated on or before ``as_of``, ``as_of``), in one pass
    over the check-ins; ``as_of`` None means ``reference_date(wb)``, found in the same pass."""
    latest: dict[str, dt.date] = {}
    get = latest.get
    if as_of is None:
        for c in wb.checkins:
            d = c.date
            k = c.key_result
            last = get(k)
            if last is None or d > last:
                latest[k] = d
        return latest, max(latest.values(), default=None) or dt.date.today()
    for c in wb.checkins:
        d = c.date
        if d <= as_of:
            k = c.key_result
            last = get(k)
            if last is None or d > last:
                latest[k] = d
    return latest, as_of


@dataclass(frozen=True)
class ChangeFlag:
    """A KR field that changed between two versions of a plan with no adjustment logged for it."""

    key_result: str
    objective: str
    field: str
    old_value: Any
    new_value: Any


def _names_field(text: str, field_name: str) -> bool:
    """Whether an adjustment's ``field`` names this KR field: blank (any), the code, or a label."""
    text = text.strip().lower()
    if not text:
        return True
    names = {field_name, labels.field("key_results", field_name, "zh"), labels.field("key_results", field_name, "en")}
    return text in {n.lower() for n in names}


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _same_value(text: str, value: Any) -> bool:
    """Whether an adjustment's ``new_value`` text says ``value`` (a number, date or direction code)."""
    text = text.strip()
    if not text or value is None:
        return False
    if isinstance(value, dt.date):
        return value.isoformat() in text
    if isinstance(value, (int, float)):
        found = _NUMBER.search(text.replace(",", ""))
        return found is not None and math.isclose(float(found.group(0)), float(value), rel_tol=1e-9, abs_tol=1e-12)
    value = str(value)
    zh, en = labels.choice("direction", value, "zh"), labels.choice("direction", value, "en") or ""
    names = {value.lower(), zh, en.lower()}
    return text.lower() in names


def _logs(adjustments: Sequence[Any], kr: KeyResult, field_name: str) -> list[Any]:
    return [
        a
        for a in adjustments
        if a.relates_to in (kr.id, kr.objective) and _names_field(a.field, field_name)
    ]


def unlogged_changes(before: Workbook, after: Workbook, fields: Optional[Sequence[str]] = None) -> list[ChangeFlag]:
    """KR fields (target, baseline, direction, due) that differ between two versions of a plan
    without an adjustment (T15 调整记录) that accounts for the change.

    A change of field F of KR K is logged when ``after`` holds an adjustment that relates to K or
    to K's objective, whose ``field`` is blank or names F (code or label: ``target``, ``目标值``),
    and that either is new (its id is not in ``before``) or states the new value in ``new_value``
    (so logging first and editing the KR later also counts). Dates are not compared: the log's
    date is the day the change was agreed, which need not match the day the file was edited.
    KRs only in one version are not changes of a target (added or dropped KRs are the checker's
    business); KRs are matched by id. ``fields`` overrides the list in scoring.yaml.
    """
    fields = list(settings()["flags"]["unlogged_changes"]["fields"] if fields is None else fields)
    old_krs = {kr.id: kr for kr in before.key_results}
    known = {a.id for a in before.adjustments}
    flags = []
    for kr in after.key_results:
        old = old_krs.get(kr.id)
        if old is None:
            continue
        for name in fields:
            was, now = getattr(old, name), getattr(kr, name)
            if was == now:
                continue
            logs = _logs(after.adjustments, kr, name)
            if any(a.id not in known or _same_value(a.new_value, now) for a in logs):
                continue
            flags.append(ChangeFlag(kr.id, kr.objective, name, was, now))
    return flags


def adjustment_mismatches(wb: Workbook, fields: Optional[Sequence[str]] = None) -> list[ChangeFlag]:
    """KR fields that no longer hold what the latest logged adjustment set them to: one workbook's
    evidence of a change made after the last log (``unlogged_changes`` needs two versions).

    For each KR and field, the latest adjustment (by date, then file order) that relates to the KR,
    names the field explicitly and has a ``new_value`` is compared with the field's current value;
    a difference is flagged with ``old_value`` = the logged value (text) and ``new_value`` = now.
    """
    fields = list(settings()["flags"]["unlogged_changes"]["fields"] if fields is None else fields)
    ordered = sorted(wb.adjustments, key=attrgetter("date"))
    flags = []
    for kr in wb.key_results:
        for name in fields:
            logs = [
                a
                for a in ordered
                if a.relates_to == kr.id and a.field.strip() and _names_field(a.field, name) and a.new_value.strip()
            ]
            if logs and not _same_value(logs[-1].new_value, getattr(kr, name)):
                flags.append(ChangeFlag(kr.id, kr.objective, name, logs[-1].new_value, getattr(kr, name)))
    return flags


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def reference_date(wb: Workbook) -> dt.date:
    """The "now" of a plan when none is given: its latest check-in's date, else today.

    Case plans of the course are dated in another year; grading them as of the clock's today
    would put every KR before or after its cycle.
    """
    return max((c.date for c in wb.checkins), default=dt.date.today())


def scores_frame(wb: Workbook, as_of: Optional[dt.date] = None) -> "pd.DataFrame":
    """One row per KR: its objective, value, score, band, pace and confidence as of a date.

    ``as_of`` None means ``reference_date(wb)``. Columns: ``key_result, objective,
    objective_kind, type, direction, baseline, target, unit, weight, value, value_date, score,
    band, expectation, expected_progress, pace, confidence, confidence_band,
    confidence_change, confidence_slope_per_week``. Missing values are None (pandas: NaN/None).
    """
    import pandas as pd

    when = reference_date(wb) if as_of is None else as_of
    view = _View(wb)
    expected = expected_progress(wb.meta.cycle, when)
    rows = []
    for kr in wb.key_results:
        objective = view.objectives[kr.objective]
        latest = view.latest_with_value(kr.id, when)
        score = kr_score(kr, None if latest is None else latest.value)
        trend = _confidence_trend(view, kr.id, when)
        rows.append(
            {
                "key_result": kr.id,
                "objective": kr.objective,
                "objective_kind": objective.kind,
                "type": kr.type,
                "direction": kr.direction,
                "baseline": kr.baseline,
                "target": kr.target,
                "unit": kr.unit,
                "weight": kr.weight,
                "value": None if latest is None else latest.value,
                "value_date": None if latest is None else latest.date,
                "score": score,
                "band": None if score is None else band(score),
                "expectation": expectation(objective),
                "expected_progress": expected,
                "pace": _pace(view, kr, when, None, None),
                "confidence": trend.latest,
                "confidence_band": trend.band,
                "confidence_change": trend.change,
                "confidence_slope_per_week": trend.slope_per_week,
            }
        )
    columns = [
        "key_result", "objective", "objective_kind", "type", "direction", "baseline", "target", "unit",
        "weight", "value", "value_date", "score", "band", "expectation", "expected_progress", "pace",
        "confidence", "confidence_band", "confidence_change", "confidence_slope_per_week",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def objectives_frame(wb: Workbook, as_of: Optional[dt.date] = None) -> "pd.DataFrame":
    """One row per objective: ``objective, kind, score, band, expectation, meets_expectation,
    confidence, confidence_band, key_results, scored`` (as of ``reference_date`` when None)."""
    import pandas as pd

    when = reference_date(wb) if as_of is None else as_of
    view = _View(wb)
    rows = []
    for o in wb.objectives:
        score = _objective_score(view, o.id, when)
        conf = _confidence_rollup(view, o.id, when)
        krs = wb.key_results_of(o.id)
        rows.append(
            {
                "objective": o.id,
                "kind": o.kind,
                "score": score,
                "band": None if score is None else band(score),
                "expectation": expectation(o),
                "meets_expectation": meets_expectation(o, score),
                "confidence": conf,
                "confidence_band": None if conf is None else confidence_band(conf),
                "key_results": len(krs),
                "scored": sum(view.score(k.id, when) is not None for k in krs),
            }
        )
    columns = [
        "objective", "kind", "score", "band", "expectation", "meets_expectation",
        "confidence", "confidence_band", "key_results", "scored",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
