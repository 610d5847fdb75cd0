"""The check's fast path answers exactly as the plain one: the first pass computed only where it can matter, the
candidates' reads remembered, the re-read fed the first pass's ratios (issue 22: nothing in the results changes)."""

import random

import numpy as np
import pytest

import similarity.pipeline as pipeline
from benchmarks.equivalence import answer
from similarity.build import open_index
from similarity.candidates import reads
from similarity.pipeline import check, exhaustive_check
from similarity.store.index import MarkIndex
from similarity.values import Mark


@pytest.fixture(scope="module")
def demo() -> MarkIndex:
    return open_index()


def _queries(index: MarkIndex, n: int, seed: int = 3) -> list[tuple[str, tuple[int, ...]]]:
    """Near-misses of the demo's names (a letter changed or dropped), with the mark's classes on half of them."""
    rng = random.Random(seed)
    marks = [m for m in index if len(m.name) > 3]
    out = []
    for m in rng.sample(marks, n):
        name = list(m.name)
        i = rng.randrange(len(name))
        name[i] = rng.choice("aeiouk") if rng.random() < 0.7 else ""
        out.append(("".join(name), m.classes if rng.random() < 0.5 else ()))
    return out


def test_the_ranked_first_pass_gives_the_answers_of_the_full_one(demo, monkeypatch):
    """`name_factors` with ``rank``/``best`` skips containment where it cannot bring a candidate among the re-read;
    the answers must be those of the first pass computed for every candidate."""
    queries = _queries(demo, 60)
    fast = [answer(check(demo, name, classes=classes)) for name, classes in queries]
    full_factors = pipeline.name_factors

    def everything(index, code, rows, dom, **_ranking):
        return full_factors(index, code, rows, dom)

    monkeypatch.setattr(pipeline, "name_factors", everything)
    full = [answer(check(demo, name, classes=classes)) for name, classes in queries]
    assert fast == full


def test_the_ranked_first_pass_skips_work():
    """Containment is computed for the candidates that can rank among the best only: at most the length share, or the
    prefix score where one core can begin with the other (0.85), so a third name ranking below 0.86 is skipped."""
    from similarity.text.score import _may_rank

    lengths = np.array([8.0, 8.0, 20.0, 3.0], dtype=np.float32)
    without = np.array([0.9, 0.86, 0.1, 0.1], dtype=np.float32)
    assert _may_rank(8, lengths, without, lambda x: x, 2).tolist() == [0, 1]
    assert _may_rank(8, lengths, without, lambda x: x, 3).tolist() == [0, 1, 2, 3]  # the third best is a tie at 0.1


def test_remembered_reads_are_the_index_reads(monkeypatch):
    idx = MarkIndex()
    idx.add([Mark(id=str(i), name=f"Kopi {w}", owner=f"PT {i % 3}") for i, w in
             enumerate(["Kenangan", "Janji Jiwa", "Tuku", "Fore", "Kulo", "Lain Hati"])])
    rows = np.array([3, 1, 3, 5, 0])
    assert reads.codes_at(idx, rows) == idx.codes_at(rows)
    monkeypatch.setattr(reads, "REMEMBERED", 3)  # full memory starts over: still the same answers
    for _ in range(2):
        assert reads.marks_at(idx, rows) == idx.marks_at(rows)
        assert reads.marks_at(idx, [2, 4]) == idx.marks_at([2, 4])
    other = MarkIndex()  # another index has its own memory: its row 0 is another mark
    other.add([Mark(id="x", name="Teh Botol")])
    assert reads.marks_at(other, [0])[0].id == "x" and reads.marks_at(idx, [0])[0].id == "0"


def test_exhaustive_check_scores_what_check_scores(demo):
    """Every row a candidate: a name check() finds is found with the same final score (the same re-read)."""
    name, classes = "Indomi Goreng", (30,)
    fast, every = check(demo, name, classes=classes), exhaustive_check(demo, name, classes=classes)
    assert every.matches and fast.matches
    by_id = {m.mark.id: m.score for m in every.matches}
    shared = [m for m in fast.matches if m.mark.id in by_id]
    assert shared, "the exhaustive check finds the best matches too"
    assert all(m.score == by_id[m.mark.id] for m in shared)
    with pytest.raises(ValueError, match="at least 1"):
        exhaustive_check(demo, name, top=0)
