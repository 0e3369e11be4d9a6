"""The participant's take-away (module M8): the plan as a page to print, and every file at once.

``to_html`` writes the plan as one self-contained Chinese HTML page — the "年度契约 / OKR 初稿" —
from the document :func:`okrlib.views.takeaway.build` makes, the one walk of the plan that the
Markdown (:mod:`okrlib.views.report`) is written from too: the same sections in the same course
order, the same words, the same numbers. Here it only gets its look: badges (score bands, pace,
checklist status, severity, risk bands) in the colours of ``charts.yaml``, inline CSS. No
script, no external file, no timestamp: the same plan gives the same bytes, and it opens anywhere.

``export_all`` writes, into one folder, each atomically (``okrlib.storage.yaml_file.atomic_write``):

* ``<name>.md`` and ``<name>.html``: the whole document (head, contents, KR scores, the twelve
  sections);
* ``<name>.xlsx``: the same document as sheets to read (:func:`to_sheets`: an overview sheet
  with the head, the contents and every KR's score, then one sheet per section, numbered and
  named as in the other files), followed by the plan's own sheets, so the file still imports
  with ``okrlib import`` (``okrlib.storage.tables.to_excel``);
* ``<name>-alignment.png`` and ``<name>-overview.png`` (via kaleido and a Chromium): what a
  picture can carry of the document. The alignment tree (company goal → product goal → O → KR,
  coloured by checklist status) under the document's title with the checklist's score and the
  review's scores; and the overview (:func:`overview_figure`): the same title and score line,
  the plan's basics, the contents (the twelve sections with their counts) and every KR's score
  in the colour of its band. The sections' full tables are not drawn: they are in the other files;
* ``<name>-export.json``: when the export was made and a fingerprint of the plan it was made
  from, so :func:`last_export` can tell the M8 notebook whether the plan changed since.

A PNG needs a browser that a participant's machine may lack; that must not cost them the other
files, so a PNG problem is recorded in the result, in Chinese and English, not raised.

Every string in the HTML goes through ``html.escape``: a KR named ``<script>alert(1)</script>``
is shown as that text and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from okrlib.course import workspace
from okrlib.plan.model import Workbook
from okrlib.storage.tables import ReportSheet, to_excel
from okrlib.storage.yaml_file import atomic_write, write_text
from okrlib.storage.yaml_file import load as _load_plan
from okrlib.views import png as _png
from okrlib.views import takeaway
from okrlib.views.report import render_markdown
from okrlib.views.takeaway import (
    Badge, Block, Chain, Content, Document, Group, KeyValues, Node, Paragraph, Span, Table, Tree,
)
from okrlib.words import numbers, text
from okrlib.words.resources import data_file

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from okrlib.method.checks import CheckReport

__all__ = [
    "to_html", "render_html", "to_sheets", "overview_figure", "png_figures", "export_all", "ExportResult",
    "ExportStatus", "last_export", "plan_fingerprint", "png_problem", "prepare_png",
]

PathLike = Union[str, "os.PathLike[str]"]


def _both(key: str, **values: Any) -> str:
    """A message of export_all in Chinese and English, one after the other."""
    return " / ".join(text.both(f"takeaway.{key}", **values))


class ExportResult(dict):  # dict[str, Path]
    """What ``export_all`` wrote: kind (``md``, ``html``, ``xlsx``, ``png``, ``png_overview``) -> path.

    A plain ``dict[str, Path]`` of the files that exist, plus ``problems``: kind -> a message in
    Chinese and English for each file that could not be written (today only ``png``, when kaleido
    or a Chromium is missing). ``ok`` is True when nothing is missing. ``exported_at`` is when
    the export was made; shown in a notebook it also says, each time it is shown, whether the
    plan changed since (:func:`last_export`).
    """

    def __init__(self, written: dict[str, Path], problems: Optional[dict[str, str]] = None, *,
                 exported_at: Optional[dt.datetime] = None, plan: Any = None, folder: Optional[Path] = None,
                 name: str = "plan") -> None:
        super().__init__(written)
        self.problems: dict[str, str] = dict(problems or {})
        self.exported_at = exported_at
        self._source = (plan, folder, name)

    @property
    def ok(self) -> bool:
        return not self.problems

    def status(self) -> Optional["ExportStatus"]:
        """The export's status now (None when the result does not know its plan and folder)."""
        plan, folder, name = self._source
        if plan is None or folder is None:
            return None
        return last_export(plan, folder, name=name)

    def _repr_html_(self) -> str:
        """In a notebook: the files written and when, what could not be, and whether the plan
        changed since, in Chinese."""
        names = text.entry("takeaway.files")

        def item(kind: str, path: Path) -> str:
            name = text.say(f"takeaway.files.{kind}") if kind in names else kind
            return takeaway.word("pair", name=html.escape(name), value=f"<code>{html.escape(str(path))}</code>")

        rows = "".join(f"<li>{item(k, p)}</li>" for k, p in self.items())
        bad = "".join(f"<li style='color:#b42318'>{html.escape(m)}</li>" for m in self.problems.values())
        if self.exported_at is None:
            head = takeaway.word("exported", count=len(self))
        else:
            head = takeaway.word("exported_at", count=len(self), time=numbers.timestamp(self.exported_at))
        status = self.status()
        stale = f"<p style='color:#b42318'><b>{html.escape(status.message)}</b></p>" if status and status.changed else ""
        return f"{stale}<b>{html.escape(head)}</b><ul>{rows}{bad}</ul>"

    def __repr__(self) -> str:
        base = dict.__repr__(self)
        return f"ExportResult({base}, problems={self.problems!r})" if self.problems else f"ExportResult({base})"


