"""Distinctiveness of words, learned from the registry itself (DOMAIN.md §4).

A word that many marks in the same Nice class use ("kopi" in class 30) is weak there; a word few marks use
("bensu") is strong. The curated generic list caps words that the law treats as descriptive even when the
registry is small. Counts are per concept, so ``kopi`` and ``coffee`` pool together::

    >>> stats = TokenStats()
    >>> for _ in range(50):
    ...     stats.add(("kopi", "enak"), (30,))
    >>> stats.add(("bensu",), (30,))
    >>> stats.distinctiveness("bensu", (30,)) > 0.9 > stats.distinctiveness("kopi", (30,))
    True
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import CLASS_GENERIC_FILE, data_text, generic_words, load_lexicon

HALF_RATE = 0.002
"""A word used by 0.2 % of the marks of a class is half as distinctive as a unique word."""
PSEUDO_MARKS = 1000
"""Smoothing: a small class is treated as if it had this many more marks, so two uses in 50 marks is not 'generic'."""
GENERIC_CAP = 0.15
"""Curated generic and descriptive words never weigh more than this (Art. 20: they are refused on their own)."""
FUNCTION_WORDS = frozenset(
    [
        "dan",
        "the",
        "of",
        "di",
        "ke",
        "a",
        "an",
        "by",
        "for",
        "co",
        "i",
        "am",
        "my",
        "is",
        "its",  # IT'S SKIN ~ IT'S FASHION share only IT'S
        "your",
        "our",
        "&",
        "de",
        "la",
        "le",
        "el",
    ]
)
FUNCTION_CAP = 0.05
_NUMBER = re.compile(r"\d+(?:st|nd|rd|th)?")
"""A number standing alone, or an ordinal (99, 21, 5TH): weak in every class like a city name (DOMAIN.md §8), not the
dominant element of KOPI 99 or SAKS OFF 5TH. A number glued into a word (7ELEVEN, RINISHOP68) is part of it."""


@lru_cache(maxsize=1)
def honorific_concepts() -> frozenset[str]:
    """The honorifics and kinship words of ``data/generic_words.tsv`` (DOMAIN.md §8: in "Bakso Pak Kumis" the mark is
    KUMIS) and the concepts the lexicon files them under (``pak`` → ``bapak``): the statistics count concept tokens,
    so both forms weigh like function words and are never a mark's dominant element, nor translated."""
    lex = load_lexicon()
    words = {w for w, kind in generic_words().items() if kind == "honorific"}
    return frozenset(words | {lex.concept(w) or w for w in words})


@lru_cache(maxsize=1)
def generic_concepts() -> frozenset[str]:
    """The curated generic words and, for quality words, the concepts the lexicon files them under: the
    statistics weigh concepts, so SUPER is read as HEBAT ("great") and was weighed as a coinage wherever no registered
    mark says HEBAT (1.0 in class 34: SUPER JAYA ~ SUPER C came out high). Another kind's concept can be broader
    than the word (DEPOT is filed under GUDANG, of GUDANG GARAM; GLOW under KILAU), so only the word itself is
    generic there.

    >>> "hebat" in generic_concepts(), "super" in generic_concepts(), "gudang" in generic_concepts()
    (True, True, False)
    """
    lex = load_lexicon()
    words = generic_words()
    broad = {lex.concept(w) or w for w, kind in words.items() if kind == "quality"}
    return frozenset(set(words) | broad)


def is_honorific(token: str) -> bool:
    """Whether a token (or its concept) is an honorific or kinship word.

    >>> is_honorific("pak"), is_honorific("bapak"), is_honorific("kumis")
    (True, True, False)
    """
    return token in honorific_concepts()


@lru_cache(maxsize=1)
def _class_generic() -> dict[str, frozenset[int]]:
    lex = load_lexicon()
    out: dict[str, set[int]] = {}
    for row in csv.DictReader(io.StringIO(data_text(CLASS_GENERIC_FILE)), delimiter="\t"):
        classes = {int(c) for c in row["classes"].split(";")}
        for word in {row["word"], lex.concept(row["word"]) or row["word"]}:
            out.setdefault(word, set()).update(classes)
    return {w: frozenset(c) for w, c in out.items()}


def class_generic(word: str) -> frozenset[int]:
    """The Nice classes in which a (concept) word is generic (DOMAIN.md §8: "mart" for retail, "bank" for finance,
    "hotel" for accommodation), from ``data/class_generic_words.tsv``; the registry's per-class IDF learns the rest.

    >>> sorted(class_generic("mart")), sorted(class_generic("hotel")), class_generic("bensu")
    ([35], [43], frozenset())
    """
    return _class_generic().get(word, frozenset())


