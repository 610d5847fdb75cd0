"""Sweep benchmark: real Tokopedia titles and synthetic listings against the ~35k real-name registry.

    python -m benchmarks.bench_sweep            # real titles (1 and 2 workers) + 1M synthetic listings
    python -m benchmarks.bench_sweep --quick    # real titles + 100k synthetic listings

Real data: the ~36k titles of ../shared/data/raw/tokopedia-umkm-annisaraulitaa/products.tsv (evaluation
only — never copied into the repo) against benchmarks.realdata's registry. Synthetic data: deterministic
Parquet parts in benchmarks/.cache mixing real mark names (with typos, spacing and case changes) into
product-word noise, the brand listings sold by a few resellers each, as on a marketplace. Writes
benchmarks/results/sweep.json, the hand-check sample (benchmarks/.cache/sweep_precision_sample.json) and the
exact-phrase comparison.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import time
from pathlib import Path

import pandas as pd

from benchmarks.realdata import CACHE, ROOT, real_registry, shared_dir
from benchmarks.report import print_table, write_results

RESULTS = ROOT / "benchmarks" / "results" / "sweep.json"
PRODUCTS = Path("data/raw/tokopedia-umkm-annisaraulitaa/products.tsv")
SAMPLE_SEED = 20250101
_WORDS = """
keripik pisang coklat level 10 200gr original pedas murah promo kaos pria wanita serum paket hemat ready stock
asli kopi bubuk premium sepatu sandal tas selempang hijab instan celana panjang kemeja lengan pendek anak bayi
botol minum 1 liter 500ml kue kering toples lebaran sambal bawang madu murni herbal jamu sabun cuci muka
masker wajah lipstik matte jaket hoodie oversize sweater rajut dompet kulit jam tangan gelang kalung cincin
lampu hias
dinding rak buku meja lipat kursi plastik set isi 3 pcs 12 lusin grosir termurah terlaris cod gratis ongkir
baru 2025 import lokal size s m l xl xxl warna hitam putih merah biru hijau
"""
PRODUCT_WORDS = _WORDS.split()


def real_index(shared: Path) -> Path:
    """The registry of benchmarks.realdata built into benchmarks/.cache/sweep_real_index (rebuilt when
    stale)."""
    from similarity.build import build_index
    from similarity.store.files import IndexFormatError, read_manifest

    folder = CACHE / "sweep_real_index"
    try:
        read_manifest(folder)
        return folder
    except (IndexFormatError, FileNotFoundError, OSError):
        pass
    build_index(real_registry(shared), folder)
    return folder


def real_listings(shared: Path) -> Path:
    """The Tokopedia products as sweep input (id,title,shop), written to the git-ignored cache."""
    out = CACHE / "sweep_tokopedia.csv"
    if not out.exists():
        df = pd.read_csv(shared / PRODUCTS, sep="\t", dtype=str, keep_default_na=False)
        df = df.rename(columns={"name": "title", "shop_name": "shop"})[["id", "title", "shop"]]
        df.to_csv(out, index=False)
    return out


def synthetic_listings(n: int, registry_csv: Path, parts: int = 10, seed: int = 7) -> Path:
    """``n`` deterministic listings in ``parts`` Parquet files (row groups of 10k)."""
    folder = CACHE / f"sweep_synth_{n}"
    if folder.exists() and len(list(folder.glob("*.parquet"))) == parts:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with open(registry_csv, encoding="utf-8") as f:
        marks = [r["name"] for r in csv.DictReader(f) if re.search(r"[A-Za-z]{4}", r["name"])]
    rng = random.Random(seed)
    marks = rng.sample(marks, 3000)
    per = n // parts
    for p in range(parts):
        rows = []
        for i in range(p * per, (p + 1) * per):
            words = rng.sample(PRODUCT_WORDS, rng.randint(4, 10))
            shop = f"toko{rng.randrange(20000)}"
            if rng.random() < 0.3:
                k = rng.randrange(len(marks))
                words.insert(rng.randrange(len(words) + 1), _variant(marks[k], rng))
                shop = f"reseller{k % 500}-{rng.randrange(3)}"
            rows.append({"id": f"S{i}", "title": " ".join(words), "shop": shop})
        tmp = folder / f".part-{p:03d}.tmp"
        pd.DataFrame(rows).to_parquet(tmp, index=False, row_group_size=10_000)
        tmp.rename(folder / f"part-{p:03d}.parquet")
    return folder


def _variant(name: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.1 and len(name) > 5:  # a typo inside the word
        i = rng.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if r < 0.2:
        return name.replace(" ", "")
    if r < 0.4:
        return name.upper()
    return name


def timed_sweep(listings: Path, index: Path, out: Path, workers: int, partition_rows: int) -> dict:
    from similarity.sweep import run_sweep

    t = time.perf_counter()
    s = run_sweep(listings, index, out, workers=workers, partition_rows=partition_rows)
    wall = time.perf_counter() - t
    d = s.detail
    return {
        "wall_s": round(wall, 1),
        "listings": s.listings,
        "flagged": s.flagged,
        "partitions": s.partitions,
        "timings": d["timings"],
        "worker_peak_rss_mb": d["worker_peak_rss_mb"],
        "run_dir": s.run_dir,
    }


def exact_phrase_comparison(flagged: pd.DataFrame, listings: Path, index_dir: Path) -> dict:
    """Pairs a case-insensitive, word-bounded search for each whole mark name finds, against the matcher's."""
    from similarity.build import open_index
    from similarity.sweep.titles import tokenize_title

    idx = open_index(index_dir)
    rows = idx.alive_rows()
    first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for m in idx.marks_at(rows):
        toks = tokenize_title(m.name).tokens
        if toks and len("".join(toks)) >= 4:
            first.setdefault(toks[0], []).append((toks, m.id, m.name))
    df = pd.read_csv(listings, dtype=str, keep_default_na=False)
    exact: set[tuple[str, str]] = set()
    names: dict[str, str] = {}
    for lid, title in zip(df["id"], df["title"], strict=True):
        toks = tokenize_title(title).tokens
        for i, t in enumerate(toks):
            for mt, mid, name in first.get(t, ()):
                if toks[i : i + len(mt)] == mt:
                    exact.add((lid, mid))
                    names[mid] = name
    ours = set(zip(flagged["listing_id"], flagged["mark_id"], strict=True))
    only_ours = sorted(ours - exact)
    only_exact = sorted(exact - ours)
    by_pair = flagged.set_index(["listing_id", "mark_id"])
    rng = random.Random(SAMPLE_SEED)
    ex_ours = [
        {
            "listing": a,
            "span": str(by_pair.loc[(a, b), "span"]),
            "mark": str(by_pair.loc[(a, b), "mark_name"]),
            "via": str(by_pair.loc[(a, b), "via"]),
        }
        for a, b in rng.sample(only_ours, min(12, len(only_ours)))
    ]
    missed_names = pd.Series([names[b] for _, b in only_exact]).value_counts().head(20).to_dict()
    return {
        "matcher_pairs": len(ours),
        "exact_phrase_pairs": len(exact),
        "both": len(ours & exact),
        "matcher_only": len(only_ours),
        "exact_only": len(only_exact),
        "matcher_only_examples": ex_ours,
        "exact_only_top_marks": missed_names,
        "matcher_only_by_via": pd.Series([str(by_pair.loc[p, "via"]) for p in only_ours])
        .value_counts()
        .to_dict(),
    }


