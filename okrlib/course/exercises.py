"""Feedback on the course's hands-on exercises X1-X8 (实战, ../shared/course/inventory.md).

Each exercise notebook (``exercises/x0N_….ipynb``) ends with one call here; the participant's
answer (Python values typed in the answer cell, or the rows their forms saved in the plan) goes
through a function that returns a :class:`Feedback`: ``passed``, a ``score`` (0-100), the
checklist ``items`` (each passed, missing, or for information), messages in Chinese and English,
hints, and sometimes a table. In a notebook a Feedback shows itself as HTML (everything the
participant typed is escaped); ``str(feedback)`` is the same in plain text.

================  ===========================================================================
``x1``            X1 (M1, case C1): the one core break + 照镜子 notes
``x2``            X2 (M2): diagnose "O: 提升用户活跃度; KR: 优化推送功能" and rewrite the KR
``x3`` / ``x4``   X3 / X4: the plan's decode (M3) and product goals (M4), item by item
``x5``            X5 (M5): the group's draft (1 O + 3-4 KRs), the T10 checker and the peer review
``peer_review``   X5: reviewers' T10 scores, saved beside the plan (``<plan>-peer-review.csv``)
``x6``            X6 (M6): three risks and the T15 adjustment-matrix row for each
``x7``            X7 (M7): review notes of the three kinds + the next cycle's direction
``x8``            X8 (M8): the one-month action plan
================  ===========================================================================

Answer keys, option lists and all texts live in ``okrlib/data/exercises.yaml``. X1's and X2's
keys are checked against the data at run time (the case's expected findings, the checker's
findings), so they cannot drift apart. This module imports neither ipywidgets nor plotly at
import time (``PeerReview.form`` imports ipywidgets when called).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence, Union

from okrlib.course import workspace
from okrlib.words import labels, numbers, text
from okrlib.words.resources import data_file
from okrlib.plan.model import Workbook

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from okrlib.storage.planfile import PlanFile

__all__ = ["Feedback", "Item", "PeerReview", "options", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
           "peer_review", "peer_review_path", "spec", "T10_INDICATORS"]

PlanLike = Union["PlanFile", Workbook, str, Path]
T10_INDICATORS = tuple(f"T10-{i}" for i in range(1, 11))


def spec(exercise: str) -> dict[str, Any]:
    """The data of one exercise in exercises.yaml (``"X1"`` … ``"X8"``, or ``"common"``)."""
    return data_file("exercises")[exercise]


class _Each(tuple):
    """A value that reads differently in each language: ``(Chinese, English)``."""


def _listed(items: Iterable[Any]) -> _Each:
    """Names in a row, as each language lists them (``A、B`` / ``A, B``); items may be :class:`_Each`."""
    items = list(items)
    return _Each(text.join([i[n] if isinstance(i, _Each) else i for i in items], lang)  # type: ignore[arg-type]
                 for n, lang in enumerate(("zh", "en")))


def _both(key: str, **values: Any) -> tuple[str, str]:
    """The words at ``key`` (``"exercises.X1.messages.real"``) in Chinese and English, filled
    with ``values``; an :class:`_Each` value gives each language its own words."""
    def pick(i: int) -> dict[str, Any]:
        return {k: v[i] if isinstance(v, _Each) else v for k, v in values.items()}

    return text.say(key, "zh", **pick(0)), text.say(key, "en", **pick(1))


def _named(row_id: str, statement: str) -> _Each:
    """A row named with its text: ``PG1「提升续费率」`` / ``PG1 '提升续费率'``."""
    return _Each(_both("exercises.common.named", id=row_id, text=statement))


# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------


@dataclass
class Item:
    """One line of a checklist: ``ok`` True (done), False (missing or wrong), None (information)."""

    zh: str
    en: str
    ok: Optional[bool] = True
    hint_zh: str = ""
    hint_en: str = ""

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _item(key: str, ok: Optional[bool], **values: Any) -> Item:
    zh, en = _both(key, **values)
    return Item(zh, en, ok)


@dataclass
class Feedback:
    """What a participant's answer earned: passed or not, a score, the items, messages and hints."""

    exercise: str
    items: list[Item] = field(default_factory=list)
    messages_zh: list[str] = field(default_factory=list)
    messages_en: list[str] = field(default_factory=list)
    hints_zh: list[str] = field(default_factory=list)
    hints_en: list[str] = field(default_factory=list)
    table: Any = None  # a pandas DataFrame shown under the items, or None
    passed_override: Optional[bool] = None
    lang: str = "zh"  # the one language the feedback is shown in

    def in_language(self, lang: str) -> "Feedback":
        """The same feedback shown in ``lang`` (``"en"`` for a learner who chose English): one
        language at a time, never a grey copy of the other under each line."""
        return dataclasses.replace(self, lang=lang)

    @property
    def passed(self) -> bool:
        if self.passed_override is not None:
            return self.passed_override
        return bool(self.items) and all(i.ok is not False for i in self.items)

    @property
    def score(self) -> float:
        """Share of the checklist items done, 0-100 (information items do not count)."""
        counted = [i for i in self.items if i.ok is not None]
        return round(100 * sum(1 for i in counted if i.ok) / len(counted), 1) if counted else 0.0

    @property
    def missing(self) -> list[Item]:
        """The items still missing or wrong."""
        return [i for i in self.items if i.ok is False]

    def message(self, zh: str, en: str) -> None:
        self.messages_zh.append(zh)
        self.messages_en.append(en)

    def hint(self, zh: str, en: str) -> None:
        if zh not in self.hints_zh:
            self.hints_zh.append(zh)
            self.hints_en.append(en)

    @property
    def title(self) -> tuple[str, str]:
        t = spec(self.exercise)["title"]
        return t["zh"], t["en"]

    def _status(self, lang: str) -> str:
        if self.passed:
            return text.say("exercises.common.passed", lang)  # type: ignore[arg-type]
        return text.say("exercises.common.not_passed", lang, n=len(self.missing) or 1)  # type: ignore[arg-type]

    def text(self, lang: str = "zh") -> str:
        """The feedback as plain text."""
        mark = {True: "✓", False: "✗", None: "·"}
        title = self.title[0 if lang == "zh" else 1]
        score = text.say("exercises.common.score", lang, score=self.score)  # type: ignore[arg-type]
        lines = [f"{title} — {self._status(lang)} ({score})"]
        for m in self.messages_zh if lang == "zh" else self.messages_en:
            lines.append(f"  {m}")
        for i in self.items:
            lines.append(f"  {mark[i.ok]} {i.text(lang)}")
            hint = i.hint_zh if lang == "zh" else i.hint_en
            if hint:
                lines.append(f"      → {hint}")
        hints = self.hints_zh if lang == "zh" else self.hints_en
        if hints:
            lines.append(f"  {text.say('exercises.common.hints', lang)}:")  # type: ignore[arg-type]
            lines += [f"    - {h}" for h in hints]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text(self.lang)

    def __repr__(self) -> str:
        return self.text(self.lang)

    def _repr_html_(self) -> str:
        e = html.escape
        lang = self.lang
        colour = "#067647" if self.passed else "#b42318"
        mark = {True: ("✓", "#067647"), False: ("✗", "#b42318"), None: ("·", "#475467")}
        rows = []
        for i in self.items:
            sym, col = mark[i.ok]
            said = i.hint_zh if lang == "zh" else i.hint_en
            hint = f"<div style='color:#475467;margin-left:1.4em'>→ {e(said)}</div>" if said else ""
            rows.append(f"<li style='list-style:none'><span style='color:{col};font-weight:600'>{sym}</span> "
                        f"{e(i.text(lang))}{hint}</li>")
        msgs = "".join(f"<p>{e(m)}</p>" for m in (self.messages_zh if lang == "zh" else self.messages_en))
        hints = "".join(f"<li>{e(h)}</li>" for h in (self.hints_zh if lang == "zh" else self.hints_en))
        table = ""
        if self.table is not None:
            table = numbers.table(self.table).to_html(index=False, escape=True, na_rep="", border=0)
        score = text.say("exercises.common.score", lang, score=self.score)  # type: ignore[arg-type]
        title = self.title[0] if lang == "zh" else self.title[1]
        return (
            f"<div class='okr-feedback' data-exercise='{e(self.exercise)}' data-passed='{str(self.passed).lower()}' "
            f"style='border-left:4px solid {colour};padding:4px 12px;margin:6px 0'>"
            f"<h4 style='margin:4px 0'>{e(title)} <span style='color:{colour}'>{e(self._status(lang))}</span>"
            f" <span style='color:#475467;font-weight:400;font-size:0.9em'>{e(score)}</span></h4>"
            f"{msgs}<ul style='padding-left:0.4em'>{''.join(rows)}</ul>{table}"
            + (f"<div><b>{e(text.say('exercises.common.hints', lang))}</b><ul>{hints}</ul></div>" if hints else "")  # type: ignore[arg-type]
            + "</div>"
        )


