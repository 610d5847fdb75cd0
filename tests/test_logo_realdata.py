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

SHARED = Path(os.environ.get("SIMILARITY_SHARED") or Path(__file__).resolve().parents[2] / "shared")
DATA = SHARED / "data" / "raw"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (DATA / "simple-icons-pack" / "icons.jsonl").exists(),
        reason=f"real logo data not found under {SHARED} (set SIMILARITY_SHARED to the shared folder)",
    ),
]

FLOORS = {
    "resize_x0.5": 0.9,
    "resize_x2": 0.9,
    "jpeg_q30": 0.85,
    "recolour": 0.8,
    "inverted": 0.95,
    "grayscale": 0.95,
    "mirror": 0.95,
    "rot90": 0.95,
    "rot180": 0.95,
    "pad_20pct": 0.9,
    "transparent": 0.95,
}
SAMPLE = 100


@pytest.fixture(scope="module")
def bench():
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ.setdefault("SIMILARITY_SHARED", str(SHARED))
    return importlib.import_module("benchmarks.bench_logos"), importlib.import_module("benchmarks.logo_data")


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
    bench_logos, logo_data = bench
    sources, data = encoded
    ok = np.flatnonzero(data["ok"])
    index = bench_logos.LogoIndex()
    index.add(ok, data["codes"][ok])
    names = list(logo_data.TRANSFORMS)
    for name, floor in FLOORS.items():
        j = names.index(name)
        found = 0
        for row in ok:
            hits = index.search(data["queries"][row, j], k=1) if data["query_ok"][row, j] else []
            found += bool(hits) and hits[0].id == row
        assert found / len(ok) >= floor, f"{name}: recall@1 {found / len(ok):.3f} below the floor {floor}"


def test_false_matches_rare_at_default_threshold(bench, encoded):
    from similarity.image import default_max_distance

    bench_logos, _ = bench
    sources, data = encoded
    ok = np.flatnonzero(data["ok"])
    distances = bench_logos.min_distances(data["dihedral"][ok], data["codes"][ok])
    brands = np.array([sources[i].brand for i in ok])
    different = brands[:, None] != brands[None, :]
    rate = (distances[different] <= default_max_distance()).mean()
    assert rate <= 0.005, f"false-match rate {rate:.4f} at distance {default_max_distance()}"
