"""The table reader: any declared table written as CSV reads back as the same typed values."""

from __future__ import annotations

import csv
import datetime as dt
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrlib.datasets import ColumnSpec, TableSpec, read_tables

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
    assert df.attrs["rows"] == list(range(2, len(rows) + 2))


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
