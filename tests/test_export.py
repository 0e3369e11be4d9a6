"""okrlib.views.export: the take-away page and export_all's four files (M8)."""

from __future__ import annotations

import html
import os
import re
import struct
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("plotly")

from testkit import chart_samples as samples
from okrlib.course import cases
from okrlib.words import numbers
from okrlib.words import text as words
from okrlib.words.resources import data_file
from okrlib.method.checks import check
from okrlib.views.export import ExportResult, export_all, png_problem, to_html
from okrlib.views.report import to_markdown
from okrlib.storage.tables import read_excel

CFG = data_file("charts")


class _Page(HTMLParser):
    """Tags opened and the text shown, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def _chromium() -> str | None:
    for path in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium"):
        if path and os.path.exists(path):
            return path
    return None


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One real export of the example plan (the PNG too, when kaleido and Chromium are here)."""
    wb = samples.example()
    folder = tmp_path_factory.mktemp("export") / "new-folder"
    return wb, folder, export_all(wb, folder)


# --------------------------------------------------------------------------------------------
# to_html
# --------------------------------------------------------------------------------------------


def test_html_is_a_self_contained_chinese_page_with_the_whole_plan():
    wb = samples.example()
    page = to_html(wb)
    parsed = _parse(page)
    text = "".join(parsed.text)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "年度契约 / OKR 初稿" in text
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "http://" not in page and "https://" not in page
    for g in wb.company_goals:
        assert g.statement in text
    for p in wb.product_goals:
        assert p.statement in text
    for o in wb.objectives:
        assert o.statement in text and o.owner in text
    for kr in wb.key_results:
        assert kr.id in text and kr.statement in text and kr.owner in text and kr.due.isoformat() in text
    for t in wb.tasks:
        assert t.title in text
    for r in wb.risks:
        assert r.description in text and r.response in text
    for heading in ("公司目标链", "产品目标", "OKR", "任务", "风险", "进展同步", "OKR 校验"):
        assert heading in text
    assert to_html(wb) == page  # no timestamp: same plan, same page


def test_html_colours_the_checklist_and_lists_findings_with_hints():
    case = cases.load("C1")
    report = case.check()
    page = to_html(case.workbook, report)
    shown = "".join(_parse(page).text)
    status = CFG["colors"]["status"]
    colour = {"pass": status["ok"], "warn": status["warning"], "fail": status["error"]}
    for ind in report.indicators:
        word = words.status(ind.status)  # 通过 / 警告 / 不通过, as in the forms and the exercises
        badge = f'<span class="badge status status-{ind.status}" style="background:{colour[ind.status]}">{word}</span>'
        row = f"<td>{html.escape(ind.name_zh)}</td><td>{badge}</td>"
        assert row in page, ind.id
    for f in report.findings:
        assert f.message_zh.replace("\n", "") in shown.replace("\n", "")
        assert f.hint.replace("\n", "") in shown.replace("\n", "")
    assert f"校验得分:{numbers.number(report.score)} / 100" in shown


def test_html_shows_each_krs_value_score_confidence_and_pace():
    case = cases.load("C5")
    wb = case.workbook
    page = to_html(wb, case.check(), as_of=case.as_of)
    shown = "".join(_parse(page).text)
    from okrlib.method import scoring

    reviewed = {sc.key_result: sc.score for sc in wb.review.scores}
    frame = scoring.scores_frame(wb, case.as_of)
    for row in frame.itertuples():
        if isinstance(row.pace, str):
            colour = CFG["colors"]["pace"][row.pace]
            assert f'style="background:{colour}">{scoring.pace_label(row.pace)}</span>' in page
        if row.key_result in reviewed:  # the score given in M7's review
            score = reviewed[row.key_result]
            expected = f"{numbers.number(score, digits=2)} {scoring.band_label(scoring.band(score))}"
        elif row.score == row.score and row.score is not None:  # else the progress, labelled so
            expected = f"建议分(按进度) {numbers.number(row.score, digits=2)} {scoring.band_label(row.band)}"
        else:
            continue
        assert expected in shown, row.key_result
        if row.value == row.value and row.value is not None:
            assert numbers.quantity(row.value, row.unit or None) in shown


def test_html_escapes_every_user_string():
    page = to_html(samples.nasty())
    parsed = _parse(page)
    text = "".join(parsed.text)
    assert "script" not in parsed.tags and "u" not in parsed.tags and "i" not in parsed.tags
    assert "<script>" not in page and "<b>x</b>" not in page
    # shown as text, exactly as typed
    assert samples.SCRIPT in text
    assert "KR <b>x</b> & 更多" in text
    assert "团队 <b>x</b>" in text and "产品 & <i>斜</i>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --------------------------------------------------------------------------------------------
# export_all
# --------------------------------------------------------------------------------------------


