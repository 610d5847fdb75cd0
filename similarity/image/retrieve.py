"""Finding registered logos by their local features: a copy cropped, framed by other artwork or pasted on a photo.

Whole-image hashes cannot see a logo that fills a third of a bigger picture. Its keypoints still match: every ORB
descriptor of the registered logos sits in one FAISS binary index beside the row it belongs to; each descriptor of
the query votes for the rows of its nearest neighbours (once per row), and the rows with the most votes are
proposed for geometric verification (:mod:`similarity.image.verify`)::

    >>> from PIL import Image, ImageDraw
    >>> from similarity.image.features import FeatureStore, extract, extract_query
    >>> store = FeatureStore()
    >>> for row, box in enumerate([(10, 10, 60, 40), (30, 5, 50, 60)]):
    ...     im = Image.new("RGB", (64, 64), "white"); ImageDraw.Draw(im).rectangle(box, fill="black")
    ...     store.put(row, extract(im))
    >>> index = DescriptorIndex.of(store)
    >>> index = DescriptorIndex.from_arrays(index.to_arrays()["search_index"], store)  # as a feature file keeps it
    >>> len(index) > 0
    True
"""

from __future__ import annotations

import faiss
import numpy as np

from similarity.image.features import FeatureStore, LogoFeatures

NEIGHBOURS = 4
"""Nearest registered descriptors taken as tentative matches per query descriptor."""
SHORTLIST = 40
"""Rows with the most tentative matches whose arrangement is checked (RANSAC) per query view."""
MAX_HAMMING = 64
"""Farthest descriptor (bits of 256) that still votes."""
MIN_VOTES = 6
"""Fewest consistent matches for a row to be proposed."""
EXACT_UP_TO = 30_000
"""Descriptors (about 200 logos) up to which they are searched exhaustively."""
PROBES = 16
"""Cells of the inverted lists searched per query descriptor."""


def _gather(store: FeatureStore) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(descriptors, their rows, their points) of every logo in `store`, in row order."""
    parts, labels, points = [], [], []
    for row in store.rows().tolist():
        features = store.get(row)
        if features is None or not len(features):
            continue
        parts.append(features.descriptors)
        labels.append(np.full(len(features), row, dtype=np.int64))
        points.append(features.points)
    if not parts:
        return np.zeros((0, 32), np.uint8), np.zeros(0, np.int64), np.zeros((0, 2), np.float32)
    return np.concatenate(parts), np.concatenate(labels), np.concatenate(points).astype(np.float32)


class DescriptorIndex:
    """Every registered logo's ORB descriptors, searchable by Hamming distance, each labelled with its row and point."""

    def __init__(self, descriptors: np.ndarray, rows: np.ndarray, points: np.ndarray) -> None:
        descriptors = np.ascontiguousarray(descriptors, dtype=np.uint8)
        self._index = faiss.IndexBinaryFlat(256)
        if len(descriptors) > EXACT_UP_TO:
            # past a few hundred logos an exhaustive scan costs more than the verification it feeds: inverted lists
            # over binary k-means cells (trained on a fixed sample), the query's nearest cells searched
            lists = int(np.clip(np.sqrt(len(descriptors)), 64, 1024))
            self._index = faiss.IndexBinaryIVF(faiss.IndexBinaryFlat(256), 256, lists)
            sample = np.random.default_rng(0).choice(len(descriptors), min(len(descriptors), 40 * lists), replace=False)
            self._index.train(descriptors[np.sort(sample)])
            self._index.nprobe = PROBES
        if len(descriptors):
            self._index.add(descriptors)
        self._rows, self._points = rows, points

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def of(cls, store: FeatureStore) -> DescriptorIndex:
        """The index of every logo in `store`."""
        return cls(*_gather(store))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The searchable index as an array, for a feature file (`from_arrays` reads it back with the store)."""
        return {"search_index": faiss.serialize_index_binary(self._index)}

    @classmethod
    def from_arrays(cls, blob: np.ndarray, store: FeatureStore) -> DescriptorIndex:
        """The index `to_arrays` wrote for `store` (its labels and points come from the store itself)."""
        index = cls.__new__(cls)
        index._index = faiss.deserialize_index_binary(np.ascontiguousarray(blob, dtype=np.uint8))
        _, index._rows, index._points = _gather(store)
        if index._index.ntotal != len(index._rows):
            raise ValueError(f"the descriptor index holds {index._index.ntotal} descriptors for {len(index._rows)}")
        if isinstance(index._index, faiss.IndexBinaryIVF):
            index._index.nprobe = PROBES
        return index

    def vote(self, query: list[LogoFeatures], top: int = 20, alive: np.ndarray | None = None) -> dict[int, int]:
        """Registered rows the query's keypoints point to, as {row: consistent matches}, at most `top` rows with at
        least `MIN_VOTES`. `query` is one or more views of the query (plain, mirrored); `alive` (a bool per row),
        when given, drops the rows of removed marks.

        Each query descriptor's near neighbours (within `MAX_HAMMING`) are tentative matches; the `SHORTLIST` rows
        with the most distinct query descriptors among them are kept, and each is scored by the matches one
        similarity transform explains (RANSAC): a logo made of common patches (a corner, a stroke end) collects
        neighbours from every query, but not in the arrangement of the query's own picture."""
        import cv2

        votes: dict[int, int] = {}
        if not len(self):
            return votes
        for features in query:
            if len(features) < MIN_VOTES:
                continue
            distances, labels = self._index.search(features.descriptors, min(NEIGHBOURS, len(self)))
            near = (labels >= 0) & (distances <= MAX_HAMMING)
            asker = np.repeat(np.arange(len(labels)), labels.shape[1]).reshape(labels.shape)[near]
            found = labels[near]
            rows = self._rows[found]
            if alive is not None:
                live = (rows < len(alive)) & alive[np.minimum(rows, len(alive) - 1)]
                asker, found, rows = asker[live], found[live], rows[live]
            distinct = np.unique(np.stack([rows, asker], axis=1), axis=0)[:, 0] if len(rows) else rows
            candidates, counts = np.unique(distinct, return_counts=True)
            for row in candidates[np.argsort(-counts, kind="stable")[:SHORTLIST]].tolist():
                mine = rows == row
                if int(mine.sum()) < MIN_VOTES:
                    continue
                matrix, inliers = cv2.estimateAffinePartial2D(
                    features.points[asker[mine]],
                    self._points[found[mine]],
                    method=cv2.RANSAC,
                    ransacReprojThreshold=4.0,
                    maxIters=200,
                )
                if matrix is None or inliers is None:
                    continue
                consistent = len(np.unique(asker[mine][inliers.ravel() > 0]))
                votes[row] = max(votes.get(row, 0), consistent)
        ranked = sorted(((n, r) for r, n in votes.items() if n >= MIN_VOTES), reverse=True)[:top]
        return {r: n for n, r in ranked}
