"""present.table shows a participant words, never programmer output: headers from okrlib's
labels, codes by name, 是/否, ``—``, numbers through the one formatter, line breaks and bold
rendered; English only when asked (``lang="en"``)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from okrlib.course import cases, reference
from okrlib.views import present
from okrlib.words import numbers
from testkit import surfaces


@pytest.fixture()
def raw() -> pd.DataFrame:
    """A frame with everything the participant reported: snake_case columns, codes, Python
    values, tuples, a long float, a literal \\n, raw ** and a column of _zh text."""
    return pd.DataFrame({
        "key_result": ["KR1.1", "KR1.2", "KR1.3"],
        "objective_kind": ["aspirational", "committed", None],
        "direction": ["up", "down", "maintain"],
        "pace": ["at_risk", "on_track", "off_track"],
        "confidence_band": ["at_risk", "has_issues", None],
        "measurable": [True, False, None],
        "activity_words": [("完成", "落地"), (), None],
        "score": [0.849111, math.nan, 1.0],
        "expected_progress": [0.5, 0.25, pd.NA],
        "relative_change": [-0.5, None, 0.1],
        "message_zh": ["第一行\\n第二行", "**\"强考核导向\"**", "没有问题"],
        "product_type": ["to_c", "to_b", "platform"],
    })


def _table(df: pd.DataFrame, **kw) -> str:
    return present.table_html(df, "标题", **kw)


def test_the_raw_frame_is_programmer_output_without_translation(raw):
    """The scan can fail: the same cells printed by pandas trip it many times over."""
    found = surfaces.violations(raw.to_html())
    assert len(found) >= 15, found


def test_table_shows_only_words(raw):
    html = _table(raw)
    assert surfaces.violations(html) == []
    shown = present.readable(raw)
    assert list(shown.columns)[:4] == ["KR", "O 的类型", "方向", "进度状态"]
    assert list(shown["O 的类型"]) == ["挑战型", "承诺型", numbers.MISSING]
    assert list(shown["方向"]) == ["提升", "降低", "保持"]
    assert list(shown["进度状态"]) == ["进度落后", "正常推进", "严重滞后"]
    assert list(shown["信心状态"]) == ["有风险", "有问题", numbers.MISSING]  # at_risk: its own column's word
    assert list(shown["可量化"]) == ["是", "否", numbers.MISSING]
    assert list(shown["活动词"]) == ["完成、落地", numbers.MISSING, numbers.MISSING]
    assert list(shown["得分(0-1)"]) == ["0.85", numbers.MISSING, "1"]
    assert list(shown["应有进度"]) == ["50%", "25%", numbers.MISSING]
    assert list(shown["相对变化"]) == ["-50%", numbers.MISSING, "10%"]
    assert list(shown["产品类型"]) == ["To C 产品", "To B 产品", "平台型产品"]
    assert "第一行<br>第二行" in html and "<b>&quot;强考核导向&quot;</b>" in html and "**" not in html


def test_english_when_asked(raw):
    html = _table(raw, lang="en")
    shown = present.readable(raw, lang="en")
    assert "Pace" in shown.columns and list(shown["Direction"]) == ["Increase", "Decrease", "Maintain"]
    assert list(shown["Measurable"]) == ["Yes", "No", numbers.MISSING]
    assert "提升" not in html and "进度" not in html


def test_row_labels_and_a_pivot_s_columns_are_named():
    counts = reference.load("T09").groupby(["role", "product_type"], observed=True).size().unstack()
    shown = present.readable(counts)
    assert list(shown.columns) == ["产品角色", "To C 产品", "To B 产品", "平台型产品"]
    assert list(shown["产品角色"]) == ["核心营收载体", "技术试点", "市场补充"]
    assert surfaces.violations(present.table_html(counts)) == []


def test_case_tables_use_their_declaration():
    case = cases.load("C1")
    df = case.tables["annual_summary"][["year", "segment", "customers_start", "logo_renewal_rate_pct", "mrr_start_yuan",
                                        "cac_payback_months", "source_status", "source"]]
    shown = present.readable(df)
    assert list(shown.columns) == ["年份", "客户规模", "年初付费客户数", "年付客户续约率", "年初 MRR", "获客成本回收期(月)",
                                   "数据来源性质", "来源"]
    assert shown["年付客户续约率"].iloc[0] == "82.7%" and shown["年初 MRR"].iloc[0].endswith("元")
    assert set(shown["数据来源性质"]) <= {"公开事实", "教学示意"}
    assert surfaces.violations(present.table_html(df)) == []


def test_unknown_columns_stay_visible_so_the_surface_test_catches_them():
    html = present.table_html(pd.DataFrame({"some_new_column": [1]}))
    assert surfaces.violations(html)


def test_caption_is_filled_from_the_frame():
    df = pd.DataFrame({"id": ["T10-1"]})
    df.attrs["fill"] = {"score": 72.5}
    assert "总分 72.5 / 100" in present.table_html(df, "总分 {score} / 100")


def test_checker_findings_name_their_rules_not_ids():
    """A 规则 column reads 'KR 写成了活动', never kr-is-activity (a rule id is programmer output)."""
    import pandas as pd

    from okrlib.words.resources import data_file

    assert surfaces.violations(pd.DataFrame({"规则": ["kr-is-activity"]}).to_html())
    rules = data_file("rules")["rules"]
    assert all({"zh", "en"} <= set(spec["name"]) for spec in rules.values())
    df = pd.DataFrame({"rule": list(rules), "target": ["KR1.1"] * len(rules)})
    html = present.table_html(df)
    assert surfaces.violations(html) == []
    assert rules["kr-is-activity"]["name"]["zh"] in html and "kr-is-activity" not in html


def test_t02_is_headed_by_what_each_rule_asks(tmp_path):
    import shutil

    from okrlib.views import widgets

    from testkit.course_day import ROOT

    shutil.copy(ROOT / "docs" / "examples" / "plan.yaml", tmp_path / "plan.yaml")
    baseline = widgets.tool("T02", widgets.open_plan(tmp_path / "plan.yaml")).parts[0]
    assert surfaces.violations(baseline.out.value) == []
    assert "KR 是结果而非活动" in baseline.out.value and "kr-is-activity" not in baseline.out.value
