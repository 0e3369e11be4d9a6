"""Tables: frames, Excel and CSV give back exactly the workbook, and say where a bad cell is."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from testkit.strategies import workbooks

import okrlib
from okrlib import SECTIONS, Workbook, WorkbookError
from okrlib.words.resources import data_file
from okrlib.storage.tables import TABLES, from_frames, frames, read_csv, read_excel, to_csv, to_excel

ROOT = Path(__file__).resolve().parents[1]
LABELS = data_file("labels")
CJK = re.compile(r"[\u4e00-\u9fff]")

ROUND_TRIPS = settings(max_examples=40, deadline=None)
# A file round trip costs ~0.1-0.3 s (openpyxl, 15 files): shrinking a failure would take many
# minutes, so these report the first failing workbook as drawn; same() names the differing
# field, and the example-based tests below pin each known trap on its own.
FILE_ROUND_TRIPS = settings(ROUND_TRIPS, phases=(Phase.explicit, Phase.reuse, Phase.generate))
XLSX_ROUND_TRIPS = settings(FILE_ROUND_TRIPS, max_examples=25)


def plan() -> dict[str, Any]:
    """A small plan with the values exporters get wrong."""
    return {
        "schema_version": 1,
        "meta": {
            "team": "增长组 🚀",
            "product": "云盘",
            "company": "",
            "product_type": "to_c",
            "cycle": {"year": 2027, "quarter": 1},
        },
        "company_goals": [
            {"id": "CG1", "level": "annual_strategy", "statement": "拓展中小企业市场"},
            {
                "id": "CG2",
                "level": "business_goal",
                "statement": "年度收入增长 30%",
                "parent": "CG1",
                "decode": {"essence": "付费用户规模扩大\n第二行", "relevance": 4},
            },
        ],
        "factors": [
            {"id": "F1", "side": "external", "category": "competitor", "description": "竞品降价", "impact": -2,
             "affects": ["CG1", "CG2"]},
        ],  # fmt: skip
        "product_goals": [
            {"id": "PG1", "role": "revenue_core", "statement": "提升付费转化", "baseline": 2.5, "target": 4,
             "deadline": dt.date(2027, 3, 31), "roi": {"investment": 100, "unit": ""}, "derived_from": "CG2"},
        ],  # fmt: skip
        "objectives": [{"id": "O1", "statement": "让小团队爱上云盘", "derived_from": "PG1"}],
        "key_results": [
            {"id": "KR1", "objective": "O1", "statement": "=1+1", "metric": "001", "baseline": -1.5,
             "target": 0.30000000000000004, "unit": "%", "direction": "down", "dimension": "business",
             "due": dt.date(1899, 12, 31), "collaborators": ["销售部", "客户成功部"], "data_source": "#N/A"},
            {"id": "KR2", "objective": "O1", "statement": "NA", "metric": "null", "owner": "None",
             "data_source": " nan ", "weight": 0.5, "target": 1e20},
            {"id": "KR3", "objective": "O1", "statement": "留存 ≥ 45% 🎯", "target": 45},
        ],  # fmt: skip
        "cross_dept": [{"id": "X1", "department": "销售部", "need": "名单", "agreed": True, "relates_to": "KR1"}],
        "tasks": [{"id": "T1", "key_result": "KR1", "title": "上线", "status": "doing", "due": dt.date(2027, 2, 1)}],
        "checkins": [
            {"id": "C1", "key_result": "KR1", "date": dt.date(2027, 1, 8), "value": 56, "confidence": 5},
            {"id": "C2", "key_result": "KR1", "date": dt.date(2027, 1, 15)},
        ],
        "risks": [{"id": "R1", "description": "人员离职", "likelihood": 3, "impact": 4}],
        "adjustments": [{"id": "A1", "date": dt.date(2027, 2, 10), "change": "放宽目标", "reason": "涨价",
                         "old_value": "0.06", "new_value": "0.08"}],  # fmt: skip
        "review": {
            "scores": [{"key_result": "KR1", "score": 0.7}],
            "notes": [{"id": "N1", "kind": "asset", "text": "模板", "relates_to": "KR2"}],
        },
        "action_plan": [{"id": "P1", "action": "开对齐会", "done": True}],
    }


@pytest.fixture()
def wb() -> Workbook:
    return Workbook.from_dict(plan())


def same(back: Workbook, wb: Workbook) -> None:
    """Equal; if not, name the first differing field (Workbook == alone just says False)."""
    got, want = back.model_dump(), wb.model_dump()
    for key in want:
        if got[key] != want[key]:
            pytest.fail(_first_difference(got[key], want[key], key) or f"{key} differs")
    assert back == wb


def _first_difference(got: Any, want: Any, path: str) -> Any:
    if isinstance(want, dict) and isinstance(got, dict):
        for key in want:
            found = _first_difference(got.get(key), want[key], f"{path}.{key}")
            if found:
                return found
    elif isinstance(want, list) and isinstance(got, list) and len(got) == len(want):
        for i, (g, w) in enumerate(zip(got, want)):
            found = _first_difference(g, w, f"{path}[{i}]")
            if found:
                return found
    elif got != want:
        return f"{path}: got {got!r:.200}, want {want!r:.200}"
    return None


def zh(field: str, section: str = "") -> str:
    return (LABELS["section_fields"].get(section, {}).get(field) or LABELS["fields"][field])["zh"]


def title(section: str) -> str:
    return LABELS["sections"][section]["zh"]


# ---- round trips ---------------------------------------------------------------------------


@ROUND_TRIPS
@given(workbooks())
def test_frames_round_trip(wb: Workbook) -> None:
    same(from_frames(frames(wb)), wb)


@XLSX_ROUND_TRIPS
@given(workbooks())
def test_xlsx_round_trip(wb: Workbook) -> None:
    buffer = io.BytesIO()
    to_excel(wb, buffer)
    buffer.seek(0)
    same(read_excel(buffer), wb)


@FILE_ROUND_TRIPS
@given(workbooks())
def test_csv_round_trip(wb: Workbook) -> None:
    with tempfile.TemporaryDirectory() as directory:
        to_csv(wb, directory)
        same(read_csv(directory), wb)


def test_file_round_trips(tmp_path: Path, wb: Workbook) -> None:
    to_excel(wb, tmp_path / "plan.xlsx")
    same(read_excel(tmp_path / "plan.xlsx"), wb)
    to_csv(wb, tmp_path / "csv")
    same(read_csv(tmp_path / "csv"), wb)
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "plan.xlsx"]  # no temporary files left


# ---- frames --------------------------------------------------------------------------------


def test_frames_columns_and_dtypes(wb: Workbook) -> None:
    f = frames(wb)
    assert list(f) == ["meta", *SECTIONS]
    text = pd.Series(["x"]).dtype
    meta = f["meta"]
    assert list(meta.columns) == [
        "team", "product", "company", "product_type",
        "cycle.year", "cycle.quarter", "cycle.start", "cycle.end", "language",
    ]  # fmt: skip
    assert len(meta) == 1 and meta.loc[0, "team"] == "增长组 🚀" and meta.loc[0, "company"] == ""
    assert meta["cycle.year"].dtype == np.int64 and meta["cycle.quarter"].dtype == "Int64"
    assert meta["cycle.start"].dtype == "datetime64[us]" and meta["cycle.start"].isna().all()

    goals = f["company_goals"]
    assert "decode.essence" in goals and "decode" not in goals
    assert goals["decode.relevance"].dtype == "Int64"
    assert goals["decode.relevance"].tolist() == [pd.NA, 4]
    assert goals["parent"].dtype == text and goals["parent"].isna().tolist() == [True, False]

    krs = f["key_results"]
    assert krs["id"].tolist() == ["KR1", "KR2", "KR3"]
    assert krs["id"].dtype == text and krs["direction"].dtype == text
    assert krs["direction"].tolist() == ["down", "up", "up"]  # codes, not labels
    assert krs["target"].dtype == np.float64 and krs["baseline"].isna().tolist() == [False, True, True]
    assert krs["due"].dtype == "datetime64[us]"
    assert krs.loc[0, "due"] == pd.Timestamp("1899-12-31") and pd.isna(krs.loc[1, "due"])
    assert krs["collaborators"].dtype == object
    assert krs["collaborators"].tolist() == [["销售部", "客户成功部"], [], []]
    assert krs["statement"].tolist()[:2] == ["=1+1", "NA"] and krs["metric"].tolist()[:2] == ["001", "null"]

    assert f["product_goals"]["roi.investment"].tolist() == [100.0]
    assert f["product_goals"]["roi.unit"].tolist() == [""]
    assert f["factors"]["impact"].dtype == np.int64 and f["factors"]["affects"].tolist() == [["CG1", "CG2"]]
    assert f["checkins"]["confidence"].dtype == "Int64" and f["checkins"]["value"].tolist()[0] == 56.0
    assert f["cross_dept"]["agreed"].dtype == bool and f["action_plan"]["done"].tolist() == [True]
    assert f["review_scores"]["score"].tolist() == [0.7]


def test_empty_sections_have_every_column_and_dtype(wb: Workbook) -> None:
    full, empty = frames(wb), frames(Workbook.new("团队", "产品"))
    for name in SECTIONS:
        assert len(empty[name]) == 0
        assert list(empty[name].columns) == list(full[name].columns), name
        assert empty[name].dtypes.tolist() == full[name].dtypes.tolist(), name


def test_fast_frame_assembly_equals_the_public_constructor(wb: Workbook, monkeypatch: pytest.MonkeyPatch) -> None:
    import okrlib.storage.tables

    fast = frames(wb)
    monkeypatch.setattr(okrlib.storage.tables, "_FAST_ASSEMBLE", False)
    slow = frames(wb)
    for name in fast:
        pd.testing.assert_frame_equal(fast[name], slow[name])


@settings(max_examples=30, deadline=None)
@given(wb=workbooks(max_rows=4))
def test_frames_built_with_the_shortcuts_are_those_of_public_pandas(wb: Workbook) -> None:
    """Every column as ``frames`` builds it (own text and date arrays, private assembly) is the
    frame public pandas builds from the rows' values."""
    from okrlib.storage.tables import _SPECS

    for name, df in frames(wb).items():
        rows = [wb.meta] if name == "meta" else wb.rows(name)
        plain = {}
        for col in _SPECS[name]:
            values = [row for row in rows]
            for part in col.name.split("."):
                values = [getattr(v, part) for v in values]
            if col.kind in ("text", "id", "choice"):
                plain[col.name] = pd.array(values, dtype=pd.Series(["x"]).dtype)
            elif col.kind == "date":
                plain[col.name] = np.array([np.datetime64("NaT") if v is None else np.datetime64(v) for v in values],
                                           dtype="datetime64[us]")
            else:
                plain[col.name] = df[col.name].array  # numbers, flags, lists: built by public numpy and pandas
        pd.testing.assert_frame_equal(df, pd.DataFrame(plain, index=pd.RangeIndex(len(rows))), obj=name)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.none() | st.dates(), max_size=12))
