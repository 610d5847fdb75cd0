"""Stage 4b — the evidence of one name pair, as the features the learned conflict model reads.

The first-pass factors (:mod:`similarity.text.score`) are ratios of whole strings, each with paths to 0.9 on nonsense:
a two-letter mark "sounding like" a piece of a longer name, an honorific translated, one weak word shared. An
examiner looks at words instead (DOMAIN.md §8): is the *distinctive* element of one mark found, whole or nearly,
in the other, and is what is left only generic? This module answers that per pair, for the few dozen candidates the
first pass ranked highest::

    >>> from similarity.text.encode import encode_name
    >>> weigh = lambda word: {"bapak": 0.05, "bakso": 0.15, "geprek": 0.15, "i": 0.05, "am": 0.05}.get(word, 1.0)
    >>> e = pair_evidence(encode_name("Bakso Pak Kumis"), encode_name("Pak Mail"), weigh, weigh)
    >>> round(e.mark_cover, 2), round(e.query_cover, 2)    # only the honorific is shared
    (0.05, 0.04)
    >>> e = pair_evidence(encode_name("Geprek Bensu Sedep"), encode_name("I Am Geprek Bensu"), weigh, weigh)
    >>> e.dominant_match, e.mark_dominant     # the mark's distinctive word is found whole
    (1.0, 'bensu')
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio
from wordfreq import get_frequency_dict, zipf_frequency

from .encode import NameCode
from .phonetic import indonesian_key
from .score import SHORT_CORE_CHARS, _merged_at_vowel, containment
from .weights import is_honorific

NEAR_SPELLING = 0.8
"""Two words spelled this alike (one letter in five) count as the same word, from `NEAR_MIN_CHARS` letters."""
NEAR_MIN_CHARS = 4
SOUND_MIN_CHARS = 3
"""A sound key shared by two words of fewer letters is a coincidence (PAK ~ PAC, TEH ~ TECH are other words)."""
RULE_WEIGHT, RULE_RARITY = 0.5, 0.4
"""The examiner's rule (DOMAIN.md §8) as one feature: *yes* when the distinctive part is identical, when the mark's
dominant word (at least this distinctive, and a coinage or most of the mark) is found whole, or when all of the
mark's distinctive weight is found (a whole translation: SUN COFFEE = KOPI MATAHARI)."""
COMMON_ZIPF = 6.0
"""Zipf frequency at which a word counts as wholly everyday (``the`` is 7.7, ``garden`` 4.8, ``rover`` 3.8)."""
MATCH_SAME, MATCH_SOUND, MATCH_MEANING, MATCH_GLUED, MATCH_NEAR_SOUND = 1.0, 0.95, 0.9, 0.85, 0.85
"""How much a word of one mark is found in the other: spelled the same, sounding the same, meaning the same, or
whole inside a longer word (LEXUS in PROLEXUS)."""

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
    "shared_rarity",
    "mark_rarity",
    "examiner_rule",
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
    (17,)
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
    shared_rarity: float
    mark_rarity: float
    examiner_rule: float
    shared: tuple[WordMatch, ...] = ()
    mark_dominant: str = ""

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, f) for f in FEATURES], dtype=np.float64)

    @classmethod
    def empty(cls) -> PairEvidence:
        return cls(*([0.0] * len(FEATURES)))  # type: ignore[arg-type]  # every field a feature, 0.0


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """1 for an invented word (BENSU, UNILABS), falling to 0 for an everyday English or Indonesian one (GARDEN,
    CORNER, BINTANG): a shared dictionary word is weaker evidence than a shared coinage. From the Zipf frequency of
    ``wordfreq`` (its word lists ship in the wheel), the higher of English and Indonesian, over `COMMON_ZIPF`.

    >>> rarity("bensu"), rarity("garden") < 0.3
    (1.0, True)
    """
    if _unlisted(word):
        return 1.0  # what wordfreq says of a word in neither list (Zipf 0), without tokenizing it first
    if _PLAIN.fullmatch(word) is not None:  # one token, itself: its frequency read from the lists directly
        zipf = max(_listed_zipf(word, "en"), _listed_zipf(word, "id"))
    else:
        zipf = max(zipf_frequency(word, "en"), zipf_frequency(word, "id"))
    return max(0.0, 1.0 - zipf / COMMON_ZIPF)


