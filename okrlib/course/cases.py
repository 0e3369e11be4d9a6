"""The course's cases (C1-C5): a story, the case company's plan with its flaws, and its numbers.

An instructor teaches through a case and a participant works on it, so a case is data, not
prose in a cell: ``data/cases/<slug>/`` holds ``case.yaml`` (story, learning points, questions,
the instructor's analysis kept apart, sources, and the declaration of every table),
``workbook.yaml`` (an okrlib plan) and CSV tables. ``load`` checks all of it, and a case that is
wrong in any way does not load: the error names every file, row and column at fault.
See docs/data.md.
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from okrlib.words.resources import data_root
from okrlib.course.datasets import DataError, TableSpec, load_yaml, parse_specs, read_tables
from okrlib.words.problems import Problem, WorkbookError, problem, problems_from_validation_error
from okrlib.plan.model import Workbook

if TYPE_CHECKING:
    import pandas as pd

    from okrlib.method.checks import CheckReport

__all__ = ["Case", "CaseInfo", "ExpectedFinding", "Source", "list", "load", "ids"]

PathLike = Union[str, Path]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """Where a public figure comes from; a table row's ``source`` names one by id."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    url: Optional[str] = None
    note: Optional[str] = None


class ExpectedFinding(_Model):
    """A flaw the case teaches, as ``okrlib.check`` reports it (rule id and the object's id).

    ``pending``: the checker cannot find it yet, and what it would need to (tests wait for it).
    """

    rule: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    target: str = "workbook"
    why: str = Field(min_length=1)
    pending: Optional[str] = None


class InstructorNotes(_Model):
    """What only the instructor sees by default: the analysis and the flaws to find."""

    analysis: str = Field(min_length=1)
    expected_findings: tuple[ExpectedFinding, ...] = ()


class Revised(_Model):
    """The plan after the checklist (C4): its file and the rules that must no longer fire."""

    workbook: str
    fixed_rules: tuple[str, ...] = ()


class CheckSettings(_Model):
    """How the case's plan is checked: the earlier version it is compared with, and the day."""

    previous: Optional[str] = None
    as_of: Optional[dt.date] = None


class CaseFile(_Model):
    """The schema of ``case.yaml``."""

    id: str = Field(pattern=r"^C[0-9]+$")
    slug: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    module: str = Field(pattern=r"^M[0-9]+$")
    title: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    industry: str = Field(min_length=1)
    company: str = Field(min_length=1)
    story: str = Field(min_length=1)
    learning_points: tuple[str, ...] = Field(min_length=1)
    discussion_questions: tuple[str, ...] = Field(min_length=1)
    instructor: InstructorNotes
    revised: Optional[Revised] = None
    check: CheckSettings = CheckSettings()
    sources: tuple[Source, ...] = ()
    tables: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class CaseInfo:
    """A line of the case list: enough to choose one."""

    id: str
    slug: str
    module: str
    title: str
    title_en: str
    industry: str
    company: str


@dataclass(frozen=True, eq=False)
class Case:
    """One case, loaded and checked: its story for participants, its plan, its tables.

    ``instructor`` holds the analysis and the expected findings; notebooks and dashboards show
    it only in the instructor role.
    """

    info: CaseInfo
    story: str
    learning_points: tuple[str, ...]
    discussion_questions: tuple[str, ...]
    sources: tuple[Source, ...]
    workbook: Workbook
    tables: dict[str, "pd.DataFrame"]
    specs: dict[str, TableSpec]
    instructor: InstructorNotes
    folder: Path
    previous: Optional[Workbook] = None
    revised: Optional[Workbook] = None
    fixed_rules: tuple[str, ...] = ()
    as_of: Optional[dt.date] = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title

    def check(self, profile: str = "course", *, revised: bool = False) -> "CheckReport":
        """The OKR checklist over the case's plan (or the revised plan), as the case intends it
        to be checked (its earlier version and day, when it names them)."""
        from okrlib.method.checks import check

        wb = self.revised if revised else self.workbook
        if wb is None:
            raise ValueError(f"case {self.id} has no revised plan")
        return check(wb, profile, as_of=self.as_of, previous=None if revised else self.previous)

    def table_dictionary(self, name: str) -> "pd.DataFrame":
        """The columns of one table: type, unit, meaning and rule (the data dictionary)."""
        from okrlib.course.datasets import describe

        return describe(self.specs[name])


def _root(root: Optional[PathLike]) -> Path:
    return Path(root) if root is not None else data_root() / "cases"


def _folders(root: Path) -> builtins.list[Path]:
    return sorted(p for p in root.iterdir() if (p / "case.yaml").is_file()) if root.is_dir() else []


def _read_case_file(folder: Path, text: Optional[str] = None) -> tuple[Optional[CaseFile], builtins.list[Problem]]:
    label = f"{folder.name}/case.yaml"
    raw, problems = load_yaml(folder / "case.yaml", label, text)
    if problems:
        return None, problems
    try:
        meta = CaseFile.model_validate(raw)
    except ValidationError as exc:
        return None, [p.prefixed(label) for p in problems_from_validation_error(exc)]
    if meta.slug != folder.name:
        return meta, [problem(f"{label}: slug", "data_slug_mismatch", meta.slug, folder=folder.name)]
    return meta, []


def list(root: Optional[PathLike] = None) -> builtins.list[CaseInfo]:  # noqa: A001 - the issue's name
    """The cases in ``data/cases`` (or ``root``), by id; reads only each ``case.yaml``."""
    out = []
    for folder in _folders(_root(root)):
        meta, problems = _read_case_file(folder)
        if meta is None:
            raise DataError(problems, str(folder))
        out.append(_info(meta))
    return sorted(out, key=lambda c: (int(c.id[1:]), c.slug))


