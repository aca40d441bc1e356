"""Running the app as a headless server on this machine only (the browser tests and the load test).

Never imported by the app itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(port: int) -> list[str]:
    """`streamlit run dashboard/app.py`, headless, bound to 127.0.0.1:`port` (run it from `ROOT`)."""
    options = {
        "server.headless": "true",
        "server.address": "127.0.0.1",
        "browser.serverAddress": "localhost",
        "server.port": str(port),
        "server.fileWatcherType": "none",
        "browser.gatherUsageStats": "false",
    }
    flags = [arg for name, value in options.items() for arg in (f"--{name}", value)]
    return [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", *flags]


def wait_healthy(url: str, proc: subprocess.Popen | None, timeout: float = 90) -> None:
    """Wait until the server at `url` answers its health check; RuntimeError if `proc` exits first,
    TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"no Streamlit server answered at {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate the server, and kill it if it has not exited after `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- driving the app in Debian's Chromium (the browser tests and scripts/screenshots.py) -------------------

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
# no background traffic: this machine's network is closed, and Chromium's own connections would be refused
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE_JS = """() => !document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"]')"""
# the page position of the first heatmap cell that has evidence, and its actor
HEATMAP_CELL_JS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const fl = gd._fullLayout, cells = gd._fullData[1];
  const i = cells.customdata.findIndex((c) => c && c.length === 2);
  const r = gd.getBoundingClientRect();
  return {x: r.left + fl.xaxis._offset + fl.xaxis.d2p(cells.x[i]),
          y: r.top + fl.yaxis._offset + fl.yaxis.d2p(cells.y[i]), actor: cells.customdata[i][0]};
}"""


def idle(page, timeout: float = 60_000) -> None:
    """Wait until the script run has finished: no loading skeletons nor running indicator for ~0.6 s
    (`page` a Playwright page; `timeout` in ms)."""
    deadline = time.monotonic() + timeout / 1000
    quiet = 0
    while quiet < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        quiet = quiet + 1 if page.evaluate(IDLE_JS) else 0


def app_test(app: str, page: str, state: dict, timeout: float = 90):
    """Streamlit's AppTest of `page` ("overview" or an `app_pages/` file name) with `state` in the session,
    run once (the data folder comes from PARLEY_DATA_DIR, set by the caller).

    AppTest drops the entry script's widgets after the first run of an st.navigation app, and with them
    their state, so the state is set again before the page's run.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(app, default_timeout=timeout)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
    return at
