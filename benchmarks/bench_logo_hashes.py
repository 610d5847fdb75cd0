"""Other logo hashes (issue #4): would dHash, wHash, colorhash or a 256-bit pHash find more logos than pHash 64?

    python -m benchmarks.bench_logo_hashes            # full run: every real logo, 500 queries
    python -m benchmarks.bench_logo_hashes --quick    # 1,500 logos, 120 queries

Protocol: the registry and queries of ``benchmarks.bench_logos`` (same sources, same random query rows, same
transforms, each image prepared by ``prepare_logo``). Every hash is computed on the same prepared images: the
registry logo as it is and in its 8 dihedral variants, each query in its 8 dihedral variants (colorhash, a
histogram, is the same for all 8, so it is computed once). Hashes:

* pHash 64: ``similarity.image.hash.phash`` (bit-exact with ``imagehash.phash``), the product's hash;
* pHash 256: ``imagehash.phash(image, hash_size=16)``;
* dHash 64: ``imagehash.dhash(image)``;
* wHash 64: ``imagehash.whash(image)`` (haar, image scale from the image's size);
* colorhash 42: ``imagehash.colorhash(image, binbits=3)``.

For each hash: its own threshold, the largest Hamming distance whose false-match rate over all pairs of
registry logos of different brands (query side dihedral-minimised, as the search does) is <= 0.1 % (none when
even distance 0 is above it); per transform, recall@1 (the query's own logo at least as close as every other
logo, ties in the query's favour: ``bench_logos.quality``'s "pHash alone") and the share of queries within the
threshold; the mean of both over the transforms with a recall goal (all but ``HARD_TRANSFORMS``); and, for each
other hash X, "pHash or X": the share of queries that pHash 64 or X finds at rank 1 (an upper bound on what a
combination could reach). Cost per hash, in the worker process that hashes the registry (BLAS limited to one
thread, as imagehash's own work is): each prepared registry image is hashed 3 times (the call includes the
greyscale conversion), "us/image" is the median over images of the fastest of the 3 (robust to other load on the
machine), "first call" the median of the first (pHash 64 then also computes the Lanczos weights of a new image
size; they are cached). Results go to ``benchmarks/results/logo_hashes.json``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image
from threadpoolctl import threadpool_limits

from benchmarks.bench_logos import TARGET_FALSE_MATCH_RATE, min_distances
from benchmarks.logo_data import HARD_TRANSFORMS, TRANSFORMS, LogoSource, benchmark_sample, render
from benchmarks.report import write_results
from similarity.image.hash import dihedral_variants, phash
from similarity.image.load import LogoError, prepare_logo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "logo_hashes.json"
BLOCK = 1000
"""Registry rows per block of the all-pairs distance matrix."""
TIMED_CALLS = 3
"""Calls per hash per registry image timed for the cost."""


@dataclass(frozen=True)
class Hash:
    """A hash under test: packed-bits function of a PIL image, its length, and whether it needs dihedral variants."""

    function: Callable[[Image.Image], np.ndarray]
    bits: int
    dihedral: bool = True

    @property
    def width(self) -> int:
        """Bytes stored per code: the packed bits, zero-padded to whole 64-bit words (padding never differs)."""
        return -(-self.bits // 64) * 8

    @property
    def variants(self) -> int:
        return 8 if self.dihedral else 1


def _packed(function: Callable[..., imagehash.ImageHash], **kwargs: int) -> Callable[[Image.Image], np.ndarray]:
    def packed(image: Image.Image) -> np.ndarray:
        return np.packbits(function(image, **kwargs).hash.flatten())

    return packed


BASELINE = "pHash 64"
HASHES: dict[str, Hash] = {
    BASELINE: Hash(phash, 64),
    "pHash 256": Hash(_packed(imagehash.phash, hash_size=16), 256),
    "dHash 64": Hash(_packed(imagehash.dhash), 64),
    "wHash 64": Hash(_packed(imagehash.whash), 64),
    "colorhash 42": Hash(_packed(imagehash.colorhash, binbits=3), 42, dihedral=False),
}


def encode_hashes(sources: list[LogoSource], query_mask: np.ndarray, workers: int = 2) -> dict[str, np.ndarray]:
    """Render and prepare every logo and hash it with every hash in `HASHES`; queries where `query_mask` is set.

    Keys: ``ok`` (n,), ``query_ok`` (n, transforms), and per hash name ``registry <name>`` (n, variants, width),
    ``query <name>`` (n, transforms, variants, width), ``cost <name>`` (n, TIMED_CALLS) microseconds (NaN where
    not ok).
    """
    chunks = np.array_split(np.arange(len(sources)), workers * 8)
    jobs = [([sources[i] for i in chunk], query_mask[chunk]) for chunk in chunks if len(chunk)]
    # one BLAS thread per worker: pHash 64's resize is a matrix product, and OpenBLAS's spinning threads in two
    # workers on two cores would double its CPU time and skew every timing
    with ProcessPoolExecutor(workers, initializer=threadpool_limits, initargs=(1,)) as pool:
        parts = list(pool.map(encode_chunk, jobs))
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def encode_chunk(job: tuple[list[LogoSource], np.ndarray]) -> dict[str, np.ndarray]:
    sources, mask = job
    n, t = len(sources), len(TRANSFORMS)
    out = {"ok": np.zeros(n, bool), "query_ok": np.zeros((n, t), bool)}
    for name, spec in HASHES.items():
        out[f"registry {name}"] = np.zeros((n, spec.variants, spec.width), np.uint8)
        out[f"query {name}"] = np.zeros((n, t, spec.variants, spec.width), np.uint8)
        out[f"cost {name}"] = np.full((n, TIMED_CALLS), np.nan)
    for i, source in enumerate(sources):
        raw = render(source)
        try:
            prepared = prepare_logo(raw) if raw is not None else None
        except LogoError:
            prepared = None
        if prepared is None:
            continue
        out["ok"][i] = True
        grey_variants = dihedral_variants(prepared.convert("L"))
        for name, spec in HASHES.items():
            for call in range(TIMED_CALLS):  # timed on the prepared colour image, as a caller would hash it
                start = time.perf_counter()
                identity = spec.function(prepared)
                out[f"cost {name}"][i, call] = (time.perf_counter() - start) * 1e6
            out[f"registry {name}"][i, 0, : len(identity)] = identity
            for v, variant in enumerate(grey_variants[1 : spec.variants], start=1):
                code = spec.function(variant)
                out[f"registry {name}"][i, v, : len(code)] = code
        for j, transform in enumerate(TRANSFORMS.values() if mask[i] else ()):
            try:
                query = prepare_logo(transform(raw))
            except LogoError:
                continue
            out["query_ok"][i, j] = True
            query_variants = dihedral_variants(query.convert("L"))
            for name, spec in HASHES.items():
                images = query_variants if spec.dihedral else [query]
                for v, variant in enumerate(images):
                    code = spec.function(variant)
                    out[f"query {name}"][i, j, v, : len(code)] = code
    return out


def hamming_min(queries: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Hamming distance from each query ``(n, variants, width)`` to each code ``(m, width)``, minimised over the
    query's variants, for any width in whole 64-bit words: ``(n, m)``."""
    if queries.shape[-1] == 8:
        return min_distances(queries, codes)
    q = np.ascontiguousarray(queries).view(np.uint64)
    c = np.ascontiguousarray(codes).view(np.uint64)
    best = np.full((len(q), len(c)), np.iinfo(np.uint16).max, np.uint16)
    for variant in range(q.shape[1]):
        distance = np.zeros_like(best)
        for word in range(q.shape[2]):
            distance += np.bitwise_count(q[:, variant, word, None] ^ c[None, :, word])
        np.minimum(best, distance, out=best)
    return best


