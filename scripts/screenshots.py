"""Regenerate the README's screenshots (docs/img/overview.png, docs/img/positions.png).

    .venv/bin/python scripts/screenshots.py [--out docs/img]

Starts the dashboard headless over a temporary data folder on the seed corpus (it builds on first start),
opens the Overview and the Positions page with a heatmap cell clicked, in Debian's Chromium driven by
Playwright, and writes the two PNGs. The tests never write into the working tree; this script is the one
place that does, on purpose.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import serve  # noqa: E402


def _open(page, url: str) -> None:
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=180_000)
    serve.idle(page, 180_000)


def shoot(out: Path) -> list[Path]:
    """Write overview.png and positions.png into `out`; returns their paths."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parley-shots-") as data:
        port = serve.free_port()
        env = {**os.environ, "PARLEY_DATA_DIR": data, "PARLEY_CORPUS_DIR": str(ROOT / "seeds")}
        proc = subprocess.Popen(
            serve.command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        url = f"http://localhost:{port}"
        try:
            serve.wait_healthy(url, proc)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.set_default_timeout(60_000)
                _open(page, url)
                # first start: the seeds are analysed behind a progress bar, then the metrics appear
                page.locator('[data-testid="stMetric"]').first.wait_for(timeout=300_000)
                serve.idle(page, 180_000)
                page.screenshot(path=str(out / "overview.png"), full_page=True)
                _open(page, f"{url}/positions")
                page.wait_for_function(
                    "() => { const g = document.querySelector('.js-plotly-plot');"
                    " return g && g._fullLayout; }"
                )
                page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                cell = page.evaluate(serve.HEATMAP_CELL_JS)
                page.mouse.click(cell["x"], cell["y"])
                page.get_by_role("heading", name="Evidence:").first.wait_for(timeout=30_000)
                serve.idle(page, 180_000)
                page.screenshot(path=str(out / "positions.png"), full_page=True)
                browser.close()
        finally:
            serve.stop(proc)
    return [out / "overview.png", out / "positions.png"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="folder for the PNGs")
    args = parser.parse_args(argv)
    for path in shoot(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
