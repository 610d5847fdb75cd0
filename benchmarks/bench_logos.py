"""Logo benchmark: recall per transform, false matches, calibration, hashing speed, search latency.

    python -m benchmarks.bench_logos            # full run, about 4 minutes on 2 cores
    python -m benchmarks.bench_logos --quick    # under a minute, smaller samples
    python -m benchmarks.bench_logos --calibrate  # also write similarity/data/logo_calibration.json

Registry = every real logo (simple-icons in brand colour + gilbarbara), prepared and pHashed; queries =
a sample of those logos under each transform of `benchmarks.logo_data.TRANSFORMS`, searched with their
8 dihedral variants. Speed is compared with the naive peer measured in the same run: ``imagehash.phash``
per file for hashing, numpy brute-force Hamming (byte popcount lookup table) for search.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import faiss
import imagehash
import numpy as np
from PIL import Image

from benchmarks.logo_data import HARD_TRANSFORMS, TRANSFORMS, LogoSource, benchmark_sample, on_white, render
from benchmarks.report import write_results
from similarity.candidates.logos import logo_candidates
from similarity.image import score
from similarity.image.hash import (
    CODE_BYTES,
    CODE_PARTS,
    code_part,
    dihedral_codes,
    draft_size,
    hash_files_fast,
    logo_code,
    phash_batch,
)
from similarity.image.load import LogoError, prepare_logo
from similarity.image.search import LogoIndex
from similarity.score.logo_hashes import logo_evidence
from similarity.store.index import MarkIndex
from similarity.values import Mark

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "logos.json"
CALIBRATION = ROOT / "similarity" / "data" / "logo_calibration.json"
TARGET_FALSE_MATCH_RATE = 0.001
_POPCOUNT = np.array([bin(byte).count("1") for byte in range(256)], dtype=np.uint8)


def encode_logos(sources: list[LogoSource], query_mask: np.ndarray, workers: int = 2) -> dict:
    """Render, prepare and hash every logo; transformed queries only where `query_mask` is set."""
    chunks = np.array_split(np.arange(len(sources)), workers * 8)
    jobs = [([sources[i] for i in chunk], query_mask[chunk]) for chunk in chunks if len(chunk)]
    with ProcessPoolExecutor(workers) as pool:
        parts = list(pool.map(encode_chunk, jobs))
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def encode_chunk(job: tuple[list[LogoSource], np.ndarray]) -> dict:
    sources, mask = job
    n, t = len(sources), len(TRANSFORMS)
    out = {
        "ok": np.zeros(n, bool),
        "codes": np.zeros((n, CODE_BYTES), np.uint8),
        "dihedral": np.zeros((n, 8, CODE_BYTES), np.uint8),
        "queries": np.zeros((n, t, 8, CODE_BYTES), np.uint8),
        "query_ok": np.zeros((n, t), bool),
    }
    for i, source in enumerate(sources):
        raw = render(source)
        try:
            prepared = prepare_logo(raw) if raw is not None else None
        except LogoError:
            prepared = None
        if prepared is None:
            continue
        out["ok"][i], out["codes"][i], out["dihedral"][i] = True, logo_code(prepared), dihedral_codes(prepared)
        for j, transform in enumerate(TRANSFORMS.values() if mask[i] else ()):
            try:
                out["queries"][i, j] = dihedral_codes(prepare_logo(transform(raw)))
                out["query_ok"][i, j] = True
            except LogoError:
                pass
    return out


def min_distances(queries: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Hamming distance from each dihedral query (n, 8, 8) to each code (m, 8), minimised over variants."""
    q64 = np.ascontiguousarray(queries).view(np.uint64)[..., 0]
    c64 = np.ascontiguousarray(codes).view(np.uint64)[:, 0]
    best = np.full((len(q64), len(c64)), 64, np.uint8)
    for variant in range(q64.shape[1]):
        np.minimum(best, np.bitwise_count(q64[:, variant, None] ^ c64[None, :]), out=best)
    return best