def test_date_columns_are_what_numpy_makes_of_the_dates(values: list) -> None:
    from okrlib.storage.tables import _date_array

    plain = np.array([np.datetime64("NaT") if v is None else np.datetime64(v) for v in values], dtype="datetime64[us]")
    np.testing.assert_array_equal(_date_array(values), plain)
    assert _date_array(values).dtype == plain.dtype


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.none() | st.text(max_size=5), max_size=12))
def test_text_columns_are_what_pd_array_makes_of_the_texts(values: list) -> None:
    from okrlib.storage.tables import _TEXT_DTYPE, _text_array

    made, plain = _text_array(values), pd.array(values, dtype=_TEXT_DTYPE)
    pd.testing.assert_series_equal(pd.Series(made), pd.Series(plain))


def test_the_private_pandas_constructor_behind_frames_is_still_there() -> None:
    """The guard of ``_assemble``'s shortcut: were pandas to drop or change
    ``DataFrame._from_arrays``, frames would quietly take the slower public road; this fails
    instead, so that the shortcut is looked at again."""
    import inspect

    params = inspect.signature(pd.DataFrame._from_arrays).parameters
    assert {"arrays", "columns", "index", "verify_integrity"} <= set(params)
    arrays = [np.array([1, 2]), np.array([["a"], []], dtype=object)]
    made = pd.DataFrame._from_arrays(arrays, columns=pd.Index(["x", "y"]), index=pd.RangeIndex(2), verify_integrity=False)
    pd.testing.assert_frame_equal(made, pd.DataFrame({"x": arrays[0], "y": arrays[1]}))