def false_match_rates(data: dict[str, np.ndarray], brands: np.ndarray, name: str) -> tuple[np.ndarray, int]:
    """Cumulative false-match rate by distance (0..bits) over pairs of registry logos of different brands, and the
    number of such pairs."""
    ok = np.flatnonzero(data["ok"])
    registry = data[f"registry {name}"]
    codes = np.ascontiguousarray(registry[ok, 0])
    histogram = np.zeros(HASHES[name].bits + 1, np.int64)
    for start in range(0, len(ok), BLOCK):
        rows = ok[start : start + BLOCK]
        distances = hamming_min(registry[rows], codes)
        different = brands[rows][:, None] != brands[ok][None, :]
        histogram += np.bincount(distances[different], minlength=len(histogram))
    pairs = int(histogram.sum())
    return np.cumsum(histogram) / pairs, pairs


def rank1_and_within(
    data: dict[str, np.ndarray], rows: np.ndarray, transform: int, name: str, threshold: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per query row: is its own logo at rank 1 (ties in its favour), and is it within `threshold`."""
    ok = np.flatnonzero(data["ok"])
    distances = hamming_min(data[f"query {name}"][rows, transform], data[f"registry {name}"][ok, 0]).astype(np.int32)
    own_column = np.searchsorted(ok, rows)
    own = distances[np.arange(len(rows)), own_column]
    distances[np.arange(len(rows)), own_column] = np.iinfo(np.int32).max
    answered = data["query_ok"][rows, transform]
    return answered & (own <= distances.min(axis=1)), answered & (own <= threshold)


def quality(sources: list[LogoSource], data: dict[str, np.ndarray], query_rows: np.ndarray) -> dict:
    """Thresholds, false-match rates, per-transform recall@1 and within-threshold share of every hash, and the
    "pHash or X" rank-1 share of every other hash X."""
    brands = np.array([source.brand for source in sources])
    rows = np.intersect1d(query_rows, np.flatnonzero(data["ok"]))
    goal = [name for name in TRANSFORMS if name not in HARD_TRANSFORMS]
    out: dict[str, dict] = {}
    rank1: dict[str, dict[str, np.ndarray]] = {}
    for name, spec in HASHES.items():
        fmr, pairs = false_match_rates(data, brands, name)
        meeting = np.flatnonzero(fmr <= TARGET_FALSE_MATCH_RATE)
        threshold = int(meeting.max()) if len(meeting) else -1  # -1: even identical codes are too often others'
        per_transform, rank1[name] = {}, {}
        for j, transform in enumerate(TRANSFORMS):
            at1, within = rank1_and_within(data, rows, j, name, threshold)
            rank1[name][transform] = at1
            per_transform[transform] = {"recall@1": float(at1.mean()), "within_threshold": float(within.mean())}
        out[name] = {
            "bits": spec.bits,
            "dihedral_variants": spec.variants,
            "threshold": threshold if threshold >= 0 else None,
            "false_match_rate_at_threshold": float(fmr[threshold]) if threshold >= 0 else None,
            "false_match_rate_by_distance": fmr[: min(len(fmr), 65)].round(6).tolist(),
            "non_matching_pairs": pairs,
            "per_transform": per_transform,
            "mean_recall@1": float(np.mean([per_transform[t]["recall@1"] for t in goal])),
            "mean_within_threshold": float(np.mean([per_transform[t]["within_threshold"] for t in goal])),
        }
        print(f"  {name}: threshold {threshold}, done", flush=True)
    for name in HASHES:
        if name == BASELINE:
            continue
        either = {t: float((rank1[BASELINE][t] | rank1[name][t]).mean()) for t in TRANSFORMS}
        out[name]["pHash_or_this_recall@1"] = either
        out[name]["mean_pHash_or_this_recall@1"] = float(np.mean([either[t] for t in goal]))
    return {
        "registry_size": int(data["ok"].sum()),
        "queries": len(rows),
        "refused_per_transform": {t: int((~data["query_ok"][rows, j]).sum()) for j, t in enumerate(TRANSFORMS)},
        "goal_transforms": goal,
        "hashes": out,
    }


def costs(data: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Microseconds to hash one prepared registry image, per hash: median over images of the fastest of the
    `TIMED_CALLS` calls and of the first."""
    ok = data["ok"]
    return {
        name: {
            "median_us_fastest_call": float(np.median(data[f"cost {name}"][ok].min(axis=1))),
            "median_us_first_call": float(np.median(data[f"cost {name}"][ok, 0])),
        }
        for name in HASHES
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,500 logos and 120 queries, as bench_logos --quick")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sources, query_rows, mask = benchmark_sample(args.quick)
    data = encode_hashes(sources, mask)
    print(f"encoded {len(sources)} logos, {len(HASHES)} hashes, in {time.perf_counter() - started:.0f} s", flush=True)
    results = {
        "date": date.today().isoformat(),
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "logos": len(sources),
        "target_false_match_rate": TARGET_FALSE_MATCH_RATE,
        "quality": quality(sources, data, query_rows),
        "cost_per_image": costs(data),
    }
    results["seconds"] = round(time.perf_counter() - started, 1)
    report(results)
    write_results(RESULTS, results)
    return results


def report(results: dict) -> None:
    q = results["quality"]
    hashes = q["hashes"]
    others = [name for name in hashes if name != BASELINE]
    print(f"\nregistry {q['registry_size']} logos, {q['queries']} queries per transform")
    print(f"{'hash':14} {'threshold':>10} {'FMR':>9} {'us/image':>9} {'first call':>11}")
    for name, row in hashes.items():
        threshold = "none" if row["threshold"] is None else f"{row['threshold']}/{row['bits']}"
        fmr = "-" if row["false_match_rate_at_threshold"] is None else f"{row['false_match_rate_at_threshold']:.4%}"
        fastest, first = results["cost_per_image"][name].values()
        print(f"{name:14} {threshold:>10} {fmr:>9} {fastest:9.0f} {first:11.0f}")
    label = {name: name.replace("colorhash", "colour").replace(" ", "") for name in hashes}
    for title, key in (("recall@1", "recall@1"), ("within threshold", "within_threshold")):
        columns = [label[name] for name in hashes]
        if key == "recall@1":
            columns += [f"pH|{label[name].removesuffix('64')}" for name in others] + ["refused"]
        print(f"\n{title:26}" + "".join(f"{column:>12}" for column in columns))
        for transform in TRANSFORMS:
            values = [hashes[name]["per_transform"][transform][key] for name in hashes]
            if key == "recall@1":
                values += [hashes[name]["pHash_or_this_recall@1"][transform] for name in others]
            mark = " *" if transform in HARD_TRANSFORMS else ""
            refused = f"{q['refused_per_transform'][transform]:12d}" if key == "recall@1" else ""
            print(f"{transform + mark:26}" + "".join(f"{value:12.3f}" for value in values) + refused)
        means = [hashes[name]["mean_recall@1" if key == "recall@1" else "mean_within_threshold"] for name in hashes]
        if key == "recall@1":
            means += [hashes[name]["mean_pHash_or_this_recall@1"] for name in others]
        print(f"{'mean (goal transforms)':26}" + "".join(f"{value:12.3f}" for value in means))
    print(
        "\n* no recall goal, not in the mean; pH|X = pHash 64 or X at rank 1 (upper bound of a combination); "
        "refused = queries prepare_logo refused (a miss for every hash)"
    )
    print(f"\n{results['seconds']} s")


if __name__ == "__main__":
    main()
