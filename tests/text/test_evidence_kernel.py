"""The re-read's shortcuts give the answers of the plain per-pair code: the unlisted-word rarity, the remembered word
matches and a query's shared `QueryWords`, and the model walking all trees one level at a time."""

from __future__ import annotations

import numpy as np
import pytest
from wordfreq import zipf_frequency

from benchmarks.synth import brand_names, variants
from similarity.text import evidence
from similarity.text.encode import encode_name
from similarity.text.evidence import COMMON_ZIPF, FEATURES, QueryWords, pair_evidence, rarity
from similarity.verdict.model import ConflictModel, evidence_of, load_model, rescore


def _wordfreq_rarity(word: str) -> float:
    zipf = max(zipf_frequency(word, "en"), zipf_frequency(word, "id"))
    return max(0.0, 1.0 - zipf / COMMON_ZIPF)


@pytest.fixture(scope="module")
def vocabulary() -> list[str]:
    words = {t for name in brand_names(3_000, seed=5) for t in encode_name(name).tokens}
    words |= {"garden", "kopi", "bintang", "bensu", "the", "indomie", "sari", "roti", "aqua", "x", "abc", "kopi2"}
    return sorted(words)


def test_the_unlisted_word_shortcut_is_what_wordfreq_says(vocabulary: list[str]) -> None:
    rarity.cache_clear()
    shortcut = [w for w in vocabulary if evidence._unlisted(w)]
    assert len(shortcut) > 100 and "bensu" in shortcut and "garden" not in shortcut  # the test covers both paths
    assert [rarity(w) for w in vocabulary] == [_wordfreq_rarity(w) for w in vocabulary]


def test_a_shared_query_reading_and_remembered_matches_change_no_feature() -> None:
    names = brand_names(400, seed=9)
    weights = {"kopi": 0.15, "jaya": 0.3, "sari": 0.4}

    def weigh(word: str) -> float:
        return weights.get(word, 1.0)

    marks = [encode_name(n) for n in names]
    for v in variants(names, 12, seed=3):
        q = encode_name(v.query)
        words = QueryWords(q)
        evidence.match_both.cache_clear()
        alone = [pair_evidence(q, m, weigh, weigh) for m in marks]
        shared = [pair_evidence(q, m, weigh, weigh, query_words=words) for m in marks]
        assert alone == shared
        assert [e.vector().tolist() for e in alone] == [e.vector().tolist() for e in shared]


def test_matching_both_ways_at_once_is_word_match_each_way(vocabulary: list[str]) -> None:
    words = [w for name in brand_names(1_500, seed=11) for w in encode_name(name).words()]
    words += [("prolexus", "prolexus", "prolexus"), ("lexus", "lexus", "lexus"), ("indoqua", "indoqua", "indoka"),
              ("aqua", "aqua", "aka"), ("pak", "bapak", "pak"), ("father", "bapak", "fater"), ("sunny", "sunny", "sn"),
              ("sony", "sony", "sn"), ("bensu", "bensu", "bensu"), ("bensa", "bensa", "bens"), ("ben", "ben", "bens")]
    rng = np.random.default_rng(1)
    pairs = [(words[i], words[j]) for i, j in rng.integers(0, len(words), (20_000, 2))]
    pairs += [(a, b) for a in words[-11:] for b in words[-11:]]
    kinds = set()
    for a, b in pairs:
        both = evidence.match_both(a, b)
        assert both == (evidence.word_match(a, b), evidence.word_match(b, a)), (a, b)
        kinds.update(h[0] if h else None for h in both)
    assert kinds == {"sight", "sound", "meaning", None}


def test_rescore_is_evidence_of_through_the_model() -> None:
    q = encode_name("Geprek Bensu Sedep")
    marks = [encode_name(n) for n in ("I Am Geprek Bensu", "Bensu", "Sensu", "Kopi Kenangan", "Geprek")]
    classes = [(43,), (43, 30), (), (30,), (29,)]

    def distinctiveness(word: str, goods) -> float:
        return 0.15 if word == "geprek" else 1.0

    prob, ev = rescore(q, marks, classes, (), distinctiveness)
    assert ev == evidence_of(q, marks, classes, (), distinctiveness)
    expected = load_model().probability(np.array([e.vector() for e in ev]))
    assert prob.tolist() == expected.tolist() and prob[1] > prob[2]  # BENSU itself, not SENSU


def _walk(model: ConflictModel, x: np.ndarray) -> np.ndarray:
    """The trees read one row and one tree at a time, node by node (the plain definition)."""
    out = []
    for row in x:
        z = model.baseline
        for node in model.roots:
            while model.left[node] >= 0:
                go_left = row[model.feature[node]] <= model.threshold[node]
                node = model.left[node] if go_left else model.right[node]
            z += model.value[node]
        out.append(1.0 / (1.0 + np.exp(-z)))
    return np.asarray(out)


def test_the_level_by_level_walk_is_the_plain_walk() -> None:
    model = load_model()
    rng = np.random.default_rng(0)
    x = rng.random((300, len(FEATURES)))
    x[::3] = np.round(x[::3], 1)  # values on the thresholds' grid, too
    assert np.allclose(model.raw(x), _walk(model, x), rtol=0, atol=1e-12)
    uneven = ConflictModel(baseline=0.1, roots=(0, 5), feature=(0, 1, 0, 0, 0, 2, 0, 0), threshold=(0.5, 0.5, 0, 0, 0,
                           0.3, 0, 0), left=(1, 3, -1, -1, -1, 6, -1, -1), right=(2, 4, -1, -1, -1, 7, -1, -1),
                           value=(0, 0, 1.0, -1.0, 0.5, 0, 2.0, -2.0), cal_x=(0.0, 1.0), cal_y=(0.0, 1.0))
    assert np.allclose(uneven.raw(x), _walk(uneven, x), rtol=0, atol=1e-12)  # trees of different depths
