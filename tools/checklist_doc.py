"""Write docs/checklist.md from the checker's data files, so the page never drifts from them.

    python tools/checklist_doc.py          # rewrite docs/checklist.md
    python tools/checklist_doc.py --check  # exit 1 if the page is out of date (tests do this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from okrlib.words.resources import data_file  # noqa: E402
from okrlib.method.checks import load_profile, profiles  # noqa: E402

PAGE = ROOT / "docs" / "checklist.md"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    checklist = data_file("checklist")
    rules = data_file("rules")["rules"]
    out = [
        "# OKR 校验表 / The OKR checklist (T10)",
        "",
        "`okrlib.check(workbook, profile=...)` and `okrlib check FILE` run these indicators and rules.",
        "This page is generated from `okrlib/data/checklist.yaml`, `rules.yaml` and `profiles/`",
        "by `python tools/checklist_doc.py`; a test fails when it is out of date.",
        "",
        "An indicator fails when one of its findings is an error, warns when one is a warning, and",
        "passes otherwise. The score (0-100) averages the scored indicators: pass 1, warn 0.5, fail 0.",
        "An indicator that judges a section of the plan (*needs* below) fails with `nothing-to-check`",
        "while that section is empty, so an empty plan scores 0, never as good.",
        "",
    ]
    for dim in checklist["dimensions"]:
        scored = "" if dim.get("scored") else " (不计分 / not scored)"
        out += [f"## {dim['zh']} / {dim['en']}{scored}", "", "| id | indicator | rules |", "| --- | --- | --- |"]
        for ind in dim["indicators"]:
            names = ", ".join(f"`{r}`" for r in ind.get("rules", []))
            if ind.get("needs"):
                names += f"; needs `{ind['needs']}` (`nothing-to-check`)"
            out.append(f"| {ind['id']} | {_cell(ind['zh'])}<br>{_cell(ind['en'])} | {names} |")
        out.append("")
    out += ["## Rules", "", "| rule | indicator | severity | says | source |", "| --- | --- | --- | --- | --- |"]
    for rid, rule in rules.items():
        says = f"{_cell(rule['message_zh'])}<br>{_cell(rule['message_en'])}"
        indicator = "each indicator that *needs* a section" if rule["indicator"] == "*" else rule["indicator"]
        out.append(f"| `{rid}` | {indicator} | {rule['severity']} | {says} | {_cell(rule['source'])} |")
    out += ["", "## Profiles", "", "| profile | objectives | KRs per objective | source |", "| --- | --- | --- | --- |"]
    for name in profiles():
        raw = load_profile(name)
        objectives = "-".join(str(n) for n in raw.get("objectives", []))
        krs = "-".join(str(n) for n in raw.get("krs_per_objective", []))
        out.append(f"| `{name}` ({_cell(raw.get('zh', ''))}) | {objectives} | {krs} | {_cell(raw.get('source', ''))} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE} is out of date: run python tools/checklist_doc.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
