"""okrlib.method.scoring: the grading rules of okr-method.md, by example and by property."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import okrlib
from okrlib import UnknownIdError, Workbook
from okrlib.plan.model import Cycle, KeyResult, Objective
from okrlib.method import scoring
from testkit.strategies import workbooks
from okrlib.method.scoring import (
    band,
    confidence_band,
    confidence_rollup,
    confidence_trend,
    current_value,
    draft_confidence,
    expectation,
    expected_progress,
    kr_score,
    meets_expectation,
    objective_score,
    pace,
    pace_status,
    sandbagging,
    stale_checkins,
    unlogged_changes,
    adjustment_mismatches,
)

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "docs" / "examples" / "plan.yaml"
D = dt.date


def kr(**fields: Any) -> KeyResult:
    return KeyResult(**{"id": "K1", "objective": "O1", "statement": "x", **fields})


def workbook(
    krs: list[dict[str, Any]],
    checkins: list[tuple] = (),
    objectives: Optional[list[dict[str, Any]]] = None,
    adjustments: list[dict[str, Any]] = (),
    cycle: Optional[dict[str, Any]] = None,
) -> Workbook:
    """A plan for 2027Q1 (unless ``cycle``); checkins as (kr, date, value, confidence)."""
    return Workbook.from_dict(
        {
            "schema_version": 1,
            "meta": {"team": "t", "product": "p", "product_type": "to_b", "cycle": cycle or {"year": 2027, "quarter": 1}},
            "objectives": objectives or [{"id": "O1", "statement": "o"}],
            "key_results": [{"objective": "O1", "statement": "s", **k} for k in krs],
            "checkins": [
                {"id": f"C{i}", "key_result": k, "date": d, "value": v, "confidence": c}
                for i, (k, d, v, c) in enumerate(checkins)
            ],
            "adjustments": [{"change": "c", "reason": "r", **a} for a in adjustments],
        }
    )


# --------------------------------------------------------------------------------------------
# kr_score: the rules of okr-method.md, "Grading and confidence"
# --------------------------------------------------------------------------------------------


def test_count_kr_scores_by_fraction_launch_six_three_launched() -> None:
    assert kr_score(kr(target=6), 3) == 0.5  # re:Work's own example; no baseline means 0
    assert kr_score(kr(baseline=0, target=6), 3) == 0.5


def test_binary_kr_scores_zero_or_one() -> None:
    m = kr(type="milestone")
    assert kr_score(m, 0) == 0.0
    assert kr_score(m, 0.9) == 0.0
    assert kr_score(m, 1) == 1.0
    pct = kr(type="milestone", target=100)  # tracked as percent done
    assert kr_score(pct, 99) == 0.0 and kr_score(pct, 100) == 1.0


def test_baseline_kr_is_done_once_a_value_is_recorded() -> None:
    b = kr(type="baseline")
    assert kr_score(b, 0) == 1.0
    assert kr_score(b, None) is None


def test_up_linear_from_baseline_to_target() -> None:
    k = kr(baseline=55, target=75)  # plan.yaml KR1.1
    assert kr_score(k, 55) == 0.0
    assert kr_score(k, 65) == pytest.approx(0.5)
    assert kr_score(k, 75) == 1.0


def test_direction_down_is_mirrored() -> None:
    k = kr(baseline=0.12, target=0.08, direction="down")  # plan.yaml KR1.4
    assert kr_score(k, 0.12) == 0.0
    assert kr_score(k, 0.10) == pytest.approx(0.5)
    assert kr_score(k, 0.08) == pytest.approx(1.0)


def test_scores_are_clamped() -> None:
    up = kr(baseline=10, target=20)
    assert kr_score(up, 35) == 1.0 and kr_score(up, 0) == 0.0
    down = kr(baseline=20, target=10, direction="down")
    assert kr_score(down, 0) == 1.0 and kr_score(down, 30) == 0.0


def test_huge_numbers_do_not_overflow() -> None:
    k = kr(baseline=-1e308, target=1e308)  # target - baseline is inf in floats
    assert kr_score(k, 1e308) == 1.0
    assert kr_score(k, 0) == 0.5
    assert kr_score(k, -1e308) == 0.0


def test_no_value_or_no_target_is_not_gradable() -> None:
    assert kr_score(kr(target=6), None) is None
    assert kr_score(kr(baseline=3), 5) is None


def test_down_without_baseline_is_only_met_or_not_gradable() -> None:
    k = kr(target=10, direction="down")
    assert kr_score(k, 9) == 1.0
    assert kr_score(k, 11) is None


def test_baseline_equal_to_target_is_binary_by_direction() -> None:
    assert kr_score(kr(baseline=5, target=5), 5) == 1.0
    assert kr_score(kr(baseline=5, target=5), 4) == 0.0
    assert kr_score(kr(baseline=5, target=5, direction="down"), 4) == 1.0


def test_maintain_holds_a_line() -> None:
    at_least = kr(baseline=88, target=90, direction="maintain")  # plan.yaml KR1.2: 不低于 90%
    assert kr_score(at_least, 91) == 1.0
    assert kr_score(at_least, 90) == 1.0
    assert kr_score(at_least, 89) == pytest.approx(0.5)  # started below the line: partial credit
    assert kr_score(at_least, 87) == 0.0
    at_most = kr(baseline=0.5, target=0.3, direction="maintain")  # 控制在 0.3 以内
    assert kr_score(at_most, 0.2) == 1.0
    assert kr_score(at_most, 0.4) == pytest.approx(0.5)
    hold = kr(baseline=90, target=90, direction="maintain")  # already on the line: all or nothing
    assert kr_score(hold, 95) == 1.0
    assert kr_score(hold, 89.9) == 0.0
    assert kr_score(kr(target=90, direction="maintain"), 89) == 0.0


# --------------------------------------------------------------------------------------------
# values, objectives, bands, expectations
# --------------------------------------------------------------------------------------------


def test_current_value_is_the_latest_recorded_on_or_before_the_date() -> None:
    wb = workbook(
        [{"id": "K1", "target": 10}],
        [("K1", D(2027, 1, 8), 2, 5), ("K1", D(2027, 1, 22), 6, 6), ("K1", D(2027, 1, 15), 4, 5), ("K1", D(2027, 1, 29), None, 7)],
    )
    assert current_value(wb, "K1") == 6  # the confidence-only check-in of 1-29 has no value
    assert current_value(wb, "K1", D(2027, 1, 15)) == 4
    assert current_value(wb, "K1", D(2027, 1, 21)) == 4
    assert current_value(wb, "K1", D(2027, 1, 7)) is None
    with pytest.raises(UnknownIdError):
        current_value(wb, "O1")


def test_objective_score_is_the_weighted_mean_of_gradable_krs() -> None:
    wb = workbook(
        [
            {"id": "K1", "target": 10, "weight": 3},
            {"id": "K2", "target": 10, "weight": 1},
            {"id": "K3", "target": 10},  # no check-in: left out, not counted as 0
            {"id": "K4"},  # no target: left out
        ],
        [("K1", D(2027, 2, 1), 10, None), ("K2", D(2027, 2, 1), 2, None), ("K4", D(2027, 2, 1), 5, None)],
    )
    assert objective_score(wb, "O1") == pytest.approx((3 * 1.0 + 1 * 0.2) / 4)
    assert objective_score(wb, "O1", as_of=D(2027, 1, 1)) is None
    with pytest.raises(UnknownIdError):
        objective_score(wb, "K1")


def test_objective_score_with_huge_weights() -> None:
    wb = workbook(
        [{"id": "K1", "target": 10, "weight": 1e308}, {"id": "K2", "target": 10, "weight": 1e308}],
        [("K1", D(2027, 2, 1), 10, None), ("K2", D(2027, 2, 1), 0, None)],
    )
    assert objective_score(wb, "O1") == 0.5


def test_objective_score_with_all_weights_zero_counts_krs_equally() -> None:
    wb = workbook(
        [{"id": "K1", "target": 10, "weight": 0}, {"id": "K2", "target": 10, "weight": 0}],
        [("K1", D(2027, 2, 1), 10, None), ("K2", D(2027, 2, 1), 0, None)],
    )
    assert objective_score(wb, "O1") == 0.5


@pytest.mark.parametrize(
    "score, colour",
    [(0.0, "red"), (0.3, "red"), (0.35, "red"), (0.39, "red"), (0.4, "yellow"), (0.6, "yellow"),
     (0.65, "yellow"), (0.69, "yellow"), (0.7, "green"), (1.0, "green")],
)  # fmt: skip
def test_band_boundaries(score: float, colour: str) -> None:
    assert band(score) == colour


def test_committed_and_aspirational_expectations() -> None:
    committed = Objective(id="O1", statement="o", kind="committed")
    aspirational = Objective(id="O2", statement="o", kind="aspirational")
    assert expectation(committed) == 1.0
    assert expectation(aspirational) == 0.7
    assert meets_expectation(committed, 0.9) is False
    assert meets_expectation(committed, 1.0) is True
    assert meets_expectation(aspirational, 0.7) is True
    assert meets_expectation(aspirational, 0.69) is False
    assert meets_expectation(aspirational, None) is None


# --------------------------------------------------------------------------------------------
# pace
# --------------------------------------------------------------------------------------------


def test_expected_progress_of_a_quarter() -> None:
    q1 = Cycle(year=2027, quarter=1)  # 2027-01-01 .. 2027-03-31, 89 days apart
    assert expected_progress(q1, D(2026, 12, 1)) == 0.0
    assert expected_progress(q1, D(2027, 1, 1)) == 0.0
    assert expected_progress(q1, D(2027, 2, 15)) == pytest.approx(45 / 89)
    assert expected_progress(q1, D(2027, 3, 31)) == 1.0
    assert expected_progress(q1, D(2027, 5, 1)) == 1.0


@pytest.mark.parametrize(
    "progress, status",
    [(0.6, "on_track"), (0.57, "on_track"), (0.5699, "at_risk"), (0.45, "at_risk"), (0.4499, "off_track"), (0.0, "off_track")],
)
def test_pace_boundaries_at_095_and_075_of_expected(progress: float, status: str) -> None:
    assert pace_status(progress, 0.6) == status  # 0.95 x 0.6 = 0.57, 0.75 x 0.6 = 0.45


def test_pace_of_a_kr_in_a_custom_cycle() -> None:
    cycle = {"year": 2027, "start": "2027-01-01", "end": "2027-01-21"}  # 20 days
    wb = workbook([{"id": "K1", "target": 100}, {"id": "M1", "type": "milestone"}, {"id": "K2", "target": 100}],
                  [("K1", D(2027, 1, 3), 5, 5), ("K1", D(2027, 1, 11), 40, 5), ("M1", D(2027, 1, 11), 0, 5)],
                  cycle=cycle)  # fmt: skip
    # on 1-11 half the cycle is gone: 0.5 expected; 40 % done is 0.8 x expected
    assert pace(wb, "K1", D(2027, 1, 11)) == "at_risk"
    assert pace(wb, "K1", D(2027, 1, 11), on_track=0.8) == "on_track"
    assert pace(wb, "K1", D(2027, 1, 5)) == "off_track"  # 5 % done where 20 % was due
    assert pace(wb, "K1", D(2027, 1, 1)) is None  # no check-in yet
    assert pace(wb, "K2", D(2027, 1, 11)) is None
    assert pace(wb, "M1", D(2027, 1, 11)) is None  # milestones have no pace


# --------------------------------------------------------------------------------------------
# confidence
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("c, name", [(1, "at_risk"), (3, "at_risk"), (4, "has_issues"), (7, "has_issues"), (7.5, "has_issues"), (8, "on_track"), (10, "on_track")])
def test_koan_confidence_bands(c: float, name: str) -> None:
    assert confidence_band(c) == name


def test_confidence_trend_and_rollup() -> None:
    wb = workbook(
        [{"id": "K1", "target": 10, "weight": 3}, {"id": "K2", "target": 10}],
        [("K1", D(2027, 1, 1), 5, 5), ("K1", D(2027, 1, 8), 5, 7), ("K1", D(2027, 1, 15), None, 9),
         ("K2", D(2027, 1, 8), 1, 3)],
    )  # fmt: skip
    t = confidence_trend(wb, "K1")
    assert (t.count, t.first, t.latest, t.change, t.band) == (3, 5, 9, 4, "on_track")
    assert t.slope_per_week == pytest.approx(2.0) and t.direction == "rising"
    assert confidence_trend(wb, "K1", D(2027, 1, 8)).latest == 7
    single = confidence_trend(wb, "K2")
    assert single.slope_per_week is None and single.direction is None and single.band == "at_risk"
    assert confidence_trend(wb, "K1", D(2026, 1, 1)).count == 0
    assert confidence_rollup(wb, "O1") == pytest.approx((3 * 9 + 3) / 4)
    assert confidence_rollup(wb, "O1", D(2026, 1, 1)) is None


# --------------------------------------------------------------------------------------------
# flags
# --------------------------------------------------------------------------------------------


def _drafted(*confidences: int, on: dt.date = D(2027, 1, 2)) -> Workbook:
    krs = [{"id": f"K{i}", "target": 10} for i in range(len(confidences))]
    checkins = [(f"K{i}", on, 0, c) for i, c in enumerate(confidences)]
    return workbook(krs, checkins)


def test_sandbagging_flags_an_average_draft_confidence_above_nine() -> None:
    flag = sandbagging(_drafted(10, 9))  # 9.5
    assert flag is not None and flag.average == 9.5 and flag.limit == 9
    assert flag.drafts == {"K0": 10, "K1": 9} and flag.key_results == ("K0",)
    assert sandbagging(_drafted(8, 8)) is None
    assert sandbagging(_drafted(9, 9)) is None  # exactly 9 is not above 9
    assert sandbagging(_drafted(8, 8), max_average=7.5) is not None  # a profile's own limit
    assert sandbagging(workbook([{"id": "K1", "target": 1}])) is None  # nothing drafted


def test_draft_confidence_is_the_one_at_the_cycle_start_or_else_the_first() -> None:
    wb = workbook(
        [{"id": "K1", "target": 10}, {"id": "K2", "target": 10}],
        [("K1", D(2026, 12, 20), 0, 6), ("K1", D(2027, 1, 1), 0, 10), ("K1", D(2027, 1, 8), 1, 5),
         ("K2", D(2027, 1, 8), 1, 4), ("K2", D(2027, 1, 15), 1, 10)],
    )  # fmt: skip
    assert draft_confidence(wb, "K1") == 10  # the latest said on or before 2027-01-01
    assert draft_confidence(wb, "K2") == 4  # none that early: the first
    flag = sandbagging(wb)
    assert flag is None  # (10 + 4) / 2 = 7
    assert sandbagging(wb, objective_id="O1") is None


def test_a_checkin_fifteen_days_old_is_stale_at_fourteen() -> None:
    wb = workbook(
        [{"id": "K1", "target": 10}, {"id": "K2", "target": 10}, {"id": "M1", "type": "milestone"}],
        [("K1", D(2027, 2, 1), 1, 5), ("K2", D(2027, 2, 2), 1, 5), ("M1", D(2027, 1, 5), 1, 9)],
    )
    flags = stale_checkins(wb, D(2027, 2, 16))
    assert [(f.key_result, f.last_checkin, f.age_days, f.max_age_days) for f in flags] == [("K1", D(2027, 2, 1), 15, 14)]
    assert [f.key_result for f in stale_checkins(wb, D(2027, 2, 16), max_age_days=13)] == ["K1", "K2"]
    assert stale_checkins(wb, D(2027, 2, 15)) == []


def test_a_kr_never_checked_in_is_stale_once_the_cycle_is_under_way() -> None:
    wb = workbook([{"id": "K1", "target": 10}])
    assert stale_checkins(wb, D(2026, 12, 1)) == []
    assert stale_checkins(wb, D(2027, 1, 15)) == []  # 14 days in
    (flag,) = stale_checkins(wb, D(2027, 1, 16))
    assert (flag.key_result, flag.objective, flag.last_checkin, flag.age_days) == ("K1", "O1", None, 15)
    # after the cycle, age counts to its end only
    late = workbook([{"id": "K1", "target": 10}], [("K1", D(2027, 3, 25), 1, 5)])
    assert stale_checkins(late, D(2027, 6, 1)) == []


# ---- the one-pass readings of the flags, held to the rules as written ------------------------

_EDGES = st.sampled_from([D(2026, 12, 31), D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 16), D(2027, 3, 31), D(2027, 4, 1)])
_NEAR_START = _EDGES | st.dates(D(2026, 12, 20), D(2027, 4, 10))  # 2027Q1, its edges, a little either side


@st.composite
def _tracked_plans(draw: st.DrawFn) -> Workbook:
    """2027Q1 plans whose check-ins crowd the cycle's start: same-day pairs, drafts of 9 and 10."""
    n_o = draw(st.integers(1, 3))
    objectives = [{"id": f"O{i}", "statement": "o", "kind": draw(st.sampled_from(["committed", "aspirational"]))}
                  for i in range(n_o)]
    krs = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["metric", "metric", "milestone", "baseline"]))
        row = {"id": f"K{i}", "objective": f"O{draw(st.integers(0, n_o - 1))}", "type": kind, "target": 10}
        if kind == "milestone":
            row["target"] = draw(st.sampled_from([None, 1]))
        krs.append(row)
    checkins = [
        (f"K{draw(st.integers(0, len(krs) - 1))}", draw(_NEAR_START), draw(st.sampled_from([None, 0, 1, 5, 10])),
         draw(st.none() | st.integers(1, 10) | st.sampled_from([9, 10])))
        for _ in range(draw(st.integers(0, 25) if krs else st.just(0)))
    ]
    return workbook([], checkins, objectives=objectives) if not krs else Workbook.from_dict(
        {**workbook([], objectives=objectives).to_dict(), "key_results": [{"statement": "s", **k} for k in krs],
         "checkins": [{"id": f"C{i}", "key_result": k, "date": d, "value": v, "confidence": c}
                      for i, (k, d, v, c) in enumerate(checkins)]}
    )


