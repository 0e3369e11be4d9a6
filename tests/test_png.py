"""okrlib.views.png: one Chromium draws every PNG of a process, closes when idle, and never hangs a cell.

Nothing here is timed and nothing sleeps: the idle close runs on a clock the tests move by hand
(``png._clock``) and is asked to look now (``wake``); a browser that should not start yet waits
behind a gate the test opens; the processes checked are the ones ``png.browser_pid()`` names.
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

pytest.importorskip("plotly")
kaleido = pytest.importorskip("kaleido", reason="kaleido (okrlib[lab]) is not installed")
psutil = pytest.importorskip("psutil")

from okrlib.views import png  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


def _chromium() -> str | None:
    for path in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium"):
        if path and Path(path).exists():
            return path
    return None


def needs_chromium(test):
    """Starts the real Chromium: marked ``browser``, skipped where there is none."""
    skip = pytest.mark.skipif(_chromium() is None, reason="no Chromium: install Debian's chromium or set BROWSER_PATH")
    return pytest.mark.browser(skip(test))


class Clock:
    """The idle close's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeKaleido:
    """Stands in for kaleido's browser: opens when ``gate`` is set, draws b"png"."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.opened = 0

    def __call__(self, **options):
        return self

    async def __aenter__(self):
        if self.gate is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
        self.opened += 1
        return self

    async def __aexit__(self, *exc):
        return False

    async def calc_fig(self, fig_dict, opts=None, topojson=None):
        return b"png"


@pytest.fixture
def fig():
    import plotly.graph_objects as go

    return go.Figure(go.Bar(x=["甲", "乙"], y=[1, 2]), layout={"width": 320, "height": 200, "title": "对齐"})


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(png, "_clock", clock)
    return clock


@pytest.fixture(autouse=True)
def _closed():
    png.close()
    yield
    png.close()


def _group(pid: int) -> list[psutil.Process]:
    """The browser's processes: the one started and every process of its group (and below it)."""
    found = {}
    leader = psutil.Process(pid)
    for p in [leader, *leader.children(recursive=True)]:
        found[p.pid] = p
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == pid:
                found[p.pid] = p
        except (ProcessLookupError, psutil.Error):
            pass
    return list(found.values())


# ---- with Chromium ---------------------------------------------------------------------------


@needs_chromium
def test_the_second_image_uses_the_browser_the_first_one_opened(fig):
    first = png.draw(fig)
    browser, pid = png._BROWSER, png.browser_pid()
    assert png.is_open()
    second = png.draw(fig)
    assert png._BROWSER is browser and png.browser_pid() == pid  # no second start: ~3 s an export saves
    assert first == second and first[:8] == PNG


@needs_chromium
def test_a_drawn_image_is_the_one_plotly_draws(fig):
    assert png.draw(fig) == fig.to_image(format="png")
    doubled = png.draw(fig.to_dict(), scale=2)  # a figure's dict works too, with plotly's options
    assert struct.unpack(">II", doubled[16:24]) == (640, 400)


@needs_chromium
def test_the_export_finds_the_browser_prepare_opened(fig):
    png.prepare()
    browser = png._BROWSER
    png.prepare()  # a second call starts nothing new
    assert png._BROWSER is browser
    assert png.draw(fig)[:8] == PNG
    assert png._BROWSER is browser


@needs_chromium
def test_browser_pid_names_the_process_group_of_the_browser_and_close_ends_it(fig):
    assert png.browser_pid() is None  # none open
    png.draw(fig)
    pid = png.browser_pid()
    assert pid is not None and os.getpgid(pid) == pid  # a group of its own
    processes = _group(pid)
    chromium = [p for p in processes if "chromium" in " ".join(p.cmdline()).lower()]
    assert len(chromium) >= 2, [p.cmdline()[:2] for p in processes]  # the browser and its helpers
    assert os.getpid() not in {p.pid for p in processes}
    png.close()
    assert png.browser_pid() is None
    gone, alive = psutil.wait_procs(processes, timeout=30)
    assert alive == [], f"still running after close(): {alive}"


@needs_chromium
def test_an_idle_browser_closes_and_the_next_image_opens_another(fig, clock):
    png.draw(fig)
    browser = png._BROWSER
    clock.now += png.IDLE_SECONDS - 1
    assert not browser.close_if_idle()  # not idle long enough
    clock.now += 1
    browser.wake()  # now it is: the browser's thread closes it
    assert browser.closed.wait(60), "the idle browser should have closed"
    assert not png.is_open()
    assert png.draw(fig)[:8] == PNG
    assert png._BROWSER is not browser


