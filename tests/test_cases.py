"""The five cases: they load typed, their numbers hold together, the checker finds the flaws
each story teaches, and a broken copy fails with its file, row and column named."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from okrlib.course import cases
from okrlib.course.datasets import DataError

from testkit.csv_edit import drop_column, edit_cell

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "data" / "cases"
INVENTORY = {"C1": "M1", "C2": "M2", "C3": "M3", "C4": "M5", "C5": "M6"}  # ../shared/course/inventory.md


@pytest.fixture(scope="module")
def loaded() -> dict[str, cases.Case]:
    return {c: cases.load(c) for c in INVENTORY}


def test_the_five_cases_of_the_inventory_are_listed_in_order():
    infos = cases.list()
    assert [(c.id, c.module) for c in infos] == list(INVENTORY.items())
    assert all(c.slug.isascii() and re.fullmatch(r"[a-z][a-z0-9_]*", c.slug) for c in infos)
    assert cases.ids() == list(INVENTORY)


@pytest.mark.parametrize("key", ["C3", "c3", "tencent_location_2019"])
def test_a_case_loads_by_id_or_folder_name(key):
    assert cases.load(key).id == "C3"


def test_an_unknown_case_is_named_with_the_known_ones():
    with pytest.raises(DataError) as err:
        cases.load("C9")
    text = str(err.value)
    assert "C9" in text and "C1" in text and "C5" in text


@pytest.mark.parametrize("case_id", list(INVENTORY))
def test_tables_come_typed(loaded, case_id):
    case = loaded[case_id]
    assert case.tables, "a case has tables of its own numbers"
    for name, spec in case.specs.items():
        df = case.tables[name]
        assert list(df.columns) == [c.name for c in spec.columns]
        assert len(df) > 0, f"{name} is empty"
        for col in spec.columns:
            dtype = df[col.name].dtype
            if col.type in ("date", "month"):
                assert pd.api.types.is_datetime64_any_dtype(dtype), (name, col.name, dtype)
            elif col.type == "category":
                assert isinstance(dtype, pd.CategoricalDtype) and list(dtype.categories) == list(col.values)
            elif col.type == "int":
                assert pd.api.types.is_integer_dtype(dtype), (name, col.name, dtype)
            elif col.type == "float":
                assert pd.api.types.is_float_dtype(dtype), (name, col.name, dtype)
            elif col.type in ("str", "ref"):
                assert pd.api.types.is_string_dtype(dtype), (name, col.name, dtype)


@pytest.mark.parametrize("case_id", list(INVENTORY))
def test_every_row_says_where_its_numbers_come_from(loaded, case_id):
    case = loaded[case_id]
    source_ids = {s.id for s in case.sources}
    for name, df in case.tables.items():
        assert set(df["source_status"].astype(str)) <= {"public_fact", "illustrative"}
        facts = df[df["source_status"] == "public_fact"]
        assert facts["source"].notna().all(), f"{name}: a public fact without its source"
        assert set(facts["source"]) <= source_ids


def test_c3_numbers_are_illustrative_and_say_so(loaded):
    case = loaded["C3"]
    assert "示意" in case.story
    for name, df in case.tables.items():
        facts = df[df["source_status"] == "public_fact"]
        # the only public figure found: the map platform's ~10 billion requests a day in 2015
        assert all("2015" in " ".join(map(str, row)) for row in facts.astype(str).itertuples()), name
    assert sum(len(df[df["source_status"] == "public_fact"]) for df in case.tables.values()) <= 2


@pytest.mark.parametrize("case_id", list(INVENTORY))
def test_each_case_declares_invariants_over_its_numbers(loaded, case_id):
    """The loader enforces them (a broken copy fails, below); a case without any would be unchecked."""
    case = loaded[case_id]
    assert sum(len(spec.checks) for spec in case.specs.values()) >= 2


@pytest.mark.parametrize("case_id", list(INVENTORY))
def test_the_story_is_told_for_participants_and_the_analysis_kept_apart(loaded, case_id):
    case = loaded[case_id]
    assert 250 <= len(re.sub(r"\s", "", case.story)) <= 1200
    assert len(case.learning_points) >= 3 and len(case.discussion_questions) >= 2
    assert case.instructor.analysis.strip() and case.instructor.analysis not in case.story


def _expected():
    for case_id in INVENTORY:
        case = cases.load(case_id)
        for f in case.instructor.expected_findings:
            yield pytest.param(case_id, f.rule, f.target, f.pending, id=f"{case_id}-{f.rule}-{f.target}")


@pytest.mark.parametrize("case_id, rule, target, pending", list(_expected()))
def test_the_checker_finds_the_flaws_the_story_teaches(loaded, case_id, rule, target, pending):
    found = {(f.rule, f.target) for f in loaded[case_id].check().findings}
    if pending:
        if (rule, target) in found:
            pytest.fail(f"{case_id}: the checker now finds {rule} on {target}: drop `pending` from case.yaml")
        pytest.xfail(f"waiting for the checker: {pending}")
    assert (rule, target) in found, f"{case_id}: {rule} on {target} not found; found {sorted(found)}"


@pytest.mark.parametrize("case_id", list(INVENTORY))
def test_every_case_teaches_at_least_one_flaw_the_checker_finds_now(loaded, case_id):
    assert any(not f.pending for f in loaded[case_id].instructor.expected_findings)


def test_c4_revised_plan_fixes_what_the_checklist_found(loaded):
    case = loaded["C4"]
    assert case.revised is not None and case.fixed_rules
    before = case.check()
    after = case.check(revised=True)
    assert set(case.fixed_rules) <= {f.rule for f in before.findings}
    assert not {f.rule for f in after.findings} & set(case.fixed_rules)
    assert after.score > before.score
    assert not [f for f in after.findings if f.severity == "error"]
    # every change is explained, and names the rule it answers
    changes = case.tables["changes"]
    from collections import Counter

    assert Counter(changes["rule"]) == Counter(f.rule for f in before.findings)  # one row per finding


def test_c5_target_change_is_found_only_against_the_earlier_plan(loaded):
    from okrlib import check

    case = loaded["C5"]
    assert case.previous is not None
    with_previous = {f.rule for f in case.check().findings}
    without = {f.rule for f in check(case.workbook, as_of=case.as_of).findings}
    assert "target-changed-unlogged" in with_previous and "target-changed-unlogged" not in without


def test_c1_funnel_adds_up_and_explains_the_miss(loaded):
    """The story's claim in the data: customers grew ~25 %, not 50 %, because churn rose."""
    f = loaded["C1"].tables["funnel"]
    net = f["customers_start"] + f["wins"] - f["churned_annual"] - f["churned_monthly"]
    assert (net == f["customers_end"]).all()
    year = f["month"].dt.year
    start = f[f["month"] == f["month"].min()]["customers_start"].sum()
    end_2022 = f[f["month"] == f[year == 2022]["month"].max()]["customers_end"].sum()
    end_2023 = f[f["month"] == f["month"].max()]["customers_end"].sum()
    churn = f.assign(c=f["churned_annual"] + f["churned_monthly"]).groupby(year)["c"].sum()
    assert end_2023 / end_2022 - 1 < 0.5  # the goal was missed
    assert churn[2023] > 2 * churn[2022]
    assert start < end_2022 < end_2023


