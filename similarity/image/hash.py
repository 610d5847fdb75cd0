"""Perceptual hashes of prepared logos, bit-exact with ``imagehash`` and batched.

A hash is a packed ``uint8`` array (64 bits -> 8 bytes), the layout FAISS binary indexes store::

    >>> import numpy as np
    >>> from PIL import Image, ImageDraw
    >>> from similarity.image.hash import phash, hamming, shape_hash
    >>> im = Image.new("RGB", (64, 64), "white"); ImageDraw.Draw(im).ellipse((8, 8, 40, 56), fill="navy")
    >>> code = phash(im)
    >>> code.shape, code.dtype
    ((8,), dtype('uint8'))
    >>> hamming(code, phash(im.resize((200, 200))))
    0

``phash`` reproduces ``np.packbits(imagehash.phash(image).hash.flatten())``: same greyscale
conversion, same Lanczos resize to 32x32, same ``scipy.fftpack`` DCT and median threshold. Only the
8x8 low-frequency block is transformed in the second pass, and batches share one DCT call.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import numpy as np
from PIL import Image

try:  # libjpeg-turbo without Pillow's Python-level header parsing; Pillow's draft mode does the same when absent
    import simplejpeg
except ImportError:  # pragma: no cover - a dependency, but the fast path must not depend on a wheel existing
    simplejpeg = None

from similarity.image.lanczos import lanczos_resize
from similarity.image.load import (
    MAX_FILE_BYTES,
    MAX_PIXELS,
    RASTER_FORMATS,
    LogoError,
    _has_alpha,
    _read_bounded,
    foreground_mask,
    load_logo,
    normalise_grey,
    prepare_logo,
    turned,
)

HASH_BITS = 64
HASH_SIZE = 8
"""The side of pHash's low-frequency DCT block: 8 x 8 = `HASH_BITS`."""
CODE_PARTS = ("phash", "shape", "dhash")
"""The hashes in a logo code, in order, 8 bytes each: the pHash of the prepared logo, the pHash of its silhouette
(`shape_hash`) and its `dhash`. A shorter code (8 or 16 bytes, from an older index or a registry column) is a prefix."""
PART_BYTES = HASH_BITS // 8
CODE_BYTES = PART_BYTES * len(CODE_PARTS)
LOGO_CODE_SIZES = tuple(PART_BYTES * (i + 1) for i in range(len(CODE_PARTS)))
"""Byte lengths a stored logo code may have: all of `CODE_PARTS`, or a prefix of them (8 bytes, a pHash from a
registry column; 16, an index of format 3). A logo is not found by the hashes its code lacks."""
HIGHFREQ_FACTOR = 4
DIHEDRAL = (
    "identity",
    "mirror",
    "rot90",
    "rot180",
    "rot270",
    "mirror_rot90",
    "mirror_rot180",
    "mirror_rot270",
)
"""The eight symmetries of the square; variant ``mirror_rotN`` is the mirror image rotated N degrees."""
FAST_DRAFT_SIZE = 128
"""`hash_files_fast` asks the JPEG decoder for the smallest DCT scale that keeps the longest side this many px."""

_GRID = HASH_SIZE * HIGHFREQ_FACTOR
"""The side of the grey grid a default pHash is computed from (32 px)."""
_JPEG_MAGIC = b"\xff\xd8\xff"
_ROTATIONS = {
    "rot90": Image.Transpose.ROTATE_90,
    "rot180": Image.Transpose.ROTATE_180,
    "rot270": Image.Transpose.ROTATE_270,
}


def phash(image: Image.Image, hash_size: int = HASH_SIZE) -> np.ndarray:
    """Perceptual hash of `image` as packed bits, shape ``(hash_size**2 // 8,)``, dtype ``uint8``.

    >>> phash(Image.new("L", (40, 40), 0).point(lambda v: v)).shape
    (8,)
    """
    if hash_size < 2:
        raise ValueError(f"hash_size is {hash_size} — it must be at least 2 (8 gives the standard 64 bits)")
    return _phash_pixels(_shrink(image, hash_size)[None], hash_size)[0]