def _missing(exercise: str, name: Any) -> Feedback:
    fb = Feedback(exercise)
    zh, en = _both("exercises.common.missing_answer", name=name)
    fb.items.append(Item(zh, en, False))
    return fb


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value if not _blank(v)]


# --------------------------------------------------------------------------------------------
# Options (X1, X2)
# --------------------------------------------------------------------------------------------


def options(exercise: str, lang: str = "zh") -> "pd.DataFrame":
    """The options a participant chooses from (X1, X2), as a table: code and text."""
    import pandas as pd

    head = text.names("exercises.common.option_columns", lang)  # type: ignore[arg-type]
    rows = [{head["code"]: o["code"], head["option"]: o[lang]} for o in spec(exercise)["options"]]
    df = pd.DataFrame(rows)
    df.attrs["title"] = spec(exercise)["title"][lang]
    return df


# --------------------------------------------------------------------------------------------
# X1: the one core break in case C1, and the mirror
# --------------------------------------------------------------------------------------------


def _case_key(case: Any) -> tuple[dict[str, list[str]], set[str]]:
    """A case's expected findings ({rule: [why, ...]}) and the rules the checker finds in its plan."""
    if isinstance(case, str):
        return _case_key_cached(case)
    expected: dict[str, list[str]] = {}
    for f in case.instructor.expected_findings:
        expected.setdefault(f.rule, []).append(f"{f.target}: {f.why}" if f.target != "workbook" else f.why)
    return expected, {f.rule for f in case.check().findings}


