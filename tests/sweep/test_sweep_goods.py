"""The sweep weighs the goods a listing sells and how a mark's word is used in its title (issue 18).

Each case is a failure mode found in the blind-judged real Tokopedia flags (PUMA fuel on a shoe listing, SYNDICATE
Bank on T-shirts, MOTIF Beko, "Sari" of other shops' names for SARI ROTI, CAPPUCCINO the drink, TEAL the colour),
rebuilt here with invented titles."""

from __future__ import annotations

import pandas as pd
import pytest

from similarity import Mark, MarkIndex
from similarity.io.listings import plan_partitions, read_partition
from similarity.sweep import sweep_frame
from similarity.sweep.category import category_classes, listing_classes, listing_relation, title_classes
from similarity.sweep.mentions import MentionMatcher
from similarity.sweep.usage import mark_words_present, why_not_a_flag

MARKS = [
    Mark(id="P1", name="Puma", owner="Puma SE", classes=(25, 35)),
    Mark(id="P2", name="Puma", owner="Puma Energy", classes=(4, 35)),
    Mark(id="S", name="Syndicate Bank", classes=(36,)),
    Mark(id="B", name="Beko", classes=(25,)),
    Mark(id="T", name="Teal", classes=()),
    Mark(id="TA", name="Tealwear", classes=()),
    Mark(id="R", name="Sari Roti", classes=(30,)),
    Mark(id="C", name="Cappuccino", classes=(30,)),
    Mark(id="H", name="House of Hoops", classes=(25, 35)),
    Mark(id="TY", name="Toyota", classes=(12, 35)),
    Mark(id="L", name="Lexus", classes=(12, 35)),
    Mark(id="SK", name="Skyline", classes=()),
    Mark(id="O", name="Onix Capital", classes=()),
]
FILLER = ["Janji Jiwa", "Kopi Kenangan", "Djarum", "Wardah", "Kalibre", "Erigo", "Sambal Bu Rudy", "Chitato",
          "Maicih", "Aerostreet"]  # fmt: skip


@pytest.fixture(scope="module")
def matcher() -> MentionMatcher:
    idx = MarkIndex()
    idx.add(MARKS + [Mark(id=f"F{i}", name=n, classes=(30,)) for i, n in enumerate(FILLER)])
    return MentionMatcher().fit(idx)


def _ids(matcher: MentionMatcher, title: str, category: str | None = None) -> list[str]:
    return [m.mark.id for m in matcher.find([title], categories=[category])]


def test_a_category_breadcrumb_names_the_goods_and_the_title_does_without_one():
    assert category_classes("fashion-pria/sepatu-pria/sneakers-pria") == (25,)
    assert category_classes("fashion-wanita/tas-wanita/tas-selempang-wanita") == (18,)  # the leaf, not "fashion"
    assert category_classes("lainnya/lainnya") == ()
    assert title_classes(("kopi", "bubuk", "robusta")) == (30,)  # kopi bubuk, not also kopi the café (43)
    assert title_classes(("kaos", "motor", "vespa")) == (12, 25)  # a shirt with a motorbike on it
    assert listing_classes("Kaos Polos", "fashion-pria/sepatu-pria/sneakers-pria") == (25,)
    assert listing_classes("Kaos Polos", "lainnya") == (25,)  # unknown category: the title's goods words
    assert listing_classes("ABC 123") == ()


def test_retail_class_relates_no_mark_to_a_product():
    assert listing_relation((25,), (4, 35)) == "unrelated"  # PUMA fuel and its shops, not shoes
    assert listing_relation((25,), (35,)) == "unrelated"  # a retailer's name in a product title is the seller's
    assert listing_relation((35,), (35,)) == "same"
    assert listing_relation((25,), (18, 35)) == "related"  # bags and clothing
    assert listing_relation((), (25,)) == listing_relation((25,), ()) == "unknown"