@lru_cache(maxsize=200_000)
def _word_kind(word: str) -> tuple[bool, bool, frozenset[int]]:
    """What `TokenStats.distinctiveness` needs of a word whatever the counts, asked once per word: (a function word,
    honorific or single letter — capped at `FUNCTION_CAP`; generic in every class — a curated generic word or
    concept (`generic_concepts`), or a number; the classes it is generic in).

    >>> _word_kind("dan"), _word_kind("99")[:2], _word_kind("mart")[2]
    ((True, False, frozenset()), (False, True), frozenset({35}))
    """
    function = word in FUNCTION_WORDS or word in honorific_concepts() or (len(word) == 1 and not word.isdigit())
    generic = word in generic_concepts() or _NUMBER.fullmatch(word) is not None
    return function, generic, class_generic(word)


_NO_WORDS: Counter = Counter()  # a class no mark is in (read only: looking a word up in it adds nothing)
MEMO_SIZE = 200_000
"""Distinctiveness values remembered between changes to the counts (a long-running server meets many words)."""


@dataclass
class TokenStats:
    """Document frequency of concept tokens, overall and per Nice class.

    Plain counters, so adding or removing a mark updates the statistics without a rebuild.
    """

    n_marks: int = 0
    df: Counter = field(default_factory=Counter)
    class_marks: Counter = field(default_factory=Counter)
    class_df: dict[int, Counter] = field(default_factory=dict)
    _memo: dict[tuple[str, tuple[int, ...]], float] = field(default_factory=dict, init=False, repr=False,
                                                            compare=False)
    """distinctiveness() by (word, classes): a query re-reads the same words for every candidate of the same goods
    (about 0.9 ms of a check at 100k marks); emptied by every change to the counts."""

    def add(self, concept_tokens: Iterable[str], classes: Sequence[int], sign: int = 1) -> None:
        self._memo.clear()
        words = set(concept_tokens)
        self.n_marks += sign
        for w in words:
            self.df[w] += sign
        for c in classes:
            self.class_marks[c] += sign
            counter = self.class_df.setdefault(c, Counter())
            for w in words:
                counter[w] += sign

    def remove(self, concept_tokens: Iterable[str], classes: Sequence[int]) -> None:
        self.add(concept_tokens, classes, sign=-1)

    def _rate(self, word: str, classes: Sequence[int]) -> float:
        # dict.get, not a Counter's [] (whose miss is a Python-level __missing__): the same counts, read sooner
        if classes:  # the largest rate of its classes; a word in no other mark of a class has rate 0 there
            class_df, class_marks = self.class_df, self.class_marks
            rate = 0.0
            for c in classes:
                others = class_df.get(c, _NO_WORDS).get(word, 0) - 1
                if others > 0:
                    rate = max(rate, others / (class_marks.get(c, 0) + PSEUDO_MARKS))
            return rate
        return max(self.df.get(word, 0) - 1, 0) / (self.n_marks + PSEUDO_MARKS)

    def distinctiveness(self, word: str, classes: Sequence[int] = ()) -> float:
        """0..1: 1 for a word no other mark in the mark's classes uses, falling with how common it is."""
        key = (word, tuple(classes))
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = self._memo[key] = self._distinctiveness(word, classes)
        return found

    def _distinctiveness(self, word: str, classes: Sequence[int]) -> float:
        function, generic, generic_in = _word_kind(word)
        if function:
            return FUNCTION_CAP
        d = 1.0 / (1.0 + self._rate(word, classes) / HALF_RATE)
        if generic or not generic_in.isdisjoint(classes):
            d = min(d, GENERIC_CAP)
        return d

    def to_rows(self) -> Iterable[tuple[str, int, int]]:
        """(word, class, df) rows; class 0 holds the overall counts."""
        for w, n in self.df.items():
            if n > 0:
                yield w, 0, n
        for c, counter in self.class_df.items():
            for w, n in counter.items():
                if n > 0:
                    yield w, c, n

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, int, int]], n_marks: int, class_marks: dict[int, int]
    ) -> TokenStats:
        stats = cls(n_marks=n_marks, class_marks=Counter(class_marks))
        for w, c, n in rows:
            if c == 0:
                stats.df[w] = n
            else:
                stats.class_df.setdefault(c, Counter())[w] = n
        return stats
