"""Per-mark strings held packed, for the re-scoring of thousands of candidates a query.

An index keeps three strings per mark that every candidate's score reads (its core, its whole name without spaces
and its sound key). As a Python list, a million of them are a million objects spread over the heap, and gathering a
query's few thousand candidates touches each one (at 1M names about a tenth of a query's time). Packed, the ASCII
strings that fit `WIDTH` are rows of one numpy bytes array, gathered in one call and handed to rapidfuzz as
``bytes`` — which it compares with ``str`` by code point, so the scores are the same — and the rest (longer, or
not ASCII: the normaliser leaves ASCII letters and digits, so in practice the long ones) are kept as ``str`` beside
them. Measured at 1M names: p50 −11 % against lists, the same top 10 (memory about the same once loaded)::

    >>> col = StringColumn()
    >>> col.extend(["kopi", "kenangan", "kopí"])
    >>> col.take(np.array([1, 2, 0]))
    [b'kenangan', 'kopí', b'kopi']
    >>> col[1], len(col)
    ('kenangan', 3)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

WIDTH = 32
"""Bytes per packed string: 99.9 % of the cores and sound keys of 1M generated names, 99.2 % of their whole names."""
CHUNK = 100_000
"""Strings packed per step of :meth:`StringColumn.extend`."""


class StringColumn(Sequence[str]):
    """Strings by row: ASCII ones up to `WIDTH` packed in a numpy bytes array, others kept aside as ``str``.

    ``column[i]`` is always a ``str``; :meth:`take` gives many at once, the packed ones as ASCII ``bytes`` (for
    rapidfuzz, which scores ``bytes`` and ``str`` alike by code point).

    >>> col = StringColumn(["aqua", "x" * 40])
    >>> [type(s).__name__ for s in col.take(np.array([0, 1]))]
    ['bytes', 'str']
    """

    def __init__(self, strings: Iterable[str] = ()) -> None:
        self._packed = np.zeros(0, dtype=f"S{WIDTH}")
        self._other: dict[int, str] = {}  # row -> the string, for rows whose packed slot is empty
        self._is_other = np.zeros(0, dtype=bool)
        self.extend(strings)

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"row {i} is not in a column of {len(self)}")
        if self._is_other[i]:
            return self._other[i]
        return self._packed[i].decode("ascii")

    def extend(self, strings: Iterable[str]) -> None:
        """Append strings (one ``numpy.concatenate`` per call and `CHUNK` strings: add them in large batches)."""
        it = iter(strings)
        packed: list[np.ndarray] = []
        other: list[np.ndarray] = []
        while chunk := list(itertools.islice(it, CHUNK)):  # bounded temporaries: a load packs a million at once
            start = len(self) + sum(map(len, packed))
            # numpy drops a packed string's trailing NULs: such a string is kept aside, as one too long
            fits = np.fromiter((s.isascii() and len(s) <= WIDTH and not s.endswith("\0") for s in chunk), dtype=bool,
                               count=len(chunk))
            packed.append(np.array([s.encode("ascii") if ok else b"" for s, ok in zip(chunk, fits, strict=True)],
                                   dtype=f"S{WIDTH}"))
            other.append(~fits)
            self._other.update((start + i, chunk[i]) for i in np.flatnonzero(~fits).tolist())
        if packed:
            self._packed = np.concatenate([self._packed, *packed])
            self._is_other = np.concatenate([self._is_other, *other])

    def take(self, rows: np.ndarray) -> list[bytes | str]:
        """The strings of ``rows``, in order: packed ones as ASCII ``bytes``, the others as ``str``."""
        rows = np.asarray(rows, dtype=np.int64)
        out: list[bytes | str] = self._packed[rows].tolist()
        if self._other:
            for i in np.flatnonzero(self._is_other[rows]).tolist():
                out[i] = self._other[int(rows[i])]
        return out

    def at(self, rows: np.ndarray) -> ColumnRows:
        """The strings of ``rows`` as a sequence read only where asked (`ColumnRows`): a scorer that compares most of
        them in C (`packed`) reads the few it examines in Python.

        >>> StringColumn(["aqua", "kopí", "teh"]).at(np.array([2, 1])).take(np.array([1]))
        ['kopí']
        """
        return ColumnRows(self, np.asarray(rows, dtype=np.int64))

    @property
    def packed(self) -> np.ndarray:
        """The packed strings, one ``S{WIDTH}`` item per row (empty for a row kept aside: see `unpacked`)."""
        return self._packed

    def unpacked(self, rows: np.ndarray) -> np.ndarray:
        """Positions in ``rows`` of the rows whose strings are not packed (kept aside as ``str``).

        >>> StringColumn(["aqua", "x" * 40]).unpacked(np.array([1, 0, 1])).tolist()
        [0, 2]
        """
        if not self._other:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self._is_other[rows])

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The column as plain arrays, for ``numpy.savez`` (:meth:`from_arrays` reads them back).

        >>> StringColumn.from_arrays(StringColumn(["aqua", "kopí"]).to_arrays()).take(np.array([1, 0]))
        ['kopí', b'aqua']
        """
        rows = np.fromiter(self._other, dtype=np.int64, count=len(self._other))
        others = np.array([self._other[r] for r in rows.tolist()], dtype=str) if len(rows) else np.zeros(0, "<U1")
        return {"packed": self._packed, "other_rows": rows, "other_strings": others}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> StringColumn:
        column = cls()
        column._packed = arrays["packed"]
        column._is_other = np.zeros(len(column._packed), dtype=bool)
        column._is_other[arrays["other_rows"]] = True
        column._other = dict(zip(arrays["other_rows"].tolist(), arrays["other_strings"].tolist(), strict=True))
        return column

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]


class ColumnRows(Sequence[bytes | str]):
    """``column.take(rows)``, read only where asked: ``view[i]`` and ``view.take(positions)`` give what the whole
    ``take`` would have at those positions (packed strings as ASCII ``bytes``).

    >>> view = StringColumn(["aqua", "kopi"]).at(np.array([1, 0, 1]))
    >>> len(view), view[0], view.take(np.array([1, 2]))
    (3, b'kopi', [b'aqua', b'kopi'])
    """

    __slots__ = ("_column", "_rows")

    def __init__(self, column: StringColumn, rows: np.ndarray) -> None:
        self._column, self._rows = column, rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return self._column.take(self._rows[i])
        return self._column.take(self._rows[i : i + 1] if i >= 0 else self._rows[[i]])[0]

    def take(self, positions: np.ndarray) -> list[bytes | str]:
        """The strings at ``positions``, in order."""
        return self._column.take(self._rows[np.asarray(positions, dtype=np.int64)])

    def subset(self, positions: np.ndarray) -> ColumnRows:
        """The rows at ``positions``, still read on demand."""
        return ColumnRows(self._column, self._rows[np.asarray(positions, dtype=np.int64)])