@lru_cache(maxsize=8)
def _case_key_cached(case_id: str) -> tuple[dict[str, list[str]], set[str]]:
    from okrlib.course import cases

    return _case_key(cases.load(case_id))


def x1(choice: Optional[str], reason: Optional[str] = None, mirror: Any = None, *, case: Any = None) -> Feedback:
    """X1: ``choice`` an option code (``options("X1")``), ``reason`` why, ``mirror`` notes on one's own team.

    The option's rules are compared with the case's expected findings (instructor notes) and with
    what the checker finds in the case's plan: only an option both confirm counts as real.
    """
    s = spec("X1")
    if _blank(choice) and _blank(reason) and not _texts(mirror):
        return _missing("X1", _listed(["x1_choice", "x1_reason", "x1_mirror"]))
    fb = Feedback("X1")
    expected, found = _case_key(case if case is not None else s["case"])
    opts = {o["code"]: o for o in s["options"]}
    core = next(o for o in s["options"] if o["role"] == "core")
    code = (choice or "").strip().upper()
    if _blank(choice):
        fb.items.append(_item("exercises.X1.messages.not_real", False))
        zh, en = _both("exercises.common.missing_answer", name="x1_choice")
        fb.items[-1].hint_zh, fb.items[-1].hint_en = zh, en
    elif code not in opts:
        fb.items.append(_item("exercises.X1.messages.unknown_choice", False, choice=choice, codes=_listed(opts)))
    else:
        opt = opts[code]
        confirmed = [r for r in opt["rules"] if r in expected and r in found]
        real = bool(confirmed)
        it = _item("exercises.X1.messages.real" if real else "exercises.X1.messages.not_real", real)
        if real:
            evidence = _Each(text.say("exercises.common.evidence_separator", lang).join(  # type: ignore[arg-type]
                dict.fromkeys(w for r in confirmed for w in expected[r])) for lang in ("zh", "en"))
            zh, en = _both("exercises.X1.messages.real_evidence", evidence=evidence)
            fb.message(zh, en)
        else:
            it.hint_zh, it.hint_en = opt["explain_zh"], opt["explain_en"]
        fb.items.append(it)
        is_core = opt["role"] == "core" and real
        core_item = _item("exercises.X1.messages.core", True) if is_core else _item("exercises.X1.messages.not_core", False, core=core["zh"])
        if is_core:
            core_item.hint_zh, core_item.hint_en = opt["explain_zh"], opt["explain_en"]
        elif real:
            core_item.hint_zh, core_item.hint_en = opt["explain_zh"], opt["explain_en"]
        fb.items.append(core_item)
    if reason is not None and len(str(reason).strip()) >= s["reason_min_chars"]:
        fb.items.append(_item("exercises.X1.messages.reason", True))
    else:
        it = _item("exercises.X1.messages.reason", False)
        it.hint_zh, it.hint_en = _both("exercises.X1.messages.reason_missing")
        fb.items.append(it)
    notes = [m for m in _texts(mirror) if len(m) >= s["mirror_min_chars"]]
    if notes:
        it = _item("exercises.X1.messages.mirror", True)
        fb.items.append(it)
    else:
        zh, en = _both("exercises.X1.messages.mirror_missing")
        fb.items.append(Item(*_both("exercises.X1.messages.mirror"), ok=False, hint_zh=zh, hint_en=en))
    fb.hint(*_both("exercises.X1.messages.mirror_hint"))
    return fb


# --------------------------------------------------------------------------------------------
# X2: diagnose "O: 提升用户活跃度; KR: 优化推送功能"
# --------------------------------------------------------------------------------------------


def x2_workbook() -> Workbook:
    """The O/KR of X2 as a plan of its own (the company's other sections empty, as in the outline)."""
    s = spec("X2")
    return Workbook.from_dict({
        "schema_version": 1,
        "meta": {"team": s["team"], "product": s["product"], "product_type": s["product_type"], "cycle": {"year": 2027, "quarter": 1}},
        "objectives": [{"id": "O1", "statement": s["objective"]}],
        "key_results": [{"id": "KR1", "objective": "O1", "statement": s["key_result"]}],
    })


