"""Meaning: a curated Indonesian<->English lexicon of brand words, and the list of generic words.

>>> concept_text("kopi matahari"), concept_text("sun coffee")
('kopi matahari', 'matahari kopi')
>>> concept_text("dapur mama suka") == concept_text("dapur ibu suka")
True
>>> generic_words()["toko"]
'shop'

``data/lexicon_id_en.tsv`` holds one concept a row: ``concept`` (its id, the canonical Indonesian
word), ``indonesian`` and ``english`` synonyms separated by ``|``, a ``note`` and ``other`` (foreign
equivalents, only for very common brand words such as aqua, sol, luna). A word belongs to one
concept only; where a spelling means different things in the two languages (Indonesian ``air`` =
water, English ``air`` = udara) only the Indonesian sense is listed, because the registry is
Indonesian first. Loading refuses a word listed under two concepts, so a bad edit fails the tests.

A cell may also hold a **phrase** whose meaning is not the sum of its words: ``selamat pagi`` = ``good morning`` =
``buenos dias`` (the Spanish *days* is not *morning*), ``pasar gelap`` = ``black market`` = ``marche noir``. Such a
concept's id is the glued Indonesian phrase (``selamatpagi``), and every phrase is also known glued
(``goodmorning``). Inside a phrase no word is generic: MARKET alone is a shop word, BLACK MARKET is a mark.

>>> concept_text("buenos dias") == concept_text("selamat pagi") == concept_text("good morning")
True

``data/generic_words.tsv`` maps descriptive words (DOMAIN.md §4) to a kind: goods, shop, quality,
place, legal, article (``the``, ``el``, ``le``: a foreign mark's article is not its distinctive element) or
honorific (``pak``, ``bu``, ``mas``: DOMAIN.md §8, as weak as "Mr").
It is a prior: scoring down-weights these words and never drops them, and the registry's per-class IDF refines
the weights.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

__all__ = ["GENERIC_KINDS", "Lexicon", "concept_text", "generic_words", "load_lexicon", "parse_lexicon"]

GENERIC_KINDS = frozenset({"goods", "shop", "quality", "place", "legal", "article", "honorific"})
_LEXICON_FILE = "lexicon_id_en.tsv"
_GENERIC_FILE = "generic_words.tsv"
CLASS_GENERIC_FILE = "class_generic_words.tsv"
_WORD_COLUMNS = ("indonesian", "english", "other")
_LONGEST_PHRASE = 4
"""Words in the longest phrase a lexicon may list."""


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Words grouped into concepts; look a token up in either language.

    ``words`` maps a concept id to all its words (Indonesian, then English, then other languages);
    ``index`` maps every word to its concept id; ``english`` holds the English-column words, the only
    ones whose plurals are guessed. Build one with :func:`parse_lexicon` or
    :func:`load_lexicon`. Compared by identity, so it can key a cache.

    ``phrases`` maps the words of each multi-word phrase to its concept; derived from it, ``phrase_starts`` holds
    their first words, so that a name without any costs one set test (:meth:`phrase_spans`), and
    ``phrase_concepts`` the concepts that are phrases.

    >>> lex = parse_lexicon("concept\\tindonesian\\tenglish\\nkucing\\tkucing|meong\\tcat|kitty\\n")
    >>> lex.concept("kitty"), lex.translate("kucing"), len(lex)
    ('kucing', ('meong', 'cat', 'kitty'), 1)
    """

    words: Mapping[str, tuple[str, ...]]
    index: Mapping[str, str]
    english: frozenset[str] = frozenset()
    phrases: Mapping[tuple[str, ...], str] = field(default_factory=lambda: MappingProxyType({}))
    phrase_starts: frozenset[str] = field(init=False)
    phrase_concepts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:  # derived from `phrases`, so the three always agree
        object.__setattr__(self, "phrase_starts", frozenset(p[0] for p in self.phrases))
        object.__setattr__(self, "phrase_concepts", frozenset(self.phrases.values()))

    def concept(self, token: str) -> str | None:
        """The concept id of ``token``, or None when the lexicon does not know it.

        An unlisted English plural falls back to its listed singular ("horses" -> "kuda"); only
        English-column stems count, since Indonesian words end in s too (keras is not kera + s).
        """
        found = self.index.get(token)
        if found is not None or len(token) < 4 or not token.endswith("s"):
            return found
        # "gemas" is not gem + as: only "-es" may drop two letters (boxes -> box), any other plural drops its "s"
        for stem in (token[:-1], token[:-2]) if token.endswith("es") else (token[:-1],):
            if stem in self.english:
                return self.index[stem]
        return None

    def compound(self, token: str) -> str | None:
        """The concepts of a word glued from two lexicon words, or None: "watercare" and "aquacare" (AQUA-CARE,
        hyphens glue) both read ``air`` + ``rawat``, so a translated compound meets its original (Watercare v.
        Midwesco, TTAB 1971). Each part has at least 3 letters; of several splits the most even one is read.

        >>> lex = load_lexicon()
        >>> lex.compound("watercare"), lex.compound("aquacare"), lex.compound("indomie")
        ('airrawat', 'airrawat', None)
        """
        if len(token) < 7 or token in self.index:
            return None
        best, even = None, 0
        for i in range(3, len(token) - 2):  # a build meets every word of the registry here: dict lookups only
            left = self.index.get(token[:i])
            if left is None or min(i, len(token) - i) <= even:
                continue
            right = self.concept(token[i:])
            if right is not None:
                best, even = left + right, min(i, len(token) - i)
        return best

    def phrase_spans(self, tokens: Sequence[str]) -> list[tuple[int, int, str]]:
        """``(start, end, concept)`` of each lexicon phrase in ``tokens``: left to right, the longest phrase first,
        never overlapping.

        >>> load_lexicon().phrase_spans(("kedai", "black", "market", "kopi"))
        [(1, 3, 'pasargelap')]
        """
        if self.phrase_starts.isdisjoint(tokens):
            return []
        spans: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            found = None
            if tokens[i] in self.phrase_starts:
                for end in range(min(len(tokens), i + _LONGEST_PHRASE), i + 1, -1):
                    found = self.phrases.get(tuple(tokens[i:end]))
                    if found is not None:
                        spans.append((i, end, found))
                        i = end
                        break
            if found is None:
                i += 1
        return spans

    def translate(self, token: str) -> tuple[str, ...]:
        """The other words of ``token``'s concept: its translations and synonyms, never itself."""
        concept = self.concept(token)
        if concept is None:
            return ()
        return tuple(w for w in self.words[concept] if w != token)

    def __len__(self) -> int:
        """The number of concepts, each at least one Indonesian<->English word pair."""
        return len(self.words)


