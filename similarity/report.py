"""The self-contained HTML report of one check, for an applicant to read, print or forward::

    >>> from similarity.values import CheckResult, Query, Verdict
    >>> page = render_report(CheckResult(Query(name="Kopi Senja", classes=(30,)), Verdict(), ()), lang="en")
    >>> "CLEAR" in page.upper(), "https://" in page
    (True, False)

One file, nothing fetched: the CSS is inline, logos are base64 PNG thumbnails (at most ``THUMBNAIL_PX`` on
the longest side, prepared by :func:`similarity.image.load.load_logo`, so the applicant sees the images that
were compared), fonts are the reader's own, and a Content-Security-Policy forbids any other source. Every
name, owner and reason is escaped. Labels exist in Bahasa Indonesia (default) and English.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from . import __version__
from .classes import NICE_CLASSES
from .explain import (
    DEMO_NOTICE,
    NOT_COMPUTED,
    UNKNOWN_CLASSES,
    count,
    date_text,
    is_demo,
    mark_facts,
    next_step,
    note_text,
    registry_line,
    risk_label,
    tier_meaning,
)
from .image.load import load_logo
from .store.files import write_atomic
from .store.index import MarkIndex
from .values import FACTORS, CheckResult, Match, Reason
from .verdict.status import status_label

THUMBNAIL_PX = 128
"""Longest side of an embedded logo: sharp at the 64 px table size on a 2x phone screen, a few KB each."""

TEMPLATE = Path(__file__).parent / "data" / "report_template.html"
LANGS = ("id", "en")

DISCLAIMER = {
    "id": "Hasil ini adalah penyaringan kemiripan, bukan pendapat hukum. Keputusan ada pada pemeriksa DJKI.",
    "en": "This is a similarity screen, not a legal opinion. The decision rests with the DJKI examiner.",
}

LABELS: Mapping[str, Mapping[str, str]] = {
    "id": {
        "title": "Laporan pemeriksaan kemiripan merek",
        "query": "Merek yang diperiksa",
        "name": "Nama",
        "no_name": "(tanpa nama — hanya logo)",
        "classes": "Kelas Nice",
        "no_classes": "tidak ditentukan — dibandingkan dengan semua kelas",
        "logo": "Logo",
        "no_logo": "tanpa logo",
        "logo_error": "logo tidak dapat dimuat",
        "yours": "Anda",
        "theirs": "registri",
        "verdict": "Tingkat risiko",
        "score": "skor",
        "matches": "Merek mirip di registri",
        "no_matches": "Tidak ditemukan merek yang mirip di registri.",
        "mark": "Merek",
        "owner": "Pemilik",
        "status": "Status",
        "risk": "Risiko",
        "factors": "Faktor",
        "reasons": "Alasan",
        "legend": "Kelas yang juga Anda pilih ditandai gelap.",
        "registry": "Registri",
        "marks_count": "{n} merek",
        "logos_count": "{n} dengan logo",
        "built": "dibangun {date}",
        "generation": "generasi {n}",
        "unknown": "tidak diketahui",
        "generated": "Laporan dibuat {date}",
        "tool": "dibuat dengan brand-similarity {v}",
    },
    "en": {
        "title": "Trademark similarity report",
        "query": "Mark checked",
        "name": "Name",
        "no_name": "(no name — logo only)",
        "classes": "Nice classes",
        "no_classes": "not given — compared against all classes",
        "logo": "Logo",
        "no_logo": "no logo",
        "logo_error": "logo could not be loaded",
        "yours": "yours",
        "theirs": "registry",
        "verdict": "Risk level",
        "score": "score",
        "matches": "Similar marks in the registry",
        "no_matches": "No similar marks were found in the registry.",
        "mark": "Mark",
        "owner": "Owner",
        "status": "Status",
        "risk": "Risk",
        "factors": "Factors",
        "reasons": "Reasons",
        "legend": "Classes you also chose are dark.",
        "registry": "Registry",
        "marks_count": "{n} marks",
        "logos_count": "{n} with a logo",
        "built": "built {date}",
        "generation": "generation {n}",
        "unknown": "unknown",
        "generated": "Report generated {date}",
        "tool": "made with brand-similarity {v}",
    },
}

FACTOR_LABELS: Mapping[str, Mapping[str, str]] = {
    "id": {"sight": "tampilan", "sound": "bunyi", "meaning": "arti", "logo": "logo", "goods": "barang/jasa",
           "name": "peluang konflik nama", "status": "status", "verdict": "ringkasan"},
    "en": {"sight": "sight", "sound": "sound", "meaning": "meaning", "logo": "logo", "goods": "goods/services",
           "name": "name conflict likelihood", "status": "status", "verdict": "summary"},
}

_UPLOADED = "<uploaded>"  # what check() records as Query.logo for bytes: the bytes themselves are gone


def render_report(
    result: CheckResult,
    *,
    lang: str = "id",
    index: MarkIndex | None = None,
    query_logo: str | bytes | None = None,
) -> str:
    """Return the report of ``result`` as one HTML document (a ``str``) that needs nothing else to display.

    ``index`` adds what ``result.registry`` lacks (logo count, source details). ``query_logo`` is the logo
    as checked (path, bytes or ``simple-icons:<slug>``); without it ``result.query.logo`` is used when it is
    a reference. A logo that cannot be loaded is drawn as a labelled placeholder, never an error.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} — use 'id' (Bahasa Indonesia) or 'en'")
    t = LABELS[lang]
    thumbs = _Thumbnails(lang)
    logo_source = query_logo if query_logo is not None else result.query.logo
    show_logos = logo_source is not None or any(m.mark.logo for m in result.matches)

    title = f"{t['title']} — {result.query.name}" if result.query.name else t["title"]
    body = "\n".join((
        f"<header><h1>{escape(t['title'])}</h1>"
        f"<p class=\"sub\">{escape(t['generated'].format(date=_datetime(datetime.now(UTC), lang)))}</p></header>",
        _demo_banner(result, lang, index),
        _query_section(result, lang, None if logo_source is None else thumbs.html(logo_source, "big", t["logo"])),
        _verdict_section(result, lang),
        f"<p class=\"disclaimer\">{escape(DISCLAIMER[lang])}</p>",
        _matches_section(result, lang, thumbs, logo_source, show_logos),
        _footer(result, lang, index),
    ))
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        lang=lang, title=escape(title), generator=escape(f"brand-similarity {__version__}"), body=body
    )


