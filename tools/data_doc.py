"""Write docs/data.md, the data dictionary, from the declarations in data/ (case.yaml, T*.yaml).

    python tools/data_doc.py          # rewrite docs/data.md
    python tools/data_doc.py --check  # exit 1 if the page is out of date (tests do this)

The declarations are what okrlib checks the CSV files against, so a dictionary generated from
them describes the files as they are loaded, column by column.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from okrlib.course import cases, reference  # noqa: E402
from okrlib.course.datasets import TableSpec  # noqa: E402

PAGE = ROOT / "docs" / "data.md"
INTRO = ROOT / "tools" / "data_doc_intro.md"


def _cell(text: object) -> str:
    return " ".join(str(text).replace("|", "\\|").split())


def _table(name: str, spec: TableSpec, folder: str) -> list[str]:
    out = [f"#### `{folder}/{spec.file}`: {spec.title}", "", _cell(spec.description), ""]
    if spec.key:
        out += [f"Key: {', '.join(f'`{k}`' for k in spec.key)} (unique together). "
                f"okrlib: `tables[\"{name}\"]`.", ""]
    out += ["| column | type | unit | empty allowed | meaning | values / rule |", "| --- | --- | --- | --- | --- | --- |"]
    for c in spec.columns:
        rule = []
        if c.values:
            rule.append(" / ".join(f"`{v}`" for v in c.values))
        if c.ref:
            rule.append(f"refers to `{c.ref}`")
        if c.min is not None or c.max is not None:
            rule.append(f"{'' if c.min is None else f'{c.min:g}'} – {'' if c.max is None else f'{c.max:g}'}")
        out.append(f"| `{c.name}` | {c.type} | {_cell(c.unit or '')} | {'yes' if c.nullable else ''} | "
                   f"{_cell(c.description)} | {_cell('; '.join(rule))} |")
    if spec.checks:
        out += ["", "Checked on loading:", ""]
        for chk in spec.checks:
            if chk.kind == "expr":
                how = f"`{chk.expr}` on every row"
            elif chk.kind == "sum":
                by = f" per {', '.join(f'`{b}`' for b in chk.by)}" if chk.by else ""
                how = f"sum of `{chk.sum}`{by} = {chk.equals:g}" + (f" ± {chk.tolerance:g}" if chk.tolerance else "")
            else:
                start, end = chk.chain or ("", "")
                by = f" within each {', '.join(f'`{b}`' for b in chk.by)}" if chk.by else ""
                how = f"`{start}` = the previous row's `{end}`, in `{chk.order}` order{by}"
            out.append(f"- {_cell(chk.message)}: {how}")
    return out + [""]


def render() -> str:
    out = [INTRO.read_text(encoding="utf-8").rstrip(), "", "## Cases", ""]
    out += ["| id | module | folder | title | tables |", "| --- | --- | --- | --- | --- |"]
    loaded = [cases.load(info.id) for info in cases.list()]
    for case in loaded:
        out.append(f"| {case.id} | {case.info.module} | `data/cases/{case.info.slug}/` | {_cell(case.title)} | "
                   f"{', '.join(f'`{n}`' for n in case.specs)} |")
    out.append("")
    for case in loaded:
        info = case.info
        out += [f"### {info.id} {info.title}", "", f"*{_cell(info.title_en)}*. {_cell(info.industry)}; {_cell(info.company)}. "
                f"Module {info.module}. Folder `data/cases/{info.slug}/`.", ""]
        files = ["`case.yaml`", "`workbook.yaml`"]
        if case.previous is not None:
            files.append("the earlier plan it is checked against (`check.previous`)")
        if case.revised is not None:
            files.append("the revised plan (`revised.workbook`)")
        out += [f"Files: {', '.join(files)} and the tables below.", ""]
        if case.sources:
            out += ["Sources:", ""]
            out += [f"- `{s.id}`: {_cell(s.title)}" + (f" <{s.url}>" if s.url else "") for s in case.sources]
            out.append("")
        for name, spec in case.specs.items():
            out += _table(name, spec, f"data/cases/{info.slug}")
    out += ["## Reference libraries", ""]
    out += ["| id | module | title | table | rows |", "| --- | --- | --- | --- | --- |"]
    refs = [reference.get(r.id) for r in reference.list()]
    for ref in refs:
        file = next(iter(ref.specs.values())).file if ref.specs else "okrlib/data/checklist.yaml"
        out.append(f"| {ref.info.id} | {ref.info.module} | {_cell(ref.info.title)} | `{file}` | {len(ref.frame)} |")
    out.append("")
    for ref in refs:
        out += [f"### {ref.info.id} {ref.info.title}", "", f"*{_cell(ref.info.title_en)}*. `okrlib.course.reference.load(\"{ref.info.id}\")`.", "",
                _cell(ref.description), ""]
        out += ["Sources:", ""] + [f"- `{s.id}`: {_cell(s.title)}" + (f" <{s.url}>" if s.url else "") for s in ref.sources] + [""]
        if not ref.specs:
            cols = ", ".join(f"`{c}`" for c in ref.frame.columns)
            out += [f"Built from the checker's own data; columns: {cols}.", ""]
        for name, spec in ref.specs.items():
            out += _table(name, spec, "data/reference")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str]) -> int:
    page = render()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != page:
            print("docs/data.md is out of date: run python tools/data_doc.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
