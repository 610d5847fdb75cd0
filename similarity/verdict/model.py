"""Stage 5a — the learned conflict score: how likely an examiner is to see a conflict between two names.

The first pass (:mod:`similarity.text.score`) ranks every candidate by fast string ratios; the best
`RESCORED` of them, and the `RESCORED_BY_RANKER` best by a ranker's guess of this model's score
(:mod:`similarity.verdict.shortlist`; none today), are re-read word by word (:mod:`similarity.text.evidence`) and their
evidence goes through monotone gradient-boosted trees learned by ``scripts/train_verdict.py`` on labelled real
pairs (blind-judged name-suggestion-index pairs, the shippable examiner pairs, court and TTAB disputes) and pairs
made by the spelling, sound and meaning rules of DOMAIN.md §2–3, then calibrated (Platt scaling, tabulated) so the
score reads as a probability. The model file
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
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..text.encode import NameCode
from ..text.evidence import (
    FEATURES,
    MATCH_SAME,
    MATCH_SOUND,
    PairEvidence,
    QueryWords,
    WordMatch,
    pair_evidence,
    string_ratios,
)
from ..values import Reason

try:
    from . import _trees  # the compiled tree walk (setup.py); absent when the install had no C compiler
except ImportError:  # pragma: no cover - exercised by installs without a compiler
    _trees = None  # type: ignore[assignment]

KERNEL = _trees is not None and os.environ.get("SIMILARITY_NO_KERNEL", "") in ("", "0")
"""Whether `ConflictModel.raw` finds the rows' leaves in C (``similarity/verdict/_trees.c``): when it was built and
``SIMILARITY_NO_KERNEL`` is not set (``SIMILARITY_NO_KERNEL=1``: numpy's walk, the same leaves)."""

RESCORED = 40
"""Candidates re-read word by word per query: the first pass's best (its name score weighed by goods and status).
At 1M names a real conflict ranks far above this by its string ratios (the model mostly demotes what the ratios
overrate)."""
RESCORED_BY_RANKER = 0
"""Candidates re-read besides the first pass's best: the best by the shortlist ranker's guess of the learned score
(`similarity.verdict.shortlist`, weighed by goods and status). 0: measured and not shipped (2026-12-02). The first
pass's 10 + the ranker's 30 + the whole names 10 (43.5 re-reads) hold 0.90 of the learned top 10 on synthetic
validation queries against 0.79 for today's 40 + 10 (43.8), but on real names they also find more of the model's
false alarms: coexisting brands high 7.4 -> 7.6 %, medium or high 35.2 -> 35.7 % after recalibrating the tiers
(``benchmarks/results/verdict_h18r_ranker.json``), e.g. APOTEK 1 ~ ONE 0.82 and 1. DAY ~ ONE 0.79 (a digit taken as
the distinctive element), FITNESS PARK ~ K PARK 0.62. Every mix of 10–30 ranked marks measured did the same. Once a
number weighed as a generic word the new highs were gone (high 6.8 % either way), yet medium or high still rose, 35.1
-> 36.1 % (35k registry 37.6 -> 39.0 %; ``verdict_ranker_after_digits.json``): one weak shared word with a mark that
has no classes on record (goods weight 0.75)."""
RESCORED_BY_NAME = 10
"""Candidates re-read besides those: the most alike whole names (sight without containment, sound, meaning, shared
dominant word), whatever their goods. The first pass weighs a name in unrelated goods at under half (`GOODS_WEIGHT`)
and takes a shared fragment at face value, so a same-class mark sharing one word (WANG for WANGROOQING DIMSUM, 0.77)
outranks the same name in other goods (DIMSUM WANGROOQING, 1.0 x 0.45) that the model then scores far higher. On
synthetic queries at 20k marks with classes, the verdict agreed with a re-read of the first pass's best 2,000 for 48
of 60 without these and 199 of 200 with them (unrelated goods at 0.45; 196 of 200 at today's 0.30)."""
RESCORED_BY_WORD = 5
"""Candidates re-read besides those: the marks whose own dominant word the query has, most distinctive first (from
`WEAK_WORD`). The first pass reads a mark contained whole in a longer name by its letters, so DHL in DHL EXPRESS
JAYA (sight 0.42) ranked below the forty marks sharing EXPRESS, a weak word in class 39, which the learned score then
put at 0.23 at most: DHL, which it reads at 0.78, was not shown at all."""
MODEL_FILE = "verdict_model.json"


@dataclass(frozen=True)
class ConflictModel:
    """Gradient-boosted trees over `FEATURES` (monotone: more evidence never lowers the score), flattened into one
    node table so that a query's candidates are evaluated together in numpy, and a monotone map (``cal_x`` →
    ``cal_y``) from the trees' raw probability to a calibrated one.

    A node ``i`` is a leaf when ``left[i] < 0``; otherwise a row goes left when ``x[feature[i]] <= threshold[i]``.
    ``roots`` are the first node of each tree; ``value`` the leaves' contributions to the log-odds::

        >>> stump = ConflictModel(baseline=0.0, roots=(0,), feature=(0, 0, 0), threshold=(0.5, 0.0, 0.0),
        ...                       left=(1, -1, -1), right=(2, -1, -1), value=(0.0, -2.0, 2.0),
        ...                       cal_x=(0.0, 1.0), cal_y=(0.0, 1.0))
        >>> [round(float(p), 2) for p in stump.probability(np.array([[0.9] + [0.0] * (len(FEATURES) - 1)]))]
        [0.88]
    """

    baseline: float
    roots: tuple[int, ...]
    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]
    cal_x: tuple[float, ...]
    cal_y: tuple[float, ...]
    meta: dict | None = None

    def __post_init__(self) -> None:
        left = np.asarray(self.left, dtype=np.int64)
        right = np.asarray(self.right, dtype=np.int64)
        leaf = left < 0
        at = np.arange(len(left))
        arrays = {
            "feature": np.where(leaf, 0, np.asarray(self.feature, dtype=np.int64)),
            "threshold": np.asarray(self.threshold, dtype=np.float64),
            "left": np.where(leaf, at, left),  # a leaf leads to itself: every row takes `depth` steps
            "right": np.where(leaf, at, right),
            "value": np.asarray(self.value, dtype=np.float64),
            "roots": np.asarray(self.roots, dtype=np.int64),
            "node_left": left,  # as the model has them (a leaf's < 0), for the compiled walk
            "node_right": right,
        }
        arrays["child"] = np.stack([arrays["right"], arrays["left"]], axis=1).ravel()  # node i: 2i right, 2i+1 left
        object.__setattr__(self, "_arrays", arrays)
        object.__setattr__(self, "_depth", _depth(arrays["roots"], left, right))

    def raw(self, x: np.ndarray, kernel: bool | None = None) -> np.ndarray:
        """The trees' probability (before calibration) for each row of evidence vectors: each row's leaf in each
        tree (`leaves`), their values summed."""
        a = self._arrays  # type: ignore[attr-defined]
        z = self.baseline + a["value"][self.leaves(x, kernel)].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-z))

    def leaves(self, x: np.ndarray, kernel: bool | None = None) -> np.ndarray:
        """The leaf each row of ``x`` reaches in each tree, ``(rows, trees)``: walked in C (``kernel``: None for
        `KERNEL`), or by numpy, every row through every tree at once, one level per step, `depth` steps (a leaf
        stays put). The two give the same leaves.

        >>> model = load_model()
        >>> x = np.random.default_rng(0).random((5, len(FEATURES)))
        >>> bool((model.leaves(x, kernel=True) == model.leaves(x, kernel=False)).all())
        True
        """
        a = self._arrays  # type: ignore[attr-defined]
        x = np.ascontiguousarray(x, dtype=np.float64)
        if (KERNEL if kernel is None else kernel) and _trees is not None and x.ndim == 2 and x.shape[1] > 0:
            found = _trees.leaves(x, x.shape[1], a["feature"], a["threshold"], a["node_left"], a["node_right"],
                                  a["roots"])
            return np.frombuffer(found, dtype=np.int64).reshape(len(x), len(a["roots"]))
        node = np.broadcast_to(a["roots"], (len(x), len(a["roots"]))).copy()
        # flat gathers (``take``) instead of 2-d fancy indexing: a row's features start at ``row * width`` of the
        # raveled evidence, and a node's two children sit side by side, right then left (a third of the time)
        start = (np.arange(len(x)) * x.shape[1])[:, None]
        flat, feature, threshold, child = x.ravel(), a["feature"], a["threshold"], a["child"]
        for _ in range(self._depth):  # type: ignore[attr-defined]
            went_left = flat.take(start + feature.take(node)) <= threshold.take(node)
            node = child.take(2 * node + went_left)
        return node

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability of a conflict for each row of evidence vectors."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.float32)
        return np.interp(self.raw(x), self.cal_x, self.cal_y).astype(np.float32)

    @property
    def digest(self) -> str:
        """Identifies the model (an index records the model it was scored with)."""
        text = json.dumps([self.baseline, self.roots, self.feature, self.threshold, self.value, self.cal_y])
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items() if not k.startswith("_")
                and k != "meta"}

    @classmethod
    def from_dict(cls, d: dict) -> ConflictModel:
        if list(d["features"]) != list(FEATURES):
            raise ValueError(f"the verdict model was trained on features {d['features']}, this code has {FEATURES}")
        fields = ("roots", "feature", "threshold", "left", "right", "value", "cal_x", "cal_y")
        return cls(
            baseline=float(d["baseline"]),
            **{f: tuple(d[f]) for f in fields},
            meta={k: v for k, v in d.items() if k not in fields},
        )