def _listed_zipf(word: str, lang: str) -> float:
    """``zipf_frequency(word, lang)`` of a word `_unlisted` tells is one lower-case ASCII token: wordfreq's own steps
    for a single token (its frequency, at least the Zipf-0 minimum, rounded to 3 significant digits, then to the
    Zipf scale in hundredths) without its tokenizer, ~0.1 ms of a cold `rarity` (``tests/text/test_evidence_kernel.py``
    checks the two agree on a registry's vocabulary).

    >>> _listed_zipf("garden", "en") == zipf_frequency("garden", "en"), _listed_zipf("bensu", "en")
    (True, 0.0)
    """
    found = get_frequency_dict(lang, "best").get(word)
    freq = max(1.0 / (1.0 / found) if found else 0.0, _ZIPF_0)  # wordfreq combines a word's tokens' 1/f
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)


_ZIPF_0 = 10**0 / 1e9
"""wordfreq's frequency at Zipf 0 (``zipf_to_freq(0)``), the least it returns."""


def _unlisted(word: str) -> bool:
    """Whether ``word`` is one lower-case ASCII token that neither word list has: ``wordfreq`` tokenizes such a word
    into itself and gives an unknown token the frequency 0, i.e. Zipf 0 (``tests/test_evidence_kernel.py`` checks the
    shortcut against ``zipf_frequency`` on a registry's vocabulary). Most coined brand words are unlisted, and the
    tokenizer is the costly part of asking ``wordfreq`` (~0.1 ms a word)."""
    en, id_ = _word_lists()
    return _PLAIN.fullmatch(word) is not None and word not in en and word not in id_


@lru_cache(maxsize=1)
def _word_lists() -> tuple[dict[str, float], dict[str, float]]:
    """wordfreq's English and Indonesian frequency dicts, fetched once (its own cache hashes the arguments per call)."""
    return get_frequency_dict("en", "best"), get_frequency_dict("id", "best")


_PLAIN = re.compile(r"[a-z]+")


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
    if qc == mc and (qc != qt or mc != mt) and not is_honorific(qc):
        return "meaning", MATCH_MEANING
    # glued into a longer word: PRO|LEXUS, INDO|(A)QUA; the other way the longer word is only partly found — unless
    # the two words are near spellings anyway (KENANGA|N: one letter short is a near spelling, 0.93, not 0.74)
    if len(mt) >= NEAR_MIN_CHARS and len(qt) > len(mt) and (mt in qt or _merged_at_vowel(mt, qt)):
        return "sight", max(MATCH_GLUED, _near(qt, mt))
    if len(qt) >= NEAR_MIN_CHARS and len(mt) > len(qt) and (qt in mt or _merged_at_vowel(qt, mt)):
        return "sight", max(MATCH_GLUED * len(qt) / len(mt), _near(qt, mt))
    if short >= NEAR_MIN_CHARS:
        r = _near(qt, mt)
        if r:
            return "sight", r
        if len(qs) >= NEAR_MIN_CHARS and qs[0] == ms[0] and Levenshtein.distance(qs, ms) <= 1:
            return "sound", MATCH_NEAR_SOUND  # one sound apart: SUNNY ~ SONY
        if _sound_prefix(qs, ms):
            return "sound", MATCH_NEAR_SOUND
    return None