def x2(problems: Optional[Iterable[str]], rewrite: Any = None) -> Feedback:
    """X2: ``problems`` the option codes chosen (``options("X2")``); ``rewrite`` the rewritten KR(s).

    What is right comes from ``okrlib.check`` on the O/KR; the rewrite goes through ``analyze_kr``.
    """
    from okrlib.method.analyze import analyze_kr, suggest_outcome
    from okrlib.method.checks import check

    s = spec("X2")
    if problems is None and not _texts(rewrite):
        return _missing("X2", _listed(["x2_problems", "x2_rewrite"]))
    fb = Feedback("X2")
    report = check(x2_workbook())
    found = {f.rule for f in report.findings}
    opts = {o["code"]: o for o in s["options"]}
    chosen = [str(p).strip() for p in (problems or [])]
    for code in chosen:
        if code not in opts:
            fb.items.append(_item("exercises.X2.messages.unknown", False, code=code, codes=_listed(opts)))
    if problems is None:
        zh, en = _both("exercises.common.missing_answer", name="x2_problems")
        fb.items.append(Item(zh, en, False))
    else:
        # The key is revealed only as far as the participant's own diagnosis goes: each option
        # they chose is judged; the problems they missed are counted, not named, until every
        # key problem is found.
        true = [code for code, opt in opts.items() if any(r in found for r in opt["rules"])]
        missed = [c for c in true if c not in chosen and opts[c].get("required")]
        for code, opt in opts.items():
            if code in chosen:
                fb.items.append(Item(opt["right_zh"], opt["right_en"], True) if code in true
                                else Item(opt["wrong_zh"], opt["wrong_en"], False))
        if missed:
            fb.items.append(_item("exercises.X2.messages.missed_count", False, n=len(missed)))
        else:
            fb.message(*_both("exercises.X2.messages.checker", rules=_listed(_Each((opts[c]["zh"], opts[c]["en"])) for c in true)))
            for code in true:
                if code not in chosen:
                    fb.items.append(Item(*_both("exercises.X2.messages.also_found", option=_Each((opts[code]["zh"], opts[code]["en"]))), ok=None))
    # the rewrite
    texts = _texts(rewrite)
    if not texts:
        zh, en = _both("exercises.X2.messages.rewrite_missing")
        fb.items.append(Item(zh, en, False))
        return fb
    weak = False
    for sentence in texts:
        a = analyze_kr(sentence)
        has_numbers = a.baseline is not None and a.target is not None
        weak = weak or not (a.measurable and not a.is_activity and has_numbers)
        fb.message(*_both("exercises.X2.messages.rewrite", text=sentence))
        fb.items.append(_item("exercises.X2.messages.measurable" if a.measurable else "exercises.X2.messages.measurable_no", a.measurable))
        fb.items.append(_item("exercises.X2.messages.outcome", True) if not a.is_activity
                        else _item("exercises.X2.messages.outcome_no", False, words=_listed(a.activity_words)))
        metric = _Each((a.metric,) * 2) if a.metric else _Each(_both("exercises.X2.messages.metric_placeholder"))
        fb.items.append(_item("exercises.X2.messages.baseline" if has_numbers else "exercises.X2.messages.baseline_no", has_numbers,
                              metric=metric, baseline=numbers.quantity(a.baseline, a.unit),
                              target=numbers.quantity(a.target, a.unit)))
        fb.items.append(_item("exercises.X2.messages.user_dimension", None) if a.dimension == "user" else _item("exercises.X2.messages.other_dimension", None))
    if weak:
        # the rewrite hint comes after a rewrite of the participant's own that is still weak
        hint_zh, hint_en = suggest_outcome(analyze_kr(s["key_result"]))
        fb.hint(_both("exercises.X2.messages.hint", hint=hint_zh)[0], _both("exercises.X2.messages.hint", hint=hint_en)[1])
    fb.hint(*_both("exercises.X2.messages.deadline_hint"))
    return fb


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


def _workbook(plan: PlanLike) -> Workbook:
    if isinstance(plan, Workbook):
        return plan
    if hasattr(plan, "workbook"):
        return plan.workbook  # a PlanFile (okrlib.plan.editing / widgets.open_plan)
    from okrlib.storage import yaml_file

    return yaml_file.load(plan)


def _plan_path(plan: Any) -> Path:
    if hasattr(plan, "path"):
        return Path(plan.path)
    if isinstance(plan, (str, Path)):
        return Path(plan)
    raise TypeError("the peer review is kept beside the plan file: pass the plan file (or its path), not a Workbook")


def _choice(vocab: str, code: str) -> _Each:
    return _Each((labels.choice(vocab, code, "zh") or code, labels.choice(vocab, code, "en") or code))


def _words(group: Mapping[str, Any], codes: Iterable[str]) -> _Each:
    """Codes listed by their words in a data group (``{code: {zh, en}}``), in each language."""
    return _listed(_Each((group[k]["zh"], group[k]["en"])) for k in codes)


# --------------------------------------------------------------------------------------------
# X3: decode the company goal (M3)
# --------------------------------------------------------------------------------------------


