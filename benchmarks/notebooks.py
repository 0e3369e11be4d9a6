"""The course notebooks headless: each module notebook's run time against a floor notebook.

Each module notebook runs with papermill exactly as the tests run it (the participant copies of
a fresh workspace, the samples of tests/data/samples/, one plan file that grows through the day,
in course order). Two floors are measured in the same run and interleaved with the notebooks:
the **stack floor**, a notebook that only imports pandas, plotly and ipywidgets and shows one
figure (the least any notebook costs: a kernel, the libraries, a chart), and the **course
floor**, the stack floor plus what every module does once (import okrlib, open the plan, load
a case, show one form and one okrlib chart). Best times are compared (noise only adds).

===========================  =============================================  ====================
metric                       okrlib                                         target (issue 14)
===========================  =============================================  ====================
M1 … M8                      papermill run of the module notebook          <= 1.5x course floor
course floor                 stack floor + okrlib's one-off work           <= 1.5x stack floor
M8 export                    the export cell, browser warm                  <= 1 s
===========================  =============================================  ====================

For information: Jupyter's own cost per code cell (30 cells of ``x = 1`` after the floor's, as
papermill times them; a module has 9-28 code cells).

Run ``python -m benchmarks notebooks`` (about 7 minutes: three whole days, each notebook's best
time against the best floor; ``--quick``: one day, M1 and M5 reported).
Results go to benchmarks/results/notebooks.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from benchmarks.report import Results, Row, as_a_user, finish
from testkit import course_day  # the day as the tests run it: the same parameters and runner

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET = 1.5
EXPORT_TARGET_S = 1.0
FLOOR_SOURCE = '''import pandas as pd
import plotly.express as px
import ipywidgets as W

W.IntSlider(3)
px.bar(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}), x="x", y="y")
'''


# What every module notebook does once, in a cell after the floor's (the plan: OKRLIB_PLAN).
COURSE_SOURCE = '''from IPython.display import display
from okrlib.course import cases
from okrlib.views import charts, present, widgets

plan = widgets.open_plan(module="M1")
case = cases.load("C1")
present.story(case)
display(widgets.tool("T01"))
charts.alignment_tree(case.workbook)
'''
EXTRA_CELLS = 30  # trivial cells added to the floor: Jupyter's round trip per code cell


def _notebook(folder: Path, name: str, sources: Sequence[str]) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(src) for src in sources])
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _floor_notebook(folder: Path) -> Path:
    return _notebook(folder, "floor", [FLOOR_SOURCE])


def _code_cells(path: Path) -> int:
    """Code cells a papermill run executes."""
    import nbformat

    return sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)


def _run(src: Path, out: Path, params: dict, cwd: Path) -> float:
    start = time.perf_counter()
    course_day.run(src, out, params, cwd)
    return time.perf_counter() - start


def _cell_seconds(out: Path, needle: str) -> float:
    """papermill's recorded duration of the cell whose source contains ``needle``."""
    import nbformat

    nb = nbformat.read(out, as_version=4)
    return sum(c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells
               if c.cell_type == "code" and needle in c.source)


def run_suite(modules: Sequence[int], rounds: int = 3) -> Results:
    """``rounds`` whole days (a fresh plan each), every notebook next to a floor run; each
    notebook's best time against the best floor time (noise on a shared machine only adds).
    Each round also runs the course floor and the floor with 30 more cells once (information)."""
    res = Results(config={"modules": list(modules), "target_ratio": TARGET, "rounds": rounds})
    times: dict[int, list[float]] = {i: [] for i in range(1, 9)}
    floors: list[float] = []
    course: list[float] = []
    celled: list[float] = []
    export_cell: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, as_a_user():
        work = Path(tmp)
        notebooks = course_day.copy_notebooks(work)
        paths = {i: next(notebooks.glob(f"m{i:02d}_*.ipynb")) for i in range(1, 9)}
        cells = {i: _code_cells(path) for i, path in paths.items()}
        floor_nb = _floor_notebook(work)
        course_nb = _notebook(work, "course-floor", [FLOOR_SOURCE, COURSE_SOURCE])
        celled_nb = _notebook(work, "floor-cells", [FLOOR_SOURCE] + ["x = 1"] * EXTRA_CELLS)
        _run(floor_nb, work / "floor-warm.ipynb", {}, work)  # first kernel start and imports fill the OS caches
        for r in range(rounds):
            plan = work / f"plan-{r}.yaml"
            course.append(_run(course_nb, work / "course-floor-out.ipynb", {"OKRLIB_PLAN": str(work / f"course-{r}.yaml")}, work))
            _run(celled_nb, work / "floor-cells-out.ipynb", {}, work)
            celled.append(_cell_seconds(work / "floor-cells-out.ipynb", "x = 1") / EXTRA_CELLS)
            print(f"  round {r + 1}/{rounds} course floor: {course[-1]:.2f} s, a code cell: {celled[-1] * 1000:.0f} ms", flush=True)
            for i, path in paths.items():
                params = course_day.participant(path.stem, plan, work / f"export-{r}")
                floors.append(_run(floor_nb, work / f"floor-{i}.ipynb", {}, work))
                out = work / f"out-{path.name}"
                times[i].append(_run(path, out, params, path.parent))
                if i == 8:
                    export_cell.append(_cell_seconds(out, "export_panel("))
                print(f"  round {r + 1}/{rounds} M{i}: {times[i][-1]:.2f} s (floor {floors[-1]:.2f} s)", flush=True)
    floor, course_floor = min(floors), min(course)
    for i, path in paths.items():
        value = min(times[i])
        if i in modules:
            res.rows.append(Row(f"M{i} {path.stem}", value, "s", course_floor, "course floor", f"≤ {TARGET}x",
                                value <= TARGET * course_floor,
                                note=f"papermill, samples submitted, best of {rounds}; {cells[i]} code cells; {value / floor:.2f}x the stack floor"))
        res.raw[f"M{i}"] = {"seconds": times[i], "floors": floors, "code_cells": cells[i]}
    res.rows.append(Row("course floor: + okrlib, plan, case, form, chart", course_floor, "s", floor, "stack floor",
                        f"≤ {TARGET}x", course_floor <= TARGET * floor, note="every module pays this once"))
    if 8 in modules and export_cell:
        best = min(export_cell)
        res.rows.append(Row("M8 export cell (browser warm)", best, "s", None, "", f"≤ {EXPORT_TARGET_S:g} s",
                            best <= EXPORT_TARGET_S, note="Markdown, HTML, Excel and PNG written"))
    res.rows.append(Row("Jupyter round trip per code cell", min(celled) * 1000, "ms", None, "", "(info)", None,
                        note=f"{EXTRA_CELLS} cells of x = 1 after the floor's, papermill's durations"))
    res.raw["course_floor"] = course
    res.raw["seconds_per_cell"] = celled
    return res


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks notebooks", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="one round, report M1 and M5 only (all still run: the plan grows through the day)")
    p.add_argument("--rounds", type=int, default=3, help="whole days run (best time of each notebook counts)")
    p.add_argument("--output", default=str(RESULTS_DIR / "notebooks.json"))
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    print("okrlib notebooks: the eight module notebooks, headless", flush=True)
    res = run_suite([1, 5] if args.quick else range(1, 9), 1 if args.quick else args.rounds)
    return finish(res, Path(args.output), args.strict)


if __name__ == "__main__":
    sys.exit(main())
