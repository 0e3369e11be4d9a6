"""The forms, without a browser: what a participant types, sees and keeps."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import ipywidgets as W
import pytest

import okrlib
from okrlib.views import widgets
from okrlib.views.widgets import SectionForm, analysis_html, checklist_html

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "plan.yaml"


@pytest.fixture
def plan_path(tmp_path) -> Path:
    path = tmp_path / "plan.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def test_a_form_opens_with_what_was_saved(plan_path):
    form = SectionForm(plan_path, "key_results")
    saved = okrlib.load(plan_path).key_results[0]
    assert form.current == saved.id and form.values()["statement"] == saved.statement
    assert form.values()["target"] == "75"


def test_bad_input_is_explained_under_its_field_kept_and_the_file_untouched(plan_path):
    form = SectionForm(plan_path, "key_results")
    form.new()
    form.fill({"statement": "付费客户数从 300 提升至 450", "target": "约三百万", "due": "2027-02-30"})
    before = plan_path.read_bytes()
    assert form.submit() is False
    assert plan_path.read_bytes() == before
    assert "应为一个数字" in form.errors["target"].value and "2027-03-31" in form.errors["due"].value
    assert form.errors["statement"].value == ""
    assert "文件没有改动" in form.status.value
    assert form.values()["target"] == "约三百万" and form.values()["due"] == "2027-02-30"  # nothing lost


def test_good_input_is_saved_at_once_and_survives_a_restart(plan_path):
    form = SectionForm(plan_path, "key_results")
    form.new()
    new_id = form.values()["id"]
    form.fill({"statement": "付费客户数从 300 提升至 450", "target": "450", "baseline": "300", "due": "2027-03-31"})
    assert form.submit() is True and "已保存" in form.status.value
    assert okrlib.load(plan_path).get(new_id).target == 450
    reopened = SectionForm(plan_path, "key_results")  # a new kernel: a new form on the same file
    reopened.show(new_id)
    assert reopened.values()["statement"] == "付费客户数从 300 提升至 450"


def test_a_row_added_in_one_form_appears_in_the_next_form_s_choices(plan_path):
    plan = widgets.open_plan(plan_path)
    objectives = SectionForm(plan, "objectives")
    krs = SectionForm(plan, "key_results")
    objectives.new()
    objectives.fill({"id": "O2", "statement": "让中型客户离不开知识库", "derived_from": "PG1"})
    assert objectives.submit()
    assert "O2" in {v for _, v in krs.inputs["objective"].options}


def test_delete_asks_once_more_and_refuses_a_linked_row(plan_path):
    form = SectionForm(plan_path, "objectives")
    assert form.delete() is False and "再点一次" in form.status.value
    assert form.delete() is False and "引用" in form.status.value
    assert okrlib.load(plan_path).get("O1")


def test_labels_are_shown_whole_not_in_the_cut_description(plan_path):
    form = SectionForm(plan_path, "company_goals")
    labels = [row.children[0].children[0] for row in form.widget.children if isinstance(row, W.VBox) and row.children
              and isinstance(row.children[0], W.HBox)]
    texts = " ".join(label.value for label in labels if isinstance(label, W.HTML))
    assert "产品关联度(1-5)" in texts and "核心驱动因素" in texts
    assert all(getattr(w, "description", "") == "" for w in form.inputs.values())


def _tree(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _tree(child)


def test_a_form_sends_each_look_once(plan_path):
    """Every widget model is a message and a model the browser builds: identical layouts and
    styles in a form are one shared model (a 10-field form sent ~170 models, now about half)."""
    form = SectionForm(plan_path, "key_results")
    seen: dict = {}
    for w in _tree(form.widget):
        for part in ("layout", "style"):
            model = getattr(w, part, None)
            if model is None:
                continue
            state = {k: v for k, v in model.get_state().items() if not k.startswith("_")}
            key = (type(model).__name__, repr(sorted(state.items())))
            assert seen.setdefault(key, model.model_id) == model.model_id, f"{key[0]} {state} sent twice"
    models = {m.model_id for w in _tree(form.widget) for m in (w, getattr(w, "layout", None), getattr(w, "style", None)) if m is not None}
    assert len(models) < 8 * len(form.inputs)


@pytest.mark.parametrize("tool_id, says", [("T05", "T05"), ("T10", "T10"), ("T13", "T13"), ("T09", "T09")])
def test_a_tool_displays_as_its_widget_and_names_itself_in_text(plan_path, monkeypatch, tool_id, says):
    shown = widgets.tool(tool_id, plan_path)

    def tree_repr(self):  # ipywidgets' own fallback walks the whole tree: ~0.1 s a form
        raise AssertionError("the widget tree was repr()-ed to display a tool")

    monkeypatch.setattr(W.Widget, "__repr__", tree_repr)
    bundle = shown._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"] == {
        "version_major": 2, "version_minor": 0, "model_id": shown.widget.model_id}
    text = bundle["text/plain"]
    assert text.startswith("[okrlib] ") and says in text and len(text) < 60


def test_the_plan_basics_form(plan_path):
    form = widgets.tool("plan", plan_path).form
    form.fill({"team": "新的团队名"})
    assert form.submit()
    assert okrlib.load(plan_path).meta.team == "新的团队名"


def test_samples_go_through_the_submit_path(plan_path):
    tool = widgets.tool("T12", plan_path, samples=[{"id": "X9", "department": "法务部", "need": "合同模板审核", "agreed": True}])
    assert okrlib.load(plan_path).get("X9").department == "法务部"
    assert "已保存" in tool.form.status.value


def test_live_kr_analysis_as_the_participant_types(plan_path):
    editor = widgets.OkrEditor(plan_path)
    editor.key_results.new()
    editor.key_results.inputs["statement"].value = "优化推送功能"
    assert "是活动" in editor.analysis.value and "推送打开率" in editor.analysis.value
    editor.key_results.inputs["statement"].value = "推送打开率从 3% 提升至 5%"
    assert "可量化" in editor.analysis.value and "3 → 5" in editor.analysis.value
    editor.fill_from_analysis()
    assert editor.key_results.values()["baseline"] == "3" and editor.key_results.values()["target"] == "5"


def test_the_checklist_follows_the_plan_and_is_coloured(plan_path):
    plan = widgets.open_plan(plan_path)
    view = widgets.ChecklistView(plan)
    assert "okr-warn" in view.out.value and "T10-1" in view.out.value
    form = SectionForm(plan, "key_results")
    form.show("KR1.1")
    form.fill({"due": ""})
    assert form.submit()
    assert "okr-fail" in view.out.value  # KR1.1 lost its date: T10-7 fails


def test_text_from_a_plan_is_shown_as_text_never_run(plan_path):
    form = SectionForm(plan_path, "key_results")
    form.new()
    form.fill({"statement": "<script>alert(1)</script>付费客户数从 300 提升至 450", "target": "450"})
    assert form.submit()
    html = checklist_html(widgets.ChecklistView(plan_path).report) + analysis_html("<img src=x onerror=alert(1)>上线功能")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img" in analysis_html("<img src=x onerror=alert(1)>上线功能")


def test_every_tool_of_the_course_builds(plan_path):
    for tool_id, spec in widgets.tools().items():
        built = widgets.tool(tool_id, plan_path if spec["kind"] != "reference" else None)
        assert isinstance(built.widget, W.Widget), tool_id


def test_a_reference_library_filters_and_searches():
    browser = widgets.ReferenceBrowser("T09")
    all_rows = len(browser.rows())
    browser.filters["product_type"].value = "to_b"
    assert 0 < len(browser.rows()) < all_rows
    browser.search.value = "续约"
    assert all("续约" in " ".join(map(str, r)) for r in browser.rows().itertuples())
    assert "<table" in browser.out.value


def test_a_yes_no_field_reads_chinese_no_as_no(plan_path):
    form = SectionForm(plan_path, "cross_dept")
    form.new()
    form.fill({"department": "法务部", "need": "合同审核", "agreed": "否"})
    assert form.values()["agreed"] is False
    form.fill({"agreed": "是"})
    assert form.values()["agreed"] is True


def test_the_first_kr_under_an_objective_is_numbered_under_it(tmp_path):
    """A KR form opened before any objective exists proposes an id; once the participant saves O1
    the proposal follows it: the first KR is KR1.1, as every later one (KR1.2 ...), never KR1."""
    plan = widgets.open_plan(tmp_path / "plan.yaml")
    objectives = SectionForm(plan, "objectives")
    krs = SectionForm(plan, "key_results")
    objectives.fill({"statement": "让中小企业愿意续费", "kind": "committed"})
    assert objectives.submit(), objectives.status.value
    assert krs.values()["objective"] == "O1" and krs.values()["id"] == "KR1.1"
    krs.fill({"statement": "续约率从 80% 提升至 90%"})
    assert krs.submit(), krs.status.value
    krs.new()
    assert krs.values()["id"] == "KR1.2"
    krs.fill({"id": "KR-自定"})  # an id the participant chose is kept when the objective changes
    objectives.new()
    objectives.fill({"statement": "让新客户更快上手", "kind": "committed"})
    assert objectives.submit()
    krs.inputs["objective"].value = "O2"
    assert krs.values()["id"] == "KR-自定"


def test_scoring_one_kr_after_another_keeps_every_score(plan_path):
    """T16 as the course asks: pick a KR, score it, save; pick the next, score it, save. Each KR
    keeps its own score; the first is never overwritten by the second."""
    review = widgets.ReviewForm(plan_path, fields=["key_result", "score", "comment"])
    before = {s.key_result: s.score for s in okrlib.load(plan_path).review.scores}
    for kr, score in (("KR1.2", "0.4"), ("KR1.3", "0.6"), ("KR1.1", "0.9")):
        review.form.inputs["key_result"].value = kr
        review.form.fill({"score": score})
        assert review.form.submit(), review.form.status.value
    saved = {s.key_result: s.score for s in okrlib.load(plan_path).review.scores}
    assert saved == {**before, "KR1.2": 0.4, "KR1.3": 0.6, "KR1.1": 0.9}
    review.form.inputs["key_result"].value = "KR1.2"  # back to the first: its own score shows
    assert review.form.values()["score"] == "0.4"


def test_the_review_form_shows_the_chosen_kr_s_own_score(plan_path):
    review = widgets.ReviewForm(plan_path, fields=["key_result", "score", "comment"])
    review.form.new()
    review.form.fill({"key_result": "KR1.3", "score": "0.6", "comment": "达成六成"})
    assert review.form.submit()
    review.form.new()
    review.form.inputs["key_result"].value = "KR1.2"  # not scored yet: nothing left over from KR1.3
    assert review.form.values()["comment"] == "" and review.form.values()["score"] == ""
    review.form.inputs["key_result"].value = "KR1.1"  # scored in the example plan
    assert review.form.values()["comment"] == "解决率达到 69%" and review.form.values()["score"] == "0.7"


# ---- a save says what the checker finds, under the fields it is about ------------------------


def _shown(form) -> dict:
    """field -> what is shown under it (the fields with something)."""
    return {name: box.value for name, box in form.errors.items() if box.value}


def test_a_vague_product_goal_is_saved_as_a_draft_with_its_problems_under_its_fields(plan_path):
    """T08: "做好用户增长" with no metric, baseline, target or deadline is kept (nothing typed is
    lost) but is a draft, never a plain ✓; each problem says what, why and how under its field."""
    t08 = widgets.tool("T08", plan_path)
    form = t08.form
    form.new()
    new_id = form.values()["id"]
    form.fill({"statement": "做好用户增长"})
    assert form.submit() is True
    saved = okrlib.load(plan_path).get(new_id)
    assert saved.statement == "做好用户增长"  # saved: nothing typed is lost
    status = form.status.value
    assert "已保存为草稿" in status and "✓" not in status
    n = len(form.row_problems()[new_id])
    assert f"{n} 处需改进" in status and n >= 2
    shown = _shown(form)
    assert "没有写指标" in shown["metric"] and "没有目标值" in shown["target"]
    assert "为什么" in shown["metric"] and "怎么改" in shown["metric"] and "必改" in shown["target"]
    assert "statement" not in shown and "role" not in shown
    # the draft shows when the form shows that row again, in a new kernel too
    again = widgets.tool("T08", plan_path).form
    label = next(lbl for lbl, key in again.chooser.options if key == new_id)
    assert "草稿" in label
    assert "草稿" not in next(lbl for lbl, key in again.chooser.options if key == "PG1")
    again.show(new_id)
    assert "草稿" in again.status.value and "没有目标值" in again.errors["target"].value


def test_a_smart_product_goal_is_saved_with_no_problem(plan_path):
    form = widgets.tool("T08", plan_path).form
    form.new()
    form.fill({"statement": "付费客户数从 1202 家提升至 1800 家", "metric": "付费客户数", "baseline": "1202",
               "target": "1800", "unit": "家", "deadline": "2027-12-31", "derived_from": "CG2", "role": "revenue_core"})
    assert form.submit() is True
    assert "✓ 已保存" in form.status.value and "需改进" not in form.status.value
    assert _shown(form) == {} and form.notes.value == ""
    assert all("草稿" not in lbl for lbl, _ in form.chooser.options)


def test_fixing_a_draft_clears_its_mark(plan_path):
    form = SectionForm(plan_path, "product_goals")
    form.new()
    form.fill({"statement": "做好用户增长"})
    assert form.submit() and "草稿" in form.status.value
    form.fill({"metric": "月活跃用户", "target": "400万"})
    assert form.submit()
    assert "草稿" not in form.status.value and "已保存" in form.status.value  # baseline and deadline: to improve
    assert all("草稿" not in lbl for lbl, _ in form.chooser.options)


def test_an_activity_kr_is_saved_with_its_problems_in_one_status_line(plan_path):
    """M5 (T10): an activity KR with a target is saved, and the status says so together with what
    to improve; the activity problem is under the KR's statement, not only in a side panel."""
    t10 = widgets.tool("T10", plan_path)
    krs = t10.form.key_results
    krs.new()
    new_id = krs.values()["id"]
    krs.fill({"statement": "上线智能质检功能", "target": "1", "due": "2027-03-31", "owner": "李雷"})
    assert krs.submit() is True
    n = len(krs.row_problems()[new_id])
    assert re.search(rf"已保存 · {n} 处需改进", krs.status.value) and "草稿" not in krs.status.value
    assert "是一项活动" in krs.errors["statement"].value and "怎么改" in krs.errors["statement"].value
    assert "还没有拆解为任务" in krs.notes.value  # about the row as a whole: under the status line