def _part(codes: np.ndarray, hash: str) -> np.ndarray:
    """The pHash, shape code or dHash of logo codes of any leading shape, contiguous for the popcount views."""
    return np.ascontiguousarray(code_part(codes, hash))


def quality(sources: list[LogoSource], data: dict, query_rows: np.ndarray) -> dict:
    """Recall per transform with the pHash alone and with the product's search (pHash, shape code and dHash), the
    joint false-match histogram over pairs of different brands, the calibrated thresholds and other-drawing recall."""
    ok = np.flatnonzero(data["ok"])
    brands = np.array([source.brand for source in sources])
    plain = score.plain_shape(_part(data["codes"], "shape"))  # silhouettes the product never matches by shape
    # joint[dp, ds, dd]: pairs of different brands at pHash, shape and dHash distances dp, ds, dd (each minimised
    # over the query's dihedral variants, as the search does; ds = 64 where either silhouette is plain)
    joint = np.zeros(65**3, np.int64)
    for start in range(0, len(ok), 1000):
        rows = ok[start : start + 1000]
        dp, ds, dd = (
            min_distances(_part(data["dihedral"][rows], part), _part(data["codes"][ok], part)).astype(np.int64)
            for part in CODE_PARTS
        )
        ds[plain[rows][:, None] | plain[ok][None, :]] = 64
        different = brands[rows][:, None] != brands[ok][None, :]
        joint += np.bincount((dp[different] * 65 + ds[different]) * 65 + dd[different], minlength=65**3)
    joint = joint.reshape(65, 65, 65)
    pairs = joint.sum()
    phash_fmr, shape_fmr, dhash_fmr = (np.cumsum(joint.sum(axis=other)) / pairs for other in ((1, 2), (0, 2), (0, 1)))
    phash_threshold = int(np.flatnonzero(phash_fmr <= TARGET_FALSE_MATCH_RATE).max())
    # any hash within its threshold counts as a match. The shape threshold is the largest that keeps "pHash or
    # shape" within the target, then the dHash threshold the largest that keeps all three within it.
    beyond = joint[phash_threshold + 1 :]
    combined_fmr = np.array([1 - beyond[:, t + 1 :].sum() / pairs for t in range(65)])
    shape_threshold = int(np.flatnonzero(combined_fmr <= TARGET_FALSE_MATCH_RATE).max())
    all_fmr = np.array([1 - beyond[:, shape_threshold + 1 :, t + 1 :].sum() / pairs for t in range(65)])
    dhash_threshold = int(np.flatnonzero(all_fmr <= TARGET_FALSE_MATCH_RATE).max())
    index = _mark_index(sources, data, ok)
    thresholds = {"phash": phash_threshold, "shape": shape_threshold, "dhash": dhash_threshold}
    per_transform, true_distances = {}, {}
    rows = np.intersect1d(query_rows, ok)
    for j, name in enumerate(TRANSFORMS):
        alone1 = both1 = both10 = within = 0
        distances = np.full(len(rows), 65)
        for r, row in enumerate(rows):
            if not data["query_ok"][row, j]:
                continue
            query = data["queries"][row, j]
            distances[r] = min_distances(_part(query, "phash")[None], _part(data["codes"][row], "phash")[None])[0, 0]
            best_other = min(
                (min_distances(_part(query, "phash")[None], _part(data["codes"][ok], "phash"))[0][ok != row]),
                default=65,
            )
            alone1 += distances[r] <= best_other
            rank, similarity = _rank_of(index, query, row, thresholds)
            both1 += rank == 1
            both10 += rank <= 10
            within += similarity >= 0.5
        true_distances[name] = distances
        per_transform[name] = {
            "recall@1 pHash alone": alone1 / len(rows),
            "recall@1": both1 / len(rows),
            "recall@10": both10 / len(rows),
            "recall_at_threshold": within / len(rows),
            "refused": int((~data["query_ok"][rows, j]).sum()),
            "queries": len(rows),
        }
    goal = [name for name in TRANSFORMS if name not in HARD_TRANSFORMS]
    recall_curve = np.array([np.mean([(true_distances[n] <= t).mean() for n in goal]) for t in range(65)])
    return {
        "registry_size": len(ok),
        "plain_silhouettes": int(plain[ok].sum()),
        "non_matching_pairs": int(pairs),
        "per_transform": per_transform,
        "false_match_rate_by_distance": phash_fmr[:25].round(6).tolist(),
        "shape_false_match_rate_by_distance": shape_fmr[:25].round(6).tolist(),
        "dhash_false_match_rate_by_distance": dhash_fmr[:25].round(6).tolist(),
        "recall_by_distance": recall_curve[:25].round(4).tolist(),
        "threshold": phash_threshold,
        "false_match_rate": float(phash_fmr[phash_threshold]),
        "recall": float(recall_curve[phash_threshold]),
        "shape_threshold": shape_threshold,
        "shape_false_match_rate": float(shape_fmr[shape_threshold]),
        "combined_false_match_rate": float(combined_fmr[shape_threshold]),
        "dhash_threshold": dhash_threshold,
        "dhash_false_match_rate": float(dhash_fmr[dhash_threshold]),
        "all_false_match_rate": float(all_fmr[dhash_threshold]),
        "other_drawing": other_drawing(sources, data, index, thresholds),
    }


