"""Small, complete plans for the CLI and report tests (plain data, as read from YAML)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

_PLAN: dict[str, Any] = {
    "schema_version": 1,
    "meta": {
        "team": "增长组",
        "product": "云盘",
        "company": "星河科技",
        "product_type": "to_c",
        "cycle": {"year": 2027, "quarter": 1},
    },
    "company_goals": [
        {"id": "CG1", "level": "mission_vision", "statement": "让每个团队轻松协作"},
        {"id": "CG2", "level": "annual_strategy", "statement": "拓展中小企业市场", "parent": "CG1"},
        {
            "id": "CG3",
            "level": "business_goal",
            "statement": "年度收入增长 30%",
            "parent": "CG2",
            "decode": {
                "essence": "付费用户规模扩大",
                "drivers": "转化率与续费率",
                "constraints": "研发人力 12 人",
                "risks": "竞品降价",
                "relevance": 4,
                "relevance_note": "云盘是主要营收载体",
            },
        },
    ],
    "factors": [
        {
            "id": "F1",
            "side": "external",
            "category": "competitor",
            "description": "竞品推出免费 1TB",
            "impact": -2,
            "affects": ["CG3"],
        },
        {"id": "F2", "side": "internal", "category": "rd_capability", "description": "同步引擎已重构", "impact": 1},
    ],
    "core_elements": [
        {"id": "E1", "kind": "customer_segment", "description": "50 人以下小团队", "goal": "CG3"},
    ],
    "product_goals": [
        {
            "id": "PG1",
            "role": "revenue_core",
            "statement": "提升付费转化",
            "metric": "付费转化率",
            "baseline": 2.5,
            "target": 4,
            "unit": "%",
            "deadline": dt.date(2027, 3, 31),
            "roi": {"investment": 100, "expected_return": 250},
            "derived_from": "CG3",
        },
        {"id": "PG2", "role": "tech_pilot", "statement": "AI 搜索试点"},  # not linked to a company goal
    ],
    "objectives": [
        {"id": "O1", "statement": "让小团队愿意付费", "kind": "committed", "owner": "王敏", "derived_from": "PG1"},
        {"id": "O2", "statement": "探索新的增长点"},  # not linked: a broken chain
        {"id": "O3", "statement": "验证 AI 搜索", "derived_from": "PG2"},  # breaks one level higher
    ],
    "key_results": [
        {
            "id": "KR1.1",
            "objective": "O1",
            "statement": "付费转化率从 2.5% 提升到 4%",
            "metric": "付费转化率",
            "baseline": 2.5,
            "target": 4,
            "unit": "%",
            "owner": "李雷",
            "due": dt.date(2027, 3, 31),
            "dimension": "business",
            "collaborators": ["市场部"],
        },
        {
            "id": "KR1.2",
            "objective": "O1",
            "statement": "新用户 7 日留存 35%",
            "baseline": 28,
            "target": 35,
            "unit": "%",
            "owner": "韩梅梅",
            "dimension": "user",
        },
        {"id": "KR2.1", "objective": "O2", "statement": "完成 3 个新场景访谈"},
        {"id": "KR3.1", "objective": "O3", "statement": "AI 搜索满意度 4.5 分", "target": 4.5, "unit": "分"},
    ],
    "cross_dept": [{"id": "X1", "department": "市场部", "need": "投放预算 20 万", "agreed": True, "relates_to": "KR1.1"}],
    "tasks": [
        {"id": "T1", "key_result": "KR1.1", "title": "改版付费页", "owner": "李雷", "status": "doing"},
    ],
    "checkins": [
        {"id": "C1", "key_result": "KR1.1", "date": dt.date(2027, 1, 15), "value": 2.8, "confidence": 7, "note": "改版上线"},
    ],
    "risks": [
        {"id": "R1", "description": "支付通道审批延迟", "likelihood": 3, "impact": 4, "response": "提前提交材料"},
    ],
    "adjustments": [
        {
            "id": "A1",
            "date": dt.date(2027, 2, 1),
            "relates_to": "KR1.2",
            "change": "下调留存目标",
            "reason": "渠道结构变化",
            "field": "target",
            "old_value": "38",
            "new_value": "35",
        }
    ],
    "review": {
        "scores": [{"key_result": "KR1.1", "score": 0.7, "comment": "接近目标"}],
        "notes": [{"id": "N1", "kind": "asset", "text": "付费页 A/B 测试模板"}],
    },
    "action_plan": [{"id": "P1", "action": "与市场部对齐投放节奏", "owner": "王敏", "due": dt.date(2027, 4, 15)}],
}


def plan_data() -> dict[str, Any]:
    """A fresh copy of the sample plan (safe to modify)."""
    return copy.deepcopy(_PLAN)


def plan() -> Any:
    from okrlib import Workbook

    return Workbook.from_dict(plan_data())


def numbers_plan() -> Any:
    """The sample plan holding the numbers formatters get wrong: large (1234567.5), small
    (0.000012), fractional (0.849111) and percentage (85.5 → 90.25%) values, in KRs, a product
    goal with its ROI, and check-ins; no review scores."""
    from okrlib import Workbook

    data = plan_data()
    kr1, kr2 = data["key_results"][0], data["key_results"][1]
    kr1.update(baseline=1234567.5, target=2000000, unit="元")
    kr2.update(baseline=0.000012, target=0.849111, unit="")
    data["product_goals"][0].update(baseline=85.5, target=90.25, unit="%",
                                    roi={"investment": 1234567.5, "expected_return": 2469135})
    data["checkins"][0]["value"] = 1500000.25
    data["checkins"].append({"id": "C2", "key_result": "KR1.2", "date": data["checkins"][0]["date"], "value": 0.849111})
    data["review"]["scores"] = []
    return Workbook.from_dict(data)
