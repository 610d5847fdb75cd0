"""Famous marks: a short curated list the engine checks every name against.

Art. 21(1)(b) and (c) of Law 20/2016 protect a famous mark beyond its own goods, so a name that copies one is
a risk even in an unrelated class. The list lives in ``data/famous_marks.tsv``: global brands from
Interbrand's Best Global Brands and brands widely known in Indonesia, each row naming where it comes from.

>>> is_famous("Teh Botol SOSRO").owner
'PT Sinar Sosro'
>>> famous_key("L'Oréal Paris")
'lorealparis'
>>> is_famous("Kopi Kenangan Senja") is None
True
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from .classes import NICE_CLASSES

FAMOUS_MARKS_PATH = Path(__file__).parent / "data" / "famous_marks.tsv"

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class FamousMark:
    """One famous mark; ``owner`` is "" when not known for sure, ``country`` an ISO 3166-1 alpha-2 code, ``classes``
    the Nice classes of the goods or services it is known for (its core goods, not every class it holds).

    >>> mark = is_famous("indomie")
    >>> mark.name, mark.country, mark.classes
    ('Indomie', 'ID', (30,))
    """

    name: str
    owner: str
    country: str
    classes: tuple[int, ...]
    source: str


def famous_key(name: str) -> str:
    """Lookup key: accents folded, lower case, letters and digits only.

    >>> famous_key("Teh Botol Sosro"), famous_key("Coca-Cola"), famous_key("Hermès")
    ('tehbotolsosro', 'cocacola', 'hermes')
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", folded.lower())


def _load(path: Path) -> tuple[FamousMark, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    marks = []
    for row_number, row in enumerate(rows, start=1):
        name, owner, country, classes, source = (
            (row.get(column) or "").strip() for column in ("name", "owner", "country", "classes", "source")
        )
        if not famous_key(name) or not source or not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"{path} data row {row_number}: need a name, a two-letter country and a source")
        if not re.fullmatch(r"\d{1,2}(;\d{1,2})*", classes) or not all(
            int(c) in NICE_CLASSES for c in classes.split(";")
        ):
            raise ValueError(f"{path} data row {row_number}: classes must be Nice classes 1-45 joined by ';'")
        marks.append(FamousMark(name, owner, country, tuple(sorted({int(c) for c in classes.split(";")})), source))
    return tuple(marks)


@lru_cache(maxsize=1)
def famous_marks() -> tuple[FamousMark, ...]:
    """All famous marks, in file order (global brands first, then Indonesian ones).

    >>> len(famous_marks()) >= 150
    True
    """
    return _load(FAMOUS_MARKS_PATH)


@lru_cache(maxsize=1)
def _by_key() -> Mapping[str, FamousMark]:
    index: dict[str, FamousMark] = {}
    for mark in famous_marks():
        key = famous_key(mark.name)
        if key in index:
            raise ValueError(f"{FAMOUS_MARKS_PATH}: {mark.name!r} and {index[key].name!r} share key {key!r}")
        index[key] = mark
    return MappingProxyType(index)


def is_famous(name: str) -> FamousMark | None:
    """The famous mark whose key equals ``name``'s key, else None.

    This is an exact lookup after :func:`famous_key` (so "KOPI-KAPAL API" finds "Kopi Kapal Api"); near
    spellings are the similarity engine's job.

    >>> is_famous("KOPI-KAPAL API").name
    'Kopi Kapal Api'
    >>> is_famous("") is None
    True
    """
    key = famous_key(name)
    return _by_key().get(key) if key else None