def test_a_mark_of_other_goods_is_not_flagged_unless_famous(matcher):
    shoes = "fashion-pria/sepatu-pria/sneakers-pria"
    found = matcher.find(["Sepatu Puma Speed Cat Original"], categories=[shoes])
    assert [(m.mark.id, m.goods, m.listing_classes) for m in found] == [("P1", "same", (25,))]
    assert _ids(matcher, "Kaos Oversize Syndicate Hitam Unisex", "fashion-pria/atasan-pria/kaos-pria") == []
    assert _ids(matcher, "Tote Bag Kanvas Lexus Wanita", "fashion-wanita/tas-wanita/tote-bag-wanita") == []
    # famous marks are protected beyond their goods (Art. 21(1)(b)): merchandise is a copy
    assert _ids(matcher, "Kaos Balap Toyota Team Putih", "fashion-pria/atasan-pria/kaos-pria") == ["TY"]


def test_an_attribute_word_makes_the_next_word_a_property_not_a_brand(matcher):
    kids = "fashion-anak-bayi/pakaian-anak-laki-laki/setelan-anak-laki-laki"
    assert _ids(matcher, "Baju Anak Laki Motif Beko Lengan Pendek", kids) == []
    assert _ids(matcher, "Beko Baju Anak Laki Lengan Pendek", kids) == ["B"]


def test_a_common_word_needs_agreeing_goods_and_a_rare_one_does_not(matcher):
    assert _ids(matcher, "Jaket Gunung Skyline Anti Air", "fashion-pria/outerwear-pria/jaket-pria") == []
    assert _ids(matcher, "Skyline Jaket Gunung Anti Air", "fashion-pria/outerwear-pria/jaket-pria") == []
    assert _ids(matcher, "Tealwear Tshirt Oversize Black", "fashion-pria/atasan-pria/kaos-pria") == ["TA"]


def test_a_colour_name_is_the_colour(matcher):
    assert _ids(matcher, "Kaos Polos Lengan Pendek Teal Ukuran L", "fashion-pria/atasan-pria/kaos-pria") == []


def test_one_rare_word_of_a_longer_mark_needs_fame_or_agreeing_goods(matcher):
    assert _ids(matcher, "Kemeja Pria Onix Slimfit", "fashion-pria/atasan-pria/kemeja-pria") == []
    assert _ids(matcher, "Onix Capital Kemeja Pria", "fashion-pria/atasan-pria/kemeja-pria") == ["O"]


def test_one_common_word_of_a_longer_mark_is_the_word(matcher):
    cookies = "makanan-minuman/makanan-ringan/biskuit-wafer"
    assert _ids(matcher, "Kue Nastar Toko Dewi Sari 500gr", cookies) == []  # a shop's name, not SARI ROTI
    assert _ids(matcher, "Sari Roti Sandwich Coklat 2 pcs", cookies) == ["R"]
    assert _ids(matcher, "Celana Pendek Hoops Pria Basket", "fashion-pria/celana-pria/celana-pendek-pria") == []
    assert _ids(matcher, "Kaos House of Hoops Original", "fashion-pria/atasan-pria/kaos-pria") == ["H"]
    # the other word said in the other language still makes the phrase (ULTRA MILK in "Susu Ultra")
    assert mark_words_present(("susu", "ultra", "coklat"), 1, 2, ("ultra", "milk"), ("ultra", "susu")) == 2


def test_the_name_of_the_goods_is_not_their_brand(matcher):
    assert _ids(matcher, "Kopi Sachet Cappuccino Gula Aren 10 pcs", "makanan-minuman/minuman/kopi-kemasan") == []


