"""The re-read's shortcuts give the answers of the plain per-pair code: the unlisted-word rarity, the remembered word
matches and a query's shared `QueryWords`, and the model walking all trees one level at a time."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from wordfreq import zipf_frequency

from benchmarks.synth import brand_names, variants
from similarity.text import evidence
from similarity.text.encode import encode_name
from similarity.text.evidence import COMMON_ZIPF, FEATURES, QueryWords, pair_evidence, rarity
from similarity.text.phonetic import indonesian_key
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


def _plain_spaced_alike(words: list, other: list, everyday: bool = False) -> list | None:
    """`evidence.spaced_alike` as first written: each join's sound keyed afresh, its tests in their first order."""
    if len(words) < 2 or not other:
        return None
    tokens = {o[0] for o in other if len(o[0]) >= evidence.NEAR_MIN_CHARS}
    if not tokens:
        return None
    sounds = {o[2] for o in other if len(o[0]) >= evidence.NEAR_MIN_CHARS}
    out, joined, i = [], False, 0
    while i < len(words):
        if i + 1 < len(words):
            (t1, _, s1), (t2, _, s2) = words[i], words[i + 1]
            t = t1 + t2
            if t in tokens:
                sound = s1 + s2
            elif min(len(t1), len(t2)) < evidence.SOUND_MIN_CHARS:
                sound = ""
            else:
                key = indonesian_key(t) or t
                sound = key if key in sounds and len(key) > max(len(s1), len(s2)) else ""
            if sound and evidence._joinable(t1) and evidence._joinable(t2) and (
                everyday or max(rarity(t1), rarity(t2)) >= evidence.EVERYDAY_RARITY
            ):
                out.append((t, t, sound))
                joined, i = True, i + 2
                continue
        out.append(words[i])
        i += 1
    return out if joined else None


def test_the_reordered_join_tests_join_as_the_plain_code() -> None:
    names = [n for n in brand_names(600, seed=11) if " " in n]
    pairs = []
    for n in names:
        glued = n.replace(" ", "")
        pairs += [(n, glued), (glued, n), (n, glued.replace("c", "k")), (n, n + " & co"), (n, "es teh " + glued)]
    pairs += [("coca cola", "coca-cola"), ("koka kola", "coca-cola"), ("pi network", "finetwork"), ("es teh", "kopi")]
    joins = 0
    for _ in range(2):  # the sound keys cold, then remembered by `indonesian_key`'s token cache
        for a, b in pairs:
            qa, qb = encode_name(a).words(), encode_name(b).words()
            for everyday in (False, True):
                got = evidence.spaced_alike(qa, qb, everyday)
                assert got == _plain_spaced_alike(qa, qb, everyday), (a, b, everyday)
                joins += got is not None
    assert joins > len(pairs)  # most glued pairs join: the comparison is not of Nones only


def _demo_names() -> list[str]:
    path = Path(__file__).parents[2] / "similarity" / "data" / "demo" / "registry.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return [row["name"] for row in csv.DictReader(f)]


def _features_both_ways(queries: list[str], marks: list[str], seed: int) -> tuple[int, int]:
    """`QueryWords.features` against `pair_features` (the plain per-pair reading) for every query with every mark;
    returns how many pairs had a word shared and how many had a pair of words joined (the test covers both)."""
    rng = np.random.default_rng(seed)
    weights: dict[str, float] = {}

    def weigh(concept: str) -> float:
        if concept not in weights:
            weights[concept] = float(rng.choice([0.05, 0.15, 0.3, 0.6, 1.0]))
        return weights[concept]

    codes = [encode_name(n) for n in marks]
    shared = joined = 0
    for name in queries:
        q = encode_name(name)
        words = QueryWords(q)
        for m in codes:
            expected = evidence.pair_features(q, m, weigh, weigh)
            got = words.features(m, weigh)
            assert got == expected, (name, m.text)
            shared += bool(got[len(FEATURES)])
            joined += (evidence.spaced_alike(q.words(), m.words(), False) is not None
                       or evidence.spaced_alike(m.words(), q.words(), False) is not None)
    return shared, joined


def test_a_querys_features_are_the_plain_pair_features_on_the_demo_names() -> None:
    names = [n for n in _demo_names() if n.strip()]
    rng = np.random.default_rng(4)
    queries = [names[i] for i in rng.choice(len(names), 40, replace=False)]
    queries += [q.replace(" ", "") for q in queries[:10] if " " in q]
    queries += ["Coca Cola Jaya", "Koka Kola", "Es Teh Kopi", "Coca-Cola"]
    by_word: dict[str, list[str]] = {}
    for n in names:
        for t in encode_name(n).tokens:
            by_word.setdefault(t, []).append(n)
    marks = [names[i] for i in rng.choice(len(names), 60, replace=False)] + ["Coca-Cola", "CocaCola Jaya", "Koka Kola"]
    for q in queries:  # names sharing a word with the query, glued or spaced as the query is not
        for t in encode_name(q).tokens:
            marks += by_word.get(t, [])[:3]
        marks += [q.replace(" ", ""), q.replace(" ", "-"), q + " Jaya", q.replace("c", "k").replace("q", "k")]
    shared, joined = _features_both_ways(queries, sorted(set(marks)), seed=1)
    assert shared > 300 and joined > 20, (shared, joined)


def test_a_querys_features_are_the_plain_pair_features_on_random_names() -> None:
    names = brand_names(300, seed=21)
    spaced = [n for n in names if " " in n][:20]
    queries = [v.query for v in variants(names, 30, seed=2)] + [n.replace(" ", "").replace("c", "k") for n in spaced]
    marks = names + [n.replace(" ", "") for n in spaced]
    shared, joined = _features_both_ways(queries, marks, seed=2)
    assert shared > 100 and joined > 5, (shared, joined)
