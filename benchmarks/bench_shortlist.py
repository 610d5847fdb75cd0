"""Which candidates deserve the learned re-read: how much of the learned model's top 10 each shortlist holds.

A check scores ~2,300 candidates by string ratios (the first pass) and re-reads only a few of them word by word with
the learned model (`similarity.verdict.model`): what the model would have ranked among a query's best but the
shortlist left out is never shown. Here every candidate of each query is re-read, so the learned top 10 (final score
at "low" or above) is known, and each shortlist is judged by the share of it that it holds and by its size:

- the first pass's best by goods-weighted name score (``RESCORED`` of them), the check before 2026-12-02;
- that plus the ``RESCORED_BY_NAME`` most alike whole names in any goods: what a check re-reads now;
- that plus 10 sharing the query's most distinctive word, weighed by goods: measured and not shipped — it holds more
  of the learned top 10 (0.85 -> 0.88 at 100k) but on real names the marks it adds raised false alarms (coexisting
  brands high 7.4 -> 7.6 %, medium or high 35.2 -> 36.3 %) and pushed one dispute's earlier mark out of the top 10
  (24 -> 23 of 24, ``benchmarks/bench_verdict.py``): what the model says of a mark sharing one word is less sure;
- a learned ranker: a degree-2 ridge over the first pass's ratios (no containment, which the fast path computes only
  where it can rank), fitted in this run on the learned score of disjoint training queries, with the first pass's
  best 10 (and the whole-name 10) besides;
- the ranker file in the package (`similarity.verdict.shortlist`, fitted by ``scripts/train_shortlist.py`` on another
  synthetic registry): its best besides the first pass's and the whole names, as a check would re-read them with
  `RESCORED_BY_RANKER` set (0 today: on real names it raised false alarms, see its docstring).

And the CPU time of a whole check() with today's shortlist and with the ranker's, alternating in one process.

Synthetic registry and queries of ``bench_names`` (marks with seeded classes, 60 % of queries with classes)::

    python -m benchmarks.bench_shortlist [--n 100000] [--train 150] [--test 40] [--timed 100] [--passes 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.preprocessing import PolynomialFeatures

import similarity.pipeline as pipeline
from benchmarks.bench_names import UserQuery, build, user_queries
from benchmarks.report import print_table, write_results
from benchmarks.synth import brand_names, variants
from similarity.candidates.names import name_candidates
from similarity.candidates.reads import codes_at
from similarity.classes import mask_classes, parse_classes
from similarity.pipeline import candidate_weights
from similarity.score.names import name_factors
from similarity.store.index import MarkIndex
from similarity.text.encode import encode_name
from similarity.verdict.model import rescore_fields
from similarity.verdict.shortlist import FEATURES, load_ranker, ranker_features, shortlist
from similarity.verdict.tiers import thresholds

RESULTS = Path(__file__).parent / "results" / "shortlist.json"


class Query:
    """One query's candidates: ratio features, learned probability, goods × status weight, first-pass score."""

    def __init__(self, index: MarkIndex, user: UserQuery) -> None:
        code = encode_name(user.name)
        classes = parse_classes(user.classes)
        rows, dom = name_candidates(index, code)
        nf = name_factors(index, code, rows, dom)
        goods, status, _ = candidate_weights(index, classes, rows)
        self.weight = (goods * status).astype(np.float32)
        assert nf.ratios is not None and nf.plain_sight is not None
        self.prob, _ = rescore_fields(code, codes_at(index, rows),
                                      [mask_classes(m) for m in index.rows.classes[rows].tolist()], classes,
                                      index.distinctiveness, list(zip(*(r.tolist() for r in nf.ratios), strict=True)))
        self.x = ranker_features(nf, len(code.core), index.rows.core_len[rows])
        self.first = nf.name * self.weight
        self.named = nf.most_alike()  # the check's whole names, in its order
        word = nf.dominant * goods  # sharing the query's most distinctive word, weighed by goods
        sharing = np.flatnonzero(word > 0)
        self.worded = sharing[np.lexsort((-nf.plain[sharing], -word[sharing]))]

    def truth(self, low: float) -> np.ndarray:
        final = self.prob * self.weight
        best = np.argsort(-final, kind="stable")[:10]
        return best[final[best] >= low]


def _top(score: np.ndarray, k: int) -> set[int]:
    return set(np.argsort(-score, kind="stable")[:k].tolist())


def judge(queries: list[Query], pick: Callable[[Query], set[int]], low: float) -> dict[str, float]:
    held, sizes = [], []
    for q in queries:
        truth = q.truth(low)
        if len(truth):
            chosen = pick(q)
            held.append(float(np.mean([int(t) in chosen for t in truth])))
            sizes.append(len(chosen))
    return {"held": round(float(np.mean(held)), 4), "re_read": round(float(np.mean(sizes)), 1), "queries": len(held)}


BEFORE = "first pass 40 + whole names 10 (a check today)"
RANKED = (10, 30)
"""The mix of the ranker measured on real names (`similarity.verdict.model.RESCORED_BY_RANKER`): first pass 10 +
ranker 30 (+ whole names 10)."""


