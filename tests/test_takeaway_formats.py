"""The take-away in every format (M8): Markdown, HTML, Excel and PNG carry the same document.

A participant takes home four kinds of file; whichever they open, they must find the same twelve
sections and the same key numbers: the checklist's score, each KR's score (the one given in the
review, M7, where there is one; else a suggestion from its progress, labelled so) and the
counts of the contents. What each format is meant to carry:

* Markdown and HTML: the whole document (head, contents, KR scores, the twelve sections);
* Excel: the same, as an overview sheet and one sheet per section, numbered and named as the
  headings, before the plan's own sheets (the file still imports);
* PNG: what a picture can carry: the title with the checklist's and the review's scores, the
  plan's basics, the contents with the twelve sections and their counts, every KR's score, and
  the alignment tree (checked on the figures here; drawn with Chromium in the browser test).

The export also says when it was made, and warns when the plan changed after it.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("plotly")
pytest.importorskip("openpyxl")

import okrlib
from okrlib import Workbook
from okrlib.method import scoring
from okrlib.method.checks import check
from okrlib.storage.tables import read_excel
from okrlib.views import export, takeaway
from okrlib.words import numbers

ROOT = Path(__file__).resolve().parents[1]
STALE = "计划在上次导出后又改过,请重新运行导出"


def full_plan() -> Workbook:
    """The example plan, every part filled: KR1.1 scored 0.7 in the review (its progress alone
    would say 0.2), KR1.3 not scored but with a check-in (a suggestion), KR1.2 and KR1.4 neither."""
    data = okrlib.load(ROOT / "docs" / "examples" / "plan.yaml").to_dict()
    data["checkins"].append({"id": "C3", "key_result": "KR1.3", "date": dt.date(2027, 1, 15), "value": 84,
                             "confidence": 7})
    wb = Workbook.from_dict(data)
    for name in ("company_goals", "factors", "core_elements", "product_goals", "objectives", "key_results",
                 "cross_dept", "tasks", "checkins", "risks", "adjustments", "review_scores", "review_notes",
                 "action_plan"):
        assert wb.rows(name), f"the sample must fill {name}"
    return wb


def expected_scores(wb: Workbook) -> dict[str, str]:
    """Each KR's score as the take-away must show it, worked out here from the method."""
    reviewed = {sc.key_result: sc.score for sc in wb.review.scores}
    shown = {}
    for kr in wb.key_results:
        if kr.id in reviewed:
            s = reviewed[kr.id]
            shown[kr.id] = takeaway.word("score_review", score=numbers.number(s, digits=2),
                                         band=scoring.band_label(scoring.band(s)))
        else:
            s = scoring.kr_score_at(wb, kr.id)
            shown[kr.id] = numbers.MISSING if s is None else takeaway.word(
                "score_progress", score=numbers.number(s, digits=2), band=scoring.band_label(scoring.band(s)))
    return shown


# ---- reading each format back ---------------------------------------------------------------


def _md_rows(md: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip()[1:-1].split(" | ")] for line in md.splitlines()
            if line.startswith("| ") and not line.startswith("| ---")]


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.h2: list[str] = []
        self._cell: list[str] | None = None
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "h2":
            self._in_h2 = True
            self.h2.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_h2:
            self.h2[-1] += data


def _html(page: str) -> _Html:
    parsed = _Html()
    parsed.feed(page)
    return parsed


