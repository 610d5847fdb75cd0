"""Local features of a logo: ORB keypoints and the outlines of a size-normalised rendering.

Perceptual hashes see a logo whole; a crop, a word written over it, a frame of other artwork or a product photo
around it moves every hash. Local features survive those: each keypoint describes a small patch, and a copy keeps
many patches in the same geometric arrangement (:mod:`similarity.image.verify` fits that arrangement). Every logo
is first drawn at one size (`SIDE` px on its longest side, inside a white margin) so that a 60 px upload and the
registry's 256 px rendering are compared at the same scale::

    >>> from PIL import Image, ImageDraw
    >>> im = Image.new("RGB", (120, 80), "white"); ImageDraw.Draw(im).polygon([(10, 70), (60, 5), (110, 70)], "navy")
    >>> features = extract(im)
    >>> features.size, features.points.shape[1], features.descriptors.shape[1], features.edges.dtype
    ((256, 181), 2, 32, dtype('bool'))

What an index keeps per registered logo is a :class:`LogoFeatures` (about 5 KB: `MAX_KEYPOINTS` 32-byte
descriptors, their positions as float16 and the outlines packed 8 pixels a byte at half scale); a
:class:`FeatureStore` holds them for many logos and writes them to one ``.npz`` file.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from similarity.image.load import MAX_PIXELS, LogoError

SIDE = 256
"""Longest side, in pixels, of the normalised rendering (margin included)."""
MARGIN = 16
"""White margin around the logo in the normalised rendering, so that keypoints near its edge can be described."""
QUERY_SIDE = 512
"""Longest side at which a query is described: a logo pasted at a third of a bigger picture still gets ~150 px."""
MAX_KEYPOINTS = 150
"""Keypoints kept per registered logo (the strongest by ORB's Harris score)."""
QUERY_KEYPOINTS = 500
MASK_SCALE = 2
"""The stored silhouette is drawn at 1/MASK_SCALE of the normalised rendering."""
CROP_FRACTIONS = (0.04, 0.08, 0.12)
"""Shares of its extent cut off every edge of a registered logo whose pHashes are kept as its crop codes
(:func:`crop_codes`): a crop's whole-image hash is far from the logo's own (a tenth off every edge: 22 of 64 bits at the
median) and near the code of the logo cropped alike, within about two hundredths either way."""
FORMAT = 2
"""Version of the feature file's layout (written in it; a newer one is refused). 2: crop codes (`CROP_FRACTIONS`);
a file of layout 1 is read with none (its logos are not found by their crops)."""


@dataclass(frozen=True, eq=False)
class LogoFeatures:
    """ORB keypoints and the outlines of one logo's normalised rendering.

    `points` ``(n, 2)`` float32 are pixel positions in the rendering of `size` ``(width, height)``; `descriptors`
    ``(n, 32)`` uint8 the ORB descriptors; `edges` its outlines (`edge_map`) at 1/`MASK_SCALE` of the rendering.

    >>> f = LogoFeatures.empty((256, 256)); len(f), f.edges.shape
    (0, (128, 128))
    """

    points: np.ndarray
    descriptors: np.ndarray
    edges: np.ndarray
    size: tuple[int, int]
    crops: np.ndarray = field(default_factory=lambda: np.zeros((0, 8), np.uint8))
    """``(len(CROP_FRACTIONS), 8)`` uint8 pHashes of the logo's central crops (:func:`crop_codes`); none for a query."""

    def __len__(self) -> int:
        return len(self.points)

    @classmethod
    def empty(cls, size: tuple[int, int]) -> LogoFeatures:
        """No keypoints and an empty silhouette for a rendering of `size`."""
        width, height = size
        return cls(
            np.zeros((0, 2), np.float32),
            np.zeros((0, 32), np.uint8),
            np.zeros((-(-height // MASK_SCALE), -(-width // MASK_SCALE)), bool),
            (int(width), int(height)),
        )


def normalised_grey(image: Image.Image, side: int = SIDE) -> np.ndarray:
    """A prepared logo in grey, its longest side scaled to ``side - 2 * MARGIN`` and padded white by `MARGIN`.

    >>> normalised_grey(Image.new("RGB", (50, 10), "black")).shape
    (77, 256)
    """
    if image.width * image.height > MAX_PIXELS:
        raise LogoError(f"the image has {image.width * image.height:,} pixels — more than {MAX_PIXELS:,}")
    grey = image if image.mode == "L" else image.convert("L")
    return np.asarray(ImageOps.expand(_fit(grey, side), MARGIN, fill=255))


def _fit(image: Image.Image, side: int) -> Image.Image:
    inner = side - 2 * MARGIN
    scale = inner / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def normalised_colour(image: Image.Image, side: int = SIDE) -> np.ndarray:
    """`normalised_grey` in colour: ``(h, w, 3)`` uint8, the same pixels before the grey conversion.

    >>> normalised_colour(Image.new("RGB", (50, 10), "red")).shape
    (77, 256, 3)
    """
    if image.width * image.height > MAX_PIXELS:
        raise LogoError(f"the image has {image.width * image.height:,} pixels — more than {MAX_PIXELS:,}")
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    return np.asarray(ImageOps.expand(_fit(rgb, side), MARGIN, fill=(255, 255, 255)))


def edge_map(grey: np.ndarray, colour: np.ndarray | None = None) -> np.ndarray:
    """The outlines in a normalised rendering (Canny on its grey levels), at 1/`MASK_SCALE` (a pixel is an edge when
    any of the pixels it covers is). Outlines, unlike a silhouette cut from the ground colour, do not depend on which
    colour is taken for the ground: a crop that cuts through the ink keeps them. With the `colour` rendering
    (`normalised_colour`, a query's) the outlines of each colour channel are added: a logo pasted on a ground as light
    as its ink, in another hue, has no outline in grey (Wikisource's blue on a purple gradient kept 28 %).

    >>> grey = np.full((64, 64), 255, np.uint8); grey[16:48, 16:48] = 0
    >>> edges = edge_map(grey); edges.shape, bool(edges[7:9, 16].any()), bool(edges[16, 16])
    ((32, 32), True, False)
    """
    return pooled(outlines(grey, colour))


def outlines(grey: np.ndarray, colour: np.ndarray | None = None) -> np.ndarray:
    """`edge_map` at full scale: a bool array the shape of `grey`."""
    import cv2

    edges = cv2.Canny(np.ascontiguousarray(grey), 40, 120) > 0
    for channel in range(3 if colour is not None else 0):  # an ink as light as its ground, in another colour
        # at 1.5x the grey thresholds: JPEG's coarser colour leaves ripples along every outline of a channel
        edges |= cv2.Canny(np.ascontiguousarray(colour[:, :, channel]), 60, 180) > 0
    return edges


def pooled(edges: np.ndarray) -> np.ndarray:
    """Full-scale outlines at 1/`MASK_SCALE`: a pixel is an edge when any of the pixels it covers is (OR-ed stride by
    stride: numpy's ``any`` over the two inner axes of a 4-D view took ~15 times as long, ~1 ms a view).

    >>> pooled(np.eye(4, dtype=bool)).tolist()
    [[True, False], [False, True]]
    """
    height, width = edges.shape
    padded = np.zeros((-(-height // MASK_SCALE) * MASK_SCALE, -(-width // MASK_SCALE) * MASK_SCALE), bool)
    padded[:height, :width] = edges
    columns = padded[:, 0::MASK_SCALE].copy()
    for offset in range(1, MASK_SCALE):
        columns |= padded[:, offset::MASK_SCALE]
    out = columns[0::MASK_SCALE].copy()
    for offset in range(1, MASK_SCALE):
        out |= columns[offset::MASK_SCALE]
    return out


_ORB: dict[int, object] = {}


def _orb(n: int):
    import cv2

    if n not in _ORB:
        _ORB[n] = cv2.ORB_create(nfeatures=n, fastThreshold=5, edgeThreshold=15, patchSize=15)
    return _ORB[n]


def keypoints(grey: np.ndarray, n: int = MAX_KEYPOINTS) -> tuple[np.ndarray, np.ndarray]:
    """ORB keypoint positions ``(k, 2)`` float32 and descriptors ``(k, 32)`` uint8 of a grey image, k ≤ `n`."""
    found, descriptors = _orb(n).detectAndCompute(np.ascontiguousarray(grey), None)
    if descriptors is None or not found:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
    return np.float32([k.pt for k in found]), np.ascontiguousarray(descriptors, dtype=np.uint8)


def extract(
    image: Image.Image, *, side: int = SIDE, n: int = MAX_KEYPOINTS, colour_edges: bool = False, crops: bool = True
) -> LogoFeatures:
    """`LogoFeatures` of a prepared logo (:func:`~similarity.image.load.load_logo`'s output) at `side` px; with
    `colour_edges` (a query) its outlines include those of each colour channel (`edge_map`); with `crops` (a
    registered logo) its `crop_codes`."""
    grey, edges = rendering(image, side, colour_edges)
    points, descriptors = keypoints(grey, n)
    found = LogoFeatures(points, descriptors, pooled(edges), (grey.shape[1], grey.shape[0]))
    return replace(found, crops=crop_codes(image)) if crops else found


def crop_codes(image: Image.Image) -> np.ndarray:
    """``(len(CROP_FRACTIONS), 8)`` pHashes of a prepared logo cut by each of `CROP_FRACTIONS` on every edge and
    prepared again (trimmed, its polarity settled) as a query is: what a cropped copy's own pHash is near. A crop
    that leaves no ink has a code of zeros.

    >>> from PIL import ImageDraw
    >>> im = Image.new("RGB", (100, 100), "white"); ImageDraw.Draw(im).ellipse((0, 0, 99, 99), fill="navy")
    >>> crop_codes(im).shape
    (3, 8)
    """
    from similarity.image.hash import phash
    from similarity.image.load import prepare_logo

    out = np.zeros((len(CROP_FRACTIONS), 8), np.uint8)
    for i, fraction in enumerate(CROP_FRACTIONS):
        dx, dy = round(image.width * fraction), round(image.height * fraction)
        try:
            cut = prepare_logo(image.crop((dx, dy, image.width - dx, image.height - dy)))
        except LogoError:
            continue
        out[i] = phash(cut.convert("L"))
    return out


def rendering(image: Image.Image, side: int = SIDE, colour_edges: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(grey normalised rendering, its full-scale `outlines`) of a prepared logo at `side` px: what `extract` describes
    (a query's mirrored and negative views reuse them, flipped or inverted, instead of drawing the logo again)."""
    colour = normalised_colour(image, side) if colour_edges and image.mode != "L" else None
    # one resize: grey from the resized colour (a linear filter: the same pixels but for rounding)
    grey = normalised_grey(image, side) if colour is None else np.asarray(Image.fromarray(colour).convert("L"))
    return grey, outlines(grey, colour)


def extract_query(image: Image.Image) -> LogoFeatures:
    """`extract` for a query logo: described larger (`QUERY_SIDE`) and with more keypoints, for it may be a bigger
    picture with the logo in a part of it; its outlines in colour too."""
    return extract(image, side=QUERY_SIDE, n=QUERY_KEYPOINTS, colour_edges=True, crops=False)


class FeatureStore:
    """`LogoFeatures` of many logos keyed by int64 index rows; one ``.npz`` file on disk.

    >>> from PIL import ImageDraw
    >>> im = Image.new("RGB", (64, 64), "white"); ImageDraw.Draw(im).rectangle((8, 8, 40, 56), fill="red")
    >>> store = FeatureStore(); store.put(3, extract(im)); store.put(5, None)
    >>> 3 in store, 5 in store, store.get(3).size, store.undescribable(5)
    (True, False, (256, 256), True)
    """

    def __init__(self) -> None:
        self._features: dict[int, LogoFeatures] = {}
        self._text: dict[int, str] = {}
        self._failed: set[int] = set()  # rows whose logo could not be described, in this process (not saved)
        self._search: tuple[int, Any] | None = None  # (logos it covers, DescriptorIndex)
        self._crops: tuple[int, Any] | None = None  # (logos it covers, LogoIndex of their crop codes)

    def __len__(self) -> int:
        return len(self._features)

    def __contains__(self, row: object) -> bool:
        return row in self._features

    def put(self, row: int, features: LogoFeatures | None, text: str | None = None) -> None:
        """Keep `features` (None: the logo could not be described) and its OCR `text` (None: not read) for `row`."""
        if features is not None:
            self._features[int(row)] = features
            self._failed.discard(int(row))
        elif int(row) not in self._features:
            self._failed.add(int(row))
        if text is not None:
            self._text[int(row)] = text

    def get(self, row: int) -> LogoFeatures | None:
        return self._features.get(int(row))

    def undescribable(self, row: int) -> bool:
        """Whether `row`'s logo was tried and could not be described (``put(row, None)``): not to be tried again."""
        return int(row) in self._failed

    def text(self, row: int) -> str | None:
        """The OCR text of `row`'s logo ("" when it has none), None when it was never read."""
        return self._text.get(int(row))

    def has_text(self, row: int) -> bool:
        return int(row) in self._text

    def rows(self) -> np.ndarray:
        return np.fromiter(sorted(self._features), dtype=np.int64, count=len(self._features))

    def search_index(self):
        """The :class:`~similarity.image.retrieve.DescriptorIndex` over every stored logo's descriptors: read from the
        feature file, or built (and kept) when logos were described since; None when there are none."""
        from similarity.image.retrieve import DescriptorIndex

        if not self._features:
            return None
        if self._search is None or self._search[0] != len(self._features):
            self._search = (len(self._features), DescriptorIndex.of(self))
        return self._search[1]

    def crop_index(self):
        """A :class:`~similarity.image.search.LogoIndex` of every stored logo's `crop_codes`, id ``row *
        len(CROP_FRACTIONS) + i`` for `CROP_FRACTIONS` ``[i]`` (built on first use after a change, a few ms per
        thousand logos); None when no logo has crop codes (a feature file of layout 1)."""
        from similarity.image.search import LogoIndex

        if self._crops is None or self._crops[0] != len(self._features):
            k = len(CROP_FRACTIONS)
            rows = [r for r, f in self._features.items() if len(f.crops) == k]
            index = None
            if rows:
                index = LogoIndex()
                ids = (np.asarray(rows, np.int64)[:, None] * k + np.arange(k)).reshape(-1)
                index.add(ids, np.concatenate([self._features[r].crops for r in rows]))
            self._crops = (len(self._features), index)
        return self._crops[1]

    def write(self, path: str | os.PathLike) -> None:
        """Write every logo's features and text to exactly `path` (the caller renames it into place)."""
        buffer = io.BytesIO()
        np.savez(buffer, **self.arrays())
        with open(path, "wb") as f:
            f.write(buffer.getvalue())

    def arrays(self, *, search: bool = True) -> dict[str, np.ndarray]:
        """Every logo's features and text as the arrays of a feature file (`read` takes them back); with `search`
        the descriptor search index too."""
        rows = self.rows()
        items = [self._features[int(r)] for r in rows]
        counts = np.fromiter((len(f) for f in items), dtype=np.int64, count=len(items))
        masks = [np.packbits(f.edges, axis=None) for f in items]
        text_rows = np.fromiter(sorted(self._text), dtype=np.int64, count=len(self._text))
        texts = [self._text[int(r)].encode("utf-8") for r in text_rows]
        found = self.search_index() if search else None
        k = len(CROP_FRACTIONS)
        crops = [f.crops if len(f.crops) == k else np.zeros((k, 8), np.uint8) for f in items]
        return dict(
            format=np.int64(FORMAT),
            rows=rows,
            sizes=np.array([f.size for f in items], dtype=np.int32).reshape(-1, 2),
            counts=counts,
            points=np.concatenate([f.points for f in items]).astype(np.float16) if items else np.zeros((0, 2)),
            descriptors=np.concatenate([f.descriptors for f in items]) if items else np.zeros((0, 32), np.uint8),
            mask_lengths=np.fromiter(map(len, masks), dtype=np.int64, count=len(masks)),
            masks=np.concatenate(masks) if masks else np.zeros(0, np.uint8),
            text_rows=text_rows,
            text_lengths=np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
            text=np.frombuffer(b"".join(texts), dtype=np.uint8),
            # a logo described without them (an older file adopted) is stored with none: zeros, not a code
            crop_codes=np.stack(crops) if crops else np.zeros((0, k, 8), np.uint8),
            crop_known=np.fromiter((len(f.crops) == k for f in items), dtype=bool, count=len(items)),
            **(found.to_arrays() if found is not None else {}),
        )

    @classmethod
    def read(cls, path: str | os.PathLike) -> FeatureStore:
        """Read a file written by `write`; ValueError when it is not one or is of a newer layout."""
        store = cls()
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"]) > FORMAT:
                    raise ValueError(
                        f"{os.fspath(path)!r} has feature layout {int(data['format'])}, newer than {FORMAT}"
                    )
                ends = np.cumsum(data["counts"])
                mask_ends = np.cumsum(data["mask_lengths"])
                points = data["points"].astype(np.float32)
                descriptors, masks = data["descriptors"], data["masks"]
                crops, known = data.get("crop_codes"), data.get("crop_known")
                if crops is not None and crops.shape[1:] != (len(CROP_FRACTIONS), 8):
                    crops = None  # written with other fractions: its logos are not found by their crops
                for i, (row, (width, height)) in enumerate(
                    zip(data["rows"].tolist(), data["sizes"].tolist(), strict=True)
                ):
                    start, mask_start = (ends[i - 1], mask_ends[i - 1]) if i else (0, 0)
                    shape = (-(-height // MASK_SCALE), -(-width // MASK_SCALE))
                    ink = np.unpackbits(masks[mask_start : mask_ends[i]], count=shape[0] * shape[1]).reshape(shape)
                    store._features[row] = LogoFeatures(
                        points[start : ends[i]], descriptors[start : ends[i]], ink.astype(bool), (width, height),
                        *([crops[i]] if crops is not None and known is not None and known[i] else []),
                    )
                text = data["text"].tobytes()
                text_ends = np.cumsum(data["text_lengths"]).tolist()
                for i, row in enumerate(data["text_rows"].tolist()):
                    start = text_ends[i - 1] if i else 0
                    store._text[row] = text[start : text_ends[i]].decode("utf-8")
                if "search_index" in data:
                    from similarity.image.retrieve import DescriptorIndex

                    found = DescriptorIndex.from_arrays(data["search_index"], store)
                    store._search = (len(store._features), found)
        except (KeyError, OSError, EOFError, ValueError, RuntimeError) as error:  # np.load says ValueError for junk
            if isinstance(error, ValueError) and "newer than" in str(error):
                raise
            raise ValueError(f"{os.fspath(path)!r} is not a logo feature file ({error})") from None
        return store