def check_cpu_ab(index: MarkIndex, users: list[UserQuery], passes: int) -> dict[str, dict[str, float]]:
    """CPU time of a whole name check (no logo) with today's shortlist and with the ranker's, alternating per query in
    one process so that both see the same machine."""
    shapes = {BEFORE: (40, 0), f"first pass {RANKED[0]} + ranker {RANKED[1]} + whole names 10": RANKED}
    spent: dict[str, list[float]] = {k: [] for k in shapes}
    saved = pipeline.RESCORED, pipeline.RESCORED_BY_RANKER
    try:
        for _ in range(passes):
            for u in users:
                for k, (first, ranked) in shapes.items():
                    pipeline.RESCORED, pipeline.RESCORED_BY_RANKER = first, ranked
                    t = time.process_time()
                    pipeline.check(index, u.name, classes=u.classes)
                    spent[k].append(1000 * (time.process_time() - t))
    finally:
        pipeline.RESCORED, pipeline.RESCORED_BY_RANKER = saved
    return {k: {"p50_ms": round(float(np.median(v)), 3), "mean_ms": round(float(np.mean(v)), 3)}
            for k, v in spent.items()}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic marks")
    parser.add_argument("--train", type=int, default=150, help="queries the ranker is fitted on")
    parser.add_argument("--test", type=int, default=40, help="queries the shortlists are judged on")
    parser.add_argument("--timed", type=int, default=100, help="queries whose check() CPU time is compared")
    parser.add_argument("--passes", type=int, default=3, help="alternating timing passes")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    names = brand_names(args.n, seed=42)
    index, _ = build(names)
    t0 = time.perf_counter()
    train = [Query(index, u) for u in user_queries(variants(names, args.train, seed=101), seed=101)]
    test = [Query(index, u) for u in user_queries(variants(names, args.test, seed=43), seed=43)]
    print(f"every candidate of {len(train) + len(test)} queries re-read in {time.perf_counter() - t0:.0f} s")
    poly = PolynomialFeatures(2, include_bias=False)
    ranker = Ridge(alpha=1.0).fit(poly.fit_transform(np.vstack([q.x for q in train])),
                                  np.concatenate([q.prob for q in train]))

    def ranked(q: Query) -> np.ndarray:
        return ranker.predict(poly.transform(q.x)) * q.weight

    shipped = load_ranker()
    low = thresholds()["low"]
    shortlists: dict[str, Callable[[Query], set[int]]] = {
        "first pass 40 (the peer)": lambda q: _top(q.first, 40),
        BEFORE:
            lambda q: _top(q.first, 40) | set(q.named[:10].tolist()),
        "... + 10 sharing the most distinctive word":
            lambda q: _top(q.first, 40) | set(q.named[:10].tolist()) | set(q.worded[:10].tolist()),
        "shipped ranker file: first pass 10 + ranker 30 + whole names 10":
            lambda q: set(shortlist(q.first, shipped.predict(q.x) * q.weight, q.named, 10, 30, 10)[0].tolist()),
        "shipped ranker file: first pass 20 + ranker 20 + whole names 10":
            lambda q: set(shortlist(q.first, shipped.predict(q.x) * q.weight, q.named, 20, 20, 10)[0].tolist()),
        "shipped ranker file: first pass 10 + ranker 20 + whole names 10":
            lambda q: set(shortlist(q.first, shipped.predict(q.x) * q.weight, q.named, 10, 20, 10)[0].tolist()),
        "ranker 40 + first pass 10": lambda q: _top(ranked(q), 40) | _top(q.first, 10),
        "ranker 30 + first pass 10 + whole names 10":
            lambda q: _top(ranked(q), 30) | _top(q.first, 10) | set(q.named[:10].tolist()),
        "ranker 20 + first pass 10 + whole names 10":
            lambda q: _top(ranked(q), 20) | _top(q.first, 10) | set(q.named[:10].tolist()),
    }
    results = {name: judge(test, pick, low) for name, pick in shortlists.items()}
    peer = next(iter(results.values()))["held"]
    print_table(
        f"Share of the learned top 10 (final score ≥ low, {low}) each shortlist holds, {args.n:,} synthetic marks, "
        f"{len(test)} test queries",
        ["shortlist", "held", "× the peer", "re-read per query"],
        [[k, v["held"], f"{v['held'] / peer:.2f}×", v["re_read"]] for k, v in results.items()],
    )
    timing = check_cpu_ab(index, user_queries(variants(names, args.timed, seed=44), seed=44), args.passes)
    print_table(
        f"check() CPU ms per query, {args.timed} queries x {args.passes} alternating passes (one process)",
        ["re-read", "p50 ms", "mean ms", "× before"],
        [[k, v["p50_ms"], v["mean_ms"], f"{v['p50_ms'] / timing[BEFORE]['p50_ms']:.2f}×"] for k, v in timing.items()],
    )
    payload = {"benchmark": "shortlist", "n": args.n, "train_queries": len(train), "test_queries": len(test),
               "features": FEATURES, "low": low, "results": results, "check_cpu_ms": timing}
    write_results(args.out, payload)
    return payload


if __name__ == "__main__":
    main()
