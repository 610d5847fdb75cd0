"""Names on real data (issue 3): do real disputed and alias pairs find their earlier mark among ~35k real names?

Registry: ``benchmarks.realdata.real_registry`` — name-suggestion-index brands, IDX companies, simple-icons titles,
famous marks, Tokopedia shop names (evaluation only, never written out here) and the earlier marks of
``eval/name_pairs_dev.csv`` as ``DEV-<id>``. Two query sets:

- dev pairs: each ``later`` mark through ``check(index, later, top=10)``; its earlier mark is found when a match
  has the id ``DEV-<id>`` or the same normalised name; the pair score is ``score_pairs(index, later, [DEV-<id>])``;
- NSI alias pairs: every Latin-script ``matchNames`` alias of a brand row present in the registry as
  ``NSI-<id>`` and not identical to the brand after normalisation; found when a match has that id or the brand's
  normalised name.

Only aggregate numbers and the dev-pair rows (public court facts) are written to benchmarks/results/names_real.json;
alias rows are NSI data (BSD-3) and are printed only as a sample of misses.

    python -m benchmarks.bench_names_real                  # all aliases (~1-2 min after the ~30 s build)
    python -m benchmarks.bench_names_real --aliases 2000   # a fixed-seed sample
"""

from __future__ import annotations

import argparse
import csv
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from benchmarks.realdata import dev_pairs, real_registry, shared_dir
from benchmarks.report import print_table, write_results
from similarity.build import build_index
from similarity.pipeline import check, score_pairs
from similarity.store.index import MarkIndex
from similarity.text.normalize import InvalidNameError, normalize

TOP = 10
SEED = 20261128
RESULTS = Path("benchmarks/results/names_real.json")


@dataclass(frozen=True)
class PairResult:
    """One query and its earlier mark: rank in check()'s top 10 (None when absent) and the direct pair score."""

    query: str
    earlier: str
    target_id: str
    rank: int | None
    score: float
    top3: tuple[tuple[str, float], ...]
    expect: str = "similar"
    basis: str = ""
    pair_id: str = ""


@lru_cache(maxsize=200_000)
def norm_key(name: str) -> str | None:
    """The normalised compact form used to accept a same-named registry row as the earlier mark."""
    try:
        return normalize(name).compact
    except InvalidNameError:
        return None


def shown_name(mark_id: str, name: str) -> str:
    """Tokopedia shop names are evaluation-only data: never printed or written, only counted."""
    return "[Tokopedia shop]" if mark_id.startswith("SHOP-") else name


def real_index(shared: Path) -> MarkIndex:
    """The real-name registry, indexed in memory (~30 s on 2 cores)."""
    index, _ = build_index(real_registry(shared))
    return index


def evaluate(index: MarkIndex, query: str, target_id: str, target_name: str, **extra) -> PairResult:
    """Rank of the earlier mark among check()'s top 10 and the pair score of score_pairs()."""
    want = norm_key(target_name)
    result = check(index, query, top=TOP)
    rank = None
    for i, m in enumerate(result.matches, start=1):
        if m.mark.id == target_id or (want is not None and norm_key(m.mark.name) == want):
            rank = i
            break
    pair = score_pairs(index, query, [target_id])[0]
    top3 = tuple((shown_name(m.mark.id, m.mark.name), round(float(m.score), 3)) for m in result.matches[:3])
    return PairResult(query, target_name, target_id, rank, float(pair.score) if pair else 0.0, top3, **extra)


def dev_results(index: MarkIndex, shared: Path) -> list[PairResult]:
    return [
        evaluate(
            index,
            p["later"],
            f"DEV-{p['id']}",
            p["earlier"],
            expect=p["expect"],
            basis=p["basis"],
            pair_id=p["id"],
        )
        for p in dev_pairs(shared)
    ]


