"""Which candidates the learned model re-reads: the first pass's best by goods-weighted name score, and the best names
whatever their goods (issue 18: a verdict judged on what a query gets from the whole registry)."""

import numpy as np

import similarity.pipeline as pipeline
from similarity.candidates.names import dominance
from similarity.pipeline import check
from similarity.store.index import MarkIndex
from similarity.values import Mark
from similarity.verdict.model import rescore_fields

_STEMS = ("WANG", "WANGI", "WANGSA", "WANGO", "WANGKI", "WANGRO", "WANGS", "WANGUN", "WANGE", "WANGA")


def _registry() -> MarkIndex:
    """Sixty marks in class 30 that share a fragment with the query (WANG, WANGRO …) and, in class 9, the query's own
    words swapped: the first pass ranks every fragment above it (a fragment in the same goods ~0.5–0.77, the name in
    unrelated goods 1.0 x its goods weight), the learned model the other way round."""
    names = list(_STEMS) + [f"{s} {chr(65 + i)}{chr(65 + j)}" for i in range(5) for j, s in enumerate(_STEMS)]
    marks = [Mark(id=f"w{i}", name=n, owner=f"owner {i}", classes=(30,)) for i, n in enumerate(names)]
    marks.append(Mark(id="twin", name="DIMSUM WANGROOQING", owner="another", classes=(9,)))
    index = MarkIndex()
    index.add(marks)
    return index


def test_the_same_name_in_other_goods_is_re_read_though_fragments_outrank_it():
    result = check(_registry(), "WANGROOQING DIMSUM", classes=[30])
    assert result.matches[0].mark.id == "twin"
    # the same words in unrelated goods, not a famous mark: shown first, and "low" (Art. 21(1)(a) needs similar goods)
    assert result.matches[0].risk == "low"
    assert result.verdict.risk == "low"
    goods = [r.en for r in result.matches[0].reasons if r.factor == "goods"]
    assert goods and goods[0].startswith("unrelated classes:") and "counted at 30 %" in goods[0], goods


def test_the_same_name_in_the_same_goods_is_a_conflict():
    index = _registry()
    index.add([Mark(id="same-goods", name="DIMSUM WANGROOQING", owner="a third", classes=(30,))])
    result = check(index, "WANGROOQING DIMSUM", classes=[30])
    assert result.matches[0].mark.id == "same-goods"
    assert result.verdict.risk in ("medium", "high")


def test_without_the_name_shortlist_the_first_pass_hides_it(monkeypatch):
    """The test above can fail: with only the goods-weighted shortlist (neither the whole names, nor the ranker's best,
    nor the marks whose dominant word the query has) the twin is never re-read."""
    monkeypatch.setattr(pipeline, "RESCORED_BY_NAME", 0)
    monkeypatch.setattr(pipeline, "RESCORED_BY_RANKER", 0)
    monkeypatch.setattr(pipeline, "RESCORED_BY_WORD", 0)
    result = check(_registry(), "WANGROOQING DIMSUM", classes=[30])
    assert "twin" not in [m.mark.id for m in result.matches]
    assert result.verdict.risk in ("low", "clear")


def test_ties_among_the_most_alike_names_go_to_those_alike_in_sight_and_sound():
    """A translated core word gives every mark with its meaning 1.0 (SPACE = SKY = LANGIT): the shortlist by name must
    still hold the mark spelled like the query, though a dozen of those ties sit on rows before it."""
    sky = ["SKY", "LANGIT", "ANGKASA", "SKIES", "SKY ABADI", "WARUNG SKY", "LANGIT BIRU", "KIOS ANGKASA",
           "SKY MART", "LANGIT JAYA", "ANGKASA RAYA", "SKIES NOODLES"]
    marks = [Mark(id=f"s{i}", name=n, owner=f"owner {i}", classes=(44,)) for i, n in enumerate(sky)]
    marks += [Mark(id=f"f{i}", name=f"SPACE {w}", owner=f"f{i}", classes=(44,)) for i, w in enumerate(_STEMS * 5)]
    marks.append(Mark(id="twin", name="Pt Sepatu Space", owner="another", classes=(22,)))
    index = MarkIndex()
    index.add(marks)
    result = check(index, "Pt shoe Space", classes=[44])
    assert "twin" in [m.mark.id for m in result.matches]


def test_the_same_name_in_other_goods_is_re_read_by_the_ranker_alone(monkeypatch):
    """Without the whole-name shortlist the first pass ranks sixty fragments (WANG, WANGRO …, same goods) above the
    query's own words swapped in other goods: the shortlist ranker, guessing the learned score, re-reads it (in the
    mix measured on real names and not shipped, `RESCORED_BY_RANKER`: the first pass's 10 and the ranker's 30)."""
    monkeypatch.setattr(pipeline, "RESCORED_BY_NAME", 0)
    monkeypatch.setattr(pipeline, "RESCORED", 10)
    monkeypatch.setattr(pipeline, "RESCORED_BY_RANKER", 30)
    result = check(_registry(), "WANGROOQING DIMSUM", classes=[30])
    assert result.matches[0].mark.id == "twin"  # and without the ranker either, it is not (the test above)


def test_the_rankers_first_is_re_read_though_the_first_pass_ranks_it_last(monkeypatch):
    """The plumbing: whatever the first pass thinks of a candidate, the ranker's best are re-read."""
    marks = [Mark(id=f"m{i}", name=f"KOPI NUSANTARA {chr(65 + i)}", owner=f"o{i}", classes=(30,)) for i in range(26)]
    marks.append(Mark(id="far", name="TEH MANIS SEGAR", owner="far", classes=(30,)))
    index = MarkIndex()
    index.add(marks)
    rows = index.alive_rows()
    far = rows == index.row_of("far")

    class Oracle:  # guesses only "far" alike
        def predict(self, x: np.ndarray) -> np.ndarray:
            assert len(x) == len(rows)
            return far.astype(np.float32)

    read: list[str] = []

    def spy(query, codes, *args, **kwargs):
        read.extend(c.compact for c in codes)
        return rescore_fields(query, codes, *args, **kwargs)

    monkeypatch.setattr(pipeline, "name_candidates", lambda idx, code: (rows, dominance(idx, code, rows)))
    monkeypatch.setattr(pipeline, "load_ranker", lambda: Oracle())
    monkeypatch.setattr(pipeline, "rescore_fields", spy)
    monkeypatch.setattr(pipeline, "RESCORED_BY_NAME", 0)
    monkeypatch.setattr(pipeline, "RESCORED", 10)
    monkeypatch.setattr(pipeline, "RESCORED_BY_RANKER", 1)
    check(index, "KOPI NUSANTARA", classes=[30])
    assert "tehmanissegar" in read and len(read) == 11  # the first pass's 10 and the ranker's 1
    read.clear()
    monkeypatch.setattr(pipeline, "RESCORED_BY_RANKER", 0)
    check(index, "KOPI NUSANTARA", classes=[30])
    assert "tehmanissegar" not in read and len(read) == 10
