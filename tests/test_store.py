"""The workbook file: readable, stable, atomic, and honest about what is wrong with it."""

from __future__ import annotations

import difflib
import os
import signal
import stat
from pathlib import Path

import pytest

import okrlib
from okrlib import Workbook, WorkbookError
from okrlib.storage.yaml_file import backup_path, dumps, load, loads, save

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "plan.yaml"


@pytest.fixture()
def example() -> Workbook:
    return okrlib.load(EXAMPLE)


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in exc.value.problems]


# ---- what the file looks like --------------------------------------------------------------


def test_round_trip_through_a_file(tmp_path: Path, example: Workbook) -> None:
    path = tmp_path / "plan.yaml"
    okrlib.save(example, path)
    assert okrlib.load(path) == example


def test_chinese_is_written_as_itself(example: Workbook) -> None:
    text = dumps(example)
    assert "team: 智能客服产品组" in text
    assert "\\u" not in text and "\\U" not in text


def test_keys_keep_one_order_and_numbers_read_as_typed(example: Workbook) -> None:
    text = dumps(example)
    top = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert top == [
        "schema_version", "meta", "company_goals", "factors", "core_elements", "product_goals",
        "objectives", "key_results", "cross_dept", "tasks", "checkins", "risks", "adjustments",
        "review", "action_plan",
    ]  # fmt: skip
    assert "  baseline: 55\n" in text and "  baseline: 0.12\n" in text
    assert "  due: 2027-03-31\n" in text


def test_multi_line_text_is_a_literal_block(example: Workbook) -> None:
    text = dumps(example)
    assert "    drivers: |-\n      AI 客服解决率提升后" in text


def test_one_edit_changes_one_line(example: Workbook) -> None:
    before = dumps(example).splitlines()
    example.key_results[2].target = 90
    after = dumps(example).splitlines()
    changed = [d for d in difflib.unified_diff(before, after, lineterm="", n=0) if d[:1] in "+-"]
    assert changed == ["--- ", "+++ ", "-  target: 88", "+  target: 90"]


def test_saving_twice_gives_the_same_bytes(tmp_path: Path, example: Workbook) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    save(example, a)
    save(load(a), b)
    assert a.read_bytes() == b.read_bytes()


# ---- how it is saved -----------------------------------------------------------------------


def test_save_keeps_the_previous_version_as_backup(tmp_path: Path, example: Workbook) -> None:
    path = tmp_path / "plan.yaml"
    okrlib.save(example, path)
    first = path.read_bytes()
    example.key_results[0].target = 80
    okrlib.save(example, path)
    assert backup_path(path) == tmp_path / "plan.yaml.bak"
    assert backup_path(path).read_bytes() == first
    assert load(backup_path(path)).key_results[0].target == 75
    assert load(path).key_results[0].target == 80
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml", "plan.yaml.bak"]


def test_save_without_backup(tmp_path: Path, example: Workbook) -> None:
    path = tmp_path / "plan.yaml"
    okrlib.save(example, path)
    okrlib.save(example, path, backup=False)
    assert not backup_path(path).exists()


