"""The take-away (module M8) as one document: the plan walked once, then written as Markdown or HTML.

A participant leaves the course with their plan as a Markdown file (``okrlib.views.report``), a
page to print, an Excel workbook and PNG pictures (``okrlib.views.export``). All are written from
the one :class:`Document` that :func:`build` makes, so they hold the same sections in the same
order, with the same words and the same numbers: a section added here appears in every one, and
none can drift from the others.

The sections are data: ``outline`` in ``okrlib/data/takeaway.yaml`` lists the twelve, in course
order (公司目标 … 一个月行动计划; the T10 checklist is part of the OKR section), with the pieces
each shows and the plan sections it counts. The plan's basics (team, product, cycle) and the key
numbers (the checklist's score, how many KRs the review scored) are the document's head
(:attr:`Document.facts`), followed by its overview (:attr:`Document.overview`: the contents with
each section's count, and every KR's score). A KR's score is the one given in the review (M7)
where there is one, labelled 评分; else a suggestion from its recorded progress, labelled
建议分(按进度); the badge's band (its colour) follows the same score.

The document is made of small frozen blocks — :class:`Paragraph`, :class:`Table`,
:class:`KeyValues`, :class:`Chain` (a trace line), :class:`Tree` and :class:`Group` (a titled
sub-part) — whose text is ready to show: numbers and dates come from the one formatter
(:mod:`okrlib.words.numbers`), words from the data files through the one lookup
(:mod:`okrlib.words.text`, :mod:`okrlib.words.labels`; the take-away's own words are in
``okrlib/data/takeaway.yaml``). Text is *not* escaped here: every writer escapes every string
for its own format. A :class:`Badge` (a score band, a pace, a checklist status, a severity, a risk
band) and a :class:`Span`'s tone say what a piece of text is, not how it looks; the HTML writer
gives them the colours of ``charts.yaml``, the Markdown writer shows their text.

The document has no timestamp: the same plan, report and date give the same document. Uses only
the core (no pandas, plotly or ipywidgets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Literal, Optional, Sequence, Union

from okrlib.method import scoring
from okrlib.plan.model import KeyResult, Trace, Workbook
from okrlib.words import labels, numbers, text
from okrlib.words.resources import data_file
from okrlib.words.version import VERSION

if TYPE_CHECKING:  # pragma: no cover
    from okrlib.method.checks import CheckReport

__all__ = [
    "Span",
    "Badge",
    "Inline",
    "Content",
    "Paragraph",
    "Table",
    "KeyValues",
    "Chain",
    "Node",
    "Tree",
    "Group",
    "Block",
    "Section",
    "Document",
    "build",
    "outline",
    "review_summary",
    "word",
    "parts",
]

Tone = Literal["plain", "strong", "tag", "warn"]
BadgeKind = Literal["band", "pace", "status", "severity", "risk"]


@dataclass(frozen=True)
class Span:
    """A piece of text with a role: ``strong`` (an id), ``tag`` (a level or role), ``warn`` (a
    broken link, something missing)."""

    text: str
    tone: Tone = "plain"


@dataclass(frozen=True)
class Badge:
    """A graded value: ``kind`` says which scale (``band``, ``pace``, ``status``, ``severity``,
    ``risk``), ``code`` the grade on it (``green``, ``off_track``, ``fail``, …)."""

    text: str
    kind: BadgeKind
    code: str


Inline = Union[str, Span, Badge]
Content = tuple[Inline, ...]
"""A run of inline pieces, shown one space apart."""


@dataclass(frozen=True)
class Paragraph:
    """A line of text; ``empty`` marks the "(暂无)" of a part not filled in yet."""

    content: Content
    empty: bool = False


@dataclass(frozen=True)
class Table:
    """A table: every row has as many cells as ``header``; ``kind`` names it for styling."""

    header: tuple[str, ...]
    rows: tuple[tuple[Content, ...], ...]
    kind: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"a row of {len(row)} cells under a header of {len(self.header)}")


@dataclass(frozen=True)
class KeyValues:
    """Facts on one line: ``类型:承诺型 · 负责人:王敏``."""

    pairs: tuple[tuple[str, Content], ...]


@dataclass(frozen=True)
class Chain:
    """A trace line: ``label`` then ``steps`` joined by arrows, ending in ``broken`` when the
    chain does not reach a company goal."""

    label: str
    steps: tuple[str, ...]
    broken: Optional[str] = None


@dataclass(frozen=True)
class Node:
    content: Content
    children: tuple["Node", ...] = ()


@dataclass(frozen=True)
class Tree:
    """A nested list (the company goal chain, with the product goals that serve each goal)."""

    roots: tuple[Node, ...]


@dataclass(frozen=True)
class Group:
    """A titled part of a section (an objective with its KRs, the five-dimension decode, …)."""

    title: str
    blocks: tuple["Block", ...]


Block = Union[Paragraph, Table, KeyValues, Chain, Tree, Group]


@dataclass(frozen=True)
class Section:
    """One numbered section of the take-away; ``key`` is stable (``okrs``, ``checklist``, …)."""

    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """The take-away: a head (``title``, ``subtitle``, ``facts`` with the key numbers, then the
    ``overview``: contents and KR scores), the numbered ``sections``, a ``footer``. Every writer
    shows every part of it."""

    title: str
    subtitle: str
    facts: Table
    sections: tuple[Section, ...]
    footer: str
    overview: tuple[Block, ...] = ()


# --------------------------------------------------------------------------------------------
# Words and values
# --------------------------------------------------------------------------------------------


def word(key: str, **values: Any) -> str:
    """The take-away's words at ``key`` (``okrlib/data/takeaway.yaml``), in Chinese."""
    return text.say(f"takeaway.{key}", "zh", **values)


