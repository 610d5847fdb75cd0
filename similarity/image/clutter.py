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


def _reduced(image: Image.Image, side: int) -> tuple[Image.Image, Image.Image]:
    """The picture in RGB, and a copy of it at most ``side`` pixels on its longer side (what the ground is read on)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    small = rgb.copy()
    small.thumbnail((side, side))
    return rgb, small


def flat_parts(image: Image.Image) -> Image.Image | None:
    """The picture with its textured parts made white and prepared again (trimmed to what is left), when more than
    `CLUTTERED` of it is textured; None otherwise (or when hardly anything flat is left)."""
    from similarity.image.load import LogoError, prepare_logo

    rgb, small = _reduced(image, WORKING_SIDE)
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
        # a light ink: a black logo on noise comes out of loading in negative (the noise's median decides it), white
        # on the noise; in negative again its ink is dark on the ground made white
        pixels = 255 - np.asarray(rgb)
        pixels[mask] = 255
        if (pixels.min(axis=2) < 230).mean() < MIN_INK:
            return None
    try:
        return prepare_logo(Image.fromarray(pixels))
    except LogoError:
        return None


GROUND_STEP = 4
"""Largest colour step (levels per channel) between neighbouring pixels of a smooth ground (a photo-like gradient of
180 levels over 480 px steps under 1): the ground is flood-filled from the picture's border with it, and stops at a
logo's outline."""
BORDER_STEP = 3 * GROUND_STEP
"""Largest colour step between two neighbouring pixels of the picture's border where the border is all ground: a
logo trimmed to its ink (what loading gives for nearly every query) has an outline on it, a step of tens of levels."""
GROUND_LEAST = 0.3
"""Least share of the picture a smooth ground must cover (less is the logo's own frame)."""
GROUND_RESIDUAL = 4.0
"""Largest RMS (levels) of the filled ground about its fitted quadratic: a smooth ground, not a photo's texture."""
GROUND_SIDE = 256
"""Longest side at which the ground is filled and fitted (its mask is enlarged back)."""
GROUND_RANGE = 24
"""Least spread (levels, largest channel) of the fitted ground over the picture: less is a uniform ground with JPEG
ripples, which loading trims already."""
GROUND_TOLERANCE = 24
"""Levels (largest channel) within which a pixel is taken for the ground model: the ground seen through a logo's
holes and its anti-aliased edge."""


