"""The charts of the module notebooks' cases and libraries, one named function each.

Each draws what ``okrlib.course.lessons`` computed (no arithmetic of its own beyond layout): a
participant's cell is ``lesson_charts.m1_customers(case)``, not a plotly chain. Axis names of a
case's columns are the case's declaration (read as ``present.header`` reads them); titles,
reference lines and other words are ``okrlib/data/lessons.yaml``'s. Every function returns a
plotly Figure (a notebook shows it; tests read its data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from okrlib.course import lessons
from okrlib.views import present
from okrlib.words import numbers, text

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from okrlib.course.cases import Case

__all__ = [
    "m1_customers", "m1_funnel", "m1_churn", "m1_roadmap_effort", "m2_pipeline", "m2_timeline", "m2_shipments",
    "m3_goal_tree", "m3_line_shares", "m3_segment_calls", "m3_segment_revenue", "m4_renewal", "m4_emphasis",
    "m5_compare", "m5_changes", "m5_dau", "m5_rates", "m6_lead_times", "m6_shipments", "m6_cumulative",
]

_TARGET_COLOUR = "#d62728"


def _px() -> Any:
    import plotly.express as px

    return px


def _say(key: str, lang: text.Lang, **values: Any) -> str:
    return text.say(f"lessons.{key}", lang, **values)


def _axes(df: Any, columns: list[str], lang: text.Lang, **more: str) -> dict[str, str]:
    """Axis and legend names: each column as a table heads it, plus ``more``."""
    out = {c: present.header(df, c, lang) for c in columns}
    out.update(more)
    return out


# ---- M1 ----------------------------------------------------------------------------------------


def m1_customers(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Paying customers month by month against the 1800 the CEO asked for."""
    data = lessons.m1_customers_by_month(case)
    labels = _axes(case.tables["funnel"], ["month"], lang, customers_end=_say("m1_customers.y", lang))
    fig = _px().line(data, x="month", y="customers_end", markers=True, labels=labels, title=_say("m1_customers.title", lang))
    return fig.add_hline(y=float(text.entry("lessons.m1_customers.target")), line_dash="dash", line_color=_TARGET_COLOUR,
                         annotation_text=_say("m1_customers.target_label", lang))


