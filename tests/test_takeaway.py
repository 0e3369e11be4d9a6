"""okrlib.views.takeaway: one document of the plan, written as Markdown and as HTML.

The promise a participant relies on: the .md and the .html of their take-away say the same
thing — the same sections in the same order, the same words, every number formatted the same
way (never ``1.23457e+06``) — because both are written from one walk of the plan.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings

from okrlib import Workbook
from okrlib.course import cases
from okrlib.method import scoring
from okrlib.method.checks import check
from okrlib.views import takeaway
from okrlib.views.export import render_html, to_html
from okrlib.views.report import render_markdown, to_markdown
from okrlib.views.takeaway import (
    Badge, Chain, Group, KeyValues, Node, Paragraph, Section, Span, Table, Tree, build, word,
)
from okrlib.words import numbers, text
from okrlib.words.resources import data_file
from testkit import okr_samples
from testkit.strategies import workbooks

SECTION_KEYS = [
    "company_goals", "factors", "core_elements", "product_goals", "okrs", "cross_dept", "tasks",
    "checkins", "risks", "adjustments", "review", "action_plan",
]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Reading the two files back: headings and table cells as a reader sees them
# --------------------------------------------------------------------------------------------

_MD_UNESCAPE = re.compile(r"\\([\\`*_\[\]|~$#])")


def _md_text(cell: str) -> str:
    """What a Markdown cell shows: the inverse of okrlib.views.report.escape."""
    s = "\n".join(cell.split("<br>"))
    s = _MD_UNESCAPE.sub(r"\1", s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _md_cells(line: str) -> list[str]:
    """A table row's cells, split on the pipes that are not escaped (as GFM does)."""
    cells, current, chars = [], [], iter(line.strip()[1:-1])
    for ch in chars:
        if ch == "\\":
            current.append(ch + next(chars, ""))
        elif ch == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
    cells.append("".join(current))
    return [_md_text(c).strip() for c in cells]


def md_tables(md: str) -> list[list[list[str]]]:
    """Every table of a Markdown text (header first, no delimiter row), cells unescaped."""
    tables: list[list[list[str]]] = []
    inside = False
    for line in md.split("\n"):
        if line.startswith("|"):
            if not inside:
                tables.append([])
                inside = True
            if not re.fullmatch(r"\|( --- \|)+", line):
                tables[-1].append(_md_cells(line))
        else:
            inside = False
    return tables


def md_headings(md: str) -> list[str]:
    return re.findall(r"^## (.+)$", md, re.M)


