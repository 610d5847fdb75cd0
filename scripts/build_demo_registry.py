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
from collections.abc import Iterable
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

# The rest of the OSM categories of the name-suggestion-index, so that a demo mark is not left without classes
# when its category names its goods or services (a DJKI registration always lists classes; a demo mark without
# them was weighed as "unknown goods", 0.75, and drove most of the coexisting false alarms of issue 18). A
# category whose goods no class names (a government office, a political party, a union, a club) is left out and
# its marks keep no classes. Classes follow the class headings of the Nice Classification (12th edition).
MORE_CATEGORY_CLASSES = {
    "advertising/totem": (35,), "amenity/bicycle_rental": (39,), "amenity/vending_machine": (35,),
    "man_made/charge_point": (9, 39), "shop/charity": (35, 36), "amenity/social_facility": (44, 45),
    "shop/outdoor": (25, 28, 35), "shop/storage_rental": (39,), "amenity/payment_terminal": (36,),
    "shop/bicycle": (12, 35), "amenity/prep_school": (41,), "shop/pawnbroker": (36,), "shop/hardware": (6, 8, 35),
    "amenity/recycling": (40,), "amenity/kindergarten": (41,), "office/telecommunication": (38,),
    "shop/kitchen": (20, 21, 35), "shop/gift": (35,), "shop/bookmaker": (41,), "leisure/sports_centre": (41,),
    "healthcare/sample_collection": (44,), "shop/hearing_aids": (10, 35), "office/financial_advisor": (36,),
    "shop/interior_decoration": (20, 35), "shop/garden_centre": (31, 35), "office/employment_agency": (35,),
    "shop/newsagent": (16, 35), "shop/perfumery": (3, 35), "shop/paint": (2, 35), "shop/kiosk": (35,),
    "shop/baby_goods": (25, 35), "emergency/ambulance_station": (39, 44), "amenity/language_school": (41,),
    "shop/dry_cleaning": (37,), "office/coworking": (35, 36), "shop/florist": (31, 35), "shop/e-cigarette": (34, 35),
    "amenity/vehicle_inspection": (42,), "shop/truck": (12, 35), "shop/fashion_accessories": (18, 25, 35),
    "shop/chocolate": (30, 35), "shop/second_hand": (35,), "shop/country_store": (35,), "amenity/veterinary": (44,),
    "shop/truck_repair": (37,), "shop/outpost": (35, 39), "shop/household_linen": (24, 35),
    "shop/tobacco": (34, 35), "shop/mall": (35, 36), "shop/dairy": (29, 35), "tourism/hostel": (43,),
    "shop/photo": (9, 40, 41), "shop/nutrition_supplements": (5, 35), "shop/lottery": (41,),
    "shop/health_food": (5, 29, 30, 35), "shop/greengrocer": (31, 35), "shop/cannabis": (5, 34, 35),
    "amenity/school": (41,), "amenity/childcare": (43,), "shop/tool_hire": (7, 8, 37), "shop/tiles": (19, 35),
    "shop/ticket": (35, 39, 41), "shop/medical_supply": (10, 35), "shop/laundry": (37,), "shop/gas": (4, 35),
    "shop/funeral_directors": (45,), "shop/electrical": (9, 11, 35), "shop/craft": (16, 26, 35),
    "office/financial": (36,), "office/consulting": (35,), "leisure/amusement_arcade": (41,),
    "highway/services": (4, 35, 43), "amenity/casino": (41,), "shop/wine": (33, 35),
    "shop/hairdresser_supply": (3, 8, 35), "shop/frozen_food": (29, 30, 35), "shop/erotic": (10, 35),
    "shop/agrarian": (1, 31, 35), "landuse/residential": (36, 37), "craft/electronics_repair": (37,),
    "shop/plant_hire": (37,), "shop/copyshop": (35, 40), "shop/bathroom_furnishing": (11, 20, 35),
    "office/mortgage": (36,), "healthcare/blood_donation": (44,), "tourism/caravan_site": (43,),
    "office/logistics": (39,), "office/lawyer": (45,), "amenity/payment_centre": (36,),
    "amenity/money_transfer": (36,), "amenity/karaoke_box": (41,), "amenity/car_sharing": (39,),
    "shop/video_games": (9, 28, 35), "shop/massage": (44,), "shop/flooring": (19, 27, 35), "amenity/training": (41,),
    "amenity/internet_cafe": (38, 43), "shop/motorcycle_repair": (37,), "shop/hifi": (9, 35),
    "office/tax_advisor": (35,), "amenity/post_depot": (39,), "amenity/photo_booth": (40, 41),
    "shop/window_blind": (20, 22, 35), "shop/musical_instrument": (15, 35), "shop/music": (9, 35),
    "amenity/doctors": (44,), "shop/mobile_phone_accessories": (9, 35), "shop/locksmith": (6, 37, 45),
    "shop/fabric": (24, 35), "shop/carpet": (27, 35), "leisure/bowling_alley": (41,),
    "leisure/adult_gaming_centre": (41,), "craft/cleaning": (37,), "amenity/parking": (39,),
    "tourism/theme_park": (41,), "shop/nuts": (29, 35), "shop/leather": (18, 35), "shop/anime": (16, 28, 35),
    "leisure/trampoline_park": (41,), "leisure/playground": (41,), "leisure/indoor_play": (41,),
    "healthcare/physiotherapist": (44,), "amenity/university": (41,), "amenity/bicycle_parking": (39,),
    "shop/vacuum_cleaner": (7, 35), "shop/herbalist": (5, 35), "shop/groundskeeping": (44,),
    "shop/doors": (6, 19, 35), "office/it": (42,), "craft/window_construction": (37,), "amenity/music_school": (41,),
    "amenity/hospital": (44,), "tourism/information": (39,), "shop/video": (9, 41), "shop/tractor_repair": (37,),
    "shop/tractor": (12, 35), "shop/lighting": (11, 35), "shop/gold_buyer": (36,), "shop/games": (28, 35),
    "shop/fishing": (28, 35), "shop/camera": (9, 35), "shop/art": (16, 35), "office/security": (45,),
    "office/moving_company": (39,), "craft/signmaker": (20, 40), "craft/plumber": (37,), "amenity/library": (41,),
    "amenity/driving_school": (41,), "shop/tailor": (25, 40), "shop/seafood": (29, 35), "shop/repair": (37,),
    "shop/pyrotechnics": (13, 35), "shop/printer_ink": (2, 35), "shop/party": (28, 35), "shop/general": (35,),
    "shop/cheese": (29, 35), "shop/boat": (12, 35), "office/engineer": (42,), "healthcare/counselling": (44,),
    "amenity/gambling": (41,), "amenity/animal_boarding": (43,), "shop/swimming_pool": (19, 35, 37),
    "shop/shoe_repair": (37,), "shop/pest_control": (37,), "shop/model": (28, 35), "shop/glaziery": (21, 37),
    "shop/curtain": (24, 35), "shop/caravan": (12, 35), "shop/candles": (4, 35),
    "office/construction_company": (37,), "leisure/escape_game": (41,), "leisure/dance": (41,),
    "healthcare/audiologist": (44,), "healthcare/alternative": (44,), "craft/glaziery": (37,),
    "craft/carpenter": (37,), "amenity/mortuary": (45,), "amenity/college": (41,),
    "amenity/bicycle_repair_station": (37,), "waterway/fuel": (4, 35), "shop/tattoo": (44,), "shop/spices": (30, 35),
    "shop/power_tools": (7, 8, 35), "shop/pottery": (21, 35), "shop/frame": (20, 35), "shop/catalogue": (35,),
    "shop/bbq": (11, 35), "office/insurance_adjuster": (36,), "office/bail_bond_agent": (45,), "leisure/sauna": (44,),
    "leisure/miniature_golf": (41,), "leisure/high_ropes_course": (41,), "leisure/fitness_station": (41,),
    "healthcare/rehabilitation": (44,), "healthcare/dialysis": (44,), "craft/painter": (37,),
    "craft/electrician": (37,), "amenity/telephone": (38,), "amenity/motorcycle_rental": (39,),
    "amenity/conference_centre": (41, 43),
}  # fmt: skip

