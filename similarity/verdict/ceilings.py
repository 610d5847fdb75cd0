"""Stage 5c — ceilings on the learned score where the examiner's rule says a likeness cannot be a likely conflict.

The learned model (:mod:`similarity.verdict.model`) gives each re-read pair a conflict probability. Two kinds of
pair it overrates, because its labelled pairs hold few of them, are capped here, the same way for a check and for a
sweep's mentions (DOMAIN.md §8); a famous mark's name is never capped:

- every word the names share is weak in the goods compared, while a word of one is not met in the other
  (`weak_only`): at most "low" (`WEAK_ONLY`);
- they share only everyday words, while one has a distinctive word of its own (`own_words`): at most "medium"
  (`OWN_WORD`), with a reason that says so (`own_word_reason`).

    >>> from similarity.text.encode import encode_name
    >>> from similarity.verdict.model import rescore_fields
    >>> q, marks = encode_name("Outfit Store"), [encode_name("Outfit")]
    >>> prob, fields = rescore_fields(q, marks, [()], (25,), lambda word, goods: 0.15)
    >>> capped, own = cap(prob, q, marks, fields, [()], (25,), lambda word, goods: 0.15, np.zeros(1, dtype=bool))
    >>> float(capped[0]) <= WEAK_ONLY, own
    (True, {})
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ..text.encode import NameCode
from ..text.evidence import FEATURES, WordMatch, rarity
from ..text.weights import FUNCTION_CAP
from ..values import Reason
from .model import WEAK_WORD, goods_compared

WEAK_ONLY = 0.25
"""The most a name's conflict probability may be when every word it shares with the mark is weak in the goods
compared (lighter than `WEAK_WORD`: a generic word for those goods, an honorific, a number) and the
names are not the same: "low" (under the calibrated medium, 0.31). The examiner's rule calls such a pair *no*
("they share only generic or descriptive words", DOMAIN.md §8), yet the learned score put 7 of the 113 query-level
"high" verdicts of a blind-judged sample there (OUTFIT and a generic word ~ OUTFIT in class 25: 0.83; CASH MONEY ~
CASH in 36: 0.84; 36,6 ~ SIX: 0.72), six of them judged *no*: its labelled pairs hold few marks that are a generic word
alone."""
OWN_WORD = 0.6
"""The most a name's conflict probability may be when the two names share only everyday words and one has a
distinctive word of its own the other lacks (`own_words`: WIRYO STAR ~ STAR): "medium", worth a look,
not "high". Of the blind-judged query-level highs of real names, the 5 such were all *no*."""

_SHARED_DISTINCTIVE = FEATURES.index("shared_distinctive")


def weak_only(
    query: NameCode, marks: Sequence[NameCode], fields: Sequence[tuple], weigh: Callable[[str, int], float],
) -> np.ndarray:
    """Which pairs (``rescore_fields``' evidence of ``query`` with each of ``marks``) share words, every one of them
    weak in the goods compared (the heaviest under `WEAK_WORD`), while a word of one name is not found in the other:
    a likeness that rests on generic words alone (OUTFIT STORE ~ OUTFIT in clothing, CASH MONEY ~ CASH in finance).
    Two names whose every word meets the other's are one name, however generic (MONEI MART ~ MONEY MART),
    and so are two that differ only by a letter, an article or an honorific (``weigh(concept, position)`` at most
    `FUNCTION_CAP`: KOPI BINTANG A ~ KOPI BINTANG).

    >>> from similarity.text.encode import encode_name
    >>> from similarity.verdict.model import rescore_fields
    >>> weigh = lambda word, goods: 0.15  # every word generic in the goods compared
    >>> q, marks = encode_name("Outfit Store"), [encode_name("Outfit"), encode_name("Outfitt Store")]
    >>> _, fields = rescore_fields(q, marks, [(), ()], (25,), weigh)
    >>> weak_only(q, marks, fields, lambda concept, at: 0.15).tolist()
    [True, False]
    """
    out = np.zeros(len(fields), dtype=bool)
    words = query.words()
    for i, (m, f) in enumerate(zip(marks, fields, strict=True)):
        shared = f[len(FEATURES)]
        if shared and f[_SHARED_DISTINCTIVE] < WEAK_WORD:
            out[i] = any(weigh(c, i) > FUNCTION_CAP for _, c in _unmet(words, m.words(), shared))
    return out


def _unmet(
    query_words: Sequence[tuple[str, str, str]], mark_words: Sequence[tuple[str, str, str]],
    shared: Sequence[WordMatch],
) -> Iterator[tuple[str, str]]:
    """(token, concept) of each word of either name that ``shared`` (the mark's words found in the query, and the
    query words that found them) does not hold: what one name has and the other lacks."""
    met_q, met_m = {s.other for s in shared}, {s.word for s in shared}
    for words, met in ((query_words, met_q), (mark_words, met_m)):
        for t, c, _ in words:
            if t not in met:
                yield t, c


EVERYDAY = 0.5
"""A word with a `rarity` under this is an everyday English or Indonesian word (STAR, FLOWER, LIFE: Zipf 3 or more);
from it a word is a coinage or a name (WIRYO, LOTOS), as `text.imitation.COINED` reads it."""


def own_words(
    query: NameCode, marks: Sequence[NameCode], fields: Sequence[tuple],
    weigh: Callable[[str, int], float],
) -> list[tuple[str, ...]]:
    """Per pair, the distinctive words one name has of its own when the two share only everyday words (empty: not
    such a pair): a coinage or name (`rarity` from `EVERYDAY`), three letters or more, not weak in the goods compared
    (``weigh(concept, position)``, the position's goods, at least `WEAK_WORD`) that the other name lacks — WIRYO in
    WIRYO STAR ~ STAR. The examiner's rule says *yes* when one name contains the other's distinctive element "with
    only generic words added"; here the word added is a distinctive element of its own, so the shared dictionary
    word alone does not make a likely conflict.

    >>> from similarity.text.encode import encode_name
    >>> from similarity.verdict.model import rescore_fields
    >>> q, marks = encode_name("Wiryo Star"), [encode_name("Star"), encode_name("Wiryo Stars")]
    >>> _, fields = rescore_fields(q, marks, [(), ()], (39,), lambda word, goods: 1.0)
    >>> own_words(q, marks, fields, lambda concept, at: 1.0)
    [('wiryo',), ()]
    """
    out: list[tuple[str, ...]] = []
    words = query.words()
    for i, (m, f) in enumerate(zip(marks, fields, strict=True)):
        shared = f[len(FEATURES)]
        if not shared or any(rarity(s.word) >= EVERYDAY or rarity(s.other) >= EVERYDAY for s in shared):
            out.append(())
            continue
        out.append(tuple(dict.fromkeys(t for t, c in _unmet(words, m.words(), shared)
                                       if len(t) >= 3 and rarity(t) >= EVERYDAY and weigh(c, i) >= WEAK_WORD)))
    return out


def own_word_reason(words: Sequence[str], shared: Sequence[WordMatch], probability: float) -> Reason:
    """Why a pair `own_words` found is not "high": the distinctive words of its own, and the everyday words shared.

    >>> own_word_reason(["wiryo"], [WordMatch("star", "star", "sight", 1.0)], 0.6).en[:60]
    'WIRYO is a distinctive word only one of the names has; they '
    """
    own = ", ".join(w.upper() for w in words)
    common = ", ".join(dict.fromkeys(s.word.upper() for s in shared))
    return Reason("name",
                  f"{own} adalah unsur pembeda yang hanya ada pada salah satu nama; yang sama hanya kata sehari-hari "
                  f"{common}; peluang konflik {probability:.0%}",
                  f"{own} is a distinctive word only one of the names has; they share only the everyday word "
                  f"{common}; conflict likelihood {probability:.0%}")


def cap(
    prob: np.ndarray, query: NameCode, marks: Sequence[NameCode], fields: Sequence[tuple],
    mark_classes: Sequence[Sequence[int]], query_classes: Sequence[int],
    distinctiveness: Callable[[str, Sequence[int]], float], famous: np.ndarray,
) -> tuple[np.ndarray, dict[int, tuple[str, ...]]]:
    """``prob`` (the learned probability of ``query`` with each of ``marks``, `rescore_fields`' answer for the same
    classes and ``distinctiveness``) with both ceilings applied where the mark is not ``famous``, and by position the
    distinctive words of the pairs `OWN_WORD` capped (for their reason). A word weighs in the goods its pair compares
    (`goods_compared`), as it did for the model."""
    goods = goods_compared(mark_classes, query_classes)

    def weigh(concept: str, at: int) -> float:
        return distinctiveness(concept, goods[at])

    out = np.array(prob, dtype=np.float64, copy=True)
    plain = ~np.asarray(famous, dtype=bool)
    weak = weak_only(query, marks, fields, weigh) & plain
    out[weak] = np.minimum(out[weak], WEAK_ONLY)
    own = {k: w for k, w in enumerate(own_words(query, marks, fields, weigh)) if w and plain[k]}
    at = np.fromiter(own, dtype=np.int64, count=len(own))
    out[at] = np.minimum(out[at], OWN_WORD)
    return out, own