_PLANS = _tracked_plans() | workbooks(max_rows=6)


def _stale_by_the_rule(wb: Workbook, as_of: Optional[dt.date], limit: int) -> list[scoring.StaleFlag]:
    """``stale_checkins`` as its docstring says it, KR by KR, with nothing skipped."""
    as_of = scoring.reference_date(wb) if as_of is None else as_of
    cycle = wb.meta.cycle
    now = min(as_of, cycle.end_date)
    if now <= cycle.start_date:
        return []
    flags = []
    for kr in wb.key_results:
        last = max((c.date for c in wb.checkins if c.key_result == kr.id and c.date <= as_of), default=None)
        if kr.type != "metric" and scoring.kr_score_at(wb, kr.id, as_of) == 1.0:
            continue  # a done milestone or baseline KR
        age = (now - (cycle.start_date if last is None else last)).days
        if age > limit:
            flags.append(scoring.StaleFlag(kr.id, kr.objective, last, age, limit))
    return flags


@settings(max_examples=150, deadline=None)
@given(wb=_PLANS, as_of=st.none() | _EDGES | _NEAR_START | st.dates(), limit=st.integers(-3, 40) | st.just(10**12))
def test_stale_checkins_read_in_one_pass_give_what_the_rule_gives_kr_by_kr(wb, as_of, limit) -> None:
    assert stale_checkins(wb, as_of, limit) == _stale_by_the_rule(wb, as_of, limit)


