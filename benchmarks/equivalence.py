"""Same answers before and after a speed-up: the top 10 of fixed synthetic queries, written once and compared later.

The queries are the service benchmark's (half near-misses of registered names, half fresh names, 60 % with
classes) with a simple-icons logo on every fifth, run through :func:`similarity.check` against the
synthetic registry of ``benchmarks/bench_service.py`` — or, with ``--demo``, near-misses of the bundled demo
registry's own names against it. Each answer is reduced to what a user sees — per match the mark id, the score
(the float itself: JSON keeps every bit), the risk, the factors and the reasons; the verdict's risk and score — and
written as JSON. ``--compare`` reruns the queries and reports every query whose answer differs::

    python -m benchmarks.equivalence --index /tmp/idx100k --write /tmp/before.json      # on the old code
    python -m benchmarks.equivalence --index /tmp/idx100k --compare /tmp/before.json    # on the new code
    python -m benchmarks.equivalence --demo --write /tmp/demo_before.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.bench_service import LOGO_SLUGS, build_registry, queries, synthetic_marks
from similarity.pipeline import check
from similarity.store.index import MarkIndex
from similarity.values import CheckResult

LOGO_SHARE = 5
"""Every fifth query carries a logo (the issue's 20 %)."""


def fixed_queries(n: int, marks: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` query bodies (name, classes, logo reference) — the same for the same arguments."""
    bodies = queries(synthetic_marks(min(marks, 5_000)), n, seed=seed)
    logos = available_logos()
    for i, body in enumerate(bodies):
        if i % LOGO_SHARE == 0:
            body["logo"] = logos[(i // LOGO_SHARE) % len(logos)]
    return bodies


def available_logos() -> list[str]:
    """The service benchmark's simple-icons logos that this simple-icons release has."""
    from similarity.image.load import LogoError, load_logo

    found = []
    for slug in LOGO_SLUGS:
        try:
            load_logo(f"simple-icons:{slug}")
        except LogoError:
            continue
        found.append(f"simple-icons:{slug}")
    return found


def answer(result: CheckResult) -> dict[str, Any]:
    """What a user reads of one answer, in a comparable form."""
    return {
        "risk": result.verdict.risk,
        "score": result.verdict.score,
        "verdict_reasons": [r.en for r in result.verdict.reasons],
        "matches": [
            {
                "id": m.mark.id,
                "score": m.score,
                "risk": m.risk,
                "factors": m.factors.to_dict(),
                "reasons": [r.en for r in m.reasons],
                "detail": m.detail,
            }
            for m in result.matches
        ],
    }


def run(index: MarkIndex, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for body in bodies:
        result = check(index, body["name"], classes=body.get("classes", ()), logo=body.get("logo"), top=10)
        out.append({"query": body, **answer(result)})
    return out


TOLERANCE = 1e-9
"""Largest difference of an unrounded score (``score_exact``) that still counts as the same answer."""


def _same(b: Any, a: Any) -> bool:
    """Equal answers, unrounded scores within `TOLERANCE` (a file written before they were recorded compares on the
    rounded ones alone)."""
    if isinstance(b, dict) and isinstance(a, dict):
        keys = set(b) | set(a)
        if "score_exact" in keys and not ("score_exact" in b and "score_exact" in a):
            keys.discard("score_exact")
        return all(k in b and k in a and (
            abs(b[k] - a[k]) <= TOLERANCE if k == "score_exact" else _same(b[k], a[k])) for k in keys)
    if isinstance(b, list) and isinstance(a, list):
        return len(b) == len(a) and all(_same(x, y) for x, y in zip(b, a, strict=True))
    return b == a


def differences(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """One line per query whose answer changed (or per query missing on one side); unrounded scores may differ by
    `TOLERANCE`."""
    lines = []
    if len(before) != len(after):
        lines.append(f"{len(before)} answers before, {len(after)} after")
    for i, (b, a) in enumerate(zip(before, after, strict=False)):
        if not _same(b, a):
            ids_b = [m["id"] for m in b["matches"]]
            ids_a = [m["id"] for m in a["matches"]]
            what = "top-10 ids" if ids_b != ids_a else "scores/reasons"
            lines.append(f"query {i} {b['query']}: {what} differ\n  before {ids_b}\n  after  {ids_a}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--index", type=Path, help="synthetic index folder (built there if absent)")
    where.add_argument("--demo", action="store_true", help="the bundled demo registry, queried by its own names")
    ap.add_argument("--marks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the answers here")
    group.add_argument("--compare", type=Path, help="compare the answers with this file")
    args = ap.parse_args(argv)
    if args.demo:
        from similarity.build import open_index

        index = open_index()
        bodies = queries(list(index), args.queries, seed=7)
    else:
        if not (args.index / "manifest.json").exists():
            print(f"indexing {args.marks:,} synthetic marks into {args.index} …", file=sys.stderr)
            build_registry(args.marks, args.index)
        index = MarkIndex.load(args.index)
        bodies = fixed_queries(args.queries, len(index))
    answers = run(index, bodies)
    if args.write:
        args.write.write_text(json.dumps(answers, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(answers)} answers written to {args.write}")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    diff = differences(before, answers)
    for line in diff:
        print(line)
    same = len(answers) - sum(1 for line in diff if line.startswith("query "))
    print(f"{same} of {len(answers)} answers identical (top 10 ids, scores, risks, factors, reasons, logo detail)")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
