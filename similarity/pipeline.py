"""The pre-check: one query (name and/or logo, optional classes) against a :class:`MarkIndex`.

A reader can follow a query from here to the verdict: encode the name, gather candidates (FAISS n-gram
signatures, token index, FAISS logo hashes), score every factor, weigh goods and status, rank, explain::

    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> idx = MarkIndex()
    >>> idx.add([Mark(id="1", name="Goodmilk", classes=(29,)), Mark(id="2", name="Indomaret", classes=(35,))])
    2
    >>> r = check(idx, "GudMilq", classes=[29])
    >>> r.matches[0].mark.name, r.verdict.risk
    ('Goodmilk', 'high')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from .candidates.names import dominance, name_candidates
from .candidates.reads import codes_at, marks_at
from .classes import goods_similarity, mask_classes, parse_classes
from .ranked import best_first
from .score.logos import LogoAssessment, LogoQuery, assess, candidate_rows, driving_sign, logo_extras
from .score.names import name_factors, packed_alignments
from .store.index import MarkIndex
from .store.rows import status_weights
from .text.confusables import LOOKALIKE_REASON
from .text.encode import NameCode, encode_name
from .text.evidence import PairEvidence
from .text.imitation import Imitation, imitation_reason, imitations
from .text.score import containment, name_reasons
from .values import CheckResult, Factors, GoodsRelation, Match, Query, Reason
from .verdict.ceilings import cap, own_word_reason
from .verdict.model import (
    RESCORED,
    RESCORED_BY_NAME,
    RESCORED_BY_RANKER,
    RESCORED_BY_WORD,
    WEAK_WORD,
    explain,
    rescore_fields,
)
from .verdict.shortlist import load_ranker, ranker_features, shortlist
from .verdict.status import status_reason
from .verdict.tiers import (
    FAMOUS_COPY,
    RELATIONS,
    goods_relation_codes,
    goods_weights_at,
    overall,
    sign_similarity,
    thresholds,
    tier,
    verdict,
)

MIN_SCORE = 0.01
"""Matches below this overall score are not worth showing to an applicant."""
_UNRELATED = RELATIONS.index("unrelated")
_UNKNOWN = RELATIONS.index("unknown")
_FAMOUS_REASON = {
    "unrelated": ("merek terkenal: dilindungi juga untuk barang/jasa tidak sejenis",
                  "well-known mark: protected for dissimilar goods too (Art. 21(1)(c))"),
    "unknown": ("merek terkenal, kelasnya tidak tercatat: dilindungi juga di luar barang/jasanya sendiri",
                "well-known mark, its classes not on record: protected beyond its own goods (Art. 21(1)(b)-(c))"),
}
"""Why a famous mark counts in goods the query does not share (`candidate_weights`), in Indonesian and English."""
_classes_of = lru_cache(maxsize=4096)(mask_classes)
"""The classes of a class mask, remembered: the re-read weighs each candidate's words in its classes, and the masks
of a registry's marks repeat."""


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
    code = encode_name(name) if has_name and name is not None else None
    qlogo = LogoQuery.of(logo) if logo is not None else None

    rows = np.zeros(0, dtype=np.int64)
    dom = np.zeros(0, dtype=np.float32)
    if code is not None:
        rows, dom = name_candidates(index, code)
    if qlogo is not None:
        lrows = candidate_rows(index, qlogo)
        merged = np.union1d(rows, lrows)
        full = np.zeros(len(merged), dtype=np.float32)
        full[np.searchsorted(merged, rows)] = dom
        rows, dom = merged, full
    matches = _score_rows(index, code, qlogo, qclasses, rows, dom, top=top, min_score=MIN_SCORE, logo_limits=limits)
    return _result(index, code, name, logo, qclasses, matches, qlogo)


