"""What every test shares: a test that starts Chromium says so with ``@pytest.mark.browser``.

Machines without Chromium run ``pytest -m "not browser"``; that is only honest when every test
that starts one carries the marker. So the places where a browser is started in this process
-- choreographer's ``Browser.open`` (kaleido: ``okrlib.views.png``, ``fig.to_image``) and
Playwright's ``BrowserType.launch`` -- are wrapped for the session: started from a test (or a
fixture it uses) without the marker, the start is refused and the test fails, even when the code
under test catches the error (``export_all`` reports a PNG it could not draw).

A browser started by a child process (a papermill kernel, ``python -c``) is out of this
process's sight: such tests carry the marker by review.

The helpers tests share with benchmarks/ are the ``testkit`` package at the repo root
(pyproject.toml puts the root on ``sys.path``).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional

import pytest

MARKER = "browser"

_running: Optional[pytest.Item] = None  # the test whose setup, call or teardown runs now
_UNMARKED = pytest.StashKey[list]()


def _launch_points() -> list[tuple[Any, str]]:
    """(class, method name) of every browser start the wrapper watches, for what is installed."""
    points: list[tuple[Any, str]] = []
    try:
        from choreographer.browser_async import Browser
        from choreographer.browser_sync import BrowserSync

        points += [(Browser, "open"), (BrowserSync, "open")]
    except ImportError:
        pass
    for api in ("sync_api", "async_api"):
        try:
            module = __import__(f"playwright.{api}", fromlist=["BrowserType"])
        except ImportError:
            continue
        points += [(module.BrowserType, "launch"), (module.BrowserType, "launch_persistent_context")]
    return points


def _refuse_unmarked(where: str, start: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(start)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        item = _running
        if item is not None and item.get_closest_marker(MARKER) is None:
            item.stash.setdefault(_UNMARKED, []).append(where)
            raise RuntimeError(f"{item.nodeid} starts Chromium ({where}) without @pytest.mark.{MARKER}")
        return start(*args, **kwargs)

    guarded.__okrlib_guarded__ = True  # type: ignore[attr-defined]
    return guarded


def pytest_configure(config: pytest.Config) -> None:
    for owner, name in _launch_points():
        start = getattr(owner, name)
        if not getattr(start, "__okrlib_guarded__", False):
            setattr(owner, name, _refuse_unmarked(f"{owner.__module__}.{owner.__qualname__}.{name}", start))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Optional[pytest.Item]):
    global _running
    _running = item
    try:
        yield
    finally:
        _running = None


@pytest.fixture(autouse=True)
def _browser_marker_is_honest(request: pytest.FixtureRequest):
    """Fails the test (at teardown) that started a browser without the marker, whatever the
    code under test did with the refusal."""
    yield
    started = request.node.stash.get(_UNMARKED, [])
    if started:
        pytest.fail(
            f"this test starts Chromium ({', '.join(sorted(set(started)))}) but is not marked "
            f"@pytest.mark.{MARKER}", pytrace=False,
        )
