"""One timed step in a fresh process, for `bench_build.py --against` (not a test; prints one JSON line).

    python bench/build_once.py ROOT pipe CORPUS_DIR            # plain nlp.pipe of the model (load excluded)
    python bench/build_once.py ROOT parse CORPUS_DIR           # nlp.pipe of Parley's pipeline (load excluded)
    python bench/build_once.py ROOT build CORPUS_DIR OUT_DIR   # a fresh 1-process build (load included)

ROOT is the checkout whose `analysis` package runs, so two versions of the code can be timed the same way
in the same run. Imports happen before the clock starts, as in `bench_build.py`'s own figures.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def main(argv: list[str]) -> int:
    root, step, corpus = Path(argv[0]).resolve(), argv[1], Path(argv[2])
    sys.path.insert(0, str(root))
    from analysis import settings
    from analysis.ingest.corpus import read_corpus
    from analysis.store.build import build

    if step in ("pipe", "parse"):
        import spacy

        from analysis.extract.nlp import load_nlp

        articles, _ = read_corpus(corpus)
        texts = articles["text"].tolist()
        model = settings.get("model")
        nlp = spacy.load(model) if step == "pipe" else load_nlp(model)[0]
        batch = settings.get_int("batch_size")
        wall, cpu = time.perf_counter(), _cpu()
        sum(1 for _ in nlp.pipe(texts, batch_size=batch))
    elif step == "build":
        out = Path(argv[3])
        shutil.rmtree(out, ignore_errors=True)
        wall, cpu = time.perf_counter(), _cpu()
        build([corpus], out)
    else:
        raise SystemExit(f"unknown step {step!r}: pipe, parse or build")
    print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
