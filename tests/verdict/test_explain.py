"""What a verdict says in words: "similar goods" only when goods were compared, DEMO said, notes explained."""

from __future__ import annotations

from html import escape

import pytest

from similarity import check
from similarity.explain import goods_compared, next_step, note_text, registry_line, tier_meaning
from similarity.report import render_report
from similarity.store.index import MarkIndex
from similarity.values import Mark, Reason


@pytest.fixture(scope="module")
def index() -> MarkIndex:
    idx = MarkIndex()
    idx.add([Mark(id="A", name="Goodmilk", classes=(29,)), Mark(id="B", name="Kopi Senja Rasa"),
             Mark(id="C", name="Indomaret", classes=(35,)), Mark(id="D", name="Kopi Kenangan")])
    return idx


def test_similar_goods_are_claimed_only_when_compared(index: MarkIndex) -> None:
    same = check(index, "GudMilq", classes=[29])
    assert goods_compared(same) == "same" and "same or related goods" in tier_meaning(same, "en")
    none = check(index, "GudMilq")
    assert goods_compared(none) == "none" and "not compared" in tier_meaning(none, "en")
    assert "sejenis" not in tier_meaning(none, "id") and "tidak dibandingkan" in tier_meaning(none, "id")
    unknown = check(index, "Kopi Senja Rasa", classes=[30])
    assert goods_compared(unknown) == "unknown" and "not on record" in tier_meaning(unknown, "en")
    famous = check(index, "Kopi Kenangan", classes=[30])  # a famous mark, no classes on record: protected beyond
    assert goods_compared(famous) == "famous" and "well-known mark" in tier_meaning(famous, "en")
    other = check(index, "GudMilq", classes=[25])  # the same mark in unrelated goods: listed at low, and why
    assert other.verdict.risk == "low"
    assert goods_compared(other) == "other" and "other goods" in tier_meaning(other, "en")
    assert any(r.en.startswith("unrelated classes: 25") for r in other.matches[0].reasons)


def test_next_step_per_tier_and_notes_explained(index: MarkIndex) -> None:
    r = check(index, "GudMilq", classes=[29])
    assert next_step(r, "id").startswith("Sebaiknya") and next_step(r, "en").startswith("Better")
    assert "35–45" in note_text(Reason("goods", "kelas jasa", "service classes"), "id")
    assert note_text(Reason("x", "a", "b"), "en") == "b"


def test_registry_line_says_demo() -> None:
    line = registry_line({"source": "registry.csv", "marks": 18596, "built_at": "2026-12-01T10:00:00Z",
                          "demo": True}, "id")
    assert line == ("Registri: registri DEMO (data contoh, bukan data DJKI) · registry.csv · 18.596 merek · "
                    "dibangun 1 Desember 2026")
    assert "DEMO" not in registry_line({"source": "djki.csv", "marks": 3}, "en")


def test_report_shows_the_same_sentences_and_explains_the_dash(index: MarkIndex) -> None:
    r = check(index, "Kopi Senja Rasa", classes=[30])
    page = render_report(r, lang="en", index=index)
    assert escape(tier_meaning(r, "en")) in page and escape(next_step(r, "en")) in page
    assert "classes are not on record" in page  # the "—" of a mark without classes, explained
    demo = render_report(r.__class__(r.query, r.verdict, r.matches, {**r.registry, "demo": True}), lang="id")
    assert "registri DEMO" in demo and demo.index("registri DEMO") < demo.index("Tingkat risiko")


def test_goods_compared_reads_the_matchs_relation_not_its_reason_text(index: MarkIndex) -> None:
    """The sentence follows the relation the check found, whatever the reasons say (they are translated text)."""
    from dataclasses import replace

    from similarity.values import Match

    r = check(index, "GudMilq", classes=[25])
    top = r.matches[0]
    assert top.goods_relation == "unrelated" and goods_compared(r, top) == "other"
    relabelled = replace(top, reasons=tuple(replace(x, en="goods: " + x.en) for x in top.reasons))
    assert goods_compared(r, relabelled) == "other"
    assert goods_compared(r, replace(top, goods_relation="related")) == "same"
    assert goods_compared(r, replace(top, goods_relation="famous")) == "famous"
    assert Match.from_dict(top.to_dict()).goods_relation == "unrelated"
    assert check(index, "Kopi Senja Rasa", classes=[30]).matches[0].goods_relation == "unknown"
    assert check(index, "Kopi Kenangan", classes=[30]).matches[0].goods_relation == "famous"
    assert check(index, "GudMilq").matches[0].goods_relation == "none"
