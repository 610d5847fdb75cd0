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


def test_brown_is_a_colour_not_chocolate() -> None:
    """Indonesian *coklat* is both chocolate and the colour, but English BROWN is only the colour: read as COKLAT it
    was a goods word, generic in every class, so BROWNS (a restaurant, a surname) weighed nothing and a meaning match
    made it CHOCOLATE."""
    lex = load_lexicon()
    assert lex.concept("chocolate") == lex.concept("coklat") == "coklat"
    assert lex.concept("brown") is None and lex.concept("browns") is None


def test_every_word_is_normalised_and_in_one_concept() -> None:
    lex = load_lexicon()
    for concept, words in lex.words.items():
        assert concept in words
        for word in words:  # a phrase is normalised words, and is also known glued
            assert re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", word), word
            assert lex.index[word.replace(" ", "")] == concept
            if " " in word:
                assert lex.phrases[tuple(word.split())] == concept


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


def test_a_phrase_means_what_its_words_do_not():
    # In re American Safety Razor (TTAB 1987): BUENOS DIAS is GOOD MORNING, though DIAS is "days"; In re Thomas (TTAB
    # 2006): MARCHE NOIR is BLACK MARKET. Also the Indonesian the engine meets first, and the phrase written glued.
    from similarity.text.encode import encode_name

    names = ("Buenos Días", "GOOD MORNING", "Selamat Pagi", "Bonjour", "GOODMORNING")
    morning = {encode_name(n).concept for n in names}
    assert morning == {"selamatpagi"}
    assert encode_name("Marché Noir").concept == encode_name("Pasar Gelap").concept == "pasargelap"
    assert encode_name("Bulan Madu").concept == encode_name("Honeymoon").concept
    # the words of a phrase are not generic inside it: MARKET alone is a shop word, BLACK MARKET is the mark
    assert encode_name("Black Market Minerals").core == "blackmarketminerals"
    assert encode_name("Black Market Minerals").concept == "pasargelap minerals"
    assert encode_name("Market Minerals").core == "minerals"
    # alone, or in another order, the words keep their own meaning
    assert encode_name("Selamat Jaya").concept_tokens[0] != "selamatpagi"
    assert encode_name("Pagi Selamat").concept_tokens[0] != "selamatpagi"
    assert concept_text("black cat market") == "hitam kucing pasar"


def test_a_phrase_stays_aligned_with_its_words_and_reads_as_one_word():
    from similarity.text.encode import encode_name

    code = encode_name("Kedai Buenos Dias Jaya")
    assert len(code.tokens) == len(code.concept_tokens) == len(code.sound_tokens) == 4
    assert [w[0] for w in code.words()] == ["kedai", "buenos dias", "jaya"]
    assert encode_name("Kopi Kopi").words() == [("kopi", "kopi", "kopi")] * 2


def test_phrase_spans_take_the_longest_phrase_left_to_right():
    lex = parse_lexicon(
        "concept\tindonesian\tenglish\nselamatpagi\tselamat pagi\tgood morning\n"
        "selamatpagiku\tselamat pagi ku\tmy good morning\n"
    )
    assert lex.phrase_spans(("selamat", "pagi", "ku", "good", "morning")) == [
        (0, 3, "selamatpagiku"), (3, 5, "selamatpagi")]
    assert lex.phrase_spans(("pagi", "selamat")) == []


def test_parse_refuses_a_phrase_in_two_concepts_or_too_long():
    with pytest.raises(ValueError, match="line 3.*phrase 'good morning'"):
        parse_lexicon("concept\tindonesian\tenglish\npagi\tselamat pagi\tgood morning\nsiang\tsiang\tgood morning\n")
    with pytest.raises(ValueError, match="longer than"):
        parse_lexicon("concept\tindonesian\tenglish\nx\ta b c d e\tx\n")
    with pytest.raises(ValueError, match="one-word id"):
        parse_lexicon("concept\tindonesian\tenglish\nselamat pagi\tselamat pagi\tgood morning\n")
