"""Stage 3b — the name candidates of a query: which stored marks are worth scoring, read from the index's postings.

Five sources, unioned (:func:`name_candidates`): the nearest n-gram signatures (FAISS, off by default), the marks
sharing the largest share of trigrams (:func:`gram_neighbours`, MaxScore-style over the trigram postings), the marks
sharing a word, sound key or translated concept with the query (the token postings, most dominant first), the
marks with a word the query's core contains whole, and the rows of a famous mark the query respells. The index
stores; this module only reads it::

    >>> from similarity.store.index import MarkIndex
    >>> from similarity.text.encode import encode_name
    >>> from similarity.values import Mark
    >>> index = MarkIndex()
    >>> index.add([Mark(id="1", name="Kopi Kenangan"), Mark(id="2", name="Janji Jiwa")])
    2
    >>> rows, dom = name_candidates(index, encode_name("Kopi Kenang"))
    >>> [index.ids[r] for r in rows]
    ['1']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..store.postings import sorted_unique
from ..text.encode import GRAM_FIELDS, NameCode, gram_keys, signatures
from ..text.imitation import imitated_words, imitations
from ..text.score import contained_words

if TYPE_CHECKING:
    from ..store.index import MarkIndex

try:
    from . import _grams  # the compiled count (setup.py); absent when the install had no C compiler
except ImportError:  # pragma: no cover - depends on the install
    _grams = None  # type: ignore[assignment]

KERNEL = _grams is not None and os.environ.get("SIMILARITY_NO_KERNEL", "") in ("", "0")
"""Whether `top_gram_rows` runs the compiled kernel (``similarity/candidates/_grams.c``): when it was built and
``SIMILARITY_NO_KERNEL`` is not set (``SIMILARITY_NO_KERNEL=1`` forces the numpy path, the same rows)."""

GRAM_SCAN_MIN = 30_000
GRAM_SCAN_SHARE = 10
"""Trigram postings read in full per query to nominate candidates: at least 30k, or a tenth of the registry, in equal
shares per field (`nominating_postings`). At 1M names, with each field's own share and the concept neighbours:
recall@10 0.9900 / 0.9907 / 0.9907 at a twelfth / tenth / eighth, p50 6.25 / 6.42 / 6.74 ms
(benchmarks/bench_names.py, 140 queries, alternating passes)."""
SEARCH_RATIO = 8
"""A trigram's postings longer than this many times the nominated rows are binary-searched, not gathered."""


def name_candidates(index: MarkIndex, code: NameCode) -> tuple[np.ndarray, np.ndarray]:
    """Rows worth re-scoring for a query name, with their dominant-word score (sorted by row).

    Five sources, unioned: the nearest n-gram signatures by exact Hamming distance (FAISS, off by default), the
    marks sharing the largest share of trigrams (`_gram_neighbours`), the marks that share an exact word, sound
    key or translated concept with the query (token index, most dominant first; for a concept in more marks than
    the cap, also those whose concept string is closest in length to the query's), the marks with a word the
    query's core contains whole (:func:`~similarity.text.score.contained_words`), and the rows of a famous mark the
    query respells (:func:`~similarity.text.imitation.imitations`).
    """
    k = min(index.params.name_candidates, index.signatures.ntotal)
    rows = np.zeros(0, dtype=np.int64)
    if k > 0:
        _, ids = index.signatures.search(signatures([code], index.params.signature_bits), k)
        rows = ids[0][ids[0] >= 0]
    rows = sorted_unique(np.concatenate([rows, gram_neighbours(index, code)]))  # np.union1d hashes: 5x slower
    cap = index.params.token_candidates
    tok_rows, tok_dom = [], []
    for key in code.keys:
        r, d = index.postings.get(key)
        keep = index.rows.alive[r]
        r, d = r[keep], d[keep]
        tok_rows.append(r[:cap])
        tok_dom.append(d[:cap])
        if len(r) > cap and key.startswith("w:"):
            # a common concept (MAS = brother: thousands of marks): beyond the most dominant, the marks whose
            # concept string is as long as the query's, the ones its meaning factor can rank high
            rest, rest_dom = r[cap:], d[cap:]
            if len(rest) > cap:
                near = np.argpartition(np.abs(index.rows.concept_len[rest] - len(code.concept)), cap)[:cap]
                rest, rest_dom = rest[near], rest_dom[near]
            tok_rows.append(rest)
            tok_dom.append(rest_dom)
    # marks whose word the query contains (PRAI in PRAICHAMRANG): the dominance of a word the query does not have
    # is 0, and containment decides their score
    own = set(code.keys)
    for key in ("w:" + piece for piece in contained_words(code.core)):
        if key not in own:
            r, _ = index.postings.get(key)
            if len(r):
                r = r[index.rows.alive[r]][:cap]
                tok_rows.append(r)
                tok_dom.append(np.zeros(len(r), dtype=np.float32))
    # the rows of a famous mark the query respells (HONDO: HONDA), which may share no word, sound key or trigram run
    for word in imitated_words(imitations(code)):
        r, _ = index.postings.get("w:" + word)
        if len(r):
            r = r[index.rows.alive[r] & index.rows.famous_at(r)][:cap]
            tok_rows.append(r)
            tok_dom.append(np.zeros(len(r), dtype=np.float32))
    tr = np.concatenate(tok_rows) if tok_rows else np.zeros(0, dtype=np.int64)
    td = np.concatenate(tok_dom) if tok_dom else np.zeros(0, dtype=np.float32)
    # best dominance per row: sort by (row, -dominance) and keep the first of each row
    order = np.lexsort((-td, tr))
    tr, td = tr[order], td[order]
    first = np.ones(len(tr), dtype=bool)
    first[1:] = tr[1:] != tr[:-1]
    tr, td = tr[first], td[first]
    all_rows = sorted_unique(np.concatenate([rows, tr]), runs=True)
    dom = np.zeros(len(all_rows), dtype=np.float32)
    dom[np.searchsorted(all_rows, tr)] = td
    keep = index.rows.alive[all_rows]
    return all_rows[keep], dom[keep]

