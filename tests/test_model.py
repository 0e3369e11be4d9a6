"""The plan workbook model: what it accepts, what it refuses, and how it explains a refusal."""

from __future__ import annotations

import copy
import datetime as dt
import re
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

import okrlib
from okrlib import SECTIONS, UnknownIdError, Workbook, WorkbookError
from okrlib.words.resources import data_file
from okrlib.plan.model import Cycle, KeyResult, Meta

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "plan.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture()
def example() -> Workbook:
    return okrlib.load(EXAMPLE)


@pytest.fixture()
def data(example: Workbook) -> dict:
    return example.to_dict()


def problems_of(data: dict) -> list:
    with pytest.raises(WorkbookError) as info:
        Workbook.from_dict(data)
    return info.value.problems


def paths_of(data: dict) -> dict[str, str]:
    return {p.path: p.code for p in problems_of(data)}


# ---- the example and the chain ------------------------------------------------------------


def test_example_holds_every_section(example: Workbook) -> None:
    for name in SECTIONS:
        assert example.rows(name), f"the documented example should show section {name}"
    assert example.meta.cycle.label == "2027Q1"


def test_trace_runs_from_key_result_to_mission(example: Workbook) -> None:
    trace = example.trace("KR1.3")
    assert [(s.section, s.id) for s in trace] == [
        ("key_results", "KR1.3"),
        ("objectives", "O1"),
        ("product_goals", "PG1"),
        ("company_goals", "CG2"),
        ("company_goals", "CG1"),
        ("company_goals", "CG0"),
    ]
    assert trace.complete
    assert trace.company_goal is not None and trace.company_goal.id == "CG2"
    assert trace.steps[0].label_zh == "关键结果(KR)"


def test_trace_shows_where_the_chain_breaks(data: dict) -> None:
    data["objectives"].append({"id": "O2", "statement": "提升用户活跃度"})
    data["key_results"].append({"id": "KR2.1", "objective": "O2", "statement": "优化推送功能"})
    trace = Workbook.from_dict(data).trace("KR2.1")
    assert not trace.complete
    assert [s.id for s in trace] == ["KR2.1", "O2"]
    assert trace.company_goal is None


@pytest.mark.parametrize(
    "bad, actual, zh, en",
    [
        ("KR9", None, "找不到编号为 KR9 的关键结果(KR)", "No key result has the id KR9"),
        ("O1", "objectives", "编号 O1 是目标(O),此处应引用关键结果(KR)", "Id O1 names a row of kind objective; kind key result is expected here"),
    ],
)
def test_trace_of_something_that_is_not_a_key_result(example: Workbook, bad: str, actual, zh: str, en: str) -> None:
    with pytest.raises(UnknownIdError) as info:
        example.trace(bad)
    assert isinstance(info.value, KeyError)
    assert (info.value.id, info.value.expected, info.value.actual) == (bad, "key_results", actual)
    assert info.value.message_zh == zh and info.value.message_en.startswith(en)
    assert str(info.value) == f"{info.value.message_zh} / {info.value.message_en}"


def test_traces_of_all_key_results_at_once(example: Workbook) -> None:
    traces = example.traces()
    assert list(traces) == ["KR1.1", "KR1.2", "KR1.3", "KR1.4"]
    assert all(t == example.trace(kr) for kr, t in traces.items())


def test_get_finds_rows_of_any_section(example: Workbook) -> None:
    assert example.get("R1").likelihood == 3
    assert example.get("N2").kind == "carry_forward"
    assert example.get("KR1.2", "key_results").owner == "韩梅"
    with pytest.raises(UnknownIdError):
        example.get("nope")
    with pytest.raises(UnknownIdError) as info:
        example.get("R1", "tasks")
    assert info.value.actual == "risks"


def test_key_results_of_objective(example: Workbook) -> None:
    assert [kr.id for kr in example.key_results_of("O1")] == ["KR1.1", "KR1.2", "KR1.3", "KR1.4"]


