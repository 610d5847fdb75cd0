"""Sound keys: spellings that an Indonesian ear hears alike get the same key.

>>> indonesian_key("djarum super") == indonesian_key("jarum super")
True
>>> indonesian_key("soerabaja"), indonesian_key("surabaya")
('surabaja', 'surabaja')
>>> indonesian_key("goodmilk") == indonesian_key("gudmilq")
True

Input is text already normalised by ``similarity.text.normalize``: lower-case ASCII letters and
digits, single spaces. Every key keeps the token count of its input, so callers can line tokens up.

The Indonesian key (DOMAIN.md §2) rewrites each token in a fixed order; the order matters because a
later rule must see what an earlier one produced:

1. ``kue2`` -> ``kuekue``: a trailing 2 marks reduplication; ``mc`` opening a word is read ``mek``
   (McDonald's = Mekdonalds).
2. Old spelling: ``oe``->u, ``dj``->j, ``tj``->c, ``nj``->ny, ``sj``->sy, ``ch``->kh (Achmad = Ahmad).
3. Loans: ``ck``->k, ``qu``->kw, ``xc``+e/i->ks (Xceed), ``x``->ks, ``ph``->f, ``th``->t, ``gh``->g,
   ``dh``->d, ``wh``->w, ``sh``->sy before a vowel else s, then ``kh``->h.
4. ``c``->k unless before e/i/y: loans (Coffee, Cola, Club) sound k; Indonesian c (cinta) stays.
5. Letters: ``q``->k, ``v``->f->p and ``f``->p (Sundanese ears merge f/p), ``z``->j (zaman/jaman,
   izin/ijin are the living variants) except at a word's end, where it is heard s (Adidaz = Adidas, Boyz =
   Boys: a final z is the stylised s of a loan, and a final consonant loses its voice).
6. ``ee``->i, ``oo``->u (Goodmilk = Gudmilk).
7. Glides: ``u`` (or ``uw``) before a vowel is ``w`` (suara/swara, akua/akwa); ``iy`` before a vowel
   is ``i`` (iya/ia).
8. ``y`` before a vowel is ``j``, otherwise ``i``. Old ``j`` is modern ``y`` (Soerabaja) while old
   ``dj`` is modern ``j`` (Djarum): the two spellings only meet if consonantal j and y share a key.
   We write that key ``j`` rather than ``y`` because ``y`` not before a vowel is a vowel (Sony =
   soni, Seycos = seikos). A side effect wanted by §2: ``ny``/``nj`` and ``sy``/``sj`` meet too.
9. ``w`` not before a vowel is ``u`` (kalau/kalaw); a final ``h`` is silent (rumah = ruma).
10. Doubled letters collapse (Sunny = suni, Xseed = ksid).

The registry is Indonesian first, and these rules already cover the loan spellings that matter most (c/k, q/k,
x/ks, ph/f, oo/u, ee/i). An English Double Metaphone key was written once and never wired into the index or the
score; it was removed (issue 19) rather than kept as a second, unused pipeline.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["indonesian_key"]

_REDUPLICATED = re.compile(r"^([a-z]{2,})2$")
# Step 2, old spelling, then the unconditional part of step 3. Applied in order with str.replace,
# which is several times faster than one regex with a callback.
_DIGRAPHS = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("nj", "ny"),
    ("sj", "sy"),
    ("ch", "kh"),
    ("ck", "k"),
    ("qu", "kw"),
    ("ph", "f"),
    ("th", "t"),
    ("gh", "g"),
    ("dh", "d"),
    ("wh", "w"),
)
_XC_SOFT = re.compile(r"xc(?=[eiy])")
_SH_BEFORE_VOWEL = re.compile(r"sh(?=[aeiou])")
_HARD_C = re.compile(r"c(?![eiy])")
_LETTERS = str.maketrans({"q": "k", "x": "ks", "v": "p", "f": "p", "z": "j"})
_U_GLIDE = re.compile(r"uw?(?=[aeio])")
_I_GLIDE = re.compile(r"iy(?=[aeiou])")
_Y_CONSONANT = re.compile(r"y(?=[aeiou])")
_W_VOWEL = re.compile(r"w(?![aeiou])")
_DOUBLED = re.compile(r"([a-z])\1+")


# About 100 MB when full; a 1M-name registry has a few hundred thousand distinct tokens.
@lru_cache(maxsize=1 << 19)
def _indonesian_token(token: str) -> str:
    t = _REDUPLICATED.sub(r"\1\1", token) if token.endswith("2") else token
    if t.startswith("mc") and len(t) > 3:
        t = "mek" + t[2:]
    for old, new in _DIGRAPHS:
        if old in t:
            t = t.replace(old, new)
    if "x" in t:
        t = _XC_SOFT.sub("ks", t)
    if "sh" in t:
        t = _SH_BEFORE_VOWEL.sub("sy", t).replace("sh", "s")
    t = t.replace("kh", "h")
    if "c" in t:
        t = _HARD_C.sub("k", t)
    if len(t) > 2 and t.endswith("z"):
        t = t[:-1] + "s"
    t = t.translate(_LETTERS).replace("ee", "i").replace("oo", "u")
    if "u" in t:
        t = _U_GLIDE.sub("w", t)
    if "y" in t:
        t = _Y_CONSONANT.sub("j", _I_GLIDE.sub("i", t)).replace("y", "i")
    if "w" in t:
        t = _W_VOWEL.sub("u", t)
    if len(t) > 1 and t.endswith("h"):
        t = t[:-1]
    return _DOUBLED.sub(r"\1", t)


def indonesian_key(text: str) -> str:
    """Per-token key under Indonesian spelling and loan-word equivalences (rules in the module doc).

    >>> indonesian_key("tjap baxo"), indonesian_key("cap bakso")
    ('kap bakso', 'kap bakso')
    >>> indonesian_key("aqua") == indonesian_key("akwa")
    True
    >>> indonesian_key("jarum") == indonesian_key("garam")
    False
    >>> indonesian_key("adidaz izin"), indonesian_key("adidas ijin")
    ('adidas ijin', 'adidas ijin')
    >>> indonesian_key("mcdonalds"), indonesian_key("mekdonalds")
    ('mekdonalds', 'mekdonalds')
    """
    if text.isalnum():  # one token (the re-read keys two neighbouring words written as one, for every candidate)
        return _indonesian_token(text)
    return " ".join(_indonesian_token(t) for t in text.split())
