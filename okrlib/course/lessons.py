"""What each module shows of its case and its reference libraries, as named frames.

A participant's cell reads like the course -- ``present.table(lessons.m1_annual_summary(case))``
-- while the choice of columns, the filter and the arithmetic behind a table live here, named
and tested (tests/test_lessons.py), once. Each function returns a pandas DataFrame for
``okrlib.views.present.table`` (its headers come from the case's or library's declaration, or
from ``labels.yaml``) or for the charts of ``okrlib.views.lesson_charts``; none changes the
case's own tables. The words around them (captions, chart titles) are in
``okrlib/data/lessons.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Optional

from okrlib.words import text

if TYPE_CHECKING:
    import pandas as pd

    from okrlib.course.cases import Case
    from okrlib.plan.model import Workbook

__all__ = [
    "declaration", "pick", "m1_annual_summary", "m1_customers_by_month", "m1_funnel_2023", "m1_churn_by_month", "m1_roadmap",
    "m1_benchmarks", "m2_outline_krs", "m2_module_plan", "m2_sales_pipeline", "m2_pipeline_by_module",
    "m2_module_timeline", "m3_context_figures", "m3_goal_tree", "m3_five_dimensions", "m3_line_shares",
    "m3_segment_quarters", "m3_segments", "plan_section", "m4_library_counts", "m4_library", "m4_outline_example",
    "m4_multiples", "m4_multiple_sentence", "m4_renewal_summary", "m4_renewal_by_segment", "m4_same_type_goals",
    "m5_handbook", "m5_checklist", "m5_compare", "m5_changes", "m6_public_lead_times", "m6_weekly_lead_times",
    "m6_checkins", "kr_scores", "objective_scores", "m7_weekly_shipments", "reference_table",
]


@lru_cache(maxsize=64)
def declaration(table: str) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """What a case's or a library's table (``"C1.funnel"``, ``"T09.product_goals"``: a frame's
    ``attrs["table"]``) calls its columns -- ``{column: {"label", "unit", "type"}}`` -- and its
    sources' titles by id, for a table or a chart people read. Empty for a table okrlib cannot
    find (a case loaded from another folder)."""
    from okrlib.course import cases, reference
    from okrlib.course.datasets import DataError

    owner, _, name = table.partition(".")
    try:
        found = reference.get(owner) if owner.startswith("T") else cases.load(owner)
        spec = found.specs[name]
    except (DataError, KeyError, OSError):
        return {}, {}
    columns = {c.name: {"label": c.header, "unit": c.unit, "type": c.type} for c in spec.columns}
    return columns, {s.id: s.title for s in found.sources}


def pick(df: "pd.DataFrame", columns: list[str], *, title: Optional[str] = None) -> "pd.DataFrame":
    """``columns`` of ``df`` in that order, a copy that keeps what the table's declaration says
    (its headers and units travel in ``attrs``)."""
    out = df[list(columns)].copy()
    out.attrs = dict(df.attrs)
    if title is not None:
        out.attrs["title"] = title
    return out


def _quarter_label(df: "pd.DataFrame") -> "pd.Series":
    return df["year"].astype(str) + "Q" + df["quarter"].astype(str)


# ---- M1: C1 SaaS customer growth --------------------------------------------------------------


def m1_annual_summary(case: "Case") -> "pd.DataFrame":
    """The year's customer arithmetic (new wins against the sales quota, annual and monthly churn,
    growth, renewal and net revenue retention): the table that shows "+54% wins" and "+24.7%
    customers" side by side."""
    return pick(case.tables["annual_summary"], [
        "year", "segment", "customers_start", "wins", "wins_quota", "churned_annual", "churned_monthly",
        "customers_end", "customer_growth_pct", "logo_renewal_rate_pct", "arr_growth_pct", "nrr_pct"])


def m1_customers_by_month(case: "Case") -> "pd.DataFrame":
    """Paying customers at each month's end, all segments together: the line the 1800 target is
    drawn against."""
    funnel = case.tables["funnel"]
    return funnel.groupby("month", as_index=False)[["customers_end"]].sum()


def m1_funnel_2023(case: "Case") -> "pd.DataFrame":
    """2023's acquisition funnel by segment, one row per segment and stage (lead, MQL,
    opportunity, win), stage named for people: where the wins came from."""
    funnel = case.tables["funnel"]
    stages = ["leads", "mqls", "opportunities", "wins"]
    year = funnel[funnel["month"].dt.year == 2023]
    long = (year.groupby("segment", observed=True)[stages].sum().reset_index()
            .melt(id_vars="segment", var_name="stage", value_name="count"))
    names = text.names("lessons.m1_funnel.stages")
    long["stage"] = long["stage"].map(names)
    return long


