"""Stage 3c — a famous mark respelled: HONDO for HONDA, SAMSUNK for SAMSUNG, ADIDAZ for ADIDAS.

Art. 21(1)(b) and (c) of Law 20/2016 protect a famous mark against a name similar to it "in essence", and the
imitation a small business actually files is the famous coinage written one letter off or to the same sound. The
learned score (stage 5a) reads those low: among its labelled pairs, two words one letter apart are mostly two
ordinary words that happen to be close (HEART ~ HEARTH, DAISY ~ DAISO), so HONDO ~ HONDA gets 0.19. This module
finds them by rule against the short famous-marks list (:mod:`similarity.famous`): the candidates add those famous
marks' rows, and the verdict sets a floor under their conflict probability
(`~similarity.verdict.tiers.FAMOUS_COPY`); the goods weight still applies after it.

What counts (each rule guards against a measured false alarm):

- the famous mark's distinctive core (its name without generic words: KENANGAN of KOPI KENANGAN) has at least
  `MIN_CHARS` letters — one letter off a four-letter mark is another word (VISA ~ VISI, NIKE ~ NIKO);
- a word of the query's core (or two neighbouring words joined, or the whole core: TOLAK ANGINN) is one letter off
  it — changed, added, dropped or two swapped — keeping its first `PREFIX` letters; or a single word of the query
  has the same Indonesian sound key spelled otherwise (ADIDAZ ~ ADIDAS, ALPAMART ~ ALFAMART); or the query's core
  holds the famous core whole beside words of its own (EIGER RIMBA, KOPI KENANGAN SENJA: kind ``whole``);
- a famous core that is only one word of a longer name (GUDANG of GUDANG GARAM) needs `PART_CHARS` letters, and
  a core that is one everyday word the bilingual lexicon translates (APPLE, MATAHARI) is left to the learned score;
- that word of the query is itself a coinage (`rarity` at least `COINED`): ASTRO is a word of its own, not a
  respelling of ASTRA; and it is not the famous core itself (the learned score reads identical words well).

    >>> [(i.word, i.famous) for i in imitations(encode_name("Hondo Motor"))]
    [('hondo', 'Honda')]
    >>> imitations(encode_name("Astro Motor"))
    ()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from ..famous import famous_marks
from .encode import NameCode, encode_name
from .evidence import rarity
from .lexicon import load_lexicon
from .normalize import InvalidNameError
from .phonetic import indonesian_key

MIN_CHARS = 5
"""A famous core shorter than this is not matched one letter off (VISA ~ VISI, DANA ~ DANI, NIKE ~ NIKO)."""
PREFIX = 4
"""Letters a respelling must keep at the start: a word is remembered by its beginning (HONDO ~ HONDA, KOPIKU ~
KOPIKO), and one letter changed early is another name (EDINA ~ EMINA; PRAUDA ~ PRADA)."""
PART_CHARS = 7
"""A famous mark's core that is one word of its longer name (GUDANG of GUDANG GARAM) needs this many letters: a
shorter one is too often a word of its own (GUDANG, GARUDA); KENANGAN of KOPI KENANGAN is kept."""
COINED = 0.5
"""`rarity` a query word needs to count as a respelling rather than a word of its own (ASTRO 0.41, HONDO 0.59)."""


@dataclass(frozen=True, slots=True)
class Imitation:
    """A word of the query that respells a famous mark's distinctive core.

    >>> i = imitations(encode_name("Samsunk"))[0]
    >>> i.word, i.core, i.famous, i.kind
    ('samsunk', 'samsung', 'Samsung', 'sight')
    """

    word: str
    core: str
    famous: str
    compact: str
    """The famous mark's encoded compact form: the registered rows that are this famous mark have it."""
    kind: str
    """``sound``: the same Indonesian sound key, spelled otherwise (ADIDAZ); ``sight``: one letter off (HONDO);
    ``whole``: the famous core itself, with other distinctive words (EIGER RIMBA; ``word`` is the whole query)."""

    @property
    def factor(self) -> str:
        """The factor its reason is tagged with: a famous core contained whole is found by its spelling."""
        return "sight" if self.kind == "whole" else self.kind


@dataclass(frozen=True, slots=True)
class _Target:
    name: str
    compact: str
    core: str
    sound: str
    words: tuple[str, ...]


@lru_cache(maxsize=1)
def _targets() -> tuple[_Target, ...]:
    out = []
    for mark in famous_marks():
        try:
            code = encode_name(mark.name)
        except InvalidNameError:  # pragma: no cover - the list is checked by tests
            continue
        words = code.core_tokens
        if len(code.core) < MIN_CHARS or not words or any(len(w) < 3 for w in words):
            continue  # H&M's core is H, DAN, M
        if len(words) < len(code.tokens) and len(words) == 1 and len(code.core) < PART_CHARS:
            continue  # GUDANG of GUDANG GARAM, GARUDA of GARUDA INDONESIA: a word of its own
        concept = dict(zip(code.tokens, code.concept_tokens, strict=True))
        if len(words) == 1 and concept.get(words[0], words[0]) in load_lexicon().words:
            continue  # APPLE, MATAHARI: an everyday word (RED APPLE, MATAHARY BAKERY) for the learned score to weigh
        out.append(_Target(mark.name, code.compact, code.core, code.sound, words))
    return tuple(out)


