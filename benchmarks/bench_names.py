"""Name search at scale: build time, peak memory, latency and recall@10 against an exhaustive scan.

The exhaustive scan scores *every* registry name with the same final name score the index uses
(``similarity.text.score.score_strings`` with uncapped dominant-word postings), so recall measures only what
candidate generation loses. The naive peer is ``rapidfuzz.process.extract(..., scorer=WRatio)`` over all
names, timed in the same run.

    python -m benchmarks.bench_names --n 1000000 --queries 200     # the issue's numbers (~10 min)
    python -m benchmarks.bench_names --n 100000 --queries 100      # quicker
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from benchmarks.report import print_table, write_results
from benchmarks.synth import brand_names, variants
from similarity.index import IndexParams, MarkIndex
from similarity.marks import Mark
from similarity.text.encode import encode_name
from similarity.text.score import score_strings


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(names: list[str], params: IndexParams | None = None) -> tuple[MarkIndex, float]:
    t0 = time.perf_counter()
    idx = MarkIndex(params)
    with idx.insertion_session() as s:
        for i, n in enumerate(names):
            s.insert(Mark(id=str(i), name=n))
    return idx, time.perf_counter() - t0


def index_top(idx: MarkIndex, query: str, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """The index's answer: candidates from FAISS + token index, re-scored, top k by name score."""
    code = encode_name(query)
    rows, dom = idx.name_candidates(code)
    score = idx.name_factors(code, rows, dom).name
    order = np.argsort(-score, kind="stable")[:k]
    return rows[order], score[order]


def exhaustive_scores(idx: MarkIndex, query: str) -> np.ndarray:
    """The same final name score for every row, with every posting (no caps)."""
    code = encode_name(query)
    n = len(idx._core)
    dom = np.zeros(n, dtype=np.float32)
    for key in code.keys:
        r, d = idx._postings.get(key)
        np.maximum.at(dom, r, d)
    rows = np.arange(n)
    return score_strings(code, *idx.name_strings(rows), idx._concept, dom, idx.core_tokens_of(rows)).name


def recall_at_k(returned_scores: np.ndarray, truth: np.ndarray, k: int = 10) -> float:
    """Share of the top-k slots filled with names whose true score reaches the k-th best true score (ties count)."""
    kth = np.partition(truth, -k)[-k] if len(truth) >= k else truth.min()
    return float(np.sum(returned_scores >= kth - 1e-6)) / min(k, len(truth))


def run(
    n: int,
    n_queries: int,
    peer_queries: int,
    exhaustive_queries: int,
    seed: int = 42,
    params: IndexParams | None = None,
) -> dict:
    names = brand_names(n, seed=seed)
    queries = variants(names, n_queries, seed=seed + 1)
    gc.collect()
    rss0 = peak_rss_mb()
    idx, build_s = build(names, params)
    rss_build = peak_rss_mb()
    print(f"  built in {build_s:.1f} s, peak RSS {rss_build:.0f} MB", file=sys.stderr, flush=True)
    # warm-up
    for v in queries[:5]:
        index_top(idx, v.query)
    latencies, found = [], []
    for v in queries:
        t0 = time.perf_counter()
        rows, _ = index_top(idx, v.query)
        latencies.append((time.perf_counter() - t0) * 1000)
        found.append(v.source in rows.tolist())
    check_lat = []
    for v in queries[: min(50, len(queries))]:
        t0 = time.perf_counter()
        idx.query(v.query, k=10)
        check_lat.append((time.perf_counter() - t0) * 1000)
    print(f"  latency p50 {np.median(latencies):.2f} ms; exhaustive scan of {exhaustive_queries} queries …",
          file=sys.stderr, flush=True)
    recalls, by_kind = [], {}
    for v in queries[:exhaustive_queries]:
        truth = exhaustive_scores(idx, v.query)
        rows, _ = index_top(idx, v.query)
        r = recall_at_k(truth[rows], truth)
        recalls.append(r)
        by_kind.setdefault(v.kind, []).append(r)
    peer = []
    for v in queries[:peer_queries]:
        t0 = time.perf_counter()
        process.extract(v.query, names, scorer=fuzz.WRatio, limit=10)
        peer.append((time.perf_counter() - t0) * 1000)
    lat = np.asarray(latencies)
    result = {
        "n": n,
        "queries": len(queries),
        "build_s": round(build_s, 2),
        "peak_rss_mb": round(rss_build, 1),
        "rss_before_build_mb": round(rss0, 1),
        "latency_ms": {
            "p50": round(float(np.median(lat)), 3),
            "p99": round(float(np.percentile(lat, 99)), 3),
            "mean": round(float(lat.mean()), 3),
        },
        "check_latency_ms_p50": round(statistics.median(check_lat), 3),
        "recall_at_10": round(float(np.mean(recalls)), 4) if recalls else None,
        "recall_at_10_min": round(float(np.min(recalls)), 4) if recalls else None,
        "recall_by_kind": {k: round(float(np.mean(v)), 4) for k, v in sorted(by_kind.items())},
        "exhaustive_queries": len(recalls),
        "source_in_top10": round(float(np.mean(found)), 4),
        "peer_wratio_extract_ms_p50": round(statistics.median(peer), 2) if peer else None,
        "peer_queries": len(peer),
        "params": idx.params.__dict__,
    }
    if peer:
        result["speedup_vs_peer_p50"] = round(result["peer_wratio_extract_ms_p50"] / result["latency_ms"]["p50"], 1)
    return result


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=140)
    ap.add_argument("--peer-queries", type=int, default=20)
    ap.add_argument("--exhaustive-queries", type=int, default=140)
    ap.add_argument("--gram-candidates", type=int, default=IndexParams.gram_candidates)
    ap.add_argument("--faiss-candidates", type=int, default=IndexParams.name_candidates)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/names.json"))
    args = ap.parse_args(argv)
    params = IndexParams(name_candidates=args.faiss_candidates, gram_candidates=args.gram_candidates)
    results = []
    for n in args.n:
        print(f"names: n={n:,} …", file=sys.stderr, flush=True)
        results.append(run(n, args.queries, args.peer_queries, args.exhaustive_queries, params=params))
    rows = [
        [
            f"{r['n']:,}",
            r["build_s"],
            r["peak_rss_mb"],
            r["latency_ms"]["p50"],
            r["latency_ms"]["p99"],
            r["check_latency_ms_p50"],
            r["peer_wratio_extract_ms_p50"],
            f"{r.get('speedup_vs_peer_p50', '-')}×",
            r["recall_at_10"],
            r["source_in_top10"],
        ]
        for r in results
    ]
    print_table(
        "Name search (one run, this machine; latency = candidates + re-score, median of queries)",
        [
            "names",
            "build s",
            "peak RSS MB",
            "p50 ms",
            "p99 ms",
            "check() p50 ms",
            "WRatio extract p50 ms",
            "speed-up",
            "recall@10",
            "source in top10",
        ],
        rows,
    )
    write_results(args.out, {"benchmark": "names", "results": results})
    return {"results": results}


if __name__ == "__main__":
    main()
