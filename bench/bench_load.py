"""Load test: N concurrent dashboard sessions loading pages and changing filters for a bounded time.

Each session speaks Streamlit's own websocket protocol (the `streamlit.proto` BackMsg/ForwardMsg classes
over the `websockets` client Streamlit ships with), so the server does exactly the work a browser tab
causes, without 20 Chromiums on the same cores. A request is one script run: the time from sending a
`rerun_script` message to receiving `script_finished`. Its kinds:

- `load`: a new websocket session opening a page (what a browser tab does on load or reload);
- `page`: switching to another page in the same session (sidebar navigation);
- `filter`: changing the sidebar Actors filter (one actor, or back to all) and rerunning.

An error is a script that raised (an exception element), a run that did not finish successfully, a
request without an answer in `--timeout` seconds, or a dropped connection. The server's memory (RSS of
the server process and of all its children) is read at start and at the end. As a baseline measured in
the same run, one session alone first runs the same mix for `--baseline` seconds; the load figures are
also given as ratios to it.

Loopback only: the server is started here on 127.0.0.1, or `--url` attaches to one on localhost.

Usage:
    python bench/bench_load.py                              # 20 sessions, 60 s, on the seed corpus
    python bench/bench_load.py --sessions 5 --seconds 20    # a short run
    python bench/bench_load.py -n 1000                      # on a generated 1,000-article corpus
    python bench/bench_load.py --url http://localhost:8501 --pid 1234   # attach to a running server
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from dashboard import serve  # noqa: E402

PAGES = ("", "actors", "positions", "timeline", "articles", "data", "briefing")
MAX_SESSIONS, MAX_SECONDS = 100, 600
FINISHED_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Result:
    kind: str
    seconds: float
    ok: bool
    why: str = ""
    page: str = ""


@dataclass
class Session:
    """One simulated browser tab: a websocket session, the current page and the Actors filter."""

    url: str
    timeout: float
    ws: object = None
    page: str = ""
    actors_id: str = ""
    actor_options: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    # Values the browser sends back for widgets it has drawn (the sidebar's date range): a rerun without
    # them would not be what a tab sends (and the app would read a single date instead of a range).
    echo: dict[str, list[str]] = field(default_factory=dict)

    async def open(self) -> None:
        host = urllib.parse.urlsplit(self.url).netloc
        self.ws = await connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=2**28,
            open_timeout=self.timeout,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def _rerun(self) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name = self.page
        state.query_string = ""
        if self.actors_id:
            w = state.widget_states.widgets.add()
            w.id = self.actors_id
            w.string_array_value.data.extend(self.actors)
        for wid, values in self.echo.items():
            w = state.widget_states.widgets.add()
            w.id = wid
            w.string_array_value.data.extend(values)
        return msg.SerializeToString()

    async def run(self, kind: str) -> Result:
        """Send one rerun and wait for its `script_finished`; reads the Actors filter's id on the way."""
        start = time.perf_counter()
        try:
            await self.ws.send(self._rerun())
            why = await asyncio.wait_for(self._until_finished(), self.timeout)
        except TimeoutError:
            return Result(kind, time.perf_counter() - start, False, "timeout", self.page)
        except Exception as exc:  # noqa: BLE001 - a dropped connection is an error to count, not a crash
            return Result(kind, time.perf_counter() - start, False, f"{type(exc).__name__}: {exc}", self.page)
        return Result(kind, time.perf_counter() - start, not why, why, self.page)

    async def _until_finished(self) -> str:
        problem = ""
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                which = el.WhichOneof("type")
                if which == "exception":
                    problem = problem or f"exception: {el.exception.type}: {el.exception.message[:120]}"
                elif which == "multiselect" and el.multiselect.label == "Actors":
                    self.actors_id, self.actor_options = el.multiselect.id, list(el.multiselect.options)
                elif which == "date_input":
                    d = el.date_input
                    self.echo.setdefault(d.id, list(d.value if d.set_value else d.default))
            elif kind == "script_finished":
                if fwd.script_finished not in FINISHED_OK:
                    problem = problem or f"script_finished={fwd.script_finished}"
                # a rerun that stops early (st.rerun after a first build) is followed by another run
                if fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return problem


