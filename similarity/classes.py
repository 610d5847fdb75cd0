"""Nice classes and how related two of them are.

Art. 21(1)(a) of Law 20/2016 only blocks an earlier mark "for similar goods/services", so the engine needs
to know how close two Nice classes are. The class number is a starting point, not the answer (DOMAIN.md §5):
coffee (30) and cafés (43) are related although their numbers differ.

>>> parse_classes("kelas 30; 43")
(30, 43)
>>> evidence = goods_similarity([30], [25, 43])
>>> evidence.relation, evidence.score, evidence.mark_class
('related', 0.7, 43)
>>> evidence.reason()[1]
'related classes: 30 (coffee, tea, sugar, rice, bread, pastry, noodles, spices, sauces) ~ 43 (restaurants, \
cafés, catering, temporary accommodation)'
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import numpy as np

DATA_DIR = Path(__file__).parent / "data"

# Scores for the goods/services factor. Same class is the full factor. Related classes get 0.7, not 1.0:
# a rule in class_relations.tsv says the goods *may* meet in trade (coffee and cafés), which examiners
# weigh as similar but less than identical goods. Unrelated classes keep 0.1, not 0.0: registries record
# only class numbers, not the goods, so "different class" is weak evidence, and Art. 21(1)(c) still protects
# famous marks for dissimilar goods; a tiny score keeps an identical name visible as low risk instead of
# erasing it. The verdict stage decides how much this factor weighs against name and logo similarity.
SAME_SCORE = 1.0
RELATED_SCORE = 0.7
UNRELATED_SCORE = 0.1

FIRST_CLASS, LAST_CLASS = 1, 45
LAST_GOODS_CLASS = 34

UNRELATED_SOURCE = "DOMAIN.md §5: different classes with no relatedness rule in data/class_relations.tsv"

Relation = Literal["same", "related", "unrelated", "unknown"]


class UnknownClassError(ValueError):
    """A value that is not a Nice class number.

    >>> parse_classes("46")
    Traceback (most recent call last):
    ...
    similarity.classes.UnknownClassError: unknown Nice class '46' — Nice classes are numbered 1..45 \
