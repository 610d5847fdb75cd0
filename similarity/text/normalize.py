"""Stage 1 — normalise a mark's name so that style does not count as difference.

Case, diacritics, punctuation and spacing carry no sound or meaning in a word mark ("M.S. Glow" = "MS Glow" =
"MSGlow"), legal forms are not part of a mark (PT, CV, Tbk ...), ``&``/``n``/``and``/``dan`` are one word, a
trailing ``2`` means reduplication in Indonesian (``Kue2`` = ``kue kue``), letters of another script that
imitate Latin ones are read as those (``Коpі`` in Cyrillic = ``kopi``, flagged ``confusable``), and a word really
written in another script is read in its Latin transliteration (``anyascii``: ``Капитал Life`` = ``kapital life``,
flagged ``transliterated``), never dropped for the Latin letters beside it::

    >>> normalize("PT. M.S. Glow & Co, Tbk").text
    'ms glow dan co'
    >>> normalize("MSGlow").compact == normalize("M.S. Glow").compact
    True
    >>> n = normalize("Коpі Кеnаngаn"); n.text, n.confusable
    ('kopi kenangan', True)
    >>> n = normalize("Суши Wok"); n.text, n.transliterated
    ('sushi wok', True)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from .confusables import unconfuse

MAX_NAME_CHARS = 200
"""Longer input is refused: real word marks are short and a 1 MB "name" is a mistake or an attack."""

LEGAL_FORMS = frozenset(
    [
        "pt",
        "cv",
        "ud",
        "tbk",
        "persero",
        "koperasi",
        "perum",
        "perseroan",
        "firma",
        "fa",
        "ltd",
        "inc",
        "llc",
        "corp",
        "corporation",
        "gmbh",
        "plc",
        "bhd",
        "sdn",
    ]
)
AND_WORDS = frozenset({"&", "and", "dan", "n", "'n'", "+"})
NUMBER_WORDS = {
    "nol": "0", "zero": "0", "satu": "1", "one": "1", "dua": "2", "two": "2", "tiga": "3", "three": "3",
    "empat": "4", "four": "4", "lima": "5", "five": "5", "enam": "6", "six": "6", "tujuh": "7", "seven": "7",
    "delapan": "8", "eight": "8", "sembilan": "9", "nine": "9", "sepuluh": "10", "ten": "10",
}  # fmt: skip

_DOTTED_INITIALS = re.compile(r"\b(?:[a-z0-9]\.){2,}")  # "m.s." -> "ms"
_JOINERS = re.compile(r"(?<=[a-z0-9])['’`\-.](?=[a-z0-9])")  # "x-seed", "l'oreal", "web.id" -> joined
_SEPARATORS = re.compile(r"[^a-z0-9&+]+")
_REDUPLICATION = re.compile(r"^([a-z]{2,})2$")  # "kue2" -> "kue kue"
_NUMBERED = re.compile(r"^([a-z]{3,})(\d{1,4})$")  # "store99" -> "store 99" when STORE is a shop word


class InvalidNameError(ValueError):
    """A name that cannot be compared: empty, only symbols or emoji, too long, or not valid UTF-8."""


@dataclass(frozen=True)
class NormalizedName:
    """A name after normalisation.

    ``tokens`` are the words that count; ``text`` joins them with spaces; ``compact`` joins them without,
    which is how sight and sound compare names whose spacing differs.

    >>> n = normalize("Kue2 Mama")
    >>> n.tokens, n.compact
    (('kue', 'kue', 'mama'), 'kuekuemama')
    """

    original: str
    tokens: tuple[str, ...]
    confusable: bool = False
    """Written with look-alike letters of another script (Cyrillic а for a …), read as the Latin letters they
    imitate (:mod:`similarity.text.confusables`): itself a sign of imitation."""
    transliterated: bool = False
    """Some of its words are written in another script and read in their Latin transliteration (`transliterate`)."""

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        return "".join(self.tokens)


def decode_name(raw: bytes | str) -> str:
    """Decode bytes as UTF-8 strictly; a clear error instead of mojibake.

    >>> decode_name(b"Kopi Kenangan")
    'Kopi Kenangan'
    """
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidNameError(
            f"the name is not valid UTF-8 (byte {e.start}: {raw[e.start : e.start + 1]!r}) — re-save the file as UTF-8"
        ) from None


_UNDECOMPOSED = str.maketrans({"đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ø": "o", "ŧ": "t", "æ": "ae",
                               "œ": "oe", "þ": "th", "ŋ": "ng"})
"""Latin letters whose stroke or ligature Unicode does not decompose (Đak = Dak, Øresund, Łódź): folded like the
accents NFKD removes, instead of being dropped as non-letters."""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_UNDECOMPOSED)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def _shop_word(word: str) -> bool:
    """A shop or legal word of the generic list (STORE, OLSHOP, TOKO, OFFICIAL): with a number glued on (STORE99,
    TOKO123) it is that word and a number, both weak, not a coined word. A mark's own word keeps its number
    (SINARCARE86, 7ELEVEN: `weights._NUMBER`)."""
    from .lexicon import generic_words  # stage 2's word lists; imported here, not at the top, to keep stage 1 first

    return generic_words().get(word) in ("shop", "legal")


@lru_cache(maxsize=200_000)
def _tokens(text: str) -> tuple[str, ...]:
    s = _fold(text)
    s = _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", "") + " ", s)
    s = _JOINERS.sub("", s)
    s = s.replace("&", " & ").replace("+", " + ")
    raw = [t for t in _SEPARATORS.split(s) if t]
    out: list[str] = []
    for tok in raw:
        if tok in AND_WORDS:
            out.append("dan")
            continue
        tok = NUMBER_WORDS.get(tok, tok)
        m = _REDUPLICATION.match(tok)
        if m:
            out.extend((m.group(1), m.group(1)))
            continue
        m = _NUMBERED.match(tok)
        if m and _shop_word(m.group(1)):
            out.extend(m.groups())
            continue
        out.append(tok)
    # Runs of single letters are initials written apart ("m s glow"): they read as one word.
    merged: list[str] = []
    in_initials = False
    for tok in out:
        single = len(tok) == 1 and tok.isalpha()
        if single and in_initials:
            merged[-1] += tok
        else:
            merged.append(tok)
        in_initials = single
    kept = [t for t in merged if t not in LEGAL_FORMS]
    if kept and kept[-1] == "dan" and len(kept) > 1:
        kept.pop()
    return tuple(kept or merged)


TRANSLITERATION = "anyascii-1"
"""The reading of other scripts (`transliterate`): part of an index's encoding digest, so an index encoded before a
change says it is stale."""


@lru_cache(maxsize=4096)
def _foreign(ch: str) -> bool:
    """A letter or digit of a script other than Latin (``é``, ``ß`` and a fullwidth ``Ａ`` are Latin, never
    foreign)."""
    if ch.isascii() or not ch.isalnum():
        return False
    plain = unicodedata.normalize("NFKC", ch)
    return not (plain.isascii() or unicodedata.name(plain[0], "").startswith("LATIN"))


BESIDE_LATIN_UNREAD = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "HEBREW")
"""Scripts whose words are not read beside a Latin word of two letters or more (`transliterate`)."""


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ")[0]


def transliterate(text: str) -> tuple[str, bool]:
    """``text`` with its words in another script read in Latin letters (``anyascii``, ISC; its tables ship in the
    wheel), and whether any was; a run of characters or kana is set apart by spaces, as a word of its own.

    A mark written partly in another script is more than the Latin letters beside it: read without them, ``Капитал
    Life`` would be LIFE alone and ``Суши Wok`` WOK alone, which any name containing that word would then match
    whole. An alphabet is read letter by letter, close to how the word is said, and often lands on the loanword
    itself (МАРКЕТ → market, СУШИ → sushi), which the generic-word lists then recognise. Chinese characters, kana,
    hangul and the Arabic and Hebrew abjads beside a Latin word of two letters or more are left unread, as before:
    there they are mostly the Latin name rendered in that script or its generic words (喜來登 Sheraton, 山崎麵包
    Yamazaki Bakery, OK便利店 — "convenience store"), and their reading (XILAIDENG, BIANLIDIAN, the consonants of an
    Arabic word) is a different word, not the mark as an Indonesian reader says it. Alone, or beside only initials
    or digits, they are read (宜家家居 = YIJIAJIAJU, 7天酒店). Symbols and emoji are not letters and stay for the
    normaliser to drop.

    >>> transliterate("Капитал Life")
    ('Kapital Life', True)
    >>> transliterate("喜來登 Sheraton"), transliterate("7天酒店")
    (('喜來登 Sheraton', False), ('7 TianJiuDian', True))
    >>> transliterate("café 🙂")
    ('café 🙂', False)
    """
    if text.isascii():
        return text, False
    latin_word = re.search(r"[A-Za-z]{2}", unicodedata.normalize("NFKD", text)) is not None
    out: list[str] = []
    run: list[str] = []
    run_unread = False  # whether the run's script is one of BESIDE_LATIN_UNREAD
    changed = False

    def flush() -> None:
        nonlocal changed
        if run:
            if latin_word and run_unread:
                out.extend(run)  # left as it is: the normaliser drops it
            else:
                reading = anyascii("".join(run)).strip()
                if reading:
                    changed = True
                    out.append(f" {reading} " if run_unread else reading)  # 7天酒店: a word of its own beside the 7
            run.clear()

    for ch in text:
        if _foreign(ch):
            unread = _script(ch) in BESIDE_LATIN_UNREAD
            if run and unread != run_unread:
                flush()
            run_unread = unread
            run.append(ch)
        elif run and unicodedata.category(ch).startswith("M"):  # a vowel sign stays with its letter
            run.append(ch)
        else:
            flush()
            out.append(ch)
    flush()
    return "".join(out).strip(), changed


def normalize(name: str | bytes, *, max_chars: int = MAX_NAME_CHARS) -> NormalizedName:
    """Normalise a mark's name; raise :class:`InvalidNameError` when nothing comparable is left.

    >>> normalize("Djarum Super").tokens
    ('djarum', 'super')
    >>> normalize("🙂🙂")
    Traceback (most recent call last):
    ...
    similarity.text.normalize.InvalidNameError: the name '🙂🙂' has no letters or digits to compare — give a word mark
    """
    text = decode_name(name)
    if len(text) > max_chars:
        raise InvalidNameError(
            f"the name is {len(text):,} characters long — word marks are at most {max_chars} characters; "
            "pass the mark itself, not a description"
        )
    if not text.strip():
        raise InvalidNameError("the name is empty — give the word mark to check, or search by logo only")
    folded, confusable = unconfuse(text)
    folded, transliterated = transliterate(folded)
    tokens = _tokens(folded)
    if not tokens:
        shown = text if len(text) <= 40 else text[:40] + "…"
        # letters, but none Latin: say which script, not "no letters"
        letters = [ch for ch in text if unicodedata.category(ch)[0] == "L"]
        scripts = sorted({unicodedata.name(ch, "OTHER").split()[0] for ch in letters})
        if scripts:
            shown_scripts = ", ".join(s if s == "CJK" else s.title() for s in scripts)
            raise InvalidNameError(
                f"the name {shown!r} is written in {shown_scripts} letters, and names are compared in Latin "
                "letters — give its Latin spelling (as registered with DJKI)"
            )
        raise InvalidNameError(f"the name {shown!r} has no letters or digits to compare — give a word mark")
    return NormalizedName(original=text, tokens=tokens, confusable=confusable, transliterated=transliterated)
