"""Geometric verification: does a query logo contain a registered logo, drawn the same way?

A hash proposes; this module decides. Two logos are aligned, then their silhouettes compared pixel by pixel:

1. by local features — ORB descriptors matched with Lowe's ratio test and a similarity transform (rotation,
   uniform scale, translation) fitted with RANSAC; the fit says how the copy was turned, scaled or cut;
2. by the symmetry the hash proposed — where a low-detail logo has too few keypoints to fit, the query is
   mirrored or turned back as the hash found it and its ink box laid on the registered one.

After either alignment the outlines must agree (`agreement`: the F2-score of their edges within `TOLERANCE` pixels,
a thresholded chamfer distance that weighs the registered outlines found twice the query's explained). Two unrelated
round badges share a hash readily and their outlines still differ inside; a copy agrees almost everywhere. The
thresholds are calibrated on real logos (``similarity/data/logo_calibration.json``, key ``verify``)::

    >>> from PIL import Image, ImageDraw
    >>> from similarity.image.features import extract, extract_query
    >>> im = Image.new("RGB", (200, 200), "white"); d = ImageDraw.Draw(im)
    >>> d.polygon([(20, 180), (100, 20), (180, 180)], fill="navy"); d.ellipse((80, 110, 120, 150), fill="white")
    >>> found = verify(QueryFeatures.of(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)), extract(im), "mirror")
    >>> found.verified, found.mirrored
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from PIL import Image

from similarity.image.features import (
    MARGIN,
    MASK_SCALE,
    QUERY_KEYPOINTS,
    QUERY_SIDE,
    SIDE,
    LogoFeatures,
    keypoints,
    pooled,
    rendering,
)

RATIO = 0.8
"""Lowe's ratio test: a keypoint match counts when its best distance is under this share of the second best."""
RANSAC_PIXELS = 4.0
"""Largest reprojection error (pixels of the registered rendering) of an inlier."""
MIN_INLIERS = 6
"""Fewest inliers from which a keypoint fit is tried as an alignment."""
TOLERANCE = 1
"""Pixels (of the half-scale silhouette) within which two ink edges agree."""
VERIFIED_INLIERS = 10
"""Fewest inliers of a keypoint fit that verifies a copy (leave-one-out: another brand's logo fitted with 8–9)."""
PARTIAL_INLIERS = 15
PARTIAL_COVERAGE = 0.8
"""Below this share of the registered ink seen, a keypoint fit needs `PARTIAL_INLIERS` (a 10 % crop keeps 15–50)."""
PARTIAL_AGREEMENT = 0.95
"""Outline agreement a partial view (under `PARTIAL_COVERAGE`) needs: the part shown of a copy is the same drawing, its
outlines agreed 0.94–1.0 on the benchmark's 10 % crops, while the few letters two wordmarks share (Harness ~ Linear,
Mapbox ~ Convox, PrimeFaces ~ PrimeReact) agreed 0.90–0.93 in the leave-one-out benchmark."""
FIT_AGREEMENT = 0.91
"""Outline agreement a keypoint fit over `PARTIAL_COVERAGE` or more of the registered ink needs (where the calibrated
``agreement`` asks less): fits of another brand's logo agreeing 0.89-0.91 were medium for 7 of 1,700 leave-one-out
queries held out of the benchmark's (macOS ~ iOS 0.903 with 22 points, WebGL, Headless UI), while 1 of 760 copies
held out of the benchmark's (40 logos × 19 transforms: a logo pasted on noise, 0.898) verified in that band; 0.92
would have cost 3 copies, a word overlaid among them."""
MIN_COVERAGE = 0.35
"""Least share of the registered logo's ink that the aligned query must cover (a sliver proves nothing)."""
RING_COVERAGE = 0.25
RING_INLIERS = 35
"""A keypoint fit of `RING_INLIERS` or more, its outlines agreeing from `PARTIAL_AGREEMENT`, proves a copy from
`RING_COVERAGE` of the registered ink on: a 10 % crop of a ring or a frame cuts most of the ink away (the benchmark's
crops of framed logos kept 29-33 % of it with 37-49 inliers agreeing 1.0), and that many points agreeing on one
similarity transform is not a sliver two brands share (leave-one-out: MLAB ~ Arm, letters two wordmarks share, fitted
31 at 32 %; the margin is thin, measured on 1,000 queries of a 1,200-logo registry only)."""
SILHOUETTE_AGREEMENT = 0.95
"""Outline agreement from which an alignment by the symmetry a hash proposed (no keypoints) proves a copy: two brands'
low-detail marks laid box on box agreed 0.89-0.91 in the leave-one-out benchmark (Morpheus ~ Sigstore, Upstash ~
React Query, both at twice the scale), the same drawing 0.99."""
STRETCH = 1.25
"""Largest ratio between the two scales (across, down) that laying one ink box on another may take: a copy keeps its
proportions (on 300 real logos under the benchmark's 18 transforms, every box-on-box alignment agreeing from 0.95 took
at most 1.15), while a square laid on a bar (CodeSandbox's frame on ElevenLabs', 5.0), F#'s triangle on Private
Division's (2.2) or Kotlin's on Vercel's (1.7) agreed 0.96-1.0 in the full registry's leave-one-out."""
GUIDE_PIXELS = 6.0
"""Distance (registered rendering pixels) from a keypoint's predicted place within which a guided match is sought."""
GUIDE_HAMMING = 50
"""Farthest descriptor (bits of 256) a guided match may have: two renderings of one patch differ by 10–40."""
GUIDE_RANK = 2
"""A guided match's registered keypoint is among this many nearest descriptors of the query keypoint (a repeated part,
a Kubernetes spoke, finds its twin first and itself second)."""


