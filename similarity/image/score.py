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

from similarity.image.hash import HASH_BITS

CALIBRATION_FILE = "logo_calibration.json"

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
    """The stored calibration: max_distance, bits, dataset, date, false_match_rate, recall."""
    text = resources.files("similarity.data").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def default_max_distance() -> int:
    """Largest pHash distance (of 64 bits) still treated as the same logo, as calibrated."""
    return int(calibration()["max_distance"])


def logo_similarity(distance: int, bits: int = HASH_BITS) -> float:
    """Similarity in [0, 1]: 1 at distance 0, exactly 0.5 at the calibrated threshold, 0 at bits/2.

    Unrelated images sit around bits/2, so the scale falls linearly from the threshold to there.
    The threshold is scaled to `bits` when the code is not 64 bits long.

    >>> [round(logo_similarity(d), 2) for d in (0, 32, 64)]
    [1.0, 0.0, 0.0]
    """
    threshold = default_max_distance() * bits / HASH_BITS
    chance = bits / 2
    if distance <= threshold:
        return 1.0 - 0.5 * distance / threshold if threshold > 0 else (1.0 if distance <= 0 else 0.5)
    if distance >= chance:
        return 0.0
    return 0.5 * (chance - distance) / (chance - threshold)


@dataclass(frozen=True)
class LogoEvidence:
    """How a query logo resembles a registered one, for the verdict and its reasons.

    >>> evidence = LogoEvidence.from_distance(2, variant="rot90")
    >>> evidence.reason()[1]
    'rotated copy of the logo (distance 2/64)'
    """

    distance: int
    bits: int
    hash: str
    variant: str
    similarity: float

    @classmethod
    def from_distance(cls, distance: int, variant: str = "identity", bits: int = HASH_BITS) -> LogoEvidence:
        """Evidence for a pHash hit at `distance` under the `variant` symmetry."""
        return cls(int(distance), bits, "phash", variant, logo_similarity(distance, bits))

    def reason(self) -> tuple[str, str]:
        """(Indonesian, English) phrase naming the kind of resemblance and the distance."""
        kind = self.variant
        if kind == "identity" and self.distance > default_max_distance() * self.bits / HASH_BITS / 2:
            kind = "similar"
        indonesian, english = _REASONS.get(kind, _REASONS["similar"])
        return (
            f"{indonesian} (jarak {self.distance}/{self.bits})",
            f"{english} (distance {self.distance}/{self.bits})",
        )
