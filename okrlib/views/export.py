"""The participant's take-away (module M8): the plan as a page to print, and every file at once.

``to_html`` writes the plan as one self-contained Chinese HTML page — the "年度契约 / OKR 初稿":
the company goal chain, the product goals, each O with its KRs (owners, dates, current score,
confidence and pace), tasks, risks, check-ins, then the checklist (T10) with each indicator
coloured and every finding with its fix hint. No script, no external file, no timestamp: the
same plan gives the same page, and it opens anywhere.

``export_all`` writes, into one folder, ``<name>.md`` (``okrlib.views.report.to_markdown``),
``<name>.html``, ``<name>.xlsx`` (``okrlib.storage.tables.to_excel``) and ``<name>-alignment.png`` (the
alignment tree, via kaleido and a Chromium), each atomically (``okrlib.storage.yaml_file.atomic_write``).
A PNG needs a browser that a participant's machine may lack; that must not cost them the other
three files, so a PNG problem is recorded in the result, in Chinese and English, not raised.

Every piece of user text in the HTML goes through ``html.escape``: a KR named
``<script>alert(1)</script>`` is shown as that text and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence, Union

from okrlib.words.version import VERSION as __version__
from okrlib.words import labels
from okrlib.method import scoring
from okrlib.views import png as _png
from okrlib.words.resources import data_file
from okrlib.plan.model import Trace, Workbook
from okrlib.views.report import to_markdown
from okrlib.storage.yaml_file import atomic_write
from okrlib.storage.tables import to_excel

if TYPE_CHECKING:  # pragma: no cover
    from okrlib.method.checks import CheckReport

__all__ = ["to_html", "export_all", "ExportResult", "png_problem", "prepare_png"]

PathLike = Union[str, "os.PathLike[str]"]
NONE = "—"


class ExportResult(dict):  # dict[str, Path]
    """What ``export_all`` wrote: kind (``md``, ``html``, ``xlsx``, ``png``) -> path.

    A plain ``dict[str, Path]`` of the files that exist, plus ``problems``: kind -> a message in
    Chinese and English for each file that could not be written (today only ``png``, when kaleido
    or a Chromium is missing). ``ok`` is True when nothing is missing.
    """

    def __init__(self, written: dict[str, Path], problems: Optional[dict[str, str]] = None) -> None:
        super().__init__(written)
        self.problems: dict[str, str] = dict(problems or {})

    @property
    def ok(self) -> bool:
        return not self.problems

    def _repr_html_(self) -> str:
        """In a notebook: the files written, and what could not be, in Chinese."""
        names = {"md": "Markdown", "html": "网页 HTML", "xlsx": "Excel", "png": "对齐图 PNG"}
        rows = "".join(f"<li>{html.escape(names.get(k, k))}:<code>{html.escape(str(p))}</code></li>" for k, p in self.items())
        bad = "".join(f"<li style='color:#b42318'>{html.escape(m)}</li>" for m in self.problems.values())
        return f"<b>已导出 {len(self)} 个文件</b><ul>{rows}{bad}</ul>"

    def __repr__(self) -> str:
        base = dict.__repr__(self)
        return f"ExportResult({base}, problems={self.problems!r})" if self.problems else f"ExportResult({base})"


# --------------------------------------------------------------------------------------------
# Words and small helpers
# --------------------------------------------------------------------------------------------


def _w(key: str) -> str:
    return data_file("charts")["export"][key]


def _e(text: Any) -> str:
    """User text as inert HTML; line breaks kept as ``<br>``."""
    if text is None or text == "":
        return NONE
    return "<br>".join(html.escape(line) for line in str(text).replace("\r\n", "\n").split("\n"))


def _num(value: Optional[float]) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return NONE
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _date(value: Optional[dt.date]) -> str:
    return value.isoformat() if value is not None else NONE


def _range(baseline: Optional[float], target: Optional[float], unit: str) -> str:
    if baseline is None and target is None:
        return NONE
    out = f"{_num(baseline)} → {_num(target)}"
    return f"{out} {html.escape(unit)}" if unit else out


def _choice(vocab: str, code: Optional[str]) -> str:
    return html.escape(labels.choice(vocab, code) or NONE) if code is not None else NONE


def _f(section: str, name: str) -> str:
    return html.escape(labels.field(section, name))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> list[str]:
    """An HTML table; ``header`` and cells are HTML already (escaped by the caller)."""
    out = [f'<table class="{cls}">' if cls else "<table>", "<thead><tr>"]
    out += [f"<th>{h}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    count = 0
    for row in rows:
        count += 1
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return out if count else [f'<p class="empty">{_w("empty")}</p>']


def _badge(text: str, color: str) -> str:
    return f'<span class="badge" style="background:{color}">{text}</span>'


def _colors() -> dict[str, Any]:
    return data_file("charts")["colors"]


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def _goal_chain(wb: Workbook) -> list[str]:
    """Company goals as a nested list (使命愿景 → 年度策略 → 业务目标), each with its product goals."""
    if not wb.company_goals:
        return [f'<p class="empty">{_w("empty")}</p>']
    children: dict[Optional[str], list[Any]] = {}
    for g in wb.company_goals:
        children.setdefault(g.parent, []).append(g)
    pgs: dict[str, list[Any]] = {}
    for p in wb.product_goals:
        if p.derived_from is not None:
            pgs.setdefault(p.derived_from, []).append(p)
    decode_fields = ["essence", "drivers", "constraints", "risks", "relevance", "relevance_note"]

    def goal(g: Any) -> list[str]:
        out = [
            "<li>",
            f'<span class="level">{_choice("goal_level", g.level)}</span> <b>{html.escape(g.id)}</b> {_e(g.statement)}',
        ]
        d = g.decode
        filled = [(k, getattr(d, k)) for k in decode_fields if getattr(d, k) not in (None, "")]
        if filled:
            out.append('<dl class="decode">')
            for k, v in filled:
                shown = f"{v}/5" if k == "relevance" else _e(v)
                out.append(f"<dt>{_f('company_goals', 'decode.' + k)}</dt><dd>{shown}</dd>")
            out.append("</dl>")
        if pgs.get(g.id):
            out.append('<ul class="pg">')
            for p in pgs[g.id]:
                out.append(
                    f'<li><span class="level">{_choice("product_role", p.role)}</span> '
                    f"<b>{html.escape(p.id)}</b> {_e(p.statement)}</li>"
                )
            out.append("</ul>")
        kids = children.get(g.id, [])
        if kids:
            out.append("<ul>")
            for k in kids:
                out += goal(k)
            out.append("</ul>")
        out.append("</li>")
        return out

    out = ['<ul class="chain">']
    for root in children.get(None, []):
        out += goal(root)
    out.append("</ul>")
    return out


def _product_goals(wb: Workbook) -> list[str]:
    s = "product_goals"
    return _table(
        ["编号", _f(s, "role"), _f(s, "statement"), _f(s, "metric"), "基线 → 目标", _f(s, "deadline"),
         "投入 / 回报", _f(s, "derived_from")],
        (
            [
                html.escape(p.id),
                _choice("product_role", p.role),
                _e(p.statement),
                _e(p.metric),
                _range(p.baseline, p.target, p.unit),
                _date(p.deadline),
                (f"{_num(p.roi.investment)} / {_num(p.roi.expected_return)} {html.escape(p.roi.unit)}"
                 if p.roi.investment is not None or p.roi.expected_return is not None else NONE),
                _e(p.derived_from) if p.derived_from else f'<span class="warn">{_w("unlinked")}</span>',
            ]
            for p in wb.product_goals
        ),
    )


def _chain(trace: Trace) -> str:
    parts = [f"{html.escape(labels.item(s.section))} {html.escape(s.id)}" for s in trace.steps]
    line = " → ".join(parts)
    if not trace.complete:
        line += f' <span class="warn">⚠ {_w("broken_chain")}</span>'
    return line


def _okrs(wb: Workbook, frame: Any) -> list[str]:
    if not wb.objectives:
        return [f'<p class="empty">{_w("empty")}</p>']
    colors = _colors()
    by_kr = {row.key_result: row for row in frame.itertuples(index=False)}
    chains = wb.traces("objectives")
    s = "key_results"
    out: list[str] = []
    for o in wb.objectives:
        out.append(f'<div class="objective"><h3>{html.escape(o.id)} {_e(o.statement)}</h3>')
        facts = [f"{_f('objectives', 'kind')}:{_choice('objective_kind', o.kind)}"]
        facts.append(f"{_f('objectives', 'owner')}:{_e(o.owner)}")
        facts.append(f"{_w('trace')}:{_chain(chains[o.id])}")
        out.append('<p class="facts">' + " · ".join(facts) + "</p>")
        rows = []
        for kr in wb.key_results_of(o.id):
            r = by_kr.get(kr.id)
            score = getattr(r, "score", None)
            has_score = score is not None and score == score
            band = getattr(r, "band", None) if has_score else None
            pace = getattr(r, "pace", None)
            conf = getattr(r, "confidence", None)
            score_cell = (
                _badge(f"{score:.2f} {html.escape(scoring.band_label(band))}", colors["band"][band]) if band else NONE
            )
            pace_cell = _badge(html.escape(scoring.pace_label(pace)), colors["pace"][pace]) if isinstance(pace, str) else NONE
            conf_cell = f"{int(conf)}/10" if conf is not None and conf == conf else NONE
            value = getattr(r, "value", None)
            rows.append(
                [
                    html.escape(kr.id), _e(kr.statement), _range(kr.baseline, kr.target, kr.unit), _e(kr.owner),
                    _date(kr.due), _choice("kr_dimension", kr.dimension), _num(value), score_cell, conf_cell, pace_cell,
                ]
            )
        if rows:
            out += _table(
                ["编号", labels.section("key_results"), "基线 → 目标", _f(s, "owner"), _f(s, "due"), _f(s, "dimension"),
                 _f("checkins", "value"), _w("score"), _f("checkins", "confidence"), _w("pace")],
                rows,
            )
        else:
            out.append(f'<p class="empty">{_w("no_krs")}</p>')
        out.append("</div>")
    return out


def _tasks(wb: Workbook) -> list[str]:
    s = "tasks"
    return _table(
        ["编号", _f(s, "key_result"), _f(s, "title"), _f(s, "owner"), _f(s, "due"), _f(s, "status")],
        (
            [html.escape(t.id), html.escape(t.key_result), _e(t.title), _e(t.owner), _date(t.due),
             _choice("task_status", t.status)]
            for t in wb.tasks
        ),
    )


def _risks(wb: Workbook) -> list[str]:
    from okrlib.views.charts import risk_band  # scoring's band with the matrix colour

    s = "risks"

    def level(score: int) -> str:
        b = risk_band(score)
        return _badge(f"{score} {html.escape(b['zh'])}", b["color"])

    return _table(
        ["编号", _f(s, "description"), _f(s, "likelihood"), _f(s, "impact"), _w("risk_score"), _f(s, "response"),
         _f(s, "owner"), _f(s, "relates_to")],
        (
            [html.escape(r.id), _e(r.description), str(r.likelihood), str(r.impact), level(r.score), _e(r.response),
             _e(r.owner), _e(r.relates_to)]
            for r in sorted(wb.risks, key=lambda r: -r.score)
        ),
    )


def _checkins(wb: Workbook) -> list[str]:
    s = "checkins"
    return _table(
        ["编号", _f(s, "key_result"), _f(s, "date"), _f(s, "value"), _f(s, "confidence"), _f(s, "note")],
        (
            [html.escape(c.id), html.escape(c.key_result), _date(c.date), _num(c.value),
             f"{c.confidence}/10" if c.confidence is not None else NONE, _e(c.note)]
            for c in sorted(wb.checkins, key=lambda c: (c.key_result, c.date))
        ),
    )


def _checklist(report: "CheckReport") -> list[str]:
    colors = _colors()["status"]
    status_color = {"pass": colors["ok"], "warn": colors["warning"], "fail": colors["error"]}
    status_word = {"pass": _w("pass"), "warn": _w("warn"), "fail": _w("fail")}
    out = [f'<p class="score">{_w("checklist_score")}:<b>{report.score:g}</b> / 100</p>']
    out += _table(
        [_w("dimension"), _w("indicator"), _w("status"), _w("findings")],
        (
            [html.escape(i.dimension_zh), html.escape(i.name_zh), _badge(status_word[i.status], status_color[i.status]),
             str(i.findings)]
            for i in report.indicators
        ),
        cls="indicators",
    )
    sev_color = {"error": colors["error"], "warning": colors["warning"], "info": _colors()["unlinked"]}
    out.append(f"<h3>{_w('findings')}</h3>")
    if not report.findings:
        out.append(f'<p class="empty">{_w("no_findings")}</p>')
        return out
    out.append('<ul class="findings">')
    order = {"error": 0, "warning": 1, "info": 2}
    for f in sorted(report.findings, key=lambda f: order.get(f.severity, 3)):
        out.append(
            f"<li>{_badge(_w('severity_' + f.severity), sev_color.get(f.severity, '#999'))} "
            f"<b>{html.escape(f.target)}</b> {_e(f.message_zh)}"
            f'<div class="hint">{_w("hint")}:{_e(f.hint)}</div></li>'
        )
    out.append("</ul>")
    return out


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
 color:#263238;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.6}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #cfd8dc;padding-bottom:.2em;margin-top:1.8em}
.sub{color:#546e7a;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #cfd8dc;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#eceff1}
.badge{display:inline-block;padding:0 .5em;border-radius:.6em;color:#fff;font-size:.9em;white-space:nowrap;
 text-shadow:0 0 2px rgba(0,0,0,.45)}
.level{display:inline-block;background:#e3eaf2;border-radius:.3em;padding:0 .4em;font-size:.85em}
.chain li{margin:.3em 0}.decode{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;
 font-size:.9em;color:#455a64;margin:.3em 0 .3em 1em}.decode dt{font-weight:bold}.decode dd{margin:0}
.objective{margin:1.2em 0}.facts{color:#455a64;font-size:.92em}.warn{color:#e65100}
.empty{color:#90a4ae}.hint{color:#455a64;font-size:.92em;margin-left:1em}.findings li{margin:.4em 0}
.score{font-size:1.1em}footer{margin-top:3em;color:#90a4ae;font-size:.85em}
@media print{body{margin:0}h2{break-after:avoid}.objective{break-inside:avoid}}
"""


