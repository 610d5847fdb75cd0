"""Keypoint vote recall: is a copy's own logo among the rows its keypoints vote for, with the approximate descriptor
index the product uses and with an exact (exhaustive) search of the same descriptors?

The registry and the copies are those of :mod:`benchmarks.bench_logo_verify` (the same draw). For each copy: whether
the own row is voted (`Tentative.votes`, the `VOTED` first), the most distinct query keypoints with the own row among
their neighbours in any one view, and the consistent matches of its best vote fit. A loss under both searches is the
voting rule's or the query views'; a loss only under the approximate one is the index's. The exact search costs seconds
per query at full scale. Run::

    python -m benchmarks.bench_logo_votes --registry 6000 --copies 50 --transform crop_10pct [--exact] --out f.json
"""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

import faiss
import numpy as np

from benchmarks.bench_logo_verify import drawn_registry
from benchmarks.logo_data import _crop, real_logo_sources
from similarity.image.retrieve import DescriptorIndex, _gather
from similarity.score.logos import VOTED, LogoQuery

TRANSFORMS = {"crop_10pct": lambda image: _crop(image, 0.1), "crop_5pct": lambda image: _crop(image, 0.05)}


def exact_index(store) -> DescriptorIndex:
    """A `DescriptorIndex` over `store` searched exhaustively (IndexBinaryFlat), whatever its size."""
    descriptors, rows, points = _gather(store)
    index = DescriptorIndex.__new__(DescriptorIndex)
    index._index, index._rows, index._points = faiss.IndexBinaryFlat(256), rows, points
    index._index.add(np.ascontiguousarray(descriptors))
    return index


def vote_recall(index, renderings, rows, transform, searches: dict) -> dict:
    """Per search: copies whose own row is voted, CPU ms per query (search and votes, p50), and each copy's facts."""
    out = {name: {"voted": 0, "cpu_ms": []} for name in searches}
    copies = []
    alive = index.alive_mask()
    for i in rows:
        buffer = io.BytesIO()
        transform(renderings[i]).convert("RGB").save(buffer, "PNG")
        query = LogoQuery.of(buffer.getvalue(), read=False)
        if query.features is None:
            continue
        own = index.row_of(str(i))
        views = [query.features.view(*key) for key in query.features.search_views()]
        fact: dict = {"logo": i}
        for name, search in searches.items():
            start = time.process_time()
            found = search.match(views, alive=alive)
            votes = found.votes(VOTED)
            out[name]["cpu_ms"].append(1000 * (time.process_time() - start))
            out[name]["voted"] += own in votes
            fact[name] = {"voted": own in votes, "tentative": found.tentative_keypoints(own), "fit": votes.get(own, 0)}
        copies.append(fact)
    for found in out.values():
        found["cpu_ms_p50"] = round(float(np.median(found.pop("cpu_ms"))), 1) if copies else None
    return {"copies": len(copies), **out, "per_copy": copies}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=1200, help="registered logos (bench_logo_verify's draw)")
    parser.add_argument("--copies", type=int, default=50, help="copies (the first of bench_logo_verify's order)")
    parser.add_argument("--transform", default="crop_10pct", choices=sorted(TRANSFORMS))
    parser.add_argument("--exact", action="store_true", help="also search exhaustively (seconds per query)")
    parser.add_argument("--out", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    sources = real_logo_sources()
    index, renderings, _, _, order = drawn_registry(sources, args.registry)  # bench_logo_verify's draw and order
    searches = {"approximate": index.logo_features.search_index()}
    if args.exact:
        searches["exact"] = exact_index(index.logo_features)
    found = vote_recall(index, renderings, order[: args.copies], TRANSFORMS[args.transform], searches)
    result = {"registry": len(renderings), "transform": args.transform, **found}
    print(json.dumps({k: v for k, v in result.items() if k != "per_copy"}))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
