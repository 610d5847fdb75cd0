"""phash is bit-exact with imagehash; batches, dihedral variants and the fast file path agree."""

from __future__ import annotations

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageDraw

from similarity.image import DIHEDRAL, dihedral_phashes, hash_files_fast, hash_logo, phash, phash_batch
from similarity.image.hash import code_to_hex, dihedral_variants, hamming
from similarity.image.load import prepare_logo


def reference(image: Image.Image, hash_size: int = 8) -> np.ndarray:
    return np.packbits(imagehash.phash(image, hash_size).hash.flatten())


def random_images(n: int, seed: int = 0) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    images = []
    for i in range(n):
        height, width = rng.integers(3, 300, 2)
        if i % 3 == 0:
            blocks = rng.integers(0, 256, (rng.integers(2, 9), rng.integers(2, 9), 3), dtype=np.uint8)
            pixels = np.asarray(
                Image.fromarray(blocks).resize((int(width), int(height)), Image.Resampling.NEAREST)
            )
        else:
            pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        image = Image.fromarray(pixels)
        images.append(image.convert("L") if i % 5 == 0 else image)
    return images


def drawn_logos(n: int) -> list[Image.Image]:
    rng = np.random.default_rng(1)
    images = []
    for _ in range(n):
        image = Image.new("RGB", (160, 120), "white")
        draw = ImageDraw.Draw(image)
        for _ in range(3):
            x, y = rng.integers(0, 120), rng.integers(0, 80)
            draw.ellipse(
                (x, y, x + rng.integers(10, 40), y + rng.integers(10, 40)),
                fill=tuple(rng.integers(0, 200, 3)),
            )
        images.append(prepare_logo(image))
    return images


@pytest.mark.parametrize("hash_size", [4, 8, 16])
def test_phash_bit_exact_with_imagehash(hash_size):
    for image in random_images(120) + drawn_logos(40):
        assert np.array_equal(phash(image, hash_size), reference(image, hash_size))


@pytest.mark.parametrize("hash_size", [4, 8, 16])
def test_dhash_bit_exact_with_imagehash(hash_size):
    import imagehash

    from similarity.image.hash import dhash

    for image in random_images(120) + drawn_logos(40):
        expected = np.packbits(imagehash.dhash(image, hash_size).hash.flatten())
        assert np.array_equal(dhash(image, hash_size), expected)


def test_phash_shape_and_hex():
    code = phash(drawn_logos(1)[0])
    assert code.shape == (8,) and code.dtype == np.uint8
    assert code_to_hex(code) == str(imagehash.phash(drawn_logos(1)[0]))


def test_batch_matches_single():
    images = random_images(80, seed=3) + drawn_logos(20)
    batch = phash_batch(images)
    assert batch.shape == (100, 8)
    assert np.array_equal(batch, np.stack([reference(image) for image in images]))
    assert phash_batch([]).shape == (0, 8)


def test_dihedral_rows_hash_each_variant():
    for image in drawn_logos(10) + random_images(5, seed=9):
        codes = dihedral_phashes(image)
        assert codes.shape == (8, 8)
        for row, variant in zip(codes, dihedral_variants(image), strict=True):
            assert np.array_equal(row, reference(variant))


def test_dihedral_variant_names():
    image = Image.new("L", (3, 2))
    image.putdata([0, 1, 2, 3, 4, 5])
    variants = dict(zip(DIHEDRAL, dihedral_variants(image), strict=True))
    assert list(variants["mirror"].tobytes()) == [2, 1, 0, 5, 4, 3]
    assert variants["rot180"].tobytes() == bytes([5, 4, 3, 2, 1, 0])
    assert variants["rot90"].size == (2, 3)
    mirrored = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).transpose(Image.Transpose.ROTATE_90)
    assert variants["mirror_rot90"].tobytes() == mirrored.tobytes()


