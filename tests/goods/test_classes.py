import itertools

import numpy as np
import pytest

from similarity.classes import (
    NICE_CLASSES,
    RELATED_SCORE,
    SAME_SCORE,
    UNRELATED_SCORE,
    GoodsEvidence,
    UnknownClassError,
    class_relatedness,
    goods_similarity,
    parse_classes,
    related_classes,
    relatedness_matrix,
)

DOMAIN_PAIRS = [
    (29, 30),
    (30, 43),
    (29, 43),
    (32, 43),
    (32, 33),
    (3, 5),
    (3, 44),
    (25, 18),
    (18, 14),
    (25, 14),
]
ALL = range(1, 46)


def test_all_45_classes_with_kind_and_both_titles():
    assert sorted(NICE_CLASSES) == list(ALL)
    for number, nice in NICE_CLASSES.items():
        assert nice.number == number
        assert nice.kind == ("goods" if number <= 34 else "services")
        assert nice.title_id.strip() and nice.title_en.strip()
        assert len(nice.title_id) <= 70 and len(nice.title_en) <= 80, "headings stay short for reasons"
    assert "kopi" in NICE_CLASSES[30].title_id and "coffee" in NICE_CLASSES[30].title_en
    assert "restoran" in NICE_CLASSES[43].title_id


def test_nice_classes_is_read_only():
    with pytest.raises(TypeError):
        NICE_CLASSES[46] = NICE_CLASSES[1]  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30;43", (30, 43)),
        ("30,43", (30, 43)),
        ("30 43", (30, 43)),
        ("43 / 30 | 35", (30, 35, 43)),
        ("kelas 30", (30,)),
        ("Kelas 30 dan 43", (30, 43)),
        ("Class 30, Class 43", (30, 43)),
        ("Kl. 25", (25,)),
        ("030", (30,)),
        ("30.0", (30,)),
        ("  30 ;; 30 ", (30,)),
        (30, (30,)),
        (np.int64(30), (30,)),
        (30.0, (30,)),
        ([30, "43"], (30, 43)),
        (["43", 30, 30], (30, 43)),
        (("30;43", 25), (25, 30, 43)),
        ({45, 1}, (1, 45)),
        ([None, "", 30, float("nan")], (30,)),
        (None, ()),
        ("", ()),
        ("   ", ()),
        ([], ()),
        (float("nan"), ()),
    ],
)
def test_parse_classes_variants(value, expected):
    assert parse_classes(value) == expected


@pytest.mark.parametrize(
    "value", [0, 46, 99, -1, "0", "46", "99", "abc", "30;abc", "30-43", "3a", 30.5, True, [30, 46], [30, "x"]]
)
def test_parse_classes_errors(value):
    with pytest.raises(UnknownClassError) as info:
        parse_classes(value)
    message = str(info.value)
    assert "1..45" in message
    assert isinstance(info.value, ValueError)


def test_error_names_the_value_as_written():
    with pytest.raises(UnknownClassError, match="'abc'"):
        parse_classes("30;abc")
    with pytest.raises(UnknownClassError, match="99"):
        parse_classes([30, 99])
    with pytest.raises(UnknownClassError) as info:
        parse_classes("46")
    assert info.value.value == "46"


def test_parse_classes_rejects_other_types():
    with pytest.raises(UnknownClassError):
        parse_classes(object())  # type: ignore[arg-type]


def test_relation_table_is_complete_and_symmetric():
    for a, b in itertools.product(ALL, ALL):
        relation, score, source = class_relatedness(a, b)
        assert (relation, score, source) == class_relatedness(b, a)
        if a == b:
            assert (relation, score, source) == ("same", SAME_SCORE, "")
        else:
            assert relation in ("related", "unrelated")
            assert score == (RELATED_SCORE if relation == "related" else UNRELATED_SCORE)
            assert source, "every decision except 'same' cites where it comes from"


@pytest.mark.parametrize(("a", "b"), DOMAIN_PAIRS)
def test_domain_pairs_are_related_and_cite_domain(a, b):
    relation, score, source = class_relatedness(a, b)
    assert relation == "related" and score == RELATED_SCORE
    assert "DOMAIN.md §5" in source


def test_retail_35_is_related_to_every_goods_class():
    for goods in range(1, 35):
        relation, _, source = class_relatedness(35, goods)
        assert relation == "related", goods
        assert "retail" in source


