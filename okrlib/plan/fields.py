"""What each field of a plan row is, derived from the model: kind, label, choices, links.

Spreadsheets (okrlib.storage.tables) and forms (okrlib.plan.editing, okrlib.views.widgets) both need to know, for
every field, what to show and how to read it back; deriving it from the model in one place
means a new field needs no change anywhere else. No pandas or widgets here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any, Iterable, Optional, Union

from pydantic import BaseModel

from okrlib.words import labels
from okrlib.words.resources import data_file
from okrlib.plan.model import SECTIONS, Meta, Ref

__all__ = ["FieldInfo", "fields", "TABLES"]

TABLES: tuple[str, ...] = ("meta", *SECTIONS)
"""The sections with rows of fields, in file order (``meta`` is the one that is not a list)."""


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    """One field of a row: the dotted code (``decode.essence``), its kind and how to show it."""

    name: str  # dotted field code, also the frame column name
    kind: str  # "text" | "id" | "choice" | "int" | "float" | "bool" | "date" | "list"
    optional: bool  # None is a valid value
    blank_ok: bool  # "" is a valid value
    required: bool  # no default: it must be given
    vocab: Optional[str]  # choices: the vocab.yaml list, for labels
    zh: str
    en: str
    ref: Optional[str] = None  # the section an id (or list of ids) points to; "*" for any
    ge: Optional[float] = None
    le: Optional[float] = None

    def choices(self, lang: str = "zh") -> list[tuple[str, str]]:
        """(code, label) of a choice field, in vocab order."""
        if not self.vocab:
            return []
        return [(code, names[lang]) for code, names in data_file("vocab")[self.vocab].items()]


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional) with Annotated and Optional peeled off."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is Union or origin is getattr(types, "UnionType", None):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _vocab_of(codes: Iterable[str]) -> Optional[str]:
    wanted = set(codes)
    for name, entries in data_file("vocab").items():
        if set(entries) == wanted:
            return name
    return None


def _bounds(info: Any) -> tuple[Optional[float], Optional[float]]:
    ge = le = None
    for meta in info.metadata:
        ge = getattr(meta, "ge", ge) if getattr(meta, "ge", None) is not None else ge
        le = getattr(meta, "le", le) if getattr(meta, "le", None) is not None else le
    inner = info.annotation
    while typing.get_origin(inner) in (typing.Annotated, Union, getattr(types, "UnionType", None)):
        for arg in typing.get_args(inner)[1:] if typing.get_origin(inner) is typing.Annotated else ():
            for m in getattr(arg, "metadata", [arg]):
                if getattr(m, "ge", None) is not None:
                    ge = m.ge
                if getattr(m, "le", None) is not None:
                    le = m.le
        args = [a for a in typing.get_args(inner) if a is not type(None)]
        inner = args[0]
    return ge, le


def _columns(section: str, model: type[BaseModel], prefix: str = "", parent_required: bool = True) -> list[FieldInfo]:
    out: list[FieldInfo] = []
    for name, info in model.model_fields.items():
        code = prefix + name
        inner, optional = _unwrap(info.annotation)
        required = parent_required and info.is_required()
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out += _columns(section, inner, code + ".", required)
            continue
        vocab = None
        ref = next((m.section for m in info.metadata if isinstance(m, Ref)), None)
        if typing.get_origin(inner) is typing.Literal:
            kind, vocab = "choice", _vocab_of(typing.get_args(inner))
        elif typing.get_origin(inner) is list:
            kind = "list"
        elif inner is bool:
            kind = "bool"
        elif inner is int:
            kind = "int"
        elif inner is float:
            kind = "float"
        elif inner is dt.date:
            kind = "date"
        elif inner is str:
            kind = "id" if name == "id" or ref is not None else "text"
        else:  # pragma: no cover - a new field type needs a rule here
            raise TypeError(f"okrlib.plan.fields: no rule for {section}.{code}: {info.annotation!r}")
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        ge, le = _bounds(info)
        out.append(
            FieldInfo(
                name=code,
                kind=kind,
                optional=optional,
                blank_ok=kind == "text" and isinstance(default, str),
                required=required,
                vocab=vocab,
                zh=labels.field(section, code, "zh"),
                en=labels.field(section, code, "en"),
                ref=ref,
                ge=ge,
                le=le,
            )
        )
    return out


_FIELDS: dict[str, tuple[FieldInfo, ...]] = {"meta": tuple(_columns("meta", Meta))}
_FIELDS.update({name: tuple(_columns(name, section.row)) for name, section in SECTIONS.items()})


def fields(section: str) -> tuple[FieldInfo, ...]:
    """The fields of one row of ``section`` (``"meta"`` or a name of ``SECTIONS``), in order."""
    return _FIELDS[section]
