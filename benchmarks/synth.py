"""Deterministic brand-like names and the query variants copiers make of them (for the name benchmarks).

Names mix Indonesian and English word stock (the project's lexicon and generic-word lists), coined
syllable words ("bensu", "maicih"), shop words and legal forms, in the patterns UMKM marks use.
Queries are made from registry names by typos, phonetic respellings, added/dropped words, word swaps
and translation — the ways a later mark imitates an earlier one.

    >>> names = brand_names(1000, seed=1)
    >>> len(names), len(set(names)) == len(names)
    (1000, True)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from similarity.text.lexicon import generic_words, load_lexicon

_ONSETS = ["b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "w", "y", "ny", "ng", "kr", "tr",
           "sr", "br", "pr", "gr", "bl", "kl", "st", "sh", "z", "v", "f", "q", "x"]  # fmt: skip
_VOWELS = ["a", "i", "u", "e", "o", "a", "i", "a", "ai", "au", "ee", "oo"]
_CODAS = ["", "", "", "n", "ng", "r", "s", "k", "t", "l", "h", "m"]


def _coined(rng: random.Random) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(rng.randint(1, 3)))


def _stock() -> tuple[list[str], list[str], list[str]]:
    """(Indonesian words, English words, generic words) of the project's lexicon."""
    lex = load_lexicon()
    eng = sorted(w for w in lex.english if " " not in w)
    indo = sorted(w for w in lex.index if w not in lex.english and " " not in w)
    return indo, eng, sorted(generic_words())


def brand_names(n: int, seed: int = 42) -> list[str]:
    """``n`` distinct brand-like names, reproducible from ``seed``."""
    rng = random.Random(seed)
    indo, eng, generic = _stock()
    words = indo + eng
    shop = ["toko", "warung", "kedai", "dapur", "rumah", "official", "store", "shop", "cv", "pt", "ud"]
    quality = ["jaya", "makmur", "abadi", "sentosa", "sejahtera", "premium", "asli", "enak", "nikmat", "indonesia"]
    out: set[str] = set()
    names: list[str] = []
    while len(names) < n:
        core = [_coined(rng) if rng.random() < 0.55 else rng.choice(words) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        pattern = rng.random()
        if pattern < 0.25:
            tokens = [rng.choice(generic)] + core
        elif pattern < 0.4:
            tokens = core + [rng.choice(quality)]
        elif pattern < 0.5:
            tokens = [rng.choice(shop)] + core
        else:
            tokens = core
        name = " ".join(tokens)
        if rng.random() < 0.5:
            name = name.title() if rng.random() < 0.7 else name.upper()
        if name.casefold() not in out:
            out.add(name.casefold())
            names.append(name)
    return names


_RESPELL = [("k", "c"), ("u", "oe"), ("j", "dj"), ("ks", "x"), ("f", "ph"), ("i", "ee"), ("c", "ch"),
            ("s", "z"), ("ny", "nj"), ("y", "j"), ("kw", "q"), ("u", "oo"), ("t", "th")]  # fmt: skip


@dataclass(frozen=True)
class Variant:
    """A query made from registry name ``source`` (index into the names) by ``kind``."""

    query: str
    source: int
    kind: str


def _typo(rng: random.Random, s: str) -> str:
    letters = [i for i, ch in enumerate(s) if ch.isalpha()]
    if len(letters) < 3:
        return s + rng.choice("aeiou")
    i = rng.choice(letters)
    op = rng.choice(("sub", "del", "ins", "swap"))
    if op == "sub":
        return s[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + s[i + 1 :]
    if op == "del":
        return s[:i] + s[i + 1 :]
    if op == "ins":
        return s[:i] + rng.choice("aeiourn") + s[i:]
    j = min(i + 1, len(s) - 1)
    return s[:i] + s[j] + s[i] + s[j + 1 :]


def variants(names: list[str], n: int, seed: int = 7) -> list[Variant]:
    """``n`` queries made from random registry names, cycling through the imitation kinds."""
    rng = random.Random(seed)
    lex = load_lexicon()
    kinds = ["typo", "respell", "add_word", "drop_word", "swap", "translate", "spacing"]
    out: list[Variant] = []
    tries = 0
    while len(out) < n and tries < n * 50:
        tries += 1
        src = rng.randrange(len(names))
        name = names[src]
        tokens = name.split()
        kind = kinds[len(out) % len(kinds)]
        q = name
        if kind == "typo":
            q = _typo(rng, name)
        elif kind == "respell":
            low = name.lower()
            options = [(a, b) for a, b in _RESPELL if a in low]
            if not options:
                continue
            a, b = rng.choice(options)
            q = re.sub(a, b, low, count=1)
        elif kind == "add_word":
            q = name + " " + rng.choice(["jaya", "official", "premium", "baru", "asli", "store", "indonesia"])
        elif kind == "drop_word":
            if len(tokens) < 3:
                continue
            tokens.pop(rng.randrange(len(tokens)))
            q = " ".join(tokens)
        elif kind == "swap":
            if len(tokens) < 2:
                continue
            i = rng.randrange(len(tokens) - 1)
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
            q = " ".join(tokens)
        elif kind == "translate":
            swapped = False
            for i, t in enumerate(tokens):
                other = [w for w in lex.translate(t.lower()) if " " not in w]
                if other:
                    tokens[i] = rng.choice(other)
                    swapped = True
                    break
            if not swapped:
                continue
            q = " ".join(tokens)
        elif kind == "spacing":
            if len(tokens) < 2:
                continue
            q = "".join(tokens) if rng.random() < 0.5 else ".".join(tokens)
        if q != name and q.strip():
            out.append(Variant(q, src, kind))
    return out