def parts(content: Union[Inline, Content, None]) -> Content:
    """A cell's or line's pieces; nothing, or a text of only spaces and line breaks, reads ``—``."""
    if content is None or content == () or (isinstance(content, str) and not content.strip()):
        return (numbers.MISSING,)
    if isinstance(content, tuple):
        return content
    return (content,)


def _row(*cells: Union[Inline, Content, None]) -> tuple[Content, ...]:
    return tuple(parts(c) for c in cells)


def _table(header: Sequence[str], rows: Iterable[tuple[Content, ...]], kind: str = "") -> Table:
    return Table(tuple(header), tuple(rows), kind)


def _empty() -> Paragraph:
    return Paragraph((word("empty"),), empty=True)


def _field(section: str, name: str) -> str:
    return labels.field(section, name)


def _choice(vocab: str, code: Optional[str]) -> Optional[str]:
    return labels.choice(vocab, code)


def _quantity(value: Optional[float], unit: str) -> str:
    return numbers.quantity(value, unit or None)


def _range(baseline: Optional[float], target: Optional[float], unit: str) -> str:
    return numbers.value_range(baseline, target, unit or None)


def _out_of(value: Optional[float], scale: int) -> str:
    return numbers.MISSING if value is None else word("out_of", value=value, scale=scale)


def _score(value: float) -> str:
    return numbers.number(value, digits=2)


def _id(value: str) -> Span:
    """An id that heads a line (in the goal chain)."""
    return Span(value, "strong")


# --------------------------------------------------------------------------------------------
# Sections, in course order (M3 → M8)
# --------------------------------------------------------------------------------------------