def _split_words(cell: str | None) -> list[str]:
    return [w.strip() for w in (cell or "").split("|") if w.strip()]


def parse_lexicon(text: str) -> Lexicon:
    """Build a :class:`Lexicon` from TSV text with at least ``concept``, ``indonesian``, ``english``.

    Raises ValueError, naming the line, for a row without an English word or a word that already
    belongs to another concept.
    """
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    missing = {"concept", "indonesian", "english"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"lexicon header lacks {sorted(missing)} — it needs concept, indonesian, english")
    words: dict[str, tuple[str, ...]] = {}
    index: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    english: set[str] = set()
    for line, row in enumerate(reader, start=2):
        concept = (row["concept"] or "").strip()
        found = [w for col in _WORD_COLUMNS for w in _split_words(row.get(col))]
        if not concept or " " in concept or not _split_words(row["english"]) or concept in words:
            raise ValueError(
                f"lexicon line {line}: concept {concept!r} needs a new one-word id and an English word"
            )
        for cell in [concept, *found]:
            parts = tuple(cell.split())
            if len(parts) > _LONGEST_PHRASE:
                raise ValueError(f"lexicon line {line}: {cell!r} is longer than {_LONGEST_PHRASE} words")
            if len(parts) > 1 and phrases.setdefault(parts, concept) != concept:
                raise ValueError(f"lexicon line {line}: the phrase {cell!r} is already in concept {phrases[parts]!r}")
            word = "".join(parts)  # a phrase is also known glued: GOODMORNING
            if index.setdefault(word, concept) != concept:
                raise ValueError(
                    f"lexicon line {line}: {word!r} is already in concept {index[word]!r} — "
                    "a word may belong to one concept only; keep the sense Indonesian buyers use"
                )
        words[concept] = tuple(dict.fromkeys([concept, *found]))
        english.update(w for w in _split_words(row["english"]) if " " not in w)
    return Lexicon(
        words=MappingProxyType(words), index=MappingProxyType(index), english=frozenset(english),
        phrases=MappingProxyType(phrases),
    )