def to_html(wb: Workbook, report: Optional["CheckReport"] = None, *, as_of: Optional[dt.date] = None) -> str:
    """The plan as one self-contained Chinese HTML page, the "年度契约 / OKR 初稿".

    ``report`` is the checklist to show (``okrlib.method.checks.check(wb, as_of=as_of)`` when None);
    scores, confidence and pace are as of ``as_of`` (default: the plan's latest check-in).
    Inline CSS, no script, no external resource, no timestamp.
    """
    if report is None:
        from okrlib.method.checks import check

        report = check(wb, as_of=as_of)
    when = scoring.reference_date(wb) if as_of is None else as_of
    frame = scoring.scores_frame(wb, when)
    meta = wb.meta
    cycle = meta.cycle
    title = f"{_w('title')} · {html.escape(meta.team)} · {html.escape(meta.product)}"
    sections: list[tuple[str, list[str]]] = [
        (_w("goal_chain"), _goal_chain(wb)),
        (labels.section("product_goals"), _product_goals(wb)),
        ("OKR", _okrs(wb, frame)),
        (labels.section("tasks"), _tasks(wb)),
        (labels.section("risks"), _risks(wb)),
        (labels.section("checkins"), _checkins(wb)),
        (_w("checklist"), _checklist(report)),
    ]
    head = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_w('title')}</h1>",
        f'<p class="sub">{html.escape(meta.team)} · {html.escape(meta.product)}'
        f"({_choice('product_type', meta.product_type)})"
        + (f" · {html.escape(meta.company)}" if meta.company else "")
        + f" · {html.escape(cycle.label)}({cycle.start_date.isoformat()} ~ {cycle.end_date.isoformat()})"
        f" · {_w('as_of')} {when.isoformat()}</p>",
        "</header>",
    ]
    body: list[str] = []
    for number, (heading, content) in enumerate(sections, 1):
        body.append(f"<section><h2>{number}. {html.escape(heading)}</h2>")
        body += content
        body.append("</section>")
    foot = [f"<footer>{_w('footer')} okrlib {html.escape(__version__)}</footer>", "</body>", "</html>", ""]
    return "\n".join(head + body + foot)


