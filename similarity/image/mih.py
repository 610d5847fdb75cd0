"""Exact k-nearest Hamming search over 64-bit codes by multi-index hashing (Norouzi, Punjani & Fleet, CVPR 2012).

Each code is cut into `SUBSTRINGS` substrings of 16 bits, and each substring position has a table from the 65,536
substring values to the codes holding them. By the pigeonhole principle a code within distance ``r`` of the query
agrees with it within ``r // SUBSTRINGS`` bits on at least one substring, so looking up every substring value within
``s`` bits of the query's finds *every* code within ``SUBSTRINGS * (s + 1) - 1`` bits; each found code's full
distance is then verified with a popcount. The radius ``s`` grows until the ``k`` best verified codes all lie
within that guarantee, so the answer is exactly the flat scan's — the ``k`` nearest, ties broken by variant, then
by id — while a query with near copies in the registry (the case a pre-check is for) touches a few hundred codes of
a million. A query far from everything would need so many lookups that a flat scan is cheaper; past
`SCAN_SHARE` of the codes the search says so and the caller scans::

    >>> codes = np.array([[0] * 8, [255] * 8, [0] * 7 + [1]], dtype=np.uint8)
    >>> table = MultiIndex(np.array([10, 11, 12]), codes)
    >>> table.knn(np.array([[0] * 8], dtype=np.uint8), k=2)
    [(10, 0, 0), (12, 1, 0)]
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np

from similarity.store.postings import sorted_unique

SUBSTRINGS = 4
"""64 bits in four 16-bit substrings: direct-address tables of 65,536 buckets (a million codes put about 15 in each
when the codes are uniform), and at radius 2 — every code within 11 bits — 137 lookups per substring."""
SUB_BITS = 64 // SUBSTRINGS
SCAN_SHARE = 0.04
"""When the codes to verify would pass this share of all codes, a flat scan is cheaper (`knn` returns None): a code
verified here costs about as much as 25 codes scanned by FAISS."""
SAMPLE = 8192
"""Codes in the sample that foresees a query's cost (`MultiIndex._foreseen_cost`)."""
MIN_BUDGET = 4096
"""…but a few thousand codes are always verified here: a small index is searched whole as cheaply."""


@cache
def _masks(weight: int) -> np.ndarray:
    """Every 16-bit value with exactly `weight` bits set."""
    return np.array(
        [sum(1 << b for b in bits) for bits in itertools.combinations(range(SUB_BITS), weight)], dtype=np.int64
    )


