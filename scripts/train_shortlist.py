"""Train the shortlist ranker (issue 18) and write similarity/data/shortlist_model.json.

The check re-reads only a few of its candidates with the learned model (`similarity.verdict.model`); the ranker
(`similarity.verdict.shortlist`) guesses the model's probability of every candidate from the first pass's ratios, so
that the re-read goes where the model would score high. It is fitted here on SYNTHETIC data only: a registry of
`benchmarks.synth.brand_names` (seeded apart from the benchmarks' registry, seed 42) with the seeded classes and
statuses of `benchmarks.bench_names.build`, and user-like queries made from its names (typos, respellings, added and
dropped words, translations; 60 % with classes). Every candidate of every query is re-read, the target is the learned
probability, and the shortlists are judged on validation queries by the share of the learned top 10 (final score at
"low" or above) that they hold::

    python scripts/train_shortlist.py            # ~5 min on 2 shared cores; reproducible (seeded)
    python scripts/train_shortlist.py --check    # fit and report, do not write
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.preprocessing import PolynomialFeatures

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_names import build, user_queries  # noqa: E402
from benchmarks.bench_shortlist import Query  # noqa: E402
from benchmarks.synth import brand_names, variants  # noqa: E402
from similarity.verdict.shortlist import FEATURES, SHORTLIST_FILE, ShortlistRanker, shortlist  # noqa: E402
from similarity.verdict.tiers import thresholds  # noqa: E402

OUT = ROOT / "similarity" / "data" / SHORTLIST_FILE
DATE = "2026-12-02"
ALPHAS = (0.1, 1.0, 10.0)
TOP_WEIGHTS = (0.0, 4.0, 16.0)
"""Sample weights 1 + w · probability: the ranker matters at the top, where the learned model scores high."""
SHAPES = ((40, 0, 10), (10, 30, 10), (10, 25, 10), (10, 20, 10), (15, 20, 10), (20, 20, 10), (5, 30, 10),
          (10, 35, 10), (0, 40, 10))
"""(first pass, ranker, whole names) shortlist sizes judged on the validation queries; (40, 0, 10) is today's."""


def held(queries: list[Query], ranker: ShortlistRanker | None, shape: tuple[int, int, int], low: float) -> dict:
    """The share of each query's learned top 10 (final score ≥ low) a shortlist holds, and how many it re-reads."""
    n_first, n_ranked, n_named = shape
    shares, sizes = [], []
    for q in queries:
        truth = q.truth(low)
        if not len(truth):
            continue
        ranked = ranker.predict(q.x) * q.weight if ranker is not None else q.first
        chosen, _ = shortlist(q.first, ranked, q.named, n_first, n_ranked if ranker is not None else 0, n_named)
        shares.append(float(np.isin(truth, chosen).mean()))
        sizes.append(len(chosen))
    return {"held": round(float(np.mean(shares)), 4), "re_read": round(float(np.mean(sizes)), 1),
            "queries": len(shares)}


def fit(train: list[Query], alpha: float, top_weight: float) -> ShortlistRanker:
    poly = PolynomialFeatures(2, include_bias=False).fit(np.zeros((1, len(FEATURES))))
    x = np.vstack([q.x for q in train]).astype(np.float64)
    y = np.concatenate([q.prob for q in train]).astype(np.float64)
    model = Ridge(alpha=alpha).fit(poly.transform(x), y, sample_weight=1.0 + top_weight * y)
    terms = tuple(tuple(i for i, p in enumerate(row) for _ in range(int(p))) for row in poly.powers_)
    return ShortlistRanker(features=FEATURES, terms=terms, coef=tuple(round(float(c), 8) for c in model.coef_),
                           intercept=round(float(model.intercept_), 8))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic marks in the training registry")
    parser.add_argument("--train", type=int, default=200, help="queries the ranker is fitted on")
    parser.add_argument("--valid", type=int, default=80, help="queries the fit and the sizes are chosen on")
    parser.add_argument("--seed", type=int, default=1001, help="the registry's seed (the benchmarks use 42)")
    parser.add_argument("--check", action="store_true", help="fit and report without writing the model file")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    names = brand_names(args.n, seed=args.seed)
    index, _ = build(names, seed=args.seed)
    train = [Query(index, u) for u in user_queries(variants(names, args.train, seed=args.seed + 1), seed=args.seed + 1)]
    valid = [Query(index, u) for u in user_queries(variants(names, args.valid, seed=args.seed + 2), seed=args.seed + 2)]
    print(f"{len(train)} + {len(valid)} queries, every candidate re-read, in {time.perf_counter() - t0:.0f} s")
    low = thresholds()["low"]
    judged_shape = (10, 30, 10)
    fits = {}
    for alpha in ALPHAS:
        for w in TOP_WEIGHTS:
            ranker = fit(train, alpha, w)
            fits[(alpha, w)] = (ranker, held(valid, ranker, judged_shape, low))
            print(f"alpha {alpha:<5} top weight {w:<5} held {fits[(alpha, w)][1]}")
    (alpha, w), (ranker, _) = max(fits.items(), key=lambda kv: (kv[1][1]["held"], -kv[0][0], -kv[0][1]))
    shapes = {f"first {f} + ranker {r} + whole names {n}": held(valid, ranker if r else None, (f, r, n), low)
              for f, r, n in SHAPES}
    for k, v in shapes.items():
        print(f"{k:<45} {v}")
    payload = {
        "model": ranker.to_dict(),
        "date": DATE,
        "method": (f"ridge regression (scikit-learn Ridge, alpha {alpha}) over the features and the products of "
                   f"pairs of them (PolynomialFeatures degree 2), target the learned probability "
                   f"(similarity/verdict/verdict_model.json) of every candidate, sample weights 1 + {w} x target"),
        "dataset": {
            "registry": f"benchmarks.synth.brand_names({args.n}, seed={args.seed}) with bench_names.build(seed="
                        f"{args.seed}) classes and statuses (synthetic; no real names)",
            "train_queries": f"bench_names.user_queries(synth.variants(names, {args.train}, seed={args.seed + 1}))",
            "valid_queries": f"bench_names.user_queries(synth.variants(names, {args.valid}, seed={args.seed + 2}))",
            "candidates": int(sum(len(q.prob) for q in train)),
        },
        "features": list(FEATURES),
        "metrics": {
            "what": f"share of the learned top 10 (final score >= low, {low}) a shortlist holds, validation queries",
            "fits_at_first_10_ranker_30_names_10": {f"alpha {a}, top weight {tw}": m for (a, tw), (_, m) in
                                                    fits.items()},
            "shortlists": shapes,
        },
        "held_out": "benchmarks/bench_shortlist.py (the benchmarks' registry, seed 42) and benchmarks/bench_names.py",
    }
    if not args.check:
        args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