def exhaustive_check(
    index: MarkIndex,
    name: str | bytes,
    *,
    classes: Sequence[int] | str | None = (),
    top: int = 10,
    rescored: int = RESCORED,
    ranked: int | None = None,
) -> CheckResult:
    """:func:`check` of a name with every mark of the index as a candidate: the first pass over all rows, then the
    same re-read of its best and the same final score — the reference that candidate generation's recall is measured
    against (``benchmarks/bench_names.py``). Slow: the first pass reads every row. ``rescored`` re-reads more of the
    first pass's best than a check does (the check's own 40 by default), for a reference nearer to the learned score
    of every row; ``ranked``, the shortlist ranker's best besides (the check's `RESCORED_BY_RANKER` by default; 0 for
    a reference that does not depend on the ranker).

    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> idx = MarkIndex()
    >>> idx.add([Mark(id="1", name="Goodmilk", classes=(29,)), Mark(id="2", name="Indomaret", classes=(35,))])
    2
    >>> [m.mark.id for m in exhaustive_check(idx, "GudMilq", classes=[29]).matches] == [
    ...     m.mark.id for m in check(idx, "GudMilq", classes=[29]).matches]
    True
    """
    if top < 1:
        raise ValueError(f"top is {top} — it must be at least 1")
    qclasses = parse_classes(classes)
    code = encode_name(name)
    rows = index.alive_rows()
    matches = _score_rows(index, code, None, qclasses, rows, dominance(index, code, rows), top=top,
                          min_score=MIN_SCORE, rescored=rescored, ranked_count=ranked)
    return _result(index, code, name, None, qclasses, matches)


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

    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> idx = MarkIndex(); idx.add([Mark(id="a", name="Aqua"), Mark(id="b", name="Indomie")])
    2
    >>> [(m.risk, round(m.factors.sound, 2)) for m in score_pairs(idx, "Akwa", ["a"])]  # the same sound key
    [('medium', 0.9)]
    """
    qclasses = parse_classes(classes)
    code = encode_name(name) if name else None
    qlogo = LogoQuery.of(logo) if logo is not None else None
    known = [i for i in mark_ids if i in index]
    rows = np.asarray(sorted({index.row_of(i) for i in known}), dtype=np.int64)
    dom = dominance(index, code, rows) if code is not None else np.zeros(len(rows), dtype=np.float32)
    matches = _score_rows(index, code, qlogo, qclasses, rows, dom, top=len(rows), min_score=-1.0, rescored=len(rows))
    by_id = {m.mark.id: m for m in matches}
    return [by_id.get(i) for i in mark_ids]


def candidate_weights(
    index: MarkIndex, qclasses: tuple[int, ...], rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(goods weight, status weight, famous in unrelated goods) of each candidate row, from per-row arrays: no
    `Mark` is built for a candidate that is not shown. A famous mark whose classes are not on record (the famous-marks
    list names none: INDOMIE) is weighed as famous, not as unknown goods: it is protected beyond its own goods."""
    relation = goods_relation_codes(qclasses, index.rows.classes[rows])
    famous = index.rows.famous_at(rows) & ((relation == _UNRELATED) | (relation == _UNKNOWN))
    return goods_weights_at(relation, famous), status_weights(index.rows.status[rows]), famous


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
    rescored: int | None = None,
    ranked_count: int | None = None,
) -> tuple[Match, ...]:
    """Every factor for the candidate rows, weighed and ranked; the best ``top`` as explained matches. The re-read
    takes the first pass's best ``rescored`` (`RESCORED`), the shortlist ranker's best ``ranked_count``
    (`RESCORED_BY_RANKER`) besides and the `RESCORED_BY_NAME` most alike whole names."""
    if len(rows) == 0:
        return ()
    goods_w, status_w, famous = candidate_weights(index, qclasses, rows)
    reread_count = max(RESCORED if rescored is None else rescored, top)
    if ranked_count is None:
        ranked_count = RESCORED_BY_RANKER
    names = None
    if code is not None:
        # without a logo only the re-read candidates can be shown, and they are the first pass's best: its costliest
        # ratio is computed only where it can decide which they are
        def rank(name: np.ndarray) -> np.ndarray:
            return overall(sign_similarity(name, np.zeros(len(name), dtype=np.float32)), goods_w, status_w)

        if qlogo is None:
            names = name_factors(index, code, rows, dom, rank=rank, best=reread_count)
        else:  # the logo's own best are shown with their name factors: all exact
            names = name_factors(index, code, rows, dom)
    logo_sim = np.zeros(len(rows), dtype=np.float32)
    evidence: list[LogoAssessment | None] = [None] * len(rows)
    if qlogo is not None:
        judged = assess(index, qlogo, rows, logo_limits)
        for i, e in enumerate(judged):
            evidence[i] = e
            logo_sim[i] = 0.0 if e is None else e.similarity
    name_score = names.name if names is not None else np.zeros(len(rows), dtype=np.float32)
    fields_at: dict[int, tuple] = {}
    respelled: dict[int, Imitation] = {}
    own_of: dict[int, tuple[str, ...]] = {}  # pairs sharing only everyday words beside a distinctive word of one's own
    code_at: dict[int, NameCode] = {}  # the candidates' encoded names, read once for the re-read and the reasons
    if code is not None:
        # the first pass ranks by string ratios; its best are re-read word by word and scored by the learned model
        first = overall(sign_similarity(name_score, logo_sim), goods_w, status_w)
        if names is None:
            reread = np.argsort(-first, kind="stable")[:reread_count]
            own = len(reread)
        else:  # and the ranker's best guesses of the learned score, and the most alike whole names in any goods
            ranked = np.zeros(0, dtype=np.float32)
            if ranked_count and reread_count < len(rows):  # (a re-read of every row needs no ranker)
                guess = load_ranker().predict(ranker_features(names, len(code.core), index.rows.core_len[rows]))
                ranked = overall(sign_similarity(guess, logo_sim), goods_w, status_w)
            named = names.most_alike(RESCORED_BY_NAME)  # only its first RESCORED_BY_NAME are read
            worded = best_first(dom, RESCORED_BY_WORD)  # and the marks whose own dominant word the query has (DHL)
            worded = worded[dom[worded] >= WEAK_WORD]
            reread, own = shortlist(first, ranked, np.concatenate([named, worded]), reread_count, ranked_count,
                                    len(named) + len(worded))
        reread_codes = codes_at(index, rows[reread])
        ratios = None
        if names is not None and names.ratios is not None:  # the first pass's, exact for its own shortlist
            ratios = list(zip(*(r[reread[:own]].tolist() for r in names.ratios), strict=True))
            added = reread[own:]  # containment may not have been computed there
            if len(added):  # and their sight is shown: with it
                contained, extra = _added_ratios(code, names.ratios, added, reread_codes[own:],
                                                 index.rows.core_len[rows[added]],
                                                 packed_alignments(index, code, rows[added]))
                names.sight[added] = np.maximum(names.sight[added], contained)
                ratios += extra
        # a mark's words weigh in its own classes only when the query names none (`rescore_fields`)
        mark_classes = ([()] * len(reread) if qclasses else
                        [_classes_of(m) for m in index.rows.classes[rows[reread]].tolist()])
        # the words' weights straight from the index's word statistics (`MarkIndex.distinctiveness` is this call)
        weigh = index.stats.distinctiveness
        prob, fields = rescore_fields(code, reread_codes, mark_classes, qclasses, weigh, ratios)
        code_at = dict(zip(reread.tolist(), reread_codes, strict=True))
        conflict = np.zeros(len(rows), dtype=np.float32)
        fields_at = dict(zip(reread.tolist(), fields, strict=True))  # evidence objects are made for the shown only
        # a likeness resting on generic words alone is at most "low", one on everyday words beside a distinctive
        # word of one name's own at most "medium"; a famous mark's name is never generic
        capped, distinct = cap(prob, code, reread_codes, fields, mark_classes, qclasses, weigh,
                               index.rows.famous_at(rows[reread]))
        conflict[reread] = capped
        own_of = {int(reread[k]): w for k, w in distinct.items()}
        respelled = _respelled_famous(index, code, rows, code_at)
        for i in respelled:  # a famous mark respelled (HONDO: HONDA), which the learned score reads low
            conflict[i] = max(conflict[i], FAMOUS_COPY)
        name_score = conflict
    score = overall(sign_similarity(name_score, logo_sim), goods_w, status_w)

    order = _best(score, len(rows) if min_score < 0 else max(4 * top, 40), min_score)
    order, marks, same, folded = _one_row_per_brand(index, rows, order, top, group=min_score >= 0, codes=code_at)
    extras = order[:0]  # the logo's own best, too (without a logo every candidate's logo similarity is 0: none)
    if qlogo is not None:
        extras = logo_extras(logo_sim, score, np.concatenate([order, folded]), min_score)
    if len(extras):
        order = np.concatenate([order, extras])
        marks, same = [*marks, *marks_at(index, rows[extras])], [*same, *([()] * len(extras))]
    codes: list[NameCode | None] = [None] * len(order)
    if code is not None:
        unread = [j for j, i in enumerate(order.tolist()) if i not in code_at]  # the logo's extras, if any
        code_at.update(zip((int(order[j]) for j in unread), codes_at(index, rows[order[unread]]), strict=True))
        codes = [code_at[int(i)] for i in order]
    matches = []
    for j, i in enumerate(order):
        mark, mcode = marks[j], codes[j]
        reasons: list[Reason] = []
        factors: dict[str, float | None] = {"sight": None, "sound": None, "meaning": None, "logo": None}
        if names is not None and code is not None and mcode is not None:
            sight, sound, meaning = float(names.sight[i]), float(names.sound[i]), float(names.meaning[i])
            factors.update(sight=sight, sound=sound, meaning=meaning, name=float(name_score[i]))
            said = fields_at.get(int(i))
            pair = PairEvidence(*said) if said is not None else None
            hit = respelled.get(int(i))
            if hit is not None:
                odds = float(name_score[i])
                reasons.append(Reason(hit.factor, f"{imitation_reason(hit, 'id')}; peluang konflik {odds:.0%}",
                                      f"{imitation_reason(hit, 'en')}; conflict likelihood {odds:.0%}"))
            elif int(i) in own_of and pair is not None and float(name_score[i]) >= thresholds()["low"]:
                reasons.append(own_word_reason(own_of[int(i)], pair.shared, float(name_score[i])))
            else:
                reasons += explain(code, mcode, pair, float(name_score[i]), thresholds())
            # the string ratios behind the first pass, each with its number (the dominant word is explained above)
            reasons += name_reasons(code, mcode, sight, sound, meaning)
        detail: dict[str, Any] = {}
        ev = evidence[i]
        if ev is not None:
            factors["logo"] = ev.similarity
            detail["logo"] = ev.detail()
            said = ev.reason()
            if said is not None:
                reasons.append(Reason("logo", *said))
        goods = goods_similarity(qclasses, mark.classes)
        relation: GoodsRelation = "none" if not qclasses else "famous" if famous[i] else goods.relation
        factors["goods"], factors["status"] = float(goods_w[i]), float(status_w[i])
        if goods.relation in ("same", "related"):
            rid, ren = goods.reason()
            reasons.append(Reason("goods", rid, ren))
        elif famous[i]:  # in unrelated goods, or none on record
            reasons.append(Reason("goods", *_FAMOUS_REASON["unknown" if goods.relation == "unknown" else "unrelated"]))
        elif goods.relation == "unrelated":  # why a name this alike is only low: say it, with the weight it got
            rid, ren = goods.reason()
            share = round(100 * float(goods_w[i]))
            reasons.append(
                Reason(
                    "goods",
                    f"{rid}: dihitung {share} % (Pasal 21(1)(a) menyangkut barang/jasa sejenis)",
                    f"{ren}: counted at {share} % (Art. 21(1)(a) concerns similar goods)",
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
                same_brand=same[j],
                goods_relation=relation,
            )
        )
    return tuple(matches)


