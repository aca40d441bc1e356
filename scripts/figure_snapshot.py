"""Dump every dashboard page's figures (Plotly JSON) and shown tables to a folder, to compare two versions.

Runs each page of `dashboard/app.py` with Streamlit's AppTest over a data folder, under a few filter sets,
and writes one JSON file per (data, filters, page): the figures' specs and the dataframes the page shows.
Run it from the checkout whose code should draw (its `dashboard/` and `analysis/` are imported):

    cd CHECKOUT && .venv/bin/python /path/to/scripts/figure_snapshot.py OUT_FOLDER [--seeds-data DIR]
    diff -r BEFORE AFTER

`--seeds-data`: a data folder built from the seeds (`python -m analysis build seeds --out DIR`); the
invented tables of `dashboard.synthetic` (24 articles) are snapshotted too. Set PARLEY_QUERY_ENGINE to
choose an engine on code that has two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

PAGES = ["overview", "actors", "positions", "timeline", "articles", "data", "briefing"]
FILTERS = {
    "none": {},
    "actor": {"f_actors": ["{actor}"]},
    "topic": {"f_topics": ["{topic}"]},
    "source": {"f_sources": ["{source}"]},
    "search": {"f_search": "{word}"},
}


def _choices(folder: Path) -> dict[str, str]:
    """An actor, topic, source and word of the data, picked by rule (the most frequent)."""
    import pandas as pd

    m = pd.read_parquet(folder / "mentions.parquet")
    t = pd.read_parquet(folder / "topics.parquet")
    a = pd.read_parquet(folder / "articles.parquet")
    word = a["text"].iloc[0].split()[3] if len(a) else "the"
    return {
        "actor": m["actor"].value_counts().index[0] if len(m) else "",
        "topic": t["topic"].value_counts().index[0] if len(t) else "",
        "source": a["source"].value_counts().index[0] if len(a) else "",
        "word": "".join(ch for ch in word if ch.isalnum()) or "the",
    }


def _state(template: dict, choices: dict[str, str]) -> dict:
    def fill(v):
        return [fill(x) for x in v] if isinstance(v, list) else v.format(**choices)

    return {k: fill(v) for k, v in template.items()}


def _page(app: str, page: str, folder: Path, state: dict) -> dict:
    from dashboard import serve

    os.environ["PARLEY_DATA_DIR"] = str(folder)
    at = serve.app_test(app, page, state, timeout=180)
    out = {"exceptions": [str(e.value) for e in at.exception], "figures": [], "tables": []}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        spec.get("layout", {}).pop("template", None)
        out["figures"].append(spec)
    for el in at.dataframe:
        df = el.value
        out["tables"].append(
            {"columns": [str(c) for c in df.columns], "rows": df.astype(str).values.tolist()}
        )
    out["metrics"] = [[m.label, m.value] for m in at.metric]
    return out


def _synthetic(folder: Path) -> Path:
    from analysis.store import tables as store
    from dashboard import synthetic

    tables = synthetic.make_tables(24)
    store.write_tables(tables, folder, {"counts": {k: len(v) for k, v in tables.items()}, "built_at": "snap"})
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seeds-data", type=Path, help="a data folder built from the seeds")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    app = str(Path.cwd() / "dashboard" / "app.py")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = {"synthetic": _synthetic(Path(tmp) / "synthetic")}
        if args.seeds_data:
            data["seeds"] = args.seeds_data
        for name, folder in data.items():
            choices = _choices(folder)
            for fname, template in FILTERS.items():
                for page in args.pages:
                    started = dt.datetime.now()
                    snap = _page(app, page, folder, _state(template, choices))
                    path = args.out / f"{name}__{fname}__{page}.json"
                    path.write_text(json.dumps(snap, indent=1, sort_keys=True, default=str))
                    secs = (dt.datetime.now() - started).total_seconds()
                    print(f"{path.name}: {len(snap['figures'])} figures, {len(snap['tables'])} tables, "
                          f"{len(snap['exceptions'])} exceptions ({secs:.1f} s)", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
