"""Stage 4a — score names: sight, sound, meaning and the shared dominant element, with reasons.

Every factor is a rapidfuzz scorer over strings prepared once by :mod:`similarity.text.encode`, so the same
function scores the ~1,000 candidates of one query and, in the benchmark, every name of the registry::

    >>> from similarity.text.encode import encode_name
    >>> q = encode_name("Gudmilq")
    >>> f = score_names(q, [encode_name("Goodmilk")])
    >>> float(f.sound[0]) == 1.0
    True
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from rapidfuzz import fuzz, process

from ..ranked import best_first
from ..values import Reason
from .encode import NameCode

WHOLE_NAME_WEIGHT = 0.9
"""Sight of the whole name (generic words included) counts a little less than sight of its distinctive core."""
MIN_CONTAINED_CHARS = 4
"""A contained earlier mark (PROLEXUS ⊃ LEXUS) counts only from this length: 3 letters are inside too many words."""
CONTAINED_MIN_ALIGNMENT = 0.9
"""Containment needs the shorter name nearly whole inside the longer one; a loose alignment is just noise."""
CONTAINED_MIN_EXTRA = 2
"""…and the longer name must really be longer: two same-length names are compared as wholes, not as containment."""
DOMINANT_WEIGHT = 0.95
"""Taking the earlier mark's dominant word whole is strong evidence, but not the same as an identical name."""
PREFIX_SCORE = 0.85
"""Containment score when one core starts with the whole other one (measured: alias recall@10 0.68 → 0.705 with
random-pair tier rates unchanged, benchmarks/bench_names_real.py)."""
ELIDED_MIN_ALIGNMENT = 0.7
"""Alignment from which a near-contained name is tested for a vowel merged at the join (INDOQUA ⊃ AQUA: 75 %)."""
ELIDED_MIN_PREFIX = 3
"""Letters before the join: a word of its own (INDO), not an initial syllable (LO|QUA)."""
VOWELS = frozenset("aeiou")
_VOWEL_STARTS = VOWELS | {v.encode() for v in VOWELS}
PREFIX_MIN_REST = 3
"""A prefix ending inside a word must leave this many of its letters: MONO | BANK is an extension, KENANG | A is not
(KENANGA, a flower, merely starts like KENANG)."""
SHORT_CORE_CHARS = 5
"""Cores shorter than this (initials like PS, MS) are weak evidence alone: their sight, sound and meaning are
blended with the whole-name comparison in proportion to their length (PS GLOW must not equal PS FASHION)."""
WEAK_REASON_FLOOR = 0.4
"""Below `REASON_FLOOR` only the strongest factor is named, as a weak likeness, and only from this value."""
REASON_FLOOR = 0.65
"""A factor at or above this gives a reason in the output: just under the calibrated medium tier (0.66), so a match
rated medium or high always says why (tests/text/test_scoring.py keeps the two in step)."""


@dataclass(frozen=True)
class NameFactors:
    """Per-candidate name factors (arrays in 0..1, aligned with the candidates).

    ``dominant`` is the distinctiveness of the most distinctive word both names share (0 when they share none).
    """

    sight: np.ndarray
    sound: np.ndarray
    meaning: np.ndarray
    dominant: np.ndarray
    ratios: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    """The string ratios behind them (whole name, core, sound key, containment), as
    :func:`~similarity.text.evidence.string_ratios` gives them for a pair: the re-read takes its candidates' from
    here instead of comparing the same strings again (containment is exact where `score_strings` says)."""
    plain_sight: np.ndarray | None = None
    """Sight without containment (one name inside the other): exact for every candidate, where containment is computed
    only where it can rank (`score_strings`)."""

    @property
    def plain(self) -> np.ndarray:
        """The name score with its sight taken without containment: how alike the two whole names are."""
        return np.maximum.reduce([self._looks(), self.sound, self.meaning, self.dominant])

    def most_alike(self, top: int | None = None) -> np.ndarray:
        """Candidate positions by `plain`, best first; ties (a translated word gives every mark with that word's
        meaning 1.0) go to the names alike in sight and sound too: SHOE SPACE ~ SEPATU SPACE before SKY and LANGIT.
        With ``top``, only the first ``top`` of them (sorting only those whose `plain` can make the list).

        >>> one = np.ones(3, dtype=np.float32)
        >>> f = NameFactors(sight=np.array([0.2, 0.9, 0.4], np.float32), sound=0 * one, meaning=one, dominant=0 * one)
        >>> f.most_alike().tolist(), f.most_alike(2).tolist()
        ([1, 2, 0], [1, 2])
        """
        return best_first(self.plain, top, tiebreak=self._looks() + self.sound)

    def _looks(self) -> np.ndarray:
        return self.sight if self.plain_sight is None else self.plain_sight

    @property
    def name(self) -> np.ndarray:
        """The name score: a mark is similar if it is similar in sight, sound or meaning, or takes the dominant word."""
        return np.maximum.reduce([self.sight, self.sound, self.meaning, self.dominant])


