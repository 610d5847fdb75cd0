"""Exact Hamming search over logo hashes: a compiled flat scan (similarity/image/_hamming.c) where it was built, else
multi-index hashing (similarity/image/mih.py) with FAISS's flat scan behind it.

>>> import numpy as np
>>> from similarity.image.search import LogoIndex
>>> index = LogoIndex()
>>> index.add(np.array([7, 9]), np.array([[0] * 8, [255] * 8], dtype=np.uint8))
>>> index.search(np.array([[0, 0, 0, 0, 0, 0, 0, 1]], dtype=np.uint8), k=1)
[LogoHit(id=7, distance=1, variant='identity')]
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import faiss
import numpy as np

from similarity.image.hash import DIHEDRAL
from similarity.image.mih import MultiIndex, as_uint64

try:
    from similarity.image import _hamming  # the compiled scan (setup.py); absent when the install had no C compiler
except ImportError:  # pragma: no cover - depends on the install
    _hamming = None  # type: ignore[assignment]

KERNEL = _hamming is not None and os.environ.get("SIMILARITY_NO_KERNEL", "") in ("", "0")
"""Whether `LogoIndex.search` runs the compiled scan (``similarity/image/_hamming.c``) for 64-bit codes: when it was
built and ``SIMILARITY_NO_KERNEL`` is not set (``SIMILARITY_NO_KERNEL=1`` forces the tables / FAISS path, the same
answer)."""

KERNEL_LEVEL = -1
"""The popcount the compiled scan runs (an index into ``_hamming.LEVELS``: portable, popcnt, AVX2, AVX-512 VPOPCNTDQ);
-1, the best this CPU has. Benchmarks and tests set it to measure a slower CPU's path; the answer is the same."""

_BEST_LEVEL = _hamming.best_level() if _hamming is not None else -1
_VECTOR_LEVEL = 2
"""``_hamming.LEVELS[2]``, AVX2, and above (AVX-512 VPOPCNTDQ): 4 or 8 codes per vector, the scan at least as fast as
the tables at every size measured (`TABLES_FROM`)."""


def _vector_scan() -> bool:
    """Whether the compiled scan runs on vectors here (`TABLES_FROM` says what that decides)."""
    return (KERNEL_LEVEL if KERNEL_LEVEL >= 0 else _BEST_LEVEL) >= _VECTOR_LEVEL


PATHS = ("kernel", "tables", "flat")
"""The ways `LogoIndex.search` can answer (its `path` argument): the compiled scan, the substring tables (with the
flat scan behind them), FAISS's flat scan."""

TABLES_FROM = 300_000
"""Codes from which a search goes through the substring tables when the compiled scan is not built (`KERNEL` False).
Below, FAISS's flat scan is cheaper for the 50 nearest of the 8 variants a check asks for (one run, loaded machine,
uniform codes, per search: 1,200 codes 1.3 ms flat vs 21 ms tables; 20k 0.7 vs 3.1; 100k 1.7 vs 3.0; 300k 5.0 vs
5.6 far from every code, 7.9 vs 11.3 near one; 1M 15.9 vs 21.6 far, 15.5 vs 15.0 near).

Where the compiled scan is built and the CPU has AVX-512 VPOPCNTDQ, the scan answers every 64-bit search, at every
size, for a logo that is registered (near copies exist) and for one that is not. CPU ms for the 24 codes of a query
logo (pHash, shape, dHash × 8 variants), k = 50, p50 of 50 queries each, scan / tables (falling back to the scan) /
FAISS flat, measured in one run of ``python -m benchmarks.bench_logo_search --n 1200 20000 100000 300000 1000000``
on the shared 2-core machine (load average 11): 1,200 codes 0.17 / 29.2 / 0.98 registered, 0.18 / 28.8 / 1.03 not;
20k 0.38 / 6.5 / 2.7 and 0.37 / 6.2 / 2.4; 100k 0.57 / 1.4 / 5.4 and 0.60 / 2.8 / 5.4; 300k 0.96 / 1.8 / 11.6 and
1.02 / 4.7 / 13.3; 1M 2.45 / 3.9 / 34.9 and 2.51 / 4.1 / 39.1 (benchmarks/results/logo_search_kernel.json). The
tables touch fewer codes for a registered logo, but each costs a numpy gather and sort, and foreseeing their cost
alone takes about 1.5 ms at 1M; the scan reads 8 MB per million codes at 8 codes per instruction.

With AVX2 (no VPOPCNTDQ; ``--kernel-level 2``, benchmarks/results/logo_search_kernel_avx2.json, load average 15) the
scan costs 2.5 times as much, scan / tables / flat: 100k 1.03 / 1.7 / 7.1 registered, 1.03 / 4.0 / 7.0 not; 300k
2.07 / 2.1 / 15.6 and 2.08 / 6.0 / 16.5; 1M 6.4 / 4.6 / 52.5 and 6.4 / 8.2 / 49.7 — even at 1M, over registered and
unregistered logos alike, and at p99 (7.5 / 7.0 and 7.2 / 12.6), the scan is no slower, so it answers. With the scalar
popcnt instruction only, the scan costs 4–5 times as much as with AVX-512 and the tables win for registered logos
in large indexes: from `SCALAR_TABLES_FROM` codes the tables answer, the scan behind them."""