def test_new_workbook_is_empty_and_valid() -> None:
    wb = Workbook.new("增长组", "会员中心", "to_c", 2027, 2)
    assert wb.meta.cycle.start_date == dt.date(2027, 4, 1)
    assert wb.meta.cycle.end_date == dt.date(2027, 6, 30)
    assert all(not wb.rows(name) for name in SECTIONS)


# ---- labels are read back as codes ---------------------------------------------------------


def test_labels_are_accepted_and_stored_as_codes(data: dict) -> None:
    data["meta"]["product_type"] = "平台型产品"
    data["company_goals"][2]["level"] = "业务目标"
    data["key_results"][0]["direction"] = "Increase"
    data["key_results"][0]["dimension"] = "用户/客户"
    data["objectives"][0]["kind"] = "承诺型"
    wb = Workbook.from_dict(data)
    assert wb.meta.product_type == "platform"
    assert wb.company_goals[2].level == "business_goal"
    assert wb.key_results[0].direction == "up"
    assert wb.key_results[0].dimension == "user"
    assert wb.objectives[0].kind == "committed"


def test_unknown_choice_lists_the_choices_in_both_languages(data: dict) -> None:
    data["key_results"][0]["direction"] = "sideways"
    (p,) = problems_of(data)
    assert p.path == "key_results[0].direction"
    assert p.value == "sideways"
    assert "maintain(保持)" in p.message_zh
    assert "maintain (Maintain)" in p.message_en


def test_every_literal_matches_the_vocabulary_file() -> None:
    vocab = data_file("vocab")
    seen = set()
    for section in SECTIONS.values():
        for model in _models_under(section.row):
            for name, info in model.model_fields.items():
                for lit in _literals(info.annotation):
                    matches = [k for k, v in vocab.items() if set(v) == set(lit)]
                    assert matches, f"{model.__name__}.{name}: {lit} has no list in vocab.yaml"
                    seen.update(matches)
    for name, info in Meta.model_fields.items():
        for lit in _literals(info.annotation):
            seen.update(k for k, v in vocab.items() if set(v) == set(lit))
    assert seen == set(vocab), f"vocab.yaml lists unused vocabularies: {set(vocab) - seen}"


def test_every_field_has_a_label_in_both_languages() -> None:
    labels = data_file("labels")
    for section in ["meta", *SECTIONS]:
        assert set(labels["sections"][section]) == {"zh", "en"}
    for model in [Meta, *(s.row for s in SECTIONS.values())]:
        for name in _flat_fields(model):
            assert name in labels["fields"], f"labels.yaml has no label for {model.__name__}.{name}"


def _models_under(model: type) -> list[type]:
    out = [model]
    for info in model.model_fields.values():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, okrlib.plan.model._Base):
            out += _models_under(ann)
    return out


