"""The words of listing titles: how a title is cut into tokens, what the swept titles say about their words, and
whose shop a listing comes from — what the mention matcher (:mod:`.mentions`) reads before it looks for marks::

    >>> tokenize_title("Serum M.S. Glow 30ml").tokens
    ('serum', 'ms', 'glow', '30ml')
    >>> owner_key("PT MS Glow Indonesia Tbk") == owner_key("msglow official store")
    True
"""

from __future__ import annotations

import heapq
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..famous import famous_key, famous_marks
from ..text.lexicon import generic_words
from ..text.normalize import InvalidNameError, normalize

DESCRIPTIVE_SHOPS = 20
"""A word that at least this many shops use in their titles is product vocabulary in this sweep
(TitleVocabulary)."""
EVEN_SHOPS, EVEN_RATIO = 5, 2.0
"""... and so is a word used by 5+ shops evenly (under 2 titles per shop): "virgin", "spring", "netto" are
written by many shops once or twice each, while a brand's titles come mostly from its own and its resellers'
shops ("eiger": 127 titles, 14 shops; "aerostreet": 176 titles, 9 shops; Tokopedia sample)."""
SPREAD_SKETCH = 64
COMMON_SHOPS = 3
"""A title word written by this many shops is a word in its own right: no typo or sound-alike step for it."""
PRESENT_MIN_TITLES = 1000
"""In a sweep of this many titles a typo counts only when the mark's word is also spelled right in some
title: "maich" is then a typo of a brand sold there, while "carrier"/"cartier" or "felicita"/"felicia" (the
mark nowhere in the titles) were wrong in all 12 typo flags of the hand-checked Tokopedia sample."""
_CHUNK = re.compile(r"[^\s,;:/|()\[\]{}<>!?\"*#=~^【】「」『』（）]+")
_NUMBER_OR_UNIT = re.compile(
    r"^\d+(?:[.,]\d+)?(?:x\d+)?(?:gr|gram|g|kg|mg|ml|l|lt|ltr|liter|cm|mm|m|meter|pcs|pc|pack|set|lusin|inch|in|w|"
    r"watt|mah|gb|tb|mb|v|volt|th|tahun|bulan|hari|x|s|xl|xxl|xxxl|mp|hz|k|rb|ribu|jt)?$"
)


def is_number_or_unit(token: str) -> bool:
    """ "200gr", "2024", "1x2", "64gb": numbers and measures are never brand words.

    >>> [is_number_or_unit(t) for t in ("200gr", "2024", "7up", "3m")]
    [True, True, False, True]
    """
    return bool(_NUMBER_OR_UNIT.match(token))


@dataclass(frozen=True)
class TitleTokens:
    """Normalised tokens of a title and the character span of each in the original text.

    >>> t = tokenize_title("Serum M.S. Glow 30ml")
    >>> t.tokens, t.text(1, 3)
    (('serum', 'ms', 'glow', '30ml'), 'M.S. Glow')
    """

    title: str
    tokens: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def text(self, i: int, j: int) -> str:
        """The original text of tokens ``i`` to ``j`` (exclusive)."""
        return self.title[self.starts[i] : self.ends[j - 1]]


@lru_cache(maxsize=1 << 18)
def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    try:
        return normalize(chunk, max_chars=1000).tokens
    except InvalidNameError:
        return ()


def tokenize_title(title: str) -> TitleTokens:
    """Split on whitespace and punctuation, normalise each piece with the library, merge spelled-out
    initials."""
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _CHUNK.finditer(title):
        for tok in _chunk_tokens(m.group()):
            if len(tok) == 1 and tok.isalpha() and tokens and len(tokens[-1]) == 1 and tokens[-1].isalpha():
                tokens[-1] += tok  # "M S Glow": initials written apart read as one word, as in normalize()
                ends[-1] = m.end()
                continue
            tokens.append(tok)
            starts.append(m.start())
            ends.append(m.end())
    return TitleTokens(title, tuple(tokens), tuple(starts), tuple(ends))



def owner_key(name: str) -> str:
    """Compact form of a shop or owner name without legal and shop words, for "is this the owner's own shop".

    >>> owner_key("PT MS Glow Indonesia Tbk") == owner_key("msglow official store")
    True
    >>> owner_key("@RiniStore") == owner_key("Rini Store")
    True
    """
    generic = _shop_words()
    toks = _chunk_tokens(name) if len(name) <= 1000 else ()
    key = "".join([t for t in toks if t not in generic] or toks)
    # shop words glued on: "rinistore", "tokorini" (only words inside the key can be stripped, and stripping
    # only shortens it, so filtering first changes nothing)
    for word in [w for w in _glued_shop_words() if w in key]:
        if len(key) >= len(word) + 3:
            key = key.removesuffix(word) if key.endswith(word) else key.removeprefix(word)
    return key


