"""The read-only dashboards instructors project and classes browse (served by Voilà).

Each is a widget built here from okrlib's core and charts, so a dashboard notebook in
``dashboards/`` is one line (``dashboards.case_explorer()``) and its behaviour is tested like the
rest of okrlib. Nothing here writes a file: dashboards only read cases and plans.

* ``case_explorer(role)``: pick a case; its story, the alignment chart, the checklist findings,
  progress and risk charts (and the instructor's analysis in the instructor role);
* ``team_plan(folder)``: pick a plan file from a folder; the traced chain, scores, confidence
  trend, risks and the action plan;
* ``okr_clinic()``: paste KR sentences, one a line; each one's analysis and a rewrite hint.

All text from cases and plans is escaped before it is shown.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, Union

import ipywidgets as W

from okrlib.views.widgets import _STYLE, analysis_html, checklist_html, esc, show_in
from okrlib.words import numbers, text

__all__ = ["case_explorer", "team_plan", "okr_clinic", "plans_folder", "CaseExplorer", "TeamPlan", "OkrClinic"]


def _show(out: W.Output, *objects: Any) -> None:
    show_in(out, *objects)


class _Tabs:
    """Tabs whose content is made when first shown: a chart is drawn when its tab is opened.

    Why: a figure set into an output area while the page's notebook is first run reaches the
    browser as widget state, which plotly's renderer handles with a console error; drawn in
    answer to the click that opens its tab, it arrives as ordinary output (okrlib.views.widgets.show_in).
    """

    def __init__(self, titles: list[str]) -> None:
        self.outputs = [W.Output() for _ in titles]
        self.tab = W.Tab(children=self.outputs)
        for i, title in enumerate(titles):
            self.tab.set_title(i, title)
        self._make: dict[int, Any] = {}
        self.tab.observe(lambda c: self._render(c["new"]), names="selected_index")

    def set(self, index: int, make: Any) -> None:
        """``make()`` gives the tab's objects; called now if the tab is open, else when it is opened."""
        self._make[index] = make
        if self.tab.selected_index == index:
            self._render(index)
        else:
            show_in(self.outputs[index])

    def _render(self, index: Optional[int]) -> None:
        make = self._make.pop(index, None) if index is not None else None
        if make is not None:
            show_in(self.outputs[index], *make())


def _html(text: str) -> Any:
    from IPython.display import HTML

    return HTML(_STYLE + text)


def _frame_html(df: Any, empty: str = "") -> str:
    """A table for people, as every table of the course reads (``present.table_html``: headers and
    codes in words, numbers through the one formatter); ``empty`` (or 无) when it has no rows."""
    if df is None or len(df) == 0:
        return f"<p class='okr-help'>{esc(empty or text.say('ui.dashboards.none'))}</p>"
    from okrlib.views import present

    return present.table_html(df, max_rows=len(df))


def _table(rows: list[dict[str, Any]], columns: str) -> Any:
    """Rows keyed by column codes as a DataFrame headed by the words at ``columns``."""
    import pandas as pd

    head = text.names(columns)
    return pd.DataFrame([{head[k]: row[k] for k in head} for row in rows], columns=list(head.values()))


