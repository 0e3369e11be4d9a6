"""Editing a plan one row at a time, as forms do: read what was typed, check it, save it.

The forms in okrlib.views.widgets are a thin shell over this module, so everything a participant can
get wrong in a form is decided (and tested) here, without a browser:

* ``form_values(wb, section, id)`` gives the text a form shows for a row (what was saved);
* ``apply(wb, section, values, original)`` reads typed text (``300万`` and ``85%`` for numbers,
  ``2027-03-31`` or ``2027/3/31`` for dates, ``、``-separated lists, a choice's code or label)
  and returns the new plan, or raises ``EditError`` whose problems are keyed by field, each in
  Chinese and English, with the whole plan re-checked (ids unique, links valid);
* ``okrlib.storage.planfile.PlanFile`` keeps one participant's plan on disk on top of this.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from okrlib.words import labels, text
from okrlib.words.resources import data_file
from okrlib.words.numbers import read_number
from okrlib.words.problems import OkrlibError, Problem, WorkbookError, problem
from okrlib.plan.fields import FieldInfo, fields  # noqa: F401 - fields is part of the module's vocabulary
from okrlib.plan.model import NAME_SEPARATOR, SECTIONS, Workbook

__all__ = ["EditError", "form_values", "apply", "delete", "key_field", "next_id", "ref_options", "row_label", "LIST_SEPARATOR"]

LIST_SEPARATOR: str = data_file("labels")["cell_list_separator"]
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_PREFIX = {"company_goals": "CG", "factors": "F", "core_elements": "E", "product_goals": "PG", "objectives": "O",
           "key_results": "KR", "cross_dept": "X", "tasks": "T", "checkins": "C", "risks": "R",
           "adjustments": "A", "review_notes": "N", "action_plan": "AP"}


@dataclass
class EditError(OkrlibError):
    """An edit was refused; ``by_field`` maps a field code ("" for the row) to its problems."""

    problems: list[Problem] = field(default_factory=list)
    by_field: dict[str, list[Problem]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{p.path or '(row)'}: {p.message_zh} / {p.message_en}" for p in self.problems)


# --------------------------------------------------------------------------------------------
# Values as a form shows them
# --------------------------------------------------------------------------------------------


def _get(row: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        row = getattr(row, part, None) if not isinstance(row, dict) else row.get(part)
    return row


def show(value: Any, info: FieldInfo) -> Any:
    """A stored value as a form field holds it: text, a bool, a date or a choice code."""
    if value is None:
        return None if info.kind in ("date", "choice") or (info.kind == "id" and info.ref) else ""
    if info.kind == "list":
        return list(value) if info.ref else LIST_SEPARATOR.join(value)  # ids: a multiple choice
    if info.kind == "float":
        exact = f"{value:.15g}"
        if "e" in exact:  # 1e-05 is no way to show a number to a participant
            exact = f"{value:.20f}".rstrip("0").rstrip(".")
        return exact
    if info.kind == "int":
        return str(value)
    return value


def key_field(section: str) -> str:
    """The field that names a row: its id, or for review scores (one per KR) the KR."""
    return "id" if section == "meta" or SECTIONS[section].has_ids else "key_result"


def form_values(wb: Optional[Workbook], section: str, row_id: Optional[str] = None, index: Optional[int] = None) -> dict[str, Any]:
    """What a form shows for one row (``row_id``: its key): the saved values, or a new row's defaults."""
    infos = fields(section)
    row: Any = None
    if wb is not None:
        if section == "meta":
            row = wb.meta
        elif row_id is not None:
            key = key_field(section)
            row = next((r for r in wb.rows(section) if getattr(r, key, None) == row_id), None)
        elif index is not None and index < len(wb.rows(section)):
            row = wb.rows(section)[index]
    if row is None:
        return {f.name: show(_default(section, f), f) for f in infos}
    return {f.name: show(_get(row, f.name), f) for f in infos}


def _default(section: str, info: FieldInfo) -> Any:
    model = _model(section)
    node: Any = model
    parts = info.name.split(".")
    for part in parts[:-1]:
        node = node.model_fields[part].annotation
    spec = node.model_fields[parts[-1]]
    if spec.is_required():
        return None
    value = spec.get_default(call_default_factory=True)
    return value


def _model(section: str) -> Any:
    from okrlib.plan.model import Meta

    return Meta if section == "meta" else SECTIONS[section].row


# --------------------------------------------------------------------------------------------
# Reading what was typed
# --------------------------------------------------------------------------------------------


