"""The alignment tree's judgement: which class each node is in, and what its hover says.

The tree (company goal → product goal → O → KR, drawn by ``okrlib.views.charts.alignment_tree``)
colours every node by one of two readings of the plan, decided here so that the decision is the
checker's and scoring's, not the drawing's, and can be tested without plotly:

* ``color_by="status"``: a node's class is the worst severity among the checker's findings about
  it, ``error`` or ``warning``; ``ok`` when it has none (``info`` findings do not count, as in the
  checklist's indicator status). Its detail lines are those findings' messages (at most
  ``DETAIL_LINES``, in the checker's order).
* ``color_by="score"``: a KR's or objective's class is the band of its score (``red`` /
  ``yellow`` / ``green``, scoring.yaml); ``unscored`` when it cannot be graded yet, and for the
  company and product goals, which have no score. Its detail line says the score and band.

The chart only maps each class to a colour and a legend name (charts.yaml, scoring.yaml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Literal, Optional

from okrlib.words import numbers, text
from okrlib.method import scoring
from okrlib.plan.model import Workbook

if TYPE_CHECKING:  # pragma: no cover
    from okrlib.method.checks import CheckReport, Finding

__all__ = ["ColorBy", "NodeClasses", "STATUS_CLASSES", "UNSCORED", "DETAIL_LINES", "node_ids", "node_classes", "worst_severity"]

ColorBy = Literal["status", "score"]
Lang = Literal["zh", "en"]

STATUS_CLASSES = ("error", "warning", "ok")
"""The classes of ``color_by="status"``, worst first (the legend's order)."""
UNSCORED = "unscored"
"""The class of a node with no score (``color_by="score"``)."""
DETAIL_LINES = 5
"""At most this many findings are listed under a node: the hover stays readable."""

_RANK = {"warning": 1, "error": 2}


@dataclass(frozen=True)
class NodeClasses:
    """The class of every node of the tree and the lines shown under it.

    ``classes``: every class of this reading, in legend order (worst first for status; the bands
    in scoring.yaml's order, then ``unscored``, for score). ``of``: node id -> its class, for
    every node. ``detail``: node id -> its lines, for the nodes that have some.
    """

    color_by: ColorBy
    classes: tuple[str, ...]
    of: dict[str, str]
    detail: dict[str, tuple[str, ...]]


def node_ids(wb: Workbook) -> list[str]:
    """The nodes of the tree, in plan order: company goals, product goals, objectives, KRs."""
    return [row.id for rows in (wb.company_goals, wb.product_goals, wb.objectives, wb.key_results) for row in rows]


def worst_severity(findings: Iterable["Finding"]) -> dict[str, str]:
    """Target id -> ``error`` or ``warning``: the worst severity of the findings about it
    (targets with only ``info`` findings are left out)."""
    worst: dict[str, int] = {}
    for f in findings:
        rank = _RANK.get(f.severity, 0)
        if rank > worst.get(f.target, 0):
            worst[f.target] = rank
    names = {2: "error", 1: "warning"}
    return {target: names[rank] for target, rank in worst.items()}


def node_classes(
    wb: Workbook,
    color_by: ColorBy = "status",
    *,
    report: Optional["CheckReport"] = None,
    as_of: Optional[dt.date] = None,
    lang: Lang = "zh",
) -> NodeClasses:
    """The class and detail lines of every node of ``wb``'s alignment tree (see the module).

    ``report``: the checker's report for ``color_by="status"`` (``check(wb, as_of=as_of)`` when
    None); ``as_of``: the day scores are read on for ``color_by="score"`` (None: the plan's
    latest check-in, as ``scoring.reference_date``). ``lang`` is the language of the lines.
    """
    if color_by == "status":
        return _by_status(wb, report, as_of, lang)
    if color_by == "score":
        return _by_score(wb, as_of, lang)
    raise ValueError(f"color_by must be 'status' or 'score', not {color_by!r}")


def _by_status(wb: Workbook, report: Optional["CheckReport"], as_of: Optional[dt.date], lang: Lang) -> NodeClasses:
    if report is None:
        from okrlib.method.checks import check

        report = check(wb, as_of=as_of)
    ids = node_ids(wb)
    status = worst_severity(report.findings)
    lines: dict[str, list[str]] = {nid: [] for nid in ids}
    for f in report.findings:
        shown = lines.get(f.target)
        if shown is not None and f.severity != "info" and len(shown) < DETAIL_LINES:
            shown.append(f.message(lang))
    return NodeClasses(
        "status",
        STATUS_CLASSES,
        {nid: status.get(nid, "ok") for nid in ids},
        {nid: tuple(said) for nid, said in lines.items() if said},
    )


def _by_score(wb: Workbook, as_of: Optional[dt.date], lang: Lang) -> NodeClasses:
    scores = scoring.scores_by_id(wb, as_of)
    of: dict[str, str] = {}
    detail: dict[str, tuple[str, ...]] = {}
    for nid in node_ids(wb):
        s = scores.get(nid)
        if s is None:
            of[nid] = UNSCORED
            continue
        of[nid] = band = scoring.band(s)
        score_word = text.say("charts.words.score", lang)
        detail[nid] = (f"{score_word} {numbers.number(s, digits=2)}({scoring.band_label(band, lang)})",)
    return NodeClasses("score", (*scoring.settings()["bands"]["order"], UNSCORED), of, detail)
