"""Precision of the sweep's flags on real listings (issue 18), judged blind.

    python -m benchmarks.bench_sweep_flags sample --n 150          # sweep the real titles, draw a sample to judge
    python -m benchmarks.bench_sweep_flags score LABELS.csv        # precision from the judged sample

The 36k Tokopedia titles (``../shared``, evaluation only) are swept against the bundled demo registry with the
library's matcher; ``sample`` writes a random sample of the flags (listing title, span, mark) to a file **outside
the repository** (``$SIMILARITY_EVAL_DIR``, default ``/tmp``) for a judge who sees neither scores nor routes, and
keeps the routes beside it; ``score`` reads the judge's ``pid,label`` file and writes only counts to
``benchmarks/results/sweep_flags.json`` — no title ever reaches the repository.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from benchmarks.realdata import shared_dir
from benchmarks.report import print_table, write_results
from similarity.build import open_index
from similarity.sweep.mentions import MentionMatcher, learn_vocabulary

SEED = 20261201
RESULTS = Path("benchmarks/results/sweep_flags.json")


def _eval_dir() -> Path:
    return Path(os.environ.get("SIMILARITY_EVAL_DIR", "/tmp"))


def sample(n: int) -> None:
    shared = shared_dir()
    if shared is None:
        sys.exit("needs ../shared/data")
    with open(shared / "data" / "raw" / "tokopedia-umkm-annisaraulitaa" / "products.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    titles = [r.get("name") or "" for r in rows]
    shops = [r.get("shop_name") or None for r in rows]
    index = open_index()
    matcher = MentionMatcher(vocabulary=learn_vocabulary(titles, shops)).fit(index)
    flags = matcher.find(titles, shops)
    rng = np.random.default_rng(SEED)
    picked = [flags[i] for i in sorted(rng.choice(len(flags), size=min(n, len(flags)), replace=False))]
    out = _eval_dir()
    with open(out / "sweep_flags_to_judge.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["pid", "title", "span", "mark"])
        for i, m in enumerate(picked):
            w.writerow([f"F{i:03d}", titles[m.listing], m.span, m.mark.name])
    with open(out / "sweep_flags_routes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["pid", "via", "score"])
        for i, m in enumerate(picked):
            w.writerow([f"F{i:03d}", m.via, m.score])
    print(f"{len(flags)} flags in {len(titles)} titles ({sum(1 for t in titles if t)} non-empty); "
          f"{len(picked)} to judge in {out / 'sweep_flags_to_judge.csv'}")
    (out / "sweep_flags_total.txt").write_text(f"{len(flags)} {len(titles)}\n")


def score(labels: Path) -> None:
    out = _eval_dir()
    with open(labels, encoding="utf-8") as f:
        judged = {r["pid"]: r["label"] for r in csv.DictReader(f)}
    with open(out / "sweep_flags_routes.csv", encoding="utf-8") as f:
        routes = {r["pid"]: r["via"] for r in csv.DictReader(f)}
    total, titles = (int(v) for v in (out / "sweep_flags_total.txt").read_text().split())
    by_route: dict[str, Counter] = {}
    for pid, label in judged.items():
        by_route.setdefault(routes[pid], Counter())[label] += 1
    yes = sum(c["yes"] for c in by_route.values())
    no = sum(c["no"] for c in by_route.values())
    rows = [[via, c["yes"] + c["no"], c["yes"], round(c["yes"] / max(c["yes"] + c["no"], 1), 3)]
            for via, c in sorted(by_route.items())]
    rows.append(["all", yes + no, yes, round(yes / max(yes + no, 1), 3)])
    print_table(f"Sweep flags judged blind ({total} flags in {titles} real titles, demo registry)",
                ["route", "judged", "correct", "precision"], rows)
    write_results(RESULTS, {
        "command": "python -m benchmarks.bench_sweep_flags score LABELS.csv",
        "flags_total": total,
        "titles": titles,
        "judged": yes + no,
        "precision": round(yes / max(yes + no, 1), 4),
        "by_route": {via: dict(c) for via, c in by_route.items()},
        "criterion": "correct = the listing really uses that registered mark (the same brand, as the product's brand "
        "or the seller's name); wrong = an ordinary word, a model/person name, or a different brand or goods",
    })


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=150)
    c = sub.add_parser("score")
    c.add_argument("labels", type=Path)
    args = ap.parse_args(argv)
    sample(args.n) if args.cmd == "sample" else score(args.labels)


if __name__ == "__main__":
    main()
