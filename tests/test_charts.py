"""okrlib.views.charts: what a participant sees in each chart, and that user text stays text."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from functools import lru_cache

import pytest

pytest.importorskip("plotly")

import plotly.graph_objects as go
import plotly.io as pio

from testkit import chart_samples as samples
from okrlib import Workbook
from okrlib.words import numbers
from okrlib.course import cases
from okrlib.views import charts
from okrlib.method import scoring
from okrlib.words.resources import data_file
from okrlib.method.checks import check

CFG = data_file("charts")
ALL_CHARTS = [
    charts.alignment_tree,
    charts.dimension_balance,
    charts.strategy_canvas,
    charts.factor_impacts,
    charts.risk_matrix,
    charts.progress,
    charts.confidence_trend,
    charts.score_distribution,
]


@lru_cache(maxsize=None)
def _case(case_id: str):
    return cases.load(case_id)


def _plans():
    """(name, workbook, report, as_of) for the documented example and every course case."""
    out = [("example", samples.example(), None, None)]
    for info in cases.list():
        case = _case(info.id)
        out.append((info.id, case.workbook, case.check(), case.as_of))
    return out


PLANS = _plans()
PLAN_IDS = [p[0] for p in PLANS]


def _nodes(fig: go.Figure) -> dict[str, dict]:
    """node id -> {x, y, category, color, line} from the tree's node traces."""
    out = {}
    for trace in fig.data:
        if not trace.meta or trace.meta.get("kind") != "nodes":
            continue
        lines = trace.marker.line.color
        for i, nid in enumerate(trace.customdata):
            assert nid not in out, f"{nid} drawn twice"
            out[nid] = {
                "x": trace.x[i],
                "y": trace.y[i],
                "category": trace.meta["category"],
                "color": trace.marker.color,
                "line": lines[i] if isinstance(lines, (list, tuple)) else lines,
                "hover": trace.hovertext[i],
                "text": trace.text[i],
            }
    return out


def _edges(fig: go.Figure) -> set[tuple[str, str]]:
    trace = next(t for t in fig.data if t.meta and t.meta.get("kind") == "edges")
    return {tuple(e) for e in trace.meta["edges"]}


def _links(wb) -> set[tuple[str, str]]:
    links = {(g.parent, g.id) for g in wb.company_goals if g.parent}
    links |= {(p.derived_from, p.id) for p in wb.product_goals if p.derived_from}
    links |= {(o.derived_from, o.id) for o in wb.objectives if o.derived_from}
    links |= {(k.objective, k.id) for k in wb.key_results}
    return links


# --------------------------------------------------------------------------------------------
# template, language, core stays plotly-free
# --------------------------------------------------------------------------------------------


def test_template_is_registered_with_cjk_fonts_first():
    family = pio.templates[charts.TEMPLATE].layout.font.family
    assert family.startswith('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"')
    assert family.endswith("sans-serif")


def test_the_template_looks_like_plotly_white_for_the_course_traces_and_carries_no_others():
    ours, white = pio.templates[charts.TEMPLATE], pio.templates["plotly_white"]
    for kind in ("bar", "scatter", "histogram"):
        assert ours.data[kind] == white.data[kind], kind
    assert ours.layout.xaxis == white.layout.xaxis and ours.layout.plot_bgcolor == white.layout.plot_bgcolor
    # every figure copies its template: defaults for heatmap, 3-D, map and carpet traces the
    # course never draws would be copied into each of its charts for nothing
    assert not ours.data.heatmap and not ours.data.scatter3d and not ours.data.choropleth