SOFTWARE_CLASSES = (9, 42)
"""simple-icons draws the logos of software, web services and tech companies: a brand of it with no row of the same
name elsewhere takes downloadable software (9) and software as a service (42)."""

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


def _joined(classes: Iterable[int]) -> str:
    """The registry's ``classes`` cell: sorted, unique, ``;``-separated."""
    return ";".join(map(str, sorted(set(classes))))


def write_rows(path: Path, rows: list[dict]) -> None:
    """Write the registry CSV atomically (a temporary file beside it, then a rename)."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    tmp.replace(path)


def _strip_legal(name: str) -> str:
    return re.sub(r"\s+", " ", LEGAL.sub(" ", name)).strip(" ,.")


def build(shared: Path) -> list[dict]:
    raw = shared / "data" / "raw"
    rows: dict[str, dict] = {}
    later: dict[str, tuple[int, ...]] = {}  # classes filled in after the rows are chosen (see fill_classes)
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
            "classes": _joined(classes),
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
            if r["category"] in MORE_CATEGORY_CLASSES:
                later.setdefault(f"NSI-{r['id']}", MORE_CATEGORY_CLASSES[r["category"]])
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
                parent = rows.get(f"IDX-{r['ticker']}")
                if parent and parent["classes"]:  # a subsidiary works in its group's line of business
                    later[f"IDXSUB-{r['ticker']}-{i}"] = tuple(int(c) for c in parent["classes"].split(";"))
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
                if r.get("classes"):  # the goods it is known for; after the choice, like a subsidiary's
                    later[f"FAMOUS-{i:03d}"] = tuple(int(c) for c in r["classes"].split(";"))
    out = list(rows.values())
    fill_classes(out, later)
    return out


def fill_classes(rows: list[dict], later: dict[str, tuple[int, ...]]) -> None:
    """Give classes to the rows chosen without them, after the choice, so that the same rows (and logos) are kept.

    A DJKI registration always lists its classes; a demo mark without them is weighed as "unknown goods" and
    accuses marks of any goods. In order: the classes of its OSM category or of its listed parent company
    (``later``; for a famous mark, the classes the famous-marks list gives it); those of a row of the same name from
    another source (the simple-icons twin of a name-suggestion-index brand; a famous mark adds its twin's to its
    own); simple-icons brands otherwise take software classes. What is still without classes (a category naming no
    goods) stays so.

        >>> rows = [{"id": "SI-x", "name": "Kopi", "classes": "", "source": "simple-icons"},
        ...         {"id": "NSI-k", "name": "KOPI", "classes": "30;43", "source": "name-suggestion-index"},
        ...         {"id": "SI-y", "name": "Yarn", "classes": "", "source": "simple-icons"}]
        >>> fill_classes(rows, {})
        >>> [r["classes"] for r in rows]
        ['30;43', '30;43', '9;42']
    """
    for r in rows:
        if not r["classes"] and r["id"] in later:
            r["classes"] = _joined(later[r["id"]])
    by_name: dict[str, set[int]] = {}
    for r in rows:
        if r["classes"] and r["source"] not in ("simple-icons", "famous-marks"):
            by_name.setdefault(r["name"].casefold(), set()).update(int(c) for c in r["classes"].split(";"))
    for r in rows:
        twin = by_name.get(r["name"].casefold())
        if r["source"] == "famous-marks" and twin:  # the goods it is known for and its twin's (its shops: 35)
            r["classes"] = _joined(twin | {int(c) for c in r["classes"].split(";") if c})
            continue
        if r["classes"]:
            continue
        if twin:
            r["classes"] = _joined(twin)
        elif r["source"] == "simple-icons":
            r["classes"] = _joined(SOFTWARE_CLASSES)


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


def refill_classes(path: Path, built: list[dict]) -> None:
    """Rewrite only the ``classes`` column of the registry at ``path`` from freshly ``built`` rows (same ids), keeping
    its logo codes and features; the file is replaced atomically."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    classes = {r["id"]: r["classes"] for r in built}
    missing = [r["id"] for r in rows if r["id"] not in classes]
    if missing or len(classes) != len(rows):
        raise SystemExit(f"the built rows are not the file's rows ({len(missing)} missing): rebuild the whole file")
    before = sum(1 for r in rows if not r["classes"])
    for r in rows:
        r["classes"] = classes[r["id"]]
    write_rows(path, rows)
    after = sum(1 for r in rows if not r["classes"])
    print(f"rewrote the classes of {len(rows)} marks in {path}: {before} -> {after} without classes")