# --------------------------------------------------------------------------------------------
# The HTML writer
# --------------------------------------------------------------------------------------------


def _esc(value: Any) -> str:
    """Text as inert HTML; its line breaks kept as ``<br>``."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(html.escape(line) for line in lines)


def _path(key: str) -> Any:
    node: Any = data_file("charts")
    for part in key.split("."):
        node = node[part]
    return node


def _badge_colour(kind: str, code: str) -> str:
    """A badge's colour from charts.yaml: ``export.badges`` names, for each kind, the colours it
    takes (a table of codes, or one entry per code)."""
    spec = data_file("charts")["export"]["badges"][kind]
    return _path(spec)[code] if isinstance(spec, str) else _path(spec[code])


_TONE_TAG = {"strong": "b", "tag": 'span class="tag"', "warn": 'span class="warn"'}


def _inline(piece: Any) -> str:
    if isinstance(piece, Badge):
        kind, code = html.escape(piece.kind), html.escape(piece.code)
        colour = html.escape(_badge_colour(piece.kind, piece.code))
        return f'<span class="badge {kind} {kind}-{code}" style="background:{colour}">{_esc(piece.text)}</span>'
    if isinstance(piece, Span):
        tag = _TONE_TAG.get(piece.tone)
        if tag is None:
            return _esc(piece.text)
        return f"<{tag}>{_esc(piece.text)}</{tag.split()[0]}>"
    return _esc(piece)


def _content(content: Content) -> str:
    return " ".join(_inline(p) for p in takeaway.parts(content))


def _table(table: Table) -> list[str]:
    out = [f'<table class="{html.escape(table.kind)}">' if table.kind else "<table>", "<thead><tr>"]
    out += [f"<th>{_esc(h)}</th>" for h in table.header]
    out.append("</tr></thead><tbody>")
    out += ["<tr>" + "".join(f"<td>{_content(cell)}</td>" for cell in row) + "</tr>" for row in table.rows]
    out.append("</tbody></table>")
    return out


def _tree(nodes: tuple[Node, ...], cls: str = "") -> list[str]:
    out = [f'<ul class="{cls}">' if cls else "<ul>"]
    for node in nodes:
        out.append(f"<li>{_content(node.content)}")
        if node.children:
            out += _tree(node.children)
        out.append("</li>")
    out.append("</ul>")
    return out


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        opening = '<p class="empty">' if block.empty else "<p>"
        return [f"{opening}{_content(block.content)}</p>"]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, KeyValues):
        pairs = (takeaway.word("pair", name=_esc(k), value=_content(v)) for k, v in block.pairs)
        return ['<p class="facts">' + _esc(takeaway.word("facts_sep")).join(pairs) + "</p>"]
    if isinstance(block, Chain):
        steps = [_esc(s) for s in block.steps]
        if block.broken:
            steps.append(f'<span class="warn">{_esc(block.broken)}</span>')
        return ['<p class="chain">' + takeaway.word("pair", name=_esc(block.label), value=" → ".join(steps)) + "</p>"]
    if isinstance(block, Tree):
        return _tree(block.roots, "tree")
    if isinstance(block, Group):
        return ['<div class="group">', f"<h3>{_esc(block.title)}</h3>"] + _blocks(block.blocks) + ["</div>"]
    raise TypeError(f"no HTML for {type(block).__name__}")


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    return [line for block in blocks for line in _block(block)]


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
 color:#263238;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.6}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #cfd8dc;padding-bottom:.2em;margin-top:1.8em}
.sub{color:#546e7a;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
table.meta{width:auto}
th,td{border:1px solid #cfd8dc;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#eceff1}
.badge{display:inline-block;padding:0 .5em;border-radius:.6em;color:#fff;font-size:.9em;white-space:nowrap;
 text-shadow:0 0 2px rgba(0,0,0,.45)}
.badge.risk{color:#263238;text-shadow:none}
.tag{display:inline-block;background:#e3eaf2;border-radius:.3em;padding:0 .4em;font-size:.85em}
.tree li{margin:.3em 0}
.group{margin:1.2em 0}.facts,.chain{color:#455a64;font-size:.92em}.warn{color:#e65100}
.empty{color:#90a4ae}
footer{margin-top:3em;color:#90a4ae;font-size:.85em}
@media print{body{margin:0}h2{break-after:avoid}.group{break-inside:avoid}}
"""