def test_okrlib_is_the_default_template_and_charts_keep_it_under_another_default():
    import plotly.express as px

    assert pio.templates.default == charts.TEMPLATE  # the course's px charts get CJK fonts too
    family = pio.templates[charts.TEMPLATE].layout.font.family
    assert px.bar(x=["甲"], y=[1]).layout.template.layout.font.family == family
    pio.templates.default = "plotly_dark"  # a participant's own choice
    try:
        assert charts.risk_matrix(samples.example()).layout.template.layout.font.family == family
    finally:
        pio.templates.default = charts.TEMPLATE


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda f: f.__name__)
def test_every_chart_is_a_figure_in_the_okrlib_template_with_a_chinese_title(chart):
    wb = samples.example()
    fig = chart(wb)
    assert isinstance(fig, go.Figure)
    assert fig.layout.template.layout.font.family == pio.templates[charts.TEMPLATE].layout.font.family
    title = fig.layout.title.text
    assert CFG["words"][chart.__name__]["zh"] in title
    assert "智能客服产品组" in title
    en = chart(wb, lang="en").layout.title.text
    assert CFG["words"][chart.__name__]["en"] in en


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda f: f.__name__)
def test_every_chart_draws_an_empty_plan(chart):
    from okrlib import Workbook

    fig = chart(Workbook.new("空团队", "空产品", year=2027, quarter=1))
    assert isinstance(fig, go.Figure)
    fig.to_dict()


def _altered(data: dict, section: str) -> list[dict]:
    """Versions of a plan where one section changed: every text of its rows rewritten, and (when
    no other row points to them) its rows gone."""
    from okrlib.plan.fields import fields
    from okrlib.plan.model import SECTIONS

    path = SECTIONS[section].path
    texts = [f.name for f in fields(section) if f.kind == "text" and "." not in f.name]
    out = []
    for empty in (False, True):
        changed = Workbook.from_dict(data).to_dict()
        holder = changed
        for key in path[:-1]:
            holder = holder[key]
        if empty:
            holder[path[-1]] = []
        else:
            for row in holder[path[-1]]:
                for name in texts:
                    if isinstance(row.get(name), str):
                        row[name] += "(改)"
        try:
            Workbook.from_dict(changed)
        except Exception:  # other rows point to these: emptying is no valid plan
            continue
        out.append(changed)
    return out


@pytest.mark.parametrize("name", sorted(CFG["reads"]))
def test_a_chart_depends_only_on_the_parts_it_declares(name):
    """charts.yaml ``reads`` lets a form skip redrawing a chart; a list that forgot a part would
    leave a stale chart on screen. Changing any part not declared must leave the figure as is."""
    from okrlib.plan.model import SECTIONS

    chart = getattr(charts, name)
    data = samples.example().to_dict()
    before = chart(Workbook.from_dict(data)).to_plotly_json()
    tried = 0
    for section in (s for s in SECTIONS if s not in charts.reads(name)):
        for changed in _altered(data, section):
            if changed != data:
                tried += 1
                assert chart(Workbook.from_dict(changed)).to_plotly_json() == before, f"{name} reads {section}"
    assert tried >= 10
    for section in charts.reads(name) - {"meta"}:
        assert samples.example().rows(section), f"the example plan has no {section}: the test would prove nothing"
        assert any(chart(Workbook.from_dict(c)).to_plotly_json() != before for c in _altered(data, section)), \
            f"{name} is declared to read {section} but never changes with it"


