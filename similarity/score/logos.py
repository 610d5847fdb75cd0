"""The logo side of a check: hashes propose, local features verify and retrieve, OCR reads the words.

A query logo is described once (:class:`LogoQuery`): its dihedral hash codes, its ORB features
(:mod:`similarity.image.verify`) and the text written in it (:mod:`similarity.image.ocr`). Candidates come from
three places (:func:`candidate_rows`): the hashes' nearest logos, the registered logos its keypoints vote for
(a crop, a copy on a photo), and the marks whose name the logo's text reads as. Each candidate is then judged
(:func:`assess`):

- a hash hit is a copy only when the logos align and their outlines agree (a *verified* copy); one that does not
  verify is kept below the medium tier, for two low-detail round silhouettes share a hash readily (DOMAIN.md §8);
- a verified copy is high only when it is :func:`conclusive` — many keypoints agreeing, not an outline alone — and
  not a figure several marks of different owners carry (:func:`_shared_figure`, a star); else it is medium;
- a logo whose words read as the registered name (or as the words of the registered logo), by sight or sound,
  resembles it as that name does, with the reason "tulisan pada logo: KOPI KENANGAN"; three letters or fewer
  (:func:`short_text`) stay below the medium tier alone;
- where the query could not be described (OpenCV or OCR failed, or only hash codes were given) the hash evidence
  stands alone, with a note saying so: medium or above only within the hash's calibrated threshold
  (:func:`unverifiable`).

    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> idx = MarkIndex(); idx.add([Mark(id="1", name="Github", logo="simple-icons:github")])
    1
    >>> query = LogoQuery.of("simple-icons:github")
    >>> found = assess(idx, query, candidate_rows(idx, query))
    >>> found[0].verification.verified, found[0].reason()[1].split(" (")[0]
    (True, 'near-identical logo')
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..candidates.logos import crop_candidates, logo_candidates
from ..candidates.names import name_candidates
from ..image.score import LogoEvidence
from ..image.verify import VERIFIED_INLIERS, QueryFeatures, Verification, ViewKey, thresholds, verify
from ..values import Reason
from .logo_hashes import logo_evidence
from .names import name_factors

VERIFIED_FLOOR = 0.8
"""A verified copy's logo similarity runs from this (outlines agreeing at the calibrated threshold) up to 1: a
verified copy is high risk for the same goods."""
TEXT_WEIGHT = 0.9
"""The logo's words count as a name does, a little less: what OCR reads may be a slogan or a generic word."""
TEXT_FLOOR = 0.95
"""The logo's text counts from this name similarity on, i.e. when it reads as the registered name: a looser match
(PROMO ~ FOMO, RAILS ~ GRAILS, PIPEDRIVE ~ PIPED) accused other brands in the leave-one-out benchmark."""
CONCLUSIVE_AGREEMENT = 0.95
CONCLUSIVE_COVERAGE = 0.8
CONCLUSIVE_INLIERS = 30
CONCLUSIVE_PARTIAL = 0.7
"""A verified copy is high on its own (:func:`conclusive`) when aligned by keypoints with outlines agreeing from
0.95, over 80 % of the registered ink, or over `CONCLUSIVE_PARTIAL` of it with 30 consistent points. Chosen on 1,300
leave-one-out queries and 760 copies (40 logos × 19 transforms) drawn apart from the benchmark's rows: the copies'
verified alignments agreed 0.96-1.0 (5th-50th percentile) with 33-124 inliers, other brands' 0.90-0.975 with 18-41;
from 0.95 the queries with another brand high fell 2.2 % -> 1.2 % (most of the rest one brand under two keys), no
copy lost its first place. The floor on the ink for the 30-point path came from the full registry's leave-one-out
(5,738 logos, 4,000 queries): 14 of its 51 false highs were fits of part of the other logo, 30-42 points over 44-69 %
of its ink (STORYBLOK ~ Storybook, Sumo Logic ~ Loom), while a copy cropped 10 % keeps 70-80 %."""
SHARED_FIGURE = 3
"""Marks of different owners a query is a conclusive copy of from which the figure counts as shared
(:func:`_shared_figure`): design queries 1.2 % -> 0.9 % high, copies unchanged."""
SHORT_TEXT = 3
"""Letters and digits up to which the text read in a logo counts only below the medium tier on its own
(:func:`short_text`)."""
VOTED = 10
"""Registered logos proposed by keypoint votes, on top of the hashes' candidates."""
TEXT_CANDIDATES = 10
"""Marks proposed by the logo's text, best first."""
VERIFIED = 15
"""Hash matches verified per query, nearest first (the rest stay below the medium tier)."""