def _depth(roots: np.ndarray, left: np.ndarray, right: np.ndarray) -> int:
    """Steps from a root to its deepest leaf, the most over the trees (``left < 0`` marks a leaf)."""
    depth, level = 0, roots[left[roots] >= 0]
    while len(level):
        depth += 1
        level = np.concatenate([left[level], right[level]])
        level = level[left[level] >= 0]
    return depth


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
    return [PairEvidence(*fields) for fields in _features(query, marks, mark_classes, query_classes, distinctiveness)]


def _features(
    query: NameCode,
    marks: Sequence[NameCode],
    mark_classes: Sequence[Sequence[int]],
    query_classes: Sequence[int],
    distinctiveness: Callable[[str, Sequence[int]], float],
    ratios: Sequence[tuple[float, float, float, float]] | None = None,
) -> list[tuple]:
    """`pair_features` of the query with each mark: the query's words are read once (`QueryWords.features`: how each
    mark word meets them is remembered across the marks) and each word is weighed once per goods compared.
    ``ratios`` are the pairs' `string_ratios` when the caller has them. A mark that repeats another's name, goods
    and ratios (one brand filed in several classes, with the query's classes weighing both) has its features once:
    a quarter of a check's re-read at 100k synthetic marks."""
    words = QueryWords(query)
    weighs: dict[tuple[int, ...], Callable[[str], float]] = {}  # a query's words are weighed in few goods
    seen: dict[tuple, tuple] = {}
    out = []
    if ratios is None:
        ratios = string_ratios(query, marks)
    for m, goods, pair_ratios in zip(marks, goods_compared(mark_classes, query_classes), ratios, strict=True):
        key = (m, goods, pair_ratios)
        fields = seen.get(key)
        if fields is None:
            weigh = weighs.get(goods)
            if weigh is None:
                weigh = weighs[goods] = _Weights(distinctiveness, goods).__getitem__
            fields = seen[key] = words.features(m, weigh, pair_ratios)
        out.append(fields)
    return out


