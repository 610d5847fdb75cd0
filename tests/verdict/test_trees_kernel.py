"""The verdict model's trees walked in C (similarity/verdict/_trees.c) reach numpy's very leaves, so the learned
score is the same bit for bit: random evidence, evidence exactly at the trees' thresholds (the ``<=`` side), NaN."""

from __future__ import annotations

import numpy as np
import pytest

from similarity.verdict import model as model_module
from similarity.verdict.model import FEATURES, load_model

needs_kernel = pytest.mark.skipif(
    model_module._trees is None,
    reason="the compiled kernel similarity/verdict/_trees*.so is not built (pip install -e . builds it; without a C "
    "compiler numpy's walk alone runs)",
)


@needs_kernel
@pytest.mark.parametrize("seed", range(5))
def test_the_kernel_reaches_numpys_leaves(seed):
    model = load_model()
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    x = rng.random((n, len(FEATURES)))
    thresholds = np.asarray(model.threshold)
    at = rng.random(x.shape) < 0.3  # a third of the values exactly at some threshold: the tie goes left in both
    x[at] = rng.choice(thresholds, int(at.sum()))
    x[rng.random(x.shape) < 0.02] = np.nan  # NaN goes right in both
    x[rng.random(x.shape) < 0.1] = rng.choice([0.0, 1.0])
    leaves = model.leaves(x, kernel=True)
    assert leaves.shape == (n, len(model.roots))
    assert (leaves == model.leaves(x, kernel=False)).all()
    assert (np.asarray(model.left)[leaves] < 0).all()  # leaves indeed
    assert model.raw(x, kernel=True).tobytes() == model.raw(x, kernel=False).tobytes()


@needs_kernel
def test_the_kernel_refuses_malformed_trees():
    x = np.zeros((2, 3))
    feature = np.array([0, 0, 0], np.int64)
    threshold = np.zeros(3)
    roots = np.array([0], np.int64)
    good = model_module._trees.leaves(x, 3, feature, threshold, np.array([1, -1, -1]), np.array([2, -1, -1]), roots)
    assert np.frombuffer(good, np.int64).tolist() == [1, 1]  # 0 <= 0: left
    with pytest.raises(ValueError):  # a child out of range
        model_module._trees.leaves(x, 3, feature, threshold, np.array([5, -1, -1]), np.array([2, -1, -1]), roots)
    with pytest.raises(ValueError):  # a loop
        model_module._trees.leaves(x, 3, feature, threshold, np.array([0, -1, -1]), np.array([0, -1, -1]), roots)
    with pytest.raises(ValueError):  # a feature the rows do not have
        model_module._trees.leaves(x, 3, np.array([7, 0, 0], np.int64), threshold, np.array([1, -1, -1]),
                                   np.array([2, -1, -1]), roots)
