"""A participant's workspace: their copies of the course (no instructor material), updates that
never overwrite their work, and one plan chosen once for every module and exercise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from okrlib.course import workspace
from okrlib.views import widgets
from testkit import course_day

ROOT = course_day.ROOT


def _nb(*sources: str, tags: tuple[tuple[str, ...], ...] = ()) -> dict:
    cells = []
    for i, src in enumerate(sources):
        meta = {"tags": list(tags[i])} if i < len(tags) and tags[i] else {}
        cells.append({"cell_type": "code", "metadata": meta, "source": src, "outputs": [], "execution_count": None})
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _course(where: Path, **notebooks: dict) -> Path:
    """A small course: notebooks/<name>.ipynb for each keyword."""
    (where / "notebooks").mkdir(parents=True, exist_ok=True)
    (where / "exercises").mkdir(exist_ok=True)
    for name, nb in notebooks.items():
        (where / "notebooks" / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return where


def _cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch):
    for name in ("OKRLIB_PLAN", "OKRLIB_EXPORT_DIR", "OKRLIB_ROLE", "OKRLIB_SAMPLES", "OKRLIB_COURSE"):
        monkeypatch.delenv(name, raising=False)


# ---- the copies --------------------------------------------------------------------------------


def test_participants_copies_hold_the_course_but_no_instructor_material(tmp_path):
    done = workspace.sync(tmp_path / "ws", ROOT)
    copied = sorted(p.relative_to(tmp_path / "ws").as_posix() for p in (tmp_path / "ws").rglob("*.ipynb"))
    assert "notebooks/index.ipynb" in copied and len([c for c in copied if c.startswith("exercises/x0")]) == 8
    assert not any("instructor" in c or "source" in c for c in copied)
    assert all(action == "created" for action in done.actions.values())
    for path in (tmp_path / "ws").rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            assert "instructor" not in cell["metadata"].get("tags", []), path.name
            assert "instructor_notes" not in "".join(cell["source"]), path.name
            assert "BEGIN SOLUTION" not in "".join(cell["source"]), path.name
    source = json.loads((ROOT / "notebooks" / "m01_why_align.ipynb").read_text(encoding="utf-8"))
    assert any("instructor" in c["metadata"].get("tags", []) for c in source["cells"])


def test_an_update_replaces_untouched_copies_and_keeps_the_participant_s_edits(tmp_path):
    course = _course(tmp_path / "course", a=_nb("print(1)"), b=_nb("print(2)"), c=_nb("print(3)"), d=_nb("x = 4"))
    ws = tmp_path / "ws"
    workspace.sync(ws, course)
    # the participant: edits b, only runs c (an output, same cells), deletes d
    b = json.loads((ws / "notebooks/b.ipynb").read_text(encoding="utf-8"))
    b["cells"][0]["source"] = "print('mine')"
    (ws / "notebooks/b.ipynb").write_text(json.dumps(b), encoding="utf-8")
    c = json.loads((ws / "notebooks/c.ipynb").read_text(encoding="utf-8"))
    c["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "3\n"}]
    (ws / "notebooks/c.ipynb").write_text(json.dumps(c), encoding="utf-8")
    (ws / "notebooks/d.ipynb").unlink()
    # the course: every notebook changes, one is added
    _course(course, a=_nb("print(10)"), b=_nb("print(20)"), c=_nb("print(30)"), d=_nb("x = 40"), e=_nb("new = 1"))

    done = workspace.sync(ws, course)

    assert done.actions == {"notebooks/a.ipynb": "updated", "notebooks/b.ipynb": "kept", "notebooks/c.ipynb": "updated",
                            "notebooks/d.ipynb": "restored", "notebooks/e.ipynb": "created"}
    assert _cells(ws / "notebooks/b.ipynb") == ["print('mine')"]
    beside = ws / "notebooks" / done.beside["notebooks/b.ipynb"]
    assert _cells(beside) == ["print(20)"]
    assert _cells(ws / "notebooks/a.ipynb") == ["print(10)"] and _cells(ws / "notebooks/c.ipynb") == ["print(30)"]
    assert "b.ipynb" in done.summary() and "b.ipynb" in done.summary("en")
    # the participant's edit stays theirs in every later update, too
    _course(course, b=_nb("print(200)"))
    assert workspace.sync(ws, course).actions["notebooks/b.ipynb"] == "kept"
    assert _cells(ws / "notebooks/b.ipynb") == ["print('mine')"]


def test_a_notebook_the_participant_broke_is_never_overwritten(tmp_path):
    course = _course(tmp_path / "course", a=_nb("print(1)"))
    ws = tmp_path / "ws"
    workspace.sync(ws, course)
    (ws / "notebooks/a.ipynb").write_text("{ not json", encoding="utf-8")
    _course(course, a=_nb("print(2)"))
    assert workspace.sync(ws, course).actions["notebooks/a.ipynb"] == "kept"
    assert (ws / "notebooks/a.ipynb").read_text(encoding="utf-8") == "{ not json"


@settings(max_examples=40, deadline=None)
@given(edits=st.lists(st.tuples(st.sampled_from(["course", "mine", "run", "delete"]), st.integers(0, 2)), max_size=8))
def test_no_sequence_of_updates_loses_a_participant_s_edit(tmp_path_factory, edits):
    """Whatever the course and the participant do in between, the participant's last edit of a
    notebook is in the workspace after every update, and an untouched notebook is the course's."""
    tmp = tmp_path_factory.mktemp("seq")
    names = ["a", "b", "c"]
    course = _course(tmp / "course", **{n: _nb(f"{n} = 0") for n in names})
    ws = tmp / "ws"
    workspace.sync(ws, course)
    mine: dict[str, str] = {}
    for step, (who, i) in enumerate(edits):
        name = names[i]
        path = ws / "notebooks" / f"{name}.ipynb"
        if who == "course":
            _course(course, **{name: _nb(f"{name} = {step + 1}")})
        elif who == "mine" and path.exists():
            nb = json.loads(path.read_text(encoding="utf-8"))
            nb["cells"][0]["source"] = f"mine_{step}"
            path.write_text(json.dumps(nb), encoding="utf-8")
            mine[name] = f"mine_{step}"
        elif who == "run" and path.exists():
            nb = json.loads(path.read_text(encoding="utf-8"))
            nb["cells"][0]["execution_count"] = step
            path.write_text(json.dumps(nb), encoding="utf-8")
        elif who == "delete" and path.exists() and name not in mine:
            path.unlink()
        workspace.sync(ws, course)
        for n in names:
            here = _cells(ws / "notebooks" / f"{n}.ipynb")
            expected = [mine[n]] if n in mine else _cells(course / "notebooks" / f"{n}.ipynb")
            assert here == expected