@dataclass
class LogoQuery:
    """A query logo described for the check: `codes` (dihedral hash codes), `features` (None when OpenCV could not
    describe it or only codes were given), `text` (the words OCR read; "" when none or not read) and `notes` saying
    what could not be done.

    >>> LogoQuery.of(np.zeros((8, 24), np.uint8)).notes[0].en
    'logo given as hash codes: matches are not verified'
    """

    codes: np.ndarray
    features: QueryFeatures | None = None
    text: str = ""
    notes: list[Reason] = field(default_factory=list)
    parts: list[LogoQuery] = field(default_factory=list)  # the picture's main part, judged as a query of its own
    votes: dict[int, int] = field(default_factory=dict)
    crops: dict[int, Any] = field(default_factory=dict)  # rows proposed by their crop codes: {row: CropHit}
    matches: Any = None  # the keypoint search's tentative matches (similarity.image.retrieve.Tentative)
    text_scores: dict[int, tuple[float, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, logo: Any, *, read: bool = True) -> LogoQuery:
        """Describe a logo given as a path, bytes, ``simple-icons:<slug>`` or precomputed dihedral codes (an array).
        A logo that cannot be loaded raises :class:`~similarity.image.load.LogoError`; one that loads but that
        OpenCV or OCR cannot read is judged by its hashes, with a note. `read`: run OCR."""
        from ..image.hash import dihedral_codes
        from ..image.load import load_logo

        if isinstance(logo, np.ndarray):
            return cls(
                logo,
                notes=[
                    _note(
                        "logo diberikan sebagai kode hash: kecocokan tidak diverifikasi",
                        "logo given as hash codes: matches are not verified",
                    )
                ],
            )
        image = load_logo(logo)
        drawn, notes = _flat_parts(image)
        query = cls(dihedral_codes(drawn), notes=notes)
        try:
            query.features = QueryFeatures.of(drawn)
        except Exception as error:  # noqa: BLE001 — OpenCV raises its own cv2.error; the hashes still answer
            query.notes.append(_unreadable_keypoints(error))
        part = _main_part(drawn)
        if part is not None:
            with contextlib.suppress(Exception):  # cv2.error on the part: the whole picture still answers
                query.parts.append(cls(dihedral_codes(part), QueryFeatures.of(part)))
        if read:
            try:
                from ..image.ocr import read_text

                query.text = read_text(image)
            except Exception as error:  # noqa: BLE001 — a broken OCR engine must not lose the picture's verdict
                query.notes.append(
                    _note(
                        f"tulisan pada logo tidak dapat dibaca ({type(error).__name__})",
                        f"the text in the logo could not be read ({type(error).__name__})",
                    )
                )
        return query


def _flat_parts(image: Any) -> tuple[Any, list[Reason]]:
    """The picture a query logo is compared by: on a cluttered ground (noise, a photo) its flat-coloured parts on
    white (:func:`~similarity.image.clutter.flat_parts`), on a smooth one (a gradient) what differs from it on white
    (:func:`~similarity.image.clutter.smooth_ground`), each with a note saying so; else the picture itself."""
    from ..image.clutter import flat_parts, smooth_ground

    try:
        cleaned = flat_parts(image)
    except Exception:  # noqa: BLE001 — cv2.error on a strange picture: compare the picture as it is
        cleaned = None
    if cleaned is not None:
        return cleaned, [
            _note(
                "latar bertekstur diabaikan: logo dibandingkan dari bagian berwarna rata",
                "textured ground set aside: the logo is compared by the picture's flat-coloured parts",
            )
        ]
    try:
        cleaned = smooth_ground(image)
    except Exception:  # noqa: BLE001 — cv2.error or a singular fit: compare the picture as it is
        cleaned = None
    if cleaned is None:
        return image, []
    return cleaned, [
        _note(
            "latar gradasi diabaikan: logo dibandingkan dari bagian yang berbeda dari latar",
            "smooth ground set aside: the logo is compared by what differs from it",
        )
    ]


def _main_part(image: Any) -> Any:
    """The picture's biggest separate part (:func:`~similarity.image.clutter.main_part`: a logo with a word under
    it, a logo beside another), None when it is one part or the split fails."""
    from ..image.clutter import main_part

    try:
        return main_part(image)
    except Exception:  # noqa: BLE001 — cv2.error on a strange picture: the whole picture still answers
        return None


def _note(indonesian: str, english: str) -> Reason:
    return Reason("logo", indonesian, english)


def _unreadable_keypoints(error: Exception) -> Reason:
    return _note(
        f"logo tidak dapat dianalisis titik-titiknya ({type(error).__name__})",
        f"the logo's keypoints could not be read ({type(error).__name__}): matches are judged by hash only",
    )


@dataclass(frozen=True)
class LogoAssessment:
    """How a query logo resembles one registered mark: the final `similarity` and what it rests on (`evidence` from
    the hashes, `verification` from the local features, `text` read in the query logo and what it matched)."""

    similarity: float
    evidence: LogoEvidence | None = None
    verification: Verification | None = None
    text: str | None = None
    text_similarity: float = 0.0
    text_target: str = "name"
    conclusive: bool = False
    shared: int = 0

    def reason(self) -> tuple[str, str] | None:
        """(Indonesian, English) reason for the strongest sign, or None when the logos are not alike."""
        if self.text is not None and self.text_similarity >= TEXT_FLOOR and self.text_similarity >= self._visual():
            where_id, where_en = (
                ("", "")
                if self.text_target == "name"
                else (" (sama dengan tulisan logo terdaftar)", " (as in the registered logo)")
            )
            return f"tulisan pada logo: {self.text}{where_id}", f"text in the logo: {self.text}{where_en}"
        v = self.verification
        if self._hash() < 0.5:
            if v is None or not v.verified:
                return None
            said_id, said_en = v.reason()
            limit_id, limit_en = self._limit()
            return said_id + limit_id, said_en + limit_en
        indonesian, english = self.evidence.reason()
        if v is None:
            return f"{indonesian}; belum diverifikasi", f"{english}; not verified"
        facts_id, facts_en = v.details()
        if v.verified:
            limit_id, limit_en = self._limit()
            return (
                f"{indonesian}, terverifikasi ({facts_id}){limit_id}",
                f"{english}, verified ({facts_en}){limit_en}",
            )
        return (
            f"{indonesian}, tetapi tidak terbukti salinan ({facts_id})",
            f"{english}, but not a verified copy ({facts_en})",
        )

    def _limit(self) -> tuple[str, str]:
        """What keeps a verified copy from the high tier (:func:`conclusive`), as a clause; empty when nothing does."""
        v = self.verification
        if v is None or not v.verified or self.conclusive:
            return "", ""
        if self.shared:
            return (
                f"; bentuk umum: sama dengan logo {self.shared} merek terdaftar",
                f"; a common figure: {self.shared} registered marks carry it",
            )
        if v.method != "keypoints":
            return "; hanya garis luar yang cocok", "; the outline alone agrees"
        return "; rincian tidak cukup untuk bukti kuat", "; too few details agree for strong proof"

    def _hash(self) -> float:
        return 0.0 if self.evidence is None else self.evidence.similarity

    def _visual(self) -> float:
        return max(self._hash(), self.similarity if self.verification is not None else 0.0)

    def detail(self) -> dict[str, Any]:
        """The facts behind the similarity, for the JSON answer."""
        out: dict[str, Any] = {}
        if self.evidence is not None:
            out.update(
                distance=self.evidence.distance,
                bits=self.evidence.bits,
                hash=self.evidence.hash,
                variant=self.evidence.variant,
                hash_similarity=round(self.evidence.similarity, 4),
            )
        if self.verification is not None:
            out["verification"] = self.verification.as_dict()
            if self.verification.verified:
                out["verification"]["conclusive"] = self.conclusive
                if self.shared:
                    out["verification"]["shared_by"] = self.shared
        if self.text:
            out["text"] = {"read": self.text, "similarity": round(self.text_similarity, 3), "against": self.text_target}
        return out


def candidate_rows(index: Any, query: LogoQuery) -> np.ndarray:
    """Rows worth judging for a query logo: the hashes' nearest, the keypoints' votes and the text's name matches."""
    rows = [logo_candidates(index, query.codes)]
    if query.features is not None:
        found = index.logo_features.search_index()
        if found is not None:
            try:
                views = [query.features.view(*key) for key in query.features.search_views()]
            except Exception as error:  # noqa: BLE001 — cv2.error on one view: the hashes and the words still answer
                query.features = None
                query.notes.append(_unreadable_keypoints(error))
            else:
                query.matches = found.match(views, alive=index.alive_mask())
                query.votes = query.matches.votes(VOTED)
                rows.append(np.fromiter(query.votes, dtype=np.int64, count=len(query.votes)))
        if query.features is not None and query.features.cut():
            # a picture cut out of a logo: its hashes are far from the logo's own, near the logo's crop codes
            query.crops = crop_candidates(index.logo_features, query.codes)
            rows.append(np.fromiter(query.crops, dtype=np.int64, count=len(query.crops)))
    if query.text:
        query.text_scores = _text_candidates(index, query.text)
        rows.append(np.fromiter(query.text_scores, dtype=np.int64, count=len(query.text_scores)))
    rows += [candidate_rows(index, part) for part in query.parts]
    return np.unique(np.concatenate(rows)).astype(np.int64)


def _text_candidates(index: Any, text: str) -> dict[int, tuple[float, str]]:
    """Marks whose name the text reads as: {row: (name similarity, "name")}, the best `TEXT_CANDIDATES`."""
    from ..text.encode import encode_name

    try:
        code = encode_name(text)
    except ValueError:
        return {}
    rows, dominant = name_candidates(index, code)
    if not len(rows):
        return {}
    looks = _looks_or_sounds(name_factors(index, code, rows, dominant))
    score = _read_as(code, looks, index.rows.name_strings(rows)[1])
    best = np.argsort(-score, kind="stable")[:TEXT_CANDIDATES]
    return {int(rows[i]): (float(score[i]), "name") for i in best if score[i] >= TEXT_FLOOR}


def _looks_or_sounds(factors: Any) -> np.ndarray:
    """How far the text read in a logo *is* a name: its sight or sound likeness, not its meaning (EXPRESS ~ Rapid,
    BOLT ~ Lightning, EVERGREEN ~ Forever: synonyms accused other brands in the leave-one-out benchmark) nor a shared
    dominant word (a logo reading "APACHE AIRFLOW" or "METRO DE MADRID" is not the name "Metro" written out)."""
    return np.maximum(factors.sight, factors.sound)


def short_text(text: str) -> bool:
    """Whether text read in a logo is too short to stand as a name alone: at most `SHORT_TEXT` letters and digits.
    OCR reads a drawing as two or three letters readily (the R logo as "CR", TeamCity's as "TC", CSS 3's shield as
    "C55") and a short mark conflicts only with a name that *is* those letters (DOMAIN.md §8); GoLand's logo reads "GO"
    and CSS Wizardry's "CSS" — each another brand's whole name.

    >>> short_text("GO"), short_text("C S S"), short_text("KOPI")
    (True, True, False)
    """
    return sum(c.isalnum() for c in text) <= SHORT_TEXT


def _read_as(code: Any, score: np.ndarray, compacts: Sequence[str | bytes]) -> np.ndarray:
    """`score` raised to 1 where the text, its spaces dropped, spells the name exactly: the recogniser often loses a
    narrow space ("KOPIKENANGAN"), which the name scorer counts as a difference."""
    mine = code.compact
    same = [(c.decode("ascii") if isinstance(c, bytes) else c) == mine for c in compacts]
    return np.where(np.asarray(same, dtype=bool), 1.0, score)


def assess(
    index: Any, query: LogoQuery, rows: np.ndarray, max_distance: Mapping[str, int] | None = None
) -> list[LogoAssessment | None]:
    """Judge each row's logo against the query (see the module's docstring); None where there is nothing to say.
    Where the query has a main part (:attr:`LogoQuery.parts`) each row keeps the likelier of the two judgements."""
    out = _assess(index, query, rows, max_distance)
    for part in query.parts:
        for i, found in enumerate(_assess(index, part, rows, max_distance)):
            whole = out[i]
            if found is None or (whole is not None and found.similarity <= whole.similarity):
                continue
            # the part's picture, the whole query's words
            out[i] = found if whole is None else replace(
                found, text=whole.text, text_similarity=whole.text_similarity, text_target=whole.text_target
            )
    return out


def _assess(
    index: Any, query: LogoQuery, rows: np.ndarray, max_distance: Mapping[str, int] | None = None
) -> list[LogoAssessment | None]:
    """:func:`assess` of the query picture alone."""
    from ..verdict.tiers import thresholds as tiers

    evidence = logo_evidence(index, rows, query.codes, max_distance)
    cap = tiers()["medium"] - 0.01
    text_scores = dict(query.text_scores)
    if query.text:
        text_scores.update(_registered_text_scores(index, query.text, rows, text_scores))
    hashed = np.array([0.0 if ev is None else ev.similarity for ev in evidence])
    proposed = [i for i in np.argsort(-hashed, kind="stable")[:VERIFIED] if hashed[i] >= 0.5]
    checked = {int(rows[i]) for i in proposed} | set(query.votes) | set(query.crops)
    short = bool(query.text) and short_text(query.text)
    verifications: list[Verification | None] = []
    for row, ev in zip(rows.tolist(), evidence, strict=True):
        verification = None
        if query.features is not None and row in checked:
            registered = registered_features(index, row)
            if registered is not None:
                # the symmetry a hash found is tried as an alignment only where the hash matched (a silhouette laid
                # box on box on a logo the hash did not find was never a copy, and cost a third of the verification)
                variant = ev.variant if ev is not None and ev.similarity >= 0.5 else None
                hit = query.crops.get(row)
                verification = verify(
                    query.features,
                    registered,
                    variant,
                    _views(query, row),
                    _vote_fits(query, row),
                    None if hit is None else (hit.variant, hit.fraction),
                )
        verifications.append(verification)
    shared = _shared_figure(index, rows, verifications)
    out: list[LogoAssessment | None] = []
    for row, ev, verification in zip(rows.tolist(), evidence, verifications, strict=True):
        hash_similarity = 0.0 if ev is None else ev.similarity
        similarity = unverifiable(hash_similarity, cap)
        decisive = False
        if verification is not None and verification.verified:
            floor = thresholds()["agreement"]
            share = (verification.agreement - floor) / max(1e-6, 1.0 - floor)
            similarity = max(hash_similarity, VERIFIED_FLOOR + (1.0 - VERIFIED_FLOOR) * min(1.0, share))
            decisive = conclusive(verification) and not shared
            if not decisive:
                similarity = medium_band(similarity)
        elif verification is not None or (query.features is not None and row not in checked):
            # not verified, or a hash match past the verified few: scaled, not clipped, below the medium tier (the
            # hash still ranks them); a registered logo that cannot be described keeps `unverifiable`
            similarity = hash_similarity * cap
        text_similarity, target = text_scores.get(row, (0.0, "name"))
        if text_similarity < TEXT_FLOOR:
            text_similarity = 0.0
        # short text alone is no more than an unverified hash match: below the medium tier (`short_text`)
        similarity = max(similarity, TEXT_WEIGHT * text_similarity * (cap if short else 1.0))
        if ev is None and verification is None and not text_similarity:
            out.append(None)
            continue
        out.append(
            LogoAssessment(
                float(similarity),
                ev,
                verification,
                query.text or None,
                text_similarity,
                target,
                decisive,
                shared if verification is not None and verification.verified and not decisive else 0,
            )
        )
    return out


def conclusive(verification: Verification) -> bool:
    """Whether a verified copy proves enough on its own for the high tier: aligned by keypoints (a silhouette laid by
    the hash's symmetry is an outline only — CodeSandbox's square on ElevenLabs', Treehouse's on Evergreen's agreed
    0.97-1.0), its outlines agreeing from `CONCLUSIVE_AGREEMENT`, over `CONCLUSIVE_COVERAGE` of the registered ink or
    with `CONCLUSIVE_INLIERS` consistent points where less but at least `CONCLUSIVE_PARTIAL` is seen: a fit of one part
    of another logo (Storyblok's letter on Storybook's, 36 points over 68 % of its ink) is a likeness, not proof of a
    copy. Other verified copies are medium
    (:func:`medium_band`). Chosen on leave-one-out queries and copies drawn apart from the benchmark's (see
    ``CONCLUSIVE_AGREEMENT``).

    >>> conclusive(Verification(True, 0.99, 0.9, 40, 44, False, 0, 1.0, "keypoints"))
    True
    >>> conclusive(Verification(True, 1.0, 1.0, 0, 0, False, 0, 2.1, "silhouette"))
    False
    >>> conclusive(Verification(True, 0.92, 0.95, 38, 38, False, 0, 0.9, "keypoints"))  # Mailgun ~ Mailjet
    False
    >>> conclusive(Verification(True, 0.985, 0.678, 36, 41, False, 0, 1.307, "keypoints"))  # Storyblok ~ Storybook
    False
    >>> conclusive(Verification(True, 0.97, 0.74, 31, 35, False, 0, 1.1, "keypoints"))  # a crop that keeps 74 %
    True
    """
    if not verification.verified or verification.method != "keypoints":
        return False
    if verification.agreement < CONCLUSIVE_AGREEMENT:
        return False
    if verification.coverage >= CONCLUSIVE_COVERAGE:
        return True
    return verification.coverage >= CONCLUSIVE_PARTIAL and verification.inliers >= CONCLUSIVE_INLIERS


def medium_band(similarity: float) -> float:
    """A verified copy's similarity (`VERIFIED_FLOOR` to 1) laid into the medium tier, in the same order: a copy that
    is not :func:`conclusive` still ranks above every unverified match and below every conclusive copy.

    >>> from similarity.verdict.tiers import thresholds
    >>> t = thresholds(); t["medium"] <= medium_band(0.8) < medium_band(1.0) < t["high"]
    True
    """
    from ..verdict.tiers import thresholds as tiers

    t = tiers()
    share = min(1.0, max(0.0, (similarity - VERIFIED_FLOOR) / (1.0 - VERIFIED_FLOOR)))
    return t["medium"] + (t["high"] - 0.01 - t["medium"]) * share


def _shared_figure(index: Any, rows: np.ndarray, verifications: Sequence[Verification | None]) -> int:
    """How many registered marks of different owners (by name where the owner is not on record) the query is a
    :func:`conclusive` copy of, when that is `SHARED_FIGURE` or more, else 0. A figure several unrelated marks carry
    — the five-pointed star of Macy's, Nebula, Coveralls, Trustpilot and Tamiya, drawn alike to the pixel — is as weak
    as a generic word: the registry itself shows it coexists (DOMAIN.md §8), so none of those copies is high."""
    found = [row for row, v in zip(rows.tolist(), verifications, strict=True) if v is not None and conclusive(v)]
    if len(found) < SHARED_FIGURE:
        return 0
    owners = {(m.owner or "").casefold().strip() or "name:" + m.name.casefold() for m in index.marks_at(found)}
    return len(owners) if len(owners) >= SHARED_FIGURE else 0


def unverifiable(hash_similarity: float, cap: float) -> float:
    """The logo similarity of a hash match that cannot be verified (the query came as hash codes, or OpenCV could not
    describe one of the two logos): as the hash says within its calibrated threshold (similarity 0.5 and up), scaled
    below `cap` (the medium tier) beyond it. A hash at 14-16 of 64 bits is what most unrelated logos share with some
    registered one: counted as it was, every hash-only query was medium against another brand.

    >>> unverifiable(0.9, 0.27), unverifiable(0.5, 0.27), round(unverifiable(0.47, 0.27), 3)
    (0.9, 0.5, 0.254)
    """
    return hash_similarity if hash_similarity >= 0.5 else hash_similarity * cap / 0.5


def _views(query: LogoQuery, row: int) -> list[ViewKey] | None:
    """The query views worth matching with `row`'s logo, from the registry search: those with enough tentative
    matches (:meth:`~similarity.image.retrieve.Tentative.views_for`); None when there was no search (an index without
    features: every view is tried)."""
    if query.matches is None or query.features is None:
        return None
    keys = query.features.search_views()
    if row in query.crops and row not in query.votes:
        # proposed by its crop code alone: the descriptor search's few neighbours of a crop's keypoints miss the logo
        # (TNW, Couchbase cut 10 %: no tentative match, a fit of 15-22 points in the plain views), so every view
        return keys
    return [keys[i] for i in query.matches.views_for(row, VERIFIED_INLIERS)]


def _vote_fits(query: LogoQuery, row: int) -> dict[ViewKey, np.ndarray] | None:
    """The transforms the registry search's votes found for `row`'s logo, strongest first, by query view: where
    verification looks for its matches first (:func:`~similarity.image.verify.guided_matches`)."""
    if query.matches is None or query.features is None or row not in query.votes:
        return None
    keys = query.features.search_views()
    return {keys[view]: matrix for view, matrix in query.matches.fits(row).items()}


def _registered_text_scores(
    index: Any, text: str, rows: np.ndarray, known: Mapping[int, tuple[float, str]]
) -> dict[int, tuple[float, str]]:
    """Similarity of the query's text to the words read in each registered logo (cached at build), where higher
    than to the mark's name."""
    from ..text.encode import encode_name
    from ..text.score import score_names

    store = getattr(index, "logo_features", None)
    if store is None:
        return {}
    pairs = [(row, store.text(row)) for row in rows.tolist()]
    pairs = [(row, words) for row, words in pairs if words]
    if not pairs:
        return {}
    try:
        code = encode_name(text)
        codes = [encode_name(words) for _, words in pairs]
    except ValueError:
        return {}
    score = _read_as(code, _looks_or_sounds(score_names(code, codes)), [c.compact for c in codes])
    return {
        row: (float(s), "logo")
        for (row, _), s in zip(pairs, score.tolist(), strict=True)
        if s > known.get(row, (0.0, ""))[0]
    }


def registered_features(index: Any, row: int):
    """The stored features of `row`'s logo; for an index built without them, extracted now from the mark's logo
    reference and kept for the next query. None when the mark has no logo or it cannot be read."""
    from ..image.features import FeatureStore, extract
    from ..image.load import LogoError, load_logo

    store = getattr(index, "logo_features", None)
    if store is None:
        store = index.logo_features = FeatureStore()
    found = store.get(row)
    if found is not None or store.undescribable(row):
        return found
    mark = index.marks_at([row])[0]
    try:
        found = extract(load_logo(mark.logo)) if mark.logo else None
    except (LogoError, OSError, ValueError):
        found = None
    store.put(row, found)  # None: remembered as undescribable, not read again
    return found


def logo_extras(logo: np.ndarray, score: np.ndarray, shown: np.ndarray, min_score: float, keep: int = 3) -> np.ndarray:
    """Positions of the logo's own best `keep` candidates (logo similarity at least 0.5) that the top by overall score
    left out, best logo first: a name + logo query must not hide its logo behind ten name matches.

    >>> logo_extras(np.array([0.9, 0.0, 0.6]), np.array([0.5, 0.8, 0.55]), np.array([1]), 0.2).tolist()
    [0, 2]
    """
    left = np.setdiff1d(np.flatnonzero((logo >= 0.5) & (score >= min_score)), shown)
    return left[np.argsort(-logo[left], kind="stable")][:keep].astype(shown.dtype)


def driving_sign(match: Any) -> Reason | None:
    """Which sign decided a match's tier — the name, the logo or both — as a verdict note; None for a clear match.

    >>> from similarity.values import Factors, Match, Mark
    >>> m = Match(mark=Mark(id="1", name="X"), score=0.9, factors=Factors(0.2, 0.2, 0.0, 0.95, 1.0), reasons=(),
    ...           risk="high")
    >>> driving_sign(m).en
    'decided by the logo'
    """
    if match.risk == "clear":
        return None
    factors = match.factors
    name = max(factors.sight or 0.0, factors.sound or 0.0, factors.meaning or 0.0)
    logo = factors.logo or 0.0
    if logo >= 0.5 and name >= 0.5:
        return Reason("sign", "ditentukan oleh nama dan logo", "decided by the name and the logo")
    if logo > name:
        return Reason("sign", "ditentukan oleh logo", "decided by the logo")
    return Reason("sign", "ditentukan oleh nama", "decided by the name")
