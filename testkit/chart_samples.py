"""Plans for the chart and export tests: the documented example, and a hostile one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import okrlib
from okrlib import Workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "plan.yaml"

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>x</b>"


def example() -> Workbook:
    return okrlib.load(EXAMPLE)


def nasty_data() -> dict[str, Any]:
    """The example plan with HTML in every kind of user text, an unlinked product goal and
    objective, and three risks, two of them sharing one cell of the risk matrix."""
    data = example().to_dict()
    data["meta"]["team"] = f"团队 {BOLD}"
    data["meta"]["product"] = "产品 & <i>斜</i>"
    data["company_goals"][2]["statement"] = f"公司目标 {BOLD} {SCRIPT}"
    data["company_goals"][2]["decode"]["essence"] = f"本质 {SCRIPT}"
    data["factors"][0]["description"] = f"因素 {BOLD}"
    data["core_elements"][0]["description"] = f"要素 {SCRIPT}"
    data["product_goals"][0]["statement"] = f"产品目标 {BOLD}"
    data["product_goals"].append({"id": "PG9", "role": "tech_pilot", "statement": f"孤立产品目标 {SCRIPT}"})
    data["objectives"][0]["statement"] = f"目标 {BOLD} {SCRIPT}"
    data["objectives"].append({"id": "O9", "statement": f"孤立目标 {BOLD}", "derived_from": None})
    data["key_results"][0]["statement"] = SCRIPT
    data["key_results"][1]["statement"] = f"KR {BOLD} & 更多"
    data["key_results"][2]["owner"] = "<u>王</u>"
    data["key_results"].append(
        {"id": "KR9.1", "objective": "O9", "statement": f"孤立 KR {SCRIPT}", "dimension": "tech", "target": 1}
    )
    data["checkins"][0]["note"] = f"备注 {SCRIPT}"
    data["tasks"][0]["title"] = f"任务 {SCRIPT}"
    data["risks"] = [
        {"id": "R1", "description": f"风险 {SCRIPT}", "likelihood": 3, "impact": 4, "response": f"应对 {BOLD}",
         "owner": "<i>王敏</i>"},
        {"id": "R2", "description": "同格风险", "likelihood": 3, "impact": 4},
        {"id": "R3", "description": "严重风险", "likelihood": 5, "impact": 4, "response": "预案", "owner": "李雷"},
    ]
    return data


def nasty() -> Workbook:
    return Workbook.from_dict(nasty_data())


def strings(node: Any) -> list[str]:
    """Every string anywhere in a nested structure (a figure's ``to_dict()``)."""
    out: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif hasattr(item, "tolist"):
            stack.append(item.tolist())
    return out
