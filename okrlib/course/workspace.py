"""A participant's workspace: their own copies of the course notebooks, their plan, their exports.

Participants never work in the repository's notebooks. ``make lab`` (``okrlib workspace``) makes a
workspace folder with the participant versions of the course and exercise notebooks and opens
JupyterLab there, so that

* the course can be updated (``git pull``, then ``make lab`` again) without touching anything the
  participant changed: a copy whose cells the participant edited is kept as it is and the new
  version is written beside it; a copy they only ran (outputs) or never opened is replaced; a copy
  they deleted comes back (the rules of nbgitpuller, applied to the cells' text, not the bytes);
* the repository stays clean: plans, exports and run notebooks live in the workspace, which is
  outside the tracked tree (``workspace/`` is git-ignored);
* nothing meant for instructors is in reach: the participant version of a notebook leaves out the
  cells tagged ``instructor``, and the exercises' answer sources (``instructor/``) are not copied.

The workspace settings file (:data:`SETTINGS`) is the one place that names the participant's plan:
every notebook and exercise opens the plan it names (:func:`plan_path`), so the plan is chosen
once, in the course map, and the choice survives kernel restarts. ``OKRLIB_PLAN``, when set, names
the plan instead (a headless run, a hub that assigns plans).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml

from okrlib.storage import yaml_file
from okrlib.words import text
from okrlib.words.resources import data_file

__all__ = [
    "SETTINGS", "Sync", "course_root", "root", "settings", "plan_path", "choose_plan", "plans",
    "export_dir", "role", "today", "samples", "participant_version", "sync", "missing_parts",
]

SETTINGS = ".okrlib-workspace.yaml"
DEFAULT_PLAN = "my-plan.yaml"
INSTRUCTOR_TAG = "instructor"
# The course content a workspace receives: (folder in the course, pattern).
CONTENT = (("notebooks", "*.ipynb"), ("exercises", "x*.ipynb"))
# JupyterLab's settings for the workspace (``make lab`` points JUPYTERLAB_SETTINGS_DIR there): widget
# state saved with the notebook, so a notebook reopened before it is run shows its forms as they
# were, not "Error displaying widget: model not found".
WIDGET_SETTINGS = Path(".jupyter/lab/user-settings/@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings")
_BAD_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')

Action = Literal["created", "updated", "restored", "kept", "unchanged"]


def course_root() -> Path:
    """The course: ``$OKRLIB_COURSE`` when set, else the checkout okrlib is installed from."""
    env = os.environ.get("OKRLIB_COURSE")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def root(start: Union[str, Path, None] = None) -> Path:
    """The workspace a notebook runs in: the nearest folder above ``start`` (default: the current
    folder, which Jupyter sets to the notebook's) that holds :data:`SETTINGS`; else the nearest
    that holds ``notebooks/index.ipynb`` (the course opened in place); else ``start`` itself."""
    here = Path(start or Path.cwd()).resolve()
    chain = [here, *here.parents]
    for folder in chain:
        if (folder / SETTINGS).is_file():
            return folder
    for folder in chain:
        if (folder / "notebooks" / "index.ipynb").is_file():
            return folder
    return here


def settings(where: Optional[Path] = None) -> dict[str, Any]:
    """The workspace's settings (an empty mapping before the first choice)."""
    path = (where or root()) / SETTINGS
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _write_settings(where: Path, values: dict[str, Any]) -> None:
    head = "# " + text.say("workspace.settings_header") + "\n"
    yaml_file.write_text(where / SETTINGS, head + yaml.safe_dump(values, allow_unicode=True, sort_keys=False))


def plan_path(start: Union[str, Path, None] = None) -> Path:
    """The participant's plan: ``$OKRLIB_PLAN``, else the one the workspace settings name, else
    ``my-plan.yaml`` at the workspace's top."""
    env = os.environ.get("OKRLIB_PLAN")
    if env:
        return Path(env)
    where = root(start)
    return where / str(settings(where).get("plan") or DEFAULT_PLAN)


def _plan_name(name: str) -> str:
    """A plan file name as typed (``智能客服组-2027Q1``), made a file name, or ValueError saying why."""
    name = (name or "").strip()
    if not name:
        raise ValueError(text.say("workspace.plan_name.empty"))
    if _BAD_NAME.search(name) or name.startswith(".") or ".." in name:
        raise ValueError(text.say("workspace.plan_name.bad", name=name))
    if not name.lower().endswith((".yaml", ".yml")):
        name += ".yaml"
    return name


def choose_plan(name: str, start: Union[str, Path, None] = None) -> Path:
    """Make ``name`` the plan that every notebook of the workspace opens; returns its path.

    The file itself is created by the first notebook that saves to it; a name that is not a plain
    file name (a path, a hidden file) is refused with the reason in Chinese.
    """
    where = root(start)
    values = settings(where)
    values["plan"] = _plan_name(name)
    _write_settings(where, values)
    return where / values["plan"]


def plans(start: Union[str, Path, None] = None) -> list[str]:
    """The plan files at the workspace's top, by name."""
    where = root(start)
    return sorted(p.name for p in where.glob("*.y*ml") if p.is_file() and not p.name.startswith("."))


def export_dir(start: Union[str, Path, None] = None) -> Path:
    """Where M8 writes the take-away: ``$OKRLIB_EXPORT_DIR``, else ``<plan name>-导出`` beside the plan."""
    env = os.environ.get("OKRLIB_EXPORT_DIR")
    if env:
        return Path(env)
    plan = plan_path(start)
    return plan.with_name(text.say("workspace.export_folder", plan=plan.stem))


def role() -> str:
    """``instructor`` or ``participant`` (the default): ``$OKRLIB_ROLE``. Participant copies hold
    no instructor cells whatever this says; it matters for the course's own notebooks."""
    return "instructor" if os.environ.get("OKRLIB_ROLE") == "instructor" else "participant"


def today() -> dt.date:
    """The course's today: ``$OKRLIB_TODAY`` (ISO date, for a rehearsal or a headless run), else the date."""
    env = os.environ.get("OKRLIB_TODAY")
    return dt.date.fromisoformat(env) if env else dt.date.today()


def samples(tool_id: str) -> Any:
    """Inputs a headless run submits to a tool: ``$OKRLIB_SAMPLES`` names a YAML file of
    ``{tool id: rows}`` (tests, benchmarks and an instructor's demo); None otherwise."""
    env = os.environ.get("OKRLIB_SAMPLES")
    if not env:
        return None
    loaded = yaml.safe_load(Path(env).read_text(encoding="utf-8")) or {}
    return loaded.get(tool_id)


def missing_parts(workbook: Any, module: str) -> list[tuple[str, str]]:
    """The parts of the plan ``module`` builds on that are still empty, each with the module that
    fills it: ``[("key_results", "M5")]`` for M6 on a plan without KRs."""
    course = data_file("workspace")
    needs = course["needs"].get(module, [])
    return [(part, course["filled_in"][part]) for part in needs if not workbook.rows(part)]


# ---- participant copies ------------------------------------------------------------------------


def _cells_text(nb: dict[str, Any]) -> str:
    """What a participant can change in a notebook: the cells' kinds and text (not outputs)."""
    cells = [(c.get("cell_type"), "".join(c.get("source", ""))) for c in nb.get("cells", [])]
    return json.dumps(cells, ensure_ascii=False)


def _digest(nb: dict[str, Any]) -> str:
    return hashlib.sha256(_cells_text(nb).encode("utf-8")).hexdigest()


def participant_version(nb: dict[str, Any]) -> dict[str, Any]:
    """A course notebook as a participant receives it: the cells tagged ``instructor`` left out."""
    out = dict(nb)
    out["cells"] = [c for c in nb.get("cells", []) if INSTRUCTOR_TAG not in c.get("metadata", {}).get("tags", [])]
    return out


def _dumps(nb: dict[str, Any]) -> str:
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True)
class Sync:
    """What :func:`sync` did to each file of the workspace (path relative to the workspace)."""

    root: Path
    actions: dict[str, Action]
    beside: dict[str, str]  # kept file -> where the course's new version was written

    def summary(self, lang: text.Lang = "zh") -> str:
        """One line per file that changed, for the terminal that runs ``make lab``."""
        lines = [text.say("workspace.sync.where", lang, root=str(self.root))]
        for rel, action in self.actions.items():
            if action == "unchanged":
                continue
            other = self.beside.get(rel)
            note = text.say("workspace.sync.beside", lang, file=other) if other else ""
            lines.append(text.say(f"workspace.sync.{action}", lang, file=rel, beside=note))
        return "\n".join(lines)