def _ground_model(rgb: np.ndarray, ground: np.ndarray) -> tuple[np.ndarray, float]:
    """(the colour a quadratic in x and y predicts at each pixel from the `ground` pixels, its RMS residual there)."""
    height, width = ground.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    xs, ys = xs / max(1, width - 1), ys / max(1, height - 1)
    basis = np.stack([np.ones_like(xs), xs, ys, xs * ys, xs * xs, ys * ys], axis=-1)
    picked = np.flatnonzero(ground.ravel())
    if len(picked) > 4_000:
        picked = picked[:: len(picked) // 4_000]
    flat_basis = basis.reshape(-1, basis.shape[-1])
    values = rgb.reshape(-1, 3).astype(np.float32)
    coefficients, *_ = np.linalg.lstsq(flat_basis[picked], values[picked], rcond=None)
    model = (flat_basis @ coefficients).reshape(height, width, 3)
    residual = float(np.sqrt(np.mean((values[picked] - model.reshape(-1, 3)[picked]) ** 2)))
    return model, residual


def smooth_ground(image: Image.Image) -> Image.Image | None:
    """The picture with a smooth but not uniform ground (a gradient, a vignette, a studio backdrop) made white and
    prepared again — a logo pasted on it is then trimmed to; None when the border is uniform (loading trimmed it
    already), or the ground is not smooth (a photo) or covers too little of the picture.

    >>> from PIL import ImageDraw
    >>> ramp = np.linspace(40, 220, 300, dtype=np.float32)
    >>> pixels = np.stack([ramp[None].repeat(200, 0), ramp[None].repeat(200, 0), 255 - ramp[None].repeat(200, 0)], 2)
    >>> picture = Image.fromarray(pixels.astype(np.uint8))
    >>> ImageDraw.Draw(picture).ellipse((40, 40, 120, 120), fill=(200, 20, 20))
    >>> smooth_ground(picture).size
    (82, 82)
    >>> smooth_ground(Image.new("RGB", (60, 40), "white")) is None
    True
    """
    import cv2

    from similarity.image.load import LogoError, prepare_logo

    rgb, small = _reduced(image, GROUND_SIDE)
    pixels = np.array(small)  # writable: floodFill takes it as its output even when it fills only the mask
    sides = [pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]]
    border = np.concatenate(sides).astype(np.int16)
    if int(np.ptp(border, axis=0).max()) <= 2 * GROUND_STEP:
        return None  # a uniform ground: loading has trimmed it
    if max(int(np.abs(np.diff(side.astype(np.int16), axis=0)).max()) for side in sides) > BORDER_STEP:
        return None  # the border crosses an outline: a logo trimmed to its ink (most queries), or a photo
    height, width = pixels.shape[:2]
    mask = np.zeros((height + 2, width + 2), np.uint8)
    flags = 4 | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
    step = (GROUND_STEP,) * 3
    ring = (
        [(x, 0) for x in range(width)]
        + [(x, height - 1) for x in range(width)]
        + [(0, y) for y in range(height)]
        + [(width - 1, y) for y in range(height)]
    )
    for x, y in ring[:: max(1, len(ring) // 400)]:
        if not mask[y + 1, x + 1]:
            cv2.floodFill(pixels, mask, (x, y), (0, 0, 0), step, step, flags)
    ground = mask[1:-1, 1:-1] > 0
    if ground.mean() < GROUND_LEAST:
        return None
    model, residual = _ground_model(pixels, ground)
    if residual > GROUND_RESIDUAL or float(np.ptp(model[::8, ::8].reshape(-1, 3), axis=0).max()) < GROUND_RANGE:
        return None
    near = np.abs(pixels.astype(np.float32) - model).max(axis=2) <= GROUND_TOLERANCE
    if (~near & (pixels.min(axis=2) < 230)).mean() < MIN_INK:
        return None
    # the ground seen through the logo's holes is the ground too; a speck of ink the colour of the ground is not
    kernel = np.ones((WINDOW, WINDOW), np.uint8)
    near = cv2.morphologyEx(near.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0
    if small.size != rgb.size:
        near = np.asarray(Image.fromarray(near).resize(rgb.size, Image.Resampling.NEAREST))
    cleaned = np.asarray(rgb).copy()
    cleaned[near] = 255
    try:
        return prepare_logo(Image.fromarray(cleaned))
    except LogoError:
        return None


PART_GAP = 0.04
"""Blank gap (share of the picture's longest side) that separates two parts of a picture: the letters of one word and
the pieces of one drawing sit closer."""
PART_LEAST = 0.2
"""Least share of the picture's area the main part's box must have (a speck is not the logo)."""
PART_MOST = 0.8
"""Largest share of the picture's area the main part's box may have: above it the part is the picture."""
MAX_PARTS = 64
"""Separate groups of ink beyond which a picture is not a few parts side by side (a photo, a pattern)."""


def _merged(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) with every two that overlap joined, until none do: the pieces of one drawing
    that its own white strokes cut apart (Viaplay's play sign cut by its chevron) lie in each other's box.

    >>> _merged([(0, 0, 10, 10), (5, 5, 20, 20), (30, 0, 40, 5)])
    [(0, 0, 20, 20), (30, 0, 40, 5)]
    """
    boxes = list(boxes)
    joined = True
    while joined:
        joined = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    boxes[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del boxes[j]
                    joined = True
                    break
            if joined:
                break
    return boxes


def main_part(image: Image.Image) -> Image.Image | None:
    """The biggest separate group of ink in a prepared picture (a logo with a word written under it, a logo beside
    another), prepared on its own; None when the picture is one group or its biggest is a speck.

    >>> from PIL import ImageDraw
    >>> picture = Image.new("RGB", (200, 260), "white"); draw = ImageDraw.Draw(picture)
    >>> draw.ellipse((10, 10, 190, 190), fill="navy"); draw.rectangle((40, 230, 160, 250), fill="black")
    >>> main_part(picture).size
    (181, 181)
    >>> main_part(Image.new("RGB", (50, 50), "navy")) is None
    True
    """
    import cv2

    from similarity.image.load import LogoError, prepare_logo

    rgb, small = _reduced(image, WORKING_SIDE)
    ink = (np.asarray(small).min(axis=2) < 230).astype(np.uint8)
    gap = max(1, round(PART_GAP * max(small.size) / 2))
    joined = cv2.dilate(ink, np.ones((2 * gap + 1, 2 * gap + 1), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    if not 2 < count <= MAX_PARTS:  # the ground and one group; or specks everywhere (a photo)
        return None
    boxes = _merged([(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in stats[1:, :4].tolist()])
    if len(boxes) < 2:
        return None
    x0, y0, x1, y1 = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    share = (x1 - x0) * (y1 - y0) / (small.width * small.height)
    if not PART_LEAST <= share <= PART_MOST:
        return None
    scale = rgb.width / small.width
    box = (
        max(0, int((x0 + gap) * scale) - 1),
        max(0, int((y0 + gap) * scale) - 1),
        min(rgb.width, int(np.ceil((x1 - gap) * scale)) + 1),
        min(rgb.height, int(np.ceil((y1 - gap) * scale)) + 1),
    )
    try:
        return prepare_logo(rgb.crop(box))
    except LogoError:
        return None