@needs_chromium
def test_closing_right_after_prepare_closes_the_starting_browser():
    png.prepare()
    browser = png._BROWSER
    png.close()  # before the browser has finished starting
    assert browser.closed.wait(60), "the starting browser should close once it is up"
    assert not png.is_open()


@needs_chromium
def test_no_browser_outlives_the_process():
    """A kernel that exits without closing the browser (atexit closes it): every process of the
    browser's group, as the child saw it, ends."""
    script = textwrap.dedent(
        """
        import json, os, psutil
        from okrlib.views import png
        png.prepare()
        png._BROWSER.ready.result(timeout=90)
        pid = png.browser_pid()
        group = []
        for p in psutil.process_iter():
            try:
                if os.getpgid(p.pid) == pid:
                    group.append([p.pid, p.create_time()])
            except (ProcessLookupError, psutil.Error):
                pass
        print(json.dumps({"pid": pid, "group": group}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(seen["group"]) >= 2 and seen["pid"] in {pid for pid, _ in seen["group"]}
    still = []
    for pid, created in seen["group"]:
        try:
            p = psutil.Process(pid)
            if p.create_time() == created:  # the same process, not a new one with its number
                still.append(p)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(still, timeout=30)
    assert alive == [], f"Chromium processes started by okrlib.views.png are still running: {alive}"


@pytest.mark.browser  # starts a browser process through kaleido: a stand-in that exits at once
def test_a_browser_that_cannot_start_is_an_error_not_a_hang(fig, monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    monkeypatch.setattr(png, "START_TIMEOUT", 300.0)
    with pytest.raises(Exception) as failed:
        png.draw(fig)
    # the browser's own failure, not png's wait for it running out
    assert not isinstance(failed.value, TimeoutError), failed.value
    assert not png.is_open()  # the next image tries a new browser


# ---- without a browser: kaleido's stands in -----------------------------------------------------


def test_prepare_returns_while_the_browser_is_still_starting(monkeypatch):
    gate = threading.Event()
    fake = FakeKaleido(gate)
    monkeypatch.setattr(kaleido, "Kaleido", fake)
    try:
        caller = threading.Thread(target=png.prepare)
        caller.start()
        caller.join(60)
        assert not caller.is_alive(), "prepare() waited for the browser"
        browser = png._BROWSER
        assert png.is_open() and not browser.ready.done() and png.browser_pid() is None  # still starting
        png.prepare()
        assert png._BROWSER is browser  # a second call starts nothing new
    finally:
        gate.set()
    assert png.draw({"data": []}) == b"png"
    assert png._BROWSER is browser and fake.opened == 1


def test_a_drawing_holds_the_browser_open_against_the_idle_close(monkeypatch, clock):
    # the idle close and the hand-out of the browser decide under one lock: a browser handed
    # out for a drawing is never closed before the drawing is done
    fake = FakeKaleido()
    monkeypatch.setattr(kaleido, "Kaleido", fake)
    browser = png._browser(lease=True)
    browser.ready.result(timeout=60)
    clock.now += 10 * png.IDLE_SECONDS
    assert not browser.close_if_idle()  # idle for long, but leased
    browser.wake()
    assert browser.usable
    assert browser.draw({"data": []}, {"format": "png"}, None) == b"png"  # the lease released
    assert not browser.close_if_idle()  # it has just drawn
    clock.now += png.IDLE_SECONDS
    browser.wake()
    assert browser.closed.wait(60), "the idle browser should have closed"
    assert not png.is_open() and fake.opened == 1


def test_an_idle_browser_closes_by_itself(monkeypatch):
    # no one wakes it: its own timer finds it idle
    monkeypatch.setattr(kaleido, "Kaleido", FakeKaleido())
    monkeypatch.setattr(png, "IDLE_SECONDS", 0.05)
    png.prepare()
    assert png._BROWSER.closed.wait(60), "the idle browser should have closed"
    assert not png.is_open()


def test_the_browser_page_fetches_nothing_from_the_internet(monkeypatch):
    # kaleido's page loads MathJax from a CDN unless told not to: offline (a classroom behind a
    # firewall) every browser start then waits for that request to fail
    from kaleido._page_generator import PageGenerator

    seen = {}

    class Recording(kaleido.Kaleido):
        def __init__(self, *args, **kwargs):
            seen.update(kwargs)
            raise RuntimeError("stop here")

    monkeypatch.setattr(kaleido, "Kaleido", Recording)
    with pytest.raises(RuntimeError, match="stop here"):
        png.draw({"data": [], "layout": {}})
    page = PageGenerator(mathjax=seen.get("mathjax"), plotly=seen.get("plotlyjs")).generate_index()
    assert "http://" not in page and "https://" not in page, page[:500]