class _Walk:
    """One walk of a plan: what several sections share (objective traces, KR units, review
    scores) is found once."""

    def __init__(self, wb: Workbook, report: "CheckReport", when: Optional[dt.date]) -> None:
        self.wb = wb
        self.report = report
        self.when = when
        self.units = {kr.id: kr.unit for kr in wb.key_results}
        self.chains = wb.traces("objectives")
        self.reviewed = {sc.key_result: sc.score for sc in wb.review.scores}  # the last score given wins

    # -- M3: the company goal, decoded ----------------------------------------------------

    def company_goals(self) -> tuple[Block, ...]:
        goals = self.wb.company_goals
        if not goals:
            return (_empty(),)
        s = "company_goals"
        listing = _table(
            [_field(s, "id"), _field(s, "level"), _field(s, "statement"), _field(s, "parent")],
            (_row(g.id, _choice("goal_level", g.level), g.statement, g.parent) for g in goals),
        )
        decode = _table(
            [_field(s, "id")] + [_field(s, f"decode.{k}") for k in
                                 ("essence", "drivers", "constraints", "risks", "relevance", "relevance_note")],
            (
                _row(g.id, g.decode.essence, g.decode.drivers, g.decode.constraints, g.decode.risks,
                     _out_of(g.decode.relevance, _RELEVANCE_SCALE), g.decode.relevance_note)
                for g in goals
            ),
        )
        chain = Group(word("groups.goal_chain"), (self._goal_tree(),))
        return (listing, Group(word("groups.decode"), (decode,)), chain)

    def _goal_tree(self) -> Tree:
        children: dict[Optional[str], list[Any]] = {}
        for g in self.wb.company_goals:
            children.setdefault(g.parent, []).append(g)
        served: dict[Optional[str], list[Any]] = {}
        for p in self.wb.product_goals:
            served.setdefault(p.derived_from, []).append(p)

        def product(p: Any) -> Node:
            return Node((Span(_choice("product_role", p.role) or "", "tag"), _id(p.id), p.statement))

        def goal(g: Any) -> Node:
            below = tuple(product(p) for p in served.get(g.id, ())) + tuple(goal(k) for k in children.get(g.id, ()))
            return Node((Span(_choice("goal_level", g.level) or "", "tag"), _id(g.id), g.statement), below)

        roots = [goal(g) for g in children.get(None, ())]
        if served.get(None):
            roots.append(Node((Span(word("unlinked"), "warn"),), tuple(product(p) for p in served[None])))
        return Tree(tuple(roots))

    def factors(self) -> tuple[Block, ...]:
        if not self.wb.factors:
            return (_empty(),)
        s = "factors"
        return (
            _table(
                [_field(s, n) for n in ("id", "side", "category", "description", "evidence", "impact", "affects")],
                (
                    _row(f.id, _choice("factor_side", f.side), _choice("factor_category", f.category), f.description,
                         f.evidence, numbers.number(f.impact, sign=True), word("list_sep").join(f.affects))
                    for f in self.wb.factors
                ),
            ),
        )

    def core_elements(self) -> tuple[Block, ...]:
        if not self.wb.core_elements:
            return (_empty(),)
        s = "core_elements"
        return (
            _table(
                [_field(s, n) for n in ("id", "kind", "description", "goal", "note")],
                (_row(e.id, _choice("element_kind", e.kind), e.description, e.goal, e.note)
                 for e in self.wb.core_elements),
            ),
        )

    # -- M4: product goals ----------------------------------------------------------------

    def product_goals(self) -> tuple[Block, ...]:
        if not self.wb.product_goals:
            return (_empty(),)
        s = "product_goals"
        return (
            _table(
                [_field(s, "id"), _field(s, "role"), _field(s, "statement"), _field(s, "metric"), word("columns.range"),
                 _field(s, "deadline"), word("columns.roi"), word("columns.goal_source")],
                (
                    _row(p.id, _choice("product_role", p.role), p.statement, p.metric,
                         _range(p.baseline, p.target, p.unit), numbers.date(p.deadline), self._roi(p),
                         p.derived_from or Span(word("unlinked"), "warn"))
                    for p in self.wb.product_goals
                ),
            ),
        )

    @staticmethod
    def _roi(p: Any) -> str:
        roi = p.roi
        if roi.investment is None and roi.expected_return is None:
            return numbers.MISSING
        line = word("roi", investment=_quantity(roi.investment, roi.unit),
                    expected_return=_quantity(roi.expected_return, roi.unit))
        if roi.ratio is not None:
            line += word("roi_ratio", ratio=numbers.percent(roi.ratio, digits=0))
        return line

    # -- M5: OKRs and their check ---------------------------------------------------------

    def okrs(self) -> tuple[Block, ...]:
        if not self.wb.objectives:
            return (_empty(),)
        return tuple(self._objective(o) for o in self.wb.objectives)

    def _objective(self, o: Any) -> Group:
        chain = self.chains[o.id]
        facts = KeyValues((
            (_field("objectives", "kind"), parts(_choice("objective_kind", o.kind))),
            (_field("objectives", "owner"), parts(o.owner)),
            (word("objective_source"), parts(o.derived_from or Span(word("unlinked"), "warn"))),
        ))
        krs = self.wb.key_results_of(o.id)
        if not krs:
            none = Paragraph((word("no_key_results"),), empty=True)
            return Group(f"{o.id} {o.statement}", (facts, _chain(chain), none))
        s = "key_results"
        table = _table(
            [_field(s, "id"), word("columns.key_result"), word("columns.range"), _field(s, "owner"), _field(s, "due"),
             _field(s, "dimension"), _field("checkins", "value"), word("columns.score"),
             _field("checkins", "confidence"), word("columns.pace"), word("columns.kr_trace")],
            (self._kr_row(kr, chain) for kr in krs),
            kind="key_results",
        )
        return Group(f"{o.id} {o.statement}", (facts, _chain(chain), table))

    def _kr_row(self, kr: KeyResult, chain: Trace) -> tuple[Content, ...]:
        wb, when = self.wb, self.when
        value = scoring.current_value(wb, kr.id, when)
        confidence = scoring.confidence_trend(wb, kr.id, when).latest
        pace = scoring.pace(wb, kr.id, when) if when is not None else None  # no date: nothing recorded yet
        return _row(
            kr.id, kr.statement, _range(kr.baseline, kr.target, kr.unit), kr.owner, numbers.date(kr.due),
            _choice("kr_dimension", kr.dimension), _quantity(value, kr.unit), self._kr_score(kr, value),
            _out_of(confidence, _confidence_scale()),
            Badge(scoring.pace_label(pace), "pace", pace) if pace is not None else None,
            _trace_cell(chain),
        )

    def _kr_score(self, kr: KeyResult, value: Optional[float]) -> Optional[Badge]:
        """The score given in the review (M7) where there is one, else the score of the progress
        to ``value`` (the latest recorded), labelled as such; None before either exists."""
        given = self.reviewed.get(kr.id)
        if given is not None:
            band = scoring.band(given)
            return Badge(word("score_review", score=_score(given), band=scoring.band_label(band)), "band", band)
        progress = scoring.kr_score(kr, value)
        if progress is None:
            return None
        band = scoring.band(progress)
        return Badge(word("score_progress", score=_score(progress), band=scoring.band_label(band)), "band", band)

    def kr_scores(self) -> Block:
        """Every KR's score, as its row in the OKR section shows it (the overview's table)."""
        if not self.wb.key_results:
            return _empty()
        return _table(
            [_field("key_results", "id"), word("columns.key_result"), word("columns.score")],
            (_row(kr.id, kr.statement, self._kr_score(kr, scoring.current_value(self.wb, kr.id, self.when)))
             for kr in self.wb.key_results),
            kind="kr_scores",
        )

    def checklist(self) -> tuple[Block, ...]:
        report = self.report
        score = Paragraph((word("checklist_score", score=report.score),))
        indicators = _table(
            [word(f"columns.{c}") for c in ("dimension", "indicator", "status", "finding_count")],
            (
                _row(i.dimension_zh, i.name_zh, Badge(text.status(i.status), "status", i.status),
                     numbers.number(i.findings))
                for i in report.indicators
            ),
            kind="indicators",
        )
        order = {code: n for n, code in enumerate(text.entry("labels.severity"))}
        found = sorted(report.findings, key=lambda f: order.get(f.severity, len(order)))
        if found:
            findings: Block = _table(
                [word("columns.severity"), word("columns.target"), word("columns.finding"), word("columns.hint")],
                (_row(Badge(text.severity(f.severity), "severity", f.severity), f.target, f.message_zh, f.hint)
                 for f in found),
                kind="findings",
            )
        else:
            findings = Paragraph((word("no_findings"),), empty=True)
        return (score, indicators, Group(word("groups.findings"), (findings,)))

    def cross_dept(self) -> tuple[Block, ...]:
        if not self.wb.cross_dept:
            return (_empty(),)
        s = "cross_dept"
        return (
            _table(
                [_field(s, n) for n in ("id", "department", "need", "contact", "agreed", "relates_to")],
                (_row(c.id, c.department, c.need, c.contact, text.yes_no(c.agreed), c.relates_to)
                 for c in self.wb.cross_dept),
            ),
        )

    # -- M6: execution ------------------------------------------------------------------

    def tasks(self) -> tuple[Block, ...]:
        if not self.wb.tasks:
            return (_empty(),)
        s = "tasks"
        return (
            _table(
                [_field(s, n) for n in ("id", "key_result", "title", "owner", "due", "status")],
                (_row(t.id, t.key_result, t.title, t.owner, numbers.date(t.due), _choice("task_status", t.status))
                 for t in self.wb.tasks),
            ),
        )

    def checkins(self) -> tuple[Block, ...]:
        if not self.wb.checkins:
            return (_empty(),)
        s = "checkins"
        ordered = sorted(self.wb.checkins, key=lambda c: (c.key_result, c.date))  # each KR's history together
        return (
            _table(
                [_field(s, n) for n in ("id", "key_result", "date", "value", "confidence", "note")],
                (
                    _row(c.id, c.key_result, numbers.date(c.date), _quantity(c.value, self.units.get(c.key_result, "")),
                         _out_of(c.confidence, _confidence_scale()), c.note)
                    for c in ordered
                ),
            ),
        )

    def risks(self) -> tuple[Block, ...]:
        if not self.wb.risks:
            return (_empty(),)
        s = "risks"

        def level(score: int) -> Badge:
            band = scoring.risk_band(score)
            return Badge(word("risk_score", score=score, band=band["zh"]), "risk", band["code"])

        return (
            _table(
                [_field(s, "id"), _field(s, "description"), _field(s, "likelihood"), _field(s, "impact"),
                 word("columns.risk_score"), _field(s, "response"), _field(s, "owner"), _field(s, "relates_to")],
                (
                    _row(r.id, r.description, numbers.number(r.likelihood), numbers.number(r.impact), level(r.score),
                         r.response, r.owner, r.relates_to)
                    for r in sorted(self.wb.risks, key=lambda r: -r.score)  # the worst first
                ),
            ),
        )

    def adjustments(self) -> tuple[Block, ...]:
        if not self.wb.adjustments:
            return (_empty(),)
        s = "adjustments"

        def change(a: Any) -> Optional[str]:
            if not (a.field or a.old_value or a.new_value):
                return None
            return word("change", field=a.field or numbers.MISSING, old=a.old_value or numbers.MISSING,
                        new=a.new_value or numbers.MISSING)

        return (
            _table(
                [_field(s, n) for n in ("id", "date", "change", "reason", "approved_by", "relates_to")]
                + [word("columns.change_detail")],
                (_row(a.id, numbers.date(a.date), a.change, a.reason, a.approved_by, a.relates_to, change(a))
                 for a in self.wb.adjustments),
            ),
        )

    # -- M7: review; M8: the month after ------------------------------------------------

    def review(self) -> tuple[Block, ...]:
        scores, notes = self.wb.review.scores, self.wb.review.notes
        if not scores and not notes:
            return (_empty(),)
        blocks: list[Block] = []
        if scores:
            statements = {kr.id: kr.statement for kr in self.wb.key_results}
            s = "review_scores"

            def graded(value: float) -> Badge:
                band = scoring.band(value)
                return Badge(word("score_review", score=_score(value), band=scoring.band_label(band)), "band", band)

            table = _table(
                [_field(s, "id"), word("columns.key_result"), _field(s, "score"), _field(s, "comment")],
                (_row(sc.key_result, statements.get(sc.key_result), graded(sc.score), sc.comment) for sc in scores),
            )
            mean = sum(sc.score for sc in scores) / len(scores)
            blocks.append(Group(labels.section(s), (table, Paragraph((word("mean_score", score=_score(mean)),)))))
        else:
            blocks.append(Group(labels.section("review_scores"), (_empty(),)))
        if notes:
            s = "review_notes"
            table = _table(
                [_field(s, n) for n in ("id", "kind", "text", "relates_to")],
                (_row(n.id, _choice("note_kind", n.kind), n.text, n.relates_to) for n in notes),
            )
            blocks.append(Group(labels.section(s), (table,)))
        else:
            blocks.append(Group(labels.section("review_notes"), (_empty(),)))
        return tuple(blocks)

    def action_plan(self) -> tuple[Block, ...]:
        if not self.wb.action_plan:
            return (_empty(),)
        s = "action_plan"
        return (
            _table(
                [_field(s, n) for n in ("id", "action", "owner", "due", "success_measure", "relates_to", "done")],
                (_row(a.id, a.action, a.owner, numbers.date(a.due), a.success_measure, a.relates_to,
                      text.yes_no(a.done))
                 for a in self.wb.action_plan),
            ),
        )


