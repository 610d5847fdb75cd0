"""Best-first positions of a score array without sorting all of it (shared by the search, the re-read shortlist and
the name factors): a full stable sort's answer, from a partition and a sort of the few that can make the list."""

from __future__ import annotations

import numpy as np


def best_first(values: np.ndarray, n: int | None = None, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """Positions of the ``n`` largest ``values`` (all of them with ``n`` None), best first; ties go to the larger
    ``tiebreak``, then to the earlier position — ``np.lexsort((-tiebreak, -values))[:n]``, or
    ``np.argsort(-values, kind="stable")[:n]`` without a tiebreak. Only the ``n``-th best value and what ties or beats
    it are sorted; with a NaN among the values the full sort answers (NaN last).

    >>> best_first(np.array([0.5, 0.9, 0.1, 0.9, 0.7], np.float32), 3).tolist()
    [1, 3, 4]
    >>> best_first(np.array([0.5, 0.9, 0.9]), 2, tiebreak=np.array([0.0, 0.1, 0.2])).tolist()
    [2, 1]
    """

    def order(positions: np.ndarray) -> np.ndarray:
        keys = (-values[positions],) if tiebreak is None else (-tiebreak[positions], -values[positions])
        return positions[np.lexsort(keys)]

    everything = np.arange(len(values))
    if n is None or not 0 < n < len(values):
        return order(everything)[:n]
    if np.isnan(values).any():  # partition counts NaN as the largest, the sorts as the last: let the sort answer
        return order(everything)[:n]
    kth = np.partition(values, len(values) - n)[len(values) - n]  # the n-th best: ties with it stay in
    return order(np.flatnonzero(values >= kth))[:n]