def test_c2_pipeline_and_module_plan_do_not_meet(loaded):
    """Modules certified that no customer waits for, and customers waiting for unplanned ones."""
    case = loaded["C2"]
    plan, pipe = case.tables["module_plan"], case.tables["sales_pipeline"]
    wanted = set(pipe["required_module_id"].dropna())
    certified = set(plan.loc[plan["cert_end"].notna(), "module_id"])
    assert certified - wanted, "a certified module no customer is waiting for"
    assert pipe["required_module_id"].isna().any(), "customers waiting for a module that is not planned"
    assert (plan["cert_end"].dropna() > plan["cert_start"].dropna()).all()


def test_c3_shares_of_each_quarter_sum_to_100(loaded):
    df = loaded["C3"].tables["line_quarterly"]
    share = [c for c in df.columns if c.endswith("_pct")]
    assert share
    for col in share:
        sums = df.groupby(["year", "quarter"], observed=True)[col].sum()
        assert ((sums - 100).abs() <= 0.5).all(), col


def test_c5_check_ins_are_weekly_but_one_kr_went_quiet(loaded):
    case = loaded["C5"]
    wb = case.workbook
    assert wb.risks and wb.adjustments
    by_kr: dict[str, list] = {}
    for c in wb.checkins:
        by_kr.setdefault(c.key_result, []).append(c.date)
    quiet = []
    for kr, dates in by_kr.items():
        dates.sort()
        # weekly; the Spring Festival week (2022-02-04) has no sync
        if (case.as_of - dates[-1]).days > 21:
            quiet.append(kr)
        else:
            assert all((b - a).days <= 14 for a, b in zip(dates, dates[1:])), kr
    assert quiet == ["KR1.3"]  # the stale KR of the story (checkin-stale)