def render_html(doc: Document) -> str:
    """The take-away document as one self-contained HTML page (inline CSS, no script)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(doc.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_esc(doc.title)}</h1>",
        f'<p class="sub">{_esc(doc.subtitle)}</p>',
    ]
    out += _table(doc.facts)
    out += _blocks(doc.overview)
    out.append("</header>")
    for number, section in enumerate(doc.sections, 1):
        out.append(f'<section id="{html.escape(section.key)}"><h2>{number}. {_esc(section.title)}</h2>')
        out += _blocks(section.blocks)
        out.append("</section>")
    out += [f"<footer>{_esc(doc.footer)}</footer>", "</body>", "</html>", ""]
    return "\n".join(out)


def to_html(wb: Workbook, report: Optional["CheckReport"] = None, *, as_of: Optional[dt.date] = None) -> str:
    """The plan as one self-contained Chinese HTML page, the "年度契约 / OKR 初稿".

    ``report`` is the checklist to show (``okrlib.method.checks.check(wb, as_of=as_of)`` when None);
    KR values, scores, confidence and pace are as of ``as_of`` (default: the plan's latest
    check-in). Inline CSS, no script, no external resource, no timestamp.
    """
    return render_html(takeaway.build(wb, report, as_of=as_of))


# --------------------------------------------------------------------------------------------
# All files
# --------------------------------------------------------------------------------------------


def png_problem() -> Optional[str]:
    """Why a PNG cannot be made here (Chinese / English), or None when kaleido >= 1.0 and a
    Chromium are there. Sets ``$BROWSER_PATH`` to Debian's ``/usr/bin/chromium`` when unset."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return _both("png_no_kaleido")
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
        return _both("png_old_kaleido", version=version)
    from okrlib.views.charts import ensure_browser_path

    path = ensure_browser_path()
    if path is not None and not os.path.exists(path):
        return _both("png_bad_browser", path=path)
    if path is None:
        import shutil

        found = any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome", "chrome"))
        if not found:
            return _both("png_no_browser")
    return None


def prepare_png() -> None:
    """Start the browser that draws the PNG now, in the background; returns at once.

    Starting the browser is most of an export's wait. A notebook that calls this early finds it
    open when the participant exports; without it ``export_all`` starts it (and keeps it for the
    next export). Nothing happens when a PNG cannot be made here: ``export_all`` says why.
    """
    if png_problem() is None:
        _png.prepare()


def _check_name(name: str) -> None:
    if not name or name in (".", "..") or any(sep in name for sep in ("/", "\\", os.sep)):
        raise ValueError(f"name must be a plain file name without folders, not {name!r}")


# --------------------------------------------------------------------------------------------
# The Excel sheets and the PNG pictures of the document
# --------------------------------------------------------------------------------------------


def _plain(content: Content) -> str:
    """A cell's or line's text as a reader sees it (no markup: a spreadsheet cell, a picture)."""
    return " ".join(p.text if isinstance(p, (Span, Badge)) else str(p) for p in takeaway.parts(content))


def _pair_text(key: str, value: str) -> str:
    return takeaway.word("pair", name=key, value=value)


_Row = tuple[str, tuple[str, ...]]