@lru_cache(maxsize=400_000)
def match_both(a: tuple[str, str, str], b: tuple[str, str, str]) -> tuple[tuple[str, float] | None, ...]:
    """``(word_match(a, b), word_match(b, a))`` in one pass: every test of `word_match` but the glued word's share
    and the near sound's length is the same both ways. A pure function of its words, so remembered: a registry's
    common words meet the same query words again and again.

    >>> match_both(("prolexus", "prolexus", "prolexus"), ("lexus", "lexus", "lexus"))
    (('sight', 0.85), ('sight', 0.53125))
    """
    at, ac, as_ = a
    bt, bc, bs = b
    if at == bt:
        return _SAME, _SAME
    la, lb = len(at), len(bt)
    short = min(la, lb)
    if as_ == bs and short >= SOUND_MIN_CHARS and len(as_) >= SOUND_MIN_CHARS:
        return _SOUND, _SOUND
    if ac == bc and (ac != at or bc != bt) and not is_honorific(ac):
        return _MEANING, _MEANING
    if lb >= NEAR_MIN_CHARS and la > lb and (bt in at or _merged_at_vowel(bt, at)):
        near = _near(at, bt)
        return ("sight", max(MATCH_GLUED, near)), ("sight", max(MATCH_GLUED * lb / la, near))
    if la >= NEAR_MIN_CHARS and lb > la and (at in bt or _merged_at_vowel(at, bt)):
        near = _near(at, bt)
        return ("sight", max(MATCH_GLUED * la / lb, near)), ("sight", max(MATCH_GLUED, near))
    if short >= NEAR_MIN_CHARS:
        r = _near(at, bt)  # the Indel ratio: the same both ways
        if r:
            return ("sight", r), ("sight", r)
        if as_ and bs and as_[0] == bs[0] and Levenshtein.distance(as_, bs) <= 1:
            return (_NEAR_SOUND if len(as_) >= NEAR_MIN_CHARS else None,
                    _NEAR_SOUND if len(bs) >= NEAR_MIN_CHARS else None)
        if _sound_prefix(as_, bs):
            return _NEAR_SOUND, _NEAR_SOUND
    return None, None


