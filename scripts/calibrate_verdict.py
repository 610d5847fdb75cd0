"""Calibrate the verdict tiers per query (issue 18) and write similarity/data/verdict_calibration.json.

    python scripts/calibrate_verdict.py        # needs ../shared (or $SIMILARITY_SHARED); ~1 min; after train_verdict

A pre-check takes the worst match of a whole registry, so a tier is set on what a *query* gets (DOMAIN.md §8), not
on random pairs. The queries are name-suggestion-index brands of the demo registry, each with its own classes,
their own brand left out (same Wikidata id, owner, name, website domain or parent: `same_brand`): brands that
coexist in real markets, whose best match is with few exceptions not a conflict. They are drawn apart from the
brands benchmarks/bench_verdict.py reports on.
The labelled pairs are the blind-judged pairs a shipped model may learn from (scripts/data/verdict_pairs_nsi.csv,
the train half of the nsi examiner rows); the Tokopedia names are never read here.

- ``high``: the lowest score at which the labelled pairs scoring at least that are ≥ `HIGH_PRECISION` yes, and at
  most `HIGH_QUERY_RATE` of the coexisting queries reach it;
- ``medium``: the lowest score at which at most `MEDIUM_QUERY_RATE` of the coexisting queries reach it, and above
  the weight of unrelated goods (`GOODS_WEIGHT`): the same name in goods no rule relates, not famous, is no ground of
  refusal (Art. 21(1)(a)) and stays at "low" whatever the coexisting queries allow;
- ``low``: the lowest score at which at most `LOW_QUERY_RATE` of them reach it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_verdict import SEED, examiner_split, nsi_brands, same_brand  # noqa: E402
from benchmarks.realdata import shared_dir  # noqa: E402
from similarity.build import open_index  # noqa: E402
from similarity.pipeline import check, score_pairs  # noqa: E402
from similarity.text.normalize import InvalidNameError  # noqa: E402
from similarity.values import Mark  # noqa: E402
from similarity.verdict.tiers import GOODS_WEIGHT  # noqa: E402

OUT = ROOT / "similarity" / "data" / "verdict_calibration.json"
DATE = "2026-12-04"
QUERIES = 1500
HIGH_PRECISION = 0.85
HIGH_QUERY_RATE = 0.08
MEDIUM_QUERY_RATE = 0.35
LOW_QUERY_RATE = 0.6
GRID = np.round(np.arange(0.05, 1.0001, 0.01), 2)


def query_scores(index, brands) -> np.ndarray:
    """Best score of another brand's mark for coexisting-brand queries (not the benchmark's sample)."""
    marks = [m for m in index if m.id.startswith("NSI-") and m.classes]
    rng = np.random.default_rng(SEED)
    held = set(rng.choice(len(marks), size=min(1000, len(marks)), replace=False).tolist())
    rest = [m for i, m in enumerate(marks) if i not in held]
    pick = np.random.default_rng(SEED + 1).choice(len(rest), size=min(QUERIES, len(rest)), replace=False)
    out = []
    for i in sorted(pick.tolist()):
        q = rest[i]
        r = check(index, q.name, classes=q.classes, top=30)
        other = [m.score for m in r.matches if not same_brand(q, m.mark, brands)]
        out.append(max(other, default=0.0))
    return np.asarray(out)


def labelled_scores(index, shared: Path) -> tuple[np.ndarray, np.ndarray]:
    pairs: list[tuple[str, str, int]] = []
    with open(ROOT / "scripts" / "data" / "verdict_pairs_nsi.csv", encoding="utf-8") as f:
        pairs += [(r["name_a"], r["mark_id"], int(r["label"] == "yes")) for r in csv.DictReader(f)
                  if r["label"] in ("yes", "no")]
    with open(shared / "data" / "eval" / "examiner_pairs_dev.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["source"] == "nsi-coexisting" and examiner_split(r["pid"]) == "train" and r["label"] != "unsure":
                mid = f"EXB-{r['pid']}"
                try:
                    index.add([Mark(id=mid, name=r["name_b"])])
                except (ValueError, InvalidNameError):
                    continue
                pairs.append((r["name_a"], mid, int(r["label"] == "yes")))
    scores, labels = [], []
    for name, mid, label in pairs:
        try:
            m = score_pairs(index, name, [mid])[0]
        except (ValueError, InvalidNameError):
            continue
        scores.append(float(m.score) if m else 0.0)
        labels.append(label)
    return np.asarray(scores), np.asarray(labels)


def lowest(grid: np.ndarray, ok) -> float:
    return float(next((t for t in grid if ok(t)), grid[-1]))


def main(argv: list[str] | None = None) -> dict:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    shared = shared_dir()
    if shared is None:
        sys.exit("calibrate_verdict needs ../shared/data (or $SIMILARITY_SHARED)")
    index = open_index()
    q = query_scores(index, nsi_brands(shared))
    s, y = labelled_scores(index, shared)

    def precision(t: float) -> float:
        at = y[s >= t]
        return float(at.mean()) if len(at) else 1.0

    high = lowest(GRID, lambda t: precision(t) >= HIGH_PRECISION and (q >= t).mean() <= HIGH_QUERY_RATE)
    above_unrelated = round(GOODS_WEIGHT["unrelated"] + 0.01, 2)
    medium = lowest(GRID, lambda t: (q >= t).mean() <= MEDIUM_QUERY_RATE and t >= above_unrelated)
    low = lowest(GRID, lambda t: (q >= t).mean() <= LOW_QUERY_RATE)
    medium, low = min(medium, high), min(low, medium)
    per_tier = {}
    for name, t in (("high", high), ("medium", medium), ("low", low)):
        at = y[s >= t]
        per_tier[name] = {
            "threshold": t,
            "coexisting_query_rate": round(float((q >= t).mean()), 4),
            "labelled_precision": round(float(at.mean()), 4) if len(at) else None,
            "labelled_recall": round(float(((s >= t) & (y == 1)).sum() / max(y.sum(), 1)), 4),
        }
    curve = [{"t": float(t), "coexisting_query_rate": round(float((q >= t).mean()), 4),
              "labelled_recall": round(float(((s >= t) & (y == 1)).sum() / max(y.sum(), 1)), 4),
              "labelled_precision": round(precision(t), 4)} for t in GRID[::2]]
    payload = {
        "thresholds": {"high": high, "medium": medium, "low": low},
        "dataset": f"{len(q)} coexisting name-suggestion-index brand queries against the demo registry (own brand "
        f"left out, drawn apart from the benchmark's), {len(y)} labelled pairs (scripts/data/verdict_pairs_nsi.csv, "
        "examiner nsi rows, train half)",
        "date": DATE,
        "method": f"per query: high = lowest 0.01 step with labelled precision >= {HIGH_PRECISION} and coexisting-"
        "query "
        f"rate <= {HIGH_QUERY_RATE}; medium: query rate <= {MEDIUM_QUERY_RATE} and above the unrelated-goods weight "
        f"({GOODS_WEIGHT['unrelated']}); low: query rate <= {LOW_QUERY_RATE}. "
        "Scores are check()'s (the calibrated conflict probability x goods x status).",
        "per_tier": per_tier,
        "curve": curve,
    }
    OUT.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(payload, indent=2))
    return payload


if __name__ == "__main__":
    main()
