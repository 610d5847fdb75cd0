"""Value objects: what goes into an index (:class:`Mark`) and what comes out (:class:`Match`, :class:`Verdict`).

Everything here is a frozen dataclass with a JSON round trip, so results can be cached, logged and sent over
HTTP without losing anything::

    >>> m = Mark(id="IDM000123456", name="Kopi Kenangan", classes=(30, 43))
    >>> Mark.from_dict(m.to_dict()) == m
    True
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["registered", "pending", "expired", "refused"]
STATUSES: tuple[Status, ...] = ("registered", "pending", "expired", "refused")
"""The statuses a mark may have — the one definition (an index stores each as its position here: keep the order)."""
FACTORS: tuple[str, ...] = ("sight", "sound", "meaning", "logo", "goods", "name", "status")
RISKS: tuple[str, ...] = ("high", "medium", "low", "clear")
RISK_LABELS_ID = {"high": "tinggi", "medium": "sedang", "low": "rendah", "clear": "aman"}

Risk = Literal["high", "medium", "low", "clear"]
GoodsRelation = Literal["same", "related", "unrelated", "famous", "unknown", "none", ""]
"""How a match's goods met the query's: ``same`` or ``related`` classes, ``unrelated`` ones, ``famous`` (unrelated
classes, a well-known mark: Art. 21(1)(c)), ``unknown`` (the mark has no classes on record), ``none`` (the query named
no classes); ``""`` for a match read from a result written before the field existed."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A registered or applied-for mark.

    ``classes`` are Nice classes (1–45); ``logo`` is a path relative to the registry file, an absolute path,
    or ``simple-icons:<slug>`` for a logo shipped by the ``simple-icons-pack`` package.

    >>> Mark(id="D002023000001", name="Geprek Bensu", owner="PT Bensu", classes=(43,), status="pending").status
    'pending'
    """

    id: str
    name: str
    owner: str = ""
    classes: tuple[int, ...] = ()
    status: Status = "registered"
    number: str = ""
    filed: str | None = None
    registered: str | None = None
    logo: str | None = None

    def __post_init__(self) -> None:
        if not str(self.id).strip():
            raise ValueError("a mark needs a non-empty id")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r} — it must be one of {', '.join(STATUSES)}")
        object.__setattr__(self, "classes", tuple(sorted({int(c) for c in self.classes})))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["classes"] = list(self.classes)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mark:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        known["classes"] = tuple(known.get("classes") or ())
        return cls(**known)

    def summary(self) -> dict[str, Any]:
        """The short form used in match output: id, name, owner, classes, status, number, filing and registration
        dates (None where the registry has none), logo."""
        return {
            "id": self.id,
            "name": self.name,
            "owner": self.owner,
            "classes": list(self.classes),
            "status": self.status,
            "number": self.number,
            "filed": self.filed,
            "registered": self.registered,
            "logo": self.logo,
        }


@dataclass(frozen=True)
class Reason:
    """One piece of evidence, in Indonesian and English, tagged with the factor it supports.

    >>> Reason("sound", "bunyi mirip: GUDMILQ ~ GOODMILK", "sounds alike: GUDMILQ ~ GOODMILK").text("en")
    'sounds alike: GUDMILQ ~ GOODMILK'
    """

    factor: str
    id: str
    en: str

    def text(self, lang: str = "id") -> str:
        return self.en if lang == "en" else self.id

    def to_dict(self) -> dict[str, str]:
        """``{"factor", "text_id", "text_en"}``: the keys say they are texts, not identifiers."""
        return {"factor": self.factor, "text_id": self.id, "text_en": self.en}

    @classmethod
    def from_dict(cls, d: dict[str, str]) -> Reason:
        """Reads :meth:`to_dict` and the older ``{"factor", "id", "en"}`` form.

        >>> Reason.from_dict({"factor": "sound", "id": "bunyi", "en": "sound"}) == Reason("sound", "bunyi", "sound")
        True
        """
        return cls(d["factor"], d.get("text_id", d.get("id", "")), d.get("text_en", d.get("en", "")))


@dataclass(frozen=True)
class Factors:
    """Per-factor similarity in 0..1; ``None`` means the factor was not computed (e.g. no logo given).

    ``sight``, ``sound`` and ``meaning`` are the string likenesses of the first pass; ``name`` is the calibrated
    probability that an examiner sees a conflict between the names (the learned model over the word-by-word
    evidence); ``goods`` and ``status`` are the weights the score was multiplied by. Without a logo,
    ``score == name × goods × status``.

    >>> Factors(sight=0.9).to_dict()["logo"] is None
    True
    """

    sight: float | None = None
    sound: float | None = None
    meaning: float | None = None
    logo: float | None = None
    goods: float | None = None
    name: float | None = None
    status: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        # the fields read directly, not through asdict(), which deep-copies: every match of every answer passes here
        values = (getattr(self, k) for k in FACTORS)
        return {k: (None if v is None else round(float(v), 4)) for k, v in zip(FACTORS, values, strict=True)}


@dataclass(frozen=True)
class Match:
    """A registry mark found for a query, with its overall score, factors and reasons.

    >>> m = Match(Mark(id="1", name="Aqua"), 0.91, Factors(sight=0.5, sound=1.0), (Reason("sound", "a", "b"),))
    >>> Match.from_dict(m.to_dict()) == m
    True
    """

    mark: Mark
    score: float
    factors: Factors
    reasons: tuple[Reason, ...] = ()
    risk: Risk = "clear"
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    same_brand: tuple[str, ...] = ()
    """Ids of the other rows of the same brand (same name and owner) folded into this match."""
    goods_relation: GoodsRelation = ""
    """How its goods met the query's (`GoodsRelation`); what the verdict's sentence says of the goods."""

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {
            "mark": self.mark.summary(),
            "score": round(float(self.score), 4),
            "risk": self.risk,
            "factors": self.factors.to_dict(),
            "reasons": [r.text(lang) for r in self.reasons],
            "reasons_detail": [r.to_dict() for r in self.reasons],
            **({"detail": self.detail} if self.detail else {}),
            **({"same_brand": list(self.same_brand)} if self.same_brand else {}),
            **({"goods_relation": self.goods_relation} if self.goods_relation else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Match:
        reasons = tuple(Reason.from_dict(r) for r in d.get("reasons_detail", ()))
        return cls(
            mark=Mark.from_dict(d["mark"]),
            score=float(d["score"]),
            factors=Factors(**d["factors"]),
            reasons=reasons,
            risk=d.get("risk", "clear"),
            detail=d.get("detail", {}),
            same_brand=tuple(d.get("same_brand", ())),
            goods_relation=d.get("goods_relation", ""),
        )


@dataclass(frozen=True)
class Query:
    """What the applicant wants to file: a name and/or a logo, optionally with Nice classes.

    >>> Query(name="Kopi Kenangan", classes=(30,)).to_dict()["classes"]
    [30]
    """

    name: str = ""
    classes: tuple[int, ...] = ()
    logo: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "classes": list(self.classes), "logo": self.logo}


@dataclass(frozen=True)
class Verdict:
    """The risk of filing the query, decided by its worst match.

    >>> v = Verdict(risk="medium", score=0.7, reasons=(Reason("sight", "x", "y"),))
    >>> v.label, v.label_in("en")
    ('sedang', 'medium')
    """

    risk: Risk = "clear"
    score: float = 0.0
    reasons: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()

    def __post_init__(self) -> None:
        if self.risk not in RISKS:
            raise ValueError(f"unknown risk {self.risk!r} — it must be one of {', '.join(RISKS)}")

    @property
    def label(self) -> str:
        """The tier's Indonesian name (the package's default language); :meth:`label_in` for either."""
        return RISK_LABELS_ID[self.risk]

    def label_in(self, lang: str = "id") -> str:
        return self.risk if lang == "en" else RISK_LABELS_ID[self.risk]

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {
            "risk": self.risk,
            "label": self.label_in(lang),
            "score": round(float(self.score), 4),
            "reasons": [r.text(lang) for r in self.reasons],
            "notes": [r.text(lang) for r in self.notes],
        }


@dataclass(frozen=True)
class CheckResult:
    """The whole answer to one query: the query, the verdict and the ranked matches.

    >>> r = CheckResult(Query(name="x"), Verdict(), ())
    >>> json.loads(r.to_json())["verdict"]["risk"]
    'clear'
    """

    query: Query
    verdict: Verdict
    matches: tuple[Match, ...]
    registry: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        """The JSON answer. Beside the verdict: what its tier means and what to do next, each note explained, and
        the registry's line (name, size, date, whether it is the demo) — the texts the page and the report show."""
        from .explain import explained, note_text, registry_line

        verdict = {**self.verdict.to_dict(lang), **explained(self, lang),
                   "notes": [note_text(n, lang) for n in self.verdict.notes]}
        registry = {**self.registry, "label": registry_line(self.registry, lang)} if self.registry else None
        return {
            "query": self.query.to_dict(),
            "verdict": verdict,
            "matches": [m.to_dict(lang) for m in self.matches],
            **({"registry": registry} if registry else {}),
        }

    def to_json(self, lang: str = "id") -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False)
