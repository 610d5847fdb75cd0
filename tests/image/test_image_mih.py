"""Multi-index hashing (similarity/image/mih.py) answers exactly what FAISS's flat scan answers."""

from __future__ import annotations

import numpy as np
import pytest

import similarity.image.mih as mih
import similarity.image.search as search
from similarity.image import LogoIndex


def _registry(n: int = 20_000, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Random codes, and near copies of a few hundred of them (0–8 bits flipped): a registry with look-alikes."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (n // 2, 8), dtype=np.uint8)
    copies = base[rng.integers(0, 300, n - n // 2)] ^ np.packbits(rng.random((n - n // 2, 64)) < 0.04, axis=1)
    return np.concatenate([base, copies]), base


def _queries(base: np.ndarray, seed: int = 4) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(40):
        near = base[rng.integers(0, 300, 8)] ^ np.packbits(rng.random((8, 64)) < 0.06, axis=1)
        far = rng.integers(0, 256, (8, 8), dtype=np.uint8)
        mixed = np.where(rng.random((8, 1)) < 0.5, near, far)
        out += [near, far, mixed, near[:1]] if i % 2 else [mixed]
    return out


def _same(a, b) -> None:
    """Equal answers: the same distances and variants in order, the same ids except among ties at the last distance
    (which of several equally distant codes fills the last places is the flat scan's heap order)."""
    assert [(h.distance, h.variant) for h in a] == [(h.distance, h.variant) for h in b]
    if a:
        last = a[-1].distance
        assert [h.id for h in a if h.distance < last] == [h.id for h in b if h.distance < last]


@pytest.fixture
def tables(monkeypatch):
    """Searches go through the substring tables at any size (by default only from search.TABLES_FROM codes, and only
    where the compiled scan is not built)."""
    monkeypatch.setattr(search, "TABLES_FROM", 0)
    monkeypatch.setattr(search, "KERNEL", False)


@pytest.mark.parametrize("k", [1, 10, 50])
def test_multi_index_equals_the_flat_scan(k, tables):
    stored, base = _registry()
    index = LogoIndex()
    index.add(np.arange(len(stored)) * 3 + 1, stored)
    fast = 0
    for query in _queries(base):
        tables_answer = index._tables.knn(query, k) if index._tables is not None else None
        fast += tables_answer is not None
        _same(index.search(query, k=k), index.search_flat(query, k=k))
        _same(index.search(query, k=k, max_distance=9), index.search_flat(query, k=k, max_distance=9))
    assert fast > 40  # most queries with look-alikes are answered by the tables, not by the fallback scan


def test_multi_index_after_remove_and_add(tables):
    stored, base = _registry(4000)
    index = LogoIndex()
    index.add(np.arange(len(stored)), stored)
    query = _queries(base)[1]
    index.search(query, k=10)  # builds the tables
    index.remove(np.arange(0, len(stored), 2))
    index.add(np.array([10**6]), query[:1])  # an exact copy of the first variant
    hits = index.search(query, k=10)
    _same(hits, index.search_flat(query, k=10))
    assert hits[0].id == 10**6 and hits[0].distance == 0
    assert all(h.id % 2 == 1 or h.id == 10**6 for h in hits)


def test_far_queries_fall_back_to_the_scan(monkeypatch):
    stored, base = _registry(4000)
    index = LogoIndex()
    index.add(np.arange(len(stored)), stored)
    monkeypatch.setattr(mih, "SCAN_SHARE", 0.0)
    monkeypatch.setattr(mih, "MIN_BUDGET", 0)
    query = _queries(base)[0]
    assert mih.MultiIndex(np.arange(len(stored)), stored).knn(query, 5) is None
    _same(index.search(query, k=5), index.search_flat(query, k=5))


def test_small_and_exhaustive_cases():
    table = mih.MultiIndex(np.arange(3), np.array([[0] * 8, [255] * 8, [0] * 7 + [3]], dtype=np.uint8))
    assert table.knn(np.array([[0] * 8], dtype=np.uint8), k=10) == [(0, 0, 0), (2, 2, 0), (1, 64, 0)]
    assert table.knn(np.array([[255] * 8, [0] * 8], dtype=np.uint8), k=1) == [(1, 0, 0)]  # tie: the first variant
    # each id at its best variant; then by distance, variant, id
    two = np.array([[0] * 7 + [1], [0] * 8], dtype=np.uint8)
    assert table.knn(two, k=2) == [(0, 0, 1), (2, 1, 0)]
    assert mih.MultiIndex(np.zeros(0), np.zeros((0, 8), np.uint8)).knn(np.zeros((1, 8), np.uint8), 3) == []


def test_a_small_index_is_scanned():
    stored, base = _registry(4000)
    index = LogoIndex()
    index.add(np.arange(len(stored)), stored)
    index.search(_queries(base)[0], k=5)
    assert index._tables is None