def as_text(s: str | bytes) -> str:
    """A string from a packed column (:mod:`similarity.store.columns`: ASCII ``bytes``) as ``str``, for the few
    candidates whose text is examined in Python."""
    return s.decode("ascii") if isinstance(s, bytes) else s


def _cdist(q: str, choices: Sequence[str | bytes], scorer, floor: float = 0.0) -> np.ndarray:
    """``scorer(q, c) / 100`` for every choice; 0 below ``floor`` (which lets rapidfuzz stop early)."""
    if not choices:
        return np.zeros(0, dtype=np.float32)
    return process.cdist([q], choices, scorer=scorer, dtype=np.float32, workers=1, score_cutoff=100 * floor)[0] / 100.0


def containment(
    q: str,
    choices: Sequence[str | bytes],
    q_tokens: Sequence[str] | None = None,
    tokens_of: Callable[[int], Sequence[str]] | None = None,
    lengths: np.ndarray | None = None,
    ratios: np.ndarray | None = None,
    partial: Callable[[np.ndarray, float], np.ndarray] | None = None,
) -> np.ndarray:
    """How much one name contains the other (INDOQUA ⊃ AQUA, GOTO FINANCIAL ⊃ GOTO), scaled by length share.

    ``q_tokens`` and ``tokens_of(i)`` are the core words of ``q`` and of ``choices[i]`` (their concatenation is the
    core); with them a name that merely starts like the other is not read as its extension. ``lengths`` are the
    choices' lengths, when the caller has them already, and ``ratios`` their ``fuzz.ratio / 100`` with ``q`` (float32,
    `_cdist`'s): from those the alignment is skipped where it cannot reach `ELIDED_MIN_ALIGNMENT` (`_may_align`).
    ``partial(positions, floor)`` gives the alignments (``fuzz.partial_ratio / 100`` with ``q``, 0 below ``floor``,
    as `_cdist`) of the choices at ``positions`` when the caller computes them itself (an index's compiled ones)::

        >>> print(containment("mono", ["monobank"], ["mono"], lambda i: ["monobank"]))
        [0.85]
        >>> print(containment("kenang", ["kenangaelok"], ["kenang"], lambda i: ["kenanga", "elok"]).round(2))
        [0.77]
    """
    lq = len(q)
    if lengths is None:
        lengths = _lengths(choices)
    short = np.minimum(lengths, lq)
    long_ = np.maximum(np.maximum(lengths, lq), 1)
    share = 0.5 + 0.5 * short / long_
    # the alignment is needed only where containment can count: a shorter side of MIN_CONTAINED_CHARS letters and a
    # longer side CONTAINED_MIN_EXTRA letters longer (the partial ratio is the costliest scorer; at 1M names 28 % of
    # a query's candidates are skipped: the other's length, one letter off, or too short)
    part = np.zeros(len(lengths), dtype=np.float32)
    alignable = (short >= MIN_CONTAINED_CHARS) & (long_ - short >= CONTAINED_MIN_EXTRA)
    if ratios is not None:
        alignable &= _may_align(ratios, lengths + lq, short)
    aligned = np.flatnonzero(alignable)
    if partial is not None:
        part[aligned] = partial(aligned, ELIDED_MIN_ALIGNMENT)
    else:
        part[aligned] = _cdist(q, _take(choices, aligned), fuzz.partial_ratio, floor=ELIDED_MIN_ALIGNMENT)  # less: 0
    ok = (part >= CONTAINED_MIN_ALIGNMENT) & (long_ - short >= CONTAINED_MIN_EXTRA)
    out = np.where(ok, part * share, 0.0).astype(np.float32)
    # a name that begins with the other whole (MONO → MONOBANK, GOTO → GOTO FINANCIAL) is read as its extension;
    # only a fully contained shorter name can be a prefix, so only those few are looked at (one letter longer or
    # shorter: a prefix or not, without an alignment)
    one_off = (short >= MIN_CONTAINED_CHARS) & (long_ - short == 1)
    first = {q[:1], q[:1].encode()} if q.isascii() else {q[:1]}  # a column's strings may be bytes
    looked = np.flatnonzero((part >= 0.999) | one_off)
    for i, c in zip(looked.tolist(), _take(choices, looked), strict=True):  # read at once: choices may be on demand
        if c[:1] not in first:  # a prefix starts with the same letter: most one-off names do not
            continue
        c = as_text(c)
        if len(c) > lq:
            extends = c.startswith(q) and _cut_at_word(len(q), tokens_of(i) if tokens_of else (c,))
        else:
            extends = q.startswith(c) and _cut_at_word(len(c), q_tokens or (q,))
        if extends:
            out[i] = max(out[i], PREFIX_SCORE)
    # INDO + AQUA written INDOQUA: the earlier mark's first vowel merged into the vowel before it. Only names whose
    # alignment falls just short of containment can be such a merge, so only those few are looked at
    near = (part >= ELIDED_MIN_ALIGNMENT) & (part < CONTAINED_MIN_ALIGNMENT) & (short >= MIN_CONTAINED_CHARS)
    looked = np.flatnonzero(near & (long_ - short >= CONTAINED_MIN_EXTRA))
    for i, c in zip(looked.tolist(), _take(choices, looked), strict=True):
        if (q[:1] if lq < lengths[i] else c[:1]) not in _VOWEL_STARTS:  # the inner name must start so
            continue
        c = as_text(c)
        inner, outer = (q, c) if lq < len(c) else (c, q)
        if _merged_at_vowel(inner, outer):
            out[i] = max(out[i], (1.0 - 0.5 / len(inner)) * share[i])
    return out


