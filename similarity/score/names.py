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

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..text.encode import NameCode
from ..text.score import NameFactors, RowStrings, score_strings

if TYPE_CHECKING:
    from ..store.index import MarkIndex


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
    cores, compacts, sounds = index.rows.name_strings(rows)
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
    )

def core_tokens_of(index: MarkIndex, rows: np.ndarray) -> Callable[[int], tuple[str, ...]]:
    """``f(i)``: the core words of ``rows[i]``, read on demand (the scorers ask for a few candidates only)."""
    return lambda i: index.metadata.core_tokens(int(rows[i]))  # one column, not a whole NameCode: ~20 asks a query
