"""One plan, every surface, the same numbers and the same status words.

A participant sees their plan in a notebook form, the checker's hints, a dashboard, the
take-away (Markdown, HTML, Excel) and on the command line. Each surface renders the same plan
here — one with large (1234567.5), small (0.000012), fractional (0.849111) and percentage
values — and the test compares what a reader sees: every number as ``okrlib.words.numbers``
writes it, never in scientific notation nor with a float's raw digits, and every checklist
status in the one word ``okrlib.words.text.status`` gives it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import okrlib
from okrlib.cli import main as cli
from okrlib.course import exercises
from okrlib.method.analyze import analyze_kr, suggest_outcome
from okrlib.method.checks import check
from okrlib.storage import tables
from okrlib.views import dashboards, widgets
from okrlib.views.export import to_html
from okrlib.views.report import to_markdown
from okrlib.words import numbers, text
from testkit import okr_samples

SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
RAW_FLOATS = ("1234567.5", "0.849111", "1.2e-05", "1.2e+06")
STATUS_WORDS = {code: text.status(code) for code in ("pass", "warn", "fail")}
OTHER_STATUS_WORDS = ("注意", "未通过")  # words a second vocabulary once used


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("voice") / "plan.yaml"
    okrlib.save(okr_samples.numbers_plan(), path)
    return path


@pytest.fixture(scope="module")
def wb(plan_file):
    return okrlib.load(plan_file)


def run_cli(capsys, *args: str) -> str:
    cli([str(a) for a in args])
    return capsys.readouterr().out


def shown_numbers() -> list[str]:
    return [numbers.number(x) for x in (1234567.5, 2000000, 0.000012, 0.849111)]


def assert_reads_like_people(surface: str, shown: str) -> None:
    assert not SCIENTIFIC.search(shown), f"{surface}: a number in scientific notation"
    for raw in RAW_FLOATS:
        assert raw not in shown, f"{surface}: a raw float {raw}"


# ---- numbers --------------------------------------------------------------------------------


def test_the_expected_forms_are_what_the_formatter_gives():
    assert shown_numbers() == ["1,234,567.5", "2,000,000", "0.000012", "0.849"]


def test_the_take_away_and_the_command_line_show_the_same_numbers(wb, plan_file, capsys, tmp_path):
    md = to_markdown(wb)
    page = visible(to_html(wb))
    out = tmp_path / "plan.md"
    run_cli(capsys, "export", plan_file, "--to", "md", "--output", out)
    cli_md = out.read_text(encoding="utf-8")
    assert cli_md == md
    for surface, shown in (("markdown", md), ("html", page)):
        for value in shown_numbers():
            assert value in shown, f"{surface} lacks {value}"
        assert_reads_like_people(surface, shown)


def _decimals(shown: str) -> int:
    return len(shown.rpartition(".")[2]) if "." in shown else 0


def test_excel_keeps_the_exact_value_and_shows_it_as_the_formatter_does(wb, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "plan.xlsx"
    tables.to_excel(wb, path)
    formats: dict[float, set[str]] = {}
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    formats.setdefault(cell.value, set()).add(cell.number_format)
    for value, shown in zip((1234567.5, 2000000, 0.000012, 0.849111), shown_numbers()):
        assert value in formats, f"the workbook lost the exact value {value}"
        assert formats[value] == {numbers.excel_format(value)}
        fmt = numbers.excel_format(value)  # Excel shows as many decimals, grouped the same way
        assert ("," in shown) == fmt.startswith("#,##0") and _decimals(shown) == _decimals(fmt)
        assert "E" not in fmt


def test_the_checker_hint_and_the_form_analysis_show_numbers_as_the_take_away_does():
    sentence = "上线净收入看板,让净收入从 1234567.5 元提升至 2000000 元"
    analysis = analyze_kr(sentence)
    hint_zh, hint_en = suggest_outcome(analysis)
    form = visible(widgets.analysis_html(sentence))
    for surface, shown in (("hint", hint_zh), ("hint en", hint_en), ("form", form)):
        assert numbers.number(1234567.5) in shown and numbers.number(2000000) in shown, (surface, shown)
        assert_reads_like_people(surface, shown)


def test_the_dashboard_shows_the_plan_numbers_as_the_take_away_does(plan_file, monkeypatch):
    shown: list[str] = []

    def record(out, *objects) -> None:
        for obj in objects:
            data = getattr(obj, "data", None)
            if isinstance(data, str):
                shown.append(visible(data))

    monkeypatch.setattr(dashboards, "show_in", record)
    team = dashboards.team_plan(plan_file.parent)
    team.show(str(plan_file))
    for index in range(len(team.tabs.outputs)):  # a reader opens every tab
        team.tabs.tab.selected_index = index
    page = " ".join(shown) + " " + visible(team.head.value)
    for value in ("1,234,567.5", "2,000,000", "0.849"):
        assert value in page, f"the dashboard lacks {value}"
    assert_reads_like_people("dashboard", page)
    assert numbers.number(check(okrlib.load(plan_file)).score) in visible(team.head.value)


# ---- status words ---------------------------------------------------------------------------


def _status_lines(report) -> dict[str, str]:
    """Indicator name -> its status word, as every surface must write it."""
    return {ind.name_zh: STATUS_WORDS[ind.status] for ind in report.indicators}


def test_every_surface_names_a_status_with_the_same_word(wb, plan_file, capsys):
    report = check(wb)
    assert {ind.status for ind in report.indicators} == {"pass", "warn", "fail"}, "the plan should show all three"
    surfaces = {
        "cli": run_cli(capsys, "check", plan_file),
        "markdown": to_markdown(wb, report),
        "html": visible(to_html(wb, report)),
        "form": visible(widgets.checklist_html(report)),
    }
    for surface, shown in surfaces.items():
        for old in OTHER_STATUS_WORDS:
            assert old not in shown, f"{surface} uses a second status word {old}"
        for ind in report.indicators:
            assert ind.name_zh in shown, f"{surface} does not name the indicator {ind.name_zh}"
            assert _status_follows(shown, ind.name_zh, STATUS_WORDS[ind.status]), (surface, ind.id, ind.status)


def _status_follows(shown: str, name: str, word: str) -> bool:
    """The status word comes right after the indicator's name (a table cell or badge beside it)."""
    at = shown.find(name)
    nearest = {w: shown.find(w, at) for w in STATUS_WORDS.values()}
    found = {w: i for w, i in nearest.items() if i >= 0}
    return bool(found) and min(found, key=found.get) == word


def test_the_exercise_and_the_json_output_agree_with_the_checker(wb, plan_file, capsys):
    report = check(wb)
    summary = exercises.PeerReview(plan_file).summary(report)
    shown = {row[0]: [v for v in row[1:] if v in STATUS_WORDS.values()] for row in summary.itertuples(index=False)}
    for ind in report.indicators:
        if ind.id in shown:
            assert shown[ind.id] == [STATUS_WORDS[ind.status]], (ind.id, shown[ind.id])
    assert shown, "the peer-review summary lists no indicator"
    data = json.loads(run_cli(capsys, "check", plan_file, "--format", "json"))
    assert {ind["id"]: ind["status"] for ind in data["indicators"]} == {ind.id: ind.status for ind in report.indicators}
