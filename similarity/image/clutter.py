"""The flat-coloured parts of a cluttered picture: a logo printed on noise, a photo or a patterned ground.

A logo is drawn in flat colours; a photo, a fabric or sensor noise is textured. Where a logo is pasted on such a ground
its transparent parts show the texture, and every patch ORB describes along its outline is half texture: nothing
matches (a QEMU disc pasted at 45 % on noise kept 0 matches, its bird cut out of it filled with noise). Whitening the
textured parts gives back the logo as it is registered — ink on white — and loading then trims the picture to it::

    >>> from PIL import ImageDraw
    >>> rng = np.random.default_rng(0)
    >>> noise = Image.fromarray(rng.integers(0, 256, (200, 300, 3), dtype=np.uint8))
    >>> ImageDraw.Draw(noise).polygon([(40, 150), (80, 50), (120, 150)], (200, 30, 30))  # a red mark on the noise
    >>> found = flat_parts(noise); found.size
    (77, 97)
    >>> flat_parts(Image.new("RGB", (60, 40), "white")) is None  # nothing textured: nothing to do
    True
"""

from __future__ import annotations

import numpy as np
from PIL import Image

WORKING_SIDE = 512
"""Longest side at which the texture is measured (a bigger picture is measured shrunk, its mask enlarged)."""
WINDOW = 3
"""Side (working pixels) of the window over which a pixel's texture is measured."""
FLAT_STD = 12.0
"""Colour standard deviation (levels, summed over channels in quadrature) under which a window is flat: a logo's ink
and a smooth gradient are under 3, uniform noise about 128, an anti-aliased outline 40–120."""
CLUTTERED = 0.75
"""Share of the picture that is textured from which it is taken as a logo on a cluttered ground: a logo's own outlines
make 5–60 % of its windows textured (400 real logos, plain and as JPEG q30), a logo pasted at 45 % on noise 88–100 %."""
MIN_INK = 0.01
"""Least share of the picture that must stay flat and differ from white for the cleaned picture to be used."""


def textured(rgb: np.ndarray) -> np.ndarray:
    """Which pixels of an ``(h, w, 3)`` uint8 picture lie in a textured window (`FLAT_STD`), as a bool array.

    >>> flat = np.zeros((20, 20, 3), np.uint8); textured(flat).any()
    np.False_
    """
    import cv2

    values = rgb.astype(np.float32)
    mean = cv2.blur(values, (WINDOW, WINDOW))
    square = cv2.blur(values * values, (WINDOW, WINDOW))
    variance = np.maximum(square - mean * mean, 0.0).sum(axis=2)
    return variance > FLAT_STD**2


def flat_parts(image: Image.Image) -> Image.Image | None:
    """The picture with its textured parts made white and prepared again (trimmed to what is left), when more than
    `CLUTTERED` of it is textured; None otherwise (or when hardly anything flat is left)."""
    from similarity.image.load import LogoError, prepare_logo

    rgb = image if image.mode == "RGB" else image.convert("RGB")
    small = rgb.copy()
    small.thumbnail((WORKING_SIDE, WORKING_SIDE))
    import cv2

    mask = textured(np.asarray(small))
    if mask.mean() < CLUTTERED:
        return None
    # a flat speck in the texture (a few noise pixels alike by chance) is not ink: flat is what stays flat once opened
    kernel = np.ones((WINDOW, WINDOW), np.uint8)
    flat = cv2.morphologyEx((~mask).astype(np.uint8), cv2.MORPH_OPEN, kernel)
    mask = cv2.dilate(flat, kernel) == 0  # the window's half-width of outline given back to the ink
    if small.size != rgb.size:
        mask = np.asarray(Image.fromarray(mask).resize(rgb.size, Image.Resampling.NEAREST))
    pixels = np.asarray(rgb).copy()
    pixels[mask] = 255
    if (pixels.min(axis=2) < 230).mean() < MIN_INK:
        return None
    try:
        return prepare_logo(Image.fromarray(pixels))
    except LogoError:
        return None
