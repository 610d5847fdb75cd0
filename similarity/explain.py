"""What a verdict, a note, a "—" and the registry mean, in words — written once, shown by the CLI, the page, the
JSON and the HTML report alike.

    >>> from similarity.values import CheckResult, Query, Verdict
    >>> registry = {"source": "registry.csv", "marks": 3, "demo": True}
    >>> result = CheckResult(Query(name="Kopi Senja"), Verdict(), (), registry)
    >>> tier_meaning(result, "en")
    'No sufficiently similar earlier mark was found in this registry.'
    >>> registry_line(result.registry, "en")
    'Registry: DEMO registry (sample data, not DJKI records) · registry.csv · 3 marks'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .values import RISK_LABELS_ID, RISKS, CheckResult, Match, Reason

_MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}

# What the tier says about the signs, then how far the goods were compared (only then "similar goods").
_SIGN = {
    "id": {"high": "Ada merek terdahulu yang sangat mirip", "medium": "Ada merek terdahulu yang cukup mirip",
           "low": "Ada kemiripan kecil dengan merek terdahulu"},
    "en": {"high": "An earlier mark is very similar", "medium": "An earlier mark is fairly similar",
           "low": "An earlier mark is slightly similar"},
}
_GOODS = {
    "id": {"same": " untuk barang/jasa yang sama atau terkait.",
           "other": " tetapi untuk barang/jasa lain.",
           "famous": ", dan merek itu merek terkenal: dilindungi juga di luar barang/jasanya sendiri.",
           "none": "; barang/jasa tidak dibandingkan karena Anda tidak memilih kelas.",
           "unknown": "; kelas merek itu tidak tercatat di registri, jadi barang/jasa tidak dapat dibandingkan."},
    "en": {"same": " for the same or related goods/services.",
           "other": ", but for other goods/services.",
           "famous": ", and it is a well-known mark: protected beyond its own goods/services.",
           "none": "; goods/services were not compared because you chose no class.",
           "unknown": "; that mark's classes are not on record, so goods/services could not be compared."},
}
_CLEAR = {"id": "Tidak ditemukan merek terdahulu yang cukup mirip di registri ini.",
          "en": "No sufficiently similar earlier mark was found in this registry."}

NEXT_STEP = {
    "id": {"high": "Sebaiknya pilih nama atau logo lain, atau minta pendapat konsultan kekayaan intelektual "
                   "sebelum mengajukan.",
           "medium": "Bandingkan sendiri merek di bawah dan pertimbangkan unsur pembeda sebelum mengajukan.",
           "low": "Periksa daftar di bawah; kemiripan sekecil ini biasanya belum menghalangi.",
           "clear": "Tetap periksa pangkalan data PDKI milik DJKI sebelum mengajukan."},
    "en": {"high": "Better choose another name or logo, or ask an intellectual-property consultant before filing.",
           "medium": "Compare the marks below yourself and consider a distinctive element before filing.",
           "low": "Review the list below; similarity this small rarely stands in the way.",
           "clear": "Still search DJKI's PDKI database before filing."},
}

DEMO_NOTICE = {
    "id": "Ini registri DEMO berisi nama merek nyata dari sumber terbuka; nomor, pemilik dan statusnya bukan data "
          "DJKI. Untuk pemeriksaan sungguhan, bangun indeks dari ekspor PDKI/DJKI.",
    "en": "This is the DEMO registry: real brand names from open sources, but its numbers, owners and statuses are "
          "not DJKI records. For a real check, build an index from a PDKI/DJKI export.",
}
UNKNOWN_CLASSES = {
    "id": "— di kolom kelas: kelas merek itu tidak tercatat di registri, jadi barang/jasanya tidak dapat dibandingkan; "
          "ia dihitung di bawah merek di kelas yang sama.",
    "en": "— under classes: the mark's classes are not on record, so its goods/services could not be compared; it "
          "counts for less than a mark in the same class.",
}
NOT_COMPUTED = {
    "id": "— pada faktor: faktor itu tidak dihitung (mis. tidak ada logo untuk dibandingkan).",
    "en": "— for a factor: that factor was not computed (e.g. no logo to compare).",
}

# Notes of the verdict (similarity/verdict/tiers.py) as a reader needs them, keyed by their English text.
_NOTES = {
    "service classes": {
        "id": "kelas jasa: Anda hanya memilih kelas jasa (35–45); merek untuk barang dihitung sejenis hanya bila "
              "kelasnya terkait dengan jasa itu (mis. kopi 30 dan kafe 43).",
        "en": "service classes: you chose service classes only (35–45); a mark for goods counts as similar only "
              "where its class is related to those services (e.g. coffee 30 and cafés 43).",
    },
}


def risk_label(risk: str, lang: str = "id") -> str:
    """The tier's name: ``tinggi`` / ``high``."""
    return risk if lang == "en" else RISK_LABELS_ID.get(risk, risk)