def _sheet_tree(nodes: tuple[Node, ...], depth: int = 0) -> list[_Row]:
    rows: list[_Row] = []
    for node in nodes:  # each level one column further right
        rows.append(("text", ("",) * depth + (_plain(node.content),)))
        rows += _sheet_tree(node.children, depth + 1)
    return rows


def _sheet_block(block: Block) -> list[_Row]:
    if isinstance(block, Paragraph):
        return [("text", (_plain(block.content),))]
    if isinstance(block, Table):
        return [("header", block.header)] + [("text", tuple(_plain(c) for c in row)) for row in block.rows]
    if isinstance(block, KeyValues):
        pairs = (_pair_text(k, _plain(v)) for k, v in block.pairs)
        return [("text", (takeaway.word("facts_sep").join(pairs),))]
    if isinstance(block, Chain):
        steps = list(block.steps) + ([block.broken] if block.broken else [])
        return [("text", (_pair_text(block.label, " → ".join(steps)),))]
    if isinstance(block, Tree):
        return _sheet_tree(block.roots)
    if isinstance(block, Group):
        return [("heading", (block.title,))] + _sheet_blocks(block.blocks)
    raise TypeError(f"no sheet for {type(block).__name__}")


def _sheet_blocks(blocks: tuple[Block, ...]) -> list[_Row]:
    rows: list[_Row] = []
    for block in blocks:
        if rows:
            rows.append(("text", ()))
        rows += _sheet_block(block)
    return rows


def section_heading(number: int, section: Any) -> str:
    """A section's numbered heading, ``5. OKR 与校验``: the same in every file and sheet name."""
    return takeaway.word("sheets.section", number=number, title=section.title)


def to_sheets(doc: Document) -> list[ReportSheet]:
    """The document as sheets to read: an overview (title, the plan's basics and key numbers,
    the contents, every KR's score), then one sheet per section, named by its numbered heading.
    Every cell is text as the other files show it."""
    head: list[_Row] = [("title", (doc.title,)), ("text", (doc.subtitle,)), ("text", ())]
    head += _sheet_block(doc.facts)
    if doc.overview:
        head += [("text", ())] + _sheet_blocks(doc.overview)
    head += [("text", ()), ("text", (takeaway.word("sheets.note"),)), ("text", (doc.footer,))]
    sheets = [ReportSheet(takeaway.word("sheets.overview"), tuple(head))]
    for number, section in enumerate(doc.sections, 1):
        rows = [("title", (section_heading(number, section),)), ("text", ())] + _sheet_blocks(section.blocks)
        sheets.append(ReportSheet(section_heading(number, section), tuple(rows)))
    return sheets


def _fact(doc: Document, label: str) -> str:
    """The value of the head's fact named ``label`` (``—`` when the head has none)."""
    for row in doc.facts.rows:
        if _plain(row[0]) == label:
            return _plain(row[1])
    return numbers.MISSING


def score_line(doc: Document) -> str:
    """The pictures' line under the title: the checklist's score and the review's scores, as the
    document's head says them."""
    check = _fact(doc, takeaway.word("meta.check_score"))
    return takeaway.word("png.score_line", score=check.split(" ")[0], review=_fact(doc, takeaway.word("meta.review")))


def _overview_tables(doc: Document) -> list[tuple[str, Table]]:
    found = [(doc.subtitle, doc.facts)]
    for block in doc.overview:
        if isinstance(block, Group):
            found += [(block.title, b) for b in block.blocks if isinstance(b, Table)]
    return found


