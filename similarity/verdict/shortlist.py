"""Stage 5a′ — which candidates the learned model re-reads: a ranker that guesses its score from the first pass.

The learned model (:mod:`similarity.verdict.model`) reads a pair word by word (~40 µs in Python), so a check re-reads
only a few of its ~2,300 candidates: what the model would rank high but the shortlist leaves out is never shown. The
first pass's own ranking (the largest of sight, sound, meaning and the dominant word) overrates shared fragments and
underrates names it reads only in pieces. The ranker here is a ridge regression over products of pairs of the first
pass's ratios (a degree-2 polynomial), fitted by ``scripts/train_shortlist.py`` on the learned probability of every
candidate of synthetic queries (never real names), and evaluated in numpy over all candidates at once. Its file
(``data/shortlist_model.json``) names its data, date, features and held-out metrics::

    >>> import numpy as np
    >>> ranker = load_ranker()
    >>> ranker.features == FEATURES
    True
    >>> x = np.zeros((2, len(FEATURES)), dtype=np.float32)
    >>> x[0, :7] = 1.0  # identical names in every ratio ...
    >>> x[:, 7] = 1.0  # ... of the same length
    >>> p = ranker.predict(x)
    >>> bool(p[0] > p[1])
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ..ranked import best_first
from ..text.score import NameFactors

SHORTLIST_FILE = "shortlist_model.json"
FEATURES = ("whole", "core", "sound_ratio", "meaning", "dominant", "plain_sight", "sound", "length_share",
            "short_mark", "short_query")
"""What the first pass knows exactly of every candidate (containment, the costliest ratio, is computed only where it
can rank, so it is left out): the whole-name, core and sound-key ratios, the meaning and dominant-word factors, sight
without containment, the weighted sound factor, the shorter core's share of the longer, and whether either core has
three letters or fewer."""


@dataclass(frozen=True)
class ShortlistRanker:
    """``intercept + Σ coef[k] · Π x[terms[k]]``: a linear model over the `FEATURES` and products of pairs of them.

    ``terms`` are tuples of feature positions (one for a feature, two for a product), evaluated over all candidates
    as ``x · linear + Σ (x · quadratic) ∘ x``::

        >>> r = ShortlistRanker(features=("a", "b"), terms=((0,), (0, 1)), coef=(0.5, 1.0), intercept=0.1)
        >>> [round(float(v), 2) for v in r.predict(np.array([[1.0, 0.0], [1.0, 0.5]]))]
        [0.6, 1.1]
    """

    features: tuple[str, ...]
    terms: tuple[tuple[int, ...], ...]
    coef: tuple[float, ...]
    intercept: float
    _linear: np.ndarray = field(init=False, repr=False, compare=False)
    _quadratic: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.terms) != len(self.coef):
            raise ValueError(f"{len(self.terms)} terms but {len(self.coef)} coefficients")
        bad = [t for t in self.terms if not 1 <= len(t) <= 2 or any(not 0 <= i < len(self.features) for i in t)]
        if bad:
            raise ValueError(f"terms {bad} name no feature of {len(self.features)}")
        d = len(self.features)  # the terms as x · linear + x · (quadratic · x): two small matrix products
        linear, quadratic = np.zeros(d, dtype=np.float32), np.zeros((d, d), dtype=np.float32)
        for t, c in zip(self.terms, self.coef, strict=True):
            if len(t) == 1:
                linear[t[0]] += c
            else:
                quadratic[t[0], t[1]] += c
        object.__setattr__(self, "_linear", linear)
        object.__setattr__(self, "_quadratic", quadratic)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The ranker's guess of the learned probability for each row of ``x`` (columns in `features` order)."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != len(self.features):
            raise ValueError(f"x has shape {x.shape}; the ranker reads {len(self.features)} features")
        return x @ self._linear + np.einsum("ij,ij->i", x @ self._quadratic, x) + np.float32(self.intercept)

    @classmethod
    def from_dict(cls, data: dict[str, Any], expect: tuple[str, ...] = FEATURES) -> ShortlistRanker:
        """A ranker from its JSON, checked: its features must be the ones this code computes, in the same order."""
        features = tuple(data["features"])
        if features != expect:
            raise ValueError(f"the shortlist model reads {features}; this code computes {expect}")
        return cls(features=features, terms=tuple(tuple(int(i) for i in t) for t in data["terms"]),
                   coef=tuple(float(c) for c in data["coef"]), intercept=float(data["intercept"]))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "terms": [list(t) for t in self.terms], "coef": list(self.coef),
                "intercept": self.intercept}


@lru_cache(maxsize=1)
def load_ranker() -> ShortlistRanker:
    """The shipped ranker (``similarity/data/shortlist_model.json``)."""
    text = resources.files("similarity.data").joinpath(SHORTLIST_FILE).read_text(encoding="utf-8")
    return ShortlistRanker.from_dict(json.loads(text)["model"])


def ranker_features(names: NameFactors, query_core_len: int, core_lengths: np.ndarray) -> np.ndarray:
    """The `FEATURES` of every candidate, one row each, from the first pass's factors (``names`` must carry its
    ratios and sight without containment) and the cores' lengths."""
    if names.ratios is None or names.plain_sight is None:
        raise ValueError("the ranker needs the first pass's ratios and its sight without containment")
    whole, core, sound_ratio, _ = names.ratios  # containment is exact only where it can rank: not a feature
    m_len = np.asarray(core_lengths, dtype=np.float32)
    q_len = np.float32(query_core_len)
    share = np.minimum(m_len, q_len) / np.maximum(np.maximum(m_len, q_len), 1)
    return np.column_stack([whole, core, sound_ratio, names.meaning, names.dominant, names.plain_sight, names.sound,
                            share, m_len <= 3, np.full(len(m_len), q_len <= 3)]).astype(np.float32)


def shortlist(first: np.ndarray, ranked: np.ndarray, named: np.ndarray, n_first: int, n_ranked: int,
              n_named: int) -> tuple[np.ndarray, int]:
    """Positions to re-read: the first pass's best ``n_first`` by ``first``, then the ranker's best ``n_ranked`` by
    ``ranked`` and the first ``n_named`` of ``named`` (the most alike whole names, and the marks whose dominant word
    the query has) not already chosen, best first in each. Also returns how many of them are the first pass's own
    (their ratios are exact, the others' containment may not have been computed).

    >>> order, own = shortlist(np.array([0.9, 0.8, 0.1, 0.2]), np.array([0.1, 0.5, 0.9, 0.4]), np.array([3, 0]),
    ...                        1, 2, 2)
    >>> order.tolist(), own
    ([0, 2, 1, 3], 1)
    """
    chosen = best_first(first, n_first)
    parts = [chosen]
    if n_ranked > 0:
        best = np.argsort(-ranked, kind="stable")
        best = best[~np.isin(best, chosen)][:n_ranked]  # the ranker's best R besides the first pass's
        parts.append(best)
    extra = np.concatenate(parts)
    if n_named > 0:
        taken = set(extra.tolist())  # a few dozen: a set, where isin sorts both sides
        more = []
        for i in named[:n_named].tolist():
            if i not in taken:
                taken.add(i)
                more.append(i)
        parts.append(np.asarray(more, dtype=np.int64))
    return np.concatenate(parts).astype(np.int64), len(chosen)
