"""The logo side of a pre-check at a million logos: the three hash searches a query logo runs, through the compiled
flat scan (similarity/image/_hamming.c, the default where it was built), the substring tables (multi-index hashing)
and FAISS's flat scan, measured in the same run, with their agreement.

A query logo is searched by its pHash, its shape code and its dHash, each under the 8 dihedral variants: 24 codes,
the ``k`` = 50 nearest marks per hash (``MarkIndex.logo_candidates``). The registry is made of real logo codes —
simple-icons logos (shipped with ``simple-icons-pack``), each hashed once — copied with 5 % of their bits flipped
to make a million marks; each of the 8 turned variants of a registered icon counts as a logo of its own, so that
the marks are near copies of some 6,000 logos, about 170 each, like benchmarks/bench_logos.py's real registry.
Queries are the dihedral codes of logos that are in the registry (near copies exist: the case a pre-check is for)
and of logos that are not (the nearest are far, and the tables give way to the scan).
Every path runs on every query, one after the other (CPU time, ``time.process_time``, one FAISS thread as the
engine runs it); "same" counts queries whose answer equals the flat scan's distances in order, hash by hash (and,
for the compiled scan, the tables' ids, distances and variants: both keep the documented tie order)::

    python -m benchmarks.bench_logo_search                 # 1M logos, 100 queries (about 3 minutes)
    python -m benchmarks.bench_logo_search --n 1200 20000 100000 300000 1000000 --queries 40   # where each wins
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from benchmarks.report import print_table, write_results
from similarity.image import search
from similarity.image.hash import CODE_PARTS, code_part, dihedral_codes
from similarity.image.load import LogoError, load_logo
from similarity.image.search import KERNEL, LogoIndex, _hamming

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


def kernel_level() -> str | None:
    """The popcount the compiled scan runs in this process, or None without it."""
    if not KERNEL:
        return None
    return _hamming.LEVELS[search.KERNEL_LEVEL if search.KERNEL_LEVEL >= 0 else _hamming.best_level()]


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
        index.search(code_part(stored[:1], part), k=1, path="tables")  # builds the substring tables
        indexes[part] = (index, time.perf_counter() - t0)
        if KERNEL:
            index.search(code_part(stored[:1], part), k=1, path="kernel")  # copies the codes out of FAISS
    picked = {"registered": registered[rng.integers(0, len(registered), n_queries // 2)],
              "not registered": unseen[rng.integers(0, len(unseen), n_queries - n_queries // 2)]}
    out: dict = {"n": n, "icons": len(codes), "registered_logos": len(bases), "k": K, "kernel": KERNEL,
                 "kernel_level": kernel_level(),
                 "table_build_s": {p: round(t, 2) for p, (_, t) in indexes.items()}, "queries": {}}
    paths = ["kernel", "tables", "flat"] if KERNEL else ["tables", "flat"]
    for kind, queries in picked.items():
        ms: dict[str, list[float]] = {path: [] for path in paths}
        same = dict.fromkeys(paths, 0)
        same_as_tables = 0
        for q in queries:
            answers = {}
            for path in paths:
                t0 = time.process_time()
                if path == "flat":
                    answers[path] = [indexes[p][0].search_flat(code_part(q, p), k=K) for p in CODE_PARTS]
                else:
                    answers[path] = [indexes[p][0].search(code_part(q, p), k=K, path=path) for p in CODE_PARTS]
                ms[path].append((time.process_time() - t0) * 1000)
            for path in paths:
                same[path] += all([h.distance for h in a] == [h.distance for h in b]
                                  for a, b in zip(answers[path], answers["flat"], strict=True))
            same_as_tables += answers.get("kernel") == answers["tables"]
        row: dict = {"queries": len(queries)}
        for path in paths:
            row[f"{path}_ms_p50"] = round(statistics.median(ms[path]), 3)
            row[f"{path}_ms_p99"] = round(float(np.percentile(ms[path], 99)), 3)
            row[f"{path}_same_distances_as_flat"] = same[path]
        if KERNEL:
            row["kernel_identical_to_tables"] = same_as_tables
        out["queries"][kind] = row
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1_000_000], help="registry sizes, one run each")
    ap.add_argument("--icons", type=int, default=1500)
    ap.add_argument("--icons-cache", type=Path, help="keep the icons' codes in this .npy file between runs")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--kernel-level", type=int, default=-1,
                    help="the compiled scan's popcount: 0 portable, 1 popcnt, 2 AVX2, 3 AVX-512 (a slower CPU's path); "
                    "-1 the best")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/logo_search_kernel.json"))
    args = ap.parse_args(argv)
    faiss.omp_set_num_threads(1)  # as the engine searches (similarity/store/index.py)
    search.KERNEL_LEVEL = args.kernel_level
    results = []
    rows = []
    for n in args.n:
        print(f"logo search: {n:,} logos …", file=sys.stderr, flush=True)
        result = run(n, args.icons, args.queries, cache=args.icons_cache)
        results.append(result)
        for kind, q in result["queries"].items():
            flat = q["flat_ms_p50"]
            cells = [f"{n:,}", kind, q["queries"]]
            if KERNEL:
                cells += [q["kernel_ms_p50"], q["kernel_ms_p99"], f"{flat / q['kernel_ms_p50']:.1f}×"]
            cells += [q["tables_ms_p50"], q["tables_ms_p99"], f"{flat / q['tables_ms_p50']:.1f}×", flat,
                      q["flat_ms_p99"]]
            cells += [f"{q[f'{path}_same_distances_as_flat']}/{q['queries']}" for path in ("kernel", "tables")
                      if f"{path}_same_distances_as_flat" in q]
            rows.append(cells)
    header = ["logos", "query logo", "queries"]
    if KERNEL:
        header += ["kernel p50 ms", "kernel p99 ms", "vs flat"]
    header += ["tables p50 ms", "tables p99 ms", "vs flat", "flat p50 ms", "flat p99 ms"]
    header += (["kernel same", "tables same"] if KERNEL else ["tables same"])
    load = os.getloadavg()
    print_table(
        f"Logo side of a pre-check, 24 codes (pHash, shape, dHash × 8 variants), k={K}, CPU ms per query logo, one "
        f"thread (kernel: {results[0]['kernel_level']}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"one run, the machine is shared with other jobs)",
        header,
        rows,
    )
    payload = results[0] if len(results) == 1 else {"sizes": results}
    write_results(args.out, {"benchmark": "logo_search", "clock": "process_time", **payload})
    return payload


if __name__ == "__main__":
    main()
