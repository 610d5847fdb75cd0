"""Precision of the sweep's flags on real listings (issue 18), judged blind.

    python -m benchmarks.bench_sweep_flags sample --n 150 --name sweep_v2 --exclude sweep_flags   # a sample to judge
    python -m benchmarks.bench_sweep_flags score LABELS.csv --name sweep_v2      # precision from the judged sample
    python -m benchmarks.bench_sweep_flags recheck LABELS.csv --name sweep_flags  # an earlier sample, today's code
    python -m benchmarks.bench_sweep_flags sample --n 1000 --name prdect_v1 --source prdect  # the held-out listings

The 36k Tokopedia titles (``../shared``, evaluation only) are swept against the bundled demo registry with the
library's matcher, each listing with its category breadcrumb (the goods it sells). ``sample`` writes a random sample
of the flags (listing title, span, mark) to ``<name>_to_judge.csv`` in a folder **outside the repository**
(``$SIMILARITY_EVAL_DIR``, default ``/tmp``) for a judge who sees neither scores nor routes, keeps the routes beside
it (``<name>_routes.csv``), and leaves out the listings-and-marks of earlier samples (``--exclude``: their names), so
a fresh sample never repeats the rows the rules were tuned on. ``score`` reads the judge's ``pid,label`` file;
``recheck`` sweeps again with today's code and reports which of an earlier sample's judged flags it still makes
(the development measure: a flag kept or dropped keeps its judged label). Both write only counts to
``benchmarks/results/`` — no title ever reaches the repository.
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
from similarity.famous import famous_key
from similarity.sweep.mentions import Mention, MentionMatcher
from similarity.sweep.titles import learn_vocabulary

SEED = 20261201
RESULTS = Path("benchmarks/results")
CRITERION = (
    "correct = the listing really uses that registered mark (the same brand, as the product's brand or the seller's "
    "name); wrong = an ordinary word, a model/person name, or a different brand or goods"
)


def _eval_dir() -> Path:
    return Path(os.environ.get("SIMILARITY_EVAL_DIR", "/tmp"))


SOURCES = ("umkm", "prdect")
"""Listings swept: ``umkm`` the 36,186 titles of ``tokopedia-umkm-annisaraulitaa`` (evaluation only; every sample so
far), ``prdect`` the 1,308 distinct product names of ``prdect-id-tokopedia`` (CC BY 4.0, Sutoyo et al., Data in
Brief 2022), never swept while the rules were written: a held-out set, with an English top-level category and no
shop name."""


def _listings(source: str) -> tuple[list[str], list[str | None], list[str | None]]:
    """Titles, shop names and categories of one of `SOURCES`."""
    shared = shared_dir()
    if shared is None:
        sys.exit("needs ../shared/data")
    if source == "prdect":
        with open(shared / "data" / "raw" / "prdect-id-tokopedia" / "PRDECT-ID Dataset.csv", encoding="utf-8") as f:
            first: dict[str, str] = {}
            for r in csv.DictReader(f, delimiter=";"):
                first.setdefault((r.get("Product Name") or "").strip(), r.get("Category") or "")
        names = [t for t in first if t]
        return names, [None] * len(names), [first[t] or None for t in names]
    with open(shared / "data" / "raw" / "tokopedia-umkm-annisaraulitaa" / "products.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    titles = [r.get("name") or "" for r in rows]
    return titles, [r.get("shop_name") or None for r in rows], [r.get("category_breadcrumb") or None for r in rows]


def _sweep(source: str = "umkm") -> tuple[list[str], list[Mention]]:
    titles, shops, categories = _listings(source)
    matcher = MentionMatcher(vocabulary=learn_vocabulary(titles, shops)).fit(open_index())
    return titles, matcher.find(titles, shops, categories)


def _key(title: str, mark: str) -> tuple[str, str]:
    """A judged flag is a listing title and a brand (marks spelled alike are one brand: one row per listing)."""
    return title, famous_key(mark) or mark


def _judged_keys(name: str) -> set[tuple[str, str]]:
    path = _eval_dir() / f"{name}_to_judge.csv"
    with open(path, encoding="utf-8") as f:
        return {_key(r["title"], r["mark"]) for r in csv.DictReader(f)}


def sample(n: int, name: str, exclude: list[str], source: str = "umkm", seed: int = SEED) -> None:
    titles, flags = _sweep(source)
    seen = set().union(*(_judged_keys(e) for e in exclude)) if exclude else set()
    pool = [m for m in flags if _key(titles[m.listing], m.mark.name) not in seen]
    rng = np.random.default_rng(seed)
    picked = [pool[i] for i in sorted(rng.choice(len(pool), size=min(n, len(pool)), replace=False))]
    out = _eval_dir()
    prefix = name[0].upper() if name[0].isalpha() else "F"
    with open(out / f"{name}_to_judge.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["pid", "title", "span", "mark"])
        for i, m in enumerate(picked):
            w.writerow([f"{prefix}{i:03d}", titles[m.listing], m.span, m.mark.name])
    with open(out / f"{name}_routes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["pid", "via", "score", "goods", "listing_classes", "mark_classes"])
        for i, m in enumerate(picked):
            w.writerow([f"{prefix}{i:03d}", m.via, m.score, m.goods, " ".join(map(str, m.listing_classes)),
                        " ".join(map(str, m.mark.classes))])
    print(f"{len(flags)} flags in {len(titles)} titles ({sum(1 for t in titles if t)} non-empty); "
          f"{len(flags) - len(pool)} of them in earlier samples left out; {len(picked)} to judge in "
          f"{out / f'{name}_to_judge.csv'}")
    (out / f"{name}_total.txt").write_text(f"{len(flags)} {len(titles)}\n")


def _labels(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as f:
        return {r["pid"]: r["label"] for r in csv.DictReader(f)}


def _routes(name: str) -> dict[str, str]:
    with open(_eval_dir() / f"{name}_routes.csv", encoding="utf-8") as f:
        return {r["pid"]: r["via"] for r in csv.DictReader(f)}


def _table(by_route: dict[str, Counter]) -> tuple[list[list], int, int]:
    yes = sum(c["yes"] for c in by_route.values())
    no = sum(c["no"] for c in by_route.values())
    rows = [[via, c["yes"] + c["no"], c["yes"], round(c["yes"] / max(c["yes"] + c["no"], 1), 3)]
            for via, c in sorted(by_route.items())]
    rows.append(["all", yes + no, yes, round(yes / max(yes + no, 1), 3)])
    return rows, yes, no


def score(labels: Path, name: str) -> None:
    judged, routes = _labels(labels), _routes(name)
    total, titles = (int(v) for v in (_eval_dir() / f"{name}_total.txt").read_text().split())
    by_route: dict[str, Counter] = {}
    for pid, label in judged.items():
        by_route.setdefault(routes[pid], Counter())[label] += 1
    rows, yes, no = _table(by_route)
    print_table(f"Sweep flags judged blind ({total} flags in {titles} real titles, demo registry)",
                ["route", "judged", "correct", "precision"], rows)
    write_results(RESULTS / f"{name}.json" if name != "sweep_flags" else RESULTS / "sweep_flags.json", {
        "command": f"python -m benchmarks.bench_sweep_flags score LABELS.csv --name {name}",
        "sample": name,
        "flags_total": total,
        "titles": titles,
        "judged": yes + no,
        "unsure": sum(1 for v in judged.values() if v not in ("yes", "no")),
        "precision": round(yes / max(yes + no, 1), 4),
        "by_route": {via: dict(c) for via, c in by_route.items()},
        "criterion": CRITERION,
    })


def recheck(labels: Path, name: str) -> None:
    judged, routes = _labels(labels), _routes(name)
    with open(_eval_dir() / f"{name}_to_judge.csv", encoding="utf-8") as f:
        rows = {r["pid"]: _key(r["title"], r["mark"]) for r in csv.DictReader(f)}
    titles, flags = _sweep()
    made = {_key(titles[m.listing], m.mark.name) for m in flags}
    kept: dict[str, Counter] = {}
    dropped: Counter = Counter()
    for pid, label in judged.items():
        if rows[pid] in made:
            kept.setdefault(routes[pid], Counter())[label] += 1
        else:
            dropped[label] += 1
    table, yes, no = _table(kept)
    print_table(f"Judged flags of {name!r} that today's code still makes ({len(flags)} flags in {len(titles)} "
                f"titles; dropped: {dropped['yes']} right, {dropped['no']} wrong)",
                ["route (as judged)", "kept", "correct", "precision"], table)
    write_results(RESULTS / f"{name}_recheck.json", {
        "command": f"python -m benchmarks.bench_sweep_flags recheck LABELS.csv --name {name}",
        "sample": name,
        "flags_total": len(flags),
        "titles": len(titles),
        "kept": yes + no,
        "kept_correct": yes,
        "precision_kept": round(yes / max(yes + no, 1), 4),
        "dropped": dict(dropped),
        "kept_by_route": {via: dict(c) for via, c in kept.items()},
        "note": "development measure: the rules were tuned on this sample; report precision on a fresh one",
        "criterion": CRITERION,
    })


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=150)
    s.add_argument("--name", default="sweep_flags", help="file prefix in $SIMILARITY_EVAL_DIR")
    s.add_argument("--exclude", nargs="*", default=[], help="names of earlier samples whose rows to leave out")
    s.add_argument("--source", choices=SOURCES, default="umkm", help="the listings swept (see SOURCES)")
    s.add_argument("--seed", type=int, default=SEED, help="the random draw of the sample")
    for cmd in ("score", "recheck"):
        c = sub.add_parser(cmd)
        c.add_argument("labels", type=Path)
        c.add_argument("--name", default="sweep_flags")
    args = ap.parse_args(argv)
    if args.cmd == "sample":
        sample(args.n, args.name, args.exclude, args.source, args.seed)
    elif args.cmd == "score":
        score(args.labels, args.name)
    else:
        recheck(args.labels, args.name)


if __name__ == "__main__":
    main()
