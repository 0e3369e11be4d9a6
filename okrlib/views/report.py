"""A readable Chinese report of a whole plan, as Markdown (``okrlib export plan.yaml --to md``).

Sections follow the course (M3 → M8): 公司目标 with its five-dimension decode, 内外部因素,
核心要素, 产品目标, OKR (each O with its KRs in a table, and every KR traced to the company goal
it serves), 跨部门协同, 任务, 进展同步, 风险, 调整记录, 复盘, 一个月行动计划. An empty section
is kept with "(暂无)", so a participant sees what is still to fill in.

Every piece of user text goes through :func:`escape`: Markdown and HTML in a plan are shown as
text (a KR called ``<script>…`` or holding ``|`` neither runs nor breaks a table). The report has
no timestamp, so the same plan always gives the same file (diffs stay small).

Uses only the core: no pandas, no plotly, no ipywidgets.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Optional, Sequence

from okrlib.words.version import VERSION as __version__
from okrlib.words import labels
from okrlib.plan.model import KeyResult, Trace, Workbook

__all__ = ["to_markdown", "escape"]

EMPTY = "(暂无)"
NONE = "—"

# Characters that can start Markdown markup inline (emphasis, code, links, tables, strike-through,
# math in Jupyter, headings' closing #). Line-start markup (lists, quotes, headings) cannot occur:
# user text never starts a line here, and line breaks inside it become <br>.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$#])")


def escape(text: Any) -> str:
    """User text as inert Markdown: HTML is shown, not run; ``|`` does not split a table cell."""
    if text is None:
        return ""
    s = str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "<br>".join(s.split("\n"))


# --------------------------------------------------------------------------------------------
# Labels and values
# --------------------------------------------------------------------------------------------


def _section(name: str) -> str:
    return labels.section(name)


def _item(name: str) -> str:
    return labels.item(name)


def _field(section: str, name: str) -> str:
    return labels.field(section, name)


def _vocab(vocab: str, code: Optional[str]) -> str:
    if code is None:
        return NONE
    return escape(labels.choice(vocab, code))


def _num(value: Optional[float]) -> str:
    if value is None:
        return NONE
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _date(value: Optional[dt.date]) -> str:
    return value.isoformat() if value is not None else NONE


def _text(value: Any) -> str:
    return escape(value) if value not in (None, "") else NONE


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _range(baseline: Optional[float], target: Optional[float], unit: str) -> str:
    if baseline is None and target is None:
        return NONE
    out = f"{_num(baseline)} → {_num(target)}"
    return f"{out} {escape(unit)}" if unit else out


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell if cell != "" else NONE for cell in row) + " |")
    return lines


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def _company_goals(wb: Workbook) -> list[str]:
    goals = wb.company_goals
    if not goals:
        return [EMPTY]
    s = "company_goals"
    out = _table(
        ["编号", _field(s, "level"), _field(s, "statement"), _field(s, "parent")],
        ([escape(g.id), _vocab("goal_level", g.level), escape(g.statement), _text(g.parent)] for g in goals),
    )
    out += ["", "**五维拆解**", ""]
    out += _table(
        [
            "编号",
            _field(s, "decode.essence"),
            _field(s, "decode.drivers"),
            _field(s, "decode.constraints"),
            _field(s, "decode.risks"),
            _field(s, "decode.relevance"),
            _field(s, "decode.relevance_note"),
        ],
        (
            [
                escape(g.id),
                _text(g.decode.essence),
                _text(g.decode.drivers),
                _text(g.decode.constraints),
                _text(g.decode.risks),
                f"{g.decode.relevance}/5" if g.decode.relevance is not None else NONE,
                _text(g.decode.relevance_note),
            ]
            for g in goals
        ),
    )
    return out


def _factors(wb: Workbook) -> list[str]:
    if not wb.factors:
        return [EMPTY]
    s = "factors"
    return _table(
        ["编号", _field(s, "side"), _field(s, "category"), _field(s, "description"), _field(s, "evidence"),
         _field(s, "impact"), _field(s, "affects")],
        (
            [
                escape(f.id),
                _vocab("factor_side", f.side),
                _vocab("factor_category", f.category),
                escape(f.description),
                _text(f.evidence),
                f"{f.impact:+d}" if f.impact else "0",
                "、".join(escape(a) for a in f.affects) or NONE,
            ]
            for f in wb.factors
        ),
    )


def _core_elements(wb: Workbook) -> list[str]:
    if not wb.core_elements:
        return [EMPTY]
    s = "core_elements"
    return _table(
        ["编号", _field(s, "kind"), _field(s, "description"), _field(s, "goal"), _field(s, "note")],
        (
            [escape(e.id), _vocab("element_kind", e.kind), escape(e.description), escape(e.goal), _text(e.note)]
            for e in wb.core_elements
        ),
    )


def _roi(pg: Any) -> str:
    roi = pg.roi
    if roi.investment is None and roi.expected_return is None:
        return NONE
    text = f"投入 {_num(roi.investment)} / 回报 {_num(roi.expected_return)} {escape(roi.unit)}".rstrip()
    if roi.ratio is not None:
        text += f"(ROI {roi.ratio:.0%})"
    return text


def _product_goals(wb: Workbook) -> list[str]:
    if not wb.product_goals:
        return [EMPTY]
    s = "product_goals"
    return _table(
        ["编号", _field(s, "role"), _field(s, "statement"), _field(s, "metric"), "基线 → 目标",
         _field(s, "deadline"), "投入回报", "来源公司目标"],
        (
            [
                escape(p.id),
                _vocab("product_role", p.role),
                escape(p.statement),
                _text(p.metric),
                _range(p.baseline, p.target, p.unit),
                _date(p.deadline),
                _roi(p),
                _text(p.derived_from),
            ]
            for p in wb.product_goals
        ),
    )


def _missing_after(section: str) -> str:
    return _item("product_goals") if section == "objectives" else _item("company_goals")


def _chain_line(trace: Trace) -> str:
    first, *rest = trace.steps
    parts = [f"{_item(first.section)} {escape(first.id)}"]
    parts += [f"{_item(s.section)} {escape(s.id)} {escape(s.statement)}" for s in rest]
    line = "溯源:" + " → ".join(parts)
    if not trace.complete:
        line += f" → ⚠ 未关联{_missing_after(trace.steps[-1].section)},链路断开"
    return line


def _trace_cell(trace: Trace) -> str:
    goal = trace.company_goal
    if trace.complete and goal is not None:
        return f"{escape(goal.id)} {escape(goal.statement)}"
    last = trace.steps[-1]
    return f"⚠ 链路断开:{_item(last.section)} {escape(last.id)} 未关联{_missing_after(last.section)}"


def _okrs(wb: Workbook) -> list[str]:
    if not wb.objectives:
        return [EMPTY]
    by_objective: dict[str, list[KeyResult]] = {}
    for kr in wb.key_results:
        by_objective.setdefault(kr.objective, []).append(kr)
    s = "key_results"
    out: list[str] = []
    chains = wb.traces("objectives")
    for o in wb.objectives:
        krs = by_objective.get(o.id, [])
        out += [f"### {escape(o.id)} {escape(o.statement)}", ""]
        facts = [f"{_field('objectives', 'kind')}:{_vocab('objective_kind', o.kind)}"]
        if o.owner:
            facts.append(f"{_field('objectives', 'owner')}:{escape(o.owner)}")
        facts.append(f"来源产品目标:{_text(o.derived_from)}")
        out += [" · ".join(facts), "", _chain_line(chains[o.id]), ""]
        if not krs:
            out += ["关键结果:" + EMPTY, ""]
            continue
        out += _table(
            ["编号", "关键结果", "基线 → 目标 单位", _field(s, "owner"), _field(s, "due"), _field(s, "dimension"),
             "溯源至公司目标"],
            (
                [
                    escape(kr.id),
                    escape(kr.statement),
                    _range(kr.baseline, kr.target, kr.unit),
                    _text(kr.owner),
                    _date(kr.due),
                    _vocab("kr_dimension", kr.dimension),
                    _trace_cell(chains[o.id]),
                ]
                for kr in krs
            ),
        )
        out.append("")
    return out[:-1] if out and out[-1] == "" else out


def _cross_dept(wb: Workbook) -> list[str]:
    if not wb.cross_dept:
        return [EMPTY]
    s = "cross_dept"
    return _table(
        ["编号", _field(s, "department"), _field(s, "need"), _field(s, "contact"), _field(s, "agreed"),
         _field(s, "relates_to")],
        (
            [escape(c.id), escape(c.department), escape(c.need), _text(c.contact), _yes(c.agreed), _text(c.relates_to)]
            for c in wb.cross_dept
        ),
    )


def _tasks(wb: Workbook) -> list[str]:
    if not wb.tasks:
        return [EMPTY]
    s = "tasks"
    return _table(
        ["编号", _field(s, "key_result"), _field(s, "title"), _field(s, "owner"), _field(s, "due"), _field(s, "status")],
        (
            [escape(t.id), escape(t.key_result), escape(t.title), _text(t.owner), _date(t.due),
             _vocab("task_status", t.status)]
            for t in wb.tasks
        ),
    )


def _checkins(wb: Workbook) -> list[str]:
    if not wb.checkins:
        return [EMPTY]
    s = "checkins"
    return _table(
        ["编号", _field(s, "key_result"), _field(s, "date"), _field(s, "value"), _field(s, "confidence"),
         _field(s, "note")],
        (
            [escape(c.id), escape(c.key_result), _date(c.date), _num(c.value),
             str(c.confidence) if c.confidence is not None else NONE, _text(c.note)]
            for c in wb.checkins
        ),
    )


def _risks(wb: Workbook) -> list[str]:
    if not wb.risks:
        return [EMPTY]
    s = "risks"
    return _table(
        ["编号", _field(s, "description"), _field(s, "likelihood"), _field(s, "impact"), "风险值",
         _field(s, "response"), _field(s, "owner"), _field(s, "relates_to")],
        (
            [escape(r.id), escape(r.description), str(r.likelihood), str(r.impact), str(r.score), _text(r.response),
             _text(r.owner), _text(r.relates_to)]
            for r in sorted(wb.risks, key=lambda r: -r.score)
        ),
    )


def _adjustments(wb: Workbook) -> list[str]:
    if not wb.adjustments:
        return [EMPTY]
    s = "adjustments"

    def change(a: Any) -> str:
        if not (a.field or a.old_value or a.new_value):
            return NONE
        return f"{_text(a.field)}:{_text(a.old_value)} → {_text(a.new_value)}"

    return _table(
        ["编号", _field(s, "date"), _field(s, "change"), _field(s, "reason"), _field(s, "approved_by"),
         _field(s, "relates_to"), "字段:原值 → 新值"],
        (
            [escape(a.id), _date(a.date), escape(a.change), escape(a.reason), _text(a.approved_by),
             _text(a.relates_to), change(a)]
            for a in wb.adjustments
        ),
    )


def _review(wb: Workbook) -> list[str]:
    scores, notes = wb.review.scores, wb.review.notes
    if not scores and not notes:
        return [EMPTY]
    out = [f"### {_section('review_scores')}", ""]
    if scores:
        statements = {kr.id: kr.statement for kr in wb.key_results}
        out += _table(
            ["编号", "关键结果", _field("review_scores", "score"),
             _field("review_scores", "comment")],
            (
                [escape(sc.key_result), _text(statements.get(sc.key_result)), f"{sc.score:.2f}", _text(sc.comment)]
                for sc in scores
            ),
        )
        mean = sum(sc.score for sc in scores) / len(scores)
        out += ["", f"平均得分:{mean:.2f}"]
    else:
        out.append(EMPTY)
    out += ["", f"### {_section('review_notes')}", ""]
    if notes:
        out += _table(
            ["编号", _field("review_notes", "kind"), _field("review_notes", "text"), _field("review_notes", "relates_to")],
            ([escape(n.id), _vocab("note_kind", n.kind), escape(n.text), _text(n.relates_to)] for n in notes),
        )
    else:
        out.append(EMPTY)
    return out


def _action_plan(wb: Workbook) -> list[str]:
    if not wb.action_plan:
        return [EMPTY]
    s = "action_plan"
    return _table(
        ["编号", _field(s, "action"), _field(s, "owner"), _field(s, "due"), _field(s, "success_measure"),
         _field(s, "relates_to"), _field(s, "done")],
        (
            [escape(a.id), escape(a.action), _text(a.owner), _date(a.due), _text(a.success_measure),
             _text(a.relates_to), _yes(a.done)]
            for a in wb.action_plan
        ),
    )


_SECTIONS = (
    ("公司目标", _company_goals),
    ("内外部因素", _factors),
    ("核心要素", _core_elements),
    ("产品目标", _product_goals),
    ("OKR", _okrs),
    ("跨部门协同", _cross_dept),
    ("任务", _tasks),
    ("进展同步", _checkins),
    ("风险", _risks),
    ("调整记录", _adjustments),
    ("复盘", _review),
    ("一个月行动计划", _action_plan),
)
"""(heading, builder) in course order."""


def to_markdown(wb: Workbook) -> str:
    """The whole plan as a Chinese Markdown report (UTF-8 text, ends with a newline)."""
    meta = wb.meta
    cycle = meta.cycle
    lines = [
        f"# {escape(meta.team)} · {escape(meta.product)} OKR 计划({escape(cycle.label)})",
        "",
        "| 项目 | 内容 |",
        "| --- | --- |",
        f"| 团队 | {escape(meta.team)} |",
        f"| 产品 | {escape(meta.product)}({_vocab('product_type', meta.product_type)}) |",
    ]
    if meta.company:
        lines.append(f"| 公司 | {escape(meta.company)} |")
    lines.append(f"| 周期 | {escape(cycle.label)}({cycle.start_date.isoformat()} ~ {cycle.end_date.isoformat()}) |")
    n_o, n_kr = len(wb.objectives), len(wb.key_results)
    lines.append(f"| 规模 | {n_o} 个目标(O),{n_kr} 个关键结果(KR) |")
    for number, (heading, build) in enumerate(_SECTIONS, 1):
        lines += ["", f"## {number}. {heading}", ""]
        lines += build(wb)
    lines += ["", "---", "", f"由 okrlib {escape(__version__)} 生成。", ""]
    return "\n".join(lines)
