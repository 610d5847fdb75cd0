"""The compiled flat Hamming scan (similarity/image/_hamming.c) answers exactly what `LogoIndex.search` documents —
each code once at its smallest distance over the variants (the first such variant), sorted by distance, variant,
id, farther than max_distance dropped — checked against a numpy reference on seeded codes with many ties, at every
popcount this CPU has, from two threads at once, and through `LogoIndex` against FAISS's flat scan."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import similarity.image.mih as mih
import similarity.image.search as search
from similarity.image import LogoIndex
from similarity.image.mih import as_uint64

_hamming = search._hamming

needs_kernel = pytest.mark.skipif(
    _hamming is None,
    reason="the compiled scan similarity/image/_hamming*.so is not built (pip install -e . builds it; without a C "
    "compiler LogoIndex searches through the substring tables and FAISS)",
)
LEVELS = ("portable", "popcnt", "avx2", "avx512")


@pytest.fixture
def kernel_on(monkeypatch):
    """LogoIndex uses the compiled scan even under SIMILARITY_NO_KERNEL=1 (these tests are about that path)."""
    monkeypatch.setattr(search, "KERNEL", True)


def _level(name: str) -> int:
    """The level index of `name`, skipping the test when this CPU lacks it."""
    level = LEVELS.index(name)
    if _hamming is None:
        pytest.skip("the compiled scan is not built")
    if level > _hamming.best_level():
        pytest.skip(f"this CPU has no {name} popcount (best: {_hamming.LEVELS[_hamming.best_level()]})")
    return level


def reference(codes: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int, max_distance: int = 64) -> list:
    """The definition in numpy: the smallest distance over the queries, the first query at it, (distance, variant,
    id) order, farther than `max_distance` dropped, the first `k`."""
    if not len(codes) or k <= 0:
        return []
    d = np.bitwise_count(codes[None, :] ^ queries[:, None]).astype(np.int64)
    best, variant = d.min(axis=0), d.argmin(axis=0)
    keep = np.flatnonzero(best <= max_distance)
    order = keep[np.lexsort((ids[keep], variant[keep], best[keep]))[:k]]
    return list(zip(ids[order].tolist(), best[order].tolist(), variant[order].tolist(), strict=True))


def random_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes drawn from few bits (many equal distances, so the tie rule decides) or from all 64; ids shuffled so
    that storage order is not id order; 1 or 8 variants."""
    n = int(rng.choice([0, 1, 7, 8, 9, 100, 3000]))
    bits = int(rng.choice([2, 5, 12, 64]))
    positions = np.sort(rng.choice(64, bits, replace=False)).astype(np.uint64)
    mask = np.bitwise_or.reduce(np.uint64(1) << positions)
    codes = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True) & mask
    ids = rng.permutation(4 * n + 1)[:n].astype(np.int64) - 2 * n  # negative ids too
    queries = rng.integers(0, 2**64 - 1, int(rng.choice([1, 8])), dtype=np.uint64, endpoint=True) & mask
    return codes, ids, queries


@needs_kernel
@pytest.mark.parametrize("name", LEVELS)
def test_every_level_equals_the_definition(name):
    level = _level(name)
    rng = np.random.default_rng(22)
    for _ in range(60):
        codes, ids, queries = random_case(rng)
        for k in (1, 3, 50, len(codes), len(codes) + 5):
            for max_distance in (64, 0, 1, 9, 33):
                expected = reference(codes, ids, queries, k, max_distance)
                assert _hamming.top_k(codes, ids, queries, k, max_distance, level) == expected


@needs_kernel
def test_the_cut_holds_under_long_ties():
    """A million equal codes then closer ones: the kept codes outgrow their buffer many times over."""
    rng = np.random.default_rng(5)
    codes = np.zeros(200_003, dtype=np.uint64)
    codes[rng.choice(len(codes), 40, replace=False)] = 1  # farther from the query below than the zeros
    ids = np.arange(len(codes), dtype=np.int64)[::-1].copy()
    queries = np.array([1, 3, 0], dtype=np.uint64)
    for level in range(_hamming.best_level() + 1):
        for k in (1, 50, 100_000):
            assert _hamming.top_k(codes, ids, queries, k, 64, level) == reference(codes, ids, queries, k)


@needs_kernel
def test_arguments_are_checked():
    codes, ids, queries = np.zeros(4, np.uint64), np.arange(4), np.zeros(1, np.uint64)
    assert _hamming.top_k(codes, ids, queries, 0) == []
    with pytest.raises(ValueError, match="one id per code"):
        _hamming.top_k(codes, ids[:3], queries, 2)
    with pytest.raises(ValueError, match="max_distance"):
        _hamming.top_k(codes, ids, queries, 2, 65)
    with pytest.raises(ValueError, match="8-byte integers"):
        _hamming.top_k(codes.astype(np.uint32), ids, queries, 2)
    with pytest.raises(ValueError, match="query codes"):
        _hamming.top_k(codes, ids, np.zeros(0, np.uint64), 2)
    with pytest.raises(ValueError, match="not available"):
        _hamming.top_k(codes, ids, queries, 2, 64, _hamming.best_level() + 1)