def m1_churn_by_month(case: "Case") -> "pd.DataFrame":
    """Customers lost each month (annual contracts not renewed plus monthly plans cancelled), by
    segment: the half of "customer growth" no one owned."""
    funnel = case.tables["funnel"]
    out = funnel[["month", "segment"]].copy()
    out["churned"] = funnel["churned_annual"] + funnel["churned_monthly"]
    return out


def m1_roadmap(case: "Case") -> "pd.DataFrame":
    """The product roadmap with effort, KR and year-end status: where development went."""
    return pick(case.tables["roadmap"], [
        "item_id", "feature", "target_segment", "requested_by", "planned_release", "actual_release",
        "dev_person_months", "kr_id", "status", "note"])


def m1_benchmarks(case: "Case") -> "pd.DataFrame":
    """The industry benchmarks the case is read against, with their sources."""
    return pick(case.tables["benchmarks"], ["benchmark_id", "metric", "value_low", "value_high", "unit", "scope", "source"])


# ---- M2: C2 5G modules and the outline's KR examples -------------------------------------------


def m2_outline_krs(lang: text.Lang = "zh") -> "pd.DataFrame":
    """The outline's three example KRs as the KR reader reads them: one activity, two results."""
    import pandas as pd

    from okrlib.method import analyze

    examples = text.entry("lessons.m2_outline_krs")[lang]
    df = pd.DataFrame([a if isinstance(a, dict) else a.__dict__ for a in analyze.analyze_many(examples)])
    out = df[["text", "measurable", "is_activity", "activity_words", "metric", "baseline", "target", "unit",
              "direction", "relative_change", "dimension"]].copy()
    out.attrs["frame"] = "kr_analysis"
    return out


def m2_module_plan(case: "Case") -> "pd.DataFrame":
    """Each module of the R&D plan: in the R&D OKR or not, freeze and certification dates."""
    return pick(case.tables["module_plan"], [
        "module_id", "module_name", "positioning", "form_factor", "in_rd_okr", "kr_id", "planned_hw_freeze",
        "actual_hw_freeze", "cert_end", "freeze_to_cert_months", "status", "note"])


def m2_sales_pipeline(case: "Case") -> "pd.DataFrame":
    """The key opportunities: which module each customer needs, by when, at what price."""
    return pick(case.tables["sales_pipeline"], [
        "opp_id", "customer", "industry", "required_module_id", "required_spec", "required_by",
        "est_annual_volume_k", "target_price_usd", "quoted_price_usd", "stage", "lost_to"])


def m2_pipeline_by_module(case: "Case") -> "pd.DataFrame":
    """Opportunities by the module they need, those needing a module not in the R&D plan named so
    (the gap the case is about)."""
    pipeline = case.tables["sales_pipeline"].copy()
    pipeline["module"] = pipeline["required_module_id"].astype("object").where(
        pipeline["required_module_id"].notna(), text.say("lessons.m2_pipeline.not_planned"))
    return pipeline


def m2_module_timeline(case: "Case") -> "pd.DataFrame":
    """Each module from hardware freeze to certification, marked by whether the R&D OKR held it."""
    modules = case.tables["module_plan"].copy()
    words = text.names("lessons.m2_timeline.okr")
    modules["okr"] = modules["in_rd_okr"].map({True: words["in"], False: words["out"]})
    return modules


# ---- M3: C3 decoding the company goal -----------------------------------------------------------


def m3_context_figures(case: "Case") -> "pd.DataFrame":
    """The public and illustrative figures the decoding starts from."""
    return pick(case.tables["context_figures"], ["fact_id", "year", "scope", "metric", "value", "unit", "note", "source_status"])


def m3_goal_tree(case: "Case") -> "pd.DataFrame":
    """The goal tree from mission to O, one row per node with its parent."""
    return pick(case.tables["goal_tree"], ["node_id", "parent_id", "level", "statement", "metric", "baseline",
                                           "target", "unit", "workbook_id"])


def plan_section(wb: "Workbook", section: str, columns: Optional[list[str]] = None, *,
                 where: Optional[dict[str, Any]] = None) -> "pd.DataFrame":
    """One section of a plan as a frame (``columns`` picked, rows whose fields equal ``where``),
    named as the plan's forms name its fields."""
    from okrlib.storage.tables import frames

    df = frames(wb)[section]
    for column, wanted in (where or {}).items():
        df = df[df[column].isin(wanted if isinstance(wanted, (list, tuple, set)) else [wanted])]
    if columns is not None:
        df = df[list(columns)]
    out = df.reset_index(drop=True).copy()
    out.attrs["section"] = section
    return out


