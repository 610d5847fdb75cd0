"""Per-row facts the scoring of every candidate reads, computed once when a mark is indexed and read as arrays.

A query's candidates run to thousands; what the score needs of each beyond its name — is it a famous mark
(Art. 21(1)(b)/(c)), how much its status still counts — is looked up here by row number in one numpy gather, not
by building a :class:`~similarity.values.Mark` from the metadata per candidate. The fame of a row depends on the
famous-marks list it was computed with, so the file records that list's digest, and a loaded index whose list
differs from the installed one (or an older index without the file) recomputes it from the stored names::

    >>> facts = RowFacts()
    >>> facts.extend(["Indomie", "Kopi Senja", "TEH BOTOL SOSRO"])
    >>> facts.famous_at(np.array([2, 1, 0])).tolist()
    [True, False, True]
    >>> status_weights(np.array([0, 2, 3], dtype=np.int8)).tolist()
    [1.0, 0.30000001192092896, 0.20000000298023224]
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from ..famous import FAMOUS_MARKS_PATH, famous_key, famous_marks
from ..verdict.status import STATUS_WEIGHT

STATUS_CODES = {"registered": 0, "pending": 1, "expired": 2, "refused": 3}
"""How an index stores a mark's status (one int8 per row)."""
STATUS_NAMES = {v: k for k, v in STATUS_CODES.items()}
_STATUS_WEIGHT_BY_CODE = np.array([STATUS_WEIGHT[STATUS_NAMES[i]] for i in range(len(STATUS_NAMES))], dtype=np.float32)
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_DROP_NON_ALNUM = bytes(c for c in range(256) if c not in _ALNUM)


def status_weights(codes: np.ndarray) -> np.ndarray:
    """``STATUS_WEIGHT`` of each stored status code, as float32 (the same values as looking up the status names)."""
    return _STATUS_WEIGHT_BY_CODE[np.asarray(codes, dtype=np.intp)]


@lru_cache(maxsize=1)
def famous_list_digest() -> str:
    """Short SHA-256 of the installed famous-marks list (a stored fame array is valid for this list only)."""
    return hashlib.sha256(FAMOUS_MARKS_PATH.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _famous_keys() -> frozenset[str]:
    return frozenset(famous_key(m.name) for m in famous_marks())


def famous_flags(names: Iterable[str]) -> np.ndarray:
    """Whether each name is a famous mark (:func:`~similarity.famous.is_famous` is not None), as a bool array.

    An ASCII name's key is its lower case with everything but letters and digits dropped, done on bytes (about a
    tenth of :func:`~similarity.famous.famous_key`'s cost, which a million-name build would feel); any other name
    takes the full key (accents folded).

    >>> famous_flags(["KOPI-KAPAL API", "Hermès", "Kopi Senja", ""]).tolist()
    [True, True, False, False]
    """
    keys = _famous_keys()
    flags = []
    for name in names:
        key = name.lower().encode("ascii").translate(None, _DROP_NON_ALNUM).decode() if name.isascii() else (
            famous_key(name)
        )
        flags.append(key in keys)
    return np.asarray(flags, dtype=bool)


class RowFacts:
    """The per-row facts of an index, by row number (rows of removed marks keep theirs: rows are never reused).

    >>> facts = RowFacts(); facts.extend(["Aqua"]); len(facts)
    1
    """

    def __init__(self) -> None:
        self.famous = np.zeros(0, dtype=bool)
        self.arrays: dict[str, np.ndarray] = {}
        """Other per-row arrays the index keeps beside the fame (saved by `write`, so that loading an index reads
        them instead of deriving them from the metadata row by row); empty when not stored."""

    def __len__(self) -> int:
        return len(self.famous)

    def extend(self, names: Iterable[str]) -> None:
        """Add the facts of the next rows, given the marks' names in row order."""
        self.famous = np.concatenate([self.famous, famous_flags(names)])

    def famous_at(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of `rows` is a famous mark (bool array)."""
        return self.famous[rows]

    def write(self, path: str | os.PathLike, arrays: dict[str, np.ndarray] | None = None) -> None:
        """Write the facts, and `arrays` (per-row arrays named by the caller), to exactly `path` (an ``.npz``; the
        caller renames it into place atomically)."""
        buffer = io.BytesIO()
        extra = {f"array.{k}": v for k, v in (arrays or {}).items()}
        np.savez(buffer, famous=self.famous, famous_list=np.array(famous_list_digest()), **extra)
        with open(path, "wb") as f:
            f.write(buffer.getvalue())

    @classmethod
    def read(cls, path: str | os.PathLike | None, names: Iterable[str] | None, rows: int) -> RowFacts:
        """The facts of an index of `rows` rows from `path`; recomputed from `names` (every row's name, in order)
        when there is no file (an index saved before there were row facts), it does not cover every row, or its
        fame was computed with another famous-marks list than the installed one."""
        facts = cls()
        if path is not None:
            with np.load(path) as stored:
                facts.arrays = {k.removeprefix("array."): stored[k] for k in stored.files if k.startswith("array.")}
                if str(stored["famous_list"]) == famous_list_digest() and len(stored["famous"]) == rows:
                    facts.famous = stored["famous"].astype(bool, copy=False)
                    return facts
        if names is None:
            raise ValueError("the row facts must be recomputed — pass the names of every row")
        facts.famous = famous_flags(names)
        if len(facts) != rows:
            raise ValueError(f"{len(facts)} names for an index of {rows} rows — pass every row's name, in row order")
        return facts
