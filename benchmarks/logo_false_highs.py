"""Re-judge a stored leave-one-out run's false highs by mechanism, without running the registry again.

Reads the ``false_alarms`` list a ``bench_logo_verify`` run stored (``query -> mark: tier {evidence}``) and counts
the querying logos with a high from another family by what carried the high: a keypoint fit over less than 70 % of
the registered ink (``partial_fit``), the logo's text alone (``text_only``), other keypoint fits. It then shows how
many queries would stay high if (a) a partial fit were not conclusive, (b) one slug being the other's plus a suffix
(``ferrarinv`` / ``ferrari``, ``svelte-kit`` / ``svelte``) counted as one owner. An estimate only: queries are
keyed by slug, and a changed rule can move other matches into the top 10. Run::

    python -m benchmarks.logo_false_highs benchmarks/results/logo_verify_h20c_full_loo.json
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

PARTIAL = 0.7
"""Coverage of the registered ink below which a keypoint fit counts as ``partial_fit``."""


def parse(line: str) -> tuple[str, str, str, dict]:
    """``(query, mark, tier, evidence)`` of one stored false alarm line."""
    pair, rest = line.split(": ", 1)
    tier, evidence = rest.split(" ", 1)
    query, mark = pair.split(" -> ")
    return query, mark, tier, ast.literal_eval(evidence)


def mechanism(evidence: dict) -> str:
    """What carried a high: ``text_only``, ``partial_fit`` (keypoints over < `PARTIAL` of the ink) or ``keypoints``."""
    v = evidence.get("verification")
    if not v or not v.get("verified"):
        return "text_only" if evidence.get("text", {}).get("similarity", 0) >= 0.95 else "other"
    return "partial_fit" if v.get("coverage", 1.0) < PARTIAL else v.get("method", "other")


def suffixed(a: str, b: str) -> bool:
    """One slug is the other's plus a suffix (hyphens dropped, the shorter one at least 3 letters)."""
    a, b = a.replace("-", ""), b.replace("-", "")
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short) and long != short


def rejudge(path: Path) -> dict:
    stored = json.loads(path.read_text(encoding="utf-8"))["verified"]["false_alarms"]
    highs = [parse(line) for line in stored["false_alarms"] if parse(line)[2] == "high"]
    queries = stored["queries"]
    by_query: dict[str, list[tuple[str, str]]] = {}
    for query, mark, _, evidence in highs:
        by_query.setdefault(query, []).append((mark, mechanism(evidence)))

    def high_rate(keep) -> float:
        return sum(any(keep(q, m, k) for m, k in marks) for q, marks in by_query.items()) / queries

    counts: dict[str, int] = {}
    for marks in by_query.values():
        for kind in {k for _, k in marks}:
            counts[kind] = counts.get(kind, 0) + 1
    return {
        "queries": queries,
        "stored_high": stored["high"],
        "querying_slugs_high": len(by_query),
        "queries_with_a_high_by": counts,
        "high_if_partial_fit_not_conclusive": high_rate(lambda q, m, k: k != "partial_fit"),
        "high_if_suffix_pairs_one_owner": high_rate(lambda q, m, k: not suffixed(q, m)),
        "high_if_both": high_rate(lambda q, m, k: k != "partial_fit" and not suffixed(q, m)),
        "suffix_pairs": sorted({f"{q} ~ {m}" for q, marks in by_query.items() for m, _ in marks if suffixed(q, m)}),
        "partial_fits": sorted({f"{q} ~ {m}" for q, marks in by_query.items() for m, k in marks if k == "partial_fit"}),
    }


if __name__ == "__main__":
    print(json.dumps(rejudge(Path(sys.argv[1])), indent=2))