def _flat_fields(model: type, prefix: str = "") -> list[str]:
    out = []
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, okrlib.plan.model._Base):
            out += _flat_fields(ann, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def _literals(annotation: object) -> list[tuple]:
    found = []
    if typing.get_origin(annotation) is typing.Literal:
        found.append(typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        found += _literals(arg)
    return found


def test_every_problem_code_in_the_code_has_messages() -> None:
    messages = data_file("messages")
    codes, names = set(), set()
    for path in (ROOT / "okrlib").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes.update(re.findall(r'"(okr_[a-z_]+)"', text))
        names.update(re.findall(r"^def (okr_[a-z_]+)", text, re.M))  # functions named in __all__
    codes -= names
    assert codes, "expected okrlib to raise its own problem codes"
    missing = codes - set(messages)
    assert not missing, f"messages.yaml lacks {missing}"
    for code, entry in messages.items():
        assert CJK.search(entry["zh"]), f"{code}: the Chinese message has no Chinese"
        assert not CJK.search(entry["en"]), f"{code}: the English message holds Chinese"


# ---- every problem at once, with path, value and both languages ----------------------------


def test_all_problems_are_listed_with_paths_values_and_both_languages(data: dict) -> None:
    data["key_results"][1].update(
        objective="O9", statement="  ", baseline="三成", target=float("inf"), due="2027-13-01", typo=1
    )
    data["key_results"][2]["collaborators"] = ["销售部, 市场部"]
    data["tasks"][0]["id"] = "KR1.1"
    data["checkins"][0]["confidence"] = 11
    data["risks"][0]["likelihood"] = 0
    found = {p.path: p for p in problems_of(data)}
    expected = {
        "key_results[1].objective": "okr_unknown_ref",
        "key_results[1].statement": "okr_blank",
        "key_results[1].baseline": "float_parsing",
        "key_results[1].target": "finite_number",
        "key_results[1].due": "date_from_datetime_parsing",
        "key_results[1].typo": "extra_forbidden",
        "key_results[2].collaborators[0]": "okr_name_separator",
        "tasks[0].id": "okr_duplicate_id",
        "checkins[0].confidence": "less_than_equal",
        "risks[0].likelihood": "greater_than_equal",
    }
    for path, code in expected.items():
        assert path in found, f"{path} not reported; got {sorted(found)}"
        if code != "date_from_datetime_parsing":
            assert found[path].code == code
        assert CJK.search(found[path].message_zh)
        assert found[path].message_en and not CJK.search(found[path].message_en.split(":")[0])
    assert found["key_results[1].baseline"].value == "三成"
    assert "不能大于 10" in found["checkins[0].confidence"].message_zh
    assert "first at key_results[0].id" in found["tasks[0].id"].message_en
    assert len(found) == len(expected)


def test_error_text_lists_each_problem_on_its_own_line(data: dict) -> None:
    data["key_results"][0]["target"] = "abc"
    data["key_results"][1]["objective"] = "O7"
    with pytest.raises(WorkbookError) as info:
        Workbook.from_dict(data, source="plan.yaml")
    text = str(info.value)
    assert text.startswith("plan.yaml: 工作簿有 2 处问题 / the workbook has 2 problems")
    assert "key_results[0].target = 'abc'" in text
    assert "找不到编号为 O7 的目标(O)" in text


def test_reference_to_the_wrong_kind_of_row(data: dict) -> None:
    data["objectives"][0]["derived_from"] = "CG2"
    (p,) = problems_of(data)
    assert (p.path, p.code) == ("objectives[0].derived_from", "okr_wrong_ref")
    assert "公司目标" in p.message_zh and "产品目标" in p.message_zh


def test_list_references_are_checked_one_by_one(data: dict) -> None:
    data["factors"][0]["affects"] = ["CG2", "CG7"]
    (p,) = problems_of(data)
    assert p.path == "factors[0].affects[1]" and p.value == "CG7"


def test_optional_links_may_be_empty_but_required_ones_may_not(data: dict) -> None:
    data["objectives"][0]["derived_from"] = None
    data["risks"][0]["relates_to"] = None
    Workbook.from_dict(data)
    del data["key_results"][0]["objective"]
    assert paths_of(data) == {"key_results[0].objective": "missing"}


@pytest.mark.parametrize(
    "name, code",
    [("销售部, 市场部", "okr_name_separator"), (" 销售部", "okr_name_spaces"), ("销售部\u3000", "okr_name_spaces"),
     ("", "okr_blank"), ("销\x07售", "okr_control_char")],
)  # fmt: skip
def test_names_in_a_list_fit_one_table_cell(data: dict, name: str, code: str) -> None:
    data["key_results"][0]["collaborators"] = ["研发部", name]
    assert paths_of(data) == {"key_results[0].collaborators[1]": code}


@pytest.mark.parametrize("bad_id", ["1KR", "KR 1", "目标一", "x" * 65, ""])
def test_ids_are_short_ascii_names(data: dict, bad_id: str) -> None:
    data["tasks"][1]["id"] = bad_id
    assert paths_of(data) == {"tasks[1].id": "okr_id"}


def test_text_with_control_characters_is_refused_but_line_ends_are_normalised(data: dict) -> None:
    data["tasks"][0]["title"] = "补全\x07知识库"
    assert paths_of(data) == {"tasks[0].title": "okr_control_char"}
    data["tasks"][0]["title"] = "第一行\r\n第二行\r第三行"
    assert Workbook.from_dict(data).tasks[0].title == "第一行\n第二行\n第三行"


def test_company_goal_hierarchy_runs_downwards(data: dict) -> None:
    data["company_goals"][0]["parent"] = "CG2"  # mission under a business goal (and a loop)
    found = [(p.path, p.code) for p in problems_of(data)]
    assert ("company_goals[0].parent", "okr_parent_level") in found
    assert ("company_goals[0].parent", "okr_parent_cycle") in found
    data = copy.deepcopy(data)
    for goal in data["company_goals"]:
        goal["level"] = "business_goal"
    data["company_goals"][0]["parent"] = "CG2"
    codes = [p.code for p in problems_of(data)]
    assert "okr_parent_cycle" in codes


def test_factor_category_must_fit_its_side(data: dict) -> None:
    data["factors"][0]["category"] = "竞品动态"  # external, on an internal factor
    (p,) = problems_of(data)
    assert p.code == "okr_category_side" and "外部" in p.message_zh and "external" in p.message_en
    data["factors"][0]["category"] = "other"
    Workbook.from_dict(data)


def test_each_key_result_is_scored_once(data: dict) -> None:
    data["review"]["scores"].append({"key_result": "KR1.1", "score": 0.5})
    assert paths_of(data) == {"review.scores[1].key_result": "okr_duplicate_score"}


def test_scores_stay_between_zero_and_one(data: dict) -> None:
    data["review"]["scores"][0]["score"] = 1.2
    assert paths_of(data) == {"review.scores[0].score": "less_than_equal"}


# ---- cycles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cycle, start, end, label",
    [
        ({"year": 2027}, dt.date(2027, 1, 1), dt.date(2027, 12, 31), "2027"),
        ({"year": 2027, "quarter": 4}, dt.date(2027, 10, 1), dt.date(2027, 12, 31), "2027Q4"),
        ({"year": 2028, "quarter": 1}, dt.date(2028, 1, 1), dt.date(2028, 3, 31), "2028Q1"),
        (
            {"year": 2027, "start": "2027-01-01", "end": "2027-02-28"},
            dt.date(2027, 1, 1),
            dt.date(2027, 2, 28),
            "2027-01-01 ~ 2027-02-28",
        ),
    ],
)
def test_cycle_dates(cycle: dict, start: dt.date, end: dt.date, label: str) -> None:
    c = Cycle.model_validate(cycle)
    assert (c.start_date, c.end_date, c.label) == (start, end, label)


@pytest.mark.parametrize(
    "cycle, code",
    [
        ({"year": 2027, "start": "2027-03-01"}, "okr_cycle_dates"),
        ({"year": 2027, "start": "2027-03-01", "end": "2027-01-01"}, "okr_cycle_order"),
        ({"year": 2027, "quarter": 2, "start": "2027-03-01", "end": "2027-05-01"}, "okr_cycle_both"),
        ({"year": 2027, "quarter": 5}, "less_than_equal"),
    ],
)
def test_bad_cycles_are_explained(data: dict, cycle: dict, code: str) -> None:
    data["meta"]["cycle"] = cycle
    assert code in paths_of(data).values()


# ---- editing in a notebook ------------------------------------------------------------------


def test_assignment_is_checked(example: Workbook) -> None:
    with pytest.raises(ValidationError):
        example.key_results[0].target = "很多"
    example.key_results[0].target = "80"
    assert example.key_results[0].target == 80.0


def test_assigning_a_section_checks_its_references(example: Workbook) -> None:
    extra = KeyResult(id="KR9", objective="O9", statement="某指标从 1 提升至 2")
    with pytest.raises(WorkbookError) as info:
        example.key_results = [*example.key_results, extra]
    assert info.value.problems[0].path == "key_results[4].objective"


def test_revalidate_catches_in_place_appends(example: Workbook) -> None:
    example.key_results.append(KeyResult(id="KR9", objective="O9", statement="某指标从 1 提升至 2"))
    with pytest.raises(WorkbookError):
        example.revalidate()


def test_direct_construction_checks_references() -> None:
    with pytest.raises(WorkbookError):
        Workbook(
            meta={"team": "t", "product": "p", "product_type": "to_c", "cycle": {"year": 2027}},
            key_results=[{"id": "KR1", "objective": "O1", "statement": "x"}],
        )


def test_roi_and_risk_scores(example: Workbook) -> None:
    assert example.product_goals[0].roi.ratio == pytest.approx((900 - 180) / 180)
    assert example.risks[0].score == 12


def test_core_import_does_not_pull_in_drawing_or_table_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys, okrlib; okrlib.load(sys.argv[1]); "
        "print(sorted(m for m in ('pandas','plotly','ipywidgets','openpyxl','cn2an') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_labels_name_sections_rows_fields_and_choices() -> None:
    from okrlib.words import labels

    assert labels.section("key_results") == "关键结果KR"
    assert labels.item("objectives", "en") == "objective"
    assert labels.item("no_such_section") == "条目"
    assert labels.field("risks", "impact") == "影响程度(1-5)"
    assert labels.field("factors", "impact") == "影响(-2~+2)"
    assert labels.field("key_results", "no_such_field") == "no_such_field"
    assert labels.choice("goal_level", "business_goal") == "业务目标"
    assert labels.choice("goal_level", "business_goal", "en") == "Business goal"
    assert labels.choice("goal_level", None) is None


def test_the_checker_and_the_kr_analyser_load_on_first_use() -> None:
    import subprocess
    import sys

    code = (
        "import sys, okrlib; before = 'okrlib.method.checks' in sys.modules; "
        "okrlib.check; okrlib.analyze_kr; print(before, 'okrlib.method.checks' in sys.modules, 'okrlib.method.analyze' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]
    assert set(okrlib.__all__) >= {"check", "analyze_kr", "Workbook"}
    with pytest.raises(AttributeError):
        okrlib.no_such_thing  # noqa: B018


# ---- the quick link check (model._links_hold) agrees with the row-by-row walk ------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from okrlib.plan import model as plan_model  # noqa: E402
from testkit.strategies import workbooks  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(wb=workbooks(max_rows=4), data=st.data())
def test_the_quick_link_check_agrees_with_the_row_by_row_walk(wb: Workbook, data) -> None:
    """A plan broken in place (an id doubled, a link pointed elsewhere: assignment checks the
    field, not the plan) gets from ``reference_problems`` exactly the problems of walking its
    rows, which is what the raw data of the same plan gets."""
    rows = [(section, row) for section, _, row in wb.iter_ids()]
    links = [(row, name, is_list) for section, refs in plan_model._REFS.items()
             for row in wb.rows(section) for name, _, is_list in refs]
    for _ in range(data.draw(st.integers(0, 2))):
        if rows and data.draw(st.booleans()):
            (_, a), (_, b) = data.draw(st.sampled_from(rows)), data.draw(st.sampled_from(rows))
            b.id = a.id
        elif links:
            row, name, is_list = data.draw(st.sampled_from(links))
            target = data.draw(st.sampled_from([r.id for _, r in rows] + ["Nowhere1"]))
            setattr(row, name, [target] if is_list else target)
    walked = plan_model.reference_problems(wb.model_dump())
    assert plan_model.reference_problems(wb) == walked
    broken = {"okr_duplicate_id", "okr_unknown_ref", "okr_wrong_ref"}
    if plan_model._links_hold(wb):
        assert not [p for p in walked if p.code in broken]
