"""The CLI's batch mode: ``similarity check --queries FILE --json`` over a saved index, per query, against
``rapidfuzz.process.extract(..., scorer=WRatio)`` over all names timed in the same run.

The index is the name benchmark's (``benchmarks/bench_names.py``: its synthetic names, classes and statuses), saved
to a temporary folder; the queries are its imitations of registry names (typos, respellings, added and dropped
words …). The CLI runs as a user runs it, in a fresh process that loads the index once and answers every line; it
is timed twice, with the queries and with none (start-up and loading alone), so both the whole run per query and
the answering alone per query are reported, in wall time and in the CPU time of the CLI's process (user + system,
steadier on a shared machine; the peer's CPU time beside it). "source in top 10" reads the CLI's JSON: the share
of queries whose source mark is among the matches::

    python -m benchmarks.bench_cli                  # 200k names, 2,000 queries (about 3 minutes)
    python -m benchmarks.bench_cli --n 50000 --queries 500
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_names import build, peer_latencies
from benchmarks.report import print_table, write_results
from benchmarks.synth import brand_names, variants

ROOT = Path(__file__).resolve().parents[1]


def run_cli(index: Path, queries: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the child's user + system) of one ``check --queries`` run writing JSON lines to
    `out`."""
    command = [sys.executable, "-m", "similarity.cli", "check", "--queries", str(queries), "--index", str(index),
               "--json", "--quiet"]
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    with out.open("wb") as f:
        subprocess.run(command, stdout=f, check=True, cwd=ROOT)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def run(n: int, n_queries: int, peer_queries: int, seed: int = 42) -> dict:
    names = brand_names(n, seed=seed)
    queries = variants(names, n_queries, seed=seed + 1)
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        folder = Path(tmp) / "index"
        idx, build_s = build(names, seed=seed)
        idx.save(folder)
        del idx
        print(f"  built and saved {n:,} marks in {build_s:.0f} s", file=sys.stderr, flush=True)
        table, empty = Path(tmp) / "queries.csv", Path(tmp) / "none.csv"
        with table.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["name"])
            writer.writerows([v.query] for v in queries)
        empty.write_text("name\n", encoding="utf-8")
        answers = Path(tmp) / "answers.jsonl"
        run_cli(folder, empty, answers)  # warm the page cache: both timed runs read the same files
        startup_s, startup_cpu = run_cli(folder, empty, answers)
        total_s, total_cpu = run_cli(folder, table, answers)
        lines = answers.read_text(encoding="utf-8").splitlines()
    found = [str(v.source) in {m["mark"]["id"] for m in json.loads(line)["matches"]}
             for v, line in zip(queries, lines, strict=True)]
    peer_cpu: list[float] = []
    peer = peer_latencies(names, queries[:peer_queries], peer_cpu)
    peer_ms, peer_cpu_ms = statistics.median(peer), statistics.median(peer_cpu)
    per_query = total_s * 1000 / len(queries)
    answering = (total_s - startup_s) * 1000 / len(queries)
    answering_cpu = (total_cpu - startup_cpu) * 1000 / len(queries)
    return {
        "n": n, "queries": len(queries), "build_s": round(build_s, 1), "startup_and_load_s": round(startup_s, 2),
        "total_s": round(total_s, 2), "ms_per_query_whole_run": round(per_query, 3),
        "ms_per_query_answering": round(answering, 3), "peer_wratio_extract_ms_p50": round(peer_ms, 2),
        "peer_queries": len(peer), "speedup_whole_run": round(peer_ms / per_query, 1),
        "speedup_answering": round(peer_ms / answering, 1), "source_in_top10": round(sum(found) / len(found), 4),
        "cpu_ms_per_query_answering": round(answering_cpu, 3), "peer_wratio_extract_cpu_ms_p50": round(peer_cpu_ms, 2),
        "cpu_speedup_answering": round(peer_cpu_ms / answering_cpu, 1),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--peer-queries", type=int, default=20)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/cli.json"))
    args = ap.parse_args(argv)
    print(f"cli: {args.n:,} names, {args.queries:,} queries …", file=sys.stderr, flush=True)
    r = run(args.n, args.queries, args.peer_queries)
    print_table(
        "CLI batch (check --queries --json, a fresh process; one run, this machine, shared with other jobs)",
        ["names", "queries", "start+load s", "ms/query whole run", "ms/query answering", "WRatio extract p50 ms",
         "speed-up whole run", "speed-up answering", "CPU ms/query answering", "WRatio CPU ms",
         "CPU speed-up answering", "source in top10"],
        [[f"{r['n']:,}", r["queries"], r["startup_and_load_s"], r["ms_per_query_whole_run"],
          r["ms_per_query_answering"], r["peer_wratio_extract_ms_p50"], f"{r['speedup_whole_run']}×",
          f"{r['speedup_answering']}×", r["cpu_ms_per_query_answering"], r["peer_wratio_extract_cpu_ms_p50"],
          f"{r['cpu_speedup_answering']}×", r["source_in_top10"]]],
    )
    write_results(args.out, {"benchmark": "cli", **r})
    return r


if __name__ == "__main__":
    main()