def m1_funnel(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """2023's funnel by segment: most wins came from the smallest customers."""
    data = lessons.m1_funnel_2023(case)
    labels = _axes(case.tables["funnel"], ["segment"], lang, count=_say("m1_funnel.count", lang), stage=_say("m1_funnel.stage", lang))
    return _px().funnel(data, x="count", y="stage", color="segment", title=_say("m1_funnel.title", lang), labels=labels)


def m1_churn(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Customers lost each month by segment: the churn no KR watched."""
    data = lessons.m1_churn_by_month(case)
    labels = _axes(case.tables["funnel"], ["month", "segment"], lang, churned=_say("m1_churn.y", lang))
    return _px().bar(data, x="month", y="churned", color="segment", title=_say("m1_churn.title", lang), labels=labels)


def m1_roadmap_effort(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Development effort by the segment it serves: two thirds went to large customers."""
    roadmap = case.tables["roadmap"]
    labels = _axes(roadmap, ["target_segment", "dev_person_months"], lang, status=_say("m1_roadmap.status", lang))
    return _px().bar(roadmap, x="target_segment", y="dev_person_months", color="status", hover_name="feature",
                     title=_say("m1_roadmap.title", lang), labels=labels)


# ---- M2 ----------------------------------------------------------------------------------------


def m2_pipeline(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Annual demand of the key opportunities by the module customers need (none for XM550)."""
    pipeline = lessons.m2_pipeline_by_module(case)
    order = [*text.entry("lessons.m2_pipeline.order"), text.say("lessons.m2_pipeline.not_planned")]
    labels = _axes(case.tables["sales_pipeline"], ["est_annual_volume_k", "stage"], lang, module=_say("m2_pipeline.module", lang))
    return _px().bar(pipeline, x="module", y="est_annual_volume_k", color="stage", hover_name="customer",
                     category_orders={"module": order}, title=_say("m2_pipeline.title", lang), labels=labels)


def m2_timeline(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Each module from hardware freeze to certification, with the dates customers need it."""
    modules = lessons.m2_module_timeline(case)
    pipeline = lessons.m2_pipeline_by_module(case)
    fig = _px().timeline(modules, x_start="actual_hw_freeze", x_end="cert_end", y="module_id", color="okr",
                         title=_say("m2_timeline.title", lang),
                         labels={"module_id": _say("m2_timeline.module", lang), "okr": _say("m2_timeline.okr_axis", lang)})
    return fig.add_scatter(x=pipeline["required_by"], y=pipeline["module"], mode="markers", marker_symbol="diamond",
                           marker_size=11, marker_color="#263238", text=pipeline["customer"], name=_say("m2_timeline.needed", lang))


def m2_shipments(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Shipments a quarter by module against the annual target's quarterly share."""
    shipments = case.tables["shipments"]
    fig = _px().bar(shipments, x="quarter", y="shipments_k", color="module_id", title=_say("m2_shipments.title", lang),
                    labels=_axes(shipments, ["quarter", "shipments_k", "module_id"], lang))
    return fig.add_hline(y=float(text.entry("lessons.m2_shipments.target")), line_dash="dash", line_color=_TARGET_COLOUR,
                         annotation_text=_say("m2_shipments.target_label", lang))


# ---- M3 ----------------------------------------------------------------------------------------


def m3_goal_tree(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """The goal tree as nested boxes, from mission to the O."""
    tree = case.tables["goal_tree"].copy()
    tree["parent_id"] = tree["parent_id"].astype("object").where(tree["parent_id"].notna(), "")
    tree["level"] = [present.readable(tree[["level"]], lang=lang).iloc[i, 0] for i in range(len(tree))]
    hover = ["workbook_id", "metric", "baseline", "target", "unit"]
    return _px().treemap(tree, ids="node_id", parents="parent_id", names="statement", color="level", hover_data=hover,
                         labels=_axes(case.tables["goal_tree"], ["level", *hover], lang), title=_say("m3_goal_tree.title", lang))


def m3_line_shares(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Each business line's share of revenue next to its share of calls, quarter by quarter."""
    shares = lessons.m3_line_shares(case)
    labels = {"quarter_label": _say("m3_line_shares.quarter", lang), "pct": _say("m3_line_shares.pct", lang),
              "name": _say("m3_line_shares.line", lang), "measure": _say("m3_line_shares.measure", lang)}
    return _px().bar(shares, x="quarter_label", y="pct", color="name", facet_col="measure",
                     title=_say("m3_line_shares.title", lang), labels=labels)


def m3_segment_calls(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Daily calls by customer segment (log axis): usage grows fastest where revenue is smallest."""
    segments = lessons.m3_segment_quarters(case)
    labels = _axes(case.tables["segment_quarterly"], ["daily_calls_100m"], lang,
                   quarter_label=_say("m3_line_shares.quarter", lang), name=_say("m3_segment_calls.segment", lang))
    return _px().line(segments, x="quarter_label", y="daily_calls_100m", color="name", markers=True, log_y=True,
                      title=_say("m3_segment_calls.title", lang), labels=labels)


def m3_segment_revenue(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """Revenue by customer segment a quarter."""
    segments = lessons.m3_segment_quarters(case)
    labels = _axes(case.tables["segment_quarterly"], ["revenue_10k_yuan"], lang,
                   quarter_label=_say("m3_line_shares.quarter", lang), name=_say("m3_segment_calls.segment", lang))
    return _px().bar(segments, x="quarter_label", y="revenue_10k_yuan", color="name",
                     title=_say("m3_segment_revenue.title", lang), labels=labels)


# ---- M4 ----------------------------------------------------------------------------------------


def m4_renewal(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """C1's renewal rate by segment, 2022 against 2023: the small customers' fall."""
    rows = lessons.m4_renewal_by_segment(case)
    return _px().bar(rows, x="segment", y="logo_renewal_rate_pct", color="year", barmode="group",
                     labels=_axes(case.tables["annual_summary"], ["segment", "logo_renewal_rate_pct", "year"], lang),
                     title=_say("m4_renewal.title", lang))


def m4_emphasis(lang: text.Lang = "zh") -> "go.Figure":
    """T09's entries by product type and emphasis: each type of product stresses different things."""
    from okrlib.course import reference

    library = reference.load("T09")
    shown = library[["product_type", "emphasis"]].copy()
    shown["product_type"] = present.readable(library[["product_type"]], lang=lang).iloc[:, 0].values
    return _px().histogram(shown, x="product_type", color="emphasis", barmode="group",
                           labels={**_axes(library, ["product_type", "emphasis"], lang), "count": _say("m4_emphasis.count", lang)},
                           title=_say("m4_emphasis.title", lang))


# ---- M5 ----------------------------------------------------------------------------------------


def m5_compare(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """C4's findings per indicator, draft against revision."""
    side = lessons.m5_compare(case, lang)
    versions = text.names("lessons.m5_compare.versions", lang)
    long = side.melt(id_vars="id", value_vars=list(versions), var_name="version", value_name="count")
    long["version"] = long["version"].map(versions)
    fill = side.attrs["fill"]
    return _px().bar(long, x="id", y="count", color="version", barmode="group",
                     labels={"id": _say("m5_compare.indicator", lang), "count": _say("m5_compare.count", lang),
                             "version": _say("m5_compare.version", lang)},
                     title=_say("m5_compare.title", lang, draft=fill["draft"], revised=fill["revised"]))


def m5_changes(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """C4's changes counted by the rule that prompted them."""
    changes = case.tables["changes"]
    fig = _px().histogram(changes, y="rule", color="indicator", labels=_axes(changes, ["rule", "indicator"], lang),
                          title=_say("m5_changes.title", lang))
    return fig.update_yaxes(categoryorder="total ascending")


def m5_dau(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """C4's monthly DAU against the draft's and the revision's targets."""
    metrics = case.tables["baseline_metrics"]
    fig = _px().line(metrics, x="month", y="dau_10k", markers=True, labels=_axes(metrics, ["month", "dau_10k"], lang),
                     title=_say("m5_dau.title", lang))
    fig.add_hline(y=float(text.entry("lessons.m5_dau.draft")), line_dash="dot", annotation_text=_say("m5_dau.draft_label", lang))
    return fig.add_hline(y=float(text.entry("lessons.m5_dau.revised")), line_dash="dash",
                         annotation_text=_say("m5_dau.revised_label", lang))


def m5_rates(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """C4's retention, paid conversion and renewal by month (the revised KRs' baselines)."""
    metrics = case.tables["baseline_metrics"]
    rates = ["d7_retention_pct", "paid_conversion_30d_pct", "renewal_pct"]
    long = metrics.melt(id_vars="month", value_vars=rates, var_name="measure", value_name="value")
    long["measure"] = long["measure"].map({c: present.header(metrics, c, lang) for c in rates})
    return _px().line(long, x="month", y="value", color="measure", markers=True,
                      labels={**_axes(metrics, ["month"], lang), "value": _say("m5_rates.value", lang),
                              "measure": _say("m5_rates.measure", lang)},
                      title=_say("m5_rates.title", lang))


# ---- M6 ----------------------------------------------------------------------------------------


def m6_lead_times(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """C5's quoted chip lead times each week, against the industry's public average."""
    chips = case.tables["chip_lead_times"]
    weekly = lessons.m6_weekly_lead_times(case)
    average = float(lessons.m6_public_lead_times(case)["lead_time_weeks"].max())
    fig = _px().line(weekly, x="period_start", y="lead_time_weeks", color="series", markers=True, hover_data=["allocation_pct"],
                     labels=_axes(chips, ["period_start", "lead_time_weeks", "series", "allocation_pct"], lang),
                     title=_say("m6_lead_times.title", lang))
    return fig.add_hline(y=average, line_dash="dot", annotation_text=_say("m6_lead_times.average_label", lang,
                                                                          weeks=numbers.number(average)))


def m6_shipments(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """C5's weekly planned, shipped and returned units."""
    shipments = case.tables["weekly_shipments"]
    measures = ["planned_units", "shipped_units", "returned_units"]
    long = shipments.melt(id_vars="week_end", value_vars=measures, var_name="measure", value_name="units")
    long["measure"] = long["measure"].map({c: present.header(shipments, c, lang) for c in measures})
    return _px().bar(long, x="week_end", y="units", color="measure", barmode="group",
                     labels={**_axes(shipments, ["week_end"], lang), "units": _say("m6_shipments.units", lang),
                             "measure": _say("m6_shipments.measure", lang)},
                     title=_say("m6_shipments.title", lang))


def m6_cumulative(case: "Case", lang: text.Lang = "zh") -> "go.Figure":
    """KR1.1's cumulative net shipments against the target set at the start and the one at the end
    (changed with no adjustment on record)."""
    shipments = case.tables["weekly_shipments"]
    fig = _px().line(shipments, x="week_end", y="cum_net_end", markers=True,
                     labels=_axes(shipments, ["week_end", "cum_net_end"], lang), title=_say("m6_cumulative.title", lang))
    fig.add_hline(y=case.previous.get("KR1.1").target, line_dash="dot", annotation_text=_say("m6_cumulative.start_target", lang))
    return fig.add_hline(y=case.workbook.get("KR1.1").target, line_dash="dash",
                         annotation_text=_say("m6_cumulative.end_target", lang))
