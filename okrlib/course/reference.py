"""The course's reference libraries (T01, T03, T09-T12, T15-T18) as checked pandas tables.

Participants look things up while they work (which tool for which step, a goal library by
product type, the KR dimension handbook, the adjustment matrix ...). Each library is a CSV in
``data/reference/`` declared by a ``<ID>.yaml`` beside it (title, sources, columns), loaded
with the same checks as the cases. T10, the OKR checklist, is the checker's own data file
(okrlib/data/checklist.yaml) shown as a table, so the page and the checker cannot disagree.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from okrlib.words import text
from okrlib.words.resources import data_root
from okrlib.course.cases import Source
from okrlib.course.datasets import DataError, TableSpec, load_yaml, parse_specs, read_tables
from okrlib.words.problems import Problem, problem, problems_from_validation_error

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Reference", "ReferenceInfo", "get", "list", "load"]

PathLike = Union[str, Path]


class ReferenceFile(BaseModel):
    """The schema of ``data/reference/<ID>.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^T[0-9]{2}$")
    module: str = Field(pattern=r"^(M[0-9]+|course)$")
    title: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    sources: tuple[Source, ...] = Field(min_length=1)
    builtin: Optional[Literal["checklist"]] = None  # a table okrlib builds from its own data
    tables: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class ReferenceInfo:
    id: str
    module: str
    title: str
    title_en: str
    tables: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Reference:
    """A library: what it is, where it comes from, and its table(s)."""

    info: ReferenceInfo
    description: str
    sources: tuple[Source, ...]
    tables: dict[str, "pd.DataFrame"]
    specs: dict[str, TableSpec]

    @property
    def frame(self) -> "pd.DataFrame":
        """The library's (first) table."""
        return next(iter(self.tables.values()))


def _root(root: Optional[PathLike]) -> Path:
    return Path(root) if root is not None else data_root() / "reference"


def _files(root: Path) -> builtins.list[Path]:
    return sorted(root.glob("T[0-9][0-9].yaml"))


def _read(path: Path) -> tuple[Optional[ReferenceFile], builtins.list[Problem]]:
    label = f"reference/{path.name}"
    raw, problems = load_yaml(path, label)
    if problems:
        return None, problems
    try:
        meta = ReferenceFile.model_validate(raw)
    except ValidationError as exc:
        return None, [p.prefixed(label) for p in problems_from_validation_error(exc)]
    return meta, []


def list(root: Optional[PathLike] = None) -> builtins.list[ReferenceInfo]:  # noqa: A001 - mirrors cases.list
    """The reference libraries, by id."""
    out = []
    for path in _files(_root(root)):
        meta, problems = _read(path)
        if meta is None:
            raise DataError(problems, str(path))
        out.append(_info(meta))
    return out


def _info(meta: ReferenceFile) -> ReferenceInfo:
    names = ("checklist",) if meta.builtin == "checklist" else tuple(meta.tables)
    return ReferenceInfo(meta.id, meta.module, meta.title, meta.title_en, names)


def get(library: str, root: Optional[PathLike] = None) -> Reference:
    """A library with its tables, checked (DataError naming file, row and column otherwise)."""
    base = _root(root)
    return _get(library.upper(), str(base))


@lru_cache(maxsize=32)
def _get(library: str, base_text: str) -> Reference:
    base = Path(base_text)
    path = base / f"{library}.yaml"
    if not path.is_file():
        known = ", ".join(r.id for r in list(base)) or "-"
        raise DataError([problem("", "data_unknown_reference", library, known=known)], str(base))
    meta, problems = _read(path)
    if meta is None:
        raise DataError(problems, str(path))
    if meta.builtin == "checklist":
        return Reference(_info(meta), meta.description, meta.sources, {"checklist": checklist_frame()}, {})
    specs, problems = parse_specs(meta.tables, f"reference/{path.name}")
    frames: dict[str, Any] = {}
    if not problems:
        frames, problems = read_tables(base, specs, label="reference", sources=[s.id for s in meta.sources])
    if problems:
        raise DataError(problems, str(path))
    for name, df in frames.items():
        df.attrs["library"] = meta.id
        df.attrs["table"] = f"{meta.id}.{name}"  # where its declaration is (okrlib.course.lessons.declaration)
    return Reference(_info(meta), meta.description, meta.sources, frames, specs)


def load(library: str, table: Optional[str] = None, root: Optional[PathLike] = None) -> "pd.DataFrame":
    """A library's table as a DataFrame (``load("T09")``); ``table`` picks one of several.

    Frames are shared between calls (the libraries are read once): copy before changing one.
    """
    ref = get(library, root)
    if table is None:
        return ref.frame
    return ref.tables[table]


def checklist_frame() -> "pd.DataFrame":
    """T10, the OKR checklist: a row per indicator, with the rules that feed it."""
    import pandas as pd

    from okrlib.method.checks import checklist, rule_table

    rules = rule_table()
    rows = []
    for dim in checklist():
        for ind in dim["indicators"]:
            rows.append({
                "dimension": dim["id"],
                "dimension_zh": dim["zh"],
                "dimension_en": dim["en"],
                "scored": bool(dim.get("scored")),
                "indicator": ind["id"],
                "name_zh": ind["zh"],
                "name_en": ind["en"],
                "definition_zh": ind.get("definition_zh", ""),
                "definition_en": ind.get("definition_en", ""),
                "rules": ", ".join(ind["rules"]),
                "sources": "; ".join(dict.fromkeys(str(rules[r]["source"]) for r in ind["rules"] if r in rules)),
            })
    df = pd.DataFrame(rows)
    for col in ("dimension", "indicator"):
        df[col] = pd.Categorical(df[col], categories=builtins.list(dict.fromkeys(df[col])))
    df.attrs["library"] = "T10"
    df.attrs["frame"] = "checklist"  # its headers: labels.yaml frames.checklist
    df.attrs["title"] = text.say("labels.checklist_title")
    return df