def test_a_kr_with_no_measurable_result_is_a_draft(plan_path):
    krs = widgets.tool("T10", plan_path).form.key_results
    krs.new()
    new_id = krs.values()["id"]
    krs.fill({"statement": "优化推送功能", "due": "2027-03-31", "owner": "李雷"})
    assert krs.submit() is True
    assert "已保存为草稿" in krs.status.value
    assert "无法量化" in krs.errors["target"].value
    assert okrlib.load(plan_path).get(new_id).statement == "优化推送功能"
    assert "草稿" in next(lbl for lbl, key in krs.chooser.options if key == new_id)


def test_a_duplicate_score_names_the_kr_in_chinese_never_a_path(plan_path):
    review = widgets.tool("T16", plan_path).form
    form = review.form
    form.new()
    form.fill({"key_result": "KR1.1", "score": "0.5"})
    form.current = None  # a second entry for a KR already scored (KR1.1 has 0.7 in the example)
    assert form.submit() is False
    said = " ".join([form.status.value, *(_shown(form).values())])
    assert "KR1.1 已经打过分" in said
    assert "review.scores[" not in said and "key_result" not in said
    assert {s.key_result: s.score for s in okrlib.load(plan_path).review.scores}["KR1.1"] == 0.7


@pytest.mark.parametrize("typed", ["2027-02-30", ""])
def test_a_bad_date_in_t15_is_told_under_the_date_field(plan_path, typed):
    form = widgets.tool("T15", plan_path).form
    form.new()
    form.fill({"date": typed, "relates_to": "KR1.1", "change": "目标值 75% 改为 70%", "reason": "算法组人力被抽调"})
    before = plan_path.read_bytes()
    assert form.submit() is False and plan_path.read_bytes() == before
    assert "日期" in form.errors["date"].value
    assert "有 1 处需要修改" in form.status.value and "<br>" not in form.status.value  # nothing left only in the status
    assert "缺少必填项" not in form.status.value


