"""Goods terms → Nice classes: an owner knows she sells *keripik* or *hijab*, not "class 29" or "class 25".

``data/goods_terms.tsv`` maps several hundred Indonesian and English words a UMKM uses to Nice classes, each
class with its reason and the part of the Nice Classification it rests on. :func:`search_goods` finds terms the
way a person types them (exact, a word inside a longer phrase, a prefix while typing, a typo)::

    >>> hit = search_goods("keripik").hits[0]
    >>> hit.term, [c.number for c in hit.classes]
    ('keripik', [29, 30])
    >>> hit.classes[0].why("en")
    'chips of potato, fruit, vegetables or tempeh (processed fruit and vegetables)'
    >>> search_goods("keripk").found, search_goods("keripk").suggestions[:1]
    (False, ('keripik',))
    >>> classes_for_goods(["bakso", "kopi bubuk"])
    (29, 30, 43)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process

from .classes import FIRST_CLASS, LAST_CLASS

GOODS_TERMS = Path(__file__).parent / "data" / "goods_terms.tsv"
MIN_PREFIX = 2
"""Shortest typed prefix that lists terms: one letter would list hundreds."""
FUZZY_CUTOFF = 75
"""rapidfuzz ratio (0-100) a term needs to be offered for a typo: "keripk" → keripik (92), "kopi" → "kapi" not."""

How = Literal["exact", "phrase", "prefix", "fuzzy"]


@dataclass(frozen=True)
class GoodsClass:
    """One Nice class a goods term falls in, with why and on what the mapping rests.

    >>> GoodsClass(43, "warung bakso", "a meatball stall", "note").why("en")
    'a meatball stall'
    """

    number: int
    why_id: str
    why_en: str
    source: str

    def why(self, lang: str = "id") -> str:
        return self.why_en if lang == "en" else self.why_id

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"number": self.number, "why": self.why(lang), "why_id": self.why_id, "why_en": self.why_en,
                "source": self.source}


@dataclass(frozen=True)
class GoodsHit:
    """A term found for a query: the word that matched, how, and the classes of its group(s).

    >>> search_goods("es teh").hits[0].how
    'exact'
    """

    term: str
    how: How
    score: float
    classes: tuple[GoodsClass, ...]

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"term": self.term, "how": self.how, "score": round(self.score, 1),
                "classes": [c.to_dict(lang) for c in self.classes]}


@dataclass(frozen=True)
class GoodsSearch:
    """The answer to one goods query. ``found`` is False when only typo-like neighbours exist; they are then the
    ``suggestions``.

    >>> search_goods("online shop").classes
    (35,)
    """

    query: str
    hits: tuple[GoodsHit, ...]

    @property
    def found(self) -> bool:
        return any(h.how != "fuzzy" for h in self.hits)

    @property
    def classes(self) -> tuple[int, ...]:
        """The classes of the term typed: the exact hit's; else those of the phrase hits no longer phrase hit
        contains ("keripik singkong pedas" → keripik singkong, not keripik as well); else none (a prefix is still
        being typed)."""
        best = [h for h in self.hits if h.how == "exact"]
        if not best:
            phrases = [h for h in self.hits if h.how == "phrase"]
            best = [h for h in phrases if not any(h.term != o.term and f" {h.term} " in f" {o.term} " for o in phrases)]
        return tuple(sorted({c.number for h in best for c in h.classes}))

    @property
    def suggestions(self) -> tuple[str, ...]:
        return tuple(h.term for h in self.hits)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"query": self.query, "found": self.found, "classes": list(self.classes),
                "hits": [h.to_dict(lang) for h in self.hits]}


class UnknownGoodsError(ValueError):
    """A goods term the list does not hold; says so in either language and names the closest terms.

    >>> str(UnknownGoodsError("keripk", ("keripik", "kripik")))
    "unknown goods term 'keripk' — did you mean keripik, kripik? (or give the Nice class with --class)"
    >>> UnknownGoodsError("xyz", ()).text("id")
    "istilah barang/jasa 'xyz' tidak dikenal — pilih kelas Nice dengan nomornya"
    """

    def __init__(self, term: str, suggestions: tuple[str, ...]) -> None:
        self.term, self.suggestions = term, suggestions
        super().__init__(self.text("en"))

    def text(self, lang: str = "id") -> str:
        close = ", ".join(self.suggestions[:3])
        if lang == "en":
            hint = f"did you mean {close}? (or give the Nice class with --class)" if close else \
                "give the Nice class by number"
            return f"unknown goods term {self.term!r} — {hint}"
        hint = f"maksud Anda {close}? (atau pilih kelas Nice dengan --class)" if close else \
            "pilih kelas Nice dengan nomornya"
        return f"istilah barang/jasa {self.term!r} tidak dikenal — {hint}"


def normalize_term(text: str) -> str:
    """Lower case, accents folded, punctuation other than ``-`` as spaces, single spaces.

    >>> normalize_term("  Café/Kopi  BUBUK ")
    'cafe kopi bubuk'
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9\- ]+", " ", text).split())