def test_core_modules_do_not_import_plotly():
    code = (
        "import sys, okrlib, okrlib.plan.model, okrlib.method.scoring, okrlib.method.checks, okrlib.views.report, okrlib.storage.tables, okrlib.storage.yaml_file;"
        "print('plotly' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --------------------------------------------------------------------------------------------
# alignment tree
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, wb, report, as_of", PLANS, ids=PLAN_IDS)
def test_tree_has_one_node_per_goal_objective_and_kr_and_edges_follow_the_links(name, wb, report, as_of):
    fig = charts.alignment_tree(wb, report, as_of=as_of)
    nodes = _nodes(fig)
    expected = {r.id for s in ("company_goals", "product_goals", "objectives", "key_results") for r in wb.rows(s)}
    assert set(nodes) == expected
    assert _edges(fig) == _links(wb)
    # drawn edges join the nodes they name, left to right
    trace = next(t for t in fig.data if t.meta and t.meta.get("kind") == "edges")
    segments = {
        ((trace.x[i], trace.y[i]), (trace.x[i + 1], trace.y[i + 1])) for i in range(0, len(trace.x), 3)
    }
    for parent, child in _edges(fig):
        p, c = nodes[parent], nodes[child]
        assert ((p["x"], p["y"]), (c["x"], c["y"])) in segments
        assert p["x"] < c["x"], f"{parent} -> {child} does not run left to right"


@pytest.mark.parametrize("name, wb, report, as_of", PLANS, ids=PLAN_IDS)
def test_tree_is_layered_by_level(name, wb, report, as_of):
    nodes = _nodes(charts.alignment_tree(wb, report, as_of=as_of))
    linked_o = {o.id for o in wb.objectives if o.derived_from}
    linked_pg = {p.id for p in wb.product_goals if p.derived_from}
    kr_x = {nodes[k.id]["x"] for k in wb.key_results}
    o_x = {nodes[o]["x"] for o in linked_o}
    pg_x = {nodes[p]["x"] for p in linked_pg}
    rank = {"mission_vision": 0, "annual_strategy": 1, "business_goal": 2}
    assert len(kr_x) <= 1 and len(o_x) <= 1 and len(pg_x) <= 1
    cg_x = {g.level: nodes[g.id]["x"] for g in wb.company_goals}
    for g in wb.company_goals:
        assert nodes[g.id]["x"] == cg_x[g.level]
    levels = [cg_x[lv] for lv in sorted(cg_x, key=rank.get)]
    assert levels == sorted(levels)
    order = levels + sorted(pg_x) + sorted(o_x) + sorted(kr_x)
    assert order == sorted(order) and len(set(order)) == len(order)


def test_unlinked_objects_are_grey_in_their_own_column():
    wb = samples.nasty()
    fig = charts.alignment_tree(wb)
    nodes = _nodes(fig)
    grey = CFG["colors"]["unlinked"]
    assert nodes["O9"]["color"] == grey and nodes["PG9"]["color"] == grey
    assert nodes["O9"]["category"] == nodes["PG9"]["category"] == "unlinked"
    assert nodes["O9"]["x"] == nodes["PG9"]["x"] < min(n["x"] for k, n in nodes.items() if k not in ("O9", "PG9"))
    assert all(n["color"] != grey for k, n in nodes.items() if k not in ("O9", "PG9"))
    assert ("O9", "KR9.1") in _edges(fig)
    header = [a.text for a in fig.layout.annotations]
    assert any("未关联" in h for h in header)
    # C1's O2 derives from no product goal: grey, in the "未关联" column
    c1 = _case("C1").workbook
    n1 = _nodes(charts.alignment_tree(c1, _case("C1").check()))
    assert n1["O2"]["color"] == grey and n1["O2"]["x"] < n1["CG0"]["x"]


@pytest.mark.parametrize("name, wb, report, as_of", PLANS, ids=PLAN_IDS)
def test_tree_colours_follow_the_worst_finding(name, wb, report, as_of):
    report = report or check(wb)
    nodes = _nodes(charts.alignment_tree(wb, report, as_of=as_of))
    status = CFG["colors"]["status"]
    for nid, node in nodes.items():
        severities = {f.severity for f in report.findings if f.target == nid}
        expected = "error" if "error" in severities else "warning" if "warning" in severities else "ok"
        shown = node["line"] if node["category"] == "unlinked" else node["color"]
        assert shown == status[expected], (nid, severities)


def test_tree_without_a_report_runs_the_checker():
    wb = samples.example()
    default = _nodes(charts.alignment_tree(wb))
    given = _nodes(charts.alignment_tree(wb, check(wb)))
    assert {k: v["color"] for k, v in default.items()} == {k: v["color"] for k, v in given.items()}


@pytest.mark.parametrize("name, wb, report, as_of", PLANS, ids=PLAN_IDS)
def test_tree_coloured_by_score_band(name, wb, report, as_of):
    nodes = _nodes(charts.alignment_tree(wb, color_by="score", as_of=as_of))
    when = as_of or scoring.reference_date(wb)
    bands = CFG["colors"]["band"]
    reviewed = {s.key_result: s.score for s in wb.review.scores}  # M7's end-of-quarter scores come first
    for kr in wb.key_results:
        s = reviewed.get(kr.id, scoring.kr_score_at(wb, kr.id, when))
        node = nodes[kr.id]
        if s is None:
            assert node["color"] == CFG["colors"]["unscored"]
        else:
            assert node["color"] == bands[scoring.band(s)], kr.id
            assert f" {numbers.number(s, digits=2)}(" in node["hover"]  # the one formatter: 0.3, not 0.30
    for o in wb.objectives:
        if any(kr.id in reviewed for kr in wb.key_results_of(o.id)):
            continue  # test_tree_coloured_by_the_review_scores_of_m7
        s = scoring.objective_score(wb, o.id, when)
        shown = nodes[o.id]["line"] if nodes[o.id]["category"] == "unlinked" else nodes[o.id]["color"]
        assert shown == (CFG["colors"]["unscored"] if s is None else bands[scoring.band(s)])


def test_score_band_edges_come_from_scoring_yaml():
    # a KR exactly on a band edge takes the band above it, as okrlib.method.scoring says
    data = samples.example().to_dict()
    data["review"]["scores"] = []  # scored from check-ins only (M7's scores come first: see below)
    data["checkins"] = [
        {"id": "C1", "key_result": "KR1.1", "date": dt.date(2027, 2, 1), "value": 55 + 0.4 * 20},
        {"id": "C2", "key_result": "KR1.3", "date": dt.date(2027, 2, 1), "value": 80 + 0.7 * 8},
        {"id": "C3", "key_result": "KR1.4", "date": dt.date(2027, 2, 1), "value": 0.12 - 0.3 * 0.04},
    ]
    from okrlib import Workbook

    wb = Workbook.from_dict(data)
    nodes = _nodes(charts.alignment_tree(wb, color_by="score"))
    bands = CFG["colors"]["band"]
    assert nodes["KR1.1"]["color"] == bands["yellow"]
    assert nodes["KR1.3"]["color"] == bands["green"]
    assert nodes["KR1.4"]["color"] == bands["red"]
    assert nodes["KR1.2"]["color"] == CFG["colors"]["unscored"]


def test_tree_hover_has_the_full_statement():
    wb = samples.example()
    nodes = _nodes(charts.alignment_tree(wb))
    for kr in wb.key_results:
        assert kr.statement.replace(" ", "") in nodes[kr.id]["hover"].replace("<br>", "").replace(" ", "")


def test_color_by_must_be_known():
    with pytest.raises(ValueError):
        charts.alignment_tree(samples.example(), color_by="mood")


# --------------------------------------------------------------------------------------------
# other charts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", ["C1", "C4"])
def test_dimension_balance_counts_krs_per_objective_and_dimension(case_id):
    wb = _case(case_id).workbook
    fig = charts.dimension_balance(wb)
    assert fig.layout.barmode == "stack"
    got = {}
    for trace in fig.data:
        for o, n in zip(trace.x, trace.y):
            got[(o, trace.meta["dimension"])] = n
    for o in wb.objectives:
        for dim in ("user", "business", "tech", "none"):
            want = sum(1 for k in wb.key_results_of(o.id) if (k.dimension or "none") == dim)
            assert got[(o.id, dim)] == want


def test_strategy_canvas_shows_goals_factors_elements_and_product_goals():
    wb = _case("C3").workbook
    fig = charts.strategy_canvas(wb)
    hovers = " ".join(a.hovertext or "" for a in fig.layout.annotations).replace("<br>", "")
    texts = " ".join(a.text or "" for a in fig.layout.annotations)
    for row in [*wb.company_goals, *wb.factors, *wb.core_elements, *wb.product_goals]:
        text = getattr(row, "statement", None) or row.description
        assert text.replace("\n", "") in hovers.replace(" ", " ") or text in hovers, row.id
    for label in ("客户/用户群体", "核心功能", "业务指标", "内部因素", "外部因素", "目标本质", "核心驱动因素",
                  "资源约束", "风险点", "核心营收载体"):
        assert label in texts
    cells = [s for s in fig.layout.shapes if (s.name or "").startswith("cell:")]
    assert len(cells) == len([a for a in fig.layout.annotations if (a.name or "").startswith("cell:")])


def test_strategy_canvas_cuts_long_text_but_keeps_it_in_the_hover():
    data = samples.example().to_dict()
    long = "很长的核心驱动因素" * 40 + "结尾"
    data["company_goals"][2]["decode"]["drivers"] = long
    from okrlib import Workbook

    fig = charts.strategy_canvas(Workbook.from_dict(data))
    cell = next(a for a in fig.layout.annotations if a.hovertext and "结尾" in a.hovertext)
    assert "…" in cell.text and "结尾" not in cell.text
    assert cell.text.count("<br>") <= CFG["canvas"]["box_lines"]
    assert long in cell.hovertext.replace("<br>", "")


def test_factor_impacts_bars_by_side_and_category():
    wb = _case("C3").workbook
    fig = charts.factor_impacts(wb)
    seen = {}
    for trace in fig.data:
        assert trace.marker.color == CFG["colors"]["side"][trace.meta["side"]]
        for fid, x, cat in zip(trace.customdata, trace.x, trace.y[0]):
            seen[fid] = (x, cat, trace.meta["side"])
    assert set(seen) == {f.id for f in wb.factors}
    from okrlib.words import labels

    for f in wb.factors:
        assert seen[f.id] == (f.impact, labels.choice("factor_category", f.category), f.side)


def test_risk_bands_follow_the_method():
    codes = {s: charts.risk_band(s)["code"] for s in (1, 4, 5, 9, 10, 15, 16, 25)}
    assert codes == {1: "low", 4: "low", 5: "medium", 9: "medium", 10: "high", 15: "high", 16: "critical", 25: "critical"}


def test_risk_matrix_places_each_risk_in_its_cell_with_the_band_colour():
    wb = samples.nasty()
    fig = charts.risk_matrix(wb)
    cells = {s.name: s for s in fig.layout.shapes if (s.name or "").startswith("cell:")}
    assert len(cells) == 25
    for name, shape in cells.items():
        _, li, im = name.split(":")
        assert shape.fillcolor == charts.risk_band(int(li) * int(im))["color"]
    trace = next(t for t in fig.data if t.meta and t.meta.get("kind") == "risks")
    points = dict(zip(trace.customdata, zip(trace.x, trace.y)))
    assert set(points) == {"R1", "R2", "R3"}
    for r in wb.risks:
        x, y = points[r.id]
        assert abs(x - r.likelihood) < 0.5 and abs(y - r.impact) < 0.5, r.id
        cell = cells[f"cell:{r.likelihood}:{r.impact}"]
        assert cell.x0 < x < cell.x1 and cell.y0 < y < cell.y1
    assert points["R1"] != points["R2"]  # same cell, spread apart
    bands = dict(zip(trace.customdata, trace.meta["bands"]))
    assert bands == {"R1": "high", "R2": "high", "R3": "critical"}
    hover = dict(zip(trace.customdata, trace.hovertext))
    assert "预案" in hover["R3"] and "李雷" in hover["R3"] and "严重风险" in hover["R3"]


@pytest.mark.parametrize("case_id", ["C5", "C1"])
def test_progress_bars_against_the_expected_line(case_id):
    case = _case(case_id)
    wb, as_of = case.workbook, case.as_of or scoring.reference_date(case.workbook)
    fig = charts.progress(wb, as_of)
    line = next(s for s in fig.layout.shapes if s.name == "expected")
    assert line.x0 == pytest.approx(scoring.expected_progress(wb.meta.cycle, as_of))
    frame = scoring.scores_frame(wb, as_of).set_index("key_result")
    seen = set()
    for trace in fig.data:
        assert trace.marker.color == CFG["colors"]["pace"][trace.meta["pace"]]
        for kid, x in zip(trace.customdata, trace.x):
            seen.add(kid)
            pace = frame.loc[kid, "pace"]
            assert trace.meta["pace"] == (pace if isinstance(pace, str) else "none")
            score = frame.loc[kid, "score"]
            assert x == pytest.approx(0.0 if score != score or score is None else score)
    assert seen == {k.id for k in wb.key_results}


def test_confidence_trend_has_a_line_per_kr_and_the_three_bands():
    wb = _case("C5").workbook
    fig = charts.confidence_trend(wb)
    lines = {t.meta["key_result"]: t for t in fig.data}
    rated = {c.key_result for c in wb.checkins if c.confidence is not None}
    assert set(lines) == rated
    for kid, trace in lines.items():
        want = sorted((c.date, c.confidence) for c in wb.checkins if c.key_result == kid and c.confidence is not None)
        assert list(zip(trace.x, trace.y)) == want
    bands = {s.name: (s.y0, s.y1) for s in fig.layout.shapes if (s.name or "").startswith("band:")}
    assert bands == {"band:at_risk": (0.5, 3.5), "band:has_issues": (3.5, 7.5), "band:on_track": (7.5, 10.5)}


def test_score_distribution_counts_every_scored_kr_in_its_band():
    case = _case("C5")
    wb = case.workbook
    fig = charts.score_distribution(wb, case.as_of)
    frame = scoring.scores_frame(wb, case.as_of)
    scored = [s for s in frame["score"] if s == s and s is not None]
    assert sum(sum(t.y) for t in fig.data) == len(scored)
    for trace in fig.data:
        assert trace.marker.color == CFG["colors"]["band"][trace.meta["band"]]
        assert sum(trace.y) == sum(1 for s in scored if scoring.band(s) == trace.meta["band"])
    edges = {s.name: (s.x0, s.x1) for s in fig.layout.shapes if (s.name or "").startswith("band:")}
    assert edges == {"band:red": (0.0, 0.4), "band:yellow": (0.4, 0.7), "band:green": (0.7, 1.0)}


# --------------------------------------------------------------------------------------------
# escaping
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda f: f.__name__)
def test_user_html_is_escaped_in_every_chart(chart):
    wb = samples.nasty()
    found = "\n".join(samples.strings(chart(wb).to_dict()))
    assert "<script" not in found and "</script" not in found
    assert samples.BOLD not in found
    assert "<i>斜</i>" not in found and "<i>王敏</i>" not in found and "<u>王</u>" not in found
    assert "&lt;b&gt;x&lt;/b&gt;" in found  # the team name is in every title