def transliteration_note(code: NameCode) -> Reason:
    """What the verdict says of a name it read in Latin letters (`normalize.transliterate`): the reading compared.

    >>> transliteration_note(encode_name("宜家家居")).en
    'the name was read in Latin letters as YIJIAJIAJU and compared so'
    """
    shown = code.text.upper()
    return Reason("sight", f"nama dibaca dalam huruf Latin sebagai {shown} dan dibandingkan demikian",
                  f"the name was read in Latin letters as {shown} and compared so")


def _respelled_famous(
    index: MarkIndex, code: NameCode, rows: np.ndarray, code_at: dict[int, NameCode]
) -> dict[int, Imitation]:
    """The candidates (by position in ``rows``) that are a famous mark the query respells, with how
    (:func:`~similarity.text.imitation.imitations`); ``code_at`` gets the encoded names it reads."""
    found = {i.compact: i for i in imitations(code)}
    if not found:
        return {}
    at = np.flatnonzero(index.rows.famous_at(rows)).tolist()
    unread = [i for i in at if i not in code_at]
    code_at.update(zip(unread, codes_at(index, rows[unread]), strict=True))
    return {i: found[code_at[i].compact] for i in at if code_at[i].compact in found}


def _added_ratios(
    code: NameCode, first: tuple[np.ndarray, ...], added: np.ndarray, codes: list[NameCode], core_len: np.ndarray,
    partial: Callable[[np.ndarray, float], np.ndarray] | None = None,
) -> tuple[np.ndarray, list[tuple[float, float, float, float]]]:
    """(containment, `string_ratios`) of the re-read candidates the first pass did not shortlist (``added``, their
    encoded names ``codes`` and cores' lengths ``core_len``): the whole-name, core and sound ratios are the first
    pass's (``first``: `NameFactors.ratios`, the same rapidfuzz ratio of the same strings: an index keeps each row's
    encoded strings), and containment, which the first pass computed only where it could rank, is computed here —
    what `string_ratios` would give, without comparing the three strings again (``partial``: the cores' alignments,
    `packed_alignments`, when compiled)."""
    whole, core, sound = (r[added] for r in first[:3])
    contained = containment(code.core, [m.core for m in codes], code.core_tokens, lambda i: codes[i].core_tokens,
                            core_len, core, partial)
    return contained, list(zip(whole.tolist(), core.tolist(), sound.tolist(), contained.tolist(), strict=True))


