"""docs/workbook-format.md stays true: every field is described, and its examples are real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import okrlib
from okrlib import SECTIONS, WorkbookError
from okrlib.plan.model import Meta
from okrlib.storage.yaml_file import dumps, loads

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "workbook-format.md").read_text(encoding="utf-8")


def _doc_part(title_code: str) -> str:
    """The text of the doc under the heading that names ``title_code``."""
    match = re.search(rf"^### `{re.escape(title_code)}`.*?(?=^### |^## )", DOC, flags=re.S | re.M)
    assert match, f"docs/workbook-format.md has no section for {title_code}"
    return match.group(0)


@pytest.mark.parametrize("name", ["meta", *SECTIONS])
def test_every_field_is_described(name: str) -> None:
    model = Meta if name == "meta" else SECTIONS[name].row
    heading = "review" if name.startswith("review_") else name
    part = _doc_part(heading)
    for field in model.model_fields:
        assert f"`{field}`" in part, f"{name}.{field} is not described in docs/workbook-format.md"


def test_the_documented_error_message_is_the_real_one() -> None:
    shown = re.search(r"```text\n(plan\.yaml: .*?)\n```", DOC, flags=re.S).group(1)
    text = dumps(okrlib.load(ROOT / "docs" / "examples" / "plan.yaml"))
    text = text.replace("  target: 88\n", "  target: 八十八\n").replace("  objective: O1\n", "  objective: O2\n", 1)
    with pytest.raises(WorkbookError) as info:
        loads(text, source="plan.yaml")
    assert str(info.value) == shown


def test_the_documented_snippet_runs(tmp_path, monkeypatch) -> None:
    code = re.search(r"```python\n(.*?)```", DOC, flags=re.S).group(1)
    (tmp_path / "plan.yaml").write_bytes((ROOT / "docs" / "examples" / "plan.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "workbook-format.md", "exec"), {})
    assert okrlib.load(tmp_path / "plan.yaml").key_results[2].target == 90
    assert (tmp_path / "plan.yaml.bak").exists()


def test_the_readme_snippet_runs(tmp_path, monkeypatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, flags=re.S).group(1)
    (tmp_path / "docs" / "examples").mkdir(parents=True)
    (tmp_path / "docs" / "examples" / "plan.yaml").write_bytes((ROOT / "docs" / "examples" / "plan.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert okrlib.load(tmp_path / "my-plan.yaml") == okrlib.load(ROOT / "docs" / "examples" / "plan.yaml")


def test_the_readme_names_every_cli_command() -> None:
    from okrlib.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for name in commands:
        assert f"`okrlib {name} " in readme, f"README does not show `okrlib {name}`"


def test_the_checklist_page_matches_the_checker_data() -> None:
    import runpy

    tool = runpy.run_path(str(ROOT / "tools" / "checklist_doc.py"))
    page = (ROOT / "docs" / "checklist.md").read_text(encoding="utf-8")
    assert page == tool["render"](), "docs/checklist.md is out of date: run python tools/checklist_doc.py"
    for rule in ("kr-not-measurable", "kr-is-activity", "okr-no-business-link", "o-count", "kr-no-baseline"):
        assert f"`{rule}`" in page


def test_data_dictionary_is_generated_from_the_declarations():
    import runpy

    tool = runpy.run_path(str(ROOT / "tools" / "data_doc.py"))
    page = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert page == tool["render"](), "docs/data.md is out of date: run python tools/data_doc.py"
    for case in ("C1", "C2", "C3", "C4", "C5"):
        assert f"### {case} " in page
    for lib in ("T01", "T03", "T09", "T10", "T11", "T12", "T15", "T16", "T17", "T18"):
        assert f"### {lib} " in page
