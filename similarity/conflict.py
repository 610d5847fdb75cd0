"""Stage 5a — the learned conflict score: how likely an examiner is to see a conflict between two names.

The first pass (:mod:`similarity.text.score`) ranks every candidate by fast string ratios; the best
`RESCORED` of them are re-read word by word (:mod:`similarity.text.evidence`) and their evidence goes through a
logistic model learned by ``scripts/train_verdict.py`` on labelled real pairs (blind-judged name-suggestion-index
pairs, the shippable examiner pairs, court and TTAB disputes) and pairs made by the spelling, sound and meaning
rules of DOMAIN.md §2–3, then calibrated (Platt scaling, tabulated) so the score reads as a probability. The model file
(``data/verdict_model.json``) names its data, date, features and held-out metrics::

    >>> from similarity.text.encode import encode_name
    >>> model = load_model()
    >>> weigh = lambda word: 1.0
    >>> p_same = model.probability(pair_vectors([encode_name("Geprek Bensu")], [encode_name("Bensu")], weigh))
    >>> p_other = model.probability(pair_vectors([encode_name("Geprek Bensu")], [encode_name("Sensu")], weigh))
    >>> bool(p_same[0] > 0.5 > p_other[0])
    True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .marks import Reason
from .text.encode import NameCode
from .text.evidence import FEATURES, PairEvidence, pair_evidence

RESCORED = 50
"""Candidates re-read word by word per query: the first pass's best. At 1M names a real conflict ranks far above
this by its string ratios (the model mostly demotes what the ratios overrate)."""
MODEL_FILE = "verdict_model.json"


@dataclass(frozen=True)
class ConflictModel:
    """A logistic model over `FEATURES` (and the products named in ``interactions``), with an isotonic map from its
    raw probability to a calibrated one.

    >>> m = ConflictModel(coef=(0.0,) * len(FEATURES), intercept=0.0, interactions=(), iso_x=(0.0, 1.0), iso_y=(0.0, 1.0))
    >>> float(m.probability(np.zeros((1, len(FEATURES))))[0])
    0.5
    """

    coef: tuple[float, ...]
    intercept: float
    interactions: tuple[tuple[str, str], ...]
    iso_x: tuple[float, ...]
    iso_y: tuple[float, ...]
    meta: dict | None = None

    def expand(self, x: np.ndarray) -> np.ndarray:
        """The base features and their named products, as the model reads them."""
        cols = [x]
        for a, b in self.interactions:
            cols.append((x[:, FEATURES.index(a)] * x[:, FEATURES.index(b)])[:, None])
        return np.hstack(cols)

    def raw(self, x: np.ndarray) -> np.ndarray:
        z = self.expand(np.asarray(x, dtype=np.float64)) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability of a conflict for each row of evidence vectors."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.float32)
        return np.interp(self.raw(x), self.iso_x, self.iso_y).astype(np.float32)

    @property
    def digest(self) -> str:
        """Identifies the model (an index records the model it was scored with)."""
        text = json.dumps([self.coef, self.intercept, self.interactions, self.iso_x, self.iso_y])
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @classmethod
    def from_dict(cls, d: dict) -> ConflictModel:
        if list(d["features"]) != list(FEATURES):
            raise ValueError(f"the verdict model was trained on features {d['features']}, this code has {FEATURES}")
        return cls(
            coef=tuple(d["coef"]),
            intercept=float(d["intercept"]),
            interactions=tuple(tuple(p) for p in d.get("interactions", ())),
            iso_x=tuple(d["iso_x"]),
            iso_y=tuple(d["iso_y"]),
            meta={k: v for k, v in d.items() if k not in ("coef", "iso_x", "iso_y")},
        )


@lru_cache(maxsize=1)
def load_model() -> ConflictModel:
    """The shipped model (``similarity/data/verdict_model.json``)."""
    text = resources.files("similarity.data").joinpath(MODEL_FILE).read_text("utf-8")
    return ConflictModel.from_dict(json.loads(text))


def pair_vectors(
    queries: Sequence[NameCode], marks: Sequence[NameCode], weigh: Callable[[str], float]
) -> np.ndarray:
    """Evidence vectors of aligned query/mark pairs with one word weighting (for tests and training)."""
    return np.array([pair_evidence(q, m, weigh, weigh).vector() for q, m in zip(queries, marks, strict=True)])


def evidence_of(
    query: NameCode,
    marks: Sequence[NameCode],
    mark_classes: Sequence[Sequence[int]],
    query_classes: Sequence[int],
    distinctiveness: Callable[[str, Sequence[int]], float],
) -> list[PairEvidence]:
    """The evidence of the query against each mark.

    A word weighs by its distinctiveness in the goods compared: the query's classes when it names some, else the
    mark's (the examiner assumes the goods are the same).
    """
    out = []
    for m, classes in zip(marks, mark_classes, strict=True):
        goods = tuple(query_classes) or tuple(classes)

        def weigh(word: str, goods: tuple[int, ...] = goods) -> float:
            return distinctiveness(word, goods)

        out.append(pair_evidence(query, m, weigh, weigh))
    return out


def rescore(
    query: NameCode,
    marks: Sequence[NameCode],
    mark_classes: Sequence[Sequence[int]],
    query_classes: Sequence[int],
    distinctiveness: Callable[[str, Sequence[int]], float],
) -> tuple[np.ndarray, list[PairEvidence]]:
    """Conflict probability and evidence of the query against each mark (see `evidence_of`)."""
    evidence = evidence_of(query, marks, mark_classes, query_classes, distinctiveness)
    x = np.array([e.vector() for e in evidence]) if evidence else np.zeros((0, len(FEATURES)))
    return load_model().probability(x), evidence


_KIND_ID = {"sight": "ejaan", "sound": "bunyi", "meaning": "arti"}
_KIND_EN = {"sight": "spelling", "sound": "sound", "meaning": "meaning"}
WEAK_WORD = 0.3
"""A shared word lighter than this (per-class IDF; generic words and honorifics) does not make a conflict alone."""


def explain(
    query: NameCode, mark: NameCode, evidence: PairEvidence | None, probability: float, tiers: dict[str, float]
) -> list[Reason]:
    """The reason an owner can act on, first: which word of her name meets which word of the mark, and the
    conflict probability that drove the score — or, for a mark that only looks alike in its letters, why it is not
    a problem ("only the generic word KOPI is shared").

    >>> from similarity.text.encode import encode_name
    >>> q, m = encode_name("Kopi Janji Jiwa"), encode_name("Janji Jiwa")
    >>> ev = pair_evidence(q, m, lambda w: 1.0, lambda w: 1.0)
    >>> explain(q, m, ev, 0.9, {"high": 0.85, "medium": 0.5, "low": 0.25})[0].en
    'JANJI JIWA of your name = JANJI JIWA of this mark (spelling); conflict likelihood 90%'
    """
    if evidence is None:
        return []
    strong = [s for s in evidence.shared if s.strength >= 0.8]
    if probability >= tiers["low"] and strong:
        pairs_id = ", ".join(f"{s.other.upper()} = {s.word.upper()}" for s in strong[:3])
        q_words = " ".join(s.other.upper() for s in strong[:3])
        m_words = " ".join(s.word.upper() for s in strong[:3])
        kinds = sorted({s.kind for s in strong[:3]})
        kind_id = "/".join(_KIND_ID[k] for k in kinds)
        kind_en = "/".join(_KIND_EN[k] for k in kinds)
        return [Reason("name", f"{q_words} pada nama Anda = {m_words} pada merek ini ({kind_id}); "
                       f"peluang konflik {probability:.0%}",
                       f"{q_words} of your name = {m_words} of this mark ({kind_en}); "
                       f"conflict likelihood {probability:.0%}")] if pairs_id else []
    if probability >= tiers["low"]:
        return [Reason("name", f"nama mirip secara keseluruhan; peluang konflik {probability:.0%}",
                       f"the names are alike as a whole; conflict likelihood {probability:.0%}")]
    if evidence.shared:
        words = ", ".join(dict.fromkeys(s.word.upper() for s in evidence.shared))
        if evidence.shared_distinctive < WEAK_WORD:
            return [Reason("name", f"hanya kata umum/lemah yang sama: {words}; peluang konflik {probability:.0%}",
                           f"only the generic or weak word {words} is shared; conflict likelihood {probability:.0%}")]
        return [Reason("name", f"sama-sama memakai {words}, tetapi nama secara keseluruhan berbeda; "
                       f"peluang konflik {probability:.0%}",
                       f"both use {words}, but the names differ as a whole; conflict likelihood {probability:.0%}")]
    return [Reason("name", f"mirip hanya pada beberapa huruf/bunyi; peluang konflik {probability:.0%}",
                   f"alike only in some letters or sounds; conflict likelihood {probability:.0%}")]