def _may_align(ratios: np.ndarray, lensum: np.ndarray, short: np.ndarray) -> np.ndarray:
    """Whether the partial ratio of two strings can reach `ELIDED_MIN_ALIGNMENT`, from their Indel ratio (``ratios``,
    ``fuzz.ratio / 100``), the sum and the shorter of their lengths. rapidfuzz's partial ratio is the best Indel
    ratio of the shorter string with a piece of the longer one no longer than it, ``2 lcs / (short + piece)``; a
    piece has at most the whole strings' longest common subsequence ``L`` in common (read back from the ratio,
    ``2 L / lensum``: exact, the ratio's float32 error is far below ``1 / lensum``), so the best is at most
    ``2 L / (short + L)``; below the floor, rapidfuzz's answer is 0 (its cutoff), as it is for a string not aligned.

    >>> _may_align(np.array([2 * 2 / 14, 2 * 4 / 14], np.float32), np.array([14.0, 14.0]), np.array([5.0, 5.0]))
    array([False,  True])
    """
    lcs = np.rint(ratios.astype(np.float64) * lensum / 2)
    return 2 * lcs >= (ELIDED_MIN_ALIGNMENT - 1e-6) * (short + lcs)


def contained_words(core: str) -> list[str]:
    """The pieces of a query's core that a registered mark could be, whole, for `containment` to score it at least
    `REASON_FLOOR`: every prefix (a name that begins with the other is read as its extension, `PREFIX_SCORE`) and every
    inner piece long enough for its length share (PROLEXUS ⊃ LEXUS). The index looks them up as words, so that a mark
    contained in the query is a candidate though it shares too few trigrams with it to be nominated by them.

    >>> contained_words("prolexus")[:5], "lexus" in contained_words("prolexus")
    (['prol', 'prole', 'prolex', 'role', 'olex'], True)
    """
    n = len(core)
    longest = n - CONTAINED_MIN_EXTRA
    inner = max(MIN_CONTAINED_CHARS, math.ceil((2 * REASON_FLOOR - 1) * n - 1e-9))  # share 0.5 + 0.5 * short / long
    pieces = [core[:end] for end in range(MIN_CONTAINED_CHARS, longest + 1)]
    pieces += [core[start : start + size] for size in range(inner, longest + 1) for start in range(1, n - size + 1)]
    return list(dict.fromkeys(pieces))


