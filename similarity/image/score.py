"""Turning a Hamming distance between logo hashes into a similarity and a reason.

    >>> from similarity.image.score import LogoEvidence, logo_similarity, default_max_distance
    >>> logo_similarity(default_max_distance())
    0.5
    >>> LogoEvidence.from_distance(4, variant="mirror").reason()
    ('logo dicerminkan (jarak 4/64)', 'mirrored copy of the logo (distance 4/64)')

The threshold comes from ``similarity/data/logo_calibration.json``, written by
``python -m benchmarks.bench_logos`` from the recall / false-match curve on real logos.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from PIL import Image, ImageDraw

from similarity.image.hash import CODE_PARTS, HASH_BITS, dihedral_variants, phash_batch

CALIBRATION_FILE = "logo_calibration.json"
HASHES = CODE_PARTS
_SHAPE_REASON = ("bentuk logo sama dengan warna lain", "same logo shape in other colours")
_TURNED = {
    "mirror": ("dicerminkan", "mirrored"),
    **{f"rot{a}": ("diputar", "rotated") for a in (90, 180, 270)},
    **{f"mirror_rot{a}": ("dicerminkan dan diputar", "mirrored and rotated") for a in (90, 180, 270)},
}

_REASONS = {
    "identity": ("logo hampir identik", "near-identical logo"),
    "similar": ("logo mirip", "similar logo"),
    "mirror": ("logo dicerminkan", "mirrored copy of the logo"),
    "rot90": ("logo diputar", "rotated copy of the logo"),
    "rot180": ("logo diputar", "rotated copy of the logo"),
    "rot270": ("logo diputar", "rotated copy of the logo"),
    "mirror_rot90": ("logo dicerminkan dan diputar", "mirrored and rotated copy of the logo"),
    "mirror_rot180": ("logo dicerminkan dan diputar", "mirrored and rotated copy of the logo"),
    "mirror_rot270": ("logo dicerminkan dan diputar", "mirrored and rotated copy of the logo"),
}


@cache
def calibration() -> dict:
    """The stored calibration: max_distance, bits, dataset, date, false_match_rate, recall; ``shape`` and ``dhash``
    the same for the shape hash and the dHash."""
    text = resources.files("similarity.data").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def default_max_distance(hash: str = "phash") -> int:
    """Largest distance (of 64 bits) still treated as the same logo for `hash` (one of `HASHES`), as calibrated."""
    if hash not in HASHES:
        raise ValueError(f"hash is {hash!r} — one of {', '.join(HASHES)}")
    stored = calibration() if hash == "phash" else calibration()[hash]
    return int(stored["max_distance"])


def checked_max_distance(hash: str, max_distance: int | None = None) -> int:
    """`max_distance` for `hash` when given (a whole number of bits from 0 to 31: at 32 of 64 bits unrelated logos are
    as alike as chance), else the calibrated `default_max_distance`; a clear ValueError for anything else.

    >>> checked_max_distance("dhash", 5), checked_max_distance("phash") == default_max_distance()
    (5, True)
    """
    calibrated = default_max_distance(hash)  # also refuses an unknown hash
    if max_distance is None:
        return calibrated
    if isinstance(max_distance, bool) or not isinstance(max_distance, int | np.integer) or not 0 <= max_distance < 32:
        raise ValueError(
            f"the {hash} threshold is {max_distance!r} — give a whole number of bits from 0 to 31 (of 64; calibrated: "
            f"{calibrated})"
        )
    return int(max_distance)


def logo_similarity(
    distance: int, bits: int = HASH_BITS, hash: str = "phash", max_distance: int | None = None
) -> float:
    """Similarity in [0, 1]: 1 at distance 0, exactly 0.5 at the threshold, 0 at bits/2.

    The threshold is `max_distance` (of 64 bits) when given, else the calibrated one for `hash`. Unrelated images sit
    around bits/2, so the scale falls linearly from the threshold to there. The threshold is scaled to `bits` when
    the code is not 64 bits long.

    >>> [round(logo_similarity(d), 2) for d in (0, 32, 64)], logo_similarity(6, max_distance=6)
    ([1.0, 0.0, 0.0], 0.5)
    """
    threshold = checked_max_distance(hash, max_distance) * bits / HASH_BITS
    chance = bits / 2
    if distance <= threshold:
        return 1.0 - 0.5 * distance / threshold if threshold > 0 else (1.0 if distance <= 0 else 0.5)
    if distance >= chance:
        return 0.0
    return 0.5 * (chance - distance) / (chance - threshold)


@dataclass(frozen=True)
class LogoEvidence:
    """How a query logo resembles a registered one, for the verdict and its reasons.

    `hash` is "phash" or "dhash" (the picture itself, by its frequencies or its gradients) or "shape" (its silhouette,
    whatever the colours).

    >>> evidence = LogoEvidence.from_distance(2, variant="rot90")
    >>> evidence.reason()[1]
    'rotated copy of the logo (distance 2/64)'
    >>> LogoEvidence.from_distance(3, hash="shape").reason()[1]
    'same logo shape in other colours (shape distance 3/64)'
    """

    distance: int
    bits: int
    hash: str
    variant: str
    similarity: float
    max_distance: int | None = None
    """The threshold (of 64 bits) the similarity was scaled by, when not the calibrated one."""

    @classmethod
    def from_distance(
        cls,
        distance: int,
        variant: str = "identity",
        bits: int = HASH_BITS,
        hash: str = "phash",
        max_distance: int | None = None,
    ) -> LogoEvidence:
        """Evidence for a `hash` hit at `distance` under the `variant` symmetry (threshold: see `logo_similarity`)."""
        similarity = logo_similarity(distance, bits, hash, max_distance)
        return cls(int(distance), bits, hash, variant, similarity, max_distance)

    def reason(self) -> tuple[str, str]:
        """(Indonesian, English) phrase naming the kind of resemblance and the distance."""
        if self.hash == "shape":
            indonesian, english = _SHAPE_REASON
            if self.variant in _TURNED:
                turned_id, turned_en = _TURNED[self.variant]
                indonesian, english = f"{indonesian}, {turned_id}", f"{english}, {turned_en}"
            return (
                f"{indonesian} (jarak bentuk {self.distance}/{self.bits})",
                f"{english} (shape distance {self.distance}/{self.bits})",
            )
        kind = self.variant
        threshold = checked_max_distance(self.hash, self.max_distance)
        if kind == "identity" and self.distance > threshold * self.bits / HASH_BITS / 2:
            kind = "similar"
        indonesian, english = _REASONS.get(kind, _REASONS["similar"])
        which_id, which_en = ("jarak dHash", "dHash distance") if self.hash == "dhash" else ("jarak", "distance")
        return (
            f"{indonesian} ({which_id} {self.distance}/{self.bits})",
            f"{english} ({which_en} {self.distance}/{self.bits})",
        )


PLAIN_SHAPES = {
    "square": ("rounded", 0.0),
    "disc": ("ring", 0.0),
    "rounded square 10%": ("rounded", 0.10),
    "rounded square 20%": ("rounded", 0.20),
    "rounded square 35%": ("rounded", 0.35),
    "ring 70%": ("ring", 0.70),
    "ring 85%": ("ring", 0.85),
    "triangle": ("polygon", 3),
    "diamond": ("polygon", 4),
    "hexagon": ("polygon", 6),
    "octagon": ("polygon", 8),
}
"""Silhouettes that say nothing about a logo: a badge, a disc or a frame is the outline of thousands of marks.
Trimming and the hash's square resize make every rectangle a square and every ellipse a disc. Each is drawn as
(kind, parameter): a square with corners rounded by that share of its side, a disc with a hole of that share of its
diameter, or a regular polygon with that many corners."""


@cache
def _plain_shape_codes() -> np.ndarray:
    """Shape codes of the `PLAIN_SHAPES` under every symmetry, ``(n, 8)``."""
    side = 256
    box = (0, 0, side - 1, side - 1)
    images = []
    for kind, parameter in PLAIN_SHAPES.values():
        image = Image.new("L", (side, side), 255)
        draw = ImageDraw.Draw(image)
        if kind == "rounded":
            draw.rounded_rectangle(box, radius=int(side * parameter), fill=0)
        elif kind == "ring":
            draw.ellipse(box, fill=0)
            if parameter:
                margin = side * (1 - parameter) / 2
                draw.ellipse((margin, margin, side - 1 - margin, side - 1 - margin), fill=255)
        else:
            draw.regular_polygon((side / 2, side / 2, side / 2), parameter, fill=0)
            image = image.crop(image.point(lambda v: 255 - v).getbbox())
        images += dihedral_variants(image)
    return phash_batch(images)


def plain_shape(shape_codes: np.ndarray) -> np.ndarray:
    """Whether each shape code ``(n, 8)`` is within the shape threshold of a `PLAIN_SHAPES` silhouette: a match
    on such a shape is no evidence (a plain disc would otherwise "share its shape" with every round badge).

    >>> from similarity.image.hash import shape_hash
    >>> from similarity.image.load import prepare_logo
    >>> disc = Image.new("RGB", (90, 90), "white"); ImageDraw.Draw(disc).ellipse((5, 5, 85, 85), fill="red")
    >>> plain_shape(shape_hash(prepare_logo(disc))[None]).tolist()
    [True]
    """
    codes = np.ascontiguousarray(shape_codes, dtype=np.uint8).reshape(-1, 8)
    plain = _plain_shape_codes()
    distances = np.bitwise_count(codes[:, None, :] ^ plain[None, :, :]).sum(axis=2)
    return distances.min(axis=1) <= default_max_distance("shape")


def best_evidence(
    phash: LogoEvidence, shape: LogoEvidence | None = None, dhash: LogoEvidence | None = None
) -> LogoEvidence:
    """The evidence to report: the closer of the two picture hashes (pHash, dHash) whenever it matches on its own,
    else whichever of picture and shape is closer.

    A recoloured or reversed copy moves the picture hashes far away but keeps the shape; an ordinary copy keeps both,
    and then "near-identical logo" is the truer reason than "same shape in other colours". A word added to a logo moves
    the pHash more than the dHash.

    >>> best_evidence(LogoEvidence.from_distance(24), LogoEvidence.from_distance(2, hash="shape")).hash
    'shape'
    >>> best_evidence(LogoEvidence.from_distance(4), LogoEvidence.from_distance(0, hash="shape")).hash
    'phash'
    >>> best_evidence(LogoEvidence.from_distance(20), None, LogoEvidence.from_distance(3, hash="dhash")).hash
    'dhash'
    """
    picture = phash if dhash is None or dhash.similarity <= phash.similarity else dhash
    if shape is None or picture.similarity >= 0.5 or shape.similarity <= picture.similarity:
        return picture
    return shape
