"""The truth benchmark (issue 18): what the verdict says to real queries, judged per query and per labelled pair.

    python -m benchmarks.bench_verdict                 # demo registry; needs ../shared (or $SIMILARITY_SHARED)
    python -m benchmarks.bench_verdict --shops 1000 --brands 1000 --out benchmarks/results/verdict.json

What it measures, against the bundled demo registry (18,603 real brand names):

- **query-level tier rates** (the worst match of ``check()``'s top 10 decides, as a user sees it):
  real Tokopedia shop names, no classes (evaluation only: never printed, written or trained on — only counted);
  a leave-one-out run over name-suggestion-index brands with their own classes, where the query's own brand (same
  Wikidata id, owner, name, website domain, or a description naming the other as its owner: `same_brand`) is left
  out. NSI brands that share a market with their matches coexist for the same goods, so a "high" there is, with
  few exceptions, a false alarm (DOMAIN.md §8);
- **precision and recall per tier** on the blind-judged examiner pairs (``eval/examiner_pairs_dev.csv``; names
  only, goods assumed the same, so scored without classes), split into the rows a shipped model may train on
  (``nsi-coexisting``: the ``train`` half and the held-out ``test`` half of scripts/train_verdict.py's split) and
  the evaluation-only ``tokopedia-shop`` rows;
- the dispute pairs (``eval/name_pairs_dev.csv``): earlier mark in the top 10 and the tier it gets;
- real hyphenated marks typed with a space and a generic word (COCA COLA JAYA for COCA-COLA): the mark's tier;
- for scale (skip with ``--demo-only``), the same query-level rates against the ~35k real-name registry of
  ``benchmarks.realdata`` (the demo's sources plus 16k Tokopedia shop names registered to their shops), each query's
  own row left out: a shop is not warned about its own name;
- the medium frontier: what a medium threshold keeping more of the examiner's ``yes`` pairs would cost real queries.

Shop names and the tokopedia examiner rows appear in the output only as counts.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from benchmarks.realdata import shared_dir
from benchmarks.report import print_table, write_results
from similarity.build import open_index
from similarity.pipeline import check, score_pairs
from similarity.store.index import MarkIndex
from similarity.text.normalize import InvalidNameError, normalize
from similarity.values import RISKS, Mark
from similarity.verdict.tiers import tier

SEED = 20261201
RESULTS = Path("benchmarks/results/verdict.json")
TIERS = ("high", "medium", "low", "clear")


def _compact(name: str) -> str | None:
    try:
        return normalize(name).compact
    except InvalidNameError:
        return None


def shop_names(shared: Path, n: int, seed: int = SEED) -> list[str]:
    """``n`` distinct real Tokopedia shop names (fixed seed). Evaluation only."""
    path = shared / "data" / "raw" / "tokopedia-umkm-annisaraulitaa" / "products.tsv"
    with open(path, encoding="utf-8") as f:
        names = sorted({(r.get("shop_name") or "").strip() for r in csv.DictReader(f, delimiter="\t")} - {""})
    names = [s for s in names if _compact(s)]
    rng = np.random.default_rng(seed)
    return [names[i] for i in sorted(rng.choice(len(names), size=min(n, len(names)), replace=False))]


def nsi_brands(shared: Path) -> dict[str, dict[str, str]]:
    """name-suggestion-index rows by their id (``NSI-<id>`` in the demo registry)."""
    with open(shared / "data" / "raw" / "name-suggestion-index" / "brands.tsv", encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(f, delimiter="\t")}


SHARED_HOSTS = frozenset({
    "bank.in", "uk.com", "spb.ru", "k12.tr", "in.ua", "gr.jp", "govt.nz", "weebly.com", "wixsite.com", "blogspot.com",
    "wordpress.com", "facebook.com", "instagram.com", "google.com", "linktr.ee", "business.site", "squarespace.com",
    "github.io", "business.google.com", "tiktok.com", "twitter.com", "x.com", "linkedin.com", "youtube.com",
})
"""Domains under which unrelated owners have their sites (a public suffix or a hosting platform): no family sign."""
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "or", "ne", "edu", "gob", "gouv", "nic"})


def site_domain(url: str) -> str:
    """The registrable domain of a brand's website (``https://www.ah.nl/x`` → ``ah.nl``, ``group.reece.com.au`` →
    ``reece.com.au``), "" when there is none or it is a `SHARED_HOSTS` domain.

    >>> site_domain("https://www.ah.nl/winkels"), site_domain("https://cedibio.unilabs.fr/"), site_domain("")
    ('ah.nl', 'unilabs.fr', '')
    """
    host = (urlparse(url).hostname or "").lower().rstrip(".")
    parts = host.split(".")
    keep = 3 if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2 else 2
    domain = ".".join(parts[-keep:]) if len(parts) >= 2 else ""
    return "" if domain in SHARED_HOSTS else domain


def names_as_parent(row: dict[str, str], parent: dict[str, str]) -> bool:
    """Whether ``row``'s Wikidata description names ``parent`` as its owner or operator ("subsidiary of Wells
    Fargo", "gas stations operated by Walmart", "large stores under the Checkers brand").

    >>> names_as_parent({"wikidata_description": "brand of stores operated by Go Outdoors"}, {"brand": "Go Outdoors"})
    True
    >>> names_as_parent({"wikidata_description": "Kiosk brand by Valora"}, {"brand": "Kiosk"})
    False
    """
    text = row.get("wikidata_description", "").casefold()
    for name in {parent.get(k, "").casefold().strip() for k in ("brand", "name", "wikidata_label")}:
        if len(name) >= 3 and re.search(rf"\b(?:by|of|from|under)\s+(?:the\s+)?{re.escape(name)}(?!\w)", text):
            return True
    return False


_NAMED: dict[int, tuple[dict, dict[str, list[dict[str, str]]]]] = {}


def _rows_of(mark: Mark, brands: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """The name-suggestion-index rows of a mark: its own (``NSI-<id>``), or for a mark of another source (a
    simple-icons logo, a listed company) the NSI rows of the same name — Under Armour the logo is Under Armour the
    brand."""
    own = brands.get(mark.id[4:]) if mark.id.startswith("NSI-") else None
    if own is not None:
        return [own]
    cached = _NAMED.get(id(brands))
    if cached is not None and cached[0] is brands:
        named = cached[1]
    else:
        named = {}
        _NAMED[id(brands)] = (brands, named)
        for row in brands.values():
            for key in {_compact(row.get(k, "")) for k in ("brand", "name")} - {None, ""}:
                named.setdefault(key, []).append(row)
    return named.get(_compact(mark.name) or "", [])


def _one_family(a: dict[str, str], b: dict[str, str]) -> bool:
    """One Wikidata id, one website domain, or one described as the other's."""
    if a.get("brand_wikidata") and a.get("brand_wikidata") == b.get("brand_wikidata"):
        return True
    domain = site_domain(a.get("website", ""))
    if domain and domain == site_domain(b.get("website", "")):
        return True
    return names_as_parent(a, b) or names_as_parent(b, a)