def goods_compared(mark_classes: Sequence[Sequence[int]], query_classes: Sequence[int]) -> list[tuple[int, ...]]:
    """The goods each pair's words are weighed in: the query's classes when it names some, else the mark's (the
    examiner assumes the goods are the same).

    >>> goods_compared([(30,), (43,)], ()), goods_compared([(30,), ()], (25,))
    ([(30,), (43,)], [(25,), (25,)])
    """
    query_goods = tuple(query_classes)
    return [query_goods or tuple(classes) for classes in mark_classes]


class _Weights(dict):
    """Words' distinctiveness in one goods, each asked of the index once: ``weights[word]`` is a dict lookup (the
    re-read weighs every word of every candidate, most of them more than once).

    >>> w = _Weights(lambda word, goods: len(word) / 10, (30,))
    >>> w["kopi"], w["kopi"], len(w)
    (0.4, 0.4, 1)
    """

    __slots__ = ("_of", "_goods")

    def __init__(self, distinctiveness: Callable[[str, Sequence[int]], float], goods: tuple[int, ...]) -> None:
        super().__init__()
        self._of, self._goods = distinctiveness, goods

    def __missing__(self, word: str) -> float:
        got = self[word] = self._of(word, self._goods)
        return got


def rescore(
    query: NameCode,
    marks: Sequence[NameCode],
    mark_classes: Sequence[Sequence[int]],
    query_classes: Sequence[int],
    distinctiveness: Callable[[str, Sequence[int]], float],
) -> tuple[np.ndarray, list[PairEvidence]]:
    """Conflict probability and evidence of the query against each mark (see `evidence_of`): the model evaluates
    every mark's features at once."""
    prob, fields = rescore_fields(query, marks, mark_classes, query_classes, distinctiveness)
    return prob, [PairEvidence(*f) for f in fields]


