"""Pillow's Lanczos downscale to the 32 x 32 grid pHash reads, bit for bit, as two matrix products.

``imagehash.phash`` spends most of its time in ``Image.resize(..., LANCZOS)``: Pillow's two-pass
fixed-point convolution costs ~80 us for a 128 px logo and ~230 us at 256 px. The same arithmetic
written as matrix products over float64 is exact (every product is an integer below 2**31 and every
sum below 2**53) and runs at BLAS speed, on one core: ~45 us and ~140 us, about twice as fast::

    >>> import numpy as np
    >>> from PIL import Image
    >>> pixels = np.random.default_rng(0).integers(0, 256, (90, 70), dtype=np.uint8)
    >>> pillow = np.asarray(Image.fromarray(pixels).resize((32, 32), Image.Resampling.LANCZOS))
    >>> bool((lanczos_resize(pixels, 32) == pillow).all())
    True

What is reproduced (``src/libImaging/Resample.c``): the weights of ``precompute_coeffs`` (computed in
the same order, with the same libm ``sin``), their rounding to 22-bit fixed point, the half-unit
rounding and clipping of each pass into 8 bits, and the order of the passes. Pillow 13 runs the
vertical pass first when the height shrinks by more than twice as many pixels as the width; earlier
versions always run the horizontal pass first. Which rule the installed Pillow follows is checked on
first use against Pillow itself, and if neither matches, every resize is handed back to Pillow.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PIL import Image

PRECISION_BITS = 22
"""Pillow's fixed-point precision for 8-bit images: 32 bits less 8 for the pixel and 2 for overshoot."""
_HALF = float(1 << (PRECISION_BITS - 1))
_UNIT = 1.0 / (1 << PRECISION_BITS)
_SUPPORT = 3.0
MAX_SIDE = 512
"""Longer sides go to Pillow: the cached weights stay under ~35 MB whatever sizes arrive (prepared SVG logos are 256 px,
draft-decoded JPEGs 128 px), and at 512 px the products' advantage is down to 1.7x."""
_SINGLE_THREAD_PRODUCT = 262_144
"""OpenBLAS (numpy's wheels) runs a product on one thread up to m * n * k = SMP_THRESHOLD_MIN * 4 = 262,144."""


def lanczos_resize(pixels: np.ndarray, side: int) -> np.ndarray:
    """``Image.fromarray(pixels).resize((side, side), LANCZOS)`` for a 2-D ``uint8`` array, as ``uint8``."""
    rule = _pass_order()
    if rule is None or max(pixels.shape) > MAX_SIDE:
        return np.asarray(Image.fromarray(pixels).resize((side, side), Image.Resampling.LANCZOS))
    return _resize(pixels, side, rule)


def _resize(pixels: np.ndarray, side: int, rule: str) -> np.ndarray:
    height, width = pixels.shape
    if (height, width) == (side, side):
        return pixels.copy()
    out = pixels.astype(np.float64)
    if rule == "pillow13" and height - side > 0 and height - side > (width - side) * 2:
        return _horizontal(_vertical(out, side), side).astype(np.uint8)
    return _vertical(_horizontal(out, side), side).astype(np.uint8)


def _horizontal(values: np.ndarray, side: int) -> np.ndarray:
    if values.shape[1] == side:
        return values
    return _to_8bit(_product(values, _weights(values.shape[1], side).T))


def _vertical(values: np.ndarray, side: int) -> np.ndarray:
    if values.shape[0] == side:
        return values
    return _to_8bit(_product(_weights(values.shape[0], side), values))


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b``, in row blocks small enough that OpenBLAS runs each on the calling thread.

    OpenBLAS splits a product over m * n * k > 262,144 across all cores. For a 128 px logo that halves the time on an
    idle machine, but hashing runs in worker processes and thread pools (the sweep, the service, batch builds), where
    every core is busy and its spinning threads made one pHash take 5.8 ms instead of 0.2 (measured with two hashing
    processes on two cores). One core per hash is the honest unit; the blocks cost ~10 % against one thread.
    """
    rows, inner = a.shape
    step = max(1, _SINGLE_THREAD_PRODUCT // max(1, inner * b.shape[1]))
    if rows <= step:
        return a @ b
    out = np.empty((rows, b.shape[1]))
    for start in range(0, rows, step):
        np.matmul(a[start : start + step], b, out=out[start : start + step])
    return out


def _to_8bit(sums: np.ndarray) -> np.ndarray:
    """Pillow's ``clip8((sum + half) >> PRECISION_BITS)``, kept in float64 for the next product."""
    return np.clip(np.floor((sums + _HALF) * _UNIT), 0.0, 255.0)


def _lanczos(x: float) -> float:
    if not -_SUPPORT <= x < _SUPPORT:
        return 0.0
    return _sinc(x) * _sinc(x / 3)


def _sinc(x: float) -> float:
    if x == 0.0:
        return 1.0
    x *= math.pi
    return math.sin(x) / x


@lru_cache(maxsize=2048)
def _weights(in_size: int, out_size: int) -> np.ndarray:
    """``(out_size, in_size)`` fixed-point Lanczos weights, as float64 integers (``precompute_coeffs`` and
    ``normalize_coeffs_8bpc``, step for step)."""
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = _SUPPORT * filterscale
    inverse = 1.0 / filterscale
    matrix = np.zeros((out_size, in_size))
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)
        count = min(int(center + support + 0.5), in_size) - xmin
        weights = [_lanczos((x + xmin - center + 0.5) * inverse) for x in range(count)]
        total = 0.0
        for weight in weights:
            total += weight
        for x, weight in enumerate(weights):
            if total != 0.0:
                weight /= total
            fixed = weight * (1 << PRECISION_BITS)
            matrix[xx, xmin + x] = int(fixed - 0.5) if weight < 0 else int(fixed + 0.5)
    matrix.flags.writeable = False
    return matrix


@lru_cache(maxsize=1)
def _pass_order() -> str | None:
    """"pillow13", "horizontal" or None (neither reproduces the installed Pillow: use Pillow itself)."""
    rng = np.random.default_rng(20261129)
    probes = [rng.integers(0, 256, shape, dtype=np.uint8) for shape in ((90, 6), (207, 63), (64, 128), (40, 40))]
    wanted = [np.asarray(Image.fromarray(p).resize((32, 32), Image.Resampling.LANCZOS)) for p in probes]
    for rule in ("pillow13", "horizontal"):
        if all(np.array_equal(_resize(p, 32, rule), w) for p, w in zip(probes, wanted, strict=True)):
            return rule
    return None
