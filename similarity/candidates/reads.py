"""Stage 3c — what a check reads of its best candidates from the index's SQLite (their encoded names and marks),
remembered per index.

A row of a :class:`~similarity.store.index.MarkIndex` never changes: a changed mark gets a new row and rows are never
reused, so what one holds stays true for as long as that index object lives (a reload or a new generation is another
object, with its own memory). A check reads the encoded names of the ~40 candidates it re-reads and the marks of the
~30 it folds into brands, one SQLite query each; a served registry meets the same marks query after query (a popular
name, a common word), and those are then dict lookups. The memory is bounded (`REMEMBERED` rows per index)::

    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> idx = MarkIndex()
    >>> idx.add([Mark(id="1", name="Kopi Kenangan"), Mark(id="2", name="Janji Jiwa")])
    2
    >>> [c.core for c in codes_at(idx, np.array([1, 0]))], [m.id for m in marks_at(idx, [0, 0])]
    (['janjijiwa', 'kenangan'], ['1', '1'])
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ..text.encode import NameCode
from ..values import Mark

if TYPE_CHECKING:
    from ..store.index import MarkIndex

REMEMBERED = 20_000
"""Rows remembered per index and kind (encoded names, marks): a few hundred checks' worth of candidates, some tens of
MB; when full the memory starts over (the rows of the next checks fill it again)."""

T = TypeVar("T")
_memories: weakref.WeakKeyDictionary[MarkIndex, tuple[dict[int, NameCode], dict[int, Mark]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()  # creating an index's memory (the service answers checks on more than one thread)


def codes_at(index: MarkIndex, rows: Sequence[int] | np.ndarray) -> list[NameCode]:
    """``index.codes_at(rows)``, in order, the rows read before taken from memory."""
    return _read(_memory(index)[0], index.codes_at, rows)


def marks_at(index: MarkIndex, rows: Sequence[int] | np.ndarray) -> list[Mark]:
    """``index.marks_at(rows)``, in order, the rows read before taken from memory."""
    return _read(_memory(index)[1], index.marks_at, rows)


def _memory(index: MarkIndex) -> tuple[dict[int, NameCode], dict[int, Mark]]:
    memory = _memories.get(index)
    if memory is None:
        with _lock:
            memory = _memories.setdefault(index, ({}, {}))
    return memory


def _read(memory: dict[int, T], read: Callable[[Sequence[int]], list[T]], rows: Sequence[int] | np.ndarray) -> list[T]:
    wanted = rows.tolist() if isinstance(rows, np.ndarray) else [int(r) for r in rows]
    got = {r: v for r in wanted if (v := memory.get(r)) is not None}
    missing = list(dict.fromkeys(r for r in wanted if r not in got))
    if missing:
        fetched = dict(zip(missing, read(missing), strict=True))
        got.update(fetched)
        if len(memory) + len(fetched) > REMEMBERED:
            memory.clear()  # another thread may be reading it: its lookups then miss, and it reads SQLite
        memory.update(fetched)
    return [got[r] for r in wanted]