def same_brand(query: Mark, other: Mark, brands: dict[str, dict[str, str]]) -> bool:
    """Two rows of one brand or one owner: not a conflict between two marks (left out of the leave-one-out).

    One owner is one Wikidata id or owner name, or — the families of the issue's "skip same-owner families" —
    two name-suggestion-index brands on one website domain (Ibis and Ibis Budget on accor.com, Land Rover and
    Range Rover on landrover.com) or one described as the other's ("subsidiary of Wells Fargo")."""
    if query.id == other.id:
        return True
    if any(_one_family(qa, ob) for qa in _rows_of(query, brands) for ob in _rows_of(other, brands)):
        return True
    if query.owner and query.owner.casefold() == (other.owner or "").casefold():
        return True
    return _compact(query.name) is not None and _compact(query.name) == _compact(other.name)


def worst_risk(risks: Sequence[str]) -> str:
    return min(risks, key=RISKS.index) if risks else "clear"


def tier_rates(risks: Sequence[str]) -> dict[str, float]:
    c = Counter(risks)
    n = max(len(risks), 1)
    out = {t: round(c[t] / n, 4) for t in TIERS}
    out["medium_or_high"] = round((c["high"] + c["medium"]) / n, 4)
    out["n"] = len(risks)
    return out


def shop_run(
    index: MarkIndex, names: Sequence[str], *, own_left_out: bool = False
) -> tuple[list[str], list[float], list[float]]:
    """Per shop name: the verdict's tier, the check's seconds, and the worst match's score. With ``own_left_out``
    (a registry that holds the shops themselves) the shop's own row is left out and the worst of the other top 10
    counts."""
    risks, times, worst = [], [], []
    for name in names:
        t = time.perf_counter()
        r = check(index, name, top=30 if own_left_out else 10)
        times.append(time.perf_counter() - t)
        if own_left_out:
            rest = [m for m in r.matches if (m.mark.owner or "").casefold() != name.casefold()][:10]
            risks.append(worst_risk([m.risk for m in rest]))
        else:
            rest = list(r.matches)
            risks.append(r.verdict.risk)
        worst.append(max((m.score for m in rest), default=0.0))
    return risks, times, worst