def _latin_only(text: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def alias_pairs(shared: Path, index: MarkIndex) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """(alias, brand id, brand name) for every usable matchNames alias, and how many were skipped and why."""
    path = shared / "data" / "raw" / "name-suggestion-index" / "brands.tsv"
    skipped = {"non_latin": 0, "brand_not_in_registry": 0, "identical_after_normalisation": 0, "no_letters": 0}
    total = 0
    out = []
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            aliases = [a.strip() for a in (r.get("matchNames") or "").split(";") if a.strip()]
            total += len(aliases)
            mid = f"NSI-{r['id']}"
            brand = index.get(mid)
            for alias in aliases:
                if not _latin_only(alias):
                    skipped["non_latin"] += 1
                elif brand is None:
                    skipped["brand_not_in_registry"] += 1
                elif norm_key(alias) is None:
                    skipped["no_letters"] += 1
                elif norm_key(alias) == norm_key(brand.name):
                    skipped["identical_after_normalisation"] += 1
                else:
                    out.append((alias, mid, brand.name))
    skipped["total_aliases"] = total
    skipped["used"] = len(out)
    return out, skipped


def alias_results(index: MarkIndex, pairs: Sequence[tuple[str, str, str]]) -> list[PairResult]:
    return [evaluate(index, a, mid, name) for a, mid, name in pairs]


def sample(items: Sequence, n: int | None, seed: int = SEED) -> list:
    """A fixed-seed sample of at most n items, in their original order."""
    if n is None or n >= len(items):
        return list(items)
    rng = np.random.default_rng(seed)
    return [items[i] for i in sorted(rng.choice(len(items), n, replace=False))]


def ranking_metrics(results: Sequence[PairResult]) -> dict[str, float | int]:
    if not results:
        return {"n": 0}
    ranks = [r.rank for r in results]
    scores = np.asarray([r.score for r in results])
    return {
        "n": len(results),
        "recall_at_1": round(float(np.mean([r == 1 for r in ranks])), 4),
        "recall_at_10": round(float(np.mean([r is not None for r in ranks])), 4),
        "mrr": round(float(np.mean([1.0 / r if r else 0.0 for r in ranks])), 4),
        "mean_pair_score": round(float(scores.mean()), 4),
        "min_pair_score": round(float(scores.min()), 4),
    }


def _alias_miss_kind(r: PairResult) -> str:
    """A first guess at why an alias missed, for the categorised sample of misses."""
    try:
        qa, qb = normalize(r.query).tokens, normalize(r.earlier).tokens
    except InvalidNameError:
        return "unreadable"
    a, b = "".join(qa), "".join(qb)
    initials = "".join(w[0] for w in qb)
    if len(qa) == 1 and len(b) > len(a) and (initials.startswith(a) or a == initials[: len(a)]) and len(qb) > 1:
        return "abbreviation/initials"
    if set(qa) < set(qb) or (a in b and a != b):
        return "shortened brand (alias is part of the brand name)"
    if set(qb) < set(qa) or (b in a and a != b):
        return "brand plus extra words"
    if set(qa) & set(qb):
        return "shares a word only"
    return "different name (translation, former or parent name, other abbreviation)"



def random_pairs(index: MarkIndex, n: int = 10_000, seed: int = SEED) -> np.ndarray:
    """Overall scores of n random pairs of real registry names (dev marks and same-named pairs excluded)."""
    marks = [m for m in index if not m.id.startswith("DEV-")]
    rng = np.random.default_rng(seed)
    scores: list[float] = []
    while len(scores) < n:
        i, j = rng.integers(0, len(marks), size=2)
        a, b = marks[int(i)], marks[int(j)]
        if i == j or norm_key(a.name) is None or norm_key(a.name) == norm_key(b.name):
            continue  # two rows of one brand are not a negative pair
        m = score_pairs(index, a.name, [b.id])[0]
        scores.append(float(m.score) if m else 0.0)
    return np.asarray(scores, dtype=np.float64)


def auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    """Probability that a positive outscores a negative (ties count half) — the ROC AUC."""
    p, q = np.asarray(pos, dtype=np.float64), np.sort(np.asarray(neg, dtype=np.float64))
    if not len(p) or not len(q):
        return float("nan")
    below = np.searchsorted(q, p, side="left")
    ties = np.searchsorted(q, p, side="right") - below
    return float((below + 0.5 * ties).sum() / (len(p) * len(q)))

def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aliases", type=int, default=None, help="fixed-seed sample size (default: all aliases)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        raise SystemExit("../shared/data is absent — set SIMILARITY_SHARED to the shared folder")

    t0 = time.perf_counter()
    index = real_index(shared)
    build_s = time.perf_counter() - t0
    print(f"real registry: {len(index):,} marks indexed in {build_s:.0f} s")

    dev = dev_results(index, shared)
    pairs, skipped = alias_pairs(shared, index)
    used = sample(pairs, args.aliases)
    t1 = time.perf_counter()
    aliases = alias_results(index, used)
    alias_s = time.perf_counter() - t1

    groups = {
        "dev similar": [r for r in dev if r.expect == "similar"],
        "dev not-confusing": [r for r in dev if r.expect == "not-confusing"],
        "NSI aliases": aliases,
    }
    metrics = {k: ranking_metrics(v) for k, v in groups.items()}
    rows = [
        [k, m["n"], m["recall_at_1"], m["recall_at_10"], m["mrr"], m["mean_pair_score"], m["min_pair_score"]]
        for k, m in metrics.items()
    ]
    print_table(
        f"Names on real data ({len(index):,} marks; top {TOP})",
        ["pairs", "n", "recall@1", "recall@10", "MRR", "mean pair score", "min pair score"],
        rows,
    )
    print(f"aliases: {skipped}; queried {len(used)} in {alias_s:.0f} s")

    print_table(
        "Dev pairs",
        ["id", "earlier", "later", "expect", "basis", "rank", "pair score", "top 3"],
        [
            [r.pair_id, r.earlier, r.query, r.expect, r.basis, r.rank or "-", round(r.score, 3),
             "; ".join(f"{n} {s}" for n, s in r.top3)]
            for r in dev
        ],
    )  # fmt: skip
    misses = [r for r in aliases if r.rank is None]
    kinds: dict[str, list[PairResult]] = {}
    for r in misses:
        kinds.setdefault(_alias_miss_kind(r), []).append(r)
    print_table(
        f"Alias misses by kind ({len(misses)} of {len(aliases)})",
        ["kind", "count", "examples (alias -> brand, pair score)"],
        [
            [k, len(v), "; ".join(f"{r.query} -> {r.earlier} ({r.score:.2f})" for r in sample(v, 4))]
            for k, v in sorted(kinds.items(), key=lambda kv: -len(kv[1]))
        ],
    )
    payload = {
        "registry": {"marks": len(index), "build_s": round(build_s, 1), "sources": "NSI, IDX, simple-icons, famous, "
                     "Tokopedia shop names (evaluation only), dev earlier marks"},
        "metrics": metrics,
        "aliases": {**skipped, "queried": len(used), "sample_seed": SEED if args.aliases else None,
                    "misses_by_kind": {k: len(v) for k, v in kinds.items()}},
        "goals": {
            "dev_similar_recall_at_10>=0.9": metrics["dev similar"]["recall_at_10"] >= 0.9,
            "mean_similar>mean_not_confusing": metrics["dev similar"]["mean_pair_score"]
            > metrics["dev not-confusing"]["mean_pair_score"],
            "alias_recall_at_10>=0.98": metrics["NSI aliases"].get("recall_at_10", 0) >= 0.98,
        },
        "dev_pairs": [
            {"id": r.pair_id, "earlier": r.earlier, "later": r.query, "expect": r.expect, "basis": r.basis,
             "rank": r.rank, "pair_score": round(r.score, 4)}
            for r in dev
        ],
        "alias_misses": {
            "licence": "alias and brand names from the OpenStreetMap name-suggestion-index, BSD-3-Clause: Copyright "
                       "2026, name-suggestion-index contributors (see similarity/data/demo/NOTICE.md)",
            "columns": ["alias (query)", "brand (the mark to find)", "pair score", "best score in the top 10",
                        "reason (first guess)"],
            "rows": [[r.query, r.earlier, round(r.score, 3), r.top3[0][1] if r.top3 else None, _alias_miss_kind(r)]
                     for r in misses],
        },
    }  # fmt: skip
    write_results(args.out, payload)
    return payload


if __name__ == "__main__":
    main()