@settings(max_examples=150, deadline=None)
@given(wb=_PLANS, limit=st.none() | st.floats(0, 11) | st.sampled_from([8.0, 8.5, 9.0]))
def test_draft_confidences_read_in_one_pass_give_what_the_rule_gives_kr_by_kr(wb, limit) -> None:
    drafts = {kr.id: draft_confidence(wb, kr.id) for kr in wb.key_results}
    drafts = {k: c for k, c in drafts.items() if c is not None}
    assert scoring._draft_confidences(wb) == drafts
    bound = 9 if limit is None else limit
    flagged = []
    for o in [None] + [o.id for o in wb.objectives]:
        own = [drafts[kr.id] for kr in wb.key_results if kr.id in drafts and o in (None, kr.objective)]
        expected = bool(own) and sum(own) / len(own) > bound + 1e-9
        flag = sandbagging(wb, limit, o)
        assert (flag is not None) == expected
        if flag is not None:
            assert flag.average == pytest.approx(sum(own) / len(own)) and list(flag.drafts.values()) == own
            if o is not None:
                flagged.append(flag)
    assert scoring.sandbagging_by_objective(wb, limit) == flagged


def _versions(adjustments_before=(), adjustments_after=()) -> tuple[Workbook, Workbook]:
    before = workbook([{"id": "K1", "baseline": 0.12, "target": 0.06, "direction": "down"}], adjustments=adjustments_before)
    after = workbook([{"id": "K1", "baseline": 0.12, "target": 0.08, "direction": "down"}], adjustments=adjustments_after)
    return before, after


