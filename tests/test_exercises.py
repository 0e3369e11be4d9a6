"""The exercises X1-X8: feedback logic, the T10 peer review file, the participant versions, and
headless runs of every exercise notebook (sources with their answers, participant versions without).

The notebook runs share one kernel (papermill injects the parameters; the kernel's namespace is
reset between notebooks), so sixteen notebooks cost one kernel start.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from okrlib.course import exercises as X
from okrlib.storage import yaml_file
from okrlib.plan.model import Workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "plan.yaml"
SOURCES = sorted((ROOT / "instructor" / "exercises").glob("x*.ipynb"))
IDS = [p.stem[:3] for p in SOURCES]
TODAY = "2027-01-04"  # the day the X8 reference answer was written for

sys.path.insert(0, str(ROOT / "tools"))
import make_exercises  # noqa: E402


# --------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------


def example_data() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def start_plan(exercise: str, folder: Path) -> Path:
    """The example plan (云帆智能客服) as it stands before the exercise: its sections emptied."""
    data = example_data()
    if exercise == "x03":
        data["factors"], data["core_elements"] = [], []
    elif exercise == "x04":
        data["product_goals"] = []
        for o in data["objectives"]:
            o["derived_from"] = None
    elif exercise == "x06":
        data["risks"] = []
    elif exercise == "x07":
        data["review"]["notes"] = []
    elif exercise == "x08":
        data["action_plan"] = []
    path = folder / "plan.yaml"
    yaml_file.save(Workbook.from_dict(data), path, backup=False)
    return path


def wb_with(**sections: Any) -> Workbook:
    data = example_data()
    data.update(sections)
    return Workbook.from_dict(data)


# --------------------------------------------------------------------------------------------
# Feedback: right answers pass, typical wrong answers get their message
# --------------------------------------------------------------------------------------------


def texts(fb: X.Feedback) -> str:
    return fb.text("zh") + "\n" + fb.text("en")


def test_feedback_renders_escaped_html() -> None:
    fb = X.x1("<script>alert(1)</script>", "<b>理由</b> 很长很长很长很长", ["<img src=x onerror=alert(1)>"])
    page = fb._repr_html_()
    assert "<script>" not in page and "<img" not in page and "<b>理由" not in page
    assert html.escape("<script>alert(1)</script>") in page
    assert "data-passed='false'" in page and "data-exercise='X1'" in page


def test_x1_core_break_passes() -> None:
    fb = X.x1("A", "净增 = 新签 − 流失,流失 367 家没人负责", ["我们有两条 KR 是上线功能,和续费率无关"])
    assert fb.passed and fb.score == 100
    assert "okr-no-retention-kr" in texts(fb) and "O1" in texts(fb)


def test_x1_options_agree_with_the_case() -> None:
    from okrlib.course import cases

    case = cases.load(X.spec("X1")["case"])
    expected = {f.rule for f in case.instructor.expected_findings}
    found = {f.rule for f in case.check().findings}
    for opt in X.spec("X1")["options"]:
        if opt["role"] == "distractor":
            assert not set(opt["rules"]) & expected
        else:  # every real option is confirmed by the instructor's key and by the checker
            assert set(opt["rules"]) & expected & found, opt["code"]
    assert sum(o["role"] == "core" for o in X.spec("X1")["options"]) == 1


@pytest.mark.parametrize("choice, message", [
    ("B", "不是核心断点"), ("C", "不是核心断点"), ("D", "不是核心断点"),
    ("F", "数据不支持"), ("G", "与数据相反"), ("H", "投错了方向"), ("Z", "不是选项之一"),
])
def test_x1_wrong_choices_are_explained(choice: str, message: str) -> None:
    fb = X.x1(choice, "一个足够长的判断理由,引用了案例数据", ["我们的 KR 也有上线功能类的"])
    assert not fb.passed
    assert message in texts(fb)


def test_x1_missing_parts() -> None:
    assert "还没有作答" in texts(X.x1(None))
    fb = X.x1("A", "", None)
    assert not fb.passed and "理由" in texts(fb) and "照镜子" in texts(fb)


def test_x2_right_diagnosis_and_rewrite_pass() -> None:
    fb = X.x2(["activity", "measurable", "business", "cross_dept"], "推送触达用户的 7 日活跃率从 32% 提升至 40%")
    assert fb.passed
    assert "校验器对这个 O/KR 报出的全部问题" in texts(fb)  # the whole key, once the diagnosis is complete
    assert "32" in texts(fb) and "40" in texts(fb)


def test_x2_shows_its_key_only_as_far_as_the_participant_s_diagnosis_goes() -> None:
    """Any submission used to show the whole answer key: the missed problems are now counted, not named."""
    fb = X.x2(["activity"], None)
    said = "\n".join([i.zh for i in fb.items] + fb.messages_zh + fb.hints_zh)
    assert not fb.passed and "还有 3 个关键问题没有指出" in said
    for opt in X.spec("X2")["options"]:
        if opt["code"] != "activity":
            assert opt["zh"] not in said and opt.get("right_zh", "-") not in said, opt["code"]
    assert "推送打开率" not in said  # no model rewrite before the participant wrote one
    assert X.x2(None, None).items and not X.x2(None, None).passed


def test_feedback_speaks_one_language_at_a_time() -> None:
    fb = X.x2(["activity", "wrong"], None)
    zh, en = fb._repr_html_(), fb.in_language("en")._repr_html_()
    assert "Missed" not in zh and "key problem" not in zh and "关键问题" in zh
    assert "关键问题" not in en and "key problem" in en


def test_x2_options_follow_the_checker() -> None:
    from okrlib.method.checks import check

    found = {f.rule for f in check(X.x2_workbook()).findings}
    for opt in X.spec("X2")["options"]:
        if opt.get("required"):
            assert set(opt["rules"]) <= found
        if not opt["rules"]:
            assert "wrong_zh" in opt


@pytest.mark.parametrize("missed", ["activity", "measurable", "business", "cross_dept"])
def test_x2_each_missed_pitfall_is_counted_not_named(missed: str) -> None:
    chosen = [c for c in ("activity", "measurable", "business", "cross_dept") if c != missed]
    fb = X.x2(chosen, "推送打开率从 4% 提升至 7%")
    assert not fb.passed
    assert [i for i in fb.missing if "还有 1 个关键问题没有指出" in i.zh]
    option = next(o for o in X.spec("X2")["options"] if o["code"] == missed)
    assert option["zh"] not in texts(fb)


@pytest.mark.parametrize("wrong, message", [
    ("o_too_ambitious", "有挑战性"), ("o_too_long", "很简洁"), ("too_many_krs", "只有 1 个 KR"), ("nonsense", "不是选项之一"),
])
def test_x2_wrong_options_are_explained(wrong: str, message: str) -> None:
    fb = X.x2(["activity", "measurable", "business", "cross_dept", wrong], "推送打开率从 4% 提升至 7%")
    assert not fb.passed and message in texts(fb)


@pytest.mark.parametrize("rewrite, message", [
    ("优化推送功能", "仍是活动"), ("持续提升推送效果", "读不到可衡量的数字"), ("推送打开率达到 7%", "缺基线或目标值"),
    (None, "改写后的 KR"),
])
def test_x2_weak_rewrites(rewrite: Any, message: str) -> None:
    fb = X.x2(["activity", "measurable", "business", "cross_dept"], rewrite)
    assert not fb.passed and message in texts(fb)
    if rewrite is not None:  # a weak rewrite of one's own earns the hint of analyze/suggest_outcome
        assert "推送打开率" in "\n".join(fb.hints_zh)


def test_x3_complete_plan_passes() -> None:
    assert X.x3(EXAMPLE).passed


def test_x3_missing_parts() -> None:
    data = example_data()
    data["factors"] = [f for f in data["factors"] if f["side"] == "external"]
    data["core_elements"] = [e for e in data["core_elements"] if e["kind"] != "core_feature"]
    data["company_goals"][2]["decode"]["risks"] = ""
    data["company_goals"][2]["decode"]["relevance"] = None
    fb = X.x3(Workbook.from_dict(data))
    assert not fb.passed
    t = texts(fb)
    assert "还没有内部因素" in t and "核心功能" in t and "风险点、产品关联度" in t
    assert "外部因素 2 条" in t


def test_x4_product_goals() -> None:
    assert X.x4(EXAMPLE).passed
    data = example_data()
    data["product_goals"][0].update(baseline=None, deadline=None, derived_from=None, roi={})
    fb = X.x4(Workbook.from_dict(data))
    assert not fb.passed
    assert "基线、期限、ROI(投入与预期回报)、来源的公司目标" in texts(fb)
    assert "还没有产品目标" in texts(X.x4(wb_with(product_goals=[], objectives=[{"id": "O1", "statement": "x"}], key_results=[],
                                              tasks=[], checkins=[], cross_dept=[], risks=[], adjustments=[],
                                              review={"scores": [], "notes": []}, action_plan=[])))


def test_x6_risks_and_the_t15_matrix() -> None:
    fb = X.x6(EXAMPLE)
    assert not fb.passed and "只有 1 条" in texts(fb)
    assert "研发资源不足" in texts(fb) and "调整目标" in texts(fb)  # R1: 3 x 4 = 12, high
    risks = [
        {"id": "R1", "description": "算法组人力被占用", "relates_to": "KR1.1", "likelihood": 3, "impact": 4, "response": "约定人力上限", "owner": "王敏"},
        {"id": "R2", "description": "客户需求频繁插单", "relates_to": None, "likelihood": 4, "impact": 4, "response": "", "owner": ""},
        {"id": "R3", "description": "天气不好", "relates_to": "KR1.3", "likelihood": 1, "impact": 2, "response": "观察", "owner": "赵磊"},
    ]
    fb = X.x6(wb_with(risks=risks))
    t = texts(fb)
    assert "R2 还没有应对方案" in t and "R2 还没有负责人" in t and "R2 还没关联" in t
    assert "R2 属于 T15「需求变更」严重级:升级" in t  # typed from its words, 16 = critical
    assert "R3 对应不到 T15" in t
    fb = X.x6(wb_with(risks=risks), {"R3": "市场变化", "R1": "天灾"})
    assert "R3 属于 T15「市场变化」低级" in texts(fb) and "「天灾」不在 T15 中" in texts(fb)
    good = [dict(r, relates_to="KR1.1", response="应对", owner="王敏") for r in risks]
    fb = X.x6(wb_with(risks=good), {"R3": "市场变化"})
    assert fb.passed and fb.table is not None and len(fb.table) == 3


def test_x7_review_notes() -> None:
    fb = X.x7(EXAMPLE, None)
    t = texts(fb)
    assert not fb.passed and "还缺「复盘反思」" in t and "N1" in t and "next_direction" in t
    notes = [{"id": "N1", "kind": "reflection", "text": "a", "relates_to": "KR1.2"},
             {"id": "N2", "kind": "asset", "text": "b", "relates_to": "KR1.1"},
             {"id": "N3", "kind": "carry_forward", "text": "c", "relates_to": "KR1.3"}]
    fb = X.x7(wb_with(review={"scores": [], "notes": notes}), "Q2 延续 KR1.3,并补一条净收入留存率 KR")
    assert fb.passed and "优化方向提到了:KR1.3" in texts(fb)


def test_x8_action_plan() -> None:
    items = [{"id": f"AP{i}", "action": "做一件事", "owner": "王敏", "due": f"2027-01-{10 + i}", "success_measure": "有纪要",
              "relates_to": "KR1.3"} for i in range(1, 4)]
    assert X.x8(wb_with(action_plan=items), TODAY).passed
    assert X.x8(wb_with(action_plan=items), dt.date(2027, 1, 4)).passed
    late = [dict(items[0], due="2027-03-01"), dict(items[1], owner="", success_measure="", relates_to=None),
            dict(items[2], due=None)]
    t = texts(X.x8(wb_with(action_plan=late), TODAY))
    assert "超出一个月" in t and "AP2 还没有负责人" in t and "AP2 还没写怎样算完成" in t and "AP2 还没关联" in t
    assert "AP3 还没有截止日期" in t
    assert "早于今天" in texts(X.x8(wb_with(action_plan=items), "2027-02-01"))
    assert "只有 1 项" in texts(X.x8(EXAMPLE, TODAY))


# --------------------------------------------------------------------------------------------
# X5: the peer review file
# --------------------------------------------------------------------------------------------

FULL = {f"T10-{i}": 2 for i in range(1, 11)}


def test_peer_review_saves_atomically_and_reloads(tmp_path: Path) -> None:
    plan = shutil.copy(EXAMPLE, tmp_path / "team plan.yaml")
    review = X.peer_review(plan, {"=李雷": dict(FULL, **{"T10-3": 0})}, comments={"=李雷": {"T10-3": "=算法组未确认"}})
    path = tmp_path / "team plan-peer-review.csv"
    assert X.peer_review_path(plan) == path and path.is_file()
    assert "'=李雷" in path.read_text(encoding="utf-8")  # a cell never runs as a spreadsheet formula
    assert not list(tmp_path.glob(".*.tmp"))  # atomic: no temporary file left behind
    again = X.PeerReview(plan)
    assert again.reviewers == ["=李雷"] and again.scores("=李雷")["T10-3"] == 0
    assert again.frame().loc[2, "comment"] == "=算法组未确认"
    again.record("韩梅", FULL)
    again.record("=李雷", FULL)  # a reviewer's new scores replace the old ones
    third = X.PeerReview(plan)
    assert third.reviewers == ["韩梅", "=李雷"] and third.scores("=李雷")["T10-3"] == 2
    summary = third.summary()
    assert list(summary["指标"]) == list(X.T10_INDICATORS)
    row = summary.set_index("指标").loc["T10-3"]
    assert row["互评均分(0-2)"] == 2 and row["校验器"] == "警告" and row["差异"] == 1


@pytest.mark.parametrize("reviewer, scores, message", [
    ("", FULL, "姓名"), ("李雷", {"T10-11": 1}, "不是 T10 的指标"), ("李雷", {"T10-1": 3}, "无效"),
    ("李雷", {"T10-1": "高"}, "无效"), ("李雷", {"T10-1": True}, "无效"),
])
def test_peer_review_refuses_bad_scores(tmp_path: Path, reviewer: str, scores: dict, message: str) -> None:
    plan = shutil.copy(EXAMPLE, tmp_path / "plan.yaml")
    review = X.PeerReview(plan)
    with pytest.raises(ValueError, match=message):
        review.record(reviewer, scores)
    assert not X.peer_review_path(plan).exists()


def test_x5_feedback(tmp_path: Path) -> None:
    plan = shutil.copy(EXAMPLE, tmp_path / "plan.yaml")
    fb = X.x5(plan)
    assert not fb.passed and "互评还不够" in texts(fb)
    review = X.peer_review(plan, {"李雷": FULL, "韩梅": {"T10-1": 1}})
    fb = X.x5(plan, review)
    assert not fb.passed and "韩梅 还没打分的指标" in texts(fb)
    review.record("韩梅", dict(FULL, **{"T10-1": 0}))
    fb = X.x5(plan, review)
    assert fb.passed and fb.table is not None
    assert "看法不一致" in texts(fb) and "T10-1(互评 1" in texts(fb)
    data = example_data()
    data["key_results"] = data["key_results"][:2]
    data["key_results"][1]["statement"] = "优化转人工流程"
    for section in ("tasks", "checkins", "cross_dept", "risks", "adjustments", "action_plan"):
        data[section] = [r for r in data[section] if r.get("key_result", r.get("relates_to")) in ("KR1.1", "KR1.2", None)]
    data["review"] = {"scores": [], "notes": []}
    fb = X.x5(Workbook.from_dict(data), review)
    assert "O1 有 2 个 KR" in texts(fb) and "KR1.2" in texts(fb) and not fb.passed


def test_core_imports_no_widgets() -> None:
    code = "import sys, okrlib.course.exercises; print('ipywidgets' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------------------------
# The participant versions
# --------------------------------------------------------------------------------------------


def test_participant_versions_are_in_sync() -> None:
    assert len(SOURCES) == 8
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_check_reports_a_stale_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "source").mkdir()
    shutil.copy(SOURCES[0], tmp_path / "source" / SOURCES[0].name)
    monkeypatch.setattr(make_exercises, "SOURCE", tmp_path / "source")
    monkeypatch.setattr(make_exercises, "TARGET", tmp_path)
    monkeypatch.setattr(make_exercises, "ROOT", tmp_path)
    assert make_exercises.main(["--check"]) == 1
    assert make_exercises.main([]) == 0
    assert make_exercises.main(["--check"]) == 0
    target = tmp_path / SOURCES[0].name
    target.write_text(target.read_text(encoding="utf-8").replace("作答", "做答"), encoding="utf-8")
    assert make_exercises.main(["--check"]) == 1


def _solution_fragments(nb: dict) -> list[str]:
    """Lines and string literals of a source's solutions, long enough to mean something."""
    import ast

    out = []
    for text in make_exercises.solutions(nb):
        for line in text.splitlines():
            line = line.strip().lstrip("#").strip()
            if len(re.sub(r"[\W_]", "", line)) >= 4:
                out.append(line)
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # Markdown
        # the answers' texts (field codes such as "owner" or option codes are part of the task, not of the answer)
        out += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                and len(n.value) >= 4 and re.search(r"[\u4e00-\u9fff]", n.value)]
    return out


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_participant_version_leaks_no_solution(source: Path) -> None:
    nb = json.loads(source.read_text(encoding="utf-8"))
    fragments = _solution_fragments(nb)
    assert fragments, "a source must carry its reference answers"
    participant = make_exercises.target_of(source).read_text(encoding="utf-8")
    text = "".join("".join(c["source"]) + "\n" for c in json.loads(participant)["cells"])
    assert make_exercises.BEGIN not in text and make_exercises.END not in text
    # words the task itself uses (the T15 change types named in X6's instructions) are not answers
    task = "".join("".join(c["source"]) for c in nb["cells"] if "solution" not in (c["metadata"].get("tags") or [])
                   and make_exercises.BEGIN not in "".join(c["source"]))
    fragments = [f for f in fragments if f not in task]
    leaked = [f for f in fragments if f in text or json.dumps(f, ensure_ascii=False)[1:-1] in participant]
    assert not leaked
    assert make_exercises.PLACEHOLDER in text
    for name in make_exercises.assigned_names("\n".join(t for t in make_exercises.solutions(nb) if "=" in t and not t.lstrip().startswith("**"))):
        assert f"{name} = None" in text
    cells = json.loads(participant)["cells"]
    assert not any({"solution", "instructor"} & set(c["metadata"].get("tags") or []) for c in cells)
    assert "instructor_notes" not in text and "role" not in text
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_notebook_layout(source: Path) -> None:
    """Title "# 实战 X…", no parameters to edit, an answer cell, a feedback call."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert "".join(cells[0]["source"]).startswith(f"# 实战 X{int(source.stem[1:3])} ")
    code = [c for c in cells if c["cell_type"] == "code"]
    for c in code:  # the plan is the workspace's; nothing to edit but the answers
        assert "parameters" not in (c["metadata"].get("tags") or [])
        assert not re.search(r"^\s*(plan_path|role|today|min_reviewers) =", "".join(c["source"]), re.M)
    assert any(make_exercises.BEGIN in "".join(c["source"]) for c in code)
    assert any(f"exercises.x{int(source.stem[1:3])}(" in "".join(c["source"]) for c in code)
    assert any("solution" in (c["metadata"].get("tags") or []) for c in cells if c["cell_type"] == "markdown")
    for c in code:
        assert not re.search(r"^\s*(def|class|for|while) ", "".join(c["source"]), re.M)  # no helper code in notebooks
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_generator_refuses_unpaired_markers() -> None:
    with pytest.raises(make_exercises.SolutionError):
        make_exercises.strip_code("### BEGIN SOLUTION\nx = 1\n")
    with pytest.raises(make_exercises.SolutionError):
        make_exercises.strip_code("x = 1\n### END SOLUTION\n")
    assert make_exercises.strip_code("a = 1\n    ### BEGIN SOLUTION\n    x, y = 1, 2\n    z: int = 3\n    ### END SOLUTION\nb = 2") == \
        "a = 1\n    # 在这里作答 / your answer here\n    x = None\n    y = None\n    z = None\nb = 2"


# --------------------------------------------------------------------------------------------
# Headless runs: every source (answers in place) and every participant version (answers None)
# --------------------------------------------------------------------------------------------

RUNS = [(ex, kind) for ex in IDS for kind in ("source", "participant")]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Any]:
    """Run all sixteen notebooks in one kernel, each on its own copy of the plan; per notebook its
    executed copy, or the exception it raised."""
    import nbformat
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node

    results: dict[tuple[str, str], Any] = {}
    reset = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%reset -f")])
    client = NotebookClient(reset, kernel_name="python3", timeout=180, resources={"metadata": {"path": str(ROOT)}})
    with client.setup_kernel():
        for ex, kind in RUNS:
            folder = tmp_path_factory.mktemp(f"{ex}-{kind}")
            source = next(p for p in SOURCES if p.stem.startswith(ex))
            path = source if kind == "source" else make_exercises.target_of(source)
            settings = {"OKRLIB_PLAN": str(start_plan(ex, folder)), "OKRLIB_TODAY": str(TODAY)}
            nb = load_notebook_node(str(path))
            chdir = nbformat.v4.new_code_cell(f"%reset -f\nimport os\nos.chdir({str(folder)!r})\nos.environ.update({settings!r})")
            client.nb = nbformat.v4.new_notebook(cells=[chdir])
            client.execute_cell(chdir, 0)
            client.nb = nb
            try:
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type == "code":
                        client.execute_cell(cell, index)
                results[(ex, kind)] = (nb, folder)
            except Exception as exc:  # reported by the test of this notebook
                results[(ex, kind)] = exc
    return results


def _feedback(nb: Any) -> list[str]:
    pages = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            page = out.get("data", {}).get("text/html", "")
            if "okr-feedback" in page:
                pages.append(page)
    return pages


def _ran(executed: dict, ex: str, version: str) -> tuple:
    """(notebook, folder) of one executed version; a run that raised fails the test, saying so."""
    result = executed[(ex, version)]
    if isinstance(result, Exception):
        pytest.fail(f"{ex} {version} version raised: {result}")
    return result


@pytest.mark.parametrize("ex", IDS)
def test_source_runs_and_passes(ex: str, executed: dict) -> None:
    nb, folder = _ran(executed, ex, "source")
    pages = _feedback(nb)
    assert pages, "the feedback cell shows a Feedback"
    assert all("data-passed='true'" in p for p in pages), pages
    if ex == "x05":
        assert X.PeerReview(folder / "plan.yaml").reviewers == ["李雷", "韩梅"]


@pytest.mark.parametrize("ex", IDS)
def test_participant_version_runs_and_says_what_is_missing(ex: str, executed: dict) -> None:
    nb, _ = _ran(executed, ex, "participant")
    pages = _feedback(nb)
    assert pages and all("data-passed='false'" in p for p in pages)
    assert any("✗" in p for p in pages)


def test_a_bad_peer_score_is_feedback_not_a_traceback(tmp_path: Path) -> None:
    """X5's notebook runs on to its feedback: the bad entry is named there, the good ones are kept."""
    from okrlib.views import widgets

    plan = widgets.open_plan(tmp_path / "plan.yaml")
    review = X.peer_review(plan, {"李雷": {"T10-1": 5, "T10-2": 1}, "韩梅": {"T10-1": 2}})
    assert review.reviewers == ["韩梅"]
    fb = X.x5(plan, review)
    assert not fb.passed and any("李雷" in i.zh and "T10-1" in i.zh and "只能是 0" in i.zh for i in fb.missing)
    for bad in ([1, 2], "李雷 2 分", {"李雷": 2}):
        review = X.peer_review(plan, bad)
        assert review.problems and all(any("\u4e00" <= ch <= "\u9fff" for ch in zh) for zh, _ in review.problems)
        assert not X.x5(plan, review).passed

