"""The take-away as Markdown (``okrlib export plan.yaml --to md``, and ``export_all``'s ``.md``).

The document comes from :func:`okrlib.views.takeaway.build`, the one walk of the plan that the
HTML page (:mod:`okrlib.views.export`) is written from too, so both hold the same sections in the
same twelve sections in course order (``outline`` in ``okrlib/data/takeaway.yaml``: 公司目标 …
一个月行动计划, the T10 checklist inside the OKR section), the same head (the plan's basics, the
checklist's score, the review's scores, the contents and every KR's score), the same words and
the same numbers. An empty section is kept with "(暂无)", so a participant sees what
is still to fill in.

Every string goes through :func:`escape`: Markdown and HTML in a plan are shown as text (a KR
called ``<script>…`` or holding ``|`` neither runs nor breaks a table). The report has no
timestamp, so the same plan always gives the same file (diffs stay small).

Uses only the core: no pandas, no plotly, no ipywidgets.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Optional

from okrlib.plan.model import Workbook
from okrlib.views import takeaway
from okrlib.views.takeaway import (
    Badge, Block, Chain, Content, Document, Group, KeyValues, Node, Paragraph, Span, Table, Tree,
)

if TYPE_CHECKING:  # pragma: no cover
    from okrlib.method.checks import CheckReport

__all__ = ["to_markdown", "render_markdown", "escape"]

# Characters that can start Markdown markup inline (emphasis, code, links, tables, strike-through,
# math in Jupyter, headings' closing #). Line-start markup (lists, quotes, headings) cannot occur:
# text never starts a line here, and line breaks inside it become <br>.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$#])")


def escape(text: Any) -> str:
    """Text as inert Markdown: HTML is shown, not run; ``|`` does not split a table cell."""
    if text is None:
        return ""
    s = str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "<br>".join(s.split("\n"))


def _inline(piece: Any) -> str:
    if isinstance(piece, Span):
        return f"**{escape(piece.text)}**" if piece.tone == "strong" and piece.text else escape(piece.text)
    if isinstance(piece, Badge):
        return escape(piece.text)
    return escape(piece)


def _content(content: Content) -> str:
    return " ".join(_inline(p) for p in takeaway.parts(content))


def _table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(escape(h) for h in table.header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in table.header) + "|")
    lines += ["| " + " | ".join(_content(cell) for cell in row) + " |" for row in table.rows]
    return lines


def _pair(key: str, value: str) -> str:
    return takeaway.word("pair", name=escape(key), value=value)


def _tree(nodes: tuple[Node, ...], depth: int = 0) -> list[str]:
    lines = []
    for node in nodes:
        lines.append("  " * depth + "- " + _content(node.content))
        lines += _tree(node.children, depth + 1)
    return lines


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [_content(block.content)]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, KeyValues):
        return [escape(takeaway.word("facts_sep")).join(_pair(k, _content(v)) for k, v in block.pairs)]
    if isinstance(block, Chain):
        steps = [escape(s) for s in block.steps] + ([escape(block.broken)] if block.broken else [])
        return [_pair(block.label, " → ".join(steps))]
    if isinstance(block, Tree):
        return _tree(block.roots)
    if isinstance(block, Group):
        return [f"### {escape(block.title)}", ""] + _blocks(block.blocks)
    raise TypeError(f"no Markdown for {type(block).__name__}")


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        lines += _block(block)
    return lines


def render_markdown(doc: Document) -> str:
    """The take-away document as Markdown (UTF-8 text, ends with a newline)."""
    lines = [f"# {escape(doc.title)}", "", escape(doc.subtitle), ""] + _table(doc.facts)
    if doc.overview:
        lines += [""] + _blocks(doc.overview)
    for number, section in enumerate(doc.sections, 1):
        lines += ["", f"## {number}. {escape(section.title)}", ""]
        lines += _blocks(section.blocks)
    lines += ["", "---", "", escape(doc.footer), ""]
    return "\n".join(lines)


def to_markdown(wb: Workbook, report: Optional["CheckReport"] = None, *, as_of: Optional[dt.date] = None) -> str:
    """The whole plan as a Chinese Markdown report (UTF-8 text, ends with a newline).

    ``report`` and ``as_of`` as for :func:`okrlib.views.takeaway.build`: the checklist shown
    (checked here when None) and the day KR progress is read on (default: the latest check-in).
    """
    return render_markdown(takeaway.build(wb, report, as_of=as_of))
