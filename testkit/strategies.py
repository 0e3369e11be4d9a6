"""Hypothesis strategies for VALID plan workbooks, for round trips through YAML, frames, xlsx, CSV.

``workbooks()`` draws a ``Workbook`` with rows in every section: unique ids, references that
resolve (parents one level up, KRs to objectives, scores once per KR ...), and the values that
break naive exporters: Chinese text, emoji, empty and very long strings, line breaks, tabs,
text that looks like a formula, a number, a date or a null (``=1+1``, ``001``, ``NA``), outer
spaces, negative/decimal/huge/17-digit floats, dates from year 1 to 9999, optional fields None.
Every value is one the model accepts; ``Workbook.from_dict`` checks that on every draw, so a
strategy bug shows up as an error here, not as a false round-trip failure.

``workbook_data()`` gives the same as plain data (what YAML gives), for tests of the loader.

One deliberate limit: names inside lists (``collaborators``) have no outer spaces, because a
spreadsheet cell ``产品部、 设计部`` is read back stripped (see okrlib/tables.py).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Optional

from hypothesis import strategies as st

from okrlib.words.resources import data_file
from okrlib.plan.model import SCHEMA_VERSION, Workbook

__all__ = [
    "workbooks",
    "workbook_data",
    "texts",
    "required_texts",
    "name_items",
    "ids",
    "numbers",
    "dates",
    "SPECIAL_TEXTS",
]

VOCAB = data_file("vocab")
_LEVELS = list(VOCAB["goal_level"])  # mission_vision, annual_strategy, business_goal (top first)

# Text the model accepts: no control characters except tab and line feed, no surrogates, no
# U+FFFE/U+FFFF. Texts are drawn as a few pieces (words, emoji, spaces, line breaks, or any
# allowed character) rather than character by character: as varied, and several times faster.
_ANY_CHAR = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
_WORDS = (
    "目标", "关键结果", "提升", "增长", "用户", "产品", "客户成功", "Q1", "KR", "OKR", "85%", "0.35", "万元",
    " ", "  ", "\n", "\t", "\u3000", "\u00a0", ",", "、", "。", ";", "!", "?", "=", "\"", "'", "#", "-", "_",
    "😀", "🎯", "🚀", "👍🏽", "👨‍👩‍👧", "🇨🇳", "€", "$",
)
_PIECES = st.one_of(st.sampled_from(_WORDS), _ANY_CHAR)

SPECIAL_TEXTS: tuple[str, ...] = (
    "",
    "=1+1",
    "=SUM(A1:A3)",
    "+1",
    "-1",
    "@cmd",
    "NA",
    "N/A",
    "#N/A",
    "#DIV/0!",
    "null",
    "None",
    "nan",
    "NaN",
    "TRUE",
    "false",
    "是",
    " leading/trailing spaces ",
    "  ",
    "\t",
    "\n",
    "001",
    "0",
    "1e5",
    "3,000",
    "2027-03-31",
    "'quoted",
    '"double" quotes',
    "a,b;c、d，e；f",
    "第一行\n第二行\n",
    "\tindented",
    "_x000D_",
    "<b>&amp;</b>",
    "emoji 🎯🚀 👨‍👩‍👧 🇨🇳",
    "中文 English 混合",
    "e\u0301",  # combining accent: must not be normalised away
    "\u2028line separator",
    "全角　空格",
)

_short = st.lists(_PIECES, max_size=8).map("".join)
_long = st.builds(  # up to 5,000 characters: a drawn piece repeated
    lambda piece, n: (piece * n)[:5000], st.lists(_PIECES, min_size=1, max_size=4).map("".join), st.integers(100, 2000)
)


@lru_cache(maxsize=None)
def texts() -> st.SearchStrategy[str]:
    """Free text (may be empty)."""
    return st.one_of(st.sampled_from(SPECIAL_TEXTS), _short, _long)


@lru_cache(maxsize=None)
def required_texts() -> st.SearchStrategy[str]:
    """Text with something in it (the model refuses blank)."""
    return texts().map(lambda s: s if s.strip() else s + "必填")


_NAME_PIECES = st.one_of(
    st.sampled_from(["产品", "研发", "设计", "销售", "客户成功", "部", "组", "中心", " ", "-", "&", "(", ")", "😀", "\t"]),
    _ANY_CHAR.filter(lambda c: c not in ",;，；、\n"),
)


@lru_cache(maxsize=None)
def name_items() -> st.SearchStrategy[str]:
    """One department name: no separators, no outer spaces (the model refuses both)."""
    return st.one_of(
        st.sampled_from(["产品部", "算法组", "客户成功部", "Sales", "R&D", "🎯 增长组", "数据平台(BI)"]),
        st.lists(_NAME_PIECES, min_size=1, max_size=5).map(lambda parts: "".join(parts).strip()).filter(bool),
    )


_ID_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ID_REST = _ID_FIRST + "0123456789_.-"


@lru_cache(maxsize=None)
def ids() -> st.SearchStrategy[str]:
    """An id as the model defines it (a letter, then up to 63 of letters, digits, _ . -)."""
    prefixes = st.sampled_from(["CG", "F", "E", "PG", "O", "KR", "X", "T", "C", "R", "A", "N", "P"])
    return st.one_of(
        st.builds(lambda p, n: f"{p}{n}", prefixes, st.integers(0, 999)),
        st.builds(lambda a, b: a + b, st.sampled_from(_ID_FIRST), st.text(st.sampled_from(_ID_REST), max_size=6)),
        st.builds(lambda a, b: (a + b * 63)[:64], st.sampled_from(_ID_FIRST), st.sampled_from(_ID_REST)),  # longest
    )


_FLOAT_EDGES = (
    0.0, -0.0, 1.0, -1.5, 0.1, 0.30000000000000004, 85.0, 3000000.0, 123456789.123,
    1e20, -1e-10, 1e15, 9007199254740993.0, 5e-324, 1.7976931348623157e308,
)  # fmt: skip


@lru_cache(maxsize=None)
def numbers(min_value: Optional[float] = None, max_value: Optional[float] = None) -> st.SearchStrategy[float]:
    """Finite floats incl. negatives, decimals, 17-digit, huge and tiny ones."""
    edges = [x for x in _FLOAT_EDGES if (min_value is None or x >= min_value) and (max_value is None or x <= max_value)]
    return st.one_of(
        st.sampled_from(edges),
        st.integers(-(10**6), 10**6).map(float).filter(
            lambda x: (min_value is None or x >= min_value) and (max_value is None or x <= max_value)
        ),
        st.floats(min_value=min_value, max_value=max_value, allow_nan=False, allow_infinity=False),
    )


@lru_cache(maxsize=None)
def dates() -> st.SearchStrategy[dt.date]:
    """Mostly plan-like dates, sometimes anywhere in 0001-9999 (Excel cannot hold all of them)."""
    return st.one_of(
        st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
        st.sampled_from(
            [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1),
             dt.date(9999, 12, 31)]
        ),  # fmt: skip
        st.dates(),
    )


@lru_cache(maxsize=None)
def _code(vocab: str) -> st.SearchStrategy[str]:
    return st.sampled_from(list(VOCAB[vocab]))


@lru_cache(maxsize=None)
def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@lru_cache(maxsize=None)
def _pos(n: int) -> st.SearchStrategy[int]:
    return st.integers(0, n - 1)


@lru_cache(maxsize=None)
def _index(n: int) -> st.SearchStrategy[int]:
    """-1 (no reference) or a position in a list of n ids."""
    return st.integers(-1, n - 1)


_QUARTER = _maybe(st.integers(1, 4))
_RELEVANCE = _maybe(st.integers(1, 5))
_CONFIDENCE = _maybe(st.integers(1, 10))
_IMPACT = st.integers(-2, 2)
_ONE_TO_FIVE = st.integers(1, 5)
_YEAR = st.integers(2000, 2100)
_ROI_UNIT = st.one_of(st.just("万元"), texts())
_COLLABORATORS = st.lists(name_items(), max_size=3)


@st.composite
def _cycle(draw: st.DrawFn) -> dict[str, Any]:
    year = draw(_YEAR)
    if draw(st.booleans()):
        return {"year": year, "quarter": draw(_QUARTER)}
    start, end = sorted([draw(dates()), draw(dates())])
    return {"year": year, "start": start, "end": end}


@st.composite
def workbook_data(draw: st.DrawFn, max_rows: int = 3) -> dict[str, Any]:
    """A valid workbook as plain data (codes for choices, ``datetime.date`` for dates)."""
    count = st.integers(0, max_rows)
    n = {
        "company_goals": draw(count),
        "factors": draw(count),
        "core_elements": draw(count),
        "product_goals": draw(count),
        "objectives": draw(count),
        "key_results": draw(count),
        "cross_dept": draw(count),
        "tasks": draw(count),
        "checkins": draw(count),
        "risks": draw(count),
        "adjustments": draw(count),
        "review_notes": draw(count),
        "action_plan": draw(count),
    }
    if not n["company_goals"]:
        n["core_elements"] = 0  # an element belongs to a company goal
    if not n["objectives"]:
        n["key_results"] = 0
    if not n["key_results"]:
        n["tasks"] = n["checkins"] = 0
    pool = draw(st.lists(ids(), min_size=sum(n.values()), max_size=sum(n.values()), unique=True))
    taken = iter(pool)
    section_ids = {name: [next(taken) for _ in range(k)] for name, k in n.items()}
    every_id = list(pool)

    def ref(candidates: list[str]) -> Any:
        if not candidates:
            return None
        i = draw(_index(len(candidates)))
        return None if i < 0 else candidates[i]

    def pick(candidates: list[str]) -> str:
        return candidates[draw(_pos(len(candidates)))]

    any_ref = lambda: ref(every_id)  # noqa: E731

    goals = []
    for i, gid in enumerate(section_ids["company_goals"]):
        level = pick(_LEVELS)
        above = [g["id"] for g in goals if _LEVELS.index(g["level"]) < _LEVELS.index(level)]
        goal: dict[str, Any] = {"id": gid, "level": level, "statement": draw(required_texts())}
        parent = ref(above)
        if parent is not None:
            goal["parent"] = parent
        if draw(st.booleans()):
            goal["decode"] = {
                "essence": draw(texts()),
                "drivers": draw(texts()),
                "constraints": draw(texts()),
                "risks": draw(texts()),
                "relevance": draw(_RELEVANCE),
                "relevance_note": draw(texts()),
            }
        goals.append(goal)
    goal_ids = section_ids["company_goals"]

    factors = []
    for fid in section_ids["factors"]:
        side = draw(_code("factor_side"))
        fitting = [c for c, v in VOCAB["factor_category"].items() if v.get("side") in (None, side)]
        factors.append(
            {
                "id": fid,
                "side": side,
                "category": pick(fitting),
                "description": draw(required_texts()),
                "evidence": draw(texts()),
                "impact": draw(_IMPACT),
                "affects": draw(st.lists(st.sampled_from(goal_ids), unique=True, max_size=3)) if goal_ids else [],
            }
        )

    elements = [
        {
            "id": eid,
            "kind": draw(_code("element_kind")),
            "description": draw(required_texts()),
            "goal": pick(goal_ids),
            "note": draw(texts()),
        }
        for eid in section_ids["core_elements"]
    ]

    product_goals = [
        {
            "id": pid,
            "role": draw(_code("product_role")),
            "statement": draw(required_texts()),
            "metric": draw(texts()),
            "baseline": draw(_maybe(numbers())),
            "target": draw(_maybe(numbers())),
            "unit": draw(texts()),
            "deadline": draw(_maybe(dates())),
            "roi": {
                "investment": draw(_maybe(numbers(min_value=0))),
                "expected_return": draw(_maybe(numbers())),
                "unit": draw(_ROI_UNIT),
                "note": draw(texts()),
            },
            "derived_from": ref(goal_ids),
        }
        for pid in section_ids["product_goals"]
    ]

    objectives = [
        {
            "id": oid,
            "statement": draw(required_texts()),
            "kind": draw(_code("objective_kind")),
            "owner": draw(texts()),
            "derived_from": ref(section_ids["product_goals"]),
        }
        for oid in section_ids["objectives"]
    ]

    key_results = [
        {
            "id": kid,
            "objective": pick(section_ids["objectives"]),
            "statement": draw(required_texts()),
            "metric": draw(texts()),
            "baseline": draw(_maybe(numbers())),
            "target": draw(_maybe(numbers())),
            "unit": draw(texts()),
            "direction": draw(_code("direction")),
            "type": draw(_code("kr_type")),
            "dimension": draw(_maybe(_code("kr_dimension"))),
            "owner": draw(texts()),
            "weight": draw(numbers(min_value=0)),
            "due": draw(_maybe(dates())),
            "collaborators": draw(_COLLABORATORS),
            "data_source": draw(texts()),
        }
        for kid in section_ids["key_results"]
    ]
    kr_ids = section_ids["key_results"]

    cross_dept = [
        {
            "id": xid,
            "department": draw(name_items()),
            "need": draw(required_texts()),
            "contact": draw(texts()),
            "agreed": draw(st.booleans()),
            "relates_to": any_ref(),
        }
        for xid in section_ids["cross_dept"]
    ]

    tasks = [
        {
            "id": tid,
            "key_result": pick(kr_ids),
            "title": draw(required_texts()),
            "owner": draw(texts()),
            "due": draw(_maybe(dates())),
            "status": draw(_code("task_status")),
        }
        for tid in section_ids["tasks"]
    ]

    checkins = [
        {
            "id": cid,
            "key_result": pick(kr_ids),
            "date": draw(dates()),
            "value": draw(_maybe(numbers())),
            "confidence": draw(_CONFIDENCE),
            "note": draw(texts()),
        }
        for cid in section_ids["checkins"]
    ]

    risks = [
        {
            "id": rid,
            "description": draw(required_texts()),
            "relates_to": any_ref(),
            "likelihood": draw(_ONE_TO_FIVE),
            "impact": draw(_ONE_TO_FIVE),
            "response": draw(texts()),
            "owner": draw(texts()),
        }
        for rid in section_ids["risks"]
    ]

    adjustments = [
        {
            "id": aid,
            "date": draw(dates()),
            "relates_to": any_ref(),
            "change": draw(required_texts()),
            "reason": draw(required_texts()),
            "approved_by": draw(texts()),
            "field": draw(texts()),
            "old_value": draw(texts()),
            "new_value": draw(texts()),
        }
        for aid in section_ids["adjustments"]
    ]

    scored = draw(st.lists(st.sampled_from(kr_ids), unique=True, max_size=len(kr_ids))) if kr_ids else []
    scores = [{"key_result": k, "score": draw(numbers(0, 1)), "comment": draw(texts())} for k in scored]
    notes = [
        {"id": nid, "kind": draw(_code("note_kind")), "text": draw(required_texts()), "relates_to": any_ref()}
        for nid in section_ids["review_notes"]
    ]

    actions = [
        {
            "id": pid,
            "action": draw(required_texts()),
            "owner": draw(texts()),
            "due": draw(_maybe(dates())),
            "success_measure": draw(texts()),
            "relates_to": any_ref(),
            "done": draw(st.booleans()),
        }
        for pid in section_ids["action_plan"]
    ]

    return {
        "schema_version": SCHEMA_VERSION,
        "meta": {
            "team": draw(required_texts()),
            "product": draw(required_texts()),
            "company": draw(texts()),
            "product_type": draw(_code("product_type")),
            "cycle": draw(_cycle()),
            "language": draw(_code("language")),
        },
        "company_goals": goals,
        "factors": factors,
        "core_elements": elements,
        "product_goals": product_goals,
        "objectives": objectives,
        "key_results": key_results,
        "cross_dept": cross_dept,
        "tasks": tasks,
        "checkins": checkins,
        "risks": risks,
        "adjustments": adjustments,
        "review": {"scores": scores, "notes": notes},
        "action_plan": actions,
    }


def workbooks(max_rows: int = 3) -> st.SearchStrategy[Workbook]:
    """A valid Workbook with up to ``max_rows`` rows per section (validated on every draw)."""
    return workbook_data(max_rows=max_rows).map(Workbook.from_dict)
