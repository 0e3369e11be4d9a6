"""One error type for every problem a workbook can have, each told in Chinese and English.

A participant fixing a plan wants the whole list at once, with where each problem is
(``key_results[2].target``), what was found there and what to do, in their own language.
So loading never stops at the first problem and never returns half a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Sequence

from okrlib.words import text

__all__ = ["OkrlibError", "Problem", "WorkbookError", "message", "format_path", "problem", "register_pattern"]


class OkrlibError(Exception):
    """Base class of okrlib's own errors."""


def message(code: str, **ctx: Any) -> tuple[str, str]:
    """The (Chinese, English) texts for a problem ``code`` (``messages.<code>``), filled from ``ctx``.

    A code with no words of its own (a pydantic error type okrlib does not translate) is told
    with ``messages.fallback``, which carries pydantic's English message.
    """
    try:
        return text.both(f"messages.{code}", **ctx)
    except KeyError:
        ctx.setdefault("msg", code)
        return text.both("messages.fallback", **ctx)


def format_path(loc: Sequence[Any]) -> str:
    """``('key_results', 2, 'target')`` -> ``key_results[2].target``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_MISSING = object()


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a workbook: where, what was there, and what it means."""

    path: str
    code: str
    message_zh: str
    message_en: str
    value: Any = _MISSING
    location: str = ""  # e.g. "sheet 关键结果, row 4, column 目标值", or "line 12"

    @property
    def has_value(self) -> bool:
        return self.value is not _MISSING

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for ``--format json`` and for widgets."""
        out: dict[str, Any] = {"path": self.path, "code": self.code}
        if self.location:
            out["location"] = self.location
        if self.has_value:
            out["value"] = _jsonable(self.value)
        out["message_zh"] = self.message_zh
        out["message_en"] = self.message_en
        return out

    def prefixed(self, file: str) -> "Problem":
        """The same problem placed in ``file`` (a declaration file, a case folder's workbook)."""
        return replace(self, path=f"{file}: {self.path}" if self.path else file)

    def __str__(self) -> str:
        where = self.path or "(workbook)"
        if self.location:
            where += f" ({self.location})"
        shown = f" = {_short(self.value)}" if self.has_value else ""
        return f"{where}{shown}: {self.message_zh} / {self.message_en}"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def problem(path: str, code: str, value: Any = _MISSING, location: str = "", **ctx: Any) -> Problem:
    """Build a Problem whose texts come from messages.yaml."""
    if value is not _MISSING:
        ctx.setdefault("value", value)
    zh, en = message(code, **ctx)
    return Problem(path=path, code=code, message_zh=zh, message_en=en, value=value, location=location)


def listing(problems: Sequence[Problem], source: str, what_zh: str, what_en: str) -> str:
    """Every problem, one a line, under a head that counts them (``工作簿有 2 处问题 / ...``)."""
    head = f"{source}: " if source else ""
    n = len(problems)
    zh = text.say("messages.problem_count", "zh", what=what_zh, n=n)
    en = text.say("messages.problem_count", "en", what=what_en, n=n, problems="problem" if n == 1 else "problems")
    lines = [f"{head}{zh} / {en}"]
    lines += [f"  - {p}" for p in problems]
    return "\n".join(lines)


@dataclass
class WorkbookError(OkrlibError):
    """A workbook (or a file meant to hold one) has problems; ``problems`` lists them all."""

    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return listing(self.problems, self.source, *text.both("labels.things.workbook"))

    @classmethod
    def from_validation_error(cls, exc: Any, source: str = "", prefix: Sequence[Any] = ()) -> "WorkbookError":
        return cls(problems_from_validation_error(exc, prefix), source)

    @classmethod
    def merge(cls, problems: Iterable[Problem], source: str = "") -> "WorkbookError":
        return cls(list(problems), source)


_PATTERNS: dict[str, Callable[[Any], tuple[str, dict[str, Any]]]] = {}


def register_pattern(pattern: str, explain: Callable[[Any], tuple[str, dict[str, Any]]]) -> None:
    """Say what a failed ``pattern`` means: ``explain(value)`` gives a message code and its context.

    The model checks text with regular expressions in pydantic-core for speed; a bare
    "should match pattern '^[^\\x00-...]'" would tell a participant nothing.
    """
    _PATTERNS[pattern] = explain


def problems_from_validation_error(exc: Any, prefix: Sequence[Any] = ()) -> list[Problem]:
    """Translate a pydantic ``ValidationError`` into bilingual Problems, one per place."""
    found: dict[str, Problem] = {}
    for err in exc.errors(include_url=False):
        loc: list[Any] = []
        for part in err["loc"]:
            # a union member's tag follows the field it belongs to; "date" is also a field's name
            # (a check-in's, an adjustment's), kept where it names one: after a row's index
            after_field = bool(loc) and isinstance(loc[-1], str)
            if isinstance(part, str) and _is_internal_loc(part) and (part != "date" or after_field):
                continue
            loc.append(part)
        path = format_path([*prefix, *loc])
        code = err["type"]
        ctx = dict(err.get("ctx") or {})
        ctx.setdefault("msg", err.get("msg", ""))
        value = err.get("input", _MISSING) if code != "missing" else _MISSING
        if code == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
            code, extra = _PATTERNS[ctx["pattern"]](value)
            ctx.update(extra)
        # a union (a code or its label) fails once per branch: keep okrlib's own explanation
        if path in found and not (code.startswith("okr_") and not found[path].code.startswith("okr_")):
            continue
        found[path] = problem(path, code, value, **ctx)
    return list(found.values())


def _is_internal_loc(part: str) -> bool:
    # pydantic adds validator names such as 'function-after[...]' or union member tags to locs
    return "[" in part and "]" in part or part in {"float", "int", "str", "date", "none", "list[str]"}