@cache
def thresholds() -> dict[str, float]:
    """The calibrated verification thresholds: ``agreement`` (edge F-score from which a match is a verified copy)
    and ``weak`` (below it the pair is taken as unrelated), from ``logo_calibration.json``; defaults if absent."""
    from similarity.image.score import calibration

    stored = calibration().get("verify", {})
    return {"agreement": float(stored.get("agreement", 0.8)), "weak": float(stored.get("weak", 0.55))}


CROPPED_SIDE = round(SIDE * 0.8)
"""A query's size at which a crop of a tenth off each edge shows the logo at the registry's scale (the crop spans 80 %
of the logo)."""
QUERY_VIEWS = ((QUERY_SIDE, QUERY_KEYPOINTS), (SIDE, 300), (CROPPED_SIDE, 150))
"""The sizes (longest side, keypoints) a query is described at, each plain and mirrored: large, for a logo that is a
part of a bigger picture, at the registry's own size, where a logo or a padded copy matches the registered rendering
scale for scale (ORB's pyramid spans less than the two), and smaller where the query looks cut (`CUT_BORDER`), where a
cropped copy does: ORB's strongest keypoints of a crop at 256 px are mostly others than those of the logo at its
registered scale (full registry, 50 copies cropped 10 %: the own logo voted 43 -> 45, qase 7 -> 9 and goodreads 4 -> 14
tentative matches)."""
CUT_BORDER = 0.1
"""Share of the picture's edge (inside the rendering's margin) in ink from which a query looks cut and is also
searched and verified at `CROPPED_SIDE`: 83 % of 10 % crops, 81 % of 5 % crops and 31 % of whole logos reach it (150
real logos apart from the benchmark's copies). Every view is one more chance for another brand's logo to fit: searched
at that size for every query, the full registry's leave-one-out got another family's logo high 1.00 -> 1.075 %, medium
or high 2.975 -> 3.125 %."""

ViewKey = tuple[bool, bool, int]
"""(mirrored, inverted, side) of one description of a query."""


