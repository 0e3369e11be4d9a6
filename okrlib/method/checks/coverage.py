"""Whether there is anything to check: an indicator that judges a section of the plan (its
``needs`` in checklist.yaml) fails while that section is empty, so an empty or half-begun plan
never scores as good. One rule, ``nothing-to-check``, speaks for every such indicator: each
finding names the indicator it stands for."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from okrlib.method.checks.context import _Context, checklist, rule
from okrlib.method.checks.findings import WORKBOOK_TARGET
from okrlib.words import labels, text


@lru_cache(maxsize=1)
def _needing() -> tuple[tuple[str, str, str, str], ...]:
    """(indicator id, the section it needs, its name in Chinese, in English), in checklist order."""
    return tuple((ind["id"], ind["needs"], ind["zh"], ind["en"])
                 for dim in checklist() for ind in dim["indicators"] if ind.get("needs"))


@rule("nothing-to-check")
def _nothing_to_check(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for indicator, section, name_zh, name_en in _needing():
        if getattr(ctx.wb, section):
            continue
        yield WORKBOOK_TARGET, {
            "indicator": indicator,
            "section": labels.item(section, "zh"),
            "section_en": labels.section(section, "en").lower(),
            "indicator_name": name_zh,
            "indicator_name_en": name_en,
            "module": text.say(f"checker.section_module.{section}"),
        }