def _sound_prefix(a: str, b: str) -> bool:
    """One sound key is the other's opening, the longer two sounds at most beyond it, the shorter six or more: a
    name's last sounds dropped (MEKDONAL ~ MCDONALDS, heard MEKDONALDS)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= SOUND_PREFIX_MIN and len(long_) - len(short) <= 2 and long_.startswith(short)


SOUND_PREFIX_MIN = 6


def _near(a: str, b: str) -> float:
    """The Indel ratio of two words when they are near spellings (`NEAR_SPELLING`), else 0."""
    r = ratio(a, b) / 100.0
    return r if r >= NEAR_SPELLING else 0.0


_SAME, _SOUND, _MEANING = ("sight", MATCH_SAME), ("sound", MATCH_SOUND), ("meaning", MATCH_MEANING)
_GLUED, _NEAR_SOUND = ("sight", MATCH_GLUED), ("sound", MATCH_NEAR_SOUND)


Word = tuple[str, str, str]
Found = tuple[tuple[str, float] | None, str]
"""How a word is found in a name: the best `word_match` (None: not found) and the word of the name that gave it."""


def spaced_alike(words: Sequence[Word], other: Sequence[Word], everyday: bool = False) -> list[Word] | None:
    """``words`` with each two neighbours joined into one word where the other name writes them as one (COCA COLA ~
    COCA-COLA, SPARDA BANK ~ SPARDA-BANK) or as one word of their sound (KOKA KOLA ~ COCA-COLA), or None when no two
    are: a space or a hyphen is no difference in sight or sound, so the words compared are the other name's. Not
    joined: a connector or a one-letter piece (LONG & MCQUADE, & read as DAN, is not LONGDAN; BIKE S is not BIKES), a
    piece under three letters for a join by sound (PI NETWORK ~ FINETWORK), and two everyday words (HALF PRICE BOOKS ~
    HALFPRICE, ATLANTIC UNION BANK ~ UNIONBANK: what they share is as weak as the words, whichever way they are
    written) unless ``everyday``: the two names are the same but for spacing and generic words (KOPI JANJIJIWA ~
    JANJI JIWA).

    >>> spaced_alike([("coca", "coca", "koka"), ("cola", "cola", "kola"), ("jaya", "jaya", "jaja")],
    ...              [("cocacola", "cocacola", "kokakola")])
    [('cocacola', 'cocacola', 'kokakola'), ('jaya', 'jaya', 'jaja')]
    >>> spaced_alike([("koka", "koka", "koka"), ("kola", "kola", "kola")], [("cocacola", "cocacola", "kokakola")])
    [('kokakola', 'kokakola', 'kokakola')]
    >>> spaced_alike([("pi", "pi", "pi"), ("network", "network", "network")], [("finetwork", "finetwork", "pinetwork")])
    >>> spaced_alike([("es", "es", "es"), ("teh", "teh", "te")], [("kopi", "kopi", "kopi")]) is None
    True
    """
    if len(words) < 2 or not other:
        return None
    tokens = {o[0] for o in other if len(o[0]) >= NEAR_MIN_CHARS}
    if not tokens:
        return None
    sounds = {o[2] for o in other if len(o[0]) >= NEAR_MIN_CHARS}
    out: list[Word] = []
    joined = False
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            (t1, _, s1), (t2, _, s2) = words[i], words[i + 1]
            t = t1 + t2
            # the cheap tests first (a connector or a one-letter piece is never joined); the answer is the same
            if (
                _joinable(t1)
                and _joinable(t2)
                and (sound := s1 + s2 if t in tokens else _sound_join((t1, s1), (t2, s2), sounds))
                and (everyday or max(rarity(t1), rarity(t2)) >= EVERYDAY_RARITY)
            ):
                out.append((t, t, sound))
                joined = True
                i += 2
                continue
        out.append(words[i])
        i += 1
    return out if joined else None


CONNECTORS = frozenset({"dan", "and", "n", "of", "the", "de", "da", "di", "la", "el", "le", "y", "und", "et", "e"})
EVERYDAY_RARITY = 0.2
"""Two words each this everyday (`rarity` below it: HALF, PRICE, UNION, BANK) are not joined into a coinage."""


def _sound_join(first: tuple[str, str], second: tuple[str, str], sounds: set[str]) -> str:
    """The sound key of two words (token, sound key) written as one when it is one of the other name's words' (KOKA
    KOLA ~ COCA-COLA, HUK KOBURG ~ HUK-COBURG), each a syllable or more (PI NETWORK ~ FINETWORK sounds alike only
    through a two-letter piece) and each heard in it (FFF PLAZA sounds PLAJA: the Fs fold into the P); else ""."""
    (t1, s1), (t2, s2) = first, second
    if min(len(t1), len(t2)) < SOUND_MIN_CHARS:
        return ""
    sound = indonesian_key(t1 + t2) or t1 + t2  # as the encoder keys a word (`encode._token_forms`), remembered there
    return sound if sound in sounds and len(sound) > max(len(s1), len(s2)) else ""


def _joinable(token: str) -> bool:
    return (len(token) >= 2 or token.isdigit()) and " " not in token and token not in CONNECTORS


class QueryWords:
    """A query's words, and how each mark word and the query's words meet (both ways, `match_both`), remembered for
    the whole query: the re-read of a query's candidates asks about the same mark words (KOPI, JAYA, a shared
    coinage) over and over. `features` reads a mark against them (`pair_features`' answer, sooner).

    >>> from similarity.text.encode import encode_name
    >>> words = QueryWords(encode_name("Geprek Bensu"))
    >>> words.found(("bensu", "bensu", "bensu"))
    (('sight', 1.0), 'bensu')
    >>> words.features(encode_name("Bensu"), lambda concept: 1.0)[4:7]   # mark cover, query cover, dominant match
    (1.0, 0.5, 1.0)
    """

    __slots__ = ("code", "words", "found", "_rows", "_joins", "_joined")

    def __init__(self, code: NameCode, words: list[Word] | None = None) -> None:
        self.code = code
        self.words = code.words() if words is None else words
        self._rows: dict[Word, _Row] = {}  # mark word -> its `_Row` (filled with `found`)
        self.found: Callable[[Word], Found] = _FoundTable(self.words, self._rows).__getitem__
        """How the mark word ``word`` is found among the query's words: the best `word_match` (the first of equals)
        and the query word that gave it (a dict lookup once a word was met)."""
        self._joins: _Joins | None = None  # what `spaced_alike` could join, both ways (`_join_tests`, once)
        self._joined: dict[tuple[Word, ...], QueryWords] = {}  # the query's words joined for a mark, read once

    def found_in(self, word: Word, mark: Sequence[Word]) -> Found:
        """How the query word ``word`` (one of `words`) is found among a mark's words: the best match (the first of
        equals) and the mark word that gave it."""
        at = self.words.index(word)
        hit, by = None, ""
        rows, found = self._rows, self.found
        for o in mark:
            row = rows.get(o)
            if row is None:
                found(o)
                row = rows[o]
            h = row[2][at]
            if h is not None and (hit is None or h[1] > hit[1]):
                hit, by = h, o[0]
        return hit, by

    def features(
        self, m: NameCode, weigh: Callable[[str], float], ratios: tuple[float, float, float, float] | None = None
    ) -> tuple:
        """``pair_features(self.code, m, weigh, weigh, ratios, self)``, the same tuple, with less Python per mark:
        `spaced_alike` is asked only when some neighbouring pair of words could be joined (`_join_tests`: a join
        needs the other name to have the joined spelling or its sound key as a word), the two covers are read
        in line from each mark word's `_Row` (its match and its matches back, by the query word's place) instead
        of through `_cover` and `found_in`'s (mark word, query word) keys, and a mark word's `WordMatch` is made
        once per query. ``tests/text/test_evidence_kernel.py`` compares the two on random and real names."""
        q = self.code
        mw = m.words()
        qcore, mcore = q.core, m.core
        same = bool(qcore) and qcore == mcore
        joins = self._joins
        if joins is None:
            joins = self._joins = _join_tests(self.words)
        qwords = self
        pairs, tokens, sounds, longest = joins
        if pairs and mw and _may_join_query(pairs, mw):
            joined_q = spaced_alike(self.words, mw, same)
            if joined_q is not None:  # COCA COLA typed for COCA-COLA: the two words are the mark's one word
                key = tuple(joined_q)
                qwords = self._joined.get(key)  # type: ignore[assignment]
                if qwords is None:
                    qwords = self._joined[key] = QueryWords(q, joined_q)
        if len(mw) >= 2 and tokens and _may_join_mark(mw, tokens, sounds, longest):
            joined_m = spaced_alike(mw, self.words, same)
            if joined_m is not None:
                mw = joined_m
        whole, core_r, sound_r, contained = ratios if ratios is not None else string_ratios(q, [m])[0]
        short = min(len(qcore), len(mcore))
        w = min(1.0, short / SHORT_CORE_CHARS)
        core_sight = w * core_r + (1 - w) * whole
        core_sound = w * sound_r + (1 - w) * whole
        # the mark's words found in the query (`_cover(mw, qwords.found, weigh)`)
        rows, found_table = qwords._rows, qwords.found
        total, got = 0.0, 0.0
        best_w, dom, dom_word = -1.0, 0.0, ""
        dom_weight = 0.0
        shared: list[WordMatch] = []
        mark_rows = []
        for word in mw:
            weight = weigh(word[1])
            row = rows.get(word)
            if row is None:
                found_table(word)
                row = rows[word]
            strength = row[0]
            total += weight
            got += weight * strength
            if weight > dom_weight:
                dom_weight = weight
            if weight > best_w:
                best_w, dom, dom_word = weight, strength, word[0]
            if row[1] is not None:
                shared.append(row[1])
            mark_rows.append(row)
        mark_cover = got / total if total > 0 else 0.0
        mark_total = total
        dom_share = dom_weight / max(mark_total, 1e-9)
        # the query's words found in the mark's (`_cover(qw, lambda word: qwords.found_in(word, mw), weigh)`)
        total, got = 0.0, 0.0
        best_w, qdom = -1.0, 0.0
        for at, word in enumerate(qwords.words):
            weight = weigh(word[1])
            hit = None
            for row in mark_rows:
                h = row[2][at]
                if h is not None and (hit is None or h[1] > hit[1]):
                    hit = h
            strength = hit[1] if hit else 0.0
            total += weight
            got += weight * strength
            if weight > best_w:
                best_w, qdom = weight, strength
        query_cover = got / total if total > 0 else 0.0
        # `pair_features`' maxima and all() over the shared words, as loops (no generator per mark)
        distinctive, shared_rarity, meaning_only = 0.0, 0.0, 0.0
        if shared:  # the heaviest mark word found (a word's weight is the same at each of its places: once is enough)
            found_tokens = set()
            all_meaning = True
            for s in shared:
                found_tokens.add(s.word)
                if s.strength >= NEAR_SPELLING:
                    r = rarity(s.word)
                    if r > shared_rarity:  # rarity is 0 or more: the max with default 0
                        shared_rarity = r
                if s.kind != "meaning":
                    all_meaning = False
            meaning_only = float(all_meaning)
            heaviest = None
            for t, c, _ in mw:
                if t in found_tokens:
                    v = min(weigh(c), 1.0)
                    if heaviest is None or v > heaviest:
                        heaviest = v
            distinctive = 0.0 if heaviest is None else heaviest
        dom_rarity = rarity(dom_word) if dom_word else 0.0
        return _fields(q, m, (core_sight, core_sound, whole, contained), mark_cover, query_cover, dom, qdom,
                       distinctive, meaning_only, shared_rarity, dom_rarity, dom_weight, dom_share, shared, dom_word)


_Row = tuple[float, WordMatch | None, tuple[tuple[str, float] | None, ...]]
"""A mark word against a query's words: the strength it is found with (0: not found), its `WordMatch` (None: not
found) and how each query word is found in it, by the query word's place (`match_both`'s second answer)."""
_Joins = tuple[list[tuple[str, str | None, int]], set[str], set[str], int]
"""What `spaced_alike` needs of a query's words, both ways: its joinable neighbours (joined spelling, sound key of
the join or None when a piece is under `SOUND_MIN_CHARS`, the longer piece's sound length), and as the other name
its tokens and sound keys of `NEAR_MIN_CHARS` letters or more and the longest of those keys."""


def _join_tests(words: Sequence[Word]) -> _Joins:
    pairs: list[tuple[str, str | None, int]] = []
    for (t1, _, s1), (t2, _, s2) in zip(words, words[1:], strict=False):
        if _joinable(t1) and _joinable(t2):
            t = t1 + t2
            key = (indonesian_key(t) or t) if min(len(t1), len(t2)) >= SOUND_MIN_CHARS else None
            pairs.append((t, key, max(len(s1), len(s2))))
    tokens = {o[0] for o in words if len(o[0]) >= NEAR_MIN_CHARS}
    sounds = {o[2] for o in words if len(o[0]) >= NEAR_MIN_CHARS}
    return pairs, tokens, sounds, max((len(s) for s in sounds), default=0)


def _may_join_query(pairs: list[tuple[str, str | None, int]], mark: Sequence[Word]) -> bool:
    """Whether `spaced_alike(query words, mark)` may join a pair of the query's (``pairs``, `_join_tests`): only where
    a mark word of `NEAR_MIN_CHARS` letters or more is the joined spelling, or has the join's sound key and that key
    is longer than either piece's (`_sound_join`). False: it returns None."""
    for o in mark:
        if len(o[0]) >= NEAR_MIN_CHARS:
            for t, key, longer in pairs:
                if o[0] == t or (o[2] == key and len(key) > longer):  # type: ignore[arg-type]
                    return True
    return False


