"""The course's tools as ipywidgets forms, bound to the participant's plan file.

A thin shell over okrlib.plan.editing (what is read, checked and saved), okrlib.method.analyze (live KR
feedback), okrlib.method.checks (the T10 checklist) and okrlib.course.reference (the libraries): every
decision is made there and tested without a browser; this module only lays widgets out.

What a participant can count on in every form:

* a refused edit shows its reason in Chinese under the field, keeps what was typed, and leaves
  the file untouched; an accepted edit is saved at once (atomically) and says so;
* a form opens with what was saved, so a restarted kernel loses nothing;
* labels are shown whole (never cut to the widget's description width);
* text from the plan is always shown as text (escaped), never run as HTML.

``tool("T04", plan)`` builds any tool of the course from okrlib/data/tools.yaml.
Headless runs (papermill) pass ``samples=[{field: text, ...}, ...]``: each sample goes through
the same submit path a click takes.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import ipywidgets as W

from okrlib.plan import editing
from okrlib.words import labels, numbers, text
from okrlib.words.resources import data_file
from okrlib.plan.editing import EditError
from okrlib.storage.planfile import PlanFile
from okrlib.words.problems import WorkbookError
from okrlib.plan.fields import FieldInfo, fields as field_infos
from okrlib.plan.model import Workbook

__all__ = ["show_in", "SectionForm", "OkrEditor", "ChecklistView", "ReferenceBrowser", "AlignmentBaseline", "ReviewForm",
           "tool", "tools", "open_plan"]

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
</style>"""


def esc(value: Any) -> str:
    """Text from a plan or a case, made safe to put in HTML."""
    return html.escape("" if value is None else str(value))