def test_the_unit_hint_is_shown_only_where_the_form_has_a_unit(plan_path):
    t08 = widgets.tool("T08", plan_path).form  # target and roi.investment: each has its unit field
    t08.new()
    t08.fill({"statement": "付费客户数提升", "target": "很多", "roi.investment": "不少"})
    assert t08.submit() is False
    assert "单位请填在“单位”一栏" in t08.errors["target"].value
    assert "单位请填在“投入回报单位”一栏" in t08.errors["roi.investment"].value
    t14 = widgets.tool("T14", plan_path).form  # a check-in's value has no unit field
    t14.new()
    t14.fill({"date": "2027-02-01", "value": "很多"})
    assert t14.submit() is False
    assert "应为一个数字" in t14.errors["value"].value and "单位" not in t14.errors["value"].value
    t05 = widgets.tool("T05", plan_path).form
    t05.new()
    t05.fill({"description": "竞品降价", "impact": "很大"})
    assert t05.submit() is False
    assert "单位" not in t05.errors["impact"].value


def test_the_charts_and_table_below_a_form_are_redrawn_in_place_after_a_save(plan_path):
    """M4: the canvas and the table under T08 start from the plan and follow each save; there is
    one output area, right below the form, and no stale copy anywhere."""
    t08 = widgets.tool("T08", plan_path)
    outputs = [w for w in _tree(t08.widget) if isinstance(w, W.Output)]
    assert len(outputs) == 1
    panel = t08.parts[1]
    assert t08.widget.children.index(panel.widget) == t08.widget.children.index(t08.form.widget) + 1
    assert len(panel.widget.outputs) == 2  # the canvas and the table
    table_before = panel.widget.outputs[1]["data"]["text/html"]
    assert "PG1" in table_before and "做好用户增长" not in table_before
    t08.form.new()
    t08.form.fill({"statement": "做好用户增长"})
    assert t08.form.submit()
    assert [w for w in _tree(t08.widget) if isinstance(w, W.Output)] == outputs  # redrawn in place
    assert len(panel.widget.outputs) == 2
    assert "做好用户增长" in panel.widget.outputs[1]["data"]["text/html"]
    canvas = " ".join(a.hovertext or "" for a in panel.figure.layout.annotations)
    assert "做好用户增长" in canvas