def x3(plan: PlanLike) -> Feedback:
    """X3: business goals decoded in five dimensions, internal AND external factors, core elements of all three kinds."""
    wb = _workbook(plan)
    s = spec("X3")
    fb = Feedback("X3")
    goals = [g for g in wb.company_goals if g.level == "business_goal"]
    if not goals:
        fb.items.append(_item("exercises.X3.messages.business_goal_no", False))
    else:
        fb.items.append(_item("exercises.X3.messages.business_goal", True))
        for g in goals:
            missing = [k for k in s["dimensions"] if _blank(getattr(g.decode, k))]
            label = _named(g.id, g.statement)
            if missing:
                fb.items.append(_item("exercises.X3.messages.decode_no", False, goal=label,
                                      missing=_words(s["dimensions"], missing)))
            else:
                fb.items.append(_item("exercises.X3.messages.decode", True, goal=label))
    for side in ("internal", "external"):
        rows = [f for f in wb.factors if f.side == side]
        if rows:
            cats = _listed(dict.fromkeys(_choice("factor_category", f.category) for f in rows))
            fb.items.append(_item(f"exercises.X3.messages.{side}", True, n=len(rows), categories=cats))
        else:
            fb.items.append(_item(f"exercises.X3.messages.{side}_no", False))
    unlinked = [f.id for f in wb.factors if not f.affects]
    if wb.factors:
        fb.items.append(_item("exercises.X3.messages.factor_links_no", False, ids=_listed(unlinked)) if unlinked else _item("exercises.X3.messages.factor_links", True))
    for kind in ("customer_segment", "core_feature", "business_metric"):
        rows = [e for e in wb.core_elements if e.kind == kind]
        name = _choice("element_kind", kind)
        if rows:
            fb.items.append(_item("exercises.X3.messages.element", True, kind=name, items=_listed(e.description for e in rows)))
        else:
            fb.items.append(_item("exercises.X3.messages.element_no", False, kind=name))
    fb.hint(*_both("exercises.X3.messages.hint"))
    return fb


# --------------------------------------------------------------------------------------------
# X4: product goals (M4)
# --------------------------------------------------------------------------------------------


def x4(plan: PlanLike) -> Feedback:
    """X4: every product goal SMART (metric, baseline, target, deadline), with role, ROI and its company goal."""
    wb = _workbook(plan)
    s = spec("X4")
    fb = Feedback("X4")
    if not wb.product_goals:
        fb.items.append(_item("exercises.X4.messages.none", False))
    start = wb.meta.cycle.start_date
    for g in wb.product_goals:
        missing = []
        if _blank(g.metric):
            missing.append("metric")
        if g.baseline is None:
            missing.append("baseline")
        if g.target is None:
            missing.append("target")
        if g.deadline is None:
            missing.append("deadline")
        if g.roi.investment is None or g.roi.expected_return is None:
            missing.append("roi")
        if g.derived_from is None:
            missing.append("derived_from")
        label = _named(g.id, g.statement)
        if missing:
            fb.items.append(_item("exercises.X4.messages.goal_no", False, goal=label, missing=_words(s["fields"], missing)))
            continue
        ratio = g.roi.ratio
        summary = _Each(_both("exercises.X4.messages.summary" if ratio is None else "exercises.X4.messages.summary_roi",
                              role=_choice("product_role", g.role), metric=g.metric,
                              range=numbers.value_range(g.baseline, g.target, g.unit), deadline=g.deadline,
                              source=g.derived_from, ratio=ratio))
        fb.items.append(_item("exercises.X4.messages.goal", True, goal=label, summary=summary))
        if g.target == g.baseline:
            fb.items.append(_item("exercises.X4.messages.direction", False, goal=label))
        if g.deadline < start:
            fb.items.append(_item("exercises.X4.messages.deadline_cycle", False, goal=label, deadline=g.deadline.isoformat(), start=start.isoformat()))
    fb.hint(*_both("exercises.X4.messages.hint"))
    return fb


# --------------------------------------------------------------------------------------------
# X5: the group's draft and the T10 peer review
# --------------------------------------------------------------------------------------------


def peer_review_path(plan: Any) -> Path:
    """Where the peer review of a plan is kept: ``my-plan.yaml`` → ``my-plan-peer-review.csv`` beside it."""
    path = _plan_path(plan)
    return path.with_name(f"{path.stem}-peer-review.csv")


_COLUMNS = ("reviewer", "indicator", "score", "comment")
_FORMULA = ("=", "+", "-", "@")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA else text


