"""What things are called, in Chinese and English: sections, rows, fields and choices.

Spreadsheet headers, reports, the command line and error messages all name the same things;
they ask here, so a label is changed in one data file (``labels.yaml``, ``vocab.yaml``) and
every place follows.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, Optional

from okrlib.words.resources import data_file

__all__ = ["section", "item", "field", "choice", "bool_word"]

Lang = Literal["zh", "en"]


def section(name: str, lang: Lang = "zh") -> str:
    """A section's title: ``key_results`` -> ``关键结果KR``."""
    return data_file("labels")["sections"][name][lang]


def item(name: str, lang: Lang = "zh") -> str:
    """One row of a section, for sentences: ``objectives`` -> ``目标(O)`` / ``objective``."""
    items = data_file("labels")["items"]
    return (items.get(name) or items["*"])[lang]


def field(section_name: str, name: str, lang: Lang = "zh") -> str:
    """A field's column header; a section may override the general label (risks' ``impact``)."""
    labels = data_file("labels")
    entry = labels["section_fields"].get(section_name, {}).get(name) or labels["fields"].get(name)
    return entry[lang] if entry else name


def choice(vocab: str, code: Optional[str], lang: Lang = "zh") -> Optional[str]:
    """A choice's label: ``choice("goal_level", "business_goal")`` -> ``业务目标``; unknown codes as is."""
    if code is None:
        return None
    entry = data_file("vocab")[vocab].get(code)
    return entry[lang] if entry else code


@lru_cache(maxsize=1)
def _bool_words() -> dict[str, bool]:
    words = data_file("labels")["bool_words"]
    return {str(w).lower(): flag for flag in (True, False) for w in words[str(flag).lower()]}


def bool_word(typed: str) -> Optional[bool]:
    """What a yes/no typed in a form or a cell means (是, 否, √, 已完成, yes, 0 ...; case ignored),
    or None when it is neither."""
    return _bool_words().get(typed.lower())