LOG = {"id": "A1", "date": "2027-02-10", "relates_to": "K1", "field": "target", "old_value": "0.06", "new_value": "0.08"}


def test_a_target_changed_without_a_logged_adjustment_is_flagged() -> None:
    (flag,) = unlogged_changes(*_versions())
    assert (flag.key_result, flag.objective, flag.field, flag.old_value, flag.new_value) == ("K1", "O1", "target", 0.06, 0.08)


def test_a_target_change_with_a_logged_adjustment_is_not_flagged() -> None:
    assert unlogged_changes(*_versions(adjustments_after=[LOG])) == []
    # logged under the objective, with the field's Chinese label
    assert unlogged_changes(*_versions(adjustments_after=[{**LOG, "relates_to": "O1", "field": "目标值"}])) == []
    # logged before the edit (the log was already in the old version) and stating the new value
    assert unlogged_changes(*_versions([LOG], [LOG])) == []


def test_an_old_or_unrelated_log_does_not_cover_a_change() -> None:
    old = {**LOG, "new_value": "0.07"}
    assert len(unlogged_changes(*_versions([old], [old]))) == 1  # says 0.07, the KR now says 0.08
    other_field = {**LOG, "field": "baseline"}
    assert len(unlogged_changes(*_versions(adjustments_after=[other_field]))) == 1
    assert unlogged_changes(*_versions()[:1] * 2) == []  # no change, no flag