def _read(value: Any, info: FieldInfo) -> tuple[Any, Optional[tuple[str, dict[str, Any]]]]:
    """(the value for the model, or a (message code, context) when it cannot be read)."""
    if isinstance(value, str):
        value = value.strip()
    empty = value is None or value == ""
    if info.kind in ("float", "int"):
        if empty:
            return None, None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            number = read_number(value)
            if number is None:
                return value, ("form_not_number", {})
        if info.kind == "int":
            if number != int(number):
                return value, ("form_not_int", {})
            return int(number), None
        return number, None
    if info.kind == "date":
        if empty:
            return None, None
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        m = _DATE.match(str(value))
        try:
            return (dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None) if m else (value, ("form_bad_date", {}))
        except ValueError:
            return value, ("form_bad_date", {})
    if info.kind == "bool":
        if isinstance(value, bool):
            return value, None
        flag = labels.bool_word(str(value or "")) if value not in (None, "") else False  # empty: not ticked
        return (flag, None) if flag is not None else (value, ("form_not_bool", {}))
    if info.kind == "list":
        if isinstance(value, (list, tuple)):
            return [str(v).strip() for v in value if str(v).strip()], None
        return split_list(str(value or "")), None
    if info.kind in ("choice", "id"):
        return (None if empty else value), None
    return ("" if value is None else value), None


def split_list(text: str) -> list[str]:
    """``"销售部、客服部"`` -> ``["销售部", "客服部"]`` (顿号, commas, semicolons or new lines)."""
    return [p.strip() for p in NAME_SEPARATOR.split(text or "") if p.strip()]


def _build(section: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[Problem]]]:
    """Typed text -> nested row data, with the fields that could not be read."""
    data: dict[str, Any] = {}
    bad: dict[str, list[Problem]] = {}
    for info in fields(section):
        if info.name not in values:
            continue
        value, err = _read(values[info.name], info)
        if err is not None:
            code, ctx = err
            bad.setdefault(info.name, []).append(problem(info.name, code, value, label=info.zh, label_en=info.en, **ctx))
            continue
        if value is None and not info.optional and not info.required:
            continue  # not given: the model's default
        node = data
        parts = info.name.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return data, bad


def apply(
    wb: Workbook,
    section: str,
    values: Mapping[str, Any],
    original: Optional[str] = None,
) -> Workbook:
    """The plan with one row added (``original`` None) or replaced (the row whose id is
    ``original``; for ``meta``, the plan's basics). Raises EditError, the plan unchanged.

    The whole plan is validated again, so a renamed id that other rows point to, or a link to
    a row that does not exist, is refused here rather than found later.
    """
    row, bad = _build(section, values)
    data = wb.to_dict()
    position: Optional[int] = None
    if section == "meta":
        merged = dict(data["meta"])
        merged.update(row)
        if "cycle" in row:
            merged["cycle"] = {**data["meta"].get("cycle", {}), **row["cycle"]}
        data["meta"] = merged
    else:
        rows = _section_list(data, section)
        key = key_field(section)
        if original is not None:
            position = next((i for i, r in enumerate(rows) if r.get(key) == original), None)
            if position is None:
                raise EditError([problem("", "form_row_gone", original)], {"": [problem("", "form_row_gone", original)]})
            rows[position] = row
            if key == "id" and original != row.get("id") and row.get("id"):
                _rename_links(data, original, row["id"])
        else:
            position = len(rows)
            rows.append(row)
    try:
        new = Workbook.from_dict(data)
    except WorkbookError as exc:
        bad = _merge(bad, _problems_of_row(exc.problems, section, position))
    if bad:
        flat = [p for ps in bad.values() for p in ps]
        raise EditError(flat, bad)
    return new


def _rename_links(data: dict[str, Any], old: str, new: str) -> None:
    """Renaming a row's id takes its links along (a KR's objective, a task's KR ...)."""
    from okrlib.plan.model import _REFS  # the (field, section, is_list) of every link field

    for name, refs in _REFS.items():
        for row in _section_list(data, name):
            for fname, _, is_list in refs:
                value = row.get(fname)
                if is_list and isinstance(value, list):
                    row[fname] = [new if v == old else v for v in value]
                elif value == old:
                    row[fname] = new


