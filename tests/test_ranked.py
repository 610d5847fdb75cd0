"""`best_first` answers as the full stable sorts it replaces, ties, NaN and out-of-range counts included."""

import numpy as np

from similarity.ranked import best_first


def test_best_first_is_the_full_sorts_answer_with_ties_and_nan():
    rng = np.random.default_rng(1)
    for trial in range(3000):
        n = int(rng.integers(0, 40))
        values = rng.integers(0, 5, n).astype(np.float32)  # few values: many ties
        tiebreak = rng.integers(0, 3, n).astype(np.float32)
        if trial % 7 == 0 and n:
            values[rng.integers(0, n)] = np.nan  # np.partition counts NaN as the largest, the sorts put it last
        k = int(rng.integers(0, n + 3))
        assert best_first(values, k).tolist() == np.argsort(-values, kind="stable")[:k].tolist()
        assert best_first(values, k, tiebreak).tolist() == np.lexsort((-tiebreak, -values))[:k].tolist()
    assert best_first(np.array([0.3, 0.9, 0.3])).tolist() == [1, 0, 2]
