import pytest

from similarity.verdict.status import (
    RATIONALE,
    STATUS_WEIGHT,
    STATUSES,
    parse_status,
    status_label,
    status_reason,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("registered", "registered"),
        ("Registered", "registered"),
        ("terdaftar", "registered"),
        ("TERDAFTAR", "registered"),
        ("Didaftar", "registered"),
        ("berlaku", "registered"),
        ("granted", "registered"),
        ("pending", "pending"),
        ("diajukan", "pending"),
        ("Dalam Proses", "pending"),
        ("dalam_proses", "pending"),
        ("dalam-proses", "pending"),
        ("  dalam   proses ", "pending"),
        ("permohonan", "pending"),
        ("Pemeriksaan Substantif", "pending"),
        ("pemeriksaan formalitas", "pending"),
        ("publikasi", "pending"),
        ("pengumuman", "pending"),
        ("oposisi", "pending"),
        ("keberatan", "pending"),
        ("filed", "pending"),
        ("refused", "refused"),
        ("rejected", "refused"),
        ("ditolak", "refused"),
        ("Ditarik Kembali", "refused"),
        ("withdrawn", "refused"),
        ("expired", "expired"),
        ("berakhir", "expired"),
        ("Dihapus", "expired"),
        ("dibatalkan", "expired"),
        ("tidak berlaku", "expired"),
        ("lapsed", "expired"),
        ("cancelled", "expired"),
    ],
)
def test_parse_status_both_languages(word, expected):
    assert parse_status(word) == expected


@pytest.mark.parametrize("empty", [None, "", "   ", "_"])
def test_empty_status_is_an_error_not_registered(empty):
    with pytest.raises(ValueError, match="empty status — expected one of: registered, pending"):
        parse_status(empty)


@pytest.mark.parametrize("word", ["aktif?", "unknown", "terdaftar sementara", "tolak"])
def test_unknown_status_lists_accepted_words(word):
    with pytest.raises(ValueError) as info:
        parse_status(word)
    message = str(info.value)
    assert repr(word) in message
    for accepted in ("registered", "terdaftar", "diajukan", "ditolak", "berakhir", "dihapus"):
        assert accepted in message


def test_every_status_has_weight_rationale_and_labels():
    assert set(STATUSES) == set(STATUS_WEIGHT) == set(RATIONALE)
    for status in STATUSES:
        assert 0 < STATUS_WEIGHT[status] <= 1
        assert RATIONALE[status].strip()
        assert parse_status(status) == status
        assert status_label(status, "id") and status_label(status, "en") == status


def test_weights_follow_the_law():
    assert STATUS_WEIGHT["registered"] == STATUS_WEIGHT["pending"] == 1.0  # a pending application blocks
    assert STATUS_WEIGHT["registered"] > STATUS_WEIGHT["expired"] > STATUS_WEIGHT["refused"] > 0
    assert STATUS_WEIGHT["expired"] == pytest.approx(0.3) and STATUS_WEIGHT["refused"] == pytest.approx(0.2)


def test_weights_are_read_only():
    with pytest.raises(TypeError):
        STATUS_WEIGHT["expired"] = 1.0  # type: ignore[index]


def test_status_labels():
    assert [status_label(s) for s in ("registered", "pending", "refused", "expired")] == [
        "terdaftar",
        "diajukan",
        "ditolak",
        "berakhir",
    ]
    assert status_label("Dalam Proses", "en") == "pending"
    with pytest.raises(ValueError, match="'fr'"):
        status_label("registered", "fr")
    with pytest.raises(ValueError):
        status_label("nonsense")


def test_reason_only_when_weight_is_lowered():
    for status in STATUSES:
        reason = status_reason(status)
        if STATUS_WEIGHT[status] < 1.0:
            assert reason is not None
            reason_id, reason_en = reason
            assert reason_id.strip() and reason_en.strip() and reason_id != reason_en
        else:
            assert reason is None
    assert status_reason("berakhir")[0].startswith("merek sudah berakhir")
    assert status_reason("expired")[1].startswith("mark has expired")
    assert "refused" in status_reason("ditolak")[1]