_RELEVANCE_SCALE = 5  # a company goal's product relevance is 1-5 (FiveDimensions.relevance)


def _confidence_scale() -> int:
    return int(scoring.settings()["confidence"]["scale"][1])


def _missing_after(section: str) -> str:
    """What a trace ending at ``section`` lacks: an objective lacks a product goal, a product goal
    a company goal."""
    return labels.item("product_goals" if section == "objectives" else "company_goals")


def _chain(trace: Trace) -> Chain:
    first, *rest = trace.steps
    steps = [f"{labels.item(first.section)} {first.id}"]
    steps += [f"{labels.item(s.section)} {s.id} {s.statement}" for s in rest]
    broken = None if trace.complete else word("chain_broken", missing=_missing_after(trace.steps[-1].section))
    return Chain(word("trace"), tuple(steps), broken)


def _trace_cell(trace: Trace) -> Inline:
    goal = trace.company_goal
    if trace.complete and goal is not None:
        return f"{goal.id} {goal.statement}"
    last = trace.steps[-1]
    return Span(word("cell_broken", item=labels.item(last.section), id=last.id, missing=_missing_after(last.section)),
                "warn")


def outline() -> tuple[dict[str, Any], ...]:
    """The take-away's sections in course order, as ``okrlib/data/takeaway.yaml`` lists them:
    each a mapping with ``key``, ``title`` (a words key), ``parts`` (the walk's pieces) and
    ``plan`` (the plan sections it counts)."""
    return tuple(data_file("takeaway")["outline"])


