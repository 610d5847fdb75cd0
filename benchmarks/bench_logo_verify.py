"""Logo verification benchmark: leave-one-out false alarms, copy recall per transform, cost — hashes alone vs verified.

Registry: a fixed random draw of the real logos (simple-icons in brand colour + gilbarbara, see logo_data.py), each a
mark named by its brand, with its hash codes and local features precomputed (OCR of the registered logos is left
out: its cost is measured on a sample). Three measurements, each run twice in the same process — "hash" (the query
given as its dihedral hash codes: what the pre-check did before) and "verified" (the query given as a picture:
keypoint votes, geometric verification and OCR):

- leave-one-out: every query is a registered logo, checked against the others; a match from another brand at
  medium or high is a false alarm (the query's own brand is removed from its answers);
- copy recall@1 per transform: the registered logo transformed (logo_data.TRANSFORMS plus a 10 % crop, the composite
  pad + word + JPEG q70, and the logo pasted at 30–60 % on clutter) must come first;
- same brand, another drawing: a gilbarbara logo whose brand is in simple-icons must find it in its top 10;
- diagnose: for the hard copies, the crops and the overlaid word (`DIAGNOSED`), the stage where each one is lost — not a
  candidate, not verified (which rule failed), verified below medium, or beaten by another mark — counted per
  transform, with each miss's facts.

The verification threshold is calibrated first on a disjoint sample of leave-one-out queries (``--calibrate``
writes it to similarity/data/logo_calibration.json, key ``verify``). Run::

    python -m benchmarks.bench_logo_verify [--registry 2000] [--loo 1000] [--copies 120] [--calibrate]
    python -m benchmarks.bench_logo_verify --registry 1200 --copies 50 --parts diagnose --modes verified --out f.json
"""

from __future__ import annotations

import argparse
import io
import json
import time
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from benchmarks.logo_brands import families
from benchmarks.logo_data import TRANSFORMS, _crop, on_white, real_logo_sources, render
from similarity.candidates.logos import logo_candidates
from similarity.image import verify as verify_module
from similarity.image.features import extract
from similarity.image.hash import dihedral_codes, logo_code
from similarity.image.load import LogoError, prepare_logo
from similarity.pipeline import check
from similarity.score.logo_hashes import logo_evidence
from similarity.store.index import MarkIndex
from similarity.values import Mark

