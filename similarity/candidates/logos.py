"""Stage 3b — the logo candidates of a query: the nearest stored logo codes under every dihedral variant.

Each hash the query has (pHash, shape code, dHash: ``CODE_PARTS``) is searched exactly in its own Hamming index
(:class:`~similarity.image.search.LogoIndex`, kept by the store); the local-feature votes for cropped or pasted
copies are :mod:`similarity.score.logos`' second source::

    >>> from similarity.image.hash import dihedral_codes
    >>> from similarity.image.load import load_logo
    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> index = MarkIndex(); index.add([Mark(id="1", name="Github", logo="simple-icons:github")])
    1
    >>> logo_candidates(index, dihedral_codes(load_logo("simple-icons:github"))).tolist()
    [0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..image.hash import CODE_PARTS, LOGO_CODE_SIZES, PART_BYTES, code_part
from ..image.score import plain_shape

if TYPE_CHECKING:
    from ..image.features import FeatureStore
    from ..store.index import MarkIndex


def logo_candidates(index: MarkIndex, query_codes: np.ndarray, k: int | None = None) -> np.ndarray:
    """Rows of the nearest logos to any dihedral variant of the query (exact Hamming, FAISS): the ``k``
    nearest by pHash, then the ``k`` nearest by each other hash the query has (`CODE_PARTS`) that are not among
    them. The shape code is searched only where the query's silhouette is not a plain disc, square or badge
    (:func:`~similarity.image.score.plain_shape`)."""
    query_codes = logo_query(query_codes)
    k = k or index.params.logo_candidates
    hits = [h.id for h in index.logo_hashes["phash"].search(code_part(query_codes, "phash"), k=k)]
    seen = set(hits)
    for part in query_parts(query_codes)[1:]:
        new = [h.id for h in index.logo_hashes[part].search(code_part(query_codes, part), k=k) if h.id not in seen]
        hits += new
        seen.update(new)
    return np.asarray(hits, dtype=np.int64)


def query_parts(query_codes: np.ndarray) -> tuple[str, ...]:
    """The hashes (`CODE_PARTS`) a query is searched and compared by: those its codes have, except a shape code whose
    silhouette is a plain disc, square or badge (:func:`~similarity.image.score.plain_shape`)."""

    parts = CODE_PARTS[: query_codes.shape[1] // PART_BYTES]
    if "shape" in parts and plain_shape(code_part(query_codes[:1], "shape"))[0]:
        parts = tuple(part for part in parts if part != "shape")
    return parts


def logo_query(codes: np.ndarray) -> np.ndarray:
    """A query's logo codes as ``(variants, 8, 16 or 24)`` uint8 (`LOGO_CODE_SIZES`); one flat code becomes one
    variant."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    if codes.ndim == 1:
        codes = codes[None]
    if codes.ndim != 2 or codes.shape[1] not in LOGO_CODE_SIZES or not len(codes):
        raise ValueError(
            f"logo codes have shape {codes.shape} — pass dihedral_codes(image) (8, 24), dihedral_phashes(image) "
            f"(8, 8) or one code of 8, 16 or 24 bytes"
        )
    return codes


@dataclass(frozen=True)
class CropHit:
    """A registered logo whose crop code is near the query: `distance` (bits of 64), `variant` (the symmetry that
    turns the registered crop into the query, as `~similarity.image.search.LogoHit`'s) and `fraction`, the share of
    the registered logo's extent cut off each edge for that code (`~similarity.image.features.CROP_FRACTIONS`)."""

    row: int
    distance: int
    variant: str
    fraction: float


CROP_CANDIDATES = 3
"""Registered logos proposed by their crop codes per query (nearest first)."""
CROP_DISTANCE = 10
"""Farthest pHash (bits of 64) of a registered logo's crop code that proposes it."""


def crop_candidates(
    store: FeatureStore, query_codes: np.ndarray, k: int | None = None, max_distance: int | None = None
) -> dict[int, CropHit]:
    """Rows whose logo cut alike is near the query: the `k` nearest registered crop codes
    (:func:`~similarity.image.features.crop_codes`) to any dihedral variant of the query's pHash, within
    `max_distance` (None: `CROP_CANDIDATES`, `CROP_DISTANCE`), as {row: its nearest hit} (the hit's `variant` turns
    the registered crop into the query). A cropped copy's pHash is far from the logo's own and near the logo's crop;
    empty when the store has no crop codes.

    >>> from PIL import Image, ImageDraw
    >>> from similarity.image.features import FeatureStore, extract
    >>> from similarity.image.hash import dihedral_codes
    >>> im = Image.new("RGB", (200, 200), "white"); d = ImageDraw.Draw(im)
    >>> d.polygon([(0, 199), (100, 0), (199, 199)], fill="navy"); d.ellipse((60, 90, 140, 170), fill="white")
    >>> store = FeatureStore(); store.put(4, extract(im))
    >>> list(crop_candidates(store, dihedral_codes(im.crop((16, 16, 184, 184)))))
    [4]
    """
    from ..image.features import CROP_FRACTIONS

    k = CROP_CANDIDATES if k is None else k
    max_distance = CROP_DISTANCE if max_distance is None else max_distance
    index = store.crop_index()
    if index is None or k <= 0:
        return {}
    # a row has several crop codes: ask for more hits than rows wanted
    phashes = code_part(logo_query(query_codes), "phash")
    hits = index.search(phashes, k=k * len(CROP_FRACTIONS), max_distance=max_distance)
    out: dict[int, CropHit] = {}
    for hit in hits:
        row, which = divmod(hit.id, len(CROP_FRACTIONS))
        if row not in out and len(out) < k:
            out[row] = CropHit(row, hit.distance, hit.variant, CROP_FRACTIONS[which])
    return out
