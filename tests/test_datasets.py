"""The table reader: any declared table written as CSV reads back as the same typed values."""

from __future__ import annotations

import csv
import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrlib.course.datasets import ColumnSpec, TableSpec, read_tables

SPEC = TableSpec(
    file="t.csv",
    title="测试表",
    description="属性测试用表",
    key=("id",),
    columns=(
        ColumnSpec(name="id", type="str", description="编号"),
        ColumnSpec(name="n", type="int", description="整数", nullable=True),
        ColumnSpec(name="x", type="float", description="小数"),
        ColumnSpec(name="d", type="date", description="日期"),
        ColumnSpec(name="m", type="month", description="月份"),
        ColumnSpec(name="c", type="category", values=("甲", "乙", "丙"), description="类别"),
        ColumnSpec(name="b", type="bool", description="是否"),
        ColumnSpec(name="t", type="str", nullable=True, description="文本"),
    ),
)

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(lambda s: s.strip() == s and s)
row = st.fixed_dictionaries({
    "n": st.none() | st.integers(-10**12, 10**12),
    "x": st.floats(allow_nan=False, allow_infinity=False, width=64),
    "d": st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)),
    "m": st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 1)).map(lambda d: d.replace(day=1)),
    "c": st.sampled_from(["甲", "乙", "丙"]),
    "b": st.booleans(),
    "t": st.none() | text,
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=1, max_size=8))
def test_written_tables_read_back_typed_and_equal(tmp_path, rows):
    with (tmp_path / "t.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([c.name for c in SPEC.columns])
        for i, r in enumerate(rows):
            w.writerow([f"R{i}", "" if r["n"] is None else r["n"], repr(r["x"]), r["d"].isoformat(), r["m"].strftime("%Y-%m"),
                        r["c"], "true" if r["b"] else "false", r["t"] or ""])
    frames, problems = read_tables(tmp_path, {"t": SPEC})
    assert problems == []
    df = frames["t"]
    assert str(df["n"].dtype) == "Int64" and df["x"].dtype == "float64" and df["b"].dtype == "bool"
    assert isinstance(df["c"].dtype, pd.CategoricalDtype)
    for i, r in enumerate(rows):
        assert (pd.isna(df["n"][i]) and r["n"] is None) or df["n"][i] == r["n"]
        assert math.isclose(df["x"][i], r["x"], rel_tol=0, abs_tol=0) or df["x"][i] == r["x"]
        assert df["d"][i].date() == r["d"] and df["m"][i].date() == r["m"]
        assert df["c"][i] == r["c"] and bool(df["b"][i]) is r["b"]
        assert (pd.isna(df["t"][i]) and r["t"] is None) or df["t"][i] == r["t"]
    # what travels with the frame through every pandas operation stays a few short strings
    assert all(isinstance(v, str) for v in df.attrs.values()), df.attrs


@given(value=st.text(max_size=12))
def test_a_bad_cell_is_a_problem_never_an_exception(value):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a bare \r would end the row
            w.writerow([c.name for c in SPEC.columns])
            w.writerow(["R0", value, value, value, value, value, value, value])
        frames, problems = read_tables(Path(tmp), {"t": SPEC})
    for p in problems:
        assert p.location.startswith("row 2, column ") and p.message_zh and p.message_en


# --------------------------------------------------------------------------------------------
# Row checks (``expr``): evaluated by okrlib exactly as DataFrame.eval would, or refused
# --------------------------------------------------------------------------------------------


def _shipped_checks():
    from okrlib.course import cases

    for case_id in cases.ids():
        case = cases.load(case_id)
        for name, spec in case.specs.items():
            for chk in spec.checks:
                if chk.kind == "expr":
                    yield case_id, case.tables[name], chk.expr


def test_every_shipped_row_check_gives_what_pandas_eval_gives():
    from okrlib.course.datasets import _row_rule

    seen = 0
    for case_id, df, expr in _shipped_checks():
        code, names = _row_rule(expr)
        ours = eval(code, {"__builtins__": {}, "abs": abs}, {n: df[n] for n in names})
        theirs = df.eval(expr, engine="python")
        pd.testing.assert_series_equal(pd.Series(ours), pd.Series(theirs), check_names=False, obj=f"{case_id}: {expr}")
        seen += 1
    assert seen >= 40  # every case declares row checks


number = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.integers(-1000, 1000))
atom = st.sampled_from(["a", "b", "abs(a)", "(a - b)", "a * 2", "b / 4", "100", "0.05"])
comparison = st.tuples(atom, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), atom).map(" ".join)
test_ = st.one_of(comparison, st.sampled_from(["a.isna()", "b.notna()"])).map(lambda t: f"({t})")
expression = st.recursive(test_, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["&", "|"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
    inner.map(lambda e: f"~{e}"),
), max_leaves=4)


@settings(max_examples=80, deadline=None)
@given(a=st.lists(number, min_size=1, max_size=6), b=st.lists(number, min_size=1, max_size=6), expr=expression)
def test_any_row_check_in_the_grammar_gives_what_pandas_eval_gives(a, b, expr):
    from okrlib.course.datasets import _row_rule

    n = min(len(a), len(b))
    df = pd.DataFrame({"a": pd.array(a[:n], dtype="Float64"), "b": pd.Series(b[:n], dtype="float64")})
    code, names = _row_rule(expr)
    try:
        theirs = df.eval(expr, engine="python")
    except Exception as exc:  # what pandas refuses, okrlib must refuse too
        with pytest.raises(type(exc)):
            eval(code, {"__builtins__": {}, "abs": abs}, {k: df[k] for k in names})
        return
    ours = eval(code, {"__builtins__": {}, "abs": abs}, {k: df[k] for k in names})
    pd.testing.assert_series_equal(pd.Series(ours), pd.Series(theirs), check_names=False)


@pytest.mark.parametrize("expr, says", [
    ("__import__('os').system('true')", "only abs"),
    ("a.__class__", "not allowed"),
    ("a.str.len() > 2", "only abs"),
    ("0 <= a <= 1", "(a < b) & (b < c)"),
    ("[x for x in a]", "not allowed"),
    ("lambda: 1", "not allowed"),
])
def test_a_row_check_outside_the_grammar_is_a_named_problem_never_run(tmp_path, expr, says):
    from okrlib.course.datasets import CheckSpec

    spec = SPEC.model_copy(update={"checks": (CheckSpec(message="规则", expr=expr),)})
    (tmp_path / "t.csv").write_text("id,n,x,d,m,c,b,t\nk1,1,1.5,2024-01-02,2024-01,甲,true,\n", encoding="utf-8")
    frames, problems = read_tables(tmp_path, {"t": spec})
    bad = [p for p in problems if p.code == "data_bad_check"]
    assert len(bad) == 1 and says in bad[0].message_en, problems
    assert "t" in frames  # the table itself still reads


def test_a_row_check_naming_a_missing_column_says_which(tmp_path):
    from okrlib.course.datasets import CheckSpec

    spec = SPEC.model_copy(update={"checks": (CheckSpec(message="规则", expr="(n > 0) & (revenue > 0)"),)})
    (tmp_path / "t.csv").write_text("id,n,x,d,m,c,b,t\nk1,1,1.5,2024-01-02,2024-01,甲,true,\n", encoding="utf-8")
    _, problems = read_tables(tmp_path, {"t": spec})
    assert [p for p in problems if p.code == "data_bad_check" and "revenue" in p.message_en], problems
