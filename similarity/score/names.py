"""Stage 4 — the name factors of candidate rows: sight, sound, meaning and the dominant word, from the stored strings.

The string ratios themselves are :func:`~similarity.text.score.score_strings`; this module hands it what the index
keeps per row (the packed strings, the cores' lengths, which rows can share a concept)::

    >>> from similarity.candidates.names import name_candidates
    >>> from similarity.store.index import MarkIndex
    >>> from similarity.text.encode import encode_name
    >>> from similarity.values import Mark
    >>> index = MarkIndex(); index.add([Mark(id="1", name="Aqua")])
    1
    >>> code = encode_name("Akwa")
    >>> rows, dom = name_candidates(index, code)
    >>> round(float(name_factors(index, code, rows, dom).sound[0]), 2)  # the same sound key
    0.9
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from ..text.encode import NameCode
from ..text.score import NameFactors, RowStrings, score_strings

if TYPE_CHECKING:
    from ..store.columns import StringColumn
    from ..store.index import MarkIndex

try:
    from . import _ratios  # the compiled ratio (setup.py); absent when the install had no C compiler
except ImportError:  # pragma: no cover - exercised by installs without a compiler
    _ratios = None  # type: ignore[assignment]

KERNEL = _ratios is not None and os.environ.get("SIMILARITY_NO_KERNEL", "") in ("", "0")
"""Whether `name_factors` compares the query with the candidates' packed strings in C (``similarity/score/_ratios.c``):
when it was built and ``SIMILARITY_NO_KERNEL`` is not set (``SIMILARITY_NO_KERNEL=1``: rapidfuzz over the strings
taken from the columns, the same numbers)."""
MAX_KERNEL_QUERY = 64
"""The compiled ratio takes a query of at most this many bytes (one 64-bit word of the bit-parallel LCS)."""


def name_factors(
    index: MarkIndex,
    code: NameCode,
    rows: np.ndarray,
    dominant: np.ndarray,
    *,
    rank: Callable[[np.ndarray], np.ndarray] | None = None,
    best: int = 0,
) -> NameFactors:
    """Sight, sound, meaning and dominant-word factors of `rows` for a query (`score_strings` with what the index
    knows already: the cores' lengths, and which rows can share a concept, from the token postings). With ``rank``
    and ``best``, exact for the ``best`` by ``rank`` of the name score (see `score_strings`)."""
    table = index.rows
    ratios = None
    partial = packed_alignments(index, code, rows)
    cores: Sequence[str | bytes]
    compacts: Sequence[str | bytes]
    sounds: Sequence[str | bytes]
    if partial is not None:  # the ratios in C over the packed columns: no string object per candidate
        ratios = tuple(packed_ratios(text, column, rows) for text, column in (
            (code.compact, table.compact), (code.core, table.core), (code.sound, table.sound)))
        cores, compacts, sounds = table.core.at(rows), table.compact.at(rows), table.sound.at(rows)
    else:
        cores, compacts, sounds = table.name_strings(rows)
    words = [index.postings.get("w:" + c)[0] for c in dict.fromkeys(code.concept.split())]
    may_share = np.zeros(0, dtype=np.int64)
    if words:  # a mask over the registry's rows: one scatter and one gather, where isin sorts both sides
        sharing = np.zeros(len(index.rows), dtype=bool)
        sharing[np.concatenate(words)] = True
        may_share = np.flatnonzero(sharing[rows])
    return score_strings(
        code,
        cores,
        compacts,
        sounds,
        RowStrings(index.rows.concept, rows),
        dominant,
        core_tokens_of(index, rows),
        core_lengths=index.rows.core_len[rows],
        may_share=may_share,
        rank=rank,
        best=best,
        ratios=ratios,  # type: ignore[arg-type]
        partial=partial,
    )


def packed_alignments(
    index: MarkIndex, code: NameCode, rows: np.ndarray
) -> Callable[[np.ndarray, float], np.ndarray] | None:
    """`~similarity.text.score.containment`'s ``partial`` for the candidates ``rows``: ``f(positions, floor)``, the
    partial ratios of their cores with the query's, compiled (`packed_partial_ratios`); None when the kernel cannot
    score this query (`kernel_fits`)."""
    if not kernel_fits(code):
        return None

    def partial(positions: np.ndarray, floor: float) -> np.ndarray:
        return packed_partial_ratios(code.core, index.rows.core, rows[positions], floor)

    return partial


def kernel_fits(code: NameCode, kernel: bool | None = None) -> bool:
    """Whether the compiled ratio can score this query (``kernel``: None for `KERNEL`): the kernel is built and the
    query's whole name, core and sound key are ASCII of at most `MAX_KERNEL_QUERY` bytes."""
    if not (KERNEL if kernel is None else kernel) or _ratios is None:
        return False
    return all(t.isascii() and len(t) <= MAX_KERNEL_QUERY for t in (code.compact, code.core, code.sound))


def packed_ratios(query: str, column: StringColumn, rows: np.ndarray) -> np.ndarray:
    """``fuzz.ratio(query, s) / 100`` (float32) for the string ``s`` of each of ``rows`` in ``column``, as
    ``rapidfuzz.process.cdist`` over ``column.take(rows)`` gives it: the compiled ratio over the packed strings,
    rapidfuzz for the few kept aside (long or not ASCII). ``query`` is ASCII of at most `MAX_KERNEL_QUERY` bytes.

    >>> from similarity.store.columns import StringColumn
    >>> packed_ratios("aqua", StringColumn(["akua", "aqua", "x" * 40]), np.array([1, 0, 2])).tolist()
    [1.0, 0.75, 0.0]
    """
    compiled = None if _ratios is None else _ratios.indel_ratios
    return _packed_scores(query, column, rows, compiled, fuzz.ratio, 0.0)


def packed_partial_ratios(query: str, column: StringColumn, rows: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """``fuzz.partial_ratio(query, s, score_cutoff=100 * floor) / 100`` (float32) for the string ``s`` of each of
    ``rows`` in ``column``, as `similarity.text.score.containment` computes its alignments with rapidfuzz: compiled
    over the packed strings, rapidfuzz for those kept aside. ``query`` as for `packed_ratios`.

    >>> from similarity.store.columns import StringColumn
    >>> column = StringColumn(["prolexus", "lesus", "x" * 40])
    >>> packed_partial_ratios("lexus", column, np.array([0, 1, 2]), 0.7).tolist()
    [1.0, 0.800000011920929, 0.0]
    """
    cutoff = 100 * floor
    compiled = None
    if _ratios is not None:
        kernel = _ratios.partial_ratios

        def compiled(q: bytes, packed: np.ndarray, width: int, at: np.ndarray) -> bytearray:
            return kernel(q, packed, width, at, cutoff)

    return _packed_scores(query, column, rows, compiled, fuzz.partial_ratio, cutoff)


def _packed_scores(
    query: str, column: StringColumn, rows: np.ndarray, compiled: Callable | None, scorer: Callable, cutoff: float
) -> np.ndarray:
    """``scorer(query, s, score_cutoff=cutoff) / 100`` (float32) for the string ``s`` of each of ``rows``: ``compiled``
    (a `_ratios` entry point, called with the query's bytes, the packed strings, their width and the rows) over the
    packed strings, rapidfuzz for the rows kept aside, or rapidfuzz over them all without the kernel."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    packed = column.packed
    if compiled is None or not packed.flags.c_contiguous:
        return _rapidfuzz_ratios(query, column.take(rows), scorer, cutoff) / 100.0
    out = np.frombuffer(compiled(query.encode("ascii"), packed, packed.dtype.itemsize, rows), dtype=np.float32)
    aside = column.unpacked(rows)
    if len(aside):
        out[aside] = _rapidfuzz_ratios(query, column.take(rows[aside]), scorer, cutoff)
    return out / 100.0


def _rapidfuzz_ratios(query: str, strings: list, scorer: Callable = fuzz.ratio, cutoff: float = 0.0) -> np.ndarray:
    """``scorer`` (0..100, float32; 0 below ``cutoff``) of ``query`` with each string (the column's own path, and its
    rows kept aside)."""
    if not strings:
        return np.zeros(0, dtype=np.float32)
    return process.cdist([query], strings, scorer=scorer, dtype=np.float32, workers=1, score_cutoff=cutoff)[0]


def core_tokens_of(index: MarkIndex, rows: np.ndarray) -> Callable[[int], tuple[str, ...]]:
    """``f(i)``: the core words of ``rows[i]``, read on demand (the scorers ask for a few candidates only)."""
    return lambda i: index.metadata.core_tokens(int(rows[i]))  # one column, not a whole NameCode: ~20 asks a query