def write_report(
    result: CheckResult,
    path: str | os.PathLike,
    *,
    lang: str = "id",
    index: MarkIndex | None = None,
    query_logo: str | bytes | None = None,
) -> Path:
    """Render the report and write it to ``path`` atomically (temp file, fsync, rename); returns the path.

    A reader (or a browser reloading the file) sees the previous report or the new one, never half of one.
    Missing parent folders are created.
    """
    page = render_report(result, lang=lang, index=index, query_logo=query_logo)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, page.encode("utf-8"))
    return target


# ---------------------------------------------------------------------------------------------- sections
def _query_section(result: CheckResult, lang: str, query_thumb: str | None) -> str:
    t, q = LABELS[lang], result.query
    name = f'<span class="qname">{escape(q.name)}</span>' if q.name else escape(t["no_name"])
    classes = _class_list(q.classes, (), lang) if q.classes else escape(t["no_classes"])
    no_logo = f"<dt>{escape(t['logo'])}</dt><dd>{escape(t['no_logo'])}</dd>" if query_thumb is None else ""
    return (
        f'<section class="query" aria-label="{escape(t["query"])}">{query_thumb or ""}'
        f"<dl><dt>{escape(t['name'])}</dt><dd>{name}</dd>"
        f"<dt>{escape(t['classes'])}</dt><dd>{classes}</dd>{no_logo}</dl></section>"
    )


def _verdict_section(result: CheckResult, lang: str) -> str:
    t, v = LABELS[lang], result.verdict
    label = risk_label(v.risk, lang)
    parts = [
        f'<section class="verdict risk-{escape(v.risk)}"><div class="tier">'
        f"<span>{escape(t['verdict'])}</span><span class=\"big\">{escape(label)}</span>"
        + (f"<span>{escape(t['score'])} {_percent(v.score)}</span>" if result.matches else "")
        + "</div>"
        f'<p class="what">{escape(tier_meaning(result, lang))}</p>'
        f'<p class="next">{escape(next_step(result, lang))}</p>'
    ]
    if v.reasons:
        parts.append(_reason_list(v.reasons, lang, tags=False))
    # The disclaimer note is replaced by the full disclaimer printed under the verdict.
    notes = [n for n in v.notes if n.factor != "disclaimer"]
    if notes:
        parts.append('<div class="notes">' + "<br>".join(escape(note_text(n, lang)) for n in notes) + "</div>")
    parts.append("</section>")
    return "".join(parts)