def phash_batch(images: Sequence[Image.Image], hash_size: int = HASH_SIZE) -> np.ndarray:
    """Perceptual hashes of many images at once, shape ``(n, hash_size**2 // 8)``.

    >>> phash_batch([Image.new("L", (9, 9), 3), Image.linear_gradient("L")]).shape
    (2, 8)
    """
    if not len(images):
        return np.zeros((0, hash_size * hash_size // 8), dtype=np.uint8)
    pixels = np.stack([_shrink(image, hash_size) for image in images])
    return _phash_pixels(pixels, hash_size)


def code_part(codes: np.ndarray, hash: str) -> np.ndarray:
    """The 8 bytes of one hash (a name in `CODE_PARTS`) in logo codes of any leading shape (a view, not a copy).

    >>> code_part(np.arange(24, dtype=np.uint8), "dhash").tolist()
    [16, 17, 18, 19, 20, 21, 22, 23]
    """
    start = CODE_PARTS.index(hash) * PART_BYTES
    return codes[..., start : start + PART_BYTES]


def dhash(image: Image.Image, hash_size: int = HASH_SIZE) -> np.ndarray:
    """Difference hash as packed bits, ``np.packbits(imagehash.dhash(image).hash.flatten())``: whether each pixel of
    a ``(hash_size + 1) x hash_size`` Lanczos thumbnail is brighter than its left neighbour.

    It reads the picture's gradients rather than its frequencies, and in the benchmark it holds where a word has been
    added to a logo better than pHash does (``benchmarks/bench_logo_hashes.py``: 0.89 recall@1 against 0.74).

    >>> im = Image.linear_gradient("L").rotate(90)
    >>> dhash(im).shape, hamming(dhash(im), dhash(im.resize((60, 60))))
    ((8,), 0)
    """
    if hash_size < 2:
        raise ValueError(f"hash_size is {hash_size} — it must be at least 2 (8 gives the standard 64 bits)")
    return dhash_batch([image], hash_size)[0]


def dhash_batch(images: Sequence[Image.Image], hash_size: int = HASH_SIZE) -> np.ndarray:
    """`dhash` of many images, shape ``(n, hash_size**2 // 8)``."""
    size = (hash_size + 1, hash_size)
    thumbs = [
        np.asarray((im if im.mode == "L" else im.convert("L")).resize(size, Image.Resampling.LANCZOS), dtype=np.int16)
        for im in images
    ]
    if not thumbs:
        return np.zeros((0, hash_size * hash_size // 8), dtype=np.uint8)
    pixels = np.stack(thumbs)
    return np.packbits((pixels[:, :, 1:] > pixels[:, :, :-1]).reshape(len(thumbs), -1), axis=1)


def dihedral_variants(image: Image.Image) -> list[Image.Image]:
    """The image under each symmetry in `DIHEDRAL`, in that order."""
    variants = []
    for name in DIHEDRAL:
        variant = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if name.startswith("mirror") else image
        rotation = name.rsplit("_", 1)[-1]
        if rotation in _ROTATIONS:
            variant = variant.transpose(_ROTATIONS[rotation])
        variants.append(variant)
    return variants


def dihedral_phashes(image: Image.Image) -> np.ndarray:
    """pHashes of the eight `DIHEDRAL` variants, shape ``(8, 8)``; row i hashes ``DIHEDRAL[i]``.

    Querying with all eight finds mirrored and rotated copies, which no perceptual hash survives.
    """
    grey = image if image.mode == "L" else image.convert("L")
    return phash_batch(dihedral_variants(grey))


def shape_hash(image: Image.Image) -> np.ndarray:
    """pHash of a prepared logo's silhouette (`foreground_mask`): the same for the logo in any colours.

    >>> from PIL import ImageDraw
    >>> im = Image.new("RGB", (64, 64), "white"); ImageDraw.Draw(im).ellipse((8, 8, 40, 56), fill="navy")
    >>> red = Image.new("RGB", (64, 64), "white"); ImageDraw.Draw(red).ellipse((8, 8, 40, 56), fill="red")
    >>> hamming(phash(im), phash(red)) > 0, hamming(shape_hash(im), shape_hash(red))
    (True, 0)
    """
    return phash(foreground_mask(image))


def logo_code(image: Image.Image) -> np.ndarray:
    """The ``(24,)`` code an index stores per logo: pHash, shape hash and dHash of a prepared image (`CODE_PARTS`)."""
    grey = image if image.mode == "L" else image.convert("L")
    return np.concatenate([phash(grey), shape_hash(image), dhash(grey)])


def dihedral_codes(image: Image.Image) -> np.ndarray:
    """`logo_code` of each `DIHEDRAL` variant of a prepared image, shape ``(8, 24)``: what a query searches with."""
    grey = image if image.mode == "L" else image.convert("L")
    variants = dihedral_variants(grey)
    return np.concatenate(
        [phash_batch(variants), phash_batch(dihedral_variants(foreground_mask(image))), dhash_batch(variants)], axis=1
    )


def hash_logo(source: str | os.PathLike | bytes) -> np.ndarray:
    """Load, prepare and pHash one logo: ``(8,)``, bit-exact with ``imagehash.phash`` of the prepared image."""
    return phash(load_logo(source))


def encode_logo(source: str | os.PathLike | bytes) -> np.ndarray:
    """Load and prepare one logo and return its `logo_code` ``(24,)``: pHash, shape hash and dHash."""
    return logo_code(load_logo(source))


def hash_files_fast(
    paths: Sequence[str | os.PathLike],
    *,
    draft: bool = True,
    draft_longest: int = FAST_DRAFT_SIZE,
    max_pixels: int = MAX_PIXELS,
) -> tuple[np.ndarray, list[str | None]]:
    """Hash many JPEG/PNG files quickly; returns codes ``(n, 8)`` and a per-file error (None when ok).

    With ``draft=True`` JPEGs are decoded in the DCT domain, in grey (libjpeg skips the colour planes; pHash reads
    grey anyway) and at 1/2, 1/4 or 1/8 scale (the smallest keeping the longest side at ``draft_longest`` px), several
    times faster than a full decode. The codes are bit-exact with ``imagehash.phash`` of the image prepared from that
    reduced decode; against a full colour decode they differ by a few bits. Measured on 600 real 512 px logos
    (``benchmarks/bench_logos.py``): at 128 px 3,800 files/s on one core, 93 % of the codes within the match
    threshold of the full decode's; at 256 px 2,600/s and 96 %. Failed files get a zero code.

    The files are decoded in this process, for speed: use it on files you trust (a registry's own logo folder). An
    upload goes through `load_logo`, which decodes in a sandboxed worker (`similarity.image.sandbox`).
    """
    if draft and draft_longest < 1:
        raise ValueError(f"draft_longest is {draft_longest} — give the longest side in pixels (128 is the default)")
    shrunk: list[np.ndarray] = []
    ok: list[int] = []
    errors: list[str | None] = [None] * len(paths)
    for i, path in enumerate(paths):
        try:
            shrunk.append(lanczos_resize(_prepared_grey(path, draft_longest if draft else 0, max_pixels), _GRID))
            ok.append(i)
        except LogoError as error:
            errors[i] = str(error)
    codes = np.zeros((len(paths), HASH_BITS // 8), dtype=np.uint8)
    if ok:
        codes[ok] = _phash_pixels(np.stack(shrunk), HASH_SIZE)
    return codes, errors


def hamming(a: np.ndarray, b: np.ndarray) -> int:
    """Number of differing bits between two packed codes."""
    return int(np.bitwise_count(np.bitwise_xor(a, b)).sum())


def code_to_hex(code: np.ndarray) -> str:
    """Hex form of a packed code, the same string ``str(imagehash.phash(...))`` prints."""
    return bytes(np.asarray(code, dtype=np.uint8)).hex()


def _prepared_grey(path: str | os.PathLike, longest: int, max_pixels: int) -> np.ndarray:
    """The prepared logo in `path` as a 2-D ``uint8`` array: the pixels pHash reads. A JPEG is decoded at the draft
    scale for a longest side of `longest` px (0: in full)."""
    data = _read_bounded(path, MAX_FILE_BYTES)
    if longest and data[:3] == _JPEG_MAGIC:
        grey = _draft_jpeg(data, longest, max_pixels)
        if grey is not None:
            return normalise_grey(grey)
    try:
        with Image.open(io.BytesIO(data), formats=RASTER_FORMATS) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise LogoError(f"{width}x{height} pixels is over the {max_pixels:,} limit")
            if longest and image.format == "JPEG":
                image.draft("L", draft_size(width, height, longest))
            image.load()
            if image.mode == "L" and not _has_alpha(image) and not turned(image):
                return normalise_grey(np.asarray(image))
            return np.asarray(prepare_logo(image).convert("L"))
    except LogoError:
        raise
    except Exception as error:  # noqa: BLE001 - one bad file must not stop a batch
        raise LogoError(f"cannot decode {os.fspath(path)!r}: {error}") from error


def _draft_jpeg(data: bytes, longest: int, max_pixels: int) -> np.ndarray | None:
    """A plain JPEG decoded by libjpeg-turbo (simplejpeg) straight to grey at the draft scale, or None when it needs
    Pillow: EXIF (it may turn the picture), CMYK, anything simplejpeg will not read strictly, or no simplejpeg.

    The same decoder Pillow's draft mode drives, without Pillow's Python header parsing (~40 us of ~200 per file).
    """
    if simplejpeg is None or data.find(b"Exif\x00\x00", 0, 65536) >= 0:
        return None
    try:
        height, width, _, _ = simplejpeg.decode_jpeg_header(data)
        if width * height > max_pixels or not width or not height:
            return None  # Pillow refuses it with the usual message
        # Pillow's draft scales (1/2, 1/4, 1/8 only; libjpeg-turbo would also pick 3/8, 5/8...): the same pixels
        scale = _draft_scale(width, height, longest)
        pixels = simplejpeg.decode_jpeg(
            data, colorspace="GRAY", min_height=-(-height // scale), min_width=-(-width // scale)
        )
    except (ValueError, RuntimeError):
        return None
    return pixels[:, :, 0]


def _draft_scale(width: int, height: int, longest: int) -> int:
    """The DCT scale divisor Pillow's ``JpegImageFile.draft`` picks for `draft_size`: 8, 4, 2 or 1."""
    wanted_width, wanted_height = draft_size(width, height, longest)
    most = min(width // wanted_width, height // wanted_height)
    return next(scale for scale in (8, 4, 2, 1) if most >= scale)


def draft_size(width: int, height: int, longest: int = FAST_DRAFT_SIZE) -> tuple[int, int]:
    """The least size `hash_files_fast` asks a JPEG decoder for: the longest side `longest`, and a wordmark's short
    side no less than the 32 px grid pHash reads.

    >>> draft_size(512, 384), draft_size(1200, 90)
    ((128, 96), (128, 32))
    """
    side = max(width, height)
    return (
        max(min(width, _GRID), longest * width // side),
        max(min(height, _GRID), longest * height // side),
    )


def _shrink(image: Image.Image, hash_size: int) -> np.ndarray:
    """imagehash's ``image.convert("L").resize((side, side), LANCZOS)``, the same pixels from `lanczos_resize`."""
    grey = image if image.mode == "L" else image.convert("L")
    return lanczos_resize(np.asarray(grey), hash_size * HIGHFREQ_FACTOR)


def _phash_pixels(pixels: np.ndarray, hash_size: int) -> np.ndarray:
    """imagehash's DCT + median threshold over a stack ``(n, side, side)`` of greyscale pixels."""
    import scipy.fftpack  # imported on first hash: it is 0.4 s of every process's start-up otherwise

    rows = scipy.fftpack.dct(pixels, axis=1)[:, :hash_size, :]
    low = scipy.fftpack.dct(rows, axis=2)[:, :, :hash_size].reshape(len(pixels), -1)
    bits = low > np.median(low, axis=1, keepdims=True)
    return np.packbits(bits, axis=1)
