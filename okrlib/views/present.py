"""Showing course material in a notebook: a case's story, the instructor's notes, tables, chains.

Notebook cells stay a line or two (``present.story(case)``) and every notebook shows things the
same way. Text from cases and plans is escaped before it becomes HTML. The instructor's analysis
appears only in the instructor role: a participant's notebook never contains it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import lru_cache
from typing import Any, Literal, Mapping, Optional

from okrlib.course import workspace
from okrlib.words import labels, numbers, text

__all__ = ["story", "instructor_notes", "table", "table_html", "readable", "case_table", "section", "findings",
           "indicators", "indicators_frame", "header", "chain", "plan_summary", "markdown", "story_markdown",
           "instructor_markdown", "code_label", "Role"]

Role = Literal["participant", "instructor"]


def _display(obj: Any) -> Any:
    from IPython.display import display

    display(obj)
    return None


def _html(text: str) -> Any:
    from IPython.display import HTML

    return HTML(text)


def _markdown(text: str) -> Any:
    from IPython.display import Markdown

    return Markdown(text.replace("<", "&lt;").replace(">", "&gt;"))


def markdown(text: str) -> Any:
    """Markdown from okrlib's data (a case story) shown as Markdown, with HTML tags in it escaped."""
    return _display(_markdown(text))


def story(case: Any) -> None:
    """The participant-facing part of a case: title, story, learning points, discussion questions."""
    _display(story_markdown(case))


def story_markdown(case: Any) -> Any:
    """``story(case)`` as a display object (for a widget's output area)."""
    info = case.info
    title = text.say("ui.present.case_title", id=info.id, title=info.title)
    line = text.say("ui.present.case_line", company=info.company, industry=info.industry, module=info.module)
    lines = [f"### {title}", "", f"*{line}*", "", case.story.strip(), "", f"**{text.say('ui.present.learning_points')}**", ""]
    lines += [f"- {p}" for p in case.learning_points]
    lines += ["", f"**{text.say('ui.present.questions')}**", ""] + [f"{i}. {q}" for i, q in enumerate(case.discussion_questions, 1)]
    return _markdown("\n".join(lines))


def instructor_notes(case: Any, role: Optional[str] = None) -> None:
    """The instructor's analysis and the flaws the checker must find; nothing at all for participants.

    ``role`` defaults to the course's (:func:`okrlib.course.workspace.role`). The cells that call
    this are tagged ``instructor`` and left out of participants' copies altogether."""
    if role is None:
        role = workspace.role()
    notes = instructor_markdown(case, role)
    if notes is not None:
        _display(notes)


def instructor_markdown(case: Any, role: str) -> Any:
    """``instructor_notes`` as a display object, or None outside the instructor role."""
    if role != "instructor":
        return None
    found = {(f.rule, f.target) for f in case.check().findings}
    rows = []
    for e in case.instructor.expected_findings:
        state = "pending" if e.pending else ("found" if (e.rule, e.target) in found else "not_found")
        rows.append(f"| {code_label(e.rule, 'rule') if not e.pending else text.say('ui.present.pending_rule')} | {e.target} | {e.why} "
                    f"| {text.say(f'ui.present.{state}')} |")
    head = list(text.names("ui.present.instructor_columns").values())
    lines = [f"#### {text.say('ui.present.instructor_title')}", "", case.instructor.analysis.strip(), "",
             "| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |", *rows]
    return _markdown("\n".join(lines))


def table(df: Any, caption: str = "", *, max_rows: int = 30, lang: text.Lang = "zh",
          labels: Optional[Mapping[str, str]] = None) -> None:
    """A DataFrame as a table a participant reads: every header, row label and cell in words.

    Headers are okrlib's names for the columns (``labels``, then the frame's own declaration --
    a case's or a reference library's columns --, then ``labels.yaml``'s ``frames`` and
    ``fields``); a meaningful index becomes the first column(s), named the same way; codes read
    as their names (``to_c`` -> ``To C 产品``), booleans as 是/否, what is missing as ``—``,
    numbers through okrlib.words.numbers with the unit the column declares (``72.8%``,
    ``123.46万元``); a literal ``\n`` breaks the line and ``**bold**`` is bold, never shown raw.
    ``lang="en"`` shows English headers and words. The frame itself is not changed.
    """
    _display(_html(table_html(df, caption, max_rows=max_rows, lang=lang, labels=labels)))


