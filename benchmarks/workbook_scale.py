"""Enterprise scale: 2,000 team workbooks, 100,000 key results, 300,000 check-ins.

Each measurement is set against a *floor* measured in the same run on the same data: the
least that any Python program pays to do the same job with plain data (YAML/JSON parsing,
``yaml.dump``, ``pandas.DataFrame(list_of_dicts)``, importing pydantic and defining one model).
Ratios to the floor stay comparable across machines; absolute numbers do not.

===========  ==============================================  ======================================
metric       okrlib                                          floor
===========  ==============================================  ======================================
load         ``yaml_file.load(path)`` (read, parse, validate)    ``yaml.load(text, CSafeLoader)``
validate     ``Workbook.model_validate(dict)``               ``json.loads`` of the same data
frames       ``okrlib.storage.tables.frames(wb)``                    ``pandas.DataFrame(rows)`` per section
save         ``yaml_file.save(wb, path)`` (atomic, fsync)        ``yaml.dump(CSafeDumper)`` + write
import       ``import okrlib`` (fresh interpreter)           ``import yaml, pydantic`` + one model
===========  ==============================================  ======================================

Targets (from the issue): validating all 100,000 key results in under 2 s; ``import okrlib``
at most 1.2x its core dependencies alone; ``import okrlib`` loads none of pandas, plotly,
ipywidgets, openpyxl.

Scale. validate, frames and the JSON floor run on the whole set. The YAML-bound measurements
(load, save and their floors) run on the first ``--io-workbooks`` workbooks (default 300 = 15%
of the set, 15,000 KRs): PyYAML spends ~80 ms per 51 KB workbook in its pure-Python
resolver/constructor/representer, so four passes over 2,000 files would take ~11 minutes alone. Their
ratios do not depend on the count (every file is alike and processed independently), and the
table also shows the time extrapolated to the whole set. Timings are best of ``--repeat`` (default 3;
fewer once a measurement's runs add up to 12 s, but validate always runs twice), YAML-bound ones best of ``--io-repeat`` (default 1). Peak memory is measured in a separate
pass, one fresh subprocess per operation (tracemalloc's peak over the operation; tracing slows
allocation, so it never runs during the timed pass), on ``--memory-workbooks`` workbooks whose
results are all kept alive, i.e. the memory a program holding them all needs (saving: the peak while writing one file at a time,
on at most 20 workbooks).

Run ``python -m benchmarks`` (about 4-5 minutes on 2 cores) or ``--quick`` (20x smaller).
Results go to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from benchmarks.report import Results, Row, finish, user_env

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

FULL_WORKBOOKS = 2000
OBJECTIVES_PER_WORKBOOK = 10
KRS_PER_OBJECTIVE = 5
KRS_PER_WORKBOOK = OBJECTIVES_PER_WORKBOOK * KRS_PER_OBJECTIVE  # 50
CHECKINS_PER_KR = 3
CHECKINS_PER_WORKBOOK = KRS_PER_WORKBOOK * CHECKINS_PER_KR  # 150
TASKS_PER_KR = 1

VALIDATE_TARGET_S = 2.0
VALIDATE_TARGET_KRS = 100_000
IMPORT_TARGET_RATIO = 1.2
HEAVY_MODULES = ("pandas", "plotly", "ipywidgets", "openpyxl")
QUICK_FACTOR = 20
SAVE_MEMORY_WORKBOOKS = 20

IMPORT_OKRLIB = "import okrlib"
IMPORT_FLOOR = "import yaml, pydantic\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int"
IMPORT_BARE = "import yaml\nfrom pydantic import BaseModel"


# --------------------------------------------------------------------------------------------
# Synthetic data (deterministic: the same seed gives the same workbooks on every machine)
# --------------------------------------------------------------------------------------------

_DEPARTMENTS = ["增长", "平台", "商业化", "用户体验", "数据智能", "基础架构", "海外业务", "渠道", "客户成功", "安全合规"]
_PRODUCTS = ["云盘", "协同文档", "智能客服", "支付中台", "会员系统", "数据看板", "开放平台", "视频会议", "企业邮箱", "低代码平台"]
_METRICS = [
    ("付费转化率", "%", 2.0, 6.0),
    ("新用户7日留存率", "%", 20.0, 45.0),
    ("月活跃用户", "万人", 50, 300),
    ("客单价", "元", 80, 260),
    ("续费率", "%", 60.0, 92.0),
    ("NPS", "分", 10, 60),
    ("接口可用性", "%", 99.0, 99.99),
    ("首屏加载时间", "毫秒", 1800, 600),
    ("工单平均解决时长", "小时", 36, 8),
    ("新签企业客户数", "家", 20, 120),
]
_PEOPLE = ["王敏", "李雷", "韩梅梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄婷", "周杰", "吴倩", "郑浩"]
_OTHER_DEPTS = ["市场部", "销售部", "客服中心", "财务部", "法务部", "数据平台部", "运维部", "设计中心"]
_NOTES = [
    "按计划推进",
    "渠道投放延迟一周,已调整排期",
    "A/B 测试结果符合预期",
    "受节假日影响略有下滑",
    "新版本上线后明显改善",
    "等待数据平台接入埋点",
    "与销售团队对齐了客户名单",
]
_FACTORS = [
    ("internal", "rd_capability", "同步引擎完成重构,性能提升一倍"),
    ("internal", "team_resources", "研发人力本季度减少 2 人"),
    ("internal", "product_matrix", "与协同文档打通账号体系"),
    ("external", "competitor", "主要竞品推出免费 1TB 套餐"),
    ("external", "customer_demand", "中小企业对权限管理的需求上升"),
    ("external", "policy", "数据出境新规要求本地化存储"),
    ("external", "industry_trend", "AI 助手成为办公软件标配"),
]


def make_workbook(index: int, seed: int = 2027) -> dict[str, Any]:
    """One team's plan as plain data (what YAML gives): 50 KRs, 150 check-ins, 100 tasks ..."""
    rng = random.Random(seed * 1_000_003 + index)
    quarter = index % 4 + 1
    q_start = dt.date(2027, 3 * quarter - 2, 1)
    q_end = dt.date(2027 + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    days = (q_end - q_start).days

    def day(lo: float = 0.0, hi: float = 1.0) -> dt.date:
        return q_start + dt.timedelta(days=int(days * rng.uniform(lo, hi)))

    def person() -> str:
        return rng.choice(_PEOPLE)

    dept = _DEPARTMENTS[index % len(_DEPARTMENTS)]
    product = _PRODUCTS[(index // len(_DEPARTMENTS)) % len(_PRODUCTS)]
    company_goals = [
        {"id": "CG1", "level": "mission_vision", "statement": "让每一个团队的协作更简单、更高效"},
        {"id": "CG2", "level": "annual_strategy", "statement": "全面拓展中小企业市场,打造一体化办公平台", "parent": "CG1"},
    ]
    for g in (3, 4):
        metric, unit, lo, hi = _METRICS[(index + g) % len(_METRICS)]
        company_goals.append(
            {
                "id": f"CG{g}",
                "level": "business_goal",
                "statement": f"年度{metric}从 {lo} {unit} 提升到 {hi} {unit}",
                "parent": "CG2",
                "decode": {
                    "essence": f"以{metric}衡量的{dept}业务增长",
                    "drivers": "转化漏斗优化、渠道扩张、产品体验",
                    "constraints": f"预算 {rng.randint(100, 900)} 万元,研发 {rng.randint(6, 30)} 人",
                    "risks": "竞品降价、渠道政策变化",
                    "relevance": rng.randint(2, 5),
                    "relevance_note": f"{product}是该目标的主要承载产品",
                },
            }
        )
    factors = []
    for f, k in enumerate(rng.sample(range(len(_FACTORS)), 4), 1):
        side, category, text = _FACTORS[k]
        factors.append(
            {
                "id": f"F{f}",
                "side": side,
                "category": category,
                "description": text,
                "evidence": "季度经营分析会材料",
                "impact": rng.choice([-2, -1, 1, 2]),
                "affects": ["CG3"] if f % 2 else ["CG3", "CG4"],
            }
        )
    core_elements = [
        {"id": "E1", "kind": "customer_segment", "description": "50 人以下的小团队", "goal": "CG3"},
        {"id": "E2", "kind": "core_feature", "description": "多人实时协同编辑", "goal": "CG3"},
        {"id": "E3", "kind": "business_metric", "description": "付费席位数", "goal": "CG4", "note": "按月统计"},
    ]
    product_goals = []
    for p, role in enumerate(("revenue_core", "tech_pilot", "market_supplement"), 1):
        metric, unit, lo, hi = _METRICS[(index + p) % len(_METRICS)]
        product_goals.append(
            {
                "id": f"PG{p}",
                "role": role,
                "statement": f"{product}{metric}达到 {hi} {unit}",
                "metric": metric,
                "baseline": lo,
                "target": hi,
                "unit": unit,
                "deadline": q_end,
                "roi": {"investment": rng.randint(50, 500), "expected_return": rng.randint(100, 2000), "unit": "万元"},
                "derived_from": "CG3" if p != 3 else "CG4",
            }
        )
    objectives, key_results, tasks, checkins, scores = [], [], [], [], []
    for o in range(1, OBJECTIVES_PER_WORKBOOK + 1):
        objectives.append(
            {
                "id": f"O{o}",
                "statement": f"让{product}成为{rng.choice(['中小企业', '教育行业', '制造业', '零售连锁'])}团队的首选(第{o}项)",
                "kind": "committed" if o % 3 else "aspirational",
                "owner": person(),
                "derived_from": f"PG{(o - 1) % 3 + 1}",
            }
        )
        for k in range(1, KRS_PER_OBJECTIVE + 1):
            kr_id = f"KR{o}.{k}"
            metric, unit, lo, hi = _METRICS[rng.randrange(len(_METRICS))]
            baseline = round(rng.uniform(min(lo, hi), max(lo, hi)), 2)
            target = round(baseline * rng.uniform(1.05, 1.6), 2) if hi > lo else round(baseline * rng.uniform(0.5, 0.95), 2)
            key_results.append(
                {
                    "id": kr_id,
                    "objective": f"O{o}",
                    "statement": f"{metric}从 {baseline}{unit} {'提升' if hi > lo else '降低'}到 {target}{unit}",
                    "metric": metric,
                    "baseline": baseline,
                    "target": target,
                    "unit": unit,
                    "direction": "up" if hi > lo else "down",
                    "type": "metric",
                    "dimension": rng.choice(["user", "business", "tech"]),
                    "owner": person(),
                    "weight": rng.choice([0.5, 1.0, 1.0, 1.5]),
                    "due": day(0.6, 1.0),
                    "collaborators": rng.sample(_OTHER_DEPTS, rng.randint(0, 2)),
                    "data_source": "BI 看板 / 埋点平台",
                }
            )
            for t in range(1, TASKS_PER_KR + 1):
                tasks.append(
                    {
                        "id": f"T{o}.{k}.{t}",
                        "key_result": kr_id,
                        "title": f"{rng.choice(['上线', '评审', '调研', '灰度发布', '复盘'])}{metric}相关改进({t})",
                        "owner": person(),
                        "due": day(0.2, 0.9),
                        "status": rng.choice(["todo", "doing", "done", "blocked"]),
                    }
                )
            for c in range(1, CHECKINS_PER_KR + 1):
                checkins.append(
                    {
                        "id": f"C{o}.{k}.{c}",
                        "key_result": kr_id,
                        "date": q_start + dt.timedelta(days=28 * c),
                        "value": round(baseline + (target - baseline) * c / (CHECKINS_PER_KR + 1) * rng.uniform(0.6, 1.2), 2),
                        "confidence": rng.randint(3, 10),
                        "note": rng.choice(_NOTES),
                    }
                )
            scores.append({"key_result": kr_id, "score": round(rng.uniform(0.2, 1.0), 1), "comment": "符合预期"})
    cross_dept = [
        {
            "id": f"X{x}",
            "department": d,
            "need": f"需要{d}在第 {x} 个月提供支持",
            "contact": person(),
            "agreed": bool(x % 2),
            "relates_to": f"KR{x}.1",
        }
        for x, d in enumerate(rng.sample(_OTHER_DEPTS, 4), 1)
    ]
    risks = [
        {
            "id": f"R{r}",
            "description": rng.choice(["关键人员离职", "支付通道审批延迟", "竞品价格战", "数据口径不一致", "上线窗口被压缩"]),
            "relates_to": f"KR{r}.{rng.randint(1, KRS_PER_OBJECTIVE)}",
            "likelihood": rng.randint(1, 5),
            "impact": rng.randint(1, 5),
            "response": "提前准备预案并每周跟踪",
            "owner": person(),
        }
        for r in range(1, 7)
    ]
    adjustments = [
        {
            "id": f"A{a}",
            "date": day(0.3, 0.8),
            "relates_to": f"KR{a}.2",
            "change": "调整目标值",
            "reason": "市场环境变化,经周会讨论确认",
            "approved_by": person(),
            "field": "target",
            "old_value": "40",
            "new_value": "35",
        }
        for a in range(1, 4)
    ]
    notes = [
        {"id": "N1", "kind": "reflection", "text": "目标拆解过细,导致协同成本偏高"},
        {"id": "N2", "kind": "asset", "text": "付费页 A/B 测试模板", "relates_to": "KR1.1"},
        {"id": "N3", "kind": "carry_forward", "text": "权限管理需求延续到下一季度", "relates_to": "O2"},
    ]
    action_plan = [
        {
            "id": f"P{a}",
            "action": f"与{rng.choice(_OTHER_DEPTS)}对齐下季度节奏",
            "owner": person(),
            "due": q_end + dt.timedelta(days=14 * a),
            "success_measure": "形成书面共识",
            "relates_to": f"O{a}",
        }
        for a in range(1, 5)
    ]
    return {
        "schema_version": 1,
        "meta": {
            "team": f"{dept}{index:04d}组",
            "product": product,
            "company": "星河科技",
            "product_type": ("to_c", "to_b", "platform")[index % 3],
            "cycle": {"year": 2027, "quarter": quarter},
            "language": "zh",
        },
        "company_goals": company_goals,
        "factors": factors,
        "core_elements": core_elements,
        "product_goals": product_goals,
        "objectives": objectives,
        "key_results": key_results,
        "cross_dept": cross_dept,
        "tasks": tasks,
        "checkins": checkins,
        "risks": risks,
        "adjustments": adjustments,
        "review": {"scores": scores, "notes": notes},
        "action_plan": action_plan,
    }


def make_workbooks(n: int, seed: int = 2027) -> list[dict[str, Any]]:
    return [make_workbook(i, seed) for i in range(n)]


# --------------------------------------------------------------------------------------------
# The operations (used by the timed pass, the memory pass and the smoke test)
# --------------------------------------------------------------------------------------------


def op_json_floor(texts: Sequence[str]) -> list[Any]:
    # Floors run with the garbage collector paused too, as okrlib's batch path does, so that a
    # ratio measures okrlib's own work and not a difference in collector settings.
    from okrlib.plan import bulk

    with bulk():
        return [json.loads(t) for t in texts]


def op_validate(dicts: Sequence[dict[str, Any]]) -> list[Any]:
    """The documented batch path: ``bulk()`` pauses the garbage collector for the batch."""
    from okrlib import Workbook
    from okrlib.plan import bulk

    with bulk():
        return [Workbook.from_dict(d) for d in dicts]


def op_validate_gc_on(dicts: Sequence[dict[str, Any]]) -> list[Any]:
    """The same workbooks one ``model_validate`` at a time with the collector running (for comparison)."""
    from okrlib import Workbook

    return [Workbook.model_validate(d) for d in dicts]


def op_yaml_floor(paths: Sequence[Path]) -> list[Any]:
    import yaml

    from okrlib.plan import bulk

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with bulk():
        return [yaml.load(p.read_text(encoding="utf-8"), Loader=loader) for p in paths]


def op_load(paths: Sequence[Path]) -> list[Any]:
    from okrlib.plan import bulk
    from okrlib.storage import yaml_file

    with bulk():
        return [yaml_file.load(p) for p in paths]


def op_frames(workbooks: Sequence[Any]) -> list[Any]:
    from okrlib.storage.tables import frames

    return [frames(wb) for wb in workbooks]


def frame_rows(workbooks: Sequence[Any]) -> list[dict[str, list[dict[str, Any]]]]:
    """The floor's input: the same rows as plain dicts, one list per table (meta first)."""
    from okrlib import SECTIONS

    out = []
    for wb in workbooks:
        data = wb.model_dump()
        tables = {"meta": [data["meta"]]}
        for name, section in SECTIONS.items():
            node: Any = data
            for key in section.path:
                node = node[key]
            tables[name] = node
        out.append(tables)
    return out


def op_frames_floor(rows: Sequence[dict[str, list[dict[str, Any]]]]) -> list[Any]:
    import pandas as pd

    return [{name: pd.DataFrame(table) for name, table in tables.items()} for tables in rows]


def op_save(workbooks: Sequence[Any], directory: Path) -> list[Path]:
    from okrlib.storage import yaml_file

    paths = []
    for i, wb in enumerate(workbooks):
        path = directory / f"team{i:05d}.yaml"
        yaml_file.save(wb, path, backup=False)
        paths.append(path)
    return paths


def op_save_floor(dumped: Sequence[dict[str, Any]], directory: Path) -> list[Path]:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    paths = []
    for i, data in enumerate(dumped):
        path = directory / f"plain{i:05d}.yaml"
        text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, default_flow_style=False)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def has_tables() -> bool:
    try:
        import okrlib.storage.tables  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


REPEAT_BUDGET_S = 12.0
"""best_of stops repeating once its runs have taken this long (a 30 s run is not worth a second)."""


def best_of(
    fn: Callable[[], Any], repeat: int, budget_s: float = REPEAT_BUDGET_S, at_least: int = 1
) -> tuple[float, list[float], Any]:
    """(best seconds, all runs, the last run's result); a full collection before each run.

    Runs ``repeat`` times, or fewer (but ``at_least``) once the runs so far add up to ``budget_s``.
    """
    times: list[float] = []
    result = None
    for _ in range(max(1, repeat)):
        if len(times) >= at_least and sum(times) >= budget_s:
            break
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), times, result


_IMPORT_PROBE = """
import sys, time, json
t0 = time.perf_counter()
exec(compile({code!r}, "<import>", "exec"))
t1 = time.perf_counter()
print(json.dumps({{"seconds": t1 - t0, "modules": sorted(m for m in {heavy!r} if m in sys.modules),
                  "numpy": "numpy" in sys.modules}}))
"""


def import_time(code: str, runs: int) -> dict[str, Any]:
    """Median import time in fresh interpreters: measured inside (import only) and outside (wall)."""
    inner, wall, modules, numpy_loaded = [], [], [], False
    probe = _IMPORT_PROBE.format(code=code, heavy=HEAVY_MODULES)
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=user_env(), cwd=str(ROOT), check=True
        )
        wall.append(time.perf_counter() - start)
        info = json.loads(done.stdout.strip().splitlines()[-1])
        inner.append(info["seconds"])
        modules = info["modules"]
        numpy_loaded = info["numpy"]
    return {
        "median_s": statistics.median(inner),
        "runs_s": inner,
        "wall_median_s": statistics.median(wall),
        "heavy_modules": modules,
        "numpy": numpy_loaded,
    }


