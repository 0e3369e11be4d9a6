"""PNG images of plotly figures, drawn by one Chromium that stays open for the next image.

kaleido (>= 1.0) draws a figure in a headless Chromium. ``fig.to_image`` starts a browser for
each image and closes it again, and starting is most of the wait: a participant who exports the
plan at the end of M8 would wait for that start every time.

Here one browser serves every image of the process. ``prepare()`` starts it in the
background and returns at once, so a notebook can ask for it early (M8's first cell) and the
export later finds it open; ``draw`` starts it itself when nobody did. The browser closes
after ``IDLE_SECONDS`` without an image (20 minutes: long enough for M8's action plan between
opening the notebook and exporting; a kernel left open all day keeps no idle Chromium around) and when the process exits; the next image starts a new one.

Every wait has a limit (``START_TIMEOUT``, ``DRAW_TIMEOUT``): a browser that never starts, or
hangs, becomes an exception for the caller (``export_all`` reports it in Chinese and English),
never a cell that runs forever.

``browser_pid()`` names the process the open browser runs in; it leads a process group of its
own that holds every Chromium process it starts, so a caller (a test) can check exactly those.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import threading
import time
from typing import Any, Optional

__all__ = ["prepare", "draw", "close", "is_open", "browser_pid"]

IDLE_SECONDS = 1200.0
START_TIMEOUT = 90.0
DRAW_TIMEOUT = 90.0

# The clock of the idle close (a seam for tests, which move a clock of their own by hand).
_clock = time.monotonic


class _Browser:
    """One kaleido browser on its own thread and event loop (the caller's loop, a Jupyter
    kernel's for one, is never touched)."""

    def __init__(self, idle: float) -> None:
        self.idle = idle
        self.loop = asyncio.new_event_loop()
        self.ready: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.busy = 0  # images being drawn or about to be (leases, see _browser)
        self.last = _clock()
        self.closing = False
        self.closed = threading.Event()
        self.pid: Optional[int] = None  # the browser's process, once started
        self._stopping = False
        self._wake = asyncio.Event()  # binds to self.loop on first use (Python >= 3.10)
        self.thread = threading.Thread(target=self._run, name="okrlib-png-browser", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.loop.run_until_complete(self._serve())
        finally:
            self.closed.set()
            self.loop.close()

    async def _serve(self) -> None:
        try:
            import kaleido
            import plotly.io as pio

            d = pio.defaults
            options = {k: v for k, v in (("plotlyjs", d.plotlyjs), ("headers", d.headers)) if v}
            # No MathJax unless asked for: kaleido would fetch it from a CDN on every browser
            # start -- okrlib's charts have no formulas, and offline (a classroom behind a
            # firewall) the page waits for that request to fail: 3 s became 7-8 s here.
            options["mathjax"] = d.mathjax or False
            async with kaleido.Kaleido(**options) as k:
                # kaleido (choreographer) starts the browser in a session of its own: this pid
                # leads the process group of every Chromium process of this browser
                self.pid = getattr(getattr(k, "subprocess", None), "pid", None)
                self.ready.set_result(k)
                while not self._stopping and not self.close_if_idle():
                    left = self.idle - (_clock() - self.last)
                    try:
                        await asyncio.wait_for(self._wake.wait(), timeout=max(left, 0.05))
                    except asyncio.TimeoutError:
                        pass
                    self._wake.clear()
        except BaseException as exc:  # noqa: BLE001  (the caller gets it, whatever it is)
            if not self.ready.done():
                self.ready.set_exception(exc)
            elif not isinstance(exc, (asyncio.CancelledError, GeneratorExit)):
                raise

    def draw(self, fig_dict: dict, opts: dict, topojson: Optional[str]) -> bytes:
        """Draw with this browser; the caller holds a lease (``_browser(lease=True)``), released here."""
        try:
            try:
                k = self.ready.result(timeout=START_TIMEOUT)
            except concurrent.futures.TimeoutError:
                raise TimeoutError(f"the browser did not start within {START_TIMEOUT:g} s") from None
            job = asyncio.run_coroutine_threadsafe(k.calc_fig(fig_dict, opts=opts, topojson=topojson), self.loop)
            try:
                return job.result(timeout=DRAW_TIMEOUT)
            except concurrent.futures.TimeoutError:
                job.cancel()
                raise TimeoutError(f"the browser did not draw the image within {DRAW_TIMEOUT:g} s") from None
        finally:
            with _LOCK:
                self.busy -= 1
                self.last = _clock()

    def close_if_idle(self) -> bool:
        """The idle close's decision: closing when no image is leased and ``idle`` seconds have
        passed since the last one. Taken under the lock that hands the browser out, so a browser
        handed out for a drawing is never taken. True: closing (the browser's thread ends it)."""
        with _LOCK:
            if not self.closing and self.busy == 0 and _clock() - self.last >= self.idle:
                self.closing = True
            return self.closing

    def wake(self) -> None:
        """Have the browser's thread take the idle close's decision now, not at its next timeout."""
        if not self.closed.is_set():
            try:
                self.loop.call_soon_threadsafe(self._wake.set)
            except RuntimeError:  # the loop is already closed
                pass

    def stop(self, wait: float = 10.0) -> None:
        self._stopping = True
        self.wake()
        self.thread.join(wait)

    @property
    def usable(self) -> bool:
        if self.closing or self.closed.is_set():
            return False
        if self.ready.done() and self.ready.exception() is not None:
            return False
        return True


_LOCK = threading.Lock()
_BROWSER: Optional[_Browser] = None


def _browser(lease: bool = False) -> _Browser:
    """The open browser, or a new one; with ``lease``, held open for one drawing (the idle
    close cannot take it between here and the drawing: both decide under ``_LOCK``)."""
    global _BROWSER
    with _LOCK:
        if _BROWSER is None or not _BROWSER.usable:
            from okrlib.views.charts import ensure_browser_path

            ensure_browser_path()
            _BROWSER = _Browser(IDLE_SECONDS)
        _BROWSER.last = _clock()
        if lease:
            _BROWSER.busy += 1
        return _BROWSER


def prepare() -> None:
    """Start the browser now, in the background, so that the next image does not wait for it.

    Returns at once. Does nothing when kaleido is missing (the export says why) or a browser is
    already open or starting.
    """
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return
    _browser()


def is_open() -> bool:
    """True when a browser is open (or starting) for the next image."""
    return _BROWSER is not None and _BROWSER.usable


def browser_pid() -> Optional[int]:
    """The process id of the open browser (None: none open, or still starting).

    The process leads a process group (and session) of its own, which holds every Chromium
    process the browser starts: ``os.killpg`` reaches them all, and a test can check that none
    outlives ``close()``.
    """
    browser = _BROWSER
    if browser is None or not browser.usable or not browser.ready.done():
        return None
    return browser.pid


def _image_options(fig_dict: dict, width: Optional[int], height: Optional[int], scale: Optional[float]) -> dict:
    # plotly's own precedence (plotly.io.to_image): argument, layout, template layout, defaults
    import plotly.io as pio

    d = pio.defaults
    layout = fig_dict.get("layout", {})
    template = layout.get("template", {}).get("layout", {}) if isinstance(layout.get("template"), dict) else {}
    return {
        "format": "png",
        "width": width or layout.get("width") or template.get("width") or d.default_width,
        "height": height or layout.get("height") or template.get("height") or d.default_height,
        "scale": scale or d.default_scale,
    }


def draw(fig: Any, *, width: Optional[int] = None, height: Optional[int] = None, scale: Optional[float] = None) -> bytes:
    """``fig`` (a plotly Figure or its dict) as PNG bytes, the same image as ``fig.to_image("png")``.

    Uses the open browser, or starts one and keeps it. A browser that dies between two images
    (closed from outside, out of memory) is replaced once; a second failure is raised.
    """
    import plotly.io as pio

    fig_dict = fig if isinstance(fig, dict) else fig.to_dict()
    opts = _image_options(fig_dict, width, height, scale)
    browser = _browser(lease=True)
    was_ready = browser.ready.done()
    try:
        return browser.draw(fig_dict, opts, pio.defaults.topojson)
    except Exception:
        if not was_ready:  # it never drew: a new browser would fail the same way
            raise
        _forget(browser)
        return _browser(lease=True).draw(fig_dict, opts, pio.defaults.topojson)


def _forget(browser: _Browser) -> None:
    global _BROWSER
    with _LOCK:
        if _BROWSER is browser:
            _BROWSER = None
    browser.stop(wait=5.0)


def close() -> None:
    """Close the browser now (it also closes by itself when idle, and at exit)."""
    if _BROWSER is not None:
        _forget(_BROWSER)


atexit.register(close)