def _merged_at_vowel(inner: str, outer: str) -> bool:
    """Whether ``outer`` is a word of at least `ELIDED_MIN_PREFIX` letters ending in a vowel, then ``inner`` without
    its own first vowel (INDO|QUA for AQUA), and possibly more.

    >>> _merged_at_vowel("aqua", "indoqua"), _merged_at_vowel("aqua", "loqua"), _merged_at_vowel("lexus", "alexus")
    (True, False, False)
    """
    if inner[0] not in VOWELS or len(inner) < MIN_CONTAINED_CHARS:
        return False
    at = outer.find(inner[1:], ELIDED_MIN_PREFIX)
    while at != -1:
        if outer[at - 1] in VOWELS:
            return True
        at = outer.find(inner[1:], at + 1)
    return False


def _cut_at_word(cut: int, words: Sequence[str]) -> bool:
    """Whether the longer name's words, glued, continue after ``cut`` letters with a word of their own: the cut
    falls between two words (GOTO | FINANCIAL) or leaves at least `PREFIX_MIN_REST` letters of the word it splits
    (MONO | BANK). KENANG | A ELOK is another word, KENANGA, that merely starts like KENANG."""
    end = 0
    for word in words:
        end += len(word)
        if end >= cut:
            return end == cut or end - cut >= PREFIX_MIN_REST
    return False


def score_strings(
    q: NameCode,
    cores: Sequence[str | bytes],
    compacts: Sequence[str | bytes],
    sounds: Sequence[str | bytes],
    concepts: Sequence[str],
    dominant: np.ndarray | None = None,
    core_tokens: Callable[[int], Sequence[str]] | None = None,
    *,
    core_lengths: np.ndarray | None = None,
    may_share: np.ndarray | None = None,
    rank: Callable[[np.ndarray], np.ndarray] | None = None,
    best: int = 0,
    ratios: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    partial: Callable[[np.ndarray, float], np.ndarray] | None = None,
) -> NameFactors:
    """Score one query against candidates given as parallel lists of their encoded strings.

    ``core_tokens(i)`` gives candidate ``i``'s core words; only a few candidates (those whose core starts with the
    query's whole core) are asked, to tell an extension (MONO → MONOBANK) from another word (KENANG → KENANGA).
    Without it each candidate core counts as one word. An index that knows more passes it: ``core_lengths``, the
    cores' lengths, and ``may_share``, the positions of the candidates that can share a concept with the query (a
    superset; only their ``concepts`` are read, so `concepts` may fetch on demand). The cores, whole names and sound
    keys may be ASCII ``bytes`` (an index's packed columns, :mod:`similarity.store.columns`): rapidfuzz scores them
    as the same ``str``.

    A caller that only ranks the candidates and keeps the ``best`` passes ``rank``, the monotone map from name scores
    to the ranking's scores (goods and status weights): containment, the costliest ratio, is then computed only for
    the candidates it could bring among the best (`_may_rank`); the others' sight lacks it (read only for the best).

    ``ratios`` are the whole-name, core and sound-key ratios (``fuzz.ratio / 100`` as float32, as `_cdist` gives
    them) when the caller computed them already (an index's compiled ratios over its packed columns,
    :func:`similarity.score.names.packed_ratios`): the whole names and sound keys are then not read at all, and the
    cores only where containment is examined (they may be a sequence with ``take``, read on demand); ``partial``,
    the cores' alignments with the query's as `containment` takes them (positions into ``cores``)."""
    if ratios is None:
        whole = _cdist(q.compact, compacts, fuzz.ratio)
        core = _cdist(q.core, cores, fuzz.ratio)
        sound_ratio = _cdist(q.sound, sounds, fuzz.ratio)
    else:
        whole, core, sound_ratio = ratios
    if core_lengths is None:
        core_lengths = _lengths(cores)
    w = _length_weight(q.core, cores, core_lengths)

    def core_weighted(x: np.ndarray) -> np.ndarray:
        return w * x + (1 - w) * whole

    sight = np.maximum(core_weighted(core), WHOLE_NAME_WEIGHT * whole)
    sound = core_weighted(sound_ratio)
    meaning = _meaning(q, concepts, whole, may_share)
    if dominant is None:
        dominant = np.zeros(len(cores), dtype=np.float32)
    dominant = DOMINANT_WEIGHT * np.asarray(dominant, dtype=np.float32)
    if rank is None or not 0 < best < len(cores):
        contained = containment(q.core, cores, q.core_tokens, core_tokens, core_lengths, core, partial)
    else:
        without = np.maximum.reduce([sight, sound, meaning, dominant])
        at = _may_rank(len(q.core), core_lengths, without, rank, best)
        contained = np.zeros(len(cores), dtype=np.float32)
        tokens_at = None if core_tokens is None else (lambda j: core_tokens(int(at[j])))
        partial_at = None if partial is None else (lambda positions, floor: partial(at[positions], floor))
        contained[at] = containment(q.core, _subset(cores, at), q.core_tokens, tokens_at, core_lengths[at], core[at],
                                    partial_at)
    return NameFactors(sight=np.maximum(sight, contained), sound=sound, meaning=meaning, dominant=dominant,
                       ratios=(whole, core, sound_ratio, contained), plain_sight=sight)