def m3_five_dimensions(case: "Case") -> "pd.DataFrame":
    """C3's business goals decoded in five dimensions (essence, drivers, constraints, risks,
    relevance to the product)."""
    return plan_section(case.workbook, "company_goals", [
        "id", "statement", "decode.essence", "decode.drivers", "decode.constraints", "decode.risks",
        "decode.relevance", "decode.relevance_note"], where={"level": "business_goal"})


def m3_line_shares(case: "Case") -> "pd.DataFrame":
    """Each business line's share of external revenue and of calls, per quarter, long: revenue and
    usage tell different stories about which line matters."""
    lines = case.tables["line_quarterly"].merge(case.tables["business_lines"][["line_id", "name"]], on="line_id")
    lines = lines.assign(quarter_label=_quarter_label(lines))
    long = lines.melt(id_vars=["quarter_label", "name", "basis"], value_vars=["revenue_share_pct", "call_share_pct"],
                      var_name="measure", value_name="pct")
    long["measure"] = long["measure"].map(text.names("lessons.m3_line_shares.measures"))
    return long


def m3_segment_quarters(case: "Case") -> "pd.DataFrame":
    """Each customer segment's calls and revenue per quarter, named: usage grows where revenue does not."""
    segments = case.tables["segment_quarterly"].merge(case.tables["segments"][["segment_id", "name"]], on="segment_id")
    return segments.assign(quarter_label=_quarter_label(segments))


def m3_segments(case: "Case") -> "pd.DataFrame":
    """The customer segments, their typical need and the core element each maps to."""
    return pick(case.tables["segments"], ["segment_id", "name", "description", "typical_need", "core_element"])


# ---- M4: from company goals to product goals (T09) ----------------------------------------------


def reference_table(library: str, columns: Optional[list[str]] = None, **where: Any) -> "pd.DataFrame":
    """A reference library's rows whose columns equal ``where`` (a value or a list), ``columns`` picked."""
    from okrlib.course import reference

    df = reference.load(library)
    for column, wanted in where.items():
        df = df[df[column].isin(wanted if isinstance(wanted, (list, tuple, set)) else [wanted])]
    out = pick(df, list(columns) if columns is not None else list(df.columns))
    return out.reset_index(drop=True)


def m4_library_counts() -> "pd.DataFrame":
    """T09's entries counted by product role (rows) and product type (columns): every role has
    examples for every type."""
    from okrlib.course import reference

    library = reference.load("T09")
    counts = library.groupby(["role", "product_type"], observed=True).size().unstack()
    counts.attrs = {"frame": "library_counts"}
    return counts


def m4_library(columns: list[str], **where: Any) -> "pd.DataFrame":
    """T09's product-goal examples (``where``: e.g. ``role="tech_pilot"``), ``columns`` picked."""
    return reference_table("T09", columns, **where)


def m4_outline_example() -> "pd.DataFrame":
    """The outline's example in two halves, T09 G01 and G02: paying users and revenue per user."""
    return m4_library(["entry_id", "weak_goal", "weak_reason", "strong_goal", "baseline", "target", "unit", "roi_note"],
                      entry_id=["G01", "G02"])


def m4_multiples() -> "pd.DataFrame":
    """G01's and G02's target over baseline: the two multiples whose product is the revenue growth."""
    example = m4_library(["entry_id", "metric", "baseline", "target", "unit"], entry_id=["G01", "G02"])
    example["multiple"] = example["target"] / example["baseline"]
    example.attrs["frame"] = "multiples"
    return example


def m4_multiple_sentence(lang: text.Lang = "zh") -> str:
    """Why the two product goals cover the company's +30%: the multiples multiplied, and the buffer left."""
    multiples = list(m4_multiples()["multiple"])
    product = 1.0
    for m in multiples:
        product *= m
    company = float(text.entry("lessons.m4_multiples.company_growth"))
    return text.say("lessons.m4_multiples.sentence", lang, first=round(multiples[0], 2), second=round(multiples[1], 2),
                    product=round(product, 3), growth=product - 1, buffer=product - 1 - company)


def m4_renewal_summary(case: "Case") -> "pd.DataFrame":
    """C1's year summary as M4 rereads it: growth next to renewal and net revenue retention."""
    return pick(case.tables["annual_summary"], [
        "year", "segment", "customers_start", "wins", "churned_annual", "churned_monthly", "customers_end",
        "customer_growth_pct", "logo_renewal_rate_pct", "nrr_pct"])


