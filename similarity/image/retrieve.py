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
SHORTLIST = 60
"""(view, row) pairs with the most tentative matches whose arrangement is checked (RANSAC), over all the query's views
(it was 15 per view, 90 fits for six views)."""
VIEWS_PER_ROW = 2
"""Views of one row in the shortlist: a copy matches in its plain and mirrored or its two sizes' views alike, and
those pairs would crowd other rows out of the shortlist."""
MAX_HAMMING = 64
"""Farthest descriptor (bits of 256) that still votes."""
MIN_VOTES = 6
"""Fewest consistent matches for a row to be proposed."""
EXACT_UP_TO = 30_000
"""Descriptors (about 200 logos) up to which they are searched exhaustively."""
PROBES = 2
"""Cells of the inverted lists searched per query descriptor (16 found no more copies in the benchmark)."""
MIN_SCALE, MAX_SCALE = 0.15, 4.0
"""Scales (registered rendering over query view) a vote's fit may have, as verification allows: beyond them a fit
explains its matches by folding the query onto a corner."""
HUB_MATCHES = 3
"""Nearest query keypoints a registered descriptor may be matched with in a fit (a hub folds a fit onto itself)."""
REFITS = 2
"""Fits tried again without the matches of a fit that folded the query onto a few registered points (a logo of
repeated figures — the stars of a flag, the rays of a badge): its tentative matches pile onto one spot."""


def _consistent_fit(
    query_points: np.ndarray,
    registered_points: np.ndarray,
    asker: np.ndarray,
    found: np.ndarray,
    distance: np.ndarray | None = None,
) -> tuple[int, np.ndarray] | None:
    """(consistent matches, 2x3 transform query -> registered) of the similarity transform RANSAC fits to the tentative
    matches `asker[k]` (a query keypoint) -> `found[k]` (a registered descriptor) at Hamming `distance[k]`, or None
    when it explains fewer than `MIN_VOTES` distinct keypoints on both sides or its scale is beyond
    `MIN_SCALE`-`MAX_SCALE`.

    A logo of repeated figures (the stars of a flag, the rays of a badge) draws each query keypoint's neighbours from
    every copy of its figure, and a registered descriptor of a common patch is the neighbour of dozens of query
    keypoints: RANSAC's largest consensus is then a transform shrinking the query onto that spot, with many matches
    but one or two distinct registered points. So each registered descriptor keeps only its `HUB_MATCHES` nearest
    query keypoints, and a fit that still folds has its matches set aside and the rest fitted again (`REFITS`).

    >>> rng = np.random.default_rng(0)
    >>> query = rng.uniform(0, 200, (40, 2)).astype(np.float32)
    >>> registered = np.concatenate([query * 0.5 + 10, np.full((40, 2), 60, np.float32)])  # 40 true, 40 on one spot
    >>> asker = np.concatenate([np.arange(40), np.repeat(np.arange(40), 2)])  # each keypoint: truth + 2 onto the spot
    >>> found = np.concatenate([np.arange(40), 40 + rng.integers(0, 40, 80)])
    >>> registered[40:] += rng.uniform(-1, 1, (40, 2)).astype(np.float32)
    >>> n, matrix = _consistent_fit(query, registered, asker, found)
    >>> n, round(float(np.hypot(matrix[0, 0], matrix[1, 0])), 2)
    (40, 0.5)
    """
    import cv2

    if distance is not None and len(found) > HUB_MATCHES:
        order = np.lexsort((distance, found))  # by registered descriptor, nearest first
        asker, found = asker[order], found[order]
        first = np.r_[0, np.flatnonzero(np.diff(found)) + 1]
        rank = np.arange(len(found)) - np.repeat(first, np.diff(np.r_[first, len(found)]))
        asker, found = asker[rank < HUB_MATCHES], found[rank < HUB_MATCHES]
    for _ in range(REFITS + 1):
        if len(np.unique(asker)) < MIN_VOTES:
            return None
        matrix, inliers = cv2.estimateAffinePartial2D(
            query_points[asker], registered_points[found], method=cv2.RANSAC, ransacReprojThreshold=4.0, maxIters=200
        )
        if matrix is None or inliers is None:
            return None
        kept = inliers.ravel() > 0
        # distinct on both sides: a fit that folds many query keypoints onto a few registered ones (a transform
        # shrinking the picture to a point) is not an arrangement the two logos share
        consistent = min(len(np.unique(asker[kept])), len(np.unique(found[kept])))
        scaled = MIN_SCALE <= np.hypot(matrix[0, 0], matrix[1, 0]) <= MAX_SCALE
        if scaled and consistent >= MIN_VOTES:
            return consistent, matrix
        if kept.sum() < 2 * MIN_VOTES or (scaled and consistent >= kept.sum() / 2):
            return None  # a small consensus, or one not folded: no other arrangement hides under it
        asker, found = asker[~kept], found[~kept]
    return None


