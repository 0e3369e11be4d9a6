"""The participant's take-away (module M8): the plan as a page to print, and every file at once.

``to_html`` writes the plan as one self-contained Chinese HTML page — the "年度契约 / OKR 初稿" —
from the document :func:`okrlib.views.takeaway.build` makes, the one walk of the plan that the
Markdown (:mod:`okrlib.views.report`) is written from too: the same sections in the same course
order, the same words, the same numbers. Here it only gets its look: badges (score bands, pace,
checklist status, severity, risk bands) in the colours of ``charts.yaml``, inline CSS. No
script, no external file, no timestamp: the same plan gives the same bytes, and it opens anywhere.

``export_all`` writes, into one folder, ``<name>.md``, ``<name>.html``, ``<name>.xlsx``
(``okrlib.storage.tables.to_excel``) and ``<name>-alignment.png`` (the alignment tree, via
kaleido and a Chromium), each atomically (``okrlib.storage.yaml_file.atomic_write``). A PNG needs
a browser that a participant's machine may lack; that must not cost them the other three files,
so a PNG problem is recorded in the result, in Chinese and English, not raised.

Every string in the HTML goes through ``html.escape``: a KR named ``<script>alert(1)</script>``
is shown as that text and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from okrlib.plan.model import Workbook
from okrlib.storage.tables import to_excel
from okrlib.storage.yaml_file import atomic_write
from okrlib.views import png as _png
from okrlib.views import takeaway
from okrlib.views.report import render_markdown
from okrlib.views.takeaway import (
    Badge, Block, Chain, Content, Document, Group, KeyValues, Node, Paragraph, Span, Table, Tree,
)
from okrlib.words import text
from okrlib.words.resources import data_file

if TYPE_CHECKING:  # pragma: no cover
    from okrlib.method.checks import CheckReport

__all__ = ["to_html", "render_html", "export_all", "ExportResult", "png_problem", "prepare_png"]

PathLike = Union[str, "os.PathLike[str]"]


def _both(key: str, **values: Any) -> str:
    """A message of export_all in Chinese and English, one after the other."""
    return " / ".join(text.both(f"takeaway.{key}", **values))


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
        names = text.entry("takeaway.files")

        def item(kind: str, path: Path) -> str:
            name = text.say(f"takeaway.files.{kind}") if kind in names else kind
            return takeaway.word("pair", name=html.escape(name), value=f"<code>{html.escape(str(path))}</code>")

        rows = "".join(f"<li>{item(k, p)}</li>" for k, p in self.items())
        bad = "".join(f"<li style='color:#b42318'>{html.escape(m)}</li>" for m in self.problems.values())
        return f"<b>{html.escape(takeaway.word('exported', count=len(self)))}</b><ul>{rows}{bad}</ul>"

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
        doc = takeaway.build(wb, report, as_of=as_of)  # one walk of the plan for both files
        md = out_dir / f"{name}.md"
        atomic_write(md, lambda h: h.write(render_markdown(doc).encode("utf-8")))
        written["md"] = md
        page = out_dir / f"{name}.html"
        atomic_write(page, lambda h: h.write(render_html(doc).encode("utf-8")))
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
        problem = _both("png_failed", error=f"{type(exc).__name__}: {exc}")
    if problem is not None:
        problems["png"] = problem
    return ExportResult(written, problems)