def _one_row_per_brand(
    index: MarkIndex, rows: np.ndarray, order: np.ndarray, top: int, *, group: bool = True,
    codes: dict[int, NameCode],
) -> tuple[np.ndarray, list, list[tuple[str, ...]], np.ndarray]:
    """The best ``top`` of ``order`` with one row per brand (the same name and logo, by reference and codes, of one
    owner as `owner_key` compares them, or of an owner not on record): the other rows of a brand are folded into its
    best one and listed by id, so the same brand does not fill the top 10. A name is compared by its stored encoding:
    ``codes`` holds the candidates' encoded names already read, by position, and gets the ones read here (the reasons
    read them next). Also returns the positions folded (not to be shown again)."""
    if not group:
        order = order[:top]
        return order, marks_at(index, rows[order]), [()] * len(order), order[:0]
    kept: list[int] = []
    folded: list[int] = []
    marks: list = []
    same: list[list[str]] = []
    key_at: dict[tuple[str, str, bytes], list[tuple[str, int]]] = {}
    start = 0
    while len(kept) < top and start < len(order):
        chunk = order[start : start + 3 * top]
        start += len(chunk)
        unread = [i for i in chunk.tolist() if i not in codes]
        codes.update(zip(unread, codes_at(index, rows[unread]), strict=True))
        for i, m in zip(chunk.tolist(), marks_at(index, rows[chunk]), strict=True):
            # another logo is another sign: by its reference and by its stored codes (marks given logo hashes without
            # a reference have none, and two drawings of one brand must both be found)
            key = (codes[i].compact, m.logo or "", _logo_key(index, int(rows[i])))
            owner = owner_key(m.owner, codes[i].compact)
            brand = key_at.setdefault(key, [])
            # the same owner, or an owner not on record (none, or only the mark's own name): one brand, whichever
            # row is shown; two named owners of one name are two rows
            at = next((j for o, j in brand if o == owner or not o or not owner), None)
            if at is not None:
                same[at].append(m.id)
                folded.append(i)
                continue
            if len(kept) == top:
                continue
            brand.append((owner, len(kept)))
            kept.append(i)
            marks.append(m)
            same.append([])
    return np.asarray(kept, dtype=np.int64), marks, [tuple(s) for s in same], np.asarray(folded, dtype=np.int64)


