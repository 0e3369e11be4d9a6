"""The plan workbook as tables: pandas DataFrames, Excel (.xlsx) and CSV.

Participants read their plan in pandas (charts, pivots) and edit it in Excel; both must give
back exactly the workbook they started from, and a bad cell must be reported where the person
sees it ("sheet 关键结果KR, row 5, column 目标值"), not as a pydantic path. So every format goes
through one table shape:

* ``frames(wb)`` -> one DataFrame per section, ``"meta"`` first, then ``SECTIONS`` in order;
* ``from_frames(tables)`` -> Workbook, validated by ``Workbook.from_dict`` (so the error
  type is ``WorkbookError``) with each problem located by table, row and column;
* ``to_excel``/``read_excel`` and ``to_csv``/``read_csv`` are thin layers over those two.

Column types in frames (one rule per model type, so code downstream can rely on them):

=====================  ==========================================================================
model type             frame column
=====================  ==========================================================================
text, id, choice code  pandas' own text dtype (``str`` in pandas 3, ``object`` in pandas 2);
                       an empty optional id/choice is missing (NaN), empty free text is ``""``
int                    ``int64``; optional ints (``confidence``, ``decode.relevance``,
                       ``cycle.quarter``) ``Int64`` with ``<NA>``
float                  ``float64`` with NaN for "not given"
bool                   ``bool``
date                   ``datetime64[us]`` with NaT: pandas 3's own resolution, which (unlike
                       ``[ns]``) holds every ``datetime.date`` from year 1 to 9999, so frames stay
                       lossless; ``.dt`` accessors, plotly and comparisons work as usual
list of ids/names      ``object``, each cell a Python list (a copy, not the model's own list)
=====================  ==========================================================================

Nested models are flattened with dots (``decode.essence``, ``roi.investment``, ``cycle.year``).

Row numbers in messages are the ones a person sees in a spreadsheet: the header is row 1 and the
first data row is row 2. Frames use the same convention (position in the frame + 2, whatever
the index says), so a frame written with ``to_excel(index=False)`` reports the same rows.

Reading accepts field codes (``target``), Chinese labels (``目标值``) or English labels
(``Target``) as headers, and codes or labels in choice cells, so hand-typed sheets import.
An .xlsx written here also carries a hidden sheet ``_okrlib`` mapping each (sheet, header) to
its section and field and recording the schema version, so a file stays readable after a label
is renamed; hand-made files without it import through the labels.

pandas and numpy are imported here (never by ``import okrlib``); openpyxl only by the Excel
functions, so frames alone do not pay for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import unicodedata
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from okrlib.words import labels, numbers, text
from okrlib.words.resources import data_file
from okrlib.words.problems import Problem, WorkbookError, problem
from okrlib.plan.fields import TABLES, FieldInfo, fields
from okrlib.plan.editing import LIST_SEPARATOR
from okrlib.plan.model import NAME_SEPARATOR, SCHEMA_VERSION, SECTIONS, Workbook
from okrlib.storage.yaml_file import atomic_write, to_data

__all__ = ["frames", "from_frames", "to_excel", "read_excel", "to_csv", "read_csv", "TABLES", "LIST_SEPARATOR",
           "ReportSheet"]

PathLike = Union[str, "os.PathLike[str]"]

# TABLES (from okrlib.plan.fields): the names of the tables, in order: ``frames()`` keys, CSV file
# stems, sheet order.

# A list (``affects``, ``collaborators``) is one cell joined by okrlib.plan.editing.LIST_SEPARATOR,
# split back at okrlib.plan.model.NAME_SEPARATOR (what a person may type between names, which the
# model forbids inside a name).

MAPPING_SHEET = "_okrlib"
"""Hidden sheet of an exported .xlsx: schema version and (sheet, header) -> (section, field)."""

_TEXT_DTYPE = pd.Series(["x"]).dtype
"""The dtype pandas itself gives text: ``str`` in pandas 3, ``object`` in pandas 2."""

_DATE_DTYPE = "datetime64[us]"
_EXCEL_FIRST_DATE = dt.date(1900, 3, 1)
"""Before this Excel's serial dates are wrong (1900 leap-year bug) or impossible: written as text."""


# --------------------------------------------------------------------------------------------
# Column specifications, derived from the model so that a new field needs no change here
# --------------------------------------------------------------------------------------------


_Column = FieldInfo
_SPECS: dict[str, tuple[FieldInfo, ...]] = {table: fields(table) for table in TABLES}