def rescore_fields(
    query: NameCode,
    marks: Sequence[NameCode],
    mark_classes: Sequence[Sequence[int]],
    query_classes: Sequence[int],
    distinctiveness: Callable[[str, Sequence[int]], float],
    ratios: Sequence[tuple[float, float, float, float]] | None = None,
) -> tuple[np.ndarray, list[tuple]]:
    """`rescore` with each mark's evidence as `pair_features` gives it, a ``PairEvidence(*fields)`` for the caller to
    build for the marks it shows (a check shows 10 of the 40 it re-reads); ``ratios`` are the pairs' `string_ratios`
    when the caller has them (the first pass compared the same strings).

    >>> from similarity.text.encode import encode_name
    >>> prob, fields = rescore_fields(encode_name("Bensu"), [encode_name("Geprek Bensu")], [()], (), lambda w, c: 1.0)
    >>> PairEvidence(*fields[0]).mark_dominant in ("geprek", "bensu"), bool(0.0 <= prob[0] <= 1.0)
    (True, True)
    """
    fields = _features(query, marks, mark_classes, query_classes, distinctiveness, ratios)
    n = len(FEATURES)
    x = np.array([f[:n] for f in fields], dtype=np.float64) if fields else np.zeros((0, n))
    return load_model().probability(x), fields


_KIND_ID = {"sight": "ejaan", "sound": "bunyi", "meaning": "arti"}
_KIND_EN = {"sight": "spelling", "sound": "sound", "meaning": "meaning"}
_KIND = {"id": _KIND_ID, "en": _KIND_EN}
WEAK_WORD = 0.3
"""A shared word lighter than this (per-class IDF; generic words and honorifics) does not make a conflict alone."""


def _met(s: WordMatch, lang: str) -> str:
    """A word of the owner's name that meets the mark's: ``PROLEXUS contains LEXUS`` for a word found whole inside a
    longer one, ``KENANGA ≈ KENANGAN`` for a near spelling or a sound one apart (VITON ≈ PION: not the same sound),
    ``=`` for the same word, sound or meaning."""
    if s.kind == "sight" and len(s.other) > len(s.word) and s.word in s.other:
        return f"{s.other.upper()} {'memuat' if lang == 'id' else 'contains'} {s.word.upper()}"
    near = s.strength < (MATCH_SOUND if s.kind == "sound" else MATCH_SAME) and s.kind != "meaning"
    return f"{s.other.upper()} {'≈' if near else '='} {s.word.upper()}"


