"""okrlib.views.png: one Chromium draws every PNG of a process, closes when idle, and never hangs a cell."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("plotly")
pytest.importorskip("kaleido", reason="kaleido (okrlib[lab]) is not installed")

from okrlib.views import png  # noqa: E402


def _chromium() -> str | None:
    for path in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium"):
        if path and Path(path).exists():
            return path
    return None


needs_chromium = pytest.mark.skipif(_chromium() is None, reason="no Chromium: install Debian's chromium or set BROWSER_PATH")


@pytest.fixture
def fig():
    import plotly.graph_objects as go

    return go.Figure(go.Bar(x=["甲", "乙"], y=[1, 2]), layout={"width": 320, "height": 200, "title": "对齐"})


@pytest.fixture(autouse=True)
def _closed():
    png.close()
    yield
    png.close()


@needs_chromium
def test_the_second_image_uses_the_browser_the_first_one_opened(fig):
    first = png.draw(fig)
    browser = png._BROWSER
    assert png.is_open()
    second = png.draw(fig)
    assert png._BROWSER is browser  # no second browser start: that is the ~3 s an export saves
    assert first == second and first[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
def test_a_drawn_image_is_the_one_plotly_draws(fig):
    assert png.draw(fig) == fig.to_image(format="png")
    doubled = png.draw(fig.to_dict(), scale=2)  # a figure's dict works too, with plotly's options
    assert struct.unpack(">II", doubled[16:24]) == (640, 400)


@needs_chromium
def test_prepare_returns_at_once_and_the_export_finds_the_browser_open(fig):
    start = time.perf_counter()
    png.prepare()
    assert time.perf_counter() - start < 2.0  # the browser starts in the background
    browser = png._BROWSER
    png.prepare()  # a second call starts nothing new
    assert png._BROWSER is browser
    png.draw(fig)
    assert png._BROWSER is browser


@needs_chromium
def test_an_idle_browser_closes_itself_and_the_next_image_opens_another(fig, monkeypatch):
    monkeypatch.setattr(png, "IDLE_SECONDS", 0.5)
    png.draw(fig)
    browser = png._BROWSER
    assert browser.closed.wait(15), "the idle browser should have closed"
    assert not png.is_open()
    assert png.draw(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    assert png._BROWSER is not browser


def test_a_browser_that_cannot_start_is_an_error_not_a_hang(fig, monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    monkeypatch.setattr(png, "START_TIMEOUT", 60.0)
    start = time.perf_counter()
    with pytest.raises(Exception):
        png.draw(fig)
    assert time.perf_counter() - start < 60.0
    assert not png.is_open()  # the next image tries a new browser


@needs_chromium
def test_no_browser_outlives_the_process():
    script = textwrap.dedent(
        """
        import os
        from okrlib.views import png
        png.prepare()
        png._BROWSER.ready.result(timeout=90)
        print(os.getpid())
        """
    )
    before = _chromium_pids()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _chromium_pids() - before:
        time.sleep(0.2)
    assert not (_chromium_pids() - before), "a Chromium started by okrlib.views.png is still running"


def _chromium_pids() -> set[int]:
    out = subprocess.run(["pgrep", "-f", "chromium"], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def test_the_browser_page_fetches_nothing_from_the_internet(monkeypatch):
    # kaleido's page loads MathJax from a CDN unless told not to: offline (a classroom behind a
    # firewall) every browser start then waits for that request to fail
    import kaleido
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


@needs_chromium
def test_closing_right_after_prepare_closes_the_starting_browser():
    png.prepare()
    browser = png._BROWSER
    png.close()  # before the browser has finished starting
    assert browser.closed.wait(30), "the starting browser should close once it is up"
    assert not png.is_open()


def test_a_drawing_holds_the_browser_open_against_the_idle_close(monkeypatch):
    # the idle close and the hand-out of the browser decide under one lock: a browser handed
    # out for a drawing is never closed before the drawing starts
    started = []

    class Slow:
        async def __aenter__(self):
            started.append(1)
            return self

        async def __aexit__(self, *exc):
            return False

        async def calc_fig(self, fig_dict, opts=None, topojson=None):
            return b"png"

    import kaleido

    monkeypatch.setattr(kaleido, "Kaleido", lambda **kw: Slow())
    monkeypatch.setattr(png, "IDLE_SECONDS", 0.0)  # idle at once: only a lease keeps it
    browser = png._browser(lease=True)
    time.sleep(0.3)
    assert browser.usable and not browser.closed.is_set()
    assert browser.draw({"data": []}, {"format": "png"}, None) == b"png"
    assert browser.closed.wait(5)  # the lease released, the idle browser closes
    assert started == [1]