SCALAR_TABLES_FROM = 500_000
"""Codes from which a search goes through the substring tables when the compiled scan runs a scalar popcount
(no AVX2). Scan / tables (falling back to the scan), CPU ms per query logo, p50 of 50 queries, one
run of ``python -m benchmarks.bench_logo_search --n 100000 300000 1000000 --kernel-level 1``
(benchmarks/results/logo_search_kernel_popcnt.json): 100k 1.6 / 1.8 registered, 1.7 / 4.8 not; 300k 3.1 / 2.1 and
3.1 / 6.5; 1M 12.9 / 4.9 and 11.1 / 13.1. An unregistered logo (the common case) favours the scan at 300k, and the
registered one the tables at 1M by far more than the unregistered one loses: the cut lies between."""

_INVERSE = {name: name for name in DIHEDRAL} | {"rot90": "rot270", "rot270": "rot90"}
"""Query variant i matching a mark means the query is the mark under the inverse symmetry."""


def inverse_variant(name: str) -> str:
    """The symmetry that undoes `name` (every reflection and a half turn undo themselves).

    >>> inverse_variant("rot90"), inverse_variant("mirror_rot90")
    ('rot270', 'mirror_rot90')
    """
    return _INVERSE[name]


@dataclass(frozen=True)
class LogoHit:
    """One registered mark found for a query logo.

    `variant` names the symmetry that turns the registered logo into the query ("mirror" means the
    query is a mirror image of the mark); "identity" for an unflipped, unrotated copy.
    """

    id: int
    distance: int
    variant: str


