"""The one lookup of okrlib's words: every label, status, button and sentence piece people see.

Words live in YAML files under ``okrlib/data/`` and are read here and nowhere else. A key names
the file and the path inside it, ``"<file>.<path>"``; the entry it names holds one text per
language::

    say("cli.title", "zh", file="plan.yaml", score=72.5)    # a string in one language
    both("messages.okr_file_missing", file="plan.yaml")   # (Chinese, English)
    status("warn")                                        # 警告: the checker's status word

Values are filled in through the one formatter (:mod:`okrlib.words.numbers`): a number in a
sentence reads exactly as it does in a table (``1,234,567.5``, never ``1.23457e+06``), and a
date as ``2027-03-31``. A template may say how a number is meant, in Python's words, and the
formatter still draws it: ``{score:.1f}`` fixes one decimal, ``{ratio:.0%}`` shows a share as a
percentage, ``{change:+}`` signs a change; ``{x:g}`` is the same as ``{x}``.

``join(items)`` lists names the way the language does (``A、B、C`` / ``A, B, C``).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any, Literal, Mapping

from okrlib.words import numbers
from okrlib.words.resources import data_file

__all__ = ["Lang", "say", "both", "entry", "names", "fill", "join", "status", "severity", "yes_no"]

Lang = Literal["zh", "en"]


_SPEC = re.compile(r"^(?P<sign>[+-])?,?(?:\.(?P<digits>\d+))?(?P<kind>[dfgn%]?)$")


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            m = _SPEC.match(format_spec)
            sign = bool(m and m.group("sign") == "+")
            digits = int(m.group("digits")) if m and m.group("digits") else None
            if m and m.group("kind") == "%":
                return numbers.percent(value, digits=1 if digits is None else digits, sign=sign)
            return numbers.number(value, digits=digits, sign=sign)
        if isinstance(value, dt.date):
            return numbers.date(value)
        if value is None:
            return numbers.MISSING
        return super().format_field(value, format_spec if isinstance(value, str) and "s" in format_spec else "")


_FORMATTER = _Formatter()


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with ``{name}`` filled from ``values`` (numbers and dates formatted for people).

    A template that names a value not given is returned as it is, never half-filled.
    """
    try:
        return _FORMATTER.vformat(template, (), values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def entry(key: str) -> Any:
    """The raw data at ``key`` (``"charts.words"``: a whole group), for tables of words."""
    file, _, path = key.partition(".")
    node: Any = data_file(file)
    for part in path.split(".") if path else ():
        try:
            node = node[part]
        except (KeyError, TypeError):
            raise KeyError(f"no words at {key!r} (okrlib/data/{file}.yaml)") from None
    return node


def names(key: str, lang: Lang = "zh") -> dict[str, str]:
    """A group of words in one language, by code: ``names("exercises.X5.columns")`` -> ``{"indicator": "指标", ...}``."""
    group = entry(key)
    if not isinstance(group, Mapping):
        raise KeyError(f"{key!r} is one text, not a group of words")
    return {str(code): say(f"{key}.{code}", lang) for code in group}


def say(key: str, lang: Lang = "zh", **values: Any) -> str:
    """The words at ``key`` in ``lang``, filled with ``values``."""
    node = entry(key)
    if isinstance(node, Mapping):
        node = node.get(lang, node.get("zh"))
    if not isinstance(node, str):
        raise KeyError(f"{key!r} is a group of words, not one text")
    return fill(node, values)


def both(key: str, **values: Any) -> tuple[str, str]:
    """The words at ``key`` in Chinese and in English."""
    return say(key, "zh", **values), say(key, "en", **values)


def join(items: Any, lang: Lang = "zh") -> str:
    """Names in a row, as the language lists them: ``A、B、C`` in Chinese, ``A, B, C`` in English."""
    return say("labels.list_separator", lang).join(str(i) for i in items)


def status(code: str, lang: Lang = "zh") -> str:
    """A checklist indicator's status word (pass / warn / fail), the same on every surface."""
    return say(f"labels.status.{code}", lang)


def severity(code: str, lang: Lang = "zh") -> str:
    """A finding's severity word (error / warning / info), the same on every surface."""
    return say(f"labels.severity.{code}", lang)


def yes_no(flag: Any, lang: Lang = "zh") -> str:
    """是 / 否 (yes / no); a missing value reads ``—``."""
    if flag is None:
        return numbers.MISSING
    return say("labels.yes_no.yes" if flag else "labels.yes_no.no", lang)