def _grouped(key: Callable[[_Target], str]) -> dict[str, tuple[_Target, ...]]:
    by: dict[str, list[_Target]] = {}
    for t in _targets():
        by.setdefault(key(t), []).append(t)
    return {k: tuple(v) for k, v in by.items()}


@lru_cache(maxsize=1)
def _by_first_word() -> dict[str, tuple[_Target, ...]]:
    """The targets by the first word of their core, to find one whole inside a longer name."""
    return _grouped(lambda t: t.words[0])


@lru_cache(maxsize=1)
def _by_sound() -> dict[str, tuple[_Target, ...]]:
    """The targets by the sound key of their core: the same sound may start with another letter (CAPAL, KAPAL)."""
    return _grouped(lambda t: t.sound)


@lru_cache(maxsize=1)
def _by_first_letter() -> dict[str, tuple[_Target, ...]]:
    """The targets by the first letter of their core: a respelling one letter off keeps it (and its first `PREFIX`)."""
    return _grouped(lambda t: t.core[0])


def _pieces(code: NameCode) -> list[str]:
    """The query's core words, each two neighbours joined, and the whole core (TOLAK ANGINN: tolakanginn)."""
    words = [w for w in code.core_tokens if w]
    pieces = list(words)
    words = [w for w in words if len(w) >= 3 and w.isalpha()]  # GUDANG 7 is not GUDANG7
    pieces += [a + b for a, b in zip(words, words[1:], strict=False)]
    if len(words) > 2:
        pieces.append("".join(words))
    return list(dict.fromkeys(p for p in pieces if p.isalnum()))


@lru_cache(maxsize=4096)
def imitations(code: NameCode) -> tuple[Imitation, ...]:
    """The famous marks a query name respells (see the module docstring), the closest first; empty for most names.

    >>> [i.famous for i in imitations(encode_name("Samsunk Store"))]
    ['Samsung']
    >>> imitations(encode_name("Samsung"))  # the famous mark itself: the learned score's to judge
    ()
    """
    found: dict[str, Imitation] = {}
    core = code.core_tokens
    for at, word in enumerate(core):  # the famous core whole, with other distinctive words: EIGER RIMBA
        for t in _by_first_word().get(word, ()):
            if len(core) > len(t.words) and core[at : at + len(t.words)] == t.words:
                found.setdefault(t.compact, Imitation(code.text, t.core, t.name, t.compact, "whole"))
    words = set(core)
    for piece in _pieces(code):
        if len(piece) < MIN_CHARS:
            continue
        sound = indonesian_key(piece) if piece in words else None  # two words joined are compared by spelling only
        heard = [t for t in _by_sound().get(sound, ()) if t.core != piece] if sound is not None else []
        seen = [t for t in _by_first_letter().get(piece[0], ())
                if t.core != piece and abs(len(piece) - len(t.core)) <= 1 and piece[:PREFIX] == t.core[:PREFIX]
                and OSA.distance(piece, t.core, score_cutoff=1) <= 1]
        if (heard or seen) and rarity(piece) >= COINED:  # JARUM (a needle) for DJARUM, CHANNEL for CHANEL: words
            for t in heard:
                found.setdefault(t.compact, Imitation(piece, t.core, t.name, t.compact, "sound"))
            for t in seen:
                found.setdefault(t.compact, Imitation(piece, t.core, t.name, t.compact, "sight"))
    order = {"whole": 0, "sound": 1, "sight": 2}
    return tuple(sorted(found.values(), key=lambda i: (order[i.kind], i.famous)))


def imitated_words(found: tuple[Imitation, ...]) -> list[str]:
    """The famous cores' first words, to find the registered rows of those famous marks by (``w:`` postings).

    >>> imitated_words(imitations(encode_name("Hondo")))
    ['honda']
    """
    by_compact = _by_compact()
    return list(dict.fromkeys(by_compact[i.compact].words[0] for i in found))


@lru_cache(maxsize=1)
def _by_compact() -> dict[str, _Target]:
    return {t.compact: t for t in _targets()}


def imitation_reason(found: Imitation, lang: str) -> str:
    """The reason shown with a floored match, in one language.

    >>> imitation_reason(imitations(encode_name("Hondo"))[0], "en")
    'HONDO ≈ HONDA: a famous mark respelled one letter off (Art. 21(1)(b) Law 20/2016)'
    >>> imitation_reason(imitations(encode_name("Eiger Rimba"))[0], "id")
    'EIGER RIMBA memuat merek terkenal EIGER (Pasal 21(1)(b) UU 20/2016)'
    """
    if found.kind == "whole":
        if lang == "id":
            return f"{found.word.upper()} memuat merek terkenal {found.famous.upper()} (Pasal 21(1)(b) UU 20/2016)"
        return f"{found.word.upper()} contains the famous mark {found.famous.upper()} (Art. 21(1)(b) Law 20/2016)"
    off = {("id", "sight"): "satu huruf berbeda", ("en", "sight"): "one letter off",
           ("id", "sound"): "bunyinya sama", ("en", "sound"): "the same sound"}[(lang, found.kind)]
    if lang == "id":
        return f"{found.word.upper()} ≈ {found.core.upper()}: merek terkenal yang ditulis ulang, {off} " \
               f"(Pasal 21(1)(b) UU 20/2016)"
    return f"{found.word.upper()} ≈ {found.core.upper()}: a famous mark respelled {off} (Art. 21(1)(b) Law 20/2016)"