def test_escaped_text_reaches_hover_and_labels():
    wb = samples.nasty()
    found = "\n".join(samples.strings(charts.alignment_tree(wb).to_dict()))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in found
    assert "KR &lt;b&gt;x&lt;/b&gt; &amp; 更多" in found
    risk = "\n".join(samples.strings(charts.risk_matrix(wb).to_dict()))
    assert "&lt;i&gt;王敏&lt;/i&gt;" in risk and "应对 &lt;b&gt;x&lt;/b&gt;" in risk


def test_escape_and_wrap_never_cut_an_entity():
    assert charts.escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    wrapped = charts._wrap("<<<<<<<<<<" * 5, 3)
    assert all(part.replace("&lt;", "") == "" for part in wrapped.split("<br>"))


# --------------------------------------------------------------------------------------------
# wide charts fit the notebook; the end-of-quarter scores of M7
# --------------------------------------------------------------------------------------------

FITS = 960  # JupyterLab's output area in a 1280 x 800 window is about 970 px wide


def _display_width(line: str) -> int:
    import html as _html
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in _html.unescape(line))


@pytest.mark.parametrize("name, wb, report, as_of", PLANS + [("nasty", samples.nasty(), None, None)],
                         ids=PLAN_IDS + ["nasty"])
def test_the_alignment_tree_fits_the_notebook_and_wraps_its_labels(name, wb, report, as_of):
    fig = charts.alignment_tree(wb, report, as_of=as_of)
    assert fig.layout.autosize or (fig.layout.width is not None and fig.layout.width <= FITS), fig.layout.width
    column_px = (fig.layout.width - 60) / (fig.layout.xaxis.range[1] - fig.layout.xaxis.range[0])
    font = CFG["tree"]["label_font"]
    for trace in fig.data:
        if not (trace.meta and trace.meta.get("kind") == "nodes"):
            continue
        for label, where in zip(trace.text, trace.textposition):
            lines = label.split("<br>")
            assert len(lines) <= 2, label
            room = column_px * (CFG["tree"]["leaf_label_room"] if where == "middle right" else 1.0)
            for line in lines:  # each line fits the room it has (half a CJK character per Latin one)
                assert _display_width(line) * font / 2 <= room, (label, room)