# ---- one plan, chosen once ---------------------------------------------------------------------


def test_the_plan_is_chosen_once_for_every_notebook_and_exercise(tmp_path, monkeypatch):
    workspace.sync(tmp_path, ROOT)
    monkeypatch.chdir(tmp_path / "notebooks")
    assert workspace.plan_path() == tmp_path / "my-plan.yaml"
    chosen = workspace.choose_plan("智能客服组-2027Q1")
    assert chosen == tmp_path / "智能客服组-2027Q1.yaml"
    monkeypatch.chdir(tmp_path / "exercises")  # a later session, another folder: the same plan
    assert workspace.plan_path() == chosen
    assert widgets.open_plan().path == chosen
    # a later update of the course keeps the choice
    workspace.sync(tmp_path, ROOT)
    assert workspace.plan_path() == chosen
    monkeypatch.setenv("OKRLIB_PLAN", str(tmp_path / "hub.yaml"))
    assert workspace.plan_path() == tmp_path / "hub.yaml"


@pytest.mark.parametrize("name", ["", "   ", "../other", "a/b", ".hidden", "计划?", "x:y"])
def test_a_plan_name_that_is_not_a_file_name_is_refused_in_chinese(tmp_path, name):
    workspace.sync(tmp_path, _course(tmp_path / "c", a=_nb("1")))
    before = (tmp_path / workspace.SETTINGS).read_text(encoding="utf-8")
    with pytest.raises(ValueError) as err:
        workspace.choose_plan(name, tmp_path)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err.value))
    assert (tmp_path / workspace.SETTINGS).read_text(encoding="utf-8") == before


def test_the_chooser_explains_a_refused_name_and_keeps_it(tmp_path, monkeypatch):
    workspace.sync(tmp_path, _course(tmp_path / "c", a=_nb("1")))
    monkeypatch.chdir(tmp_path)
    chooser = widgets.choose_plan()
    chooser.name.value = "团队/计划"
    assert chooser.choose(chooser.name.value) is False
    assert "团队/计划" in chooser.status.value and chooser.name.value == "团队/计划"
    chooser.name.value = "团队计划"
    assert chooser.choose(chooser.name.value) is True
    assert "团队计划.yaml" in chooser.status.value
    assert workspace.plan_path() == tmp_path / "团队计划.yaml"


def test_a_module_on_an_empty_plan_says_which_module_fills_it(tmp_path, monkeypatch):
    shown: list = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    plan = widgets.open_plan(tmp_path / "p.yaml", module="M6")
    said = "".join(getattr(o, "data", "") for o in shown)
    assert "p.yaml" in said and "M5" in said
    assert workspace.missing_parts(plan.workbook, "M6") == [("key_results", "M5")]
    assert workspace.missing_parts(plan.workbook, "M3") == []


def test_every_module_and_exercise_says_what_it_builds_on():
    from okrlib.words.resources import data_file

    course = data_file("workspace")
    assert sorted(course["needs"]) == sorted([f"M{i}" for i in range(1, 9)] + [f"X{i}" for i in range(1, 9)])
    for parts in course["needs"].values():
        assert set(parts) <= set(course["filled_in"])


def test_headless_samples_come_from_the_file_okrlib_samples_names(tmp_path, monkeypatch):
    (tmp_path / "s.yaml").write_text("T08:\n  - {statement: 续费率从 80% 提升至 88%}\n", encoding="utf-8")
    assert workspace.samples("T08") is None
    monkeypatch.setenv("OKRLIB_SAMPLES", str(tmp_path / "s.yaml"))
    assert workspace.samples("T08") == [{"statement": "续费率从 80% 提升至 88%"}]
    assert workspace.samples("T10") is None