def _norm(text: str) -> str:
    """Header/sheet matching key: full-width folded (NFKC), case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _section_label(section: str) -> tuple[str, str]:
    return labels.section(section, "zh"), labels.section(section, "en")


def _build_aliases() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    sections: dict[str, str] = {}
    headers: dict[str, dict[str, str]] = {}
    generic = data_file("labels")["fields"]
    for table in TABLES:
        zh, en = _section_label(table)
        for key in (table, zh, en):
            sections.setdefault(_norm(key), table)
        primary: dict[str, str] = {}
        for col in _SPECS[table]:
            for key in (col.name, col.zh, col.en):
                other = primary.setdefault(_norm(key), col.name)
                if other != col.name:  # pragma: no cover - guarded by tests/test_tables.py
                    raise ValueError(f"labels.yaml: header {key!r} names both {other} and {col.name} in {table}")
        # The general label of a field whose label is overridden in this section still reads.
        fallback: dict[str, str] = {}
        for col in _SPECS[table]:
            entry = generic.get(col.name)
            if entry:
                for key in (entry["zh"], entry["en"]):
                    fallback.setdefault(_norm(key), col.name)
        headers[table] = {**{k: v for k, v in fallback.items() if k not in primary}, **primary}
    return sections, headers


_SECTION_ALIASES, _HEADER_ALIASES = _build_aliases()


def _sheet_title(table: str) -> str:
    """The Chinese section label, made a valid sheet name (≤31 characters, no []:*?/\\)."""
    title = re.sub(r"[\[\]:*?/\\]", "_", _section_label(table)[0]).strip("'")[:31]
    return title or table[:31]


# --------------------------------------------------------------------------------------------
# Workbook -> frames
# --------------------------------------------------------------------------------------------


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # the integer behind NaT


def _text_array(values: list[Any]) -> Any:
    """A column of text (None: missing) in pandas' own text dtype.

    Invariant: the same array as ``pd.array(values, dtype=_TEXT_DTYPE)`` (an object array
    under pandas 2); tests/test_tables.py compares the two. It calls the dtype's own
    ExtensionArray constructor, which ``pd.array`` would first look up for each column.
    """
    out = np.empty(len(values), dtype=object)
    out[:] = values
    if _TEXT_ARRAY is None:
        return out
    return _TEXT_ARRAY._from_sequence(out, dtype=_TEXT_DTYPE)


_TEXT_ARRAY = None if _TEXT_DTYPE == object else _TEXT_DTYPE.construct_array_type()


def _date_array(values: list[Optional[dt.date]]) -> Any:
    """A column of dates (None: NaT) as ``datetime64[us]``.

    Invariant: the same array as ``np.array([np.datetime64(v) ...], dtype="datetime64[us]")``
    with NaT for None (tests/test_tables.py compares them over generated dates, year 1 to 9999):
    day numbers since 1970 viewed as ``datetime64[D]``, not numpy parsing each date object.
    """
    days = np.fromiter(
        (_NAT if v is None else v.toordinal() - _EPOCH_ORDINAL for v in values), dtype=np.int64, count=len(values)
    )
    return days.view("datetime64[D]").astype(_DATE_DTYPE)


def _column_array(values: list[Any], col: _Column) -> Any:
    kind = col.kind
    if kind in ("text", "id", "choice"):
        return _text_array(values)
    if kind == "float":
        return np.array(values, dtype=np.float64)  # None -> NaN
    if kind == "int":
        if not col.optional:
            return np.array(values, dtype=np.int64)
        mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
        data = np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=len(values))
        return pd.arrays.IntegerArray(data, mask)
    if kind == "bool":
        return np.array(values, dtype=bool)
    if kind == "date":
        return _date_array(values)
    out = np.empty(len(values), dtype=object)  # list: a copy per cell, so editing a frame never edits the model
    for i, value in enumerate(values):
        out[i] = list(value)
    return out


def _frame(rows: Sequence[Any], table: str) -> pd.DataFrame:
    # Column-wise: one attribute sweep per column, then one typed array; no per-row DataFrame work.
    arrays = [_column_array(list(map(attrgetter(col.name), rows)), col) for col in _SPECS[table]]
    return _assemble(_COLUMN_INDEX[table].copy(), arrays, len(rows))


_COLUMN_INDEX = {table: pd.Index([col.name for col in cols]) for table, cols in _SPECS.items()}
"""Each table's column names, built once and copied into each frame."""