@lru_cache(maxsize=1)
def _shop_words() -> frozenset[str]:
    return frozenset(w for w, kind in generic_words().items() if kind in ("shop", "legal", "place"))


@lru_cache(maxsize=1)
def _glued_shop_words() -> tuple[str, ...]:
    """Shop words of 3+ letters, longest first (sorted once: owner_key runs for every registry owner)."""
    return tuple(w for w in sorted(_shop_words(), key=len, reverse=True) if len(w) >= 3)


@dataclass
class TitleVocabulary:
    """What the swept titles themselves say about their words: how many titles and how many shops use each.

    A word many *different shops* use ("polos", "outfit", "estetik") is product vocabulary in this sweep, not
    a brand — brands concentrate in their own and their resellers' shops (Tokopedia sample: "aerostreet" 176
    titles from 9 shops, "modis" 154 titles from 116 shops). Shops per word are kept as a bottom-k sketch of
    shop hashes, so partitions merge exactly and deterministically in any order::

        >>> v = TitleVocabulary()
        >>> titles = ["kemeja polos"] * 30 + ["aerostreet sneakers"] * 30
        >>> v.add(titles, [f"shop{i}" for i in range(30)] + ["aero"] * 30)
        >>> sorted(v.descriptive())
        ['kemeja', 'polos']
    """

    n_titles: int = 0
    df: Counter = field(default_factory=Counter)
    shops: dict[str, set[int]] = field(default_factory=dict)
    has_shops: bool = False

    def add(self, titles: Iterable[str], shops: Iterable[str | None] | None = None) -> None:
        shop_iter = iter(shops) if shops is not None else None
        for title in titles:
            shop = next(shop_iter) if shop_iter is not None else None
            words = set(tokenize_title(title or "").tokens)
            self.n_titles += 1
            self.df.update(words)
            if shop:
                self.has_shops = True
                h = zlib.crc32(owner_key(shop).encode())
                for w in words:
                    self._add_shop(w, h)

    def _add_shop(self, word: str, h: int) -> None:
        got = self.shops.setdefault(word, set())
        if len(got) < SPREAD_SKETCH:
            got.add(h)
        elif h < max(got) and h not in got:
            got.remove(max(got))
            got.add(h)

    def merge(self, other: TitleVocabulary) -> TitleVocabulary:
        """Add ``other``'s counts: the same vocabulary as adding both partitions' titles to one, in any order."""
        self.n_titles += other.n_titles
        self.df.update(other.df)
        self.has_shops |= other.has_shops
        shops = self.shops
        for w, hs in other.shops.items():
            got = shops.get(w)
            if got is None:
                shops[w] = set(hs)
            else:  # the bottom-k of a union is the bottom-k of the two bottom-k sets
                got |= hs
                if len(got) > SPREAD_SKETCH:
                    shops[w] = set(heapq.nsmallest(SPREAD_SKETCH, got))
        return self

    def _spread(self, word: str) -> int:
        return len(self.shops.get(word, ())) if self.has_shops else self.df[word]

    def descriptive(self) -> frozenset[str]:
        """Product vocabulary: used by DESCRIPTIVE_SHOPS shops, or by EVEN_SHOPS shops with no shop using it
        much more than the others (fewer than EVEN_RATIO titles per shop). Famous marks' words never are."""
        famous = _famous_words()
        out = set()
        for w, n in self.df.items():
            shops = self._spread(w)
            if (
                shops >= DESCRIPTIVE_SHOPS or (shops >= EVEN_SHOPS and n < EVEN_RATIO * shops)
            ) and w not in famous:
                out.add(w)
        return frozenset(out)

    def present(self) -> frozenset[str] | None:
        """Every word of the titles once there are PRESENT_MIN_TITLES of them (else None: too few to tell)."""
        return frozenset(self.df) if self.n_titles >= PRESENT_MIN_TITLES else None

    def common(self) -> frozenset[str]:
        """Words enough shops write to be words in their own right: not typos or sound-alikes of a mark."""
        return frozenset(w for w in self.df if self._spread(w) >= COMMON_SHOPS)


def learn_vocabulary(titles: Sequence[str], shops: Sequence[str | None] | None = None) -> TitleVocabulary:
    v = TitleVocabulary()
    v.add(titles, shops)
    return v


@lru_cache(maxsize=1)
def _famous_words() -> frozenset[str]:
    words: set[str] = set()
    for m in famous_marks():
        words.update(_chunk_tokens(m.name))
        words.add(famous_key(m.name))
    return frozenset(words)
