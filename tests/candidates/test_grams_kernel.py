"""The trigram count of name candidates: numpy's and the compiled kernel's (similarity/candidates/_grams.c) keep the
same rows — the k best Dice over the fields, ties at the k-th value by row ascending, rows ascending — checked against
a plain-Python reference on seeded random indexes and on the demo registry's own names."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from similarity.candidates import names
from similarity.candidates.names import GRAM_SCAN_MIN, GRAM_SCAN_SHARE, nominating_indices, top_gram_rows
from similarity.text.encode import GRAM_FIELDS, encode_name, gram_keys

needs_kernel = pytest.mark.skipif(
    names._grams is None,
    reason="the compiled kernel similarity/candidates/_grams*.so is not built (pip install -e . builds it; "
    "without a C compiler the numpy path alone runs)",
)


def reference(parts, nominating, gram_count, k) -> list[int]:
    """The rule in plain Python: candidates are the nominating lists' rows; Dice per field = shared lists of the field
    / (query lists of the field + the row's trigrams of the field), the best field; the k best by (Dice desc, row asc),
    returned ascending."""
    if k <= 0:
        return []
    q = [sum(1 for f, _ in parts if f == field) for field in range(len(gram_count))]
    rows = sorted({int(r) for i in nominating for r in parts[i][1]})
    members = [(f, set(p.tolist())) for f, p in parts]
    dice = {}
    for r in rows:
        best = 0.0
        for field in range(len(gram_count)):
            if q[field]:
                shared = sum(1 for f, s in members if f == field and r in s)
                best = max(best, shared / (q[field] + int(gram_count[field][r])))
        dice[r] = best
    return sorted(sorted(rows, key=lambda r: (-dice[r], r))[:k])


def random_case(rng: np.random.Generator):
    """Posting lists of varied lengths (some far longer than the candidates, some empty), few distinct trigram
    counts (many tied Dice values), fields without lists, k below and above the number of candidates."""
    n_rows = int(rng.integers(1, 2_000))
    n_fields = int(rng.integers(1, 4))
    gram_count = rng.integers(0, int(rng.choice([2, 4, 30])), size=(n_fields, n_rows)).astype(np.int16)
    used = rng.choice(n_fields, int(rng.integers(1, n_fields + 1)), replace=False)  # other fields have no lists
    parts = []
    for _ in range(int(rng.integers(0, 16))):
        long = rng.random() < 0.25
        size = int(rng.integers(0, n_rows + 1)) if long else int(rng.integers(0, min(n_rows, 30) + 1))
        rows = np.sort(rng.choice(n_rows, size, replace=False)).astype(np.int32)
        parts.append((int(rng.choice(used)), rows))
    parts.sort(key=lambda p: len(p[1]))
    if parts and rng.random() < 0.7:
        nominating = nominating_indices(parts, int(rng.integers(1, 200)))
    else:
        nominating = sorted(rng.choice(len(parts), int(rng.integers(0, len(parts) + 1)), replace=False).tolist())
    k = int(rng.choice([0, 1, 3, int(rng.integers(1, 80)), 10_000]))
    return parts, nominating, gram_count, k


def test_numpy_path_keeps_the_best_dice_with_ties_by_row():
    rng = np.random.default_rng(11)
    for _ in range(300):
        parts, nominating, gram_count, k = random_case(rng)
        got = top_gram_rows(parts, nominating, gram_count, k, kernel=False)
        assert got.dtype == np.int64
        assert got.tolist() == reference(parts, nominating, gram_count, k)


@needs_kernel
def test_kernel_keeps_the_same_rows_as_numpy_on_random_indexes():
    rng = np.random.default_rng(12)
    checked_reference = 0
    for case in range(2_000):
        parts, nominating, gram_count, k = random_case(rng)
        expected = top_gram_rows(parts, nominating, gram_count, k, kernel=False)
        got = top_gram_rows(parts, nominating, gram_count, k, kernel=True)
        assert got.dtype == np.int64
        assert got.tolist() == expected.tolist(), case
        if case % 10 == 0:
            assert got.tolist() == reference(parts, nominating, gram_count, k), case
            checked_reference += 1
    assert checked_reference == 200


@needs_kernel
def test_kernel_breaks_a_tie_at_the_kth_place_by_row():
    # rows 0..9 all share the one trigram with the same count: every Dice ties, the first k rows are kept
    parts = [(0, np.arange(10, dtype=np.int32))]
    gram_count = np.full((2, 10), 3, dtype=np.int16)
    assert top_gram_rows(parts, [0], gram_count, 4, kernel=True).tolist() == [0, 1, 2, 3]
    # a better row beyond the tie is kept first; the rest of the places go to the lowest tied rows
    gram_count[0, 8] = 1
    assert top_gram_rows(parts, [0], gram_count, 3, kernel=True).tolist() == [0, 1, 8]


@needs_kernel
def test_a_posting_outside_the_rows_is_an_error_on_both_paths():
    parts = [(0, np.array([1, 7], dtype=np.int32))]
    gram_count = np.zeros((1, 5), dtype=np.int16)
    for kernel in (False, True):
        with pytest.raises(IndexError):
            top_gram_rows(parts, [0], gram_count, 3, kernel=kernel)


@needs_kernel
def test_kernel_answers_the_same_from_many_threads_at_once():
    rng = np.random.default_rng(13)
    n_rows = 200_000
    gram_count = rng.integers(1, 20, size=(2, n_rows)).astype(np.int16)
    cases = []
    for _ in range(40):
        parts = sorted(((int(rng.integers(0, 2)), np.sort(rng.choice(n_rows, int(rng.integers(10, 20_000)),
                                                                     replace=False)).astype(np.int32))
                        for _ in range(12)), key=lambda p: len(p[1]))
        cases.append((parts, nominating_indices(parts, 30_000)))
    expected = [top_gram_rows(p, n, gram_count, 500, kernel=False).tolist() for p, n in cases]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda c: top_gram_rows(c[0], c[1], gram_count, 500, kernel=True).tolist(), cases * 3))
    assert got == expected * 3


@pytest.fixture(scope="module")
def demo():
    from similarity.build import open_index

    return open_index()


@needs_kernel
def test_kernel_keeps_the_same_rows_as_numpy_on_the_demo_registry(demo):
    """Near-misses and exact copies of the demo's own names, at the index's k and at small k (the demo registry has
    fewer candidates than 2,000 for most names, so small k exercises the choice at the k-th place)."""
    rng = np.random.default_rng(14)
    n_rows = demo.gram_count.shape[1]
    selected = 0
    for mark in demo.marks_at(rng.choice(demo.alive_rows(), 150, replace=False)):
        name = mark.name
        for query in (name, name[:-1] + "x", name[1:]):
            code = encode_name(query)
            keys = gram_keys(code)
            if not keys:
                continue
            parts = sorted(((GRAM_FIELDS.index(k[0]), demo.grams.get(k)) for k in keys), key=lambda p: len(p[1]))
            nominating = nominating_indices(parts, max(GRAM_SCAN_MIN, n_rows // GRAM_SCAN_SHARE))
            for k in (demo.params.gram_candidates, 40, 5):
                expected = top_gram_rows(parts, nominating, demo.gram_count, k, kernel=False)
                got = top_gram_rows(parts, nominating, demo.gram_count, k, kernel=True)
                assert got.tolist() == expected.tolist(), (query, k)
                selected += len(expected) == k
    assert selected > 100  # the k-th place was decided often, not only "all candidates kept"


def test_the_environment_variable_forces_the_numpy_path():
    code = "from similarity.candidates import names; print(names.KERNEL)"
    root = str(Path(names.__file__).resolve().parents[2])  # this checkout, installed or not
    env = {**os.environ, "SIMILARITY_NO_KERNEL": "1", "PYTHONPATH": os.pathsep.join([root, os.environ.get(
        "PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    env.pop("SIMILARITY_NO_KERNEL")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(names._grams is not None)