def test_mirror_of_logo_found_in_dihedral_row():
    logo = drawn_logos(1)[0]
    mirrored_code = phash(logo.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    assert hamming(dihedral_phashes(logo)[DIHEDRAL.index("mirror")], mirrored_code) == 0


def test_hash_logo_is_load_then_phash(tmp_path):
    path = tmp_path / "logo.png"
    image = Image.new("RGB", (100, 100), "white")
    ImageDraw.Draw(image).polygon([(10, 10), (90, 20), (40, 90)], fill="purple")
    image.save(path)
    assert np.array_equal(hash_logo(path), reference(prepare_logo(Image.open(path))))


def _draft_reference(path, longest: int = 128) -> np.ndarray:
    """imagehash of the logo prepared from Pillow's own reduced greyscale decode (what the fast path promises)."""
    from similarity.image.hash import draft_size

    with Image.open(path) as image:
        if image.format == "JPEG":
            image.draft("L", draft_size(*image.size, longest))
        return reference(prepare_logo(image))


def test_hash_files_fast(tmp_path):
    paths = []
    for i, logo in enumerate(drawn_logos(12)):
        path = tmp_path / f"{i}.{'jpg' if i % 2 else 'png'}"
        logo.resize((512, 384) if i % 3 else (600, 90)).save(path)
        paths.append(str(path))
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    paths.append(str(bad))
    codes, errors = hash_files_fast(paths)
    assert codes.shape == (13, 8) and errors[-1] is not None and all(e is None for e in errors[:-1])
    for path, code in zip(paths[:-1], codes, strict=False):
        assert np.array_equal(code, _draft_reference(path)), path
    finer, _ = hash_files_fast(paths, draft_longest=256)
    for path, code in zip(paths[:-1], finer, strict=False):
        assert np.array_equal(code, _draft_reference(path, 256)), path
    with pytest.raises(ValueError, match="draft_longest"):
        hash_files_fast(paths, draft_longest=0)
    full, _ = hash_files_fast(paths, draft=False)
    for path, code in zip(paths[:-1], full, strict=False):
        assert np.array_equal(code, reference(prepare_logo(Image.open(path))))
    assert np.bitwise_count(codes[:-1] ^ full[:-1]).sum(axis=1).mean() <= 6


def test_hash_files_fast_hands_jpegs_it_cannot_take_plainly_to_pillow(tmp_path):
    """EXIF-rotated, CMYK and progressive JPEGs, and truncated ones, hash as Pillow's draft decode does, or fail
    with a message; never a silently unrotated code."""
    logo = drawn_logos(3)[2].resize((400, 240))
    rotated = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: viewers rotate it 90 degrees clockwise
    logo.transpose(Image.Transpose.ROTATE_90).save(rotated, exif=exif)
    cmyk = tmp_path / "cmyk.jpg"
    logo.convert("CMYK").save(cmyk)
    progressive = tmp_path / "progressive.jpg"
    logo.save(progressive, progressive=True)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(progressive.read_bytes()[:600])
    paths = [rotated, cmyk, progressive, truncated]
    codes, errors = hash_files_fast(paths)
    assert errors[:3] == [None, None, None] and "cannot decode" in errors[3]
    for path, code in zip(paths[:3], codes[:3], strict=True):
        assert np.array_equal(code, _draft_reference(path)), path
    assert hamming(codes[0], codes[2]) <= 6  # the EXIF turn was applied: upright like the plain copy


def test_lanczos_resize_is_pillows_to_the_pixel():
    from similarity.image.lanczos import lanczos_resize

    rng = np.random.default_rng(11)
    shapes = [(1, 1), (1, 300), (300, 1), (32, 32), (32, 200), (200, 32), (90, 6), (700, 40), (33, 31)]
    shapes += [tuple(int(v) for v in rng.integers(1, 400, 2)) for _ in range(300)]
    for i, shape in enumerate(shapes):
        if i % 3 == 0:
            pixels = ((rng.random(shape) < 0.5) * 255).astype(np.uint8)  # hard edges: most over/undershoot
        else:
            pixels = rng.integers(0, 256, shape, dtype=np.uint8)
        for side in (32, 8):
            wanted = np.asarray(Image.fromarray(pixels).resize((side, side), Image.Resampling.LANCZOS))
            assert np.array_equal(lanczos_resize(pixels, side), wanted), (shape, side)


def test_normalise_grey_is_prepare_logo_on_grey():
    from similarity.image.load import LogoError, normalise_grey

    rng = np.random.default_rng(12)
    for i in range(400):
        height, width = (int(v) for v in rng.integers(2, 160, 2))
        pixels = np.full((height, width), rng.integers(0, 256), np.uint8)
        for _ in range(int(rng.integers(0, 4))):
            y, x = rng.integers(0, height), rng.integers(0, width)
            pixels[y : y + rng.integers(1, height + 1), x : x + rng.integers(1, width + 1)] = rng.integers(0, 256)
        if i % 4 == 0:
            pixels = np.clip(pixels + rng.integers(-30, 31, pixels.shape), 0, 255).astype(np.uint8)
        if i % 7 == 0:  # a frame whose median sits exactly on the polarity threshold
            pixels[0], pixels[-1] = 127, 128
        try:
            wanted = np.asarray(prepare_logo(Image.fromarray(pixels, "L")).convert("L"))
        except LogoError:
            with pytest.raises(LogoError):
                normalise_grey(pixels)
            continue
        assert np.array_equal(normalise_grey(pixels), wanted), i