class QueryFeatures:
    """A query logo described for verification: its features at each of `QUERY_VIEWS` and those of its mirror image
    (ORB is not mirror invariant), each computed on first use.

    >>> from PIL import Image, ImageDraw
    >>> im = Image.new("RGB", (90, 60), "white"); ImageDraw.Draw(im).rectangle((10, 10, 50, 50), fill="red")
    >>> q = QueryFeatures.of(im); q.plain.size, q.view(side=256).size, q.cut()
    ((512, 352), (256, 181), False)
    """

    __slots__ = ("plain", "image", "_views", "_renderings", "_cut")

    def __init__(self, plain: LogoFeatures, image: Image.Image) -> None:
        self.plain, self.image = plain, image
        self._views: dict[ViewKey, LogoFeatures] = {(False, False, QUERY_SIDE): plain}
        self._renderings: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._cut: bool | None = None

    @classmethod
    def of(cls, image: Image.Image) -> QueryFeatures:
        """Describe a prepared query logo."""
        query = cls(LogoFeatures.empty((1, 1)), image)
        query.plain = query._views[(False, False, QUERY_SIDE)] = query._describe(False, False, QUERY_SIDE)
        return query

    def view(self, mirrored: bool = False, inverted: bool = False, side: int = QUERY_SIDE) -> LogoFeatures:
        """The features of the query mirrored and/or in negative at `side` px, computed on first use. A crop that
        cuts through a logo's ink can make loading take the ink for the ground and invert it; ORB's binary tests
        then all flip."""
        key = (mirrored, inverted, side)
        if key not in self._views:
            self._views[key] = self._describe(mirrored, inverted, side)
        return self._views[key]

    def _describe(self, mirrored: bool, inverted: bool, side: int) -> LogoFeatures:
        """One view: the rendering at `side` drawn once, flipped and/or inverted as arrays (a negative has the same
        outlines), its keypoints found anew (ORB is neither mirror- nor negative-invariant)."""
        if side not in self._renderings:
            self._renderings[side] = rendering(self.image, side, colour_edges=True)
        grey, edges = self._renderings[side]
        if mirrored:
            grey, edges = grey[:, ::-1], edges[:, ::-1]
        if inverted:
            grey = 255 - grey
        points, descriptors = keypoints(np.ascontiguousarray(grey), dict(QUERY_VIEWS).get(side, QUERY_KEYPOINTS))
        return LogoFeatures(points, descriptors, pooled(edges), (grey.shape[1], grey.shape[0]))

    def cut(self) -> bool:
        """Whether the picture looks cut out of a bigger one: at least `CUT_BORDER` of its edge is ink (dark in the
        loaded picture: grey under 160). A whole logo touches its box at a few points; a crop runs through its ink."""
        if self._cut is not None:
            return self._cut
        if SIDE not in self._renderings:
            self._renderings[SIDE] = rendering(self.image, SIDE, colour_edges=True)
        grey = self._renderings[SIDE][0][MARGIN:-MARGIN, MARGIN:-MARGIN]
        edge = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]]) if grey.size else np.zeros(1)
        self._cut = bool((edge < 160).mean() >= CUT_BORDER)
        return self._cut

    def search_views(self) -> list[ViewKey]:
        """The descriptions a query searches the registry with: every `QUERY_VIEWS` size (`CROPPED_SIDE` only for a
        query that looks `cut`), plain and mirrored, and in negative (a logo on a dark photo is inverted with its photo
        when loaded, and so is a crop that cuts through the ink: its border is ink, taken for the ground)."""
        sides = [side for side, _ in QUERY_VIEWS if side != CROPPED_SIDE or self.cut()]
        sized = [(mirrored, False, side) for side in sides for mirrored in (False, True)]
        return sized + [(mirrored, True, side) for side in sides for mirrored in (False, True)]


@dataclass(frozen=True)
class Verification:
    """What aligning a query with one registered logo found.

    `agreement` is the edge F-score of the aligned silhouettes (0–1), `coverage` the share of the registered ink the
    query covers, `inliers` the keypoints consistent with the fitted transform (0 when the symmetry the hash
    proposed aligned them instead: `method` "silhouette"), `rotation` in degrees and `scale` the query's size over
    the registered logo's in the normalised renderings.

    >>> Verification(True, 0.93, 1.0, 14, 40, True, 90, 1.0, "keypoints").reason()[1]
    'verified copy: mirrored, rotated 90° (14 matching points, outlines agree 93%)'
    """

    verified: bool
    agreement: float
    coverage: float
    inliers: int
    matches: int
    mirrored: bool
    rotation: int
    scale: float
    method: Literal["keypoints", "silhouette", "none"]

    @property
    def cropped(self) -> bool:
        return self.coverage < 0.97

    def transform(self) -> tuple[list[str], list[str]]:
        """What was done to the logo, as (Indonesian, English) words: mirrored, rotated, scaled, cropped."""
        indonesian, english = [], []
        if self.mirrored:
            indonesian.append("dicerminkan")
            english.append("mirrored")
        if self.rotation:
            indonesian.append(f"diputar {self.rotation}°")
            english.append(f"rotated {self.rotation}°")
        if self.cropped:
            indonesian.append(f"dipotong ({round(100 * self.coverage)}% terlihat)")
            english.append(f"cropped ({round(100 * self.coverage)}% visible)")
        return indonesian, english

    def details(self) -> tuple[str, str]:
        """(Indonesian, English) facts: matching points (for a keypoint fit) and how far the outlines agree."""
        percent = round(100 * self.agreement)
        if self.method == "keypoints":
            return (
                f"{self.inliers} titik cocok, garis tepi cocok {percent}%",
                f"{self.inliers} matching points, outlines agree {percent}%",
            )
        return f"garis tepi cocok {percent}%", f"outlines agree {percent}%"

    def reason(self) -> tuple[str, str]:
        """(Indonesian, English) phrase for a verified copy, or for a resemblance the outlines do not confirm."""
        facts_id, facts_en = self.details()
        if not self.verified:
            return (
                f"logo agak mirip, tidak terbukti salinan ({facts_id})",
                f"logo somewhat alike, not a verified copy ({facts_en})",
            )
        turned_id, turned_en = self.transform()
        how_id = f": {', '.join(turned_id)}" if turned_id else ""
        how_en = f": {', '.join(turned_en)}" if turned_en else ""
        return f"salinan logo terverifikasi{how_id} ({facts_id})", f"verified copy{how_en} ({facts_en})"

    def as_dict(self) -> dict[str, object]:
        return {
            "verified": self.verified,
            "agreement": round(self.agreement, 3),
            "coverage": round(self.coverage, 3),
            "inliers": self.inliers,
            "matches": self.matches,
            "mirrored": self.mirrored,
            "rotation": self.rotation,
            "scale": round(self.scale, 3),
            "cropped": self.cropped,
            "method": self.method,
        }