def overview_figure(doc: Document) -> "go.Figure":
    """The document's overview as a picture: its title and score line, then its head's tables
    (the plan's basics, the contents with each section's count, every KR's score on the colour of
    its band), as plotly tables."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from okrlib.views import charts

    tables = _overview_tables(doc)
    # each table's share of the page: its rows (26 px each, a KR's statement may take two lines)
    weights = [27 * (len(t.rows) + 1) * (1.4 if t.kind == "kr_scores" else 1) + 12 for _, t in tables]
    fig = make_subplots(rows=len(tables), cols=1, specs=[[{"type": "table"}]] * len(tables),
                        row_heights=weights, vertical_spacing=0.04,
                        subplot_titles=[charts.escape(title) for title, _ in tables])
    white = "#ffffff"
    for i, (_, table) in enumerate(tables, 1):
        columns = list(zip(*[[_plain(c) for c in row] for row in table.rows])) or [()] * len(table.header)
        fills = [[next((_badge_colour(p.kind, p.code) for p in takeaway.parts(row[j]) if isinstance(p, Badge)), white)
                  for row in table.rows] for j in range(len(table.header))]
        fig.add_trace(
            go.Table(
                header={"values": [f"<b>{charts.escape(h)}</b>" for h in table.header], "fill_color": "#eceff1",
                        "align": "left"},
                cells={"values": [[charts.escape(v) for v in col] for col in columns], "fill_color": fills,
                       "align": "left", "height": 26},
                columnwidth=[3 if table.kind == "kr_scores" and j == 1 else 1 for j in range(len(table.header))],
                name=table.kind or "facts",
            ),
            row=i, col=1,
        )
    title = f"{charts.escape(doc.title)}<br><sup>{charts.escape(score_line(doc))}</sup>"
    fig.update_layout(title={"text": title}, template=charts.TEMPLATE, width=1100,
                      height=int(130 + sum(weights) + 70 * len(tables)),
                      margin={"t": 100, "l": 30, "r": 30, "b": 30})
    return fig


def png_figures(wb: Workbook, doc: Document, report: "CheckReport", as_of: Optional[dt.date] = None) -> dict[str, "go.Figure"]:
    """The pictures of an export, by result kind: ``png`` the alignment tree under the document's
    title and score line, ``png_overview`` the overview (:func:`overview_figure`)."""
    from okrlib.views import charts

    tree = charts.alignment_tree(wb, report, as_of=as_of)
    title = f"{charts.escape(doc.title)}<br><sup>{tree.layout.title.text} · {charts.escape(score_line(doc))}</sup>"
    tree.update_layout(title={"text": title}, height=tree.layout.height + 30,
                       margin={"t": (tree.layout.margin.t or 0) + 30})
    return {"png": tree, "png_overview": overview_figure(doc)}


_PNG_FILES = {"png": "{name}-alignment.png", "png_overview": "{name}-overview.png"}


# --------------------------------------------------------------------------------------------
# When the plan was exported, and whether it changed since
# --------------------------------------------------------------------------------------------

_MANIFEST = "{name}-export.json"


def _now() -> dt.datetime:
    """The time an export is made (a seam for tests)."""
    return dt.datetime.now().astimezone()


def _workbook_of(plan: Any) -> Workbook:
    """The plan of a Workbook, a plan file open in forms (its ``.workbook``) or a plan file's path."""
    if isinstance(plan, Workbook):
        return plan
    if hasattr(plan, "workbook"):
        return plan.workbook
    return _load_plan(Path(plan))


