"""The shape code: the pHash of a logo's silhouette, stored beside its pHash, finds a copy in other colours."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from similarity import Mark, MarkIndex, check
from similarity.candidates.logos import logo_candidates
from similarity.image import LogoEvidence, default_max_distance, dihedral_phashes, prepare_logo
from similarity.image.hash import (
    CODE_BYTES,
    DIHEDRAL,
    dhash,
    dihedral_codes,
    dihedral_variants,
    encode_logo,
    hamming,
    phash,
    shape_hash,
)
from similarity.image.load import foreground_mask
from similarity.image.score import best_evidence
from similarity.io.registry import read_registry
from similarity.score.logo_hashes import logo_evidence


def _logo(first: str, second: str) -> Image.Image:
    """A two-colour mark: a triangle in `first`, a disc in `second`, on white."""
    image = Image.new("RGB", (240, 180), "white")
    draw = ImageDraw.Draw(image)
    draw.polygon([(10, 10), (230, 40), (70, 170)], fill=first)
    draw.ellipse((140, 90, 225, 170), fill=second)
    draw.rectangle((20, 120, 60, 170), fill=second)
    return image


ORIGINAL = ("navy", "gold")
RECOLOURED = ("gold", "navy")  # the same drawing with its two inks swapped


@pytest.fixture()
def files(tmp_path):
    paths = {}
    for key, colours in (("original", ORIGINAL), ("recoloured", RECOLOURED)):
        paths[key] = tmp_path / f"{key}.png"
        _logo(*colours).save(paths[key])
    return paths


def test_recolouring_moves_the_phash_but_not_the_shape_code():
    original, recoloured = prepare_logo(_logo(*ORIGINAL)), prepare_logo(_logo(*RECOLOURED))
    assert hamming(phash(original), phash(recoloured)) > default_max_distance()
    assert hamming(shape_hash(original), shape_hash(recoloured)) <= 2


def test_foreground_mask_is_the_silhouette():
    mask = np.asarray(foreground_mask(prepare_logo(_logo(*ORIGINAL))))
    assert mask.min() == 0 and mask.max() == 255
    assert mask[mask.shape[0] // 2, mask.shape[1] // 2] == 0  # inside the triangle
    assert mask[2, -3] == 255  # the white corner beside the triangle's tip


def test_codes_are_phash_shape_and_dhash_for_every_variant(files):
    prepared = prepare_logo(Image.open(files["original"]))
    code = encode_logo(files["original"])
    assert code.shape == (CODE_BYTES,) == (24,) and code.dtype == np.uint8
    assert np.array_equal(code[:8], phash(prepared)) and np.array_equal(code[8:16], shape_hash(prepared))
    assert np.array_equal(code[16:], dhash(prepared))
    variants = dihedral_codes(prepared)
    assert variants.shape == (len(DIHEDRAL), CODE_BYTES)
    assert np.array_equal(variants[:, :8], dihedral_phashes(prepared))
    for i, variant in enumerate(dihedral_variants(foreground_mask(prepared))):
        assert np.array_equal(variants[i, 8:16], phash(variant))
    for i, variant in enumerate(dihedral_variants(prepared.convert("L"))):
        assert np.array_equal(variants[i, 16:], dhash(variant))


def test_a_recoloured_copy_is_found_by_its_shape_with_a_reason(files, tmp_path):
    index = MarkIndex()
    index.add([Mark(id="m", name="Segitiga Emas", logo=str(files["original"])), Mark(id="x", name="Lain")])
    for idx in (index, MarkIndex.load(index.save(tmp_path / "i"))):  # and after a save and a load
        top = check(idx, logo=files["recoloured"]).matches[0]
        assert top.mark.id == "m"
        assert top.factors.logo >= 0.5
        assert top.detail["logo"]["hash"] == "shape"
        assert any(r.factor == "logo" and "same logo shape in other colours" in r.en for r in top.reasons)
        assert any("bentuk logo sama" in r.id for r in top.reasons)
        same = check(idx, logo=files["original"]).matches[0]
        assert same.detail["logo"]["hash"] == "phash" and same.factors.logo == pytest.approx(1.0)


def test_a_mirrored_recoloured_copy_names_both(files, tmp_path):
    index = MarkIndex()
    index.add([Mark(id="m", name="Segitiga Emas", logo=str(files["original"]))])
    mirrored = tmp_path / "mirrored.png"
    Image.open(files["recoloured"]).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored)
    top = check(index, logo=mirrored).matches[0]
    assert top.detail["logo"] == {**top.detail["logo"], "hash": "shape", "variant": "mirror"}
    assert any("same logo shape in other colours, mirrored" in r.en for r in top.reasons)


def test_removing_a_mark_removes_its_shape_code(files):
    index = MarkIndex()
    index.add([Mark(id="m", name="Segitiga Emas", logo=str(files["original"])), Mark(id="x", name="Lain")])
    index.remove(["m"])
    assert logo_candidates(index, dihedral_codes(prepare_logo(Image.open(files["recoloured"])))).tolist() == []


def _older_index(files, tmp_path, code_bytes: int, version: int) -> MarkIndex:
    """An index whose logo was given as the first `code_bytes` of its code, read back as format `version`."""
    index = MarkIndex()
    index.add([Mark(id="m", name="Segitiga Emas")], logo_hashes={"m": encode_logo(files["original"])[:code_bytes]})
    folder = index.save(tmp_path / "i")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = version
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return MarkIndex.load(folder)


def test_a_phash_alone_still_works_without_the_shape(files, tmp_path):
    """A precomputed 8-byte pHash (imagehash's), or a format-2 index, has no shape code: found by the pHash only."""
    loaded = _older_index(files, tmp_path, 8, 2)
    assert check(loaded, logo=files["original"]).matches[0].detail["logo"]["hash"] == "phash"
    recoloured = check(loaded, logo=files["recoloured"]).matches
    assert not recoloured or recoloured[0].factors.logo < 0.5


def test_an_index_without_dhashes_still_loads_and_finds_by_phash_and_shape(files, tmp_path):
    """A format-3 index (or a 32-digit registry column) has 16-byte codes: no dHash, found by the other two."""
    loaded = _older_index(files, tmp_path, 16, 3)
    assert check(loaded, logo=files["original"]).matches[0].detail["logo"]["hash"] == "phash"
    assert check(loaded, logo=files["recoloured"]).matches[0].detail["logo"]["hash"] == "shape"
    assert len(loaded.logo_hashes["dhash"]) == 0


def test_a_logo_whose_dhash_alone_is_close_is_found_and_named(files, tmp_path):
    """The dHash has its own FAISS index: a registered logo near the query by dHash alone is a candidate, and the
    evidence says which hash matched."""
    code = encode_logo(files["original"])
    stored = code.copy()
    stored[:16] = ~stored[:16]  # pHash and shape code as far as they go
    stored[16] ^= 0b101  # two bits of the dHash changed
    index = MarkIndex()
    index.add([Mark(id="m", name="Segitiga Emas"), Mark(id="x", name="Lain")], logo_hashes={"m": stored})
    query = dihedral_codes(prepare_logo(Image.open(files["original"])))
    assert logo_candidates(index, query).tolist() == [0]
    evidence = logo_evidence(index, np.array([0]), query)[0]
    assert (evidence.hash, evidence.distance, evidence.variant) == ("dhash", 2, "identity")
    assert evidence.reason() == ("logo hampir identik (jarak dHash 2/64)", "near-identical logo (dHash distance 2/64)")
    without = logo_evidence(index, np.array([0]), query[:, :16])[0]  # a query without dHashes compares the rest
    assert without.hash != "dhash" and without.similarity < 0.5
    folder = index.save(tmp_path / "i")
    assert logo_candidates(MarkIndex.load(folder), query).tolist() == [0]  # the dHash index is rebuilt on load


def test_a_word_added_to_a_real_logo_is_found_by_its_dhash(tmp_path):
    """The Julia logo with "PROMO" written across it: its pHash and shape code move 16 bits, past their thresholds,
    but its dHash does not move at all (``benchmarks/bench_logo_hashes.py`` measures this over 500 logos)."""
    from PIL import ImageFont

    from similarity.image import load_logo

    copy = load_logo("simple-icons:julia")
    draw = ImageDraw.Draw(copy)
    font = ImageFont.load_default(size=copy.height // 6)
    draw.text((copy.width / 2, copy.height * 0.8), "PROMO", fill="black", font=font, anchor="mm")
    copy.save(tmp_path / "promo.png")
    index = MarkIndex()
    slugs = ("julia", "github", "target", "godotengine", "python")
    index.add([Mark(id=slug, name=f"Merek {i}", logo=f"simple-icons:{slug}") for i, slug in enumerate(slugs)])
    top = check(index, logo=tmp_path / "promo.png").matches[0]
    assert top.mark.id == "julia" and top.detail["logo"]["hash"] == "dhash" and top.factors.logo >= 0.5
    assert any("dHash distance" in r.en for r in top.reasons)
    query = dihedral_codes(prepare_logo(Image.open(tmp_path / "promo.png")))
    assert logo_evidence(index, np.array([0]), query[:, :16])[0].similarity < 0.5  # pHash and shape alone miss it


def test_logo_codes_of_the_wrong_size_are_refused(files):
    index = MarkIndex()
    with pytest.raises(ValueError, match="24"):
        index.add([Mark(id="m", name="Segitiga Emas")], logo_hashes={"m": np.zeros(12, np.uint8)})
    with pytest.raises(ValueError, match="dihedral_codes"):
        logo_candidates(index, np.zeros((8, 12), np.uint8))


def test_registry_logo_hash_column_takes_a_code_or_a_phash(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(
        "id,name,logo_hash\n1,Satu,00112233445566778899aabbccddeeff\n2,Dua,0011223344556677\n3,Tiga,00112233445\n"
        f"4,Empat,{'0123456789abcdef' * 3}\n5,Lima,{'0123456789abcdef' * 4}\n",
        encoding="utf-8",
    )
    report = read_registry(path)
    assert report.logo_hashes == {
        "1": "00112233445566778899aabbccddeeff",
        "2": "0011223344556677",
        "4": "0123456789abcdef" * 3,
    }
    assert [e.field for e in report.errors] == ["logo_hash"] * 2 and "48 hex digits" in report.errors[0].reason


def test_shape_evidence_is_used_only_where_the_phash_does_not_match():
    close = LogoEvidence.from_distance(3)
    assert best_evidence(close, LogoEvidence.from_distance(0, hash="shape")) is close
    far = LogoEvidence.from_distance(26)
    shape = LogoEvidence.from_distance(2, variant="rot90", hash="shape")
    assert best_evidence(far, shape) is shape
    assert shape.reason() == (
        "bentuk logo sama dengan warna lain, diputar (jarak bentuk 2/64)",
        "same logo shape in other colours, rotated (shape distance 2/64)",
    )
    assert best_evidence(far, None) is far


def test_the_variant_names_how_the_mark_was_turned_as_the_logo_index_does(files, tmp_path):
    index = MarkIndex()
    index.add([Mark(id="m", name="Segitiga Emas", logo=str(files["original"]))])
    for transpose, variant in ((Image.Transpose.ROTATE_90, "rot90"), (Image.Transpose.ROTATE_270, "rot270")):
        turned = tmp_path / f"{variant}.png"
        Image.open(files["original"]).transpose(transpose).save(turned)
        top = check(index, logo=turned).matches[0]
        assert top.detail["logo"]["variant"] == variant and top.detail["logo"]["hash"] == "phash"


def test_a_plain_silhouette_is_no_evidence(tmp_path):
    """A disc or a square is the outline of thousands of marks: neither side's plain silhouette is matched by shape
    (a plain navy square once "shared its shape" with the Pi logo, a square with a small cut-out, at 1/64)."""
    from similarity.image.score import plain_shape

    square = tmp_path / "square.png"
    image = Image.new("RGB", (200, 200), "white")
    image.paste((0, 0, 128), (50, 50, 150, 150))
    image.save(square)
    code = encode_logo(square)
    assert plain_shape(code[None, 8:16]).tolist() == [True]
    assert not plain_shape(encode_logo(_logo_file(tmp_path))[None, 8:16])[0]
    index = MarkIndex()
    index.add([Mark(id="pi", name="Pi", logo="simple-icons:pi")])
    assert plain_shape(index.rows.logo_codes[:1, 8:16])[0]
    evidence = logo_evidence(index, np.array([0]), dihedral_codes(prepare_logo(Image.open(square))))[0]
    assert evidence.hash == "phash"


def _logo_file(folder) -> str:
    path = folder / "two-colour.png"
    _logo(*ORIGINAL).save(path)
    return str(path)


def test_the_thresholds_are_a_parameter_of_check(files, tmp_path):
    """The calibrated thresholds are the default; a caller may judge a logo by stricter or looser ones."""
    index = MarkIndex()
    index.add([Mark(id="m", name="Segitiga Emas", logo=str(files["original"]))])
    near = _logo(*ORIGINAL)
    ImageDraw.Draw(near).ellipse((70, 50, 110, 90), fill="white")  # a hole punched: every hash moves a few bits
    near.save(tmp_path / "near.png")
    found = check(index, logo=tmp_path / "near.png").matches[0]
    assert found.factors.logo >= 0.5 and found.detail["logo"]["distance"] > 0

    def by_hash(matches):  # the thresholds judge the hash evidence; the keypoints verify it on their own
        return [m.detail["logo"]["hash_similarity"] for m in matches if "hash_similarity" in m.detail.get("logo", {})]

    exact_only = {"phash": 0, "shape": 0, "dhash": 0}
    strict = check(index, logo=tmp_path / "near.png", logo_max_distance=exact_only).matches
    assert all(s < 0.5 for s in by_hash(strict))
    loose = check(index, logo=tmp_path / "near.png", logo_max_distance={"phash": 31, "dhash": 31}).matches
    assert by_hash(loose)[0] > by_hash([found])[0]
    for bad, message in (({"colour": 3}, "the hashes are"), ({"phash": 32}, "from 0 to 31"), ({"dhash": 2.5}, "whole")):
        with pytest.raises(ValueError, match=message):
            check(index, logo=tmp_path / "near.png", logo_max_distance=bad)
