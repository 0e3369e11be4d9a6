"""Declared CSV tables: each table's columns, keys and invariants live in YAML beside the data.

Cases and reference libraries are data a notebook charts and a checker reads, so a wrong date or
a funnel that does not add up must stop at loading, with the file, the row and the column named,
rather than surface as a strange chart in class. The declaration (a :class:`TableSpec`) is also
what ``docs/data.md`` is generated from, so the data dictionary cannot drift from the data.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import ast
import csv
import io
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from okrlib.words import text
from okrlib.words.problems import OkrlibError, Problem, listing, problem, problems_from_validation_error

if TYPE_CHECKING:  # pandas is imported when a table is read
    import pandas as pd

__all__ = ["ColumnSpec", "CheckSpec", "TableSpec", "DataError", "read_tables", "describe", "SOURCE_STATUSES"]

ColumnType = Literal["str", "int", "float", "bool", "date", "month", "category", "ref"]
SOURCE_STATUSES = ("public_fact", "illustrative")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Spec):
    """One column: its type, what it means, and the values it may take."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: ColumnType
    description: str = Field(min_length=1)
    nullable: bool = False
    values: Optional[tuple[str, ...]] = None  # category: the allowed values, in display order
    ref: Optional[str] = None  # "workbook" or "<table>.<column>"; on a ref, str, int, date or category column
    min: Optional[float] = None
    max: Optional[float] = None
    unit: Optional[str] = None
    label: Optional[str] = None  # the header people read; else the description up to its first aside

    @property
    def header(self) -> str:
        """The column's name in a table people read: its ``label``, else its description up to the
        first bracket or comma (``成交数，即当月新增付费客户数`` -> ``成交数``)."""
        if self.label:
            return self.label
        ends = str(text.entry("labels.header_ends"))
        cut = min((i for i in (self.description.find(c) for c in ends) if i > 0), default=len(self.description))
        return self.description[:cut].strip()

    @model_validator(mode="after")
    def _consistent(self) -> "ColumnSpec":
        if self.type == "category" and not self.values:
            raise ValueError(f"column {self.name!r}: a category column lists its values")
        if self.type != "category" and self.values is not None:
            raise ValueError(f"column {self.name!r}: only category columns list values")
        if self.type == "ref" and self.ref is None:
            raise ValueError(f"column {self.name!r}: a ref column names what it refers to (`ref:`)")
        if self.ref is not None and self.type in ("float", "bool"):
            raise ValueError(f"column {self.name!r}: `ref:` applies to text, whole numbers, dates and categories")
        if self.ref is not None and self.ref != "workbook" and not re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", self.ref):
            raise ValueError(f"column {self.name!r}: ref is 'workbook' or '<table>.<column>', not {self.ref!r}")
        if (self.min is not None or self.max is not None) and self.type not in ("int", "float"):
            raise ValueError(f"column {self.name!r}: min/max apply to int and float columns")
        return self


class CheckSpec(_Spec):
    """An invariant over a table, each with the Chinese message a data author sees.

    One of: ``expr`` (a row-wise expression in ``DataFrame.eval`` syntax -- arithmetic,
    comparisons, ``& | ~``, ``abs()``, ``.isna()``/``.notna()`` -- that holds on every row; rows
    where a column it names is empty are skipped unless it uses ``isna()`` / ``notna()``), ``sum`` (the column's sum per ``by`` group
    equals ``equals`` within ``tolerance``), ``chain`` (``[start, end]``: each row's start equals
    the previous row's end, in ``order`` within each ``by`` group).
    """

    message: str = Field(min_length=1)
    expr: Optional[str] = None
    sum: Optional[str] = None
    chain: Optional[tuple[str, str]] = None
    by: tuple[str, ...] = ()
    order: Optional[str] = None
    equals: Optional[float] = None
    tolerance: float = 0.0

    @model_validator(mode="after")
    def _one_kind(self) -> "CheckSpec":
        kinds = [k for k in ("expr", "sum", "chain") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a check is exactly one of expr, sum, chain")
        if self.sum is not None and self.equals is None:
            raise ValueError("a sum check needs `equals`")
        if self.chain is not None and self.order is None:
            raise ValueError("a chain check needs `order`")
        return self

    @property
    def kind(self) -> str:
        return "expr" if self.expr is not None else "sum" if self.sum is not None else "chain"


class TableSpec(_Spec):
    """A CSV table: where it is, what it holds, its columns (in file order), key and invariants."""

    file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.csv$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    key: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = Field(min_length=1)
    checks: tuple[CheckSpec, ...] = ()

    @model_validator(mode="after")
    def _names(self) -> "TableSpec":
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"columns declared twice: {dupes}")
        unknown = [k for k in self.key if k not in names]
        for chk in self.checks:
            unknown += [c for c in (*chk.by, *(chk.chain or ()), chk.sum, chk.order) if c and c not in names]
        if unknown:
            raise ValueError(f"key or checks name undeclared columns: {sorted(set(unknown))}")
        return self

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass
class DataError(OkrlibError):
    """A dataset has problems; ``problems`` lists all of them (file, row and column in each)."""

    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return listing(self.problems, self.source, *text.both("labels.things.data"))


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_INT = re.compile(r"^[+-]?\d+$")
_BOOL = {"true": True, "false": False}