def test_unrelated_examples():
    assert class_relatedness(25, 30)[0] == "unrelated"  # clothing vs coffee
    assert class_relatedness(36, 43)[0] == "unrelated"  # banking vs restaurants
    assert class_relatedness(9, 30)[0] == "unrelated"
    assert class_relatedness(35, 36)[0] == "unrelated"  # no blanket service-to-service rule


def test_scores_are_ordered():
    assert SAME_SCORE > RELATED_SCORE > UNRELATED_SCORE > 0


@pytest.mark.parametrize(("a", "b"), [(0, 30), (30, 46), ("30", 43), (True, 30)])
def test_class_relatedness_rejects_non_classes(a, b):
    with pytest.raises(UnknownClassError):
        class_relatedness(a, b)


def test_related_classes():
    assert related_classes(43) == (29, 30, 31, 32, 33, 39)
    assert 43 in related_classes(30) and 30 not in related_classes(30)
    assert set(related_classes(35)) == set(range(1, 35))
    for a in ALL:
        for b in related_classes(a):
            assert a in related_classes(b)


def test_goods_similarity_picks_best_pair():
    evidence = goods_similarity([25, 30], [9, 43])
    assert evidence == GoodsEvidence(RELATED_SCORE, "related", 30, 43, class_relatedness(30, 43)[2])
    same = goods_similarity([25, 30], [43, 30])
    assert (same.relation, same.score, same.query_class, same.mark_class, same.source) == (
        "same",
        SAME_SCORE,
        30,
        30,
        "",
    )
    unrelated = goods_similarity([9], [25, 30])
    assert unrelated.relation == "unrelated" and unrelated.score == UNRELATED_SCORE
    assert (unrelated.query_class, unrelated.mark_class) == (9, 25), "ties go to the lowest classes"


def test_goods_similarity_accepts_unsorted_duplicates_and_strings():
    assert goods_similarity((43, 43, 30), "43").relation == "same"


@pytest.mark.parametrize(("query", "mark"), [([], [30]), ([30], []), ([], []), (None, [30])])
def test_goods_similarity_unknown_when_a_side_is_empty(query, mark):
    evidence = goods_similarity(query, mark)
    assert evidence.score is None and evidence.relation == "unknown"
    assert evidence.query_class is None and evidence.mark_class is None


def test_goods_similarity_rejects_bad_class():
    with pytest.raises(UnknownClassError):
        goods_similarity([30], [46])


@pytest.mark.parametrize(("query", "mark"), [([30], [30]), ([30], [43]), ([25], [30]), ([], [30])])
def test_reasons_in_both_languages(query, mark):
    reason_id, reason_en = goods_similarity(query, mark).reason()
    assert isinstance(reason_id, str) and isinstance(reason_en, str)
    assert reason_id.strip() and reason_en.strip() and reason_id != reason_en


def test_reason_wording():
    reason_id, reason_en = goods_similarity([30], [43]).reason()
    assert reason_id.startswith("kelas terkait: 30 (kopi") and "~ 43 (restoran" in reason_id
    assert reason_en.startswith("related classes: 30 (coffee") and "~ 43 (restaurants" in reason_en
    assert goods_similarity([30], [30]).reason()[0].startswith("kelas sama: 30")
    assert goods_similarity([25], [30]).reason()[1].startswith("unrelated classes: 25")


def test_goods_evidence_is_frozen():
    evidence = goods_similarity([30], [43])
    with pytest.raises(AttributeError):
        evidence.score = 1.0  # type: ignore[misc]


def test_relatedness_matrix_matches_function():
    matrix = relatedness_matrix()
    assert matrix.shape == (46, 46) and matrix.dtype == np.float64
    assert not matrix[0].any() and not matrix[:, 0].any()
    for a, b in itertools.product(ALL, ALL):
        assert matrix[a, b] == class_relatedness(a, b)[1]
    assert np.array_equal(matrix, matrix.T)
    with pytest.raises(ValueError):
        matrix[1, 2] = 1.0
    query, marks = np.array([30]), np.array([43, 25, 30])
    assert matrix[query[:, None], marks].max(axis=0).tolist() == [RELATED_SCORE, UNRELATED_SCORE, SAME_SCORE]