def _mark_index(sources: list[LogoSource], data: dict, ok: np.ndarray) -> MarkIndex:
    """A registry of every logo (named by its slug), searched the way a pre-check searches it."""
    index = MarkIndex()
    marks = [Mark(id=str(i), name=sources[i].slug.replace("-", " ") or "logo") for i in ok]
    index.add(marks, logo_hashes={str(i): data["codes"][i] for i in ok})
    return index


def _rank_of(index: MarkIndex, query: np.ndarray, target: int, thresholds: dict[str, int]) -> tuple[int, float]:
    """Rank of mark `target` (ties count in its favour) among the logo candidates of `query`, by the similarity of
    the evidence the product reports, and that similarity."""
    with _thresholds(thresholds):
        rows = logo_candidates(index, query)
        if target not in rows.tolist():
            rows = np.append(rows, target)
        similarity = np.array([e.similarity for e in logo_evidence(index, rows, query)])
    own = similarity[rows.tolist().index(target)]
    return 1 + int((similarity > own).sum()), float(own)


@contextlib.contextmanager
def _thresholds(thresholds: dict[str, int]):
    """Score with the thresholds being calibrated in this run, not with the stored ones."""
    stored = score.calibration()
    patched = {**stored, "max_distance": thresholds["phash"]}
    for part in CODE_PARTS[1:]:
        patched[part] = {**stored.get(part, {}), "max_distance": thresholds[part]}
    score.calibration.cache_clear()
    original = score.calibration
    score.calibration = lambda: patched
    try:
        yield
    finally:
        score.calibration = original


def other_drawing(sources: list[LogoSource], data: dict, index: MarkIndex, thresholds: dict[str, int]) -> dict:
    """Query each gilbarbara logo whose brand is also in simple-icons; find the simple-icons drawing."""
    simple = {s.slug: i for i, s in enumerate(sources) if s.collection == "simple-icons" and data["ok"][i]}
    pairs = [
        (i, simple[s.brand])
        for i, s in enumerate(sources)
        if s.collection == "gilbarbara" and data["ok"][i] and s.brand in simple
    ]
    at1 = at10 = within = 0
    for query, target in pairs:
        # the query's own logo is in the registry too: rank among the others
        with _thresholds(thresholds):
            rows = logo_candidates(index, data["dihedral"][query])
            rows = np.unique(np.append(rows[rows != query], target))
            similarity = np.array([e.similarity for e in logo_evidence(index, rows, data["dihedral"][query])])
        own = similarity[rows.tolist().index(target)]
        rank = 1 + int((similarity > own).sum())
        at1 += rank == 1
        at10 += rank <= 10
        within += own >= 0.5
    n = max(1, len(pairs))
    return {
        "pairs": len(pairs),
        "recall@1": at1 / n,
        "recall@10": at10 / n,
        "recall_at_threshold": within / n,
    }