def test_adjustment_mismatches_in_one_workbook() -> None:
    wb = okrlib.load(PLAN)  # A1 set KR1.4's target to 0.08, and it is 0.08
    assert adjustment_mismatches(wb) == []
    wb.get("KR1.4", "key_results").target = 0.07
    (flag,) = adjustment_mismatches(wb)
    assert (flag.key_result, flag.field, flag.old_value, flag.new_value) == ("KR1.4", "target", "0.08", 0.07)


# --------------------------------------------------------------------------------------------
# the example plan, frames, import cost
# --------------------------------------------------------------------------------------------


def test_the_example_plan() -> None:
    wb = okrlib.load(PLAN)
    assert scoring.reference_date(wb) == max(c.date for c in wb.checkins)
    wb.checkins = [c for c in wb.checkins if c.id in ("C1", "C2")]  # KR1.1: 56 on 01-08, 59 on 01-15
    assert scoring.reference_date(wb) == D(2027, 1, 15)
    frame = scoring.scores_frame(wb).set_index("key_result")
    assert frame.loc["KR1.1", "score"] == pytest.approx(0.2)  # 55 -> 59 of 55 -> 75
    assert frame.loc["KR1.1", "band"] == "red"
    assert frame.loc["KR1.1", "pace"] == "on_track"  # 14 of 89 days gone: 0.157 expected
    assert frame.loc["KR1.1", "confidence"] == 6 and frame.loc["KR1.1", "confidence_band"] == "has_issues"
    assert frame.loc["KR1.1", "expectation"] == 0.7
    assert frame["score"].isna().sum() == 3  # the other KRs have no value yet
    objectives = scoring.objectives_frame(wb).set_index("objective")
    assert objectives.loc["O1", "score"] == pytest.approx(0.2)
    assert objectives.loc["O1", "scored"] == 1 and objectives.loc["O1", "key_results"] == 4
    assert [f.key_result for f in stale_checkins(wb, D(2027, 2, 1))] == ["KR1.1", "KR1.2", "KR1.3", "KR1.4"]
    assert sandbagging(wb) is None