def table_html(df: Any, caption: str = "", *, max_rows: int = 30, lang: text.Lang = "zh",
               labels: Optional[Mapping[str, str]] = None) -> str:
    """``table(...)`` as HTML (escaped), for a widget's output area or a test."""
    title = text.fill(caption, df.attrs.get("fill") or {}) if caption else df.attrs.get("title", "")
    shown = readable(df.head(max_rows), lang=lang, labels=labels)
    count = text.say("ui.present.rows_shown", lang, n=len(df), shown=min(len(df), max_rows))
    more = f"<div style='color:#475467'>{html.escape(count)}</div>" if len(df) > max_rows else ""
    head = "".join(f"<th style='text-align:left'>{_cell_html(c)}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{_cell_html(v)}</td>" for v in row)
                   + "</tr>" for row in shown.itertuples(index=False, name=None))
    body = f"<table class='dataframe okr-table' border='0'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    caption_html = f"<b>{html.escape(str(title))}</b>" if title else ""
    return caption_html + body + more


def case_table(case: Any, name: str, caption: str = "", *, columns: Optional[list[str]] = None,
               max_rows: int = 30, lang: text.Lang = "zh") -> None:
    """One of a case's tables (``present.case_table(case, "funnel")``), headed as its declaration
    names the columns; ``columns`` picks some, in order."""
    df = case.tables[name]
    table(df if columns is None else df[list(columns)], caption, max_rows=max_rows, lang=lang)


def section(wb: Any, name: str, caption: str = "", *, columns: Optional[list[str]] = None, max_rows: int = 30,
            lang: text.Lang = "zh") -> None:
    """One section of a plan as a table (``present.section(plan.workbook, "product_goals")``), its
    columns named as the plan's forms name them; the caption defaults to the section's name."""
    from okrlib.course.lessons import plan_section

    table(plan_section(wb, name, columns), caption or labels.section(name, lang), max_rows=max_rows, lang=lang)


_FINDING_COLUMNS = ("rule", "severity", "target", "message", "hint")


def findings(report: Any, caption: str = "", *, columns: tuple[str, ...] = _FINDING_COLUMNS, max_rows: int = 30,
             lang: text.Lang = "zh") -> None:
    """What the checker found, one row per finding, in the reader's language. ``columns`` from
    rule, indicator, severity, target, message, hint, source; ``{n}`` in the caption is the
    number of findings, ``{score}`` the report's score."""
    frame = report.frame()
    picked = {"message": f"message_{lang}", "hint": "hint" if lang == "zh" else "hint_en"}
    df = frame[[picked.get(c, c) for c in columns]].copy()
    df.columns = list(columns)
    df.attrs.update(frame="findings", fill={"n": len(report.findings), "score": report.score})
    table(df, caption, max_rows=max_rows, lang=lang)


def indicators(report: Any, caption: str = "", *, ids: Optional[list[str]] = None, prefix: Optional[str] = None,
               max_rows: int = 30, lang: text.Lang = "zh") -> None:
    """The checklist's indicators of a report (those of ``ids``, or whose id starts with
    ``prefix``): dimension, name, result and number of findings; ``{score}`` in the caption is
    the report's score."""
    frame = indicators_frame(report, ids=ids, prefix=prefix, lang=lang)
    table(frame, caption, max_rows=max_rows, lang=lang)


def indicators_frame(report: Any, *, ids: Optional[list[str]] = None, prefix: Optional[str] = None,
                     lang: text.Lang = "zh") -> Any:
    """``indicators``' frame: id, dimension, name, status, findings (for a table or a comparison)."""
    frame = report.indicators_frame()
    if ids is not None:
        frame = frame[frame["id"].isin(list(ids))]
    if prefix is not None:
        frame = frame[frame["id"].str.startswith(prefix)]
    df = frame[["id", f"dimension_{lang}", f"name_{lang}", "status", "findings"]].reset_index(drop=True)
    df.columns = ["id", "dimension", "name", "status", "findings"]
    df.attrs.update(frame="indicators", fill={"score": report.score})
    return df


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def _cell_html(said: str) -> str:
    out = html.escape(str(said))
    out = _BOLD.sub(r"<b>\1</b>", out).replace("**", "")
    return out.replace("\n", "<br>")


