"""Debian's Chromium driven by Playwright, as every browser test starts it (never downloaded).

``CHROMIUM`` is its path (None when absent), ``MARKS`` the marks a browser test module sets (the
``browser`` marker; skipped without Chromium, except in CI, where a missing Chromium is an
error), and ``launched()`` a browser for a test module, closed afterwards.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator

import pytest

from okrlib.views.serve import find_chromium

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "MARKS", "launched"]

CHROMIUM = find_chromium()
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests: install Debian's chromium (apt-get install chromium)")

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium at /usr/bin/chromium (Debian package chromium); "
                                               "the browser tests need it and never download one"),
]


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium (Playwright's sync API), closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