def measure_imports(runs: int) -> dict[str, Any]:
    for code in (IMPORT_OKRLIB, IMPORT_FLOOR, IMPORT_BARE):  # warm the bytecode caches first
        import_time(code, 1)
    results: dict[str, list[dict[str, Any]]] = {"okrlib": [], "floor": [], "bare": []}
    for _ in range(runs):  # interleaved, so a busy moment hits all three alike
        results["okrlib"].append(import_time(IMPORT_OKRLIB, 1))
        results["floor"].append(import_time(IMPORT_FLOOR, 1))
        results["bare"].append(import_time(IMPORT_BARE, 1))

    def summary(items: list[dict[str, Any]]) -> dict[str, Any]:
        inner = [i["median_s"] for i in items]
        return {
            "median_s": statistics.median(inner),
            "runs_s": inner,
            "wall_median_s": statistics.median(i["wall_median_s"] for i in items),
            "heavy_modules": sorted({m for i in items for m in i["heavy_modules"]}),
            "numpy": any(i["numpy"] for i in items),
        }

    return {name: summary(items) for name, items in results.items()}


# ---- memory: one fresh interpreter per operation ----------------------------------------------


MEMORY_OPS = ("yaml_floor", "load", "json_floor", "validate", "frames_floor", "frames", "save_floor", "save")


