"""A participant's path through M5, M7 and M8 in JupyterLab, in a real browser (Debian's chromium,
driven by Playwright).

A workspace is made as ``make lab`` makes it (``workspace.sync``), with a plan that has the basics,
company goals and product goals but no O/KR yet. JupyterLab serves it on a free loopback port with
a token of this module's (testkit.lab.running_lab). Each test opens a module's notebook, runs all
cells from the Run menu, and works the module's form as a participant would: typing into the
fields, clicking 保存; what is saved is read back from the plan file with ``okrlib.load``.
The tests run in file order and build on each other's plan (M5 writes the O/KRs that M7 scores
and M8 exports); M7 and M8 add what is missing from Python, so each still runs when one before
it failed. Screenshots go to test-artifacts/lab/. Without chromium these tests skip, except in
CI, where they fail.

The form fields are found by their Chinese label (okrlib/data/labels.yaml ``fields:``) in the
row the form draws for each field: 编号, 表述, 负责人, 来源 (objectives); 所属目标O, 表述, 指标,
基线值, 目标值, 单位, 负责人, 截止日期 (key_results); 关键结果, 得分(0-1) (review_scores); the row
chooser by its label 选择…; the forms by their headings 目标 O / 关键结果 KR and the tools by
theirs (``T10 …``, ``T16 …``).
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import okrlib
from okrlib.course import workspace
from testkit.lab import running_lab

from testkit.browser import MARKS, launched
from testkit.waiting import eventually

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "lab"
RUN_ALL = 180_000  # ms: a whole module's cells, kernel start included
STEP = 60_000
SHOWN = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the tab shown  # ms: one click's round trip to the kernel and back

KR1 = "AI 客服解决率从 55% 提升至 75%"
KR2 = "平均等待时长从 120 秒缩短至 60 秒"

pytestmark = [pytest.mark.slow, *MARKS]


# ---- the workspace, the server, the browser ------------------------------------------------------


def _seed_plan(path: Path) -> None:
    """The example plan with its basics, company goals and product goals, and nothing after them."""
    data = okrlib.load(ROOT / "docs" / "examples" / "plan.yaml").to_dict()
    for part in ("objectives", "key_results", "cross_dept", "tasks", "checkins", "risks", "adjustments",
                 "action_plan"):
        data[part] = []
    data["review"] = {"scores": [], "notes": []}
    okrlib.save(okrlib.Workbook.from_dict(data), path)


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    folder = tmp_path_factory.mktemp("workspace")
    workspace.sync(folder)
    _seed_plan(folder / workspace.DEFAULT_PLAN)
    assert workspace.plan_path(folder) == folder / "my-plan.yaml"
    return folder


@pytest.fixture(scope="module")
def lab(ws, tmp_path_factory):
    log = tmp_path_factory.mktemp("lab-log") / "lab.log"
    with running_lab(ws, log=log) as (url, token, proc):
        yield {"url": url, "token": token, "proc": proc, "log": log}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(log, ARTIFACTS / "lab.log")


@pytest.fixture(scope="module")
def browser():
    with launched() as b:
        yield b


def plan(ws: Path) -> Any:
    return okrlib.load(ws / workspace.DEFAULT_PLAN)


# ---- a notebook open in JupyterLab --------------------------------------------------------------


class Notebook:
    def __init__(self, browser, lab, name: str) -> None:
        self.name = name.split("_")[0]
        self.context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(f"{lab['url']}/lab/tree/notebooks/{name}.ipynb?reset&token={lab['token']}", timeout=STEP)
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=STEP)
        self.kernel_idle()

    def kernel_idle(self, timeout: int = STEP) -> None:
        self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']") \
            .first.wait_for(state="attached", timeout=timeout)

    def run_all(self) -> None:
        """Run → Run All Cells, then wait until every cell ran and the kernel is idle."""
        menu = self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$"))
        item = self.page.locator(".lm-Menu-item[data-command='runmenu:run-all']")

        def started() -> bool:
            dialog = self.page.locator(".jp-Dialog")
            if dialog.count():  # JupyterLab asks something first: say what, rather than guess an answer
                self.shot("dialog")
                raise AssertionError(f"{self.name}: JupyterLab shows a dialog: {dialog.first.inner_text()[:500]}")
            # the item is disabled until the notebook and its kernel are ready: open the menu
            # until it is enabled, click it, and see the cells queued
            menu.click()
            item.wait_for(timeout=STEP)
            if "lm-mod-disabled" in (item.get_attribute("class") or ""):
                self.page.keyboard.press("Escape")
                return False
            item.click()
            return eventually(lambda: self.page.locator(f"{SHOWN} .jp-CodeCell .jp-InputArea-prompt",
                                                        has_text=re.compile(r"\[[*\d]")).count() > 0, within=20)

        assert eventually(started, within=STEP / 1000, every=1), "Run All Cells did not start the cells"
        # no cell is queued or running ("[*]:") any more: all ran, or one failed and JupyterLab
        # dropped the rest of the queue ("[ ]:"), which the tracebacks below then tell
        self.page.wait_for_function(
            """() => {
              const ps = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
              return ps.length > 0 && !ps.some(p => p.textContent.includes('*'));
            }""", timeout=RUN_ALL, polling=500)
        self.kernel_idle(RUN_ALL)
        failed = self.page.locator(f"{SHOWN} .jp-CodeCell").filter(
            has=self.page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                                  has_text=re.compile(r"Traceback|Error")))
        if failed.count():
            failed.first.scroll_into_view_if_needed()
            self.shot("run-all-error")
            code = failed.first.locator(".jp-InputArea-editor").inner_text()
            out = failed.first.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").last
            raise AssertionError(f"{self.name}: Run All stopped at the cell\n{code}\nwith\n{out.inner_text()[-2500:]}")
        # (the prompts are not counted: JupyterLab's windowed notebook may show "[ ]:" for cells
        # out of view that ran; each test waits for the output it needs instead)

    def tool(self, tool_id: str):
        """The output area of the cell that shows tool ``tool_id`` (found by its heading ``T10 …``)."""
        area = self.page.locator(f"{SHOWN} .jp-OutputArea-output").filter(
            has=self.page.locator("h3", has_text=re.compile(rf"^{tool_id} "))).first
        # attached, then scrolled to: JupyterLab's windowing leaves cells out of view undrawn
        area.wait_for(state="attached", timeout=STEP)
        area.scroll_into_view_if_needed()
        return area

    def shot(self, label: str, element=None) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{self.name}-{label}.png"
        if element is not None:
            element.scroll_into_view_if_needed()
            element.screenshot(path=str(target))
        else:
            self.page.screenshot(path=str(target))

    def real_errors(self) -> list[str]:
        # plotly.js rejects resizing a chart that is not displayed (a cell scrolled out of view,
        # which JupyterLab's content-visibility windowing skips): the chart is redrawn when shown
        return [e for e in self.errors if "Resize must be passed a displayed plot div element" not in e]

    def close(self) -> None:
        self.page.close()
        self.context.close()


@pytest.fixture
def open_notebook(browser, lab):
    opened: list[Notebook] = []

    def make(name: str) -> Notebook:
        nb = Notebook(browser, lab, name)
        opened.append(nb)
        return nb

    yield make
    for nb in opened:
        nb.close()


# ---- a form -------------------------------------------------------------------------------------


class Form:
    """One SectionForm: its field rows (label + input), its buttons and its status line."""

    def __init__(self, page, root) -> None:
        self.page = page
        self.root = root

    @classmethod
    def titled(cls, page, area, title: str) -> "Form":
        # the form's VBox has its heading (an HTML widget with <h4>) as a direct child
        root = area.locator(".widget-vbox").filter(
            has=page.locator(":scope > .widget-html h4", has_text=re.compile(rf"^{re.escape(title)}$"))).last
        root.wait_for(state="attached", timeout=STEP)
        return cls(page, root)

    def row(self, label: str):
        """The row of the field labelled ``label`` (the label may carry the required star)."""
        return self.root.locator(".widget-hbox").filter(
            has=self.page.locator(":scope > .widget-html .okr-label",
                                  has_text=re.compile(rf"^{re.escape(label)}\s*\*?$"))).first

    def field(self, label: str):
        return self.row(label).locator("input, textarea, select").first

    def type(self, label: str, value: str) -> None:
        box = self.field(label)
        box.fill(value)
        box.press("Tab")  # continuous_update=False: the value goes to the kernel when the field is left
        self.wait_value(label, value)

    def pick(self, label: str, **option: Any) -> None:
        self.field(label).select_option(**option)

    def wait_value(self, label: str, value: str) -> None:
        box = self.field(label)
        assert eventually(lambda: box.input_value() == value, within=STEP / 1000), \
            f"{label}: {box.input_value()!r}, expected {value!r}"

    def button(self, name: str):
        return self.root.locator(":scope > .widget-hbox button", has_text=name).first

    @property
    def status(self):
        # the status line: the HTML widget right after the buttons' row
        return self.root.locator(":scope > .widget-hbox + .widget-html").first

    def save(self, saved: Any) -> str:
        """Click 保存 and wait until ``saved()`` holds for the plan file; returns the status line."""
        self.button("保存").click()
        assert eventually(saved, within=STEP / 1000), "the plan file does not hold what was saved"
        # the file is written before the status line is set, in the same click: wait for the line
        # (it may read as before the click: T16 keeps "✓ 已保存到 …" of the last KR when another
        # KR is picked, so the text need not change)
        self.page.wait_for_function("el => el.textContent.includes('已保存')",
                                    arg=self.status.element_handle(), timeout=STEP)
        assert self.status.is_visible()
        return self.status.inner_text()


def mark_charts(area) -> int:
    """Mark the plotly charts shown now; returns how many there are."""
    return area.evaluate("el => { const ps = el.querySelectorAll('.js-plotly-plot');"
                         " ps.forEach(p => p.setAttribute('data-okr-old', '1')); return ps.length; }")


def wait_redrawn(page, area) -> None:
    """A plotly chart not marked by ``mark_charts`` appears in ``area``: the chart was drawn again."""
    area.locator(".js-plotly-plot:not([data-okr-old])").first.wait_for(state="attached", timeout=STEP)


# ---- M5: the O and two KRs through T10 ----------------------------------------------------------


def test_m5_objective_and_two_krs_through_the_t10_form(open_notebook, ws):
    nb = open_notebook("m05_okr_design_and_check")
    nb.run_all()
    page = nb.page
    area = nb.tool("T10")
    area.scroll_into_view_if_needed()
    nb.shot("01-run-all")
    nb.shot("01-t10", area)
    # T10's charts (tools.yaml: alignment_tree, dimension_balance) sit below the form, in an
    # Output widget drawn when the cell runs; what is wrong there is reported at the end, after
    # the rest of the path has been tried
    problems: list[str] = []
    if not eventually(lambda: area.locator(".js-plotly-plot").count() >= 1, within=20):
        problems.append("after Run All, T10's chart panel (an Output widget below the form) shows no chart: "
                        f"{area.locator('.widget-output').last.inner_html()[:300]}")

    # the objective (labels 编号, 表述, 负责人, 来源)
    objectives = Form.titled(page, area, "目标 O")
    objectives.wait_value("编号", "O1")  # a new plan's first O gets the free id O1
    objectives.type("表述", "让 AI 客服成为中型客户续费的首要理由")
    objectives.type("负责人", "王敏")
    objectives.pick("来源", index=1)  # the only product goal, PG1
    mark_charts(area)
    status = objectives.save(lambda: [o.id for o in plan(ws).objectives] == ["O1"])
    assert "已保存" in status
    wait_redrawn(page, area)
    nb.shot("02-objective-saved", area)

    # the first KR (labels 所属目标O, 表述, 指标, 基线值, 目标值, 单位, 负责人, 截止日期)
    krs = Form.titled(page, area, "关键结果 KR")
    assert eventually(lambda: "O1" in krs.field("所属目标O").inner_text(), within=STEP / 1000)
    krs.wait_value("编号", "KR1.1")

    def enter_kr(statement: str, metric: str, baseline: str, target: str, unit: str, owner: str) -> None:
        krs.type("表述", statement)
        krs.type("指标", metric)
        krs.type("基线值", baseline)
        krs.type("目标值", target)
        krs.type("单位", unit)
        krs.type("负责人", owner)
        krs.type("截止日期", "2027-03-31")

    enter_kr(KR1, "AI 解决率", "55", "75", "%", "李雷")
    nb.shot("03-kr1-typed", area)
    mark_charts(area)
    status = krs.save(lambda: [k.statement for k in plan(ws).key_results] == [KR1])
    assert "已保存" in status
    wait_redrawn(page, area)
    nb.shot("04-kr1-saved", area)

    # the second KR: 新建一条, then the same fields
    krs.button("新建一条").click()
    krs.wait_value("编号", "KR1.2")
    enter_kr(KR2, "平均等待时长", "120", "60", "秒", "韩梅梅")
    mark_charts(area)
    status = krs.save(lambda: [k.statement for k in plan(ws).key_results] == [KR1, KR2])
    assert "已保存" in status
    wait_redrawn(page, area)
    nb.shot("05-kr2-saved", area)

    # back to the first KR through the row chooser (label 选择…), change its owner, save again
    chooser = krs.root.locator(":scope > .widget-hbox select").first
    chooser.select_option(index=1)  # (新的一条), KR1.1, KR1.2
    krs.wait_value("编号", "KR1.1")
    krs.wait_value("表述", KR1)
    krs.type("负责人", "李雷、张伟")
    status = krs.save(lambda: {k.id: k.owner for k in plan(ws).key_results}.get("KR1.1") == "李雷、张伟")
    assert "已保存" in status
    nb.shot("06-kr1-changed", area)

    wb = plan(ws)
    assert [(o.id, o.statement, o.owner) for o in wb.objectives] == [("O1", "让 AI 客服成为中型客户续费的首要理由", "王敏")]
    assert [k.id for k in wb.key_results] == ["KR1.1", "KR1.2"]
    first, second = wb.key_results
    assert (first.statement, first.objective, first.baseline, first.target, first.unit, first.owner,
            str(first.due)) == (KR1, "O1", 55.0, 75.0, "%", "李雷、张伟", "2027-03-31")
    assert (second.statement, second.objective, second.baseline, second.target, second.unit, second.owner,
            str(second.due)) == (KR2, "O1", 120.0, 60.0, "秒", "韩梅梅", "2027-03-31")
    assert wb.product_goals and wb.company_goals, "the plan lost what it had before M5"
    assert not problems, "\n".join(problems)
    assert not nb.real_errors(), nb.real_errors()


# ---- M7: scores for both KRs through T16 --------------------------------------------------------


def _ensure_krs_and_checkins(ws: Path) -> None:
    """What M7 needs (workspace.yaml ``needs``: key_results, checkins), added from Python where the
    plan lacks it (M5's test failed, or check-ins, which M6 writes)."""
    data = plan(ws).to_dict()
    example = okrlib.load(ROOT / "docs" / "examples" / "plan.yaml").to_dict()
    if not data["objectives"]:
        data["objectives"] = example["objectives"]
    if len(data["key_results"]) < 2:
        data["key_results"] = example["key_results"][:2]
    if not data["checkins"]:
        ids = [k["id"] for k in data["key_results"]][:2]
        data["checkins"] = [
            {"id": "C1", "key_result": ids[0], "date": "2027-01-15", "value": 60.0, "confidence": 6, "note": ""},
            {"id": "C2", "key_result": ids[1], "date": "2027-01-15", "value": 100.0, "confidence": 5, "note": ""},
        ]
    okrlib.save(okrlib.Workbook.from_dict(data), ws / workspace.DEFAULT_PLAN)


def test_m7_scores_both_krs_through_the_t16_form(open_notebook, ws):
    _ensure_krs_and_checkins(ws)
    first, second = [k.id for k in plan(ws).key_results][:2]
    nb = open_notebook("m07_review_and_next_cycle")
    nb.run_all()
    page = nb.page
    area = nb.tool("T16")
    area.scroll_into_view_if_needed()
    nb.shot("01-t16", area)

    # label 关键结果 (the KR scored), 得分(0-1), 评语
    # the review form: the box whose own row of buttons holds 保存
    form = Form(page, area.locator(".widget-vbox").filter(
        has=page.locator(":scope > .widget-hbox > button", has_text="保存")).first)
    form.root.wait_for(state="attached", timeout=STEP)
    kr = form.field("关键结果")

    def pick_kr(kr_id: str) -> None:
        options = kr.locator("option").all_text_contents()
        # ipywidgets shows the options' spaces as no-break spaces
        label = next((t for t in options if re.split(r"\s", t, maxsplit=1)[0] == kr_id), None)
        assert label is not None, f"T16's KR choice has no {kr_id}: {options}"
        kr.select_option(index=options.index(label))

    pick_kr(first)
    form.type("得分(0-1)", "0.7")
    form.save(lambda: {s.key_result: s.score for s in plan(ws).review.scores} == {first: 0.7})
    nb.shot("02-first-scored", area)

    pick_kr(second)
    assert eventually(lambda: form.field("得分(0-1)").input_value() == "", within=STEP / 1000), \
        "picking another KR kept the first KR's score in the field"
    form.type("得分(0-1)", "0.4")
    form.save(lambda: {s.key_result: s.score for s in plan(ws).review.scores} == {first: 0.7, second: 0.4})
    nb.shot("03-second-scored", area)

    scores = {s.key_result: s.score for s in plan(ws).review.scores}
    assert scores == {first: 0.7, second: 0.4}
    assert [k.id for k in plan(ws).key_results][:2] == [first, second]
    assert not nb.real_errors(), nb.real_errors()


# ---- M8: the export -----------------------------------------------------------------------------


def test_m8_exports_every_section_of_the_takeaway(open_notebook, ws):
    from okrlib.words import text
    from okrlib.words.resources import data_file

    _ensure_krs_and_checkins(ws)
    target = workspace.export_dir(ws) / "plan.html"
    assert not target.exists()
    nb = open_notebook("m08_summary_action_plan")
    nb.run_all()
    last = nb.page.locator(f"{SHOWN} .jp-CodeCell").last
    last.scroll_into_view_if_needed()
    out = last.locator(".jp-OutputArea-output").first
    out.wait_for(timeout=STEP)
    nb.shot("01-export", last)
    errors = last.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"the export cell failed: {errors.first.inner_text()[-2000:]}"
    assert eventually(target.is_file, within=STEP / 1000), f"no {target} after the export cell ran; it shows: {out.inner_text()[:1000]}"
    page_html = target.read_text(encoding="utf-8")
    titles = [text.say(entry["title"]) for entry in data_file("takeaway")["outline"]]
    assert len(titles) == 12
    missing = [t for t in titles if html.escape(t) not in page_html and t not in page_html]
    assert not missing, f"plan.html lacks the sections {missing}"
    for kr in plan(ws).key_results:
        assert html.escape(kr.statement) in page_html