OWNER_FORMS = frozenset({
    "pt", "tbk", "cv", "ud", "persero", "perum", "ltd", "limited", "inc", "incorporated", "llc", "llp", "corp",
    "corporation", "co", "company", "plc", "sa", "se", "ag", "gmbh", "nv", "bv", "spa", "srl", "sas", "kk", "oy", "ab",
})
"""Legal forms that do not tell two owners apart (PT GUDANG GARAM TBK is GUDANG GARAM TBK)."""


def owner_key(owner: str, compact_name: str = "") -> str:
    """An owner as the brand fold compares it: letters and digits of its words without legal forms, "" when no owner
    is on record or the owner is only the mark's own name (``compact_name``), which tells no owner apart.

    >>> owner_key("PT Gudang Garam Tbk") == owner_key("Gudang Garam Tbk."), owner_key("Kopi Kenangan", "kopikenangan")
    (True, '')
    """
    plain = "".join(c for c in unicodedata.normalize("NFKD", owner.casefold()) if not unicodedata.combining(c))
    key = "".join(w for w in re.findall(r"\w+", plain) if w not in OWNER_FORMS)
    return "" if key == compact_name else key


def _logo_key(index: MarkIndex, row: int) -> bytes:
    """The stored logo code of `row` (b"" without a logo): what tells two drawings apart in the brand fold."""
    return index.rows.logo_codes[row, : index.rows.logo_len[row]].tobytes()