def _may_join_mark(mark: Sequence[Word], tokens: set[str], sounds: set[str], longest: int) -> bool:
    """Whether `spaced_alike(mark, query words)` may join a pair of the mark's: where the joined spelling is one of
    the query's ``tokens``, or the join's sound key one of its ``sounds`` and longer than either piece's (which the
    ``longest`` of them rules out without keying the join). False: it returns None."""
    for (t1, _, s1), (t2, _, s2) in zip(mark, mark[1:], strict=False):
        if t1 + t2 in tokens:
            return True
        longer = max(len(s1), len(s2))
        if longer < longest and min(len(t1), len(t2)) >= SOUND_MIN_CHARS:
            key = indonesian_key(t1 + t2) or t1 + t2
            if key in sounds and len(key) > longer:
                return True
    return False


class _FoundTable(dict):
    """`QueryWords.found` by mark word: each worked out once per query, then a dict lookup."""

    __slots__ = ("_words", "_rows")

    def __init__(self, words: Sequence[Word], rows: dict[Word, _Row]) -> None:
        super().__init__()
        self._words, self._rows = words, rows

    def __missing__(self, word: Word) -> Found:
        """Worked out once: the best match over the query's words, and each one's match back remembered in the
        word's `_Row` (for `QueryWords.found_in` and `QueryWords.features`)."""
        hit, by = None, ""
        backs = []
        for o in self._words:
            h, back = match_both(o, word)
            backs.append(back)
            if h is not None and (hit is None or h[1] > hit[1]):
                hit, by = h, o[0]
        got = self[word] = (hit, by)
        self._rows[word] = ((hit[1], WordMatch(word[0], by, hit[0], hit[1]), tuple(backs)) if hit
                            else (0.0, None, tuple(backs)))
        return got


