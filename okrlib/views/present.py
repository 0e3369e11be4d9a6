"""Showing course material in a notebook: a case's story, the instructor's notes, tables, chains.

Notebook cells stay a line or two (``present.story(case)``) and every notebook shows things the
same way. Text from cases and plans is escaped before it becomes HTML. The instructor's analysis
appears only in the instructor role: a participant's notebook never contains it.
"""

from __future__ import annotations

import html
from typing import Any, Literal, Optional

from okrlib.words import labels

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
    lines = [f"### 案例 {info.id}:{info.title}", "", f"*{info.company} · {info.industry} · 模块 {info.module}*", "",
             case.story.strip(), "", "**学习要点**", ""]
    lines += [f"- {p}" for p in case.learning_points]
    lines += ["", "**讨论问题**", ""] + [f"{i}. {q}" for i, q in enumerate(case.discussion_questions, 1)]
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
        state = "待检查器支持" if e.pending else ("✓ 已发现" if (e.rule, e.target) in found else "✗ 未发现")
        rows.append(f"| `{e.rule}` | {e.target} | {e.why} | {state} |")
    text = ["#### 讲师分析(仅讲师可见)", "", case.instructor.analysis.strip(), "",
            "| 规则 | 对象 | 案例中的问题 | 检查器 |", "| --- | --- | --- | --- |", *rows]
    return _markdown("\n".join(text))


def table(df: Any, caption: str = "", *, max_rows: int = 30) -> None:
    """A DataFrame as a readable table (escaped), with its title when it came from okrlib."""
    title = caption or df.attrs.get("title", "")
    shown = df.head(max_rows)
    more = f"<div style='color:#475467'>共 {len(df)} 行,显示前 {len(shown)} 行</div>" if len(df) > len(shown) else ""
    body = shown.to_html(index=False, escape=True, na_rep="", border=0)
    head = f"<b>{html.escape(str(title))}</b>" if title else ""
    _display(_html(head + body + more))


def chain(wb: Any, kr_id: Optional[str] = None) -> None:
    """The traced chain from each KR (or one) up to the mission, with where it breaks."""
    traces = {kr_id: wb.trace(kr_id)} if kr_id else wb.traces()
    items = []
    for kid, trace in traces.items():
        steps = " → ".join(f"<b>{html.escape(s.id)}</b> {html.escape(_short(s.statement))}" for s in trace.steps)
        broken = "" if trace.complete else " <span style='color:#b42318'>(链条断开:没有连到公司业务目标)</span>"
        items.append(f"<li>{steps}{broken}</li>")
    _display(_html(f"<ul>{''.join(items)}</ul>" if items else "<p>计划中还没有 KR。</p>"))


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def checklist(report: Any) -> None:
    """A check report as the coloured T10 table with each finding and its fix (okrlib.views.widgets' view)."""
    from okrlib.views.widgets import checklist_html

    _display(_html(checklist_html(report)))


def plan_summary(wb: Any) -> None:
    """How far the plan has come: rows per section, as the course fills it in module by module."""
    from okrlib.plan.model import SECTIONS

    cells = "".join(f"<tr><td>{html.escape(labels.section(name))}</td><td>{len(wb.rows(name))}</td></tr>" for name in SECTIONS)
    meta = wb.meta
    head = f"<b>{html.escape(meta.team)} · {html.escape(meta.product)}</b>"
    _display(_html(f"{head}<table><tr><th>部分</th><th>条数</th></tr>{cells}</table>"))