def brand_run(
    index: MarkIndex, brands: dict[str, dict[str, str]], n: int, seed: int = SEED
) -> tuple[list[str], list[float]]:
    """Per coexisting brand (its own brand left out): the worst tier of its top 10 and the worst score."""
    marks = [m for m in index if m.id.startswith("NSI-") and m.classes]
    rng = np.random.default_rng(seed)
    picked = [marks[i] for i in sorted(rng.choice(len(marks), size=min(n, len(marks)), replace=False))]
    risks, worst = [], []
    for q in picked:
        r = check(index, q.name, classes=q.classes, top=30)
        rest = [m for m in r.matches if not same_brand(q, m.mark, brands)][:10]
        risks.append(worst_risk([m.risk for m in rest]))
        worst.append(max((m.score for m in rest), default=0.0))
    return risks, worst


def frontier(
    scored: Sequence[tuple[str, str, float, str]], shop_worst: Sequence[float], nsi_worst: Sequence[float],
    recalls: Sequence[float] = (0.5, 0.7, 0.8, 0.9, 0.95),
) -> list[dict[str, float]]:
    """What a ``medium`` threshold would cost at each share of the examiner's ``yes`` pairs it keeps: the threshold,
    the precision of the pairs at or above it, and the share of real queries (shop names; coexisting brands) whose
    worst match reaches it. One score ranks both, so a recall goal and a false-alarm goal meet on this curve."""
    yes = np.sort([s for _, lab, s, _ in scored if lab == "yes"])[::-1]
    no = np.asarray([s for _, lab, s, _ in scored if lab == "no"])
    out = []
    for r in recalls:
        t = float(yes[min(len(yes) - 1, int(np.ceil(r * len(yes))) - 1)])
        kept_yes, kept_no = int((yes >= t).sum()), int((no >= t).sum())
        out.append({
            "yes_at_or_above": round(kept_yes / len(yes), 3), "threshold": round(t, 4),
            "precision": round(kept_yes / max(kept_yes + kept_no, 1), 3),
            "shop_queries": round(float(np.mean(np.asarray(shop_worst) >= t)), 3),
            "coexisting_queries": round(float(np.mean(np.asarray(nsi_worst) >= t)), 3),
        })
    return out


