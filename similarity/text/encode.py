"""Stage 2 — encode a normalised name into the strings and keys that search and scoring compare.

One :class:`NameCode` per name holds every form the scorers need, computed once at index time:

- ``compact``: the whole name without spaces (sight);
- ``core``: the name without generic words (``kopi``, ``toko``, ``official`` …), so that a shared generic word
  alone never makes two marks look alike (DOMAIN.md §4);
- ``sound``: the Indonesian phonetic key of the core (sound, DOMAIN.md §2);
- ``concept``: the core with every lexicon word or phrase replaced by its concept (meaning: ``sun`` → ``matahari``,
  ``buenos dias`` → ``selamatpagi``);
- ``keys``: exact token keys (``w:`` concept, ``s:`` sound) for the token inverted index.

>>> code = encode_name("Kopi Matahari")
>>> code.core, code.concept
('matahari', 'matahari')
>>> encode_name("Sun Coffee").concept
'matahari'
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexicon import generic_words, load_lexicon
from .normalize import NormalizedName, normalize
from .phonetic import indonesian_key

SIGNATURE_BITS = 256
"""Width of the n-gram signature searched in FAISS; measured in benchmarks/bench_names.py."""


@dataclass(frozen=True, slots=True)
class NameCode:
    """Every comparable form of one name (see the module docstring).

    >>> encode_name("Djarum").sound == encode_name("Jarum").sound
    True
    """

    tokens: tuple[str, ...]
    compact: str
    core: str
    sound: str
    concept: str
    core_tokens: tuple[str, ...]
    concept_tokens: tuple[str, ...]
    sound_tokens: tuple[str, ...]
    confusable: bool = False
    """The name was written with look-alike letters (see :class:`~similarity.text.normalize.NormalizedName`)."""
    transliterated: bool = False
    """Words of the name in another script were read in Latin letters (`normalize.transliterate`)."""

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    def words(self) -> list[tuple[str, str, str]]:
        """``(token, concept, sound key)`` of each word; the words of a lexicon phrase are read as one word, so that
        BUENOS DIAS meets GOOD MORNING once, whole, not word by word.

        >>> encode_name("Kedai Buenos Dias").words()[1]
        ('buenos dias', 'selamatpagi', 'bwenosdias')
        """
        words = list(zip(self.tokens, self.concept_tokens, self.sound_tokens, strict=True))
        phrases = load_lexicon().phrase_concepts
        if len(words) < 2 or phrases.isdisjoint(self.concept_tokens):
            return words
        out: list[tuple[str, str, str]] = []
        for w in words:
            if out and w[1] == out[-1][1] and w[1] in phrases:
                t, c, s = out[-1]
                out[-1] = (f"{t} {w[0]}", c, s + w[2])
            else:
                out.append(w)
        return out

    @property
    def keys(self) -> tuple[str, ...]:
        """Exact token keys for the inverted index: concept (``w:``) and sound (``s:``) of every token."""
        out = dict.fromkeys(["w:" + t for t in self.concept_tokens] + ["s:" + t for t in self.sound_tokens])
        return tuple(out)


@lru_cache(maxsize=500_000)
def _token_forms(token: str) -> tuple[str, str, bool]:
    """(concept, sound key, generic?) of one token; cached because registries repeat words a lot."""
    lex = load_lexicon()
    concept = lex.concept(token) or lex.compound(token) or token
    generic = token in generic_words() or concept in generic_words()
    sound = indonesian_key(token) or token
    return concept, sound, generic


def encode_normalized(norm: NormalizedName) -> NameCode:
    forms = [_token_forms(t) for t in norm.tokens]
    inside: set[int] = set()  # words after the first of a lexicon phrase: the phrase's concept is read once
    for start, end, concept in load_lexicon().phrase_spans(norm.tokens):
        for i in range(start, end):  # every word of the phrase carries its concept, and none is generic
            forms[i] = (concept, forms[i][1], False)
        inside.update(range(start + 1, end))
    core_idx = [i for i, f in enumerate(forms) if not f[2]] or list(range(len(forms)))
    core_tokens = tuple(norm.tokens[i] for i in core_idx)
    concept_tokens = tuple(forms[i][0] for i in range(len(forms)))
    sound_tokens = tuple(forms[i][1] for i in range(len(forms)))
    return NameCode(
        tokens=norm.tokens,
        compact=norm.compact,
        core="".join(core_tokens),
        sound="".join(forms[i][1] for i in core_idx),
        concept=" ".join(forms[i][0] for i in core_idx if i not in inside),
        core_tokens=core_tokens,
        concept_tokens=concept_tokens,
        sound_tokens=sound_tokens,
        confusable=norm.confusable,
        transliterated=norm.transliterated,
    )


def encode_name(name: str | bytes) -> NameCode:
    """Normalise and encode one name; raises :class:`~similarity.text.normalize.InvalidNameError`."""
    return encode_normalized(normalize(name))


def _grams(s: str, n: int = 3) -> list[str]:
    s = f"^{s}$"
    if len(s) <= n:
        return [s]
    return [s[i : i + n] for i in range(len(s) - n + 1)]


@lru_cache(maxsize=1_000_000)
def _gram_bit(gram: str, bits: int) -> int:
    return zlib.crc32(gram.encode()) % bits


GRAM_FIELDS = "cs"
"""Fields of the n-gram index: ``c`` the spelling of the core and of its translated concepts, ``s`` its sound."""


def gram_keys(code: NameCode) -> list[str]:
    """Distinct trigram keys of the core spelling and its concept spelling (``c``) and of its sound key (``s``).

    The concept spelling (``sun`` → ``matahari``) lets a translated mark share n-grams with the original; each
    field is compared on its own (a Dice coefficient per field), because a name can look unlike a mark and
    still sound like it.

    >>> gram_keys(encode_name("Aqua"))[:3]
    ['c^aq', 'caqu', 'cqua']
    """
    keys = ["c" + g for g in _grams(code.core)]
    concept = code.concept.replace(" ", "")
    if concept != code.core:
        keys += ["c" + g for g in _grams(concept)]
    keys += ["s" + g for g in _grams(code.sound)]
    return list(dict.fromkeys(keys))


def _bit_positions(code: NameCode, bits: int) -> list[int]:
    return [_gram_bit("c" + g, bits) for g in _grams(code.core)] + [
        _gram_bit("s" + g, bits) for g in _grams(code.sound)
    ]


def signatures(codes: Sequence[NameCode], bits: int = SIGNATURE_BITS) -> np.ndarray:
    """Binary n-gram signatures, shape (n, bits // 8): trigram bits of the core spelling and of its sound key.

    The Hamming distance between two signatures approximates the number of trigrams they do not share, which is
    what edit-distance scores respond to (the q-gram lemma), so an exact FAISS Hamming scan finds the names a
    rapidfuzz re-score would rank high.

    >>> signatures([encode_name("Aqua")]).shape
    (1, 32)
    """
    rows: list[int] = []
    cols: list[int] = []
    for i, code in enumerate(codes):
        pos = _bit_positions(code, bits)
        rows.extend([i] * len(pos))
        cols.extend(pos)
    dense = np.zeros((len(codes), bits), dtype=np.uint8)
    dense[np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)] = 1
    return np.packbits(dense, axis=1)


def encode_many(names: Iterable[str]) -> list[NameCode]:
    return [encode_name(n) for n in names]