def test_every_kr_of_the_tree_is_inside_the_figure():
    wb = _case("C4").workbook
    fig = charts.alignment_tree(wb)
    right = fig.layout.xaxis.range[1]
    nodes = _nodes(fig)
    assert all(nodes[kr.id]["x"] + CFG["tree"]["leaf_label_room"] * CFG["tree"]["column_gap"] <= right + 1e-9
               for kr in wb.key_results)


def test_the_strategy_canvas_fits_the_notebook():
    fig = charts.strategy_canvas(_case("C3").workbook)
    assert fig.layout.width <= FITS
    assert max(s.x1 for s in fig.layout.shapes) <= fig.layout.xaxis.range[1]


def test_tree_coloured_by_the_review_scores_of_m7():
    """M8's tree "按季末得分着色": a KR scored in M7 (wb.review.scores) shows that score's band, not
    "未评分"; its objective follows."""
    data = samples.example().to_dict()
    data["checkins"] = []  # no check-in: only M7's scores can colour the tree
    data["review"]["scores"] = [{"key_result": "KR1.2", "score": 0.2}, {"key_result": "KR1.3", "score": 0.9}]
    wb = Workbook.from_dict(data)
    nodes = _nodes(charts.alignment_tree(wb, color_by="score"))
    bands = CFG["colors"]["band"]
    assert nodes["KR1.2"]["color"] == bands["red"] and nodes["KR1.3"]["color"] == bands["green"]
    assert "季末评分 0.9" in nodes["KR1.3"]["hover"]
    assert nodes["KR1.1"]["color"] == CFG["colors"]["unscored"]  # neither scored nor checked in
    weights = {kr.id: kr.weight for kr in wb.key_results}
    mean = (0.2 * weights["KR1.2"] + 0.9 * weights["KR1.3"]) / (weights["KR1.2"] + weights["KR1.3"])
    assert nodes["O1"]["color"] == bands[scoring.band(mean)]
    unreviewed = data | {"review": {"scores": [], "notes": []}}
    plain = _nodes(charts.alignment_tree(Workbook.from_dict(unreviewed), color_by="score"))
    assert plain["KR1.3"]["color"] == CFG["colors"]["unscored"]  # nothing changes before the review