def _assemble(names: pd.Index, arrays: list[Any], length: int) -> pd.DataFrame:
    """A DataFrame from finished, typed, equal-length columns.

    Invariant: the frame ``pd.DataFrame(dict(zip(names, arrays)), index=RangeIndex(length))``
    builds (tests/test_tables.py compares the two over generated plans). pandas' private
    ``DataFrame._from_arrays`` builds it without the checks and type inference the public
    constructor runs on every column, which these arrays, already in their final dtypes, do
    not need. If a pandas release drops or changes it, frames still come from the public
    constructor, and tests/test_tables.py fails so that the shortcut is looked at again.
    """
    if _FAST_ASSEMBLE:
        try:
            return pd.DataFrame._from_arrays(  # type: ignore[attr-defined]
                arrays, columns=names, index=pd.RangeIndex(length), verify_integrity=False
            )
        except (AttributeError, TypeError):  # pragma: no cover - a pandas without it
            pass
    return pd.DataFrame(dict(zip(names, arrays)), index=pd.RangeIndex(length))


_FAST_ASSEMBLE = True


def frames(wb: Workbook) -> dict[str, pd.DataFrame]:
    """One DataFrame per table: ``"meta"`` (one row) then every section of ``SECTIONS``.

    Every table has all its columns with fixed dtypes (see the module docstring) even when it
    has no rows, so notebooks can concatenate and filter without special cases.
    """
    out = {"meta": _frame([wb.meta], "meta")}
    for name in SECTIONS:
        out[name] = _frame(wb.rows(name), name)
    return out


# --------------------------------------------------------------------------------------------
# Tables -> Workbook
# --------------------------------------------------------------------------------------------

_OMIT = object()
"""A cell that leaves its field out of the row, so the model's default (or "missing") applies."""


@dataclasses.dataclass
class _Table:
    """A table as read: its name and header as the person wrote them, cells column by column."""

    title: str  # sheet title, file name or frame key
    where: str  # "sheet" | "file" | "frame"
    headers: list[str]
    columns: list[list[Any]]  # one list per header, all of len(rows)
    rows: list[int]  # row number a person sees, per data row
    section: Optional[str] = None  # from the hidden mapping sheet, else found from the title
    fields: dict[str, str] = dataclasses.field(default_factory=dict)  # header -> field (mapping sheet)


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
        or (isinstance(value, np.datetime64) and np.isnat(value))
    )


def _empty(value: Any) -> bool:
    """Nothing in the cell (a row of only these is skipped)."""
    if _missing(value):
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, (list, tuple, np.ndarray)):
        return len(value) == 0
    return False


def _as_text(value: Any) -> Any:
    """A number or date typed into a text column, as the text a person sees."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _number_text(float(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value  # anything else: let the model say what is wrong with it


def _number_text(value: float) -> str:
    """Shortest text that reads back as the same float; 3000000.0 is written 3000000."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DATE_TEXT = re.compile(r"(\d{1,4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?")


def _scalar_text(value: str) -> Any:
    """A typed-in number/date/choice: outer spaces and full-width forms do not matter."""
    value = unicodedata.normalize("NFKC", value).strip()
    return _OMIT if value == "" else value


def _conv_text(col: _Column) -> Callable[[Any], Any]:
    blank = "" if col.blank_ok else _OMIT
    is_id = col.kind == "id"

    def conv(value: Any) -> Any:
        if type(value) is not str:
            if _missing(value):
                return blank
            value = _as_text(value)
            if not isinstance(value, str):
                return value
        if is_id:
            value = value.strip()  # ids have no spaces; a stray one typed in Excel is not a new id
        return value if value else blank

    return conv


def _conv_choice(value: Any) -> Any:
    if type(value) is str:
        value = value.strip()
        return value if value else _OMIT
    return _OMIT if _missing(value) else value


def _conv_number(value: Any) -> Any:
    if type(value) is float:
        return _OMIT if value != value else value
    if type(value) is int:
        return value
    if _missing(value):
        return _OMIT
    if isinstance(value, str):
        value = _scalar_text(value)
        if isinstance(value, str) and _THOUSANDS.fullmatch(value):
            value = value.replace(",", "")
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _conv_bool(value: Any) -> Any:
    if type(value) is bool:
        return value
    if _missing(value):
        return _OMIT
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, str):
        value = _scalar_text(value)
        if isinstance(value, str):
            flag = labels.bool_word(value)
            return value if flag is None else flag
        return value
    return value


def _conv_date(value: Any) -> Any:
    if type(value) is dt.date:
        return value
    if _missing(value):
        return _OMIT
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):  # pd.Timestamp too; a time of day is left for the model to refuse
        return value.date() if value.time() == dt.time() and value.tzinfo is None else value
    if isinstance(value, str):
        value = _scalar_text(value)
        if isinstance(value, str):
            found = _DATE_TEXT.fullmatch(value)
            if found:
                try:
                    return dt.date(*(int(part) for part in found.groups()))
                except ValueError:
                    pass
        return value
    return value


