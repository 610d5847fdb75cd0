"""Stage 4b — the evidence of one name pair, as the features the learned conflict model reads.

The first-pass factors (:mod:`similarity.text.score`) are ratios of whole strings, each with paths to 0.9 on nonsense:
a two-letter mark "sounding like" a piece of a longer name, an honorific translated, one weak word shared. An
examiner looks at words instead (DOMAIN.md §8): is the *distinctive* element of one mark found, whole or nearly,
in the other, and is what is left only generic? This module answers that per pair, for the few dozen candidates the
first pass ranked highest::

    >>> from similarity.text.encode import encode_name
    >>> weigh = lambda word: 0.05 if word in ("bapak",) else 1.0
    >>> e = pair_evidence(encode_name("Bakso Pak Kumis"), encode_name("Pak Mail"), weigh, weigh)
    >>> round(e.mark_cover, 2), round(e.query_cover, 2)    # only the honorific is shared
    (0.05, 0.05)
    >>> e = pair_evidence(encode_name("Geprek Bensu Sedep"), encode_name("I Am Geprek Bensu"), weigh, weigh)
    >>> e.dominant_match
    1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .encode import NameCode
from .score import SHORT_CORE_CHARS, containment
from .weights import is_honorific

NEAR_SPELLING = 0.8
"""Two words spelled this alike (one letter in five) count as the same word, from `NEAR_MIN_CHARS` letters."""
NEAR_MIN_CHARS = 4
SOUND_MIN_CHARS = 3
"""A sound key shared by two words of fewer letters is a coincidence (PAK ~ PAC, TEH ~ TECH are other words)."""
MATCH_SAME, MATCH_SOUND, MATCH_MEANING = 1.0, 0.95, 0.9
"""How much a word of one mark is found in the other: spelled the same, sounding the same, meaning the same."""

FEATURES: tuple[str, ...] = (
    "core_sight",
    "core_sound",
    "whole_sight",
    "containment",
    "mark_cover",
    "query_cover",
    "dominant_match",
    "query_dominant_match",
    "short_core",
    "first_letter",
    "same_core",
    "shared_distinctive",
    "meaning_only",
    "length_ratio",
)
"""The model's inputs, in order (each 0..1); `PairEvidence.vector` returns them."""


@dataclass(frozen=True, slots=True)
class WordMatch:
    """A word of one mark found in the other: which word, how (``sight``/``sound``/``meaning``), how strongly."""

    word: str
    other: str
    kind: str
    strength: float


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """What one query/mark pair shares, in the terms an examiner uses.

    ``mark_cover`` / ``query_cover``: the share of each name's distinctive weight (per-class IDF, generic words and
    honorifics weigh little) found in the other; ``dominant_match``: how well the mark's most distinctive word is
    found in the query (``query_dominant_match`` the other way); ``shared`` the words behind it.

    >>> PairEvidence.empty().vector().shape
    (14,)
    """

    core_sight: float
    core_sound: float
    whole_sight: float
    containment: float
    mark_cover: float
    query_cover: float
    dominant_match: float
    query_dominant_match: float
    short_core: float
    first_letter: float
    same_core: float
    shared_distinctive: float
    meaning_only: float
    length_ratio: float
    shared: tuple[WordMatch, ...] = ()
    mark_dominant: str = ""

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, f) for f in FEATURES], dtype=np.float64)

    @classmethod
    def empty(cls) -> PairEvidence:
        return cls(*([0.0] * len(FEATURES)))