def _may_rank(
    query_len: int,
    lengths: np.ndarray,
    without: np.ndarray,
    rank: Callable[[np.ndarray], np.ndarray],
    best: int,
) -> np.ndarray:
    """Positions of the candidates whose containment could bring them among the ``best`` by ``rank`` of their name
    score: ``without`` is each name score without containment (a lower bound: the score takes the larger), and
    containment is at most the length share (`containment`: the aligned share, the merged vowel's fraction of it) or
    `PREFIX_SCORE` where one core can begin with the whole other. A candidate whose bound ranks below the ``best``-th
    lower bound stays below ``best`` candidates, whatever its containment: the best, in order, are the same.

    >>> _may_rank(6, np.array([6.0, 12.0, 3.0]), np.array([0.9, 0.2, 0.1], np.float32), lambda x: x, 1).tolist()
    [0]
    """
    short = np.minimum(lengths, query_len)
    long_ = np.maximum(np.maximum(lengths, query_len), 1)
    share = (0.5 + 0.5 * short / long_).astype(np.float32)
    bound = np.where((short >= MIN_CONTAINED_CHARS) & (long_ - short >= CONTAINED_MIN_EXTRA), share, 0)
    bound = np.where((short >= MIN_CONTAINED_CHARS) & (long_ - short >= 1), np.maximum(bound, PREFIX_SCORE), bound)
    bound = np.nextafter(bound.astype(np.float32), np.float32(2))  # a margin of one unit: rounding cannot cross it
    floor = rank(without)
    kth = np.partition(floor, len(floor) - best)[len(floor) - best]  # the best-th lower bound
    return np.flatnonzero(rank(np.maximum(without, bound)) >= kth)


def _length_weight(q: str, choices: Sequence[str | bytes], lengths: np.ndarray | None = None) -> np.ndarray:
    """How much a comparison of ``q`` with each choice counts on its own: 1 from `SHORT_CORE_CHARS` letters on the
    shorter side, less below (the rest is taken from the whole-name comparison)."""
    if lengths is None:
        lengths = _lengths(choices)
    return np.minimum(1.0, np.minimum(lengths, len(q)) / SHORT_CORE_CHARS)


def _lengths(choices: Sequence[str | bytes]) -> np.ndarray:
    """Lengths of the choices as float32 (read once per query: touching thousands of strings is not free)."""
    return np.fromiter(map(len, choices), dtype=np.float32, count=len(choices))