def _conv_list(value: Any) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        items = [_as_text(v) for v in value]
        return items if items else _OMIT
    if _missing(value):
        return _OMIT
    value = _as_text(value)
    if isinstance(value, str):
        items = [part.strip() for part in NAME_SEPARATOR.split(value)]
        items = [part for part in items if part]
        return items if items else _OMIT
    return value


def _converter(col: _Column) -> Callable[[Any], Any]:
    if col.kind in ("text", "id"):
        return _conv_text(col)
    return {
        "choice": _conv_choice,
        "int": _conv_number,
        "float": _conv_number,
        "bool": _conv_bool,
        "date": _conv_date,
        "list": _conv_list,
    }[col.kind]


_CONVERTERS = {table: {col.name: _converter(col) for col in cols} for table, cols in _SPECS.items()}
_COLUMNS = {table: {col.name: col for col in cols} for table, cols in _SPECS.items()}


@dataclasses.dataclass
class _Placed:
    """Where a table's rows and fields sit, to turn a pydantic path into sheet/row/column."""

    table: _Table
    order: int
    rows: list[int]  # row number per row index in the data
    headers: dict[str, tuple[str, int]]  # field -> (header as written, column position)


def _where(table: _Table, lang: text.Lang = "en") -> str:
    return text.say(f"labels.places.{table.where}", lang, title=table.title)


def _absent_table(table: str, where: str) -> _Table:
    title = {"sheet": _sheet_title(table), "file": f"{table}.csv", "frame": table}[where]
    return _Table(title=title, where=where, headers=[], columns=[], rows=[], section=table)


_Key = tuple[int, int, int]
"""Sort key of a problem: (table position, row, column position): the order a person reads."""


def _read_tables(
    tables: list[_Table], where: str
) -> tuple[dict[str, Any], dict[str, _Placed], list[tuple[_Key, Problem]], set[tuple[str, str]]]:
    """Cells -> the plain data ``Workbook.from_dict`` validates, plus where everything came from."""
    data: dict[str, Any] = {}
    placed: dict[str, _Placed] = {}
    problems: list[tuple[_Key, Problem]] = []
    dropped: set[tuple[str, str]] = set()  # (table, field) whose per-row "missing" a column problem covers
    named = [_sheet_title(t) if where == "sheet" else f"{t}.csv" if where == "file" else t for t in TABLES]

    for order, table in enumerate(tables):
        name = table.section or _SECTION_ALIASES.get(_norm(re.sub(r"\.csv$", "", table.title, flags=re.I)))
        here = _where(table)
        if name is None:
            if table.headers or table.rows:  # an empty leftover "Sheet1" is no one's mistake
                problems.append(
                    (
                        (order, 0, 0),
                        problem(
                            "",
                            "okr_unknown_table",
                            table.title,
                            location=here,
                            expected=text.join(named, "zh"),
                            expected_en=text.join(named, "en"),
                        ),
                    )
                )
            continue
        path = _path_of(name)
        if name in placed:
            other = placed[name].table.title
            problems.append(
                ((order, 0, 0), problem(path, "okr_duplicate_table", table.title, location=here, other=other))
            )
            continue

        # headers -> fields
        columns: list[tuple[int, str]] = []  # (position, field)
        headers: dict[str, tuple[str, int]] = {}
        for pos, header in enumerate(table.headers):
            if not header.strip():
                if any(not _empty(v) for v in table.columns[pos]):
                    letter = _column_letter(pos)
                    at = f"{here}, row 1, column {letter}"
                    problems.append(((order, 1, pos), problem(path, "okr_unnamed_column", location=at, column=letter)))
                continue
            field = table.fields.get(header)
            if field not in _COLUMNS[name]:
                field = _HEADER_ALIASES[name].get(_norm(header))
            at = f"{here}, row 1, column {header}"
            if field is None:
                problems.append(((order, 1, pos), problem(path, "okr_unknown_column", header, location=at)))
            elif field in headers:
                other = headers[field][0]
                duplicate = problem(f"{path}.{field}", "okr_duplicate_column", header, location=at, other=other)
                problems.append(((order, 1, pos), duplicate))
            else:
                headers[field] = (header, pos)
                columns.append((pos, field))

        # cells -> values; a row with nothing in any known column is formatting, not a row
        converted = []
        for pos, field in columns:
            conv = _CONVERTERS[name][field]
            converted.append((field.split("."), [conv(v) for v in table.columns[pos]]))
        keep = [i for i in range(len(table.rows)) if any(_given(values[i]) for _p, values in converted)]
        if name == "meta" and len(keep) > 1:
            row_number = table.rows[keep[1]]
            problems.append(
                (
                    (order, row_number, 0),
                    problem("meta", "okr_meta_rows", location=f"{here}, row {row_number}", count=len(keep)),
                )
            )
            keep = keep[:1]

        if keep:
            for col in _SPECS[name]:
                if col.required and col.name not in headers:
                    dropped.add((name, col.name))
                    at = f"{here}, row 1"
                    lacking = problem(path, "okr_missing_column", location=at, column=col.zh, column_en=col.en)
                    problems.append(((order, 1, 10_000), lacking))

        groups = sorted({f.rsplit(".", 1)[0] for f in _COLUMNS[name] if "." in f})
        rows: list[dict[str, Any]] = []
        for i in keep:
            row: dict[str, Any] = {group: {} for group in groups}
            for parts, values in converted:
                value = values[i]
                if value is _OMIT:
                    continue
                if len(parts) == 1:
                    row[parts[0]] = value
                else:
                    row[parts[0]][parts[1]] = value
            rows.append(row)

        placed[name] = _Placed(table, order, [table.rows[i] for i in keep], headers)
        if name == "meta":
            if rows:
                data["meta"] = rows[0]
        else:
            node = data
            for key in SECTIONS[name].path[:-1]:
                node = node.setdefault(key, {})
            node[SECTIONS[name].path[-1]] = rows

    for name in TABLES:
        if name not in placed:
            placed[name] = _Placed(_absent_table(name, where), len(tables), [], {})
    return data, placed, problems, dropped