def _shortlist(pairs: list[tuple]) -> list[tuple]:
    """The first `SHORTLIST` of (share, view, row, ...) `pairs` (best first) with at most `VIEWS_PER_ROW` per row.

    >>> _shortlist([(0.9, 0, 7), (0.8, 1, 7), (0.7, 2, 7), (0.1, 0, 3)])
    [(0.9, 0, 7), (0.8, 1, 7), (0.1, 0, 3)]
    """
    out, seen = [], {}
    for pair in pairs:
        if len(out) == SHORTLIST:
            break
        if seen.get(pair[2], 0) < VIEWS_PER_ROW:
            seen[pair[2]] = seen.get(pair[2], 0) + 1
            out.append(pair)
    return out


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
        """Registered rows the query's keypoints point to, as {row: consistent matches}: `match` then
        :meth:`Tentative.votes`."""
        return self.match(query, alive).votes(top)

    def match(self, query: list[LogoFeatures], alive: np.ndarray | None = None) -> Tentative:
        """The tentative matches of every query descriptor: its `NEIGHBOURS` nearest registered descriptors within
        `MAX_HAMMING`. `query` is one or more views of the query (plain, mirrored, at other sizes); `alive` (a bool
        per row), when given, drops the rows of removed marks. One search serves both the votes and the
        prefilter of every candidate's verification (:meth:`Tentative.views_for`)."""
        per_view = []
        searched = [i for i, features in enumerate(query) if len(self) and len(features) >= MIN_VOTES]
        found_at: dict[int, tuple[int, int]] = {}
        if searched:  # one search for every view: the same neighbours per descriptor, one call's overhead
            all_distances, all_labels = self._index.search(
                np.concatenate([query[i].descriptors for i in searched]), min(NEIGHBOURS, len(self))
            )
            ends = np.cumsum([len(query[i]) for i in searched]).tolist()
            found_at = {view: (start, end) for view, start, end in zip(searched, [0, *ends[:-1]], ends, strict=True)}
        for view in range(len(query)):
            if view not in found_at:
                per_view.append(tuple(np.zeros(0, np.int64) for _ in range(4)))
                continue
            start, end = found_at[view]
            distances, labels = all_distances[start:end], all_labels[start:end]
            near = (labels >= 0) & (distances <= MAX_HAMMING)
            asker = np.repeat(np.arange(len(labels)), labels.shape[1]).reshape(labels.shape)[near]
            found, distance = labels[near], distances[near]
            rows = self._rows[found]
            if alive is not None:
                live = (rows < len(alive)) & alive[np.minimum(rows, len(alive) - 1)]
                asker, found, rows, distance = asker[live], found[live], rows[live], distance[live]
            order = np.lexsort((distance, rows))  # by row, nearest first
            per_view.append((rows[order], asker[order], found[order], distance[order]))
        return Tentative(query, self._points, per_view)


