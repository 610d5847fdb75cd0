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

from typing import TYPE_CHECKING

import numpy as np

from ..image.hash import CODE_PARTS, LOGO_CODE_SIZES, PART_BYTES, code_part
from ..image.score import plain_shape

if TYPE_CHECKING:
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
