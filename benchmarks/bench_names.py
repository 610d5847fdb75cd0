"""Name search at scale: build time, peak memory, latency and recall@10 against an exhaustive scan.

Two latencies are timed on the same index: the name search alone (candidates + re-score, today's row) and the user
path — the whole ``check()`` as the CLI and the service call it, with Nice classes on 60 % of the queries, a logo
upload (PNG bytes, decoded and hashed in the check) on 20 %, and the answer's reasons and JSON built — so that the
cost of what users actually send cannot hide behind the name-only number. The marks carry classes and statuses
(seeded apart from the names, so the names are those of earlier runs) and 2 % carry a logo code: a simple-icons
logo's, with a few bits flipped per mark.

The exhaustive scan scores *every* registry name with the same final name score the index uses
(``similarity.text.score.score_strings`` with uncapped dominant-word postings), so recall measures only what
candidate generation loses. The naive peer is ``rapidfuzz.process.extract(..., scorer=WRatio)`` over all
names, timed in the same run.

    python -m benchmarks.bench_names --n 1000000 --queries 200     # the issue's numbers (~10 min)
    python -m benchmarks.bench_names --n 100000 --queries 100      # quicker
"""

from __future__ import annotations

import argparse
import functools
import gc
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from benchmarks.bench_service import brand_classes, logo_uploads
from benchmarks.report import print_table, write_results
from benchmarks.synth import brand_names, variants
from similarity.check import check
from similarity.image.hash import encode_logo
from similarity.index import IndexParams, MarkIndex
from similarity.marks import Mark
from similarity.text.encode import encode_name


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CLASS_SHARE, LOGO_SHARE, MARK_LOGO_SHARE = 0.6, 0.2, 0.02
"""Queries with classes, queries with a logo, marks with a logo."""


def build(names: list[str], params: IndexParams | None = None, seed: int = 42) -> tuple[MarkIndex, float]:
    """The index of ``names`` (mark ``str(i)`` at row ``i``) with seeded classes, statuses and logo codes."""
    rng = random.Random(f"marks/{seed}")
    pool = logo_pool()
    statuses = ("registered",) * 8 + ("pending", "expired", "refused")
    t0 = time.perf_counter()
    idx = MarkIndex(params)
    with idx.insertion_session() as s:
        for i, n in enumerate(names):
            code = None
            if pool and rng.random() < MARK_LOGO_SHARE:
                code = np.unpackbits(rng.choice(pool))
                code[rng.sample(range(len(code)), rng.randint(0, 12))] ^= 1
                code = np.packbits(code)
            mark = Mark(id=str(i), name=n, classes=brand_classes(rng), status=rng.choice(statuses))
            s.insert(mark, code, hash_missing=False)
    return idx, time.perf_counter() - t0


@functools.cache
def logo_uploads_cached() -> tuple[bytes, ...]:
    return tuple(logo_uploads())


def logo_pool() -> list[np.ndarray]:
    """The 24-byte codes of the benchmark's logo uploads (what registered marks' logos are made from)."""
    return [encode_logo(png) for png in logo_uploads_cached()]


@dataclass(frozen=True)
class UserQuery:
    """One query as a user sends it: a name, maybe classes, maybe a logo upload."""

    name: str
    classes: tuple[int, ...]
    logo: bytes | None


def user_queries(queries: list, seed: int) -> list[UserQuery]:
    rng = random.Random(f"user/{seed}")
    uploads = logo_uploads_cached()
    out = []
    for v in queries:
        classes = brand_classes(rng) if rng.random() < CLASS_SHARE else ()
        logo = rng.choice(uploads) if uploads and rng.random() < LOGO_SHARE else None
        out.append(UserQuery(v.query, classes, logo))
    return out


def user_check(idx: MarkIndex, q: UserQuery) -> str:
    """The whole user path: check() with the query's classes and logo, reasons and JSON built."""
    return check(idx, q.name, classes=q.classes, logo=q.logo, top=10).to_json()


def index_top(idx: MarkIndex, query: str, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """The index's answer: candidates from FAISS + token index, re-scored, top k by name score."""
    code = encode_name(query)
    rows, dom = idx.name_candidates(code)
    score = idx.name_factors(code, rows, dom).name
    order = np.argsort(-score, kind="stable")[:k]
    return rows[order], score[order]


def exhaustive_scores(idx: MarkIndex, query: str) -> np.ndarray:
    """The same final name score for every row, with every posting (no caps): the index's own scorer over all rows."""
    code = encode_name(query)
    rows = idx.alive_rows()  # every row: the benchmark never removes a mark
    return idx.name_factors(code, rows, idx.dominance(code, rows)).name


def peer_latencies(names: list[str], queries: list) -> list[float]:
    """Milliseconds of the naive peer per query: ``rapidfuzz.process.extract`` with WRatio over every name."""
    out = []
    for v in queries:
        t0 = time.perf_counter()
        process.extract(v.query, names, scorer=fuzz.WRatio, limit=10)
        out.append((time.perf_counter() - t0) * 1000)
    return out


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
    users = user_queries(queries, seed)
    for q in users[:5]:
        user_check(idx, q)
    user_lat: dict[str, list[float]] = {"all": [], "name": [], "classes": [], "logo": []}
    for q in users:
        t0 = time.perf_counter()
        user_check(idx, q)
        ms = (time.perf_counter() - t0) * 1000
        user_lat["all"].append(ms)
        user_lat["logo" if q.logo else "classes" if q.classes else "name"].append(ms)
    print(f"  latency p50 {np.median(latencies):.2f} ms; exhaustive scan of {exhaustive_queries} queries …",
          file=sys.stderr, flush=True)
    recalls, by_kind = [], {}
    for v in queries[:exhaustive_queries]:
        truth = exhaustive_scores(idx, v.query)
        rows, _ = index_top(idx, v.query)
        r = recall_at_k(truth[rows], truth)
        recalls.append(r)
        by_kind.setdefault(v.kind, []).append(r)
    peer = peer_latencies(names, queries[:peer_queries])
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
        "user_path_ms_p50": {k: round(statistics.median(v), 3) if v else None for k, v in user_lat.items()},
        "user_path_ms_p99": round(float(np.percentile(user_lat["all"], 99)), 3),
        "user_path_queries": {k: len(v) for k, v in user_lat.items()},
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
            r["user_path_ms_p50"]["all"],
            r["user_path_ms_p50"]["classes"],
            r["user_path_ms_p50"]["logo"],
            r["peer_wratio_extract_ms_p50"],
            f"{r.get('speedup_vs_peer_p50', '-')}×",
            r["recall_at_10"],
            r["source_in_top10"],
        ]
        for r in results
    ]
    print_table(
        "Name search (one run, this machine, shared with other jobs; latency = candidates + re-score, median of "
        "queries; check() = names only; user path = check() + to_json(), classes on 60 %, a logo on 20 %: all, those "
        "with classes and no logo, those with a logo)",
        [
            "names",
            "build s",
            "peak RSS MB",
            "p50 ms",
            "p99 ms",
            "check() p50 ms",
            "user path p50 ms",
            "+classes p50 ms",
            "+logo p50 ms",
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