def as_uint64(codes: np.ndarray) -> np.ndarray:
    """Packed 8-byte codes ``(n, 8)`` uint8 as one big-endian uint64 each (the bit order of the packed bytes)."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8).reshape(-1, 8)
    return codes.view(">u8").reshape(-1).astype(np.uint64)


class MultiIndex:
    """Substring tables over a fixed set of 64-bit codes, keyed by int64 ids; built once, searched many times.

    >>> table = MultiIndex(np.arange(2), np.array([[1] * 8, [3] * 8], dtype=np.uint8))
    >>> len(table), table.knn(np.array([[1] * 8], dtype=np.uint8), k=5)
    (2, [(0, 0, 0), (1, 8, 0)])
    """

    def __init__(self, ids: np.ndarray, codes: np.ndarray) -> None:
        self.ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        self.codes = as_uint64(codes)
        if len(self.ids) != len(self.codes):
            raise ValueError(f"{len(self.ids)} ids for {len(self.codes)} codes — pass one id per code")
        self._sample = self.codes[:: max(1, len(self.codes) // SAMPLE)]  # to foresee the radius a query needs
        self._order: list[np.ndarray] = []
        self._starts: list[np.ndarray] = []
        for j in range(SUBSTRINGS):
            sub = self._substring(self.codes, j)
            order = np.argsort(sub, kind="stable").astype(np.int32)
            self._order.append(order)
            self._starts.append(np.searchsorted(sub[order], np.arange((1 << SUB_BITS) + 1)).astype(np.int64))

    def __len__(self) -> int:
        return len(self.codes)

    @staticmethod
    def _substring(codes: np.ndarray, j: int) -> np.ndarray:
        shift = np.uint64(SUB_BITS * (SUBSTRINGS - 1 - j))
        return ((codes >> shift) & np.uint64((1 << SUB_BITS) - 1)).astype(np.int64)

    def _bucket_members(self, j: int, buckets: np.ndarray) -> np.ndarray:
        """Positions of the codes whose substring `j` is any of `buckets` (one gather over the CSR table)."""
        starts, ends = self._starts[j][buckets], self._starts[j][buckets + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int32)
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return self._order[j][offsets + np.arange(total)]

    def _foreseen_cost(self, queries: np.ndarray, subs: list[np.ndarray], k: int, budget: float) -> float:
        """How many codes the search would gather to reach the radius the `k`-th nearest code likely lies at.

        The nearest code of an evenly spaced sample of 1 in ``len / SAMPLE`` is about as far as the ``len / SAMPLE``-th
        nearest of all, at least the `k`-th for the usual `k`: the substring radius that guarantees that distance,
        and the codes its buckets hold, are counted without gathering them. Only the choice of path rests on this
        estimate; the answer is exact either way. Counting stops once past `budget`."""
        if k * len(self._sample) > len(self.codes):  # the sample says nothing about so many neighbours
            return 0
        nearest = int(np.bitwise_count(self._sample[None, :] ^ queries[:, None]).min())
        needed = max(0, (nearest + 1 + SUBSTRINGS - 1) // SUBSTRINGS - 1)  # SUBSTRINGS * (s + 1) - 1 >= nearest
        total = 0
        for s in range(min(needed, SUB_BITS) + 1):
            masks = _masks(s)
            for j in range(SUBSTRINGS):
                buckets = sorted_unique((subs[j][:, None] ^ masks[None, :]).reshape(-1))
                total += int((self._starts[j][buckets + 1] - self._starts[j][buckets]).sum())
                if total > budget:
                    return total
        return total

    def knn(self, query_codes: np.ndarray, k: int) -> list[tuple[int, int, int]] | None:
        """The `k` ids nearest to any of `query_codes` ``(v, 8)``, as ``(id, distance, variant)`` sorted by distance,
        variant, id — each id once, at its smallest distance over the variants (the first such variant). None when
        the search would verify more than `SCAN_SHARE` of the codes: scan instead."""
        queries = as_uint64(query_codes)
        n = len(self.codes)
        if k <= 0 or not n:
            return []
        k = min(k, n)
        subs = [self._substring(queries, j) for j in range(SUBSTRINGS)]
        budget = max(SCAN_SHARE * n, MIN_BUDGET)
        if self._foreseen_cost(queries, subs, k, budget) > budget:
            return None
        found = np.zeros(0, dtype=np.int64)
        dist = np.zeros(0, dtype=np.int64)
        variant = np.zeros(0, dtype=np.int64)
        seen = np.zeros(n, dtype=bool)  # calloc'd: only the pages of the codes looked at are touched
        gathered = 0
        for s in range(SUB_BITS + 1):
            masks = _masks(s)
            buckets = [sorted_unique((subs[j][:, None] ^ masks[None, :]).reshape(-1)) for j in range(SUBSTRINGS)]
            gathered += sum(int((self._starts[j][b + 1] - self._starts[j][b]).sum()) for j, b in enumerate(buckets))
            if gathered > budget:  # counted before gathering: a query far from every code costs little here
                return None
            fresh = np.concatenate([self._bucket_members(j, b) for j, b in enumerate(buckets)])
            new = sorted_unique(fresh[~seen[fresh]]).astype(np.int64)
            seen[new] = True
            if len(new):
                d = np.bitwise_count(self.codes[new][None, :] ^ queries[:, None]).astype(np.int64)  # (v, new)
                found = np.concatenate([found, new])
                dist = np.concatenate([dist, d.min(axis=0)])
                variant = np.concatenate([variant, d.argmin(axis=0)])
            bound = SUBSTRINGS * (s + 1) - 1  # every code within this distance has been found
            within = np.flatnonzero(dist <= bound) if len(found) < n else np.arange(n)
            if len(within) >= k:
                ids = self.ids[found[within]]
                ranked = np.lexsort((ids, variant[within], dist[within]))[:k]
                return [(int(ids[i]), int(dist[within][i]), int(variant[within][i])) for i in ranked]
        return None  # unreachable: radius 16 finds every code