class Tentative:
    """A query's tentative descriptor matches in a :class:`DescriptorIndex`, grouped by registered row, per view.

    >>> from similarity.image.features import FeatureStore, extract
    >>> from PIL import Image, ImageDraw
    >>> im = Image.new("RGB", (64, 64), "white"); ImageDraw.Draw(im).polygon([(5, 60), (30, 4), (60, 60)], "black")
    >>> store = FeatureStore(); store.put(7, extract(im))
    >>> found = DescriptorIndex.of(store).match([extract(im)])
    >>> list(found.votes(5)), found.views_for(7, 6), found.views_for(8, 6), found.tentative_keypoints(8)
    ([7], [0], [], 0)
    """

    def __init__(
        self,
        views: list[LogoFeatures],
        points: np.ndarray,
        per_view: list[tuple[np.ndarray, ...]],
    ) -> None:
        self._views, self._points, self._per_view = views, points, per_view
        self._fits: dict[int, dict[int, tuple[int, np.ndarray]]] = {}  # row: {view: (consistent matches, transform)}

    def views_for(self, row: int, least: int) -> list[int]:
        """Positions of the views in which at least `least` distinct query keypoints have `row` among their
        neighbours: the only views in which matching that logo's descriptors could find a fit (a prefilter — the
        tentative matches themselves are too loose to fit: in a small registry every keypoint neighbours every logo).
        """
        out = []
        for i, (rows, asker, _, _) in enumerate(self._per_view):
            lo, hi = np.searchsorted(rows, [row, row + 1])
            if hi - lo >= least and len(np.unique(asker[lo:hi])) >= least:
                out.append(i)
        return out

    def tentative_keypoints(self, row: int) -> int:
        """The most distinct query keypoints with `row` among their neighbours in any one view (what its votes'
        fit can use at most)."""
        out = 0
        for rows, asker, _, _ in self._per_view:
            lo, hi = np.searchsorted(rows, [row, row + 1])
            out = max(out, len(np.unique(asker[lo:hi])))
        return out

    def votes(self, top: int = 20) -> dict[int, int]:
        """At most `top` rows with at least `MIN_VOTES` consistent matches, as {row: consistent matches}.

        Over all views, the `SHORTLIST` (view, row) pairs with the most distinct query descriptors among their matches
        are kept, and each is scored by the matches one similarity transform explains (RANSAC): a logo made of common
        patches (a corner, a stroke end) collects neighbours from every query, but not in the arrangement of the
        query's own picture. The fits are kept (:meth:`fits`) for verification to start from."""
        pairs = []  # (share of the view's descriptors that match the row, view, row, lo, hi)
        for view, (rows, asker, _, _) in enumerate(self._per_view):
            if not len(rows):
                continue
            distinct = np.unique(rows * (int(asker.max()) + 1) + asker) // (int(asker.max()) + 1)
            candidates, counts = np.unique(distinct, return_counts=True)
            keep = np.flatnonzero(counts >= MIN_VOTES)
            bounds = np.searchsorted(rows, np.stack([candidates[keep], candidates[keep] + 1]))
            share = counts[keep] / len(self._views[view])  # a view of 300 keypoints ranks with one of 500
            pairs += zip(share.tolist(), [view] * len(keep), candidates[keep].tolist(), *bounds.tolist(), strict=True)
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        self._fits = {}
        for _, view, row, lo, hi in _shortlist(pairs):
            _, asker, found, distance = self._per_view[view]
            fitted = _consistent_fit(
                self._views[view].points, self._points, asker[lo:hi], found[lo:hi], distance[lo:hi]
            )
            if fitted is not None:
                self._fits.setdefault(row, {})[view] = fitted
        best = {row: max(n for n, _ in fits.values()) for row, fits in self._fits.items()}
        ranked = sorted(((n, r) for r, n in best.items()), reverse=True)[:top]
        return {r: n for n, r in ranked}

    def fits(self, row: int) -> dict[int, np.ndarray]:
        """{view position: 2x3 similarity transform, query view -> registered rendering} of `row`'s votes (after
        :meth:`votes`), strongest first; empty when it got none."""
        found = sorted(self._fits.get(row, {}).items(), key=lambda item: -item[1][0])
        return {view: matrix for view, (_, matrix) in found}
