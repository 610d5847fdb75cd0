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
    >>> index = DescriptorIndex.from_arrays(*index.to_arrays().values())  # as a feature file keeps it
    >>> len(index) > 0
    True
"""

from __future__ import annotations

import faiss
import numpy as np

from similarity.image.features import FeatureStore, LogoFeatures

NEIGHBOURS = 4
"""Nearest registered descriptors each query descriptor votes through."""
MAX_HAMMING = 64
"""Farthest descriptor (bits of 256) that still votes."""
MIN_VOTES = 6
EXACT_UP_TO = 30_000
"""Descriptors (about 200 logos) up to which they are searched exhaustively."""
PROBES = 16
"""Cells of the inverted lists searched per query descriptor."""


class DescriptorIndex:
    """Every registered logo's ORB descriptors, searchable by Hamming distance, each labelled with its row."""

    def __init__(self, descriptors: np.ndarray, rows: np.ndarray) -> None:
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
        self._rows = rows

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def of(cls, store: FeatureStore) -> DescriptorIndex:
        """The index of every logo in `store`."""
        parts, labels = [], []
        for row in store.rows().tolist():
            features = store.get(row)
            if features is None or not len(features):
                continue
            parts.append(features.descriptors)
            labels.append(np.full(len(features), row, dtype=np.int64))
        descriptors = np.concatenate(parts) if parts else np.zeros((0, 32), np.uint8)
        return cls(descriptors, np.concatenate(labels) if labels else np.zeros(0, np.int64))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The index as arrays, for a feature file (`from_arrays` reads them back)."""
        return {"search_index": faiss.serialize_index_binary(self._index), "search_rows": self._rows}

    @classmethod
    def from_arrays(cls, blob: np.ndarray, rows: np.ndarray) -> DescriptorIndex:
        index = cls.__new__(cls)
        index._index = faiss.deserialize_index_binary(np.ascontiguousarray(blob, dtype=np.uint8))
        if index._index.ntotal != len(rows):
            raise ValueError(f"the descriptor index holds {index._index.ntotal} descriptors for {len(rows)} labels")
        if isinstance(index._index, faiss.IndexBinaryIVF):
            index._index.nprobe = PROBES
        index._rows = np.asarray(rows, dtype=np.int64)
        return index

    def vote(self, query: list[LogoFeatures], top: int = 20, alive: np.ndarray | None = None) -> dict[int, int]:
        """Rows with the most query descriptors among their nearest neighbours, as {row: votes}, at most `top`
        rows with at least `MIN_VOTES` votes. `query` is one or more views of the query (plain, mirrored); `alive`
        (a bool per row), when given, drops the rows of removed marks."""
        votes: dict[int, int] = {}
        if not len(self):
            return votes
        for features in query:
            if not len(features):
                continue
            distances, labels = self._index.search(features.descriptors, min(NEIGHBOURS, len(self)))
            rows = np.where((labels >= 0) & (distances <= MAX_HAMMING), self._rows[np.maximum(labels, 0)], -1)
            # one vote per query descriptor per row, however many of the row's descriptors it is near
            voters = np.repeat(np.arange(len(rows)), rows.shape[1])
            pairs = np.unique(np.stack([voters, rows.reshape(-1)], axis=1)[rows.reshape(-1) >= 0], axis=0)
            found, counts = np.unique(pairs[:, 1], return_counts=True)
            for r, n in zip(found.tolist(), counts.tolist(), strict=True):
                votes[r] = max(votes.get(r, 0), n)
        if alive is not None:
            votes = {r: n for r, n in votes.items() if r < len(alive) and alive[r]}
        ranked = sorted(((n, r) for r, n in votes.items() if n >= MIN_VOTES), reverse=True)[:top]
        return {r: n for n, r in ranked}
