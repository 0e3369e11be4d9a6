"""okrlib.method.alignment: which class each node of the alignment tree is in, decided without plotly."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrlib import Workbook
from okrlib.course import cases
from okrlib.method import alignment, scoring
from okrlib.method.alignment import DETAIL_LINES, STATUS_CLASSES, UNSCORED, node_classes, node_ids
from okrlib.method.checks import CheckReport, Finding, check
from okrlib.words import numbers
from testkit import chart_samples as samples
from testkit.strategies import workbooks

D = dt.date


def _finding(target: str, severity: str, rule: str = "kr-no-owner") -> Finding:
    return Finding(rule=rule, indicator="T10-10", severity=severity, target=target, source="s",
                   params={"id": target, "kr": "", "statement": "x"})


def _report(*findings: Finding) -> CheckReport:
    return CheckReport(findings=tuple(findings), indicators=(), score=100.0, profile="course")


def test_every_node_of_the_tree_gets_a_class_goals_first_krs_last():
    wb = samples.example()
    ids = node_ids(wb)
    assert ids == [r.id for r in wb.company_goals] + [r.id for r in wb.product_goals] + \
        [r.id for r in wb.objectives] + [r.id for r in wb.key_results]
    for color_by in ("status", "score"):
        decided = node_classes(wb, color_by)
        assert list(decided.of) == ids and set(decided.of.values()) <= set(decided.classes)


def test_a_node_takes_its_worst_finding_and_info_does_not_count():
    wb = samples.example()
    kr1, kr2, kr3 = (kr.id for kr in wb.key_results[:3])
    o1 = wb.objectives[0].id
    report = _report(
        _finding(kr1, "warning"), _finding(kr1, "error"), _finding(kr1, "info"),
        _finding(kr2, "info"),
        _finding(kr3, "warning"),
        _finding(o1, "error"),
        _finding("workbook", "error"),  # about the plan as a whole: no node
    )
    decided = node_classes(wb, "status", report=report)
    assert decided.classes == STATUS_CLASSES == ("error", "warning", "ok")
    assert (decided.of[kr1], decided.of[kr2], decided.of[kr3], decided.of[o1]) == ("error", "ok", "warning", "error")
    assert "workbook" not in decided.of
    assert all(c == "ok" for nid, c in decided.of.items() if nid not in (kr1, kr3, o1))
    # the lines are the non-info findings' messages, in the checker's order
    assert len(decided.detail[kr1]) == 2 and kr2 not in decided.detail
    assert decided.detail[kr1][0] == report.findings[0].message("zh")
    assert node_classes(wb, "status", report=report, lang="en").detail[kr1][0] == report.findings[0].message("en")


def test_a_node_lists_at_most_a_few_findings():
    wb = samples.example()
    kr = wb.key_results[0].id
    decided = node_classes(wb, "status", report=_report(*[_finding(kr, "warning")] * (DETAIL_LINES + 3)))
    assert len(decided.detail[kr]) == DETAIL_LINES


def test_without_a_report_the_checker_is_asked_as_of_the_day_given():
    case = cases.load("C5")
    wb = case.workbook
    for as_of in (None, case.as_of, D(2000, 1, 1)):
        assert node_classes(wb, "status", as_of=as_of) == node_classes(wb, "status", report=check(wb, as_of=as_of))


def test_by_score_a_kr_or_objective_takes_its_band_and_goals_are_unscored():
    case = cases.load("C5")
    wb, when = case.workbook, case.as_of
    decided = node_classes(wb, "score", as_of=when)
    assert decided.classes == (*scoring.settings()["bands"]["order"], UNSCORED)
    graded = 0
    for kr in wb.key_results:
        s = scoring.kr_score_at(wb, kr.id, when)
        assert decided.of[kr.id] == (UNSCORED if s is None else scoring.band(s)), kr.id
        if s is not None:
            graded += 1
            assert decided.detail[kr.id] == (f"得分 {numbers.number(s, digits=2)}({scoring.band_label(scoring.band(s))})",)
        else:
            assert kr.id not in decided.detail
    assert graded
    for o in wb.objectives:
        s = scoring.objective_score(wb, o.id, when)
        assert decided.of[o.id] == (UNSCORED if s is None else scoring.band(s))
    for row in (*wb.company_goals, *wb.product_goals):
        assert decided.of[row.id] == UNSCORED and row.id not in decided.detail


def test_by_score_without_a_day_reads_the_plan_s_latest_check_in():
    wb = cases.load("C5").workbook
    assert node_classes(wb, "score") == node_classes(wb, "score", as_of=scoring.reference_date(wb))
    assert node_classes(wb, "score", lang="en").detail != node_classes(wb, "score").detail


def test_band_edges_come_from_scoring_yaml():
    data = samples.example().to_dict()
    data["checkins"] = [  # each exactly on a band's lower edge: the band above
        {"id": "C1", "key_result": "KR1.1", "date": D(2027, 2, 1), "value": 55 + 0.4 * 20},
        {"id": "C2", "key_result": "KR1.3", "date": D(2027, 2, 1), "value": 80 + 0.7 * 8},
        {"id": "C3", "key_result": "KR1.4", "date": D(2027, 2, 1), "value": 0.12 - 0.3 * 0.04},
    ]
    decided = node_classes(Workbook.from_dict(data), "score")
    assert [decided.of[k] for k in ("KR1.1", "KR1.3", "KR1.4", "KR1.2")] == ["yellow", "green", "red", UNSCORED]


def test_an_unknown_reading_is_refused():
    with pytest.raises(ValueError, match="color_by"):
        node_classes(samples.example(), "colour")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wb=workbooks(max_rows=4), as_of=st.none() | st.dates(D(2000, 1, 1), D(2100, 12, 31)))
def test_any_valid_plan_gets_one_class_per_node(wb, as_of):
    report = check(wb, as_of=as_of)
    for color_by in ("status", "score"):
        decided = node_classes(wb, color_by, report=report, as_of=as_of)
        assert list(decided.of) == node_ids(wb)
        assert set(decided.of.values()) <= set(decided.classes)
        assert set(decided.detail) <= set(decided.of)
    worst = alignment.worst_severity(report.findings)
    status = node_classes(wb, "status", report=report)
    for nid, cls in status.of.items():
        severities = {f.severity for f in report.findings if f.target == nid}
        assert cls == ("error" if "error" in severities else "warning" if "warning" in severities else "ok")
        assert worst.get(nid, "ok") == cls


def test_the_decision_needs_neither_plotly_nor_pandas():
    code = (
        "import sys, okrlib\n"
        "from okrlib.method import alignment\n"
        f"wb = okrlib.load({str(samples.EXAMPLE)!r})\n"
        "alignment.node_classes(wb, 'status'); alignment.node_classes(wb, 'score')\n"
        "print(sorted(m for m in ('plotly', 'pandas', 'ipywidgets') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
