"""Showing course material in a notebook: a case's story, the instructor's notes, tables, chains.

Notebook cells stay a line or two (``present.story(case)``) and every notebook shows things the
same way. Text from cases and plans is escaped before it becomes HTML. The instructor's analysis
appears only in the instructor role: a participant's notebook never contains it.
"""

from __future__ import annotations

import html
from typing import Any, Literal, Optional

from okrlib.words import labels, numbers, text

__all__ = ["story", "instructor_notes", "table", "chain", "checklist", "plan_summary", "markdown", "story_markdown",
           "instructor_markdown", "Role"]

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


def instructor_notes(case: Any, role: str) -> None:
    """The instructor's analysis and the flaws the checker must find; nothing at all for participants."""
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
        rows.append(f"| `{e.rule}` | {e.target} | {e.why} | {text.say(f'ui.present.{state}')} |")
    head = list(text.names("ui.present.instructor_columns").values())
    lines = [f"#### {text.say('ui.present.instructor_title')}", "", case.instructor.analysis.strip(), "",
             "| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |", *rows]
    return _markdown("\n".join(lines))


def table(df: Any, caption: str = "", *, max_rows: int = 30) -> None:
    """A DataFrame as a readable table (escaped), with its title when it came from okrlib.

    Numbers read as everywhere else (okrlib.words.numbers: ``0.849``, not ``0.849111``); the
    frame itself is not changed.
    """
    title = caption or df.attrs.get("title", "")
    shown = df.head(max_rows)
    count = text.say("ui.present.rows_shown", n=len(df), shown=len(shown))
    more = f"<div style='color:#475467'>{html.escape(count)}</div>" if len(df) > len(shown) else ""
    body = numbers.table(shown).to_html(index=False, escape=True, na_rep="", border=0)
    head = f"<b>{html.escape(str(title))}</b>" if title else ""
    _display(_html(head + body + more))


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


def checklist(report: Any) -> None:
    """A check report as the coloured T10 table with each finding and its fix (okrlib.views.widgets' view)."""
    from okrlib.views.widgets import checklist_html

    _display(_html(checklist_html(report)))


def plan_summary(wb: Any) -> None:
    """How far the plan has come: rows per section, as the course fills it in module by module."""
    from okrlib.plan.model import SECTIONS

    cells = "".join(f"<tr><td>{html.escape(labels.section(name))}</td><td>{numbers.number(len(wb.rows(name)))}</td></tr>"
                    for name in SECTIONS)
    meta = wb.meta
    head = f"<b>{html.escape(meta.team)} · {html.escape(meta.product)}</b>"
    columns = "".join(f"<th>{html.escape(word)}</th>" for word in text.names("ui.present.summary_columns").values())
    _display(_html(f"{head}<table><tr>{columns}</tr>{cells}</table>"))