def memory_child(op: str, n: int, seed: int, files: Optional[str]) -> dict[str, Any]:
    """Run one operation on n workbooks with its input ready; its peak traced allocation.

    tracemalloc counts what the operation allocates from its start (numpy's arrays included),
    whatever the setup allocated or freed before; its results are kept alive to the end.
    """
    import okrlib  # noqa: F401  (imports are not the operation)
    from okrlib.storage import yaml_file  # noqa: F401

    if op in ("frames", "frames_floor"):
        import pandas  # noqa: F401

        import okrlib.storage.tables  # noqa: F401
    keep: Any = None
    op_validate([make_workbook(0, seed)])  # pydantic builds its validators on first use: not the operation
    scratch = Path(tempfile.mkdtemp(prefix="okrlib-bench-mem-"))
    try:
        if op in ("yaml_floor", "load"):
            paths = sorted(Path(files).glob("team*.yaml"))[:n] if files else []
            args: Any = paths
        else:
            dicts = make_workbooks(n, seed)
            if op == "json_floor":
                args = [json.dumps(d, default=str, ensure_ascii=False) for d in dicts]
                del dicts
            elif op == "validate":
                args = dicts
            else:
                workbooks = op_validate(dicts)
                del dicts
                if op == "frames":
                    args = workbooks
                elif op == "frames_floor":
                    args = frame_rows(workbooks)
                    del workbooks
                elif op == "save":
                    args = workbooks
                else:  # save_floor
                    args = [wb.model_dump() for wb in workbooks]
                    del workbooks
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        operations: dict[str, Callable[[], Any]] = {
            "yaml_floor": lambda: op_yaml_floor(args),
            "load": lambda: op_load(args),
            "json_floor": lambda: op_json_floor(args),
            "validate": lambda: op_validate(args),
            "frames": lambda: op_frames(args),
            "frames_floor": lambda: op_frames_floor(args),
            "save": lambda: op_save(args, scratch),
            "save_floor": lambda: op_save_floor(args, scratch),
        }
        keep = operations[op]()
        seconds = time.perf_counter() - start
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert keep is not None
        return {"op": op, "workbooks": n, "peak_bytes": peak, "kept_bytes": current, "seconds_traced": seconds}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure_memory(op: str, n: int, seed: int, files: Optional[Path]) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.workbook_scale", "--memory-child", op, "--workbooks", str(n), "--seed", str(seed)]
    if files is not None:
        cmd += ["--files", str(files)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=user_env(), cwd=str(ROOT))
    if done.returncode != 0:
        return {"op": op, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# The suite
# --------------------------------------------------------------------------------------------


@dataclass
class Config:
    workbooks: int = FULL_WORKBOOKS
    io_workbooks: int = 300
    memory_workbooks: int = 50
    repeat: int = 3
    io_repeat: int = 1
    import_runs: int = 7
    seed: int = 2027
    memory: bool = True
    imports: bool = True
    quick: bool = False

    @classmethod
    def quick_config(cls) -> "Config":
        full = cls()
        return cls(
            workbooks=full.workbooks // QUICK_FACTOR,
            io_workbooks=full.io_workbooks // QUICK_FACTOR,
            memory_workbooks=full.memory_workbooks // QUICK_FACTOR,
            import_runs=3,
            quick=True,
        )


def _mb(nbytes: float) -> float:
    return nbytes / 2**20


def _log(message: str, quiet: bool) -> None:
    if not quiet:
        print(f"  … {message}", file=sys.stderr, flush=True)


def run_suite(config: Config, workdir: Optional[Path] = None, quiet: bool = False) -> Results:
    """Every measurement; ``workdir`` keeps the YAML files (a temporary directory otherwise)."""
    import pydantic
    import yaml

    from okrlib import __version__

    n, n_io = config.workbooks, min(config.io_workbooks, config.workbooks)
    n_krs, n_io_krs = n * KRS_PER_WORKBOOK, n_io * KRS_PER_WORKBOOK
    env = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "okrlib": __version__,
        "pydantic": pydantic.VERSION,
        "pyyaml": yaml.__version__,
        "yaml_libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
    }
    res = Results(config=asdict(config), environment=env)
    own_dir = workdir is None
    directory = Path(tempfile.mkdtemp(prefix="okrlib-bench-")) if own_dir else Path(workdir)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        _run(config, res, directory, n, n_io, n_krs, n_io_krs, quiet)
    finally:
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
    return res