def _given(value: Any) -> bool:
    """A converted cell that says something (not left out, not empty text)."""
    return value is not _OMIT and not (type(value) is str and not value)


def _path_of(table: str) -> str:
    return "meta" if table == "meta" else ".".join(SECTIONS[table].path)


def _column_letter(pos: int) -> str:
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_PATH_SECTIONS = sorted(((_path_of(t), t) for t in TABLES), key=lambda p: -len(p[0]))
_PATH_IN_TEXT = re.compile(r"\b(?:review\.(?:scores|notes)|[a-z_]+)\[\d+\](?:\.[a-z_]+)*(?:\[\d+\])?")


def _locate(path: str, placed: dict[str, _Placed]) -> Optional[tuple[str, str, tuple[int, int, int]]]:
    """pydantic path -> (location, Chinese location, sort key), or None if it is not in a table."""
    for prefix, table in _PATH_SECTIONS:
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            break
    else:
        return None
    where = placed[table]
    rest = path[len(prefix) :]
    index: Optional[int] = 0 if table == "meta" else None
    found = re.match(r"\[(\d+)\]", rest)
    if found:
        index = int(found.group(1))
        rest = rest[found.end() :]
    field = re.sub(r"\[\d+\]", "", rest.lstrip("."))
    if index is None or index >= len(where.rows):
        return _where(where.table), _where(where.table, "zh"), (where.order, 0, 0)
    row = where.rows[index]
    location = text.say("labels.places.row", "en", where=_where(where.table), row=str(row))
    zh = text.say("labels.places.row", "zh", where=_where(where.table, "zh"), row=str(row))
    column = None
    while field:
        if field in where.headers:
            column = where.headers[field]
            break
        if field in _COLUMNS[table]:
            column = (_COLUMNS[table][field].zh, 10_000)
            break
        field = field.rpartition(".")[0]
    if column is None:
        return location, zh, (where.order, row, -1)
    return (text.say("labels.places.column", "en", where=location, column=column[0]),
            text.say("labels.places.column", "zh", where=zh, column=column[0]), (where.order, row, column[1]))


def _relocate(p: Problem, placed: dict[str, _Placed]) -> tuple[Problem, tuple[int, int, int]]:
    found = _locate(p.path, placed)
    if found is None:
        return p, (-1, 0, 0)
    location, _zh, key = found

    def swap(text: str, zh: bool) -> str:
        def one(match: re.Match[str]) -> str:
            other = _locate(match.group(0), placed)
            return match.group(0) if other is None else other[1 if zh else 0]

        return _PATH_IN_TEXT.sub(one, text)

    return (
        dataclasses.replace(
            p,
            location=p.location or location,
            message_zh=swap(p.message_zh, True),
            message_en=swap(p.message_en, False),
        ),
        key,
    )


def _to_workbook(tables: list[_Table], where: str, source: str = "", schema_version: Any = SCHEMA_VERSION) -> Workbook:
    """Validate what the tables hold; raise every problem, located and in reading order."""
    data, placed, keyed, dropped = _read_tables(tables, where)
    data = {"schema_version": schema_version, **data}
    try:
        workbook = Workbook.from_dict(data, source)
    except WorkbookError as exc:
        for p in exc.problems:
            if p.code == "missing" and _covered(p.path, dropped):
                continue  # already said once for the whole column
            p, key = _relocate(p, placed)
            keyed.append((key, p))
    else:
        if not keyed:
            return workbook
    keyed.sort(key=lambda item: item[0])  # sheet by sheet, row by row, column by column
    raise WorkbookError([p for _key, p in keyed], source)


