"""Candidate generation for names: every source the index unions is wired in and finds what it is for."""

from __future__ import annotations

import random

import numpy as np

from similarity import Mark, MarkIndex, check
from similarity.candidates.names import name_candidates, nominating_postings
from similarity.store.index import IndexParams
from similarity.text.encode import encode_name, signatures
from similarity.text.score import REASON_FLOOR, contained_words, containment


def test_contained_words_lists_every_piece_that_containment_scores_as_a_reason():
    """The word lookups are complete for the scoring rule: any piece of a query's core that `containment` scores at
    `REASON_FLOOR` or more (a registered core contained whole in the query) is looked up."""
    rng = random.Random(0)
    for _ in range(200):
        core = "".join(rng.choice("abcdegiklmnoprstuy") for _ in range(rng.randint(5, 22)))
        pieces = set(contained_words(core))
        for start in range(len(core)):
            for end in range(start + 1, len(core) + 1):
                piece = core[start:end]
                if containment(core, [piece], [core], lambda i, piece=piece: [piece])[0] >= REASON_FLOOR:
                    assert piece in pieces, (core, piece)


def _registry(extra: list[str]) -> MarkIndex:
    # many marks that share more trigrams with the query than the short contained mark does
    names = [f"Praichamrang Labamya {suffix}" for suffix in ("Jaya", "Abadi", "Makmur", "Sentosa", "Baru")]
    names += [f"Praicham {w}" for w in ("Rasa", "Kita", "Sari", "Mulia", "Indah", "Lestari")]
    index = MarkIndex(IndexParams(gram_candidates=8, token_candidates=5))
    index.add([Mark(id=str(i), name=n) for i, n in enumerate(names + extra)])
    return index


def test_a_mark_the_query_contains_is_a_candidate_though_no_trigram_ranks_it():
    index = _registry(["Prai"])
    code = encode_name("Praichamrang Labamya Nikmat")
    rows, _ = name_candidates(index, code)
    assert index.row_of(str(11)) in rows.tolist()  # "Prai", the twelfth mark
    top = {m.mark.name: m for m in check(index, "Praichamrang Labamya Nikmat", top=20).matches}
    assert top["Prai"].factors.sight >= 0.85  # PRAI | CHAMRANG: the query begins with the whole earlier mark


def test_faiss_neighbours_are_a_source_when_asked_for():
    """Off by default (they add nothing at 1M once contained words are looked up); on, the nearest n-gram signatures
    by exact Hamming distance join the candidates."""
    names = [f"Toko {a}{b}" for a in ("Mawar", "Melati", "Kenanga", "Anggrek") for b in ("Jaya", "Abadi", "Baru")]
    marks = [Mark(id=str(i), name=n) for i, n in enumerate(names)]
    off, on = MarkIndex(IndexParams(gram_candidates=1, token_candidates=1)), MarkIndex(
        IndexParams(name_candidates=4, gram_candidates=1, token_candidates=1)
    )
    off.add(marks)
    on.add(marks)
    code = encode_name("Toko Mawar Jaya")
    _, nearest = on.signatures.search(signatures([code], on.params.signature_bits), 4)
    assert set(nearest[0].tolist()) <= set(name_candidates(on, code)[0].tolist())
    assert len(name_candidates(off, code)[0]) < len(name_candidates(on, code)[0])
    found_off = name_candidates(off, code)[0]
    assert np.isin(name_candidates(on, code)[0], found_off).sum() == len(found_off)


def test_each_trigram_field_nominates_with_its_own_budget():
    """The spelling field's rarer trigrams do not use up the budget before the sound field nominates anything."""
    spelling = [(0, np.arange(n)) for n in (1, 1, 2, 3, 5)]
    sound = [(1, np.arange(100, 100 + n)) for n in (4, 6)]
    parts = sorted(spelling + sound, key=lambda p: len(p[1]))
    chosen = nominating_postings(parts, 10)
    assert any(p[0] >= 100 for p in chosen)  # overall-rarest-first would take 1+1+2+3 spelling postings, then stop
    assert sum(len(p) for p in chosen if p[0] < 100) <= 5 and sum(len(p) for p in chosen if p[0] >= 100) == 4
    assert [len(p) for p in nominating_postings([(0, np.arange(50))], 10)] == [50]  # the rarest list always counts


def test_a_common_concept_brings_the_marks_of_the_querys_length_beyond_the_cap():
    """MAS (brother) is in thousands of marks: past the `token_candidates` most dominant, the marks whose concept
    string is as long as the query's are candidates too, so a same-meaning mark of the right shape is found."""
    long_ones = ["Kencana Purnama Sejahtera", "Bintang Samudra Perkasa", "Garuda Nusantara Lestari"]
    names = ["Mas", "Abang", "Mas Jaya"] + [f"Mas {words}" for words in long_ones] + ["Abang Wum"]
    index = MarkIndex(IndexParams(gram_candidates=1, token_candidates=3))
    index.add([Mark(id=str(i), name=n) for i, n in enumerate(names)])
    rows, _ = name_candidates(index, encode_name("Alami Gems Mas"))
    assert index.row_of("6") in rows.tolist()
    # and judged: MAS = ABANG is an honorific, never translated into a conflict (DOMAIN.md §8)
    found = {m.mark.name: m for m in check(index, "Alami Gems Mas", top=10).matches}
    assert all(found[n].risk in ("low", "clear") for n in ("Abang", "Abang Wum") if n in found)


def test_candidates_hold_the_exhaustive_top_10():
    """Recall@10 of the candidate sources against scoring every name with the same final score (ties counted), on
    the benchmark's generator at a size a test can afford; benchmarks/bench_names.py measures it at 1M."""
    from benchmarks.bench_names import exhaustive_scores, index_top, recall_at_k
    from benchmarks.synth import brand_names, variants

    names = brand_names(5_000, seed=5)
    index = MarkIndex()
    index.add([Mark(id=str(i), name=n) for i, n in enumerate(names)])
    recalls = []
    for v in variants(names, 40, seed=6):
        _, scores = index_top(index, v.query)
        recalls.append(recall_at_k(scores, exhaustive_scores(index, v.query)))
    assert np.mean(recalls) >= 0.9, np.mean(recalls)