def _cover(
    words: Sequence[Word], find: Callable[[Word], Found], weigh: Callable[[str], float]
) -> tuple[float, float, str, list[WordMatch], float, float]:
    """(weighted share of ``words`` found by ``find``, match of the heaviest word, that word, the matches, the
    heaviest word's weight, the total weight)."""
    total, found = 0.0, 0.0
    best_w, best_match, best_word = -1.0, 0.0, ""
    heaviest = 0.0
    matches: list[WordMatch] = []
    for w in words:
        weight = weigh(w[1])
        hit, by = find(w)
        strength = hit[1] if hit else 0.0
        total += weight
        found += weight * strength
        if weight > heaviest:
            heaviest = weight
        if weight > best_w:
            best_w, best_match, best_word = weight, strength, w[0]
        if hit:
            matches.append(WordMatch(w[0], by, hit[0], strength))
    return (found / total if total > 0 else 0.0), best_match, best_word, matches, heaviest, total


def pair_evidence(
    q: NameCode,
    m: NameCode,
    weigh_query: Callable[[str], float],
    weigh_mark: Callable[[str], float],
    ratios: tuple[float, float, float, float] | None = None,
    query_words: QueryWords | None = None,
) -> PairEvidence:
    """The evidence of one pair. ``weigh_*(concept)`` is a word's distinctiveness (0..1) in the goods compared;
    ``ratios`` are the pair's (whole-name, core, sound-key, containment) likenesses when the caller computed them
    for many marks at once (`string_ratios`); ``query_words`` the query's `QueryWords` when the caller reads many
    marks for one query (the answer is the same, sooner)."""
    return PairEvidence(*pair_features(q, m, weigh_query, weigh_mark, ratios, query_words))