_RULE_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Name, ast.Load, ast.Constant, ast.Call,
               ast.Attribute, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.Pow, ast.BitAnd, ast.BitOr,
               ast.Invert, ast.USub, ast.UAdd, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_RULE_METHODS = ("isna", "notna")


@lru_cache(maxsize=512)
def _row_rule(expr: str) -> tuple[Any, tuple[str, ...]]:
    """An ``expr`` check compiled once: its code and the column names it reads, in order.

    The grammar is the part of ``DataFrame.eval`` that declarations use -- arithmetic,
    comparisons, ``&``/``|``/``~``, ``abs(...)``, ``column.isna()``/``.notna()`` -- evaluated
    by Python on the columns' Series, so the result is what pandas' python engine gives, without
    pandas' expression parser. Invariant: every check in the grammar gives what
    ``DataFrame.eval`` gives (tests/test_datasets.py: every shipped check, and generated ones);
    anything else (other calls, attributes, ``a < b < c``) is refused with the reason, as a
    broken declaration, never run.
    """
    tree = ast.parse(expr, mode="eval")
    names: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, _RULE_NODES):
            raise ValueError(f"{type(node).__name__} is not allowed in a check")
        if isinstance(node, ast.Compare) and len(node.ops) != 1:
            raise ValueError("write a < b < c as (a < b) & (b < c)")
        if isinstance(node, ast.Call):
            plain = isinstance(node.func, ast.Name) and node.func.id == "abs" and len(node.args) == 1
            method = isinstance(node.func, ast.Attribute) and node.func.attr in _RULE_METHODS and not node.args
            if not (plain or method) or node.keywords:
                raise ValueError("only abs(x), x.isna() and x.notna() may be called in a check")
        if isinstance(node, ast.Attribute) and node.attr not in _RULE_METHODS:
            raise ValueError(f".{node.attr} is not allowed in a check (only .isna() / .notna())")
        if isinstance(node, ast.Name) and node.id != "abs" and node.id not in names:
            names.append(node.id)
    return compile(tree, "<check>", "eval"), tuple(names)


def _where(row: int, column: str) -> str:
    return f"row {row}, column {column}" if row else f"column {column}"


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, code: str, row: int = 0, column: str = "", value: Any = None, **ctx: Any) -> None:
        loc = _where(row, column) if column else (f"row {row}" if row else "")
        ctx.setdefault("column", column)
        ctx.setdefault("row", row)
        if value is None:
            self.problems.append(problem(self.file, code, location=loc, **ctx))
        else:
            self.problems.append(problem(self.file, code, value, location=loc, **ctx))