def readable(df: Any, *, lang: text.Lang = "zh", labels: Optional[Mapping[str, str]] = None) -> Any:
    """A copy of ``df`` as people read it: headers in words, every cell text (see :func:`table`).

    A named or non-default index becomes the first column(s); the column axis's own name (a
    pivot's ``product_type``) tells what its column labels are, so they read as names too.
    """
    import pandas as pd

    frame = df
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1
            and all(n is None for n in frame.index.names)):
        frame = frame.reset_index()
    meta = _Columns(df.attrs, lang, labels, axis=getattr(df.columns, "name", None))
    out = {}
    for i, column in enumerate(frame.columns):
        header = meta.header(column)
        while header in out:
            header += " "  # two columns of one name stay two columns
        out[header] = [meta.cell(column, v) for v in frame.iloc[:, i]]
    return pd.DataFrame(out, columns=list(out), index=pd.RangeIndex(len(frame)))


def header(df: Any, column: str, lang: text.Lang = "zh") -> str:
    """What a table (or a chart's axis) calls ``column`` of ``df``, as :func:`table` heads it."""
    return _Columns(df.attrs, lang, None).header(column)


_SUFFIX = re.compile(r"_(zh|en)$")


class _Columns:
    """What a frame's columns are called and how their cells read, from okrlib's data."""

    def __init__(self, attrs: Mapping[str, Any], lang: text.Lang, labels: Optional[Mapping[str, str]],
                 axis: Any = None) -> None:
        self.lang = lang
        self.labels = dict(labels or {})
        declared: tuple[Mapping[str, Any], Mapping[str, str]] = ({}, {})
        if attrs.get("table"):
            from okrlib.course.lessons import declaration

            declared = declaration(str(attrs["table"]))
        self.declared, self.sources = declared
        self.section: Optional[str] = attrs.get("section")
        frame = attrs.get("frame")
        self.frame: Mapping[str, Any] = text.entry(f"labels.frames.{frame}") if frame else {}
        self.axis = axis

    def header(self, column: Any) -> str:
        if not isinstance(column, str):
            return self.cell(self.axis, column)
        if column in self.labels:
            return self.labels[column]
        plain = _SUFFIX.sub("", column)
        declared = self.declared.get(column)
        if declared:
            unit = declared.get("unit")
            label = declared["label"] if self.lang == "zh" else _humanised(column)
            return f"{label}({unit})" if unit and unit not in _self_units() else label
        for key in (column, plain):
            if key in self.frame:
                return self.frame[key][self.lang]
        for key in (column, plain):
            for group in _frame_groups():
                if key in group:
                    return group[key][self.lang]
        if self.section or column in _fields() or plain in _fields():
            return labels.field(self.section or "", column if column in _fields() else plain, self.lang)
        name = _code_name(column, None, self.lang)
        if name is not None:
            return name
        if self.axis is not None and not isinstance(self.axis, str):
            return str(column)
        return column if self.lang == "zh" else _humanised(column)

    def cell(self, column: Any, value: Any) -> str:
        if _is_missing(value):
            return numbers.MISSING
        if isinstance(value, (bool, _np_bool())):
            return text.yes_no(bool(value), self.lang)
        declared = self.declared.get(column) if isinstance(column, str) else None
        unit = declared.get("unit") if declared else None
        if isinstance(value, str):
            if column == "source" and value in self.sources:
                return self.sources[value]
            named = _code_name(value, column, self.lang)
            return named if named is not None else value.replace("\\n", "\n")
        if isinstance(value, (tuple, list, set, frozenset)):
            items = [self.cell(column, v) for v in value]
            return text.join(items, self.lang) if items else numbers.MISSING
        if isinstance(value, (dt.date, dt.datetime)):
            if declared and declared.get("type") == "month":
                return numbers.date(value)[:7]
            return numbers.date(value)
        if _is_number(value):
            return _number(float(value) if not float(value).is_integer() or isinstance(value, float) else int(value),
                           column, unit)
        return str(value)


def _self_units() -> tuple[str, ...]:
    """Units the cells carry themselves (72.8%, 123.46万元), so the header does not repeat them."""
    return ("%", str(text.entry("numbers.currency")))


