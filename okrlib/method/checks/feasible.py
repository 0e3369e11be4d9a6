"""落地可行性: the rules of T10's third dimension (focus: how many O and KRs; ownership: every KR
and task has an owner and a date, nobody carries too many)."""

from __future__ import annotations


from collections import defaultdict
from typing import Any, Iterator

from okrlib.words import labels, text
from okrlib.method.checks.context import _Context, _kr, _o, _short, rule
from okrlib.method.checks.findings import WORKBOOK_TARGET

# ---- 落地可行性 ----------------------------------------------------------------------------


def _range(ctx: _Context, key: str) -> tuple[int, int]:
    lo, hi = ctx.profile[key]
    return int(lo), int(hi)


@rule("o-count")
def _o_count(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    lo, hi = _range(ctx, "objectives")
    n = len(ctx.wb.objectives)
    if not lo <= n <= hi:
        yield WORKBOOK_TARGET, {"n": n, "lo": lo, "hi": hi, "profile": ctx.profile["zh"], "profile_en": ctx.profile["en"]}


@rule("kr-count")
def _kr_count(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    lo, hi = _range(ctx, "krs_per_objective")
    for o in ctx.wb.objectives:
        n = len(ctx.krs_by_objective[o.id])
        if not lo <= n <= hi:
            yield _o(o, n=n, lo=lo, hi=hi, profile=ctx.profile["zh"], profile_en=ctx.profile["en"])


@rule("kr-no-owner")
def _no_owner(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for kr in ctx.wb.key_results:
        if not kr.owner.strip():
            yield _kr(kr)


@rule("kr-no-tasks")
def _no_tasks(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    tasks = ctx.tasks_by_kr
    for kr in ctx.wb.key_results:
        if kr.id not in tasks:
            yield _kr(kr)


@rule("task-incomplete")
def _task_incomplete(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for t in ctx.wb.tasks:
        if t.due is not None and t.owner.strip():
            continue
        missing = [name for name, empty in (("owner", not t.owner.strip()), ("due", t.due is None)) if empty]
        if missing:
            zh = text.say("checker.and", "zh").join(labels.field("tasks", m, "zh") for m in missing)
            en = text.say("checker.and", "en").join(labels.field("tasks", m, "en").lower() for m in missing)
            yield t.id, {"id": t.id, "title": _short(t.title), "key_result": t.key_result, "missing": zh, "missing_en": en}


@rule("owner-overcommitted")
def _overcommitted(ctx: _Context) -> Iterator[tuple[str, dict[str, Any]]]:
    limit = int(ctx.profile["max_krs_per_owner"])
    owned: dict[str, list[str]] = defaultdict(list)
    for kr in ctx.wb.key_results:
        owner = kr.owner.strip()
        if owner:
            owned[owner].append(kr.id)
    for owner, ids in owned.items():
        if len(ids) > limit:
            shown = ", ".join(ids[:6]) + (" …" if len(ids) > 6 else "")
            yield owner, {"id": owner, "n": len(ids), "limit": limit, "krs": shown}
