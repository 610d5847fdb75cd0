"""Meaning: the bilingual lexicon and the generic-word list (DOMAIN.md §3-§4)."""

from __future__ import annotations

import doctest
import re

import pytest

from similarity.text import lexicon as lexicon_module
from similarity.text.lexicon import GENERIC_KINDS, concept_text, generic_words, load_lexicon, parse_lexicon

# DOMAIN.md §4, copied word for word.
DOMAIN_GENERIC = """
kopi teh susu roti kue keripik kerupuk sambal bakso mie mi ayam geprek nasi es jus madu batik tenun kaos
hijab sepatu tas sabun skincare serum glow herbal jamu
toko warung kedai dapur rumah official store shop original asli premium enak nikmat lezat jaya makmur
sejahtera abadi sentosa indonesia nusantara
pt cv ud tbk persero koperasi
"""  # the last line: legal forms, DOMAIN.md §2


def concepts(text: str) -> set[str]:
    return set(concept_text(text).split())


def test_size() -> None:
    assert len(load_lexicon()) >= 300


@pytest.mark.parametrize(
    ("words", "concept"),
    [
        ("kopi coffee", "kopi"),
        ("mama ibu bunda mother mom", "ibu"),
        ("bapak pak ayah father dad", "bapak"),
        ("matahari surya sun", "matahari"),
        ("bunga kembang flower", "bunga"),
        ("kucing cat", "kucing"),
        ("ayam chicken", "ayam"),
        ("susu milk", "susu"),
        ("teh tea", "teh"),
        ("air tirta water aqua", "air"),
        ("raja king", "raja"),
        ("ratu queen", "ratu"),
        ("emas gold", "emas"),
        ("putih white", "putih"),
        ("hitam black noir", "hitam"),
        ("serigala wolf lupo", "serigala"),
        ("luna moon bulan", "bulan"),
    ],
)
def test_synonyms_share_a_concept(words: str, concept: str) -> None:
    lex = load_lexicon()
    assert {lex.concept(w) for w in words.split()} == {concept}


@pytest.mark.parametrize(
    ("a", "b"),
    [("kopi matahari", "sun coffee"), ("city girl", "city woman"), ("sun", "el sol"), ("wolf", "lupo")],
)
def test_translations_share_concepts(a: str, b: str) -> None:
    assert concepts(a) <= concepts(b) or concepts(b) <= concepts(a)
    assert concepts(a) & concepts(b)


def test_kopi_matahari_is_sun_coffee() -> None:
    assert concepts("kopi matahari") == concepts("sun coffee") == {"kopi", "matahari"}


def test_dapur_mama_suka() -> None:
    assert concept_text("dapur mama suka") == concept_text("dapur ibu suka") == "dapur ibu suka"


def test_unknown_tokens_unchanged() -> None:
    assert concept_text("bensu geprek") == "bensu geprek"
    assert concept_text("") == ""


def test_translate_gives_the_other_words() -> None:
    lex = load_lexicon()
    assert "coffee" in lex.translate("kopi")
    assert "kopi" in lex.translate("coffee")
    assert "kopi" not in lex.translate("kopi")
    assert lex.translate("bensu") == ()


def test_english_plural_falls_back_but_indonesian_does_not() -> None:
    lex = load_lexicon()
    assert lex.concept("horses") == "kuda"
    assert lex.concept("keras") is None  # not kera (monkey) + s


def test_cross_language_clashes_keep_the_indonesian_sense() -> None:
    lex = load_lexicon()
    assert lex.concept("air") == "air"  # water, not udara
    assert lex.concept("cap") == "cap"  # stamp (Cap Badak), not a hat


def test_every_word_is_normalised_and_in_one_concept() -> None:
    lex = load_lexicon()
    for concept, words in lex.words.items():
        assert concept in words
        for word in words:
            assert re.fullmatch(r"[a-z0-9]+", word), word
            assert lex.index[word] == concept


def test_parse_refuses_a_word_in_two_concepts() -> None:
    text = "concept\tindonesian\tenglish\nair\tair\twater\nudara\tudara\tair\n"
    with pytest.raises(ValueError, match="line 3.*'air' is already in concept 'air'"):
        parse_lexicon(text)


def test_parse_refuses_a_row_without_english() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_lexicon("concept\tindonesian\tenglish\nkopi\tkopi\t\n")


def test_parse_refuses_a_bad_header() -> None:
    with pytest.raises(ValueError, match="header"):
        parse_lexicon("word\tindonesian\n")


def test_load_is_cached() -> None:
    assert load_lexicon() is load_lexicon()


def test_every_domain_generic_word_present() -> None:
    generic = generic_words()
    missing = [w for w in DOMAIN_GENERIC.split() if w not in generic]
    assert not missing


def test_generic_kinds() -> None:
    generic = generic_words()
    assert set(generic.values()) == GENERIC_KINDS
    assert generic["pt"] == "legal"
    assert generic["toko"] == "shop"
    assert generic["kopi"] == "goods"
    assert generic["nusantara"] == "place"
    assert generic["enak"] == "quality"
    assert all(re.fullmatch(r"[a-z0-9]+", w) for w in generic)


def test_doctests() -> None:
    assert doctest.testmod(lexicon_module).failed == 0


def test_a_glued_compound_of_two_lexicon_words_reads_as_both_words():
    # Watercare v. Midwesco-Enterprise (TTAB 1971): AQUA-CARE translates WATERCARE; hyphens glue, so both are one word
    from similarity.text.encode import encode_name

    assert encode_name("WATERCARE").concept == encode_name("AQUA-CARE").concept == "airrawat"
    assert encode_name("Sunlight").concept == encode_name("Matahari Cahaya").concept.replace(" ", "")
    # a coined word that is not two lexicon words keeps its spelling; a listed word is not split
    assert encode_name("Indomie").concept == "indomie"
    assert encode_name("Watercare").concept != encode_name("Watermark").concept
