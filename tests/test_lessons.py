"""The module views (okrlib.course.lessons) and their charts (okrlib.views.lesson_charts) keep
the numbers each module teaches with."""

from __future__ import annotations

import pytest

from okrlib.course import cases, lessons
from okrlib.views import lesson_charts, present
from testkit import surfaces


@pytest.fixture(scope="module")
def case() -> dict:
    return {i: cases.load(i) for i in ("C1", "C2", "C3", "C4", "C5")}


def test_m1_customers_end_short_of_the_target(case):
    customers = lessons.m1_customers_by_month(case["C1"])
    assert int(customers["customers_end"].iloc[-1]) == 1499
    fig = lesson_charts.m1_customers(case["C1"])
    assert list(fig.data[0].y)[-1] == 1499


def test_m1_funnel_and_churn(case):
    funnel = lessons.m1_funnel_2023(case["C1"])
    assert len(funnel) == 3 * 4 and funnel["count"].min() >= 0
    wins = funnel[funnel["stage"] == funnel["stage"].iloc[-1]]["count"].sum()
    assert wins == 664  # 2023's new customers
    churn = lessons.m1_churn_by_month(case["C1"])
    assert int(churn[churn["month"].dt.year == 2023]["churned"].sum()) == 367


def test_m4_multiples_cover_the_company_goal():
    multiples = lessons.m4_multiples()
    product = multiples["multiple"].prod()
    assert product == pytest.approx(1.375)
    said = lessons.m4_multiple_sentence()
    assert "1.375" in said and "37.5%" in said and "7.5%" in said


def test_m5_compare_is_draft_against_revision(case):
    side = lessons.m5_compare(case["C4"])
    assert side["findings_draft"].sum() > side["findings_revised"].sum() == 0
    assert side.attrs["fill"] == {"draft": case["C4"].check().score, "revised": case["C4"].check(revised=True).score}


def test_every_view_reads_as_words(case):
    frames = [
        lessons.m1_annual_summary(case["C1"]), lessons.m1_roadmap(case["C1"]), lessons.m1_benchmarks(case["C1"]),
        lessons.m2_outline_krs(), lessons.m2_module_plan(case["C2"]), lessons.m2_sales_pipeline(case["C2"]),
        lessons.m3_context_figures(case["C3"]), lessons.m3_goal_tree(case["C3"]), lessons.m3_five_dimensions(case["C3"]),
        lessons.m3_segments(case["C3"]), lessons.m4_library_counts(), lessons.m4_outline_example(), lessons.m4_multiples(),
        lessons.m4_renewal_summary(case["C1"]), lessons.m5_checklist(), lessons.m5_compare(case["C4"]),
        lessons.m5_changes(case["C4"]), lessons.m6_public_lead_times(case["C5"]),
        lessons.kr_scores(case["C5"].workbook, case["C5"].as_of), lessons.objective_scores(case["C5"].workbook, case["C5"].as_of),
        lessons.m7_weekly_shipments(case["C5"]),
    ]
    found = [v for df in frames for v in surfaces.violations(present.table_html(df, max_rows=200))]
    assert not found, surfaces.summary(found)


@pytest.mark.parametrize("name", lesson_charts.__all__)
def test_every_chart_draws(case, name):
    arg = {"m1": "C1", "m2": "C2", "m3": "C3", "m4": "C1", "m5": "C4", "m6": "C5"}[name[:2]]
    fig = getattr(lesson_charts, name)() if name == "m4_emphasis" else getattr(lesson_charts, name)(case[arg])
    assert fig.data and fig.layout.title.text
    assert "_" not in str(fig.layout.xaxis.title.text or "")