def test_the_charts_below_t14_start_from_the_plan_and_follow_each_check_in(plan_path):
    t14 = widgets.tool("T14", plan_path)
    panel = t14.parts[-1]
    assert [f.layout.title.text.split(" · ")[0] for f in panel.figures] == ["信心指数趋势", "KR 进度与预期"]

    def lines():
        return {t.meta["key_result"] for t in panel.figures[0].data if t.meta and "key_result" in t.meta}

    assert lines() == {"KR1.1"}  # the example's check-ins, drawn when the tool is built
    t14.form.new()
    t14.form.fill({"key_result": "KR1.3", "date": "2027-02-01", "value": "82", "confidence": "6"})
    assert t14.form.submit()
    assert lines() == {"KR1.1", "KR1.3"} and len(panel.widget.outputs) == 2


@pytest.mark.browser  # the export draws the PNGs with Chromium
def test_the_export_panel_warns_after_a_later_save_and_exports_again(plan_path, tmp_path):
    """Run All exports before the participant fills T19: the panel says the files no longer hold
    the plan as soon as a form saves, and one click brings them up to date."""
    plan = widgets.open_plan(plan_path)
    panel = widgets.export_panel(plan, tmp_path / "out")
    assert (tmp_path / "out" / "plan.html").exists()
    assert "一致" in panel.status.value and "改过" not in panel.status.value
    form = widgets.tool("T19", plan).form
    form.fill({"id": "AP9", "action": "与客服部对齐解决率口径", "owner": "王敏", "due": "2027-04-20",
               "success_measure": "口径文档双方签字"})
    form.submit()
    assert "AP9" in {a.id for a in okrlib.load(plan_path).action_plan}
    assert "改过" in panel.status.value
    panel.button.click()
    assert "一致" in panel.status.value
    assert "与客服部对齐解决率口径" in (tmp_path / "out" / "plan.html").read_text(encoding="utf-8")