def _alike(s: WordMatch, lang: str) -> str:
    """A word of the owner's name beside the mark's word it only resembles: ``SENJA = SUNSET (arti)`` for one
    meaning, ``BERKAH ~ BERSHKA`` for letters or sounds."""
    if s.kind == "meaning":
        return f"{s.other.upper()} = {s.word.upper()} ({_KIND[lang]['meaning']})"
    return f"{s.other.upper()} ~ {s.word.upper()}"


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
    'JANJI = JANJI, JIWA = JIWA (spelling; your name on the left, this mark on the right); conflict likelihood 90%'
    """
    if evidence is None:
        return []
    strong = [s for s in evidence.shared if s.strength >= 0.8][:3]
    # a likeness the model puts at "low" that rests only on weak words (a number, KOPI in class 30) says so, rather
    # than "99 = 99" as if the shared word were the mark
    weak_only = bool(evidence.shared) and evidence.shared_distinctive < WEAK_WORD and probability < tiers["medium"]
    if probability >= tiers["low"] and strong and not weak_only:
        lead = [s for s in strong if s.word == evidence.mark_dominant] or strong  # the mark's dominant word leads
        kind = max(lead, key=lambda s: s.strength).kind
        id_text = ", ".join(_met(s, "id") for s in strong)
        en_text = ", ".join(_met(s, "en") for s in strong)
        id_text += f" ({_KIND_ID[kind]}; kiri nama Anda, kanan merek ini); peluang konflik {probability:.0%}"
        en_text += (f" ({_KIND_EN[kind]}; your name on the left, this mark on the right); "
                    f"conflict likelihood {probability:.0%}")
        return [Reason(kind, id_text, en_text)]
    if probability >= tiers["low"] and not weak_only:
        return [Reason("name", f"nama mirip secara keseluruhan; peluang konflik {probability:.0%}",
                       f"the names are alike as a whole; conflict likelihood {probability:.0%}")]
    if evidence.shared:
        # a word both names use is named once; a word that only resembles the mark's is shown beside it, so the
        # reason never says the owner's name uses a word it does not (BERKAH ~ BERSHKA, not "both use BERSHKA")
        same = list(dict.fromkeys(s.word.upper() for s in evidence.shared if s.other == s.word))
        alike = [s for s in evidence.shared if s.other != s.word]
        alike_id = list(dict.fromkeys(_alike(s, "id") for s in alike))
        alike_en = list(dict.fromkeys(_alike(s, "en") for s in alike))
        odds_id, odds_en = f"peluang konflik {probability:.0%}", f"conflict likelihood {probability:.0%}"
        if evidence.shared_distinctive < WEAK_WORD:
            if same and not alike:
                words = ", ".join(same)
                return [Reason("name", f"hanya kata umum/lemah yang sama: {words}; {odds_id}",
                               f"only the generic or weak word {words} is shared; {odds_en}")]
            return [Reason("name", f"hanya kata umum/lemah yang sama atau mirip: {', '.join(same + alike_id)}; "
                           f"{odds_id}",
                           f"only generic or weak words are shared or alike: {', '.join(same + alike_en)}; "
                           f"{odds_en}")]
        said_id = "; ".join([*([f"sama-sama memakai {', '.join(same)}"] if same else []),
                             *([f"kata yang mirip: {', '.join(alike_id)}"] if alike else [])])
        said_en = "; ".join([*([f"both use {', '.join(same)}"] if same else []),
                             *([f"words alike: {', '.join(alike_en)}"] if alike else [])])
        return [Reason("name", f"{said_id}, tetapi nama secara keseluruhan berbeda; {odds_id}",
                       f"{said_en}, but the names differ as a whole; {odds_en}")]
    return [Reason("name", f"mirip hanya pada beberapa huruf/bunyi; peluang konflik {probability:.0%}",
                   f"alike only in some letters or sounds; conflict likelihood {probability:.0%}")]