def append_new_rows(path: Path, built: list[dict]) -> None:
    """Append to the registry at ``path`` the rows a fresh build has and the file lacks (a mark added to the
    famous-marks list), keeping every other row, its logo codes and features; the file is replaced atomically. A new
    row with a logo needs its codes and features: rebuild the whole file then."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    have = {r["id"] for r in rows}
    new = [r for r in built if r["id"] not in have]
    if any(r["logo"] for r in new) or len(have - {r["id"] for r in built}):
        raise SystemExit("a new row has a logo, or the file has rows a build no longer makes: rebuild the whole file")
    for r in new:
        r.setdefault("logo_hash", "")
    write_rows(path, rows + new)
    print(f"appended {len(new)} marks to {path}: {', '.join(r['name'] for r in new) or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--rehash", action="store_true", help="only recompute the logo codes of the existing file (after a hash change)"
    )
    ap.add_argument(
        "--classes",
        action="store_true",
        help="only refill the classes of the existing file's marks from ../shared (after a change of the class maps)",
    )
    ap.add_argument(
        "--features",
        action="store_true",
        help="only redescribe the logos of the existing file into logo_features.npz (after a features or OCR change)",
    )
    ap.add_argument(
        "--append",
        action="store_true",
        help="only append the rows a build adds to the existing file (after marks were added to the famous list)",
    )
    args = ap.parse_args()
    if args.append:
        append_new_rows(args.out, build(args.shared))
        return
    if args.classes:
        refill_classes(args.out, build(args.shared))
        return
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
    write_rows(args.out, rows)
    by_source: dict[str, int] = {}
    for r in rows:
        by_source[r["source"]] = by_source.get(r["source"], 0) + 1
    print(f"wrote {len(rows)} marks to {args.out}: {by_source}")


if __name__ == "__main__":
    main()
