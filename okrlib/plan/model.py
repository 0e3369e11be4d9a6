"""The plan workbook: one team's chain from company goal to one-month action plan.

The course treats a participant's plan as a single document that grows module by module
(M3 decode → M4 product goals → M5 OKRs → M6 execution → M7 review → M8 action plan).
Keeping it one typed, cross-checked object is what lets every key result be traced back to
the company goal it serves, and lets each tool read what the previous one wrote.

Structural validity (types, ranges, ids, references) lives here; whether the plan is a *good*
plan (measurable KRs, focus, alignment) is the checker's job, so a flawed case plan still loads.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Annotated, Any, Callable, Iterator, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from okrlib.words import labels, text
from okrlib.words.resources import data_file
from okrlib.words.problems import Problem, WorkbookError, message, problem, problems_from_validation_error, register_pattern

__all__ = [
    "SCHEMA_VERSION",
    "SECTIONS",
    "Workbook",
    "Meta",
    "Cycle",
    "CompanyGoal",
    "FiveDimensions",
    "Factor",
    "CoreElement",
    "ProductGoal",
    "Roi",
    "Objective",
    "KeyResult",
    "CrossDeptItem",
    "Task",
    "CheckIn",
    "Risk",
    "Adjustment",
    "KrScore",
    "ReviewNote",
    "Review",
    "ActionItem",
    "Ref",
    "Section",
    "Trace",
    "TraceStep",
]

SCHEMA_VERSION = 1
"""Version of the YAML file format; bumped only with a migration in okrlib.storage.yaml_file."""

TEXT_MAX = 16_000
"""Longest text a field holds: leaves room under Excel's 32,767 UTF-16 units per cell."""

# --------------------------------------------------------------------------------------------
# Field types
# --------------------------------------------------------------------------------------------

# Field rules are regular expressions run by pydantic-core (Rust), not Python callbacks, so a
# valid value never enters Python (the benchmarks' validate figure rests on it). The Python side
# only explains a failure, in okrlib.words.problems, through the explainers registered below.
_C = r"\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff"  # control characters (tab and line feed allowed)
_SEP = re.escape(data_file("labels")["name_separators"]) + r"\n"  # separators of names in one table cell
TEXT_PATTERN = rf"^[^{_C}]*$"
REQUIRED_PATTERN = rf"^[^{_C}]*[^\s{_C}][^{_C}]*$"
NAME_PATTERN = rf"^[^\s{_C}{_SEP}](?:[^{_C}{_SEP}]*[^\s{_C}{_SEP}])?$"
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$"
_CONTROL = re.compile(f"[{_C}]")
# where one cell or form field holding several names is split
NAME_SEPARATOR = re.compile(f"[{_SEP}]")