NOT_ALIGNED = Verification(False, 0.0, 0.0, 0, 0, False, 0, 1.0, "none")


CROP_STEPS = (0.0, -0.01, 0.01, -0.02, 0.02, -0.03, 0.03)
"""Shares of the registered extent, around a crop code's own, at which a crop is laid on the registered logo
(:func:`_symmetry_alignment` with a `crop`): a code stands for crops within about two hundredths of its share."""


def verify(
    query: QueryFeatures,
    registered: LogoFeatures,
    variant: str | None = None,
    views: list[ViewKey] | None = None,
    fits: dict[ViewKey, np.ndarray] | None = None,
    crop: tuple[str, float] | None = None,
) -> Verification:
    """Align `query` with a `registered` logo and compare their silhouettes; `variant` is the symmetry a hash
    proposed (a `~similarity.image.hash.DIHEDRAL` name: "mirror" = the query is the mirror image), None when the
    candidate came from the keypoints alone. `views`: the query's descriptions worth matching with this logo (a
    registry search's prefilter, :meth:`~similarity.image.retrieve.Tentative.views_for`) — the cheap path of a
    check; None: the large plain and mirrored views, then the negative ones. `fits`: transforms (query view →
    registered rendering) the registry search's votes found, matched first by position (:func:`guided_matches`).
    `crop`: (symmetry, share cut off each edge) of a crop code near the query
    (:func:`~similarity.candidates.logos.crop_candidates`): where no keypoint fit proves a copy, the query's ink box is
    laid on the registered logo's ink inside its central part cut by about that share (`CROP_STEPS`)."""
    best = NOT_ALIGNED
    agreement = thresholds()["agreement"]
    for key, matrix in (fits or {}).items():
        view = query.view(*key)
        found = _crop_only(key, _fit(view, registered, *guided_matches(view, registered, matrix), key[0]))
        if found is not None and found.agreement > best.agreement:
            best = found
        if _proves(best, agreement):
            return Verification(True, *list(best.__dict__.values())[1:])
    if views is not None:
        for key in views:
            if fits and key in fits:  # matched already, guided by the votes' fit: the ratio test finds no more there
                continue
            view = query.view(*key)
            found = _crop_only(key, _fit(view, registered, *_matched(view, registered), key[0]))
            if found is not None and found.agreement > best.agreement:
                best = found
            if _proves(best, agreement):
                break
    else:
        sides = [False, True] if variant is None or variant.startswith("mirror") else [False]
        for inverted in (False, True):
            for mirrored in sides:
                view = query.view(mirrored, inverted)
                found = _fit(view, registered, *_matched(view, registered), mirrored)
                if found is not None and found.agreement > best.agreement:
                    best = found
            if _proves(best, agreement):
                break
    if variant is not None and not _proves(best, agreement):
        # also where a keypoint fit agreed but had too few points to prove it (a low-detail disc on a gradient fitted
        # 8): the symmetry the hash found lays the silhouettes box on box
        for side in (QUERY_SIDE, SIDE):  # a small upload's outlines, blurred when enlarged, agree better at 256 px
            found = _symmetry_alignment(query.view(side=side), registered, variant)
            if _proves(found, agreement):
                best = found
                break
            if found.agreement > best.agreement:
                best = found
    if crop is not None and not _proves(best, agreement):
        # a thin or tiny logo cut (v0's letters, Dependency-Check's check mark) keeps too few keypoints to fit: its
        # crop code says how it was cut, the silhouettes are laid box on box at that cut
        for side, step in ((side, step) for side in (QUERY_SIDE, SIDE) for step in CROP_STEPS):
            found = _symmetry_alignment(query.view(side=side), registered, crop[0], crop[1] + step)  # views cached
            if found.agreement > best.agreement or _proves(found, agreement):
                best = found
            if _proves(best, agreement):
                break
    return Verification(_proves(best, agreement), *list(best.__dict__.values())[1:])