def _covered(path: str, dropped: set[tuple[str, str]]) -> bool:
    for table, field in dropped:
        prefix = _path_of(table)
        pattern = re.escape(prefix) + (r"\." if table == "meta" else r"\[\d+\]\.") + re.escape(field) + "$"
        if re.match(pattern, path):
            return True
    return False


def from_frames(tables: Mapping[str, pd.DataFrame]) -> Workbook:
    """Rebuild a workbook from ``frames()`` output, or from tables a person made.

    Keys may be table names (``key_results``) or their Chinese/English labels; headers may be
    field codes or labels; choice cells codes or labels. A missing section is empty. Raises
    ``WorkbookError`` listing every bad cell, each located as ``frame <key>, row <n>, column <c>``
    with rows counted as in a spreadsheet (header row 1, first data row 2).
    """
    parsed: list[_Table] = []
    for key, df in tables.items():
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"from_frames: {key!r} should be a pandas DataFrame, not {type(df).__name__}")
        parsed.append(
            _Table(
                title=str(key),
                where="frame",
                headers=[str(c) for c in df.columns],
                columns=[column.tolist() for _name, column in df.items()],
                rows=list(range(2, len(df) + 2)),
            )
        )
    return _to_workbook(parsed, "frame")


# --------------------------------------------------------------------------------------------
# Cells for files: what a spreadsheet shows
# --------------------------------------------------------------------------------------------


def _choice_labels(vocab: Optional[str]) -> dict[str, str]:
    return {code: names["zh"] for code, names in data_file("vocab")[vocab].items()} if vocab else {}


def _file_cells(series: pd.Series, col: _Column, excel: bool) -> list[Any]:
    """A frame column as cell values: None for empty, choice codes as Chinese labels."""
    values = series.tolist()
    kind = col.kind
    if kind in ("text", "id"):
        return [None if _missing(v) or v == "" else v for v in values]
    if kind == "choice":
        names = _choice_labels(col.vocab)
        return [None if _missing(v) else names.get(v, v) for v in values]
    if kind == "list":
        return [LIST_SEPARATOR.join(v) if v else None for v in values]
    if kind == "date":
        return [None if _missing(v) else v.date() for v in values]
    if kind == "bool":
        return [bool(v) for v in values] if excel else [text.yes_no(v) for v in values]
    if kind == "int":
        return [None if _missing(v) else int(v) for v in values]
    return [None if _missing(v) else float(v) for v in values]


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    line = max(text.split("\n"), key=len)[:80]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _excel_number(value: float) -> Any:
    # openpyxl writes floats with 16 significant digits; the few that need 17 are kept as text
    # (read back exactly) rather than silently changed.
    return value if float("%.16g" % value) == value else repr(value)


@dataclasses.dataclass(frozen=True)
class ReportSheet:
    """A sheet to read, not to import: rows of text, each row with a style.

    ``rows`` are ``(style, cells)``: style ``title`` (large, bold), ``heading`` (bold),
    ``header`` (a table's header: bold, shaded) or ``text``; cells are text as the one formatter
    wrote it (a number in a sentence reads as everywhere else). ``to_excel`` writes such sheets
    before the plan's own and names them in its hidden sheet, so ``read_excel`` passes them by.
    """

    title: str
    rows: tuple[tuple[str, tuple[str, ...]], ...]


_REPORT_MARK = "report_sheet"
"""A row ``okrlib | report_sheet | <title>`` of the hidden sheet: a sheet to read, not to import."""