(1-34 goods, 35-45 services)
    """

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(
            f"unknown Nice class {value!r} — Nice classes are numbered 1..45 (1-34 goods, 35-45 services)"
        )


@dataclass(frozen=True)
class NiceClass:
    """One Nice class with short Indonesian and English headings.

    >>> NICE_CLASSES[43].title_id
    'restoran, kafe, katering, penginapan'
    >>> NICE_CLASSES[43].kind
    'services'
    """

    number: int
    kind: Literal["goods", "services"]
    title_id: str
    title_en: str


def _load_nice_classes(path: Path = DATA_DIR / "nice_classes.json") -> Mapping[int, NiceClass]:
    rows = json.loads(path.read_text(encoding="utf-8"))["classes"]
    classes = {
        row["number"]: NiceClass(row["number"], row["kind"], row["title_id"], row["title_en"]) for row in rows
    }
    if sorted(classes) != list(range(FIRST_CLASS, LAST_CLASS + 1)):
        raise ValueError(f"{path} must list each Nice class 1..45 exactly once")
    for number, nice in classes.items():
        expected = "goods" if number <= LAST_GOODS_CLASS else "services"
        if nice.kind != expected or not nice.title_id or not nice.title_en:
            raise ValueError(f"{path}: class {number} needs kind {expected!r} and both titles")
    return MappingProxyType(classes)


NICE_CLASSES: Mapping[int, NiceClass] = _load_nice_classes()


def _check_class(value: object) -> int:
    """Return ``value`` as a class number 1..45, or raise UnknownClassError."""
    if isinstance(value, bool):
        raise UnknownClassError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise UnknownClassError(value)
        value = int(value)
    if isinstance(value, (int, np.integer)) and FIRST_CLASS <= value <= LAST_CLASS:
        return int(value)
    raise UnknownClassError(value)


# Words around class numbers in registry exports: "kelas 30", "Class 30, 43", "Kl. 30 dan 43", "Nice 30".
_CLASS_WORDS = re.compile(r"\b(?:kelas|kls|kl|class(?:es)?|cl|nice|no|dan|and)\b\.?", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;/|+&]+")
_NUMBER = re.compile(r"\d+(?:\.0+)?")


def _parse_text(text: str) -> list[int]:
    numbers = []
    for token in _SEPARATORS.split(_CLASS_WORDS.sub(" ", text)):
        if not token:
            continue
        number = int(float(token)) if _NUMBER.fullmatch(token) else 0
        if not FIRST_CLASS <= number <= LAST_CLASS:
            raise UnknownClassError(token)  # the text as written, so the user finds it
        numbers.append(number)
    return numbers


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def parse_classes(value: str | int | Iterable[str | int] | None) -> tuple[int, ...]:
    """Read Nice class numbers from a registry cell, a user's input or a list; sorted and unique.

    Separators may be ``;`` ``,`` ``/`` ``|`` or spaces, with words like "kelas" or "class" around the
    numbers. ``None``, ``""`` and NaN (an empty CSV cell) give ``()``; anything else that is not 1..45
    raises UnknownClassError, so a typo in a registry never silently drops a class.

    >>> parse_classes("30,43 30")
    (30, 43)
    >>> parse_classes([43, "kelas 030"])
    (30, 43)
    >>> parse_classes(None)
    ()
    """
    if _is_missing(value):
        return ()
    if isinstance(value, str):
        numbers = _parse_text(value)
    elif isinstance(value, (int, float, np.integer)):
        numbers = [_check_class(value)]
    elif isinstance(value, Iterable):
        numbers = [number for item in value if not _is_missing(item) for number in parse_classes(item)]
    else:
        raise UnknownClassError(value)
    return tuple(sorted(set(numbers)))


def _load_relations(path: Path = DATA_DIR / "class_relations.tsv") -> Mapping[frozenset[int], str]:
    rules: dict[frozenset[int], str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for line_number, row in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
            a, b = _check_class(int(row["class_a"])), _check_class(int(row["class_b"]))
            pair = frozenset((a, b))
            if a == b or row["relation"] != "related" or not row["source"].strip():
                raise ValueError(f"{path} row {line_number}: need two different classes, 'related', a source")
            if pair in rules:
                raise ValueError(f"{path} row {line_number}: pair {a}~{b} is listed twice")
            rules[pair] = row["source"].strip()
    return MappingProxyType(rules)


_RELATIONS = _load_relations()


def class_relatedness(a: int, b: int) -> tuple[Relation, float, str]:
    """Return ``(relation, score, source)`` for two Nice classes; symmetric.

    >>> class_relatedness(30, 30)
    ('same', 1.0, '')
    >>> class_relatedness(43, 30)[:2]
    ('related', 0.7)
    >>> class_relatedness(25, 30)[:2]
    ('unrelated', 0.1)
    """
    a, b = _check_class(a), _check_class(b)
    if a == b:
        return "same", SAME_SCORE, ""
    source = _RELATIONS.get(frozenset((a, b)))
    if source is not None:
        return "related", RELATED_SCORE, source
    return "unrelated", UNRELATED_SCORE, UNRELATED_SOURCE


def related_classes(number: int) -> tuple[int, ...]:
    """Classes with a relatedness rule to ``number`` (not itself), e.g. to widen a registry search.

    >>> related_classes(43)
    (29, 30, 31, 32, 33, 39)
    """
    number = _check_class(number)
    return tuple(sorted(other for pair in _RELATIONS if number in pair for other in pair if other != number))


def _describe(number: int, lang: Literal["id", "en"]) -> str:
    nice = NICE_CLASSES[number]
    return f"{number} ({nice.title_id if lang == 'id' else nice.title_en})"


@dataclass(frozen=True)
class GoodsEvidence:
    """How related the goods/services of a query and a registered mark are, decided by their best pair.

    ``score`` is None (relation "unknown") when either side has no classes: the factor is then not
    assessed rather than guessed.

    >>> goods_similarity([25], [18, 30])
    GoodsEvidence(score=0.7, relation='related', query_class=25, mark_class=18, source='DOMAIN.md §5; USPTO \
coordinated classes — bags ~ clothing')
    >>> goods_similarity([], [30]).reason()[1]
    'goods/services class unknown — relatedness not assessed'
    """

    score: float | None
    relation: Relation
    query_class: int | None
    mark_class: int | None
    source: str

    def reason(self) -> tuple[str, str]:
        """The evidence as a short sentence: ``(Indonesian, English)``."""
        if self.query_class is None or self.mark_class is None:
            return (
                "kelas barang/jasa tidak diketahui — keterkaitan tidak dinilai",
                "goods/services class unknown — relatedness not assessed",
            )
        q_id, m_id = _describe(self.query_class, "id"), _describe(self.mark_class, "id")
        q_en, m_en = _describe(self.query_class, "en"), _describe(self.mark_class, "en")
        if self.relation == "same":
            return f"kelas sama: {q_id}", f"same class: {q_en}"
        if self.relation == "related":
            return f"kelas terkait: {q_id} ~ {m_id}", f"related classes: {q_en} ~ {m_en}"
        return f"kelas tidak terkait: {q_id} vs {m_id}", f"unrelated classes: {q_en} vs {m_en}"


def goods_similarity(query_classes: Sequence[int], mark_classes: Sequence[int]) -> GoodsEvidence:
    """Compare two sets of classes by their closest pair (same > related > unrelated).

    Ties go to the lowest class numbers, so the result is deterministic.

    >>> goods_similarity([30, 43], [43]).relation
    'same'
    >>> goods_similarity([9], [30]).score
    0.1
    """
    if isinstance(query_classes, tuple) and isinstance(mark_classes, tuple):
        return _goods_similarity_of_tuples(query_classes, mark_classes)
    return _goods_similarity(query_classes, mark_classes)


@lru_cache(maxsize=8192)
def _goods_similarity_of_tuples(query_classes: tuple, mark_classes: tuple) -> GoodsEvidence:
    """`goods_similarity` remembered: a check compares its classes with each match's, and the pairs repeat."""
    return _goods_similarity(query_classes, mark_classes)


