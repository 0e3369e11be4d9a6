"""The benchmark code keeps working: a tiny run of every measurement (structure only, no timing)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from benchmarks import workbook_scale as ws
from okrlib import Workbook


def _shown_verdict(printed: str, metric: str) -> str:
    """PASS, FAIL or — as the printed table shows it for one metric."""
    line = next(line for line in printed.splitlines() if line.startswith(metric + " "))
    words = line[len(metric):].split()
    return next((w for w in words if w in ("PASS", "FAIL")), "—")


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def test_synthetic_workbook_is_valid_deterministic_and_sized():
    data = ws.make_workbook(7)
    wb = Workbook.model_validate(data)
    assert len(wb.key_results) == ws.KRS_PER_WORKBOOK == 50
    assert len(wb.checkins) == ws.CHECKINS_PER_WORKBOOK == 150
    assert len(wb.objectives) == ws.OBJECTIVES_PER_WORKBOOK
    assert wb.tasks and wb.risks and wb.product_goals and wb.company_goals and wb.review.scores
    assert all(wb.trace(kr.id).complete for kr in wb.key_results)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in wb.key_results[0].statement)  # Chinese text
    assert isinstance(data["checkins"][0]["date"], dt.date)  # as YAML gives it
    assert ws.make_workbook(7) == data  # seeded: the same every time
    assert ws.make_workbook(8) != data
    assert ws.make_workbook(7, seed=1) != data


def test_quick_config_is_twenty_times_smaller():
    full, quick = ws.Config(), ws.Config.quick_config()
    assert full.workbooks == ws.FULL_WORKBOOKS == 2000
    assert full.workbooks * ws.KRS_PER_WORKBOOK == 100_000
    assert full.workbooks * ws.CHECKINS_PER_WORKBOOK == 300_000
    assert quick.workbooks * ws.QUICK_FACTOR == full.workbooks
    assert quick.io_workbooks * ws.QUICK_FACTOR == full.io_workbooks
    assert quick.quick and not full.quick


def test_best_of_stops_at_its_budget():
    calls = []
    best, runs, result = ws.best_of(lambda: calls.append(1) or len(calls), repeat=3, budget_s=0.0)
    assert len(runs) == 1 and result == 1 and best == runs[0]
    best, runs, result = ws.best_of(lambda: calls.append(1) or len(calls), repeat=3)
    assert len(runs) == 3 and result == 4 and best == min(runs)


@pytest.mark.slow
def test_tiny_run_of_every_measurement(tmp_path, capsys):
    out = tmp_path / "latest.json"
    argv = ["--workbooks", "5", "--io-workbooks", "2", "--memory-workbooks", "2", "--repeat", "1", "--import-runs", "1"]
    code = ws.main(argv + ["--output", str(out), "--keep", str(tmp_path / "files")])
    assert code == 0
    printed = capsys.readouterr().out
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["config"]["workbooks"] == 5 and results["config"]["io_workbooks"] == 2

    rows = {r["metric"]: r for r in results["rows"]}
    expected = {
        "floor: json.loads",
        "validate 250 KRs",
        "validate, gc running (info)",
        "floor: yaml.dump",
        "save (atomic, fsync)",
        "floor: yaml.load",
        "load 100 KRs (parse+validate)",
        "floor: import pydantic + 1 model",
        "import okrlib",
        "import okrlib vs bare yaml+BaseModel",
        "heavy modules after import okrlib",
        "peak memory: load",
        "peak memory: validate",
        "peak memory: save",
    }
    if ws.has_tables():
        expected |= {"floor: DataFrame(rows)", "frames()", "peak memory: frames"}
    assert expected <= set(rows), sorted(expected - set(rows))
    for name in expected:
        row = rows[name]
        assert row["value"] is not None and row["value"] >= 0, name
        assert name in printed  # every row is in the printed table
    for name in ("validate 250 KRs", "load 100 KRs (parse+validate)", "save (atomic, fsync)", "import okrlib"):
        assert rows[name]["ratio"] is not None and rows[name]["ratio"] > 0
    assert rows["validate 250 KRs"]["target"] == "< 0.01 s (scaled)"
    validate = rows["validate 250 KRs"]
    assert validate["passed"] is (validate["value"] < ws.VALIDATE_TARGET_S * 250 / ws.VALIDATE_TARGET_KRS)
    assert _shown_verdict(printed, "validate 250 KRs") == _verdict(validate["passed"])
    assert rows["import okrlib"]["target"] == "≤ 1.2x"
    # structure, not speed: which heavy modules `import okrlib` pulls in is a fact, not a timing
    assert rows["heavy modules after import okrlib"]["passed"] is True
    assert results["raw"]["imports"]["okrlib"]["heavy_modules"] == []
    assert rows["peak memory: validate"]["value"] > 0 and rows["peak memory: load"]["value"] > 0
    assert sorted(p.name for p in (tmp_path / "files" / "saved").iterdir()) == ["team00000.yaml", "team00001.yaml"]
    assert _shown_verdict(printed, "heavy modules after import okrlib") == "PASS"
    assert _shown_verdict(printed, "floor: json.loads") == "—"  # a floor has no target


def test_kr_analysis_benchmark_structure(tmp_path, capsys):
    """kr_analysis: varied sentences (no repeats for a cache to exploit), one tiny run, the table and JSON."""
    from benchmarks import kr_analysis as ka
    from benchmarks.__main__ import SUITES

    assert "kr_analysis" in SUITES
    texts = ka.make_sentences(500)
    assert len(texts) == 500 and len(set(texts)) > 450
    assert ka.make_sentences(50) == ka.make_sentences(50)  # seeded
    out = tmp_path / "kr.json"
    assert ka.main(["--sentences", "300", "--repeat", "1", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    results = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["metric"]: r for r in results["rows"]}
    main_row = rows["analyze_kr, 300 sentences (uncached)"]
    assert main_row["target"] == "≥ 20,000/s" and main_row["passed"] is (main_row["value"] >= ka.TARGET_PER_S)
    assert main_row["floor"] > 0 and main_row["ratio"] > 0
    assert "floor: one regex .search" in rows
    assert _shown_verdict(printed, "analyze_kr, 300 sentences (uncached)") == _verdict(main_row["passed"])


def test_check_scale_tiny_run(tmp_path, capsys):
    """benchmarks/check_scale.py: structure only (rows, ratio, JSON), on 2 workbooks."""
    from benchmarks import check_scale as cs

    out = tmp_path / "check_scale.json"
    assert cs.main(["--workbooks", "2", "--repeat", "1", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    results = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["metric"]: r for r in results["rows"]}
    assert set(rows) == {"floor: one regex .search", "check 100 KRs"}
    row = rows["check 100 KRs"]
    assert row["value"] > 0 and row["ratio"] > 0 and row["floor_name"] == "one regex"
    assert row["target"] == "< 0.003 s (scaled)" and row["passed"] is (row["value"] < cs.CHECK_TARGET_S * 100 / cs.CHECK_TARGET_KRS)
    assert results["raw"]["findings"] > 0 and results["config"]["profile"] == "course"
    assert _shown_verdict(printed, "check 100 KRs") == _verdict(row["passed"])
    assert cs.config_from_args(cs.build_parser().parse_args(["--quick"])).workbooks * ws.QUICK_FACTOR == ws.FULL_WORKBOOKS