def _run(config: Config, res: Results, directory: Path, n: int, n_io: int, n_krs: int, n_io_krs: int, quiet: bool) -> None:
    from okrlib import Workbook

    raw = res.raw
    _log(f"generating {n} workbooks ({n_krs:,} KRs, {n * CHECKINS_PER_WORKBOOK:,} check-ins)", quiet)
    start = time.perf_counter()
    dicts = make_workbooks(n, config.seed)
    raw["generate_s"] = time.perf_counter() - start
    texts = [json.dumps(d, default=str, ensure_ascii=False) for d in dicts]
    json_mb = _mb(sum(len(t.encode("utf-8")) for t in texts))

    # ---- (a) floor: JSON, (c) validate --------------------------------------------------------
    _log("json.loads floor", quiet)
    t_json, runs, _ = best_of(lambda: op_json_floor(texts), config.repeat)
    raw["json_floor_runs_s"] = runs
    del texts
    _log("validate", quiet)
    t_val, runs, workbooks = best_of(lambda: op_validate(dicts), config.repeat, at_least=min(2, config.repeat))
    raw["validate_runs_s"] = runs
    assert len(workbooks) == n and all(isinstance(wb, Workbook) for wb in workbooks)
    target_s = VALIDATE_TARGET_S * n_krs / VALIDATE_TARGET_KRS
    workbooks = None
    _log("validate, one at a time, garbage collector running", quiet)
    t_gcp, runs, workbooks = best_of(lambda: op_validate_gc_on(dicts), config.repeat)
    raw["validate_gc_on_runs_s"] = runs
    rows_per_wb = sum(len(v) for v in dicts[0].values() if isinstance(v, list)) + sum(
        len(v) for v in dicts[0]["review"].values()
    )
    raw["rows_per_workbook"] = rows_per_wb
    res.rows.append(
        Row("floor: json.loads", t_json, "s", throughput=f"{json_mb / t_json:,.0f} MB/s", note=f"{n} workbooks, {json_mb:,.0f} MB")
    )
    res.rows.append(
        Row(
            f"validate {n_krs:,} KRs",
            t_val,
            "s",
            floor=t_json,
            floor_name="json.loads",
            target=f"< {target_s:.2f} s" + ("" if n_krs == VALIDATE_TARGET_KRS else " (scaled)"),
            passed=t_val < target_s,
            throughput=f"{n_krs / t_val:,.0f} KR/s",
            note=f"with bulk(): Workbook.from_dict, {n} workbooks x {rows_per_wb} rows, all kept",
        )
    )
    res.rows.append(
        Row(
            "validate, gc running (info)",
            t_gcp,
            "s",
            floor=t_json,
            floor_name="json.loads",
            throughput=f"{n_krs / t_gcp:,.0f} KR/s",
            note="Workbook.model_validate one by one, no bulk()",
        )
    )

    # ---- (d) frames ---------------------------------------------------------------------------
    if has_tables():
        _log("frames floor (pandas.DataFrame per table)", quiet)
        rows = frame_rows(workbooks)
        t_ff, runs, _ = best_of(lambda: op_frames_floor(rows), config.repeat)
        raw["frames_floor_runs_s"] = runs
        del rows
        _log("frames()", quiet)
        t_fr, runs, _ = best_of(lambda: op_frames(workbooks), config.repeat)
        raw["frames_runs_s"] = runs
        res.rows.append(Row("floor: DataFrame(rows)", t_ff, "s", throughput=f"{n / t_ff:,.0f} wb/s", note=f"{n} workbooks x 15 tables"))
        res.rows.append(
            Row("frames()", t_fr, "s", floor=t_ff, floor_name="DataFrame(rows)", throughput=f"{n / t_fr:,.0f} wb/s")
        )
    else:
        res.skipped.append("frames: okrlib.storage.tables is not available")

    # ---- (e) save, then (a)/(b) YAML parse and load of the saved files ----------------------------
    sample = workbooks[:n_io]
    dumped = [wb.model_dump() for wb in sample]
    del dicts
    save_dir, floor_dir = directory / "saved", directory / "plain"
    for d in (save_dir, floor_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    _log(f"save floor (yaml.dump CSafeDumper) x {n_io}", quiet)
    t_sf, runs, _ = best_of(lambda: op_save_floor(dumped, floor_dir), config.io_repeat)
    raw["save_floor_runs_s"] = runs
    _log(f"save x {n_io}", quiet)
    t_sv, runs, paths = best_of(lambda: op_save(sample, save_dir), config.io_repeat)
    raw["save_runs_s"] = runs
    del dumped
    yaml_mb = _mb(sum(p.stat().st_size for p in paths))
    scale = n / n_io
    io_note = f"{n_io} files, {yaml_mb:,.0f} MB" + ("; whole set ≈ {:.0f} s" if n_io < n else "")
    res.rows.append(
        Row("floor: yaml.dump", t_sf, "s", throughput=f"{n_io / t_sf:,.0f} wb/s", note=io_note.format(t_sf * scale))
    )
    res.rows.append(
        Row(
            "save (atomic, fsync)",
            t_sv,
            "s",
            floor=t_sf,
            floor_name="yaml.dump",
            throughput=f"{n_io / t_sv:,.0f} wb/s",
            note=io_note.format(t_sv * scale),
        )
    )
    del workbooks, sample
    _log(f"YAML parse floor (CSafeLoader) x {n_io}", quiet)
    t_yf, runs, _ = best_of(lambda: op_yaml_floor(paths), config.io_repeat)
    raw["yaml_floor_runs_s"] = runs
    _log(f"load x {n_io}", quiet)
    t_ld, runs, loaded = best_of(lambda: op_load(paths), config.io_repeat)
    raw["load_runs_s"] = runs
    assert len(loaded) == n_io
    del loaded
    res.rows.append(
        Row("floor: yaml.load", t_yf, "s", throughput=f"{yaml_mb / t_yf:,.1f} MB/s", note=io_note.format(t_yf * scale))
    )
    res.rows.append(
        Row(
            f"load {n_io_krs:,} KRs (parse+validate)",
            t_ld,
            "s",
            floor=t_yf,
            floor_name="yaml.load",
            throughput=f"{n_io_krs / t_ld:,.0f} KR/s",
            note=io_note.format(t_ld * scale),
        )
    )

    # ---- (f) import time -----------------------------------------------------------------------
    if config.imports:
        _log(f"import time ({config.import_runs} fresh interpreters each)", quiet)
        imp = measure_imports(config.import_runs)
        raw["imports"] = imp
        ok, floor, bare = imp["okrlib"], imp["floor"], imp["bare"]
        res.rows.append(Row("floor: import pydantic + 1 model", floor["median_s"] * 1000, "ms", note="median, in-process timer"))
        ratio = ok["median_s"] / floor["median_s"]
        res.rows.append(
            Row(
                "import okrlib",
                ok["median_s"] * 1000,
                "ms",
                floor=floor["median_s"] * 1000,
                floor_name="pydantic + 1 model",
                target=f"≤ {IMPORT_TARGET_RATIO}x",
                passed=ratio <= IMPORT_TARGET_RATIO,
                note=f"wall incl. interpreter start {ok['wall_median_s'] * 1000:.0f} ms vs {floor['wall_median_s'] * 1000:.0f} ms",
            )
        )
        res.rows.append(
            Row(
                "import okrlib vs bare yaml+BaseModel",
                ok["median_s"] * 1000,
                "ms",
                floor=bare["median_s"] * 1000,
                floor_name="yaml + BaseModel",
                note="information: the bare floor skips pydantic's plugin loading",
            )
        )
        heavy = ok["heavy_modules"]
        res.rows.append(
            Row(
                "heavy modules after import okrlib",
                float(len(heavy)),
                "modules",
                target="none",
                passed=not heavy,
                note=", ".join(heavy) if heavy else f"none of {', '.join(HEAVY_MODULES)}" + (" (numpy: loaded)" if ok["numpy"] else ""),
            )
        )

    # ---- peak memory (separate pass, fresh interpreters) -----------------------------------------
    if config.memory:
        n_mem = min(config.memory_workbooks, n_io)
        pairs = [("load", "yaml_floor", "yaml.load"), ("validate", "json_floor", "json.loads")]
        if has_tables():
            pairs.append(("frames", "frames_floor", "DataFrame(rows)"))
        pairs.append(("save", "save_floor", "yaml.dump"))
        mem: dict[str, Any] = {}
        for op, floor_op, floor_name in pairs:
            _log(f"peak memory: {op} vs {floor_op} ({n_mem} workbooks)", quiet)
            files = save_dir if op == "load" else None
            # saving holds one file's text at a time: its peak does not grow with the count
            count = min(n_mem, SAVE_MEMORY_WORKBOOKS) if op == "save" else n_mem
            mem[op] = measure_memory(op, count, config.seed, files)
            mem[floor_op] = measure_memory(floor_op, count, config.seed, files)
            value, floor = mem[op].get("peak_bytes"), mem[floor_op].get("peak_bytes")
            if value is None or floor is None:
                res.skipped.append(f"memory {op}: {mem[op].get('error') or mem[floor_op].get('error')}")
                continue
            res.rows.append(
                Row(
                    f"peak memory: {op}",
                    _mb(value),
                    "MB",
                    floor=_mb(floor) if floor > 0 else None,
                    floor_name=floor_name,
                    note=(
                        f"{count} workbooks, peak while saving one at a time"
                        if op == "save"
                        else f"{count} workbooks kept alive; ≈ {_mb(value) * n / count:,.0f} MB for {n}"
                    ),
                )
            )
        raw["memory"] = mem


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help=f"everything {QUICK_FACTOR}x smaller (smoke run)")
    p.add_argument("--workbooks", type=int, default=None, help=f"workbooks in the set (default {FULL_WORKBOOKS})")
    p.add_argument("--io-workbooks", type=int, default=None, help="workbooks for the YAML-bound load/save (default 300)")
    p.add_argument("--memory-workbooks", type=int, default=None, help="workbooks for the memory pass (default 50)")
    p.add_argument("--repeat", type=int, default=None, help="best of N for in-memory measurements (default 3)")
    p.add_argument("--io-repeat", type=int, default=None, help="best of N for YAML-bound measurements (default 1)")
    p.add_argument("--import-runs", type=int, default=None, help="fresh interpreters per import measurement (default 7)")
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory pass")
    p.add_argument("--keep", metavar="DIR", default=None, help="write the YAML files here and keep them")
    p.add_argument("--output", metavar="JSON", default=str(RESULTS_DIR / "latest.json"))
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    # internal: one memory measurement in a fresh interpreter
    p.add_argument("--memory-child", default=None, choices=MEMORY_OPS, help=argparse.SUPPRESS)
    p.add_argument("--files", default=None, help=argparse.SUPPRESS)
    return p