def _number(value: Any, column: Any, unit: Optional[str]) -> str:
    fmt = _formats().get(column) if isinstance(column, str) else None
    if unit == "%":
        return numbers.quantity(value, "%", digits=None if float(value).is_integer() else 1)
    if unit and unit == text.entry("numbers.currency"):
        return numbers.money(value)
    if fmt == "share":
        return numbers.percent(value)
    if fmt == "change":
        return numbers.number(value, digits=2, sign=True)
    if fmt == "score":
        return numbers.number(value, digits=2)
    if isinstance(value, float) and abs(value) < 1:
        return numbers.number(value, digits=3)  # 0.849111 -> 0.849; never more than three decimals
    return numbers.number(value)


def _humanised(column: str) -> str:
    said = _SUFFIX.sub("", column).replace("_", " ").replace(".", " ").strip()
    return said[:1].upper() + said[1:]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return isinstance(value, float) and value != value
    except TypeError:
        return False


def _np_bool() -> type:
    import numpy

    return numpy.bool_


def _is_number(value: Any) -> bool:
    import numbers as abstract

    return isinstance(value, abstract.Number) and not isinstance(value, bool)


@lru_cache(maxsize=1)
def _frame_groups() -> tuple[Mapping[str, Any], ...]:
    return tuple(text.entry("labels.frames").values())


@lru_cache(maxsize=1)
def _fields() -> frozenset[str]:
    return frozenset(text.entry("labels.fields"))


@lru_cache(maxsize=1)
def _formats() -> Mapping[str, str]:
    return dict(text.entry("labels.column_formats"))


@lru_cache(maxsize=1)
def _code_names() -> dict[str, Mapping[str, str]]:
    """Every code's names (zh/en): the plan's vocabularies, labels.yaml's codes, the scoring bands."""
    out: dict[str, Mapping[str, str]] = {}
    for group, entries in text.entry("vocab").items():
        if group == "language" or not isinstance(entries, Mapping):
            continue
        for code, names in entries.items():
            out.setdefault(str(code), names)
    for key in ("labels.codes", "labels.status", "labels.severity", "scoring.bands.labels"):
        for code, names in text.entry(key).items():
            out.setdefault(str(code), names)
    for band in text.entry("scoring.risk.bands"):
        out.setdefault(str(band["code"]), band)
    return out


def code_label(value: Any, column: str, lang: text.Lang = "zh") -> str:
    """How a table shows ``value`` of ``column``: a code's name (``to_c`` → To C 产品), else the value."""
    return _code_name(value, column, lang) or str(value)


def _code_name(value: Any, column: Any, lang: text.Lang) -> Optional[str]:
    """The name of a code in ``column`` (that column's own list first), or None if it is no code."""
    if not isinstance(value, str):
        return None
    if isinstance(column, str):
        key = text.entry("labels.column_codes").get(column)
        if key:
            names = text.entry(key).get(value)
            if names:
                names = names.get("name", names)  # an entry with more than its name (a rule) names itself
                return str(names[lang])
    names = _code_names().get(value)
    return None if names is None else str(names[lang])


def chain(wb: Any, kr_id: Optional[str] = None) -> None:
    """The traced chain from each KR (or one) up to the mission, with where it breaks."""
    traces = {kr_id: wb.trace(kr_id)} if kr_id else wb.traces()
    items = []
    for kid, trace in traces.items():
        steps = " → ".join(f"<b>{html.escape(s.id)}</b> {html.escape(_short(s.statement))}" for s in trace.steps)
        broken = "" if trace.complete else f" <span style='color:#b42318'>{html.escape(text.say('ui.present.broken'))}</span>"
        items.append(f"<li>{steps}{broken}</li>")
    _display(_html(f"<ul>{''.join(items)}</ul>" if items else f"<p>{html.escape(text.say('ui.present.no_krs'))}</p>"))


def _short(said: str, limit: int = 30) -> str:
    said = " ".join(str(said).split())
    return said if len(said) <= limit else said[: limit - 1] + "…"


def plan_summary(wb: Any) -> None:
    """How far the plan has come: rows per section, as the course fills it in module by module."""
    from okrlib.plan.model import SECTIONS

    cells = "".join(f"<tr><td>{html.escape(labels.section(name))}</td><td>{numbers.number(len(wb.rows(name)))}</td></tr>"
                    for name in SECTIONS)
    meta = wb.meta
    head = f"<b>{html.escape(meta.team)} · {html.escape(meta.product)}</b>"
    columns = "".join(f"<th>{html.escape(word)}</th>" for word in text.names("ui.present.summary_columns").values())
    _display(_html(f"{head}<table><tr>{columns}</tr>{cells}</table>"))