class PeerReview:
    """The T10 peer review of one plan: each reviewer's score (0-2) per indicator, kept in a CSV.

    Scale (exercises.yaml ``X5.scale``): 0 不满足, 1 部分满足, 2 满足, the checker's fail / warn /
    pass on the same points. Every ``record`` rewrites the file atomically; opening the review
    again reads what was saved.
    """

    def __init__(self, plan: Any) -> None:
        self.plan = plan
        self.path = peer_review_path(plan)
        self.rows: list[dict[str, Any]] = []
        self.problems: list[tuple[str, str]] = []  # entries refused by ``peer_review``, (Chinese, English)
        if self.path.is_file():
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    self.rows.append({"reviewer": _uncell(row["reviewer"]), "indicator": row["indicator"],
                                      "score": int(row["score"]), "comment": _uncell(row.get("comment") or "")})

    @property
    def reviewers(self) -> list[str]:
        return list(dict.fromkeys(r["reviewer"] for r in self.rows))

    def scores(self, reviewer: str) -> dict[str, int]:
        return {r["indicator"]: r["score"] for r in self.rows if r["reviewer"] == reviewer}

    def record(self, reviewer: str, scores: Mapping[str, Any], comments: Optional[Mapping[str, str]] = None) -> None:
        """Save one reviewer's scores (replacing their earlier ones); ValueError (Chinese / English) if invalid."""
        from okrlib.storage.yaml_file import atomic_write

        name = (reviewer or "").strip()
        if not name:
            raise ValueError(" / ".join(_both("exercises.X5.messages.bad_reviewer")))
        new = []
        for indicator, score in scores.items():
            if indicator not in T10_INDICATORS:
                raise ValueError(" / ".join(_both("exercises.X5.messages.bad_indicator", indicator=indicator)))
            ok = isinstance(score, int) and not isinstance(score, bool) or (isinstance(score, str) and score.strip() in ("0", "1", "2"))
            if not ok or int(score) not in (0, 1, 2):
                raise ValueError(" / ".join(_both("exercises.X5.messages.bad_score", indicator=indicator, score=score)))
            new.append({"reviewer": name, "indicator": indicator, "score": int(score),
                        "comment": str((comments or {}).get(indicator, "") or "")})
        rows = [r for r in self.rows if r["reviewer"] != name] + sorted(new, key=lambda r: T10_INDICATORS.index(r["indicator"]))

        def write(handle: Any) -> None:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(_COLUMNS)
            for r in rows:
                writer.writerow([_cell(r["reviewer"]), r["indicator"], r["score"], _cell(r["comment"])])
            handle.write(buffer.getvalue().encode("utf-8"))

        atomic_write(self.path, write)
        self.rows = rows

    def frame(self) -> "pd.DataFrame":
        """Every score saved: reviewer, indicator, score, comment."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(_COLUMNS))

    def _compared(self, report: Any = None) -> list[dict[str, Any]]:
        """Per T10 indicator (column codes of exercises.yaml ``X5.columns``): the reviewers against the checker."""
        from okrlib.method.checks import check

        s = spec("X5")
        report = report if report is not None else check(_workbook(self.plan))
        rows = []
        for ind in report.indicators:
            if ind.id not in T10_INDICATORS:
                continue
            given = [r["score"] for r in self.rows if r["indicator"] == ind.id]
            mean = round(sum(given) / len(given), 2) if given else None
            points = s["status_points"][ind.status]
            rows.append({"indicator": ind.id, "name": ind.name_zh, "reviewers": len(given), "mean": mean,
                         "checker": text.status(ind.status), "checker_points": points,
                         "difference": None if mean is None else round(mean - points, 2), "status": ind.status})
        return rows

    def summary(self, report: Any = None) -> "pd.DataFrame":
        """Per T10 indicator: the reviewers' mean (0-2), how many scored it, the checker's status and points."""
        return _frame(self._compared(report), "exercises.X5.columns")

    def _repr_html_(self) -> str:
        return numbers.table(self.summary()).to_html(index=False, escape=True, na_rep=numbers.MISSING, border=0)


def _frame(rows: list[dict[str, Any]], columns: str) -> "pd.DataFrame":
    """Rows keyed by column codes, as a table headed by the words at ``columns`` (in that order)."""
    import pandas as pd

    head = text.names(columns)
    return pd.DataFrame([{head[k]: row[k] for k in head} for row in rows], columns=list(head.values()))


def peer_review(plan: Any, scores: Optional[Mapping[str, Mapping[str, Any]]] = None,
                comments: Optional[Mapping[str, Mapping[str, str]]] = None) -> PeerReview:
    """Open the plan's peer review (reloading what was saved) and record ``scores``: ``{reviewer: {indicator: 0-2}}``.

    A reviewer's invalid entry (an unknown indicator, a score outside 0-2) is not recorded and is
    kept in ``review.problems`` (Chinese, English), so the notebook runs on to X5's feedback,
    which lists it, instead of stopping at a traceback."""
    review = PeerReview(plan)
    if scores is not None and not isinstance(scores, Mapping):
        review.problems.append(_both("exercises.X5.messages.bad_scores"))
        return review
    for reviewer, given in (scores or {}).items():
        if not isinstance(given, Mapping):
            review.problems.append(_both("exercises.X5.messages.bad_scores_of", name=reviewer))
            continue
        try:
            review.record(reviewer, given, (comments or {}).get(reviewer))
        except ValueError as exc:  # one reviewer's mistake: the others' scores are still recorded
            zh, _, en = str(exc).partition(" / ")
            review.problems.append((f"{reviewer}{text.say('labels.colon')}{zh}", f"{reviewer}{text.say('labels.colon', 'en')}{en or zh}"))
    return review


def x5(plan: PlanLike, review: Optional[PeerReview] = None, *, min_reviewers: int = 2) -> Feedback:
    """X5: the draft (1 O + 3-4 KRs, measurable outcomes), the checker's score, and a complete peer review."""
    from okrlib.method.analyze import analyze_kr
    from okrlib.method.checks import check

    s = spec("X5")
    wb = _workbook(plan)
    fb = Feedback("X5")
    if not wb.objectives:
        fb.items.append(_item("exercises.X5.messages.objective_no", False))
    else:
        fb.items.append(_item("exercises.X5.messages.objective", True, ids=_listed(o.id for o in wb.objectives)))
    for o in wb.objectives:
        n = len(wb.key_results_of(o.id))
        fb.items.append(_item("exercises.X5.messages.kr_count" if 3 <= n <= 4 else "exercises.X5.messages.kr_count_no", 3 <= n <= 4, o=o.id, n=n))
    analyses = {kr.id: analyze_kr(kr.statement) for kr in wb.key_results}
    weak = [k for k, a in analyses.items() if a.is_activity or not a.measurable]
    if wb.key_results:
        fb.items.append(_item("exercises.X5.messages.measurable_no", False, ids=_listed(weak)) if weak else _item("exercises.X5.messages.measurable", True))
    report = check(wb)
    t10 = [i for i in report.indicators if i.id in T10_INDICATORS]
    fb.items.append(_item("exercises.X5.messages.checker", None, score=report.score, fail=sum(i.status == "fail" for i in t10),
                          warn=sum(i.status == "warn" for i in t10)))
    review = review if review is not None else PeerReview(plan)
    for zh, en in review.problems:
        fb.items.append(Item(zh, en, False))
    complete = [r for r in review.reviewers if set(review.scores(r)) >= set(T10_INDICATORS)]
    if len(complete) >= min_reviewers:
        fb.items.append(_item("exercises.X5.messages.reviewers", True, n=len(complete), names=_listed(complete)))
    else:
        names = _Each(_both("exercises.X5.messages.reviewer_names", names=_listed(complete))) if complete else ""
        fb.items.append(_item("exercises.X5.messages.reviewers_no", False, need=min_reviewers, n=len(complete), names=names))
        for r in review.reviewers:
            left = [i for i in T10_INDICATORS if i not in review.scores(r)]
            if left:
                fb.items.append(_item("exercises.X5.messages.incomplete", None, name=r, ids=_listed(left)))
    if review.rows:
        compared = review._compared(report)
        fb.table = _frame(compared, "exercises.X5.columns")
        far = [row for row in compared if row["difference"] is not None and abs(row["difference"]) >= s["disagree_at"]]
        if far:
            items = _listed(_Each(_both("exercises.X5.messages.disagree_item", indicator=row["indicator"], mean=row["mean"],
                                        status=_Each((text.status(row["status"]), text.status(row["status"], "en")))))
                            for row in far)
            fb.items.append(_item("exercises.X5.messages.disagree", None, items=items))
        else:
            fb.items.append(_item("exercises.X5.messages.agree", None))
    fb.hint(*_both("exercises.X5.messages.hint"))
    return fb