def config_from_args(args: argparse.Namespace) -> Config:
    config = Config.quick_config() if args.quick else Config()
    if args.workbooks is not None:
        factor = args.workbooks / config.workbooks
        config.workbooks = args.workbooks
        if args.io_workbooks is None:
            config.io_workbooks = max(1, min(args.workbooks, round(config.io_workbooks * factor)))
        if args.memory_workbooks is None:
            config.memory_workbooks = max(1, min(args.workbooks, round(config.memory_workbooks * factor)))
    for name in ("io_workbooks", "memory_workbooks", "repeat", "io_repeat", "import_runs"):
        value = getattr(args, name)
        if value is not None:
            setattr(config, name, value)
    config.seed = args.seed
    config.memory = not args.no_memory
    return config


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.memory_child:
        n = args.workbooks if args.workbooks is not None else 1
        print(json.dumps(memory_child(args.memory_child, n, args.seed, args.files)))
        return 0
    config = config_from_args(args)
    print(
        f"okrlib workbook_scale: {config.workbooks} workbooks, {config.workbooks * KRS_PER_WORKBOOK:,} KRs, "
        f"{config.workbooks * CHECKINS_PER_WORKBOOK:,} check-ins"
        + (" (quick)" if config.quick else ""),
        flush=True,
    )
    start = time.perf_counter()
    res = run_suite(config, Path(args.keep) if args.keep else None)
    res.raw["total_s"] = time.perf_counter() - start
    return finish(res, Path(args.output), args.strict, res.raw["total_s"])


if __name__ == "__main__":
    sys.exit(main())
