"""Precision of stance statements by confidence band, against a gold file in the seeds' format.

    python scripts/confidence_bands.py GOLD.json OUT_DIR [--bands 0.8,0.7,0.6]

A statement (article, actor, topic, direction) is right when the gold of its article holds the same
triple (actors compared with the scorer's `same_actor`). A triple found at several confidences counts in
the band of its highest one, as the dashboard shows it. Prints one line per band: statements, right,
precision. Statements at confidence >= 0.8 are meant to be measurably more precise than the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared" / "eval"))


def _same_actor(a: str, b: str) -> bool:
    try:
        from score import same_actor  # the shared scorer's rule, when it is at hand
    except ImportError:
        return a.strip().lower() == b.strip().lower()
    return same_actor(a, b)


def band_of(confidence: float, bands: list[float]) -> str:
    """The label of the highest band whose floor `confidence` reaches (`bands` in descending order)."""
    for floor in bands:
        if confidence >= floor:
            return f">= {floor:.2f}"
    return f"< {bands[-1]:.2f}"


def precision_by_band(gold: dict, statements: pd.DataFrame, files: dict, bands: list[float]) -> pd.DataFrame:
    """One row per band: n statements, right, precision."""
    rows = []
    polar = statements[statements.stance.isin(["support", "oppose"])]
    for key, g in gold.items():
        aid = files.get(key)
        if aid is None:
            continue
        triples = [(s["actor"], s["topic"], s["stance"]) for s in g.get("stances", [])]
        best = polar[polar.article_id == aid].groupby(["actor", "topic", "stance"]).confidence.max()
        for (actor, topic, stance), conf in best.items():
            right = any(_same_actor(a, actor) and t == topic and d == stance for a, t, d in triples)
            rows.append({"band": band_of(float(conf), bands), "right": right})
    df = pd.DataFrame(rows, columns=["band", "right"])
    order = [f">= {b:.2f}" for b in bands] + [f"< {bands[-1]:.2f}"]
    out = df.groupby("band").right.agg(["count", "sum"]).reindex(order).fillna(0).astype(int)
    out["precision"] = (out["sum"] / out["count"].where(out["count"] > 0)).round(3)
    return out.rename(columns={"count": "statements", "sum": "right"})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("out_dir")
    ap.add_argument("--bands", default="0.8", help="band floors, comma separated (default 0.8)")
    args = ap.parse_args(argv)
    out = Path(args.out_dir)
    for name in ("statements", "articles"):
        if not (out / f"{name}.parquet").exists():
            print(f"{out / (name + '.parquet')}: not found (run `python -m analysis build` first)")
            return 2
    gold = {k: v for k, v in json.loads(Path(args.gold).read_text()).items() if not k.startswith("_")}
    arts = pd.read_parquet(out / "articles.parquet")
    files = dict(zip(arts["file"].map(lambda f: Path(str(f)).name), arts["article_id"], strict=True))
    bands = sorted((float(b) for b in args.bands.split(",") if b.strip()), reverse=True)
    table = precision_by_band(gold, pd.read_parquet(out / "statements.parquet"), files, bands)
    print(table.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
