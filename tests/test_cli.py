"""The command line (okrlib.cli), run in-process through main([...]); one real subprocess at the end."""

from __future__ import annotations

import importlib.util
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testkit import okr_samples
from okrlib import SECTIONS
from okrlib.storage import yaml_file
from okrlib.cli import main

HAS_TABLES = importlib.util.find_spec("okrlib.storage.tables") is not None
needs_tables = pytest.mark.skipif(not HAS_TABLES, reason="okrlib.storage.tables (xlsx/csv) is not in the tree yet")

INVALID_YAML = """\
schema_version: 1
meta:
  team: 增长组
  product: 云盘
  product_type: to_c
  cycle: {year: 2027, quarter: 1}
objectives:
  - {id: O1, statement: 提升转化}
key_results:
  - {id: KR1, objective: O9, statement: 转化率提升, target: 很多}
"""


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    yaml_file.save(okr_samples.plan(), path)
    return path


@pytest.fixture
def invalid_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(INVALID_YAML, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out, _err = run(capsys, "--format", "json", *argv)
    return code, json.loads(out)  # exactly one JSON object on stdout


# ------------------------------------------------------------------------------------ new


def test_new_creates_a_valid_empty_workbook(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    code, out, _ = run(
        capsys, "new", path, "--team", "增长组", "--product", "云盘", "--type", "to_c", "--year", "2027",
        "--quarter", "2", "--company", "星河科技",
    )
    assert code == 0
    assert f"已创建工作簿 {path}" in out
    assert "团队: 增长组" in out and "周期: 2027Q2 (2027-04-01 ~ 2027-06-30)" in out
    wb = yaml_file.load(path)
    assert (wb.meta.team, wb.meta.product, wb.meta.product_type) == ("增长组", "云盘", "to_c")
    assert (wb.meta.cycle.year, wb.meta.cycle.quarter, wb.meta.company) == (2027, 2, "星河科技")
    assert wb.key_results == [] and wb.objectives == []


def test_new_json(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    code, obj = run_json(capsys, "new", path, "--team", "平台组", "--product", "开放平台", "--type", "platform", "--year", "2026")
    assert code == 0
    assert obj["ok"] is True and obj["command"] == "new" and obj["problems"] == []
    assert obj["file"] == str(path)
    assert obj["summary"]["team"] == "平台组" and obj["summary"]["cycle"] == "2026"
    assert obj["summary"]["counts"]["key_results"] == 0


def test_new_refuses_to_overwrite_without_force(plan_file, capsys):
    before = plan_file.read_bytes()
    code, out, err = run(capsys, "new", plan_file, "--team", "别的组", "--product", "别的")
    assert code == 2
    assert f"{plan_file} 已存在" in err and "--force" in err
    assert plan_file.read_bytes() == before


def test_new_refusal_in_json_and_english(plan_file, capsys):
    code, obj = run_json(capsys, "new", plan_file, "--team", "别的组", "--product", "别的", "--lang", "en")
    assert code == 2
    assert obj["ok"] is False and obj["error"]["code"] == "exists"
    assert obj["error"]["message_en"] == f"{plan_file} already exists; add --force to overwrite it"
    assert "已存在" in obj["error"]["message_zh"]


def test_new_force_overwrites_and_keeps_backup(plan_file, capsys):
    before = plan_file.read_bytes()
    code, _, _ = run(capsys, "new", plan_file, "--team", "别的组", "--product", "别的", "--force")
    assert code == 0
    assert yaml_file.load(plan_file).meta.team == "别的组"
    assert yaml_file.backup_path(plan_file).read_bytes() == before


def test_new_with_invalid_values_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    code, out, err = run(capsys, "new", path, "--team", "   ", "--product", "云盘")
    assert code == 2
    assert "meta.team" in out and "不能为空或只有空格" in out and "Must not be empty or blank" in out
    assert "无法用这些参数创建工作簿" in err
    assert not path.exists()


def test_new_missing_required_option(tmp_path, capsys):
    code, _out, err = run(capsys, "new", tmp_path / "p.yaml", "--product", "云盘")
    assert code == 2
    assert "--team" in err and "usage: okrlib new" in err
    assert not (tmp_path / "p.yaml").exists()


def test_new_into_missing_directory_is_an_environment_error(tmp_path, capsys):
    path = tmp_path / "no" / "such" / "p.yaml"
    code, _out, err = run(capsys, "new", path, "--team", "组", "--product", "品")
    assert code == 3
    assert f"无法写入 {path}" in err


# ------------------------------------------------------------------------------- validate


def test_validate_valid_text(plan_file, capsys):
    code, out, _ = run(capsys, "validate", plan_file)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{plan_file}: 工作簿有效"
    assert "  团队: 增长组" in lines
    assert "  产品: 云盘 (To C 产品)" in lines
    assert "  公司: 星河科技" in lines
    assert "  周期: 2027Q1 (2027-01-01 ~ 2027-03-31)" in lines
    assert "    关键结果KR: 4" in lines and "    目标O: 3" in lines and "    公司目标: 3" in lines


def test_validate_valid_english(plan_file, capsys):
    code, out, _ = run(capsys, "--lang", "en", "validate", plan_file)
    assert code == 0
    assert out.splitlines()[0] == f"{plan_file}: the workbook is valid"
    assert "    Key results: 4" in out and "  Product: 云盘 (To C product)" in out


@pytest.mark.parametrize("position", ["before", "after"])
def test_validate_json_either_position(plan_file, capsys, position):
    argv = ["--format", "json", "validate", str(plan_file)]
    if position == "after":
        argv = ["validate", str(plan_file), "--format", "json"]
    code = main(argv)
    obj = json.loads(capsys.readouterr().out)
    assert code == 0
    assert obj["ok"] is True and obj["problems"] == [] and obj["command"] == "validate"
    assert obj["summary"]["team"] == "增长组"
    assert obj["summary"]["cycle"] == "2027Q1"
    assert obj["summary"]["counts"]["key_results"] == 4
    assert obj["summary"]["counts"]["review_scores"] == 1
    assert list(obj["summary"]["counts"]) == list(SECTIONS)


def test_validate_invalid_lists_every_problem(invalid_file, capsys):
    code, out, _ = run(capsys, "validate", invalid_file)
    assert code == 1
    assert out.splitlines()[0] == f"{invalid_file}: 工作簿有 2 处问题"
    assert re.search(r"key_results\[0\]\.target \(line \d+\) = '很多'", out)
    assert "应为数字(如 85、0.35、3000000)" in out and "Should be a number (e.g. 85, 0.35, 3000000)" in out
    assert re.search(r"key_results\[0\]\.objective \(line \d+\) = 'O9'", out)
    assert "找不到编号为 O9 的目标(O)" in out and "No objective has the id O9" in out


def test_validate_invalid_english_puts_english_first(invalid_file, capsys):
    code, out, _ = run(capsys, "validate", invalid_file, "--lang", "en")
    assert code == 1
    assert out.splitlines()[0] == f"{invalid_file}: the workbook has 2 problem(s)"
    lines = out.splitlines()
    i = lines.index("     No objective has the id O9")
    assert lines[i + 1] == "     找不到编号为 O9 的目标(O)"


def test_validate_invalid_json(invalid_file, capsys):
    code, obj = run_json(capsys, "validate", invalid_file)
    assert code == 1
    assert obj["ok"] is False
    by_path = {p["path"]: p for p in obj["problems"]}
    assert set(by_path) == {"key_results[0].target", "key_results[0].objective"}
    target = by_path["key_results[0].target"]
    assert target["code"] == "float_parsing" and target["value"] == "很多"
    assert target["message_zh"].startswith("应为数字")
    assert by_path["key_results[0].objective"]["code"] == "okr_unknown_ref"


def test_validate_yaml_syntax_error_has_location(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("schema_version: 1\nmeta: [unclosed\n", encoding="utf-8")
    code, obj = run_json(capsys, "validate", path)
    assert code == 1
    assert obj["problems"][0]["code"] == "okr_yaml_syntax"
    assert obj["problems"][0]["location"].startswith("line ")


def test_validate_missing_file(tmp_path, capsys):
    path = tmp_path / "nope.yaml"
    code, out, _ = run(capsys, "validate", path)
    assert code == 1
    assert f"找不到文件 {path}" in out and f"File not found: {path}" in out
    code, obj = run_json(capsys, "validate", path)
    assert code == 1 and obj["problems"][0]["code"] == "okr_file_missing"


# --------------------------------------------------------------------------------- export


def test_export_md_default_output(plan_file, capsys):
    code, out, _ = run(capsys, "export", plan_file, "--to", "md")
    target = plan_file.with_suffix(".md")
    assert code == 0
    assert out.strip() == f"已导出 {target}"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 增长组 · 云盘 OKR 计划(2027Q1)\n")
    assert "| KR1.1 | 付费转化率从 2.5% 提升到 4% |" in text


def test_export_md_refuses_overwrite_then_force(plan_file, capsys):
    target = plan_file.with_suffix(".md")
    target.write_text("自己写的笔记", encoding="utf-8")
    code, _, err = run(capsys, "export", plan_file, "--to", "md")
    assert code == 2 and "已存在" in err
    assert target.read_text(encoding="utf-8") == "自己写的笔记"
    code, _, _ = run(capsys, "export", plan_file, "--to", "md", "--force")
    assert code == 0 and target.read_text(encoding="utf-8").startswith("# 增长组")


def test_export_json_with_output(plan_file, tmp_path, capsys):
    target = tmp_path / "out" / "报告.md"
    target.parent.mkdir()
    code, obj = run_json(capsys, "export", plan_file, "--to", "md", "--output", target)
    assert code == 0
    assert obj == {"ok": True, "command": "export", "file": str(plan_file), "format": "md", "output": str(target), "problems": []}
    assert target.exists()


def test_export_never_writes_over_its_input(plan_file, capsys):
    before = plan_file.read_bytes()
    code, _, err = run(capsys, "export", plan_file, "--to", "md", "--output", plan_file, "--force")
    assert code == 2 and "与输入是同一个文件" in err
    assert plan_file.read_bytes() == before


def test_export_invalid_workbook_writes_nothing(invalid_file, capsys):
    code, out, _ = run(capsys, "export", invalid_file, "--to", "md")
    assert code == 1 and "工作簿有 2 处问题" in out
    assert not invalid_file.with_suffix(".md").exists()


def test_export_missing_file(tmp_path, capsys):
    code, out, _ = run(capsys, "export", tmp_path / "nope.yaml", "--to", "md")
    assert code == 1 and "找不到文件" in out


def test_export_unknown_format_is_usage_error(plan_file, capsys):
    code, _, err = run(capsys, "export", plan_file, "--to", "pdf")
    assert code == 2 and "invalid choice: 'pdf'" in err


def test_export_without_tables_module_is_environment_error(plan_file, capsys, monkeypatch):

    import okrlib.storage

    monkeypatch.setitem(sys.modules, "okrlib.storage.tables", None)  # makes `from okrlib.storage import tables` fail
    monkeypatch.delattr(okrlib.storage, "tables", raising=False)  # ... even after another test imported it
    code, obj = run_json(capsys, "export", plan_file, "--to", "xlsx")
    assert code == 3
    assert obj["error"]["code"] == "missing_part" and "okrlib.storage.tables" in obj["error"]["message_en"]
    assert not plan_file.with_suffix(".xlsx").exists()


@needs_tables
def test_export_xlsx_and_import_round_trip(plan_file, tmp_path, capsys):
    code, out, _ = run(capsys, "export", plan_file, "--to", "xlsx")
    xlsx = plan_file.with_suffix(".xlsx")
    assert code == 0 and xlsx.exists() and f"已导出 {xlsx}" in out
    target = tmp_path / "back.yaml"
    code, out, _ = run(capsys, "import", xlsx, "--output", target)
    assert code == 0 and "已导入" in out and "关键结果KR: 4" in out
    assert yaml_file.load(target).to_dict() == yaml_file.load(plan_file).to_dict()


@needs_tables
def test_export_csv_and_import_directory(plan_file, capsys):
    code, obj = run_json(capsys, "export", plan_file, "--to", "csv")
    directory = plan_file.with_name("plan_csv")
    assert code == 0 and obj["output"] == str(directory) and directory.is_dir()
    code, _, err = run(capsys, "export", plan_file, "--to", "csv")
    assert code == 2 and "已存在" in err
    # default import output for plan_csv/ is plan.yaml beside it: exists, so --force is needed
    code, _, err = run(capsys, "import", directory)
    assert code == 2 and f"{plan_file} 已存在" in err
    before = plan_file.read_bytes()
    code, obj = run_json(capsys, "import", directory, "--force")
    assert code == 0 and obj["output"] == str(plan_file)
    assert obj["summary"]["counts"]["key_results"] == 4
    assert yaml_file.backup_path(plan_file).read_bytes() == before


# --------------------------------------------------------------------------------- import


def test_import_missing_file(tmp_path, capsys):
    path = tmp_path / "nope.xlsx"
    code, out, _ = run(capsys, "import", path)
    assert code == 1 and f"找不到文件 {path}" in out


def test_import_needs_excel_or_directory(plan_file, capsys):
    code, _, err = run(capsys, "import", plan_file)
    assert code == 2 and "导入需要 Excel 文件(.xlsx)或 CSV 目录" in err


@needs_tables
def test_import_corrupt_excel_is_invalid_input(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"not a zip file")
    code, out, _ = run(capsys, "import", path)
    assert code == 1
    assert f"{path}" in out
    assert not path.with_suffix(".yaml").exists()


# ---------------------------------------------------------------------------------- trace


def test_trace_complete(plan_file, capsys):
    code, out, _ = run(capsys, "trace", plan_file, "KR1.1")
    assert code == 0
    assert out.splitlines() == [
        "关键结果(KR) KR1.1: 付费转化率从 2.5% 提升到 4%",
        "  ↑ 目标(O) O1: 让小团队愿意付费",
        "    ↑ 产品目标 PG1: 提升付费转化",
        "      ↑ 公司目标 CG3: 年度收入增长 30%",
        "        ↑ 公司目标 CG2: 拓展中小企业市场",
        "          ↑ 公司目标 CG1: 让每个团队轻松协作",
        "✓ 链路完整:KR1.1 可追溯到公司目标 CG3",
    ]


def test_trace_complete_json(plan_file, capsys):
    code, obj = run_json(capsys, "trace", plan_file, "KR1.1")
    assert code == 0
    assert obj["ok"] is True and obj["complete"] is True and obj["broken_at"] is None
    assert [(s["section"], s["id"]) for s in obj["steps"]] == [
        ("key_results", "KR1.1"),
        ("objectives", "O1"),
        ("product_goals", "PG1"),
        ("company_goals", "CG3"),
        ("company_goals", "CG2"),
        ("company_goals", "CG1"),
    ]
    assert obj["steps"][2] == {
        "section": "product_goals",
        "label_zh": "产品目标",
        "label_en": "product goal",
        "id": "PG1",
        "statement": "提升付费转化",
    }


def test_trace_broken_at_objective(plan_file, capsys):
    code, out, _ = run(capsys, "trace", plan_file, "KR2.1")
    assert code == 1
    assert out.splitlines() == [
        "关键结果(KR) KR2.1: 完成 3 个新场景访谈",
        "  ↑ 目标(O) O2: 探索新的增长点",
        "✗ 链路断开:目标(O) O2 没有关联产品目标,无法追溯到公司目标",
    ]


def test_trace_broken_at_product_goal_json_and_english(plan_file, capsys):
    code, obj = run_json(capsys, "trace", plan_file, "KR3.1", "--lang", "en")
    assert code == 1
    assert obj["ok"] is False and obj["complete"] is False
    assert [s["id"] for s in obj["steps"]] == ["KR3.1", "O3", "PG2"]
    assert obj["broken_at"] == {"section": "product_goals", "id": "PG2", "missing": "company_goals"}
    assert obj["message_en"].startswith("The chain is broken: product goal PG2 is not linked to a company goal")
    code, out, _ = run(capsys, "--lang", "en", "trace", plan_file, "KR3.1")
    assert code == 1
    assert out.splitlines()[1] == "  ↑ objective O3: 验证 AI 搜索"


def test_trace_unknown_id(plan_file, capsys):
    code, out, _ = run(capsys, "trace", plan_file, "KR9")
    assert code == 1
    assert out.strip() == "找不到编号为 KR9 的关键结果(KR)"
    code, obj = run_json(capsys, "trace", plan_file, "KR9")
    assert code == 1
    assert obj["error"] == {
        "code": "unknown_kr",
        "message_zh": "找不到编号为 KR9 的关键结果(KR)",
        "message_en": "No key result has the id KR9",
    }
    assert obj["key_result"] == "KR9"


def test_trace_id_of_another_section(plan_file, capsys):
    code, out, _ = run(capsys, "trace", plan_file, "O1", "--lang", "en")
    assert code == 1
    assert out.strip() == "Id O1 names a row of kind objective; kind key result is expected here"
    code, out, _ = run(capsys, "trace", plan_file, "O1")
    assert out.strip() == "编号 O1 是目标(O),此处应引用关键结果(KR)"


def test_trace_of_invalid_workbook(invalid_file, capsys):
    code, out, _ = run(capsys, "trace", invalid_file, "KR1")
    assert code == 1 and "工作簿有 2 处问题" in out


# ---------------------------------------------------------------------------------- usage


def test_no_command_is_usage_error(capsys):
    code, out, err = run(capsys)
    assert code == 2 and out == ""
    assert "usage: okrlib" in err and "用法错误" in err


def test_usage_error_in_json_mode(capsys):
    code, out, err = run(capsys, "--format", "json", "frobnicate")
    assert code == 2
    obj = json.loads(out)
    assert obj["ok"] is False and obj["error"]["code"] == "usage" and obj["problems"] == []
    assert "invalid choice: 'frobnicate'" in obj["error"]["message_en"]


def test_bad_global_option_value(plan_file, capsys):
    code, _, err = run(capsys, "validate", plan_file, "--format", "xml")
    assert code == 2 and "invalid choice: 'xml'" in err


def test_help_and_version(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "validate" in out and "退出码" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip().startswith("okrlib ")


# ---------------------------------------------------------------------- the real entry point


def test_python_dash_m_validate_in_a_non_utf8_locale(plan_file, invalid_file):
    """`python -m okrlib` runs, sets the exit status, and writes UTF-8 even where the locale is ASCII."""
    env = dict(os.environ, PYTHONIOENCODING="ascii", LC_ALL="C", LANG="C")
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")])
    ok = subprocess.run([sys.executable, "-m", "okrlib", "validate", str(plan_file)], capture_output=True, env=env)
    assert ok.returncode == 0, ok.stderr.decode("utf-8", "replace")
    assert ok.stdout.decode("utf-8").splitlines()[0] == f"{plan_file}: 工作簿有效"
    bad = subprocess.run([sys.executable, "-m", "okrlib", "validate", str(invalid_file)], capture_output=True, env=env)
    assert bad.returncode == 1
    text = bad.stdout.decode("utf-8")
    assert "找不到编号为 O9 的目标(O)" in text
    assert b"Traceback" not in bad.stderr


def test_output_cut_short_by_a_pipe_keeps_the_exit_status(tmp_path):
    """`okrlib validate bad.yaml | head -1`: no traceback, and still exit 1."""
    bad = "\n".join(f"- {{id: KR{i}, objective: O9, statement: 第 {i} 条}}" for i in range(2000))
    path = tmp_path / "bad.yaml"  # 2,000 problems: far more output than a pipe holds
    path.write_text(f"schema_version: 1\nmeta: {{team: 组, product: 品, product_type: to_c, cycle: {{year: 2027}}}}\n"
                    f"key_results:\n{bad}\n", encoding="utf-8")  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "okrlib", "validate", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader leaves, as head does
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=60) == 1
    assert "工作簿有 2000 处问题" in first.decode("utf-8")
    assert "Traceback" not in err and "BrokenPipe" not in err