def test_picking_an_unscored_kr_starts_a_clean_entry(plan_path):
    """After saving one KR's score, picking a KR with no score yet shows no score, no comment and
    no "已保存" that belonged to the KR before."""
    review = widgets.ReviewForm(plan_path, fields=["key_result", "score", "comment"])
    unscored = [kr.id for kr in okrlib.load(plan_path).key_results
                if kr.id not in {s.key_result for s in okrlib.load(plan_path).review.scores}]
    scored_now, then = unscored[0], unscored[1]
    review.form.inputs["key_result"].value = scored_now
    review.form.fill({"score": "0.6", "comment": "达成六成"})
    assert review.form.submit() and "已保存" in review.form.status.value
    review.form.inputs["key_result"].value = then
    assert review.form.values()["score"] == "" and review.form.values()["comment"] == ""
    assert "已保存" not in review.form.status.value


def test_a_new_kr_s_direction_follows_its_sentence_until_picked(plan_path):
    """"缩短至 60 秒" is a decrease: saved as 提升, the checker would call the KR hardly a stretch."""
    editor = widgets.OkrEditor(plan_path)
    form = editor.key_results
    form.new()
    form.inputs["statement"].value = "平均等待时长从 120 秒缩短至 60 秒"
    assert form.inputs["direction"].value == "down"
    form.inputs["direction"].value = "maintain"  # the participant's own choice stays
    form.inputs["statement"].value = "平均等待时长从 120 秒缩短至 50 秒"
    assert form.inputs["direction"].value == "maintain"