def _section(walk: _Walk, entry: dict[str, Any]) -> Section:
    """One section of the outline: its first piece as it is, each further piece as a sub-part."""
    first, *more = entry["parts"]
    blocks: tuple[Block, ...] = getattr(walk, first)()
    for piece in more:
        blocks += (Group(word(f"groups.{piece}"), getattr(walk, piece)()),)
    return Section(entry["key"], text.say(entry["title"]), blocks)


def _count(wb: Workbook, entry: dict[str, Any]) -> str:
    """How many rows a section shows: ``3``, or per plan section when it shows several."""
    plan = entry["plan"]
    if len(plan) == 1:
        return numbers.number(len(wb.rows(plan[0])))
    return word("list_sep").join(
        word("count_part", name=labels.section(name), count=len(wb.rows(name))) for name in plan
    )


def _contents(wb: Workbook, entries: Sequence[dict[str, Any]], sections: Sequence[Section]) -> Table:
    return _table(
        [word("columns.number"), word("columns.section"), word("columns.count")],
        (_row(numbers.number(n), section.title, _count(wb, entry))
         for n, (entry, section) in enumerate(zip(entries, sections), 1)),
        kind="contents",
    )


def _facts(wb: Workbook, report: "CheckReport", when: Optional[dt.date]) -> Table:
    meta, cycle = wb.meta, wb.meta.cycle
    rows = [
        _row(_field("meta", "team"), meta.team),
        _row(_field("meta", "product"),
             word("meta.product", product=meta.product, type=_choice("product_type", meta.product_type))),
    ]
    if meta.company:
        rows.append(_row(_field("meta", "company"), meta.company))
    rows.append(_row(word("meta.cycle"), word("meta.cycle_text", label=cycle.label, start=cycle.start_date,
                                                end=cycle.end_date)))
    rows.append(_row(word("meta.size"), word("meta.size_text", objectives=len(wb.objectives),
                                               key_results=len(wb.key_results))))
    if when is not None:
        rows.append(_row(word("meta.as_of"), numbers.date(when)))
    rows.append(_row(word("meta.check_score"), word("meta.check_score_text", score=report.score)))
    rows.append(_row(word("meta.review"), review_summary(wb)))
    return _table([word("meta.item"), word("meta.value")], rows, kind="meta")


