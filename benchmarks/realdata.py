"""The ~40k real-name evaluation registry of ../shared/data/README.md, built into benchmarks/.cache (git-ignored).

registry = name-suggestion-index brands + IDX companies + simple-icons titles (the demo registry's sources)
+ Tokopedia shop names (evaluation only: never committed, never shipped) + the earlier marks of the dev pairs.

    python -m benchmarks.realdata            # writes benchmarks/.cache/real_registry.csv and prints counts
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"


def shared_dir() -> Path | None:
    env = os.environ.get("SIMILARITY_SHARED")
    for c in ([Path(env)] if env else []) + [ROOT.parent / "shared"]:
        if (c / "data").is_dir():
            return c
    return None


def dev_pairs(shared: Path) -> list[dict[str, str]]:
    with open(shared / "data" / "eval" / "name_pairs_dev.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def real_registry(shared: Path, out: Path | None = None, with_logos: bool = False) -> Path:
    """Write the real-name registry CSV (canonical columns) and return its path; cached by content."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_demo_registry import build  # noqa: E402

    out = out or CACHE / ("real_registry_logos.csv" if with_logos else "real_registry.csv")
    if out.exists():
        return out
    rows = build(shared)
    if not with_logos:
        for r in rows:
            r["logo"] = ""
    names = {r["name"].casefold() for r in rows}
    toko = shared / "data" / "raw" / "tokopedia-umkm-annisaraulitaa" / "products.tsv"
    if toko.exists():
        with open(toko, encoding="utf-8") as f:
            for i, r in enumerate(csv.DictReader(f, delimiter="\t")):
                shop = (r.get("shop_name") or "").strip()
                if shop and shop.casefold() not in names and any(ch.isalnum() for ch in shop):
                    names.add(shop.casefold())
                    rows.append(
                        {
                            "id": f"SHOP-{r.get('shop_id') or i}",
                            "name": shop,
                            "owner": shop,
                            "classes": "35",
                            "status": "registered",
                            "logo": "",
                            "number": "",
                            "filed": "",
                            "registered": "",
                            "source": "tokopedia-shops",
                        }
                    )
    for p in dev_pairs(shared):
        rows.append(
            {
                "id": f"DEV-{p['id']}",
                "name": p["earlier"],
                "owner": "",
                "classes": "",
                "status": "registered",
                "logo": "",
                "number": "",
                "filed": "",
                "registered": "",
                "source": "dev-pairs",
            }
        )
    seen: set[str] = set()
    unique = []
    for r in rows:
        if r["id"] not in seen:
            seen.add(r["id"])
            unique.append(r)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(unique[0]))
        w.writeheader()
        w.writerows(unique)
    os.replace(tmp, out)
    return out


if __name__ == "__main__":
    s = shared_dir()
    if s is None:
        sys.exit("../shared/data is absent — set SIMILARITY_SHARED")
    p = real_registry(s)
    with open(p, encoding="utf-8") as f:
        print(p, sum(1 for _ in f) - 1, "marks")