def test_scoring_does_not_import_pandas() -> None:
    code = "import sys, okrlib.method.scoring; sys.exit('pandas' in sys.modules or 'plotly' in sys.modules or 'ipywidgets' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_every_threshold_names_its_source() -> None:
    cfg = scoring.settings()
    for part in ("grading", "bands", "expectations", "pace", "confidence"):
        assert cfg[part]["source"].strip()
    for flag in cfg["flags"].values():
        assert flag["source"].strip()


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
any_finite = st.floats(allow_nan=False, allow_infinity=False)
directions = st.sampled_from(["up", "down", "maintain"])
types = st.sampled_from(["metric", "milestone", "baseline"])


@given(baseline=st.none() | any_finite, target=st.none() | any_finite, value=st.none() | any_finite, direction=directions, kind=types)
def test_score_is_in_0_1_or_none(baseline, target, value, direction, kind) -> None:
    s = kr_score(kr(baseline=baseline, target=target, direction=direction, type=kind), value)
    assert s is None or 0.0 <= s <= 1.0
    if value is not None and kind == "metric" and target is not None and direction == "up":
        assert s is not None


@given(a=finite, b=finite, v1=finite, v2=finite)
def test_score_is_monotone_for_up_and_antimonotone_for_down(a, b, v1, v2) -> None:
    lo, hi = sorted((a, b))
    assume(lo < hi)
    v1, v2 = sorted((v1, v2))
    up = kr(baseline=lo, target=hi, direction="up")
    assert kr_score(up, v1) <= kr_score(up, v2)
    down = kr(baseline=hi, target=lo, direction="down")
    assert kr_score(down, v1) >= kr_score(down, v2)