async def drive(session: Session, deadline: float, think: float, rng: random.Random) -> list[Result]:
    """Loop load / page / filter requests until `deadline`; ~1 in 6 requests is a fresh page load."""
    results: list[Result] = []
    while time.perf_counter() < deadline:
        if session.ws is None or rng.random() < 1 / 6:
            await session.close()
            session.page, session.echo = rng.choice(PAGES), {}
            try:
                await session.open()
            except Exception as exc:  # noqa: BLE001
                results.append(Result("load", 0.0, False, f"connect: {exc}"))
                session.ws = None
                await asyncio.sleep(think)
                continue
            results.append(await session.run("load"))
        elif rng.random() < 0.5 or not session.actor_options:
            session.page = rng.choice([p for p in PAGES if p != session.page])
            results.append(await session.run("page"))
        else:
            session.actors = [] if session.actors else [rng.choice(session.actor_options[:15])]
            results.append(await session.run("filter"))
        if not results[-1].ok and "connect" not in results[-1].why:
            await session.close()  # start the next request on a fresh session
        await asyncio.sleep(rng.uniform(0, 2 * think))
    await session.close()
    return results


async def phase(
    url: str, sessions: int, seconds: float, think: float, timeout: float, seed: int
) -> list[Result]:
    deadline = time.perf_counter() + seconds
    tasks = [
        drive(Session(url, timeout), deadline, think, random.Random(seed * 1000 + i)) for i in range(sessions)
    ]
    return [r for rs in await asyncio.gather(*tasks) for r in rs]


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants, in MB (psutil, else /proc)."""
    try:
        import psutil

        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total / 2**20
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(results: list[Result], seconds: float) -> dict:
    ok = [r.seconds for r in results if r.ok]
    out = {
        "requests": len(results),
        "errors": sum(not r.ok for r in results),
        "requests_per_s": round(len(results) / seconds, 2),
        "median_ms": round(statistics.median(ok) * 1000, 1) if ok else None,
        "p95_ms": round(quantile(ok, 0.95) * 1000, 1) if ok else None,
        "by_kind": {},
    }
    for kind in ("load", "page", "filter"):
        times = [r.seconds for r in results if r.ok and r.kind == kind]
        if times:
            out["by_kind"][kind] = {
                "n": len(times),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": round(quantile(times, 0.95) * 1000, 1),
            }
    out["by_page"] = {}
    for page in PAGES:
        times = [r.seconds for r in results if r.ok and r.page == page]
        if times:
            out["by_page"][page or "overview"] = {
                "n": len(times),
                "median_ms": round(statistics.median(times) * 1000, 1),
            }
    whys = sorted({r.why for r in results if not r.ok})
    if whys:
        out["error_kinds"] = whys[:10]
    return out


def prepare_data(args, tmp: Path) -> tuple[Path, Path]:
    """Built tables for the chosen corpus (seeds, or `-n` generated articles) in `tmp`."""
    corpus = ROOT / "seeds"
    if args.n:
        corpus = tmp / "corpus"
        gen = [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "-n", str(args.n), "--out", str(corpus)]
        subprocess.run(gen, check=True, cwd=ROOT, capture_output=True)
    data = tmp / "data"
    build = [sys.executable, "-m", "analysis", "build", str(corpus), "--out", str(data), "--quiet"]
    if args.n:
        build += ["--workers", "2"]
    subprocess.run(build, check=True, cwd=ROOT)
    return corpus, data


def start_server(corpus: Path, data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = serve.free_port()
    env = {**os.environ, "PARLEY_DATA_DIR": str(data), "PARLEY_CORPUS_DIR": str(corpus)}
    proc = subprocess.Popen(
        serve.command(port), cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    return proc, f"http://127.0.0.1:{port}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20, help=f"concurrent sessions (1..{MAX_SESSIONS})")
    p.add_argument(
        "--seconds", type=float, default=60, help=f"duration of the load phase (max {MAX_SECONDS})"
    )
    p.add_argument(
        "--baseline", type=float, default=15, help="seconds of the single-session baseline (0: none)"
    )
    p.add_argument("--think", type=float, default=0.5, help="mean pause between a session's requests (s)")
    p.add_argument(
        "--timeout", type=float, default=60, help="a request without an answer after this is an error"
    )
    p.add_argument(
        "-n", type=int, default=0, help="use a generated corpus of N articles instead of the seeds"
    )
    p.add_argument("--url", help="attach to a running server on localhost instead of starting one")
    p.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    p.add_argument("--seed", type=int, default=7, help="random seed of the sessions' choices")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return p


def _check(args) -> None:
    if not 1 <= args.sessions <= MAX_SESSIONS:
        raise SystemExit(f"--sessions must be 1..{MAX_SESSIONS}, got {args.sessions}")
    if not 0 < args.seconds <= MAX_SECONDS or not 0 <= args.baseline <= MAX_SECONDS:
        raise SystemExit(f"--seconds and --baseline must be at most {MAX_SECONDS}")
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("localhost", "127.0.0.1", "::1"):
        raise SystemExit(f"--url must be a loopback address (localhost, 127.0.0.1), got {args.url}")


def measure(args, url: str, pid: int | None) -> dict:
    # one page load so the tables are loaded before the start figure: "start" is the idle, ready app
    asyncio.run(phase(url, 1, 0.1, 0, args.timeout, args.seed))
    rss_start = rss_mb(pid) if pid else None
    base = None
    if args.baseline:
        base = summary(
            asyncio.run(phase(url, 1, args.baseline, args.think, args.timeout, args.seed)), args.baseline
        )
    t0 = time.perf_counter()
    results = asyncio.run(phase(url, args.sessions, args.seconds, args.think, args.timeout, args.seed + 1))
    load = summary(results, time.perf_counter() - t0)
    out = {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "think_s": args.think,
        "corpus": f"{args.n} generated articles" if args.n else "seeds",
        "baseline_1_session": base,
        "load": load,
        "server_rss_mb_start": round(rss_start, 1) if rss_start else None,
        "server_rss_mb_end": round(rss_mb(pid), 1) if pid else None,
    }
    if base and base["median_ms"] and load["median_ms"]:
        out["median_ratio_vs_1_session"] = round(load["median_ms"] / base["median_ms"], 2)
        out["p95_ratio_vs_1_session"] = round(load["p95_ms"] / base["p95_ms"], 2)
    return out


def report(out: dict) -> None:
    load, base = out["load"], out["baseline_1_session"]
    print(f"corpus: {out['corpus']}; {out['sessions']} sessions for {out['seconds']:.0f} s, ", end="")
    print(f"mean pause {out['think_s']} s")
    if base:
        print(
            f"baseline, 1 session: {base['requests']} requests, median {base['median_ms']} ms, "
            f"p95 {base['p95_ms']} ms, errors {base['errors']}"
        )
    print(
        f"load: {load['requests']} requests ({load['requests_per_s']}/s), errors {load['errors']}, "
        f"median {load['median_ms']} ms, p95 {load['p95_ms']} ms"
    )
    for kind, k in load["by_kind"].items():
        print(f"  {kind:6s} n={k['n']:4d}  median {k['median_ms']:8.1f} ms  p95 {k['p95_ms']:8.1f} ms")
    pages = load["by_page"]
    print("  median by page:", ", ".join(f"{p} {k['median_ms']:.0f} ms" for p, k in pages.items()))
    if base:
        pages = base["by_page"]
        print("  1 session, by page:", ", ".join(f"{p} {k['median_ms']:.0f} ms" for p, k in pages.items()))
    if "median_ratio_vs_1_session" in out:
        ratios = out["median_ratio_vs_1_session"], out["p95_ratio_vs_1_session"]
        print(f"ratio to 1 session: median ×{ratios[0]}, p95 ×{ratios[1]}")
    if load.get("error_kinds"):
        print("errors:", *load["error_kinds"], sep="\n  ")
    rss = out["server_rss_mb_start"], out["server_rss_mb_end"]
    print(f"server memory (RSS incl. children): start {rss[0]} MB, end {rss[1]} MB")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _check(args)
    if args.url:
        serve.wait_healthy(args.url.rstrip("/"), None)
        out = measure(args, args.url.rstrip("/"), args.pid)
    else:
        with tempfile.TemporaryDirectory(prefix="parley-load-") as tmp:
            corpus, data = prepare_data(args, Path(tmp))
            proc, url = start_server(corpus, data, Path(tmp) / "streamlit.log")
            try:
                serve.wait_healthy(url, proc)
                out = measure(args, url, proc.pid)
            finally:
                serve.stop(proc)
    report(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 1 if out["load"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