def sync(target: Union[str, Path], course: Optional[Path] = None) -> Sync:
    """Make or update the workspace at ``target`` from the course (default :func:`course_root`).

    A file is new → copied; unchanged by the participant since it was copied (cells' text) →
    replaced by the course's version; changed by the participant → kept, and when the course's
    version changed too it is written beside it (``…(课程更新).ipynb``); deleted → restored. The
    settings file records what each copy held when it was made, which is how a participant's
    change is told from the course's.
    """
    target = Path(target)
    course = course or course_root()
    target.mkdir(parents=True, exist_ok=True)
    values = settings(target)
    copied: dict[str, str] = dict(values.get("copied") or {})
    actions: dict[str, Action] = {}
    beside: dict[str, str] = {}
    for folder, pattern in CONTENT:
        for src in sorted((course / folder).glob(pattern)):
            rel = f"{folder}/{src.name}"
            dest = target / rel
            fresh = participant_version(json.loads(src.read_text(encoding="utf-8")))
            new_digest = _digest(fresh)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not dest.exists():
                action: Action = "restored" if rel in copied else "created"
            else:
                try:
                    mine = _digest(json.loads(dest.read_text(encoding="utf-8")))
                except ValueError:
                    mine = ""  # a notebook the participant broke is theirs: never overwritten
                if mine == copied.get(rel):
                    action = "unchanged" if mine == new_digest else "updated"
                elif mine == new_digest:
                    action = "unchanged"
                else:
                    action = "kept"
            if action in ("created", "restored", "updated"):
                yaml_file.write_text(dest, _dumps(fresh))
                copied[rel] = new_digest
            elif action == "kept" and copied.get(rel) != new_digest:
                other = dest.with_name(text.say("workspace.updated_copy", stem=src.stem) + src.suffix)
                yaml_file.write_text(other, _dumps(fresh))
                beside[rel] = other.name
            elif action == "unchanged":
                copied[rel] = new_digest
            actions[rel] = action
    widget_settings = target / WIDGET_SETTINGS
    if not widget_settings.exists():
        widget_settings.parent.mkdir(parents=True, exist_ok=True)
        yaml_file.write_text(widget_settings, json.dumps({"saveState": True}) + "\n")
    values["plan"] = values.get("plan") or DEFAULT_PLAN
    values["copied"] = copied
    _write_settings(target, values)
    return Sync(target, actions, beside)