def delete(wb: Workbook, section: str, row_id: str) -> Workbook:
    """The plan without one row; refused (EditError) while other rows still point to it."""
    data = wb.to_dict()
    rows = _section_list(data, section)
    key = key_field(section)
    keep = [r for r in rows if r.get(key) != row_id]
    if len(keep) == len(rows):
        raise EditError([problem("", "form_row_gone", row_id)], {"": [problem("", "form_row_gone", row_id)]})
    rows[:] = keep
    users = sorted({rid for s, rid, row in wb.iter_ids() for f in _link_values(s, row) if f == row_id}) if key == "id" else []
    if users:
        p = problem("", "form_still_linked", row_id, users=text.join(users, "zh"), users_en=text.join(users, "en"))
        raise EditError([p], {"": [p]})
    return Workbook.from_dict(data)


def _link_values(section: str, row: Any) -> list[str]:
    from okrlib.plan.model import _REFS

    out: list[str] = []
    for fname, _, is_list in _REFS.get(section, []):
        value = getattr(row, fname, None)
        if is_list and value:
            out += list(value)
        elif value:
            out.append(value)
    return out


def _section_list(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    node = data
    path = SECTIONS[section].path
    for key in path[:-1]:
        node = node.setdefault(key, {})
    return node.setdefault(path[-1], [])


_PATH = re.compile(r"^(?P<section>[a-z_]+(?:\.[a-z_]+)?)(?:\[(?P<index>\d+)\])?(?:\.(?P<field>.+))?$")


def _problems_of_row(problems: list[Problem], section: str, position: Optional[int]) -> dict[str, list[Problem]]:
    """The plan's problems as the form sees them: keyed by this row's field ("" for the rest)."""
    prefix = "meta" if section == "meta" else ".".join(SECTIONS[section].path)
    names = {f.name for f in fields(section)}
    out: dict[str, list[Problem]] = {}
    for p in problems:
        key = ""
        if section == "meta":
            fname = p.path[len("meta."):] if p.path.startswith("meta.") else ""
            key = fname if fname in names else ""
        else:
            m = _PATH.match(p.path)
            if m and m.group("section") == prefix and m.group("index") is not None and int(m.group("index")) == position:
                fname = re.sub(r"\[\d+\]$", "", m.group("field") or "")
                key = fname if fname in names else ""
        label_zh = labels.field(section, key, "zh") if key else ""
        shown = Problem(key or p.path, p.code, p.message_zh, p.message_en, p.value, label_zh)
        out.setdefault(key, []).append(shown)
    return out


def _merge(a: dict[str, list[Problem]], b: dict[str, list[Problem]]) -> dict[str, list[Problem]]:
    out = {k: list(v) for k, v in a.items()}
    for k, v in b.items():
        if k in out:
            continue  # the field could not be read: the model's complaint about it adds nothing
        out[k] = list(v)
    return out


def next_id(wb: Optional[Workbook], section: str, parent: Optional[str] = None) -> str:
    """A free id in the plan's style: ``KR1.3`` under ``O1``, else ``PG3``, ``T12`` ..."""
    taken = {rid for _, rid, _ in wb.iter_ids()} if wb is not None else set()
    prefix = _PREFIX.get(section, "X")
    if section == "key_results" and parent and parent[:1] in "Oo" and parent[1:].isdigit():
        base = f"KR{parent[1:]}."
        n = 1
        while f"{base}{n}" in taken:
            n += 1
        return f"{base}{n}"
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def row_label(row: Any, limit: int = 36) -> str:
    """A row as a choice shows it: ``"O1 提升新用户留存"`` (its key and the start of its text)."""
    key = getattr(row, "id", None) or getattr(row, "key_result", "")
    first = next((getattr(row, f) for f in _TEXT_FIELDS if getattr(row, f, None)), "")
    first = " ".join(str(first).split())
    return f"{key} {first[:limit]}{'…' if len(first) > limit else ''}".strip()


_TEXT_FIELDS = ("statement", "description", "title", "action", "need", "change", "text", "comment")


def ref_options(wb: Optional[Workbook], info: FieldInfo, limit: int = 36) -> list[tuple[str, str]]:
    """(label, id) choices for a link field, e.g. ``("O1 提升新用户留存", "O1")``."""
    if wb is None or not info.ref:
        return []
    sections = [s for s, sec in SECTIONS.items() if sec.has_ids] if info.ref == "*" else [info.ref]
    return [(row_label(row, limit), row.id) for s in sections for row in wb.rows(s)]


# --------------------------------------------------------------------------------------------
# One participant's plan on disk
# --------------------------------------------------------------------------------------------


def changed_parts(old: Workbook, new: Workbook) -> set[str]:
    """The parts of a plan (``meta`` and the sections of SECTIONS) that differ between two versions."""
    parts = {"meta"} if old.meta != new.meta else set()
    return parts | {name for name in SECTIONS if old.rows(name) != new.rows(name)}