def _report_title(title: str, taken: set[str]) -> str:
    """A valid, unused sheet name (≤31 characters, no []:*?/\\, case-insensitively unique)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'")[:31] or "_"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def _write_report(book: Any, sheet: ReportSheet, taken: set[str]) -> str:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    title = _report_title(sheet.title, taken)
    ws = book.create_sheet(title)
    fonts = {"title": Font(bold=True, size=14), "heading": Font(bold=True, size=12), "header": Font(bold=True)}
    shade = PatternFill("solid", fgColor="ECEFF1")
    wrap = Alignment(wrap_text=True, vertical="top")
    widths: dict[int, int] = {}
    for r, (style, cells) in enumerate(sheet.rows, start=1):
        for c, value in enumerate(cells, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=str(value))
            cell.data_type = "s"  # text as shown: never a formula, a number or a date
            if style in fonts:
                cell.font = fonts[style]
            if style == "header":
                cell.fill = shade
            if "\n" in str(value):
                cell.alignment = wrap
            if style in ("header", "text") and len(cells) > 1:  # a title or note spans the page
                widths[c] = max(widths.get(c, 0), _display_width(str(value)))
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    return title


def to_excel(wb: Workbook, path: Union[PathLike, Any], *, report: Sequence[ReportSheet] = ()) -> None:
    """Write one sheet per table with Chinese headers (frozen, bold, sized columns).

    Text stays text (``=1+1`` is not a formula, ``001`` keeps its zeros), dates are Excel dates,
    choices show their Chinese label (with a drop-down), lists are joined with ``、``. ``path`` is
    a file name (written atomically) or a binary file object.

    ``report``: sheets to read (the take-away's sections, :class:`ReportSheet`), written first;
    the plan's own sheets follow, so the file still imports with ``read_excel``.
    """
    from openpyxl import Workbook as ExcelBook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    to_data(wb)  # refuse, as save does, a workbook broken by in-place edits
    book = ExcelBook()
    book.remove(book.active)
    bold = Font(bold=True)
    mapping: list[tuple[str, str, str, str]] = []
    taken = {_sheet_title(name).casefold() for name in TABLES} | {MAPPING_SHEET.casefold()}
    reports = [_write_report(book, sheet, taken) for sheet in report]
    for name, df in frames(wb).items():
        title = _sheet_title(name)
        ws = book.create_sheet(title)
        cols = _SPECS[name]
        for c, col in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=c, value=col.zh)
            cell.data_type = "s"
            cell.font = bold
            mapping.append((title, col.zh, name, col.name))
            values = _file_cells(df[col.name], col, excel=True)
            width = _display_width(col.zh)
            for r, value in enumerate(values, start=2):
                if value is None:
                    continue
                if isinstance(value, float):
                    value = _excel_number(value)
                elif isinstance(value, dt.date) and value < _EXCEL_FIRST_DATE:
                    value = value.isoformat()
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.number_format = numbers.excel_format(value)  # shown as on every other surface
                elif isinstance(value, str):
                    cell.data_type = "s"  # never a formula or an error code
                    if r < 200:
                        width = max(width, _display_width(value))
            ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
            if col.kind == "choice" and col.vocab:
                choices = ",".join(_choice_labels(col.vocab).values())
                if len(choices) <= 250:
                    letter = get_column_letter(c)
                    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
                    dv.add(f"{letter}2:{letter}1048576")
                    ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(ws.max_row, 1)}"

    hidden = book.create_sheet(MAPPING_SHEET)
    hidden.append(["okrlib", "schema_version", SCHEMA_VERSION])
    for title in reports:
        hidden.append(["okrlib", _REPORT_MARK, title])
    hidden.append(["sheet", "header", "section", "field"])
    for row in mapping:
        hidden.append(list(row))
    for row in hidden.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    hidden.sheet_state = "hidden"

    if hasattr(path, "write"):
        book.save(path)
    else:
        atomic_write(path, book.save)


def read_excel(path: Union[PathLike, Any]) -> Workbook:
    """Read a workbook from .xlsx: files written by ``to_excel`` or typed by hand.

    Sheets are found by their Chinese/English label or section name, headers likewise; empty
    rows are skipped; unknown non-empty sheets and unknown columns are problems. Raises
    ``WorkbookError`` with every bad cell located as ``sheet <title>, row <n>, column <header>``.
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = os.fspath(path) if isinstance(path, (str, os.PathLike)) else str(getattr(path, "name", ""))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise WorkbookError([problem("", "okr_file_missing", source)], source) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookError([problem("", "okr_not_xlsx", reason=str(exc) or type(exc).__name__)], source) from None
    try:
        sheets: dict[str, list[tuple[Any, ...]]] = {}
        for ws in book.worksheets:
            ws.reset_dimensions()  # some programs write a wrong size; read what is there
            sheets[ws.title] = [tuple(row) for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()

    version: Any = SCHEMA_VERSION
    sections: dict[str, str] = {}
    fields: dict[str, dict[str, str]] = {}
    for row in sheets.pop(MAPPING_SHEET, []):
        row = tuple(row) + (None,) * 4
        if row[0] == "okrlib" and row[1] == "schema_version":
            version = row[2]
        elif row[0] == "okrlib" and row[1] == _REPORT_MARK:  # a sheet to read (to_excel's report)
            sheets.pop(str(row[2]), None)
        elif isinstance(row[2], str) and row[2] in _SPECS and row[0] and row[1] and row[0] != "sheet":
            sections[str(row[0])] = row[2]
            fields.setdefault(str(row[0]), {})[str(row[1])] = str(row[3])

    tables = []
    for title, rows in sheets.items():
        width = max((len(r) for r in rows), default=0)
        rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
        headers = ["" if v is None else _as_text(v) for v in rows[0]] if rows else []
        body = rows[1:]
        tables.append(
            _Table(
                title=title,
                where="sheet",
                headers=[h if isinstance(h, str) else str(h) for h in headers],
                columns=[[r[j] for r in body] for j in range(width)],
                rows=list(range(2, len(body) + 2)),
                section=sections.get(title),
                fields=fields.get(title, {}),
            )
        )
    return _to_workbook(tables, "sheet", source, version)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


_CSV_RISKY = ("=", "+", "-", "@", "\t", "'")


def _csv_escape(text: str) -> str:
    # A cell starting with = + - @ would run as a formula when the CSV is opened in Excel
    # (CSV injection); a leading apostrophe makes it plain text there, and is removed on reading.
    return "'" + text if text.startswith(_CSV_RISKY) else text


def _csv_unescape(cell: Any) -> Any:
    return cell[1:] if isinstance(cell, str) and cell.startswith("'") else cell


def to_csv(wb: Workbook, directory: PathLike) -> None:
    """Write ``<table>.csv`` per table (``meta.csv``, ``key_results.csv`` ...) into ``directory``.

    UTF-8 with BOM (so Excel opens Chinese correctly), Chinese header row, choices as Chinese
    labels, booleans 是/否, dates YYYY-MM-DD, lists joined with ``、``, empty cells for "not
    given". Numbers are written in their shortest exact form, so reading gives the same floats.
    A text starting with ``= + - @`` (which Excel would run as a formula) or ``'`` is written
    with a leading ``'``, which reading removes again; so a hand-typed leading ``'`` is dropped.
    """
    to_data(wb)  # refuse, as save does, a workbook broken by in-place edits
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, df in frames(wb).items():
        cols = _SPECS[name]
        out: dict[str, list[str]] = {}
        for col in cols:
            cells = _file_cells(df[col.name], col, excel=False)
            if col.kind == "float":
                out[col.zh] = ["" if v is None else _number_text(v) for v in cells]
            elif col.kind == "date":
                out[col.zh] = ["" if v is None else v.isoformat() for v in cells]
            else:
                out[col.zh] = ["" if v is None else _csv_escape(str(v)) for v in cells]
        body = pd.DataFrame(out, dtype=object).to_csv(index=False, lineterminator="\n")
        payload = body.encode("utf-8-sig")
        atomic_write(directory / f"{name}.csv", lambda handle, payload=payload: handle.write(payload))


def read_csv(directory: PathLike) -> Workbook:
    """Read the ``<table>.csv`` files of ``directory`` (missing files are empty sections).

    Every cell is read as text (``NA``, ``null``, ``001`` stay text) and converted by its column's
    type. Files saved by Chinese Excel as GBK are read too. Raises ``WorkbookError`` with every
    bad cell located as ``file <name>.csv, row <n>, column <header>``.
    """
    directory = Path(directory)
    source = str(directory)
    if not directory.is_dir():
        raise WorkbookError([problem("", "okr_file_missing", source)], source)
    order = {name: i for i, name in enumerate(TABLES)}

    def rank(p: Path) -> tuple[int, str]:
        return order.get(_SECTION_ALIASES.get(_norm(p.stem), ""), len(order)), p.name

    tables: list[_Table] = []
    problems: list[Problem] = []
    for path in sorted((p for p in directory.iterdir() if p.suffix.lower() == ".csv" and p.is_file()), key=rank):
        raw = path.read_bytes()
        try:
            decoded = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            decoded = raw.decode("gb18030", errors="replace")  # Chinese Excel's "CSV" is GBK
        try:
            df = pd.read_csv(
                io.StringIO(decoded),
                header=None,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
            )
        except pd.errors.EmptyDataError:
            df = pd.DataFrame()
        except (pd.errors.ParserError, ValueError) as exc:
            problems.append(problem("", "okr_csv_syntax", location=f"file {path.name}", reason=str(exc).strip()))
            continue
        values = df.to_numpy(dtype=object).tolist()
        headers = [str(h) for h in values[0]] if values else []
        body = [[_csv_unescape(cell) for cell in row] for row in values[1:]]
        tables.append(
            _Table(
                title=path.name,
                where="file",
                headers=headers,
                columns=[[r[j] for r in body] for j in range(len(headers))],
                rows=list(range(2, len(body) + 2)),
            )
        )
    try:
        workbook = _to_workbook(tables, "file", source)
    except WorkbookError as exc:
        raise WorkbookError(problems + exc.problems, source) from None
    if problems:
        raise WorkbookError(problems, source)
    return workbook
