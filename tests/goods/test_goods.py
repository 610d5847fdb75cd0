"""Goods terms → Nice classes: the terms an owner types find the classes a clerk would pick, with why."""

from __future__ import annotations

import csv

import pytest

from similarity.classes import NICE_CLASSES
from similarity.goods import GOODS_TERMS, UnknownGoodsError, classes_for_goods, goods_terms, search_goods

# what the issue names, and what the Nice Classification says (class headings / explanatory notes)
EXPECTED = {
    "keripik": {29, 30}, "kerupuk": {29, 30}, "sambal": {30}, "bakso": {29, 43}, "mie": {30}, "kopi bubuk": {30},
    "hijab": {25}, "batik": {24, 25}, "kaos": {25}, "sepatu": {25}, "tas": {18}, "sabun": {3}, "skincare": {3},
    "jamu": {5}, "catering": {43}, "laundry": {37}, "toko online": {35}, "online shop": {35}, "warung": {43},
    "es teh": {30}, "baju": {25}, "keripik kentang": {29}, "kerupuk kulit": {29}, "susu": {29}, "jus": {32},
    "air mineral": {32}, "bir": {32}, "rokok": {34}, "salon": {44}, "hotel": {43}, "kurir": {39}, "sablon": {40},
    "kursus": {41}, "pembuatan website": {42}, "asuransi": {36}, "perhiasan": {14}, "mainan": {28},
}


@pytest.mark.parametrize("term,classes", sorted(EXPECTED.items()))
def test_common_terms_map_to_their_nice_classes(term: str, classes: set[int]) -> None:
    found = search_goods(term)
    assert found.found and found.hits[0].how == "exact"
    assert classes <= set(found.classes), (term, found.classes)


def test_every_class_says_why_in_both_languages_and_cites_a_source() -> None:
    with open(GOODS_TERMS, encoding="utf-8") as f:
        rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))
    assert len(rows) >= 300
    assert len(goods_terms()) >= 1000  # several hundred terms, with their spellings and English names
    for row in rows:
        assert 1 <= int(row["class"]) <= 45 and row["why_id"] and row["why_en"], row
        assert row["source"] in ("heading", "note") or row["source"].startswith("list: "), row
    # services rows point at service classes, and every class of the Nice list is reachable by some term
    assert {int(r["class"]) for r in rows} == set(NICE_CLASSES)


def test_keripik_explains_its_two_classes() -> None:
    hit = search_goods("Keripik").hits[0]
    why = {c.number: c.why("en") for c in hit.classes}
    assert "potato" in why[29] and "flour" in why[30]
    assert {c.number: c.why("id") for c in hit.classes}[29].startswith("keripik kentang")


def test_a_phrase_finds_the_terms_inside_it_and_a_prefix_lists_terms_while_typing() -> None:
    assert search_goods("keripik singkong pedas").classes == (29, 30)
    assert search_goods("jual baju muslim").classes == (25,)
    assert search_goods("kopi bubuk").classes == (30,)  # not kopi's café (43) too
    typing = search_goods("kop")
    assert typing.found and typing.classes == () and "kopi" in typing.suggestions


def test_an_unknown_term_says_so_and_suggests_the_closest() -> None:
    typo = search_goods("keripk")
    assert not typo.found and typo.suggestions[0] == "keripik"
    with pytest.raises(UnknownGoodsError) as e:
        classes_for_goods(["kopi", "keripk"])
    assert "keripik" in str(e.value) and "tidak dikenal" in e.value.text("id")
    assert search_goods("qqqqzz").hits == ()


def test_no_brand_names_among_the_terms() -> None:
    brands = {"lego", "yakult", "pampers", "aqua", "indomie", "gojek", "tokopedia", "shopee"}
    assert brands.isdisjoint(goods_terms())


def test_classes_for_goods_unions_the_terms() -> None:
    assert classes_for_goods(["bakso", "kopi bubuk", " "]) == (29, 30, 43)
