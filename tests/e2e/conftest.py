"""End-to-end fixtures: a headless Streamlit server on a free localhost port, over a temporary data
folder (PARLEY_DATA_DIR), driven by Python Playwright with Debian's Chromium.

A missing Chromium fails the suite (it is installed by `.ci/run`); no browser is ever downloaded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM, ARGS = serve.CHROMIUM, serve.CHROMIUM_ARGS


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """An empty data folder: the app builds the seed corpus on first start."""
    return tmp_path_factory.mktemp("e2e_data")


def build_corpus(corpus_dir: Path, out_dir: Path, env: dict | None = None) -> None:
    """`python -m analysis build CORPUS --out OUT` (the tables a server can start on without a build)."""
    cmd = [sys.executable, "-m", "analysis", "build", str(corpus_dir), "--out", str(out_dir), "--quiet"]
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building {corpus_dir} failed ({done.returncode}): {done.stderr[-2000:]}")


@contextlib.contextmanager
def streamlit_server(
    data_dir: Path, corpus_dir: Path = ROOT / "seeds", env: dict | None = None
) -> Iterator[str]:
    """A headless Streamlit server of the app over `data_dir` on a free localhost port; yields its URL.

    The server's output goes to `data_dir/streamlit.log`; it is stopped when the block ends.
    """
    port = serve.free_port()
    full_env = {
        **os.environ,
        "PARLEY_DATA_DIR": str(data_dir),
        "PARLEY_CORPUS_DIR": str(corpus_dir),
        **(env or {}),
    }
    log = open(data_dir / "streamlit.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(serve.command(port), cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        serve.wait_healthy(url, proc)
        yield url
    finally:
        serve.stop(proc)
        log.close()


@pytest.fixture(scope="session")
def server(data_dir):
    with streamlit_server(data_dir) as url:
        yield url


@pytest.fixture(scope="module")
def devset_server(tmp_path_factory):
    """A server over the development set (15 articles), built before it starts."""
    data = tmp_path_factory.mktemp("layout_data")
    build_corpus(ROOT / "tests" / "devset", data)
    with streamlit_server(data, corpus_dir=ROOT / "tests" / "devset") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def new_page(browser):
    """A fresh browser context (its own cookies and session) and a page in it, downloads allowed."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    return context, pg


@pytest.fixture()
def page(browser, server):
    context, pg = new_page(browser)
    yield pg
    context.close()
