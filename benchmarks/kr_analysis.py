"""KR sentence analysis: ``okrlib.method.analyze.analyze_kr`` sentences per second, on one core.

The sentences are generated from the labelled set (tests/data/kr_sentences.yaml) by giving
every number a new random value (same shape: integer or decimal, same scale word and unit) and
by swapping metric names between sentences (a sentence without numbers gets an owner), so that
few sentences repeat. The target row measures ``analyze_kr_uncached`` (no cache at all); the
cached ``analyze_kr`` (an lru_cache of 4,096 sentences) is reported separately, on a plan's
2,000 sentences checked a second time.

The floor, measured in the same run on the same texts, is the least any analyser pays: one
compiled regular expression (a number with an optional scale word and unit) ``.search``-ed
over every text. The ratio is analyze_kr's rate over the floor's (1.0 would be as fast as a
single regex scan); it is comparable across machines, the absolute rate is not.

===============================  =================================================  ==========
metric                           okrlib                                             target
===============================  =================================================  ==========
analyze_kr (uncached)            ``analyze_kr_uncached(text)`` per sentence         >= 20,000/s
analyze_kr cached                the same 2,000 sentences a second time             (info)
analyze_kr, Chinese numerals     the sentences with 三百万 / 百分之八十 forms          (info)
import okrlib.method.analyze            first call included (tables compiled)              (info)
===============================  =================================================  ==========

Run ``python -m benchmarks kr_analysis`` (``--quick``: 2,000 sentences; ``--strict``: exit 1 when
the target is missed). Results go to benchmarks/results/kr_analysis.json.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from benchmarks.report import Results, Row, finish

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
LABELS = ROOT / "tests" / "data" / "kr_sentences.yaml"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_PER_S = 20_000
FULL_SENTENCES = 20_000
QUICK_SENTENCES = 2_000

FLOOR_PATTERN = r"\d+(?:\.\d+)?\s?(?:十万|百万|千万|万|亿|千|k|m|million)?\s?(?:%|元|人|个|ms|天|次|秒|小时)?"

_METRICS_ZH = ["次月留存率", "付费转化率", "AI 客服解决率", "推送打开率", "客单价", "NPS", "接口 P99 延迟", "注册转化率", "续约率", "首屏加载时长"]
_METRICS_EN = ["weekly active users", "ARR", "p99 latency", "NPS", "trial-to-paid conversion", "monthly churn", "activation rate", "CSAT"]
_OWNERS_ZH = ["王敏", "李雷", "韩梅梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄婷", "周杰", "吴倩", "郑浩", "孙悦", "马超", "林夕"]
_TEAMS_ZH = ["增长组", "平台组", "商业化组", "体验组", "数据组", "架构组", "海外组", "渠道组", "客户成功组", "安全组"]
_OWNERS_EN = ["Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert"]
_TEAMS_EN = ["Growth", "Platform", "Monetization", "UX", "Data", "Infra", "International", "Channels", "Customer Success", "Security"]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def load_sentences() -> list[str]:
    import yaml

    return [row["text"] for row in yaml.safe_load(LABELS.read_text(encoding="utf-8"))["sentences"]]


def _new_number(rng: random.Random, old: str) -> str:
    if "." in old:
        return f"{rng.uniform(0.1, 99.9):.{len(old.split('.')[-1])}f}"
    if "," in old:
        return f"{rng.randint(1_000, 9_999_999):,}"
    width = len(old)
    return str(rng.randint(10 ** (width - 1) if width > 1 else 1, 10**width - 1))


def make_sentences(n: int, seed: int = 2027) -> list[str]:
    """``n`` sentences varied from the labelled set: new numbers, metrics swapped; deterministic."""
    rng = random.Random(seed)
    base = load_sentences()
    out = []
    for i in range(n):
        text = base[i % len(base)]
        text = _NUMBER.sub(lambda m: _new_number(rng, m.group(0)), text)
        if i // len(base) % 2:
            pool = _METRICS_ZH if any("\u4e00" <= ch <= "\u9fff" for ch in text) else _METRICS_EN
            for name in pool:
                if name in text:
                    text = text.replace(name, rng.choice(pool), 1)
                    break
        if not _NUMBER.search(text):  # no number to vary: name an owner, so the text still differs
            zh = any("\u4e00" <= ch <= "\u9fff" for ch in text)
            text += f"(负责人:{rng.choice(_OWNERS_ZH)}{rng.choice(_TEAMS_ZH)})" if zh else f" (owner: {rng.choice(_OWNERS_EN)} {rng.choice(_TEAMS_EN)})"
        out.append(text)
    return out


def rates(fns: Sequence[Callable[[str], Any]], texts: Sequence[str], repeat: int) -> list[float]:
    """Best-of-``repeat`` items per second of each of ``fns`` over ``texts`` (GC paused while timing).

    The functions take turns within each round, so that a busy moment of this shared machine
    slows the floor and the subject alike and their ratio stays meaningful.
    """
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            gc.disable()
            try:
                start = time.perf_counter()
                for text in texts:
                    fn(text)
                best[i] = min(best[i], time.perf_counter() - start)
            finally:
                gc.enable()
    return [len(texts) / b if b > 0 else float("inf") for b in best]


def rate(fn: Callable[[str], Any], texts: Sequence[str], repeat: int) -> float:
    """Best-of-``repeat`` items per second of ``fn`` over ``texts``."""
    return rates([fn], texts, repeat)[0]


def _pin_one_core() -> Optional[int]:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):
        return None


def run_suite(n: int, repeat: int, seed: int) -> Results:
    cpu = _pin_one_core()
    res = Results(config={"sentences": n, "repeat": repeat, "seed": seed, "cpu": cpu, "target_per_s": TARGET_PER_S})
    texts = make_sentences(n, seed)
    res.raw["distinct_sentences"] = len(set(texts))

    start = time.perf_counter()
    from okrlib.method.analyze import analyze_kr, analyze_kr_uncached

    analyze_kr_uncached(texts[0])
    first_call = time.perf_counter() - start

    floor_re = re.compile(FLOOR_PATTERN)
    floor, value = rates([floor_re.search, analyze_kr_uncached], texts, repeat)
    res.rows.append(Row("floor: one regex .search", floor, "/s", note=f"{FLOOR_PATTERN[:40]}…"))
    res.rows.append(
        Row(
            f"analyze_kr, {n:,} sentences (uncached)",
            value,
            "/s",
            floor,
            "regex",
            f"≥ {TARGET_PER_S:,}/s",
            value >= TARGET_PER_S,
            f"{1e6 / value:.0f} µs a sentence",
        )
    )
    plan = texts[: min(len(texts), 2_000)]
    for text in plan:  # warm the cache: a notebook re-checking the same plan
        analyze_kr(text)
    res.rows.append(
        Row(f"analyze_kr cached, same {len(plan):,} again (info)", rate(analyze_kr, plan, repeat), "/s",
            rate(floor_re.search, plan, repeat), "regex", note="lru_cache(4096): re-running checks on one plan")
    )
    cn = [t for t in texts if re.search(r"[一二两三四五六七八九十百]", t)]
    if cn:
        cn_rate = rate(analyze_kr_uncached, cn, repeat)
        res.rows.append(Row(f"analyze_kr, {len(cn):,} with Chinese numerals (info)", cn_rate, "/s", rate(floor_re.search, cn, repeat), "regex"))
    res.rows.append(Row("first call (tables compiled, info)", first_call * 1000, "ms"))
    res.raw["rates"] = {"analyze_kr": value, "floor": floor}
    return res


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks kr_analysis", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help=f"{QUICK_SENTENCES:,} sentences instead of {FULL_SENTENCES:,}")
    p.add_argument("--sentences", type=int, default=None)
    p.add_argument("--repeat", type=int, default=5, help="best of N (default 5)")
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--output", metavar="JSON", default=str(RESULTS_DIR / "kr_analysis.json"))
    p.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    n = args.sentences or (QUICK_SENTENCES if args.quick else FULL_SENTENCES)
    print(f"okrlib kr_analysis: {n:,} sentences" + (" (quick)" if args.quick else ""), flush=True)
    res = run_suite(n, args.repeat, args.seed)
    return finish(res, Path(args.output), args.strict)


if __name__ == "__main__":
    sys.exit(main())