# --------------------------------------------------------------------------------------------
# X6: three risks and the T15 matrix
# --------------------------------------------------------------------------------------------


def _risk_type(said: str, words: Mapping[str, Sequence[str]]) -> Optional[str]:
    best, hits = None, 0
    for kind, ws in words.items():
        n = sum(1 for w in ws if w in said)
        if n > hits:
            best, hits = kind, n
    return best


def x6(plan: PlanLike, risk_types: Optional[Mapping[str, str]] = None) -> Feedback:
    """X6: at least three risks, each with likelihood × impact, response, owner and an O/KR, and its T15 row.

    ``risk_types``: ``{risk id: T15 change type}`` (研发资源不足, 需求变更, 市场变化, 目标变更,
    关键人员离开); a risk not named there is typed from the words of its description.
    """
    from okrlib.course import reference

    s = spec("X6")
    wb = _workbook(plan)
    matrix = reference.load("T15")
    types = list(dict.fromkeys(str(t) for t in matrix["change_type"]))
    fb = Feedback("X6")
    n = len(wb.risks)
    fb.items.append(_item("exercises.X6.messages.count" if n >= s["min_risks"] else "exercises.X6.messages.count_no", n >= s["min_risks"], n=n))
    rows = []
    for r in wb.risks:
        score = r.likelihood * r.impact
        named = (risk_types or {}).get(r.id)
        kind = named if named else _risk_type(r.description + " " + r.response, s["type_words"])
        match = matrix[(matrix["change_type"].astype(str) == str(kind)) & (matrix["score_min"] <= score) & (matrix["score_max"] >= score)]
        severity = str(match.iloc[0]["severity"]) if len(match) else numbers.MISSING
        fb.items.append(_item("exercises.X6.messages.risk", None, id=r.id, text=r.description, likelihood=r.likelihood, impact=r.impact,
                              score=score, severity=severity))
        fb.items.append(_item("exercises.X6.messages.response" if not _blank(r.response) else "exercises.X6.messages.response_no", not _blank(r.response), id=r.id))
        fb.items.append(_item("exercises.X6.messages.owner" if not _blank(r.owner) else "exercises.X6.messages.owner_no", not _blank(r.owner), id=r.id))
        fb.items.append(_item("exercises.X6.messages.link", True, id=r.id, target=r.relates_to) if r.relates_to else _item("exercises.X6.messages.link_no", False, id=r.id))
        if named and named not in types:
            fb.items.append(_item("exercises.X6.messages.bad_type", False, id=r.id, type=named, types=_listed(types)))
        elif len(match):
            m = match.iloc[0]
            fb.items.append(_item("exercises.X6.messages.matrix", True, id=r.id, type=kind, severity=severity, response=m["response"],
                                  action=m["action"], decided_by=m["decided_by"]))
            rows.append({"risk": r.id, "description": r.description, "score": score, "type": kind, "severity": severity,
                         "matrix_response": m["response"], "action": m["action"], "decided_by": m["decided_by"],
                         "response": r.response, "owner": r.owner})
        else:
            fb.items.append(_item("exercises.X6.messages.matrix_no", False, id=r.id, types=_listed(types)))
    if rows:
        fb.table = _frame(rows, "exercises.X6.columns")
    fb.hint(*_both("exercises.X6.messages.hint"))
    return fb