def _meaning(
    q: NameCode, concepts: Sequence[str], whole: np.ndarray, may_share: np.ndarray | None = None
) -> np.ndarray:
    """Meaning: how alike the concept strings are, for names that share at least one whole concept.

    Two names with no concept in common have no meaning in common: the fuzzy likeness of their concept strings
    would only be the spelling of two different words (FULL → ``kenyang`` is not KENANGAN), which sight already
    judges on the real spelling. The concept's length, not the spelling's, decides how much a short word counts
    (SUN = EL SOL through ``matahari`` is a whole word, not two initials).
    """
    out = np.zeros(len(concepts), dtype=np.float32)
    looked = np.arange(len(concepts)) if may_share is None else may_share
    texts = cast(Sequence[str], _take(concepts, looked))  # concepts are kept as str, never packed
    hit = np.flatnonzero(_sharing_a_word(q.concept.split(), texts))
    shared = looked[hit]
    if len(shared):
        picked = [texts[i] for i in hit.tolist()]
        w = _length_weight(q.concept, picked)
        out[shared] = w * _cdist(q.concept, picked, fuzz.token_sort_ratio) + (1 - w) * whole[shared]
    return out


class RowStrings(Sequence[str]):
    """``strings[rows[i]]``, fetched only when read: an index passes its candidates' concepts this way, and the
    meaning factor reads those of the few that can share a concept.

    >>> RowStrings(["a", "b", "c"], np.array([2, 0])).take(np.array([1, 0]))
    ['a', 'c']
    """

    def __init__(self, strings: Sequence[str], rows: np.ndarray) -> None:
        self._strings, self._rows = strings, rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        return self._strings[int(self._rows[i])]

    def take(self, positions: np.ndarray) -> list[str]:
        """The strings at `positions`, gathered in one C-level call."""
        rows = self._rows[positions].tolist()
        if len(rows) < 2:
            return [self._strings[r] for r in rows]
        return list(operator.itemgetter(*rows)(self._strings))


def _subset(strings: Sequence[str | bytes], positions: np.ndarray) -> Sequence[str | bytes]:
    """The strings at ``positions``: a sequence read on demand stays one (``subset``), others are taken."""
    subset = getattr(strings, "subset", None)
    return subset(positions) if subset is not None else _take(strings, positions)


def _take(strings: Sequence[str | bytes], positions: np.ndarray) -> Sequence[str | bytes]:
    take = getattr(strings, "take", None)  # RowStrings, or an index column's rows read on demand
    if take is not None:
        return take(positions)
    if len(positions) == len(strings):
        return strings  # all of them, in order
    return [strings[i] for i in positions.tolist()]


SHARING_SCAN_MIN = 100
"""From this many texts `_sharing_a_word` scans them joined with one regular expression; fewer are split one by one."""


def _sharing_a_word(words: Sequence[str], texts: Sequence[str]) -> np.ndarray:
    """Which of the space-separated ``texts`` contain one of ``words`` as a whole word, as a bool array.

    One regular-expression scan over the texts joined by newlines instead of a set per text: the candidates of
    one query run to thousands, and this is the only per-candidate Python work of the meaning factor.

    >>> _sharing_a_word(["sun"], ["sun coffee", "sunny", "the sun", ""]).tolist()
    [True, False, True, False]
    """
    hit = np.zeros(len(texts), dtype=bool)
    if not words or not texts:
        return hit
    if len(texts) < SHARING_SCAN_MIN:  # a pattern compiled for a few texts costs more than splitting them
        wanted = set(words)
        for i, text in enumerate(texts):
            if not wanted.isdisjoint(text.replace("\n", " ").split(" ")):
                hit[i] = True
        return hit
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[1], 1 + np.cumsum(lengths[:-1] + 1)])  # where each text starts in the joined string
    joined = "\n" + "\n".join(texts) + "\n"
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    # the word first and the character before it tested after: a look-behind at the start of the pattern makes the
    # scan try it at every position (5x slower). A word holds no space, so a match preceded by a letter cannot hide
    # one that starts after a space: the same matches
    found = [
        at for m in re.finditer(f"(?:{alternatives})(?=[ \n])", joined) if joined[(at := m.start()) - 1] in " \n"
    ]
    if found:
        hit[np.searchsorted(starts, found, side="right") - 1] = True
    return hit


