"""LogoIndex: add / remove / search / write / read, dihedral queries, and the score and reasons."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from similarity.image import (
    DIHEDRAL,
    LogoEvidence,
    LogoHit,
    LogoIndex,
    default_max_distance,
    dihedral_phashes,
    logo_similarity,
    phash,
    prepare_logo,
)


def codes(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 8), dtype=np.uint8)


def test_add_search_exact():
    index = LogoIndex()
    stored = codes(500)
    index.add(np.arange(500) * 10 + 7, stored)
    assert len(index) == 500
    hits = index.search(stored[42], k=3)
    assert hits[0] == LogoHit(427, 0, "identity")
    assert [hit.distance for hit in hits] == sorted(hit.distance for hit in hits)


def test_search_matches_brute_force():
    index = LogoIndex()
    stored = codes(300, seed=1)
    index.add(np.arange(300), stored)
    query = codes(8, seed=2)
    distances = np.bitwise_count(query[:, None, :] ^ stored[None]).sum(axis=2).min(axis=0)
    hits = index.search(query, k=10)
    assert [hit.distance for hit in hits] == sorted(distances)[:10]
    assert all(distances[hit.id] == hit.distance for hit in hits)
    assert len({hit.id for hit in hits}) == len(hits)


def test_max_distance_filters():
    index = LogoIndex()
    index.add(np.arange(200), codes(200, seed=3))
    hits = index.search(codes(1, seed=4), k=200, max_distance=24)
    assert hits and all(hit.distance <= 24 for hit in hits)
    assert len(index.search(codes(1, seed=4), k=200)) == 200


def test_remove_without_rebuild():
    index = LogoIndex()
    stored = codes(100)
    index.add(np.arange(100), stored)
    assert index.remove(np.array([5, 6, 1000])) == 2
    assert len(index) == 98
    assert all(hit.id not in (5, 6) for hit in index.search(stored[5], k=98))
    index.add(np.array([5]), stored[5:6])
    assert index.search(stored[5], k=1)[0].id == 5


def test_refuses_bad_input():
    index = LogoIndex()
    index.add(np.array([1]), codes(1))
    with pytest.raises(ValueError, match="already"):
        index.add(np.array([1]), codes(1))
    with pytest.raises(ValueError, match="shape"):
        index.add(np.array([2]), np.zeros((1, 4), np.uint8))
    with pytest.raises(ValueError, match="query codes"):
        index.search(codes(3), k=1)
    assert LogoIndex().search(codes(1)) == []


def test_write_read_round_trip(tmp_path):
    index = LogoIndex()
    stored = codes(1000)
    index.add(np.arange(1000, 2000), stored)
    index.remove(np.array([1500]))
    path = tmp_path / "logos.faissbin"
    index.write(path)
    again = LogoIndex.read(path)
    assert len(again) == 999 and again.bits == 64
    assert again.search(stored[3], k=1) == index.search(stored[3], k=1)
    assert np.array_equal(np.sort(again.ids()), np.sort(index.ids()))
    assert again.remove(np.array([1003])) == 1


def test_dihedral_query_finds_rotated_and_mirrored_copies():
    mark = Image.new("RGB", (200, 140), "white")
    draw = ImageDraw.Draw(mark)
    draw.polygon([(10, 10), (190, 30), (60, 130)], fill="darkgreen")
    draw.ellipse((120, 80, 180, 130), fill="orange")
    index = LogoIndex()
    index.add(np.array([99]), phash(prepare_logo(mark))[None])
    expected = {
        "mirror": mark.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        "rot90": mark.transpose(Image.Transpose.ROTATE_90),
        "rot270": mark.transpose(Image.Transpose.ROTATE_270),
        "rot180": mark.transpose(Image.Transpose.ROTATE_180),
    }
    for variant, query in expected.items():
        hit = index.search(dihedral_phashes(prepare_logo(query)), k=1)[0]
        assert (hit.id, hit.distance, hit.variant) == (99, 0, variant)
    assert set(DIHEDRAL) >= {hit.variant for hit in index.search(dihedral_phashes(prepare_logo(mark)))}


def test_similarity_calibrated():
    threshold = default_max_distance()
    assert 0 < threshold < 32
    assert logo_similarity(threshold) == pytest.approx(0.5)
    values = [logo_similarity(d) for d in range(65)]
    assert values[0] == 1.0 and values[-1] == 0.0
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))


def test_reasons():
    assert LogoEvidence.from_distance(4, variant="mirror").reason() == (
        "logo dicerminkan (jarak 4/64)",
        "mirrored copy of the logo (distance 4/64)",
    )
    assert LogoEvidence.from_distance(0).reason()[1].startswith("near-identical logo")
    assert LogoEvidence.from_distance(2, variant="rot180").reason()[0].startswith("logo diputar")
    evidence = LogoEvidence.from_distance(3, variant="identity")
    assert evidence.hash == "phash" and evidence.bits == 64 and 0.5 < evidence.similarity <= 1