def _matches_section(result: CheckResult, lang: str, thumbs: _Thumbnails, query_logo: str | bytes | None,
                     show_logos: bool) -> str:
    t = LABELS[lang]
    head = f"<h2>{escape(t['matches'])} ({len(result.matches)})</h2>"
    if not result.matches:
        return f'<section class="matches">{head}<p class="empty">{escape(t["no_matches"])}</p></section>'
    # Side by side only when there is a query logo to compare with; otherwise just the mark's logo.
    query_thumb = None if query_logo is None else thumbs.html(query_logo, "small", t["logo"])
    columns = ["#", *([t["logo"]] if show_logos else []), t["mark"], t["classes"], t["status"],
               t["risk"], t["factors"], t["reasons"]]
    rows = [_match_row(i, m, result.query.classes, lang, thumbs if show_logos else None, query_thumb) for i, m in
            enumerate(result.matches, 1)]
    return (
        f'<section class="matches">{head}<div class="scroll"><table><thead><tr>'
        + "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
        + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
        f'<p class="legend">{escape(NOT_COMPUTED[lang])}<br>{escape(UNKNOWN_CLASSES[lang])}<br>'
        f'{escape(t["legend"])}</p></section>'
    )


def _match_row(i: int, match: Match, query_classes: tuple[int, ...], lang: str, thumbs: _Thumbnails | None,
               query_thumb: str | None) -> str:
    t, mark = LABELS[lang], match.mark
    cells = [f'<td class="num" data-label="#">{i}</td>']
    if thumbs is not None:
        logo = thumbs.html(mark.logo, "small", mark.name)
        if query_thumb is not None:
            logo = (f"<figure>{query_thumb}<figcaption>{escape(t['yours'])}</figcaption></figure>"
                    f"<figure>{logo}<figcaption>{escape(t['theirs'])}</figcaption></figure>")
        cells.append(f'<td data-label="{escape(t["logo"])}"><div class="pair">{logo}</div></td>')
    meta = [escape(fact) for fact in (mark.id, *mark_facts(mark, lang))]
    owner = f'<div class="meta">{escape(t["owner"])}: {escape(mark.owner)}</div>' if mark.owner else ""
    cells.append(f'<td class="mark" data-label="{escape(t["mark"])}"><div class="mname">{escape(mark.name)}</div>'
                 f'{owner}<div class="meta">{" · ".join(meta)}</div></td>')
    classes = _class_list(mark.classes, query_classes, lang) if mark.classes else "—"
    cells.append(f'<td class="classes" data-label="{escape(t["classes"])}">{classes}</td>')
    cells.append(f'<td data-label="{escape(t["status"])}"><span class="status status-{escape(mark.status)}">'
                 f"{escape(status_label(mark.status, lang))}</span></td>")
    risk = risk_label(match.risk, lang)
    cells.append(f'<td data-label="{escape(t["risk"])}"><span class="score">{_percent(match.score)}</span>'
                 f'<span class="pill risk-{escape(match.risk)}">{escape(risk)}</span></td>')
    cells.append(f'<td data-label="{escape(t["factors"])}">{_factor_bars(match, lang)}</td>')
    reasons = _reason_list(match.reasons, lang, tags=True) if match.reasons else "—"
    cells.append(f'<td class="why" data-label="{escape(t["reasons"])}">{reasons}</td>')
    return f"<tr>{''.join(cells)}</tr>"


def _factor_bars(match: Match, lang: str) -> str:
    parts = ['<div class="factors">']
    for factor in FACTORS:
        value = getattr(match.factors, factor)
        name = escape(FACTOR_LABELS[lang][factor])
        if value is None:
            parts.append(f'<span class="fname">{name}</span><span class="bar na"></span><span class="fval">—</span>')
        else:
            width = max(0.0, min(100.0, float(value) * 100))
            parts.append(f'<span class="fname">{name}</span><span class="bar"><span style="width:{width:.0f}%">'
                         f'</span></span><span class="fval">{_percent(value)}</span>')
    parts.append("</div>")
    return "".join(parts)