def precision_sample(flagged: pd.DataFrame, n: int = 100) -> list[dict]:
    sample = flagged.sample(n=min(n, len(flagged)), random_state=SAMPLE_SEED)
    return [
        {
            "listing_id": r.listing_id,
            "shop": r.shop,
            "title": r.title,
            "span": r.span,
            "mark": r.mark_name,
            "mark_id": r.mark_id,
            "score": r.score,
            "via": r.via,
        }
        for r in sample.itertuples()
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100k synthetic listings instead of 1M")
    ap.add_argument("--repeats", type=int, default=3, help="runs per real-data setting (median reported)")
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument(
        "--synthetic-one-worker",
        action="store_true",
        help="also sweep the synthetic listings on 1 worker: the speed-up where the work, not the start-up, dominates",
    )
    args = ap.parse_args()
    shared = shared_dir()
    if shared is None:
        raise SystemExit("../shared/data is absent — set SIMILARITY_SHARED")
    index = real_index(shared)
    listings = real_listings(shared)
    out = CACHE / "sweep_runs"
    results: dict = {"registry_marks": json.loads((index / "manifest.json").read_text())["counts"]["marks"]}
    rows = []
    real: dict[int, list[dict]] = {}
    for workers in (2, 1):
        real[workers] = [timed_sweep(listings, index, out, workers, 4000) for _ in range(args.repeats)]
        walls = [r["wall_s"] for r in real[workers]]
        r0 = real[workers][0]
        rows.append(
            [
                f"real Tokopedia, {workers} worker(s)",
                f"{r0['listings']:,}",
                f"{r0['flagged']:,}",
                f"{statistics.median(walls):.1f}",
                max(max(r["worker_peak_rss_mb"]) for r in real[workers]),
            ]
        )
    speedup = statistics.median(r["wall_s"] for r in real[1]) / statistics.median(
        r["wall_s"] for r in real[2]
    )
    results["real"] = {str(k): v for k, v in real.items()}
    results["real_speedup_1_to_2_workers"] = round(speedup, 2)
    flagged = pd.read_parquet(Path(real[2][0]["run_dir"]) / "flagged.parquet")
    results["exact_phrase"] = exact_phrase_comparison(flagged, listings, index)
    sample = precision_sample(flagged)
    (CACHE / "sweep_precision_sample.json").write_text(
        json.dumps(sample, ensure_ascii=False, indent=1), "utf-8"
    )
    if args.skip_synthetic and RESULTS.exists():  # keep the last synthetic run's numbers, marked as carried over
        previous = json.loads(RESULTS.read_text(encoding="utf-8"))
        for key, value in previous.items():
            if key.startswith("synthetic_"):
                results[key] = {**value, "carried_over_from": previous.get("machine", {}).get("date", "an earlier run")}
    if not args.skip_synthetic:
        n = 100_000 if args.quick else 1_000_000
        synth = synthetic_listings(n, real_registry(shared))
        s = timed_sweep(synth, index, out, 2, 20_000)
        results[f"synthetic_{n}"] = s
        rows.append(
            [
                "synthetic, 2 workers",
                f"{s['listings']:,}",
                f"{s['flagged']:,}",
                f"{s['wall_s']:.1f}",
                max(s["worker_peak_rss_mb"]),
            ]
        )
        if args.synthetic_one_worker:
            s1 = timed_sweep(synth, index, out, 1, 20_000)
            results[f"synthetic_{n}_1_worker"] = s1
            results["synthetic_speedup_1_to_2_workers"] = round(s1["wall_s"] / s["wall_s"], 2)
            rows.append(
                [
                    "synthetic, 1 worker",
                    f"{s1['listings']:,}",
                    f"{s1['flagged']:,}",
                    f"{s1['wall_s']:.1f}",
                    max(s1["worker_peak_rss_mb"]),
                ]
            )
    print_table(
        "Sweep (wall seconds, median of runs; peak RSS of any worker)",
        ["input", "listings", "flags", "wall s", "worker peak RSS MB"],
        rows,
    )
    print(f"\n1 -> 2 workers speed-up on the real titles: {speedup:.2f}x")
    if "synthetic_speedup_1_to_2_workers" in results:
        print(f"1 -> 2 workers speed-up on the synthetic listings: {results['synthetic_speedup_1_to_2_workers']:.2f}x")
    e = results["exact_phrase"]
    print(
        f"matcher pairs {e['matcher_pairs']:,}; exact phrase search {e['exact_phrase_pairs']:,}; both "
        f"{e['both']:,}; matcher only {e['matcher_only']:,}; exact only {e['exact_only']:,}"
    )
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()
