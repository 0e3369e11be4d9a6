"""What a participant must never read in a table: programmer output.

The course is in Chinese for product managers; a table that shows ``customers_start``, ``to_c``,
``True``, ``<NA>``, ``0.849111``, a literal ``\\n`` or ``**`` or ``{id}``, or a module's name is
plumbing showing through. ``violations(html)`` lists each such header, index label or cell of
every ``<table>`` in an HTML output, so the surface test (tests/test_surfaces.py, over every
notebook run headless) and the unit test of ``present.table`` (tests/test_present.py) judge
with the same eyes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

__all__ = ["violations", "notebook_violations", "codes"]

# snake_case (two or more parts) or camelCase ASCII words
_IDENTIFIER = re.compile(r"(?<![\w./-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+)(?![\w/-])")
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")  # a stored code (to_c, up); M.2, USD, T10-1 are names
_RULE_ID = re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}(?![\w-])")  # a checker rule's id (kr-is-activity)
_PYTHON_VALUE = re.compile(r"^(?:True|False|None|nan|NaN|<NA>|NaT|NA|inf|-inf)$")
_SEQUENCE_REPR = re.compile(r"^[\(\[]\s*(?:(?:'[^']*'|\"[^\"]*\"|-?[\d.]+|True|False|None)\s*,\s*)*"
                            r"(?:'[^']*'|\"[^\"]*\"|-?[\d.]+|True|False|None)?\s*,?\s*[\)\]]$")
_LONG_FLOAT = re.compile(r"(?<![\d.])-?\d+\.\d{4,}(?![\d.])")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}")
_DEVELOPER = re.compile(
    r"okrlib|\.py\b|\.ipynb\b|\.ya?ml\b|analyze_kr|\bTODO\b|\bFIXME\b|builtin:|\bdef |\blambda\b|"
    r"(?<![\w:/])(?:\.\./|\./)?[\w.-]+/[\w.-]+\.(?:csv|md|yaml|py|json)\b"
)


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """Every code okrlib stores where people read names: vocab.yaml's choices, the statuses and
    severities, scoring's bands, and the ASCII values of every declared case or reference category."""
    from okrlib.course import cases, reference
    from okrlib.words.resources import data_file

    found: set[str] = set()
    for name, group in data_file("vocab").items():
        if isinstance(group, dict):
            found.update(str(c) for c in group)
    labels = data_file("labels")
    found.update(labels["status"])
    found.update(labels["severity"])
    for info in cases.list():
        for spec in cases.load(info.id).specs.values():
            for col in spec.columns:
                found.update(v for v in col.values or () if v.isascii())
    for info in reference.list():
        for spec in reference.get(info.id).specs.values():
            for col in spec.columns:
                found.update(v for v in col.values or () if v.isascii())
    found.update({"on_track", "at_risk", "off_track", "behind", "ahead", "high", "medium", "low", "rising",
                  "falling", "steady", "stretch", "committed", "aspirational"})
    return frozenset(c for c in found if _CODE.match(c))


def _problem(cell: str) -> str | None:
    """Why ``cell`` (the text of one header, index label or cell) is programmer output, or None."""
    said = cell.strip()
    if not said:
        return None
    if _PYTHON_VALUE.match(said):
        return "a Python value"
    if said in codes():
        return "an enum code"
    if _SEQUENCE_REPR.match(said) and ("," in said or said in ("()", "[]")):
        return "a tuple or list"
    if "\\n" in said:
        return "a literal \\n"
    if "**" in said:
        return "raw Markdown **"
    if _PLACEHOLDER.search(said):
        return "a {placeholder}"
    if _DEVELOPER.search(said):
        return "developer words"
    if _LONG_FLOAT.search(said):
        return "a float with more than 3 decimals"
    if _IDENTIFIER.search(said):
        return "an identifier"
    if _RULE_ID.search(said):
        return "a rule id"
    return None


def violations(html: str, where: str = "") -> list[str]:
    """Every header, index label or cell of the HTML's tables that a participant should not read."""
    from bs4 import BeautifulSoup

    out = []
    soup = BeautifulSoup(html, "html.parser")
    for table in soup.find_all("table"):
        caption = table.find_previous(["b", "caption"])
        title = caption.get_text(" ", strip=True)[:40] if caption else ""
        for cell in table.find_all(["th", "td"]):
            said = cell.get_text("\n")
            why = _problem(said)
            if why:
                out.append(f"{where} [{title}] {cell.name}: {said.strip()[:80]!r} ({why})")
    return out


def _html_outputs(nb: dict) -> Iterator[tuple[int, str]]:
    for i, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []) or []:
            html = (output.get("data") or {}).get("text/html")
            if html:
                yield i, "".join(html) if isinstance(html, list) else html


def _widget_html(nb: dict) -> Iterator[tuple[str, str]]:
    """The HTML the notebook's widgets show (forms' tables and messages, the outputs drawn under a
    form), from the widget state a headless run saves with the notebook."""
    state = ((nb.get("metadata") or {}).get("widgets") or {}).get("application/vnd.jupyter.widget-state+json") or {}
    for model_id, model in (state.get("state") or {}).items():
        values = model.get("state") or {}
        if isinstance(values.get("value"), str) and "<" in values["value"]:
            yield model_id, values["value"]
        for output in values.get("outputs") or []:
            html = (output.get("data") or {}).get("text/html")
            if html:
                yield model_id, "".join(html) if isinstance(html, list) else html


def notebook_violations(nb: dict, name: str = "") -> list[str]:
    """``violations`` over every HTML output of an executed notebook (JSON as loaded) and the
    HTML of its widgets (saved widget state)."""
    out: list[str] = []
    for i, html in _html_outputs(nb):
        out += violations(html, f"{name} cell {i}")
    for model_id, html in _widget_html(nb):
        out += violations(html, f"{name} widget {model_id[:8]}")
    return out


def summary(found: Iterable[str], limit: int = 60) -> str:
    found = list(found)
    return f"{len(found)} violation(s):\n" + "\n".join(found[:limit])