def dominance(index: MarkIndex, code: NameCode, rows: np.ndarray) -> np.ndarray:
    """Exact dominant-word score of the given rows for a query (all postings, no caps)."""
    dom = np.zeros(len(rows), dtype=np.float32)
    if not len(rows):
        return dom
    for key in code.keys:
        r, d = index.postings.get(key)
        hit = np.isin(r, rows)
        if hit.any():
            pos = np.searchsorted(rows, r[hit])
            np.maximum.at(dom, pos, d[hit])
    return dom

def gram_neighbours(index: MarkIndex, code: NameCode) -> np.ndarray:
    """Rows sharing the largest share of trigrams with the query: the best Dice coefficient of any field, the
    ``index.params.gram_candidates`` best (ties by row ascending), returned by row ascending.

    Fields are compared apart (spelling, sound) because a name may look unlike a mark and still sound
    like it; the best field decides, as the name score takes the best of sight and sound.
    """
    keys = gram_keys(code)
    n_rows = index.gram_count.shape[1]
    if not keys or not n_rows:
        return np.zeros(0, dtype=np.int64)
    parts = sorted(((GRAM_FIELDS.index(k[0]), index.grams.get(k)) for k in keys), key=lambda p: len(p[1]))
    # MaxScore-style: the rarest trigrams (up to a postings budget) nominate candidates; the common ones
    # only add their count to those candidates.
    nominating = nominating_indices(parts, max(GRAM_SCAN_MIN, n_rows // GRAM_SCAN_SHARE))
    return top_gram_rows(parts, nominating, index.gram_count, index.params.gram_candidates)


def top_gram_rows(parts: Sequence[tuple[int, np.ndarray]], nominating: Sequence[int], gram_count: np.ndarray,
                  k: int, kernel: bool | None = None) -> np.ndarray:
    """The ``k`` rows of the best Dice coefficient over the fields, ties by row ascending, returned by row ascending
    (int64). ``parts`` are (field, postings) pairs (postings ascending, distinct), ``nominating`` the indices in
    ``parts`` of the lists whose rows are the candidates; the other lists only add to the candidates' counts.
    ``gram_count`` is the (fields, rows) number of trigrams of each field per row.

    >>> parts = [(0, np.array([1, 4])), (0, np.array([1, 2, 4])), (1, np.array([2, 3]))]
    >>> counts = np.array([[2, 1, 3, 0, 2], [0, 0, 1, 2, 0]], dtype=np.int16)
    >>> top_gram_rows(parts, [0, 2], counts, 2).tolist()  # Dice 2/3, 1/2, 1/3, 1/2: rows 2 and 4 tie, 2 is kept
    [1, 2]

    ``kernel`` picks the compiled count (True) or numpy's (False); None: `KERNEL`. The two give the same rows; the
    compiled one marks the candidates in a bitmap instead of a slot table of every row (tests/candidates).
    """
    if k <= 0 or not nominating:
        return np.zeros(0, dtype=np.int64)
    if KERNEL if kernel is None else kernel:
        if _grams is None:
            raise RuntimeError("the compiled trigram kernel is not built (pip install -e . builds it)")
        lists = [np.ascontiguousarray(p, dtype=np.int32) for _, p in parts]
        out = _grams.top_rows(lists, [f for f, _ in parts], list(nominating),
                              np.ascontiguousarray(gram_count, dtype=np.int16), k)
        return np.frombuffer(out, dtype=np.int64)
    q_count = np.bincount([f for f, _ in parts], minlength=len(gram_count))
    fields = np.flatnonzero(q_count).tolist()
    # Counting: a posting list shorter than a few times the nominated set is gathered through a dense slot
    # table (one lookup per posting; most miss, and are dropped before counting: bincount crawls when one bin
    # takes most increments); a longer one is binary-searched for the nominated rows instead. One gather and one
    # bincount per field.
    hit = sorted_unique(np.concatenate([parts[i][1] for i in nominating]), runs=True)
    n_hit = len(hit)
    slot = np.full(gram_count.shape[1], -1, dtype=np.int32)  # a fresh table measured faster than one kept and reset
    slot[hit] = np.arange(n_hit, dtype=np.int32)
    counts = np.zeros((len(gram_count), n_hit), dtype=np.int64)
    for f in fields:
        short = [p for g, p in parts if g == f and len(p) <= SEARCH_RATIO * n_hit]
        if short:
            at = slot[np.concatenate(short)]
            counts[f] = np.bincount(at[at >= 0], minlength=n_hit)
    for f, p in parts:
        if len(p) > SEARCH_RATIO * n_hit:
            pos = np.minimum(np.searchsorted(p, hit), len(p) - 1)
            counts[f] += p[pos] == hit
    # best Dice coefficient over the fields (a reduction across the short field axis is slow in numpy: a
    # running maximum over the fields' contiguous rows is several times faster), halved: only its order is used.
    # A field without query trigrams has no count and adds nothing.
    dice = np.zeros(n_hit)
    for f in fields:
        grams = gram_count[f][hit].astype(np.int32)  # int16 in memory; the sum below must not wrap
        np.maximum(dice, counts[f] / (int(q_count[f]) + grams), out=dice)
    if n_hit > k:
        # the k best, ties at the k-th value by row ascending (argpartition alone picks among them arbitrarily)
        kth = np.partition(dice, n_hit - k)[n_hit - k]
        keep = dice > kth
        keep[np.flatnonzero(dice == kth)[: k - int(keep.sum())]] = True
        hit = hit[keep]
    return hit.astype(np.int64)


def nominating_postings(parts: Sequence[tuple[int, np.ndarray]], budget: int) -> list[np.ndarray]:
    """The posting lists that nominate a query's trigram candidates: each field's rarest, up to an equal share of
    ``budget`` postings per field (at least one list each). ``parts`` are (field, postings) pairs, rarest first.

    A share per field, not the rarest lists overall: a name's rare spelling trigrams would otherwise use up the
    budget before the sound trigrams of the marks that only sound like it (POERI SHAYOONG ~ VOOSHAUNG share
    ``sja``, ``ung``: at 1M names recall@10 0.9843 → 0.9871 at the same cost, benchmarks/bench_names.py).

    >>> lists = [(0, np.arange(2)), (0, np.arange(3)), (1, np.arange(4)), (1, np.arange(9))]
    >>> [len(p) for p in nominating_postings(lists, 10)]
    [2, 3, 4]
    """
    return [parts[i][1] for i in nominating_indices(parts, budget)]


def nominating_indices(parts: Sequence[tuple[int, np.ndarray]], budget: int) -> list[int]:
    """`nominating_postings` as indices into ``parts``, field by field.

    >>> nominating_indices([(0, np.arange(2)), (1, np.arange(4)), (0, np.arange(3)), (1, np.arange(9))], 10)
    [0, 2, 1]
    """
    fields = sorted({f for f, _ in parts})
    share = budget / max(len(fields), 1)
    out = []
    for field in fields:
        total = 0
        for i, (f, p) in enumerate(parts):
            if f == field:
                if total and total + len(p) > share:
                    break
                total += len(p)
                out.append(i)
    return out
