"""Editing a plan row by row, as the forms do: what is read, what is refused and why, what is saved."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import okrlib
from okrlib import Workbook
from okrlib.plan import editing
from okrlib.plan.editing import EditError
from okrlib.storage.planfile import PlanFile

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "plan.yaml"


@pytest.fixture(scope="module")
def wb() -> Workbook:
    return okrlib.load(EXAMPLE)


def _kr(**values):
    base = {"id": "KR9", "objective": "O1", "statement": "中型客户续费率从 80% 提升至 88%"}
    base.update(values)
    return base


@pytest.mark.parametrize(
    "typed, number",
    [("300万", 3_000_000), ("85%", 85), ("1,200", 1200), ("三百", 300), ("三百万", 3_000_000), ("0.5", 0.5),
     ("百分之八十", 80), (" 42 ", 42), (7, 7), (2.5, 2.5)],
)
def test_numbers_are_read_as_people_type_them(wb, typed, number):
    new = editing.apply(wb, "key_results", _kr(target=typed))
    assert new.get("KR9").target == number


@pytest.mark.parametrize("typed", ["约300万用户", "很多", "300万-400万", "3百"])
def test_a_number_field_refuses_words_and_says_how_to_write_it(wb, typed):
    with pytest.raises(EditError) as err:
        editing.apply(wb, "key_results", _kr(target=typed))
    (p,) = err.value.by_field["target"]
    assert "目标值" in p.message_zh and "300万" in p.message_zh and p.value == typed


@pytest.mark.parametrize("typed, day", [("2027-03-31", dt.date(2027, 3, 31)), ("2027/3/31", dt.date(2027, 3, 31)),
                                        ("2027年3月31日", dt.date(2027, 3, 31)), (dt.date(2027, 3, 1), dt.date(2027, 3, 1))])
def test_dates_in_the_usual_forms(wb, typed, day):
    assert editing.apply(wb, "key_results", _kr(due=typed)).get("KR9").due == day


def test_an_impossible_date_is_refused_by_field(wb):
    with pytest.raises(EditError) as err:
        editing.apply(wb, "key_results", _kr(due="2027-02-30"))
    assert set(err.value.by_field) == {"due"} and "2027-03-31" in err.value.by_field["due"][0].message_zh


def test_every_problem_of_a_row_is_reported_at_once_in_both_languages(wb):
    with pytest.raises(EditError) as err:
        editing.apply(wb, "key_results", _kr(objective="O9", statement=" ", target="many", direction="sideways"))
    assert set(err.value.by_field) == {"objective", "statement", "target", "direction"}
    for problems in err.value.by_field.values():
        assert all(p.message_zh and p.message_en for p in problems)


def test_choices_take_codes_or_labels_and_lists_take_any_separator(wb):
    new = editing.apply(wb, "key_results", _kr(direction="降低", dimension="商业", collaborators="销售部、客服部,运维部"))
    kr = new.get("KR9")
    assert (kr.direction, kr.dimension, kr.collaborators) == ("down", "business", ["销售部", "客服部", "运维部"])


def test_a_duplicate_id_is_refused_on_the_id_field(wb):
    with pytest.raises(EditError) as err:
        editing.apply(wb, "key_results", _kr(id="KR1.1"))
    assert "id" in err.value.by_field


def test_editing_a_row_keeps_the_others_and_renaming_carries_links(wb):
    values = editing.form_values(wb, "objectives", "O1")
    values["id"] = "O7"
    new = editing.apply(wb, "objectives", values, original="O1")
    assert [o.id for o in new.objectives] == ["O7"]
    assert {kr.objective for kr in new.key_results} == {"O7"}
    assert len(new.key_results) == len(wb.key_results)


def test_a_row_still_linked_cannot_be_deleted(wb):
    with pytest.raises(EditError) as err:
        editing.delete(wb, "objectives", "O1")
    (p,) = err.value.problems
    assert "KR1.1" in p.message_zh and p.code == "form_still_linked"
    assert "T1" not in {t.id for t in editing.delete(wb, "tasks", "T1").tasks}


def test_form_values_show_what_was_saved_and_new_rows_show_defaults(wb):
    shown = editing.form_values(wb, "key_results", "KR1.1")
    assert shown["statement"] == wb.get("KR1.1").statement and shown["target"] == "75"
    blank = editing.form_values(None, "key_results")
    assert blank["direction"] == "up" and blank["statement"] == "" and blank["due"] is None


def test_review_scores_are_keyed_by_their_kr(wb):
    new = editing.apply(wb, "review_scores", {"key_result": "KR1.2", "score": "0.7", "comment": "达成"})
    again = editing.apply(new, "review_scores", {"key_result": "KR1.2", "score": "0.8"}, original="KR1.2")
    assert [(s.key_result, s.score) for s in again.review.scores if s.key_result == "KR1.2"] == [("KR1.2", 0.8)]


def test_next_id_follows_the_plan_s_style(wb):
    assert editing.next_id(wb, "key_results", "O1") == "KR1.5"
    assert editing.next_id(wb, "tasks") not in {t.id for t in wb.tasks}
    assert editing.next_id(None, "risks") == "R1"


def test_the_plan_basics_are_edited_in_place(wb):
    new = editing.apply(wb, "meta", {"team": "新团队", "cycle.quarter": "2"})
    assert new.meta.team == "新团队" and new.meta.cycle.quarter == 2 and new.meta.product == wb.meta.product


@settings(max_examples=80, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda x: round(x, 6)))
def test_a_number_shown_by_a_form_reads_back_the_same(x):
    wb = okrlib.load(EXAMPLE)
    info = next(f for f in editing.fields("key_results") if f.name == "target")
    shown = editing.show(x, info)
    assert editing.apply(wb, "key_results", _kr(target=shown)).get("KR9").target == pytest.approx(x, rel=1e-12, abs=1e-9)


# ---- the plan file ---------------------------------------------------------------------------


@pytest.fixture
def plan_file(tmp_path) -> Path:
    path = tmp_path / "plan.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def test_an_accepted_edit_is_saved_at_once_and_a_refused_one_touches_nothing(plan_file):
    plan = PlanFile(plan_file)
    before = plan_file.read_bytes()
    with pytest.raises(EditError):
        plan.apply("key_results", _kr(target="很多"))
    assert plan_file.read_bytes() == before and plan.workbook.get("KR1.1")
    plan.apply("key_results", _kr(target="90%"))
    assert okrlib.load(plan_file).get("KR9").target == 90
    assert plan_file.with_name("plan.yaml.bak").read_bytes() == before


def test_a_new_plan_file_starts_with_the_given_basics(tmp_path):
    plan = PlanFile(tmp_path / "sub" / "mine.yaml", team="增长组", product="社区 App", product_type="to_c", year=2027, quarter=1)
    plan.apply("company_goals", {"id": "CG1", "level": "业务目标", "statement": "2027 年营收增长 30%"})
    again = PlanFile(tmp_path / "sub" / "mine.yaml")
    assert again.workbook.meta.team == "增长组" and again.workbook.get("CG1").level == "business_goal"


def test_listeners_hear_each_saved_edit(plan_file):
    plan = PlanFile(plan_file)
    heard = []
    plan.on_change(lambda wb: heard.append(len(wb.key_results)))
    plan.apply("key_results", _kr())
    assert heard == [len(okrlib.load(EXAMPLE).key_results) + 1]


def test_a_listener_of_some_parts_hears_only_their_changes(plan_file):
    """A risk added in M6 must not redraw the factor chart opened in M3 (each redraw costs)."""
    plan = PlanFile(plan_file)
    heard = []
    plan.on_change(lambda wb: heard.append("risks"), ["risks"])
    plan.on_change(lambda wb: heard.append("meta"), ["meta"])
    plan.on_change(lambda wb: heard.append("any"))
    plan.apply("tasks", {"id": "T91", "key_result": "KR1.1", "title": "补全知识库"})
    assert heard == ["any"]
    plan.apply("risks", {"id": "R9", "description": "供应商涨价", "likelihood": 3, "impact": 3})
    assert heard == ["any", "risks", "any"]
    heard.clear()
    plan.apply("meta", {**editing.form_values(plan.workbook, "meta"), "team": "新团队"})
    assert heard == ["meta", "any"]
    heard.clear()
    with plan.batch():
        plan.apply("tasks", {"id": "T92", "key_result": "KR1.1", "title": "上线评测集"})
        plan.delete("risks", "R9")
    assert heard == ["risks", "any"]


def test_an_edit_that_changes_nothing_tells_no_one(plan_file):
    plan = PlanFile(plan_file)
    heard = []
    plan.on_change(lambda wb: heard.append(1))
    plan.apply("tasks", {**editing.form_values(plan.workbook, "tasks", "T1")}, "T1")
    assert heard == []


def test_a_batch_of_edits_is_checked_row_by_row_saved_and_announced_once(plan_file):
    plan = PlanFile(plan_file)
    heard = []
    plan.on_change(lambda wb: heard.append(len(wb.tasks)))
    with plan.batch():
        plan.apply("tasks", {"id": "T91", "key_result": "KR1.1", "title": "补全知识库"})
        with pytest.raises(EditError):  # refused at once, as a click would be
            plan.apply("tasks", {"id": "T91", "key_result": "KR1.1", "title": "同号"})
        plan.apply("tasks", {"id": "T92", "key_result": "KR1.1", "title": "上线评测集"})
        assert heard == []
    assert {"T91", "T92"} <= {t.id for t in okrlib.load(plan_file).tasks}
    assert heard == [len(okrlib.load(EXAMPLE).tasks) + 2]


def test_a_batch_stopped_by_an_error_keeps_what_was_accepted(plan_file):
    plan = PlanFile(plan_file)
    with pytest.raises(RuntimeError):
        with plan.batch():
            plan.apply("tasks", {"id": "T91", "key_result": "KR1.1", "title": "补全知识库"})
            raise RuntimeError("kernel interrupted")
    assert okrlib.load(plan_file).get("T91")