def test_editing_a_frame_leaves_the_workbook_alone(wb: Workbook) -> None:
    f = frames(wb)
    f["key_results"].loc[0, "collaborators"].append("法务部")
    assert wb.key_results[0].collaborators == ["销售部", "客户成功部"]


def test_from_frames_reads_labels_and_fills_missing_sections(wb: Workbook) -> None:
    f = frames(wb)
    vocab = data_file("vocab")
    chinese = {}
    for name, df in f.items():
        df = df.copy()
        if name == "key_results":
            df["direction"] = df["direction"].map(lambda c: vocab["direction"][c]["zh"])  # 降低, 提升
        chinese[title(name)] = df.rename(columns=lambda c: zh(c, name))
    assert "目标值" in chinese["关键结果KR"].columns and "影响程度(1-5)" in chinese["风险"].columns
    same(from_frames(chinese), wb)

    english = {
        LABELS["sections"][n]["en"]: df.rename(columns=lambda c: LABELS["fields"][c]["en"]) for n, df in f.items()
    }
    assert from_frames(english).key_results == wb.key_results

    only_meta = from_frames({"meta": f["meta"]})
    assert only_meta.meta == wb.meta and only_meta.key_results == [] and only_meta.review.scores == []


def test_from_frames_locates_every_bad_cell(wb: Workbook) -> None:
    f = frames(wb)
    krs = f["key_results"].astype({"target": object})
    krs.loc[2, "target"] = "很多"
    krs.loc[0, "objective"] = "O9"
    f["key_results"] = krs.assign(typo=1)
    with pytest.raises(WorkbookError) as exc:
        from_frames(f)
    where = {p.location: p.code for p in exc.value.problems}
    assert where == {
        "frame key_results, row 1, column typo": "okr_unknown_column",
        "frame key_results, row 2, column objective": "okr_unknown_ref",
        "frame key_results, row 4, column target": "float_parsing",
    }