def test_why_not_a_flag_says_which_rule():
    common = {"famous": False, "relation": "unknown", "via": "exact"}
    assert why_not_a_flag(("bahan", "tesla"), 1, 2, ("tesla",), **common) == "attribute"
    assert why_not_a_flag(("kaos", "skyline"), 1, 2, ("skyline",), **common) == "ordinary word, goods not shown"
    assert why_not_a_flag(("kaos", "skyline"), 1, 2, ("skyline",), **{**common, "relation": "same"}) is None
    assert why_not_a_flag(("sampurna",), 0, 1, ("sampoerna",), famous=True, relation="unknown",
                          via="sound") == "misspelling, goods not shown"
    assert why_not_a_flag(("jaket", "pinnacle"), 1, 2, ("pinnacle", "bank"), **common) == "part of the mark"
    assert why_not_a_flag(("jaket", "syndicat"), 1, 2, ("syndicat",), famous=False, relation="unrelated",
                          via="exact") == "goods differ"


def test_category_column_reaches_the_report(tmp_path, matcher):
    df = pd.DataFrame({"id": ["1", "2"], "title": ["Sepatu Puma Speed Cat", "Puma kaos polos"],
                       "category": ["fashion-pria/sepatu-pria/sneakers-pria", ""]})
    out = sweep_frame(df, matcher.index_)
    assert out[["listing_id", "mark_id", "listing_classes", "goods"]].values.tolist() == [
        ["1", "P1", "25", "same"], ["2", "P1", "25", "same"]]
    src = tmp_path / "listings.tsv"
    src.write_text("id\tname\tcategory_breadcrumb\n7\tSepatu Puma\tfashion-pria/sepatu-pria/sneakers-pria\n",
                   encoding="utf-8")
    good, bad = read_partition(plan_partitions(src, 10)[0])
    assert not bad and good["category"].tolist() == ["fashion-pria/sepatu-pria/sneakers-pria"]


def test_a_channel_or_fit_word_makes_a_reference_not_a_flag():
    # the constructions of blind-judged wrong flags (sweep_v2), in phrases written here: a courier, a marketplace and a
    # capsule machine named after "via", "di", "with"
    famous = dict(famous=True, relation="unknown", via="exact")
    assert why_not_a_flag(("ongkir", "via", "gojek", "atau", "grab"), 2, 3, ("gojek",), **famous) == "reference"
    assert why_not_a_flag(("jual", "di", "shopee", "dan", "tokopedia"), 4, 5, ("tokopedia",), **famous) == (
        "reference"
    )
    assert why_not_a_flag(("kapsul", "compatible", "with", "nespresso"), 3, 4, ("nespresso",), **famous) == (
        "reference"
    )
    # the brand as the product's own still flags, and a conjunction alone refers to nothing
    assert why_not_a_flag(("kapsul", "nespresso", "original"), 1, 2, ("nespresso",), **famous) is None
    assert why_not_a_flag(("kaos", "dan", "nespresso"), 2, 3, ("nespresso",), **famous) is None


def test_a_common_one_word_mark_in_related_goods_only_is_not_a_flag():
    related = dict(famous=False, relation="related", via="exact")
    assert why_not_a_flag(("bandeng", "presto", "juwana"), 1, 2, ("presto",), **related) == "goods only related"
    assert why_not_a_flag(("gorden", "blackout", "minimalis"), 1, 2, ("blackout",), **related) == "goods only related"
    # a coined word, the same goods, a famous mark, or a glued multi-word mark keep the flag
    assert why_not_a_flag(("tas", "eiger", "ransel"), 1, 2, ("eiger",), **related) is None
    assert why_not_a_flag(("bandeng", "presto"), 1, 2, ("presto",), **{**related, "relation": "same"}) is None
    assert why_not_a_flag(("bandeng", "presto"), 1, 2, ("presto",), **{**related, "famous": True}) is None
    assert why_not_a_flag(("ayamgeprekbensu",), 0, 1, ("geprek", "bensu"), **{**related, "via": "compact"}) is None


def test_a_plural_goods_name_is_the_goods():
    same = dict(famous=False, relation="same", via="exact")
    assert why_not_a_flag(("jaket", "hoodies", "polos"), 1, 2, ("hoodies",), **same) == "goods name"
    assert why_not_a_flag(("jaket", "hoodie"), 1, 2, ("hoodie",), **same) == "goods name"
