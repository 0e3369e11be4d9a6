"""Readers of the dashboards see Chinese words only: every tab of the case explorer (each case,
instructor role included) and of the team-plan page (each example plan), and the OKR clinic, are
made in this process and every table they show is scanned as the notebooks' are
(testkit/surfaces.py: no column names, codes, Python values, long floats or developer words)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from markdown_it import MarkdownIt

from okrlib.course import cases
from okrlib.views import dashboards
from testkit import course_day, surfaces


def _html_of(objects: Any) -> Iterator[str]:
    for obj in objects or ():
        if obj is None:
            continue
        if hasattr(obj, "_repr_html_") and not hasattr(obj, "to_plotly_json"):
            yield obj._repr_html_() or ""
        elif hasattr(obj, "_repr_markdown_"):
            yield MarkdownIt().enable("table").render(obj._repr_markdown_() or "")
        elif hasattr(obj, "data") and isinstance(obj.data, str):
            yield obj.data


def _tabs_html(tabs: Any) -> Iterator[tuple[int, str]]:
    for index, make in sorted(tabs._make.items()):
        for html in _html_of(make()):
            yield index, html


@pytest.mark.parametrize("case_id", [c.id for c in cases.list()])
def test_every_tab_of_the_case_explorer_reads_as_words(case_id):
    page = dashboards.case_explorer("instructor")
    page.show(case_id)
    found = [v for i, html in _tabs_html(page.tabs) for v in surfaces.violations(html, f"{case_id} tab {i}")]
    assert not found, surfaces.summary(found)


def test_every_tab_of_the_team_plan_reads_as_words():
    page = dashboards.team_plan(course_day.ROOT / "docs" / "examples")
    shown = 0
    for path in page.files():
        page.show(str(path))
        htmls = [page.head.value] + [h for _, h in _tabs_html(page.tabs)]
        shown += sum(h.count("<table") for h in htmls)
        found = [v for h in htmls for v in surfaces.violations(h, path.name)]
        assert not found, surfaces.summary(found)
    assert shown >= 3, shown  # the scan saw the progress, risk and action tables


def test_the_clinic_reads_as_words():
    found = surfaces.violations(dashboards.okr_clinic().out.value, "clinic")
    assert not found, surfaces.summary(found)