class _Page(HTMLParser):
    """Tables (cells' shown text, <br> as a line break), h2 headings, tags and all shown text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._h2: list[str] | None = None
        self._style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._style = tag == "style"
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "h2":
            self._h2 = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        self._style = False
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "h2" and self._h2 is not None:
            self.headings.append("".join(self._h2))
            self._h2 = None

    def handle_data(self, data):
        if self._style:  # the page's CSS is not shown
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._h2 is not None:
            self._h2.append(data)


def page(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    parsed.close()
    return parsed


def _same_tables(md: str, html: str) -> None:
    assert md_tables(md) == page(html).tables


# --------------------------------------------------------------------------------------------
# One document, in course order
# --------------------------------------------------------------------------------------------


def test_twelve_sections_follow_the_course_with_the_checklist_in_the_okrs():
    doc = build(okr_samples.plan())
    assert [s.key for s in doc.sections] == SECTION_KEYS
    assert [s.title for s in doc.sections] == [
        "公司目标", "内外部因素", "核心要素", "产品目标", "OKR 与校验", "跨部门协同", "任务", "进展同步", "风险",
        "调整记录", "复盘", "一个月行动计划",
    ]  # fmt: skip
    okrs = doc.sections[4]
    assert okrs.blocks[-1].title == word("groups.checklist")  # the T10 checklist closes the OKR section


def test_the_sections_are_the_outline_in_the_data():
    """The list of sections is data (takeaway.yaml outline): a section added there is built."""
    assert [e["key"] for e in takeaway.outline()] == SECTION_KEYS
    covered = {name for e in takeaway.outline() for name in e["plan"]}
    from okrlib.plan.model import SECTIONS

    assert covered == set(SECTIONS), "every part of the plan is in one section of the take-away"


def test_the_head_carries_the_key_numbers_and_the_contents():
    wb = okr_samples.plan()
    report = check(wb)
    doc = build(wb, report)
    facts = {row[0][0]: row[1][0] for row in doc.facts.rows}
    assert facts[word("meta.check_score")] == f"{numbers.number(report.score)} / 100"
    assert facts[word("meta.review")] == "已评分 1 / 4 个关键结果,平均 0.7"
    contents, scores = (g.blocks[0] for g in doc.overview)
    assert [row[1][0] for row in contents.rows] == [s.title for s in doc.sections]
    assert [row[2][0] for row in contents.rows][:4] == ["3", "2", "1", "2"]
    assert contents.rows[4][2][0] == "目标O 3、关键结果KR 4"
    assert [row[0][0] for row in scores.rows] == [kr.id for kr in wb.key_results]
    assert scores.rows[0][2][0] == _kr_cells(doc, "KR1.1")[word("columns.score")][0]


@pytest.mark.parametrize(
    "plan",
    [okr_samples.plan, lambda: Workbook.new("空白组", "新产品", product_type="platform", year=2027),
     lambda: cases.load("C5").workbook],
    ids=["sample", "empty", "C5"],
)
def test_markdown_and_html_have_the_same_sections_and_tables(plan):
    wb = plan()
    doc = build(wb)
    md, html = render_markdown(doc), render_html(doc)
    expected = [f"{n}. {s.title}" for n, s in enumerate(doc.sections, 1)]
    assert md_headings(md) == expected
    assert page(html).headings == expected
    # every table, cell by cell, says the same in both files
    _same_tables(md, html)
    assert md == to_markdown(wb) and html == to_html(wb)


def _every_kind_of_block() -> Section:
    return Section(
        "extra",
        "新增部分 X",
        (
            Paragraph(("段落 P", Span("强调 S", "strong"), Span("警示 W", "warn"), Span("标签 T", "tag"))),
            Table(("列 A", "列 B"), ((("格 1",), (Badge("徽章 B", "band", "green"),)),)),
            KeyValues((("键 K", ("值 V",)),)),
            Chain("链 C", ("步 1", "步 2"), "断 D"),
            Tree((Node(("根 R",), (Node(("子 N",)),)),)),
            Group("组 G", (Paragraph(("组内 I",), empty=True),)),
        ),
    )


def test_a_section_added_to_the_model_appears_in_both_files():
    extra = _every_kind_of_block()
    kinds = {type(b) for b in extra.blocks}
    assert kinds == set(typing.get_args(takeaway.Block)), "the test must cover every kind of block"
    doc = build(okr_samples.plan())
    doc = dataclasses.replace(doc, sections=doc.sections + (extra,))
    md, html = render_markdown(doc), render_html(doc)
    heading = f"{len(doc.sections)}. 新增部分 X"
    assert md_headings(md)[-1] == heading and page(html).headings[-1] == heading
    md_part = md.split(f"## {heading}", 1)[1]
    html_part = "".join(page(html.split(">" + heading + "<", 1)[1]).text)
    for piece in ("段落 P", "强调 S", "警示 W", "标签 T", "列 A", "格 1", "徽章 B", "键 K", "值 V", "链 C", "步 1",
                  "步 2", "断 D", "根 R", "子 N", "组 G", "组内 I"):  # fmt: skip
        assert piece in md_part, piece
        assert piece in html_part, piece
    _same_tables(md, html)


def test_a_table_row_must_fit_its_header():
    with pytest.raises(ValueError):
        Table(("a", "b"), ((("1",),),))


# --------------------------------------------------------------------------------------------
# Numbers: the one formatter, the same in both files
# --------------------------------------------------------------------------------------------


def test_large_small_fractional_and_percentage_numbers_read_the_same_in_both_files():
    wb = okr_samples.numbers_plan()
    md, html = to_markdown(wb), to_html(wb)
    shown_md = "\n".join(_md_text(line) for line in md.split("\n"))
    shown_html = "".join(page(html).text)
    expected = [
        numbers.value_range(1234567.5, 2000000, "元"),        # 1,234,567.5 → 2,000,000 元
        numbers.value_range(0.000012, 0.849111),              # 0.000012 → 0.849
        numbers.value_range(85.5, 90.25, "%"),                # 85.5 → 90.25%
        numbers.quantity(1500000.25, "元"),                   # a check-in's value, in its KR's unit
        numbers.number(0.849111),
        numbers.quantity(1234567.5, "万元"),                  # the ROI, in its unit
        numbers.percent(1.0, digits=0),                       # the ROI ratio
    ]  # fmt: skip
    assert expected[0] == "1,234,567.5 → 2,000,000 元" and expected[1] == "0.000012 → 0.849"
    for shown in expected:
        assert shown in shown_md, shown
        assert shown in shown_html, shown
    for shown in (shown_md, shown_html):
        assert not re.search(r"\d[eE][+-]?\d", shown), "a number in scientific notation"
        assert "1234567.5" not in shown and "0.849111" not in shown
    _same_tables(md, html)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks(max_rows=2))
def test_any_plan_reads_the_same_in_markdown_and_html(wb):
    """Property: whatever a plan holds (HTML, pipes, Markdown, line breaks, huge and tiny
    numbers), every table cell of the Markdown shows what the HTML shows."""
    doc = build(wb)
    md, html = render_markdown(doc), render_html(doc)
    assert md_headings(md) == page(html).headings
    _same_tables(md, html)
    for shown in ("\n".join(md.split("\n")), "".join(page(html).text)):
        assert not re.search(r"\d[eE][+-]\d", shown)


# --------------------------------------------------------------------------------------------
# Words: the one lookup
# --------------------------------------------------------------------------------------------


def test_checklist_status_words_are_the_ones_every_surface_uses():
    case = cases.load("C1")
    report = case.check()
    doc = build(case.workbook, report)
    section = next(s for s in doc.sections if s.key == "okrs")
    checklist = next(b for b in section.blocks if isinstance(b, Group) and b.title == word("groups.checklist"))
    indicators = next(b for b in checklist.blocks if isinstance(b, Table))
    badges = [cell[0] for row in indicators.rows for cell in row if isinstance(cell[0], Badge)]
    assert [(b.kind, b.code, b.text) for b in badges] == [
        ("status", i.status, text.status(i.status)) for i in report.indicators
    ]
    assert {b.text for b in badges} <= {"通过", "警告", "不通过"}
    md, html = render_markdown(doc), render_html(doc)
    md_rows = next(t for t in md_tables(md) if t[0][:3] == ["维度", "指标", "状态"])
    assert [r[2] for r in md_rows[1:]] == [text.status(i.status) for i in report.indicators]
    _same_tables(md, html)


def _kr_cells(doc, kr_id: str) -> dict[str, typing.Any]:
    section = next(s for s in doc.sections if s.key == "okrs")
    for group in section.blocks:
        if group.title == word("groups.checklist"):
            continue
        for block in group.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    if row[0] == (kr_id,):
                        return dict(zip(block.header, row))
    raise AssertionError(kr_id)


def test_a_kr_shows_the_score_given_in_the_review_else_its_progress_labelled_so():
    wb = okr_samples.plan()  # KR1.1: reviewed 0.7; its progress 2.5 → 2.8 of 4 is 0.2
    cells = _kr_cells(build(wb), "KR1.1")
    given = cells[word("columns.score")][0]
    assert given == Badge(word("score_review", score="0.7", band=scoring.band_label("green")), "band", "green")
    assert "按进度" not in given.text and given.text.startswith("评分 ")
    data = okr_samples.plan_data()
    data["review"]["scores"] = []
    wb = Workbook.from_dict(data)
    cells = _kr_cells(build(wb), "KR1.1")
    progress = scoring.kr_score_at(wb, "KR1.1")
    band = scoring.band(progress)
    shown = cells[word("columns.score")][0]
    assert shown == Badge(
        word("score_progress", score=numbers.number(progress, digits=2), band=scoring.band_label(band)), "band", band
    )
    assert shown.text == "建议分(按进度) 0.2 红"
    assert cells[word("columns.pace")][0].kind == "pace"
    assert cells[labels_field("checkins", "confidence")] == ("7/10",)


def labels_field(section: str, name: str) -> str:
    from okrlib.words import labels

    return labels.field(section, name)


def test_risks_are_graded_by_the_scoring_bands_and_coloured_from_charts_yaml():
    wb = okr_samples.plan()
    section = next(s for s in build(wb).sections if s.key == "risks")
    (table,) = section.blocks
    badge = table.rows[0][4][0]
    band = scoring.risk_band(12)
    assert badge == Badge(f"12 {band['zh']}", "risk", band["code"])
    colour = data_file("charts")["risk"]["band_color"][band["code"]]
    assert f'style="background:{colour}">12 {band["zh"]}</span>' in to_html(wb)


# --------------------------------------------------------------------------------------------
# Escaping and determinism
# --------------------------------------------------------------------------------------------


def test_the_model_keeps_user_text_as_typed_and_each_writer_escapes_it():
    data = okr_samples.plan_data()
    data["key_results"][0]["statement"] = "<script>alert(1)</script> | *粗*"
    wb = Workbook.from_dict(data)
    assert _kr_cells(build(wb), "KR1.1")["关键结果"] == ("<script>alert(1)</script> | *粗*",)
    md, html = to_markdown(wb), to_html(wb)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*粗\\*" in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | *粗*" in html
    assert "<script" not in md and "<script" not in html
    assert "script" not in page(html).tags


def test_the_same_plan_gives_the_same_document_and_the_same_bytes():
    assert build(okr_samples.plan()) == build(okr_samples.plan())
    case = cases.load("C5")
    first = to_html(case.workbook, as_of=case.as_of).encode("utf-8")
    assert to_html(cases.load("C5").workbook, as_of=case.as_of).encode("utf-8") == first
    assert to_markdown(case.workbook, as_of=case.as_of) == to_markdown(cases.load("C5").workbook, as_of=case.as_of)


def test_a_plan_without_check_ins_names_no_date():
    """Its document must not change from one day to the next: no "as of today" in it."""
    wb = Workbook.from_dict({**okr_samples.plan_data(), "checkins": []})
    doc = build(wb, check(wb, as_of=wb.meta.cycle.start_date))
    assert word("meta.as_of") not in [row[0][0] for row in doc.facts.rows]
    with_checkins = build(okr_samples.plan())
    assert [word("meta.as_of"), "2027-01-15"] in [[row[0][0], row[1][0]] for row in with_checkins.facts.rows]