@pytest.mark.browser  # `exported` draws the PNG with Chromium
def test_export_all_writes_the_files_atomically(exported):
    wb, folder, result = exported
    assert isinstance(result, ExportResult) and isinstance(result, dict)
    for kind, suffix in (("md", ".md"), ("html", ".html"), ("xlsx", ".xlsx")):
        assert result[kind] == folder / f"plan{suffix}"
        assert result[kind].stat().st_size > 0
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


@pytest.mark.browser  # `exported` draws the PNG with Chromium
def test_exported_files_hold_the_whole_plan(exported):
    wb, folder, result = exported
    md = result["md"].read_text(encoding="utf-8")
    page = result["html"].read_text(encoding="utf-8")
    for kr in wb.key_results:
        assert kr.id in md and kr.statement in md
        assert kr.id in page and kr.statement in page
    assert read_excel(result["xlsx"]).to_dict() == wb.to_dict()


@pytest.mark.browser  # `exported` draws the PNG with Chromium
def test_export_all_writes_the_alignment_png_when_chromium_is_here(exported):
    if _chromium() is None:
        pytest.skip("no Chromium: install Debian's chromium (/usr/bin/chromium) or set BROWSER_PATH")
    pytest.importorskip("kaleido", reason="kaleido (okrlib[lab]) is not installed")
    wb, folder, result = exported
    assert result.ok, result.problems
    png = result["png"]
    assert png == folder / "plan-alignment.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    from okrlib.views import takeaway
    from okrlib.views.export import png_figures

    report = check(wb)
    fig = png_figures(wb, takeaway.build(wb, report), report)["png"]
    assert (width, height) == (fig.layout.width, fig.layout.height)
    # Chinese drawn with real glyphs makes a far bigger file than blank or tofu boxes would
    assert len(data) > 30_000


def test_export_all_without_kaleido_still_writes_the_rest(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "kaleido", None)  # import kaleido -> ImportError
    wb = samples.nasty()
    result = export_all(wb, tmp_path, name="草稿", report=check(wb))
    assert set(result) == {"md", "html", "xlsx"}
    assert not result.ok
    message = result.problems["png"]
    assert "kaleido" in message and "PNG" in message and "未生成" in message and "not written" in message
    assert "problems=" in repr(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["草稿-export.json", "草稿.html", "草稿.md", "草稿.xlsx"]
    assert read_excel(result["xlsx"]).to_dict() == wb.to_dict()


def test_export_all_writes_the_markdown_and_the_page_of_one_document(tmp_path, monkeypatch):
    """The .md and the .html hold the same sections, from the same report and date."""
    monkeypatch.setitem(sys.modules, "kaleido", None)  # no PNG, so no browser
    case = cases.load("C5")
    report = case.check()
    result = export_all(case.workbook, tmp_path, report=report, as_of=case.as_of)
    md = result["md"].read_text(encoding="utf-8")
    page = result["html"].read_text(encoding="utf-8")
    assert md == to_markdown(case.workbook, report, as_of=case.as_of)
    assert page == to_html(case.workbook, report, as_of=case.as_of)
    md_headings = re.findall(r"^## (.+)$", md, re.M)
    assert md_headings == re.findall(r"<h2>(.+?)</h2>", page)
    assert len(md_headings) == 12 and md_headings[4] == "5. OKR 与校验"


def test_png_messages_come_in_chinese_and_english(monkeypatch):
    monkeypatch.setitem(sys.modules, "kaleido", None)
    zh, en = words.both("takeaway.png_no_kaleido")
    assert png_problem() == f"{zh} / {en}"


def test_png_problem_names_a_missing_browser(monkeypatch):
    pytest.importorskip("kaleido")
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    message = png_problem()
    assert message is not None and "/nonexistent/chromium" in message and "BROWSER_PATH" in message


def test_browser_path_is_set_to_debian_chromium_when_unset(monkeypatch):
    from okrlib.views.charts import ensure_browser_path

    monkeypatch.delenv("BROWSER_PATH", raising=False)
    found = ensure_browser_path()
    if Path("/usr/bin/chromium").exists():
        assert found == "/usr/bin/chromium" == os.environ["BROWSER_PATH"]
    else:
        assert found is None and "BROWSER_PATH" not in os.environ
    monkeypatch.setenv("BROWSER_PATH", "/opt/my-chrome")
    assert ensure_browser_path() == "/opt/my-chrome"


@pytest.mark.parametrize("name", ["", "..", "a/b", "../plan"])
def test_export_all_refuses_names_with_folders(tmp_path, name):
    with pytest.raises(ValueError):
        export_all(samples.example(), tmp_path, name=name)


def test_the_export_result_tells_in_chinese_what_was_written():
    from pathlib import Path

    from okrlib.views.export import ExportResult

    shown = ExportResult({"md": Path("plan.md")}, {"png": "未生成 <PNG>"})._repr_html_()
    assert "已导出 1 个文件" in shown and "plan.md" in shown and "&lt;PNG&gt;" in shown