def m4_renewal_by_segment(case: "Case") -> "pd.DataFrame":
    """Renewal rate per segment and year, without the total row (for the grouped bar chart)."""
    summary = case.tables["annual_summary"]
    total = text.say("lessons.m4_renewal.total_segment")
    rows = summary[summary["segment"].astype(str) != total].copy()
    rows["year"] = rows["year"].astype(str)
    return rows


def m4_same_type_goals(wb: "Workbook") -> "pd.DataFrame":
    """T09's strong goals for the participant's own product type."""
    return m4_library(["entry_id", "role", "emphasis", "strong_goal", "guardrail"], product_type=wb.meta.product_type)


# ---- M5: OKR design and the checklist; C4 --------------------------------------------------------


def m5_handbook(wb: "Workbook") -> "pd.DataFrame":
    """T11's KR metrics that suit the participant's product type (and those for every type)."""
    return reference_table("T11", ["metric_id", "dimension", "metric", "unit", "direction", "typical_range",
                                   "counter_metric", "example_kr"], applies_to=[wb.meta.product_type, "all"])


def m5_checklist(lang: text.Lang = "zh") -> "pd.DataFrame":
    """T10, the checklist: dimension, indicator, its name and definition, scored or not."""
    from okrlib.course import reference

    return pick(reference.load("T10"), [f"dimension_{lang}", "indicator", f"name_{lang}", f"definition_{lang}", "scored"])


def m5_compare(case: "Case", lang: text.Lang = "zh") -> "pd.DataFrame":
    """C4's checklist before and after revision, indicator by indicator: what the checklist changed.
    ``attrs["fill"]`` holds both scores for the caption (``{draft}``, ``{revised}``)."""
    draft, revised = case.check(), case.check(revised=True)
    before = draft.indicators_frame()[["id", f"dimension_{lang}", f"name_{lang}", "status", "findings"]]
    before.columns = ["id", "dimension", "name", "status", "findings"]
    after = revised.indicators_frame()[["id", "status", "findings"]]
    side = before.merge(after, on="id", suffixes=("_draft", "_revised"))
    side = side[["id", "dimension", "name", "status_draft", "findings_draft", "status_revised", "findings_revised"]]
    side.attrs.update(frame="comparison", fill={"draft": draft.score, "revised": revised.score})
    return side


def m5_changes(case: "Case") -> "pd.DataFrame":
    """C4's change log: each flaw the checklist found and how the draft was rewritten."""
    return pick(case.tables["changes"], ["change_id", "rule", "target", "before_text", "after_text", "reason"])


# ---- M6 and M7: tracking, scoring; C5 ------------------------------------------------------------


def m6_public_lead_times(case: "Case") -> "pd.DataFrame":
    """The public figure C5 is read against: the industry's average chip lead time."""
    chips = case.tables["chip_lead_times"]
    return pick(chips[chips["source_status"] == "public_fact"],
                ["period_start", "period_end", "series", "lead_time_weeks", "note", "source"])


def m6_weekly_lead_times(case: "Case") -> "pd.DataFrame":
    """C5's chip lead times week by week (the weekly series), for the chart."""
    chips = case.tables["chip_lead_times"]
    return chips[chips["period_type"] == text.say("lessons.m6_lead_times.weekly")]


def m6_checkins(case: "Case", key_results: list[str]) -> "pd.DataFrame":
    """The weekly check-ins of some KRs, KR by KR in date order."""
    df = plan_section(case.workbook, "checkins", where={"key_result": key_results})
    out = df.sort_values(["key_result", "date"]).reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


def kr_scores(wb: "Workbook", as_of: Any = None, columns: Optional[list[str]] = None) -> "pd.DataFrame":
    """Each KR's score, pace and confidence as of a day (okrlib.method.scoring), headed for people."""
    from okrlib.method import scoring

    df = scoring.scores_frame(wb, as_of)
    out = df[list(columns)].copy() if columns is not None else df.copy()
    out.attrs["frame"] = "scores"
    return out


def objective_scores(wb: "Workbook", as_of: Any = None) -> "pd.DataFrame":
    """Each O's score against its expectation, as of a day, headed for people."""
    from okrlib.method import scoring

    out = scoring.objectives_frame(wb, as_of).copy()
    out.attrs["frame"] = "objectives"
    return out


def m7_weekly_shipments(case: "Case") -> "pd.DataFrame":
    """C5's weekly plan, shipments and returns, with the quarter's running return rate."""
    return pick(case.tables["weekly_shipments"], ["week_end", "planned_units", "shipped_units", "returned_units",
                                                  "cum_net_end", "cum_return_rate_pct"])
