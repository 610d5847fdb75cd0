"""The logo side of a pre-check at a million logos: the three hash searches a query logo runs, substring tables
(multi-index hashing, the default) against FAISS's flat scan, with their agreement.

A query logo is searched by its pHash, its shape code and its dHash, each under the 8 dihedral variants: 24 codes,
the ``k`` = 50 nearest marks per hash (``MarkIndex.logo_candidates``). The registry is made of real logo codes —
simple-icons logos (shipped with ``simple-icons-pack``), each hashed once — copied with 5 % of their bits flipped
to make a million marks; each of the 8 turned variants of a registered icon counts as a logo of its own, so that
the marks are near copies of some 6,000 logos, about 170 each, like benchmarks/bench_logos.py's real registry.
Queries are the dihedral codes of logos that are in the registry (near copies exist: the case a pre-check is for)
and of logos that are not (the nearest are far, and the tables give way to the scan).
Both paths run on every query; "same" counts queries whose distances agree in order, hash by hash::

    python -m benchmarks.bench_logo_search                 # 1M logos, 100 queries (about 3 minutes)
    python -m benchmarks.bench_logo_search --n 100000      # quicker
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.report import print_table, write_results
from similarity.image.hash import CODE_PARTS, code_part, dihedral_codes
from similarity.image.load import LogoError, load_logo
from similarity.image.search import LogoIndex

K = 50


def icon_codes(limit: int, cache: Path | None = None) -> np.ndarray:
    """Dihedral codes ``(n, 8, 24)`` of the first `limit` simple-icons logos that load (kept in `cache` when given)."""
    import simple_icons_pack

    if cache is not None and cache.exists():
        stored = np.load(cache)
        if len(stored) >= limit:
            return stored[:limit]

    slugs = sorted(name[3:].lower().replace("_", "") for name in dir(simple_icons_pack) if name.startswith("SI_"))
    out = []
    for slug in slugs:
        try:
            out.append(dihedral_codes(load_logo(f"simple-icons:{slug}")))
        except LogoError:
            continue
        if len(out) == limit:
            break
    if cache is not None:
        np.save(cache, np.stack(out))
    return np.stack(out)


def run(n: int, n_icons: int, n_queries: int, seed: int = 0, cache: Path | None = None) -> dict:
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    codes = icon_codes(n_icons, cache)
    print(f"  hashed {len(codes)} icons in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    registered, unseen = codes[: len(codes) // 2], codes[len(codes) // 2 :]
    # each variant of a registered icon is a logo of its own (a turned logo is another design), so that a million
    # marks are near copies of some 170 times fewer logos, as in benchmarks/bench_logos.py's real-logo registry
    bases = registered.reshape(-1, registered.shape[2])
    stored = bases[rng.integers(0, len(bases), n)] ^ np.packbits(rng.random((n, 24 * 8)) < 0.05, axis=1)
    indexes = {}
    for part in CODE_PARTS:
        index = LogoIndex()
        index.add(np.arange(n), code_part(stored, part))
        t0 = time.perf_counter()
        index.search(code_part(stored[:1], part), k=1)  # builds the substring tables
        indexes[part] = (index, time.perf_counter() - t0)
    picked = {"registered": registered[rng.integers(0, len(registered), n_queries // 2)],
              "not registered": unseen[rng.integers(0, len(unseen), n_queries - n_queries // 2)]}
    out: dict = {"n": n, "icons": len(codes), "registered_logos": len(bases), "k": K,
                 "table_build_s": {p: round(t, 2) for p, (_, t) in indexes.items()}, "queries": {}}
    for kind, queries in picked.items():
        tables, flat, same = [], [], 0
        for q in queries:
            t0 = time.perf_counter()
            fast = [indexes[p][0].search(code_part(q, p), k=K) for p in CODE_PARTS]
            tables.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            scan = [indexes[p][0].search_flat(code_part(q, p), k=K) for p in CODE_PARTS]
            flat.append((time.perf_counter() - t0) * 1000)
            same += all([h.distance for h in a] == [h.distance for h in b] for a, b in zip(fast, scan, strict=True))
        out["queries"][kind] = {
            "queries": len(queries),
            "tables_ms_p50": round(statistics.median(tables), 3),
            "tables_ms_p99": round(float(np.percentile(tables, 99)), 3),
            "flat_ms_p50": round(statistics.median(flat), 3),
            "speedup_p50": round(statistics.median(flat) / statistics.median(tables), 1),
            "same_distances": same,
        }
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--icons", type=int, default=1500)
    ap.add_argument("--icons-cache", type=Path, help="keep the icons' codes in this .npy file between runs")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/logo_search.json"))
    args = ap.parse_args(argv)
    print(f"logo search: {args.n:,} logos …", file=sys.stderr, flush=True)
    result = run(args.n, args.icons, args.queries, cache=args.icons_cache)
    rows = [[kind, q["queries"], q["tables_ms_p50"], q["tables_ms_p99"], q["flat_ms_p50"], f"{q['speedup_p50']}×",
             f"{q['same_distances']}/{q['queries']}"] for kind, q in result["queries"].items()]
    print_table(
        f"Logo side of a pre-check, {args.n:,} logos, 24 codes (pHash, shape, dHash × 8 variants), k={K}, one thread "
        f"(one run; the machine is shared with other jobs)",
        ["query logo", "queries", "tables p50 ms", "tables p99 ms", "flat scan p50 ms", "speed-up", "same answer"],
        rows,
    )
    write_results(args.out, {"benchmark": "logo_search", **result})
    return result


if __name__ == "__main__":
    main()