def _crop_only(key: ViewKey, found: Verification | None) -> Verification | None:
    """`found` unless it was fitted in the `CROPPED_SIDE` view and shows `PARTIAL_COVERAGE` or more of the registered
    logo: that view is there for a crop, and a whole logo fitted in it is one more chance for another brand's logo to
    fit (full registry leave-one-out, the view verified for every cut query: another family high 1.00 -> 1.025 %, the
    new ones at 90-100 % of the ink, beatstars ~ macys, storyblok ~ storybook, hibernate ~ task)."""
    if found is None or key[2] != CROPPED_SIDE or found.coverage < PARTIAL_COVERAGE:
        return found
    return None


def _proves(found: Verification, agreement: float) -> bool:
    """Whether an alignment proves a copy: the outlines agree from `agreement` on (`SILHOUETTE_AGREEMENT` for a
    silhouette laid by the hash's symmetry), over at least `MIN_COVERAGE` of the registered ink (`RING_COVERAGE` for a
    keypoint fit of `RING_INLIERS` points), and a keypoint fit has `VERIFIED_INLIERS` consistent points and outlines
    agreeing from `FIT_AGREEMENT` — `PARTIAL_INLIERS` and outlines agreeing from `PARTIAL_AGREEMENT` when the query
    shows less than `PARTIAL_COVERAGE` of the registered logo (a shared corner of two brands' artwork, a few letters
    two wordmarks share, fit some)."""
    if found.agreement < agreement or found.coverage < RING_COVERAGE:
        return False
    if found.coverage < MIN_COVERAGE and not (
        found.method == "keypoints" and found.inliers >= RING_INLIERS and found.agreement >= PARTIAL_AGREEMENT
    ):
        return False
    if found.method == "silhouette":
        return found.agreement >= SILHOUETTE_AGREEMENT
    if found.method != "keypoints":
        return True
    if found.coverage < PARTIAL_COVERAGE:
        return found.inliers >= PARTIAL_INLIERS and found.agreement >= PARTIAL_AGREEMENT
    return found.inliers >= VERIFIED_INLIERS and found.agreement >= FIT_AGREEMENT


