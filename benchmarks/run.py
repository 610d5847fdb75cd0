"""One entry point for every benchmark: ``python -m benchmarks.run [--quick] [--only names,logos,...]``.

Each benchmark measures its naive peer in the same run, prints a table and writes JSON to benchmarks/results/.
Benchmarks that need ../shared/data (real logos, real names, Tokopedia titles) say so and are skipped without it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from benchmarks.realdata import shared_dir

# name -> (module, quick argv, full argv, needs ../shared)
BENCHMARKS = {
    "names": ("benchmarks.bench_names", ["--n", "10000", "100000", "--queries", "140"],
              ["--n", "10000", "100000", "1000000", "--queries", "140"], False),
    "names_real": ("benchmarks.bench_names_real", ["--quick"], [], True),
    "logos": ("benchmarks.bench_logos", ["--quick"], [], True),
    "logo_hashes": ("benchmarks.bench_logo_hashes", ["--quick"], [], True),
    "logo_verify": ("benchmarks.bench_logo_verify", ["--registry", "300", "--loo", "100", "--copies", "10"],
                    ["--registry", "1200", "--loo", "400", "--copies", "25"], True),
    "service": ("benchmarks.bench_service", ["--quick"], [], False),
    "cli": ("benchmarks.bench_cli", ["--n", "50000", "--queries", "500"], [], False),
    "logo_search": ("benchmarks.bench_logo_search", ["--n", "100000", "--icons", "300", "--queries", "40"], [], False),
    "sweep": ("benchmarks.bench_sweep", ["--quick"], [], True),
    "gc": ("benchmarks.bench_gc", ["--n", "20000", "--queries", "300"], [], False),
}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes in all")
    ap.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset of " + ",".join(BENCHMARKS))
    args = ap.parse_args(argv)
    failed = []
    for name in [n.strip() for n in args.only.split(",") if n.strip()]:
        if name not in BENCHMARKS:
            ap.error(f"unknown benchmark {name!r} — choose from {', '.join(BENCHMARKS)}")
        module, quick, full, needs_shared = BENCHMARKS[name]
        if needs_shared and shared_dir() is None:
            print(f"\n== {name}: skipped — needs ../shared/data (set SIMILARITY_SHARED)")
            continue
        print(f"\n== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            importlib.import_module(module).main(quick if args.quick else full)
        except ModuleNotFoundError as e:
            print(f"{name}: not available ({e})")
            failed.append(name)
        print(f"== {name} took {time.perf_counter() - t0:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
