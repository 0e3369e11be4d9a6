"""JupyterLab on a participant's workspace, started as ``make lab`` starts it (for browser tests).

``running_lab(folder)`` serves ``folder`` on a free loopback port with a token of its own, waits
until the server answers, yields (base URL, token, process) and afterwards stops the process
group it started (and only that one).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from okrlib.views.serve import free_port
from testkit.waiting import eventually

__all__ = ["running_lab", "lab_command"]


def lab_command(folder: Path, port: int, token: str) -> list[str]:
    """The Makefile's ``lab`` command for ``folder`` (no browser, loopback only), on ``port``."""
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [str(jupyter), "lab", f"--ServerApp.root_dir={folder}",
           "--LabApp.default_url=/lab/tree/notebooks/index.ipynb", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def _answers(url: str, token: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
            return r.status == 200 and "started" in json.loads(r.read().decode("utf-8"))
    except OSError:
        return False


def _shutdown_kernels(url: str, token: str) -> None:
    """Ask the server to shut its kernels down (they run in sessions of their own)."""
    try:
        with urllib.request.urlopen(f"{url}/api/kernels?token={token}", timeout=10) as r:
            kernels = json.loads(r.read().decode("utf-8"))
        for k in kernels:
            req = urllib.request.Request(f"{url}/api/kernels/{k['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(req, timeout=30).close()
    except OSError:
        pass  # the server is stopped next in any case, and it stops its kernels when it stops


@contextmanager
def running_lab(folder: Path, *, log: Optional[Path] = None, env: Optional[dict[str, str]] = None,
                timeout: float = 120) -> Iterator[tuple[str, str, "subprocess.Popen[bytes]"]]:
    folder = Path(folder)
    port = free_port()
    token = secrets.token_hex(16)
    run_env = dict(os.environ if env is None else env)
    # a test's plan is the workspace's own: nothing from the calling shell names another one
    for name in ("OKRLIB_PLAN", "OKRLIB_SAMPLES", "OKRLIB_EXPORT_DIR", "OKRLIB_COURSE"):
        run_env.pop(name, None)
    run_env["JUPYTERLAB_SETTINGS_DIR"] = str(folder / ".jupyter" / "lab" / "user-settings")
    run_env["JUPYTERLAB_WORKSPACES_DIR"] = str(folder / ".jupyter" / "lab" / "workspaces")
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(lab_command(folder, port, token), cwd=folder, env=run_env, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        up = eventually(lambda: proc.poll() is not None or _answers(url, token), within=timeout, every=0.3)
        if proc.poll() is not None or not up:
            raise RuntimeError(f"jupyter lab did not start (exit {proc.poll()})" + (f"; see {log}" if log else ""))
        yield url, token, proc
    finally:
        if proc.poll() is None:
            _shutdown_kernels(url, token)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if log:
            out.close()  # type: ignore[union-attr]
