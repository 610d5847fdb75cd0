"""The keypoint votes' fit (similarity.image.retrieve): hubs and folded fits, the shortlist, the cropped query view."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from similarity.image import retrieve
from similarity.image.features import SIDE
from similarity.image.retrieve import VIEWS_PER_ROW, _consistent_fit, _shortlist
from similarity.image.verify import CROPPED_SIDE, QUERY_VIEWS, QueryFeatures


def _hubbed(true: int = 30, hub_pairs: int = 90, seed: int = 1):
    """Tentative matches of a query against its own logo at half scale where one registered descriptor (a patch
    repeated all over the logo) is also the neighbour of every query keypoint, nearer than their true match:
    (query points, registered points, asker, found, distance)."""
    rng = np.random.default_rng(seed)
    query = rng.uniform(0, 240, (true, 2)).astype(np.float32)
    hub = np.float32([[100, 100], [101, 100], [100, 101]])  # a patch found at three pyramid levels
    registered = np.concatenate([query * 0.5 + 5, hub])
    asker = np.concatenate([np.arange(true), rng.integers(0, true, hub_pairs)])
    found = np.concatenate([np.arange(true), true + rng.integers(0, len(hub), hub_pairs)])
    distance = np.concatenate([np.full(true, 20), rng.integers(0, 10, hub_pairs)])
    return query, registered, asker, found, distance


def test_a_fit_folded_onto_a_hub_gives_way_to_the_logos_own_arrangement():
    query, registered, asker, found, distance = _hubbed()
    fitted = _consistent_fit(query, registered, asker, found, distance)
    assert fitted is not None
    consistent, matrix = fitted
    assert consistent >= 25
    assert np.hypot(matrix[0, 0], matrix[1, 0]) == pytest.approx(0.5, abs=0.02)


def test_without_the_hub_limit_and_the_refit_the_hub_wins(monkeypatch):
    """The defect the limit and the refit mend: RANSAC's largest consensus is the fold, and it is rejected."""
    monkeypatch.setattr(retrieve, "HUB_MATCHES", 10**6)
    monkeypatch.setattr(retrieve, "REFITS", 0)
    assert _consistent_fit(*_hubbed()) is None


def test_random_matches_fit_nothing():
    rng = np.random.default_rng(3)
    query, registered = rng.uniform(0, 240, (60, 2)), rng.uniform(0, 240, (80, 2))
    asker, found = rng.integers(0, 60, 120), rng.integers(0, 80, 120)
    assert _consistent_fit(query, registered, asker, found, rng.integers(0, 60, 120)) is None


def test_the_shortlist_keeps_room_for_other_rows(monkeypatch):
    monkeypatch.setattr(retrieve, "SHORTLIST", 4)
    pairs = [(1.0 - 0.01 * k, k, 7, 0, 1) for k in range(6)] + [(0.5, 0, 3, 0, 1), (0.4, 1, 5, 0, 1)]
    rows = [p[2] for p in _shortlist(pairs)]
    assert rows.count(7) == VIEWS_PER_ROW and rows[VIEWS_PER_ROW:] == [3, 5]


def test_a_query_that_looks_cut_is_also_searched_at_the_scale_a_ten_percent_crop_has_in_the_registry():
    assert CROPPED_SIDE < SIDE and CROPPED_SIDE in dict(QUERY_VIEWS)
    whole = Image.new("RGB", (300, 300), "white")
    ImageDraw.Draw(whole).ellipse((20, 20, 280, 280), fill="navy")
    ImageDraw.Draw(whole).rectangle((120, 60, 180, 240), fill="white")
    cut = whole.crop((50, 50, 250, 250))  # the disc cut off on every side: its edge runs through the ink
    small = {(m, i, CROPPED_SIDE) for m in (False, True) for i in (False, True)}
    features = QueryFeatures.of(cut)
    assert features.cut() and small <= set(features.search_views())
    assert max(features.view(side=CROPPED_SIDE).size) == CROPPED_SIDE
    whole_features = QueryFeatures.of(whole)
    assert not whole_features.cut() and not small & set(whole_features.search_views())


def test_the_benchmarks_exact_search_votes_as_a_small_registrys_own_exhaustive_index():
    """bench_logo_votes compares the product's index with an exhaustive one; below `EXACT_UP_TO` both are exhaustive."""
    from benchmarks.bench_logo_votes import exact_index
    from similarity.image.features import FeatureStore, extract
    from similarity.image.retrieve import DescriptorIndex

    store = FeatureStore()
    for row, corners in enumerate([[(5, 60), (30, 4), (60, 60)], [(4, 4), (60, 10), (40, 60), (8, 40)]]):
        im = Image.new("RGB", (64, 64), "white")
        ImageDraw.Draw(im).polygon(corners, fill="black")
        store.put(row, extract(im))
    im = Image.new("RGB", (64, 64), "white")
    ImageDraw.Draw(im).polygon([(5, 60), (30, 4), (60, 60)], fill="black")
    query = QueryFeatures.of(im)
    views = [query.view(*key) for key in query.search_views()]
    exact = exact_index(store).match(views)
    assert exact.votes(5) == DescriptorIndex.of(store).match(views).votes(5)
    assert 0 in exact.votes(5) and exact.tentative_keypoints(0) >= exact.tentative_keypoints(1)


def test_the_crop_view_proves_only_a_crop():
    """A whole logo fitted in the 205 px view (another brand's logo over all its ink) is dropped; a crop is kept."""
    from similarity.image.verify import PARTIAL_COVERAGE, Verification, _crop_only

    def fit(coverage: float) -> Verification:
        return Verification(False, 0.99, coverage, 40, 45, False, 0, 1.0, "keypoints")

    whole, crop = fit(PARTIAL_COVERAGE + 0.1), fit(PARTIAL_COVERAGE - 0.2)
    assert _crop_only((False, False, CROPPED_SIDE), whole) is None
    assert _crop_only((False, True, CROPPED_SIDE), crop) is crop
    assert _crop_only((False, False, SIDE), whole) is whole
    assert _crop_only((True, False, CROPPED_SIDE), None) is None
