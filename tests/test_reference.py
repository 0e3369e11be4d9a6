"""The reference libraries load as checked tables, say what the course says, and agree with
the checker and the KR analyser they sit beside."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from okrlib import analyze_kr
from okrlib.course import reference
from okrlib.method.checks import checklist, rule_table
from okrlib.course.datasets import DataError

from testkit.csv_edit import edit_cell

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = ["T01", "T03", "T09", "T10", "T11", "T12", "T15", "T16", "T17", "T18"]


def test_the_issue_s_libraries_are_all_there():
    assert [r.id for r in reference.list()] == REQUIRED


@pytest.mark.parametrize("lib", REQUIRED)
def test_each_library_loads_into_a_non_empty_frame_with_its_sources(lib):
    ref = reference.get(lib)
    assert len(ref.frame) >= 5 and ref.sources
    assert ref.info.title and ref.info.title_en
    assert reference.load(lib.lower()) is ref.frame


def test_t01_indexes_every_tool_of_the_inventory():
    df = reference.load("T01")
    assert list(df["tool_id"]) == [f"T{i:02d}" for i in range(1, 20)]
    assert df["when_to_use"].notna().all() and df["output"].notna().all()


def test_t03_states_the_okr_kpi_difference_the_method_notes_give():
    text = " ".join(reference.load("T03").astype(str).to_numpy().ravel())
    for fact in ("0.7", "100", "0-1"):
        assert fact in text.replace("0.0-1.0", "0-1").replace("0～1", "0-1"), fact


def test_t09_has_thirty_balanced_entries_with_the_outline_example():
    df = reference.load("T09")
    assert len(df) >= 30
    assert set(df["product_type"]) == {"to_c", "to_b", "platform"}
    assert df.groupby(["product_type", "role"], observed=True).size().min() >= 2
    outline = df[df["company_goal"].str.contains("营收增长30%")]
    assert len(outline) >= 2  # 营收增长30% -> 付费用户数提升25%、客单价提升10%


def test_t09_strong_goals_are_outcomes_whose_numbers_the_analyser_reads():
    df = reference.load("T09")
    for row in df.itertuples():
        a = analyze_kr(row.strong_goal)
        assert a.measurable and not a.is_activity, row.strong_goal
        assert a.target is not None and math.isclose(a.target, row.target, rel_tol=1e-9), (row.strong_goal, a.target, row.target)
        if not pd.isna(row.baseline):
            assert a.baseline is not None and math.isclose(a.baseline, row.baseline, rel_tol=1e-9), row.strong_goal


def test_t09_weak_goals_marked_activity_or_unmeasurable_are_flagged_by_the_analyser():
    df = reference.load("T09")
    flagged = df[df["weak_flaw"].isin(["activity", "not_measurable"])]
    assert len(flagged) >= 20
    for row in flagged.itertuples():
        a = analyze_kr(row.weak_goal)
        assert a.is_activity or not a.measurable, row.weak_goal


def test_t10_is_the_checker_s_own_checklist():
    df = reference.load("T10")
    scored = df[df["scored"]]
    assert len(scored) == 10 and scored["dimension"].nunique() == 3
    assert len(df) == sum(len(d["indicators"]) for d in checklist())
    rules = {r for cell in df["rules"] for r in cell.split(", ")}
    assert rules <= set(rule_table())


def test_t11_handbook_covers_three_dimensions_with_examples_the_analyser_reads():
    df = reference.load("T11")
    assert len(df) >= 30
    assert set(df["dimension"]) == {"user", "business", "tech"}
    for row in df.itertuples():
        a = analyze_kr(row.example_kr)
        assert a.measurable and not a.is_activity, row.example_kr
        assert a.target is not None and math.isclose(a.target, row.example_target, rel_tol=1e-9), row.example_kr
    # ranges said to be published figures name their source
    public = df[df["range_basis"] == "public_fact"]
    assert len(public) >= 1 and public["source"].notna().all()


def test_t15_matrix_uses_the_risk_score_bands():
    df = reference.load("T15")
    bands = set(zip(df["score_min"], df["score_max"]))
    assert bands == {(1, 4), (5, 9), (10, 15), (16, 25)}  # okr-method.md: low, medium, high, critical


def test_t16_colour_bands_match_the_scoring_bands():
    text = " ".join(reference.load("T16").astype(str).to_numpy().ravel())
    for band in ("0.0-0.3", "0.4-0.6", "0.7-1.0"):
        assert band in text.replace("–", "-").replace("~", "-"), band


def test_a_broken_reference_copy_names_file_row_and_column(tmp_path):
    root = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", root)
    edit_cell(root / "T09_product_goal_library.csv", 4, "product_type", "to_x")
    with pytest.raises(DataError) as err:
        reference.load("T09", root=root)
    (p,) = err.value.problems
    assert p.path == "reference/T09_product_goal_library.csv" and p.location == "row 4, column product_type"
    assert "to_c" in p.message_zh


def test_an_unknown_library_lists_the_known_ones():
    with pytest.raises(DataError) as err:
        reference.load("T99")
    assert "T09" in str(err.value)