# ---- Excel ---------------------------------------------------------------------------------


def test_excel_layout(tmp_path: Path, wb: Workbook) -> None:
    path = tmp_path / "plan.xlsx"
    to_excel(wb, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [title(t) for t in TABLES] + ["_okrlib"]
    assert book["_okrlib"].sheet_state == "hidden"
    assert all(len(t) <= 31 and not re.search(r"[\[\]:*?/\\]", t) for t in book.sheetnames)

    ws = book["关键结果KR"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["编号", "所属目标O", "表述", "指标", "基线值", "目标值"]
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert 8 <= ws.column_dimensions["C"].width <= 60
    col = {h: i + 1 for i, h in enumerate(header)}

    def cell(row: int, name: str) -> Any:
        return ws.cell(row=row, column=col[name])

    assert cell(2, "表述").value == "=1+1" and cell(2, "表述").data_type == "s"  # text, not a formula
    assert cell(2, "指标").value == "001" and cell(2, "指标").data_type == "s"
    assert cell(2, "数据来源").value == "#N/A" and cell(2, "数据来源").data_type == "s"  # text, not an error
    assert cell(2, "方向").value == "降低" and cell(3, "方向").value == "提升"  # Chinese labels
    assert cell(2, "协同部门").value == "销售部、客户成功部"
    assert cell(2, "基线值").value == -1.5 and cell(2, "基线值").data_type == "n"
    assert cell(2, "目标值").value == "0.30000000000000004"  # needs 17 digits: kept as exact text
    assert cell(3, "目标值").value == 1e20 and cell(3, "基线值").value is None
    assert cell(2, "截止日期").value == "1899-12-31"  # before Excel's calendar: text
    tasks = book["任务"]
    due = tasks.cell(row=2, column=[c.value for c in tasks[1]].index("截止日期") + 1)
    assert due.is_date and due.value == dt.datetime(2027, 2, 1)
    assert book["基本信息"].max_row == 2
    assert [c.value for c in book["基本信息"][2]][:4] == ["增长组 🚀", "云盘", None, "To C 产品"]
    assert book["跨部门协同"]["E2"].value is True


def broken_xlsx(path: Path, wb: Workbook) -> None:
    to_excel(wb, path)
    book = openpyxl.load_workbook(path)
    ws = book["关键结果KR"]
    col = {c.value: c.column for c in ws[1]}
    ws.cell(row=4, column=col["目标值"], value="很多")  # 3rd data row
    ws.cell(row=3, column=col["截止日期"], value="2027-02-30")
    ws.cell(row=2, column=col["所属目标O"], value="O9")
    ws.cell(row=1, column=ws.max_column + 1, value="备注2")
    tasks = book["任务"]
    tasks.delete_cols([c.value for c in tasks[1]].index("关键结果") + 1)
    book.save(path)


def test_excel_reports_every_bad_cell_with_sheet_row_and_column(tmp_path: Path, wb: Workbook) -> None:
    path = tmp_path / "bad.xlsx"
    broken_xlsx(path, wb)
    with pytest.raises(WorkbookError) as exc:
        read_excel(path)
    problems = exc.value.problems
    assert [(p.location, p.code) for p in problems] == [
        ("sheet 关键结果KR, row 1, column 备注2", "okr_unknown_column"),
        ("sheet 关键结果KR, row 2, column 所属目标O", "okr_unknown_ref"),
        ("sheet 关键结果KR, row 3, column 截止日期", "date_from_datetime_parsing"),
        ("sheet 关键结果KR, row 4, column 目标值", "float_parsing"),
        ("sheet 任务, row 1", "okr_missing_column"),
    ]
    for p in problems:
        assert CJK.search(p.message_zh) and re.search(r"[A-Za-z]{4,}", p.message_en), p
    by_code = {p.code: p for p in problems}
    assert by_code["float_parsing"].value == "很多" and by_code["float_parsing"].path == "key_results[2].target"
    assert "关键结果" in by_code["okr_missing_column"].message_zh
    assert "Key result" in by_code["okr_missing_column"].message_en
    assert "备注2" in by_code["okr_unknown_column"].message_zh
    text = str(exc.value)
    assert str(path) in text and "sheet 关键结果KR, row 4, column 目标值" in text and "应为数字" in text


def test_excel_duplicate_id_points_to_the_first_row(tmp_path: Path, wb: Workbook) -> None:
    path = tmp_path / "dup.xlsx"
    to_excel(wb, path)
    book = openpyxl.load_workbook(path)
    book["关键结果KR"]["A4"] = "KR1"
    book.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_excel(path)
    dup = next(p for p in exc.value.problems if p.code == "okr_duplicate_id")
    assert dup.location == "sheet 关键结果KR, row 4, column 编号"
    assert "sheet 关键结果KR, row 2, column 编号" in dup.message_en
    assert "工作表“关键结果KR”第 2 行“编号”列" in dup.message_zh


def test_hand_typed_chinese_xlsx_imports(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    meta = book.active
    meta.title = "基本信息"
    meta.append(["团队", "产品", "产品类型", "年度", "季度"])
    meta.append(["增长组", "云盘", "To C 产品", 2027, 2])
    objectives = book.create_sheet("目标O")
    objectives.append(["编号", "表述", "类型"])
    objectives.append(["O1 ", "让小团队爱上云盘", "承诺型"])  # a stray space after the id
    krs = book.create_sheet("关键结果KR")
    krs.append(["编号", "所属目标O", "表述", "目标值", "截止日期", "协同部门", "维度", "权重"])
    krs.append(["KR1", "O1", "付费转化率达到 4%", 4, dt.datetime(2027, 6, 30), "销售部, 客户成功部；法务部", "商业", None])
    krs.append([None] * 8)  # an empty row in between is skipped
    krs.append(["KR2", "O1", "NPS 达到 40", "40", "2027/6/30", None, None, "1.5"])
    checkins = book.create_sheet("进展同步")
    checkins.append(["编号", "关键结果", "日期", "当前值", "信心指数（1-10）"])  # full-width brackets
    checkins.append(["C1", "KR1", "2027-04-07", "3,000", 7])
    book.create_sheet("Sheet2")  # an empty extra sheet is ignored
    path = tmp_path / "hand.xlsx"
    book.save(path)

    wb = read_excel(path)
    assert wb.meta.cycle.quarter == 2 and wb.meta.product_type == "to_c"
    assert wb.objectives[0].id == "O1" and wb.objectives[0].kind == "committed"
    kr1, kr2 = wb.key_results
    assert (kr1.target, kr1.due, kr1.dimension, kr1.weight) == (4.0, dt.date(2027, 6, 30), "business", 1.0)
    assert kr1.collaborators == ["销售部", "客户成功部", "法务部"]
    assert (kr2.target, kr2.due, kr2.weight, kr2.collaborators) == (40.0, dt.date(2027, 6, 30), 1.5, [])
    assert wb.checkins[0].value == 3000.0 and wb.checkins[0].confidence == 7
    assert wb.checkins[0].date == dt.date(2027, 4, 7)
    assert wb.company_goals == [] and wb.review.scores == []


def test_excel_unknown_sheet_and_second_meta_row(tmp_path: Path, wb: Workbook) -> None:
    path = tmp_path / "extra.xlsx"
    to_excel(wb, path)
    book = openpyxl.load_workbook(path)
    book["基本信息"].append(["另一组", "网盘", "To B 产品", 2027])
    book.create_sheet("关键结果").append(["编号"])
    book.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_excel(path)
    assert [(p.code, p.location) for p in exc.value.problems] == [
        ("okr_meta_rows", "sheet 基本信息, row 3"),
        ("okr_unknown_table", "sheet 关键结果"),
    ]
    assert "关键结果KR" in exc.value.problems[1].message_zh  # says what the sheets are called


def test_not_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_text("schema_version: 1\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as exc:
        read_excel(path)
    assert [p.code for p in exc.value.problems] == ["okr_not_xlsx"]
    with pytest.raises(WorkbookError) as exc:
        read_excel(tmp_path / "missing.xlsx")
    assert [p.code for p in exc.value.problems] == ["okr_file_missing"]


# ---- CSV -----------------------------------------------------------------------------------


def test_csv_files_are_utf8_bom_with_chinese_headers(tmp_path: Path, wb: Workbook) -> None:
    to_csv(wb, tmp_path)
    raw = (tmp_path / "key_results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("编号,所属目标O,表述,指标,基线值,目标值,单位,方向,KR类型,维度")
    assert lines[1].startswith("KR1,O1,'=1+1,001,-1.5,0.30000000000000004,%,降低,指标型,商业,")
    assert ",1899-12-31,销售部、客户成功部,#N/A" in lines[1]
    assert lines[2].startswith("KR2,O1,NA,null,,1e+20,,提升,指标型,,None,0.5,,, nan ")
    meta = (tmp_path / "meta.csv").read_text(encoding="utf-8-sig").splitlines()
    assert meta == ["团队,产品,公司,产品类型,年度,季度,周期开始,周期结束,语言", "增长组 🚀,云盘,,To C 产品,2027,1,,,中文"]
    assert "是" in (tmp_path / "action_plan.csv").read_text(encoding="utf-8-sig")


def test_csv_reports_bad_cells_and_reads_gbk(tmp_path: Path, wb: Workbook) -> None:
    to_csv(wb, tmp_path)
    path = tmp_path / "key_results.csv"
    rows = path.read_text(encoding="utf-8-sig").split("\n")
    rows[3] = rows[3].replace("KR3,O1,留存 ≥ 45% 🎯,,,45,", "KR3,O1,留存,,,四十五,")
    path.write_text("\n".join(rows), encoding="utf-8-sig")
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as exc:
        read_csv(tmp_path)
    assert [(p.code, p.location) for p in exc.value.problems] == [
        ("float_parsing", "file key_results.csv, row 4, column 目标值"),
        ("okr_unknown_table", "file notes.csv"),
    ]

    (tmp_path / "notes.csv").unlink()
    rows[3] = rows[3].replace("四十五", "45").replace("留存", "留存率")
    path.write_bytes("\n".join(rows).encode("gb18030"))  # what Chinese Excel saves as "CSV"
    assert read_csv(tmp_path).key_results[2].statement == "留存率"


# ---- the rest ------------------------------------------------------------------------------


def test_headers_are_unique_in_every_table() -> None:
    from okrlib.storage.tables import _SPECS

    for name, columns in _SPECS.items():
        for lang in ("zh", "en"):
            labels = [getattr(c, lang) for c in columns]
            assert len(set(labels)) == len(labels), (name, lang)


def test_importing_okrlib_loads_neither_pandas_nor_openpyxl() -> None:
    code = (
        "import sys, okrlib, okrlib.storage.yaml_file\n"
        "assert not {'pandas', 'openpyxl'} & set(sys.modules), 'okrlib'\n"
        "import okrlib.storage.tables\n"
        "assert 'openpyxl' not in sys.modules, 'okrlib.storage.tables'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_exports_refuse_a_workbook_broken_in_place(tmp_path):
    from okrlib.plan.model import KeyResult

    wb = okrlib.load(Path(__file__).resolve().parents[1] / "docs" / "examples" / "plan.yaml")
    wb.key_results.append(KeyResult(id="KR9", objective="O9", statement="某指标从 1 提升至 2"))
    with pytest.raises(WorkbookError):
        to_excel(wb, tmp_path / "plan.xlsx")
    with pytest.raises(WorkbookError):
        to_csv(wb, tmp_path / "csv")
    assert not (tmp_path / "plan.xlsx").exists() and not (tmp_path / "csv").exists()


def test_csv_cells_cannot_run_as_formulas_and_still_round_trip(tmp_path):
    wb = okrlib.load(Path(__file__).resolve().parents[1] / "docs" / "examples" / "plan.yaml")
    risky = ["=HYPERLINK(\"http://x\",\"点我\")", "+1", "-1", "@SUM(A1)", "'已引用", "\t制表"]
    for task, text in zip(wb.tasks, risky):
        task.title = text
    wb.meta.team = risky[0]
    to_csv(wb, tmp_path)
    cells = pd.read_csv(tmp_path / "tasks.csv", dtype=str, keep_default_na=False)["任务内容"].tolist()
    assert cells[:2] == ["'" + risky[0], "'+1"]
    assert pd.read_csv(tmp_path / "meta.csv", dtype=str)["团队"][0].startswith("'=")
    assert read_csv(tmp_path) == wb