@lru_cache(maxsize=1)
def word_lists_digest() -> str:
    """Short SHA-256 of the word lists that shape encoded names (lexicon and generic words), and of the reading of
    other scripts (`normalize.TRANSLITERATION`).

    An index stores encoded names, so it records this digest; when the lists change, the index says it should be
    rebuilt (``MarkIndex.info()["encoding_current"]``).

    >>> len(word_lists_digest())
    12
    """
    from .normalize import TRANSLITERATION

    h = hashlib.sha256()
    for name in (_LEXICON_FILE, _GENERIC_FILE, CLASS_GENERIC_FILE):
        h.update(_data_bytes(name))
    h.update(TRANSLITERATION.encode())
    return h.hexdigest()[:12]


def _data_bytes(name: str) -> bytes:
    return _data_file(name).read_bytes()


def data_text(name: str) -> str:
    """The text of one of the package's word lists."""
    return _data_text(name)


def _data_text(name: str) -> str:
    return _data_file(name).read_text(encoding="utf-8")


def _data_file(name: str) -> Traversable:
    return resources.files("similarity").joinpath("data", name)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The package's curated lexicon (read once).

    >>> load_lexicon().concept("mother")
    'ibu'
    """
    return parse_lexicon(_data_text(_LEXICON_FILE))


def concept_text(text: str, lexicon: Lexicon | None = None) -> str:
    """Replace each token of normalised ``text`` by its concept id; unknown tokens stay as they are.

    >>> concept_text("raja ayam goreng"), concept_text("king fried chicken")
    ('raja ayam goreng', 'raja goreng ayam')
    """
    lex = lexicon if lexicon is not None else load_lexicon()
    tokens = text.split()
    out = [lex.concept(t) or t for t in tokens]
    for start, end, concept in reversed(lex.phrase_spans(tokens)):
        out[start:end] = [concept]
    return " ".join(out)


@lru_cache(maxsize=1)
def generic_words() -> dict[str, str]:
    """Generic and descriptive words (DOMAIN.md §4 and more) mapped to their kind.

    Read once and shared, because scorers test ``word in generic_words()`` in hot loops: do not
    modify the returned dict (copy it first).

    >>> generic_words()["pt"], generic_words()["kopi"]
    ('legal', 'goods')
    """
    kinds: dict[str, str] = {}
    reader = csv.DictReader(io.StringIO(_data_text(_GENERIC_FILE)), delimiter="\t")
    for line, row in enumerate(reader, start=2):
        word, kind = (row["word"] or "").strip(), (row["kind"] or "").strip()
        if kind not in GENERIC_KINDS or not word or word in kinds:
            kinds_text = ", ".join(sorted(GENERIC_KINDS))
            raise ValueError(
                f"{_GENERIC_FILE} line {line}: {word!r} {kind!r} — need a new word and a kind: {kinds_text}"
            )
        kinds[word] = kind
    return kinds
