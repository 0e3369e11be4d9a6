"""Keep the course notebooks diffable: no outputs but the checked ones, no volatile metadata.

    python tools/normalise_notebooks.py            # rewrite notebooks/ and exercises/ in place
    python tools/normalise_notebooks.py --check    # exit 1 when a notebook is not normalised (tests)
    python tools/normalise_notebooks.py --execute  # also re-run the notebooks with checked cells,
                                                   # to refresh those cells' outputs

The policy (docs/notebooks.md): a committed notebook holds its cells, their tags and the
kernelspec. Outputs are kept only for cells tagged ``nbval-check-output`` (nbval compares them
on every test run; a tag, so that participants see no test marker), and only their text; everything else a run leaves
behind (outputs, execution counts, widget state, papermill and editor metadata) is dropped.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = [ROOT / "notebooks", ROOT / "exercises", ROOT / "dashboards", ROOT / "instructor"]
CHECKED = "nbval-check-output"  # nbval's cell tag: compare this cell's output on every test run
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEEP_MIME = ("text/plain",)


def notebooks() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _output(out: dict[str, Any]) -> dict[str, Any] | None:
    kind = out.get("output_type")
    if kind == "stream":
        return {"name": out.get("name", "stdout"), "output_type": "stream", "text": _lines("".join(out.get("text", "")))}
    if kind in ("execute_result", "display_data"):
        data = {k: v for k, v in out.get("data", {}).items() if k in KEEP_MIME}
        if not data:
            return None
        data = {k: _lines("".join(v) if isinstance(v, list) else v) for k, v in data.items()}
        result = {"data": data, "metadata": {}, "output_type": kind}
        if kind == "execute_result":
            result["execution_count"] = None
        return result
    return None  # errors are never kept: a notebook with an error is not committed


def normalise(nb: dict[str, Any]) -> dict[str, Any]:
    cells = []
    code_number = 0
    for i, cell in enumerate(nb.get("cells", [])):
        kind = cell["cell_type"]
        tags = (cell.get("metadata") or {}).get("tags") or []
        out: dict[str, Any] = {"cell_type": kind, "id": cell.get("id") or f"cell-{i:02d}",
                               "metadata": {"tags": tags} if tags else {}, "source": _lines(_source(cell))}
        if kind == "code":
            code_number += 1
            out["execution_count"] = None
            outputs = []
            if CHECKED in tags:
                outputs = [o for o in map(_output, cell.get("outputs", [])) if o is not None]
                if outputs:  # nbval refuses outputs of a cell that was never run: number it as a run would
                    out["execution_count"] = code_number
                    for o in outputs:
                        if "execution_count" in o:
                            o["execution_count"] = code_number
            out["outputs"] = outputs
        cells.append(out)
    return {
        "cells": cells,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(nb: dict[str, Any]) -> str:
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _execute(paths: list[Path]) -> None:
    """Run the notebooks with checked cells in a scratch copy of the repository's folders, and copy
    the checked outputs back (the scratch copy takes the plan files the run writes)."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            nb_text = path.read_text(encoding="utf-8")
            if f'"{CHECKED}"' not in nb_text:
                continue
            rel = path.relative_to(ROOT)
            scratch = Path(tmp) / rel
            scratch.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, scratch)
            nb = nbformat.reads(nb_text, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(scratch.parent)}}).execute()
            path.write_text(dumps(normalise(json.loads(nbformat.writes(nb)))), encoding="utf-8")
            print(f"executed {rel}")


def main(argv: list[str]) -> int:
    paths = notebooks()
    if "--execute" in argv:
        _execute(paths)
    stale = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        want = dumps(normalise(json.loads(text)))
        if text != want:
            stale.append(path.relative_to(ROOT))
            if "--check" not in argv:
                path.write_text(want, encoding="utf-8")
    if "--check" in argv:
        for rel in stale:
            print(f"{rel} is not normalised: run python tools/normalise_notebooks.py", file=sys.stderr)
        return 1 if stale else 0
    for rel in stale:
        print(f"normalised {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