def _best(score: np.ndarray, top: int, min_score: float) -> np.ndarray:
    """Positions of the ``top`` best scores of at least ``min_score``, best first, ties in position order: a full
    stable sort's answer, from a partition and a sort of the few that can make the list.

    >>> _best(np.array([0.5, 0.9, 0.1, 0.9, 0.7]), 3, 0.2).tolist()
    [1, 3, 4]
    """
    keep = np.flatnonzero(score >= min_score)
    return keep[best_first(score[keep], top)]


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
    lookalike = code is not None and code.confusable
    if lookalike:  # the query imitates Latin letters: every match says so, and so does the verdict
        matches = tuple(replace(m, reasons=(LOOKALIKE_REASON, *m.reasons)) for m in matches)
    registry = {
        "marks": len(index),
        "built_at": index.built_at,
        "generation": index.generation,
        "source": index.source.get("name") if index.source else None,
        "demo": bool(index.source.get("demo")) if index.source else False,
    }
    said = verdict(matches, qclasses)
    worst = next((m for m in matches if m.score == said.score and m.risk == said.risk), None)
    sign = driving_sign(worst) if worst is not None and qlogo is not None else None
    read = (transliteration_note(code),) if code is not None and code.transliterated else ()
    notes = (*((LOOKALIKE_REASON,) if lookalike else ()), *read, *said.notes,
             *(qlogo.notes if qlogo is not None else ()))
    said = replace(said, reasons=(*said.reasons[:1], sign, *said.reasons[1:]) if sign else said.reasons, notes=notes)
    return CheckResult(query=query, verdict=said, matches=matches, registry=registry)
