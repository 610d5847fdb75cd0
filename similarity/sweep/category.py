"""The goods a listing sells, as Nice classes, and how they relate to a mark's classes (issue 18).

A mark is infringed by use for the goods it covers (or, for a famous mark, beyond them): PUMA in a shoe listing is
the sportswear mark, not the fuel one; SYNDICATE on a T-shirt is not Syndicate Bank. The listing's goods come from
its category breadcrumb when the marketplace gives one (``fashion-pria/sepatu-pria/sneakers-pria``: the most
specific segment the goods terms of :mod:`similarity.goods` know), else from the goods words of its title
("Kaos", "Sepatu", "Kopi Bubuk")::

    >>> listing_classes("Sepatu Sneakers Pria", "fashion-pria/sepatu-pria/sneakers-pria")
    (25,)
    >>> listing_classes("Kopi Bubuk Robusta 200gr")
    (30,)
    >>> listing_classes("XYZ 123")
    ()
    >>> listing_relation((25,), (4, 35)), listing_relation((25,), (25, 35)), listing_relation((25,), ())
    ('unrelated', 'same', 'unknown')
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..classes import LAST_GOODS_CLASS, class_mask
from ..goods import goods_terms, normalize_term, search_goods
from ..verdict.tiers import goods_relation
from .titles import tokenize_title

RETAIL_CLASS = 35
"""Retail, wholesale and advertising services. Most registrations add it to their goods (PUMA fuel: 4 and 35), and
the class-relation table relates it to every class of goods, so it would relate any mark to any product. A title
names the product's brand, i.e. goods: a mark's class 35 counts only when the mark has no goods class, and then
only for a listing whose goods are services too (a retailer's name in a product title is the seller's, and the
shop column is where the sweep meets the seller)."""
TITLE_TERM_WORDS = 2
"""Goods terms of up to this many words are looked up in a title ("kopi bubuk", "tas ransel")."""


@lru_cache(maxsize=4096)
def category_classes(category: str) -> tuple[int, ...]:
    """Classes of a category breadcrumb: those of its most specific segment that names known goods.

    >>> category_classes("fashion-wanita/tas-wanita/tas-selempang-wanita")
    (18,)
    >>> category_classes("makanan-minuman/minuman/kopi-bubuk")
    (30,)
    >>> category_classes("lainnya")
    ()
    """
    for segment in reversed([s for s in category.replace(">", "/").split("/") if s.strip()]):
        found = search_goods(segment.replace("-", " ").replace("_", " "))
        if found.found and found.classes:
            return found.classes
    return ()


def title_classes(tokens: Sequence[str]) -> tuple[int, ...]:
    """Classes of the goods terms standing whole in a title's tokens, a term inside a longer one found left out
    ("kopi bubuk" is ground coffee, class 30, not also "kopi" the coffee shop, 43) — as a goods search reads a
    phrase. Every other term counts: a title may name a shirt and the motorbike printed on it."""
    terms = goods_terms()
    spans: list[tuple[int, int, str]] = []
    for n in range(TITLE_TERM_WORDS, 0, -1):
        for i in range(len(tokens) - n + 1):
            term = normalize_term(" ".join(tokens[i : i + n]))
            if term in terms and not any(a <= i and i + n <= b for a, b, _ in spans):
                spans.append((i, i + n, term))
    return tuple(sorted({c.number for _, _, term in spans for c in terms[term]}))


def listing_classes(title: str, category: str | None = None, tokens: Sequence[str] | None = None) -> tuple[int, ...]:
    """The listing's goods: its category's classes, else its title's; () when neither names known goods."""
    if category and (found := category_classes(category.strip().lower())):
        return found
    if tokens is None:
        tokens = tokenize_title(title).tokens
    return title_classes(tokens)


def listing_relation(listing: Sequence[int], mark: Sequence[int]) -> str:
    """``same``, ``related``, ``unrelated`` or ``unknown`` (either side without classes) between a listing's goods
    and a mark's classes, as check() relates a query's classes to a mark's, except for `RETAIL_CLASS`."""
    if not listing or not mark:
        return "unknown"
    goods = [c for c in mark if c != RETAIL_CLASS] or list(mark)
    if goods == [RETAIL_CLASS] and all(c <= LAST_GOODS_CLASS for c in listing):
        return "unrelated"
    return str(goods_relation(list(listing), np.array([class_mask(goods)], dtype=np.int64))[0])
