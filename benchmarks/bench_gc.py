"""Full garbage collections during checks, with and without ``gc.freeze()`` after the index is loaded.

A loaded index is a few hundred thousand long-lived Python objects. Python's full (generation 2) collection walks
every one of them, so a check that triggers one waits for it; a long-running process — `similarity serve`, the
sweep's workers — freezes what it loaded (``gc.freeze()``) so that collections walk only what the checks allocate.
Each mode runs in its own process on the same synthetic index and queries::

    python -m benchmarks.bench_gc            # 100k marks, 1,500 checks with a class
    python -m benchmarks.bench_gc --n 20000 --queries 300

The table gives the number of full collections, their total and longest pause, and the checks' p50 / p99 / max; the
peer is the same run without the freeze. JSON in ``benchmarks/results/gc_pauses.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "gc_pauses.json"


def run_mode(mode: str, n: int, n_queries: int) -> dict:
    """One mode in this process: build, maybe freeze, then time the checks and the full collections."""
    from benchmarks.bench_names import build
    from benchmarks.synth import brand_names, variants
    from similarity.pipeline import check

    names = brand_names(n, seed=42)
    queries = [v.query for v in variants(names, n_queries, seed=7)]
    index, _ = build(names)
    del names
    if mode == "freeze":
        gc.freeze()
    pauses: list[float] = []
    started: list[float] = []

    def watch(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                pauses.append(time.perf_counter() - started.pop())

    gc.callbacks.append(watch)
    latencies = []
    for query in queries:
        t = time.perf_counter()
        check(index, query, classes=[30])
        latencies.append(time.perf_counter() - t)
    gc.callbacks.remove(watch)
    latencies.sort()
    return {
        "mode": mode,
        "full_collections": len(pauses),
        "pause_total_s": round(sum(pauses), 3),
        "pause_max_ms": round(1000 * max(pauses, default=0.0), 1),
        "check_p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "check_p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 2),
        "check_max_ms": round(1000 * latencies[-1], 1),
        "frozen_objects": gc.get_freeze_count(),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="synthetic marks")
    ap.add_argument("--queries", type=int, default=1500, help="checks per mode (typo variants, class 30)")
    ap.add_argument("--mode", choices=("none", "freeze"), help=argparse.SUPPRESS)  # one mode, in a child process
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.n, args.queries)))
        return {}
    rows = []
    for mode in ("none", "freeze"):
        print(f"{mode}: {args.n:,} marks, {args.queries:,} checks …", file=sys.stderr, flush=True)
        out = subprocess.run([sys.executable, "-m", "benchmarks.bench_gc", "--mode", mode, "--n", str(args.n),
                              "--queries", str(args.queries)], capture_output=True, text=True, check=True, cwd=ROOT)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    head = ["mode", "full collections", "pause total s", "longest pause ms", "check p50 ms", "p99 ms", "max ms"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print(f"| {r['mode']} | {r['full_collections']} | {r['pause_total_s']} | {r['pause_max_ms']} | "
              f"{r['check_p50_ms']} | {r['check_p99_ms']} | {r['check_max_ms']} |")
    none, frozen = rows
    ratio = none["pause_total_s"] / frozen["pause_total_s"] if frozen["pause_total_s"] else float("inf")
    print(f"time in full collections: {ratio:.1f}x less with the freeze; longest check {none['check_max_ms']} -> "
          f"{frozen['check_max_ms']} ms")
    payload = {"command": "python -m benchmarks.bench_gc " + " ".join(argv or sys.argv[1:]), "n": args.n,
               "queries": args.queries, "modes": rows, "pause_total_ratio": round(ratio, 2),
               "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {args.out}")
    return payload


if __name__ == "__main__":
    main()