def examiner_pairs(shared: Path) -> list[dict[str, str]]:
    with open(shared / "data" / "eval" / "examiner_pairs_dev.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def examiner_split(pid: str) -> str:
    """``train`` or ``test``: a fixed half of the shippable examiner rows (by a hash of the pair id) is held out,
    never trained or tuned on by scripts/train_verdict.py and reported on its own here."""
    return "test" if zlib.crc32(pid.encode()) % 2 else "train"


def score_examiner(index: MarkIndex, rows: Sequence[dict[str, str]]) -> list[tuple[str, str, float, str]]:
    """(split, label, score, tier) per pair; the later mark is added to the index as its own row."""
    extra = [
        Mark(id=f"EXB-{r['pid']}", name=r["name_b"],
             classes=tuple(int(c) for c in (r["classes_b"] or "").split(";") if c))
        for r in rows
    ]
    ok = []
    for m in extra:
        try:
            index.add([m])
            ok.append(m.id)
        except (ValueError, InvalidNameError):
            pass
    out = []
    for r in rows:
        mid = f"EXB-{r['pid']}"
        split = "tokopedia" if r["source"] == "tokopedia-shop" else examiner_split(r["pid"])
        m = score_pairs(index, r["name_a"], [mid])[0] if mid in ok else None
        s = float(m.score) if m else 0.0
        out.append((split, r["label"], s, m.risk if m else tier(s)))
    index.remove(ok)
    return out


def per_tier(scored: Sequence[tuple[str, str, float, str]]) -> dict[str, dict[str, float | int]]:
    """Cumulative precision (yes among yes+no at or above the tier) and recall of the yes pairs, per tier."""
    out = {}
    yes_total = sum(1 for _, lab, _, _ in scored if lab == "yes")
    for i, t in enumerate(TIERS[:3]):
        at = [lab for _, lab, _, rk in scored if TIERS.index(rk) <= i]
        yes, no = at.count("yes"), at.count("no")
        out[t] = {
            "pairs": len(at),
            "yes": yes,
            "no": no,
            "unsure": at.count("unsure"),
            "precision": round(yes / (yes + no), 3) if yes + no else float("nan"),
            "recall": round(yes / yes_total, 3) if yes_total else float("nan"),
        }
    return out


def auc(scored: Sequence[tuple[str, str, float, str]]) -> float:
    pos = np.array([s for _, lab, s, _ in scored if lab == "yes"])
    neg = np.array([s for _, lab, s, _ in scored if lab == "no"])
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return round(float(greater / (len(pos) * len(neg))), 3)


def dispute_run(index: MarkIndex, shared: Path) -> dict[str, float | int]:
    """Dispute pairs against the demo registry with the earlier marks added: rank and tier of the earlier mark."""
    with open(shared / "data" / "eval" / "name_pairs_dev.csv", encoding="utf-8") as f:
        pairs = list(csv.DictReader(f))
    index.add([Mark(id=f"DEV-{p['id']}", name=p["earlier"]) for p in pairs])
    found, at_medium, similar, rows = 0, 0, 0, []
    for p in pairs:
        r = check(index, p["later"], top=10)
        want = _compact(p["earlier"])
        hit = next((m for m in r.matches if m.mark.id == f"DEV-{p['id']}" or _compact(m.mark.name) == want), None)
        rows.append({"id": p["id"], "expect": p["expect"], "found": hit is not None, "risk": hit.risk if hit else None})
        if p["expect"] == "similar":
            similar += 1
            if hit is not None:
                found += 1
                at_medium += hit.risk in ("high", "medium")
    index.remove([f"DEV-{p['id']}" for p in pairs])
    return {
        "similar": similar,
        "recall_at_10": round(found / similar, 3),
        "found_at_medium_or_high": at_medium,
        "found": found,
        "pairs": rows,
    }


def spacing_run(index: MarkIndex, n: int = 150) -> dict[str, object]:
    """Real hyphenated marks of the registry (COCA-COLA, SPARDA-BANK, ROLLS-ROYCE) typed as a UMKM would, with a space
    and a generic word (COCA COLA JAYA), in the mark's first class: the tier the mark itself gets and whether it comes
    first. A space or a hyphen is no difference an examiner sees. ``by_sound``: the marks with a hard C typed the
    Indonesian way, with a K and a space (KOKA KOLA for COCA-COLA), no word added: a difference in spelling only."""
    marks = [m for m in index if re.fullmatch(r"[A-Za-z]{2,}-[A-Za-z]{2,}", m.name) and m.classes]
    np.random.default_rng(SEED).shuffle(marks)
    spaced = own_tiers(index, [(m, m.name.replace("-", " ") + " Jaya", m.classes[:1]) for m in marks[:n]])
    hard_c = [(m, _hard_c_as_k(m.name.replace("-", " ")), m.classes[:1]) for m in marks]
    changed = [q for q in hard_c if q[1].lower() != q[0].name.replace("-", " ").lower()]
    spaced["by_sound"] = own_tiers(index, changed[:n])
    return spaced


def own_tiers(
    index: MarkIndex, queries: list[tuple[Mark, str, Sequence[int]]], by_name: bool = False
) -> dict[str, object]:
    """What each (mark, query, classes) query gives the mark itself: its tier in the top 10 (the mark, a row of its
    brand, or with ``by_name`` a row of its very name) and whether a row of its name comes first."""
    tiers: Counter[str] = Counter()
    first = 0
    for m, query, classes in queries:
        r = check(index, query, classes=classes)
        own = next((x for x in r.matches if m.id == x.mark.id or m.id in x.same_brand
                    or (by_name and _compact(x.mark.name) == _compact(m.name))), None)
        tiers[own.risk if own else "not in top 10"] += 1
        first += bool(r.matches) and _compact(r.matches[0].mark.name) == _compact(m.name)
    done = max(len(queries), 1)
    return {"queries": len(queries), "tier_of_the_mark": dict(tiers), "mark_first": first,
            "high": round(tiers["high"] / done, 3),
            "medium_or_high": round((tiers["high"] + tiers["medium"]) / done, 3)}


RESPELLINGS = (  # DOMAIN.md §2: spellings an Indonesian ear hears as the same word, one applied per query
    (r"c(?=[aoul])", "k"), (r"k(?=[aou])", "c"), (r"(?<=[a-z])s\b", "z"), (r"x", "ks"), (r"qu", "kw"), (r"ph", "f"),
    (r"oo", "u"), (r"ee", "i"), (r"u", "oe"), (r"(?<![d.])j(?=[aeiou])", "dj"), (r"y(?=[aeiou])", "j"),
    (r"(?<=[a-z])i\b", "y"), (r"(?<=[a-z])y\b", "i"), (r"(?<=[aeiou])h\b", ""),
)  # fmt: skip


def respelled(name: str) -> str | None:
    """``name`` respelled by the first rule of `RESPELLINGS` that applies to it (once), or None when none does.

    >>> respelled("Aqua"), respelled("Adidas"), respelled("Tokopedia"), respelled("Indomie")
    ('akwa', 'adidaz', 'tocopedia', None)
    """
    low = name.lower()
    for pattern, repl in RESPELLINGS:
        out = re.sub(pattern, repl, low, count=1)
        if out != low:
            return out
    return None


_LAST_LETTER = dict(zip("aeioubcdfgklmnprstvz", "oaaaopktpkgrnmblzdfs", strict=True))


def one_letter_off(name: str) -> str | None:
    """``name`` with the last letter of its longest word changed as a copier does (HONDA -> HONDO, SAMSUNG ->
    SAMSUNK, KOPIKO -> KOPIKA), or None when that word has under 5 letters (one letter off a short word is another
    word).

    >>> one_letter_off("Honda"), one_letter_off("Samsung"), one_letter_off("Kopi Kenangan"), one_letter_off("Visa")
    ('hondo', 'samsunk', 'kopi kenangam', None)
    """
    words = name.lower().split()
    if not words:
        return None
    at = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[at]
    if len(word) < 5 or not word.isalpha() or word[-1] not in _LAST_LETTER:
        return None
    words[at] = word[:-1] + _LAST_LETTER[word[-1]]
    return " ".join(words)


def respelled_run(index: MarkIndex, n: int = 300) -> dict[str, object]:
    """Registered marks respelled the way a UMKM would copy them, each once (AQUA -> AKWA, ADIDAS -> ADIDAZ,
    COCA-COLA -> KOCA-COLA), queried in a class of the brand (the mark's own, else another row's of its name, else
    none): the tier the mark gets and whether it comes first. An examiner's *yes* by DOMAIN.md §2 ("a different
    spelling with the same sound counts as similar"), so this is recall on positives, next to the false alarms above.
    ``famous``: every famous mark of the registry; ``marks``: `n` random marks with classes; ``famous_one_letter_off``:
    every famous mark with the last letter of its longest word changed (`one_letter_off`: HONDA -> HONDO), which
    DOMAIN.md §8's examiner's rule calls *yes* ("identical or nearly so in spelling")."""
    from similarity.famous import famous_key, is_famous

    classes_of: dict[str, tuple[int, ...]] = {}
    for m in index:
        if m.classes:
            classes_of.setdefault(famous_key(m.name), m.classes)

    def run(marks: list[Mark], respell: Callable[[str], str | None] = respelled) -> dict[str, object]:
        queries = [(m, query, (m.classes or classes_of.get(famous_key(m.name), ()))[:1])
                   for m in marks if (query := respell(m.name)) is not None and _compact(query) != _compact(m.name)]
        return own_tiers(index, queries, by_name=True)

    famous = sorted((m for m in index if m.id.startswith("FAMOUS-") and is_famous(m.name)), key=lambda m: m.id)
    others = [m for m in index if m.classes and not m.id.startswith("FAMOUS-") and respelled(m.name)]
    np.random.default_rng(SEED).shuffle(others)
    return {"famous": run(famous), "marks": run(others[:n]), "famous_one_letter_off": run(famous, one_letter_off)}


def _hard_c_as_k(name: str) -> str:
    """COCA COLA -> KOKA KOLA: a C before A, O, U, L, R or at a word's end written K and CK written K, as Indonesian
    spells them."""
    name = re.sub(r"(?i)c(?=k)", "", name)
    return re.sub(r"(?i)c(?=[aoulr]|\b)", lambda c: "K" if c.group() == "C" else "k", name)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shops", type=int, default=1000, help="real Tokopedia shop names to query (no classes)")
    ap.add_argument("--brands", type=int, default=1000, help="NSI brands to query leave-one-out, with classes")
    ap.add_argument("--demo-only", action="store_true",
                    help="skip the scale run on the ~35k real-name registry (Tokopedia shops and NSI brands in it)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        sys.exit("bench_verdict needs ../shared/data (or $SIMILARITY_SHARED)")
    index = open_index()
    brands = nsi_brands(shared)

    shops, shop_times, shop_worst = shop_run(index, shop_names(shared, args.shops))
    nsi, nsi_worst = brand_run(index, brands, args.brands)
    scored = score_examiner(index, examiner_pairs(shared))
    disputes = dispute_run(index, shared)
    spacing = spacing_run(index)
    respelled_marks = respelled_run(index)

    rates = {"shop_names": tier_rates(shops), "nsi_coexisting_loo": tier_rates(nsi)}
    if not args.demo_only:  # for scale: the real-name registry, each query's own row left out
        from benchmarks.bench_names_real import real_index

        real = real_index(shared)
        rates["shop_names_real_35k"] = tier_rates(shop_run(real, shop_names(shared, args.shops), own_left_out=True)[0])
        rates["nsi_coexisting_loo_real_35k"] = tier_rates(brand_run(real, brands, args.brands)[0])
        del real
    print_table(
        "Query-level tiers (worst match of the top 10; demo registry, and *_real_35k: the real-name registry, own row "
        "left out)",
        ["queries", "n", "high", "medium", "low", "clear", "medium or high"],
        [[k, v["n"], f"{v['high']:.1%}", f"{v['medium']:.1%}", f"{v['low']:.1%}", f"{v['clear']:.1%}",
          f"{v['medium_or_high']:.1%}"] for k, v in rates.items()],
    )
    examiner = {}
    rows = []
    for split in ("train", "test", "tokopedia", "all"):
        part = [s for s in scored if split == "all" or s[0] == split]
        pt = per_tier(part)
        examiner[split] = {"per_tier": pt, "auc": auc(part), "n": len(part),
                           "labels": dict(Counter(lab for _, lab, _, _ in part))}
        for t in TIERS[:3]:
            rows.append([split, t, pt[t]["pairs"], pt[t]["yes"], pt[t]["no"], pt[t]["precision"], pt[t]["recall"]])
    print_table(
        "Examiner pairs: at or above each tier (precision = yes / (yes + no); recall of the yes pairs)",
        ["split", "tier", "pairs", "yes", "no", "precision", "recall"],
        rows,
    )
    print("AUC yes vs no:", {k: v["auc"] for k, v in examiner.items()})
    print(f"Dispute pairs (demo + earlier marks): recall@10 {disputes['recall_at_10']} "
          f"({disputes['found']}/{disputes['similar']}), found similar at medium or high "
          f"{disputes['found_at_medium_or_high']}/{disputes['found']}")
    print(f"Hyphenated marks typed with a space (COCA COLA JAYA): {spacing['queries']} queries, the mark's tier "
          f"{spacing['tier_of_the_mark']}, first {spacing['mark_first']}")
    for kind, run in respelled_marks.items():
        how = ("one letter off (HONDA -> HONDO)" if kind.endswith("one_letter_off") else
               "respelled as heard (AQUA -> AKWA, ADIDAS -> ADIDAZ)")
        print(f"Marks {how}, {kind}: {run['queries']} queries, the mark's tier {run['tier_of_the_mark']}, first "
              f"{run['mark_first']}")
    by_sound = spacing["by_sound"]
    print(f"... and with a hard C typed K (KOKA KOLA): {by_sound['queries']} queries, the mark's tier "
          f"{by_sound['tier_of_the_mark']}, first {by_sound['mark_first']}")
    curve = frontier(scored, shop_worst, nsi_worst)
    print_table(
        "If medium kept more of the examiner's yes pairs: the threshold it needs and what real queries would get",
        ["yes pairs at or above", "threshold", "precision", "shop names at or above", "coexisting brands"],
        [[c["yes_at_or_above"], c["threshold"], c["precision"], f"{c['shop_queries']:.1%}",
          f"{c['coexisting_queries']:.1%}"] for c in curve],
    )
    print(f"check() on shop names: p50 {1000 * float(np.median(shop_times)):.2f} ms")
    payload = {
        "command": "python -m benchmarks.bench_verdict " + " ".join(argv or sys.argv[1:]),
        "registry": {"marks": len(index), "source": "bundled demo registry",
                     "scale": None if args.demo_only else "benchmarks.bench_names_real.real_index (~35k real names)"},
        "query_level": rates,
        "examiner_pairs": examiner,
        "disputes": disputes,
        "spacing": spacing,
        "respelled": respelled_marks,
        "medium_frontier": curve,
        "check_p50_ms_shops": round(1000 * float(np.median(shop_times)), 3),
    }
    write_results(args.out, payload)
    return payload


if __name__ == "__main__":
    main()
