"""Participants read the course, not the plumbing: every table the module notebooks render, run
headless as a participant in course order on one plan, shows Chinese words only -- no column
names, enum codes, Python values, long floats, literal ``\\n``, ``**`` or ``{placeholder}``, nor
module names and file paths (testkit/surfaces.py says what counts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testkit import course_day, surfaces

NOTEBOOKS = course_day.NOTEBOOKS
ORDER = [NOTEBOOKS / "index.ipynb", *sorted(NOTEBOOKS.glob("m0[1-8]_*.ipynb"))]

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # the day runs M8, which draws the PNG with Chromium


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict]:
    """Every module notebook run in course order, as a participant, on one plan file."""
    work = tmp_path_factory.mktemp("surfaces")
    notebooks = course_day.copy_notebooks(work)
    plan = work / "plan.yaml"
    runs: dict[str, dict] = {}
    failed: dict[str, str] = {}
    for path in ORDER:
        src = notebooks / path.name
        out = work / f"out-{path.name}"
        try:
            course_day.run(src, out, course_day.participant(path.stem, plan, work / "export"), src.parent)
        except Exception as exc:  # papermill still writes what ran: scan it, and report the failure below
            failed[path.stem] = str(exc)[-600:]
        if out.exists():
            runs[path.stem] = json.loads(Path(out).read_text(encoding="utf-8"))
    return {"runs": runs, "failed": failed}


def test_every_notebook_runs_and_renders_tables(rendered):
    """The scan below sees what participants see: every notebook ran and they render HTML tables."""
    assert rendered["failed"] == {}
    tables = sum(html.count("<table") for nb in rendered["runs"].values() for _, html in surfaces._html_outputs(nb))
    assert tables >= 30, tables


@pytest.mark.parametrize("stem", [p.stem for p in ORDER])
def test_tables_show_no_programmer_output(rendered, stem):
    found = surfaces.notebook_violations(rendered["runs"][stem], stem)
    assert not found, surfaces.summary(found)