def test_save_keeps_file_permissions(tmp_path: Path, example: Workbook) -> None:
    path = tmp_path / "plan.yaml"
    okrlib.save(example, path)
    os.chmod(path, 0o640)
    okrlib.save(example, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_an_invalid_workbook_is_not_saved_and_the_file_is_untouched(tmp_path: Path, example: Workbook) -> None:
    path = tmp_path / "plan.yaml"
    okrlib.save(example, path)
    before = path.read_bytes()
    example.key_results.append(example.key_results[0].model_copy(update={"id": "KR9", "objective": "O9"}))
    with pytest.raises(WorkbookError) as info:
        okrlib.save(example, path)
    assert "key_results[4].objective" in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


# The child of the kill test: saves the plan of NEW over PATH and SIGKILLs itself at MOMENT --
# "writing" (half the temporary file written), or a point atomic_write names (see _reached there).
_KILLED_SAVE = """
import os, signal, sys
import okrlib
from okrlib.storage import yaml_file

moment, new, path = sys.argv[1:]
wb = okrlib.load(new)
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
if moment == "writing":
    text = yaml_file.dumps(wb).encode("utf-8")

    def write(handle):
        handle.write(text[: len(text) // 2])
        handle.flush()
        os.fsync(handle.fileno())
        die()

    yaml_file.atomic_write(path, write, backup=True)
else:
    yaml_file._reached = lambda point: die() if point == moment else None
    yaml_file.save(wb, path)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize(
    "moment, survivor",
    [
        ("writing", "old"),  # the new version half written to the temporary file
        ("written", "old"),  # written and synced, not yet renamed over the plan
        ("replaced", "new"),  # renamed, the folder not yet synced
    ],
)
def test_killing_a_save_leaves_the_old_or_the_new_version(tmp_path: Path, example: Workbook, moment: str, survivor: str) -> None:
    """A laptop lid closing mid-save must never cost a participant their plan: the save is
    killed (SIGKILL, no clean-up) at each moment in turn, and leaves one whole version."""
    import subprocess
    import sys

    old = example
    data = example.to_dict()
    data["key_results"][0]["target"] = 90
    new = Workbook.from_dict(data)
    path, side = tmp_path / "plans" / "plan.yaml", tmp_path / "new.yaml"
    path.parent.mkdir()
    save(old, path)
    save(new, side)
    done = subprocess.run([sys.executable, "-c", _KILLED_SAVE, moment, str(side), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, f"the save was not killed at {moment!r}: {done.stderr[-2000:]}"
    expected = old if survivor == "old" else new
    assert path.read_text(encoding="utf-8") == dumps(expected)
    assert load(path) == expected
    if survivor == "new":
        assert backup_path(path).read_text(encoding="utf-8") == dumps(old)  # the replaced version kept
    elif backup_path(path).exists():
        assert backup_path(path).read_text(encoding="utf-8") == dumps(old)
    # what the crash leaves besides is hidden (a dot file) and no obstacle to the next save
    assert {p.name for p in path.parent.iterdir() if not p.name.startswith(".")} <= {"plan.yaml", "plan.yaml.bak"}
    save(new, path)
    assert load(path) == new


# ---- what a bad file says ------------------------------------------------------------------


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("schema_version: 1\nmeta:\n  team: [增长组\n  product: x\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        load(path)
    (p,) = info.value.problems
    assert p.code == "okr_yaml_syntax"
    assert "YAML 语法错误(第" in p.message_zh and "line" in p.message_en
    assert str(path) in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(WorkbookError) as info:
        load("/nonexistent/plan.yaml")
    assert codes(info) == ["okr_file_missing"]
    assert "找不到文件" in str(info.value)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes("meta:\n  team: 增长组\n".encode("gbk"))
    with pytest.raises(WorkbookError) as info:
        load(path)
    assert codes(info) == ["okr_encoding"]


def test_utf8_with_bom_loads(tmp_path: Path, example: Workbook) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dumps(example).encode("utf-8"))
    assert load(path) == example


@pytest.mark.parametrize("text, kind", [("- a\n- b\n", "list"), ("just words\n", "str"), ("", "NoneType")])
def test_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    with pytest.raises(WorkbookError) as info:
        loads(text)
    assert codes(info) == ["okr_not_mapping"]
    assert kind in info.value.problems[0].message_en


def test_schema_version_missing_is_reported_with_the_rest(example: Workbook) -> None:
    data = example.to_dict()
    del data["schema_version"]
    data["key_results"][0]["target"] = "x"
    with pytest.raises(WorkbookError) as info:
        Workbook.from_dict(data)
    assert codes(info) == ["okr_schema_missing", "float_parsing"]


def test_newer_schema_version_is_refused_plainly(example: Workbook) -> None:
    text = dumps(example).replace("schema_version: 1", "schema_version: 7")
    with pytest.raises(WorkbookError) as info:
        loads(text)
    assert codes(info) == ["okr_schema_version"]
    assert "请升级 okrlib" in info.value.problems[0].message_zh


def test_a_key_written_twice_is_reported(example: Workbook) -> None:
    text = dumps(example).replace("  team: 智能客服产品组\n", "  team: 智能客服产品组\n  team: 另一个组\n")
    with pytest.raises(WorkbookError) as info:
        loads(text)
    (p,) = info.value.problems
    assert p.code == "okr_duplicate_key" and p.value == "team"
    assert p.location == "line 6"


def test_type_errors_and_broken_links_come_together(example: Workbook) -> None:
    text = dumps(example)
    text = text.replace("  target: 88\n", "  target: 八十八\n").replace("  objective: O1\n", "  objective: O2\n", 1)
    with pytest.raises(WorkbookError) as info:
        loads(text, source="plan.yaml")
    lines = text.splitlines()
    where = {p.path: (p.code, lines[int(p.location.split()[1]) - 1]) for p in info.value.problems}
    assert where == {
        "key_results[2].target": ("float_parsing", "  target: 八十八"),
        "key_results[0].objective": ("okr_unknown_ref", "  objective: O2"),
    }


def test_a_missing_field_points_at_its_row(example: Workbook) -> None:
    text = dumps(example).replace("  likelihood: 3\n", "")
    with pytest.raises(WorkbookError) as info:
        loads(text)
    (p,) = info.value.problems
    assert (p.path, p.code) == ("risks[0].likelihood", "missing")
    line = int(p.location.split()[1])
    assert text.splitlines()[line - 1] == "- id: R1"


def test_hand_written_minimal_file_loads_with_defaults() -> None:
    wb = loads(
        "schema_version: 1\n"
        "meta: {team: 增长组, product: 会员中心, product_type: To C 产品, cycle: {year: 2027}}\n"
        "objectives:\n- {id: O1, statement: 让新用户留下来}\n"
        "key_results:\n- {id: KR1, objective: O1, statement: 次月留存率从 20% 提升至 30%}\n"
    )
    kr = wb.key_results[0]
    assert (kr.direction, kr.type, kr.weight, kr.collaborators) == ("up", "metric", 1.0, [])
    assert wb.meta.product_type == "to_c"


def test_json_is_yaml_too(example: Workbook) -> None:
    import json

    assert loads(json.dumps(example.model_dump(mode="json"), ensure_ascii=False)) == example


# ---- any valid workbook survives the file -------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from testkit.strategies import workbooks  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_any_workbook_round_trips_through_yaml(wb: Workbook) -> None:
    text = dumps(wb)
    assert loads(text) == wb
    assert dumps(loads(text)) == text  # and is written the same way again


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_any_workbook_round_trips_through_a_saved_file(tmp_path_factory, wb: Workbook) -> None:
    path = tmp_path_factory.mktemp("rt") / "plan.yaml"
    save(wb, path)
    assert load(path) == wb


TRICKY = [
    "", " ", "  前后空格  ", "'", '"', "a: b", "# 不是注释", "- 不是列表", "null", "~", "yes", "No", "on",
    "1e3", "0x10", "0o17", "2027-01-01", "12:30", "=SUM(A1:A3)", "001", ".inf", "\t缩进", "a\n", "\n\n",
    "a\n ", " \n首行空格", "行尾空格 \n下一行", "\u2028", "\u2029", "\ufeff开头", "😀🚀 表情", "\u00a0不换行空格",
    "|", ">", "&anchor", "*alias", "!tag", "%YAML", "@", "`", "中" * 5000,
]  # fmt: skip


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_tricky_text_survives_the_file(example: Workbook, text: str) -> None:
    example.tasks[0].owner = text
    example.key_results[0].statement = text if text.strip() else "x"
    example.meta.company = text
    assert loads(dumps(example)) == example
