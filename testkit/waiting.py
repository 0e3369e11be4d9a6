"""Waiting for another process to act, without betting on how long it takes.

A test that watches a server it started (a kernel shut down, a line logged) asks the server's
observable state again and again until the expected state holds or a generous bound passes; the
bound only stops a broken server from hanging the suite, it is never what the test asserts.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


def eventually(condition: Callable[[], bool], *, within: float = 60.0, every: float = 0.2) -> bool:
    """True as soon as ``condition()`` holds; False if it still does not after ``within`` seconds."""
    pause = threading.Event()
    end = time.monotonic() + within
    while not condition():
        if time.monotonic() >= end:
            return False
        pause.wait(every)
    return True