class CaseExplorer:
    """Pick a case and see it whole."""

    def __init__(self, role: str = "participant") -> None:
        from okrlib.course import cases

        self.role = role
        infos = cases.list()
        self.chooser = W.Dropdown(options=[(f"{c.id} {c.title}", c.id) for c in infos], value=infos[0].id,
                                  layout=W.Layout(width="48em"))
        tabs = text.names("ui.dashboards.case_tabs")
        titles = [tabs["story"], tabs["alignment"], tabs["checks"]] + ([tabs["instructor"]] if role == "instructor" else [])
        self.tabs = _Tabs(titles)
        tabs = self.tabs.tab
        self.chooser.observe(lambda c: self.show(c["new"]), names="value")
        self.widget = W.VBox([W.HTML(_STYLE), self.chooser, tabs])
        self.show(self.chooser.value)

    def show(self, case_id: str) -> None:
        from okrlib.course import cases
        from okrlib.views import charts, present

        case = cases.load(case_id)
        report = case.check()
        self.case, self.report = case, report
        wb = case.workbook
        self.tabs.set(0, lambda: (present.story_markdown(case),))
        self.tabs.set(1, lambda: (charts.alignment_tree(wb, report),
                                  charts.progress(wb, case.as_of) if wb.checkins else None,
                                  charts.risk_matrix(wb) if wb.risks else None))
        self.tabs.set(2, lambda: (_html(checklist_html(report)),))
        if self.role == "instructor":
            self.tabs.set(3, lambda: (present.instructor_markdown(case, "instructor"),))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def plans_folder() -> Path:
    """Where the team-plan dashboard looks for plans: ``$OKRLIB_PLANS``, else docs/examples/."""
    env = os.environ.get("OKRLIB_PLANS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "docs" / "examples"


class TeamPlan:
    """Pick a plan file from a folder and see where the team stands."""

    def __init__(self, folder: Optional[Union[str, Path]] = None) -> None:
        self.folder = Path(folder) if folder else plans_folder()
        self.chooser = W.Dropdown(layout=W.Layout(width="36em"))
        self.reload = W.Button(description=text.say("ui.dashboards.reload"), icon="refresh")
        self.reload.on_click(lambda _: self.refresh_files())
        self.head = W.HTML()
        self.tabs = _Tabs(list(text.names("ui.dashboards.plan_tabs").values()))
        tabs = self.tabs.tab
        self.chooser.observe(lambda c: self.show(c["new"]), names="value")
        self.widget = W.VBox([W.HTML(_STYLE), W.HBox([self.chooser, self.reload]), self.head, tabs])
        self.refresh_files()

    def files(self) -> list[Path]:
        return sorted(p for p in self.folder.glob("*.yaml") if p.is_file()) if self.folder.is_dir() else []

    def refresh_files(self) -> None:
        files = self.files()
        self.chooser.options = [(p.name, str(p)) for p in files]
        if not files:
            self.head.value = f"<p class='okr-bad'>{esc(text.say('ui.dashboards.no_plans', folder=str(self.folder)))}</p>"
        elif self.chooser.value is None:
            self.chooser.value = str(files[0])

    def show(self, path: Optional[str]) -> None:
        from okrlib.method.checks import check
        from okrlib.words.problems import WorkbookError
        from okrlib.storage import yaml_file
        from okrlib.views import charts
        from okrlib.method import scoring

        if not path:
            return
        try:
            wb = yaml_file.load(path)
        except WorkbookError as exc:
            items = "".join(f"<li>{esc(p)}</li>" for p in exc.problems)
            unreadable = text.say("ui.dashboards.unreadable", file=Path(path).name)
            self.head.value = _STYLE + f"<p class='okr-bad'>{esc(unreadable)}</p><ul>{items}</ul>"
            for i in range(len(self.tabs.outputs)):
                self.tabs.set(i, lambda: ())
            return
        self.workbook = wb
        report = check(wb)
        meta = wb.meta
        self.head.value = _STYLE + (f"<h3>{esc(meta.team)} · {esc(meta.product)}</h3>"
                                    f"<div class='okr-help'>{esc(meta.company)} · "
                                    f"{esc(text.say('ui.dashboards.score', score=report.score))}</div>")
        items = []
        for trace in wb.traces().values():
            steps = " → ".join(f"<b>{esc(s.id)}</b> {esc(s.statement)}" for s in trace.steps)
            broken = "" if trace.complete else f" <span class='okr-bad'>{esc(text.say('ui.dashboards.broken'))}</span>"
            items.append(f"<li>{steps}{broken}</li>")
        no_krs = text.say("ui.dashboards.no_krs")
        self.tabs.set(0, lambda: (_html(f"<ul>{''.join(items)}</ul>" if items else f"<p>{esc(no_krs)}</p>"),))
        self.tabs.set(1, lambda: (charts.alignment_tree(wb, report),))
        self.tabs.set(2, lambda: (_html(_frame_html(scoring.scores_frame(wb), no_krs)),
                                  charts.confidence_trend(wb) if wb.checkins else None))
        risk_rows = [{"id": r.id, "description": r.description, "likelihood": r.likelihood, "impact": r.impact,
                      "score": r.likelihood * r.impact, "response": r.response, "owner": r.owner} for r in wb.risks]
        risks = _table(risk_rows, "ui.dashboards.risk_columns")
        self.tabs.set(3, lambda: (_html(_frame_html(risks, text.say("ui.dashboards.no_risks"))),
                                  charts.risk_matrix(wb) if wb.risks else None))
        action_rows = [{"id": a.id, "action": a.action, "owner": a.owner, "due": numbers.date(a.due),
                        "success_measure": a.success_measure, "done": text.yes_no(a.done)} for a in wb.action_plan]
        actions = _table(action_rows, "ui.dashboards.action_columns")
        self.tabs.set(4, lambda: (_html(_frame_html(actions, text.say("ui.dashboards.no_actions"))),))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


class OkrClinic:
    """Paste KR sentences, one a line: each is analysed, with a rewrite hint where it needs one."""

    EXAMPLE = text.say("ui.dashboards.clinic_example")  # the sentences the clinic opens with

    def __init__(self, sentences: str = "") -> None:
        placeholder = "{} / {}".format(*text.both("ui.dashboards.clinic_placeholder"))
        self.input = W.Textarea(value=sentences or self.EXAMPLE, layout=W.Layout(width="48em", height="9em"),
                                placeholder=placeholder)
        self.button = W.Button(description=text.say("ui.dashboards.analyse"), button_style="primary", icon="stethoscope")
        self.button.on_click(lambda _: self.analyse())
        self.out = W.HTML()
        self.widget = W.VBox([W.HTML(_STYLE), self.input, self.button, self.out])
        self.analyse()

    def analyse(self) -> None:
        lines = [line.strip() for line in self.input.value.splitlines() if line.strip()]
        blocks = [f"<div class='okr-clinic-item'><h4>{i}. {esc(line)}</h4>{analysis_html(line)}</div>" for i, line in enumerate(lines, 1)]
        empty = f"<p class='okr-help'>{esc(text.say('ui.dashboards.clinic_empty'))}</p>"
        self.out.value = _STYLE + ("".join(blocks) if blocks else empty)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def case_explorer(role: Optional[str] = None) -> CaseExplorer:
    """``role``: "participant" or "instructor"; default ``$OKRLIB_ROLE``, else participant."""
    return CaseExplorer(role or os.environ.get("OKRLIB_ROLE", "participant"))


def team_plan(folder: Optional[Union[str, Path]] = None) -> TeamPlan:
    return TeamPlan(folder)


def okr_clinic(sentences: str = "") -> OkrClinic:
    return OkrClinic(sentences)
