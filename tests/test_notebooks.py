"""The course notebooks: they follow the conventions, run headless end to end on one plan that
grows module by module, keep the instructor's notes from participants, and pass nbval."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator, Optional

import pytest

import okrlib
from testkit import course_day

ROOT = course_day.ROOT
NOTEBOOKS = course_day.NOTEBOOKS
MODULES = {f"M{i}": p for i in range(1, 9) for p in NOTEBOOKS.glob(f"m{i:02d}_*.ipynb")}
ORDER = [NOTEBOOKS / "index.ipynb", *(MODULES[f"M{i}"] for i in range(1, 9) if f"M{i}" in MODULES)]
INVENTORY_TOOLS = {  # ../shared/course/inventory.md: the tools of each module
    "M1": ["T01", "T02"], "M2": ["T03"], "M3": ["T04", "T05", "T06", "T07"], "M4": ["T08", "T09"],
    "M5": ["T10", "T11", "T12"], "M6": ["T13", "T14", "T15"], "M7": ["T16", "T17"], "M8": ["T19"],
}
CASES = {"M1": "C1", "M2": "C2", "M3": "C3", "M5": "C4", "M6": "C5"}

pytestmark = pytest.mark.slow


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _text(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def test_one_notebook_per_module_and_the_course_map():
    assert sorted(MODULES) == [f"M{i}" for i in range(1, 9)]
    assert (NOTEBOOKS / "index.ipynb").exists()
    for path in ORDER:
        assert path.name.isascii()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_headings_carry_the_inventory_ids(module):
    text = _text(_nb(MODULES[module]))
    title = next(line for line in text.splitlines() if line.startswith("# "))
    assert module in title and re.search(r"[\u4e00-\u9fff]", title), title
    for tool in INVENTORY_TOOLS[module]:
        assert re.search(rf"^#+ .*{tool}", text, re.M), f"{module}: no heading for {tool}"
    if module in CASES:
        assert re.search(rf"^#+ .*{CASES[module]}", text, re.M), f"{module}: no heading for its case"
    assert re.search(rf"X{module[1]}", text), f"{module}: no hand-off to its exercise"


@pytest.mark.parametrize("path", ORDER, ids=lambda p: p.stem)
def test_no_parameters_to_edit_and_no_helper_code(path):
    """The plan is chosen once in the course map; nothing in a notebook names a file, a role or
    test inputs, and instructor-only cells are tagged so that participants' copies leave them out."""
    nb = _nb(path)
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        tags = cell["metadata"].get("tags", [])
        assert "parameters" not in tags, f"{path.name} has a parameters cell"
        if cell["cell_type"] != "code":
            continue
        assert not re.search(r"\b(plan_path|case_id|samples|export_dir)\b", src), f"{path.name}: {src[:80]}"
        assert "NBVAL" not in src and "chromium" not in src.lower(), f"test plumbing in {path.name}: {src[:60]}"
        assert ("instructor_notes" in src) == ("instructor" in tags), f"{path.name}: {src[:60]}"
        assert not re.search(r"^\s*(def|class) ", src, re.M), f"helper code in {path.name}: {src[:60]}"
        assert not re.search(r"^\s*(for|while) .*:\s*$", src, re.M), f"a loop in {path.name}: {src[:60]}"


def test_notebooks_are_normalised():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "normalise_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---- headless: the whole day on one plan ------------------------------------------------------


def _git_status() -> Optional[str]:
    """``git status`` of this checkout (None when it is not one, e.g. an unpacked release)."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


@pytest.fixture(scope="module")
def day() -> Iterator[dict]:
    """A participant's day as ``make lab`` gives it: a workspace inside this checkout's
    ``workspace/`` folder, every notebook run in course order with papermill and saved in place
    (outputs and all), on one plan file written beside them, exports included."""
    before = _git_status()
    work = ROOT / "workspace" / f".test-day-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    notebooks = course_day.copy_notebooks(work)
    plan = work / "plan.yaml"
    runs = {}
    try:
        for path in ORDER:
            src = notebooks / path.name
            course_day.run(src, src, course_day.participant(path.stem, plan, work / "export"), src.parent)
            runs[path.stem] = src
        yield {"plan": plan, "runs": runs, "work": work, "git_before": before, "git_after": _git_status()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.browser  # `day` runs M8, which draws the PNG with Chromium
def test_a_participant_s_day_leaves_the_checkout_clean(day):
    """Notebooks run and saved, a plan and exports written: git sees no change, and the checks
    that compare the repository's notebooks with their normal form still pass."""
    if day["git_before"] is None:
        pytest.skip("not a git checkout")
    assert day["git_after"] == day["git_before"]
    for tool in ("normalise_notebooks.py", "make_exercises.py"):
        done = subprocess.run([sys.executable, str(ROOT / "tools" / tool), "--check"], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.browser  # `day` runs M8, which draws the PNG with Chromium
def test_the_plan_grows_through_the_day(day):
    from okrlib import check

    wb = okrlib.load(day["plan"])
    for section in ("company_goals", "factors", "core_elements", "product_goals", "objectives", "key_results",
                    "cross_dept", "tasks", "checkins", "risks", "adjustments", "review_notes", "action_plan"):
        assert wb.rows(section), f"no {section} after the day"
    assert wb.review.scores
    assert all(t.complete for t in wb.traces().values()), "every KR traces to the company goal"
    assert 1 <= len(wb.objectives) <= 2 and all(3 <= len([k for k in wb.key_results if k.objective == o.id]) <= 4
                                                for o in wb.objectives)
    assert check(wb).score >= 70


@pytest.mark.browser  # `day` runs M8, which draws the PNG with Chromium
def test_the_day_ends_with_the_take_away_files(day):
    written = sorted(p.suffix for p in (day["work"] / "export").iterdir())
    assert {".md", ".html", ".xlsx"} <= set(written)


@pytest.mark.browser  # `day` runs M8, which draws the PNG with Chromium
def test_participants_never_see_the_instructor_s_analysis(day):
    from okrlib.course import cases

    for stem, out in day["runs"].items():
        text = out.read_text(encoding="utf-8")
        for case in cases.list():
            analysis = cases.load(case.id).instructor.analysis
            first = next(line for line in analysis.splitlines() if len(line.strip()) > 20).strip()[:40]
            assert json.dumps(first, ensure_ascii=False)[1:-1] not in text, f"{stem} shows {case.id}'s analysis"
            assert "讲师分析(仅讲师可见)" not in text


def test_instructors_see_the_analysis(tmp_path):
    from okrlib.course import cases

    src = MODULES["M1"]
    out = tmp_path / "m01.ipynb"
    course_day.run(src, out, course_day.participant(src.stem, tmp_path / "p.yaml", tmp_path, role="instructor"), tmp_path)
    text = out.read_text(encoding="utf-8")
    assert "讲师分析(仅讲师可见)" in text
    from okrlib.views.present import code_label

    first = cases.load("C1").instructor.expected_findings[0]
    assert code_label(first.rule, "rule") in text and first.why[:10] in text


@pytest.mark.browser  # M8 draws the PNG with Chromium
def test_nbval_checks_the_notebooks_and_the_exercises(tmp_path):
    """As a participant opens them in a new workspace: no samples, the workspace's plan file
    (created on first use) shared by the course notebooks and the exercises."""
    course_day.copy_notebooks(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "--nbval-current-env",
         str(tmp_path / "notebooks"), str(tmp_path / "exercises")],
        capture_output=True, text=True, cwd=tmp_path, timeout=1500,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
