"""Stage 4 — the hash evidence of candidate logos: each hash both logos have, compared under every dihedral variant.

The best evidence per candidate (:func:`~similarity.image.score.best_evidence`) is what :mod:`similarity.score.logos`
then verifies with local features before it may count as a copy::

    >>> from similarity.image.hash import dihedral_codes
    >>> from similarity.image.load import load_logo
    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> index = MarkIndex(); index.add([Mark(id="1", name="Github", logo="simple-icons:github")])
    1
    >>> [e.hash for e in logo_evidence(index, np.array([0]), dihedral_codes(load_logo("simple-icons:github")))]
    ['phash']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..candidates.logos import logo_query, query_parts
from ..image.hash import CODE_PARTS, DIHEDRAL, PART_BYTES, code_part
from ..image.score import LogoEvidence, best_evidence, plain_shape
from ..image.search import inverse_variant

if TYPE_CHECKING:
    from ..store.index import MarkIndex


def logo_evidence(
    index: MarkIndex, rows: np.ndarray, query_codes: np.ndarray, max_distance: Mapping[str, int] | None = None
) -> list[LogoEvidence | None]:
    """How each row's logo resembles the query (its dihedral codes ``(8, 24)``, or a prefix of them such as the
    pHashes alone ``(8, 8)``): each hash both sides have is compared under every variant and the best evidence
    kept (:func:`~similarity.image.score.best_evidence`); None where the mark has no logo. The shape code counts
    only where neither silhouette is a plain shape (:func:`~similarity.image.score.plain_shape`). ``max_distance``
    maps hashes ("phash", "shape", "dhash") to the thresholds to judge them by instead of the calibrated ones."""
    from ..image.score import LogoEvidence

    query_codes = logo_query(query_codes)
    rows = np.asarray(rows, dtype=np.int64)
    width = query_codes.shape[1]
    x = np.bitwise_xor(index.rows.logo_codes[rows][:, None, :width], query_codes[None, :, :])
    dist = np.bitwise_count(x.reshape(len(rows), len(query_codes), -1, PART_BYTES)).sum(axis=3, dtype=np.int64)

    def evidence(i: int, hash: str) -> LogoEvidence:
        part = CODE_PARTS.index(hash)
        v = int(dist[i, :, part].argmin())  # query variant v matching means the query is the mark under v's inverse
        variant = inverse_variant(DIHEDRAL[v]) if len(query_codes) == len(DIHEDRAL) else "identity"
        limit = None if max_distance is None else max_distance.get(hash)
        return LogoEvidence.from_distance(int(dist[i, v, part]), variant, hash=hash, max_distance=limit)

    parts = query_parts(query_codes)
    compared = {part: index.rows.has_logo_part(rows, part) for part in parts}
    if "shape" in compared:
        compared["shape"] &= ~plain_shape(code_part(index.rows.logo_codes[rows], "shape"))
    out: list[LogoEvidence | None] = []
    for i in range(len(rows)):
        if not compared["phash"][i]:
            out.append(None)
            continue
        found = {part: evidence(i, part) for part in parts[1:] if compared[part][i]}
        out.append(best_evidence(evidence(i, "phash"), found.get("shape"), found.get("dhash")))
    return out
