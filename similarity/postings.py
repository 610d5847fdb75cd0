"""The token inverted index: which marks use a word, a sound key or a translated concept.

Each key's postings are kept sorted by *dominance* (how much the word is the distinctive element of that mark),
so the first ``cap`` postings of a generic key are the marks where even that word matters most. New postings
go to an in-memory delta that is folded into the frozen arrays on save::

    >>> p = TokenPostings()
    >>> p.add("w:bensu", 3, 0.9); p.add("w:bensu", 7, 0.4); p.add("w:kopi", 3, 0.02)
    >>> p.get("w:bensu")[0].tolist()
    [3, 7]
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class TokenPostings:
    """Key → (rows, dominance) postings; frozen CSR arrays plus a delta of recent additions.

    >>> p = TokenPostings(); p.add("s:jarum", 1, 0.8); p.freeze(alive=np.ones(2, dtype=bool)); len(p)
    1
    """

    def __init__(self) -> None:
        self._keys: dict[str, int] = {}
        self._offsets = np.zeros(1, dtype=np.int64)
        self._rows = np.zeros(0, dtype=np.int64)
        self._dom = np.zeros(0, dtype=np.float32)
        self._delta: dict[str, list[tuple[int, float]]] = {}

    def __len__(self) -> int:
        return len(self._keys) + sum(1 for k in self._delta if k not in self._keys)

    def add(self, key: str, row: int, dominance: float) -> None:
        lst = self._delta.setdefault(key, [])
        if lst and lst[-1][0] == row:  # the same word twice in one name: keep its strongest posting
            if lst[-1][1] < dominance:
                lst[-1] = (row, dominance)
            return
        lst.append((row, dominance))

    def get(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, dominance) of one key, most dominant first."""
        i = self._keys.get(key)
        if i is None:
            r, d = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        else:
            a, b = self._offsets[i], self._offsets[i + 1]
            r, d = self._rows[a:b], self._dom[a:b]
        extra = self._delta.get(key)
        if extra:
            er = np.fromiter((x[0] for x in extra), dtype=np.int64, count=len(extra))
            ed = np.fromiter((x[1] for x in extra), dtype=np.float32, count=len(extra))
            r, d = np.concatenate([r, er]), np.concatenate([d, ed])
            order = np.argsort(-d, kind="stable")
            r, d = r[order], d[order]
        return r, d

    def all_rows(self) -> np.ndarray:
        """Every posting's row (frozen part), e.g. to count postings per row."""
        return self._rows

    def freeze(self, alive: np.ndarray) -> None:
        """Fold the delta into the frozen arrays, dropping postings of removed marks."""
        if not self._delta and (len(self._rows) == 0 or bool(alive[self._rows].all())):
            return
        keys = list(self._keys) + [k for k in self._delta if k not in self._keys]
        rows_parts, dom_parts, offsets = [], [], [0]
        for key in keys:
            r, d = self.get(key)
            keep = alive[r]
            rows_parts.append(r[keep])
            dom_parts.append(d[keep])
            offsets.append(offsets[-1] + int(keep.sum()))
        self._keys = {k: i for i, k in enumerate(keys)}
        self._offsets = np.asarray(offsets, dtype=np.int64)
        self._rows = np.concatenate(rows_parts) if rows_parts else np.zeros(0, dtype=np.int64)
        self._dom = np.concatenate(dom_parts).astype(np.float32) if dom_parts else np.zeros(0, np.float32)
        self._delta = {}

    def write(self, path: str | os.PathLike) -> None:
        """Write the frozen arrays (call :meth:`freeze` first) to ``path`` as .npz and fsync it."""
        keys = np.asarray(list(self._keys), dtype=str) if self._keys else np.zeros(0, dtype="<U1")
        with open(path, "wb") as f:
            np.savez(f, keys=keys, offsets=self._offsets, rows=self._rows, dom=self._dom)
            f.flush()
            os.fsync(f.fileno())

    @classmethod
    def read(cls, path: str | os.PathLike | Path) -> TokenPostings:
        self = cls()
        with np.load(path, allow_pickle=False) as z:
            self._keys = {str(k): i for i, k in enumerate(z["keys"].tolist())}
            self._offsets, self._rows, self._dom = z["offsets"], z["rows"], z["dom"]
        return self
