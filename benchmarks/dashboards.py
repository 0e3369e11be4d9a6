"""The Voilà dashboards in a real browser: time to widgets, and kernels after many page loads.

Voilà serves dashboards/ with config/voila.py (okrlib.views.serve, as ``make dashboards`` does) plus a
floor dashboard: the same stack with one widget and one figure. Headless Debian chromium
(Playwright) opens each page and waits until its widgets are visible; page loads take turns
(floor, case explorer, floor, team plan, ...) so that a busy moment of this shared machine hits
both alike, and each dashboard's best time is compared with the floor's best.
Then the same page is loaded and closed 20 times, and the kernels still running are counted
(the python processes Voilà started): they must stay bounded.
A page that shows no widgets within 300 s counts as stalled and the run goes on: what it showed
(spinner text, widget manager state, console errors) goes to the results' raw.stalled and the
server log to benchmarks/results/dashboards-voila.log.

========================  ============================================  ===============
metric                    okrlib                                        target
========================  ============================================  ===============
case explorer / team      navigation -> widgets visible                 <= 1.5x floor
plan / OKR clinic
kernels after 20 loads    ipykernel processes of the Voilà server       <= 2
pages without widgets     page loads with no widget after 300 s         0
========================  ============================================  ===============

Run ``python -m benchmarks dashboards`` (needs /usr/bin/chromium; ``--quick``: 1 round, 5 loads).
Results go to benchmarks/results/dashboards.json.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from benchmarks.report import Results, Row, as_a_user, finish

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET = 1.5
MAX_KERNELS = 2
PAGE_TIMEOUT = 300  # s: a page with no widgets by then counts as stalled (and the run goes on)
DASHBOARDS = {"case_explorer": "案例浏览", "team_plan": "团队计划", "okr_clinic": "OKR 诊所"}
FLOOR_SOURCE = '''import ipywidgets as W
import plotly.express as px

display(W.Dropdown(options=["甲", "乙"]))
px.bar(x=["a", "b"], y=[1, 2])
'''


def _copy_dashboards(folder: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    shutil.copytree(ROOT / "dashboards", folder, dirs_exist_ok=True)
    nb = new_notebook(cells=[new_code_cell(FLOOR_SOURCE)])
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, folder / "floor.ipynb")


def _kernels(voila_pid: int) -> int:
    """Kernels Voilà started and that still run: its child processes running ipykernel."""
    count = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmd = (proc / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == voila_pid and b"ipykernel" in cmd:
            count += 1
    return count


def _stall_report(page, name: str, elapsed: float, console: list[str]) -> dict:
    """What a page that never showed its widgets looked like: the spinner's text, the first lines
    of the page, the widget manager's state and the console's errors and warnings."""
    report: dict = {"dashboard": name, "seconds": round(elapsed, 1), "console": console[-20:]}
    try:
        report.update(page.evaluate("""() => {
            const el = (id) => document.getElementById(id);
            const app = window.jupyterapp, m = app && app.widgetManager;
            return {loading_text: el('loading_text') ? el('loading_text').innerText : null,
                    page_in: !!el('rendered_cells') && el('rendered_cells').style.display !== 'none',
                    text: (el('rendered_cells') || document.body).innerText.slice(0, 500),
                    widget_manager: m ? {restored: m._restoredStatus, restoring: m._kernelRestoreInProgress,
                                         models: Object.keys(m._models || {}).length,
                                         kernel: m.kernel ? m.kernel.connectionStatus + '/' + m.kernel.status : null} : null,
                    watchdog_banner: el('okrlib-stalled') ? el('okrlib-stalled').innerText : null};
        }"""))
    except Exception as exc:  # a crashed page: what there is
        report["error"] = f"{type(exc).__name__}: {exc}"[:300]
    return report


def run_suite(rounds: int, loads: int) -> Results:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from okrlib.views.serve import find_chromium, running

    chromium = find_chromium()
    res = Results(config={"rounds": rounds, "loads": loads, "target_ratio": TARGET, "max_kernels": MAX_KERNELS})
    if chromium is None:
        res.skipped.append("no Chromium at /usr/bin/chromium (Debian package chromium)")
        return res
    with tempfile.TemporaryDirectory() as tmp, as_a_user():
        folder = Path(tmp) / "dashboards"
        _copy_dashboards(folder)
        log = Path(tmp) / "voila.log"
        stalled: list[dict] = []
        with running(folder, log=log) as (url, proc):
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                                           "--disable-quic", "--no-first-run"])

                def load(name: str, close: bool = True) -> float:
                    """Seconds from navigation to widgets visible; inf for a page that never showed them
                    (its state, console errors and the server log are kept for the report)."""
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    console: list[str] = []
                    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") and "version" not in m.text else None)
                    start = time.perf_counter()
                    try:
                        page.goto(f"{url}/voila/render/{name}.ipynb", timeout=PAGE_TIMEOUT * 1000)
                        page.locator(".jupyter-widgets select, .jupyter-widgets textarea").first.wait_for(timeout=PAGE_TIMEOUT * 1000)
                    except PlaywrightTimeout:
                        elapsed = time.perf_counter() - start
                        stalled.append(_stall_report(page, name, elapsed, console))
                        print(f"  … {name}: no widgets after {elapsed:.0f} s (see the report's raw.stalled)", flush=True)
                        elapsed = float("inf")
                    else:
                        elapsed = time.perf_counter() - start
                        print(f"  … {name}: {elapsed:.1f} s", flush=True)
                    if close:
                        page.close(run_before_unload=True)
                        ctx.close()
                    return elapsed

                load("floor")  # the first kernel start fills the OS caches
                best = {name: float("inf") for name in ["floor", *DASHBOARDS]}
                for _ in range(rounds):
                    for name in DASHBOARDS:
                        best["floor"] = min(best["floor"], load("floor"))
                        best[name] = min(best[name], load(name))
                floor = best["floor"]
                res.rows.append(Row("floor dashboard (1 widget, 1 figure)", floor, "s"))
                for name, title in DASHBOARDS.items():
                    res.rows.append(Row(f"{title} ({name})", best[name], "s", floor, "floor dashboard", f"≤ {TARGET}x",
                                        best[name] <= TARGET * floor, note="navigation -> widgets visible"))
                for _ in range(loads):
                    load("okr_clinic")
                time.sleep(3)  # the last page's shutdown request
                alive = _kernels(proc.pid)
                res.rows.append(Row(f"kernels running after {loads} page loads", alive, "", target=f"≤ {MAX_KERNELS}",
                                    passed=alive <= MAX_KERNELS, note="each closed page shuts its kernel down"))
                browser.close()
        res.rows.append(Row(f"pages without widgets after {PAGE_TIMEOUT} s", len(stalled), "", target="0",
                            passed=not stalled, note="of every page load above"))
        if stalled:
            res.raw["stalled"] = stalled
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, RESULTS_DIR / "dashboards-voila.log")
            res.raw["voila_log"] = str(RESULTS_DIR / "dashboards-voila.log")
    return res


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks dashboards", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="one round and 5 page loads")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--loads", type=int, default=20)
    p.add_argument("--output", default=str(RESULTS_DIR / "dashboards.json"))
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    rounds, loads = (1, 5) if args.quick else (args.rounds, args.loads)
    print(f"okrlib dashboards: {rounds} round(s), {loads} page loads", flush=True)
    return finish(run_suite(rounds, loads), Path(args.output), args.strict)


if __name__ == "__main__":
    sys.exit(main())