def plan_fingerprint(wb: Workbook) -> str:
    """What a plan holds, as one hash: two plans of the same content have the same fingerprint,
    whatever the file's time or layout, so an export is stale exactly when its plan's content changed."""
    data = json.dumps(wb.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ExportStatus:
    """The last export in a folder, set against the plan now: when it was made, the files it
    wrote, and whether the plan changed since (``changed``; never exported: ``exported_at`` None)."""

    folder: Path
    exported_at: Optional[dt.datetime]
    changed: bool
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when an export exists and shows the plan as it is now."""
        return self.exported_at is not None and not self.changed

    @property
    def message(self) -> str:
        """What to tell the participant, in Chinese."""
        if self.exported_at is None:
            return takeaway.word("status.never", folder=str(self.folder))
        when = numbers.timestamp(self.exported_at)
        if self.changed:
            return takeaway.word("status.changed", time=when)
        return takeaway.word("status.fresh", time=when, count=len(self.files))

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = "#1b5e20" if self.ok else "#b42318"
        return f"<p style='color:{colour}'><b>{html.escape(self.message)}</b></p>"


def _export_folder(folder: Optional[PathLike]) -> Path:
    """``folder``, or the workspace's export folder beside the plan when none is named."""
    return Path(folder) if folder is not None else workspace.export_dir()


def last_export(plan: Any, folder: Optional[PathLike] = None, *, name: str = "plan") -> ExportStatus:
    """The last export of ``name`` in ``folder``, and whether ``plan`` changed since.

    Why: a participant exports in M8, then keeps editing the action plan; the files they take
    home would silently miss those edits. The M8 notebook shows this after the export (a
    ``_repr_html_``) and warns "计划在上次导出后又改过,请重新运行导出" until they export again.
    ``plan``: a Workbook, the plan file open in forms (``widgets.open_plan``) or a plan file's
    path. The plan's content is compared (:func:`plan_fingerprint`), not file times.
    """
    out_dir = _export_folder(folder)
    try:
        manifest = json.loads((out_dir / _MANIFEST.format(name=name)).read_text(encoding="utf-8"))
        exported_at = dt.datetime.fromisoformat(manifest["exported_at"])
        fingerprint = str(manifest["fingerprint"])
        files = {str(k): out_dir / str(v) for k, v in dict(manifest.get("files", {})).items()}
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or not one okrlib wrote
        return ExportStatus(out_dir, None, False)
    files = {k: p for k, p in files.items() if p.exists()}
    return ExportStatus(out_dir, exported_at, plan_fingerprint(_workbook_of(plan)) != fingerprint, files)


def _write_manifest(out_dir: Path, name: str, wb: Workbook, when: dt.datetime, written: dict[str, Path]) -> None:
    manifest = {
        "okrlib_export": 1,
        "exported_at": when.isoformat(timespec="seconds"),
        "fingerprint": plan_fingerprint(wb),
        "files": {kind: path.name for kind, path in written.items()},
    }
    write_text(out_dir / _MANIFEST.format(name=name), json.dumps(manifest, ensure_ascii=False, indent=2))


def export_all(
    plan: Any,
    folder: Optional[PathLike] = None,
    *,
    report: Optional["CheckReport"] = None,
    name: str = "plan",
    as_of: Optional[dt.date] = None,
) -> ExportResult:
    """Write ``<name>.md``, ``<name>.html``, ``<name>.xlsx``, ``<name>-alignment.png`` and
    ``<name>-overview.png`` into ``folder`` (created if missing; default: the workspace's export
    folder beside the plan, :func:`okrlib.course.workspace.export_dir`), each atomically; existing
    files of those names are replaced. Then ``<name>-export.json``: when, and from which plan content.

    ``plan``: a Workbook, or the plan file open in forms (``widgets.open_plan``: its workbook is
    exported, and the result's display keeps checking it for later edits).

    Returns an :class:`ExportResult`: a ``dict[str, Path]`` from ``"md"``, ``"html"``,
    ``"xlsx"``, ``"png"``, ``"png_overview"`` to the files written. When the PNGs cannot be made
    (no kaleido, no Chromium, the browser failed) the other files are still written, the PNGs are
    absent and ``result.problems["png"]`` says why in Chinese and English; nothing is raised for
    it. Errors writing the other files (a folder that cannot be written) are raised as usual.
    """
    _check_name(name)
    wb = _workbook_of(plan)
    if report is None:
        from okrlib.method.checks import check

        report = check(wb, as_of=as_of)
    out_dir = _export_folder(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    problems: dict[str, str] = {}
    doc = takeaway.build(wb, report, as_of=as_of)  # one walk of the plan for every file

    # The PNGs are drawn by a Chromium (okrlib.views.png: seconds to start, kept open for the next
    # export; ``prepare_png`` starts it early): they are drawn in a thread while the other
    # files are written.
    problem = png_problem()
    drawn: dict[str, Any] = {}
    drawing: Optional[threading.Thread] = None
    if problem is None:
        figures = png_figures(wb, doc, report, as_of)

        def draw() -> None:
            try:
                for kind, fig in figures.items():
                    drawn[kind] = _png.draw(fig)
            except Exception as exc:  # a browser that will not start must not cost the other files
                drawn["error"] = exc

        drawing = threading.Thread(target=draw, name="okrlib-png", daemon=True)
        drawing.start()
    try:
        md = out_dir / f"{name}.md"
        write_text(md, render_markdown(doc))
        written["md"] = md
        page = out_dir / f"{name}.html"
        write_text(page, render_html(doc))
        written["html"] = page
        xlsx = out_dir / f"{name}.xlsx"
        sheets = to_sheets(doc)
        atomic_write(xlsx, lambda h: to_excel(wb, h, report=sheets))
        written["xlsx"] = xlsx
    finally:
        if drawing is not None:
            drawing.join()
    if "error" in drawn:
        exc = drawn["error"]
        problem = _both("png_failed", error=f"{type(exc).__name__}: {exc}")
    else:
        for kind, image in drawn.items():
            path = out_dir / _PNG_FILES[kind].format(name=name)
            atomic_write(path, lambda h, image=image: h.write(image))
            written[kind] = path
    if problem is not None:
        problems["png"] = problem
    when = _now()
    _write_manifest(out_dir, name, wb, when, written)
    return ExportResult(written, problems, exported_at=when, plan=plan, folder=out_dir, name=name)
