"""Quality floors for names on real data (issues 3 and 5); skipped when ../shared is absent.

One index of the ~35k real names (``benchmarks.realdata.real_registry``) is built per module (~30 s). The floors
sit a little under what ``python -m benchmarks.bench_names_real`` and ``python scripts/calibrate_verdict.py``
measure; where the issue's goal is not yet met, the goal is an ``xfail`` next to a regression floor, so the day a
scoring change reaches it the XPASS says the floor can be raised.
"""

from __future__ import annotations

import importlib
import os
import sys

import numpy as np
import pytest
from conftest import ROOT, SHARED, needs_shared

from similarity.verdict.tiers import thresholds

pytestmark = [pytest.mark.realdata, pytest.mark.slow, needs_shared]

ALIAS_SAMPLE = 400
RANDOM_PAIRS = 3_000
DEV_RECALL_FLOOR = 0.85  # measured 0.917 (22 of 24); goal 0.9
ALIAS_RECALL_FLOOR = 0.66  # measured 0.718 on all 3,683 aliases, 0.705 on this sample; goal 0.98
AUC_POSITIVES_FLOOR = 0.88  # measured 0.915 (all positives vs 10,000 random pairs)


@pytest.fixture(scope="module")
def modules():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SIMILARITY_SHARED", str(SHARED))
    bench = importlib.import_module("benchmarks.bench_names_real")
    return bench, bench


@pytest.fixture(scope="module")
def index(modules):
    return modules[0].real_index(SHARED)


@pytest.fixture(scope="module")
def dev(modules, index):
    return modules[0].dev_results(index, SHARED)


@pytest.fixture(scope="module")
def aliases(modules, index):
    bench = modules[0]
    pairs, _ = bench.alias_pairs(SHARED, index)
    return bench.alias_results(index, bench.sample(pairs, ALIAS_SAMPLE))


@pytest.fixture(scope="module")
def random_scores(modules, index):
    return modules[1].random_pairs(index, RANDOM_PAIRS)


def _recall(results) -> float:
    return float(np.mean([r.rank is not None for r in results]))


def test_dev_similar_recall_floor(dev):
    similar = [r for r in dev if r.expect == "similar"]
    misses = [f"{r.query} -> {r.earlier}" for r in similar if r.rank is None]
    assert _recall(similar) >= DEV_RECALL_FLOOR, f"earlier mark not in top 10: {misses}"


def test_dev_similar_recall_goal(dev):
    # WATERCARE = AQUA-CARE since glued compounds of two lexicon words read as both words (rank 1, 0.62); BUENOS DIAS
    # = GOOD MORNING and MARCHE NOIR = BLACK MARKET since the lexicon lists phrases (24/24 on the demo)
    assert _recall([r for r in dev if r.expect == "similar"]) >= 0.95


def test_similar_pairs_score_higher_than_not_confusing_on_average(dev):
    sim = np.mean([r.score for r in dev if r.expect == "similar"])
    nc = np.mean([r.score for r in dev if r.expect == "not-confusing"])
    assert sim > nc


def test_alias_recall_floor(aliases):
    assert len(aliases) == ALIAS_SAMPLE
    assert _recall(aliases) >= ALIAS_RECALL_FLOOR


@pytest.mark.xfail(
    reason="goal not met (issue 3 blocked on it): NSI matchNames hold translations and former or parent names that "
    "no spelling, sound or lexicon score links — 673 of 3,683 pairs, a ceiling of 0.817; measured 0.718",
    strict=False,
)
def test_alias_recall_goal(aliases):
    assert _recall(aliases) >= 0.98


@pytest.mark.xfail(
    reason="goal 0.85 not met: 0.59 — CROSSOVER/CROSS-OVER (1.0) and PUBLIX/PUBLIC GOODS were decided on "
    "commercial impression and goods, which a name score cannot see",
    strict=False,
)
def test_dev_auc_goal(modules, dev):
    cal = modules[1]
    sim = [r.score for r in dev if r.expect == "similar"]
    nc = [r.score for r in dev if r.expect == "not-confusing"]
    assert cal.auc(sim, nc) >= 0.85


def test_positives_outscore_random_pairs(modules, dev, aliases, random_scores):
    pos = [r.score for r in dev if r.expect == "similar"] + [r.score for r in aliases]
    assert modules[1].auc(pos, random_scores) >= AUC_POSITIVES_FLOOR


def test_random_real_pairs_rarely_reach_high(random_scores):
    high = float(np.mean(random_scores >= thresholds()["high"]))
    assert high <= 0.01
    assert float(np.mean(random_scores >= thresholds()["medium"])) <= 0.02


@pytest.mark.xfail(
    reason="issue 18 goal not met: the learned score follows the examiner's rule (DOMAIN.md §8), stricter than the "
    "courts on vague likenesses (GEDUNG BARU ~ GUDANG GARAM 0.03, MILTRON ~ MILLTRONICS 0.02, INX ~ INK 0.14)",
    strict=False,
)
def test_found_similar_dev_pairs_reach_medium(dev):
    medium = thresholds()["medium"]
    found = [r for r in dev if r.expect == "similar" and r.rank is not None]
    assert not [f"{r.query} -> {r.earlier} {r.score:.3f}" for r in found if r.score < medium]
