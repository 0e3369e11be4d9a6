"""okrlib.views.report.to_markdown: content, course order, traces, and escaping of user text."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from testkit import okr_samples
from okrlib import Workbook
from okrlib.course import cases
from okrlib.words import numbers, text
from okrlib.views.report import escape, to_markdown

COURSE_ORDER = [
    "公司目标",
    "内外部因素",
    "核心要素",
    "产品目标",
    "OKR 与校验",
    "跨部门协同",
    "任务",
    "进展同步",
    "风险",
    "调整记录",
    "复盘",
    "一个月行动计划",
]


def _section(md: str, heading: str) -> str:
    """The text of one '## n. heading' section."""
    match = re.search(rf"^## \d+\. {re.escape(heading)}\n(.*?)(?=^## |^---$|\Z)", md, re.S | re.M)
    assert match, f"section {heading} missing"
    return match.group(1)


def _table_rows(md: str) -> list[list[str]]:
    """Every table row as its cells (split on unescaped pipes, as GFM does)."""
    rows = []
    for line in md.splitlines():
        if line.startswith("|") and not set(line) <= set("|- "):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip() for c in cells])
    return rows


def test_title_and_meta():
    md = to_markdown(okr_samples.plan())
    assert md.splitlines()[0] == "# 增长组 · 云盘 OKR 计划(2027Q1)"
    assert md.splitlines()[2] == "年度契约 / OKR 初稿"
    assert "| 周期 | 2027Q1(2027-01-01 至 2027-03-31) |" in md
    assert "| 产品 | 云盘(To C 产品) |" in md
    assert "| 公司 | 星河科技 |" in md
    assert "| 规模 | 3 个目标(O),4 个关键结果(KR) |" in md
    assert "| 截至 | 2027-01-15 |" in md  # the plan's latest check-in: scores and pace are as of then
    assert md.endswith("\n")


def test_sections_in_course_order():
    md = to_markdown(okr_samples.plan())
    headings = re.findall(r"^## (\d+)\. (.+)$", md, re.M)
    assert [h for _, h in headings] == COURSE_ORDER
    assert [int(n) for n, _ in headings] == list(range(1, 13))


def test_company_goals_with_five_dimension_decode():
    section = _section(to_markdown(okr_samples.plan()), "公司目标")
    assert "| CG3 | 业务目标 | 年度收入增长 30% | CG2 |" in section
    assert "### 五维拆解" in section
    assert "| CG3 | 付费用户规模扩大 | 转化率与续费率 | 研发人力 12 人 | 竞品降价 | 4/5 | 云盘是主要营收载体 |" in section
    for header in ("目标本质", "核心驱动因素", "资源约束", "风险点", "产品关联度(1-5)"):
        assert header in section


def test_company_goal_chain_lists_each_goal_under_its_parent_with_the_product_goals_serving_it():
    section = _section(to_markdown(okr_samples.plan()), "公司目标")
    chain = section.split("### 公司目标链", 1)[1].strip().splitlines()
    assert chain == [
        "- 使命愿景 **CG1** 让每个团队轻松协作",
        "  - 年度策略 **CG2** 拓展中小企业市场",
        "    - 业务目标 **CG3** 年度收入增长 30%",
        "      - 核心营收载体 **PG1** 提升付费转化",
        "- 未关联",
        "  - 技术试点 **PG2** AI 搜索试点",
    ]


def test_okr_tables_with_units_owner_due_dimension_and_trace():
    section = _section(to_markdown(okr_samples.plan()), "OKR 与校验")
    assert "### O1 让小团队愿意付费" in section
    assert (
        "| 编号 | 关键结果 | 基线 → 目标 | 负责人 | 截止日期 | 维度 | 当前值 | 得分 | 信心指数(1-10) | 进度 | 溯源至公司目标 |"
        in section
    )
    # KR1.1: reviewed 0.7 (M7); its latest check-in 2.8% at confidence 7, on pace on 2027-01-15
    assert (
        "| KR1.1 | 付费转化率从 2.5% 提升到 4% | 2.5 → 4% | 李雷 | 2027-03-31 | 商业 | 2.8% | 评分 0.7 绿 | 7/10 | 正常推进 "
        "| CG3 年度收入增长 30% |"
    ) in section
    assert "| KR1.2 | 新用户 7 日留存 35% | 28 → 35% | 韩梅梅 | — | 用户/客户 | — | — | — | — | CG3 年度收入增长 30% |" in section
    assert "类型:承诺型 · 负责人:王敏 · 来源产品目标:PG1" in section
    assert (
        "溯源:目标(O) O1 → 产品目标 PG1 提升付费转化 → 公司目标 CG3 年度收入增长 30% → 公司目标 CG2 拓展中小企业市场"
        " → 公司目标 CG1 让每个团队轻松协作"
    ) in section
    # each KR sits under its own objective
    o1, rest = section.split("### O2", 1)
    assert "KR1.1" in o1 and "KR2.1" not in o1
    assert "KR2.1" in rest


def test_broken_chains_are_marked_where_they_break():
    section = _section(to_markdown(okr_samples.plan()), "OKR 与校验")
    assert "⚠ 链路断开:目标(O) O2 未关联产品目标" in section
    assert "⚠ 链路断开:产品目标 PG2 未关联公司目标" in section
    assert "溯源:目标(O) O3 → 产品目标 PG2 AI 搜索试点 → ⚠ 未关联公司目标,链路断开" in section


def test_report_trace_agrees_with_workbook_trace():
    wb = okr_samples.plan()
    md = to_markdown(wb)
    rows = {r[0]: r for r in _table_rows(_section(md, "OKR 与校验")) if r[0].startswith("KR")}
    for kr in wb.key_results:
        trace = wb.trace(kr.id)
        cell = rows[kr.id][-1]
        if trace.complete:
            assert cell == f"{trace.company_goal.id} {trace.company_goal.statement}"
        else:
            assert cell.startswith("⚠ 链路断开") and trace.steps[-1].id in cell


def test_other_sections_content():
    md = to_markdown(okr_samples.plan())
    assert "| F1 | 外部 | 竞品动态 | 竞品推出免费 1TB | — | -2 | CG3 |" in _section(md, "内外部因素")
    assert "| F2 | 内部 | 研发能力 | 同步引擎已重构 | — | +1 | — |" in _section(md, "内外部因素")
    assert "| E1 | 客户/用户群体 | 50 人以下小团队 | CG3 | — |" in _section(md, "核心要素")
    assert (
        "| PG1 | 核心营收载体 | 提升付费转化 | 付费转化率 | 2.5 → 4% | 2027-03-31 | 投入 100 万元 / 回报 250 万元(ROI 150%) | CG3 |"
        in _section(md, "产品目标")
    )
    assert "| X1 | 市场部 | 投放预算 20 万 | — | 是 | KR1.1 |" in _section(md, "跨部门协同")
    assert "| T1 | KR1.1 | 改版付费页 | 李雷 | — | 进行中 |" in _section(md, "任务")
    assert "| C1 | KR1.1 | 2027-01-15 | 2.8% | 7/10 | 改版上线 |" in _section(md, "进展同步")
    assert "| R1 | 支付通道审批延迟 | 3 | 4 | 12 高 | 提前提交材料 | — | — |" in _section(md, "风险")
    assert "| A1 | 2027-02-01 | 下调留存目标 | 渠道结构变化 | — | KR1.2 | target:38 → 35 |" in _section(md, "调整记录")
    review = _section(md, "复盘")
    assert "| KR1.1 | 付费转化率从 2.5% 提升到 4% | 评分 0.7 绿 | 接近目标 |" in review
    assert "平均得分:0.7" in review
    assert "| N1 | 可复用资产 | 付费页 A/B 测试模板 | — |" in review
    assert "| P1 | 与市场部对齐投放节奏 | 王敏 | 2027-04-15 | — | — | 否 |" in _section(md, "一个月行动计划")


def test_markdown_holds_the_checklist_with_status_words_findings_and_hints():
    case = cases.load("C1")
    report = case.check()
    section = _section(to_markdown(case.workbook, report), "OKR 与校验").split("### OKR 校验(T10)", 1)[1]
    assert f"校验得分:{numbers.number(report.score)} / 100" in section
    rows = _table_rows(section.split("### 校验发现", 1)[0])
    for ind in report.indicators:
        row = [escape(ind.dimension_zh), escape(ind.name_zh), text.status(ind.status), str(ind.findings)]
        assert row in rows, ind.id
    assert {r[2] for r in rows[1:]} <= {"通过", "警告", "不通过"}  # the words of every other surface
    findings = section.split("### 校验发现", 1)[1]
    for f in report.findings:
        row = f"| {text.severity(f.severity)} | {escape(f.target)} | {escape(f.message_zh)} | {escape(f.hint)} |"
        assert row in findings


def test_empty_plan_shows_every_section_as_empty():
    wb = Workbook.new("空白组", "新产品", product_type="platform", year=2027)
    md = to_markdown(wb)
    for heading in COURSE_ORDER:
        if heading != "OKR 与校验":  # the checklist always has its indicators
            assert _section(md, heading).strip() == "(暂无)", heading
    okrs = _section(md, "OKR 与校验")
    assert okrs.startswith("\n(暂无)\n") and "### OKR 校验(T10)" in okrs
    assert md.splitlines()[0] == "# 空白组 · 新产品 OKR 计划(2027)"


def test_objective_without_key_results():
    data = okr_samples.plan_data()
    data["key_results"] = [kr for kr in data["key_results"] if kr["objective"] != "O2"]
    data["cross_dept"] = []
    md = to_markdown(Workbook.from_dict(data))
    o2 = _section(md, "OKR 与校验").split("### O2", 1)[1].split("### O3", 1)[0]
    assert "关键结果:(暂无)" in o2
    assert "溯源:目标(O) O2 → ⚠ 未关联产品目标,链路断开" in o2


def test_deterministic():
    assert to_markdown(okr_samples.plan()) == to_markdown(okr_samples.plan())


# ------------------------------------------------------------------------------- escaping

NASTY = "<script>alert(1)</script> | *粗* _斜_ `code` [链接](http://x) ~~删~~ $x$ # &amp; \\"


def test_escape_function():
    assert escape("<b>") == "&lt;b&gt;"
    assert escape("a|b") == "a\\|b"
    assert escape("&lt;") == "&amp;lt;"
    assert escape("*x*") == "\\*x\\*"
    assert escape("第一行\n第二行") == "第一行<br>第二行"
    assert escape("100$") == "100\\$"
    assert escape(None) == ""
    assert escape("普通文本 3.5% (Q1)") == "普通文本 3.5% (Q1)"  # ordinary text stays readable


def _nasty_plan() -> Workbook:
    data = okr_samples.plan_data()
    data["meta"]["team"] = "<img src=x onerror=alert(1)>组"
    data["key_results"][0]["statement"] = NASTY
    data["key_results"][0]["owner"] = "李|雷"
    data["key_results"][0]["unit"] = "<u>%</u>"
    data["objectives"][0]["statement"] = "O 标题 # 不是 | 表格"
    data["company_goals"][2]["statement"] = "多行\n第二行 | 管道"
    return Workbook.from_dict(data)


def test_html_in_user_text_is_shown_not_run():
    md = to_markdown(_nasty_plan())
    assert "<script>" not in md and "</script>" not in md
    assert "<img" not in md and "<u>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    # the only raw HTML in the report is the <br> that stands for a line break in user text
    assert set(re.findall(r"<[a-zA-Z/][^>]*>", md)) == {"<br>"}
    assert "多行<br>第二行 \\| 管道" in md


def test_pipes_do_not_break_tables():
    md = to_markdown(_nasty_plan())
    for block in re.findall(r"((?:^\|.*\n)+)", md, re.M):
        rows = _table_rows(block)
        widths = {len(r) for r in rows}
        assert len(widths) == 1, block  # every row of a table has as many cells as its header
    kr_row = next(r for r in _table_rows(_section(md, "OKR 与校验")) if r[0] == "KR1.1")
    assert len(kr_row) == 11
    assert kr_row[3] == "李\\|雷"
    assert kr_row[2] == "2.5 → 4 &lt;u&gt;%&lt;/u&gt;"


def test_rendered_html_keeps_user_text_as_text():
    markdown_it = pytest.importorskip("markdown_it")
    md = to_markdown(_nasty_plan())
    # commonmark preset lets raw HTML through: the dangerous setting, on purpose
    html = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    assert "<script" not in html and "<img" not in html and "<u>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for markup in ("<em>粗", "<em>斜", "<strong>粗", "<s>删", "<del>删", "<code>code", "<h1>不是"):
        assert markup not in html
    assert '<a href="http://x"' not in html
    # the KR row renders as one <tr> of eleven cells, with the pipe and markup as literal text
    row = next(tr for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "KR1.1" in tr and tr.count("<td>") > 3)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert len(cells) == 11
    assert cells[1] == (
        "&lt;script&gt;alert(1)&lt;/script&gt; | *粗* _斜_ `code` [链接](http://x) ~~删~~ $x$ # &amp;amp; \\"
    )
    assert cells[3] == "李|雷"
    # a heading keeps its text, '#' included
    assert "<h3>O1 O 标题 # 不是 | 表格</h3>" in html
    # a line break in user text is a line break, not a new table row
    assert "<td>多行<br>第二行 | 管道</td>" in html


def test_report_needs_no_pandas_or_drawing_libraries():
    code = (
        "import sys, okrlib.views.report;"
        "bad = [m for m in ('pandas', 'plotly', 'ipywidgets', 'openpyxl') if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