def _in_widget_callback() -> bool:
    """Whether the kernel is handling a widget event (a click, a choice) rather than running a cell."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent() if kernel is not None and hasattr(kernel, "get_parent") else None
        return bool(parent) and parent.get("header", {}).get("msg_type") == "comm_msg"
    except Exception:  # no kernel at all (plain Python, tests): no frontend to capture for
        return False


def show_in(out: W.Output, *objects: Any) -> None:
    """Replace what an output area shows with ``objects`` (figures, HTML, Markdown).

    Two ways: while a cell runs (papermill, Voilà's first render, a cell run in
    JupyterLab) the content is set as the widget's ``outputs`` state, because capturing with
    ``with out:`` goes through the runner's output-widget emulation, which stalls a cell until
    its timeout (jupyter/nbclient#312). During a widget event a real frontend is attached, and
    capturing is what it renders best (plotly's renderer logs an error for figures that arrive
    as widget state).
    """
    objects = tuple(o for o in objects if o is not None)
    if _in_widget_callback():
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


def open_plan(path: Union[str, Path], **new: Any) -> PlanFile:
    """The participant's plan file (created with ``new`` basics when it does not exist yet)."""
    return PlanFile(path, **new)


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


class SectionForm(_Shown):
    """Add, edit and delete the rows of one section; or edit the plan's basics (``meta``)."""

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
        head = [kit.html(_STYLE + (f"<h4>{esc(title)}</h4>" if title else "") + (f"<div class='okr-help'>{esc(help)}</div>" if help else ""))]
        is_list = section != "meta"
        if is_list:
            choose = text.say("ui.form.choose", item=labels.item(section))
            head.append(kit.box(W.HBox, [kit.html(f"<div class='okr-label'>{esc(choose)}</div>",
                                                  width=_LABEL_WIDTH, min_width=_LABEL_WIDTH), self.chooser]))
        buttons = [self.save_button] + ([self.new_button, self.delete_button] if is_list else [])
        self.widget = kit.box(W.VBox, head + rows + [kit.box(W.HBox, buttons), self.status])
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
            options = [(editing.row_label(r), getattr(r, self.key)) for r in rows]
            self._quiet = True
            self.chooser.options = [(text.say("ui.form.new_row"), None)] + options
            self.chooser.value = self.current if self.current in {k for _, k in options} else None
            self._quiet = False

    _quiet = False

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

    def submit(self) -> bool:
        """Check and save what is typed; True when saved. A refusal changes nothing but the messages."""
        self._clear_errors()
        self._confirm_delete = False
        values = self.values()
        try:
            self.plan.apply(self.section, values, self.current if self.section != "meta" else None)
        except EditError as exc:
            general = []
            for name, problems in exc.by_field.items():
                said = "<br>".join(esc(p.message_zh) for p in problems)
                if name in self.errors:
                    self.errors[name].value = f"<div class='okr-error'>⚠ {said}</div>"
                else:
                    general.append(said)
            n = len(exc.problems)
            extra = f"<br>{'<br>'.join(general)}" if general else ""
            self.status.value = f"<span class='okr-bad'>{esc(text.say('ui.form.refused', n=n))}{extra}</span>"
            return False
        except (OSError, WorkbookError) as exc:
            self.status.value = f"<span class='okr-bad'>{esc(text.say('ui.form.cannot_save', reason=str(exc)))}</span>"
            return False
        if self.section != "meta":
            key = values.get(self.key)
            self.current = key
            self._refresh_choices()
            self.show(key)
        else:
            self.show(None)
        self.status.value = f"<span class='okr-ok'>{esc(text.say('ui.form.saved', file=self.plan.path.name))}</span>"
        return True

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

        ref = reference.get(library)
        self.frame = ref.frame
        self.max_rows = max_rows
        self.filters: dict[str, W.Dropdown] = {}
        for col in self.frame.columns:
            if isinstance(self.frame[col].dtype, pd.CategoricalDtype) and col not in ("source_status",):
                cats = [str(c) for c in self.frame[col].cat.categories]
                dd = W.Dropdown(options=[(text.say("ui.reference.all"), None)] + [(c, c) for c in cats], description="",
                                layout=W.Layout(width="12em"))
                dd.observe(lambda _: self.refresh(), names="value")
                self.filters[col] = dd
        self.search = W.Text(placeholder=text.say("ui.reference.search_placeholder"), layout=W.Layout(width="16em"),
                             continuous_update=False)
        self.search.observe(lambda _: self.refresh(), names="value")
        self.out = W.HTML()
        bar = [W.VBox([W.HTML(f"<div class='okr-label'>{esc(col)}</div>"), dd]) for col, dd in self.filters.items()]
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
        table = numbers.table(shown).to_html(index=False, escape=True, na_rep="", classes="okr-table", border=0)
        self.out.value = f"<div class='okr-help'>{esc(count)}</div>" + table


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
        legend_words = text.entry("ui.baseline.rules")
        bad = {(f.rule, f.target) for f in report.findings}
        head = "".join(f"<th>{esc(r)}</th>" for r in self.rules)
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
        legend = "".join(f"<li><b>{esc(r)}</b>{esc(text.say('labels.colon'))}{esc(text.say(f'ui.baseline.rules.{r}'))}</li>"
                         for r in self.rules if r in legend_words)
        self.out.value = _STYLE + (f"<table class='okr-table'><tr><th>{esc(text.say('ui.baseline.row'))}</th>{head}</tr>"
                                   f"{''.join(body)}</table>" if body else f"<p>{esc(text.say('ui.baseline.no_objectives'))}</p>"
                                   ) + f"<ul class='okr-help'>{legend}</ul>"


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

    ``samples``: rows to submit at once, as a participant would (headless runs); for T10 a
    mapping ``{"objectives": [...], "key_results": [...]}``.
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
    if spec.get("reference"):
        parts.append(ReferenceBrowser(spec["reference"]))
    widgets = [head] + [p.widget for p in parts]
    if chart and spec.get("chart"):
        parts.append(_ChartPanel(plan, spec["chart"]))
        widgets.append(parts[-1].widget)
    return _Tool(parts, W.VBox(widgets), title)


class _ChartPanel(_Shown):
    """A chart of okrlib.views.charts that follows the plan (redrawn after each saved edit)."""

    def __init__(self, plan: PlanFile, name: str) -> None:
        self.plan = plan
        self.name = name
        self.label = f"charts.{name}"
        self.widget = W.Output()
        from okrlib.views.charts import reads

        plan.on_change(lambda _: self.refresh(), reads(name))
        self.refresh()

    def refresh(self) -> None:
        from okrlib.views import charts

        self.figure = getattr(charts, self.name)(self.plan.workbook)
        show_in(self.widget, self.figure)


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