def score_names(
    q: NameCode, candidates: Sequence[NameCode], dominant: np.ndarray | None = None
) -> NameFactors:
    """Score one query against encoded candidates (convenience form of :func:`score_strings`)."""
    return score_strings(
        q,
        [c.core for c in candidates],
        [c.compact for c in candidates],
        [c.sound for c in candidates],
        [c.concept for c in candidates],
        dominant,
        lambda i: candidates[i].core_tokens,
    )


def _show(tokens: Sequence[str]) -> str:
    return " ".join(tokens).upper()


def name_reasons(
    q: NameCode,
    m: NameCode,
    sight: float,
    sound: float,
    meaning: float,
) -> list[Reason]:
    """Plain Indonesian and English reasons for one pair's string likenesses, strongest first (the words shared and
    the conflict likelihood are explained by :func:`similarity.verdict.model.explain`)."""
    out: list[tuple[float, Reason]] = []
    qs, ms = _show(q.tokens), _show(m.tokens)
    if sight >= REASON_FLOOR:
        if q.compact == m.compact:
            r = Reason("sight", f"nama sama: {qs} = {ms}", f"same name: {qs} = {ms}")
        elif q.core and m.core and (q.core in m.core or m.core in q.core) and q.core != m.core:
            # name what is really inside: the whole shorter name when it is, else its core without the generic
            # words (KOPI KENANG is inside KOPI KENANGAN, but inside KENANGA ELOK ASRI only KENANG is)
            short, long_, outer = (q, m, ms) if len(q.core) < len(m.core) else (m, q, qs)
            inner = _show(short.tokens) if short.compact in long_.compact else _show(short.core_tokens)
            r = Reason("sight", f"{outer} memuat {inner}", f"{outer} contains {inner}")
        elif q.core and m.core and _merged_at_vowel(*sorted((q.core, m.core), key=len)):  # shorter inside longer
            outer, inner = (ms, qs) if len(q.core) < len(m.core) else (qs, ms)
            r = Reason("sight", f"{outer} memuat {inner} (huruf vokal di sambungan melebur)",
                       f"{outer} contains {inner} (the vowels at the join merged)")
        else:
            r = Reason(
                "sight",
                f"tampilan/ejaan mirip: {qs} ~ {ms} ({sight:.0%})",
                f"looks alike: {qs} ~ {ms} ({sight:.0%})",
            )
        out.append((sight, r))
    if sound >= REASON_FLOOR and sound > sight + 0.02:
        out.append((sound, Reason("sound", f"bunyi mirip: {qs} ~ {ms}", f"sounds alike: {qs} ~ {ms}")))
    if meaning >= REASON_FLOOR and meaning > max(sight, sound) + 0.02:
        pairs = [
            f"{a.upper()} = {b.upper()}"
            for a, ca, _ in q.words()
            for b, cb, _ in m.words()
            if ca == cb and a != b
        ]
        ev = ", ".join(dict.fromkeys(pairs)) or f"{qs} ~ {ms}"
        out.append((meaning, Reason("meaning", f"arti sama: {ev}", f"same meaning: {ev}")))
    if not out:  # a low-tier match still says which likeness put it on the list, and that it is weak
        factor, value = max((("sight", sight), ("sound", sound), ("meaning", meaning)), key=lambda x: x[1])
        if value >= WEAK_REASON_FLOOR:
            id_word, en_word = {"sight": ("ejaan", "spelling"), "sound": ("bunyi", "sound"),
                                "meaning": ("arti", "meaning")}[factor]
            out.append((value, Reason(factor, f"sedikit mirip ({id_word}): {qs} ~ {ms} ({value:.0%})",
                                      f"slightly alike ({en_word}): {qs} ~ {ms} ({value:.0%})")))
    out.sort(key=lambda x: -x[0])
    return [r for _, r in out]
