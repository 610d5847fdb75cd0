"""Stage 5 — combine the factors into one score per match and a risk verdict for the query.

All weights and thresholds live here, each with its rationale; the thresholds come from
``data/verdict_calibration.json``, which names the labelled data and date that produced them
(``scripts/calibrate_verdict.py`` rewrites it)::

    >>> tier(0.95)
    'high'
    >>> tier(0.05)
    'clear'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from ..classes import LAST_GOODS_CLASS, class_mask, related_classes
from ..values import RISKS, Match, Reason, Risk, Verdict
from .model import load_model

GOODS_WEIGHT = {"same": 1.0, "related": 0.9, "unrelated": 0.30, "unknown": 0.75, "any": 1.0}
"""How much of the sign similarity survives the goods comparison. Same class: all of it. Related classes (a rule in
class_relations.tsv): most of it — examiners treat coffee vs cafés as similar goods. Unrelated: little, since
Art. 21(1)(a) needs similar goods: a mark that is not famous, in goods no relation rule connects, is no ground of
refusal however alike the names, so even the same name stays below the calibrated "medium" (0.30 x 1.0 against
0.31) and is shown at "low" — a similar mark exists, in other goods. It was 0.45 while the re-read missed most such
marks; once it re-read them (`RESCORED_BY_NAME`) 0.45 put identical names in unrelated goods at medium (COLUMBIA BANK
~ COLUMBIA clothing 0.41, REPCO BANK ~ REPCO 0.43): 16 of 1,000 coexisting brands rose to medium. Unknown (the mark has
no classes on record): between related and unrelated — unknown goods are not "the same goods" (issue 18), yet
the mark may well cover them. ``any``: the query named no classes, so every class
counts (said so in the output)."""
FAMOUS_UNRELATED_WEIGHT = 0.9
"""Art. 21(1)(c): a famous mark is protected for dissimilar goods too."""
FAMOUS_COPY = 0.75
"""The conflict probability a famous mark respelled one letter off or to the same sound, or contained whole beside a
word of the query's own, gets at least (:mod:`similarity.text.imitation`: HONDO ~ HONDA, ADIDAZ ~ ADIDAS, KOPI
KENANGAN SENJA ~ KOPI KENANGAN), which the learned score reads low (HONDO ~ HONDA 0.19: one letter apart is mostly two
ordinary words among its labelled pairs). Above the calibrated
"high" (0.72) in the same or any goods; at "medium" in unrelated goods, weighed by `FAMOUS_UNRELATED_WEIGHT`
(0.675), where Art. 21(1)(c) adds conditions."""
BOTH_SIGNS_BONUS = 0.25
"""When name and logo are both similar, the whole impression is closer than either alone (share of the weaker)."""

DEFAULT_THRESHOLDS = {"high": 0.85, "medium": 0.7, "low": 0.5}


@lru_cache(maxsize=1)
def calibration() -> dict:
    """The calibrated tier thresholds and the data that produced them."""
    try:
        text = resources.files("similarity.data").joinpath("verdict_calibration.json").read_text("utf-8")
        return json.loads(text)
    except FileNotFoundError:
        return {"thresholds": DEFAULT_THRESHOLDS, "dataset": "uncalibrated defaults", "date": None}


def thresholds() -> dict[str, float]:
    return calibration()["thresholds"]


@lru_cache(maxsize=1)
def verdict_digest() -> str:
    """Identifies what turns evidence into scores and tiers: the learned model and the tier thresholds. An index
    records it when saved; loading one saved with another warns (:class:`~similarity.store.index.ModelChangedWarning`).

    >>> len(verdict_digest())
    12
    """
    text = json.dumps([load_model().digest, thresholds()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def tier(score: float) -> Risk:
    """Risk tier of one overall score."""
    t = thresholds()
    for risk in ("high", "medium", "low"):
        if score >= t[risk]:
            return risk
    return "clear"


@lru_cache(maxsize=64)
def _related_mask(query_classes: tuple[int, ...]) -> int:
    return class_mask(r for c in query_classes for r in related_classes(c))


RELATIONS = ("any", "same", "related", "unrelated", "unknown")
"""The goods relations by code (`goods_relation_codes`)."""
_RELATION_NAMES = np.array(RELATIONS, dtype=object)


def goods_relation_codes(query_classes: Sequence[int], mark_masks: np.ndarray) -> np.ndarray:
    """Relation per mark as an int8 index into `RELATIONS`, from the marks' class bit masks (for scoring that reads
    arrays: five comparisons over the candidates, no string per candidate).

    >>> [RELATIONS[c] for c in goods_relation_codes([30], np.array([1 << 30, 1 << 43, 1 << 9, 0]))]
    ['same', 'related', 'unrelated', 'unknown']
    """
    if not query_classes:
        return np.zeros(len(mark_masks), dtype=np.int8)
    qmask = class_mask(query_classes)
    rel = _related_mask(tuple(query_classes))
    out = np.full(len(mark_masks), RELATIONS.index("unrelated"), dtype=np.int8)
    out[(mark_masks & rel) != 0] = RELATIONS.index("related")
    out[(mark_masks & qmask) != 0] = RELATIONS.index("same")
    out[mark_masks == 0] = RELATIONS.index("unknown")
    return out


def goods_relation(query_classes: Sequence[int], mark_masks: np.ndarray) -> np.ndarray:
    """Relation per mark (array of str): same / related / unrelated / unknown, or any when no query classes."""
    return _RELATION_NAMES[goods_relation_codes(query_classes, mark_masks)]


def sign_similarity(name: np.ndarray, logo: np.ndarray) -> np.ndarray:
    """Similarity of the signs: the stronger of name and logo, raised when both are similar."""
    hi, lo = np.maximum(name, logo), np.minimum(name, logo)
    return np.minimum(1.0, hi + BOTH_SIGNS_BONUS * np.clip(lo - 0.5, 0, None) * (1 - hi) * 2)


def goods_weights(relation: np.ndarray, famous: np.ndarray) -> np.ndarray:
    """How much of the sign similarity survives the goods comparison, per mark (`GOODS_WEIGHT`; a famous mark keeps
    `FAMOUS_UNRELATED_WEIGHT` for dissimilar goods). This is the ``goods`` factor a match shows.

    >>> [round(float(w), 2) for w in goods_weights(np.array(["same", "unrelated", "unrelated"]),
    ...                                            np.array([False, False, True]))]
    [1.0, 0.3, 0.9]
    """
    codes = np.fromiter(map(RELATIONS.index, np.asarray(relation).tolist()), dtype=np.int8, count=len(relation))
    return goods_weights_at(codes, famous)


_GOODS_WEIGHT_BY_CODE = np.array([GOODS_WEIGHT[r] for r in RELATIONS], dtype=np.float32)


def goods_weights_at(relation_codes: np.ndarray, famous: np.ndarray) -> np.ndarray:
    """`goods_weights` of relations given as `goods_relation_codes` (one gather over the candidates, no string per
    candidate: a check's thousands of candidates are weighed this way).

    >>> goods_weights_at(goods_relation_codes([30], np.array([1 << 30, 1 << 9])), np.array([False, True])).tolist()
    [1.0, 0.8999999761581421]
    """
    goods = _GOODS_WEIGHT_BY_CODE[relation_codes]
    return np.where(famous, np.maximum(goods, FAMOUS_UNRELATED_WEIGHT), goods).astype(np.float32)


def overall(sign: np.ndarray, goods_weight: np.ndarray, status_weight: np.ndarray) -> np.ndarray:
    """The match score: sign similarity × goods weight (`goods_weights`) × status weight — the factors a match shows.

    >>> [round(float(s), 3) for s in overall(np.array([0.9]), np.array([0.45]), np.array([1.0]))]
    [0.405]
    """
    return (sign * goods_weight * status_weight).astype(np.float32)


def verdict(matches: Sequence[Match], query_classes: Sequence[int]) -> Verdict:
    """Worst-match rule: the query is as risky as its riskiest match."""
    notes: list[Reason] = []
    if not query_classes:
        notes.append(
            Reason(
                "goods",
                "tidak ada kelas yang dipilih: dibandingkan dengan semua kelas",
                "no classes given: compared against all classes",
            )
        )
    elif all(c > LAST_GOODS_CLASS for c in query_classes):
        notes.append(Reason("goods", "kelas jasa", "service classes"))
    notes.append(
        Reason(
            "disclaimer",
            "hasil ini adalah penyaringan kemiripan, bukan pendapat hukum",
            "this is a similarity screen, not a legal opinion",
        )
    )
    if not matches:
        return Verdict(risk="clear", score=0.0, reasons=(), notes=tuple(notes))
    worst = max(matches, key=lambda m: (RISKS[::-1].index(m.risk), m.score))
    reasons = tuple(worst.reasons[:3])
    if worst.risk != "clear":
        head = Reason(
            "verdict",
            f"paling mirip: {worst.mark.name} ({worst.mark.id})",
            f"closest: {worst.mark.name} ({worst.mark.id})",
        )
        reasons = (head, *reasons)
    return Verdict(risk=worst.risk, score=float(worst.score), reasons=reasons, notes=tuple(notes))
