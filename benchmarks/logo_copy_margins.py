"""How each copy's own logo is judged, on logos held out of ``bench_logo_verify``'s copies: for choosing a threshold.

``bench_logo_verify`` takes its copies from the first rows of its draw's order; this takes the last `n` rows (neither
its copies nor its first 4,000 leave-one-out queries) under every copy transform and writes, per copy, the own mark's
assessment — verification facts, similarity, whether it was conclusive — beside the best other mark's similarity.
A rule that would make a fit unverified can then be priced in copies before it is run on the benchmark. Run::

    python -m benchmarks.logo_copy_margins --copies 40 --registry 6000 --out margins.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchmarks.bench_logo_verify import _png, copy_transforms, drawn_registry
from benchmarks.logo_data import real_logo_sources
from similarity.image.load import LogoError
from similarity.score.logos import LogoQuery, assess, candidate_rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="held-out logos per transform (the draw's last rows)")
    parser.add_argument("--registry", type=int, default=6000, help="registered logos (bench_logo_verify's draw)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sources = real_logo_sources()
    index, renderings, _, drawn, order = drawn_registry(sources, args.registry)  # bench_logo_verify's draw and order
    rows = order[-args.copies :]
    transforms = copy_transforms(sources, drawn)
    out, started = [], time.perf_counter()
    for name, transform in transforms.items():
        for i in rows:
            try:
                image = transform(renderings[i])
                query = LogoQuery.of(_png(image.convert("RGB") if image.mode != "RGBA" else image))
            except LogoError:
                continue
            found = candidate_rows(index, query)
            judged = assess(index, query, found)
            own = index.row_of(str(i))
            mine = judged[int(np.searchsorted(found, own))] if own in found else None
            others = [a.similarity for r, a in zip(found.tolist(), judged, strict=True) if a is not None and r != own]
            out.append(
                {
                    "t": name,
                    "logo": i,
                    "sim": None if mine is None else mine.similarity,
                    "conclusive": None if mine is None else mine.conclusive,
                    "v": mine.verification.as_dict() if mine is not None and mine.verification is not None else None,
                    "other": max(others, default=0.0),
                    "text": None if mine is None else (mine.text, mine.text_similarity),
                }
            )
        print(name, round(time.perf_counter() - started), flush=True)
    args.out.write_text(json.dumps(out) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
