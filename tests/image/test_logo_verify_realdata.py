"""Verification on real logos (simple-icons + gilbarbara); skipped when the shared data is absent.

A small sample with loose floors (the benchmark, ``python -m benchmarks.bench_logo_verify``, measures the full
numbers): other brands' logos are rarely accused, and cropped copies are verified.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(os.environ.get("SIMILARITY_SHARED") or Path(__file__).resolve().parents[3] / "shared")

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SHARED / "data" / "raw" / "simple-icons-pack" / "icons.jsonl").exists(),
        reason=f"real logo data not found under {SHARED} (set SIMILARITY_SHARED to the shared folder)",
    ),
]
SAMPLE = 60
QUERIES = 20


@pytest.fixture(scope="module")
def registry():
    from test_logo_realdata import benchmark_module

    bench = benchmark_module("bench_logo_verify")
    sources = benchmark_module("logo_data").real_logo_sources(SHARED)
    drawn = sorted(np.random.default_rng(11).choice(len(sources), SAMPLE, replace=False).tolist())
    index, renderings, _ = bench.build_registry(sources, drawn)
    return bench, sources, index, renderings, sorted(renderings)[:QUERIES]


def test_other_brands_are_rarely_accused(registry):
    bench, sources, index, renderings, rows = registry
    found = bench.false_alarms(index, sources, renderings, rows, "verified")
    assert found["high"] <= 0.05 and found["medium_or_high"] <= 0.1, found


def test_cropped_copies_are_verified_and_ranked_first(registry):
    bench, _, index, renderings, rows = registry
    from benchmarks.logo_data import TRANSFORMS

    recall = bench.copy_recall(index, renderings, rows, {"crop_5pct": TRANSFORMS["crop_5pct"]}, "verified")
    assert recall["crop_5pct"] >= 0.8, recall


def test_partial_copies_are_found_by_their_keypoints(registry):
    """A 10 % crop, the issue's padded copy with a word under it saved as JPEG q70, and the logo pasted at 30 % of a
    picture on a gradient: hashes find none of them (recall@1 0.28 / 0 / 0 in the benchmark). On this sample the word
    under the logo and the gradient were found 0.65 / 0.85 before the query's main part and its smooth ground were
    set aside, 1.0 / 0.95 after."""
    bench, _, index, renderings, rows = registry
    from benchmarks.logo_data import _crop

    transforms = {
        "crop_10pct": lambda image: _crop(image, 0.1),
        "pad_text_jpeg70": bench._composite,
        "pasted_30pct_gradient": bench._pasted("gradient", 0.3),
    }
    recall = bench.copy_recall(index, renderings, rows, transforms, "verified")
    assert recall["crop_10pct"] >= 0.75 and recall["pad_text_jpeg70"] >= 0.9, recall
    assert recall["pasted_30pct_gradient"] >= 0.9, recall
