"""Serving the dashboards with Voilà: the settings, and the fix that stops kernels piling up.

Why kernels piled up (Voilà 0.5.13 with jupyter_server 2.x): when a dashboard page is closed or
reloaded, its script asks the server to shut the page's kernel down with a POST that carries
the ``_xsrf`` token it reads from the ``_xsrf`` cookie. Voilà's page handler never touches
tornado's ``xsrf_token``, so that cookie is never set, the POST arrives with an empty token, and
jupyter_server refuses it ("403 '_xsrf' argument missing from POST"): every page view left its
kernel running until culled. ``set_xsrf_cookie`` is a Voilà prelaunch hook that reads the
handler's ``xsrf_token`` before the page's kernel starts, which makes tornado set the cookie on
that very response; the page's shutdown request then passes the check. Culling idle kernels
stays on as a second line (a browser that crashes sends nothing).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

__all__ = ["set_xsrf_cookie", "CONFIG", "DASHBOARDS", "running", "voila_command", "voila_env", "free_port", "find_chromium"]

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
CONFIG = Path(__file__).resolve().parents[2] / "config"


def set_xsrf_cookie(req_handler: Any, notebook: Any, cwd: Any) -> None:
    """Voilà prelaunch hook: make sure the page's ``_xsrf`` cookie is set (see the module docstring)."""
    req_handler.xsrf_token  # noqa: B018 - reading it sets the cookie on this response
    return None


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (for tests and benchmarks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def voila_command(port: int, folder: Optional[Path] = None, *extra: str) -> list[str]:
    """The command that serves ``folder`` (default: dashboards/) on 127.0.0.1:``port`` with the
    settings in config/voila.py."""
    folder = folder or DASHBOARDS
    cmd = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
           f"--Voila.config_file_paths={CONFIG}", str(folder)]
    return cmd + list(extra)


def voila_env(base: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The environment Voilà runs in: ``base`` (default: this process's) with config/jupyter on
    JUPYTER_PATH, where the dashboards' page template is."""
    env = dict(os.environ if base is None else base)
    extra = str(CONFIG / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join([extra] + ([env["JUPYTER_PATH"]] if env.get("JUPYTER_PATH") else []))
    return env


@contextmanager
def running(folder: Optional[Path] = None, *, env: Optional[dict[str, str]] = None, log: Optional[Path] = None,
            timeout: float = 180) -> Iterator[tuple[str, "subprocess.Popen[bytes]"]]:
    """Voilà serving ``folder`` on a free loopback port, as ``make dashboards`` serves it: yields
    (base URL, process) once the server answers, and stops it afterwards (tests, benchmarks)."""
    import time
    import urllib.request

    port = free_port()
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(voila_command(port, folder), env=voila_env(env), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"voila exited with {proc.returncode}" + (f"; see {log}" if log else ""))
            try:
                with urllib.request.urlopen(url + "/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"voila did not answer at {url} in {timeout:g} s") from None
                time.sleep(0.5)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()  # type: ignore[union-attr]


def find_chromium() -> Optional[str]:
    """Debian's chromium (the browser tests and PNG export use it; it is never downloaded)."""
    for candidate in (os.environ.get("OKRLIB_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def main(argv: Optional[list[str]] = None) -> int:
    """``python -m okrlib.views.serve [--port N] [voila options]``: what ``make dashboards`` runs."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m okrlib.views.serve", description="Serve the course dashboards with Voilà.")
    parser.add_argument("--port", type=int, default=8866)
    args, extra = parser.parse_known_args(argv)
    cmd = voila_command(args.port, None, *extra)
    os.execve(cmd[0], cmd, voila_env())
    return 0  # pragma: no cover - execve does not return


if __name__ == "__main__":
    sys.exit(main())