@needs_kernel
def test_two_threads_get_the_same_answers():
    rng = np.random.default_rng(9)
    codes = rng.integers(0, 2**64 - 1, 100_000, dtype=np.uint64, endpoint=True) & np.uint64(0xFFFF0000FFFF)
    ids = rng.permutation(len(codes)).astype(np.int64)
    queries = [rng.integers(0, 2**64 - 1, 8, dtype=np.uint64, endpoint=True) for _ in range(12)]
    expected = [reference(codes, ids, q, 50) for q in queries]
    with ThreadPoolExecutor(2) as pool:
        for _ in range(3):
            answers = list(pool.map(lambda q: _hamming.top_k(codes, ids, q, 50), queries))
            assert answers == expected


def _index(n: int, seed: int) -> tuple[LogoIndex, np.ndarray]:
    """Near copies of a few codes (0–12 bits flipped) and random ones, under shuffled ids."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (20, 8), dtype=np.uint8)
    stored = base[rng.integers(0, 20, n)] ^ np.packbits(rng.random((n, 64)) < 0.08, axis=1)
    stored[::3] = rng.integers(0, 256, (len(stored[::3]), 8), dtype=np.uint8)
    index = LogoIndex()
    index.add(rng.permutation(10 * n)[:n], stored)
    return index, base


@needs_kernel
def test_logo_index_answers_as_the_reference_and_the_flat_scan(kernel_on):
    index, base = _index(5000, seed=1)
    ids, codes = index._kernel_arrays()
    rng = np.random.default_rng(2)
    for _ in range(12):
        query = base[rng.integers(0, 20, 8)] ^ np.packbits(rng.random((8, 64)) < 0.1, axis=1)
        for k, max_distance in ((1, None), (50, None), (50, 6), (10_000, None)):
            hits = index.search(query, k=k, max_distance=max_distance, path="kernel")
            cut = 64 if max_distance is None else max_distance
            expected = reference(codes, ids, as_uint64(query), k, cut)
            assert [(h.id, h.distance, search.DIHEDRAL.index(search.inverse_variant(h.variant))) for h in hits] == (
                expected
            )
            flat = index.search_flat(query, k=k, max_distance=max_distance)
            assert [(h.distance, h.variant) for h in hits] == [(h.distance, h.variant) for h in flat]
            assert index.search(query, k=k, max_distance=max_distance) == hits  # the default path
            assert index.search(query, k=k, max_distance=max_distance, path="tables") == hits


@needs_kernel
def test_logo_index_follows_add_and_remove(kernel_on):
    index, base = _index(2000, seed=3)
    query = np.repeat(base[:1], 8, axis=0)
    index.search(query, k=5)  # caches the codes
    index.remove(index.ids()[:1000])
    index.add(np.array([10**9]), base[:1])  # not -1: FAISS's flat scan reads label -1 as "no code"
    hits = index.search(query, k=5, path="kernel")
    assert hits[0].id == 10**9 and hits[0].distance == 0
    assert [(h.distance, h.variant) for h in hits] == [(h.distance, h.variant) for h in index.search_flat(query, k=5)]
    assert index.search(query, k=5, max_distance=-1) == [] and index.search(query[:1], k=0) == []
    assert LogoIndex().search(query, k=5, path="kernel") == []


def test_paths_are_checked():
    index, base = _index(100, seed=4)
    with pytest.raises(ValueError, match="path"):
        index.search(base[:1], k=5, path="quick")
    if _hamming is not None:
        wide = LogoIndex(bits=128)
        wide.add(np.arange(2), np.zeros((2, 16), np.uint8))
        with pytest.raises(ValueError, match="64-bit"):
            wide.search(np.zeros((1, 16), np.uint8), k=1, path="kernel")
        assert wide.search(np.zeros((1, 16), np.uint8), k=1)[0].distance == 0  # the default: FAISS


@needs_kernel
@pytest.mark.parametrize("give_up", [False, True])
@pytest.mark.parametrize("name", ["popcnt", "avx2", "avx512"])
def test_the_default_path_follows_the_cpu(name, give_up, monkeypatch, kernel_on):
    """With AVX2 or AVX-512 the compiled scan answers at every size; with a scalar popcount the substring tables answer
    large indexes, and the compiled scan behind them when they give up (a query far from every code) — the same
    answer either way."""
    monkeypatch.setattr(search, "KERNEL_LEVEL", _level(name))
    monkeypatch.setattr(search, "SCALAR_TABLES_FROM", 0)  # as if this index were large
    if give_up:
        monkeypatch.setattr(mih, "SCAN_SHARE", 0.0)
        monkeypatch.setattr(mih, "MIN_BUDGET", 0)
    index, base = _index(3000, seed=5)
    near = base[:8] ^ np.packbits(np.random.default_rng(6).random((8, 64)) < 0.05, axis=1)
    far = np.random.default_rng(7).integers(0, 256, (8, 8), dtype=np.uint8)
    for query in (near, far, near[:1]):
        for k, max_distance in ((20, None), (20, 10)):
            hits = index.search(query, k=k, max_distance=max_distance)
            assert hits == index.search(query, k=k, max_distance=max_distance, path="kernel")
            assert [(h.distance, h.variant) for h in hits] == [
                (h.distance, h.variant) for h in index.search_flat(query, k=k, max_distance=max_distance)
            ]
    assert (index._tables is not None) == (name == "popcnt")
    if index._tables is not None:
        assert index._tables.knn(far, 20) is None  # far: the compiled scan answered
        assert (index._tables.knn(near, 20) is None) == give_up