def throughput(sources: list[LogoSource], n_files: int, repeats: int) -> dict:
    """Images per second hashing the same 512 px JPEG files: imagehash.phash vs hash_files_fast."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, source in enumerate(sources[:: max(1, len(sources) // n_files)][:n_files]):
            raw = render(source, 512)
            if raw is not None:
                paths.append(os.path.join(folder, f"{i}.jpg"))
                on_white(raw).save(paths[-1], quality=85)
        runs = {
            "imagehash.phash per file (naive peer)": lambda: [imagehash.phash(Image.open(p)) for p in paths],
            "hash_files_fast draft=True": lambda: hash_files_fast(paths),
            "hash_files_fast draft_longest=256": lambda: hash_files_fast(paths, draft_longest=256),
            "hash_files_fast draft=False": lambda: hash_files_fast(paths, draft=False),
        }
        rates = {name: _median_rate(run, len(paths), repeats) for name, run in runs.items()}
        decoded = [Image.open(p).convert("RGB") for p in paths]
        rates["imagehash.phash, decoded images"] = _median_rate(
            lambda: [imagehash.phash(i) for i in decoded], len(paths), repeats
        )
        rates["phash_batch, decoded images"] = _median_rate(lambda: phash_batch(decoded), len(paths), repeats)
        full, full_errors = hash_files_fast(paths, draft=False)
        fidelity = {}
        for longest in (128, 256):
            fast, errors = hash_files_fast(paths, draft_longest=longest)
            good = [i for i, error in enumerate(errors) if error is None and full_errors[i] is None]
            exact = 0
            for i in good:
                with Image.open(paths[i]) as image:
                    image.draft("L", draft_size(*image.size, longest))
                    reference = np.packbits(imagehash.phash(prepare_logo(image)).hash.flatten())
                    exact += np.array_equal(fast[i], reference)
            # does a draft code still find its own file among the full-decode codes of all of them?
            distances = np.bitwise_count(fast[good][:, None, :] ^ full[good][None, :, :]).sum(axis=2, dtype=np.int64)
            own = np.diag(distances)
            fidelity[longest] = {
                "bit_exact_with_imagehash": exact / len(good),
                "vs_full_decode_mean_bits": float(own.mean()),
                "vs_full_decode_recall_at_1": float((distances.min(axis=1) == own).mean()),
                "vs_full_decode_within_threshold": float((own <= score.calibration()["max_distance"]).mean()),
            }
    return {
        "files": len(paths),
        "refused_blank_or_bad": len(paths) - len(good),
        "images_per_s": rates,
        "draft_fidelity_by_longest_side": fidelity,
    }


def _median_rate(run, n: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return n / statistics.median(times)


def latency(real_codes: np.ndarray, real_queries: np.ndarray, sizes: tuple[int, ...], n_queries: int) -> dict:
    """Single-query search latency (one thread) for LogoIndex vs numpy brute force, random and real codes.

    `real_codes` ``(n, 24)`` and `real_queries` ``(n, 8, 24)`` are whole logo codes: the pHash rows time one
    index, as the peers do; the "pHash + shape + dHash" row times what a pre-check runs, the three indexes for one
    query."""
    more = {part: (_part(real_codes, part), _part(real_queries, part)) for part in CODE_PARTS[1:]}
    real_codes, real_queries = _part(real_codes, "phash"), _part(real_queries, "phash")
    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(0)
    out = {}
    for size in sizes:
        flips = np.packbits(rng.random((size, 64)) < 0.05, axis=1)
        datasets = {
            "random": rng.integers(0, 256, (size, 8), dtype=np.uint8),
            "real": real_codes[rng.integers(0, len(real_codes), size)] ^ flips,
        }
        for kind, codes in datasets.items():
            index = LogoIndex()
            index.add(np.arange(size), codes)
            picked = rng.integers(0, len(real_queries), n_queries)
            queries = real_queries[picked]
            peers = {
                "LogoIndex (faiss)": lambda q, index=index: index.search(q, k=10),
                "LogoIndex (faiss), one code: no dihedral variants": lambda q, index=index: index.search(q[:1], k=10),
                "numpy LUT popcount (naive peer)": lambda q, codes=codes: _numpy_search(q, codes, _lut),
                "numpy bitwise_count": lambda q, codes=codes: _numpy_search(q, codes, _bitcount),
            }
            for name, search in peers.items():
                times = []
                for query in queries[: n_queries if "faiss" in name else max(5, n_queries // 10)]:
                    start = time.perf_counter()
                    search(query)
                    times.append((time.perf_counter() - start) * 1000)
                out[f"{size} {kind} {name}"] = {
                    "median_ms": float(np.median(times)),
                    "p99_ms": float(np.percentile(times, 99)),
                }
            if kind == "real":
                others = []
                for part_codes, part_queries in more.values():
                    other = LogoIndex()
                    other.add(np.arange(size), part_codes[rng.integers(0, len(part_codes), size)] ^ flips)
                    others.append((other, part_queries[picked]))
                times = []
                for q, query in enumerate(queries):
                    start = time.perf_counter()
                    index.search(query, k=10)
                    for other, other_queries in others:
                        other.search(other_queries[q], k=10)
                    times.append((time.perf_counter() - start) * 1000)
                out[f"{size} real LogoIndex pHash + shape + dHash (24 codes, a pre-check)"] = {
                    "median_ms": float(np.median(times)),
                    "p99_ms": float(np.percentile(times, 99)),
                }
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    return out


def _lut(query: np.ndarray, codes: np.ndarray) -> np.ndarray:
    return _POPCOUNT[np.bitwise_xor(codes[None], query[:, None])].sum(axis=2, dtype=np.uint16).min(axis=0)


def _bitcount(query: np.ndarray, codes: np.ndarray) -> np.ndarray:
    return min_distances(query[None], codes)[0]


def _numpy_search(query: np.ndarray, codes: np.ndarray, distance) -> np.ndarray:
    distances = distance(query, codes)
    top = np.argpartition(distances, 10)[:10]
    return top[np.argsort(distances[top], kind="stable")]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small samples, under a minute")
    parser.add_argument(
        "--calibrate", action="store_true", help="write similarity/data/logo_calibration.json"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sources, query_rows, mask = benchmark_sample(args.quick)
    data = encode_logos(sources, mask)
    print(f"encoded {len(sources)} logos in {time.perf_counter() - started:.0f} s", flush=True)
    results = {
        "date": date.today().isoformat(),
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "quality": quality(sources, data, query_rows),
    }
    print(f"quality done at {time.perf_counter() - started:.0f} s", flush=True)
    ok = data["ok"]
    results["throughput"] = throughput(sources, 300 if args.quick else 600, 3)
    print(f"throughput done at {time.perf_counter() - started:.0f} s", flush=True)
    sizes = (100_000,) if args.quick else (100_000, 1_000_000)
    results["latency"] = latency(data["codes"][ok], data["dihedral"][ok], sizes, 50 if args.quick else 100)
    results["seconds"] = round(time.perf_counter() - started, 1)
    report(results)
    write_results(RESULTS, results)
    if args.calibrate and not args.quick:
        write_calibration(results["quality"], len(sources))
    return results


def write_calibration(quality_results: dict, n_logos: int) -> None:
    provenance = {"bits": 64, "dataset": f"simple-icons+gilbarbara ({n_logos} logos)", "date": date.today().isoformat()}
    calibration = {
        "max_distance": quality_results["threshold"],
        **provenance,
        "false_match_rate": round(quality_results["false_match_rate"], 6),
        "recall": round(quality_results["recall"], 4),
        "method": "largest pHash distance with false-match rate <= 0.1% over all pairs of different brands "
        "(dihedral query); recall = mean over transforms except " + ", ".join(HARD_TRANSFORMS),
        "produced_by": "python -m benchmarks.bench_logos --calibrate",
        "shape": _second_threshold(
            quality_results, "shape", "combined_false_match_rate", provenance,
            "largest shape-code distance (pHash of the logo's silhouette) at which 'pHash within its threshold or "
            "shape within this one' keeps the false-match rate over all pairs of different brands <= 0.1% (dihedral "
            "query; a plain silhouette, see score.plain_shape, is never matched by shape)",
        ),
        "dhash": _second_threshold(
            quality_results, "dhash", "all_false_match_rate", provenance,
            "largest dHash distance at which 'pHash, shape or dHash within its threshold' keeps the false-match rate "
            "over all pairs of different brands <= 0.1% (dihedral query), the pHash and shape thresholds fixed first",
        ),
    }  # fmt: skip
    CALIBRATION.write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")


def _second_threshold(quality_results: dict, hash: str, combined: str, provenance: dict, method: str) -> dict:
    """The shape code's or the dHash's calibration: its threshold, its own and the combined false-match rates."""
    return {
        "max_distance": quality_results[f"{hash}_threshold"],
        **provenance,
        "false_match_rate": round(quality_results[f"{hash}_false_match_rate"], 6),
        "combined_false_match_rate": round(quality_results[combined], 6),
        "method": method,
    }


def report(results: dict) -> None:
    q = results["quality"]
    print(
        f"\nregistry {q['registry_size']} logos; pHash threshold {q['threshold']}/64 "
        f"(false-match rate {q['false_match_rate']:.4%}), shape threshold {q['shape_threshold']}/64 "
        f"(alone {q['shape_false_match_rate']:.4%}; either: {q['combined_false_match_rate']:.4%}), "
        f"dHash threshold {q['dhash_threshold']}/64 (alone {q['dhash_false_match_rate']:.4%}; any of the three: "
        f"{q['all_false_match_rate']:.4%}); "
        f"{q['plain_silhouettes']} plain silhouettes not matched by shape"
    )
    print(f"{'transform':26} {'pHash@1':>8} {'recall@1':>9} {'recall@10':>10} {'>=0.5':>7} {'refused':>8}")
    for name, row in q["per_transform"].items():
        print(
            f"{name:26} {row['recall@1 pHash alone']:8.3f} {row['recall@1']:9.3f} {row['recall@10']:10.3f} "
            f"{row['recall_at_threshold']:7.3f} {row['refused']:8d}"
        )
    od = q["other_drawing"]
    print(
        f"other drawing, same brand ({od['pairs']} pairs): recall@1 {od['recall@1']:.3f} "
        f"recall@10 {od['recall@10']:.3f} within threshold {od['recall_at_threshold']:.3f}"
    )
    t = results["throughput"]
    naive = t["images_per_s"]["imagehash.phash per file (naive peer)"]
    print(f"\nhashing {t['files']} 512 px JPEGs")
    for longest, f in t["draft_fidelity_by_longest_side"].items():
        print(
            f"  draft at {longest} px: bit-exact with imagehash on the same decode "
            f"{f['bit_exact_with_imagehash']:.3f}; "
            f"against a full decode {f['vs_full_decode_mean_bits']:.2f} bits, own file first "
            f"{f['vs_full_decode_recall_at_1']:.3f}, within the threshold {f['vs_full_decode_within_threshold']:.3f}"
        )
    for name, rate in t["images_per_s"].items():
        print(f"  {name:42} {rate:9.0f} img/s  x{rate / naive:.2f}")
    print("\nsearch latency, one query (8 dihedral codes), k=10, one thread")
    for name, row in results["latency"].items():
        print(f"  {name:58} median {row['median_ms']:8.3f} ms  p99 {row['p99_ms']:8.3f} ms")
    print(f"\n{results['seconds']} s")


if __name__ == "__main__":
    main()