def pair_features(
    q: NameCode,
    m: NameCode,
    weigh_query: Callable[[str], float],
    weigh_mark: Callable[[str], float],
    ratios: tuple[float, float, float, float] | None = None,
    query_words: QueryWords | None = None,
) -> tuple:
    """`pair_evidence`'s fields in order: the `FEATURES` values, then ``shared`` and ``mark_dominant`` (the model
    reads the first ``len(FEATURES)`` without a :class:`PairEvidence` being asked for each)."""
    qwords = query_words if query_words is not None and query_words.code is q else QueryWords(q)
    qw, mw = qwords.words, m.words()
    same = bool(q.core) and q.core == m.core
    joined_q, joined_m = spaced_alike(qw, mw, same), spaced_alike(mw, qw, same)
    if joined_q is not None:  # COCA COLA typed for COCA-COLA: the two words are the mark's one word
        qwords = QueryWords(q, joined_q)
        qw = qwords.words
    if joined_m is not None:
        mw = joined_m
    whole, core_r, sound_r, contained = ratios if ratios is not None else string_ratios(q, [m])[0]
    qcore, mcore = q.core, m.core
    short = min(len(qcore), len(mcore))
    w = min(1.0, short / SHORT_CORE_CHARS)
    core_sight = w * core_r + (1 - w) * whole
    core_sound = w * sound_r + (1 - w) * whole
    mark_cover, dom, dom_word, shared, dom_weight, mark_total = _cover(mw, qwords.found, weigh_mark)
    dom_share = dom_weight / max(mark_total, 1e-9)
    query_cover, qdom, _, _, _, _ = _cover(qw, lambda word: qwords.found_in(word, mw), weigh_query)
    distinctive = 0.0
    if shared:  # the heaviest mark word found (a word's weight is the same at each of its places: once is enough)
        tokens = {s.word for s in shared}
        distinctive = max((min(weigh_mark(c), 1.0) for t, c, _ in mw if t in tokens), default=0.0)
    strong = [s.word for s in shared if s.strength >= NEAR_SPELLING]
    meaning_only = float(bool(shared) and all(s.kind == "meaning" for s in shared))
    return _fields(q, m, (core_sight, core_sound, whole, contained), mark_cover, query_cover, dom, qdom,
                   distinctive, meaning_only, max((rarity(w) for w in strong), default=0.0),
                   rarity(dom_word) if dom_word else 0.0, dom_weight, dom_share, shared, dom_word)


