"""Charts of a plan (plotly): the thin drawing shell over okrlib's core.

Every function takes a :class:`~okrlib.plan.model.Workbook` and returns a
``plotly.graph_objects.Figure`` drawn with the registered template ``"okrlib"`` (CJK fonts
first, so Chinese shows real glyphs in the browser and in PNG export). Titles and labels are
Chinese; ``lang="en"`` gives English. Importing this module also makes ``"okrlib"`` plotly's
default template, unless another default was chosen already: the course's own ``px`` charts
then draw Chinese with the same CJK fonts. All numbers come from the core — scores, bands, pace and
confidence from :mod:`okrlib.method.scoring`, findings from :mod:`okrlib.method.checks` — so a chart never
disagrees with the report or the checker; colours, sizes and words are data in
``okrlib/data/charts.yaml``.

Plotly renders a few HTML tags (``<b>``, ``<br>``, ``<a href>``…) in texts, hovers and
annotations. A plan is typed by participants, so every piece of user text placed in a figure
goes through :func:`escape` first: ``<script>`` in a KR shows as text and does nothing.

Only this module and :mod:`okrlib.views.export` import plotly; the core stays importable without it.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Optional

import plotly.graph_objects as go
import plotly.io as pio

from okrlib.words import labels, numbers, text
from okrlib.method import alignment, scoring
from okrlib.words.resources import data_file
from okrlib.plan.model import Workbook

if TYPE_CHECKING:  # pragma: no cover
    from okrlib.method.checks import CheckReport

__all__ = [
    "TEMPLATE",
    "alignment_tree",
    "dimension_balance",
    "strategy_canvas",
    "factor_impacts",
    "risk_matrix",
    "risk_band",
    "progress",
    "confidence_trend",
    "score_distribution",
    "escape",
    "ensure_browser_path",
    "reads",
]

Lang = Literal["zh", "en"]
ColorBy = Literal["status", "score"]

TEMPLATE = "okrlib"
"""Name of the plotly template every okrlib chart uses (``pio.templates["okrlib"]``)."""

DEBIAN_CHROMIUM = "/usr/bin/chromium"


# --------------------------------------------------------------------------------------------
# Settings, words, text
# --------------------------------------------------------------------------------------------


def _cfg() -> dict[str, Any]:
    return data_file("charts")


def reads(chart: str) -> Optional[frozenset[str]]:
    """The parts of a plan a chart is drawn from (charts.yaml ``reads``; every chart reads
    ``meta`` for its title), so a form redraws it only when one of them changed. None: not
    declared, redraw after any change."""
    parts = _cfg().get("reads", {}).get(chart)
    return None if parts is None else frozenset(parts) | {"meta"}


def _color(group: str, key: Optional[str] = None) -> str:
    value = _cfg()["colors"][group]
    return value if key is None else value[key]


def escape(text: Any) -> str:
    """User text made inert for plotly: ``&``, ``<``, ``>`` as entities (plotly shows them as
    the characters). Quotes are left alone: plotly does not decode ``&quot;``, and a quote does
    nothing in plotly text."""
    if text is None:
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _width(ch: str) -> int:
    """Display width of a character: 2 for CJK (wide / full-width), else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _lines(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` CJK characters (two Latin ones each).

    Line breaks of the text are kept; a Latin word is not cut when it fits on a line of its own.
    """
    limit = 2 * width
    out: list[str] = []
    for para in str(text).replace("\r\n", "\n").split("\n"):
        line, used = "", 0
        i = 0
        while i < len(para):
            ch = para[i]
            if ch.isascii() and ch.isalnum():  # keep Latin words and numbers whole
                j = i
                while j < len(para) and para[j].isascii() and para[j].isalnum():
                    j += 1
                word = para[i:j]
                if used + len(word) > limit and used and len(word) <= limit:
                    out.append(line.rstrip())
                    line, used = "", 0
                for c in word:
                    if used + 1 > limit:
                        out.append(line)
                        line, used = "", 0
                    line += c
                    used += 1
                i = j
                continue
            w = _width(ch)
            if used + w > limit:
                out.append(line.rstrip())
                line, used = "", 0
                if ch == " ":
                    i += 1
                    continue
            line += ch
            used += w
            i += 1
        out.append(line.rstrip())
    return out


def _wrap(text: Any, width: int) -> str:
    """``text`` escaped and wrapped with ``<br>`` (escaped line by line, so no entity is cut)."""
    return "<br>".join(escape(line) for line in _lines("" if text is None else str(text), width))


def _truncate(text: Any, chars: int) -> str:
    """At most ``chars`` characters (one line), ``…`` where cut; not escaped."""
    s = " ".join(str(text or "").split())
    return s if len(s) <= chars else s[: max(chars - 1, 1)] + "…"


def _box_text(text: str, width: int, max_lines: int) -> tuple[str, bool]:
    """Text for a fixed box: escaped, wrapped, cut to ``max_lines`` with ``…``; and whether cut."""
    lines = [ln for ln in _lines(text, width)]
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) <= max_lines:
        return "<br>".join(escape(ln) for ln in lines), False
    kept = lines[:max_lines]
    last = kept[-1]
    while last and sum(map(_width, last)) > 2 * width - 2:
        last = last[:-1]
    kept[-1] = last + "…"
    return "<br>".join(escape(ln) for ln in kept), True


def _title(wb: Workbook, key: str, lang: Lang, extra: str = "") -> str:
    meta = wb.meta
    name = text.say(f"charts.words.{key}", lang)
    head = f"{name} · {escape(meta.team)} · {escape(meta.product)}({escape(meta.cycle.label)})"
    return head + (f" · {extra}" if extra else "")


def _empty(fig: go.Figure, lang: Lang) -> go.Figure:
    """An empty chart says so, instead of showing blank axes."""
    fig.add_annotation(
        text=text.say("charts.words.none", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 18}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _figure(wb: Workbook, key: str, lang: Lang, extra: str = "", **layout: Any) -> go.Figure:
    fig = go.Figure()  # takes the default template as it is (never re-validated per chart)
    if pio.templates.default != TEMPLATE:
        layout["template"] = TEMPLATE
    fig.update_layout(title={"text": _title(wb, key, lang, extra)}, **layout)
    return fig


# --------------------------------------------------------------------------------------------
# Template and PNG export
# --------------------------------------------------------------------------------------------


def _register_template() -> None:
    """Register ``pio.templates["okrlib"]``: plotly_white with a CJK font stack.

    Named fonts come first so that Chinese is never drawn with a Latin font's missing glyphs
    (tofu boxes); which one is found depends on the system (Linux: Noto, macOS: PingFang,
    Windows: YaHei).
    """
    cfg = _cfg()["template"]
    family = ", ".join(f'"{name}"' if " " in name else name for name in cfg["font_family"])
    base = _plotly_white()
    keep = set(cfg["trace_defaults"])
    base["data"] = {kind: traces for kind, traces in base.get("data", {}).items() if kind in keep}
    template = go.layout.Template(base)
    template.layout.font = {"family": family, "size": cfg["font_size"], "color": cfg["font_color"]}
    template.layout.title = {"font": {"size": cfg["title_size"]}, "x": 0.02, "xanchor": "left"}
    template.layout.hoverlabel = {"font": {"family": family}, "align": "left"}
    template.layout.colorway = cfg["colorway"]
    pio.templates[TEMPLATE] = template
    if pio.templates.default == "plotly":  # plotly's own default: nobody chose another
        pio.templates.default = TEMPLATE


def _plotly_white() -> dict:
    """plotly_white as plain data: read from plotly's package, so that it is validated once (as
    okrlib's template) rather than loaded as a template and copied again."""
    import json
    import pkgutil

    try:
        raw = pkgutil.get_data("plotly", "package_data/templates/plotly_white.json")
        if raw:
            return json.loads(raw)
    except (OSError, ValueError):
        pass
    return pio.templates["plotly_white"].to_plotly_json()  # another plotly layout: the slow way


def ensure_browser_path() -> Optional[str]:
    """Point kaleido (PNG export) at Debian's Chromium when no browser is configured.

    Kaleido >= 1.0 drives a Chromium; it looks at ``$BROWSER_PATH`` first. okrlib never
    downloads a browser (``kaleido_get_chrome`` needs the internet), so when the variable is
    unset and ``/usr/bin/chromium`` exists, it is set to that. Returns the path in use (None:
    none known; kaleido may still find a browser of its own).
    """
    current = os.environ.get("BROWSER_PATH")
    if current:
        return current
    if os.path.exists(DEBIAN_CHROMIUM):
        os.environ["BROWSER_PATH"] = DEBIAN_CHROMIUM
        return DEBIAN_CHROMIUM
    return None


_register_template()
ensure_browser_path()


# --------------------------------------------------------------------------------------------
# Alignment tree
# --------------------------------------------------------------------------------------------


@dataclass
class _Node:
    id: str
    section: str
    statement: str
    column: int
    unlinked: bool = False
    children: list[str] = field(default_factory=list)
    y: float = 0.0


_LEVEL_RANK = {"mission_vision": 0, "annual_strategy": 1, "business_goal": 2}


def _tree_nodes(wb: Workbook) -> tuple[dict[str, _Node], list[str], list[tuple[str, str]]]:
    """Nodes, column titles (codes) and roots of the chain CG → PG → O → KR.

    Company goals take one column per level present (使命愿景 → 年度策略 → 业务目标); product
    goals and objectives with no ``derived_from`` are cut off from the strategy and go into the
    "未关联" column at the far left, where the chain should have started.
    """
    levels = sorted({g.level for g in wb.company_goals}, key=_LEVEL_RANK.__getitem__)
    unlinked = any(p.derived_from is None for p in wb.product_goals) or any(
        o.derived_from is None for o in wb.objectives
    )
    columns: list[tuple[str, str]] = [("unlinked", "")] if unlinked else []
    columns += [("goal_level", lv) for lv in levels]
    columns += [("section", "product_goals"), ("section", "objectives"), ("section", "key_results")]
    col_of = {c: i for i, c in enumerate(columns)}
    nodes: dict[str, _Node] = {}
    for g in wb.company_goals:
        nodes[g.id] = _Node(g.id, "company_goals", g.statement, col_of[("goal_level", g.level)])
    for p in wb.product_goals:
        cut = p.derived_from is None
        col = col_of[("unlinked", "")] if cut else col_of[("section", "product_goals")]
        nodes[p.id] = _Node(p.id, "product_goals", p.statement, col, cut)
    for o in wb.objectives:
        cut = o.derived_from is None
        col = col_of[("unlinked", "")] if cut else col_of[("section", "objectives")]
        nodes[o.id] = _Node(o.id, "objectives", o.statement, col, cut)
    for k in wb.key_results:
        nodes[k.id] = _Node(k.id, "key_results", k.statement, col_of[("section", "key_results")])
    for g in wb.company_goals:
        if g.parent is not None:
            nodes[g.parent].children.append(g.id)
    for p in wb.product_goals:
        if p.derived_from is not None:
            nodes[p.derived_from].children.append(p.id)
    for o in wb.objectives:
        if o.derived_from is not None:
            nodes[o.derived_from].children.append(o.id)
    for k in wb.key_results:
        nodes[k.objective].children.append(k.id)
    return nodes, [f"{a}:{b}" for a, b in columns], columns


def _layout_tree(wb: Workbook, nodes: dict[str, _Node]) -> list[str]:
    """Give every node a row: leaves one after another, a parent at the middle of its children.

    Linked roots (top company goals) come first, the unlinked ones last, so the cut-off part sits
    below the main tree. Returns the nodes in drawing order.
    """
    roots = [g.id for g in wb.company_goals if g.parent is None]
    roots += [p.id for p in wb.product_goals if p.derived_from is None]
    roots += [o.id for o in wb.objectives if o.derived_from is None]
    order: list[str] = []
    slot = 0
    # iterative post-order: workbooks may be deep (long CG chains) or wide (100s of KRs)
    for root in roots:
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            nid, i = stack.pop()
            node = nodes[nid]
            if i == 0:
                order.append(nid)
            if i < len(node.children):
                stack.append((nid, i + 1))
                stack.append((node.children[i], 0))
                continue
            if node.children:
                ys = [nodes[c].y for c in node.children]
                node.y = (min(ys) + max(ys)) / 2
            else:
                node.y = float(slot)
                slot += 1
    return order


def alignment_tree(
    wb: Workbook,
    report: Optional["CheckReport"] = None,
    color_by: ColorBy = "status",
    as_of: Optional[dt.date] = None,
    *,
    lang: Lang = "zh",
) -> go.Figure:
    """The chain company goal → product goal → O → KR as a left-to-right tree.

    Why: a participant should see at a glance which KR serves which company goal, and which
    parts of the plan hang in the air. Product goals and objectives that derive from nothing are
    drawn grey in a separate "未关联" column (their outline keeps the colour of their status or
    score).

    ``color_by="status"``: each node is coloured by its worst checker finding (error red, warning
    amber, none green); ``report`` is ``okrlib.method.checks.check(wb, as_of=as_of)`` when not given.
    ``color_by="score"``: KRs and objectives by their score band (red / yellow / green, as of
    ``as_of``, default the plan's latest check-in); a KR scored at the end of the quarter (M7,
    ``wb.review.scores``) by that score, and its objective with it; goals and KRs with no
    score are white.

    The figure fits JupyterLab's output area (``tree.max_width`` in charts.yaml): columns narrow
    when levels are many, and each label is wrapped to its column (a KR's to the room right of
    it) on at most two lines; the full statement is in the hover.

    The figure's traces: one ``edges`` trace (``meta["edges"]`` lists (parent, child) ids) and
    one marker trace per colour class, whose ``customdata`` are the node ids and whose ``meta``
    says ``{"kind": "nodes", "category": ..., "color": ...}``.
    """
    # each node's class is decided in the core (okrlib.method.alignment); here only its colour and name
    decided = alignment.node_classes(wb, color_by, report=report, as_of=as_of, lang=lang)
    cfg = _cfg()["tree"]
    nodes, _, columns = _tree_nodes(wb)
    order = _layout_tree(wb, nodes)
    category, detail = decided.of, decided.detail
    if color_by == "score":
        category, detail = _with_review_scores(wb, category, detail, as_of, lang)
    if color_by == "status":
        fill = {c: _color("status", c) for c in decided.classes}
        names = {c: text.say(f"charts.words.status_{c}", lang) for c in decided.classes}
    else:
        fill = {c: _color("unscored") if c == alignment.UNSCORED else _color("band", c) for c in decided.classes}
        names = {c: text.say("charts.words.unscored", lang) if c == alignment.UNSCORED else scoring.band_label(c, lang)
                 for c in decided.classes}

    gap_x, gap_y = cfg["column_gap"], cfg["row_gap"]
    fig = _figure(wb, "alignment_tree", lang)
    # edges first, under the nodes
    edges = [(nid, child) for nid in order for child in nodes[nid].children]
    ex: list[Optional[float]] = []
    ey: list[Optional[float]] = []
    for parent, child in edges:
        a, b = nodes[parent], nodes[child]
        ex += [a.column * gap_x, b.column * gap_x, None]
        ey += [a.y * gap_y, b.y * gap_y, None]
    fig.add_trace(
        go.Scatter(
            x=ex, y=ey, mode="lines", line={"color": _color("edge"), "width": 1.5}, hoverinfo="skip",
            showlegend=False, name="edges", meta={"kind": "edges", "edges": [list(e) for e in edges]},
        )
    )

    def hover(n: _Node) -> str:
        head = f"<b>{escape(labels.item(n.section, lang))} {escape(n.id)}</b>"
        parts = [head, _wrap(n.statement, cfg["hover_wrap"])]
        if n.unlinked:
            parts.append(f"<i>{text.say('charts.words.unlinked', lang)}</i>")
        for said in detail.get(n.id, []):
            parts.append("• " + _wrap(said, cfg["hover_wrap"]))
        return "<br>".join(parts)

    last = len(columns) - 1  # KRs: the leaves, labelled to their right where there is room
    column_px, wrap, leaf_wrap = _tree_sizes(cfg, len(columns))

    def label(m: _Node) -> str:
        leaf = m.column == last
        shown, _ = _box_text(f"{m.id} {' '.join(str(m.statement).split())}", leaf_wrap if leaf else wrap,
                             cfg["leaf_label_lines"] if leaf else cfg["label_lines"])
        return shown

    classes = list(fill) + ["unlinked"]
    for cls in classes:
        if cls == "unlinked":
            members = [nodes[n] for n in order if nodes[n].unlinked]
            color, line_colors, name = _color("unlinked"), [fill[category[m.id]] for m in members], text.say("charts.words.unlinked", lang)
            line_width = 3
        else:
            members = [nodes[n] for n in order if not nodes[n].unlinked and category[n] == cls]
            color, line_colors, name = fill[cls], _color("node_line"), names[cls]
            line_width = 1
        if not members:
            continue
        fig.add_trace(
            go.Scatter(
                x=[m.column * gap_x for m in members],
                y=[m.y * gap_y for m in members],
                mode="markers+text",
                marker={"size": cfg["marker_size"], "color": color, "line": {"color": line_colors, "width": line_width}},
                text=[label(m) for m in members],
                textposition=["middle right" if m.column == last else "top center" for m in members],
                textfont={"size": 11},
                hovertext=[hover(m) for m in members],
                hoverinfo="text",
                customdata=[m.id for m in members],
                name=name,
                meta={"kind": "nodes", "category": cls, "color": color},
            )
        )
    # column headers
    for i, (kind, code) in enumerate(columns):
        if kind == "unlinked":
            parts = [text.say("charts.words.unlinked", lang)]
        elif kind == "goal_level":
            parts = [labels.section("company_goals", lang), labels.choice("goal_level", code, lang) or code]
        else:
            parts = [labels.section(code, lang)]
        fig.add_annotation(
            x=i * gap_x, y=1.0, xref="x", yref="paper", yanchor="bottom", text="<b>" + "<br>".join(map(escape, parts)) + "</b>",
            showarrow=False, font={"color": _color("unlinked") if kind == "unlinked" else None},
        )
    rows = max((n.y for n in nodes.values()), default=0) + 1
    fig.update_xaxes(visible=False, range=[-0.6 * gap_x, (len(columns) - 1 + cfg["leaf_label_room"]) * gap_x])
    fig.update_yaxes(visible=False, autorange="reversed", range=None)
    fig.update_layout(
        height=max(cfg["min_height"], int(rows * cfg["height_per_row"]) + 160),
        width=int(column_px * (len(columns) - 0.4 + cfg["leaf_label_room"])) + 60,
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"},
        margin={"t": 110, "l": 30, "r": 30, "b": 40},
    )
    if not nodes:
        return _empty(fig, lang)
    return fig


def _tree_sizes(cfg: dict[str, Any], n_columns: int) -> tuple[float, int, int]:
    """(pixels per column, characters per line of a node's label, of a KR's label): the tree fits
    ``max_width`` (JupyterLab's output area) however many levels it has, and its labels are
    wrapped to the room they have rather than cut off at the figure's edge."""
    room = n_columns - 0.4 + cfg["leaf_label_room"]
    column_px = min(float(cfg["column_px"]), (cfg["max_width"] - 60) / room)
    font = cfg["label_font"]
    wrap = max(3, int(column_px * 0.85 / font))  # a label above its node, centred on its column
    leaf_wrap = max(4, int((cfg["leaf_label_room"] * column_px - cfg["marker_size"] - 8) / font))
    return column_px, wrap, leaf_wrap


def _with_review_scores(
    wb: Workbook, of: dict[str, str], detail: dict[str, tuple[str, ...]], as_of: Optional[dt.date], lang: Lang
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The score classes of the tree with the end-of-quarter scores of M7 (T16, ``wb.review.scores``)
    where they are given: a scored KR takes its review score's band; an objective with a scored
    KR takes the weighted mean of its KRs (each by its review score, else its check-in score),
    as ``scoring.objective_score`` weighs them. Nothing changes for a plan not reviewed yet."""
    given = {s.key_result: s.score for s in wb.review.scores}  # the last score given wins
    if not given:
        return of, detail
    of, detail = dict(of), dict(detail)
    by_checkins = scoring.scores_by_id(wb, as_of)
    krs = {kr.id: given.get(kr.id, by_checkins.get(kr.id)) for kr in wb.key_results}

    def shown(key: str, score: float) -> tuple[str, tuple[str, ...]]:
        band = scoring.band(score)
        said = text.say(f"charts.words.{key}", lang, score=numbers.number(score, digits=2), band=scoring.band_label(band, lang))
        return band, (said,)

    for kr_id, score in given.items():
        if kr_id in krs:
            of[kr_id], detail[kr_id] = shown("reviewed", score)
    for o in wb.objectives:
        mine = wb.key_results_of(o.id)
        if not any(kr.id in given for kr in mine):
            continue
        score = scoring._weighted_mean((krs[kr.id], kr.weight) for kr in mine if krs[kr.id] is not None)
        if score is not None:
            of[o.id], detail[o.id] = shown("with_reviewed", score)
    return of, detail


# --------------------------------------------------------------------------------------------
# Dimension balance (T11)
# --------------------------------------------------------------------------------------------


def dimension_balance(wb: Workbook, *, lang: Lang = "zh") -> go.Figure:
    """KRs per objective per dimension (user / business / tech / not set), stacked bars.

    Why: T11 asks each objective to balance user, business and tech KRs; a bar all of one
    colour is an objective measured from one side only. One trace per dimension, named by its
    label; the x categories are the objective ids.
    """
    fig = _figure(wb, "dimension_balance", lang, barmode="stack")
    if not wb.objectives:
        return _empty(fig, lang)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kr in wb.key_results:
        counts[kr.objective][kr.dimension or "none"] += 1
    xs = [escape(o.id) for o in wb.objectives]
    hovers = [_wrap(o.statement, 28) for o in wb.objectives]
    for dim in ["user", "business", "tech", "none"]:
        ys = [counts[o.id][dim] for o in wb.objectives]
        name = text.say("charts.words.no_dimension", lang) if dim == "none" else labels.choice("kr_dimension", dim, lang)
        fig.add_trace(
            go.Bar(
                x=xs, y=ys, name=escape(name), marker_color=_color("dimension", dim),
                hovertext=[f"<b>{x}</b> {h}<br>{escape(name)}: {y}" for x, h, y in zip(xs, hovers, ys)],
                hoverinfo="text", meta={"dimension": dim},
            )
        )
    fig.update_xaxes(title=labels.section("objectives", lang), type="category")
    fig.update_yaxes(title=text.say("charts.words.kr_count", lang), dtick=1)
    return fig


# --------------------------------------------------------------------------------------------
# Strategy canvas (T06)
# --------------------------------------------------------------------------------------------


def _decode_cells(goal: Any, lang: Lang) -> list[tuple[str, str]]:
    d = goal.decode
    rel = "" if d.relevance is None else f"{numbers.number(d.relevance)}/5"
    if d.relevance_note:
        rel = f"{rel} {d.relevance_note}".strip()
    fields = [("essence", d.essence), ("drivers", d.drivers), ("constraints", d.constraints), ("risks", d.risks)]
    cells = [(labels.field("company_goals", f"decode.{k}", lang), v) for k, v in fields]
    cells.append((labels.field("company_goals", "decode.relevance", lang), rel))
    return cells


def strategy_canvas(wb: Workbook, *, lang: Lang = "zh") -> go.Figure:
    """T06 策略拆解画布 on one page: company goals with their five-dimension decode, internal and
    external factors, the core elements (客户群体 / 核心功能 / 业务指标) and the product goals with
    their roles.

    Why: the canvas is the page a team puts on the wall to argue over; drawing it from the plan
    keeps it in step with the plan. Each cell is a rectangle (a shape named ``cell:<row>:<col>``)
    with its title and text, wrapped to the cell's width; text longer than ``box_lines`` lines is
    cut with "…", and the full text is in the cell's hover. Axes are in pixels, so the wrapping
    matches what is drawn.
    """
    cfg = _cfg()["canvas"]
    rows: list[tuple[str, list[tuple[str, str]]]] = []
    goals = sorted(wb.company_goals, key=lambda g: _LEVEL_RANK[g.level])
    for g in goals:
        title = f"{labels.choice('goal_level', g.level, lang)} {g.id}"
        rows.append((labels.section("company_goals", lang), [(title, g.statement)] + _decode_cells(g, lang)))
    for side, key in (("internal", "internal_factors"), ("external", "external_factors")):
        items = [f for f in wb.factors if f.side == side]
        listed = "\n".join(
            f"[{labels.choice('factor_category', f.category, lang)} {numbers.number(f.impact, sign=True)}] {f.description}"
            for f in items
        )
        rows.append((text.say(f"charts.words.{key}", lang), [(text.say(f"charts.words.{key}", lang), listed)]))
    kinds = ["customer_segment", "core_feature", "business_metric"]
    rows.append(
        (
            labels.section("core_elements", lang),
            [
                (labels.choice("element_kind", k, lang) or k, "\n".join(e.description for e in wb.core_elements if e.kind == k))
                for k in kinds
            ],
        )
    )
    pgs = list(wb.product_goals)
    per_row = cfg["goals_per_row"]
    chunks = [pgs[i : i + per_row] for i in range(0, len(pgs), per_row)] or [[]]
    for chunk in chunks:
        cells = [(f"{labels.choice('product_role', p.role, lang)} {p.id}", p.statement) for p in chunk]
        rows.append((text.say("charts.words.goal_roles", lang), cells or [(text.say("charts.words.goal_roles", lang), "")]))

    margin = {"t": 70, "l": 16, "r": 16, "b": 16}
    inner = cfg["width"] - margin["l"] - margin["r"]
    label_w, gap, pad = cfg["label_width"], 4, 6
    char_px, line_px = cfg["font_size"], cfg["line_height"]
    fig = _figure(wb, "strategy_canvas", lang)
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []  # set at once: add_annotation validates the whole list each time
    y = 0.0
    for r, (row_label, cells) in enumerate(rows):
        span = (inner - label_w) / len(cells)
        chars = max(4, int((span - gap - 2 * pad) / char_px))
        bodies = [_box_text(body or numbers.MISSING, chars, cfg["box_lines"]) for _, body in cells]
        lines = max(b[0].count("<br>") + 1 for b in bodies)
        height = 2 * pad + (lines + 1) * line_px + gap
        top, bottom = y, y + height
        shapes.append(
            {"type": "rect", "x0": 0, "x1": label_w - gap, "y0": top, "y1": bottom - gap, "name": f"label:{r}",
             "fillcolor": _color("canvas_header"), "line": {"width": 0}, "layer": "below"}
        )
        notes.append(dict(
            x=(label_w - gap) / 2, y=(top + bottom - gap) / 2, showarrow=False, xanchor="center", yanchor="middle",
            text="<b>" + "<br>".join(escape(x) for x in _lines(row_label, 5)) + "</b>", font={"size": char_px},
        ))
        for c, ((title, body), (shown, _cut)) in enumerate(zip(cells, bodies)):
            x0 = label_w + c * span
            shapes.append(
                {"type": "rect", "x0": x0, "x1": x0 + span - gap, "y0": top, "y1": bottom - gap, "name": f"cell:{r}:{c}",
                 "fillcolor": _color("canvas_box"), "line": {"color": _color("grid_line"), "width": 1}, "layer": "below"}
            )
            full = f"<b>{escape(title)}</b><br>{_wrap(body or numbers.MISSING, cfg['hover_wrap'])}"
            notes.append(dict(
                x=x0 + pad, y=top + pad, text=f"<b>{escape(_truncate(title, chars))}</b><br>{shown}",
                showarrow=False, xanchor="left", yanchor="top", align="left", font={"size": char_px},
                hovertext=full, name=f"cell:{r}:{c}", captureevents=True,
            ))
        y = bottom
    fig.update_layout(
        shapes=shapes, annotations=notes, width=cfg["width"], height=int(y) + margin["t"] + margin["b"],
        margin=margin, showlegend=False,
    )
    fig.update_xaxes(visible=False, range=[0, inner], fixedrange=True)
    fig.update_yaxes(visible=False, range=[y, 0], fixedrange=True)
    return fig


# --------------------------------------------------------------------------------------------
# Factor impacts (T07)
# --------------------------------------------------------------------------------------------


def factor_impacts(wb: Workbook, *, lang: Lang = "zh") -> go.Figure:
    """T07: each internal or external factor's impact on the goals (-2..+2), as horizontal bars
    grouped by category and coloured by side.

    Why: the table lists factors one by one; the chart shows whether the push comes from inside
    or outside and which way it points. The y axis is two-level (category, factor).
    """
    cfg = _cfg()
    fig = _figure(wb, "factor_impacts", lang)
    if not wb.factors:
        return _empty(fig, lang)
    order = list(data_file("vocab")["factor_category"])
    factors = sorted(wb.factors, key=lambda f: (f.side != "internal", order.index(f.category)))
    for side in ("internal", "external"):
        items = [f for f in factors if f.side == side]
        if not items:
            continue
        cats = [escape(labels.choice("factor_category", f.category, lang)) for f in items]
        names = [escape(f"{f.id} {_truncate(f.description, 16)}") for f in items]
        hovers = [
            f"<b>{escape(f.id)}</b> {n} {numbers.number(f.impact, sign=True)}<br>{_wrap(f.description, 30)}"
            + (f"<br>{escape(labels.field('factors', 'evidence', lang))}: {_wrap(f.evidence, 30)}" if f.evidence else "")
            for f, n in zip(items, cats)
        ]
        fig.add_trace(
            go.Bar(
                x=[f.impact for f in items], y=[cats, names], orientation="h",
                name=escape(labels.choice("factor_side", side, lang)), marker_color=_color("side", side),
                hovertext=hovers, hoverinfo="text", customdata=[f.id for f in items], meta={"side": side},
            )
        )
    lo, hi = cfg["factor"]["impact_range"]
    fig.update_xaxes(range=[lo - 0.5, hi + 0.5], dtick=1, zeroline=True, zerolinewidth=2,
                     title=labels.field("factors", "impact", lang))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(360, 34 * len(factors) + 160), barmode="relative", margin={"l": 20})
    return fig


# --------------------------------------------------------------------------------------------
# Risk matrix
# --------------------------------------------------------------------------------------------


def risk_band(score: int) -> dict[str, Any]:
    """scoring.risk_band with the band's colour of the matrix: ``{"code", "min", "zh", "en", "color"}``."""
    band = scoring.risk_band(score)
    return {**band, "color": _cfg()["risk"]["band_color"][band["code"]]}


def _spread(k: int, jitter: float) -> list[tuple[float, float]]:
    """Offsets for ``k`` risks sharing one cell: the centre for one, else a small circle."""
    import math

    if k == 1:
        return [(0.0, 0.0)]
    return [(jitter * math.cos(2 * math.pi * i / k + math.pi / 2), jitter * math.sin(2 * math.pi * i / k + math.pi / 2))
            for i in range(k)]


def risk_matrix(wb: Workbook, *, lang: Lang = "zh") -> go.Figure:
    """Likelihood (1-5) x impact (1-5): the cells coloured by band, each risk a labelled point.

    Why: M6 asks teams to rank risks before choosing responses; the band colour says which need
    an owner and a response first. Risks sharing a cell are spread around its centre. Cells are
    shapes named ``cell:<likelihood>:<impact>``; the points' ``customdata`` are the risk ids.
    """
    cfg = _cfg()["risk"]
    lo, hi = scoring.settings()["risk"]["scale"]
    fig = _figure(wb, "risk_matrix", lang)
    shapes = []
    for li in range(lo, hi + 1):
        for im in range(lo, hi + 1):
            b = risk_band(li * im)
            shapes.append(
                {"type": "rect", "x0": li - 0.5, "x1": li + 0.5, "y0": im - 0.5, "y1": im + 0.5, "layer": "below",
                 "fillcolor": b["color"], "line": {"color": "white", "width": 2}, "name": f"cell:{li}:{im}"}
            )
    # legend entries for the bands
    for b in (risk_band(band["min"]) for band in scoring.settings()["risk"]["bands"]):
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", marker={"size": 14, "symbol": "square", "color": b["color"]},
                       name=f"{text.say('charts.words.risk_band', lang)}: {b[lang]}", hoverinfo="skip", meta={"kind": "band", "band": b["code"]})
        )
    cells: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for r in wb.risks:
        cells[(r.likelihood, r.impact)].append(r)
    xs, ys, marks, hover, ids, bands = [], [], [], [], [], []
    L = lambda name: escape(labels.field("risks", name, lang))  # noqa: E731
    for (li, im), risks in sorted(cells.items()):
        for (dx, dy), r in zip(_spread(len(risks), cfg["jitter"]), risks):
            b = risk_band(r.score)
            xs.append(li + dx)
            ys.append(im + dy)
            marks.append(escape(r.id))
            ids.append(r.id)
            bands.append(b["code"])
            lines = [
                f"<b>{escape(r.id)}</b> {_wrap(r.description, 30)}",
                f"{L('likelihood')} {numbers.number(r.likelihood)} × {L('impact')} {numbers.number(r.impact)}"
                f" = {numbers.number(r.score)}({escape(b[lang])})",
                f"{L('response')}: {_wrap(r.response, 30) if r.response else numbers.MISSING}",
                f"{L('owner')}: {escape(r.owner) if r.owner else numbers.MISSING}",
            ]
            if r.relates_to:
                lines.append(f"{L('relates_to')}: {escape(r.relates_to)}")
            hover.append("<br>".join(lines))
    if wb.risks:
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="markers+text", text=marks, textposition="top center",
                marker={"size": 12, "color": "white", "line": {"color": _color("node_line"), "width": 2}},
                hovertext=hover, hoverinfo="text", customdata=ids, name=labels.section("risks", lang),
                meta={"kind": "risks", "bands": bands}, showlegend=False,
            )
        )
    else:
        fig.add_annotation(text=text.say("charts.words.none", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    fig.update_layout(shapes=shapes, width=760, height=600)
    fig.update_xaxes(range=[lo - 0.5, hi + 0.5], dtick=1, title=labels.field("risks", "likelihood", lang),
                     showgrid=False, zeroline=False)
    fig.update_yaxes(range=[lo - 0.5, hi + 0.5], dtick=1, title=labels.field("risks", "impact", lang),
                     showgrid=False, zeroline=False, scaleanchor="x")
    return fig


# --------------------------------------------------------------------------------------------
# Progress, confidence, score distribution
# --------------------------------------------------------------------------------------------


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def progress(wb: Workbook, as_of: Optional[dt.date] = None, *, lang: Lang = "zh") -> go.Figure:
    """Each KR's score (0-1) against the expected-by-now line of the cycle, coloured by pace.

    Why: halfway through the quarter a KR at 0.4 is fine and one at 0.2 is not; the line makes
    that visible. Scores, the line and the pace (on track / at risk / off track, UpRaise's
    ratios) all come from ``okrlib.method.scoring`` as of ``as_of`` (default: the plan's latest
    check-in). KRs with no pace (no value yet, milestones, baselines) are grey. One bar trace per
    pace class; the expected line is a shape named ``expected``.
    """
    when = scoring.reference_date(wb) if as_of is None else as_of
    fig = _figure(wb, "progress", lang, extra=f"{text.say('charts.words.as_of', lang)} {numbers.date(when)}")
    if not wb.key_results:
        return _empty(fig, lang)
    frame = scoring.scores_frame(wb, when)
    expected = scoring.expected_progress(wb.meta.cycle, when)
    statements = {kr.id: kr.statement for kr in wb.key_results}
    classes = ["on_track", "at_risk", "off_track", "none"]
    for cls in classes:
        part = frame[[(p if not _nan(p) else "none") == cls for p in frame["pace"]]]
        if part.empty:
            continue
        name = text.say("charts.words.none", lang) if cls == "none" else scoring.pace_label(cls, lang)
        scores = [0.0 if _nan(s) else float(s) for s in part["score"]]
        hovers = []
        for kid, s, v in zip(part["key_result"], part["score"], part["value"]):
            shown = numbers.number(s, digits=2)  # a missing score or value reads —
            value = numbers.number(v)
            hovers.append(
                f"<b>{escape(kid)}</b> {_wrap(statements[kid], 30)}<br>{text.say('charts.words.score', lang)}: {shown}"
                f"<br>{escape(labels.field('checkins', 'value', lang))}: {value}<br>{escape(name)}"
            )
        fig.add_trace(
            go.Bar(
                x=scores, y=[escape(k) for k in part["key_result"]], orientation="h", name=escape(name),
                marker_color=_color("pace", cls), hovertext=hovers, hoverinfo="text",
                customdata=list(part["key_result"]), meta={"pace": cls},
            )
        )
    fig.add_shape(
        type="line", x0=expected, x1=expected, y0=0, y1=1, yref="paper", name="expected",
        line={"color": _color("expected_line"), "width": 2, "dash": "dash"},
    )
    fig.add_annotation(
        x=expected, y=1, yref="paper", yanchor="bottom", showarrow=False,
        text=f"{text.say('charts.words.expected', lang)} {numbers.percent(expected, digits=0)}",
    )
    order = [escape(k.id) for k in wb.key_results]
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", type="category")
    fig.update_xaxes(range=[0, 1.05], title=text.say("charts.words.score", lang), tickformat=".1f")
    fig.update_layout(height=max(360, 30 * len(order) + 180), barmode="overlay")
    return fig


def confidence_trend(wb: Workbook, *, lang: Lang = "zh") -> go.Figure:
    """Confidence (1-10) over the check-in dates, one line per KR, on the shaded bands
    1-3 at risk, 4-7 has issues, 8-10 on track (band edges from scoring.yaml).

    Why: Radical Focus re-scores confidence weekly; a falling line is the early warning the
    weekly sync is for. KRs with no confidence recorded are left out.
    """
    fig = _figure(wb, "confidence_trend", lang)
    conf = scoring.settings()["confidence"]
    lo, hi = conf["scale"]
    bands = sorted(conf["bands"].items(), key=lambda kv: kv[1])
    for i, (code, lowest) in enumerate(bands):
        top = bands[i + 1][1] - 0.5 if i + 1 < len(bands) else hi + 0.5
        fig.add_hrect(
            y0=lowest - 0.5, y1=top, fillcolor=_color("confidence", code), opacity=0.6, line_width=0, layer="below",
            name=f"band:{code}",
        )
        fig.add_annotation(
            x=1.0, xref="paper", xanchor="left", y=(lowest - 0.5 + top) / 2, showarrow=False,
            text=escape(conf["labels"][code][lang]), font={"size": 11},
        )
    by_kr: dict[str, list[Any]] = defaultdict(list)
    for c in wb.checkins:
        if c.confidence is not None:
            by_kr[c.key_result].append(c)
    statements = {kr.id: kr.statement for kr in wb.key_results}
    for kr in wb.key_results:
        points = sorted(by_kr.get(kr.id, []), key=lambda c: c.date)
        if not points:
            continue
        fig.add_trace(
            go.Scatter(
                x=[c.date for c in points], y=[c.confidence for c in points], mode="lines+markers", name=escape(kr.id),
                hovertext=[
                    f"<b>{escape(kr.id)}</b> {_wrap(statements[kr.id], 28)}<br>{numbers.date(c.date)}: {numbers.number(c.confidence)}/10"
                    + (f"<br>{_wrap(c.note, 28)}" if c.note else "")
                    for c in points
                ],
                hoverinfo="text", meta={"key_result": kr.id},
            )
        )
    if not by_kr:
        fig.add_annotation(text=text.say("charts.words.none", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    fig.update_yaxes(range=[lo - 0.5, hi + 0.5], dtick=1, title=labels.field("checkins", "confidence", lang))
    fig.update_xaxes(title=labels.field("checkins", "date", lang))
    fig.update_layout(margin={"r": 90})
    return fig


def score_distribution(wb: Workbook, as_of: Optional[dt.date] = None, *, lang: Lang = "zh") -> go.Figure:
    """A histogram of the KR scores (bins of 0.1 from 0 to 1; 1.0 counts in the last bin), on the
    shaded red / yellow / green bands of the playbook (edges from scoring.yaml).

    Why: at review time the shape matters more than the mean: a plan with every KR at 1.0 was
    sandbagged, one with everything red over-reached. One bar trace per band; KRs not scored
    yet are left out (the title says how many were).
    """
    when = scoring.reference_date(wb) if as_of is None else as_of
    frame = scoring.scores_frame(wb, when)
    scores = [float(s) for s in frame["score"] if not _nan(s)]
    extra = f"{text.say('charts.words.as_of', lang)} {numbers.date(when)} · {numbers.number(len(scores))}/{numbers.number(len(frame))}"
    fig = _figure(wb, "score_distribution", lang, extra=extra, barmode="stack")
    size = _cfg()["histogram"]["bin_size"]
    n_bins = int(round(1.0 / size))
    bounds = scoring.settings()["bands"]["lower_bounds"]
    order = scoring.settings()["bands"]["order"]
    for i, code in enumerate(order):
        x0 = bounds[code]
        x1 = bounds[order[i + 1]] if i + 1 < len(order) else 1.0
        fig.add_vrect(x0=x0, x1=x1, fillcolor=_color("band", code), opacity=_cfg()["band_opacity"], line_width=0,
                      layer="below", name=f"band:{code}")
    for code in order:
        counts = [0] * n_bins
        for s in scores:
            if scoring.band(s) == code:
                counts[min(int(s / size + 1e-9), n_bins - 1)] += 1
        fig.add_trace(
            go.Bar(
                x=[(i + 0.5) * size for i in range(n_bins)], y=counts, width=size * 0.95,
                name=scoring.band_label(code, lang), marker_color=_color("band", code), meta={"band": code},
                hovertemplate="%{x:.2f}: %{y}<extra></extra>",
            )
        )
    fig.update_xaxes(range=[0, 1], dtick=size, title=text.say("charts.words.score", lang), tickformat=".1f")
    fig.update_yaxes(title=text.say("charts.words.count", lang), dtick=1, rangemode="tozero")
    return fig