@dataclass(frozen=True)
class _Table:
    by_term: Mapping[str, tuple[GoodsClass, ...]]
    terms: tuple[str, ...]


@lru_cache(maxsize=1)
def _table(path: Path = GOODS_TERMS) -> _Table:
    by_term: dict[str, dict[int, GoodsClass]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for line, row in enumerate(rows, 2):
            number = int(row["class"])
            if not FIRST_CLASS <= number <= LAST_CLASS or not all(row[k] for k in ("why_id", "why_en", "source")):
                raise ValueError(f"{path}: row {line} needs a class 1..45, both reasons and a source")
            nice = GoodsClass(number, row["why_id"], row["why_en"], row["source"])
            for term in row["terms"].split("|"):
                # a word in two groups ("rumah makan": warung and restaurant) keeps every class, the first reason
                by_term.setdefault(normalize_term(term), {}).setdefault(number, nice)
    frozen = {t: tuple(sorted(c.values(), key=lambda g: g.number)) for t, c in by_term.items()}
    return _Table(frozen, tuple(sorted(frozen)))


def goods_terms() -> Mapping[str, tuple[GoodsClass, ...]]:
    """Every known term with its classes (for a picker that lists them all)."""
    return _table().by_term


def search_goods(query: str, limit: int = 8) -> GoodsSearch:
    """Terms for what a person typed, best first: the exact term; terms standing whole inside a longer phrase
    ("keripik singkong pedas" → keripik singkong, keripik); terms starting with it ("kop" → kopi …); and, only when
    none of those exists, the closest spellings (``how == "fuzzy"``, ``found`` False)."""
    table = _table()
    q = normalize_term(query)
    if not q:
        return GoodsSearch(query, ())
    hits: dict[str, GoodsHit] = {}
    if q in table.by_term:
        hits[q] = GoodsHit(q, "exact", 100.0, table.by_term[q])
    padded = f" {q} "
    if " " in q:
        for term in sorted((t for t in table.terms if f" {t} " in padded and t != q), key=len, reverse=True):
            hits.setdefault(term, GoodsHit(term, "phrase", 100.0 * len(term) / len(q), table.by_term[term]))
    if len(q) >= MIN_PREFIX:
        for term in sorted((t for t in table.terms if t.startswith(q) and t != q), key=lambda t: (len(t), t)):
            hits.setdefault(term, GoodsHit(term, "prefix", 100.0 * len(q) / len(term), table.by_term[term]))
    if not hits:
        for term, score, _ in process.extract(q, table.terms, scorer=fuzz.ratio, limit=limit,
                                              score_cutoff=FUZZY_CUTOFF):
            hits[term] = GoodsHit(term, "fuzzy", float(score), table.by_term[term])
    return GoodsSearch(query, tuple(hits.values())[:limit])


def classes_for_goods(terms: Iterable[str]) -> tuple[int, ...]:
    """The Nice classes of goods terms, for ``--goods`` and the API's ``goods``; raises
    :class:`UnknownGoodsError` (with the closest terms) for a term that is not in the list."""
    out: set[int] = set()
    for term in terms:
        if not str(term).strip():
            continue
        found = search_goods(term)
        if not found.classes:
            raise UnknownGoodsError(str(term).strip(), found.suggestions)
        out.update(found.classes)
    return tuple(sorted(out))