# ---- broken copies ---------------------------------------------------------------------------


@pytest.fixture
def c1_copy(tmp_path) -> Path:
    root = tmp_path / "cases"
    shutil.copytree(CASES / "saas_customer_growth", root / "saas_customer_growth")
    return root


def _problems(root: Path) -> list:
    with pytest.raises(DataError) as err:
        cases.load("C1", root=root)
    return err.value.problems


def test_a_bad_date_is_named_by_file_row_and_column(c1_copy):
    edit_cell(c1_copy / "saas_customer_growth" / "funnel.csv", 5, "month", "2022-13")
    (p,) = [p for p in _problems(c1_copy) if p.code == "data_bad_month"]
    assert p.path.endswith("funnel.csv") and p.location == "row 5, column month" and p.value == "2022-13"
    assert "YYYY-MM" in p.message_zh and "YYYY-MM" in p.message_en


def test_a_missing_column_is_named(c1_copy):
    drop_column(c1_copy / "saas_customer_growth" / "revenue.csv", "segment")
    (p,) = [p for p in _problems(c1_copy) if p.code == "data_missing_column"]
    assert p.path.endswith("revenue.csv") and "segment" in p.message_zh and "segment" in p.message_en
    assert p.location == "row 1, column segment"


def test_a_broken_id_reference_is_named(c1_copy):
    spec = cases.load("C1").specs
    table, column = next((n, c.name) for n, s in spec.items() for c in s.columns if c.ref)
    edit_cell(c1_copy / "saas_customer_growth" / spec[table].file, 2, column, "NO-SUCH-ID")
    (p,) = [p for p in _problems(c1_copy) if p.code == "data_broken_ref"]
    assert p.location == f"row 2, column {column}" and p.value == "NO-SUCH-ID"


def test_a_number_that_breaks_an_invariant_is_named(c1_copy):
    edit_cell(c1_copy / "saas_customer_growth" / "funnel.csv", 3, "wins", "99999")
    problems = _problems(c1_copy)
    failed = [p for p in problems if p.code == "data_check_failed"]
    assert failed and all(p.location.startswith("row 3, column ") for p in failed)
    assert any("wins <= opportunities" in p.message_en for p in failed)


def test_every_problem_is_reported_at_once_and_nothing_half_loaded(c1_copy):
    folder = c1_copy / "saas_customer_growth"
    edit_cell(folder / "funnel.csv", 4, "leads", "many")
    edit_cell(folder / "funnel.csv", 6, "segment", "巨型")
    edit_cell(folder / "revenue.csv", 2, "source_status", "public_fact")
    codes = {p.code for p in _problems(c1_copy)}
    assert {"data_not_int", "data_not_in_values", "data_fact_without_source"} <= codes