def _explain_text(value: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(value, str) and not value.strip():
        return "okr_blank", {}
    bad = _CONTROL.search(value) if isinstance(value, str) else None
    return "okr_control_char", {"position": bad.start() if bad else "?"}


def _explain_name(value: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(value, str) and value.strip() and not _CONTROL.search(value):
        if NAME_SEPARATOR.search(value):
            return "okr_name_separator", {}
        return "okr_name_spaces", {}
    return _explain_text(value)


register_pattern(TEXT_PATTERN, _explain_text)
register_pattern(REQUIRED_PATTERN, _explain_text)
register_pattern(NAME_PATTERN, _explain_name)
register_pattern(ID_PATTERN, lambda value: ("okr_id", {}))

Text = Annotated[str, Field(max_length=TEXT_MAX, pattern=TEXT_PATTERN)]
"""Free text; may be empty. Control characters are refused: Excel cannot store them, nobody means them."""
Required = Annotated[str, Field(max_length=TEXT_MAX, pattern=REQUIRED_PATTERN)]
"""Text that must say something."""
NameItem = Annotated[str, Field(max_length=200, pattern=NAME_PATTERN)]
"""One name in a list of names (a department): no separators and no outer spaces, so a list fits one cell."""
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Date = dt.date


@dataclass(frozen=True)
class Ref:
    """Marks a field as holding the id of a row of ``section`` (``"*"``: of any section)."""

    section: str


def _labels_to_codes(vocab: str) -> Any:
    """A validator that reads a label (``年度策略``, ``Annual strategy``) as its code."""
    entries = data_file("vocab")[vocab]
    lookup: dict[str, str] = {}
    for code, names in entries.items():
        lookup[code.lower()] = code
        for lang in ("zh", "en"):
            lookup[names[lang]] = code
            lookup[names[lang].lower()] = code
    shown_zh = text.join((f"{code}({names['zh']})" for code, names in entries.items()), "zh")
    shown_en = text.join((f"{code} ({names['en']})" for code, names in entries.items()), "en")

    def parse(value: str) -> str:
        found = lookup.get(value) or lookup.get(value.strip().lower())
        if found is None:
            raise PydanticCustomError(
                "okr_choice", "Should be one of: {choices_en}", {"choices": shown_zh, "choices_en": shown_en}
            )
        return found

    return AfterValidator(parse)


def _choice(codes: Any, vocab: str) -> Any:
    # The code is matched in Rust first; only a label (or a mistake) reaches Python.
    return Annotated[
        Union[codes, Annotated[str, _labels_to_codes(vocab)]],
        Field(union_mode="left_to_right"),
    ]


ProductType = _choice(Literal["to_c", "to_b", "platform"], "product_type")
Language = _choice(Literal["zh", "en"], "language")
GoalLevel = _choice(Literal["mission_vision", "annual_strategy", "business_goal"], "goal_level")
FactorSide = _choice(Literal["internal", "external"], "factor_side")
FactorCategory = _choice(Literal[
        "rd_capability",
        "product_matrix",
        "team_resources",
        "industry_trend",
        "competitor",
        "customer_demand",
        "policy",
        "other",
    ], "factor_category")
ElementKind = _choice(Literal["customer_segment", "core_feature", "business_metric"], "element_kind")
ProductRole = _choice(Literal["revenue_core", "tech_pilot", "market_supplement"], "product_role")
ObjectiveKind = _choice(Literal["committed", "aspirational"], "objective_kind")
Direction = _choice(Literal["up", "down", "maintain"], "direction")
KrType = _choice(Literal["metric", "milestone", "baseline"], "kr_type")
KrDimension = _choice(Literal["user", "business", "tech"], "kr_dimension")
TaskStatus = _choice(Literal["todo", "doing", "done", "blocked"], "task_status")
NoteKind = _choice(Literal["reflection", "asset", "carry_forward"], "note_kind")


class _Base(BaseModel):
    # Unknown keys are refused so that a typo in a hand-edited file is reported, not dropped.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


class Cycle(_Base):
    """The plan's period: a year, one quarter of it, or custom dates (双月, 月度 ...)."""

    year: Annotated[int, Field(ge=2000, le=2100)]
    quarter: Annotated[Optional[int], Field(ge=1, le=4)] = None
    start: Optional[Date] = None
    end: Optional[Date] = None

    @model_validator(mode="after")
    def _consistent(self) -> "Cycle":
        if (self.start is None) != (self.end is None):
            raise PydanticCustomError("okr_cycle_dates", "A custom cycle needs both a start and an end date")
        if self.start is not None and self.quarter is not None:
            raise PydanticCustomError("okr_cycle_both", "A cycle is set by quarter or by custom dates, not both")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise PydanticCustomError(
                "okr_cycle_order", "The cycle starts after it ends", {"start": str(self.start), "end": str(self.end)}
            )
        return self

    @property
    def start_date(self) -> dt.date:
        if self.start is not None:
            return self.start
        month = 1 if self.quarter is None else 3 * self.quarter - 2
        return dt.date(self.year, month, 1)

    @property
    def end_date(self) -> dt.date:
        if self.end is not None:
            return self.end
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.start is not None:
            return f"{self.start.isoformat()} ~ {self.end_date.isoformat()}"
        return f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"


class Meta(_Base):
    """Whose plan this is and for which period."""

    team: Required
    product: Required
    company: Text = ""
    product_type: ProductType
    cycle: Cycle
    language: Language = "zh"


class FiveDimensions(_Base):
    """T04 公司目标五维拆解: 目标本质-核心驱动因素-资源约束-风险点-产品关联度."""

    essence: Text = ""
    drivers: Text = ""
    constraints: Text = ""
    risks: Text = ""
    relevance: Annotated[Optional[int], Field(ge=1, le=5)] = None
    relevance_note: Text = ""


class CompanyGoal(_Base):
    """A goal of the company at one level of 使命愿景 → 年度策略 → 业务目标."""

    id: Id
    level: GoalLevel
    statement: Required
    parent: Annotated[Optional[Id], Ref("company_goals")] = None
    decode: FiveDimensions = Field(default_factory=FiveDimensions)


class Factor(_Base):
    """A row of T07 内外因素影响对照表: what inside or outside the company pushes a goal."""

    id: Id
    side: FactorSide
    category: FactorCategory
    description: Required
    evidence: Text = ""
    impact: Annotated[int, Field(ge=-2, le=2)] = 0
    affects: Annotated[list[Id], Ref("company_goals")] = Field(default_factory=list)

    @model_validator(mode="after")
    def _category_fits_side(self) -> "Factor":
        expected = data_file("vocab")["factor_category"][self.category].get("side")
        if expected is not None and expected != self.side:
            labels = data_file("vocab")
            raise PydanticCustomError(
                "okr_category_side",
                "Category does not fit the side",
                {
                    "category": labels["factor_category"][self.category]["zh"],
                    "expected": labels["factor_side"][expected]["zh"],
                    "side": labels["factor_side"][self.side]["zh"],
                    "category_en": labels["factor_category"][self.category]["en"],
                    "expected_en": labels["factor_side"][expected]["en"].lower(),
                    "side_en": labels["factor_side"][self.side]["en"].lower(),
                },
            )
        return self


class CoreElement(_Base):
    """A core element extracted in M3: a customer group, a core feature or a business metric."""

    id: Id
    kind: ElementKind
    description: Required
    goal: Annotated[Id, Ref("company_goals")]
    note: Text = ""


class Roi(_Base):
    """What a product goal costs and is expected to return, in one unit (万元 by default)."""

    investment: Annotated[Optional[Number], Field(ge=0)] = None
    expected_return: Optional[Number] = None
    unit: Text = data_file("labels")["defaults"]["roi_unit"]
    note: Text = ""

    @property
    def ratio(self) -> Optional[float]:
        """(return - investment) / investment, or None when it cannot be computed."""
        if self.investment and self.expected_return is not None:
            return (self.expected_return - self.investment) / self.investment
        return None


class ProductGoal(_Base):
    """A product goal derived from a company goal (M4), with the product's role in it."""

    id: Id
    role: ProductRole
    statement: Required
    metric: Text = ""
    baseline: Optional[Number] = None
    target: Optional[Number] = None
    unit: Text = ""
    deadline: Optional[Date] = None
    roi: Roi = Field(default_factory=Roi)
    derived_from: Annotated[Optional[Id], Ref("company_goals")] = None


class Objective(_Base):
    """An O. ``derived_from`` may be empty: an O cut off from the strategy is a flaw to find, not a crash."""

    id: Id
    statement: Required
    kind: ObjectiveKind = "aspirational"
    owner: Text = ""
    derived_from: Annotated[Optional[Id], Ref("product_goals")] = None


class KeyResult(_Base):
    """A KR of one objective: the measurable result, with who owns it and by when."""

    id: Id
    objective: Annotated[Id, Ref("objectives")]
    statement: Required
    metric: Text = ""
    baseline: Optional[Number] = None
    target: Optional[Number] = None
    unit: Text = ""
    direction: Direction = "up"
    type: KrType = "metric"
    dimension: Optional[KrDimension] = None
    owner: Text = ""
    weight: Annotated[Number, Field(ge=0)] = 1.0
    due: Optional[Date] = None
    collaborators: list[NameItem] = Field(default_factory=list)
    data_source: Text = ""


class CrossDeptItem(_Base):
    """A row of T12 跨部门协同清单: what another department must give, and whether it agreed."""

    id: Id
    department: NameItem
    need: Required
    contact: Text = ""
    agreed: bool = False
    relates_to: Annotated[Optional[Id], Ref("*")] = None


class Task(_Base):
    """T13: a task a KR is broken into, with its owner and date."""

    id: Id
    key_result: Annotated[Id, Ref("key_results")]
    title: Required
    owner: Text = ""
    due: Optional[Date] = None
    status: TaskStatus = "todo"


class CheckIn(_Base):
    """T14 周同步: a KR's value and the owner's confidence (1-10) on a date."""

    id: Id
    key_result: Annotated[Id, Ref("key_results")]
    date: Date
    value: Optional[Number] = None
    confidence: Annotated[Optional[int], Field(ge=1, le=10)] = None
    note: Text = ""


class Risk(_Base):
    """An execution risk on the 1-5 x 1-5 likelihood-impact matrix, with the planned response."""

    id: Id
    description: Required
    relates_to: Annotated[Optional[Id], Ref("*")] = None
    likelihood: Annotated[int, Field(ge=1, le=5)]
    impact: Annotated[int, Field(ge=1, le=5)]
    response: Text = ""
    owner: Text = ""

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Adjustment(_Base):
    """T15: a logged change to the plan (what, why, who approved it, when)."""

    id: Id
    date: Date
    relates_to: Annotated[Optional[Id], Ref("*")] = None
    change: Required
    reason: Required
    approved_by: Text = ""
    field: Text = ""
    old_value: Text = ""
    new_value: Text = ""


class KrScore(_Base):
    """T16: the score a KR was given at review (0.0-1.0)."""

    key_result: Annotated[Id, Ref("key_results")]
    score: Annotated[Number, Field(ge=0, le=1)]
    comment: Text = ""


class ReviewNote(_Base):
    """T17: a reflection, a reusable asset, or something that carries into the next cycle."""

    id: Id
    kind: NoteKind
    text: Required
    relates_to: Annotated[Optional[Id], Ref("*")] = None


class Review(_Base):
    """The end-of-cycle review (M7)."""

    scores: list[KrScore] = Field(default_factory=list)
    notes: list[ReviewNote] = Field(default_factory=list)


class ActionItem(_Base):
    """T19: one step of the participant's next-month action plan."""

    id: Id
    action: Required
    owner: Text = ""
    due: Optional[Date] = None
    success_measure: Text = ""
    relates_to: Annotated[Optional[Id], Ref("*")] = None
    done: bool = False


# --------------------------------------------------------------------------------------------
# Section registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A list of rows in the workbook: where it sits and what one row is."""

    name: str
    path: tuple[str, ...]
    row: type[_Base]

    @property
    def has_ids(self) -> bool:
        return "id" in self.row.model_fields


SECTIONS: dict[str, Section] = {
    s.name: s
    for s in (
        Section("company_goals", ("company_goals",), CompanyGoal),
        Section("factors", ("factors",), Factor),
        Section("core_elements", ("core_elements",), CoreElement),
        Section("product_goals", ("product_goals",), ProductGoal),
        Section("objectives", ("objectives",), Objective),
        Section("key_results", ("key_results",), KeyResult),
        Section("cross_dept", ("cross_dept",), CrossDeptItem),
        Section("tasks", ("tasks",), Task),
        Section("checkins", ("checkins",), CheckIn),
        Section("risks", ("risks",), Risk),
        Section("adjustments", ("adjustments",), Adjustment),
        Section("review_scores", ("review", "scores"), KrScore),
        Section("review_notes", ("review", "notes"), ReviewNote),
        Section("action_plan", ("action_plan",), ActionItem),
    )
}
"""Every list section, in file order. ``meta`` is the one section that is not a list."""


def _ref_fields(model: type[BaseModel]) -> list[tuple[str, str, bool]]:
    """(field, target section, is_list) for every field marked with ``Ref``."""
    out = []
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, Ref):
                out.append((name, meta.section, _is_list(info.annotation)))
    return out


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is list


_REFS = {name: _ref_fields(s.row) for name, s in SECTIONS.items()}
_LEVEL_RANK = {"mission_vision": 0, "annual_strategy": 1, "business_goal": 2}


# --------------------------------------------------------------------------------------------
# Cross-reference checks
# --------------------------------------------------------------------------------------------


def _rows_of(data: Any, section: Section) -> list[Any]:
    node = data
    for key in section.path:
        if isinstance(node, dict):
            node = node.get(key)
        else:
            node = getattr(node, key, None)
        if node is None:
            return []
    return node if isinstance(node, list) else []


def _getter(row: Any) -> Callable[[str], Any]:
    if isinstance(row, dict):
        return row.get
    return lambda name: getattr(row, name, None)


def _item_labels(section: str) -> tuple[str, str]:
    return labels.item(section, "zh"), labels.item(section, "en")


def _links_hold(workbook: "Workbook") -> bool:
    """Whether a Workbook's ids are unique and every link names a row of the right section: the
    question of ``reference_problems``'s walk, answered with set operations on whole columns.

    Invariant: True only when the walk would find no doubled id and no broken link (a False may
    be wrong: the walk then finds nothing), so ``reference_problems`` walks the rows, to say
    exactly where, only after a no; tests/test_model.py holds the two answers equal over
    generated plans broken in place.
    """
    ids: dict[str, set[str]] = {}
    total = 0
    for name, section in SECTIONS.items():
        if section.has_ids:
            column = list(map(_ID_OF, _rows_of(workbook, section)))
            ids[name] = set(column)
            if len(ids[name]) != len(column):
                return False
            total += len(column)
    every = set().union(*ids.values())
    if len(every) != total:
        return False
    for name, refs in _REFS.items():
        rows = _rows_of(workbook, SECTIONS[name])
        for field_name, target, is_list in refs:
            allowed = every if target == "*" else ids[target]
            get = attrgetter(field_name)
            values = {v for row in rows for v in get(row)} if is_list else set(map(get, rows))
            values.discard(None)
            if not values <= allowed:
                return False
    return True


_ID_OF = attrgetter("id")


def reference_problems(data: Any) -> list[Problem]:
    """Every broken or doubled id in ``data`` (a Workbook, or the raw mapping read from a file).

    Working on raw data too means a file with a type error *and* a broken reference reports both.
    """
    if not isinstance(data, dict) and _links_hold(data):
        return _hierarchy_problems(data) + _score_problems(data)
    problems: list[Problem] = []
    where: dict[str, tuple[str, str]] = {}  # id -> (section, path)
    for section in SECTIONS.values():
        if not section.has_ids:
            continue
        prefix = ".".join(section.path)
        for i, row in enumerate(_rows_of(data, section)):
            rid = _getter(row)("id")
            if not isinstance(rid, str):
                continue
            path = f"{prefix}[{i}].id"
            if rid in where:
                problems.append(problem(path, "okr_duplicate_id", rid, first=where[rid][1]))
            else:
                where[rid] = (section.name, path)

    for name, refs in _REFS.items():
        if not refs:
            continue
        section = SECTIONS[name]
        prefix = ".".join(section.path)
        for i, row in enumerate(_rows_of(data, section)):
            get = _getter(row)
            for field_name, target, is_list in refs:
                value = get(field_name)
                values = value if is_list and isinstance(value, list) else [value]
                for j, v in enumerate(values):
                    if not isinstance(v, str) or not v:
                        continue
                    path = f"{prefix}[{i}].{field_name}" + (f"[{j}]" if is_list else "")
                    found = where.get(v)
                    if found is None:
                        t_zh, t_en = _item_labels(target)
                        problems.append(problem(path, "okr_unknown_ref", v, target=t_zh, target_en=t_en))
                    elif target != "*" and found[0] != target:
                        t_zh, t_en = _item_labels(target)
                        a_zh, a_en = _item_labels(found[0])
                        problems.append(
                            problem(path, "okr_wrong_ref", v, target=t_zh, target_en=t_en, actual=a_zh, actual_en=a_en)
                        )

    problems += _hierarchy_problems(data)
    problems += _score_problems(data)
    return problems


def _hierarchy_problems(data: Any) -> list[Problem]:
    goals = _rows_of(data, SECTIONS["company_goals"])
    by_id: dict[str, tuple[int, Any]] = {}
    for i, row in enumerate(goals):
        rid = _getter(row)("id")
        if isinstance(rid, str) and rid not in by_id:
            by_id[rid] = (i, row)
    level_names = data_file("vocab")["goal_level"]
    normalise = {names["zh"]: code for code, names in level_names.items()}
    problems: list[Problem] = []
    for i, row in enumerate(goals):
        get = _getter(row)
        parent = get("parent")
        if not isinstance(parent, str) or parent not in by_id:
            continue
        level = normalise.get(get("level"), get("level"))
        parent_level = normalise.get(_getter(by_id[parent][1])("level"), _getter(by_id[parent][1])("level"))
        if level in _LEVEL_RANK and parent_level in _LEVEL_RANK and _LEVEL_RANK[parent_level] >= _LEVEL_RANK[level]:
            problems.append(
                problem(
                    f"company_goals[{i}].parent",
                    "okr_parent_level",
                    parent,
                    level=level_names[level]["zh"],
                    parent_level=level_names[parent_level]["zh"],
                )
            )
    # loops: reported once each, at the goal that starts the loop in file order
    in_loop: set[str] = set()
    for start, (i, _row) in by_id.items():
        if start in in_loop:
            continue
        chain, node = [start], start
        while True:
            parent = _getter(by_id[node][1])("parent")
            if not isinstance(parent, str) or parent not in by_id:
                break
            if parent in chain:
                if parent == start:
                    in_loop.update(chain)
                    problems.append(
                        problem(f"company_goals[{i}].parent", "okr_parent_cycle", start, chain=" → ".join(chain + [parent]))
                    )
                break
            chain.append(parent)
            node = parent
    return problems


def _score_problems(data: Any) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for i, row in enumerate(_rows_of(data, SECTIONS["review_scores"])):
        kr = _getter(row)("key_result")
        if not isinstance(kr, str):
            continue
        path = f"review.scores[{i}].key_result"
        if kr in seen:
            problems.append(problem(path, "okr_duplicate_score", kr, first=seen[kr]))
        else:
            seen[kr] = path
    return problems


# --------------------------------------------------------------------------------------------
# Trace
# --------------------------------------------------------------------------------------------


# ---- validation helpers ---------------------------------------------------------------------


@contextmanager
def bulk() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many workbooks are read or built.

    Validation allocates millions of small objects and none of them is cyclic garbage, yet each
    allocation burst makes the collector rescan everything already loaded, so a batch run with
    the collector on pays again for every workbook read before (benchmarks/README.md has the
    figure). Wrap a batch, ``with bulk(): books = [load(p) for p in paths]``; the collector's
    state is restored after, and nothing is kept from collection for longer than the batch.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refused_line_ends(exc: ValidationError) -> bool:
    return any(
        err["type"] == "string_pattern_mismatch" and isinstance(err.get("input"), str) and "\r" in err["input"]
        for err in exc.errors(include_url=False)
    )


def _normalise_line_ends(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, dict):
        return {k: _normalise_line_ends(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_line_ends(v) for v in value]
    return value


@dataclass(frozen=True)
class TraceStep:
    """One link of a trace: which section, which row, and what it says."""

    section: str
    id: str
    statement: str

    @property
    def label_zh(self) -> str:
        return _item_labels(self.section)[0]

    @property
    def label_en(self) -> str:
        return _item_labels(self.section)[1]


@dataclass(frozen=True)
class Trace:
    """A key result's chain up to the company goal; ``complete`` is False where a link is missing."""

    steps: tuple[TraceStep, ...]
    complete: bool

    def __iter__(self) -> Iterator[TraceStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def company_goal(self) -> Optional[TraceStep]:
        """The business-level company goal the KR serves (the first company goal in the chain)."""
        return next((s for s in self.steps if s.section == "company_goals"), None)


class UnknownIdError(KeyError):
    """No row of the workbook has this id, or not one of the section asked for.

    ``id`` is what was asked for, ``expected`` the section wanted (``"*"``: any), ``actual`` the
    section the id does belong to when it exists elsewhere; ``message_zh``/``message_en`` say it.
    """

    def __init__(self, id: str, expected: str = "*", actual: Optional[str] = None) -> None:
        self.id, self.expected, self.actual = id, expected, actual
        t_zh, t_en = _item_labels(expected)
        if actual is None:
            self.message_zh, self.message_en = message("okr_unknown_ref", value=id, target=t_zh, target_en=t_en)
        else:
            a_zh, a_en = _item_labels(actual)
            self.message_zh, self.message_en = message(
                "okr_wrong_ref", value=id, target=t_zh, target_en=t_en, actual=a_zh, actual_en=a_en
            )
        super().__init__(id)

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


# --------------------------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------------------------


class Workbook(_Base):
    """One team's plan: company goals → product goals → OKRs → execution → review → action plan."""

    schema_version: Literal[1] = SCHEMA_VERSION
    meta: Meta
    company_goals: list[CompanyGoal] = Field(default_factory=list)
    factors: list[Factor] = Field(default_factory=list)
    core_elements: list[CoreElement] = Field(default_factory=list)
    product_goals: list[ProductGoal] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    key_results: list[KeyResult] = Field(default_factory=list)
    cross_dept: list[CrossDeptItem] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    checkins: list[CheckIn] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    adjustments: list[Adjustment] = Field(default_factory=list)
    review: Review = Field(default_factory=Review)
    action_plan: list[ActionItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> "Workbook":
        problems = reference_problems(self)
        if problems:
            raise WorkbookError(problems)
        return self

    # ---- construction ------------------------------------------------------------------------

    @classmethod
    def new(
        cls,
        team: str,
        product: str,
        product_type: str = "to_b",
        year: Optional[int] = None,
        quarter: Optional[int] = None,
        **meta: Any,
    ) -> "Workbook":
        """An empty plan for one team, ready for the course's first tool."""
        cycle = {"year": year or dt.date.today().year, "quarter": quarter}
        return cls.from_dict(
            {
                "schema_version": SCHEMA_VERSION,
                "meta": {"team": team, "product": product, "product_type": product_type, "cycle": cycle, **meta},
            }
        )

    @classmethod
    def from_dict(cls, data: Any, source: str = "") -> "Workbook":
        """Validate plain data (as read from YAML, JSON or a table); a whole Workbook, or
        WorkbookError with every problem found in one pass (a participant fixes all at once)."""
        if not isinstance(data, dict):
            raise WorkbookError([problem("", "okr_not_mapping", kind=type(data).__name__)], source)
        problems: list[Problem] = []
        version = data.get("schema_version")
        if "schema_version" not in data:
            problems.append(problem("schema_version", "okr_schema_missing"))
        elif isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            raise WorkbookError([problem("schema_version", "okr_schema_version", version, supported=SCHEMA_VERSION)], source)
        try:
            with bulk():
                workbook = cls.model_validate(data)
        except ValidationError as exc:
            if _refused_line_ends(exc):  # text pasted from Windows: store \r\n as \n, then judge again
                return cls.from_dict(_normalise_line_ends(data), source)
            problems += problems_from_validation_error(exc)
            problems += reference_problems(data)
        except WorkbookError as exc:
            problems += exc.problems
        if problems:
            raise WorkbookError(problems, source)
        return workbook

    def to_dict(self) -> dict[str, Any]:
        """Plain data in file order (dates as ``datetime.date``)."""
        return self.model_dump(mode="python")

    def revalidate(self) -> "Workbook":
        """Check again after in-place edits (``wb.key_results.append(...)`` is not checked on its own)."""
        return type(self).from_dict(self.to_dict())

    # ---- lookup ------------------------------------------------------------------------------

    def rows(self, section: str) -> list[Any]:
        """The rows of a section by name (``"review_scores"`` included)."""
        return _rows_of(self, SECTIONS[section])

    def iter_ids(self) -> Iterator[tuple[str, str, Any]]:
        """(section, id, row) for every row that has an id, in file order."""
        for section in SECTIONS.values():
            if section.has_ids:
                for row in _rows_of(self, section):
                    yield section.name, row.id, row

    def index(self) -> dict[str, tuple[str, Any]]:
        """id -> (section, row) for every row: build it once when looking up many ids."""
        return {rid: (section, row) for section, rid, row in self.iter_ids()}

    def get(self, id: str, section: str = "*") -> Any:
        """The row with this id (of ``section``, if given); UnknownIdError (a KeyError) if there is none."""
        found = self.index().get(id)
        if found is None or (section != "*" and found[0] != section):
            raise UnknownIdError(id, section, None if found is None else found[0])
        return found[1]

    def key_results_of(self, objective_id: str) -> list[KeyResult]:
        return [kr for kr in self.key_results if kr.objective == objective_id]

    def trace(self, kr_id: str) -> Trace:
        """The chain KR → O → product goal → company goal(s) up to the mission, as far as it is linked."""
        return self._trace(kr_id, "key_results", self.index())

    def traces(self, section: str = "key_results") -> dict[str, Trace]:
        """The trace of every key result (or every objective, with ``"objectives"``), from one index."""
        if section not in _TRACE_START:
            raise ValueError(f"traces start at key_results or objectives, not {section!r}")
        index = self.index()
        return {row.id: self._trace(row.id, section, index) for row in self.rows(section)}

    @staticmethod
    def _trace(start: str, section: str, index: dict[str, tuple[str, Any]]) -> Trace:
        found = index.get(start)
        if found is None or found[0] != section:
            raise UnknownIdError(start, section, None if found is None else found[0])
        row = found[1]
        steps = []
        if section == "key_results":
            steps.append(TraceStep("key_results", row.id, row.statement))
            row = index[row.objective][1]
        steps.append(TraceStep("objectives", row.id, row.statement))
        if row.derived_from is None:
            return Trace(tuple(steps), complete=False)
        pg = index[row.derived_from][1]
        steps.append(TraceStep("product_goals", pg.id, pg.statement))
        if pg.derived_from is None:
            return Trace(tuple(steps), complete=False)
        goal_id: Optional[str] = pg.derived_from
        while goal_id is not None:  # the model refuses loops, so this ends
            goal = index[goal_id][1]
            steps.append(TraceStep("company_goals", goal.id, goal.statement))
            goal_id = goal.parent
        return Trace(tuple(steps), complete=True)


_TRACE_START = ("key_results", "objectives")
