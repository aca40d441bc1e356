"""Build throughput and incremental-build benchmark (not a test: prints figures, asserts nothing).

In one run, on the same generated corpus:
1. plain `nlp.pipe` over the article texts (the spaCy model alone, then with Parley's actor ruler);
2. a full build in 1 process, with `--workers 2`, and on a 2-worker Dask LocalCluster (fresh cache each);
3. incremental: the unchanged rebuild vs the first build, and adding 100 articles vs building those 100 alone.

Throughput is words of cleaned article text per wall-clock second, model loading included for the builds
(the baseline's load is reported separately). Usage:
    python bench/bench_build.py -n 1000 [--skip-cluster] [--json results.json]
    python bench/bench_build.py -n 10000 --incremental-only --workers 2   # first build, then incremental
    python bench/bench_build.py -n 1000 --against /tmp/parley-before --repeat 3   # overhead, old vs new

`--against DIR` compares the build overhead of this checkout with the code in DIR (a worktree of another
commit) in the same run: each round times plain `nlp.pipe`, this checkout's build and DIR's build, each in a
fresh process (`build_once.py`), in turn, so a busy machine weighs on all three alike.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import settings  # noqa: E402
from analysis.ingest.corpus import read_corpus  # noqa: E402
from analysis.store import parallel  # noqa: E402
from analysis.store.build import build  # noqa: E402


def generate(n: int, out: Path, start: int = 0) -> None:
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "gen_corpus.py"),
        "-n",
        str(n),
        "--start",
        str(start),
        "--out",
        str(out),
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


CPU = {"cpu_s": 0.0}  # CPU seconds of the last `timed` call: this process and its reaped children


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args, **kw) -> tuple[float, object]:
    """Wall seconds of `fn(...)` (CPU seconds in CPU['cpu_s']: a busy machine inflates wall time, not CPU)."""
    start, cpu = time.perf_counter(), _cpu()
    value = fn(*args, **kw)
    CPU["cpu_s"] = _cpu() - cpu
    return time.perf_counter() - start, value


def plain_pipe(texts: list[str], with_ruler: bool) -> dict:
    """Seconds to load and to run `nlp.pipe` over `texts`: the spaCy model alone, or with the actor ruler."""
    import spacy

    from analysis.extract import nlp as parley_nlp

    model = settings.get("model")
    load, nlp = timed(lambda: parley_nlp.load_nlp(model)[0] if with_ruler else spacy.load(model))
    batch = settings.get_int("batch_size")
    run, _ = timed(lambda: sum(1 for _ in nlp.pipe(texts, batch_size=batch)))
    return {"load_s": load, "pipe_s": run, "pipe_cpu_s": CPU["cpu_s"]}


def fresh_build(corpus: list[Path], out: Path, **kw) -> float:
    parallel._LOADED.clear()  # every build pays for its model load, as a new process would
    shutil.rmtree(out, ignore_errors=True)
    seconds, _ = timed(build, corpus, out, **kw)
    CPU[out.name] = CPU["cpu_s"]
    return seconds


def rebuild(corpus: list[Path], out: Path) -> tuple[float, dict]:
    parallel._LOADED.clear()
    seconds, result = timed(build, corpus, out)
    return seconds, result.manifest["cache"]


def throughput(n: int, work: Path, skip_cluster: bool) -> dict:
    corpus = work / "corpus"
    generate(n, corpus)
    articles, _ = read_corpus(corpus)
    texts, words = articles["text"].tolist(), int(articles["n_words"].sum())
    out = {"articles": len(texts), "words": words}
    out["pipe_model"] = plain_pipe(texts, with_ruler=False)
    out["pipe_model_ruler"] = plain_pipe(texts, with_ruler=True)
    out["build_1"] = fresh_build([corpus], work / "out1")
    out["build_workers_2"] = fresh_build([corpus], work / "out2", workers=2)
    if not skip_cluster:
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            out["build_cluster_2"] = fresh_build([corpus], work / "out3", scheduler=cluster.scheduler_address)
    out["cpu_s"] = {
        "build_1": CPU["out1"],
        "build_workers_2": CPU["out2"],
    }  # the cluster's workers are not ours
    return out


def incremental(work: Path) -> dict:
    corpus, extra = work / "corpus", work / "extra"
    n = len((corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines())
    generate(100, extra, start=n)
    out: dict = {}
    out["unchanged_s"], out["unchanged_cache"] = rebuild([corpus], work / "out1")
    alone = fresh_build([extra], work / "out_extra")
    out["hundred_alone_s"] = alone
    out["plus_100_s"], out["plus_100_cache"] = rebuild([corpus, extra], work / "out1")
    return out


def first_build_only(n: int, work: Path, workers: int) -> dict:
    """Only the first build (with `workers` processes), as the reference of the incremental figures."""
    corpus = work / "corpus"
    if not (corpus / "corpus.jsonl").exists():
        generate(n, corpus)
    articles, _ = read_corpus(corpus)
    out = {"articles": len(articles), "words": int(articles["n_words"].sum()), "workers": workers}
    out["build_1"] = fresh_build([corpus], work / "out1", workers=workers)
    out["cpu_s"] = {"build_1": CPU["out1"]}
    return out


def report_incremental(t: dict, inc: dict) -> None:
    first, workers = t["build_1"], t.get("workers", 1)
    print(f"unchanged rebuild: {inc['unchanged_s']:.2f} s vs first build {first:.1f} s "
          f"(--workers {workers}): {first / inc['unchanged_s']:.0f}x faster (target >= 50x)")  # fmt: skip
    print(f"+100 articles: {inc['plus_100_s']:.2f} s vs those 100 alone {inc['hundred_alone_s']:.2f} s: "
          f"{inc['plus_100_s'] / inc['hundred_alone_s']:.2f}x (target < 2x)")  # fmt: skip


def report(t: dict, inc: dict) -> None:
    words = t["words"]
    pipe = t["pipe_model"]["pipe_s"]
    load = t["pipe_model"]["load_s"]
    print(f"plain nlp.pipe (model):          {words / pipe:9,.0f} words/s  (load {load:.1f} s)")
    ruler = t["pipe_model_ruler"]["pipe_s"]
    print(f"plain nlp.pipe (model + ruler):  {words / ruler:9,.0f} words/s")
    for key in ("build_1", "build_workers_2", "build_cluster_2"):
        if key in t:
            rate = words / t[key]
            print(
                f"{key:<32} {rate:9,.0f} words/s  {t[key]:7.1f} s  overhead vs pipe {t[key] / pipe - 1:+.0%}"
            )
    cpu_pipe, cpu = t["pipe_model"]["pipe_cpu_s"], t["cpu_s"]
    print(f"CPU seconds: nlp.pipe {cpu_pipe:.1f} (+ruler {t['pipe_model_ruler']['pipe_cpu_s']:.1f}), "
          f"build 1 process {cpu['build_1']:.1f} ({cpu['build_1'] / cpu_pipe - 1:+.0%} over nlp.pipe), "
          f"--workers 2 {cpu['build_workers_2']:.1f} (all processes)")  # fmt: skip
    if "build_workers_2" in t:
        print(f"speed-up --workers 2 vs 1: {t['build_1'] / t['build_workers_2']:.2f}x (target >= 1.7x)")
    if "build_cluster_2" in t:
        print(f"speed-up 2-worker cluster vs 1: {t['build_1'] / t['build_cluster_2']:.2f}x")
    report_incremental(t, inc)


def _once(root: Path, *args: str) -> dict:
    cmd = [sys.executable, str(ROOT / "bench" / "build_once.py"), str(root), *args]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def against(n: int, work: Path, other: Path, repeat: int) -> dict:
    """Rounds of (plain nlp.pipe, Parley's own parse, this build, `other`'s build), each in a fresh process,
    on one corpus."""
    corpus = work / "corpus"
    if not (corpus / "corpus.jsonl").exists():
        generate(n, corpus)
    articles, _ = read_corpus(corpus)
    rounds = []
    for r in range(repeat):
        row = {"pipe": _once(ROOT, "pipe", str(corpus)), "parse": _once(ROOT, "parse", str(corpus))}
        order = [("this", ROOT), ("other", other)] if r % 2 == 0 else [("other", other), ("this", ROOT)]
        for name, root in order:
            row[name] = _once(root, "build", str(corpus), str(work / f"out_{name}"))
        rounds.append(row)
        print(_round_line(r, row), flush=True)
    return {"articles": len(articles), "words": int(articles["n_words"].sum()), "other": str(other),
            "rounds": rounds}  # fmt: skip


def _overheads(rounds: list[dict], name: str, unit: str) -> list[float]:
    return [r[name][unit] / r["pipe"][unit] - 1 for r in rounds]


def _round_line(r: int, row: dict) -> str:
    parse = row["parse"]["wall_s"]
    parts = [f"round {r + 1}: pipe {row['pipe']['wall_s']:.1f} s, Parley's parse {parse:.1f} s"]
    for name in ("this", "other"):
        wall = row[name]["wall_s"] / row["pipe"]["wall_s"] - 1
        cpu = row[name]["cpu_s"] / row["pipe"]["cpu_s"] - 1
        parts.append(f"{name} build {row[name]['wall_s']:.1f} s (overhead wall {wall:+.1%}, CPU {cpu:+.1%})")
    return ", ".join(parts)


def report_against(t: dict) -> None:
    import statistics

    rounds = t["rounds"]
    print(f"build overhead over plain nlp.pipe, median of {len(rounds)} rounds (target <= 25%):")
    for name, label in (("this", str(ROOT)), ("other", t["other"])):
        wall = statistics.median(_overheads(rounds, name, "wall_s"))
        cpu = statistics.median(_overheads(rounds, name, "cpu_s"))
        print(f"  {label}: wall {wall:+.1%}, CPU {cpu:+.1%}")
    # the analysis alone: this build over nlp.pipe of Parley's own pipeline (model, faster attribute ruler
    # and lemma memo, actor ruler), so that a faster parse does not hide what the analysis costs
    own = [r["this"]["cpu_s"] / r["parse"]["cpu_s"] - 1 for r in rounds]
    parse = [r["parse"]["cpu_s"] / r["pipe"]["cpu_s"] - 1 for r in rounds]
    print(f"  Parley's own parse vs plain nlp.pipe: CPU {statistics.median(parse):+.1%}")
    print(f"  {ROOT} build over Parley's own parse (the analysis alone): CPU {statistics.median(own):+.1%}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=1000, help="articles in the generated corpus (default 1000)")
    p.add_argument("--skip-cluster", action="store_true", help="leave out the Dask LocalCluster build")
    p.add_argument("--json", type=Path, help="also write the raw figures here")
    p.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed after)")
    p.add_argument(
        "--incremental-only",
        action="store_true",
        help="skip the throughput comparison: one first build (with --workers), then the incremental figures",
    )
    p.add_argument(
        "--workers", type=int, default=1, help="processes for the first build of --incremental-only"
    )
    p.add_argument(
        "--against",
        type=Path,
        metavar="DIR",
        help="only the build overhead, of this checkout and of the checkout in DIR, in the same run",
    )
    p.add_argument("--repeat", type=int, default=3, help="rounds of --against (default 3)")
    args = p.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="parley-bench-"))
    if args.against:
        try:
            t = against(args.n, work, args.against.resolve(), args.repeat)
        finally:
            if not args.work:
                shutil.rmtree(work, ignore_errors=True)
        print(f"corpus: {t['articles']:,} articles, {t['words']:,} words")
        report_against(t)
        if args.json:
            args.json.write_text(json.dumps({"against": t}, indent=2, default=str))
        return 0
    try:
        if args.incremental_only:
            t = first_build_only(args.n, work, args.workers)
        else:
            t = throughput(args.n, work, args.skip_cluster)
        inc = incremental(work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"corpus: {t['articles']:,} articles, {t['words']:,} words")
    (report_incremental if args.incremental_only else report)(t, inc)
    if args.json:
        args.json.write_text(json.dumps({"throughput": t, "incremental": inc}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