def review_summary(wb: Workbook) -> str:
    """How many KRs the review (M7) scored and their mean, in words: the head's key number."""
    scored = {sc.key_result: sc.score for sc in wb.review.scores}  # the last score given wins
    total = len(wb.key_results)
    if not scored:
        return word("meta.review_none", total=total)
    mean = sum(scored.values()) / len(scored)
    return word("meta.review_text", scored=len(scored), total=total, mean=_score(mean))


def build(wb: Workbook, report: Optional["CheckReport"] = None, *, as_of: Optional[dt.date] = None) -> Document:
    """The plan as the take-away document: the twelve sections of ``outline()`` in course order,
    text ready to show.

    ``report`` is the checklist to show (``okrlib.method.checks.check(wb, as_of=as_of)`` when
    None). KR values, progress scores, confidence and pace are as of ``as_of`` (default: the
    plan's latest check-in; a plan with none has no progress yet, and the document names no date
    for it rather than today's). A KR's score is the one given in the review (M7) where there is
    one, else the score of its recorded progress, labelled so.
    """
    if report is None:
        from okrlib.method.checks import check

        report = check(wb, as_of=as_of)
    when = as_of if as_of is not None else max((c.date for c in wb.checkins), default=None)
    walk = _Walk(wb, report, when)
    entries = outline()
    sections = tuple(_section(walk, entry) for entry in entries)
    meta = wb.meta
    overview = (
        Group(word("groups.contents"), (_contents(wb, entries, sections),)),
        Group(word("groups.kr_scores"), (walk.kr_scores(),)),
    )
    return Document(
        title=word("title", team=meta.team, product=meta.product, cycle=meta.cycle.label),
        subtitle=word("subtitle"),
        facts=_facts(wb, report, when),
        sections=sections,
        footer=word("footer", version=VERSION),
        overview=overview,
    )
