"""The course's tools as ipywidgets forms, bound to the participant's plan file.

A thin shell over okrlib.plan.editing (what is read, checked and saved), okrlib.method.analyze (live KR
feedback), okrlib.method.checks (the T10 checklist) and okrlib.course.reference (the libraries): every
decision is made there and tested without a browser; this module only lays widgets out.

What a participant can count on in every form:

* a refused edit shows its reason in Chinese under the field, keeps what was typed, and leaves
  the file untouched; an accepted edit is saved at once (atomically) and says so, in the same
  status line as what the checker finds about the row ("已保存 · 2 处需改进"), each problem
  under the field it is about; a row with a blocking problem is saved as a draft and marked so
  in the form's list (which rule is about which field, and which block: checker.yaml ``form``);
* the charts and tables tied to a tool sit in one output area right below its form, drawn from
  the plan and redrawn in place after each save;
* a form opens with what was saved, so a restarted kernel loses nothing;
* labels are shown whole (never cut to the widget's description width);
* text from the plan is always shown as text (escaped), never run as HTML.

``tool("T04", plan)`` builds any tool of the course from okrlib/data/tools.yaml.
Headless runs (papermill) pass ``samples=[{field: text, ...}, ...]``: each sample goes through
the same submit path a click takes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import ipywidgets as W

from okrlib.course import workspace
from okrlib.plan import editing
from okrlib.words import labels, numbers, text
from okrlib.words.resources import data_file
from okrlib.plan.editing import EditError
from okrlib.storage.planfile import PlanFile
from okrlib.words.problems import WorkbookError
from okrlib.plan.fields import FieldInfo, fields as field_infos
from okrlib.plan.model import Workbook

__all__ = ["show_in", "SectionForm", "OkrEditor", "ChecklistView", "ReferenceBrowser", "AlignmentBaseline", "ReviewForm",
           "tool", "tools", "open_plan", "choose_plan", "export_panel", "RowProblem", "row_problems", "problem_html"]

PlanLike = Union[PlanFile, str, Path]
_LONG = {"statement", "description", "need", "change", "reason", "text", "action", "evidence", "note",
         "success_measure", "comment", "relevance_note"}
_LABEL_WIDTH = "11em"
_STYLE = """<style>
.okr-label {font-weight: 600; padding-top: 4px; line-height: 1.35; white-space: normal; word-break: break-all;}
.okr-error {color: #b42318; font-size: 0.92em; margin: 0 0 4px 11.5em;}
.okr-ok {color: #067647;} .okr-bad {color: #b42318;} .okr-help {color: #475467; margin: 2px 0 8px 0;}
.okr-table {border-collapse: collapse; font-size: 0.92em;} .okr-table td, .okr-table th {border: 1px solid #d0d5dd; padding: 3px 8px; text-align: left; vertical-align: top;}
.okr-pass {background: #dcfae6;} .okr-warn {background: #fef0c7;} .okr-fail {background: #fee4e2;}
.okr-check {color: #93370d; font-size: 0.92em; margin: 0 0 6px 11.5em; line-height: 1.45;}
.okr-check-error {color: #b42318;} .okr-check .okr-help {margin: 0;} .okr-draft {color: #b54708; font-weight: 600;}
.okr-must {background: #fee4e2; color: #b42318; border-radius: 3px; padding: 0 4px; font-weight: 600;}
</style>"""


def esc(value: Any) -> str:
    """Text from a plan or a case, made safe to put in HTML."""
    return html.escape("" if value is None else str(value))


def _interactive_frontend() -> bool:
    """Whether what runs now came from a person's frontend: a widget event (a click, a choice),
    or a cell run from a frontend that can answer ``input()`` (JupyterLab, Notebook). Headless
    runners (papermill, nbval, Voilà's first render: nbclient) execute without stdin."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent() if kernel is not None and hasattr(kernel, "get_parent") else None
        if not parent:
            return False
        kind = parent.get("header", {}).get("msg_type")
        return kind == "comm_msg" or (kind == "execute_request" and bool(parent.get("content", {}).get("allow_stdin")))
    except Exception:  # no kernel at all (plain Python, tests)
        return False


def show_in(out: W.Output, *objects: Any) -> None:
    """Replace what an output area shows with ``objects`` (figures, HTML, Markdown).

    For a person's frontend the objects are displayed into the area (``with out:``): set as the
    widget's ``outputs`` state instead, JupyterLab draws plotly figures outside the area, above
    the form they belong to. Headless runners (nbclient) get the state: their emulation of a
    captured output area can stall a cell (jupyter/nbclient#312), and the state is what they
    save with the notebook. Without a kernel (unit tests) the state is set too.
    """
    objects = tuple(o for o in objects if o is not None)
    if _interactive_frontend():
        from IPython.display import display

        out.clear_output()
        with out:
            for obj in objects:
                display(obj)
        return
    from IPython.core.formatters import format_display_data

    outputs = []
    for obj in objects:
        data, metadata = format_display_data(obj)
        outputs.append({"output_type": "display_data", "data": data, "metadata": metadata})
    out.outputs = tuple(outputs)


def open_plan(path: Union[str, Path, None] = None, *, module: Optional[str] = None, **new: Any) -> PlanFile:
    """The participant's plan file (created with ``new`` basics when it does not exist yet).

    Without ``path``, the plan the workspace names (chosen once, in the course map, and kept
    across kernel restarts: :func:`okrlib.course.workspace.plan_path`), so no notebook names a
    file of its own. With ``module`` (``"M6"``, ``"X4"``) a line under the cell says which file
    is open and, for each part of the plan the module builds on that is still empty, which
    module fills it: a participant who skipped M5 learns it in M6's first cell, not from an
    empty chart.
    """
    plan = PlanFile(path if path is not None else workspace.plan_path(), **new)
    if module is not None:
        from IPython.display import HTML, display

        display(HTML(_STYLE + _plan_banner(plan, module)))
    return plan


def _plan_banner(plan: PlanFile, module: str) -> str:
    file = esc(plan.path.name) + ("" if plan.path.exists() else esc(text.say("workspace.opened.new")))
    lines = [f"<div class='okr-help'>{esc(text.say('workspace.opened.plan', file=''))}<b>{file}</b> · "
             f"{esc(text.say('workspace.opened.change_hint'))}</div>"]
    for part, filler in workspace.missing_parts(plan.workbook, module):
        said = text.say("workspace.opened.missing", part=labels.section(part), module=filler)
        lines.append(f"<div class='okr-bad'>{esc(said)}</div>")
    return "".join(lines)


def _plan(plan: PlanLike) -> PlanFile:
    return plan if isinstance(plan, PlanFile) else PlanFile(plan)


class _Shown:
    """Display protocol: a tool displays as its widget tree."""

    widget: W.Widget
    label: str = ""  # what it is, for its text/plain fallback; else its tool's title
    tool_id: str = ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # The text/plain fallback names the tool (not ipywidgets' repr of the whole widget tree,
        # cut to 110 characters): what a text-only reader (nbconvert to text, a console) should see.
        label = self.label or (_tool_title(self.tool_id) if self.tool_id else type(self).__name__)
        data: dict[str, Any] = {"text/plain": f"[okrlib] {label}"}
        if self.widget._view_name is not None:
            data["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
        return data


# --------------------------------------------------------------------------------------------
# A form over one section of the plan
# --------------------------------------------------------------------------------------------


class _Kit:
    """One Layout and one Style model per look, shared by the widgets of a form.

    Every widget model is a message to the frontend and a model it builds; ipywidgets gives each
    widget its own Layout and Style unless one is passed. A 10-field form made ~170 models, 40 %
    of them identical layouts; sharing (which ipywidgets supports: these are never changed
    after creation) halves the count, and with it the time a form takes to appear.
    """

    def __init__(self) -> None:
        self._made: dict[Any, Any] = {}

    def layout(self, **spec: str) -> W.Layout:
        key = tuple(sorted(spec.items()))
        if key not in self._made:
            self._made[key] = W.Layout(**spec)
        return self._made[key]

    def style(self, widget: type) -> Any:
        """The style model for widgets of class ``widget`` (W.Text -> a TextStyle ...)."""
        cls = widget.class_traits()["style"].klass
        if cls not in self._made:
            self._made[cls] = cls()
        return self._made[cls]

    def html(self, value: str = "", **layout: str) -> W.HTML:
        return W.HTML(value, layout=self.layout(**layout), style=self.style(W.HTML))

    def box(self, cls: type, children: Sequence[W.Widget]) -> W.Box:
        return cls(list(children), layout=self.layout())


# --------------------------------------------------------------------------------------------
# What the checker says about one saved row (okrlib/data/checker.yaml ``form``)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One thing to improve in a saved row, as a form shows it under a field: what is wrong
    (``message``), why it matters (``why``), how to fix it (``hint``). ``fields``: the fields it
    is about, in order (the form shows it under the first one it has; none: the row as a
    whole). ``blocking``: it keeps the row a draft (checker.yaml ``form.draft``)."""

    rule: str
    severity: str
    fields: tuple[str, ...]
    message: str
    why: str
    hint: str
    blocking: bool


_LAST_REPORT: list[Any] = [None, None]


def _report_of(wb: Workbook) -> Any:
    """The checker's report of ``wb`` (course profile), made once per version of the plan.

    Invariant: a PlanFile never changes its Workbook in place (each save gives a new one), so
    the report of the last workbook asked for is still that workbook's report; the forms of one
    tool (T10's objectives and KRs, every form's list of rows) share it after each save.
    """
    from okrlib.method.checks import check

    if _LAST_REPORT[0] is not wb:
        _LAST_REPORT[:] = [wb, check(wb)]
    return _LAST_REPORT[1]


@lru_cache(maxsize=1)
def _indicator_reasons() -> dict[str, str]:
    """Indicator id -> what the checklist asks of a plan there (checklist.yaml ``definition_zh``):
    why a finding of that indicator matters, in the course's words."""
    from okrlib.method.checks import checklist

    return {ind["id"]: ind["definition_zh"] for dim in checklist() for ind in dim["indicators"]}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def row_problems(wb: Workbook, section: str) -> dict[str, list[RowProblem]]:
    """What is to improve in each saved row of ``section``: row key -> its problems, those that
    keep it a draft first, then errors, then warnings (rows with none are left out).

    Two sources, both data in okrlib/data/checker.yaml ``form``: the checker's findings about
    the row (sections listed in ``checked``; ``info`` findings are not problems), and for the
    sections the T10 checklist does not read (T08's product goals) the fields a sound row fills
    (``empty_fields``: a field left empty is a finding of the rule named there).
    """
    spec = text.entry("checker.form")
    where, draft = spec["fields"], set(spec["draft"])
    out: dict[str, list[RowProblem]] = {}
    if section in spec["checked"]:
        ids = {r.id for r in wb.rows(section)}
        reasons = _indicator_reasons()
        for f in _report_of(wb).findings:
            if f.target in ids and f.severity != "info":
                out.setdefault(f.target, []).append(RowProblem(
                    f.rule, f.severity, tuple(where.get(f.rule, ())), f.message_zh, reasons.get(f.indicator, ""), f.hint,
                    f.rule in draft))
    for rule_id, need in (spec.get("empty_fields", {}).get(section) or {}).items():
        key = f"checker.form.empty_fields.{section}.{rule_id}"
        for row in wb.rows(section):
            if _blank(editing._get(row, need["field"])):
                rid = getattr(row, editing.key_field(section))
                out.setdefault(rid, []).append(RowProblem(
                    rule_id, need["severity"], tuple(where.get(rule_id, (need["field"],))),
                    text.say(f"{key}.message", id=rid), text.say(f"{key}.why"), text.say(f"{key}.hint"), rule_id in draft))
    for found in out.values():
        found.sort(key=lambda p: (not p.blocking, p.severity != "error"))
    return out


def problem_html(p: RowProblem) -> str:
    """One problem as a form shows it under its field: what is wrong, why, how to fix."""
    must = f"<span class='okr-must'>{esc(text.say('ui.form.check.must_fix'))}</span> " if p.blocking else ""
    lines = [f"⚠ {must}{esc(p.message)}"]
    if p.why:
        lines.append(f"<span class='okr-help'>{esc(text.say('ui.form.check.why', why=p.why))}</span>")
    if p.hint:
        lines.append(f"<span class='okr-help'>{esc(text.say('ui.form.check.fix', hint=p.hint))}</span>")
    return f"<div class='okr-check okr-check-{esc(p.severity)}'>{'<br>'.join(lines)}</div>"


class SectionForm(_Shown):
    """Add, edit and delete the rows of one section; or edit the plan's basics (``meta``).

    After a save, one status line says both that the row was saved and what the checker found
    about it ("已保存 · 2 处需改进"), each problem under the field it is about
    (:func:`row_problems`); a row with a problem the course treats as blocking is saved as a
    draft ("已保存为草稿 · …") and marked so in the list of rows. A refusal (text that cannot be
    read) changes nothing in the file, and says why under the field.
    """

    def __init__(
        self,
        plan: PlanLike,
        section: str,
        *,
        fields: Optional[Sequence[str]] = None,
        title: str = "",
        help: str = "",
        samples: Optional[Iterable[Mapping[str, Any]]] = None,
    ) -> None:
        self.plan = _plan(plan)
        self.section = section
        self.label = title or labels.section(section)
        infos = {f.name: f for f in field_infos(section)}
        names = list(fields) if fields else list(infos)
        unknown = [n for n in names if n not in infos]
        if unknown:
            raise ValueError(f"{section} has no fields {unknown}")
        self.infos = [infos[n] for n in names]
        self.key = editing.key_field(section)
        self.current: Optional[str] = None  # the key of the row shown; None: a new row
        self.inputs: dict[str, W.Widget] = {}
        self.errors: dict[str, W.HTML] = {}
        kit = self._kit = _Kit()
        rows = []
        for info in self.infos:
            widget = self._input(info)
            self.inputs[info.name] = widget
            self.errors[info.name] = kit.html()
            star = " <span class='okr-bad'>*</span>" if info.required else ""
            label = kit.html(f"<div class='okr-label'>{esc(info.zh)}{star}</div>", width=_LABEL_WIDTH, min_width=_LABEL_WIDTH)
            rows.append(kit.box(W.VBox, [kit.box(W.HBox, [label, widget]), self.errors[info.name]]))
        self.chooser = W.Dropdown(layout=kit.layout(width="32em"), style=kit.style(W.Dropdown))
        self.chooser.observe(self._chosen, names="value")
        if self.key != "id" and self.key in self.inputs:  # a row named by what it is about (T16: its KR)
            self.inputs[self.key].observe(self._key_chosen, names="value")
        self._suggested: Optional[str] = None  # the id new() proposed, while the participant keeps it
        if "id" in self.inputs and "objective" in self.inputs:  # a KR's id follows its objective (KR2.1)
            self.inputs["objective"].observe(self._parent_chosen, names="value")
        plain = {"layout": kit.layout(), "style": kit.style(W.Button)}
        self.save_button = W.Button(description=text.say("ui.form.save"), button_style="primary", icon="check", **plain)
        self.new_button = W.Button(description=text.say("ui.form.new"), icon="plus", **plain)
        self.delete_button = W.Button(description=text.say("ui.form.delete"), button_style="danger", icon="trash", **plain)
        self.save_button.on_click(lambda _: self.submit())
        self.new_button.on_click(lambda _: self.new())
        self.delete_button.on_click(lambda _: self.delete())
        self._confirm_delete = False
        self.status = kit.html()
        self.notes = kit.html()  # the problems of the row shown that no field of the form is about
        self._problems: tuple[Any, dict[str, list[RowProblem]]] = (None, {})
        head = [kit.html(_STYLE + (f"<h4>{esc(title)}</h4>" if title else "") + (f"<div class='okr-help'>{esc(help)}</div>" if help else ""))]
        is_list = section != "meta"
        if is_list:
            choose = text.say("ui.form.choose", item=labels.item(section))
            head.append(kit.box(W.HBox, [kit.html(f"<div class='okr-label'>{esc(choose)}</div>",
                                                  width=_LABEL_WIDTH, min_width=_LABEL_WIDTH), self.chooser]))
        buttons = [self.save_button] + ([self.new_button, self.delete_button] if is_list else [])
        self.widget = kit.box(W.VBox, head + rows + [kit.box(W.HBox, buttons), self.status, self.notes])
        refs = {info.ref for info in self.infos if info.ref}
        self.plan.on_change(self._plan_changed, None if "*" in refs else refs | {section})
        self._refresh_choices()
        first = self._keys()[:1]
        if section == "meta":
            self.show(None)  # the plan's basics, as saved
        elif first:
            self.show(first[0])
        else:
            self.new()
        with self.plan.batch():
            for sample in samples or ():
                if section == "meta":
                    self.show(None)
                else:
                    self.new()
                self.fill(sample)
                self.submit()

    # ---- widgets --------------------------------------------------------------------------

    def _input(self, info: FieldInfo) -> W.Widget:
        kit = self._kit
        full = kit.layout(width="32em")
        if info.kind == "bool":
            return W.Checkbox(indent=False, layout=kit.layout(), style=kit.style(W.Checkbox))
        pick = {"layout": full, "style": kit.style(W.Dropdown)}
        if info.kind == "choice":
            opts = [(label, code) for code, label in info.choices()]
            return W.Dropdown(options=([(numbers.MISSING, None)] if info.optional else []) + opts, **pick)
        if info.kind == "id" and info.ref:
            return W.Dropdown(options=[(numbers.MISSING, None)], **pick)
        if info.kind == "list" and info.ref:
            return W.SelectMultiple(options=[], rows=4, **pick)
        last = info.name.rsplit(".", 1)[-1]
        if info.kind == "text" and (last in _LONG or info.name.startswith("decode.")):
            return W.Textarea(layout=kit.layout(width="32em", height="4.2em"), style=kit.style(W.Text),
                              continuous_update=False)
        placeholders = text.entry("ui.form.placeholder")
        placeholder = text.say(f"ui.form.placeholder.{info.kind}") if info.kind in placeholders else ""
        return W.Text(placeholder=placeholder, layout=full, style=kit.style(W.Text), continuous_update=False)

    def _keys(self) -> list[str]:
        if self.section == "meta":
            return []
        return [getattr(r, self.key) for r in self.plan.workbook.rows(self.section)]

    def _refresh_choices(self) -> None:
        wb = self.plan.workbook
        for info in self.infos:
            widget = self.inputs[info.name]
            if info.ref and isinstance(widget, (W.Dropdown, W.SelectMultiple)):
                options = editing.ref_options(wb, info)
                if isinstance(widget, W.Dropdown):
                    keep = widget.value
                    widget.options = ([(numbers.MISSING, None)] if info.optional or not options else []) + options
                    ids = {v for _, v in options}
                    widget.value = keep if keep in ids else (None if info.optional or not options else options[0][1])
                else:
                    keep = tuple(v for v in widget.value if v in {i for _, i in options})
                    widget.options = options
                    widget.value = keep
        if self.section != "meta":
            rows = self.plan.workbook.rows(self.section)
            drafts = self._drafts()
            options = [(self._choice_label(r, drafts), getattr(r, self.key)) for r in rows]
            self._quiet = True
            self.chooser.options = [(text.say("ui.form.new_row"), None)] + options
            self.chooser.value = self.current if self.current in {k for _, k in options} else None
            self._quiet = False

    _quiet = False

    def row_problems(self) -> dict[str, list[RowProblem]]:
        """:func:`row_problems` of this form's section in the plan as saved now (found once per save)."""
        wb = self.plan.workbook
        if self.section == "meta":
            return {}
        if self._problems[0] is not wb:
            self._problems = (wb, row_problems(wb, self.section))
        return self._problems[1]

    def _drafts(self) -> set[str]:
        """The keys of the saved rows that are drafts (a blocking problem is not fixed yet)."""
        return {key for key, found in self.row_problems().items() if any(p.blocking for p in found)}

    @staticmethod
    def _choice_label(row: Any, drafts: set[str]) -> str:
        label = editing.row_label(row)
        key = getattr(row, "id", None) or getattr(row, "key_result", None)
        return text.say("ui.form.draft_choice", label=label) if key in drafts else label

    def _tell_problems(self, key: Optional[str]) -> tuple[int, int]:
        """Show what is to improve in the saved row ``key``: each problem under the field it is
        about, the rest under the status line. Returns (problems, blocking ones)."""
        found = self.row_problems().get(key, []) if key is not None else []
        under: dict[str, list[RowProblem]] = {}
        rest: list[RowProblem] = []
        for p in found:
            name = next((f for f in p.fields if f in self.errors), None)
            (under.setdefault(name, []) if name else rest).append(p)
        for name, ps in under.items():
            self.errors[name].value = "".join(problem_html(p) for p in ps)
        self.notes.value = (f"<div class='okr-check'>{esc(text.say('ui.form.check.row'))}</div>"
                            + "".join(problem_html(p) for p in rest)) if rest else ""
        return len(found), sum(1 for p in found if p.blocking)

    def _row_status(self, n: int, blocking: int, saved: bool) -> str:
        """The one status line: saved or not, and how many problems the row still has."""
        if blocking:
            said = text.say("ui.form.saved_draft" if saved else "ui.form.row_draft", n=n, blocking=blocking)
            return f"<span class='okr-draft'>✎ {esc(said)}</span>"
        if n:
            said = text.say("ui.form.saved_issues" if saved else "ui.form.row_issues", n=n)
            return f"<span class='okr-draft'>{esc(said)}</span>"
        return f"<span class='okr-ok'>{esc(text.say('ui.form.saved', file=self.plan.path.name))}</span>" if saved else ""

    def _chosen(self, change: Any) -> None:
        if self._quiet:
            return
        if change["new"] is None:
            self.new()
        else:
            self.show(change["new"])

    def _parent_chosen(self, change: Any) -> None:
        """A new row whose objective changes (or first appears) gets the id that fits it, unless
        the participant typed an id of their own: the first KR under O1 is KR1.1, never KR1."""
        if self.current is None and self.inputs["id"].value == self._suggested:
            self._suggested = editing.next_id(self.plan.workbook, self.section, change["new"])
            self.inputs["id"].value = self._suggested

    def _key_chosen(self, change: Any) -> None:
        """Picking another KR in a form whose rows are named by their KR (T16) starts that KR's own
        entry: its saved row, or a new one. The row shown before is never renamed into it."""
        if self._quiet or change["new"] == self.current:
            return
        if change["new"] in self._keys():
            self.show(change["new"])
        else:
            self.current = None
            self._quiet = True
            self.chooser.value = None
            self._quiet = False
            # a KR with no entry yet: what the status said of the KR shown before is not about it
            self._clear_errors()
            self.status.value = ""

    def _plan_changed(self, _wb: Workbook) -> None:
        self._refresh_choices()

    # ---- what a participant does ----------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What is typed in the form now, field by field."""
        out = {}
        for name, widget in self.inputs.items():
            value = widget.value
            out[name] = list(value) if isinstance(widget, W.SelectMultiple) else value
        return out

    def fill(self, values: Mapping[str, Any]) -> None:
        """Type into the form (tests and headless runs do what a participant would)."""
        # the row's key first: choosing it may bring that row's saved values, which what is
        # typed for the other fields then replaces
        for name, value in sorted(values.items(), key=lambda item: item[0] != self.key):
            if name not in self.inputs:
                raise KeyError(f"{self.section} form has no field {name!r}")
            self._set(self.inputs[name], self._field(name), value)

    def _field(self, name: str) -> FieldInfo:
        return next(f for f in self.infos if f.name == name)

    @staticmethod
    def _set(widget: W.Widget, info: FieldInfo, value: Any) -> None:
        if isinstance(widget, W.SelectMultiple):
            if isinstance(value, str):
                value = [v for v in editing.split_list(value)]
            known = {v for _, v in widget.options}
            widget.value = tuple(v for v in (value or ()) if v in known)
        elif isinstance(widget, W.Dropdown):
            codes = [v for _, v in widget.options]
            if value not in codes and isinstance(value, str):  # a label typed for a code
                value = next((v for lbl, v in widget.options if lbl == value or lbl.split(" ", 1)[0] == value), value)
            widget.value = value if value in codes else widget.value
        elif isinstance(widget, W.Checkbox):
            read, problem = editing._read(value, info)  # "否" / "false" are no (bool("否") is True)
            widget.value = bool(read) if problem is None else widget.value
        else:
            widget.value = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))

    def show(self, key: Optional[str]) -> None:
        """Show a saved row (its key), as saved."""
        self.current = key
        values = editing.form_values(self.plan.workbook, self.section, key)
        self._clear_errors()
        for info in self.infos:
            self._set(self.inputs[info.name], info, values.get(info.name))
        self._quiet = True
        if self.section != "meta":
            self.chooser.value = key if key in {v for _, v in self.chooser.options} else None
        self._quiet = False
        self.status.value = self._row_status(*self._tell_problems(key), saved=False)

    def new(self) -> None:
        """An empty row with a free id (the participant may change it)."""
        self.current = None
        values = editing.form_values(None, self.section)
        if "id" in self.inputs:
            parent = self.inputs["objective"].value if "objective" in self.inputs else None
            values["id"] = self._suggested = editing.next_id(self.plan.workbook, self.section, parent)
        self._clear_errors()
        for info in self.infos:
            if isinstance(self.inputs[info.name], W.Dropdown) and values.get(info.name) is None and not info.optional:
                continue  # keep the first choice of a required drop-down
            self._set(self.inputs[info.name], info, values.get(info.name))
        self._quiet = True
        if self.section != "meta":
            self.chooser.value = None
        self._quiet = False
        self.status.value = ""

    def _clear_errors(self) -> None:
        for box in self.errors.values():
            box.value = ""
        self.notes.value = ""

    def submit(self) -> bool:
        """Check and save what is typed; True when saved. A refusal changes nothing but the messages."""
        self._clear_errors()
        self._confirm_delete = False
        values = self.values()
        try:
            self.plan.apply(self.section, values, self.current if self.section != "meta" else None)
        except EditError as exc:
            general = []
            placed = {name: list(found) for name, found in exc.by_field.items() if found}
            for name, problems in placed.items():
                said = "<br>".join(esc(self._message(name, p)) for p in problems)
                if name in self.errors:
                    self.errors[name].value = f"<div class='okr-error'>⚠ {said}</div>"
                else:
                    general.append(said)
            n = sum(len(problems) for problems in placed.values())
            extra = f"<br>{'<br>'.join(general)}" if general else ""
            self.status.value = f"<span class='okr-bad'>{esc(text.say('ui.form.refused', n=n))}{extra}</span>"
            return False
        except (OSError, WorkbookError) as exc:
            self.status.value = f"<span class='okr-bad'>{esc(text.say('ui.form.cannot_save', reason=str(exc)))}</span>"
            return False
        key = values.get(self.key) if self.section != "meta" else None
        if self.section != "meta":
            self.current = key
            self._refresh_choices()
        self.show(key)  # what was saved, with what the checker finds about it under its fields
        found = self.row_problems().get(key, []) if key is not None else []
        self.status.value = self._row_status(len(found), sum(1 for p in found if p.blocking), saved=True)
        return True

    def _message(self, name: str, p: Any) -> str:
        """A refusal's message under field ``name``; a number that could not be read says where its
        unit goes only when the form has a unit field beside it."""
        said = p.message_zh
        if p.code == "form_not_number" and name:
            unit = name.rsplit(".", 1)[0] + ".unit" if "." in name else "unit"
            if unit in self.inputs:
                said += text.say("messages.form_unit_hint", unit=self._field(unit).zh)
        return said

    def delete(self) -> bool:
        """Delete the row shown (asks once more first); refused while other rows point to it."""
        if self.current is None:
            self.status.value = f"<span class='okr-bad'>{esc(text.say('ui.form.not_saved_yet'))}</span>"
            return False
        if not self._confirm_delete:
            self._confirm_delete = True
            self.status.value = f"<span class='okr-bad'>{esc(text.say('ui.form.confirm_delete', id=self.current))}</span>"
            return False
        self._confirm_delete = False
        try:
            self.plan.delete(self.section, self.current)
        except EditError as exc:
            self.status.value = f"<span class='okr-bad'>✗ {'<br>'.join(esc(p.message_zh) for p in exc.problems)}</span>"
            return False
        gone = self.current
        self._refresh_choices()
        keys = self._keys()
        self.show(keys[0]) if keys else self.new()
        self.status.value = f"<span class='okr-ok'>{esc(text.say('ui.form.deleted', id=gone))}</span>"
        return True


# --------------------------------------------------------------------------------------------
# The O/KR editor with live analysis, and the checklist
# --------------------------------------------------------------------------------------------


def analysis_html(sentence: str) -> str:
    """What okrlib.method.analyze reads in a KR sentence, as a participant sees it while typing."""
    from okrlib.method.analyze import analyze_kr, suggest_outcome

    def say(key: str, **values: Any) -> str:
        return esc(text.say(f"ui.analysis.{key}", **values))

    if not sentence.strip():
        return f"<div class='okr-help'>{say('empty')}</div>"
    a = analyze_kr(sentence)

    def mark(ok: bool, yes: str, no: str) -> str:
        return f"<span class='okr-ok'>✓ {yes}</span>" if ok else f"<span class='okr-bad'>✗ {no}</span>"

    activity = say("outcome_no_words", words=text.join(a.activity_words)) if a.activity_words else say("outcome_no")
    rows = [
        (say("measurable"), mark(a.measurable, say("measurable_yes"), say("measurable_no"))),
        (say("outcome"), mark(not a.is_activity, say("outcome_yes"), activity)),
        (say("metric"), esc(a.metric or numbers.MISSING)),
        (say("numbers"), esc(numbers.value_range(a.baseline, a.target, a.unit))),
        (say("direction"), esc(labels.choice("direction", a.direction) or numbers.MISSING)),
        (say("dimension"), esc(labels.choice("kr_dimension", a.dimension) or numbers.MISSING)),
    ]
    if a.jargon:
        rows.append((say("jargon"), f"<span class='okr-bad'>{esc(text.join(a.jargon))}</span>"))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    hint = ""
    if a.is_activity or not a.measurable:
        zh, _ = suggest_outcome(a)
        hint = f"<div class='okr-help'>{say('hint', hint=zh)}</div>"
    return f"<table class='okr-table'>{body}</table>{hint}"


class OkrEditor(_Shown):
    """T10: objectives and KRs, the KR's analysis as it is typed, and the checklist after saving."""

    tool_id = "T10"

    def __init__(self, plan: PlanLike, *, profile: str = "course", samples: Optional[Mapping[str, Any]] = None) -> None:
        self.plan = _plan(plan)
        samples = samples or {}
        self.objectives = SectionForm(self.plan, "objectives", title=text.say("ui.editor.objectives"),
                                      samples=samples.get("objectives"), help=text.say("ui.editor.objectives_help"))
        self.key_results = SectionForm(self.plan, "key_results", title=text.say("ui.editor.key_results"),
                                       help=text.say("ui.editor.key_results_help"))
        statement = self.key_results.inputs["statement"]
        statement.continuous_update = True  # feedback as the participant types
        self.analysis = W.HTML(analysis_html(statement.value))
        statement.observe(lambda c: setattr(self.analysis, "value", analysis_html(c["new"] or "")), names="value")
        # a new KR's direction follows its sentence ("缩短至" is down) while it shows the default
        # or what the sentence said before: a direction the participant picked stays
        self._auto_direction: Optional[str] = None
        if "direction" in self.key_results.inputs:
            statement.observe(self._direction_from_sentence, names="value")
        self.use_numbers = W.Button(description=text.say("ui.analysis.use_numbers"), icon="magic")
        self.use_numbers.on_click(lambda _: self.fill_from_analysis())
        self.checklist = ChecklistView(self.plan, profile=profile)
        with self.plan.batch():
            for sample in samples.get("key_results") or ():
                self.key_results.new()
                self.key_results.fill(sample)
                self.analysis.value = analysis_html(self.key_results.inputs["statement"].value)
                self.key_results.submit()
        panel = W.VBox([W.HTML(f"<b>{esc(text.say('ui.analysis.title'))}</b>"), self.analysis, self.use_numbers],
                       layout=W.Layout(margin="0 0 0 16px"))
        self.widget = W.VBox([self.objectives.widget, W.HBox([self.key_results.widget, panel]), self.checklist.widget])

    def _direction_from_sentence(self, change: Any) -> None:
        from okrlib.method.analyze import analyze_kr

        if self.key_results.current is not None:
            return  # a saved KR keeps its direction
        box = self.key_results.inputs["direction"]
        default = editing.form_values(None, "key_results").get("direction")
        if box.value not in (default, self._auto_direction):
            return  # picked by the participant
        read = analyze_kr(change["new"] or "").direction
        if read and read in [v for _, v in box.options]:
            box.value = self._auto_direction = read

    def fill_from_analysis(self) -> None:
        """Copy the metric, numbers, unit and direction read from the sentence into the form's fields."""
        from okrlib.method.analyze import analyze_kr

        a = analyze_kr(self.key_results.inputs["statement"].value or "")
        found = {"metric": a.metric, "baseline": a.baseline, "target": a.target, "unit": a.unit,
                 "direction": a.direction, "dimension": a.dimension}
        infos = {f.name: f for f in self.key_results.infos}
        self.key_results.fill({k: editing.show(v, infos[k]) for k, v in found.items() if v is not None and k in infos})


class ChecklistView(_Shown):
    """The T10 checklist of the plan as a coloured table, with each finding and its fix; follows the plan."""

    tool_id = "T10"

    def __init__(self, plan: PlanLike, *, profile: str = "course", as_of: Any = None) -> None:
        from okrlib.method.checks import profiles

        self.plan = _plan(plan)
        self.as_of = as_of
        self.profile = W.Dropdown(options=[(p, p) for p in profiles()], value=profile, layout=W.Layout(width="14em"))
        self.out = W.HTML()
        self.profile.observe(lambda _: self.refresh(), names="value")
        self.plan.on_change(lambda _: self.refresh())
        head = f"<b>{esc(text.say('ui.checklist.title'))}</b>&nbsp;{esc(text.say('ui.checklist.profile'))}"
        self.widget = W.VBox([W.HBox([W.HTML(head), self.profile]), self.out])
        self.refresh()

    def refresh(self) -> None:
        from okrlib.method.checks import check

        self.report = check(self.plan.workbook, self.profile.value, as_of=self.as_of)
        self.out.value = checklist_html(self.report)


def checklist_html(report: Any) -> str:
    """A check report as HTML: the score, the indicators coloured pass/warn/fail, the findings."""
    rows = "".join(
        f"<tr class='okr-{i.status}'><td>{esc(i.id)}</td><td>{esc(i.dimension_zh)}</td><td>{esc(i.name_zh)}</td>"
        f"<td>{esc(text.status(i.status))}</td><td>{numbers.number(i.findings)}</td></tr>"
        for i in report.indicators
    )
    findings = "".join(
        f"<li><b>[{esc(text.severity(f.severity))}] {esc(f.target)}</b> {esc(f.message_zh)}"
        f"<br><span class='okr-help'>{esc(text.say('ui.checklist.hint', hint=f.hint))}</span></li>"
        for f in report.findings
    )
    head = "".join(f"<th>{esc(word)}</th>" for word in text.names("ui.checklist.columns").values())
    return (
        _STYLE + f"<div>{esc(text.say('ui.checklist.score'))} <b>{numbers.number(report.score)}</b> / 100</div>"
        f"<table class='okr-table'><tr>{head}</tr>{rows}</table>"
        + (f"<ol>{findings}</ol>" if findings else f"<p class='okr-ok'>{esc(text.say('ui.checklist.clean'))}</p>")
    )


# --------------------------------------------------------------------------------------------
# Reference libraries, the alignment baseline, the review
# --------------------------------------------------------------------------------------------


class ReferenceBrowser(_Shown):
    """A reference library (T01, T03, T09, T11, T15, T18 ...) with a filter per category column and a search box."""

    def __init__(self, library: str, *, max_rows: int = 60) -> None:
        import pandas as pd

        from okrlib.course import reference
        from okrlib.views import present

        ref = reference.get(library)
        self.frame = ref.frame
        self.max_rows = max_rows
        self.filters: dict[str, W.Dropdown] = {}
        for col in self.frame.columns:
            if isinstance(self.frame[col].dtype, pd.CategoricalDtype) and col not in ("source_status",):
                cats = [str(c) for c in self.frame[col].cat.categories]
                dd = W.Dropdown(options=[(text.say("ui.reference.all"), None)] + [(present.code_label(c, col), c) for c in cats], description="",
                                layout=W.Layout(width="12em"))
                dd.observe(lambda _: self.refresh(), names="value")
                self.filters[col] = dd
        self.search = W.Text(placeholder=text.say("ui.reference.search_placeholder"), layout=W.Layout(width="16em"),
                             continuous_update=False)
        self.search.observe(lambda _: self.refresh(), names="value")
        self.out = W.HTML()
        bar = [W.VBox([W.HTML(f"<div class='okr-label'>{esc(present.header(self.frame, col))}</div>"), dd])
               for col, dd in self.filters.items()]
        bar.append(W.VBox([W.HTML(f"<div class='okr-label'>{esc(text.say('ui.reference.search'))}</div>"), self.search]))
        head = W.HTML(_STYLE + f"<h4>{esc(ref.info.id)} {esc(ref.info.title)}</h4><div class='okr-help'>{esc(ref.description)}</div>")
        self.label = f"{ref.info.id} {ref.info.title}"
        self.widget = W.VBox([head, W.HBox(bar, layout=W.Layout(flex_flow="row wrap")), self.out])
        self.refresh()

    def rows(self) -> Any:
        """The rows the filters and the search let through."""
        df = self.frame
        for col, dd in self.filters.items():
            if dd.value is not None:
                df = df[df[col].astype(str) == dd.value]
        term = self.search.value.strip()
        if term:
            mask = df.astype(str).apply(lambda s: s.str.contains(term, regex=False)).any(axis=1)
            df = df[mask]
        return df

    def refresh(self) -> None:
        df = self.rows()
        shown = df.head(self.max_rows)
        count = text.say("ui.reference.rows_shown", n=len(df), shown=len(shown)) if len(df) > len(shown) else \
            text.say("ui.reference.rows", n=len(df))
        from okrlib.views import present

        self.out.value = f"<div class='okr-help'>{esc(count)}</div>" + present.table_html(shown, max_rows=self.max_rows)


class AlignmentBaseline(_Shown):
    """T02: each O and its KRs against the baseline rules they must all meet."""

    tool_id = "T02"

    def __init__(self, plan: PlanLike, rules: Sequence[str]) -> None:
        self.plan = _plan(plan)
        self.rules = list(rules)
        self.out = W.HTML()
        self.plan.on_change(lambda _: self.refresh())
        self.widget = W.VBox([self.out])
        self.refresh()

    def refresh(self) -> None:
        from okrlib.method.checks import check

        wb = self.plan.workbook
        report = check(wb)
        bad = {(f.rule, f.target) for f in report.findings}
        # each column is headed by what the rule asks, in the course's words (never its id)
        head = "".join(f"<th>{esc(text.say(f'ui.baseline.rules.{r}'))}</th>" for r in self.rules)
        body = []
        for o in wb.objectives:
            ids = [o.id] + [kr.id for kr in wb.key_results if kr.objective == o.id]
            for rid in ids:
                cells = []
                for r in self.rules:
                    hit = (r, rid) in bad
                    cells.append(f"<td class='okr-{'fail' if hit else 'pass'}'>{'✗' if hit else '✓'}</td>")
                row = wb.get(rid)
                body.append(f"<tr><td>{esc(editing.row_label(row))}</td>{''.join(cells)}</tr>")
        self.out.value = _STYLE + (f"<table class='okr-table'><tr><th>{esc(text.say('ui.baseline.row'))}</th>{head}</tr>"
                                   f"{''.join(body)}</table>" if body else f"<p>{esc(text.say('ui.baseline.no_objectives'))}</p>")


class ReviewForm(_Shown):
    """T16: score each KR 0.0-1.0 (suggested from its check-ins), see each O's score and colour band."""

    tool_id = "T16"

    def __init__(self, plan: PlanLike, *, samples: Optional[Iterable[Mapping[str, Any]]] = None, **form: Any) -> None:
        self.plan = _plan(plan)
        self.form = SectionForm(self.plan, "review_scores", samples=samples, **form)
        self.form.inputs["key_result"].observe(self._kr_chosen, names="value")
        self.suggest = W.Button(description=text.say("ui.review.suggest"), icon="calculator")
        self.suggest.on_click(lambda _: self.suggest_score())
        self.summary = W.HTML()
        self.plan.on_change(lambda _: self.refresh())
        self.widget = W.VBox([self.form.widget, self.suggest, self.summary])
        self.refresh()

    def _kr_chosen(self, change: Any) -> None:
        """A KR picked in the form: its saved score and comment, or a blank pair (nothing stale)."""
        saved = next((x for x in self.plan.workbook.review.scores if x.key_result == change["new"]), None)
        score = "" if saved is None else editing.show(saved.score, self.form._field("score"))  # exact: a form keeps what it saves
        self.form.fill({"score": score, "comment": "" if saved is None else saved.comment})

    def suggest_score(self) -> Optional[float]:
        """Fill the score from the KR's latest check-in (okrlib.method.scoring), when it has one."""
        from okrlib.method.scoring import kr_score_at

        kr = self.form.inputs["key_result"].value
        score = kr_score_at(self.plan.workbook, kr) if kr else None
        if score is not None:
            self.form.fill({"score": f"{round(score, 3):g}"})
        return score

    def refresh(self) -> None:
        from okrlib.method.scoring import band, band_label, objective_score

        wb = self.plan.workbook
        given = {s.key_result: s.score for s in wb.review.scores}
        rows = []
        for o in wb.objectives:
            krs = [kr for kr in wb.key_results if kr.objective == o.id]
            scored = [(kr, given[kr.id]) for kr in krs if kr.id in given]
            if scored:
                total = sum(kr.weight for kr, _ in scored)
                value = sum(kr.weight * s for kr, s in scored) / total if total else None
            else:
                value = objective_score(wb, o.id)
            shown = numbers.MISSING if value is None else \
                text.say("ui.review.score", score=numbers.number(value, digits=2), band=band_label(band(value)))
            rows.append(f"<tr><td>{esc(editing.row_label(o))}</td><td>{len(scored)}/{len(krs)}</td><td>{esc(shown)}</td></tr>")
        head = "".join(f"<th>{esc(word)}</th>" for word in text.names("ui.review.columns").values())
        self.summary.value = _STYLE + (f"<table class='okr-table'><tr>{head}</tr>" + "".join(rows) + "</table>" if rows else "")


# --------------------------------------------------------------------------------------------
# The tools of the course
# --------------------------------------------------------------------------------------------


def tools() -> dict[str, dict[str, Any]]:
    """okrlib/data/tools.yaml: every tool of the course and how it is built."""
    return data_file("tools")["tools"]


class _Tool(_Shown):
    def __init__(self, parts: list[Any], widget: W.Widget, label: str = "") -> None:
        self.parts = parts
        self.widget = widget
        self.label = label

    @property
    def form(self) -> Any:
        return next((p for p in self.parts if isinstance(p, (SectionForm, OkrEditor, ReviewForm))), None)


def _tool_title(tool_id: str) -> str:
    """A tool's heading: ``T04 公司目标"五维拆解法"``; the plan and the risk register have no id."""
    title = tools()[tool_id]["title"]
    return f"{tool_id} {title}" if tool_id.startswith("T") else title


def tool(tool_id: str, plan: Optional[PlanLike] = None, *, samples: Any = None, chart: bool = True) -> Any:
    """A tool of the course by its id (``"T04"``), bound to the participant's plan when it edits one.

    ``samples``: rows to submit at once, as a participant would (an exercise's answer cell, a
    headless run); for T10 a mapping ``{"objectives": [...], "key_results": [...]}``. Without
    them, the rows ``$OKRLIB_SAMPLES`` names for this tool, if any
    (:func:`okrlib.course.workspace.samples`).
    """
    spec = tools().get(tool_id)
    if spec is None:
        raise KeyError(f"no tool {tool_id!r}; the tools are {', '.join(tools())}")
    kind = spec["kind"]
    title = _tool_title(tool_id)
    if kind == "reference":
        return ReferenceBrowser(tool_id)
    if plan is None:
        raise ValueError(f"{tool_id} edits a plan: pass the plan file")
    plan = _plan(plan)
    if samples is None:
        samples = workspace.samples(tool_id)
    parts: list[Any] = []
    head = W.HTML(_STYLE + f"<h3>{esc(title)}</h3><div class='okr-help'>{esc(spec.get('help', ''))}</div>")
    if kind == "editor":
        parts.append(OkrEditor(plan, samples=samples))
    elif kind == "baseline":
        parts.append(AlignmentBaseline(plan, spec.get("rules", [])))
    elif kind == "review":
        parts.append(ReviewForm(plan, fields=spec.get("fields"), samples=samples))
    else:
        parts.append(SectionForm(plan, spec["section"], fields=spec.get("fields"), samples=samples))
    shown = _listed(spec.get("chart")) if chart else []
    tables = _listed(spec.get("tables")) if chart else []
    if shown or tables:  # right below the form it follows, before any reference library
        parts.append(_ChartPanel(plan, shown, tables))
    if spec.get("reference"):
        parts.append(ReferenceBrowser(spec["reference"]))
    widgets = [head] + [p.widget for p in parts]
    return _Tool(parts, W.VBox(widgets), title)


def _listed(names: Any) -> list[str]:
    """tools.yaml's ``chart`` / ``tables``: one name or a list of them."""
    return [] if not names else [names] if isinstance(names, str) else list(names)


class _ChartPanel(_Shown):
    """The charts (okrlib.views.charts) and tables of plan sections tied to a tool's form, in one
    output area below it: drawn from the plan as it is when the tool is built, and redrawn in
    place after each saved edit that changes what they show. There is one copy, never a stale
    one above or below the form."""

    def __init__(self, plan: PlanFile, names: Union[str, Sequence[str]], tables: Sequence[str] = ()) -> None:
        from okrlib.views.charts import reads

        self.plan = plan
        self.names = [names] if isinstance(names, str) else list(names)
        self.tables = list(tables)
        self.label = " + ".join([f"charts.{n}" for n in self.names] + [labels.section(t) for t in self.tables])
        self.widget = W.Output()
        parts: Optional[set[str]] = set(self.tables) | {"meta"}
        for name in self.names:
            read = reads(name)
            parts = None if read is None or parts is None else parts | read
        plan.on_change(lambda _: self.refresh(), parts)
        self.refresh()

    def refresh(self) -> None:
        from okrlib.views import charts

        wb = self.plan.workbook
        self.figures = [getattr(charts, name)(wb) for name in self.names]
        self.figure = self.figures[0] if self.figures else None
        show_in(self.widget, *self.figures, *(_section_table(wb, t) for t in self.tables))


def _section_table(wb: Workbook, section: str) -> Any:
    """One section of the plan as the table below its form (escaped; numbers as everywhere)."""
    from IPython.display import HTML

    from okrlib.course.lessons import plan_section
    from okrlib.views import present

    frame = plan_section(wb, section)
    title = f"<b>{esc(text.say('ui.form.table_title', section=labels.section(section)))}</b>"
    if frame.empty:
        return HTML(_STYLE + title + f"<p class='okr-help'>{esc(text.say('ui.form.table_empty', item=labels.item(section)))}</p>")
    return HTML(_STYLE + title + present.table_html(frame))


def peer_review_form(review: Any) -> W.VBox:
    """X5's peer review as a form: the reviewer's name, a 0/1/2 choice per T10 indicator, and a
    save button; a refused entry says why under the button and keeps every choice made."""
    from okrlib.course.exercises import T10_INDICATORS, spec
    from okrlib.method.checks import checklist

    names = {i["id"]: i["zh"] for d in checklist() for i in d["indicators"]}
    scale = spec("X5")["scale"]
    who = W.Text(description=text.say("ui.peer_review.reviewer"), placeholder=text.say("ui.peer_review.reviewer_placeholder"))
    choices = {ind: W.ToggleButtons(options=[(f"{k} {v['zh']}", int(k)) for k, v in scale.items()], value=None,
                                    style={"button_width": "7em"}) for ind in T10_INDICATORS}
    status = W.HTML()
    save = W.Button(description=text.say("ui.peer_review.save"), button_style="primary", icon="check")

    def on_save(_: Any) -> None:
        try:
            review.record(who.value, {k: w.value for k, w in choices.items() if w.value is not None})
            saved = text.say("exercises.X5.messages.saved", name=who.value, file=review.path.name)
            status.value = f"<span style='color:#067647'>{esc(saved)}</span>"
        except (ValueError, OSError) as exc:
            status.value = f"<span style='color:#b42318'>{esc(str(exc))}</span>"

    save.on_click(on_save)
    rows = [W.HBox([W.HTML(f"<div style='width:22em'><b>{ind}</b> {esc(names.get(ind, ''))}</div>"), choices[ind]])
            for ind in T10_INDICATORS]
    return W.VBox([who] + rows + [save, status])


class _PlanChooser(_Shown):
    """The course map's plan chooser: a name typed or picked, kept in the workspace settings."""

    label = ""

    def __init__(self) -> None:
        self.label = text.say("workspace.chooser.label")
        current = workspace.plan_path().name
        self.name = W.Combobox(value=current, options=workspace.plans(), ensure_option=False,
                               placeholder=text.say("workspace.plan_name.empty"),
                               description=text.say("workspace.chooser.label"),
                               style={"description_width": _LABEL_WIDTH}, layout=W.Layout(width="32em"))
        self.use = W.Button(description=text.say("workspace.chooser.use"), button_style="primary")
        self.status = W.HTML()
        self.use.on_click(lambda _: self.choose(self.name.value))
        self.widget = W.VBox([W.HBox([self.name, self.use]), self.status])

    def choose(self, name: str) -> bool:
        """Use ``name`` from now on; a refused name is explained under the field and stays typed."""
        try:
            path = workspace.choose_plan(name)
        except ValueError as exc:
            self.status.value = f"{_STYLE}<div class='okr-error'>{esc(exc)}</div>"
            return False
        self.name.options = tuple(dict.fromkeys([*workspace.plans(), path.name]))
        self.status.value = f"{_STYLE}<div class='okr-ok'>{esc(text.say('workspace.chooser.chosen', file=path.name))}</div>"
        return True


def choose_plan() -> Any:
    """The plan every module and exercise opens, chosen once (the course map's section 5)."""
    return _PlanChooser()


class _ExportPanel(_Shown):
    """M8's export: done once when shown, then kept honest. The status under it follows the plan
    (every saved edit re-checks it), so a participant who fills T19 after Run All sees that the
    files no longer hold the plan, and re-exports with one click."""

    def __init__(self, plan: PlanFile, folder: Optional[Union[str, Path]] = None) -> None:
        from okrlib.views import export

        self._export = export
        self.plan = plan
        self.folder = folder
        self.label = text.say("takeaway.status.button")
        self.button = W.Button(description=self.label, button_style="primary")
        self.result = W.HTML()
        self.status = W.HTML()
        self.button.on_click(lambda _: self.run())
        self.widget = W.VBox([self.result, self.status, self.button])
        plan.on_change(lambda _wb: self.refresh())
        self.run()

    def run(self) -> Any:
        """Export the plan as it is now; the result (files, time, any PNG problem) shows above the button."""
        written = self._export.export_all(self.plan, self.folder)
        self.result.value = written._repr_html_()
        self.refresh()
        return written

    def refresh(self) -> None:
        status = self._export.last_export(self.plan, self.folder)
        css = "okr-ok" if status.ok else "okr-bad"
        self.status.value = f"{_STYLE}<div class='{css}'>{esc(status.message)}</div>"


def export_panel(plan: PlanFile, folder: Optional[Union[str, Path]] = None) -> Any:
    """M8's take-away export (Markdown, HTML, Excel, PNG into the workspace's export folder),
    with a status that warns when the plan changed after the last export and a button to export again."""
    return _ExportPanel(plan, folder)

