"""Precision of each tier as a real query meets it: the match behind each high and medium verdict, judged blind.

    python -m benchmarks.verdict_sample draw --out /tmp/judge        # pairs to judge, written OUTSIDE the repository
    python -m benchmarks.verdict_sample tally /tmp/judge/key.csv /tmp/judge/judged*.csv

``bench_verdict`` counts how many real queries reach each tier; this says how many of those an examiner would sign.
``draw`` runs the benchmark's 1,000 Tokopedia shop names (no classes) and 1,000 coexisting NSI brands (their own
classes, own brand and family left out) against the demo registry, exactly as ``bench_verdict`` does, and for each
query whose verdict is high or medium writes the match that decided it: ``key.csv`` (with the tier and score) and
``blind.csv`` (only ``pid, query, query_classes, mark, mark_classes``) for a judge who sees no score. The shop names
are evaluation-only: the files go where ``--out`` says, never into the repository. ``--registry real`` draws the
same queries against ``bench_verdict``'s ~35k real-name registry instead (each shop's own row left out, as there).

A judge writes ``pid, names, goods, why`` per row: ``names`` yes / no / unsure by DOMAIN.md §8's examiner's rule on
the names alone (goods assumed the same), ``goods`` same / related / unrelated / unknown. ``tally`` joins the
judgements to the key by (query, mark) — so a later draw reuses what was judged before and only new pairs need a
judge — and prints, per set and tier, yes / no / unsure and precision (yes / (yes + no)). With several judgement
files the first judgement of a pair counts; pairs judged twice give the agreement.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from benchmarks.bench_verdict import SEED, nsi_brands, same_brand, shop_names, worst_risk
from benchmarks.realdata import shared_dir
from similarity.build import open_index
from similarity.pipeline import check

KEY_FIELDS = ["pid", "set", "query", "query_classes", "mark", "mark_classes", "tier", "score"]
BLIND_FIELDS = ["pid", "query", "query_classes", "mark", "mark_classes"]
JUDGED = ("high", "medium")


def _classes(classes: tuple[int, ...]) -> str:
    return ";".join(map(str, classes))


def draw(shared: Path, n: int = 1000, registry: str = "demo") -> list[dict[str, object]]:
    """The deciding match of every high or medium verdict of ``bench_verdict``'s shop-name and coexisting-brand
    queries, shuffled (seeded) and numbered; ``registry`` "demo" (the bundled one) or "real" (the ~35k real names,
    which hold the shops themselves: a shop's own row is left out, as ``bench_verdict.shop_run`` does)."""
    if registry == "real":
        from benchmarks.bench_names_real import real_index

        index = real_index(shared)
    else:
        index = open_index()
    rows: list[dict[str, object]] = []
    for name in shop_names(shared, n):
        if registry == "real":
            r = check(index, name, top=30)
            shown = [m for m in r.matches if (m.mark.owner or "").casefold() != name.casefold()][:10]
            risk = worst_risk([m.risk for m in shown])
        else:
            r = check(index, name, top=10)
            shown, risk = list(r.matches), r.verdict.risk
        if risk in JUDGED and shown:
            m = max(shown, key=lambda x: x.score)
            rows.append({"set": "shop", "query": name, "query_classes": "", "mark": m.mark.name,
                         "mark_classes": _classes(m.mark.classes), "tier": m.risk, "score": round(m.score, 3)})
    brands = nsi_brands(shared)
    marks = [m for m in index if m.id.startswith("NSI-") and m.classes]
    rng = np.random.default_rng(SEED)
    for q in [marks[i] for i in sorted(rng.choice(len(marks), size=min(n, len(marks)), replace=False))]:
        r = check(index, q.name, classes=q.classes, top=30)
        rest = [m for m in r.matches if not same_brand(q, m.mark, brands)][:10]
        rest = [m for m in rest if m.risk in JUDGED]
        if rest:
            m = max(rest, key=lambda x: x.score)
            rows.append({"set": "coexisting", "query": q.name, "query_classes": _classes(q.classes),
                         "mark": m.mark.name, "mark_classes": _classes(m.mark.classes), "tier": m.risk,
                         "score": round(m.score, 3)})
    random.Random(7).shuffle(rows)
    for i, row in enumerate(rows):
        row["pid"] = f"P{i:03d}"
    return rows


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def tally(key: list[dict[str, str]], judged: list[tuple[list[dict[str, str]], list[dict[str, str]]]]
          ) -> tuple[dict[tuple[str, str], Counter], Counter]:
    """Judgements per (set, tier) of ``key``, and the agreement of pairs judged twice. ``judged`` holds (the key
    the judge's pids refer to, the judge's rows); a pair is known by its (query, mark)."""
    label: dict[tuple[str, str], str] = {}
    agreement: Counter = Counter()
    for their_key, rows in judged:
        by_pid = {r["pid"]: (r["query"], r["mark"]) for r in their_key}
        for r in rows:
            pair = by_pid[r["pid"]]
            if pair in label:
                agreement[(label[pair], r["names"])] += 1
            else:
                label[pair] = r["names"]
    out: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in key:
        out[(r["set"], r["tier"])][label.get((r["query"], r["mark"]), "not judged")] += 1
    return dict(out), agreement


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw", help="write key.csv and blind.csv for a judge")
    d.add_argument("--out", type=Path, required=True, help="a folder outside the repository")
    d.add_argument("--n", type=int, default=1000)
    d.add_argument("--registry", choices=("demo", "real"), default="demo",
                   help="the bundled demo registry, or bench_verdict's ~35k real-name registry")
    t = sub.add_parser("tally", help="precision per tier from judged files")
    t.add_argument("key", type=Path)
    t.add_argument("judged", type=Path, nargs="+",
                   help="judge files; each refers to the key.csv beside it (or to KEY given as judged=KEY)")
    args = ap.parse_args(argv)
    if args.command == "draw":
        shared = shared_dir()
        if shared is None:
            print("needs ../shared (or $SIMILARITY_SHARED)", file=sys.stderr)
            return 2
        if Path(__file__).resolve().parents[1] in args.out.resolve().parents:
            print("--out must be outside the repository: the shop names are evaluation-only", file=sys.stderr)
            return 2
        rows = draw(shared, args.n, args.registry)
        args.out.mkdir(parents=True, exist_ok=True)
        for name, fields in (("key.csv", KEY_FIELDS), ("blind.csv", BLIND_FIELDS)):
            with open(args.out / name, "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
        print(f"{len(rows)} pairs: {dict(Counter((str(r['set']), str(r['tier'])) for r in rows))}")
        return 0
    judged = []
    for spec in args.judged:
        path, _, their = str(spec).partition("=")
        judged.append((_read(Path(their) if their else Path(path).with_name("key.csv")), _read(Path(path))))
    table, agreement = tally(_read(args.key), judged)
    print("| set | tier | yes | no | unsure | not judged | precision |")
    print("|---|---|---|---|---|---|---|")
    for (s, tier), c in sorted(table.items()):
        yes, no = c["yes"], c["no"]
        precision = f"{yes / (yes + no):.2f}" if yes + no else "—"
        print(f"| {s} | {tier} | {yes} | {no} | {c['unsure']} | {c['not judged']} | {precision} |")
    if agreement:
        same = sum(v for (a, b), v in agreement.items() if a == b)
        print(f"pairs judged twice: {sum(agreement.values())}, the same label {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
