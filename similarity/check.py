"""The pre-check: one query (name and/or logo, optional classes) against a :class:`MarkIndex`.

A reader can follow a query from here to the verdict: encode the name, gather candidates (FAISS n-gram
signatures, token index, FAISS logo hashes), score every factor, weigh goods and status, rank, explain::

    >>> from similarity.index import MarkIndex
    >>> from similarity.marks import Mark
    >>> idx = MarkIndex()
    >>> idx.add([Mark(id="1", name="Goodmilk", classes=(29,)), Mark(id="2", name="Indomaret", classes=(35,))])
    2
    >>> r = check(idx, "GudMilq", classes=[29])
    >>> r.matches[0].mark.name, r.verdict.risk
    ('Goodmilk', 'high')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .classes import goods_similarity, parse_classes
from .famous import is_famous
from .index import MarkIndex
from .logo_check import LogoAssessment, LogoQuery, assess, candidate_rows, driving_sign, logo_extras
from .marks import CheckResult, Factors, Match, Query, Reason
from .status import STATUS_WEIGHT, status_reason
from .text.encode import NameCode, encode_name
from .text.score import NameFactors, SharedWord, name_reasons, shared_words
from .verdict import goods_relation, overall, sign_similarity, tier, verdict, weights_of

MIN_SCORE = 0.2
"""Matches below this overall score are not worth showing to an applicant."""


def check(
    index: MarkIndex,
    name: str | bytes | None = None,
    *,
    logo: Any = None,
    classes: Sequence[int] | str | None = (),
    top: int = 10,
    logo_max_distance: Mapping[str, int] | None = None,
) -> CheckResult:
    """Find the registry marks that conflict with a proposed name and/or logo, with reasons and a verdict.

    ``logo`` is a path, bytes, a ``simple-icons:<slug>`` reference or precomputed dihedral codes. A logo is judged
    by its pHash, shape code and dHash, each against the threshold calibrated on real logos
    (``similarity/data/logo_calibration.json``); ``logo_max_distance`` overrides them, e.g. ``{"phash": 10}`` for
    a stricter pHash (distances in bits of 64). Raises ``ValueError`` subclasses with a clear message for an unusable
    name, logo, class or threshold.
    """
    has_name = name is not None and (not isinstance(name, str) or name.strip() != "")
    if not has_name and logo is None:
        raise ValueError("give a name, a logo, or both — an empty query matches nothing")
    if top < 1:
        raise ValueError(f"top is {top} — it must be at least 1")
    qclasses = parse_classes(classes)
    limits = checked_logo_limits(logo_max_distance)
    code = encode_name(name) if has_name else None
    qlogo = LogoQuery.of(logo) if logo is not None else None

    rows = np.zeros(0, dtype=np.int64)
    dom = np.zeros(0, dtype=np.float32)
    if code is not None:
        rows, dom = index.name_candidates(code)
    if qlogo is not None:
        lrows = candidate_rows(index, qlogo)
        merged = np.union1d(rows, lrows)
        full = np.zeros(len(merged), dtype=np.float32)
        full[np.searchsorted(merged, rows)] = dom
        rows, dom = merged, full
    matches = _score_rows(index, code, qlogo, qclasses, rows, dom, top=top, min_score=MIN_SCORE, logo_limits=limits)
    return _result(index, code, name, logo, qclasses, matches, qlogo)


def parse_logo_max_distance(items: Iterable[str]) -> dict[str, int]:
    """Logo thresholds written ``HASH=BITS`` (the CLI's ``--logo-max-distance`` and the web form's field), checked.

    >>> parse_logo_max_distance(["phash=10", "dhash = 5"])
    {'phash': 10, 'dhash': 5}
    """
    limits = {}
    for item in items:
        hash, _, bits = item.partition("=")
        if not bits.strip().isdigit():
            raise ValueError(f"{item!r} — write HASH=BITS, e.g. phash=10")
        limits[hash.strip()] = int(bits)
    return checked_logo_limits(limits) or {}


def checked_logo_limits(logo_max_distance: Mapping[str, int] | None) -> dict[str, int] | None:
    """The logo thresholds a caller gave, checked: known hashes, whole numbers of bits from 0 to 31."""
    if not logo_max_distance:
        return None
    from .image.score import HASHES, checked_max_distance

    unknown = sorted(set(logo_max_distance) - set(HASHES))
    if unknown:
        raise ValueError(f"logo_max_distance has {', '.join(map(repr, unknown))} — the hashes are {', '.join(HASHES)}")
    return {hash: checked_max_distance(hash, limit) for hash, limit in logo_max_distance.items()}


def score_pairs(
    index: MarkIndex,
    name: str | bytes | None,
    mark_ids: Sequence[str],
    *,
    logo: Any = None,
    classes: Sequence[int] | str | None = (),
) -> list[Match | None]:
    """Score a query against chosen marks of the index directly (no candidate search), in the given order.

    For evaluation and calibration: the same factors, weights and reasons as :func:`check`; None for an unknown id.

    >>> from similarity.index import MarkIndex
    >>> from similarity.marks import Mark
    >>> idx = MarkIndex(); idx.add([Mark(id="a", name="Aqua"), Mark(id="b", name="Indomie")])
    2
    >>> [round(m.score, 2) for m in score_pairs(idx, "Akwa", ["a"])]  # same sound; a 4-letter core weighs 80 %
    [0.95]
    """
    qclasses = parse_classes(classes)
    code = encode_name(name) if name else None
    qlogo = LogoQuery.of(logo) if logo is not None else None
    known = [i for i in mark_ids if i in index]
    rows = np.asarray(sorted({index.row_of(i) for i in known}), dtype=np.int64)
    dom = index.dominance(code, rows) if code is not None else np.zeros(len(rows), dtype=np.float32)
    matches = _score_rows(index, code, qlogo, qclasses, rows, dom, top=len(rows), min_score=-1.0)
    by_id = {m.mark.id: m for m in matches}
    return [by_id.get(i) for i in mark_ids]


def _score_rows(
    index: MarkIndex,
    code: NameCode | None,
    qlogo: LogoQuery | None,
    qclasses: tuple[int, ...],
    rows: np.ndarray,
    dom: np.ndarray,
    *,
    top: int,
    min_score: float,
    logo_limits: Mapping[str, int] | None = None,
) -> tuple[Match, ...]:
    """Every factor for the candidate rows, weighed and ranked; the best ``top`` as explained matches."""
    if len(rows) == 0:
        return ()
    names = _name_factors(index, code, rows, dom)
    logo_sim = np.zeros(len(rows), dtype=np.float32)
    evidence: list[LogoAssessment | None] = [None] * len(rows)
    if qlogo is not None:
        evidence = assess(index, qlogo, rows, logo_limits)
        logo_sim = np.asarray([0.0 if e is None else e.similarity for e in evidence], dtype=np.float32)
    name_score = names.name if names is not None else np.zeros(len(rows), dtype=np.float32)
    relation = goods_relation(qclasses, index.class_masks(rows))
    status_w = weights_of(index.statuses(rows), STATUS_WEIGHT)
    famous = np.zeros(len(rows), dtype=bool)
    unrelated = np.flatnonzero(relation == "unrelated")
    if len(unrelated):
        for i, m in zip(unrelated, index.marks_at(rows[unrelated]), strict=True):
            famous[i] = is_famous(m.name) is not None
    score = overall(sign_similarity(name_score, logo_sim), relation, status_w, famous)

    order = np.argsort(-score, kind="stable")
    order = order[score[order] >= min_score][:top]
    order = np.concatenate([order, logo_extras(logo_sim, score, order, min_score)])  # the logo's own best, too
    picked = rows[order]
    marks = index.marks_at(picked)
    codes = index.codes_at(picked) if code is not None else [None] * len(picked)
    matches = []
    for j, i in enumerate(order):
        mark, mcode = marks[j], codes[j]
        reasons: list[Reason] = []
        factors = {"sight": None, "sound": None, "meaning": None, "logo": None, "goods": None}
        if names is not None and mcode is not None:
            sight, sound, meaning, d = (
                float(names.sight[i]),
                float(names.sound[i]),
                float(names.meaning[i]),
                float(names.dominant[i]),
            )
            best = _dominant_shared_word(index, code, mcode, mark.classes)
            # the dominant-word score counts under the factor through which the word is shared
            kind = best.kind if best is not None else "sight"
            factors.update(sight=sight, sound=sound, meaning=meaning)
            factors[kind] = max(factors[kind], d)
            reasons += name_reasons(code, mcode, sight, sound, meaning, d, best)
        detail: dict[str, Any] = {}
        ev = evidence[i]
        if ev is not None:
            factors["logo"] = ev.similarity
            detail["logo"] = ev.detail()
            said = ev.reason()
            if said is not None:
                reasons.append(Reason("logo", *said))
        goods = goods_similarity(qclasses, mark.classes)
        factors["goods"] = goods.score
        if goods.relation in ("same", "related"):
            rid, ren = goods.reason()
            reasons.append(Reason("goods", rid, ren))
        elif goods.relation == "unrelated" and famous[i]:
            reasons.append(
                Reason(
                    "goods",
                    "merek terkenal: dilindungi juga untuk barang/jasa tidak sejenis",
                    "well-known mark: protected for dissimilar goods too (Art. 21(1)(c))",
                )
            )
        sr = status_reason(mark.status)
        if sr:
            reasons.append(Reason("status", *sr))
        s = float(score[i])
        matches.append(
            Match(
                mark=mark,
                score=s,
                factors=Factors(**factors),
                reasons=tuple(reasons),
                risk=tier(s),
                detail=detail,
            )
        )
    return tuple(matches)


def _dominant_shared_word(
    index: MarkIndex, q: NameCode, m: NameCode, classes: Sequence[int]
) -> SharedWord | None:
    shared = shared_words(q, m)
    if not shared:
        return None
    concept = dict(zip(m.tokens, m.concept_tokens, strict=True))
    return max(shared, key=lambda s: index.distinctiveness(concept[s.mark_word], classes))


def _name_factors(
    index: MarkIndex, code: NameCode | None, rows: np.ndarray, dom: np.ndarray
) -> NameFactors | None:
    if code is None:
        return None
    return index.name_factors(code, rows, dom)


def _result(
    index: MarkIndex,
    code: NameCode | None,
    name: Any,
    logo: Any,
    qclasses: tuple[int, ...],
    matches: tuple[Match, ...],
    qlogo: LogoQuery | None = None,
) -> CheckResult:
    shown_name = name.decode("utf-8", "replace") if isinstance(name, bytes) else (name or "")
    shown_logo = logo if isinstance(logo, str) else (None if logo is None else "<uploaded>")
    query = Query(name=shown_name, classes=qclasses, logo=shown_logo)
    registry = {
        "marks": len(index),
        "built_at": index.built_at,
        "generation": index.generation,
        "source": index.source.get("name") if index.source else None,
    }
    said = verdict(matches, qclasses)
    worst = next((m for m in matches if m.score == said.score and m.risk == said.risk), None)
    sign = driving_sign(worst) if worst is not None and qlogo is not None else None
    said = replace(said, reasons=(*said.reasons[:1], sign, *said.reasons[1:]) if sign else said.reasons,
                   notes=(*said.notes, *(qlogo.notes if qlogo is not None else ())))
    return CheckResult(query=query, verdict=said, matches=matches, registry=registry)