def test_a_broken_workbook_is_reported_with_the_tables(c1_copy):
    wb = c1_copy / "saas_customer_growth" / "workbook.yaml"
    wb.write_text(wb.read_text(encoding="utf-8").replace("schema_version: 1", "schema_version: 1\nbogus: 1", 1), encoding="utf-8")
    (p,) = _problems(c1_copy)
    assert p.path == "saas_customer_growth/workbook.yaml: bogus" and p.code == "extra_forbidden"
    assert p.location == f"line {wb.read_text(encoding='utf-8').splitlines().index('bogus: 1') + 1}"


def test_an_unquoted_comma_in_a_declaration_gets_a_fix_not_a_riddle(c1_copy):
    path = c1_copy / "saas_customer_growth" / "case.yaml"
    text = path.read_text(encoding="utf-8").replace("description: 新增线索数}", "description: 新增线索数, 含渠道}", 1)
    path.write_text(text, encoding="utf-8")
    (p,) = _problems(c1_copy)
    assert p.code == "data_flow_comma" and "引号" in p.message_zh and "quote" in p.message_en


def test_an_expected_finding_must_name_a_real_rule(c1_copy):
    path = c1_copy / "saas_customer_growth" / "case.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- rule: kr-jargon", "- rule: kr-jargonn", 1), encoding="utf-8")
    (p,) = _problems(c1_copy)
    assert p.code == "data_bad_expected" and p.value == "kr-jargonn"


# ---- finding a case by its id ----------------------------------------------------------------


def test_loading_a_case_by_id_reads_its_own_declaration_once_and_no_other(monkeypatch):
    read = []
    real = cases.load_yaml
    monkeypatch.setattr(cases, "load_yaml", lambda path, label, text=None: read.append(path.parent.name) or real(path, label, text))
    assert cases.load("C3").id == "C3"
    assert read == ["tencent_location_2019"]


def test_an_id_line_spelled_unusually_still_finds_the_case(c1_copy):
    path = c1_copy / "saas_customer_growth" / "case.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("id: C1\n")
    path.write_text('"id": C1\n' + text[len("id: C1\n"):], encoding="utf-8")
    assert cases.load("c1", root=c1_copy).id == "C1"


def test_a_broken_declaration_found_by_its_id_reports_its_own_problem(c1_copy):
    path = c1_copy / "saas_customer_growth" / "case.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbogus_field: 1\n", encoding="utf-8")
    problems = _problems(c1_copy)
    assert [p.code for p in problems] == ["extra_forbidden"] and "bogus_field" in problems[0].path


# ---- the id-line shortcut names only the case the YAML itself names ---------------------------

import yaml  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CASE_IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,5}", fullmatch=True).filter(
    lambda s: yaml.safe_load(s) == s)  # a plain name YAML reads as text (not "on", "null" ...)
_ID_SPELLINGS = [  # how an author may write the id line; the shortcut need not see them all
    "id: {id}", "id:   {id}", "id: '{id}'", 'id: "{id}"', "id: {id}  # the case",
    '"id": {id}', "id : {id}", "? id\n: {id}", "{{id: {id}}}",
]
_OTHER_LINES = st.sampled_from([
    "title: 案例", "module: M1", "story: |\n  id: Z9\n  不是真正的 id", "# id: Y8", "notes:\n  - id: X7",
    "tags: [a, b]", "company: '某公司'", "nested:\n  id: W6",
])


@settings(max_examples=200, deadline=None)
@given(case_id=_CASE_IDS, spelling=st.sampled_from(_ID_SPELLINGS), before=st.lists(_OTHER_LINES, max_size=3),
       after=st.lists(_OTHER_LINES, max_size=3))
def test_the_id_line_names_the_id_the_yaml_holds_or_nothing(case_id, spelling, before, after):
    line = spelling.format(id=case_id)
    if line.startswith("{"):  # a flow mapping is the whole document
        before = after = []
    text = "\n".join([*before, line, *after]) + "\n"
    parsed = yaml.safe_load(text)
    assert str(parsed["id"]) == case_id  # the declaration is what it says
    named = cases._id_line(text)
    assert named is None or named == case_id
    if spelling.startswith("id:"):  # the spellings the shortcut is for are seen
        assert named == case_id