RESULTS = Path(__file__).parent / "results" / "logo_verify.json"
CALIBRATION = Path(__file__).resolve().parents[1] / "similarity" / "data" / "logo_calibration.json"
RISKY = ("medium", "high")
PARTS = ("loo", "copies", "other_drawing", "cost", "diagnose")
HARD = ("crop_10pct", "pad_text_jpeg70", "pasted_45pct_noise", "pasted_30pct_gradient", "pasted_60pct_logo")
DIAGNOSED = (*HARD, "crop_5pct", "text_overlay", "crop_3pct", "crop_7pct", "crop_12pct", "crop_15pct")
"""The copy transforms whose misses are broken down by stage (:func:`diagnose`): the hard ones and those short of
their goal."""


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _composite(image: Image.Image) -> Image.Image:
    """Padded, "KOPI KITA" written under it, saved as JPEG q70 (the issue's Starbucks copy)."""
    rgb = ImageOps.expand(on_white(image), border=round(max(image.size) * 0.2), fill="white")
    canvas = Image.new("RGB", (rgb.width, rgb.height + rgb.height // 4), "white")
    canvas.paste(rgb, (0, 0))
    font = ImageFont.load_default(size=max(10, canvas.height // 9))
    ImageDraw.Draw(canvas).text(
        (canvas.width / 2, rgb.height + canvas.height // 10), "KOPI KITA", fill="black", font=font, anchor="mm"
    )
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=70)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _pasted(ground: str, share: float, other: Image.Image | None = None):
    """The logo (with its transparency) pasted at `share` of a 480 px picture of noise, a gradient or a second logo."""

    def paste(image: Image.Image) -> Image.Image:
        rng = np.random.default_rng(7)
        side = 480
        if ground == "noise":
            canvas = Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8))
        else:
            ramp = np.linspace(40, 220, side, dtype=np.float32)
            pixels = np.stack(
                [ramp[None, :].repeat(side, 0), ramp[:, None].repeat(side, 1), 255 - ramp[None, :].repeat(side, 0)],
                axis=2,
            )
            canvas = Image.fromarray(pixels.astype(np.uint8))
            if ground == "logo" and other is not None:
                second = other.copy()
                second.thumbnail((side // 3, side // 3))
                canvas.paste(second, (side - second.width - 10, side - second.height - 10), second)
        logo = image.copy()
        scale = share * side / max(logo.size)
        logo = logo.resize((max(1, round(logo.width * scale)), max(1, round(logo.height * scale))))
        canvas.paste(logo, (20, 30), logo)
        return canvas

    return paste


def _unregistered(sources, drawn: set[int]) -> Image.Image | None:
    """A real logo that is not in the registry (the second logo of a cluttered picture must not be a copy too); None
    when every one is (the full leave-one-out run)."""
    return next((r for i, source in enumerate(sources) if i not in drawn and (r := render(source)) is not None), None)


def drawn_registry(sources, registry: int) -> tuple[MarkIndex, dict[int, Image.Image], float, list[int], list[int]]:
    """The benchmark's seeded draw of ``registry`` logos, their index (`build_registry`) and the order its queries and
    copies are taken in: (index, renderings, describe seconds, drawn rows, order). `bench_logo_votes` and
    `logo_copy_margins` draw the same."""
    rng = np.random.default_rng(20)
    drawn = sorted(rng.choice(len(sources), min(registry, len(sources)), replace=False).tolist())
    index, renderings, describe_s = build_registry(sources, drawn)
    return index, renderings, describe_s, drawn, rng.permutation(sorted(renderings)).tolist()


def copy_transforms(sources, drawn: list[int]) -> dict:
    """Every transform a copy is made by: logo_data's (but ``transparent``), the crop, the padded word under JPEG and
    the pastes (on noise, a gradient and, when one is left unregistered, another real logo)."""
    transforms = {
        **{k: v for k, v in TRANSFORMS.items() if k != "transparent"},
        "crop_10pct": lambda image: _crop(image, 0.1),
        "pad_text_jpeg70": _composite,
        "pasted_45pct_noise": _pasted("noise", 0.45),
        "pasted_30pct_gradient": _pasted("gradient", 0.3),
    }
    second = _unregistered(sources, set(drawn))
    if second is not None:
        transforms["pasted_60pct_logo"] = _pasted("logo", 0.6, second)
    return transforms


EXTRA_CROPS = {f"crop_{p}pct": partial(_crop, fraction=p / 100) for p in (3, 7, 12, 15)}
"""Crops the default run does not make (run them by name with ``--transforms``): whether what finds the 5 % and 10 %
crops holds between and beyond them."""


def build_registry(sources, rows) -> tuple[MarkIndex, dict[int, Image.Image], float]:
    """The benchmark registry (mark id = source position) and the RGBA renderings; seconds per logo described."""
    index = MarkIndex()
    renderings, marks, codes, features = {}, [], {}, {}
    described = 0.0
    for i in rows:
        rgba = render(sources[i])
        if rgba is None:
            continue
        try:
            prepared = prepare_logo(on_white(rgba))
            codes[str(i)] = logo_code(prepared)
            start = time.perf_counter()
            features[str(i)] = extract(prepared)
            described += time.perf_counter() - start
        except LogoError:
            continue
        renderings[i] = rgba
        marks.append(Mark(id=str(i), name=sources[i].brand.replace("-", " ")))
    index.add(marks, logo_hashes=codes)
    for mark_id, found in features.items():
        index.logo_features.put(index.row_of(mark_id), found)
    index.logo_features.search_index()  # built once, as a saved index reads it back
    return index, renderings, described / max(1, len(features))


def _query(image: Image.Image, mode: str):
    """The query as the check takes it: dihedral hash codes ("hash") or the picture itself ("verified")."""
    if mode == "hash":
        return dihedral_codes(prepare_logo(image.convert("RGBA") if image.mode == "RGBA" else image))
    return _png(image)


SAME_DRAWING = 3
"""pHash/dHash bits (of 64, unturned) within which another brand's logo is the same drawing filed under two brand keys
in the data (one collection's "nodejs" and the other's "node-dot-js"): a true copy, not a false alarm."""


def _same_drawing(logo: dict) -> bool:
    return (
        logo.get("hash") in ("phash", "dhash")
        and logo.get("variant") == "identity"
        and logo.get("distance", 64) <= SAME_DRAWING
    )


def _brand(source) -> str:
    """The brand key with its hyphens dropped: the two collections spell one brand "khan-academy" and "khanacademy"."""
    return source.brand.replace("-", "")


def false_alarms(index, sources, renderings, rows, mode) -> dict:
    """Leave-one-out: the worst tier any other brand family's mark gets for each query; ``false_alarms`` lists every
    such match at medium or high with its evidence."""
    family = families(sources).of
    worst = {"high": 0, "medium": 0, "low": 0, "clear": 0}
    raw_key = {"high": 0, "medium_or_high": 0}  # the same queries judged by the slug key alone (no family table)
    duplicates = 0
    accused = []
    for i in rows:
        result = check(index, logo=_query(on_white(renderings[i]), mode), top=10)
        own = _brand(sources[i])
        raw = [
            m.risk
            for m in result.matches
            if _brand(sources[int(m.mark.id)]) != own and not _same_drawing(m.detail.get("logo", {}))
        ]
        raw_key["high"] += "high" in raw
        raw_key["medium_or_high"] += "high" in raw or "medium" in raw
        others = [m for m in result.matches if family[int(m.mark.id)] != family[i]]
        duplicates += sum(_same_drawing(m.detail.get("logo", {})) for m in others)
        risky = [m for m in others if not _same_drawing(m.detail.get("logo", {}))]
        risks = [m.risk for m in risky]
        tier = next((t for t in ("high", "medium", "low") if t in risks), "clear")
        worst[tier] += 1
        accused += [
            f"{sources[i].slug} -> {sources[int(m.mark.id)].slug}: {m.risk} {m.detail.get('logo', {})}"
            for m in risky
            if m.risk in RISKY
        ]
    n = max(1, len(rows))
    return {
        "queries": len(rows),
        "high": worst["high"] / n,
        "medium_or_high": (worst["high"] + worst["medium"]) / n,
        "counts": worst,
        "without_family_table": {k: v / n for k, v in raw_key.items()},
        "same_drawing_excluded": duplicates,
        "false_alarms": accused,
    }


def calibrate(index, sources, renderings, rows, copies) -> dict:
    """Choose the outline agreement from which a match is a verified copy: the lowest value (on a 0.01 grid, at
    least 0.8) at which at most 1 % of leave-one-out queries verify another brand's logo; recall on copies there."""
    verify_module.thresholds.cache_clear()
    original = verify_module.thresholds
    verify_module.thresholds = lambda: {"agreement": 2.0, "weak": 0.55}  # nothing verifies: raw agreements only
    from similarity.score.logos import LogoQuery, assess, candidate_rows

    family = families(sources).of
    try:
        others, own = [], []
        for i in rows:
            query = LogoQuery.of(_png(on_white(renderings[i])), read=False)
            found = candidate_rows(index, query)
            best = 0.0
            for row, judged in zip(found.tolist(), assess(index, query, found), strict=True):
                v = judged.verification if judged is not None else None
                mark = index.marks_at([row])[0]
                if (
                    v is not None
                    and v.coverage >= verify_module.MIN_COVERAGE
                    and family[int(mark.id)] != family[i]
                    and not _same_drawing(judged.detail())
                ):
                    best = max(best, v.agreement)
            others.append(best)
        for i, transform in copies:
            query = LogoQuery.of(_png(transform(renderings[i]).convert("RGB")), read=False)
            row = index.row_of(str(i))
            candidate_rows(index, query)  # the keypoint votes: a crop the hashes miss is verified when voted for
            judged = assess(index, query, np.array([row]))[0]
            v = judged.verification if judged is not None else None
            own.append(v.agreement if v is not None and v.coverage >= verify_module.MIN_COVERAGE else 0.0)
    finally:
        verify_module.thresholds = original
    others, own = np.array(others), np.array(own)
    grid = np.round(np.arange(0.8, 1.0, 0.01), 2)
    threshold = float(next((t for t in grid if (others >= t).mean() <= 0.01), grid[-1]))
    print("others' best agreement, quantiles 50/90/95/99:", np.quantile(others, [0.5, 0.9, 0.95, 0.99]).round(3))
    print("copies verified at", {float(t): round(float((own >= t).mean()), 3) for t in grid[::2]})
    return {
        "agreement": threshold,
        "weak": 0.55,
        "false_verified_rate": float((others >= threshold).mean()),
        "copy_verified_rate": float((own >= threshold).mean()),
        "queries": len(rows),
        "copies": len(copies),
        "date": date.today().isoformat(),
        "dataset": "simple-icons+gilbarbara real logos (benchmarks/logo_data.py)",
        "method": "lowest edge-agreement (0.01 grid, >= 0.8) at which <= 1% of leave-one-out queries verify another "
        "brand's logo among their candidates (hash, keypoint votes); copies: registered logos under the benchmark "
        "transforms",
        "produced_by": "python -m benchmarks.bench_logo_verify --calibrate",
    }


def copy_recall(
    index, renderings, rows, transforms, mode, tiers: dict | None = None, family: dict | None = None
) -> dict:
    """Recall@1 per transform; `tiers`, when given, gets the tier of each found copy per transform (a copy found
    first but only medium is found, not proven); `family`, when given as ``{"of": families(sources).of}``, gets
    recall@1 by brand family per transform: the first match is the copy's own logo or another logo of its family
    (Debian's other drawing, InfluxDB's logo for InfluxData's), the leave-one-out's sense of "another brand"."""
    out = {}
    by_family = {}
    for name, transform in transforms.items():
        hits = 0
        kin = 0
        found: dict[str, int] = {}
        for i in rows:
            try:
                image = transform(renderings[i])
                result = check(
                    index, logo=_query(image.convert("RGB") if image.mode != "RGBA" else image, mode), top=10
                )
            except LogoError:
                continue
            hit = bool(result.matches) and result.matches[0].mark.id == str(i)
            hits += hit
            if family is not None and result.matches:
                kin += family["of"][int(result.matches[0].mark.id)] == family["of"][i]
            if hit:
                found[result.matches[0].risk] = found.get(result.matches[0].risk, 0) + 1
        out[name] = hits / max(1, len(rows))
        by_family[name] = kin / max(1, len(rows))
        if tiers is not None:
            tiers[name] = found
    if family is not None:
        family["recall@1"] = by_family
    return out


def other_drawing(index, sources, renderings, mode, ocr: bool = True) -> dict:
    """Each gilbarbara logo whose brand family (:func:`~benchmarks.logo_brands.families`) has a simple-icons logo must
    find one of them in its top 10; ``by_slug``: the same queries judged only where a simple-icons slug is the
    gilbarbara brand key, as before the families (that one logo must be found). ``ocr=False``: the query's words are
    not read (what the picture alone finds; the difference is what reading the logo adds)."""
    if not ocr:
        from unittest import mock

        with mock.patch("similarity.image.ocr.read_text", lambda image: ""):
            return other_drawing(index, sources, renderings, mode)
    family = families(sources).of
    simple: dict[int, set[str]] = {}
    slug = {s.slug: i for i, s in enumerate(sources) if s.collection == "simple-icons" and i in renderings}
    for i in slug.values():
        simple.setdefault(family[i], set()).add(str(i))
    queries = [
        i for i, s in enumerate(sources) if s.collection == "gilbarbara" and i in renderings and family[i] in simple
    ]
    at10 = by_slug = slug_pairs = 0
    for query in queries:
        result = check(index, logo=_query(on_white(renderings[query]), mode), top=11)
        ids = [m.mark.id for m in result.matches if m.mark.id != str(query)][:10]
        at10 += bool(simple[family[query]] & set(ids))
        target = slug.get(sources[query].brand)
        if target is not None:
            slug_pairs += 1
            by_slug += str(target) in ids
    return {
        "pairs": len(queries),
        "recall@10": at10 / max(1, len(queries)),
        "by_slug": {"pairs": slug_pairs, "recall@10": by_slug / max(1, slug_pairs)},
    }


def _why_unverified(v) -> str:
    """Which rule of :func:`similarity.image.verify._proves` a failed alignment broke, first that applies."""
    if v is None:
        return "not_tried"
    if v.method == "none":
        return "no_fit"
    if v.coverage < verify_module.MIN_COVERAGE:
        return "coverage"
    if v.agreement < verify_module.thresholds()["agreement"]:
        return "agreement"
    if v.method == "silhouette":
        return "silhouette_agreement"
    if v.coverage < verify_module.PARTIAL_COVERAGE:
        return "partial_inliers" if v.inliers < verify_module.PARTIAL_INLIERS else "partial_agreement"
    return "inliers" if v.inliers < verify_module.VERIFIED_INLIERS else "fit_agreement"


def diagnose(index, renderings, rows, transforms) -> dict:
    """Where each copy of the `DIAGNOSED` transforms is lost, one stage per copy: ``hit`` (first), else
    ``not_candidate`` (neither the hashes nor the keypoint votes nor the text propose it), ``not_verified:<rule>``
    (proposed, the alignment fails the rule named by :func:`_why_unverified`; ``not_tried``: a hash match past the
    verified few), ``verified_<tier>`` (verified but its tier is below medium, or it is medium/high and another
    mark ranks first), with the own mark's best verification attempt over every query view (``all_views``: would it
    verify with the prefilter off?) for the misses."""
    from similarity.score.logos import LogoQuery, assess, candidate_rows

    out: dict = {}
    for name, transform in transforms.items():
        if name not in DIAGNOSED:
            continue
        stages: dict[str, int] = {}
        misses = []
        for i in rows:
            try:
                image = transform(renderings[i])
                png = _png(image.convert("RGB") if image.mode != "RGBA" else image)
                result = check(index, logo=png, top=10)
                query = LogoQuery.of(png)
            except LogoError:
                continue
            own = index.row_of(str(i))
            found = candidate_rows(index, query)
            ids = [m.mark.id for m in result.matches]
            risk = next((m.risk for m in result.matches if m.mark.id == str(i)), "absent")
            judged = assess(index, query, found)[int(np.searchsorted(found, own))] if own in found else None
            v = judged.verification if judged is not None else None
            if ids[:1] == [str(i)]:
                stage = "hit"
            elif own not in found:
                stage = "not_candidate"
            elif v is None or not v.verified:
                stage = "not_verified:" + _why_unverified(v)
            else:
                stage = f"verified_{risk}" + ("_beaten" if risk in RISKY else "")
            stages[stage] = stages.get(stage, 0) + 1
            if stage != "hit":
                full = None
                registered = index.logo_features.get(own)
                if query.features is not None and registered is not None:
                    full = verify_module.verify(query.features, registered, None).as_dict()
                misses.append(
                    {
                        "logo": i,
                        "stage": stage,
                        "risk": risk,
                        "rank": ids.index(str(i)) + 1 if str(i) in ids else None,
                        "first": ids[0] if ids else None,
                        "first_risk": result.matches[0].risk if result.matches else None,
                        "hash_candidate": own in logo_candidates(index, query.codes),
                        "votes": query.votes.get(own, 0),
                        "verification": v.as_dict() if v is not None else None,
                        "all_views": full,
                        "notes": [n.en for n in query.notes],
                    }
                )
        out[name] = {"copies": sum(stages.values()), "stages": dict(sorted(stages.items())), "misses": misses}
        print(f"diagnose {name}: {out[name]['stages']}", flush=True)
    return out


def costs(index, renderings, rows) -> dict:
    """Per query: describing it (every view the keypoint search uses), OCR, the hash search alone, and candidates
    (hashes, keypoint search and votes, text) + verification; per registered logo: OCR. CPU time (process_time): the
    machine is shared. ``query_without_ocr_ms_p50``: the check's whole logo path but OCR, from the file's bytes (its
    main part, where it has one, searched and verified too)."""
    from similarity.image.ocr import read_text
    from similarity.image.verify import QueryFeatures
    from similarity.score.logos import LogoQuery, assess, candidate_rows

    describe, ocr, judge, hashes, build_ocr, whole = [], [], [], [], [], []
    for i in rows:
        start = time.process_time()  # the check's own path, without OCR: load, ground, main part, search, verify
        query = LogoQuery.of(_png(on_white(renderings[i])), read=False)
        assess(index, query, candidate_rows(index, query))
        whole.append(time.process_time() - start)
        image = prepare_logo(on_white(renderings[i]))
        start = time.process_time()
        features = QueryFeatures.of(image)
        for key in features.search_views():  # every description the registry search uses
            features.view(*key)
        describe.append(time.process_time() - start)
        start = time.process_time()
        read_text(image)
        ocr.append(time.process_time() - start)
        build_ocr.append(ocr[-1])
        query = LogoQuery(dihedral_codes(image), features)
        start = time.process_time()
        found = logo_candidates(index, query.codes)
        logo_evidence(index, found, query.codes)
        hashes.append(time.process_time() - start)
        start = time.process_time()
        found = candidate_rows(index, query)
        assess(index, query, found)
        judge.append(time.process_time() - start)
    ms = lambda values: round(1000 * float(np.median(values)), 1)  # noqa: E731
    return {
        "queries": len(rows),
        "query_features_ms_p50": ms(describe),
        "query_ocr_ms_p50": ms(ocr),
        "hash_search_ms_p50": ms(hashes),
        "candidates_and_verification_ms_p50": ms(judge),
        "build_ocr_ms_per_logo_p50": ms(build_ocr),
        "query_without_ocr_ms_p50": ms(whole),
        "clock": "process_time",
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=2000, help="registered logos (a fixed random draw)")
    parser.add_argument("--loo", type=int, default=1000, help="leave-one-out queries")
    parser.add_argument(
        "--loo-from", type=int, default=0, help="first leave-one-out query in the draw's order (4000: queries held "
        "out of a 4,000-query run, for choosing a threshold apart from it)",
    )
    parser.add_argument("--copies", type=int, default=120, help="logos per copy transform")
    parser.add_argument("--calibrate", action="store_true", help="write the verification threshold first")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated parts to run (of {', '.join(PARTS)}); a partial run "
        "prints its numbers and writes no results file",
    )
    parser.add_argument("--modes", default="hash,verified", help="comma-separated: hash, verified")
    parser.add_argument("--transforms", default="", help="comma-separated copy transforms to run (default: all)")
    parser.add_argument("--out", type=Path, help="write the results here too (also for a partial run)")
    args = parser.parse_args(argv)
    parts, modes = args.parts.split(","), args.modes.split(",")
    unknown = sorted(set(parts) - set(PARTS)) + sorted(set(modes) - {"hash", "verified"})
    if unknown:
        parser.error(f"unknown part or mode: {', '.join(unknown)}")
    sources = real_logo_sources()
    start = time.perf_counter()
    index, renderings, describe_s, drawn, order = drawn_registry(sources, args.registry)
    built = time.perf_counter() - start
    present = sorted(renderings)
    loo_rows, rest = order[args.loo_from : args.loo_from + args.loo], order[args.loo :]
    copy_rows = order[: args.copies]
    results: dict = {
        "registry": len(present),
        "build_s": round(built, 1),
        "describe_ms_per_logo": round(1000 * describe_s, 1),
        "machine": "2 cores shared with 4 other sessions running tests: timings are noisy",
    }
    transforms = copy_transforms(sources, drawn)
    if args.transforms:
        transforms = {name: {**transforms, **EXTRA_CROPS}[name] for name in args.transforms.split(",")}
        parts = [p for p in parts if p != "cost"] if "copies" in parts else parts
    if args.calibrate:
        calibration_rows = rest[:300]
        copies = [
            (i, transforms[name])
            for i in copy_rows[:40]
            for name in ("crop_5pct", "crop_10pct", "pad_text_jpeg70", "pasted_45pct_noise", "mirror", "text_overlay")
        ]
        found = calibrate(index, sources, renderings, calibration_rows, copies)
        stored = json.loads(CALIBRATION.read_text(encoding="utf-8"))
        stored["verify"] = found
        CALIBRATION.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
        from similarity.image import score

        score.calibration.cache_clear()
        verify_module.thresholds.cache_clear()
        results["calibration"] = found
        print("calibrated:", json.dumps(found))
    for mode in modes:
        started = time.perf_counter()
        results[mode] = {}
        if "loo" in parts:
            results[mode]["false_alarms"] = false_alarms(index, sources, renderings, loo_rows, mode)
        if "copies" in parts:
            tiers: dict = {}
            kin: dict = {"of": families(sources).of}
            results[mode]["copy_recall@1"] = copy_recall(index, renderings, copy_rows, transforms, mode, tiers, kin)
            results[mode]["copy_tier_when_first"] = tiers
            results[mode]["copy_recall@1_family"] = kin["recall@1"]
        if "other_drawing" in parts:
            results[mode]["other_drawing"] = other_drawing(index, sources, renderings, mode)
            if mode == "verified":
                results[mode]["other_drawing_without_ocr"] = other_drawing(index, sources, renderings, mode, ocr=False)
        results[mode]["seconds"] = round(time.perf_counter() - started, 1)
        print(mode, json.dumps(results[mode]), flush=True)
    if "diagnose" in parts:
        results["diagnose"] = diagnose(index, renderings, copy_rows, transforms)
    if "cost" in parts:
        results["cost"] = costs(index, renderings, copy_rows[:60])
        print("cost", json.dumps(results["cost"]), flush=True)
    if args.out is not None:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if set(parts) != set(PARTS) or set(modes) != {"hash", "verified"} or args.transforms:
        return results
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report(results)
    return results


def report(results: dict) -> None:
    print(f"\nregistry {results['registry']} real logos; {results['machine']}")
    print(f"{'':28}{'hash only':>12}{'verified':>12}")
    for key in ("high", "medium_or_high"):
        row = [results[m]["false_alarms"][key] for m in ("hash", "verified")]
        print(f"{'LOO another brand ' + key:28}{row[0]:>12.2%}{row[1]:>12.2%}")
    for name in results["hash"]["copy_recall@1"]:
        row = [results[m]["copy_recall@1"][name] for m in ("hash", "verified")]
        print(f"{'recall@1 ' + name:28}{row[0]:>12.3f}{row[1]:>12.3f}")
    row = [results[m]["other_drawing"]["recall@10"] for m in ("hash", "verified")]
    print(f"{'other drawing recall@10':28}{row[0]:>12.3f}{row[1]:>12.3f}")
    for key, value in results["cost"].items():
        print(f"{key:40}{value:>10}")


if __name__ == "__main__":
    main()
