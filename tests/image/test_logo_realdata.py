"""Quality floors on real logos (simple-icons + gilbarbara); skipped when the shared data is absent.

The floors sit a little under what ``python -m benchmarks.bench_logos`` measures on the full set, so
that a sample of 100 logos passes reliably and a real regression does not.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from similarity.image import default_max_distance

SHARED = Path(os.environ.get("SIMILARITY_SHARED") or Path(__file__).resolve().parents[3] / "shared")
DATA = SHARED / "data" / "raw"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (DATA / "simple-icons-pack" / "icons.jsonl").exists(),
        reason=f"real logo data not found under {SHARED} (set SIMILARITY_SHARED to the shared folder)",
    ),
]

FLOORS = {
    "resize_x0.25": 0.9,
    "resize_x0.5": 0.9,
    "resize_x2": 0.9,
    "resize_x4": 0.9,
    "jpeg_q30": 0.85,
    "recolour": 0.9,
    "knockout_white_on_dark": 0.8,
    "inverted": 0.95,
    "grayscale": 0.95,
    "mirror": 0.95,
    "rot90": 0.95,
    "rot180": 0.95,
    "pad_20pct": 0.9,
    "transparent": 0.95,
    "text_overlay": 0.8,  # no goal in the issue; pHash and shape alone reach 0.80 on the full set, with dHash 0.88
}
SAMPLE = 100


def benchmark_module(name: str):
    """A module of benchmarks/ (the checkout put on sys.path, the shared data named in the environment)."""
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ.setdefault("SIMILARITY_SHARED", str(SHARED))
    return importlib.import_module(f"benchmarks.{name}")


@pytest.fixture(scope="module")
def bench():
    return benchmark_module("bench_logos"), benchmark_module("logo_data")


@pytest.fixture(scope="module")
def encoded(bench):
    bench_logos, logo_data = bench
    sources = logo_data.real_logo_sources(SHARED)
    rng = np.random.default_rng(7)
    sources = [sources[i] for i in sorted(rng.choice(len(sources), SAMPLE, replace=False))]
    return sources, bench_logos.encode_chunk((sources, np.ones(len(sources), bool)))


def test_most_real_logos_load(encoded):
    _, data = encoded
    assert data["ok"].mean() >= 0.97


def test_recall_floors_per_transform(bench, encoded):
    """The product's search (pHash, shape code and dHash, the evidence it reports) ranks the source logo first."""
    bench_logos, logo_data = bench
    sources, data = encoded
    ok = np.flatnonzero(data["ok"])
    index = bench_logos._mark_index(sources, data, ok)
    thresholds = {part: default_max_distance(part) for part in ("phash", "shape", "dhash")}
    names = list(logo_data.TRANSFORMS)
    for name, floor in FLOORS.items():
        j = names.index(name)
        found = sum(
            data["query_ok"][row, j] and bench_logos._rank_of(index, data["queries"][row, j], row, thresholds)[0] == 1
            for row in ok
        )
        assert found / len(ok) >= floor, f"{name}: recall@1 {found / len(ok):.3f} below the floor {floor}"


def test_shape_code_finds_recoloured_copies_the_phash_misses(bench, encoded):
    """Recoloured and reversed-out copies the pHash loses: the shape code finds most recoloured ones, and the
    single-colour reversed ones (a multi-colour logo reversed out of a dark ground loses its inner detail)."""
    bench_logos, logo_data = bench
    sources, data = encoded
    part = bench_logos._part
    for name, share in (("recolour", 0.5), ("knockout_white_on_dark", 0.25)):
        j = list(logo_data.TRANSFORMS).index(name)
        ok = np.flatnonzero(data["ok"] & data["query_ok"][:, j])
        queries = data["queries"][ok, j]
        phash = np.diag(bench_logos.min_distances(part(queries, "phash"), part(data["codes"][ok], "phash")))
        shape = np.diag(bench_logos.min_distances(part(queries, "shape"), part(data["codes"][ok], "shape")))
        lost = phash > default_max_distance()
        rescued = lost & (shape <= default_max_distance("shape"))
        assert lost.sum() >= 3, f"{name}: the pHash lost only {lost.sum()} — the transform no longer tests anything"
        assert rescued.sum() >= share * lost.sum(), f"{name}: shape rescued {rescued.sum()} of {lost.sum()}"


def test_dhash_finds_copies_with_a_word_added_the_phash_misses(bench, encoded):
    """A word written across a logo moves its pHash and its silhouette; its gradients (dHash) move less."""
    bench_logos, logo_data = bench
    sources, data = encoded
    part = bench_logos._part
    j = list(logo_data.TRANSFORMS).index("text_overlay")
    ok = np.flatnonzero(data["ok"] & data["query_ok"][:, j])
    queries = data["queries"][ok, j]
    distance = {
        hash: np.diag(bench_logos.min_distances(part(queries, hash), part(data["codes"][ok], hash)))
        for hash in ("phash", "shape", "dhash")
    }
    lost = (distance["phash"] > default_max_distance()) & (distance["shape"] > default_max_distance("shape"))
    rescued = lost & (distance["dhash"] <= default_max_distance("dhash"))
    assert lost.sum() >= 5, f"pHash and shape lost only {lost.sum()} — the transform no longer tests anything"
    # the full set (benchmarks/bench_logos.py): 49 of the 98 lost; this sample of 100 logos: 4 of 20
    assert rescued.sum() >= 0.15 * lost.sum(), f"the dHash rescued {rescued.sum()} of {lost.sum()}"


def test_false_matches_rare_at_default_thresholds(bench, encoded):
    """Different brands matched by any hash within its calibrated threshold: rare."""
    bench_logos, _ = bench
    sources, data = encoded
    ok = np.flatnonzero(data["ok"])
    part = bench_logos._part
    phash = bench_logos.min_distances(part(data["dihedral"][ok], "phash"), part(data["codes"][ok], "phash"))
    shape = bench_logos.min_distances(part(data["dihedral"][ok], "shape"), part(data["codes"][ok], "shape"))
    dhash = bench_logos.min_distances(part(data["dihedral"][ok], "dhash"), part(data["codes"][ok], "dhash"))
    brands = np.array([sources[i].brand for i in ok])
    different = brands[:, None] != brands[None, :]
    limits = [default_max_distance(hash) for hash in ("phash", "shape", "dhash")]
    any_hash = (phash <= limits[0]) | (shape <= limits[1]) | (dhash <= limits[2])
    rate = any_hash[different].mean()
    assert rate <= 0.005, f"false-match rate {rate:.4f} at distances {limits}"