def _goods_similarity(query_classes: Sequence[int], mark_classes: Sequence[int]) -> GoodsEvidence:
    queries, marks = _parsed(query_classes), _parsed(mark_classes)
    if not queries or not marks:
        return GoodsEvidence(None, "unknown", None, None, "")
    pairs = ((q, m, *_relatedness(q, m)) for q in queries for m in marks)
    q, m, relation, score, source = max(pairs, key=lambda pair: pair[3])  # max keeps the first of ties
    return GoodsEvidence(score, relation, q, m, source)


def _parsed(classes: Sequence[int]) -> tuple[int, ...]:
    """`parse_classes` of ``classes``, which is mostly its answer already (a tuple of class numbers, ascending):
    returned as it is then, without a parse per item (a check compares its classes with each match's)."""
    if type(classes) is tuple and all(type(c) is int for c in classes) and classes == tuple(sorted(set(classes))) and (
        not classes or (classes[0] >= FIRST_CLASS and classes[-1] <= LAST_CLASS)
    ):
        return classes
    return parse_classes(classes)


_relatedness = lru_cache(maxsize=None)(class_relatedness)
"""`class_relatedness` of two checked class numbers, remembered (45 x 45 pairs at most)."""


@lru_cache(maxsize=1)
def relatedness_matrix() -> np.ndarray:
    """A read-only 46x46 float matrix of class scores; row/column 0 is unused (zeros).

    ``relatedness_matrix()[q, m]`` equals ``class_relatedness(q, m)[1]``, for vectorised scoring of many
    candidates at once.

    >>> m = relatedness_matrix()
    >>> m.shape, float(m[30, 43]), float(m[43, 30]), float(m[0, 30])
    ((46, 46), 0.7, 0.7, 0.0)
    """
    matrix = np.full((LAST_CLASS + 1, LAST_CLASS + 1), UNRELATED_SCORE, dtype=np.float64)
    matrix[0, :] = matrix[:, 0] = 0.0
    for pair in _RELATIONS:
        a, b = sorted(pair)
        matrix[a, b] = matrix[b, a] = RELATED_SCORE
    for number in range(FIRST_CLASS, LAST_CLASS + 1):
        matrix[number, number] = SAME_SCORE
    matrix.flags.writeable = False
    return matrix


def class_mask(classes: Iterable[int]) -> int:
    """The Nice classes as a bit mask (bit ``c`` for class ``c``), as an index stores them per mark.

    >>> class_mask([29, 30]) == (1 << 29) | (1 << 30), mask_classes(class_mask([29, 30]))
    (True, (29, 30))
    """
    m = 0
    for c in classes:
        m |= 1 << int(c)
    return m


def mask_classes(mask: int) -> tuple[int, ...]:
    """The classes of a bit mask made by `class_mask`."""
    mask = int(mask)
    return tuple(c for c in range(1, 46) if mask >> c & 1)
