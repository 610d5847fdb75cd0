"""Build the bundled demo registry (similarity/data/demo/registry.csv) from the real data in ../shared/data.

Sources (all licences allow redistribution; notices in similarity/data/demo/NOTICE.md):
- OpenStreetMap name-suggestion-index brands (BSD-3-Clause): every brand, with Nice classes from its OSM category;
- Indonesia Stock Exchange listed companies and their subsidiaries (WTFPL), legal forms stripped;
- simple-icons brands (CC0) with their logo as ``simple-icons:<slug>`` (drawn from the simple-icons-pack wheel);
- the famous marks list of similarity/data/famous_marks.tsv (names of well-known marks, facts).

The marks are real brand names, but ids, statuses and owners are not DJKI records: this is a demo registry for
trying the tool, not a trademark register. Run: ``python scripts/build_demo_registry.py [--shared ../shared]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

from similarity.image.hash import code_to_hex, encode_logo
from similarity.text.normalize import InvalidNameError, normalize

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "similarity" / "data" / "demo" / "registry.csv"

# OSM category -> Nice classes of the goods/services the brand is known for (retail of goods is class 35).
CATEGORY_CLASSES = {
    "amenity/atm": (36,), "amenity/bank": (36,), "shop/money_lender": (36,), "office/insurance": (36,),
    "office/estate_agent": (36,), "amenity/bureau_de_change": (36,),
    "shop/clothes": (25, 35), "shop/shoes": (25, 35), "shop/sports": (28, 25, 35), "shop/bag": (18, 35),
    "shop/jewelry": (14, 35), "shop/watches": (14, 35), "shop/optician": (9, 35, 44),
    "shop/supermarket": (35,), "shop/convenience": (35,), "shop/department_store": (35,),
    "shop/variety_store": (35,), "shop/doityourself": (35,), "shop/trade": (35,), "shop/wholesale": (35,),
    "amenity/fast_food": (43,), "amenity/restaurant": (43,), "amenity/cafe": (43, 30), "amenity/pub": (43,),
    "amenity/bar": (43,), "amenity/ice_cream": (30, 43), "amenity/food_court": (43,),
    "shop/bakery": (30, 43), "shop/pastry": (30,), "shop/confectionery": (30,), "shop/coffee": (30,),
    "shop/tea": (30,), "shop/butcher": (29,), "shop/deli": (29, 30), "shop/alcohol": (33, 35),
    "shop/beverages": (32, 35),
    "amenity/fuel": (4, 35), "amenity/charging_station": (9, 39), "shop/car_repair": (37,), "shop/tyres": (12, 37),
    "shop/car": (12, 35), "shop/car_parts": (12, 35), "shop/motorcycle": (12, 35), "amenity/car_rental": (39,),
    "amenity/car_wash": (37,),
    "amenity/pharmacy": (5, 35), "shop/chemist": (3, 5, 35), "shop/cosmetics": (3, 35), "shop/beauty": (44,),
    "shop/hairdresser": (44,), "healthcare/laboratory": (44,), "amenity/clinic": (44,), "amenity/dentist": (44,),
    "tourism/hotel": (43,), "tourism/motel": (43,), "tourism/guest_house": (43,),
    "shop/electronics": (9, 35), "shop/mobile_phone": (9, 35, 38), "shop/telecommunication": (38,),
    "shop/computer": (9, 35), "shop/furniture": (20, 35), "shop/houseware": (21, 35), "shop/bed": (20, 35),
    "shop/books": (16, 35), "shop/stationery": (16, 35), "shop/toys": (28, 35), "shop/pet": (31, 35),
    "leisure/fitness_centre": (41,), "amenity/cinema": (41,), "shop/travel_agency": (39,),
    "amenity/post_office": (39,), "amenity/parcel_locker": (39,), "office/courier": (39,),
}  # fmt: skip

# IDX sub-sector -> Nice classes (main goods/services of companies in it)
SUBSECTOR_CLASSES = {
    "Makanan & Minuman": (29, 30, 32), "Rokok": (34,), "Bank": (36,), "Asuransi": (36,), "Jasa Pembiayaan": (36,),
    "Jasa Investasi": (36,), "Properti & Real Estat": (36, 37), "Telekomunikasi": (38,),
    "Perangkat Lunak & Jasa TI": (9, 42), "Logistik & Pengantaran": (39,), "Transportasi": (39,),
    "Media & Hiburan": (38, 41), "Farmasi & Riset Kesehatan": (5,), "Jasa & Peralatan Kesehatan": (10, 44),
    "Pakaian & Barang Mewah": (25, 14, 18), "Perdagangan Ritel": (35,), "Perdagangan Ritel Barang Primer": (35,),
    "Otomotif & Komponen Otomotif": (12,), "Konstruksi Bangunan": (37,), "Minyak, Gas & Batu Bara": (4,),
    "Produk Rumah Tangga Tidak Tahan Lama": (3, 5), "Barang Rumah Tangga": (11, 20, 21),
    "Jasa Konsumen": (41, 43), "Barang Baku": (1, 6, 19), "Utilitas": (40,), "Barang Rekreasi": (28,),
    "Perangkat Keras & Peralatan Teknologi": (9,),
}  # fmt: skip

LEGAL = re.compile(r"\b(PT|Tbk|Tbk\.|\(Persero\)|Persero|CV|UD)\b\.?", re.IGNORECASE)


def _strip_legal(name: str) -> str:
    return re.sub(r"\s+", " ", LEGAL.sub(" ", name)).strip(" ,.")


def build(shared: Path) -> list[dict]:
    raw = shared / "data" / "raw"
    rows: dict[str, dict] = {}
    seen_names: set[tuple[str, str]] = set()

    def add(mid: str, name: str, owner: str, classes: tuple[int, ...], logo: str = "", source: str = "") -> None:
        name = name.strip()
        if not name or mid in rows:
            return
        try:
            normalize(name)
        except InvalidNameError:
            return  # e.g. "-", or a name in a non-Latin script only
        key = (name.casefold(), ";".join(map(str, classes)))
        if key in seen_names:
            return
        seen_names.add(key)
        rows[mid] = {
            "id": mid,
            "name": name,
            "owner": owner,
            "classes": ";".join(map(str, sorted(set(classes)))),
            "status": "registered",
            "logo": logo,
            "number": "",
            "filed": "",
            "registered": "",
            "source": source,
        }

    with open(raw / "name-suggestion-index" / "brands.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            name = r["brand"] or r["name"] or r["displayName"]
            if not re.search(r"[A-Za-z0-9]", name):
                continue  # names in non-Latin scripts only: out of scope for an Indonesian screen
            add(
                f"NSI-{r['id']}",
                name,
                r["wikidata_label"] or "",
                CATEGORY_CLASSES.get(r["category"], ()),
                source="name-suggestion-index",
            )
    with open(raw / "idx-listed-companies-ledwindra" / "companies.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            name = _strip_legal(r["NamaEmiten"])
            add(
                f"IDX-{r['KodeEmiten']}",
                name,
                r["NamaEmiten"],
                SUBSECTOR_CLASSES.get(r["SubSektor"], ()),
                source="idx-listed-companies",
            )
    with open(raw / "idx-listed-companies-ledwindra" / "anakperusahaan.csv", encoding="utf-8") as f:
        for i, r in enumerate(csv.DictReader(f), start=1):
            name = _strip_legal(r["Nama"] or "")
            if len(name) >= 2:
                add(f"IDXSUB-{r['ticker']}-{i}", name, r["Nama"] or "", (), source="idx-listed-companies")
    with open(raw / "simple-icons-pack" / "icons.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            add(f"SI-{r['slug']}", r["title"], "", (), logo=f"simple-icons:{r['slug']}", source="simple-icons")
    famous = ROOT / "similarity" / "data" / "famous_marks.tsv"
    if famous.exists():
        with open(famous, encoding="utf-8") as f:
            lines = (line for line in f if not line.startswith("#"))
            for i, r in enumerate(csv.DictReader(lines, delimiter="\t"), start=1):
                add(f"FAMOUS-{i:03d}", r["name"], r.get("owner", ""), (), source="famous-marks")
    return list(rows.values())


def add_logo_hashes(rows: list[dict]) -> None:
    """Precompute each logo's code (pHash, shape and dHash, 48 hex digits) so that the demo index builds in seconds.

    tests/pipeline/test_demo.py re-hashes a sample and fails if the loader or hash changed without a rebuild of this
    file.
    """
    from tqdm import tqdm

    for r in tqdm([r for r in rows if r["logo"]], desc="hashing logos"):
        r["logo_hash"] = code_to_hex(encode_logo(r["logo"]))


FEATURES = OUT.parent / "logo_features.npz"


def add_logo_features(rows: list[dict], out: Path = FEATURES, workers: int = 2) -> None:
    """Describe each logo (ORB keypoints, outlines and the OCR text, similarity/logo_describe.py) into `out`, so that
    the demo index is built without describing 3,400 logos on first use (OCR alone takes ~0.1 s a logo).

    tests/test_demo.py re-describes a sample and fails if the features or OCR changed without a rebuild of the file.
    """
    from concurrent.futures import ProcessPoolExecutor

    from tqdm import tqdm

    from similarity.image.describe import describe_logo, write_described

    logos = [r for r in rows if r["logo"]]
    with ProcessPoolExecutor(workers) as pool:
        found = list(
            tqdm(
                pool.map(describe_logo, [r["logo"] for r in logos], chunksize=16),
                total=len(logos),
                desc="describing logos",
            )
        )
    write_described(out, {r["id"]: f for r, f in zip(logos, found, strict=True) if f is not None})
    print(f"wrote {sum(f is not None for f in found)} described logos to {out} ({out.stat().st_size:,} bytes)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--rehash", action="store_true", help="only recompute the logo codes of the existing file (after a hash change)"
    )
    ap.add_argument(
        "--features",
        action="store_true",
        help="only redescribe the logos of the existing file into logo_features.npz (after a features or OCR change)",
    )
    args = ap.parse_args()
    if args.features:
        with open(args.out, encoding="utf-8", newline="") as f:
            add_logo_features(list(csv.DictReader(f)), args.out.parent / FEATURES.name)
        return
    if args.rehash:
        with open(args.out, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    else:
        rows = build(args.shared)
    for r in rows:
        r.setdefault("logo_hash", "")
    add_logo_hashes(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    add_logo_features(rows, args.out.parent / FEATURES.name)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    by_source: dict[str, int] = {}
    for r in rows:
        by_source[r["source"]] = by_source.get(r["source"], 0) + 1
    print(f"wrote {len(rows)} marks to {args.out}: {by_source}")


if __name__ == "__main__":
    main()