def _xlsx(path: Path) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {ws.title: [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets}


def _cells(rows: list[list[str]]) -> list[list[str]]:
    """Rows without their empty trailing cells."""
    out = []
    for row in rows:
        while row and row[-1] == "":
            row = row[:-1]
        out.append(row)
    return out


def _contents_rows(rows: list[list[str]], header: list[str]) -> list[list[str]]:
    """The rows of the contents table: those under ``header`` that start with a number."""
    rows = _cells(rows)
    body = []
    for row in rows[rows.index(header) + 1:]:
        if not row or not row[0].isdigit():
            break
        body.append(row)
    return body


def _kr_score_rows(rows: list[list[str]], wb: Workbook) -> dict[str, str]:
    """KR id -> score, from the three-column KR score table of the head."""
    ids = {kr.id for kr in wb.key_results}
    return {r[0]: r[2] for r in _cells(rows) if len(r) == 3 and r[0] in ids}


# ---- the export ----------------------------------------------------------------------------


@pytest.fixture
def no_png(monkeypatch):
    monkeypatch.setitem(sys.modules, "kaleido", None)  # no PNG here, so no browser


@pytest.fixture
def exported(tmp_path, no_png):
    wb = full_plan()
    report = check(wb)
    result = export.export_all(wb, tmp_path / "out", report=report)
    return wb, report, result


def test_every_format_has_the_same_twelve_sections(exported):
    wb, report, result = exported
    titles = [takeaway.word("sheets.section", number=n, title=s.title)
              for n, s in enumerate(takeaway.build(wb, report).sections, 1)]
    assert len(titles) == 12 and titles[4] == "5. OKR 与校验" and titles[-1] == "12. 一个月行动计划"
    assert len(takeaway.outline()) == 12

    md = result["md"].read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", md, re.M) == titles
    assert _html(result["html"].read_text(encoding="utf-8")).h2 == titles
    sheets = _xlsx(result["xlsx"])
    names = list(sheets)
    assert names[0] == takeaway.word("sheets.overview") and names[1:13] == titles
    for title in titles:
        assert sheets[title][0][0] == title  # each section's sheet opens with its heading
    # the section sheets hold their sections: the OKR sheet has the T10 checklist, the review its notes
    okr_sheet = "\n".join(c for row in sheets[titles[4]] for c in row)
    assert takeaway.word("groups.checklist") in okr_sheet and "KR1.4" in okr_sheet
    assert "高频问题知识库补全流程" in "\n".join(c for row in sheets[titles[10]] for c in row)
    assert "与销售、客户成功部开一次 OKR 对齐会" in "\n".join(c for row in sheets[titles[11]] for c in row)
    # and the plan's own sheets follow, so the file imports as before
    assert read_excel(result["xlsx"]).to_dict() == wb.to_dict()


def test_every_format_has_the_same_key_numbers(exported):
    wb, report, result = exported
    doc = takeaway.build(wb, report)
    score = f"{numbers.number(report.score)} / 100"
    review = takeaway.review_summary(wb)
    assert review == "已评分 1 / 4 个关键结果,平均 0.7"
    scores = expected_scores(wb)
    contents = [[str(n), s.title] for n, s in enumerate(doc.sections, 1)]
    header = [takeaway.word(f"columns.{c}") for c in ("number", "section", "count")]

    md_rows = _md_rows(result["md"].read_text(encoding="utf-8"))
    html_rows = _html(result["html"].read_text(encoding="utf-8")).rows
    xlsx_rows = _xlsx(result["xlsx"])[takeaway.word("sheets.overview")]
    fig = export.png_figures(wb, doc, report)["png_overview"]
    fig_tables = [t for t in fig.data if t.type == "table"]
    fig_rows = [[list(r) for r in zip(*t.cells.values)] for t in fig_tables]
    fig_header = [[re.sub(r"</?b>", "", h) for h in t.header.values] for t in fig_tables]

    formats = {"md": md_rows, "html": html_rows, "xlsx": xlsx_rows,
               "png": [h for h_rows in zip(fig_header, fig_rows) for h in [h_rows[0], *h_rows[1]]]}
    counts = None
    for name, rows in formats.items():
        facts = {r[0]: r[1] for r in _cells(rows) if len(r) == 2}
        assert facts[takeaway.word("meta.check_score")] == score, name
        assert facts[takeaway.word("meta.review")] == review, name
        assert _kr_score_rows(rows, wb) == scores, name
        listed = _contents_rows(rows, header)
        assert [r[:2] for r in listed] == contents, name
        counts = counts or [r[2] for r in listed]
        assert [r[2] for r in listed] == counts, name  # the same count of each section everywhere
    assert counts[4] == "目标O 1、关键结果KR 4" and counts[10] == "复盘评分 1、复盘沉淀 2"
    # the pictures' titles carry the same score
    for fig in export.png_figures(wb, doc, report).values():
        assert f"校验得分 {numbers.number(report.score)} / 100" in fig.layout.title.text
        assert review in fig.layout.title.text
    # the checklist's score in the OKR section too, in every text format
    line = f"校验得分:{numbers.number(report.score)} / 100"
    assert line in result["md"].read_text(encoding="utf-8") and line in result["html"].read_text(encoding="utf-8")
    assert line in [c for row in _xlsx(result["xlsx"])["5. OKR 与校验"] for c in row]


def test_a_kr_scored_in_the_review_shows_that_score_not_its_progress(exported):
    wb, report, result = exported
    progress = scoring.kr_score_at(wb, "KR1.1")
    assert numbers.number(progress, digits=2) == "0.2"  # what the progress alone would say
    md = result["md"].read_text(encoding="utf-8")
    page = result["html"].read_text(encoding="utf-8")
    report_sheets = list(_xlsx(result["xlsx"]).values())[:13]  # the overview and the twelve sections
    for rows in (_md_rows(md), _html(page).rows, *report_sheets):
        for row in _cells(rows):
            if row and row[0] == "KR1.1" and len(row) >= 3:  # the head's score table and the OKR table
                assert "评分 0.7 绿" in row and not any("建议分" in c or "0.2 " in c for c in row), row
    # coloured by the given score's band (green), not by the progress's (red)
    assert '<span class="badge band band-green" style="background:' in page
    kr11 = next(line for line in page.splitlines() if "KR1.1" in line and "badge band" in line)
    assert "band-green" in kr11 and "band-red" not in kr11


def test_a_kr_without_a_review_score_shows_a_labelled_suggestion(exported):
    wb, report, result = exported
    suggestion = expected_scores(wb)["KR1.3"]
    assert suggestion.startswith("建议分(按进度) ")
    assert suggestion == "建议分(按进度) 0.5 黄"
    md = result["md"].read_text(encoding="utf-8")
    assert _kr_score_rows(_md_rows(md), wb)["KR1.3"] == suggestion
    assert _kr_score_rows(_html(result["html"].read_text(encoding="utf-8")).rows, wb)["KR1.3"] == suggestion
    overview = _xlsx(result["xlsx"])[takeaway.word("sheets.overview")]
    assert _kr_score_rows(overview, wb)["KR1.3"] == suggestion
    assert expected_scores(wb)["KR1.2"] == numbers.MISSING  # neither a score nor progress yet


# ---- when, and whether the plan changed since ------------------------------------------------


def test_the_export_says_what_it_wrote_and_when(tmp_path, no_png, monkeypatch):
    moment = dt.datetime(2027, 4, 2, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr(export, "_now", lambda: moment)
    result = export.export_all(full_plan(), tmp_path)
    shown = result._repr_html_()
    assert "已导出 3 个文件(2027-04-02 09:05)" in shown and "plan.xlsx" in shown
    assert numbers.timestamp(moment) == "2027-04-02 09:05"
    status = export.last_export(full_plan(), tmp_path)
    assert status.ok and status.exported_at == moment and set(status.files) == {"md", "html", "xlsx"}
    assert status.message == "上次导出:2027-04-02 09:05,3 个文件,与当前计划一致。"


def test_the_warning_appears_after_an_edit_and_goes_after_exporting_again(tmp_path, no_png):
    plan = tmp_path / "my-plan.yaml"
    okrlib.save(full_plan(), plan)
    folder = tmp_path / "export"
    assert export.last_export(plan, folder).exported_at is None  # never exported: it says so
    assert "还没有导出过计划" in export.last_export(plan, folder).message

    result = export.export_all(plan, folder)
    assert not export.last_export(plan, folder).changed and STALE not in result._repr_html_()

    data = okrlib.load(plan).to_dict()  # the participant adds one more action, in M8's form
    data["action_plan"].append({"id": "P2", "action": "两周后复查 KR1.1", "owner": "李雷", "due": dt.date(2027, 1, 24)})
    okrlib.save(Workbook.from_dict(data), plan)
    status = export.last_export(plan, folder)
    assert status.changed and not status.ok and STALE in status.message and STALE in status._repr_html_()
    assert STALE in result._repr_html_()  # the export's own display, shown again, warns too

    again = export.export_all(plan, folder)
    assert not export.last_export(plan, folder).changed
    assert STALE not in again._repr_html_() and STALE not in result._repr_html_()
    assert "两周后复查 KR1.1" in again["md"].read_text(encoding="utf-8")


def test_the_fingerprint_follows_the_content_not_the_object():
    assert export.plan_fingerprint(full_plan()) == export.plan_fingerprint(full_plan())
    data = full_plan().to_dict()
    data["risks"][0]["likelihood"] = 4
    assert export.plan_fingerprint(Workbook.from_dict(data)) != export.plan_fingerprint(full_plan())


# ---- the pictures, drawn -----------------------------------------------------------------------


@pytest.mark.browser
def test_the_pngs_are_drawn_with_the_title_score_and_the_overview(tmp_path):
    pytest.importorskip("kaleido", reason="kaleido (okrlib[lab]) is not installed")
    if export.png_problem() is not None:
        pytest.skip(export.png_problem())
    wb = full_plan()
    report = check(wb)
    result = export.export_all(wb, tmp_path, report=report)
    assert result.ok, result.problems
    figures = export.png_figures(wb, takeaway.build(wb, report), report)
    for kind, name in (("png", "plan-alignment.png"), ("png_overview", "plan-overview.png")):
        data = result[kind].read_bytes()
        assert result[kind].name == name and data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (figures[kind].layout.width, figures[kind].layout.height)
        assert len(data) > 30_000  # Chinese drawn with real glyphs
    assert set(export.last_export(wb, tmp_path).files) == {"md", "html", "xlsx", "png", "png_overview"}