@given(baseline=any_finite, target=any_finite, direction=directions)
def test_score_of_target_is_one_and_of_baseline_zero(baseline, target, direction) -> None:
    assume(baseline != target)
    k = kr(baseline=baseline, target=target, direction=direction)
    assert kr_score(k, target) == pytest.approx(1.0)
    assert kr_score(k, baseline) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 100), st.floats(0, 10), st.one_of(st.none(), st.floats(-50, 150))),
        min_size=1,
        max_size=6,
    )
)
def test_objective_score_lies_between_its_kr_scores(rows) -> None:
    krs = [{"id": f"K{i}", "baseline": 0, "target": 100, "weight": w} for i, (_, w, _) in enumerate(rows)]
    checkins = [(f"K{i}", D(2027, 1, 5), v, None) for i, (_, _, v) in enumerate(rows) if v is not None]
    wb = workbook(krs, checkins)
    scores = [kr_score(wb.key_results[i], v) for i, (_, _, v) in enumerate(rows) if v is not None]
    result = objective_score(wb, "O1")
    if not scores:
        assert result is None
    else:
        assert min(scores) <= result <= max(scores)


@given(
    start=st.dates(D(2000, 1, 1), D(2100, 1, 1)),
    length=st.integers(0, 800),
    d1=st.dates(D(1999, 1, 1), D(2102, 12, 31)),
    d2=st.dates(D(1999, 1, 1), D(2102, 12, 31)),
)
def test_expected_progress_is_monotone_from_0_at_start_to_1_at_end(start, length, d1, d2) -> None:
    end = start + dt.timedelta(days=length)
    assume(end.year <= 2100)
    cycle = Cycle(year=start.year, start=start, end=end)
    d1, d2 = sorted((d1, d2))
    assert 0.0 <= expected_progress(cycle, d1) <= expected_progress(cycle, d2) <= 1.0
    assert expected_progress(cycle, end) == 1.0
    if length > 0:
        assert expected_progress(cycle, start) == 0.0


@given(score=st.floats(0, 1))
def test_bands_are_ordered(score) -> None:
    order = ["red", "yellow", "green"]
    assert order.index(band(score)) <= order.index(band(min(1.0, score + 0.05)))


@given(progress=st.floats(0, 1), more=st.floats(0, 1), expected=st.floats(0, 1))
def test_pace_never_worsens_with_more_progress(progress, more, expected) -> None:
    order = ["off_track", "at_risk", "on_track"]
    better = min(1.0, progress + more)
    assert order.index(pace_status(progress, expected)) <= order.index(pace_status(better, expected))
    assert pace_status(progress, 0.0) == "on_track"  # nothing expected yet


@settings(max_examples=12, deadline=None)
@given(wb=workbooks(max_rows=3), as_of=st.dates(D(1999, 1, 1), D(2101, 12, 31)))
def test_any_valid_workbook_scores_without_error(wb, as_of) -> None:
    """Odd but valid plans (huge numbers, dates from year 1, no check-ins) do not break scoring."""
    frame = scoring.scores_frame(wb, as_of)
    assert len(frame) == len(wb.key_results)
    assert frame["score"].dropna().between(0, 1).all()
    assert set(frame["band"].dropna()) <= {"red", "yellow", "green"}
    assert set(frame["pace"].dropna()) <= {"on_track", "at_risk", "off_track"}
    objectives = scoring.objectives_frame(wb)
    assert objectives["score"].dropna().between(0, 1).all()
    assert all(0 <= f.age_days for f in stale_checkins(wb, as_of))
    flag = sandbagging(wb)
    assert flag is None or flag.average > flag.limit
    assert unlogged_changes(wb, wb) == []
    adjustment_mismatches(wb)
