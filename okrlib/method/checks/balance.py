"""KR 维度平衡 (T11): an objective's KRs cover the user/customer, business and technical sides."""

from __future__ import annotations


from typing import Any, Iterator

from okrlib.words import labels, text
from okrlib.method.checks.context import _Context, _o, rule

# ---- KR 维度平衡 (T11) ---------------------------------------------------------------------

_DIMENSIONS = ("user", "business", "tech")


@rule("kr-dimension-balance")
def _dimension_balance(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    least = int(ctx.profile.get("min_dimensions", 2))
    for o in ctx.wb.objectives:
        krs = ctx.krs_by_objective[o.id]
        if not krs:
            continue
        covered = {kr.dimension or getattr(ctx.analysis(kr), "dimension", None) for kr in krs}
        covered.discard(None)
        if len(covered) >= min(least, len(krs)):
            continue
        has = [d for d in _DIMENSIONS if d in covered]
        lacks = [d for d in _DIMENSIONS if d not in covered]

        def names(codes: list[str], lang: str, sep: str = "") -> str:
            shown = [labels.choice("kr_dimension", c, lang) or c for c in codes]
            return sep.join(shown) if sep else text.join(shown, lang)

        def covered(lang: str) -> str:
            if not has:
                return text.say("checker.dimensions_none", lang)
            shown = names(has, lang)
            return text.say("checker.dimensions_some", lang, names=shown if lang == "zh" else shown.lower())

        yield _o(
            o,
            covered=covered("zh"),
            covered_en=covered("en"),
            missing=names(lacks, "zh"),
            missing_en=names(lacks, "en").lower(),
            missing_or=names(lacks, "zh", text.say("checker.or", "zh")),
            missing_or_en=names(lacks, "en", text.say("checker.or", "en")).lower(),
            min=least,
        )