# --------------------------------------------------------------------------------------------
# X7: review notes and the next cycle
# --------------------------------------------------------------------------------------------


_ID_WORD = re.compile(r"\b(?:O|KR|PG|CG|T|R|N)\d+(?:\.\d+)?\b")


def x7(plan: PlanLike, next_direction: Optional[str] = None) -> Feedback:
    """X7: review notes of all three kinds (reflection, asset, carry_forward), each linked to the plan, and the next direction."""
    s = spec("X7")
    wb = _workbook(plan)
    fb = Feedback("X7")
    notes = wb.review.notes
    for kind in ("reflection", "asset", "carry_forward"):
        ids = [n.id for n in notes if n.kind == kind]
        name = _choice("note_kind", kind)
        fb.items.append(_item("exercises.X7.messages.kind", True, kind=name, ids=_listed(ids)) if ids else _item("exercises.X7.messages.kind_no", False, kind=name))
    unlinked = [n.id for n in notes if not n.relates_to]
    if notes:
        fb.items.append(_item("exercises.X7.messages.linked_no", False, ids=_listed(unlinked)) if unlinked else _item("exercises.X7.messages.linked", True))
    direction = (next_direction or "").strip()
    if len(direction) >= s["direction_min_chars"]:
        fb.items.append(_item("exercises.X7.messages.direction", True))
        known = {rid for _, rid, _ in wb.iter_ids()}
        named = [w for w in dict.fromkeys(_ID_WORD.findall(direction)) if w in known]
        fb.items.append(_item("exercises.X7.messages.direction_link", None, ids=_listed(named)) if named else _item("exercises.X7.messages.direction_link_no", None))
    else:
        fb.items.append(_item("exercises.X7.messages.direction_no", False))
    fb.hint(*_both("exercises.X7.messages.hint"))
    return fb


# --------------------------------------------------------------------------------------------
# X8: the one-month action plan
# --------------------------------------------------------------------------------------------


def _date(value: Any) -> dt.date:
    if value is None:
        return workspace.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def x8(plan: PlanLike, today: Any = None, *, days: Optional[int] = None) -> Feedback:
    """X8: at least 3 actions, each with an owner, due between ``today`` and ``today + days`` (31), a success measure and a link."""
    s = spec("X8")
    wb = _workbook(plan)
    day = _date(today)
    last = day + dt.timedelta(days=days if days is not None else s["days"])
    fb = Feedback("X8")
    items = wb.action_plan
    n = len(items)
    fb.items.append(_item("exercises.X8.messages.count" if n >= s["min_items"] else "exercises.X8.messages.count_no", n >= s["min_items"], n=n))
    for a in items:
        fb.items.append(_item("exercises.X8.messages.owner", True, id=a.id, owner=a.owner) if not _blank(a.owner) else _item("exercises.X8.messages.owner_no", False, id=a.id))
        if a.due is None:
            fb.items.append(_item("exercises.X8.messages.due_no", False, id=a.id))
        elif a.due < day:
            fb.items.append(_item("exercises.X8.messages.due_past", False, id=a.id, due=a.due.isoformat(), today=day.isoformat()))
        elif a.due > last:
            fb.items.append(_item("exercises.X8.messages.due_late", False, id=a.id, due=a.due.isoformat(), last=last.isoformat()))
        else:
            fb.items.append(_item("exercises.X8.messages.due", True, id=a.id, due=a.due.isoformat()))
        ok = not _blank(a.success_measure)
        fb.items.append(_item("exercises.X8.messages.measure" if ok else "exercises.X8.messages.measure_no", ok, id=a.id))
        fb.items.append(_item("exercises.X8.messages.link", True, id=a.id, target=a.relates_to) if a.relates_to else _item("exercises.X8.messages.link_no", False, id=a.id))
    fb.hint(*_both("exercises.X8.messages.hint"))
    return fb