def word_match(q: tuple[str, str, str], m: tuple[str, str, str]) -> tuple[str, float] | None:
    """How a mark word ``m`` is found in a query word ``q``, each as (token, concept, sound key).

    >>> word_match(("alfa", "alfa", "alfa"), ("alpha", "alpha", "alfa"))
    ('sound', 0.95)
    >>> word_match(("pak", "bapak", "pak"), ("father", "bapak", "fater")) is None   # an honorific is not translated
    True
    """
    qt, qc, qs = q
    mt, mc, ms = m
    if qt == mt:
        return "sight", MATCH_SAME
    short = min(len(qt), len(mt))
    if qs == ms and short >= SOUND_MIN_CHARS and len(qs) >= SOUND_MIN_CHARS:
        return "sound", MATCH_SOUND
    if qc == mc and qc != qt or qc == mc and mc != mt:
        if not is_honorific(qc):
            return "meaning", MATCH_MEANING
    if short >= NEAR_MIN_CHARS:
        r = ratio(qt, mt) / 100.0
        if r >= NEAR_SPELLING:
            return "sight", r
        r = ratio(qs, ms) / 100.0
        if r >= NEAR_SPELLING + 0.05 and Levenshtein.distance(qs, ms) <= 1:
            return "sound", r * MATCH_SOUND
    return None


def _words(code: NameCode) -> list[tuple[str, str, str]]:
    return list(zip(code.tokens, code.concept_tokens, code.sound_tokens, strict=True))


def _cover(
    words: Sequence[tuple[str, str, str]], other: Sequence[tuple[str, str, str]], weigh: Callable[[str], float]
) -> tuple[float, float, str, list[WordMatch]]:
    """(weighted share of ``words`` found in ``other``, match of the heaviest word, that word, the matches)."""
    total, found = 0.0, 0.0
    best_w, best_match, best_word = -1.0, 0.0, ""
    matches: list[WordMatch] = []
    for w in words:
        weight = weigh(w[1])
        hit = max((h for o in other if (h := word_match(o, w))), key=lambda h: h[1], default=None)
        strength = hit[1] if hit else 0.0
        total += weight
        found += weight * strength
        if weight > best_w:
            best_w, best_match, best_word = weight, strength, w[0]
        if hit:
            matches.append(WordMatch(w[0], next(o[0] for o in other if word_match(o, w) == hit), hit[0], strength))
    return (found / total if total > 0 else 0.0), best_match, best_word, matches


def pair_evidence(
    q: NameCode,
    m: NameCode,
    weigh_query: Callable[[str], float],
    weigh_mark: Callable[[str], float],
) -> PairEvidence:
    """The evidence of one pair. ``weigh_*(concept)`` is a word's distinctiveness (0..1) in the goods compared."""
    qw, mw = _words(q), _words(m)
    whole = ratio(q.compact, m.compact) / 100.0
    short = min(len(q.core), len(m.core))
    w = min(1.0, short / SHORT_CORE_CHARS)
    core_sight = w * ratio(q.core, m.core) / 100.0 + (1 - w) * whole
    core_sound = w * ratio(q.sound, m.sound) / 100.0 + (1 - w) * whole
    contained = float(containment(q.core, [m.core], q.core_tokens, lambda i: m.core_tokens)[0])
    mark_cover, dom, dom_word, shared = _cover(mw, qw, weigh_mark)
    query_cover, qdom, _, _ = _cover(qw, mw, weigh_query)
    distinctive = max((min(weigh_mark(c), 1.0) for t, c, _ in mw for s in shared if s.word == t), default=0.0)
    meaning_only = float(bool(shared) and all(s.kind == "meaning" for s in shared))
    return PairEvidence(
        core_sight=core_sight,
        core_sound=core_sound,
        whole_sight=whole,
        containment=contained,
        mark_cover=mark_cover,
        query_cover=query_cover,
        dominant_match=dom,
        query_dominant_match=qdom,
        short_core=float(short <= 3),
        first_letter=float(bool(q.core) and bool(m.core) and q.core[0] == m.core[0]),
        same_core=float(bool(q.core) and (q.core == m.core or (q.sound == m.sound and len(q.sound) >= 2))),
        shared_distinctive=distinctive,
        meaning_only=meaning_only,
        length_ratio=min(len(q.core), len(m.core)) / max(len(q.core), len(m.core), 1),
        shared=tuple(shared),
        mark_dominant=dom_word,
    )