class LogoIndex:
    """Registered logo hashes keyed by int64 mark ids; exact Hamming search.

    Args:
        bits: code length; 64 for the default pHash. Codes are packed, ``bits // 8`` bytes each.

    The codes are stored in a FAISS IndexBinaryFlat (what is saved). 64-bit codes are searched by the compiled flat
    scan (``similarity/image/_hamming.c``, `KERNEL`) over a contiguous copy of the ids and codes, taken on the first
    search after a change (on a CPU without AVX2, from `SCALAR_TABLES_FROM` codes on, the tables below answer
    first). Without it, from `TABLES_FROM` codes on, they are searched through substring tables
    (:class:`~similarity.image.mih.MultiIndex`, built likewise): the same answer as the flat scan, which a query with
    near copies in the registry answers touching a few hundred codes; a query far from every code falls back to the
    flat scan (:meth:`search_flat`). Longer codes are searched by FAISS's flat scan.

    >>> import numpy as np
    >>> index = LogoIndex()
    >>> index.add(np.arange(3), np.array([[1] * 8, [2] * 8, [3] * 8], dtype=np.uint8))
    >>> index.remove(np.array([1]))
    1
    >>> len(index)
    2
    """

    def __init__(self, bits: int = 64) -> None:
        if bits <= 0 or bits % 8:
            raise ValueError(f"bits is {bits} — it must be a positive multiple of 8 (64 for pHash)")
        self.bits = bits
        self._index = faiss.IndexBinaryIDMap2(faiss.IndexBinaryFlat(bits))
        self._tables: MultiIndex | None = None  # built from the stored codes on the first search after a change
        self._flat: tuple[np.ndarray, np.ndarray] | None = None  # ids, uint64 codes: the kernel's, likewise

    def add(self, ids: np.ndarray, codes: np.ndarray) -> None:
        """Add codes ``(n, bits // 8)`` under int64 `ids`; an id already present is refused."""
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        codes = self._check_codes(codes)
        if len(ids) != len(codes):
            raise ValueError(f"{len(ids)} ids for {len(codes)} codes — pass one id per code")
        if len(np.unique(ids)) != len(ids):
            raise ValueError("the same id appears twice in one add() — ids must be unique")
        present = ids[np.isin(ids, self.ids())]
        if len(present):
            raise ValueError(f"ids already in the index: {present[:5].tolist()} — remove() them first")
        self._index.add_with_ids(codes, ids)
        self._tables = self._flat = None

    def remove(self, ids: np.ndarray) -> int:
        """Remove the given ids (unknown ids are ignored); returns how many codes were removed."""
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        if not len(ids):
            return 0
        self._tables = self._flat = None
        return int(self._index.remove_ids(faiss.IDSelectorBatch(ids)))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        """All stored ids, in storage order."""
        return faiss.vector_to_array(self._index.id_map).astype(np.int64, copy=False)

    def search(
        self, query_codes: np.ndarray, k: int = 10, max_distance: int | None = None, path: str | None = None
    ) -> list[LogoHit]:
        """Best `k` marks for a query given as its `DIHEDRAL` variant codes ``(8, bits // 8)`` or ``(1, …)``.

        Each mark is reported once, at its smallest distance over the variants, nearest first (ties: the first
        variant, then the lowest id); marks farther than `max_distance` (when given) are dropped.

        `path` (one of `PATHS`) forces a way to the answer, all exact and the same; None picks the fastest for
        64-bit codes: the compiled scan when `KERNEL` and the CPU has AVX2 or AVX-512; with a scalar popcount,
        the substring tables from `SCALAR_TABLES_FROM` codes (the compiled scan behind them) and the scan below;
        without the compiled scan, the tables from `TABLES_FROM` codes with FAISS's flat scan (:meth:`search_flat`)
        behind them, and FAISS's scan below.
        """
        query_codes = self._checked_query(query_codes)
        if path is None:
            path = self._fastest_path()
        elif path not in PATHS:
            raise ValueError(f"path is {path!r} — pass one of {PATHS}, or None for the fastest")
        if k <= 0 or not len(self) or (max_distance is not None and max_distance < 0):
            return []
        if path == "kernel":
            return self._search_kernel(query_codes, k, max_distance)
        if path == "tables" and self.bits == 64:
            if self._tables is None:
                codes = faiss.vector_to_array(faiss.downcast_IndexBinary(self._index.index).xb)
                self._tables = MultiIndex(self._kernel_arrays()[0], codes.reshape(-1, 8))
            hits = self._tables.knn(query_codes, k)
            if hits is not None:
                return [
                    LogoHit(label, distance, inverse_variant(DIHEDRAL[variant]))
                    for label, distance, variant in hits
                    if max_distance is None or distance <= max_distance
                ]
            if KERNEL:  # far from every code: the scan, compiled
                return self._search_kernel(query_codes, k, max_distance)
        return self.search_flat(query_codes, k, max_distance)

    def _fastest_path(self) -> str:
        """The way `search` answers by default (its docstring; the numbers are `TABLES_FROM`'s)."""
        if self.bits != 64:
            return "flat"
        if not KERNEL:
            return "tables" if len(self) >= TABLES_FROM else "flat"
        return "tables" if not _vector_scan() and len(self) >= SCALAR_TABLES_FROM else "kernel"

    def _search_kernel(self, query_codes: np.ndarray, k: int, max_distance: int | None) -> list[LogoHit]:
        if _hamming is None:
            raise RuntimeError("the compiled scan similarity/image/_hamming.c was not built — pass path=None")
        if self.bits != 64:
            raise ValueError(f"the compiled scan searches 64-bit codes; these are {self.bits} bits — pass path=None")
        ids, codes = self._kernel_arrays()
        cut = 64 if max_distance is None else min(max_distance, 64)
        return [
            LogoHit(label, distance, inverse_variant(DIHEDRAL[variant]))
            for label, distance, variant in _hamming.top_k(codes, ids, as_uint64(query_codes), k, cut, KERNEL_LEVEL)
        ]

    def _kernel_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The stored ids and 64-bit codes (`as_uint64`) as contiguous arrays, copied out of FAISS once per change."""
        if self._flat is None:
            codes = faiss.vector_to_array(faiss.downcast_IndexBinary(self._index.index).xb)
            self._flat = (np.ascontiguousarray(self.ids()), as_uint64(codes.reshape(-1, 8)))
        return self._flat

    def search_flat(self, query_codes: np.ndarray, k: int = 10, max_distance: int | None = None) -> list[LogoHit]:
        """:meth:`search` by FAISS's flat scan of every code (what the substring tables are measured against)."""
        query_codes = self._checked_query(query_codes)
        if k <= 0 or not len(self):
            return []
        distances, labels = self._index.search(query_codes, min(k, len(self)))
        best: dict[int, tuple[int, int]] = {}
        for variant, (row_distances, row_labels) in enumerate(zip(distances, labels, strict=True)):
            for distance, label in zip(row_distances.tolist(), row_labels.tolist(), strict=True):
                if label < 0 or (max_distance is not None and distance > max_distance):
                    continue
                if label not in best or distance < best[label][0]:
                    best[label] = (distance, variant)
        ranked = sorted(best.items(), key=lambda item: (item[1][0], item[1][1], item[0]))[:k]
        return [LogoHit(label, dist, inverse_variant(DIHEDRAL[variant])) for label, (dist, variant) in ranked]

    def _checked_query(self, query_codes: np.ndarray) -> np.ndarray:
        query_codes = self._check_codes(query_codes)
        if len(query_codes) not in (1, len(DIHEDRAL)):
            raise ValueError(
                f"got {len(query_codes)} query codes — pass 1, or the {len(DIHEDRAL)} from dihedral_phashes()"
            )
        return query_codes

    def write(self, path: str | os.PathLike) -> None:
        """Write the index to exactly `path` (the caller renames it into place atomically)."""
        faiss.write_index_binary(self._index, os.fspath(path))

    @classmethod
    def read(cls, path: str | os.PathLike) -> LogoIndex:
        """Read an index written by `write`."""
        stored = faiss.read_index_binary(os.fspath(path))
        if not isinstance(stored, faiss.IndexBinaryIDMap2):
            raise ValueError(f"{os.fspath(path)!r} is not a LogoIndex file (found {type(stored).__name__})")
        index = cls.__new__(cls)
        index.bits = stored.d
        index._index = stored
        index._tables = index._flat = None
        return index

    def _check_codes(self, codes: np.ndarray) -> np.ndarray:
        codes = np.ascontiguousarray(codes, dtype=np.uint8)
        if codes.ndim == 1:
            codes = codes[None]
        if codes.ndim != 2 or codes.shape[1] != self.bits // 8:
            raise ValueError(
                f"codes have shape {codes.shape} — expected (n, {self.bits // 8}) packed uint8 "
                f"for {self.bits} bits"
            )
        return codes