def _reason_list(reasons: tuple[Reason, ...], lang: str, *, tags: bool) -> str:
    items = []
    for r in reasons:
        tag = ""
        if tags:
            tag = f'<span class="tag">{escape(FACTOR_LABELS[lang].get(r.factor, r.factor))}</span>'
        items.append(f"<li>{tag}{escape(r.text(lang))}</li>")
    return f'<ul class="reasons">{"".join(items)}</ul>' if tags else f"<ul>{''.join(items)}</ul>"


def _class_list(classes: tuple[int, ...], highlight: tuple[int, ...], lang: str) -> str:
    items = []
    for number in classes:
        nice = NICE_CLASSES.get(number)
        title = "" if nice is None else (nice.title_en if lang == "en" else nice.title_id)
        shared = " shared" if number in highlight else ""
        items.append(f'<li><span class="cls{shared}">{int(number)}</span>'
                     f'<span class="ctitle">{escape(title)}</span></li>')
    return f'<ul class="classes">{"".join(items)}</ul>'


def _registry_facts(result: CheckResult, index: MarkIndex | None) -> dict[str, Any]:
    info: dict[str, Any] = dict(index.info()) if index is not None else {}
    info.update({k: v for k, v in (result.registry or {}).items() if v is not None})
    if index is not None and index.source.get("demo"):
        info["demo"] = True
    return info


def _footer(result: CheckResult, lang: str, index: MarkIndex | None) -> str:
    t = LABELS[lang]
    info = _registry_facts(result, index)
    line = registry_line(info, lang)
    if info.get("logos"):
        line += " · " + t["logos_count"].format(n=count(info["logos"], lang))
    if info.get("generation"):
        line += " · " + t["generation"].format(n=info["generation"])
    return (f"<footer><p>{escape(line)}</p>"
            f"<p>{escape(DISCLAIMER[lang])}</p><p>{escape(t['tool'].format(v=__version__))}</p></footer>")


def _demo_banner(result: CheckResult, lang: str, index: MarkIndex | None) -> str:
    if not is_demo(_registry_facts(result, index)):
        return ""
    return f'<p class="demo" role="note">{escape(DEMO_NOTICE[lang])}</p>'


# ---------------------------------------------------------------------------------------------- helpers
class _Thumbnails:
    """Logo thumbnails as ``<div class="thumb">`` snippets, each logo decoded once per report."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._uris: dict[str | bytes, str | None] = {}

    def html(self, source: str | bytes | None, size: str, alt: str) -> str:
        t = LABELS[self.lang]
        if source is None:
            return f'<div class="thumb {size} none">{escape(t["no_logo"])}</div>'
        uri = self._uri(source)
        if uri is None:
            return (f'<div class="thumb {size} broken" role="img" aria-label="{escape(t["logo_error"])}">'
                    f'{escape(t["logo_error"])}</div>')
        return f'<div class="thumb {size}"><img src="{uri}" alt="{escape(alt)}"></div>'

    def _uri(self, source: str | bytes) -> str | None:
        if source not in self._uris:
            self._uris[source] = logo_data_uri(source)
        return self._uris[source]


def logo_thumbnail_png(source: str | bytes, size: int = THUMBNAIL_PX) -> bytes:
    """The prepared logo (trimmed, light ground) as PNG bytes whose longest side is at most ``size`` px — the one
    thumbnail of the package (the report inlines it, the service serves it). Raises ``LogoError`` if it won't load.

    >>> logo_thumbnail_png("simple-icons:github")[:4]
    b'\x89PNG'
    """
    image = load_logo(source)
    image.thumbnail((size, size))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def logo_data_uri(source: str | bytes, size: int = THUMBNAIL_PX) -> str | None:
    """A ``data:image/png;base64,…`` thumbnail of a logo (longest side ≤ ``size``), or None if it won't load.

    >>> logo_data_uri(b"not an image") is None
    True
    """
    if isinstance(source, str) and source == _UPLOADED:
        return None
    try:
        png = logo_thumbnail_png(source, size)
    except (ValueError, OSError, ImportError):  # LogoError is a ValueError; a report must not crash on a logo
        return None
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _percent(value: float) -> str:
    return f"{round(float(value) * 100)}%"


def _datetime(when: datetime, lang: str) -> str:
    return f"{date_text(when.date().isoformat(), lang)}, {when:%H:%M} UTC"