# --------------------------------------------------------------------------------------------
# All files
# --------------------------------------------------------------------------------------------


def png_problem() -> Optional[str]:
    """Why a PNG cannot be made here (Chinese / English), or None when kaleido >= 1.0 and a
    Chromium are there. Sets ``$BROWSER_PATH`` to Debian's ``/usr/bin/chromium`` when unset."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return _w("png_no_kaleido")
    try:
        from importlib.metadata import version as _version

        version = _version("kaleido")
    except Exception:  # not installed as a distribution (vendored): trust the module
        version = str(getattr(kaleido, "__version__", "1"))
    try:
        major = int(version.split(".")[0])
    except ValueError:
        major = 0
    if major < 1:
        return _w("png_old_kaleido").format(version=version)
    from okrlib.views.charts import ensure_browser_path

    path = ensure_browser_path()
    if path is not None and not os.path.exists(path):
        return _w("png_bad_browser").format(path=path)
    if path is None:
        import shutil

        found = any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome", "chrome"))
        if not found:
            return _w("png_no_browser")
    return None


def prepare_png() -> None:
    """Start the browser that draws the PNG now, in the background; returns at once.

    Starting it is most of an export's wait (~3 s). A notebook that calls this early finds it
    open when the participant exports; without it ``export_all`` starts it (and keeps it for the
    next export). Nothing happens when a PNG cannot be made here: ``export_all`` says why.
    """
    if png_problem() is None:
        _png.prepare()


def _check_name(name: str) -> None:
    if not name or name in (".", "..") or any(sep in name for sep in ("/", "\\", os.sep)):
        raise ValueError(f"name must be a plain file name without folders, not {name!r}")


def export_all(
    wb: Workbook,
    folder: PathLike,
    *,
    report: Optional["CheckReport"] = None,
    name: str = "plan",
    as_of: Optional[dt.date] = None,
) -> ExportResult:
    """Write ``<name>.md``, ``<name>.html``, ``<name>.xlsx`` and ``<name>-alignment.png`` into
    ``folder`` (created if missing), each atomically; existing files of those names are replaced.

    Returns an :class:`ExportResult`: a ``dict[str, Path]`` from ``"md"``, ``"html"``,
    ``"xlsx"``, ``"png"`` to the files written. When the PNG cannot be made (no kaleido, no
    Chromium, the browser failed) the other three are still written, ``"png"`` is absent and
    ``result.problems["png"]`` says why in Chinese and English; nothing is raised for it.
    Errors writing the other files (a folder that cannot be written) are raised as usual.
    """
    _check_name(name)
    if report is None:
        from okrlib.method.checks import check

        report = check(wb, as_of=as_of)
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    problems: dict[str, str] = {}

    # The PNG is drawn by a Chromium (okrlib.views.png: seconds to start, kept open for the next
    # export; ``prepare_png`` starts it early): it is drawn in a thread while the other three
    # files are written.
    png = out_dir / f"{name}-alignment.png"
    problem = png_problem()
    drawn: dict[str, Any] = {}
    drawing: Optional[threading.Thread] = None
    if problem is None:
        from okrlib.views.charts import alignment_tree

        fig = alignment_tree(wb, report, as_of=as_of)

        def draw() -> None:
            try:
                drawn["png"] = _png.draw(fig)
            except Exception as exc:  # a browser that will not start must not cost the other files
                drawn["error"] = exc

        drawing = threading.Thread(target=draw, name="okrlib-png", daemon=True)
        drawing.start()
    try:
        md = out_dir / f"{name}.md"
        atomic_write(md, lambda h: h.write(to_markdown(wb).encode("utf-8")))
        written["md"] = md
        page = out_dir / f"{name}.html"
        atomic_write(page, lambda h: h.write(to_html(wb, report, as_of=as_of).encode("utf-8")))
        written["html"] = page
        xlsx = out_dir / f"{name}.xlsx"
        atomic_write(xlsx, lambda h: to_excel(wb, h))
        written["xlsx"] = xlsx
    finally:
        if drawing is not None:
            drawing.join()
    if "png" in drawn:
        atomic_write(png, lambda h: h.write(drawn["png"]))
        written["png"] = png
    elif "error" in drawn:
        exc = drawn["error"]
        problem = _w("png_failed").format(error=f"{type(exc).__name__}: {exc}")
    if problem is not None:
        problems["png"] = problem
    return ExportResult(written, problems)