def _matched(query: LogoFeatures, registered: LogoFeatures) -> tuple[np.ndarray, np.ndarray]:
    """(query points, registered points) of the descriptor matches that pass Lowe's ratio test."""
    import cv2

    if len(query) < 2 or len(registered) < 2:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    found = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(query.descriptors, registered.descriptors, k=2)
    good = [p[0] for p in found if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    return query.points[[m.queryIdx for m in good]], registered.points[[m.trainIdx for m in good]]


def guided_matches(
    query: LogoFeatures, registered: LogoFeatures, matrix: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(query points, registered points) of the descriptor matches a rough transform predicts: each query keypoint
    moved by `matrix` is paired with the registered keypoint within `GUIDE_PIXELS` whose descriptor is nearest, if
    within `GUIDE_HAMMING` bits and among its `GUIDE_RANK` nearest in the logo (each registered keypoint once). A logo
    of repeated parts (Kubernetes' spokes, a row of letters) fails the ratio test everywhere — its best and second-best
    matches are alike — but not this.

    >>> from PIL import Image, ImageDraw
    >>> im = Image.new("RGB", (90, 60), "white"); ImageDraw.Draw(im).polygon([(5, 55), (45, 4), (85, 55)], "black")
    >>> from similarity.image.features import extract
    >>> f = extract(im); src, dst = guided_matches(f, f, np.float32([[1, 0, 0], [0, 1, 0]]))
    >>> len(src) > 10, bool(np.allclose(src, dst))
    (True, True)
    """
    if not len(query) or not len(registered):
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    moved = query.points @ matrix[:, :2].T.astype(np.float32) + matrix[:, 2].astype(np.float32)
    dx = moved[:, 0, None] - registered.points[None, :, 0]
    dy = moved[:, 1, None] - registered.points[None, :, 1]
    near = dx * dx + dy * dy <= GUIDE_PIXELS**2
    bits = _hamming_matrix(query.descriptors, registered.descriptors)
    # the predicted partner must also be one of the query keypoint's `GUIDE_RANK` nearest descriptors in the whole
    # registered logo: a patch of plain stroke finds a near descriptor close to any predicted place, not among its few
    # best over the logo (another brand's logo fitted 16–26 such matches in the leave-one-out benchmark)
    rank = min(GUIDE_RANK, bits.shape[1]) - 1
    best = np.partition(bits, rank, axis=1)[:, rank : rank + 1]
    asked, found = np.nonzero(near & (bits <= best) & (bits <= GUIDE_HAMMING))
    bits = bits[asked, found]
    for by_query in (True, False):  # the nearest descriptor per query keypoint, then per registered keypoint
        side = asked if by_query else found
        order = np.lexsort((bits, side))
        first = order[np.r_[True, side[order][1:] != side[order][:-1]]] if len(order) else order
        asked, found, bits = asked[first], found[first], bits[first]
    return query.points[asked], registered.points[found]


def _hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamming distances (int32) between every row of `a` and of `b` (binary descriptors as uint8 rows), counted
    one 64-bit word at a time where the width allows: the same numbers as XOR-ing every pair's bytes at once, about a
    tenth of the time for two logos' ~500 ORB descriptors (no 3-D temporary to sum over).

    >>> a = np.array([[255, 0, 1, 2, 3, 4, 5, 6]], np.uint8); b = np.zeros((2, 8), np.uint8)
    >>> _hamming_matrix(a, b).tolist()
    [[17, 17]]
    """
    if a.shape[1] % 8 or not a.shape[1]:
        return np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=2, dtype=np.int32)
    a = np.ascontiguousarray(a).view(np.uint64)
    b = np.ascontiguousarray(b).view(np.uint64)
    out = np.zeros((len(a), len(b)), np.int32)
    for word in range(a.shape[1]):
        out += np.bitwise_count(a[:, None, word] ^ b[None, :, word])
    return out


def _fit(
    query: LogoFeatures, registered: LogoFeatures, source: np.ndarray, target: np.ndarray, mirrored: bool
) -> Verification | None:
    """The similarity transform most matches agree on (RANSAC) and the outline agreement it gives; None when fewer
    than `MIN_INLIERS` agree or the scale is absurd."""
    import cv2

    if len(source) < MIN_INLIERS:
        return None
    matrix, inliers = cv2.estimateAffinePartial2D(
        np.ascontiguousarray(source, np.float32),
        np.ascontiguousarray(target, np.float32),
        method=cv2.RANSAC,
        ransacReprojThreshold=RANSAC_PIXELS,
        maxIters=500,
    )
    if matrix is None or inliers is None or int(inliers.sum()) < MIN_INLIERS:
        return None
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    if not 0.15 <= scale <= 4.0:
        return None
    agreement, coverage = _agreement(query.edges, registered.edges, matrix)
    angle = float(np.degrees(np.arctan2(matrix[1, 0], matrix[0, 0])))
    rotation = int(round(-angle / 90.0)) % 4 * 90 if abs(angle / 90.0 - round(angle / 90.0)) < 0.15 else 0
    return Verification(
        False, agreement, coverage, int(inliers.sum()), len(source), mirrored, rotation, 1.0 / scale, "keypoints"
    )


_TURNS = {"rot90": 1, "rot180": 2, "rot270": 3}


def _symmetry_alignment(
    query: LogoFeatures, registered: LogoFeatures, variant: str, crop: float = 0.0
) -> Verification:
    """Undo the proposed symmetry on the query's silhouette and lay its ink box on the registered one's — with `crop`,
    on the box of the registered ink inside the registered box cut by that share of its extent on every edge; not
    aligned where that would stretch it more one way than the other than `STRETCH`."""
    ink = query.edges
    turn = _TURNS.get(variant.rsplit("_", 1)[-1], 0)
    if turn:
        ink = np.rot90(ink, k=-turn)  # PIL's ROTATE_90 turns counter-clockwise, as np.rot90(k=1); undo it
    if variant.startswith("mirror"):
        ink = ink[:, ::-1]
    box_q, box_r = _box(ink), _box(registered.edges)
    if box_q is None or box_r is None:
        return NOT_ALIGNED
    if crop > 0:
        dx, dy = round((box_r[2] - box_r[0]) * crop), round((box_r[3] - box_r[1]) * crop)
        inner = registered.edges[box_r[1] + dy : box_r[3] - dy, box_r[0] + dx : box_r[2] - dx]
        found = _box(inner) if inner.size else None
        if found is None:
            return NOT_ALIGNED
        box_r = (found[0] + box_r[0] + dx, found[1] + box_r[1] + dy, found[2] + box_r[0] + dx, found[3] + box_r[1] + dy)
    sx = (box_r[2] - box_r[0]) / max(1, box_q[2] - box_q[0])
    sy = (box_r[3] - box_r[1]) / max(1, box_q[3] - box_q[1])
    if max(sx, sy) > STRETCH * min(sx, sy):  # a copy keeps its proportions: this would draw one shape as another
        return NOT_ALIGNED
    matrix = np.float32([[sx, 0, box_r[0] - sx * box_q[0]], [0, sy, box_r[1] - sy * box_q[1]]])
    # `_agreement` takes a matrix in the renderings' pixels; these boxes are in the silhouettes'
    matrix[:, 2] *= MASK_SCALE
    agreement, coverage = _agreement(np.ascontiguousarray(ink), registered.edges, matrix)
    rotation = turn * 90 if turn else 0
    return Verification(
        False,
        agreement,
        coverage,
        0,
        0,
        variant.startswith("mirror"),
        rotation,
        1.0 / float(np.sqrt(sx * sy)),
        "silhouette",
    )


def _box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _agreement(query_ink: np.ndarray, registered_ink: np.ndarray, matrix: np.ndarray) -> tuple[float, float]:
    """(edge F-score, coverage) of the query's silhouette moved by `matrix` (query rendering → registered rendering
    pixels) onto the registered one, compared inside the registered logo's ink box."""
    import cv2

    half = matrix.astype(np.float32).copy()
    half[:, 2] /= MASK_SCALE
    height, width = registered_ink.shape
    query_edges = query_ink.astype(np.uint8) * 255
    if np.hypot(half[0, 0], half[1, 0]) < 0.8:  # shrinking samples a thin line away: thicken it first
        query_edges = cv2.dilate(query_edges, np.ones((3, 3), np.uint8))
    moved = cv2.warpAffine(query_edges, half, (width, height), flags=cv2.INTER_LINEAR) >= 96
    # the query's own picture, less a band at its border: where a crop cut through the ink, the cut is an edge the
    # registered logo cannot have
    inset = MARGIN // MASK_SCALE + 2
    frame = np.zeros(query_ink.shape, np.uint8)
    frame[inset:-inset, inset:-inset] = 255
    seen = cv2.warpAffine(frame, half, (width, height), flags=cv2.INTER_NEAREST) > 0
    box = _box(registered_ink)
    if box is None:
        return 0.0, 0.0
    left, top, right, bottom = box
    region = np.zeros_like(seen)
    region[max(0, top - 2) : bottom + 2, max(0, left - 2) : right + 2] = True
    reg_ink = registered_ink & seen
    total = int(registered_ink.sum())
    coverage = float(reg_ink.sum()) / total if total else 0.0
    edges_r, edges_q = reg_ink & region, moved & region & seen
    if not edges_r.any() or not edges_q.any():
        return 0.0, coverage
    kernel = np.ones((2 * TOLERANCE + 1, 2 * TOLERANCE + 1), np.uint8)
    near_r = cv2.dilate(edges_r.astype(np.uint8), kernel) > 0
    near_q = cv2.dilate(edges_q.astype(np.uint8), kernel) > 0
    precision = float((edges_q & near_r).sum()) / float(edges_q.sum())
    recall = float((edges_r & near_q).sum()) / float(edges_r.sum())
    if precision + recall == 0:
        return 0.0, coverage
    # F2: recall (the registered outlines found in the query) weighs twice precision, for what a copy adds — a word
    # written across it, a frame, a photo around it — costs precision only
    return 5 * precision * recall / (4 * precision + recall), coverage