def ids(root: Optional[PathLike] = None) -> builtins.list[str]:
    """The case ids, e.g. ``["C1", ..., "C5"]``."""
    return [c.id for c in list(root)]


def _info(meta: CaseFile) -> CaseInfo:
    return CaseInfo(meta.id, meta.slug, meta.module, meta.title, meta.title_en, meta.industry, meta.company)


_ID_LINE = re.compile(r"""^id:[ \t]*["']?([A-Za-z0-9_-]+)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


def _id_line(text: str) -> Optional[str]:
    """The case id a case.yaml's text names on its top-level ``id:`` line, read without parsing the
    YAML; None when no such line can be seen.

    Invariant: a name found is only a candidate, which ``_find`` confirms by reading that one file
    (so a wrong one costs a read, never a wrong case), and a file whose line cannot be seen is
    found by reading every file; tests/test_cases.py holds it to the YAML's own ``id`` over
    generated declarations.
    """
    found = _ID_LINE.search(text)
    return None if found is None else found.group(1)


def _find(key: str, root: Path) -> tuple[Path, Optional[CaseFile], builtins.list[Problem]]:
    """The folder of case ``key`` (an id or a slug), with its case.yaml when already read.

    A folder named ``key`` is taken as it is. Otherwise each case.yaml's ``id:`` line
    (``_id_line``) names a candidate, whose file alone is parsed, once, to confirm it; only when
    no line names ``key`` are all the files parsed. Either way the case found is the one whose
    parsed ``id`` is ``key`` (case-blind), and its file is parsed once.
    """
    folders = _folders(root)
    for folder in folders:
        if folder.name == key:
            return folder, None, []
    lowered = key.lower()
    for folder in folders:
        text = (folder / "case.yaml").read_text(encoding="utf-8")
        named = _id_line(text)
        if named is not None and named.lower() == lowered:
            meta, problems = _read_case_file(folder, text)
            if meta is None or meta.id.lower() == lowered:  # a broken file: its own problems, not "unknown case"
                return folder, meta, problems
    for folder in folders:
        meta, problems = _read_case_file(folder)
        if meta is not None and meta.id.lower() == lowered:
            return folder, meta, problems
    known = ", ".join(c.id for c in list(root)) or "-"
    raise DataError([problem("", "data_unknown_case", key, known=known)], str(root))


def _workbook(folder: Path, name: str, problems: builtins.list[Problem]) -> Optional[Workbook]:
    from okrlib.storage import yaml_file

    path = folder / name
    try:
        return yaml_file.load(path)
    except WorkbookError as exc:
        problems += [p.prefixed(f"{folder.name}/{name}") for p in exc.problems]
    return None


def load(case: str, root: Optional[PathLike] = None) -> Case:
    """Load a case by id (``"C1"``) or slug (``"saas_customer_growth"``), checked throughout.

    Raises DataError listing every problem (case.yaml, the workbooks, each table's file, row
    and column) when anything is wrong; a case is never half-loaded.
    """
    base = _root(root)
    folder, meta, problems = _find(case, base)
    if meta is None and not problems:  # found by its folder name: not read yet
        meta, problems = _read_case_file(folder)
    if meta is None:
        raise DataError(problems, str(folder))
    label = folder.name
    wb = _workbook(folder, "workbook.yaml", problems)
    previous = _workbook(folder, meta.check.previous, problems) if meta.check.previous else None
    revised = _workbook(folder, meta.revised.workbook, problems) if meta.revised else None
    problems += _check_expected(meta, label)
    specs, spec_problems = parse_specs(meta.tables, f"{label}/case.yaml")
    problems += spec_problems
    for name, spec in specs.items():
        declared = {c.name for c in spec.columns}
        if not {"source_status", "source"} <= declared:
            problems.append(problem(f"{label}/case.yaml: tables.{name}", "data_no_table_source"))
    frames: dict[str, Any] = {}
    if not spec_problems:
        frames, table_problems = read_tables(
            folder, specs, label=label, ids={rid for _, rid, _ in wb.iter_ids()} if wb is not None else None,
            sources=[s.id for s in meta.sources],
        )
        problems += table_problems
    if problems or wb is None:
        raise DataError(problems, str(folder))
    for name, df in frames.items():
        df.attrs["table"] = f"{meta.id}.{name}"  # where its declaration is (okrlib.course.lessons.declaration)
    return Case(
        info=_info(meta),
        story=meta.story,
        learning_points=meta.learning_points,
        discussion_questions=meta.discussion_questions,
        sources=meta.sources,
        workbook=wb,
        tables=frames,
        specs=specs,
        instructor=meta.instructor,
        folder=folder,
        previous=previous,
        revised=revised,
        fixed_rules=meta.revised.fixed_rules if meta.revised else (),
        as_of=meta.check.as_of,
    )


def _check_expected(meta: CaseFile, label: str) -> builtins.list[Problem]:
    """Expected findings and fixed rules must name rules the checker has (typos would pass)."""
    from okrlib.method.checks import rule_table

    known = set(rule_table())
    out = []
    for i, f in enumerate(meta.instructor.expected_findings):
        if f.rule not in known and not f.pending:
            out.append(problem(f"{label}/case.yaml: instructor.expected_findings[{i}].rule", "data_bad_expected", f.rule))
    for i, r in enumerate(meta.revised.fixed_rules if meta.revised else ()):
        if r not in known:
            out.append(problem(f"{label}/case.yaml: revised.fixed_rules[{i}]", "data_bad_expected", r))
    return out
