"""The course day headless, as the tests and the notebooks benchmark both run it: the participant
versions of the notebooks made in a scratch workspace (``okrlib.course.workspace.sync``), each run
with papermill with the day's plan file, the participant role and its sample inputs
(tests/data/samples/<notebook>.yaml) given the way a hub or a demo gives them: through the
``OKRLIB_*`` settings of the kernel's environment (the notebooks have no parameters cell)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
SAMPLES = ROOT / "tests" / "data" / "samples"


def copy_notebooks(work: Path) -> Path:
    """A participant's workspace made in ``work`` (so a run leaves the repository untouched);
    returns its notebooks folder."""
    from okrlib.course import workspace

    workspace.sync(work, ROOT)
    return work / "notebooks"


def participant(stem: str, plan: Path, export_dir: Path, *, role: str = "participant") -> dict[str, str]:
    """A participant's settings for one notebook: the day's plan file, the role, the folder M8
    exports to, and the notebook's sample inputs when it has some."""
    env = {"OKRLIB_PLAN": str(plan), "OKRLIB_ROLE": role, "OKRLIB_EXPORT_DIR": str(export_dir)}
    samples = SAMPLES / f"{stem}.yaml"
    if samples.exists():
        env["OKRLIB_SAMPLES"] = str(samples)
    return env


@contextmanager
def environment(settings: Mapping[str, str]) -> Iterator[None]:
    """``settings`` in this process's environment (so in the kernels it starts), then the old values back."""
    old = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run(src: Path, out: Path, settings: Mapping[str, str], cwd: Path) -> None:
    """papermill, with ``settings`` in the kernel's environment, the notebook written once at the
    end: papermill's default writes the whole notebook twice per cell, a progress log for long
    jobs that costs seconds here."""
    import papermill

    with environment(settings):
        papermill.execute_notebook(str(src), str(out), kernel_name="python3", cwd=str(cwd),
                                   progress_bar=False, request_save_on_cell_execute=False)
