"""The course day headless, as the tests and the notebooks benchmark both run it: the notebooks
copied to a scratch folder, each given the plan file, the participant role and its sample inputs
(tests/data/samples/<notebook>.yaml), and run with papermill."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SAMPLES = ROOT / "tests" / "data" / "samples"


def samples(stem: str) -> Optional[Any]:
    """The sample inputs of one notebook (None when it has none)."""
    path = SAMPLES / f"{stem}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def copy_notebooks(work: Path) -> Path:
    """The course notebooks copied into ``work`` (so a run leaves the repository untouched)."""
    target = work / "notebooks"
    shutil.copytree(NOTEBOOKS, target, ignore=shutil.ignore_patterns("my-plan*", ".ipynb_checkpoints"))
    return target


def participant(stem: str, plan: Path, export_dir: Path) -> dict[str, Any]:
    """A participant's parameters for one notebook: the day's plan file, the samples, and for
    M8 the folder the plan is exported to."""
    params: dict[str, Any] = {"plan_path": str(plan), "role": "participant"}
    if stem != "index":
        params["samples"] = samples(stem)
    if stem.startswith("m08"):
        params["export_dir"] = str(export_dir)
    return params


def run(src: Path, out: Path, params: dict[str, Any], cwd: Path) -> None:
    """papermill, the notebook written once at the end: papermill's default writes the whole
    notebook twice per cell, a progress log for long jobs that costs seconds here."""
    import papermill

    papermill.execute_notebook(str(src), str(out), parameters=params, kernel_name="python3", cwd=str(cwd),
                               progress_bar=False, request_save_on_cell_execute=False)