def _fields(q: NameCode, m: NameCode, ratios: tuple[float, float, float, float], mark_cover: float,
            query_cover: float, dom: float, qdom: float, distinctive: float, meaning_only: float,
            shared_rarity: float, dom_rarity: float, dom_weight: float, dom_share: float,
            shared: Sequence[WordMatch], dom_word: str) -> tuple:
    """`PairEvidence`'s fields in order from what `pair_features` and `QueryWords.features` each measured: the
    length, first-letter and same-core features and the examiner's rule are derived here, once for both."""
    qcore, mcore = q.core, m.core
    short = min(len(qcore), len(mcore))
    return (
        *ratios,
        mark_cover,
        query_cover,
        dom,
        qdom,
        float(short <= 3),
        float(bool(qcore) and bool(mcore) and qcore[0] == mcore[0]),
        float(bool(qcore) and (qcore == mcore or (q.sound == m.sound and len(q.sound) >= 2))),
        distinctive,
        meaning_only,
        short / max(len(qcore), len(mcore), 1),
        shared_rarity,
        dom_rarity,
        float(
            (bool(qcore) and qcore == mcore)
            or (dom >= MATCH_GLUED and dom_weight >= RULE_WEIGHT
                and (rarity(dom_word) >= RULE_RARITY or dom_share >= 0.6))
            or (mark_cover >= 0.9 and dom_weight >= RULE_WEIGHT)
        ),
        tuple(shared),
        dom_word,
    )


def string_ratios(q: NameCode, marks: Sequence[NameCode]) -> list[tuple[float, float, float, float]]:
    """(whole name, core, sound key, containment) likeness of the query with each mark, each in 0..1, scored by
    rapidfuzz for all marks in one call each."""
    if not marks:
        return []

    def scores(a: str, bs: list[str]) -> np.ndarray:
        return process.cdist([a], bs, scorer=ratio, dtype=np.float32, workers=1)[0] / 100.0

    whole = scores(q.compact, [m.compact for m in marks])
    core = scores(q.core, [m.core for m in marks])
    sound = scores(q.sound, [m.sound for m in marks])
    contained = containment(q.core, [m.core for m in marks], q.core_tokens, lambda i: marks[i].core_tokens)
    return list(zip(whole.tolist(), core.tolist(), sound.tolist(), contained.tolist(), strict=True))