def deciding_match(result: CheckResult) -> Match | None:
    """The match the verdict follows: the riskiest, then the highest score (the worst-match rule)."""
    if not result.matches:
        return None
    return max(result.matches, key=lambda m: (RISKS[::-1].index(m.risk) if m.risk in RISKS else -1, m.score))


def goods_compared(result: CheckResult, match: Match | None = None) -> str:
    """How far the goods of the query and of ``match`` (the deciding match) were compared: ``same`` (same or
    related classes), ``other``, ``famous`` (other classes, a well-known mark), ``none`` (no query classes) or
    ``unknown`` (the mark has no classes on record)."""
    match = match if match is not None else deciding_match(result)
    if not result.query.classes:
        return "none"
    if match is None:
        return "unknown"
    return _COMPARED.get(match.goods_relation, "unknown")


_COMPARED = {"same": "same", "related": "same", "unrelated": "other", "famous": "famous"}
"""What the verdict says of a match's `goods_relation` (a mark without classes, or a match read from an older result:
``unknown``)."""


def tier_meaning(result: CheckResult, lang: str = "id") -> str:
    """One sentence on what the verdict's tier means for this query; it says "similar goods" only when the goods
    were compared and found so."""
    lang = "en" if lang == "en" else "id"
    risk = result.verdict.risk
    if risk == "clear" or not result.matches:
        return _CLEAR[lang]
    return _SIGN[lang][risk] + _GOODS[lang][goods_compared(result)]


def next_step(result: CheckResult, lang: str = "id") -> str:
    """One sentence on what to do next."""
    return NEXT_STEP["en" if lang == "en" else "id"][result.verdict.risk]


def note_text(note: Reason, lang: str = "id") -> str:
    """A verdict note with what it means, where the short form needs it."""
    known = _NOTES.get(note.en)
    return known["en" if lang == "en" else "id"] if known else note.text(lang)


_FACTS = {"id": ("no. pendaftaran", "diajukan", "terdaftar"), "en": ("reg. no.", "filed", "registered")}


def mark_facts(mark: Any, lang: str = "id") -> list[str]:
    """The registry's number and dates of a mark, where it has them: ["no. pendaftaran IDM…", "diajukan 1 Mei 2019"].

    >>> from similarity.values import Mark
    >>> mark_facts(Mark(id="D1", name="x", number="IDM1", filed="2019-05-01"), "en")
    ['reg. no. IDM1', 'filed 1 May 2019']
    """
    number, filed, registered = _FACTS["en" if lang == "en" else "id"]
    facts = [f"{number} {mark.number}"] if mark.number and mark.number != mark.id else []
    facts += [f"{word} {date_text(value, lang)}" for word, value in ((filed, mark.filed),
                                                                     (registered, mark.registered)) if value]
    return facts


def is_demo(registry: Mapping[str, Any]) -> bool:
    return bool(registry.get("demo"))


def registry_line(registry: Mapping[str, Any], lang: str = "id") -> str:
    """"Registri: DEMO … · registry.csv · 18.596 merek · dibangun 1 Desember 2026": the registry searched, its size,
    date and whether it is the bundled demo."""
    lang = "en" if lang == "en" else "id"
    facts = []
    if is_demo(registry):
        facts.append("registri DEMO (data contoh, bukan data DJKI)" if lang == "id"
                     else "DEMO registry (sample data, not DJKI records)")
    source = registry.get("source")
    if isinstance(source, Mapping):
        source = source.get("name") or source.get("path")
    if source:
        facts.append(str(source))
    if registry.get("marks") is not None:
        facts.append(f"{count(registry['marks'], lang)} {'merek' if lang == 'id' else 'marks'}")
    if registry.get("built_at"):
        facts.append(("dibangun " if lang == "id" else "built ") + date_text(registry["built_at"], lang))
    head = "Registri" if lang == "id" else "Registry"
    return f"{head}: {' · '.join(facts) if facts else ('tidak diketahui' if lang == 'id' else 'unknown')}"


def count(n: Any, lang: str) -> str:
    """18596 as 18.596 (id) or 18,596 (en)."""
    text = f"{int(n):,}"
    return text.replace(",", ".") if lang == "id" else text


def date_text(value: Any, lang: str) -> str:
    """``2024-05-01`` or ``2024-05-01T10:00:00Z`` as "1 Mei 2024" / "1 May 2024"; anything else unchanged."""
    try:
        when = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)
    return f"{when.day} {_MONTHS['en' if lang == 'en' else 'id'][when.month - 1]} {when.year}"


def explained(result: CheckResult, lang: str = "id") -> dict[str, Any]:
    """The sentences the JSON answer carries beside the verdict (the same ones the page and the report show)."""
    return {"meaning": tier_meaning(result, lang), "next_step": next_step(result, lang),
            "goods_compared": goods_compared(result)}
