"""The OKR checklist at enterprise scale: ``okrlib.method.checks.check`` over 2,000 workbooks, 100,000 KRs.

The workbooks are workbook_scale's synthetic set (``make_workbooks``, seeded): each is one team's
quarter with 10 objectives x 5 KRs, Chinese text throughout. They are validated once (not timed),
then ``check(wb)`` runs over every workbook with the ``course`` profile: every rule of
rules.yaml, the KR sentence analysis (okrlib.method.analyze), the scoring flags (okrlib.method.scoring) and the
findings (their texts are filled when read, so printing them is not part of the run).

The floor, measured in the same run on the same data: one compiled regular expression
``.search`` over every KR statement — the least any checker reading those sentences pays.
Target (from the issue): ``check`` over the 100,000 KRs in under 3 s (scaled with ``--quick`` or
``--workbooks``). Both run with the garbage collector paused (``bulk()``), as okrlib's batch
path does; timings are the best of ``--repeat``.

Run ``python -m benchmarks check_scale`` (about a minute) or ``--quick`` (20x smaller).
Results go to benchmarks/results/check_scale.json.
"""

from __future__ import annotations

import argparse
import collections
import platform
import os
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from benchmarks.workbook_scale import (
    FULL_WORKBOOKS,
    KRS_PER_WORKBOOK,
    QUICK_FACTOR,
    RESULTS_DIR,
    _log,
    best_of,
    make_workbooks,
)
from benchmarks.report import Results, Row, finish

CHECK_TARGET_S = 3.0
CHECK_TARGET_KRS = 100_000
FLOOR_PATTERN = r"(?:提升|降低|增长|缩短|提高)(?:至|到)\s*[\d.]+"
"""The floor's one regular expression: a KR phrasing with its target number (将 X 从 A 提升至 B)."""


@dataclass
class Config:
    workbooks: int = FULL_WORKBOOKS
    repeat: int = 3
    seed: int = 2027
    profile: str = "course"
    quick: bool = False


def op_floor(pattern: "re.Pattern[str]", texts: Sequence[str]) -> int:
    from okrlib.plan import bulk

    with bulk():
        return sum(1 for t in texts if pattern.search(t) is not None)


def op_check(workbooks: Sequence[Any], profile: str) -> list[Any]:
    from okrlib.plan import bulk
    from okrlib.method.checks import check

    with bulk():
        return [check(wb, profile) for wb in workbooks]


def run_suite(config: Config, quiet: bool = False) -> Results:
    import pydantic

    from okrlib import Workbook, __version__
    from okrlib.plan import bulk

    n = config.workbooks
    n_krs = n * KRS_PER_WORKBOOK
    env = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "okrlib": __version__,
        "pydantic": pydantic.VERSION,
    }
    res = Results(config=asdict(config), environment=env)
    raw = res.raw
    _log(f"generating and validating {n} workbooks ({n_krs:,} KRs; not timed)", quiet)
    start = time.perf_counter()
    dicts = make_workbooks(n, config.seed)
    with bulk():
        workbooks = [Workbook.from_dict(d) for d in dicts]
    del dicts
    raw["prepare_s"] = time.perf_counter() - start
    texts = [kr.statement for wb in workbooks for kr in wb.key_results]
    assert len(texts) == n_krs

    _log("floor: one compiled regular expression over the KR statements", quiet)
    pattern = re.compile(FLOOR_PATTERN)
    t_floor, runs, matched = best_of(lambda: op_floor(pattern, texts), config.repeat)
    raw["floor_runs_s"] = runs
    raw["floor_matches"] = matched

    _log(f"check(wb, {config.profile!r}) over {n} workbooks", quiet)
    op_check(workbooks[:1], config.profile)  # data files read, patterns compiled: once per process
    t_check, runs, reports = best_of(lambda: op_check(workbooks, config.profile), config.repeat, at_least=min(2, config.repeat))
    raw["check_runs_s"] = runs
    assert len(reports) == n
    findings = sum(len(r.findings) for r in reports)
    by_rule = collections.Counter(f.rule for r in reports for f in r.findings)
    raw["findings"] = findings
    raw["findings_by_rule"] = dict(by_rule.most_common())
    raw["mean_score"] = sum(r.score for r in reports) / n

    target_s = CHECK_TARGET_S * n_krs / CHECK_TARGET_KRS
    res.rows.append(
        Row(
            "floor: one regex .search",
            t_floor,
            "s",
            throughput=f"{n_krs / t_floor:,.0f} KR/s",
            note=f"{n_krs:,} KR statements, {matched:,} matches",
        )
    )
    res.rows.append(
        Row(
            f"check {n_krs:,} KRs",
            t_check,
            "s",
            floor=t_floor,
            floor_name="one regex",
            target=f"< {target_s:.3g} s" + ("" if n_krs == CHECK_TARGET_KRS else " (scaled)"),
            passed=t_check < target_s,
            throughput=f"{n_krs / t_check:,.0f} KR/s",
            note=f"profile {config.profile}, {n} workbooks, {findings:,} findings, {t_check / n_krs * 1e6:.1f} µs/KR",
        )
    )
    return res


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks check_scale", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help=f"{QUICK_FACTOR}x smaller (smoke run)")
    p.add_argument("--workbooks", type=int, default=None, help=f"workbooks in the set (default {FULL_WORKBOOKS})")
    p.add_argument("--repeat", type=int, default=None, help="best of N (default 3)")
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--profile", default="course", help="checker profile (default course)")
    p.add_argument("--output", metavar="JSON", default=str(RESULTS_DIR / "check_scale.json"))
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return p


def config_from_args(args: argparse.Namespace) -> Config:
    config = Config(workbooks=FULL_WORKBOOKS // QUICK_FACTOR, quick=True) if args.quick else Config()
    if args.workbooks is not None:
        config.workbooks = args.workbooks
    if args.repeat is not None:
        config.repeat = args.repeat
    config.seed = args.seed
    config.profile = args.profile
    return config


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    config = config_from_args(args)
    print(
        f"okrlib check_scale: {config.workbooks} workbooks, {config.workbooks * KRS_PER_WORKBOOK:,} KRs"
        + (" (quick)" if config.quick else ""),
        flush=True,
    )
    start = time.perf_counter()
    res = run_suite(config)
    res.raw["total_s"] = time.perf_counter() - start
    return finish(res, Path(args.output), args.strict, res.raw["total_s"])


if __name__ == "__main__":
    sys.exit(main())