def _read_rows(path: Path, col: _Collector) -> Optional[tuple[list[str], list[list[str]]]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        col.add("data_file_missing")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        col.add("data_not_utf8", reason=str(exc))
        return None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        col.add("data_empty")
        return None
    return [h.strip() for h in rows[0]], rows[1:]


def _convert(spec: ColumnSpec, cell: str, row: int, col: _Collector) -> Any:
    """One cell as a Python value (None when empty), or a problem recorded and None."""
    cell = cell.strip()
    if cell == "":
        if not spec.nullable:
            col.add("data_required", row, spec.name)
        return None
    t = spec.type
    value: Any = cell
    if t == "int":
        if not _INT.match(cell):
            col.add("data_not_int", row, spec.name, cell)
            return None
        value = int(cell)
    elif t == "float":
        try:
            value = float(cell)
        except ValueError:
            col.add("data_not_number", row, spec.name, cell)
            return None
        if not math.isfinite(value):
            col.add("data_not_number", row, spec.name, cell)
            return None
    elif t == "bool":
        if cell.lower() not in _BOOL:
            col.add("data_not_bool", row, spec.name, cell)
            return None
        value = _BOOL[cell.lower()]
    elif t in ("date", "month"):
        import datetime as dt

        ok = (_DATE if t == "date" else _MONTH).match(cell)
        try:
            value = dt.date.fromisoformat(cell if t == "date" else cell + "-01") if ok else None
        except ValueError:
            value = None
        if value is None:
            col.add("data_bad_date" if t == "date" else "data_bad_month", row, spec.name, cell)
            return None
    elif t == "category":
        if cell not in (spec.values or ()):
            col.add("data_not_in_values", row, spec.name, cell, values=" / ".join(spec.values or ()))
            return None
    if t in ("int", "float"):
        if spec.min is not None and value < spec.min:
            col.add("data_below_min", row, spec.name, cell, min=f"{spec.min:g}")
        if spec.max is not None and value > spec.max:
            col.add("data_above_max", row, spec.name, cell, max=f"{spec.max:g}")
    return value


@dataclass
class _Parsed:
    spec: TableSpec
    file: str
    values: dict[str, list[Any]]  # column -> values, in row order
    rows: list[int]  # the spreadsheet row number of each value


def _parse(folder: Path, name: str, spec: TableSpec, label: str) -> tuple[Optional[_Parsed], list[Problem]]:
    file = f"{label}/{spec.file}" if label else spec.file
    col = _Collector(file)
    read = _read_rows(folder / spec.file, col)
    if read is None:
        return None, col.problems
    header, body = read
    declared = [c.name for c in spec.columns]
    for h in header:
        if h not in declared:
            col.add("data_unknown_column", 1, h or "(blank)", h)
    missing = [c for c in declared if c not in header]
    for c in missing:
        col.add("data_missing_column", 1, c)
    if missing:
        return None, col.problems
    index = {h: i for i, h in enumerate(header)}
    values: dict[str, list[Any]] = {c: [] for c in declared}
    rows: list[int] = []
    for n, cells in enumerate(body, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(header):
            col.add("data_row_length", n, "", found=len(cells), expected=len(header))
            continue
        rows.append(n)
        for c in spec.columns:
            values[c.name].append(_convert(c, cells[index[c.name]], n, col))
    # the key: unique, and every key column filled
    if spec.key:
        seen: dict[tuple, int] = {}
        for i, n in enumerate(rows):
            k = tuple(values[c][i] for c in spec.key)
            if k in seen:
                col.add("data_duplicate_key", n, ", ".join(spec.key), " / ".join(map(str, k)), other=seen[k])
            else:
                seen[k] = n
    return _Parsed(spec, file, values, rows), col.problems


def _check_refs(parsed: Mapping[str, _Parsed], ids: Optional[set[str]]) -> list[Problem]:
    out: list[Problem] = []
    for p in parsed.values():
        col = _Collector(p.file)
        for c in p.spec.columns:
            if c.ref is None:
                continue
            if c.ref == "workbook":
                allowed, target = ids, "workbook.yaml"
            else:
                table, column = c.ref.split(".")
                other = parsed.get(table)
                allowed = {_ref_key(v) for v in other.values[column] if v is not None} if other and column in other.values else None
                target = c.ref
            if allowed is None:
                if c.ref != "workbook":  # an unreadable workbook is reported where it is read
                    col.add("data_ref_unavailable", 0, c.name, target=target)
                continue
            for v, n in zip(p.values[c.name], p.rows):
                if v is not None and _ref_key(v) not in allowed:
                    col.add("data_broken_ref", n, c.name, v, target=target)
        out += col.problems
    return out


def _ref_key(v: Any) -> str:
    """A value as a reference compares: a date as its ISO text, so a text column may name a date."""
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def _check_sources(p: _Parsed, sources: set[str]) -> list[Problem]:
    if "source_status" not in p.values or "source" not in p.values:
        return []
    col = _Collector(p.file)
    for status, src, n in zip(p.values["source_status"], p.values["source"], p.rows):
        if src is not None and src not in sources:
            col.add("data_unknown_source", n, "source", src, sources=", ".join(sorted(sources)) or "-")
        elif status == "public_fact" and src is None:
            col.add("data_fact_without_source", n, "source")
    return col.problems


def _frame(p: _Parsed) -> "pd.DataFrame":
    import pandas as pd

    data: dict[str, Any] = {}
    for c in p.spec.columns:
        vals = p.values[c.name]
        if c.type == "int":
            s = pd.Series(vals, dtype="Int64" if c.nullable or None in vals else "int64")
        elif c.type == "float":
            s = pd.Series([math.nan if v is None else float(v) for v in vals], dtype="float64")
        elif c.type == "bool":
            s = pd.Series(vals, dtype="boolean" if c.nullable or None in vals else "bool")
        elif c.type in ("date", "month"):
            s = pd.to_datetime(pd.Series(vals, dtype="object"))
        elif c.type == "category":
            s = pd.Series(pd.Categorical(vals, categories=list(c.values or ())))
        else:
            s = pd.Series(vals, dtype="string")
        data[c.name] = s
    df = pd.DataFrame(data)
    df.index = pd.RangeIndex(len(df))
    # attrs hold only short strings: pandas deep-copies attrs into the result of every operation,
    # so a per-row list here (the source row numbers) would be copied again by each groupby or
    # assign on a case table. Row numbers stay with the parse, for problems.
    df.attrs["title"] = p.spec.title
    df.attrs["description"] = p.spec.description
    df.attrs["file"] = p.file
    return df


def _check_invariants(p: _Parsed, df: "pd.DataFrame") -> list[Problem]:
    import pandas as pd

    col = _Collector(p.file)
    rows = p.rows
    for chk in p.spec.checks:
        if chk.kind == "expr":
            try:
                code, names = _row_rule(chk.expr or "")
                unknown = [n for n in names if n not in df.columns]
                if unknown:
                    raise NameError(f"no column {', '.join(unknown)}")
                ok = eval(code, {"__builtins__": {}, "abs": abs}, {n: df[n] for n in names})
            except Exception as exc:  # a broken expression is the declaration's fault: say so
                col.add("data_bad_check", 0, "", chk.expr, reason=f"{type(exc).__name__}: {exc}")
                continue
            # an empty cell makes a comparison false: such rows are skipped, unless the rule
            # itself says what an empty cell means (isna / notna)
            tests_empty = any(m in code.co_names for m in _RULE_METHODS)
            skip = df[list(names)].isna().any(axis=1) if names and not tests_empty else pd.Series(False, index=df.index)
            ok = pd.Series(ok, index=df.index).fillna(True).astype(bool) | skip
            for i in df.index[~ok]:
                col.add("data_check_failed", rows[i], ", ".join(names), chk.expr, check=chk.message)
        elif chk.kind == "sum":
            groups = df.groupby(list(chk.by), observed=True, sort=False) if chk.by else [((), df)]
            for key, g in groups:
                total = float(g[chk.sum].sum())
                if abs(total - float(chk.equals or 0)) > chk.tolerance + 1e-9:
                    key = key if isinstance(key, tuple) else (key,)
                    where = ", ".join(f"{b}={_show(k)}" for b, k in zip(chk.by, key)) or "all rows"
                    col.add("data_sum_failed", rows[g.index[0]], chk.sum, f"{total:g}", check=chk.message,
                            group=where, equals=f"{chk.equals:g}")
        else:
            start, end = chk.chain or ("", "")
            groups = df.groupby(list(chk.by), observed=True, sort=False) if chk.by else [((), df)]
            for _, g in groups:
                g = g.sort_values(chk.order, kind="stable")
                prev_end = None
                for i, s_val, e_val in zip(g.index, g[start], g[end]):
                    if prev_end is not None and not (pd.isna(s_val) or pd.isna(prev_end)) and abs(float(s_val) - float(prev_end)) > chk.tolerance + 1e-9:
                        col.add("data_chain_failed", rows[i], start, _show(s_val), check=chk.message, previous=_show(prev_end), end=end)
                    prev_end = e_val
    return col.problems


def _show(v: Any) -> str:
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def read_tables(
    folder: Union[str, Path],
    specs: Mapping[str, TableSpec],
    *,
    label: str = "",
    ids: Optional[Iterable[str]] = None,
    sources: Optional[Iterable[str]] = None,
) -> tuple[dict[str, "pd.DataFrame"], list[Problem]]:
    """Read every declared table of ``folder``, typed, with every problem found in any of them.

    ``ids``: the workbook ids ``ref: workbook`` columns may name; ``sources``: the source ids a
    ``source`` column may name. ``label`` prefixes file names in problems (e.g. the case folder).
    Returns the frames (of the tables that could be read) and the problems; callers raise.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    parsed: dict[str, _Parsed] = {}
    for name, spec in specs.items():
        p, found = _parse(folder, name, spec, label)
        problems += found
        if p is not None:
            parsed[name] = p
    problems += _check_refs(parsed, set(ids) if ids is not None else None)
    frames: dict[str, "pd.DataFrame"] = {}
    source_ids = set(sources or ())
    for name, p in parsed.items():
        problems += _check_sources(p, source_ids)
        frames[name] = df = _frame(p)
        problems += _check_invariants(p, df)
    return frames, problems


def describe(spec: TableSpec) -> "pd.DataFrame":
    """The data dictionary of one table: a row per column (name, type, unit, meaning, rule)."""
    import pandas as pd

    rows = []
    for c in spec.columns:
        rule = []
        if c.values:
            rule.append(" / ".join(c.values))
        if c.ref:
            rule.append(f"→ {c.ref}")
        if c.min is not None or c.max is not None:
            lo = "" if c.min is None else f"{c.min:g}"
            hi = "" if c.max is None else f"{c.max:g}"
            rule.append(f"{lo}–{hi}")
        if c.name in spec.key:
            rule.append("key")
        rows.append({"column": c.name, "type": c.type, "unit": c.unit or "", "nullable": c.nullable,
                     "description": c.description, "rule": "; ".join(rule)})
    return pd.DataFrame(rows, columns=["column", "type", "unit", "nullable", "description", "rule"])


def load_yaml(path: Path, label: str, text: Optional[str] = None) -> tuple[Any, list[Problem]]:
    """A declaration file (case.yaml, a reference fragment) as plain data, or its problems;
    ``text``: the file's text when the caller has read it already."""
    from okrlib.storage import yaml_file

    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, [problem(label, "data_file_missing", column="", row=0)]
    data, problems = yaml_file.parse_yaml(text)
    return data, [p.prefixed(label) for p in problems]


def parse_specs(raw: Any, file: str) -> tuple[dict[str, TableSpec], list[Problem]]:
    """``tables:`` of a declaration file as TableSpecs, or its problems (file named)."""
    out: dict[str, TableSpec] = {}
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        return out, [problem(f"{file}: tables", "dict_type")]
    for name, body in raw.items():
        try:
            out[str(name)] = TableSpec.model_validate(body)
        except ValidationError as exc:
            for p in problems_from_validation_error(exc):
                where = f"{file}: tables.{name}" + (f".{p.path}" if p.path else "")
                key = p.path.rsplit(".", 1)[-1]
                if p.code == "extra_forbidden" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                    # `{description: 甲, 乙}`: in a {...} mapping a comma ends the value, and the rest
                    # becomes a key; the fix is quoting, which "unknown field" would not suggest
                    problems.append(problem(where.rsplit(".", 1)[0], "data_flow_comma", key))
                else:
                    problems.append(replace(p, path=where))
    return out, problems
